//! Opening a backup folder: reads `Manifest.plist`, unlocks the keybag when the backup is
//! encrypted, opens `Manifest.db` in memory, and reads (and decrypts) payload files by
//! domain and path. Nothing decrypted is ever written to disk.

use std::io::Read;
use std::path::{Path, PathBuf};

use super::crypto::{self, CryptoError};
use super::keybag::{ClassKeys, KeyUnwrapError, Keybag, KeybagError};
use super::layout;
use super::manifest::{
    Catalogue, CatalogueError, Entry, ManifestPlist, RefusedRow, MAX_MANIFEST_DB_BYTES,
};
use super::plist_read::PlistError;

/// Largest payload file we read (every file we need is a small plist).
pub const MAX_PAYLOAD_BYTES: u64 = 32 * 1024 * 1024;

/// Why a backup could not be opened or a file of it read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BackupError {
    /// A file of the backup folder could not be read.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// A file is larger than accepted.
    #[error("{path}: {size} bytes, more than the {limit} accepted")]
    TooLarge {
        /// The file.
        path: PathBuf,
        /// Its size.
        size: u64,
        /// The limit.
        limit: u64,
    },
    /// `Manifest.plist` could not be read.
    #[error("Manifest.plist: {0}")]
    ManifestPlist(PlistError),
    /// The backup is encrypted and no password was given.
    #[error("this backup is encrypted: a password is needed")]
    PasswordNeeded,
    /// The backup is encrypted but has no keybag.
    #[error("Manifest.plist: the backup is encrypted but has no BackupKeyBag")]
    NoKeybag,
    /// The keybag could not be read or opened (includes a wrong password).
    #[error("{0}")]
    Keybag(#[from] KeybagError),
    /// The key of `Manifest.db` could not be unwrapped.
    #[error("Manifest.plist ManifestKey: {0}")]
    ManifestKey(KeyUnwrapError),
    /// `Manifest.db` could not be decrypted.
    #[error("Manifest.db: {0}")]
    ManifestDecrypt(CryptoError),
    /// `Manifest.db` could not be read.
    #[error(transparent)]
    Catalogue(#[from] CatalogueError),
    /// A catalogue row is unusable.
    #[error("{}: {}", .0.name, .0.reason)]
    Row(RefusedRow),
    /// The file listed in the catalogue is missing from the folder.
    #[error("{name}: listed in Manifest.db but its file {path} is missing")]
    Missing {
        /// Domain and relative path.
        name: String,
        /// Where it should be.
        path: PathBuf,
    },
    /// The payload path is a link or leaves the backup folder.
    #[error("{0}: not a regular file inside the backup folder, refused")]
    Escapes(PathBuf),
    /// A payload file could not be decrypted.
    #[error("{name}: cannot decrypt: {reason}")]
    Decrypt {
        /// Domain and relative path.
        name: String,
        /// Why.
        reason: String,
    },
}

/// Steps reported while opening, so a caller can show progress during key derivation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpenStep {
    /// Key derivation started (takes seconds).
    DerivingKey,
    /// Key derivation finished.
    KeyDerived,
}

/// An opened backup.
pub struct Backup {
    dir: PathBuf,
    canonical_dir: PathBuf,
    /// What `Manifest.plist` says.
    pub manifest: ManifestPlist,
    catalogue: Catalogue,
    keys: Option<ClassKeys>,
}

impl std::fmt::Debug for Backup {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Backup")
            .field("dir", &self.dir)
            .field("encrypted", &self.manifest.encrypted)
            .finish()
    }
}

/// Reads `Manifest.plist` of the backup at `dir` (to learn whether a password is needed).
pub fn read_manifest_plist(dir: &Path) -> Result<ManifestPlist, BackupError> {
    let bytes = read_bounded(&dir.join("Manifest.plist"), 16 * 1024 * 1024)?;
    ManifestPlist::parse(&bytes).map_err(BackupError::ManifestPlist)
}

fn read_bounded(path: &Path, limit: u64) -> Result<Vec<u8>, BackupError> {
    let io = |source| BackupError::Io {
        path: path.to_path_buf(),
        source,
    };
    let file = std::fs::File::open(path).map_err(io)?;
    let size = file.metadata().map_err(io)?.len();
    if size > limit {
        return Err(BackupError::TooLarge {
            path: path.to_path_buf(),
            size,
            limit,
        });
    }
    let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
    file.take(limit + 1).read_to_end(&mut bytes).map_err(io)?;
    Ok(bytes)
}

impl Backup {
    /// Opens the backup at `dir`. `password` is needed when the backup is encrypted;
    /// `progress` hears about the slow key derivation.
    pub fn open(
        dir: &Path,
        password: Option<&[u8]>,
        progress: &mut dyn FnMut(OpenStep),
    ) -> Result<Backup, BackupError> {
        let manifest = read_manifest_plist(dir)?;
        let derived = if manifest.encrypted {
            let password = password.ok_or(BackupError::PasswordNeeded)?;
            let keybag = Keybag::parse(manifest.keybag.as_deref().ok_or(BackupError::NoKeybag)?)?;
            progress(OpenStep::DerivingKey);
            let derived = keybag.derive_key(password);
            progress(OpenStep::KeyDerived);
            Some((keybag, derived?))
        } else {
            None
        };
        Backup::open_with_key(dir, manifest, derived)
    }

