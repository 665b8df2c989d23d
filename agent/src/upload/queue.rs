//! The outbox: envelopes sealed but not yet accepted by the server, oldest first per device.
//!
//! An envelope leaves the outbox only once its receipt is verified and stored next to its
//! history entry, or once the server refused it for good (then it is moved to `rejected/`
//! with the server's answer). Anything else, including every network failure, leaves it there.

use std::fs;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::home::{io_at, read_bounded, write_atomic, write_new, Home, HomeError};
use crate::state::{entries, entry_name, MAX_ENVELOPE_BYTES};

/// An envelope waiting in the outbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Queued {
    /// Device directory name.
    pub device: String,
    /// Sequence number.
    pub sequence: u64,
    /// The outbox file.
    pub path: PathBuf,
}

impl Queued {
    /// The exact envelope bytes.
    pub fn envelope(&self) -> Result<Vec<u8>, HomeError> {
        read_bounded(&self.path, MAX_ENVELOPE_BYTES)
    }
}

/// Everything in the outbox: devices in name order, each device's envelopes by sequence.
pub fn queued(home: &Home) -> Result<Vec<Queued>, HomeError> {
    let outbox = home.path("outbox");
    let mut devices = Vec::new();
    match fs::read_dir(&outbox) {
        Ok(read) => {
            for entry in read {
                let entry = entry.map_err(io_at(&outbox))?;
                if entry.file_type().map_err(io_at(&outbox))?.is_dir() {
                    if let Some(name) = entry.file_name().to_str() {
                        devices.push(name.to_string());
                    }
                }
            }
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(io_at(&outbox)(e)),
    }
    devices.sort();
    let mut out = Vec::new();
    for device in devices {
        let dir = outbox.join(&device);
        for sequence in entries(&dir)? {
            out.push(Queued {
                path: dir.join(entry_name(sequence)),
                device: device.clone(),
                sequence,
            });
        }
    }
    Ok(out)
}

/// Where the receipt of a history entry is kept.
pub fn receipt_path(home: &Home, device: &str, sequence: u64) -> PathBuf {
    home.path("history")
        .join(device)
        .join(format!("{sequence}.receipt.json"))
}

/// Keeps the verified `receipt` next to the history entry, then removes the envelope from the
/// outbox (in that order: a crash in between only sends it again).
pub fn accept(home: &Home, queued: &Queued, receipt: &[u8]) -> Result<PathBuf, HomeError> {
    home.dir(Path::new("history").join(&queued.device))?;
    let path = receipt_path(home, &queued.device, queued.sequence);
    write_atomic(&path, receipt)?;
    remove(&queued.path)?;
    Ok(path)
}

/// The server's reason for refusing an envelope, as kept in `rejected/`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RejectionRecord {
    /// HTTP status.
    pub status: u16,
    /// The server's error code.
    pub code: String,
    /// The server's explanation.
    pub message: String,
}

/// Moves a refused envelope to `rejected/<device>/` with the server's reason.
pub fn reject(
    home: &Home,
    queued: &Queued,
    record: &RejectionRecord,
) -> Result<PathBuf, HomeError> {
    let dir = home.dir(Path::new("rejected").join(&queued.device))?;
    let target = dir.join(entry_name(queued.sequence));
    match write_new(&target, &queued.envelope()?) {
        Ok(()) => {}
        Err(HomeError::Io { source, .. }) if source.kind() == std::io::ErrorKind::AlreadyExists => {
        }
        Err(e) => return Err(e),
    }
    let reason = serde_json::to_vec_pretty(record).unwrap_or_default();
    write_atomic(
        &dir.join(format!("{}.error.json", queued.sequence)),
        &reason,
    )?;
    remove(&queued.path)?;
    Ok(target)
}

fn remove(path: &Path) -> Result<(), HomeError> {
    match fs::remove_file(path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(io_at(path)(e)),
    }
}
