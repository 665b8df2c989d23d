//! The server's export of a device, checked against this computer's own history before it is
//! trusted (`lucarne export` when registered).
//!
//! The agent holds every envelope it sealed: the server's export must hold each of those of
//! the period byte for byte, each with a receipt that verifies, the whole export verifying
//! offline and its manifest signed by the log key pinned at registration. Then the file
//! written is the server's (attested by the server, its snapshots dated by timestamped
//! checkpoints); otherwise each difference is said plainly and the local export is written.

use std::collections::{BTreeMap, BTreeSet};

use lucarne_proof::checkpoint::LogIdentity;
use lucarne_proof::export::{self, zip, ManifestSigner};

use crate::upload::client::ServerClient;

/// Largest server export read (the verifier's own limit on archives).
pub const MAX_SERVER_EXPORT_BYTES: usize = export::zip::MAX_ARCHIVE_BYTES;

/// What is wrong with the server's export, for one file or as a whole.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Difference {
    /// An envelope this computer sealed (and the server accepted, or not) is not in it.
    Missing {
        /// Key id and sequence: `<key_id>/<seq>`.
        snapshot: String,
    },
    /// It holds other bytes than those this computer signed.
    Altered {
        /// Key id and sequence.
        snapshot: String,
    },
    /// The envelope is there but without a receipt that verifies.
    NoReceipt {
        /// Key id and sequence.
        snapshot: String,
    },
    /// The export does not verify, or is not signed by the pinned log key.
    Invalid {
        /// The first reason.
        reason: String,
    },
}

/// `<key_id>/<seq>` of `devices/<handle>/<key_id>/<seq>.<kind>`, and the kind.
fn snapshot_of(path: &str) -> Option<(String, &str)> {
    let rest = path.strip_prefix(export::DEVICES)?;
    let (_, rest) = rest.split_once('/')?;
    let (key, file) = rest.split_once('/')?;
    let (sequence, kind) = file.split_once('.')?;
    Some((format!("{key}/{sequence}"), kind))
}

/// Compares the server's export `archive` with the envelopes of the local export `local`
/// (path → bytes, as `crate::export` lays them out): every difference, none when the
/// server's export holds them all and verifies under the `pinned` log key.
pub fn compare(
    local: &BTreeMap<String, Vec<u8>>,
    archive: &[u8],
    pinned: &LogIdentity,
) -> Vec<Difference> {
    let report = export::verify(archive);
    let mut out = Vec::new();
    if let Some(failure) = report.failures.first() {
        out.push(Difference::Invalid {
            reason: format!(
                "{}: {}: {}",
                failure.file.as_deref().unwrap_or("ZIP"),
                failure.check.as_str(),
                failure.reason
            ),
        });
    }
    if !matches!(report.signer, Some(ManifestSigner::Server { .. }))
        || report.log.as_ref() != Some(pinned)
    {
        out.push(Difference::Invalid {
            reason: "not signed by the log key kept at registration".into(),
        });
    }
    let failed: BTreeSet<&str> = report
        .failures
        .iter()
        .filter_map(|f| f.file.as_deref())
        .collect();
    let entries = zip::read(archive).unwrap_or_default();
    let mut envelopes = BTreeMap::new();
    let mut receipts = BTreeSet::new();
    for entry in &entries {
        match snapshot_of(&entry.name) {
            Some((id, "envelope.json")) => {
                envelopes.insert(id, &entry.data);
            }
            Some((id, "receipt.json")) if !failed.contains(entry.name.as_str()) => {
                receipts.insert(id);
            }
            _ => {}
        }
    }
    for (path, bytes) in local {
        let Some((snapshot, "envelope.json")) = snapshot_of(path) else {
            continue;
        };
        match envelopes.get(&snapshot) {
            None => out.push(Difference::Missing { snapshot }),
            Some(theirs) if *theirs != bytes => out.push(Difference::Altered { snapshot }),
            Some(_) if !receipts.contains(&snapshot) => {
                out.push(Difference::NoReceipt { snapshot })
            }
            Some(_) => {}
        }
    }
    out
}

/// Asks the server for its export of the device whose UDID names the history folder
/// `device`, over the period: `Ok(None)` when the server does not list that device.
pub fn fetch(
    client: &ServerClient,
    key: &crate::keys::AgentKey,
    device: &str,
    from: Option<&str>,
    to: Option<&str>,
    lang: &str,
) -> anyhow::Result<Option<Vec<u8>>> {
    #[derive(serde::Deserialize)]
    struct Item {
        handle: String,
        device_id: String,
    }
    #[derive(serde::Deserialize)]
    struct List {
        devices: Vec<Item>,
    }
    let list: List = serde_json::from_slice(&crate::upload::block_on(client.signed(
        key,
        "GET",
        "/api/v1/devices",
        Vec::new(),
    ))??)?;
    let Some(item) = list
        .devices
        .iter()
        .find(|d| crate::state::device_dir_name(Some(&d.device_id)) == device)
    else {
        return Ok(None);
    };
    // The handle is the server's: only hex is put in the URL.
    anyhow::ensure!(
        item.handle.bytes().all(|b| b.is_ascii_hexdigit()),
        "the server named the device `{}`",
        crate::upload::client::clean_text(&item.handle)
    );
    let mut target = format!("/api/v1/devices/{}/export?lang={lang}", item.handle);
    for (name, day) in [("from", from), ("to", to)] {
        if let Some(day) = day {
            target.push_str(&format!("&{name}={day}"));
        }
    }
    let archive = crate::upload::block_on(client.signed_limited(
        key,
        "GET",
        &target,
        Vec::new(),
        MAX_SERVER_EXPORT_BYTES,
    ))??;
    Ok(Some(archive))
}
