//! Offline verification of an export: every check of [`crate::formats`] §8, each failure
//! named by the file and the check, and what could not be checked said as a [`Notice`].
//!
//! Order: the archive (limits, names); the manifest (every file listed once, present, with
//! its hash; nothing unlisted); the keys; the manifest's signature and who made it; the
//! timestamp over the signature; each envelope's signature and its place (key and sequence of
//! its path); each device's chain; each receipt (inclusion proof, checkpoint); the export's
//! checkpoint and the consistency of every receipt's checkpoint with it. A failure does not
//! stop the others, so one run names everything that broke. Whether the keys are the ones
//! the official pinned is for the caller (the keys are in the [`Report`]).

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use super::manifest::{self, VerifierKey};
use super::zip::{self, Entry};
use super::{
    agent_key_name, checkpoint_token_path, consistency_path, stamped_checkpoint_path,
    ConsistencyFile, DataHeader, AGENT_KEYS, CHECKPOINT, DATA, DATA_SCHEMA, DEVICES, LOG_KEY,
    MANIFEST, MANIFEST_SIG, MANIFEST_TSR, TIMESTAMPS,
};
use crate::chain::{check_history, ChainEntry};
use crate::checkpoint::{verify_checkpoint, Checkpoint, LogIdentity};
use crate::cms::timestamp::{self, Timestamp};
use crate::envelope::{key_id, sha256_hex, Envelope};
use crate::merkle::{verify_consistency, Hash};
use crate::receipt::{Receipt, ReceiptError};

/// The kinds of check, as `lucarne verify` names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Check {
    /// The archive itself.
    Zip,
    /// The manifest and the files' hashes.
    Manifest,
    /// A signature (the manifest's, an envelope's) or a key.
    Signature,
    /// A device's hash chain.
    Chain,
    /// A receipt's inclusion proof.
    Inclusion,
    /// A consistency proof between checkpoints.
    Consistency,
    /// A checkpoint's signature, or the log's identity.
    Checkpoint,
    /// The RFC 3161 timestamp.
    Timestamp,
    /// The keys against those pinned on this computer.
    KeyPin,
}

impl Check {
    /// The name printed in `FILE: CHECK: reason`.
    pub fn as_str(self) -> &'static str {
        match self {
            Check::Zip => "zip",
            Check::Manifest => "manifest",
            Check::Signature => "signature",
            Check::Chain => "chain",
            Check::Inclusion => "inclusion",
            Check::Consistency => "consistency",
            Check::Checkpoint => "checkpoint",
            Check::Timestamp => "timestamp",
            Check::KeyPin => "key-pin",
        }
    }
}

/// One check that failed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Failure {
    /// The file of the export concerned; `None` for the archive as a whole.
    pub file: Option<String>,
    /// Which check.
    pub check: Check,
    /// Why, in technical words (English, for the log line).
    pub reason: String,
}

/// Something that could not be checked, or a fact the reader must know; not a failure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Notice {
    /// No `MANIFEST.tsr`: nothing proves when the export was made.
    NoTimestamp,
    /// The manifest is signed by the official's own key, not the server's.
    NotAttestedByServer,
    /// No log identity: the snapshots were never sent to a server.
    NoLog,
    /// Snapshots of a device without a receipt (not, or not yet, in the server's log).
    NotInLog {
        /// The device's folder.
        device: String,
        /// How many.
        count: usize,
    },
    /// No consistency proof between a receipt's checkpoint and the export's checkpoint.
    NoConsistency {
        /// The receipt's tree size.
        from: u64,
        /// The export's checkpoint's size.
        to: u64,
    },
    /// A device's first snapshot in the export follows one outside the period.
    ChainStartsAfter {
        /// The device's folder.
        device: String,
        /// The first sequence number in the export.
        sequence: u64,
    },
}

/// Who signed the manifest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "by", rename_all = "kebab-case")]
pub enum ManifestSigner {
    /// An agent's key (the official's computer).
    Agent {
        /// Its key id (hex SHA-256 of the public key).
        key_id: String,
    },
    /// The log's key (the server).
    Server {
        /// The log's origin.
        origin: String,
    },
}

/// One device's snapshots in the export, under one key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DeviceSummary {
    /// The device's folder.
    pub handle: String,
    /// The key that signed them.
    pub key_id: String,
    /// Number of snapshots.
    pub snapshots: usize,
    /// First sequence number.
    pub first: u64,
    /// Last sequence number.
    pub last: u64,
    /// Number with a receipt that verified.
    pub in_log: usize,
}

