//! Accepting a signed snapshot: the checks in the contract's order (size, envelope, key,
//! signature, snapshot, schema, then the device's chain), storage, log append, diff, alerts,
//! receipt. A refused upload stores nothing, except the alert a chain break leaves on the
//! device. An envelope sent again byte for byte (its answer was lost) gets its receipt again
//! instead of a replay refusal.

use serde::Deserialize;
use sqlx::{AnyConnection, Row as _};

use lucarne_profiles::compare::{self as diff, Alert, ChangeEvent};
use lucarne_profiles::snapshot::{Snapshot, SNAPSHOT_SCHEMA};
use lucarne_proof::chain::{self, ChainBreak, ChainHead, ChainLink};
use lucarne_proof::envelope::{sha256_hex, Envelope, EnvelopeError};

use lucarne_proof::wire::Refusal;

use crate::db::now_unix;
use crate::error::ApiError;
use crate::state::AppState;
use crate::{storage, tlog};

/// Longest device identifier accepted.
const MAX_DEVICE_ID_LEN: usize = 128;

/// What the server answers to an accepted upload: the receipt of the `proof` crate, with
/// typed change events and alerts.
pub type Receipt = lucarne_proof::receipt::Receipt<ChangeEvent, Alert>;
pub use lucarne_proof::receipt::RECEIPT_SCHEMA;

fn refuse(refusal: Refusal, message: impl Into<String>) -> ApiError {
    ApiError::new(refusal, message)
}

/// A snapshot that passed every check before the chain.
struct Checked {
    key_id: String,
    device_id: String,
    sequence: u64,
    previous_hash: Option<String>,
    snapshot: Snapshot,
    snapshot_bytes: Vec<u8>,
    envelope: Envelope,
}

/// Checks an envelope up to its snapshot's schema, without writing anything.
async fn check(state: &AppState, body: &[u8]) -> Result<Checked, ApiError> {
    let envelope =
        Envelope::from_json(body).map_err(|e| refuse(Refusal::MalformedEnvelope, e.to_string()))?;
    let snapshot_bytes = envelope
        .snapshot_bytes()
        .map_err(|e| refuse(Refusal::MalformedEnvelope, e.to_string()))?;
    if envelope.key_id.len() != 64 || !envelope.key_id.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(refuse(
            Refusal::MalformedEnvelope,
            "key_id is not a hex SHA-256",
        ));
    }
    let row = sqlx::query("SELECT public_key, revoked_at FROM agent_keys WHERE key_id = $1")
        .bind(&envelope.key_id)
        .fetch_optional(&state.db.pool)
        .await?;
    let Some(row) = row else {
        return Err(ApiError::new(
            Refusal::UnknownKey,
            "this key is not registered on this server",
        ));
    };
    let public_key: Vec<u8> = row.try_get(0)?;
    let revoked_at: Option<i64> = row.try_get(1)?;
    if revoked_at.is_some() {
        return Err(ApiError::new(
            Refusal::RevokedKey,
            "this key has been revoked",
        ));
    }
    match envelope.verify(&public_key) {
        Ok(_) => {}
        Err(EnvelopeError::Base64(field)) => {
            return Err(refuse(
                Refusal::MalformedEnvelope,
                format!("field `{field}` is not valid base64"),
            ))
        }
        Err(_) => {
            return Err(refuse(
                Refusal::BadSignature,
                "the signature does not match the snapshot and key",
            ))
        }
    }
    #[derive(Deserialize)]
    struct SchemaOnly {
        schema: String,
    }
    let schema: SchemaOnly = serde_json::from_slice(&snapshot_bytes)
        .map_err(|e| refuse(Refusal::MalformedSnapshot, format!("snapshot: {e}")))?;
    if schema.schema != SNAPSHOT_SCHEMA {
        return Err(refuse(
            Refusal::UnsupportedSchema,
            format!(
                "snapshot schema `{}` is not supported (expected `{SNAPSHOT_SCHEMA}`)",
                schema.schema.chars().take(64).collect::<String>()
            ),
        ));
    }
    let snapshot: Snapshot = serde_json::from_slice(&snapshot_bytes)
        .map_err(|e| refuse(Refusal::MalformedSnapshot, format!("snapshot: {e}")))?;
    let device_id = snapshot
        .device
        .udid
        .clone()
        .filter(|u| !u.trim().is_empty())
        .ok_or_else(|| {
            refuse(
                Refusal::MalformedSnapshot,
                "snapshot: device.udid is required",
            )
        })?;
    if device_id.len() > MAX_DEVICE_ID_LEN || device_id.chars().any(char::is_control) {
        return Err(refuse(
            Refusal::MalformedSnapshot,
            "snapshot: device.udid is too long or has control characters",
        ));
    }
    if snapshot.sequence == 0 || i64::try_from(snapshot.sequence).is_err() {
        return Err(refuse(
            Refusal::MalformedSnapshot,
            "snapshot: sequence must be between 1 and 2^63-1",
        ));
    }
    if let Some(previous) = &snapshot.previous_hash {
        if previous.len() != 64 || !previous.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(refuse(
                Refusal::MalformedSnapshot,
                "snapshot: previous_hash is not a hex SHA-256",
            ));
        }
    }
    Ok(Checked {
        key_id: envelope.key_id.clone(),
        device_id,
        sequence: snapshot.sequence,
        previous_hash: snapshot
            .previous_hash
            .as_ref()
            .map(|h| h.to_ascii_lowercase()),
        snapshot,
        snapshot_bytes,
        envelope,
    })
}

