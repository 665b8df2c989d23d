//! What a report is made of: facts only, no words. The export fills a [`ReportInput`] from
//! its envelopes, receipts and proofs; the report, `LISEZMOI.txt` and the letters are drawn
//! from it in the reader's language.
//!
//! Every fact carries who attests it ([`Attestation`]) and the file of the export that holds
//! it, so that a sentence of the report or of a letter can always be traced to a file.

use lucarne_profiles::analysis::{analyze_snapshot, AccountKind, Analysis};
use lucarne_profiles::compare::{compare_snapshots, Alert, ChangeEvent};
use lucarne_profiles::snapshot::Snapshot;
use serde::{Deserialize, Serialize};

/// Who attests a fact. Lucarne is exact about it: only the agent signs a time today; the
/// server's log proves inclusion; a timestamping authority proves "no later than".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "by", rename_all = "kebab-case")]
pub enum Attestation {
    /// Signed by the official's computer (the agent's Ed25519 key), with the time it states.
    AgentSigned,
    /// Recorded in the server's transparency log: an inclusion proof in a signed checkpoint.
    LogIncluded {
        /// Its position in the log (the receipt's leaf index).
        leaf_index: u64,
        /// The file of the export holding the receipt and its proof.
        file: String,
    },
    /// Existed no later than a time attested by an RFC 3161 timestamping authority.
    TimeAttested {
        /// The time in the token (RFC 3339).
        at: String,
        /// The file of the export holding the token.
        file: String,
    },
    /// Only the server says so (an unsigned column, a refused upload).
    ServerSays,
}

impl Attestation {
    /// Its message id suffix (`agent-signed`, `log-included`, …).
    pub fn id(&self) -> &'static str {
        match self {
            Attestation::AgentSigned => "agent-signed",
            Attestation::LogIncluded { .. } => "log-included",
            Attestation::TimeAttested { .. } => "time-attested",
            Attestation::ServerSays => "server-says",
        }
    }
}

/// One snapshot of the period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SnapshotEntry {
    /// Its sequence number in the device's chain.
    pub sequence: u64,
    /// When the agent says it was taken (RFC 3339, inside the signed bytes).
    pub taken_at: String,
    /// The file of the export holding the signed envelope.
    pub envelope: String,
    /// Who attests it.
    pub attested: Vec<Attestation>,
    /// What changed since the snapshot before it; `None` for the first of the period.
    pub changes: Option<Vec<ChangeEvent>>,
}

impl SnapshotEntry {
    /// Whether the server's log holds it.
    pub fn in_log(&self) -> bool {
        self.attested
            .iter()
            .any(|a| matches!(a, Attestation::LogIncluded { .. }))
    }

    /// The timestamping authority's time for it, when there is one.
    pub fn attested_time(&self) -> Option<(&str, &str)> {
        self.attested.iter().find_map(|a| match a {
            Attestation::TimeAttested { at, file } => Some((at.as_str(), file.as_str())),
            _ => None,
        })
    }
}

/// An alert only the server reports (a refused upload that broke the chain).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServerAlert {
    /// When the server says it happened (RFC 3339, unsigned).
    pub at: String,
    /// The alert.
    pub alert: Alert,
    /// The file of the export that records it.
    pub file: String,
}

/// Whose key a fingerprint is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum KeyRole {
    /// The official's computer (signs snapshots).
    Agent,
    /// The server's transparency log (signs checkpoints).
    Log,
    /// The server's export key (signs the manifest), when distinct from the log key.
    Export,
}

impl KeyRole {
    /// Its message id suffix.
    pub fn id(self) -> &'static str {
        match self {
            KeyRole::Agent => "agent",
            KeyRole::Log => "log",
            KeyRole::Export => "export",
        }
    }
}

/// A key and where to find it in the export.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyFact {
    /// Whose key.
    pub role: KeyRole,
    /// Its fingerprint, as `lucarne key show` and `lucarne verify` print it.
    pub fingerprint: String,
    /// The file of the export holding it.
    pub file: String,
}

/// The period of the export (inclusive dates, `YYYY-MM-DD`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Period {
    /// First day.
    pub from: String,
    /// Last day.
    pub to: String,
}

/// Everything a report says, as facts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportInput {
    /// The official, as they named themselves (outside text), when they did.
    pub owner: Option<String>,
    /// The device's directory in the export (`devices/<handle>/`).
    pub device_handle: String,
    /// The period.
    pub period: Period,
    /// When the export was made (RFC 3339).
    pub generated_at: String,
    /// Whether the server attests the export (its manifest signature); `false` for an export
    /// built from this computer's history alone.
    pub server_attested: bool,
    /// The analysis of the newest snapshot of the period.
    pub analysis: Analysis,
    /// The snapshot the analysis comes from (its sequence number).
    pub analysed_sequence: u64,
    /// Every snapshot of the period, oldest first.
    pub snapshots: Vec<SnapshotEntry>,
    /// Alerts only the server reports.
    pub server_alerts: Vec<ServerAlert>,
    /// The keys that sign what the export holds.
    pub keys: Vec<KeyFact>,
}

/// The path of a snapshot's signed envelope inside an export.
pub fn envelope_path(handle: &str, key_id: &str, sequence: u64) -> String {
    format!("devices/{handle}/{key_id}/{sequence}.envelope.json")
}

/// The path of a snapshot's receipt inside an export.
pub fn receipt_path(handle: &str, key_id: &str, sequence: u64) -> String {
    format!("devices/{handle}/{key_id}/{sequence}.receipt.json")
}

/// The name of the facts file of an export, attached to the PDF.
pub const DATA_JSON: &str = "data.json";

impl ReportInput {
    /// The snapshot entries of one device's history (sequence and snapshot, oldest first),
    /// each compared with the one before it; `attest` says who attests each sequence number.
    pub fn entries(
        handle: &str,
        key_id: &str,
        history: &[(u64, Snapshot)],
        attest: impl Fn(u64) -> Vec<Attestation>,
    ) -> Vec<SnapshotEntry> {
        let mut previous: Option<&Snapshot> = None;
        history
            .iter()
            .map(|(sequence, snapshot)| {
                let changes = previous.map(|before| compare_snapshots(before, snapshot));
                previous = Some(snapshot);
                SnapshotEntry {
                    sequence: *sequence,
                    taken_at: snapshot.taken_at.clone(),
                    envelope: envelope_path(handle, key_id, *sequence),
                    attested: attest(*sequence),
                    changes,
                }
            })
            .collect()
    }

    /// The analysis of the newest snapshot of `history` with its sequence number.
    pub fn analyse_newest(history: &[(u64, Snapshot)]) -> Option<(u64, Analysis)> {
        history
            .last()
            .map(|(sequence, snapshot)| (*sequence, analyze_snapshot(snapshot)))
    }

    /// The newest snapshot's file.
    pub fn analysed_file(&self) -> Option<&str> {
        self.snapshots
            .iter()
            .find(|s| s.sequence == self.analysed_sequence)
            .map(|s| s.envelope.as_str())
    }

    /// Mail servers the administration configured on the device (Exchange or other mail
    /// accounts), distinct, in order.
    pub fn managed_mail_servers(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for account in &self.analysis.accounts {
            if !matches!(account.kind, AccountKind::Exchange | AccountKind::Mail) {
                continue;
            }
            let host = account.host.clone().unwrap_or_default();
            if !out.contains(&host) {
                out.push(host);
            }
        }
        out
    }

    /// Whether the device carries a mail account the administration configured.
    pub fn has_managed_mail(&self) -> bool {
        !self.managed_mail_servers().is_empty()
    }
}