/// What verification found.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Report {
    /// Number of files in the archive.
    pub files: usize,
    /// Every failed check.
    pub failures: Vec<Failure>,
    /// What could not be checked, and facts to know.
    pub notices: Vec<Notice>,
    /// Who signed the manifest, when the signature verified.
    pub signer: Option<ManifestSigner>,
    /// The agents' key ids found in `keys/agent/`.
    pub agent_keys: Vec<String>,
    /// The log's identity found in `keys/log.json`.
    pub log: Option<LogIdentity>,
    /// The export's checkpoint: size and root (hex), when it verified.
    pub checkpoint: Option<(u64, String)>,
    /// The timestamp over the manifest's signature, when it verified.
    pub timestamp: Option<Timestamp>,
    /// The devices.
    pub devices: Vec<DeviceSummary>,
    /// The timestamped checkpoints (`log/timestamps/`) whose checkpoint and token verified.
    pub checkpoint_stamps: Vec<CheckpointStamp>,
    /// The snapshots a timestamped checkpoint dates: their receipt's checkpoint is proved
    /// consistent with (or is) a timestamped one, so they existed no later than its time.
    pub dated: Vec<Dated>,
}

/// A timestamped checkpoint of the export, verified.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CheckpointStamp {
    /// The checkpoint's tree size.
    pub tree_size: u64,
    /// The token's time.
    pub gen_time: String,
    /// The authority's certificate subject.
    pub tsa: String,
    /// The token's file.
    pub file: String,
}

/// A snapshot dated by a timestamped checkpoint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Dated {
    /// Its receipt's file.
    pub receipt: String,
    /// The token's time: the snapshot existed no later than this.
    pub no_later_than: String,
    /// The token's file.
    pub token: String,
}

impl Report {
    /// Whether every available check passed.
    pub fn passed(&self) -> bool {
        self.failures.is_empty()
    }

    fn fail(&mut self, file: &str, check: Check, reason: impl Into<String>) {
        self.failures.push(Failure {
            file: Some(file.to_string()),
            check,
            reason: reason.into(),
        });
    }
}

/// An envelope read from the export.
struct Sealed<'a> {
    path: &'a str,
    sequence: u64,
    previous_hash: Option<String>,
    snapshot_sha256: String,
    body: &'a [u8],
}

/// Verifies an export held in memory (see the module docs).
pub fn verify(archive: &[u8]) -> Report {
    let mut report = Report::default();
    let entries = match zip::read(archive) {
        Ok(entries) => entries,
        Err(e) => {
            report.failures.push(Failure {
                file: None,
                check: Check::Zip,
                reason: e.to_string(),
            });
            return report;
        }
    };
    report.files = entries.len();
    let files: BTreeMap<&str, &[u8]> = entries
        .iter()
        .map(|Entry { name, data }| (name.as_str(), data.as_slice()))
        .collect();

    check_manifest(&files, &mut report);
    let agent_keys = read_agent_keys(&files, &mut report);
    let log = read_log(&files, &mut report);
    let header = read_header(&files, &mut report);
    check_signature(
        &files,
        &agent_keys,
        log.as_ref(),
        header.as_ref(),
        &mut report,
    );
    check_timestamp(&files, header.as_ref(), &mut report);
    let mut checkpoints = check_devices(&files, &agent_keys, log.as_ref(), &mut report);
    let stamped = check_checkpoint_stamps(&files, log.as_ref(), &mut report);
    date_receipts(&files, &checkpoints, &stamped, &mut report);
    checkpoints.extend(
        stamped
            .into_values()
            .map(|(path, checkpoint, _)| (path, checkpoint)),
    );
    check_log(&files, log.as_ref(), &checkpoints, &mut report);
    report
}