/// The device's state without what changes at every snapshot (time, sequence, chain, which
/// sources were read): equal states mean nothing changed on the device.
fn state_hash(snapshot: &Snapshot) -> Result<String, ApiError> {
    let mut state = snapshot.clone();
    state.taken_at = String::new();
    state.sequence = 0;
    state.previous_hash = None;
    state.sources = Vec::new();
    let bytes = serde_json::to_vec(&state).map_err(ApiError::internal)?;
    Ok(sha256_hex(&bytes))
}

struct LastAccepted {
    sequence: u64,
    snapshot_sha256: String,
    state_sha256: String,
}

async fn last_accepted(
    conn: &mut AnyConnection,
    key_id: &str,
    device_id: &str,
) -> Result<Option<LastAccepted>, ApiError> {
    let row = sqlx::query("SELECT last_sequence, last_snapshot_sha256, last_state_sha256 FROM devices WHERE key_id = $1 AND device_id = $2")
        .bind(key_id)
        .bind(device_id)
        .fetch_optional(&mut *conn)
        .await?;
    let Some(row) = row else { return Ok(None) };
    let sequence: i64 = row.try_get(0)?;
    Ok(Some(LastAccepted {
        sequence: u64::try_from(sequence).map_err(ApiError::internal)?,
        snapshot_sha256: row.try_get(1)?,
        state_sha256: row.try_get(2)?,
    }))
}

/// What is stored of the envelope already accepted for a device and sequence.
struct AlreadyAccepted {
    leaf_index: u64,
    envelope_sha256: String,
    duplicate_content: bool,
    events: String,
    alerts: String,
}

async fn already_accepted(
    conn: &mut AnyConnection,
    c: &Checked,
) -> Result<Option<AlreadyAccepted>, ApiError> {
    let row = sqlx::query(
        "SELECT leaf_index, envelope_sha256, duplicate_content, events, alerts FROM snapshots \
         WHERE key_id = $1 AND device_id = $2 AND sequence = $3",
    )
    .bind(&c.key_id)
    .bind(&c.device_id)
    .bind(i64::try_from(c.sequence).map_err(ApiError::internal)?)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(row) = row else { return Ok(None) };
    let leaf_index: i64 = row.try_get(0)?;
    let duplicate_content: i64 = row.try_get(2)?;
    Ok(Some(AlreadyAccepted {
        leaf_index: u64::try_from(leaf_index).map_err(ApiError::internal)?,
        envelope_sha256: row.try_get(1)?,
        duplicate_content: duplicate_content != 0,
        events: row.try_get(3)?,
        alerts: row.try_get(4)?,
    }))
}

