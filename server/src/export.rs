//! The server's evidence export of one device (`lucarne-export/1`, `proof/FORMATS.md` §8),
//! attested by the server: its manifest is signed by the log's key, which the agent pinned at
//! registration, under the distinct origin `lucarne.export/1`.
//!
//! What goes in, for each of the owner's keys that uploaded the device, over the period (the
//! days of the agent-signed `taken_at`): the exact envelope bytes stored (rebuilt and checked
//! against the log's hash), each one's receipt in the checkpoint of its batch with its
//! inclusion proof, and — when checkpoints were timestamped — the first timestamped
//! checkpoint at or after it, its RFC 3161 token and the consistency proof between the two:
//! the snapshot existed no later than the token's time. Then the newest checkpoint and a
//! consistency proof from every checkpoint named to it, the keys, `data.json` and the
//! report's documents (`lucarne_report::export`).

use std::collections::BTreeMap;

use anyhow::Context as _;
use serde_json::Value;
use sqlx::{AnyConnection, Row as _};

use lucarne_profiles::Snapshot;
use lucarne_proof::checkpoint::LogIdentity;
use lucarne_proof::envelope::{sha256_hex, Envelope};
use lucarne_proof::export::{self as format, manifest, ConsistencyFile, DataHeader};
use lucarne_proof::receipt::{Receipt, RECEIPT_SCHEMA};
use lucarne_report::export::{place_in_period, AttestedTime, DeviceBuilder, ExportData, InLog};
use lucarne_words::Lang;

use crate::accounts::DeviceRef;
use crate::state::AppState;
use crate::timestamps::{self, CheckpointStamp};
use crate::{storage, tlog};

/// What to export of a device.
#[derive(Debug, Clone, Default)]
pub struct ExportRequest {
    /// First day included (`YYYY-MM-DD`); `None` from the first snapshot.
    pub from: Option<String>,
    /// Last day included; `None` up to the newest.
    pub to: Option<String>,
    /// The language of the documents.
    pub lang: Lang,
}

/// Why an export was not made.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ExportError {
    /// No snapshot of the device falls in the period.
    #[error("no snapshot of this device in the chosen period")]
    Empty,
    /// A day is not `YYYY-MM-DD`, or the period ends before it starts.
    #[error("{0}")]
    BadPeriod(String),
    /// The timestamping authority did not give a valid token over the manifest.
    #[error("the timestamping authority: {0}")]
    Timestamp(String),
    /// The database, the stored snapshots or the documents failed.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

/// Whether `text` is a calendar day `YYYY-MM-DD`.
pub fn is_day(text: &str) -> bool {
    let part = |range: std::ops::Range<usize>| {
        text.get(range)
            .filter(|p| p.bytes().all(|b| b.is_ascii_digit()))
            .and_then(|p| p.parse::<u16>().ok())
    };
    let (Some(year), Some(month), Some(day)) = (part(0..4), part(5..7), part(8..10)) else {
        return false;
    };
    text.len() == 10
        && text.as_bytes()[4] == b'-'
        && text.as_bytes()[7] == b'-'
        && u8::try_from(month)
            .ok()
            .and_then(|m| time::Month::try_from(m).ok())
            .zip(u8::try_from(day).ok())
            .is_some_and(|(month, day)| {
                time::Date::from_calendar_date(i32::from(year), month, day).is_ok()
            })
}

/// Checks a period: days well formed, in order.
pub fn check_period(from: Option<&str>, to: Option<&str>) -> Result<(), ExportError> {
    for day in [from, to].into_iter().flatten() {
        if !is_day(day) {
            return Err(ExportError::BadPeriod(format!(
                "`{}` is not a day (YYYY-MM-DD)",
                day.chars().take(20).collect::<String>()
            )));
        }
    }
    if let (Some(from), Some(to)) = (from, to) {
        if from > to {
            return Err(ExportError::BadPeriod(
                "the period ends before it starts".into(),
            ));
        }
    }
    Ok(())
}