/// Checks each timestamped checkpoint of `log/timestamps/` (its signature by the log, its
/// size, the token over its exact bytes); returns those that verified by size, with the
/// token's path and time.
fn check_checkpoint_stamps<'a>(
    files: &BTreeMap<&'a str, &'a [u8]>,
    log: Option<&LogIdentity>,
    report: &mut Report,
) -> BTreeMap<u64, (&'a str, Checkpoint, String)> {
    let mut verified = BTreeMap::new();
    for (&path, &bytes) in files.range(TIMESTAMPS..) {
        let Some(file) = path.strip_prefix(TIMESTAMPS) else {
            break;
        };
        let parsed = file.split_once('.').and_then(|(size, kind)| {
            let number: u64 = size.parse().ok()?;
            (number.to_string() == size).then_some((number, kind))
        });
        let size = match parsed {
            Some((size, "tsr")) => size,
            Some((size, "checkpoint")) => {
                if !files.contains_key(checkpoint_token_path(size).as_str()) {
                    report.fail(
                        path,
                        Check::Timestamp,
                        "a timestamped checkpoint without its token",
                    );
                }
                continue;
            }
            _ => {
                report.fail(
                    path,
                    Check::Manifest,
                    "not a `log/timestamps/<size>.checkpoint` or `.tsr` file",
                );
                continue;
            }
        };
        let checkpoint_path = stamped_checkpoint_path(size);
        let Some((&checkpoint_path, &note)) = files.get_key_value(checkpoint_path.as_str()) else {
            report.fail(
                path,
                Check::Timestamp,
                format!("{checkpoint_path}, the checkpoint it timestamps, is missing"),
            );
            continue;
        };
        let Some(log) = log else {
            report.fail(
                checkpoint_path,
                Check::Checkpoint,
                "keys/log.json, the key to check it, is missing",
            );
            continue;
        };
        let checkpoint = match verify_checkpoint(note, log) {
            Ok(c) if c.size == size => c,
            Ok(c) => {
                report.fail(
                    checkpoint_path,
                    Check::Checkpoint,
                    format!(
                        "a checkpoint of size {}, not the {size} of its name",
                        c.size
                    ),
                );
                continue;
            }
            Err(e) => {
                report.fail(checkpoint_path, Check::Checkpoint, e.to_string());
                continue;
            }
        };
        match timestamp::verify(bytes, note) {
            Ok(stamp) => {
                report.checkpoint_stamps.push(CheckpointStamp {
                    tree_size: size,
                    gen_time: stamp.gen_time.clone(),
                    tsa: stamp.signer.subject.clone(),
                    file: path.to_string(),
                });
                verified.insert(size, (path, checkpoint, stamp.gen_time));
            }
            Err(e) => report.fail(path, Check::Timestamp, e.to_string()),
        }
    }
    verified
}

/// Dates each receipt by the first timestamped checkpoint at or after its own: the same
/// checkpoint, or one a consistency proof of the export shows extends it.
fn date_receipts(
    files: &BTreeMap<&str, &[u8]>,
    receipts: &[(&str, Checkpoint)],
    stamped: &BTreeMap<u64, (&str, Checkpoint, String)>,
    report: &mut Report,
) {
    for (path, checkpoint) in receipts {
        let Some((&size, (token, stamped_checkpoint, time))) =
            stamped.range(checkpoint.size..).next()
        else {
            continue;
        };
        let holds = if size == checkpoint.size {
            if stamped_checkpoint.root != checkpoint.root {
                report.fail(
                    path,
                    Check::Consistency,
                    format!("its checkpoint has the size of the timestamped {token} but another root: the log forked"),
                );
                continue;
            }
            true
        } else {
            let proof_path = consistency_path(checkpoint.size, size);
            match files.get(proof_path.as_str()) {
                None => {
                    let notice = Notice::NoConsistency {
                        from: checkpoint.size,
                        to: size,
                    };
                    if !report.notices.contains(&notice) {
                        report.notices.push(notice);
                    }
                    false
                }
                Some(bytes) => match consistent(bytes, checkpoint, stamped_checkpoint) {
                    Ok(()) => true,
                    Err(reason) => {
                        if !report.failures.iter().any(|f| {
                            f.file.as_deref() == Some(proof_path.as_str())
                                && f.check == Check::Consistency
                        }) {
                            report.fail(&proof_path, Check::Consistency, reason);
                        }
                        false
                    }
                },
            }
        };
        if holds {
            report.dated.push(Dated {
                receipt: path.to_string(),
                no_later_than: time.clone(),
                token: token.to_string(),
            });
        }
    }
}