    /// Opens the backup with an already derived key (the caller derived it, e.g. once for
    /// several reads, or to time the derivation apart).
    pub fn open_with_key(
        dir: &Path,
        manifest: ManifestPlist,
        derived: Option<(Keybag, crypto::Key)>,
    ) -> Result<Backup, BackupError> {
        let canonical_dir = dir.canonicalize().map_err(|source| BackupError::Io {
            path: dir.to_path_buf(),
            source,
        })?;
        let mut db_bytes = read_bounded(&dir.join("Manifest.db"), MAX_MANIFEST_DB_BYTES)?;
        let keys = match derived {
            Some((keybag, key)) => {
                let keys = keybag.unlock(&key)?;
                if let Some(wrapped) = &manifest.manifest_key {
                    let db_key = keys
                        .unwrap_prefixed(wrapped)
                        .map_err(BackupError::ManifestKey)?;
                    crypto::cbc_decrypt_unpadded(&db_key, &mut db_bytes)
                        .map_err(BackupError::ManifestDecrypt)?;
                    // Current iOS pads Manifest.db (PKCS#7) like every other file; some
                    // tools describe it unpadded. SQLite pages are whole blocks, so a
                    // valid padding block at the end can only be padding.
                    let len = crypto::pkcs7_unpadded_len(&db_bytes);
                    db_bytes.truncate(len);
                }
                Some(keys)
            }
            None => None,
        };
        let catalogue = Catalogue::from_bytes(&db_bytes)?;
        Ok(Backup {
            dir: dir.to_path_buf(),
            canonical_dir,
            manifest,
            catalogue,
            keys,
        })
    }

    /// The backup folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The catalogue.
    pub fn catalogue(&self) -> &Catalogue {
        &self.catalogue
    }

    /// Reads `Info.plist` (never encrypted), if present.
    pub fn info_plist_bytes(&self) -> Option<Result<Vec<u8>, BackupError>> {
        let path = self.dir.join("Info.plist");
        path.exists().then(|| read_bounded(&path, 16 * 1024 * 1024))
    }

    /// The content of `relative_path` in `domain`: `Ok(None)` when the backup does not list it.
    pub fn read_path(
        &self,
        domain: &str,
        relative_path: &str,
    ) -> Result<Option<Vec<u8>>, BackupError> {
        match self.catalogue.find(domain, relative_path)? {
            None => Ok(None),
            Some(Err(refused)) => Err(BackupError::Row(refused)),
            Some(Ok(entry)) if entry.flags != layout::FLAG_FILE => Ok(None),
            Some(Ok(entry)) => self.read(&entry).map(Some),
        }
    }

    /// The content of a catalogue entry, decrypted when needed.
    pub fn read(&self, entry: &Entry) -> Result<Vec<u8>, BackupError> {
        let name = format!("{}::{}", entry.domain, entry.relative_path);
        let path = layout::payload_path(&self.dir, &entry.file_id)
            .ok_or_else(|| BackupError::Escapes(PathBuf::from(&entry.file_id)))?;
        let meta = match std::fs::symlink_metadata(&path) {
            Ok(meta) => meta,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(BackupError::Missing { name, path })
            }
            Err(source) => return Err(BackupError::Io { path, source }),
        };
        // A link (or a link in the two-digit folder) could point anywhere on the computer.
        let inside = path
            .canonicalize()
            .map(|c| c.starts_with(&self.canonical_dir))
            .unwrap_or(false);
        if !meta.file_type().is_file() || !inside {
            return Err(BackupError::Escapes(path));
        }
        let mut bytes = read_bounded(&path, MAX_PAYLOAD_BYTES)?;
        let Some(keys) = &self.keys else {
            return Ok(bytes);
        };
        let decrypt_error = |reason: String| BackupError::Decrypt {
            name: name.clone(),
            reason,
        };
        let wrapped = entry
            .file
            .encryption_key
            .as_deref()
            .ok_or_else(|| decrypt_error("no EncryptionKey in its record".into()))?;
        let key = keys
            .unwrap_prefixed(wrapped)
            .map_err(|e| decrypt_error(e.to_string()))?;
        let len = crypto::cbc_decrypt_padded(&key, &mut bytes)
            .map_err(|e| decrypt_error(e.to_string()))?;
        bytes.truncate(len);
        if entry.file.size != 0 && bytes.len() as u64 != entry.file.size {
            return Err(decrypt_error(format!(
                "{} bytes after decryption, the record says {}",
                bytes.len(),
                entry.file.size
            )));
        }
        Ok(bytes)
    }
}