/// A stored snapshot row of the device.
struct Row {
    leaf_index: u64,
    key_id: String,
    sequence: u64,
    device_id: String,
    envelope_sha256: String,
    duplicate_content: bool,
    events: String,
    alerts: String,
}

/// The checkpoints the export names, by tree size, with their signed notes.
#[derive(Default)]
struct Named {
    checkpoints: BTreeMap<u64, String>,
}

/// Builds the export of `device` (see the module docs); the ZIP's bytes.
pub async fn build(
    state: &AppState,
    device: &DeviceRef,
    request: &ExportRequest,
) -> Result<Vec<u8>, ExportError> {
    let (mut files, data) = collect(state, device, request).await?;
    // The PDF is CPU work: off the request threads.
    let key = state.key.clone();
    let (files, manifest, note) = tokio::task::spawn_blocking(move || -> anyhow::Result<_> {
        lucarne_report::export::export_files(&mut files, &data)?;
        let manifest = format::manifest_of(&files);
        let note = key.sign_export_manifest(&manifest);
        Ok((files, manifest, note))
    })
    .await
    .context("the export's documents")??;
    // With an authority configured, a token over the signed manifest proves the export
    // existed at that time (`MANIFEST.tsr`); `data.json` already says it is timestamped, so
    // an authority that does not answer fails the export rather than leaving it undated.
    let token = match &state.tsa_url {
        Some(url) => {
            let client = timestamps::client()?;
            let token = timestamps::ask(&client, url, &note)
                .await
                .map_err(|e| ExportError::Timestamp(e.to_string()))?;
            Some(token.bytes)
        }
        None => None,
    };
    Ok(format::pack(&files, manifest, note, token).context("the export's ZIP")?)
}

/// The draft letters of the export of `device` (name in the export, text), as the export
/// would hold them: drawn from the same facts, citing the same files.
pub async fn letters(
    state: &AppState,
    device: &DeviceRef,
    request: &ExportRequest,
) -> Result<Vec<(String, String)>, ExportError> {
    let (files, data) = collect(state, device, request).await?;
    let mut out = Vec::new();
    for facts in &data.devices {
        if let Some(input) = lucarne_report::export::report_input(&files, &data, facts)
            .map_err(anyhow::Error::from)?
        {
            out.extend(lucarne_report::letters(&input, request.lang));
        }
    }
    Ok(out)
}