/// Checks a consistency proof file between two checkpoints.
fn consistent(bytes: &[u8], from: &Checkpoint, to: &Checkpoint) -> Result<(), String> {
    let file = serde_json::from_slice::<ConsistencyFile>(bytes).map_err(|e| e.to_string())?;
    if (file.from, file.to) != (from.size, to.size) {
        return Err("its sizes are not those of its name".to_string());
    }
    let hashes = file
        .proof
        .iter()
        .map(|h| {
            hex::decode(h)
                .ok()
                .and_then(|b| Hash::try_from(b.as_slice()).ok())
                .ok_or_else(|| "a hash is not 32 bytes of hex".to_string())
        })
        .collect::<Result<Vec<Hash>, String>>()?;
    verify_consistency(from.size, to.size, &from.root, &to.root, &hashes).map_err(|e| e.to_string())
}

fn check_manifest(files: &BTreeMap<&str, &[u8]>, report: &mut Report) {
    let Some(bytes) = files.get(MANIFEST) else {
        report.fail(MANIFEST, Check::Manifest, "missing");
        return;
    };
    let lines = match manifest::parse(bytes) {
        Ok(lines) => lines,
        Err(e) => {
            report.fail(MANIFEST, Check::Manifest, e.to_string());
            return;
        }
    };
    let mut listed = BTreeSet::new();
    for line in &lines {
        listed.insert(line.path.as_str());
        if [MANIFEST, MANIFEST_SIG, MANIFEST_TSR].contains(&line.path.as_str()) {
            report.fail(
                &line.path,
                Check::Manifest,
                "the manifest may not list itself or its signature",
            );
            continue;
        }
        match files.get(line.path.as_str()) {
            None => report.fail(
                &line.path,
                Check::Manifest,
                "listed in MANIFEST but missing from the archive",
            ),
            Some(data) if sha256_hex(data) != line.sha256 => report.fail(
                &line.path,
                Check::Manifest,
                format!(
                    "its SHA-256 is {}, not the {} in MANIFEST",
                    sha256_hex(data),
                    line.sha256
                ),
            ),
            Some(_) => {}
        }
    }
    for name in files.keys() {
        if ![MANIFEST, MANIFEST_SIG, MANIFEST_TSR].contains(name) && !listed.contains(name) {
            report.fail(
                name,
                Check::Manifest,
                "in the archive but not listed in MANIFEST",
            );
        }
    }
}

fn read_agent_keys(
    files: &BTreeMap<&str, &[u8]>,
    report: &mut Report,
) -> BTreeMap<String, VerifierKey> {
    let mut keys = BTreeMap::new();
    for (path, bytes) in files.range(AGENT_KEYS..) {
        let Some(file) = path.strip_prefix(AGENT_KEYS) else {
            break;
        };
        let Some(id) = file.strip_suffix(".vkey") else {
            report.fail(path, Check::Signature, "not a `<key id>.vkey` file");
            continue;
        };
        let parsed = std::str::from_utf8(bytes)
            .map_err(|_| "not UTF-8".to_string())
            .and_then(|text| {
                let text = text.strip_suffix('\n').unwrap_or(text);
                manifest::parse_verifier_key(text).map_err(|e| e.to_string())
            })
            .and_then(|key| {
                if key_id(&key.public_key) != id {
                    Err(format!(
                        "the key's id is {}, not the file's name",
                        key_id(&key.public_key)
                    ))
                } else if key.name != agent_key_name(id) {
                    Err(format!(
                        "the key is named {}, not {}",
                        key.name,
                        agent_key_name(id)
                    ))
                } else {
                    Ok(key)
                }
            });
        match parsed {
            Ok(key) => {
                report.agent_keys.push(id.to_string());
                keys.insert(id.to_string(), key);
            }
            Err(reason) => report.fail(path, Check::Signature, reason),
        }
    }
    keys
}

fn read_log(files: &BTreeMap<&str, &[u8]>, report: &mut Report) -> Option<LogIdentity> {
    let bytes = files.get(LOG_KEY)?;
    let parsed = serde_json::from_slice::<LogIdentity>(bytes)
        .map_err(|e| e.to_string())
        .and_then(|log| log.validate().map(|()| log).map_err(|e| e.to_string()));
    match parsed {
        Ok(log) => {
            report.log = Some(log.clone());
            Some(log)
        }
        Err(reason) => {
            report.fail(LOG_KEY, Check::Checkpoint, reason);
            None
        }
    }
}

