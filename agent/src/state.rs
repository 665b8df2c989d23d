//! Sealing snapshots: the per-device hash chain, the local history and the outbox.
//!
//! [`seal`] gives a snapshot the next sequence number of its device and the hash of that
//! device's previous sealed snapshot, serialises it once, signs those exact bytes, and stores
//! the envelope in the history and the outbox before it records the new chain state.
//!
//! Crash safety: every file is written whole or not at all, history and outbox entries are
//! never replaced, and the chain state (`chain.json`) is written last. After a crash between
//! those steps, the next seal finds a history entry newer than the chain state, takes the chain
//! from it and puts it back in the outbox if it was not there: a sequence number is never used
//! twice and a sealed snapshot is never lost. A `chain.json` that does not parse or whose
//! checksum does not match is reported, never silently reset (that could reuse numbers).
//!
//! After the server refuses a snapshot for good, [`rewind`] points the device's chain back at
//! the last snapshot that was not refused nor linked to a refused one (its sequence number
//! is not reused: the server accepts gaps). The refused envelope stays in `rejected/` with
//! the server's reason, and the next snapshot links to what the server holds, instead of
//! being refused as a fork, and every later one with it.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use lucarne_profiles::Snapshot;
use lucarne_proof::envelope::{sha256_hex, Envelope};
use serde::{Deserialize, Serialize};

use crate::home::{io_at, read_bounded, write_atomic, write_new, Home, HomeError};
use crate::keys::AgentKey;

/// Schema identifier of `chain.json`.
pub const CHAIN_SCHEMA: &str = "lucarne.chain/1";
/// Largest envelope the agent reads back from its own history.
pub const MAX_ENVELOPE_BYTES: u64 = 64 * 1024 * 1024;
/// Directory name used for snapshots that name no device.
pub const UNKNOWN_DEVICE: &str = "unknown-device";

/// Why a snapshot could not be sealed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StateError {
    /// The data directory or one of its files cannot be used.
    #[error(transparent)]
    Home(#[from] HomeError),
    /// `chain.json` is damaged (half-written, edited or corrupted).
    #[error(
        "{path} is damaged ({reason}); Lucarne will not guess the next sequence numbers. \
         Restore it from a backup, or move it aside: the chain is then rebuilt from the history"
    )]
    DamagedChain {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// A history entry cannot be read back.
    #[error("{path} is not a readable sealed snapshot: {reason}")]
    DamagedHistory {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// The snapshot could not be serialised.
    #[error("the snapshot cannot be serialised: {0}")]
    Serialise(String),
    /// A device has used every sequence number.
    #[error("device {0} has no sequence number left")]
    SequenceExhausted(String),
}

/// A snapshot signed and stored, waiting in the outbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SealedSnapshot {
    /// Directory name of the device in the history and the outbox.
    pub device: String,
    /// Its sequence number.
    pub sequence: u64,
    /// Hex SHA-256 of the snapshot bytes (the next snapshot's `previous_hash`).
    pub snapshot_sha256: String,
    /// The exact envelope bytes, as stored and as they will be sent.
    pub envelope: Vec<u8>,
    /// Where the history keeps them.
    pub history_path: PathBuf,
}

/// The chain state of one device.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceChain {
    /// Last sequence number used (never used again, even when the server refused it).
    pub sequence: u64,
    /// Hex SHA-256 of the snapshot the next one links to: the last one sealed, or after a
    /// refusal ([`rewind`]) the last one not refused nor linked to a refused one; `None` when
    /// there is none (the next snapshot is the device's first for the server).
    pub last_sha256: Option<String>,
}

#[derive(Debug, Serialize, Deserialize)]
struct ChainFile {
    schema: String,
    devices: BTreeMap<String, DeviceChain>,
    /// Hex SHA-256 of the JSON of `devices`: detects a damaged file that still parses.
    check: String,
}

