//! The facts of an evidence export (`data.json`) and the documents drawn from them: one
//! place for the agent's export (from the official's history) and the server's (from its
//! log), so that both make the same files from the same facts.
//!
//! [`DeviceBuilder`] turns a device's snapshots, oldest first, into its [`DeviceFacts`] (what
//! changed between consecutive ones included); [`export_files`] adds `data.json` and, for
//! each device, `rapport.pdf` (those exact `data.json` bytes attached), `LISEZMOI.txt` and
//! `lettres/`.

use std::collections::BTreeMap;

use lucarne_profiles::analysis::analyze_snapshot;
use lucarne_profiles::compare::{compare_snapshots, ChangeEvent};
use lucarne_profiles::Snapshot;
use lucarne_proof::checkpoint::LogIdentity;
use lucarne_proof::envelope::Envelope;
use lucarne_proof::export::{self as format, DataHeader};
use lucarne_words::Lang;
use serde::{Deserialize, Serialize};

use crate::{Attestation, KeyFact, KeyRole, Period, ReportError, ReportInput, SnapshotEntry};

/// `data.json`: the facts of an export, without a word of any language.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExportData {
    /// Schema, who attests, whether timestamped (what the verifier reads).
    #[serde(flatten)]
    pub header: DataHeader,
    /// When the export was made, by the clock of whoever made it (attested by nobody).
    pub made_at: String,
    /// The period asked for (days, inclusive); `None` for open ends.
    pub from: Option<String>,
    /// Last day.
    pub to: Option<String>,
    /// The language of the documents.
    pub lang: String,
    /// The devices.
    pub devices: Vec<DeviceFacts>,
}

/// One device in an export.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeviceFacts {
    /// Its folder in the export (the agent's history folder, or the server's handle).
    pub handle: String,
    /// Its name, from its newest snapshot in the period.
    pub name: Option<String>,
    /// The key that signed its snapshots.
    pub key_id: String,
    /// Its snapshots in the period, oldest first.
    pub snapshots: Vec<SnapshotFacts>,
}

/// One snapshot in an export, and what changed since the one before it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SnapshotFacts {
    /// Its sequence number.
    pub sequence: u64,
    /// When it was taken (signed by the agent).
    pub taken_at: String,
    /// Hex SHA-256 of the snapshot bytes.
    pub snapshot_sha256: String,
    /// Its envelope's path in the export.
    pub envelope: String,
    /// Its receipt's path in the export, when the server's log holds it.
    pub receipt: Option<String>,
    /// Its position in the server's log, when it holds it.
    pub leaf_index: Option<u64>,
    /// The time of the RFC 3161 token over the first timestamped checkpoint that holds it
    /// (consistency proved in the export): it existed no later than that.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub no_later_than: Option<AttestedTime>,
    /// What changed since the previous snapshot of the history (which may lie before the
    /// period); `None` for the device's first snapshot.
    pub changes: Option<Vec<ChangeEvent>>,
}

/// A time attested by a timestamping authority, and the file holding its token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttestedTime {
    /// The token's time.
    pub at: String,
    /// The token's file in the export.
    pub file: String,
}

/// Where a snapshot stands in the server's log, for [`DeviceBuilder::add`].
#[derive(Debug, Clone, Default)]
pub struct InLog {
    /// Its receipt's path in the export.
    pub receipt: Option<String>,
    /// Its position in the log.
    pub leaf_index: Option<u64>,
    /// The timestamp that dates it.
    pub no_later_than: Option<AttestedTime>,
}

/// The day (`YYYY-MM-DD`) of an RFC 3339 time.
pub fn day(time: &str) -> &str {
    time.get(..10).unwrap_or(time)
}

/// Whether a snapshot taken at `taken_at` falls in the period (inclusive days; open ends
/// when `None`): `Less` before it, `Greater` after it.
pub fn place_in_period(taken_at: &str, from: Option<&str>, to: Option<&str>) -> std::cmp::Ordering {
    let taken = day(taken_at);
    if from.is_some_and(|from| taken < from) {
        std::cmp::Ordering::Less
    } else if to.is_some_and(|to| taken > to) {
        std::cmp::Ordering::Greater
    } else {
        std::cmp::Ordering::Equal
    }
}

/// Builds one device's facts from its snapshots, oldest first.
#[derive(Debug)]
pub struct DeviceBuilder {
    handle: String,
    key_id: String,
    previous: Option<Snapshot>,
    name: Option<String>,
    snapshots: Vec<SnapshotFacts>,
}

impl DeviceBuilder {
    /// A device of folder `handle`, whose snapshots `key_id` signed.
    pub fn new(handle: &str, key_id: &str) -> DeviceBuilder {
        DeviceBuilder {
            handle: handle.to_string(),
            key_id: key_id.to_string(),
            previous: None,
            name: None,
            snapshots: Vec::new(),
        }
    }

    /// A snapshot before the period: what the first one of the period is compared with.
    pub fn before_period(&mut self, snapshot: Snapshot) {
        self.previous = Some(snapshot);
    }