/// The export's files but the documents and the manifest, and its facts.
async fn collect(
    state: &AppState,
    device: &DeviceRef,
    request: &ExportRequest,
) -> Result<(BTreeMap<String, Vec<u8>>, ExportData), ExportError> {
    check_period(request.from.as_deref(), request.to.as_deref())?;
    let mut conn = state.db.pool.acquire().await.context("database")?;
    let rows = device_rows(&mut conn, device).await?;
    let stamps = timestamps::all(&mut conn).await?;
    let mut files: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    let mut named = Named::default();
    let mut facts = Vec::new();
    let mut keys: Vec<String> = rows.iter().map(|r| r.key_id.clone()).collect();
    keys.dedup();
    for key_id in &keys {
        let mut builder = DeviceBuilder::new(&device.handle, key_id);
        for row in rows.iter().filter(|r| &r.key_id == key_id) {
            let body = storage::load_envelope(&mut conn, row.leaf_index).await?;
            let envelope = Envelope::from_json(&body)
                .with_context(|| format!("stored envelope of leaf {}", row.leaf_index))?;
            let bytes = envelope
                .snapshot_bytes()
                .with_context(|| format!("stored snapshot of leaf {}", row.leaf_index))?;
            let snapshot: Snapshot = serde_json::from_slice(&bytes)
                .with_context(|| format!("stored snapshot of leaf {}", row.leaf_index))?;
            match place_in_period(
                &snapshot.taken_at,
                request.from.as_deref(),
                request.to.as_deref(),
            ) {
                std::cmp::Ordering::Greater => break,
                std::cmp::Ordering::Less => {
                    builder.before_period(snapshot);
                    continue;
                }
                std::cmp::Ordering::Equal => {}
            }
            let (receipt, tree_size) = receipt(&mut conn, row, &envelope.key_id).await?;
            let receipt_path = format::receipt_path(&device.handle, key_id, row.sequence);
            files.insert(receipt_path.clone(), receipt);
            files.insert(
                format::envelope_path(&device.handle, key_id, row.sequence),
                body,
            );
            let no_later_than = dated_by(&stamps, tree_size).map(|stamp| {
                named
                    .checkpoints
                    .insert(stamp.tree_size, stamp.checkpoint.clone());
                files.insert(
                    format::stamped_checkpoint_path(stamp.tree_size),
                    stamp.checkpoint.clone().into_bytes(),
                );
                files.insert(
                    format::checkpoint_token_path(stamp.tree_size),
                    stamp.token.clone(),
                );
                AttestedTime {
                    at: stamp.gen_time.clone(),
                    file: format::checkpoint_token_path(stamp.tree_size),
                }
            });
            builder.add(
                row.sequence,
                snapshot,
                sha256_hex(&bytes),
                InLog {
                    receipt: Some(receipt_path),
                    leaf_index: Some(row.leaf_index),
                    no_later_than,
                },
            );
        }
        if let Some(device_facts) = builder.finish() {
            files.insert(
                format::agent_key_path(key_id),
                format!("{}\n", agent_verifier_key(&mut conn, key_id).await?).into_bytes(),
            );
            facts.push(device_facts);
        }
    }
    if facts.is_empty() {
        return Err(ExportError::Empty);
    }
    proofs(&mut conn, &mut files, &facts, &stamps, &mut named).await?;
    files.insert(
        format::LOG_KEY.into(),
        serde_json::to_vec_pretty(&LogIdentity {
            origin: state.origin.clone(),
            verifier_key: state.key.verifier_key().to_string(),
        })
        .context("keys/log.json")?,
    );
    drop(conn);

    let data = ExportData {
        header: DataHeader {
            schema: format::DATA_SCHEMA.into(),
            attested_by: "server".into(),
            timestamped: state.tsa_url.is_some(),
        },
        made_at: now_rfc3339(),
        from: request.from.clone(),
        to: request.to.clone(),
        lang: request.lang.code().to_string(),
        devices: facts,
    };
    Ok((files, data))
}

/// The device's accepted snapshots under the owner's keys, by key and sequence.
async fn device_rows(conn: &mut AnyConnection, device: &DeviceRef) -> anyhow::Result<Vec<Row>> {
    let rows = sqlx::query(
        "SELECT s.leaf_index, s.key_id, s.sequence, s.duplicate_content, s.events, s.alerts, \
         s.device_id, s.envelope_sha256 \
         FROM snapshots s JOIN account_keys a ON a.key_id = s.key_id \
         WHERE a.account_id = $1 AND s.device_id = $2 ORDER BY s.key_id, s.sequence",
    )
    .bind(&device.owner)
    .bind(&device.device_id)
    .fetch_all(&mut *conn)
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        out.push(Row {
            leaf_index: u64::try_from(row.try_get::<i64, _>(0)?)?,
            key_id: row.try_get(1)?,
            sequence: u64::try_from(row.try_get::<i64, _>(2)?)?,
            duplicate_content: row.try_get::<i64, _>(3)? != 0,
            events: row.try_get(4)?,
            alerts: row.try_get(5)?,
            device_id: row.try_get(6)?,
            envelope_sha256: row.try_get(7)?,
        });
    }
    Ok(out)
}

