//! `Manifest.plist` (never encrypted: says whether the rest is, and carries the keybag) and
//! `Manifest.db` (the SQLite catalogue of every file). The catalogue is opened from bytes in
//! memory through SQLite's deserialize API, so a decrypted catalogue never touches the disk.

use plist::Dictionary;
use rusqlite::{Connection, OpenFlags};

use super::layout::{self, FLAG_FILE};
use super::mbfile::{MbFile, MbFileError};
use super::plist_read::{self, PlistError, PlistLimits};

/// Largest `Manifest.db` accepted (a full backup of a 256 GB iPad has a catalogue of a few
/// hundred megabytes).
pub const MAX_MANIFEST_DB_BYTES: u64 = 1024 * 1024 * 1024;
/// Most rows returned by one query of the catalogue.
pub const MAX_ROWS_PER_QUERY: usize = 100_000;

/// What `Manifest.plist` says.
#[derive(Debug, Clone, Default)]
pub struct ManifestPlist {
    /// `IsEncrypted`.
    pub encrypted: bool,
    /// `WasPasscodeSet`.
    pub passcode_set: Option<bool>,
    /// `Version`.
    pub version: Option<String>,
    /// `Date`, RFC 3339.
    pub date: Option<String>,
    /// `Lockdown`: device identity at backup time.
    pub lockdown: Dictionary,
    /// `Applications`: bundle id → { `CFBundleIdentifier`, `CFBundleVersion`, `Path`, … }.
    pub applications: Dictionary,
    /// `BackupKeyBag`.
    pub keybag: Option<Vec<u8>>,
    /// `ManifestKey` (encrypted backups from iOS 10.2 on).
    pub manifest_key: Option<Vec<u8>>,
}

impl ManifestPlist {
    /// Reads `Manifest.plist` from its bytes.
    pub fn parse(bytes: &[u8]) -> Result<ManifestPlist, PlistError> {
        let dict = plist_read::read_dictionary(bytes, PlistLimits::default())?;
        let data = |key: &str| dict.get(key).and_then(|v| v.as_data()).map(<[u8]>::to_vec);
        Ok(ManifestPlist {
            encrypted: dict
                .get("IsEncrypted")
                .and_then(|v| v.as_boolean())
                .unwrap_or(false),
            passcode_set: dict.get("WasPasscodeSet").and_then(|v| v.as_boolean()),
            version: dict
                .get("Version")
                .and_then(|v| v.as_string())
                .map(str::to_owned),
            date: dict
                .get("Date")
                .and_then(|v| v.as_date())
                .map(|d| d.to_xml_format()),
            lockdown: dict
                .get("Lockdown")
                .and_then(|v| v.as_dictionary())
                .cloned()
                .unwrap_or_default(),
            applications: dict
                .get("Applications")
                .and_then(|v| v.as_dictionary())
                .cloned()
                .unwrap_or_default(),
            keybag: data("BackupKeyBag"),
            manifest_key: data("ManifestKey"),
        })
    }
}

/// Why the catalogue could not be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CatalogueError {
    /// SQLite refused the bytes or a query failed: damaged or not a `Manifest.db`.
    #[error("Manifest.db is damaged or not a backup catalogue: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// The catalogue is empty.
    #[error("Manifest.db is empty")]
    Empty,
    /// A query returned more rows than accepted.
    #[error("Manifest.db lists more than {MAX_ROWS_PER_QUERY} files under one folder")]
    TooManyRows,
}

/// One row of `Files`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// `fileID`.
    pub file_id: String,
    /// `domain`.
    pub domain: String,
    /// `relativePath`.
    pub relative_path: String,
    /// `flags` (1 file, 2 directory, 4 symbolic link).
    pub flags: i64,
    /// The decoded `file` column.
    pub file: MbFile,
}

/// A row refused while listing, with why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefusedRow {
    /// `domain` and `relativePath` as found.
    pub name: String,
    /// Why it was refused.
    pub reason: String,
}

/// The opened catalogue, in memory.
pub struct Catalogue {
    db: Connection,
}

impl std::fmt::Debug for Catalogue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Catalogue")
    }
}

