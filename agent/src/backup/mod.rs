//! Finder/iTunes backups, plain and encrypted: the only way to read a device whose MDM
//! forbids pairing, and the richest one (full profile payloads, install history, managed
//! apps, effective restrictions and their changes).
//!
//! # Layout
//! - [`layout`]: where backups live, file naming (fileID), path safety.
//! - [`keybag`]: the backup keybag and password → class keys.
//! - [`crypto`]: PBKDF2, AES key wrap, AES-CBC.
//! - [`mbfile`]: the NSKeyedArchiver `MBFile` record of each catalogue row.
//! - [`manifest`]: `Manifest.plist` and the `Manifest.db` catalogue, in memory.
//! - [`reader`]: an opened backup; reads and decrypts files by domain and path.
//! - [`extract`]: an opened backup → the facts of a snapshot.
//!
//! Writing backups (for tests and demonstrations) is the test kit's job
//! (`lucarne_virtual_ipad::writer`); the write-side helpers it needs (key wrap, keybag
//! generation, catalogue building, `MBFile` encoding) stay here, next to the readers they
//! mirror, and are tested against them.
//!
//! Invariant: decrypted bytes stay in memory; nothing is written inside or outside the
//! backup folder while reading, and no path built from the catalogue leaves that folder.

pub mod crypto;
pub mod extract;
pub mod keybag;
pub mod layout;
pub mod manifest;
pub mod mbfile;
pub mod reader;

pub use extract::{extract, BackupFacts};
pub use reader::{Backup, BackupError, OpenStep};

use std::path::Path;

/// Opens the backup at `dir` and reads every fact it holds.
pub fn scan(
    dir: &Path,
    password: Option<&[u8]>,
    progress: &mut dyn FnMut(OpenStep),
) -> Result<BackupFacts, BackupError> {
    let backup = Backup::open(dir, password, progress)?;
    Ok(extract(&backup))
}