fn checksum(devices: &BTreeMap<String, DeviceChain>) -> Result<String, StateError> {
    let bytes = serde_json::to_vec(devices).map_err(|e| StateError::Serialise(e.to_string()))?;
    Ok(sha256_hex(&bytes))
}

/// Reads `chain.json` (absent: no device sealed yet).
pub fn load_chain(home: &Home) -> Result<BTreeMap<String, DeviceChain>, StateError> {
    let path = home.path("chain.json");
    if !path.exists() {
        return Ok(BTreeMap::new());
    }
    let damaged = |reason: String| StateError::DamagedChain {
        path: path.clone(),
        reason,
    };
    let bytes = read_bounded(&path, 16 * 1024 * 1024)?;
    let file: ChainFile = serde_json::from_slice(&bytes).map_err(|e| damaged(e.to_string()))?;
    if file.schema != CHAIN_SCHEMA {
        return Err(damaged(format!("unknown schema `{}`", file.schema)));
    }
    if checksum(&file.devices)? != file.check {
        return Err(damaged("its checksum does not match its content".into()));
    }
    Ok(file.devices)
}

fn save_chain(home: &Home, devices: BTreeMap<String, DeviceChain>) -> Result<(), StateError> {
    let check = checksum(&devices)?;
    let file = ChainFile {
        schema: CHAIN_SCHEMA.into(),
        devices,
        check,
    };
    let bytes =
        serde_json::to_vec_pretty(&file).map_err(|e| StateError::Serialise(e.to_string()))?;
    Ok(write_atomic(&home.path("chain.json"), &bytes)?)
}

/// The directory name of a device: its UDID when it is a plain identifier, else a hash of it
/// (the UDID comes from the device and is not trusted as a path).
pub fn device_dir_name(udid: Option<&str>) -> String {
    match udid {
        None => UNKNOWN_DEVICE.to_string(),
        Some(u)
            if !u.is_empty()
                && u.len() <= 64
                && !u.starts_with('.')
                && u.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') =>
        {
            u.to_string()
        }
        Some(u) => format!("udid-{}", &sha256_hex(u.as_bytes())[..32]),
    }
}

/// Sequence numbers of the entries `<n>.json` of a directory, in increasing order.
pub(crate) fn entries(dir: &Path) -> Result<Vec<u64>, HomeError> {
    let mut out = Vec::new();
    let read = match fs::read_dir(dir) {
        Ok(read) => read,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(out),
        Err(e) => return Err(io_at(dir)(e)),
    };
    for entry in read {
        let entry = entry.map_err(io_at(dir))?;
        let name = entry.file_name();
        let Some(stem) = name.to_str().and_then(|n| n.strip_suffix(".json")) else {
            continue;
        };
        if let Ok(n) = stem.parse::<u64>() {
            if n.to_string() == stem {
                out.push(n);
            }
        }
    }
    out.sort_unstable();
    Ok(out)
}

/// The file name of entry `n`.
pub(crate) fn entry_name(sequence: u64) -> String {
    format!("{sequence}.json")
}

/// Reads a stored envelope back and returns its snapshot bytes.
fn stored_snapshot(path: &Path) -> Result<Vec<u8>, StateError> {
    let damaged = |reason: String| StateError::DamagedHistory {
        path: path.to_path_buf(),
        reason,
    };
    let bytes = read_bounded(path, MAX_ENVELOPE_BYTES)?;
    let envelope = Envelope::from_json(&bytes).map_err(|e| damaged(e.to_string()))?;
    envelope
        .snapshot_bytes()
        .map_err(|e| damaged(e.to_string()))
}