fn read_header(files: &BTreeMap<&str, &[u8]>, report: &mut Report) -> Option<DataHeader> {
    let Some(bytes) = files.get(DATA) else {
        report.fail(DATA, Check::Manifest, "missing");
        return None;
    };
    match serde_json::from_slice::<DataHeader>(bytes) {
        Ok(header) if header.schema == DATA_SCHEMA => Some(header),
        Ok(header) => {
            report.fail(
                DATA,
                Check::Manifest,
                format!("unknown schema {:?}", header.schema),
            );
            None
        }
        Err(e) => {
            report.fail(DATA, Check::Manifest, format!("not the expected JSON: {e}"));
            None
        }
    }
}

fn check_signature(
    files: &BTreeMap<&str, &[u8]>,
    agent_keys: &BTreeMap<String, VerifierKey>,
    log: Option<&LogIdentity>,
    header: Option<&DataHeader>,
    report: &mut Report,
) {
    let Some(note) = files.get(MANIFEST_SIG) else {
        report.fail(MANIFEST_SIG, Check::Signature, "missing");
        return;
    };
    let Some(manifest) = files.get(MANIFEST) else {
        return;
    };
    let mut keys: Vec<VerifierKey> = agent_keys.values().cloned().collect();
    let log_key = log.and_then(|l| manifest::parse_verifier_key(&l.verifier_key).ok());
    if let Some(key) = &log_key {
        keys.push(key.clone());
    }
    let index = match manifest::verify(note, manifest, &keys) {
        Ok(index) => index,
        Err(e) => {
            if e == manifest::ManifestError::OtherText {
                // Either file may be the one changed: both are named.
                report.fail(
                    MANIFEST,
                    Check::Manifest,
                    "it is not the manifest MANIFEST.sig signs",
                );
            }
            report.fail(MANIFEST_SIG, Check::Signature, e.to_string());
            return;
        }
    };
    let signer = match agent_keys.iter().nth(index) {
        Some((id, _)) => ManifestSigner::Agent { key_id: id.clone() },
        None => ManifestSigner::Server {
            origin: log.map(|l| l.origin.clone()).unwrap_or_default(),
        },
    };
    let claimed = header.map(|h| h.attested_by.as_str());
    let actual = match signer {
        ManifestSigner::Agent { .. } => "agent",
        ManifestSigner::Server { .. } => "server",
    };
    if claimed.is_some_and(|c| c != actual) {
        report.fail(
            MANIFEST_SIG,
            Check::Signature,
            format!(
                "data.json says the export is attested by the {}, but the {actual}'s key signed it",
                claimed.unwrap_or_default()
            ),
        );
    }
    if actual == "agent" {
        report.notices.push(Notice::NotAttestedByServer);
    }
    report.signer = Some(signer);
}

fn check_timestamp(
    files: &BTreeMap<&str, &[u8]>,
    header: Option<&DataHeader>,
    report: &mut Report,
) {
    let Some(stamp) = files.get(MANIFEST_TSR) else {
        if header.is_some_and(|h| h.timestamped) {
            report.fail(
                MANIFEST_TSR,
                Check::Timestamp,
                "missing, although data.json says the export was timestamped",
            );
        } else {
            report.notices.push(Notice::NoTimestamp);
        }
        return;
    };
    let Some(note) = files.get(MANIFEST_SIG) else {
        report.fail(
            MANIFEST_TSR,
            Check::Timestamp,
            "MANIFEST.sig, which it timestamps, is missing",
        );
        return;
    };
    match timestamp::verify(stamp, note) {
        Ok(stamp) => report.timestamp = Some(stamp),
        Err(e) => report.fail(MANIFEST_TSR, Check::Timestamp, e.to_string()),
    }
    if header.is_some_and(|h| !h.timestamped) {
        report.fail(
            MANIFEST_TSR,
            Check::Timestamp,
            "present, although data.json says the export was not timestamped",
        );
    }
}

/// `devices/<handle>/<key_id>/<sequence>.<kind>.json` split, when it has that form.
fn device_file(path: &str) -> Option<(&str, &str, u64, &str)> {
    let rest = path.strip_prefix(DEVICES)?;
    let mut parts = rest.split('/');
    let (handle, key, file, None) = (parts.next()?, parts.next()?, parts.next()?, parts.next())
    else {
        return None;
    };
    let (sequence, kind) = file.split_once('.')?;
    let number: u64 = sequence.parse().ok()?;
    if number.to_string() != sequence {
        return None;
    }
    Some((handle, key, number, kind))
}

