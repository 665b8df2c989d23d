//! The evidence export built from this computer's own history (`lucarne export`).
//!
//! The agent keeps every envelope it sealed and every receipt the server gave; an export of a
//! device over a period is made of those exact bytes, the keys to check them, the facts drawn
//! from them (`data.json`, language-free), and a manifest signed by this computer's key. Such
//! an export is **not attested by the server**: `data.json` says so (`attested_by: "agent"`)
//! and `lucarne verify` reports it. When a timestamping authority is given, its RFC 3161
//! token over the signed manifest (`MANIFEST.tsr`) proves the export existed at that time.
//!
//! When the server answers, the export also carries consistency proofs from each receipt's
//! checkpoint to the newest one (checked before they go in); offline, they are left out and
//! `lucarne verify` says so.
//!
//! [`export_files`] is the one place that lists the files of an export: `data.json` and the
//! documents of the report crate (`rapport.pdf`, `LISEZMOI.txt`, `lettres/`), from the same
//! [`ExportData`].

use std::collections::BTreeMap;
use std::time::Duration;

use lucarne_profiles::Snapshot;
use lucarne_proof::checkpoint::LogIdentity;
use lucarne_proof::cms::timestamp;
use lucarne_proof::envelope::{sha256_hex, Envelope};
use lucarne_proof::export::{self, DataHeader};
use lucarne_proof::merkle::{self, Hash};
use lucarne_proof::receipt::Receipt;
use lucarne_report::export::{place_in_period, DeviceBuilder, InLog};
pub use lucarne_report::export::{AttestedTime, DeviceFacts, ExportData, SnapshotFacts};
use ring::rand::{SecureRandom as _, SystemRandom};

use crate::home::{read_bounded, Home};
use crate::keys::AgentKey;
use crate::registration;
use crate::state;
use crate::upload::client::ServerClient;
use crate::upload::queue::receipt_path;

/// Largest answer read from a timestamping authority.
const MAX_TSA_ANSWER: usize = 1024 * 1024;

/// What to export.
#[derive(Debug, Clone, Default)]
pub struct ExportOptions {
    /// One device (its history folder name, as `lucarne history` lists it); all when `None`.
    pub device: Option<String>,
    /// First day included, `YYYY-MM-DD` (compared with the day of `taken_at`, UTC).
    pub from: Option<String>,
    /// Last day included.
    pub to: Option<String>,
    /// The language the documents are written in (`fr`, `en`); the facts have none.
    pub lang: String,
    /// URL of an RFC 3161 timestamping authority, if one is to be asked.
    pub tsa: Option<String>,
}