/// The devices of the local history (directory names, see [`device_dir_name`]).
pub fn history_devices(home: &Home) -> Result<Vec<String>, StateError> {
    let dir = home.path("history");
    let mut out = Vec::new();
    let read = match fs::read_dir(&dir) {
        Ok(read) => read,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(out),
        Err(e) => return Err(io_at(&dir)(e).into()),
    };
    for entry in read {
        let entry = entry.map_err(io_at(&dir))?;
        if entry.path().is_dir() {
            if let Some(name) = entry.file_name().to_str() {
                out.push(name.to_string());
            }
        }
    }
    out.sort();
    Ok(out)
}

/// The sequence numbers of a device's history, oldest first.
pub fn history_sequences(home: &Home, device: &str) -> Result<Vec<u64>, StateError> {
    Ok(entries(&home.path("history").join(device))?)
}

/// The snapshot bytes of history entry `sequence` of `device`, as signed.
pub fn history_snapshot(home: &Home, device: &str, sequence: u64) -> Result<Vec<u8>, StateError> {
    stored_snapshot(&home.path("history").join(device).join(entry_name(sequence)))
}

/// The exact envelope bytes of history entry `sequence` of `device`, as signed and sent.
pub fn history_envelope(home: &Home, device: &str, sequence: u64) -> Result<Vec<u8>, StateError> {
    let path = home.path("history").join(device).join(entry_name(sequence));
    Ok(read_bounded(&path, MAX_ENVELOPE_BYTES)?)
}

/// Brings the chain state of `device` up to its history after an interrupted seal, and puts a
/// newest history entry that never reached the outbox (nor a receipt, nor `rejected/`) back in
/// the outbox.
fn recover(
    home: &Home,
    device: &str,
    chain: Option<DeviceChain>,
) -> Result<Option<DeviceChain>, StateError> {
    let history = home.path("history").join(device);
    let Some(&newest) = entries(&history)?.last() else {
        return Ok(chain);
    };
    if chain.as_ref().is_some_and(|c| c.sequence >= newest) {
        return Ok(chain);
    }
    let path = history.join(entry_name(newest));
    let receipted = history.join(format!("{newest}.receipt.json")).exists();
    let rejected = home
        .path("rejected")
        .join(device)
        .join(entry_name(newest))
        .exists();
    let queued = home.path("outbox").join(device).join(entry_name(newest));
    if !receipted && !rejected && !queued.exists() {
        home.dir(Path::new("outbox").join(device))?;
        let envelope = read_bounded(&path, MAX_ENVELOPE_BYTES)?;
        write_new(&queued, &envelope)?;
    }
    Ok(Some(DeviceChain {
        sequence: newest,
        last_sha256: chain_head(home, device)?,
    }))
}

/// The snapshot of `device` the next one must link to: the newest history entry that was
/// not refused and whose own links do not go through a refused one. Reads the device's whole
/// history: done after a refusal or a crash only.
fn chain_head(home: &Home, device: &str) -> Result<Option<String>, StateError> {
    #[derive(Deserialize)]
    struct Link {
        #[serde(default)]
        previous_hash: Option<String>,
    }
    let history = home.path("history").join(device);
    let mut good = std::collections::HashMap::<String, bool>::new();
    let mut head = None;
    for sequence in entries(&history)? {
        let path = history.join(entry_name(sequence));
        let bytes = stored_snapshot(&path)?;
        let link: Link =
            serde_json::from_slice(&bytes).map_err(|e| StateError::DamagedHistory {
                path: path.clone(),
                reason: e.to_string(),
            })?;
        let refused = was_refused(home, device, sequence);
        // A link to a snapshot no longer in the history (history trimmed) is trusted: only
        // refusals seen here break the chain.
        let linked = link
            .previous_hash
            .as_deref()
            .is_none_or(|p| good.get(&p.to_ascii_lowercase()).copied().unwrap_or(true));
        let hash = sha256_hex(&bytes);
        let ok = !refused && linked;
        good.insert(hash.clone(), ok);
        if ok {
            head = Some(hash);
        }
    }
    Ok(head)
}