/// Checks envelopes, chains and receipts; returns the checkpoints of the receipts that
/// verified, with the receipt's path.
fn check_devices<'a>(
    files: &BTreeMap<&'a str, &'a [u8]>,
    agent_keys: &BTreeMap<String, VerifierKey>,
    log: Option<&LogIdentity>,
    report: &mut Report,
) -> Vec<(&'a str, Checkpoint)> {
    // (handle, key) → sequence → envelope
    let mut devices: BTreeMap<(&str, &str), BTreeMap<u64, Sealed<'a>>> = BTreeMap::new();
    let mut receipts: Vec<(&str, &str, &str, u64, &[u8])> = Vec::new();
    for (&path, &bytes) in files.range(DEVICES..) {
        if !path.starts_with(DEVICES) {
            break;
        }
        let Some((handle, key, sequence, kind)) = device_file(path) else {
            report.fail(
                path,
                Check::Manifest,
                "not a `devices/<device>/<key id>/<n>.envelope.json` or `.receipt.json` file",
            );
            continue;
        };
        match kind {
            "envelope.json" => {
                if let Some(sealed) = check_envelope(path, bytes, key, sequence, agent_keys, report)
                {
                    devices
                        .entry((handle, key))
                        .or_default()
                        .insert(sequence, sealed);
                }
            }
            "receipt.json" => receipts.push((path, handle, key, sequence, bytes)),
            _ => report.fail(path, Check::Manifest, "neither an envelope nor a receipt"),
        }
    }

    let mut in_log: BTreeMap<(&str, &str), usize> = BTreeMap::new();
    let mut checkpoints = Vec::new();
    if !receipts.is_empty()
        && log.is_none()
        && !report
            .failures
            .iter()
            .any(|f| f.file.as_deref() == Some(LOG_KEY))
    {
        report.fail(
            LOG_KEY,
            Check::Checkpoint,
            "missing, although the export holds receipts",
        );
    }
    for (path, handle, key, sequence, bytes) in receipts {
        let Some(envelope) = devices.get(&(handle, key)).and_then(|d| d.get(&sequence)) else {
            report.fail(
                path,
                Check::Inclusion,
                "its envelope is not in the export (or did not verify)",
            );
            continue;
        };
        let Some(log) = log else { continue };
        match Receipt::from_json(bytes).and_then(|r| r.verify(envelope.body, log)) {
            Ok(verified) => {
                *in_log.entry((handle, key)).or_default() += 1;
                checkpoints.push((path, verified.checkpoint));
            }
            Err(ReceiptError::Checkpoint(e)) => report.fail(path, Check::Checkpoint, e.to_string()),
            Err(e) => report.fail(path, Check::Inclusion, e.to_string()),
        }
    }
    if log.is_none()
        && report
            .failures
            .iter()
            .all(|f| f.file.as_deref() != Some(LOG_KEY))
    {
        report.notices.push(Notice::NoLog);
    }

    for ((handle, key), sealed) in &devices {
        let entries: Vec<&Sealed<'_>> = sealed.values().collect();
        let Some(first) = entries.first() else {
            continue;
        };
        if first.previous_hash.is_some() {
            report.notices.push(Notice::ChainStartsAfter {
                device: handle.to_string(),
                sequence: first.sequence,
            });
        }
        let chain = entries.iter().enumerate().map(|(i, s)| ChainEntry {
            sequence: s.sequence,
            // The first entry may follow a snapshot before the period.
            previous_hash: if i == 0 {
                None
            } else {
                s.previous_hash.as_deref()
            },
            snapshot_sha256: &s.snapshot_sha256,
        });
        if let Err(e) = check_history(chain) {
            let broken = entries.get(e.index).map_or("", |s| s.path);
            report.fail(
                broken,
                Check::Chain,
                format!(
                    "snapshot {} does not follow snapshot {} of its device ({}): a snapshot was removed, replaced or added",
                    entries.get(e.index).map_or(0, |s| s.sequence),
                    entries.get(e.index.wrapping_sub(1)).map_or(0, |s| s.sequence),
                    e.kind.as_str()
                ),
            );
        }
        let count = in_log.get(&(*handle, *key)).copied().unwrap_or(0);
        if count < entries.len() && log.is_some() {
            report.notices.push(Notice::NotInLog {
                device: handle.to_string(),
                count: entries.len() - count,
            });
        }
        report.devices.push(DeviceSummary {
            handle: handle.to_string(),
            key_id: key.to_string(),
            snapshots: entries.len(),
            first: first.sequence,
            last: entries.last().map_or(first.sequence, |s| s.sequence),
            in_log: count,
        });
    }
    checkpoints
}

