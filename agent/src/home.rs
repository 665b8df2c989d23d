//! The agent's data directory: key, salt, registration, local history, outbox.
//!
//! It is `$LUCARNE_HOME` when set (tests use it), else the platform's data directory
//! (`~/.local/share/lucarne` on Linux, `~/Library/Application Support/fr.Lucarne.lucarne` on
//! macOS, `%APPDATA%\Lucarne\lucarne\data` on Windows).
//!
//! Layout:
//! ```text
//! key.p8                        the agent's Ed25519 key (PKCS#8), 0600
//! salt                          32 random bytes for secret redaction, 0600
//! server.json                   registration: server URL, key id, log identity
//! chain.json                    per device: last sequence and hash (see `state`)
//! log.json                      the last log checkpoint verified (see `upload::receipt`)
//! lock                          held while sealing or pushing
//! history/<device>/<n>.json     every sealed envelope, exact bytes
//! history/<device>/<n>.receipt.json   its verified receipt
//! outbox/<device>/<n>.json      envelopes not yet accepted by the server
//! rejected/<device>/<n>.json    envelopes the server refused, with `<n>.error.json`
//! ```
//!
//! Invariant: every file is written whole or not at all (temporary file, `fsync`, rename), and
//! the directory and the secret files are readable by their owner only (Unix).

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write as _};
use std::path::{Path, PathBuf};

/// Environment variable naming the data directory.
pub const HOME_ENV: &str = "LUCARNE_HOME";

/// Why the data directory or one of its files cannot be used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum HomeError {
    /// No data directory: `$LUCARNE_HOME` unset and the platform has no home directory.
    #[error("no data directory: set {HOME_ENV} to a directory Lucarne may use")]
    NoDataDir,
    /// A file or directory operation failed.
    #[error("{path}: {source}")]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The error.
        source: io::Error,
    },
    /// A private file or directory can be read or changed by other users.
    #[error(
        "{path} can be accessed by other users (mode {mode:o}); Lucarne refuses to use it. \
         If nobody else could have read it, run `chmod {wanted:o} {path}`; otherwise delete it \
         and start again (a new key must be registered again)"
    )]
    Exposed {
        /// The file or directory.
        path: PathBuf,
        /// Its permission bits.
        mode: u32,
        /// The permission bits Lucarne expects.
        wanted: u32,
    },
}

/// Attaches the path to an I/O error.
pub(crate) fn io_at(path: &Path) -> impl FnOnce(io::Error) -> HomeError + '_ {
    move |source| HomeError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// The agent's data directory, created and checked.
#[derive(Debug, Clone)]
pub struct Home {
    root: PathBuf,
}

impl Home {
    /// The data directory of this user (see the module docs), created if absent.
    pub fn locate() -> Result<Home, HomeError> {
        if let Some(dir) = std::env::var_os(HOME_ENV).filter(|d| !d.is_empty()) {
            return Home::at(PathBuf::from(dir));
        }
        let dirs = directories::ProjectDirs::from("fr", "Lucarne", "lucarne")
            .ok_or(HomeError::NoDataDir)?;
        Home::at(dirs.data_dir().to_path_buf())
    }

    /// The data directory at `root`, created (owner-only) if absent; refused if others can
    /// access it.
    pub fn at(root: impl Into<PathBuf>) -> Result<Home, HomeError> {
        let root = root.into();
        create_private_dir(&root)?;
        check_private(&root, 0o700)?;
        Ok(Home { root })
    }

    /// The directory itself.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// A path inside the directory.
    pub fn path(&self, relative: impl AsRef<Path>) -> PathBuf {
        self.root.join(relative)
    }

    /// A subdirectory, created (owner-only) if absent.
    pub fn dir(&self, relative: impl AsRef<Path>) -> Result<PathBuf, HomeError> {
        let dir = self.root.join(relative);
        create_private_dir(&dir)?;
        Ok(dir)
    }
}

/// Creates `dir` and its missing parents, the new ones readable by their owner only.
pub(crate) fn create_private_dir(dir: &Path) -> Result<(), HomeError> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir).map_err(io_at(dir))
}

/// Refuses a file or directory that users other than its owner can access.
#[cfg(unix)]
pub(crate) fn check_private(path: &Path, wanted: u32) -> Result<(), HomeError> {
    use std::os::unix::fs::PermissionsExt as _;
    let mode = fs::metadata(path)
        .map_err(io_at(path))?
        .permissions()
        .mode()
        & 0o777;
    if mode & 0o077 != 0 {
        return Err(HomeError::Exposed {
            path: path.to_path_buf(),
            mode,
            wanted,
        });
    }
    Ok(())
}

/// Permissions are left to the platform's ACLs outside Unix.
#[cfg(not(unix))]
pub(crate) fn check_private(_path: &Path, _wanted: u32) -> Result<(), HomeError> {
    Ok(())
}