/// Why an export could not be made.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ExportError {
    /// The history, the key or the registration cannot be read.
    #[error(transparent)]
    Local(#[from] anyhow::Error),
    /// No device of that name in the history.
    #[error("no device {0} in this computer's history")]
    UnknownDevice(String),
    /// Nothing in the period.
    #[error("no snapshot in the chosen period")]
    Empty,
    /// A snapshot was signed by another key than this computer's current one.
    #[error("snapshot {sequence} of {device} was signed by key {key_id}, not this computer's key")]
    OtherKey {
        /// Device folder.
        device: String,
        /// Sequence.
        sequence: u64,
        /// The key that signed it.
        key_id: String,
    },
    /// The timestamping authority failed or answered something that does not hold.
    #[error("the timestamping authority at {url} failed: {reason}")]
    Timestamp {
        /// Its URL.
        url: String,
        /// What went wrong.
        reason: String,
    },
    /// The archive could not be written.
    #[error(transparent)]
    Zip(#[from] export::zip::ZipError),
}

/// A finished export.
#[derive(Debug, Clone)]
pub struct Export {
    /// The ZIP bytes.
    pub archive: Vec<u8>,
    /// Its facts.
    pub data: ExportData,
    /// The timestamp over the manifest's signature, when one was asked for.
    pub timestamp: Option<timestamp::Timestamp>,
}

/// Reads the history of `home` and builds the export (see the module docs).
pub fn build(home: &Home, options: &ExportOptions) -> Result<Export, ExportError> {
    let key = AgentKey::load(home).map_err(anyhow::Error::from)?;
    let registration = registration::load(home).map_err(anyhow::Error::from)?;
    let devices = state::history_devices(home).map_err(anyhow::Error::from)?;
    let chosen = match &options.device {
        Some(d) if devices.contains(d) => vec![d.clone()],
        Some(d) => return Err(ExportError::UnknownDevice(d.clone())),
        None => devices,
    };
    let mut files: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    let mut facts = Vec::new();
    let mut checkpoints = Checkpoints::default();
    for device in &chosen {
        let Some(device_facts) = device_files(
            home,
            &key,
            device,
            options,
            registration.as_ref().map(|e| &e.log),
            &mut files,
            &mut checkpoints,
        )?
        else {
            continue;
        };
        facts.push(device_facts);
    }
    if facts.is_empty() {
        return Err(ExportError::Empty);
    }
    files.insert(
        export::agent_key_path(&key.key_id()),
        format!("{}\n", key.verifier_key()).into_bytes(),
    );
    if let Some(registration) = &registration {
        files.insert(
            export::LOG_KEY.into(),
            serde_json::to_vec_pretty(&registration.log).map_err(anyhow::Error::from)?,
        );
    }
    if let Some((size, (_, note))) = checkpoints.seen.last_key_value() {
        files.insert(export::CHECKPOINT.into(), note.clone().into_bytes());
        if let Some(registration) = &registration {
            for (from, to, proof) in consistency_proofs(&registration.server, &checkpoints, *size)?
            {
                let file = export::ConsistencyFile { from, to, proof };
                files.insert(
                    export::consistency_path(from, to),
                    serde_json::to_vec_pretty(&file).map_err(anyhow::Error::from)?,
                );
            }
        }
    }
    let data = ExportData {
        header: DataHeader {
            schema: export::DATA_SCHEMA.into(),
            attested_by: "agent".into(),
            timestamped: options.tsa.is_some(),
        },
        made_at: crate::sources::now_rfc3339(),
        from: options.from.clone(),
        to: options.to.clone(),
        lang: options.lang.clone(),
        devices: facts,
    };
    export_files(&mut files, &data)?;

    let manifest = export::manifest_of(&files);
    let note = key.sign_manifest(&manifest);
    let (stamp, token) = match &options.tsa {
        Some(url) => {
            let (bytes, token) = ask_timestamp(url, &note)?;
            (Some(bytes), Some(token))
        }
        None => (None, None),
    };
    let archive = export::pack(&files, manifest, note, stamp)?;
    Ok(Export {
        archive,
        data,
        timestamp: token,
    })
}

/// Adds `data.json` and the report crate's documents drawn from it (see
/// [`lucarne_report::export::export_files`]).
pub fn export_files(
    files: &mut BTreeMap<String, Vec<u8>>,
    data: &ExportData,
) -> Result<(), ExportError> {
    lucarne_report::export::export_files(files, data).map_err(|e| anyhow::Error::from(e).into())
}

/// The checkpoints of the receipts exported, verified: tree size → (root, signed note).
#[derive(Debug, Default)]
struct Checkpoints {
    seen: BTreeMap<u64, (Hash, String)>,
}

/// Asks the server, when it answers, for a consistency proof from each receipt's checkpoint to
/// the newest one (`to`), and checks each: a proof that does not hold means the log forked,
/// and the export stops. A server that does not answer leaves the proofs out: the export is
/// still whole, `lucarne verify` then says that consistency could not be checked.
fn consistency_proofs(
    server: &str,
    checkpoints: &Checkpoints,
    to: u64,
) -> Result<Vec<(u64, u64, Vec<String>)>, ExportError> {
    let Some((to_root, _)) = checkpoints.seen.get(&to) else {
        return Ok(Vec::new());
    };
    let Ok(client) = ServerClient::new(server) else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for (&from, (from_root, _)) in checkpoints.seen.range(1..to) {
        let answer =
            crate::upload::block_on(client.consistency(from, to)).map_err(anyhow::Error::from)?;
        let Ok(proof) = answer else {
            // Unreachable or refusing: no proofs this time.
            return Ok(Vec::new());
        };
        let hashes: Option<Vec<Hash>> = proof
            .iter()
            .map(|h| {
                hex::decode(h)
                    .ok()
                    .and_then(|b| Hash::try_from(b.as_slice()).ok())
            })
            .collect();
        let holds = hashes.is_some_and(|hashes| {
            merkle::verify_consistency(from, to, from_root, to_root, &hashes).is_ok()
        });
        if !holds {
            return Err(anyhow::anyhow!(
                "the server's log of size {to} does not extend its log of size {from}: \
                 the log was rewritten or forked"
            )
            .into());
        }
        out.push((from, to, proof));
    }
    Ok(out)
}

/// Adds one device's envelopes and receipts in the period to `files`; returns its facts, or
/// `None` when it has nothing in the period.
fn device_files(
    home: &Home,
    key: &AgentKey,
    device: &str,
    options: &ExportOptions,
    log: Option<&LogIdentity>,
    files: &mut BTreeMap<String, Vec<u8>>,
    checkpoints: &mut Checkpoints,
) -> Result<Option<DeviceFacts>, ExportError> {
    let key_id = key.key_id();
    let mut builder = DeviceBuilder::new(device, &key_id);
    for sequence in state::history_sequences(home, device).map_err(anyhow::Error::from)? {
        // A snapshot the server refused for good is not evidence of anything: the chain went
        // back over it (see `state::rewind`), and what follows links to the one before it.
        if state::was_refused(home, device, sequence) {
            continue;
        }
        let body = state::history_envelope(home, device, sequence).map_err(anyhow::Error::from)?;
        let envelope = Envelope::from_json(&body).map_err(anyhow::Error::from)?;
        let bytes = envelope.snapshot_bytes().map_err(anyhow::Error::from)?;
        let current: Snapshot = serde_json::from_slice(&bytes).map_err(anyhow::Error::from)?;
        match place_in_period(
            &current.taken_at,
            options.from.as_deref(),
            options.to.as_deref(),
        ) {
            std::cmp::Ordering::Greater => break,
            std::cmp::Ordering::Less => {
                builder.before_period(current);
                continue;
            }
            std::cmp::Ordering::Equal => {}
        }
        if envelope.key_id != key_id {
            return Err(ExportError::OtherKey {
                device: device.to_string(),
                sequence,
                key_id: envelope.key_id,
            });
        }
        let mut in_log = InLog::default();
        let receipt_file = receipt_path(home, device, sequence);
        if receipt_file.exists() {
            let bytes = read_bounded(
                &receipt_file,
                lucarne_proof::receipt::MAX_RECEIPT_BYTES as u64,
            )
            .map_err(anyhow::Error::from)?;
            // The agent verified it when it came; checked again, it gives its checkpoint.
            let verified = Receipt::from_json(&bytes).and_then(|r| {
                let verified = log.map(|log| r.verify(&body, log)).transpose()?;
                Ok((r, verified))
            });
            if let Ok((parsed, verified)) = verified {
                in_log.leaf_index = Some(parsed.leaf_index);
                if let Some(verified) = verified {
                    checkpoints.seen.insert(
                        verified.checkpoint.size,
                        (verified.checkpoint.root, parsed.checkpoint.clone()),
                    );
                }
            }
            let path = export::receipt_path(device, &key_id, sequence);
            files.insert(path.clone(), bytes);
            in_log.receipt = Some(path);
        }
        files.insert(export::envelope_path(device, &key_id, sequence), body);
        builder.add(sequence, current, sha256_hex(&bytes), in_log);
    }
    Ok(builder.finish())
}

/// Asks the timestamping authority at `url` for a token over `note` and checks it (signature,
/// imprint, our nonce) before it goes into the export.
fn ask_timestamp(url: &str, note: &[u8]) -> Result<(Vec<u8>, timestamp::Timestamp), ExportError> {
    let failed = |reason: String| ExportError::Timestamp {
        url: url.to_string(),
        reason,
    };
    let mut nonce = [0u8; 8];
    SystemRandom::new()
        .fill(&mut nonce)
        .map_err(|_| failed("no randomness for the nonce".into()))?;
    let nonce = u64::from_be_bytes(nonce) >> 1;
    let digest: [u8; 32] = ring::digest::digest(&ring::digest::SHA256, note)
        .as_ref()
        .try_into()
        .map_err(|_| failed("SHA-256 is 32 bytes".into()))?;
    let request = timestamp::request(&digest, nonce);
    let answer = crate::upload::block_on(async {
        let client = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(10))
            .timeout(Duration::from_secs(60))
            .user_agent(concat!("lucarne/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| e.to_string())?;
        let response = client
            .post(url)
            .header("Content-Type", "application/timestamp-query")
            .body(request)
            .send()
            .await
            .map_err(|e| e.to_string())?;
        if !response.status().is_success() {
            return Err(format!("HTTP status {}", response.status()));
        }
        let bytes = response.bytes().await.map_err(|e| e.to_string())?;
        if bytes.len() > MAX_TSA_ANSWER {
            return Err(format!("an answer of {} bytes", bytes.len()));
        }
        Ok(bytes.to_vec())
    })
    .map_err(|e| failed(e.to_string()))?
    .map_err(failed)?;
    let token = timestamp::verify(&answer, note).map_err(|e| failed(e.to_string()))?;
    if token.nonce.as_deref() != Some(timestamp::nonce_hex(nonce).as_str()) {
        return Err(failed("the answer does not carry our nonce".into()));
    }
    Ok((answer, token))
}
