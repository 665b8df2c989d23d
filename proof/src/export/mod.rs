//! The evidence export (`lucarne-export/1`): one ZIP file that anyone can check offline, and
//! its verification.
//!
//! An export holds one device's (or several devices') signed envelopes over a period, their
//! receipts from the server's log when there are any, the keys to check them, the facts drawn
//! from them (`data.json`) and, from other crates, the report and letters. `MANIFEST` lists the
//! SHA-256 of every other file; `MANIFEST.sig` signs it (the agent's key for an export built
//! from the official's own history, the log's key for one the server built); `MANIFEST.tsr`,
//! when a timestamping authority was configured, is an RFC 3161 timestamp over `MANIFEST.sig`.
//! The layout is stated byte by byte in [`crate::formats`] §8; [`verify`] checks all of it
//! and reports each failure with the file and the check that failed.
//!
//! - [`zip`]: the ZIP container (writer, and a reader for hostile archives).
//! - [`manifest`]: the manifest and its signed note.
//! - [`verify`](mod@verify): the offline verification.

pub mod manifest;
pub mod verify;
pub mod zip;

use std::collections::BTreeMap;

pub use verify::{verify, Check, DeviceSummary, Failure, ManifestSigner, Notice, Report};

/// The manifest.
pub const MANIFEST: &str = "MANIFEST";
/// The manifest's signed note.
pub const MANIFEST_SIG: &str = "MANIFEST.sig";
/// The RFC 3161 timestamp over `MANIFEST.sig`.
pub const MANIFEST_TSR: &str = "MANIFEST.tsr";
/// The language-free facts.
pub const DATA: &str = "data.json";
/// The log's identity (origin and verifier key), JSON.
pub const LOG_KEY: &str = "keys/log.json";
/// The newest checkpoint of the log the export knows.
pub const CHECKPOINT: &str = "log/checkpoint";
/// Folder of the agents' verifier keys, `<key_id>.vkey`.
pub const AGENT_KEYS: &str = "keys/agent/";
/// Folder of consistency proofs, `<from>-<to>.json`.
pub const CONSISTENCY: &str = "log/consistency/";
/// Folder of the timestamped checkpoints (`<size>.checkpoint`, the signed note) and the
/// RFC 3161 tokens over them (`<size>.tsr`).
pub const TIMESTAMPS: &str = "log/timestamps/";
/// Folder of the devices' envelopes and receipts.
pub const DEVICES: &str = "devices/";
/// The schema name `data.json` carries.
pub const DATA_SCHEMA: &str = "lucarne.export-data/1";

/// The signed-note key name of an agent key: `agent-` and the first 16 hex digits of its key
/// id.
pub fn agent_key_name(key_id: &str) -> String {
    format!("agent-{}", key_id.get(..16).unwrap_or(key_id))
}

/// Where an agent's verifier key is kept in an export.
pub fn agent_key_path(key_id: &str) -> String {
    format!("{AGENT_KEYS}{key_id}.vkey")
}

/// Where envelope `sequence` of device `handle` under key `key_id` is kept.
pub fn envelope_path(handle: &str, key_id: &str, sequence: u64) -> String {
    format!("{DEVICES}{handle}/{key_id}/{sequence}.envelope.json")
}

/// Where its receipt is kept.
pub fn receipt_path(handle: &str, key_id: &str, sequence: u64) -> String {
    format!("{DEVICES}{handle}/{key_id}/{sequence}.receipt.json")
}

/// Where the consistency proof from tree size `from` to `to` is kept.
pub fn consistency_path(from: u64, to: u64) -> String {
    format!("{CONSISTENCY}{from}-{to}.json")
}

/// Where the timestamped checkpoint of tree size `size` is kept.
pub fn stamped_checkpoint_path(size: u64) -> String {
    format!("{TIMESTAMPS}{size}.checkpoint")
}

/// Where the RFC 3161 token over that checkpoint is kept.
pub fn checkpoint_token_path(size: u64) -> String {
    format!("{TIMESTAMPS}{size}.tsr")
}

/// A consistency proof as an export keeps it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ConsistencyFile {
    /// The smaller tree size.
    pub from: u64,
    /// The larger tree size.
    pub to: u64,
    /// The proof's hashes, hex.
    pub proof: Vec<String>,
}

/// What `data.json` must state for the verifier (the rest of it is the agent's facts).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct DataHeader {
    /// [`DATA_SCHEMA`].
    pub schema: String,
    /// Who signs the manifest: `agent` (built from the official's history, not attested by
    /// the server) or `server`.
    pub attested_by: String,
    /// Whether a timestamp was asked for: then `MANIFEST.tsr` must be there.
    pub timestamped: bool,
}

/// The manifest of the files of an export (everything but the three `MANIFEST` files).
pub fn manifest_of(files: &BTreeMap<String, Vec<u8>>) -> Vec<u8> {
    manifest::build(files.iter().map(|(p, b)| (p.as_str(), b.as_slice())))
}

/// Puts an export together in one ZIP: `MANIFEST` (from [`manifest_of`]), `MANIFEST.sig` (its
/// note, [`manifest::sign`]), `MANIFEST.tsr` when given (a timestamp over the note's bytes),
/// then the files in path order. `files` must not hold the three `MANIFEST` names.
pub fn pack(
    files: &BTreeMap<String, Vec<u8>>,
    manifest: Vec<u8>,
    note: Vec<u8>,
    timestamp: Option<Vec<u8>>,
) -> Result<Vec<u8>, zip::ZipError> {
    for reserved in [MANIFEST, MANIFEST_SIG, MANIFEST_TSR] {
        if files.contains_key(reserved) {
            return Err(zip::ZipError::Duplicate(reserved.to_string()));
        }
    }
    let mut entries = vec![
        zip::Entry {
            name: MANIFEST.into(),
            data: manifest,
        },
        zip::Entry {
            name: MANIFEST_SIG.into(),
            data: note,
        },
    ];
    if let Some(stamp) = timestamp {
        entries.push(zip::Entry {
            name: MANIFEST_TSR.into(),
            data: stamp,
        });
    }
    entries.extend(files.iter().map(|(name, data)| zip::Entry {
        name: name.clone(),
        data: data.clone(),
    }));
    zip::write(&entries)
}