/// The receipt of an envelope accepted earlier, sent again byte for byte (its answer was
/// lost): same leaf, with its inclusion proof in the current tree (`size` leaves) and the
/// current signed checkpoint, so it verifies against the latest checkpoint.
async fn receipt_again(
    conn: &mut AnyConnection,
    c: Checked,
    size: u64,
    accepted: AlreadyAccepted,
) -> Result<Receipt, ApiError> {
    let proof = tlog::inclusion_proof(conn, accepted.leaf_index, size)
        .await
        .map_err(ApiError::internal)?;
    let checkpoint = tlog::current_checkpoint(conn)
        .await
        .map_err(ApiError::internal)?;
    Ok(Receipt {
        schema: RECEIPT_SCHEMA.to_string(),
        key_id: c.key_id,
        device_id: c.device_id,
        sequence: c.sequence,
        envelope_sha256: accepted.envelope_sha256,
        leaf_index: accepted.leaf_index,
        tree_size: size,
        inclusion_proof: proof.iter().map(|h| hex::encode(h.0)).collect(),
        checkpoint,
        duplicate_content: accepted.duplicate_content,
        events: serde_json::from_str(&accepted.events).map_err(ApiError::internal)?,
        alerts: serde_json::from_str(&accepted.alerts).map_err(ApiError::internal)?,
    })
}

/// Which chain rule the upload breaks, if any ([`chain::check`]); `seen` tells whether its
/// sequence number was already accepted for the device.
fn chain_break(c: &Checked, last: Option<&LastAccepted>, seen: bool) -> Option<ChainBreak> {
    let last = last.map(|l| ChainHead {
        sequence: l.sequence,
        snapshot_sha256: &l.snapshot_sha256,
    });
    let next = ChainLink {
        sequence: c.sequence,
        previous_hash: c.previous_hash.as_deref(),
    };
    chain::check(last, next, seen).err()
}