    /// A snapshot of the period, with its sequence, the SHA-256 of its bytes and its place in
    /// the log.
    pub fn add(&mut self, sequence: u64, snapshot: Snapshot, snapshot_sha256: String, log: InLog) {
        let changes = self
            .previous
            .as_ref()
            .map(|before| compare_snapshots(before, &snapshot));
        self.name = snapshot.device.name.clone().or(self.name.take());
        self.snapshots.push(SnapshotFacts {
            sequence,
            taken_at: snapshot.taken_at.clone(),
            snapshot_sha256,
            envelope: format::envelope_path(&self.handle, &self.key_id, sequence),
            receipt: log.receipt,
            leaf_index: log.leaf_index,
            no_later_than: log.no_later_than,
            changes,
        });
        self.previous = Some(snapshot);
    }

    /// The device's facts; `None` when no snapshot fell in the period.
    pub fn finish(self) -> Option<DeviceFacts> {
        (!self.snapshots.is_empty()).then_some(DeviceFacts {
            handle: self.handle,
            name: self.name,
            key_id: self.key_id,
            snapshots: self.snapshots,
        })
    }
}

/// Adds the files drawn from the facts: `data.json`, and for each device the documents made
/// from the same `data` — `rapport.pdf` (with these exact `data.json` bytes attached),
/// `LISEZMOI.txt`, `lettres/…` — at the root for one device, under `rapports/<handle>/` for
/// several. The envelopes and keys must already be in `files` (the report reads them).
pub fn export_files(
    files: &mut BTreeMap<String, Vec<u8>>,
    data: &ExportData,
) -> Result<(), ReportError> {
    let data_json = serde_json::to_vec_pretty(data)?;
    let lang: Lang = data.lang.parse().unwrap_or_default();
    let one = data.devices.len() == 1;
    for device in &data.devices {
        let Some(input) = report_input(files, data, device)? else {
            continue;
        };
        // One device: the documents at the root; several: one folder each.
        let prefix = if one {
            String::new()
        } else {
            format!("rapports/{}/", device.handle)
        };
        let pdf = crate::render_pdf_attaching(&input, lang, data_json.clone())?;
        files.insert(format!("{prefix}rapport.pdf"), pdf);
        files.insert(
            format!("{prefix}LISEZMOI.txt"),
            crate::lisezmoi(&input, lang).into_bytes(),
        );
        for (name, text) in crate::letters(&input, lang) {
            files.insert(format!("{prefix}{name}"), text.into_bytes());
        }
    }
    files.insert(format::DATA.into(), data_json);
    Ok(())
}

/// The report's facts for one device of the export: its newest snapshot analysed, each
/// snapshot with who attests it (the agent's key always; the server's log when a receipt is
/// there; a timestamping authority when a token dates it), the keys and their files. `None`
/// when the device has no snapshot.
pub fn report_input(
    files: &BTreeMap<String, Vec<u8>>,
    data: &ExportData,
    device: &DeviceFacts,
) -> Result<Option<ReportInput>, ReportError> {
    let (Some(first), Some(newest)) = (device.snapshots.first(), device.snapshots.last()) else {
        return Ok(None);
    };
    let body = files
        .get(&newest.envelope)
        .ok_or_else(|| ReportError::Input(format!("{} is not in the export", newest.envelope)))?;
    let bytes = Envelope::from_json(body)
        .and_then(|e| e.snapshot_bytes())
        .map_err(|e| ReportError::Input(format!("{}: {e}", newest.envelope)))?;
    let snapshot: Snapshot = serde_json::from_slice(&bytes)?;
    let snapshots = device
        .snapshots
        .iter()
        .map(|s| {
            let mut attested = vec![Attestation::AgentSigned];
            if let (Some(file), Some(leaf_index)) = (&s.receipt, s.leaf_index) {
                attested.push(Attestation::LogIncluded {
                    leaf_index,
                    file: file.clone(),
                });
            }
            if let Some(time) = &s.no_later_than {
                attested.push(Attestation::TimeAttested {
                    at: time.at.clone(),
                    file: time.file.clone(),
                });
            }
            SnapshotEntry {
                sequence: s.sequence,
                taken_at: s.taken_at.clone(),
                envelope: s.envelope.clone(),
                attested,
                changes: s.changes.clone(),
            }
        })
        .collect();
    let mut keys = vec![KeyFact {
        role: KeyRole::Agent,
        fingerprint: device.key_id.clone(),
        file: format::agent_key_path(&device.key_id),
    }];
    if let Some(log) = files
        .get(format::LOG_KEY)
        .and_then(|b| serde_json::from_slice::<LogIdentity>(b).ok())
    {
        keys.push(KeyFact {
            role: KeyRole::Log,
            fingerprint: log.verifier_key,
            file: format::LOG_KEY.into(),
        });
    }
    Ok(Some(ReportInput {
        owner: None,
        device_handle: device.handle.clone(),
        period: Period {
            from: data
                .from
                .clone()
                .unwrap_or_else(|| day(&first.taken_at).to_string()),
            to: data
                .to
                .clone()
                .unwrap_or_else(|| day(&newest.taken_at).to_string()),
        },
        generated_at: data.made_at.clone(),
        server_attested: data.header.attested_by == "server",
        analysis: analyze_snapshot(&snapshot),
        analysed_sequence: newest.sequence,
        snapshots,
        server_alerts: Vec::new(),
        keys,
    }))
}