impl Catalogue {
    /// Opens a plaintext `Manifest.db` from its bytes, read-only and in memory.
    pub fn from_bytes(bytes: &[u8]) -> Result<Catalogue, CatalogueError> {
        if bytes.is_empty() {
            return Err(CatalogueError::Empty);
        }
        let mut db = Connection::open_with_flags(
            ":memory:",
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        db.deserialize_read_exact(rusqlite::MAIN_DB, bytes, bytes.len(), true)?;
        // A damaged file often deserializes fine and fails on first use: check now, once.
        db.query_row("SELECT count(*) FROM Files", [], |r| r.get::<_, i64>(0))?;
        Ok(Catalogue { db })
    }

    /// The regular files of `domain` whose relative path starts with `prefix`, and the rows
    /// refused on the way (wrong fileID, unsafe path, undecodable record).
    pub fn files_under(
        &self,
        domain: &str,
        prefix: &str,
    ) -> Result<(Vec<Entry>, Vec<RefusedRow>), CatalogueError> {
        let mut stmt = self.db.prepare(
            "SELECT fileID, domain, relativePath, flags, file FROM Files \
             WHERE domain = ?1 AND substr(relativePath, 1, length(?2)) = ?2 AND flags = ?3",
        )?;
        let mut rows = stmt.query(rusqlite::params![domain, prefix, FLAG_FILE])?;
        let mut entries = Vec::new();
        let mut refused = Vec::new();
        while let Some(row) = rows.next()? {
            if entries.len() + refused.len() >= MAX_ROWS_PER_QUERY {
                return Err(CatalogueError::TooManyRows);
            }
            match decode_row(row) {
                Ok(entry) => entries.push(entry),
                Err(r) => refused.push(r),
            }
        }
        Ok((entries, refused))
    }

    /// The row of `relative_path` in `domain`, looked up by the fileID we compute ourselves.
    pub fn find(
        &self,
        domain: &str,
        relative_path: &str,
    ) -> Result<Option<Result<Entry, RefusedRow>>, CatalogueError> {
        let id = layout::file_id(domain, relative_path);
        let mut stmt = self.db.prepare(
            "SELECT fileID, domain, relativePath, flags, file FROM Files WHERE fileID = ?1",
        )?;
        let mut rows = stmt.query([id])?;
        match rows.next()? {
            Some(row) => Ok(Some(decode_row(row))),
            None => Ok(None),
        }
    }

    /// Number of rows in `Files`.
    pub fn count(&self) -> Result<u64, CatalogueError> {
        let n: i64 = self
            .db
            .query_row("SELECT count(*) FROM Files", [], |r| r.get(0))?;
        Ok(u64::try_from(n).unwrap_or(0))
    }
}

/// Decodes one `Files` row, checking everything that will later become a path.
pub fn decode_row(row: &rusqlite::Row<'_>) -> Result<Entry, RefusedRow> {
    let text = |i: usize| -> Option<String> { row.get::<_, Option<String>>(i).ok().flatten() };
    let domain = text(1).unwrap_or_default();
    let relative_path = text(2).unwrap_or_default();
    let name = format!("{domain}::{relative_path}");
    let refuse = |reason: String| RefusedRow {
        name: name.clone(),
        reason,
    };
    let file_id = text(0).ok_or_else(|| refuse("no fileID".into()))?;
    let flags: i64 = row.get(3).map_err(|e| refuse(format!("flags: {e}")))?;
    let blob: Option<Vec<u8>> = row.get(4).map_err(|e| refuse(format!("file: {e}")))?;
    entry_from_parts(file_id, domain, relative_path, flags, blob.as_deref()).map_err(refuse)
}

/// Checks and decodes the parts of a `Files` row (separate from SQLite for fuzzing).
pub fn entry_from_parts(
    file_id: String,
    domain: String,
    relative_path: String,
    flags: i64,
    blob: Option<&[u8]>,
) -> Result<Entry, String> {
    if !layout::is_safe_relative_path(&relative_path) {
        return Err("the relative path leaves its domain".into());
    }
    if !layout::is_file_id(&file_id) {
        return Err("the fileID is not 40 hex digits".into());
    }
    if file_id != layout::file_id(&domain, &relative_path) {
        return Err("the fileID does not match the domain and path".into());
    }
    let file = match blob {
        Some(blob) => MbFile::decode(blob).map_err(|e: MbFileError| e.to_string())?,
        None => MbFile::default(),
    };
    Ok(Entry {
        file_id,
        domain,
        relative_path,
        flags,
        file,
    })
}

/// Builds a `Manifest.db` in memory and returns its bytes (backup writer).
pub fn build_catalogue(entries: &[Entry]) -> Result<Vec<u8>, CatalogueError> {
    let db = Connection::open_in_memory()?;
    db.execute_batch(
        "CREATE TABLE Files (fileID TEXT PRIMARY KEY, domain TEXT, relativePath TEXT, flags INTEGER, file BLOB);
         CREATE INDEX FilesDomainIdx ON Files(domain);
         CREATE INDEX FilesRelativePathIdx ON Files(relativePath);
         CREATE INDEX FilesFlagsIdx ON Files(flags);
         CREATE TABLE Properties (key TEXT PRIMARY KEY, value BLOB);",
    )?;
    {
        let mut insert = db.prepare(
            "INSERT INTO Files (fileID, domain, relativePath, flags, file) VALUES (?1, ?2, ?3, ?4, ?5)",
        )?;
        for e in entries {
            insert.execute(rusqlite::params![
                e.file_id,
                e.domain,
                e.relative_path,
                e.flags,
                e.file.encode()
            ])?;
        }
    }
    let data = db.serialize(rusqlite::MAIN_DB)?;
    Ok(data.to_vec())
}