/// Verifies, stores, logs and diffs one envelope; returns its receipt.
pub async fn ingest(state: &AppState, body: &[u8]) -> Result<Receipt, ApiError> {
    let checked = check(state, body).await?;
    let envelope_sha256 = sha256_hex(body);
    let snapshot_sha256 = sha256_hex(&checked.snapshot_bytes);
    let state_sha256 = state_hash(&checked.snapshot)?;

    let _guard = state.write_lock.lock().await;
    let mut tx = state.db.pool.begin().await?;
    let size = tlog::lock_for_append(&mut tx, state.db.backend)
        .await
        .map_err(ApiError::internal)?;
    let accepted = already_accepted(&mut tx, &checked).await?;
    let seen = accepted.is_some();
    if let Some(accepted) = accepted.filter(|a| a.envelope_sha256 == envelope_sha256) {
        // The same bytes again: the agent lost our answer. It gets its receipt back; nothing
        // is appended and it is no replay.
        let receipt = receipt_again(&mut tx, checked, size, accepted).await;
        tx.rollback().await?;
        return receipt;
    }
    let last = last_accepted(&mut tx, &checked.key_id, &checked.device_id).await?;
    if let Some(kind) = chain_break(&checked, last.as_ref(), seen) {
        tx.rollback().await?;
        let last_sequence = last.as_ref().map_or(0, |l| l.sequence);
        let alert = diff::chain_alert(kind, &checked.device_id, last_sequence, checked.sequence);
        sqlx::query(
            "INSERT INTO device_alerts (key_id, device_id, at, alert) VALUES ($1, $2, $3, $4)",
        )
        .bind(&checked.key_id)
        .bind(&checked.device_id)
        .bind(now_unix())
        .bind(serde_json::to_string(&alert).map_err(ApiError::internal)?)
        .execute(&state.db.pool)
        .await?;
        let (refusal, message) = match kind {
            ChainBreak::Replay => (
                Refusal::Replay,
                "this sequence number was already accepted for this device",
            ),
            ChainBreak::Rollback => (
                Refusal::Rollback,
                "this sequence number is lower than the last accepted for this device",
            ),
            _ => (
                Refusal::Fork,
                "previous_hash does not match the last accepted snapshot of this device",
            ),
        };
        return Err(refuse(refusal, message));
    }

    let duplicate_content = last
        .as_ref()
        .is_some_and(|l| l.state_sha256 == state_sha256);
    let events = match &last {
        Some(l) if !duplicate_content => {
            let previous_bytes = storage::load_snapshot(&mut tx, &l.snapshot_sha256)
                .await
                .map_err(ApiError::internal)?;
            let previous: Snapshot =
                serde_json::from_slice(&previous_bytes).map_err(ApiError::internal)?;
            diff::compare_snapshots(&previous, &checked.snapshot)
        }
        _ => Vec::new(),
    };
    let alerts = diff::alerts(&events);

    storage::store_snapshot(&mut tx, &snapshot_sha256, &checked.snapshot_bytes)
        .await
        .map_err(ApiError::internal)?;
    let leaf_data = ring::digest::digest(&ring::digest::SHA256, body);
    let appended = tlog::append(&mut tx, &state.key, &state.origin, size, leaf_data.as_ref())
        .await
        .map_err(ApiError::internal)?;
    // The envelope is stored by its fields; its exact bytes only when they are not the
    // canonical serialisation of those fields.
    let canonical = serde_json::to_vec(&checked.envelope).map_err(ApiError::internal)?;
    let envelope_raw = (canonical != body).then(|| body.to_vec());
    let leaf_index = i64::try_from(appended.leaf_index).map_err(ApiError::internal)?;
    let sequence = i64::try_from(checked.sequence).map_err(ApiError::internal)?;
    sqlx::query(
        "INSERT INTO snapshots (leaf_index, key_id, device_id, sequence, envelope_sha256, snapshot_sha256, \
         state_sha256, signature, envelope_raw, received_at, duplicate_content, events, alerts) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
    )
    .bind(leaf_index)
    .bind(&checked.key_id)
    .bind(&checked.device_id)
    .bind(sequence)
    .bind(&envelope_sha256)
    .bind(&snapshot_sha256)
    .bind(&state_sha256)
    .bind(&checked.envelope.signature)
    .bind(envelope_raw)
    .bind(now_unix())
    .bind(i64::from(duplicate_content))
    .bind(serde_json::to_string(&events).map_err(ApiError::internal)?)
    .bind(serde_json::to_string(&alerts).map_err(ApiError::internal)?)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "INSERT INTO devices (key_id, device_id, last_sequence, last_leaf_index, last_snapshot_sha256, last_state_sha256) \
         VALUES ($1, $2, $3, $4, $5, $6) \
         ON CONFLICT (key_id, device_id) DO UPDATE SET last_sequence = excluded.last_sequence, \
         last_leaf_index = excluded.last_leaf_index, last_snapshot_sha256 = excluded.last_snapshot_sha256, \
         last_state_sha256 = excluded.last_state_sha256",
    )
    .bind(&checked.key_id)
    .bind(&checked.device_id)
    .bind(sequence)
    .bind(leaf_index)
    .bind(&snapshot_sha256)
    .bind(&state_sha256)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;

    Ok(Receipt {
        schema: RECEIPT_SCHEMA.to_string(),
        key_id: checked.key_id,
        device_id: checked.device_id,
        sequence: checked.sequence,
        envelope_sha256,
        leaf_index: appended.leaf_index,
        tree_size: appended.tree_size,
        inclusion_proof: appended
            .inclusion_proof
            .iter()
            .map(|h| hex::encode(h.0))
            .collect(),
        checkpoint: appended.checkpoint,
        duplicate_content,
        events,
        alerts,
    })
}