/// The server refused snapshot `sequence` of `device` for good (it is in `rejected/`).
pub fn was_refused(home: &Home, device: &str, sequence: u64) -> bool {
    home.path("rejected")
        .join(device)
        .join(entry_name(sequence))
        .exists()
}

/// Points the chain of `device` back at its last good snapshot after the server refused one
/// for good (see the module docs). The caller holds the home's lock.
pub fn rewind(home: &Home, device: &str) -> Result<(), StateError> {
    let mut devices = load_chain(home)?;
    let newest = entries(&home.path("history").join(device))?
        .last()
        .copied()
        .unwrap_or(0);
    let sequence = devices
        .get(device)
        .map_or(newest, |c| c.sequence.max(newest));
    let head = chain_head(home, device)?;
    devices.insert(
        device.to_string(),
        DeviceChain {
            sequence,
            last_sha256: head,
        },
    );
    save_chain(home, devices)
}

/// Seals `snapshot` (see the module docs): sets its `sequence` and `previous_hash`, signs its
/// exact bytes with `key`, stores the envelope in the history and the outbox.
pub fn seal(
    home: &Home,
    key: &AgentKey,
    mut snapshot: Snapshot,
) -> Result<SealedSnapshot, StateError> {
    let _lock = home.lock()?;
    let device = device_dir_name(snapshot.device.udid.as_deref());
    let mut devices = load_chain(home)?;
    let previous = recover(home, &device, devices.get(&device).cloned())?;
    let sequence = match &previous {
        None => 1,
        Some(c) => c
            .sequence
            .checked_add(1)
            .ok_or_else(|| StateError::SequenceExhausted(device.clone()))?,
    };
    snapshot.sequence = sequence;
    snapshot.previous_hash = previous.and_then(|c| c.last_sha256);
    let bytes = serde_json::to_vec(&snapshot).map_err(|e| StateError::Serialise(e.to_string()))?;
    let envelope =
        serde_json::to_vec(&key.sign(&bytes)).map_err(|e| StateError::Serialise(e.to_string()))?;

    let history_path = home
        .dir(Path::new("history").join(&device))?
        .join(entry_name(sequence));
    write_new(&history_path, &envelope)?;
    let outbox = home.dir(Path::new("outbox").join(&device))?;
    write_new(&outbox.join(entry_name(sequence)), &envelope)?;
    let snapshot_sha256 = sha256_hex(&bytes);
    devices.insert(
        device.clone(),
        DeviceChain {
            sequence,
            last_sha256: Some(snapshot_sha256.clone()),
        },
    );
    save_chain(home, devices)?;
    Ok(SealedSnapshot {
        device,
        sequence,
        snapshot_sha256,
        envelope,
        history_path,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn snapshot(udid: Option<&str>) -> Snapshot {
        let mut s = Snapshot::new("2026-11-25T20:00:00Z");
        s.device.udid = udid.map(String::from);
        s
    }

    fn setup() -> (tempfile::TempDir, Home, AgentKey) {
        let tmp = tempfile::tempdir().unwrap();
        let home = Home::at(tmp.path().join("h")).unwrap();
        let key = AgentKey::load_or_create(&home).unwrap();
        (tmp, home, key)
    }

    fn sealed_snapshot(home: &Home, device: &str, n: u64) -> Snapshot {
        let path = home.path("history").join(device).join(entry_name(n));
        serde_json::from_slice(&stored_snapshot(&path).unwrap()).unwrap()
    }

    #[test]
    fn sequences_and_hashes_chain_per_device_across_runs() {
        let (_tmp, home, key) = setup();
        let a1 = seal(&home, &key, snapshot(Some("AAAA-1"))).unwrap();
        let b1 = seal(&home, &key, snapshot(Some("BBBB-2"))).unwrap();
        // A new process: everything is read again from the directory.
        let home = Home::at(home.root()).unwrap();
        let key = AgentKey::load(&home).unwrap();
        let a2 = seal(&home, &key, snapshot(Some("AAAA-1"))).unwrap();
        assert_eq!((a1.sequence, b1.sequence, a2.sequence), (1, 1, 2));
        let s1 = sealed_snapshot(&home, "AAAA-1", 1);
        let s2 = sealed_snapshot(&home, "AAAA-1", 2);
        assert_eq!(s1.previous_hash, None);
        assert_eq!(s2.sequence, 2);
        assert_eq!(
            s2.previous_hash.as_deref(),
            Some(a1.snapshot_sha256.as_str())
        );
        // The stored envelope verifies and holds the very bytes hashed.
        let env = Envelope::from_json(&fs::read(&a2.history_path).unwrap()).unwrap();
        let bytes = env.verify(key.public_key()).unwrap();
        assert_eq!(sha256_hex(&bytes), a2.snapshot_sha256);
        assert_eq!(fs::read(&a2.history_path).unwrap(), a2.envelope);
        // Both are queued, history and outbox hold the same bytes.
        let queued = fs::read(home.path("outbox/AAAA-1/2.json")).unwrap();
        assert_eq!(queued, a2.envelope);
        assert_eq!(entries(&home.path("outbox/AAAA-1")).unwrap(), vec![1, 2]);
    }

    #[test]
    fn untrusted_udids_become_safe_directory_names() {
        assert_eq!(
            device_dir_name(Some("00008103-001A2B3C4D5E6F70")),
            "00008103-001A2B3C4D5E6F70"
        );
        for hostile in ["../../etc", "a/b", ".hidden", "", "é", &"x".repeat(65)] {
            let name = device_dir_name(Some(hostile));
            assert!(
                name.starts_with("udid-") && name.len() == 37,
                "{hostile:?} → {name}"
            );
        }
        assert_eq!(device_dir_name(None), UNKNOWN_DEVICE);
    }

    #[test]
    fn a_crash_after_the_history_write_reuses_no_number_and_loses_nothing() {
        let (_tmp, home, key) = setup();
        seal(&home, &key, snapshot(Some("D"))).unwrap();
        let chain_after_1 = fs::read(home.path("chain.json")).unwrap();
        let s2 = seal(&home, &key, snapshot(Some("D"))).unwrap();
        // Simulate a crash after history and outbox were written for 2 but before chain.json:
        // put back the chain state of 1 and drop the outbox entry too.
        fs::write(home.path("chain.json"), &chain_after_1).unwrap();
        fs::remove_file(home.path("outbox/D/2.json")).unwrap();
        let s3 = seal(&home, &key, snapshot(Some("D"))).unwrap();
        assert_eq!(s3.sequence, 3);
        let third = sealed_snapshot(&home, "D", 3);
        assert_eq!(
            third.previous_hash.as_deref(),
            Some(s2.snapshot_sha256.as_str())
        );
        // Entry 2 is queued again.
        assert_eq!(fs::read(home.path("outbox/D/2.json")).unwrap(), s2.envelope);
        assert_eq!(entries(&home.path("outbox/D")).unwrap(), vec![1, 2, 3]);
    }

    #[test]
    fn a_lost_history_never_makes_a_number_reused() {
        let (_tmp, home, key) = setup();
        seal(&home, &key, snapshot(Some("D"))).unwrap();
        let s2 = seal(&home, &key, snapshot(Some("D"))).unwrap();
        fs::remove_dir_all(home.path("history")).unwrap();
        let s3 = seal(&home, &key, snapshot(Some("D"))).unwrap();
        assert_eq!(s3.sequence, 3);
        assert_eq!(
            sealed_snapshot(&home, "D", 3).previous_hash.as_deref(),
            Some(s2.snapshot_sha256.as_str())
        );
    }

    #[test]
    fn after_a_refusal_the_chain_goes_back_to_the_last_good_snapshot() {
        let (_tmp, home, key) = setup();
        let s1 = seal(&home, &key, snapshot(Some("D"))).unwrap();
        seal(&home, &key, snapshot(Some("D"))).unwrap();
        // 3 was sealed offline and links to 2; then 2 is refused for good.
        seal(&home, &key, snapshot(Some("D"))).unwrap();
        fs::create_dir_all(home.path("rejected/D")).unwrap();
        fs::write(home.path("rejected/D/2.json"), b"{}").unwrap();
        rewind(&home, "D").unwrap();
        let s4 = seal(&home, &key, snapshot(Some("D"))).unwrap();
        assert_eq!(s4.sequence, 4, "a refused number is never used again");
        assert_eq!(
            sealed_snapshot(&home, "D", 4).previous_hash.as_deref(),
            Some(s1.snapshot_sha256.as_str())
        );
        // Every snapshot refused: the next one is the device's first for the server.
        fs::write(home.path("rejected/D/1.json"), b"{}").unwrap();
        fs::write(home.path("rejected/D/4.json"), b"{}").unwrap();
        rewind(&home, "D").unwrap();
        let s5 = seal(&home, &key, snapshot(Some("D"))).unwrap();
        assert_eq!(s5.sequence, 5);
        assert_eq!(sealed_snapshot(&home, "D", 5).previous_hash, None);
        // A chain rebuilt from the history (chain.json moved aside) gives the same answer.
        fs::write(home.path("rejected/D/5.json"), b"{}").unwrap();
        fs::remove_file(home.path("chain.json")).unwrap();
        let s6 = seal(&home, &key, snapshot(Some("D"))).unwrap();
        assert_eq!(s6.sequence, 6);
        assert_eq!(sealed_snapshot(&home, "D", 6).previous_hash, None);
    }

    #[test]
    fn a_damaged_chain_file_is_detected() {
        let (_tmp, home, key) = setup();
        seal(&home, &key, snapshot(Some("D"))).unwrap();
        let good = fs::read(home.path("chain.json")).unwrap();
        // Half-written: every truncation is refused.
        for cut in [1, good.len() / 3, good.len() / 2, good.len() - 2] {
            fs::write(home.path("chain.json"), &good[..cut]).unwrap();
            let err = seal(&home, &key, snapshot(Some("D"))).unwrap_err();
            assert!(
                matches!(err, StateError::DamagedChain { .. }),
                "{cut}: {err}"
            );
        }
        // Still JSON, but edited: the checksum catches it.
        let edited = String::from_utf8(good.clone())
            .unwrap()
            .replace("\"sequence\": 1", "\"sequence\": 0");
        assert_ne!(edited.as_bytes(), good.as_slice());
        fs::write(home.path("chain.json"), edited).unwrap();
        let err = seal(&home, &key, snapshot(Some("D"))).unwrap_err();
        assert!(err.to_string().contains("checksum"), "{err}");
        // Nothing was sealed meanwhile.
        assert_eq!(entries(&home.path("history/D")).unwrap(), vec![1]);
        // Restored, sealing goes on.
        fs::write(home.path("chain.json"), &good).unwrap();
        assert_eq!(seal(&home, &key, snapshot(Some("D"))).unwrap().sequence, 2);
    }

    #[test]
    fn a_moved_aside_chain_is_rebuilt_from_the_history() {
        let (_tmp, home, key) = setup();
        seal(&home, &key, snapshot(Some("D"))).unwrap();
        let s2 = seal(&home, &key, snapshot(Some("D"))).unwrap();
        fs::rename(home.path("chain.json"), home.path("chain.json.bad")).unwrap();
        let s3 = seal(&home, &key, snapshot(Some("D"))).unwrap();
        assert_eq!(s3.sequence, 3);
        assert_eq!(
            sealed_snapshot(&home, "D", 3).previous_hash.as_deref(),
            Some(s2.snapshot_sha256.as_str())
        );
    }
}