/// Writes `bytes` to a new temporary file next to `path` (owner-only), flushed to disk.
fn write_temp(path: &Path, bytes: &[u8]) -> Result<PathBuf, HomeError> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let random: u64 = {
        let mut b = [0u8; 8];
        ring::rand::SecureRandom::fill(&ring::rand::SystemRandom::new(), &mut b)
            .map_err(|_| io_at(path)(io::Error::other("no system randomness")))?;
        u64::from_le_bytes(b)
    };
    let temp = dir.join(format!(".{name}.{random:016x}.tmp"));
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let result = options.open(&temp).and_then(|mut f| {
        f.write_all(bytes)?;
        f.sync_all()
    });
    if let Err(e) = result {
        let _ = fs::remove_file(&temp);
        return Err(io_at(&temp)(e));
    }
    Ok(temp)
}

/// Makes a rename or link durable.
fn sync_dir(path: &Path) -> Result<(), HomeError> {
    #[cfg(unix)]
    if let Some(dir) = path.parent() {
        File::open(dir)
            .and_then(|d| d.sync_all())
            .map_err(io_at(dir))?;
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

/// Replaces `path` with `bytes` atomically: readers see the old content or the new, never a
/// mix. The file is owner-only.
pub(crate) fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), HomeError> {
    let temp = write_temp(path, bytes)?;
    if let Err(e) = fs::rename(&temp, path) {
        let _ = fs::remove_file(&temp);
        return Err(io_at(path)(e));
    }
    sync_dir(path)
}

/// Creates `path` with `bytes` atomically, failing with [`io::ErrorKind::AlreadyExists`] if it
/// exists: what was written once is never replaced.
pub(crate) fn write_new(path: &Path, bytes: &[u8]) -> Result<(), HomeError> {
    let temp = write_temp(path, bytes)?;
    let linked = fs::hard_link(&temp, path);
    let _ = fs::remove_file(&temp);
    linked.map_err(io_at(path))?;
    sync_dir(path)
}

/// Reads a file of at most `max` bytes.
pub(crate) fn read_bounded(path: &Path, max: u64) -> Result<Vec<u8>, HomeError> {
    use std::io::Read as _;
    let file = File::open(path).map_err(io_at(path))?;
    let mut bytes = Vec::new();
    file.take(max + 1)
        .read_to_end(&mut bytes)
        .map_err(io_at(path))?;
    if bytes.len() as u64 > max {
        return Err(io_at(path)(io::Error::new(
            io::ErrorKind::InvalidData,
            format!("larger than the {max} bytes expected"),
        )));
    }
    Ok(bytes)
}

/// Holds the data directory's lock: one agent at a time seals or pushes.
#[derive(Debug)]
pub struct HomeLock {
    _file: File,
}

impl Home {
    /// Waits for and takes the data directory's lock (released when dropped).
    pub fn lock(&self) -> Result<HomeLock, HomeError> {
        let path = self.path("lock");
        let mut options = OpenOptions::new();
        options.write(true).create(true).truncate(false);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let file = options.open(&path).map_err(io_at(&path))?;
        file.lock().map_err(io_at(&path))?;
        Ok(HomeLock { _file: file })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn creates_an_owner_only_directory_and_refuses_an_open_one() {
        use std::os::unix::fs::PermissionsExt as _;
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("a/b");
        let home = Home::at(&root).unwrap();
        let mode = fs::metadata(home.root()).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o700);
        fs::set_permissions(&root, fs::Permissions::from_mode(0o755)).unwrap();
        let err = Home::at(&root).unwrap_err();
        assert!(
            matches!(err, HomeError::Exposed { mode: 0o755, .. }),
            "{err}"
        );
        assert!(err.to_string().contains("chmod 700"));
    }

    #[cfg(unix)]
    #[test]
    fn atomic_writes_are_owner_only_and_new_files_are_never_replaced() {
        use std::os::unix::fs::PermissionsExt as _;
        let tmp = tempfile::tempdir().unwrap();
        let home = Home::at(tmp.path().join("h")).unwrap();
        let p = home.path("f");
        write_atomic(&p, b"one").unwrap();
        write_atomic(&p, b"two").unwrap();
        assert_eq!(fs::read(&p).unwrap(), b"two");
        assert_eq!(
            fs::metadata(&p).unwrap().permissions().mode() & 0o777,
            0o600
        );
        let q = home.path("g");
        write_new(&q, b"first").unwrap();
        let err = write_new(&q, b"second").unwrap_err();
        assert!(
            matches!(&err, HomeError::Io { source, .. } if source.kind() == io::ErrorKind::AlreadyExists)
        );
        assert_eq!(fs::read(&q).unwrap(), b"first");
        // No temporary file is left behind.
        let names: Vec<_> = fs::read_dir(home.root())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names.len(), 2, "{names:?}");
    }

    #[test]
    fn bounded_reads_refuse_larger_files() {
        let tmp = tempfile::tempdir().unwrap();
        let p = tmp.path().join("f");
        fs::write(&p, b"12345").unwrap();
        assert_eq!(read_bounded(&p, 5).unwrap(), b"12345");
        assert!(read_bounded(&p, 4).is_err());
    }
}