/// The receipt of a stored snapshot, in the checkpoint of its batch (or the first kept one
/// that holds it), with its inclusion proof; and that checkpoint's size.
async fn receipt(
    conn: &mut AnyConnection,
    row: &Row,
    key_id: &str,
) -> anyhow::Result<(Vec<u8>, u64)> {
    let (tree_size, checkpoint) = tlog::checkpoint_covering(conn, row.leaf_index).await?;
    let proof = tlog::inclusion_proof(conn, row.leaf_index, tree_size).await?;
    let receipt: Receipt<Value, Value> = Receipt {
        schema: RECEIPT_SCHEMA.to_string(),
        key_id: key_id.to_string(),
        device_id: row.device_id.clone(),
        sequence: row.sequence,
        envelope_sha256: row.envelope_sha256.clone(),
        leaf_index: row.leaf_index,
        tree_size,
        inclusion_proof: proof.iter().map(|h| hex::encode(h.0)).collect(),
        checkpoint,
        duplicate_content: row.duplicate_content,
        events: serde_json::from_str(&row.events)?,
        alerts: serde_json::from_str(&row.alerts)?,
    };
    Ok((serde_json::to_vec_pretty(&receipt)?, tree_size))
}

/// The first timestamped checkpoint whose tree holds the one of size `tree_size`.
fn dated_by(stamps: &[CheckpointStamp], tree_size: u64) -> Option<&CheckpointStamp> {
    stamps.iter().find(|s| s.tree_size >= tree_size)
}

/// Adds the newest checkpoint and the consistency proofs: from each receipt's checkpoint to
/// the timestamped one that dates it, and from every checkpoint named to the newest.
async fn proofs(
    conn: &mut AnyConnection,
    files: &mut BTreeMap<String, Vec<u8>>,
    facts: &[lucarne_report::export::DeviceFacts],
    stamps: &[CheckpointStamp],
    named: &mut Named,
) -> anyhow::Result<()> {
    let mut receipt_sizes = Vec::new();
    for device in facts {
        for snapshot in &device.snapshots {
            let Some(path) = &snapshot.receipt else {
                continue;
            };
            let receipt = Receipt::from_json(files.get(path).map_or(&[][..], Vec::as_slice))
                .with_context(|| format!("{path} as written"))?;
            receipt_sizes.push(receipt.tree_size);
            named
                .checkpoints
                .insert(receipt.tree_size, receipt.checkpoint);
        }
    }
    let mut pairs = Vec::new();
    for size in &receipt_sizes {
        if let Some(stamp) = dated_by(stamps, *size) {
            pairs.push((*size, stamp.tree_size));
        }
    }
    let (latest, note) = tlog::current(conn).await?;
    files.insert(format::CHECKPOINT.into(), note.into_bytes());
    pairs.extend(named.checkpoints.keys().map(|size| (*size, latest)));
    pairs.sort_unstable();
    pairs.dedup();
    for (from, to) in pairs {
        if from == to || from == 0 {
            continue;
        }
        let proof = tlog::consistency_proof(conn, from, to).await?;
        let file = ConsistencyFile {
            from,
            to,
            proof: proof.iter().map(|h| hex::encode(h.0)).collect(),
        };
        files.insert(
            format::consistency_path(from, to),
            serde_json::to_vec_pretty(&file)?,
        );
    }
    Ok(())
}

/// An agent key's signed-note verifier key, as exports carry it.
async fn agent_verifier_key(conn: &mut AnyConnection, key_id: &str) -> anyhow::Result<String> {
    let public: Vec<u8> = sqlx::query("SELECT public_key FROM agent_keys WHERE key_id = $1")
        .bind(key_id)
        .fetch_one(&mut *conn)
        .await?
        .try_get(0)?;
    Ok(manifest::verifier_key(
        &format::agent_key_name(key_id),
        &public,
    ))
}

/// Now, RFC 3339 (UTC, seconds).
fn now_rfc3339() -> String {
    let now = time::OffsetDateTime::now_utc().replace_nanosecond(0);
    now.ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_default()
}