fn check_envelope<'a>(
    path: &'a str,
    bytes: &'a [u8],
    key: &str,
    sequence: u64,
    agent_keys: &BTreeMap<String, VerifierKey>,
    report: &mut Report,
) -> Option<Sealed<'a>> {
    let Some(public) = agent_keys.get(key) else {
        report.fail(
            path,
            Check::Signature,
            format!("its key {key} is not in keys/agent/"),
        );
        return None;
    };
    let envelope = match Envelope::from_json(bytes) {
        Ok(e) => e,
        Err(e) => {
            report.fail(path, Check::Signature, e.to_string());
            return None;
        }
    };
    if envelope.key_id != key {
        report.fail(
            path,
            Check::Signature,
            format!(
                "signed by key {}, not the key of its folder",
                envelope.key_id
            ),
        );
        return None;
    }
    let snapshot = match envelope.verify(&public.public_key) {
        Ok(s) => s,
        Err(e) => {
            report.fail(path, Check::Signature, e.to_string());
            return None;
        }
    };
    #[derive(serde::Deserialize)]
    struct Link {
        sequence: u64,
        #[serde(default)]
        previous_hash: Option<String>,
    }
    let link: Link = match serde_json::from_slice(&snapshot) {
        Ok(l) => l,
        Err(e) => {
            report.fail(
                path,
                Check::Chain,
                format!("the snapshot has no readable sequence: {e}"),
            );
            return None;
        }
    };
    if link.sequence != sequence {
        report.fail(
            path,
            Check::Chain,
            format!(
                "the snapshot's sequence is {}, not the file's {sequence}",
                link.sequence
            ),
        );
        return None;
    }
    Some(Sealed {
        path,
        sequence,
        previous_hash: link.previous_hash,
        snapshot_sha256: sha256_hex(&snapshot),
        body: bytes,
    })
}

fn check_log(
    files: &BTreeMap<&str, &[u8]>,
    log: Option<&LogIdentity>,
    receipts: &[(&str, Checkpoint)],
    report: &mut Report,
) {
    let Some(log) = log else {
        if files.contains_key(CHECKPOINT) {
            report.fail(
                CHECKPOINT,
                Check::Checkpoint,
                "keys/log.json, the key to check it, is missing",
            );
        }
        return;
    };
    let Some(note) = files.get(CHECKPOINT) else {
        if !receipts.is_empty() {
            report.fail(
                CHECKPOINT,
                Check::Checkpoint,
                "missing, although the export holds receipts",
            );
        }
        return;
    };
    let latest = match verify_checkpoint(note, log) {
        Ok(c) => c,
        Err(e) => {
            report.fail(CHECKPOINT, Check::Checkpoint, e.to_string());
            return;
        }
    };
    report.checkpoint = Some((latest.size, hex::encode(latest.root)));
    let mut done = BTreeSet::new();
    for (path, checkpoint) in receipts {
        if !done.insert((checkpoint.size, checkpoint.root)) {
            continue;
        }
        if checkpoint.size > latest.size {
            report.fail(
                path,
                Check::Consistency,
                format!(
                    "its checkpoint (size {}) is newer than log/checkpoint (size {})",
                    checkpoint.size, latest.size
                ),
            );
            continue;
        }
        if checkpoint.size == latest.size {
            if checkpoint.root != latest.root {
                report.fail(path, Check::Consistency, "its checkpoint has the size of log/checkpoint but another root: the log forked");
            }
            continue;
        }
        let proof_path = consistency_path(checkpoint.size, latest.size);
        let Some(bytes) = files.get(proof_path.as_str()) else {
            report.notices.push(Notice::NoConsistency {
                from: checkpoint.size,
                to: latest.size,
            });
            continue;
        };
        let proof = consistent(bytes, checkpoint, &latest);
        if let Err(reason) = proof {
            report.fail(&proof_path, Check::Consistency, reason);
        }
    }
}

#[cfg(test)]
#[path = "verify_tests.rs"]
mod tests;
