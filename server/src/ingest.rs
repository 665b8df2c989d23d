//! Accepting a signed snapshot: the checks in the contract's order (size, envelope, key,
//! signature, snapshot, schema, then the device's chain), storage, log append, diff, alerts,
//! receipt. A refused upload stores nothing, except the alert a chain break leaves on the
//! device (once per envelope: only the key holder can make one). An envelope sent again byte
//! for byte (its answer was lost) gets its receipt again instead of a replay refusal.
//!
//! Only canonical envelopes are accepted, and every reason an envelope cannot be
//! authenticated gets the same answer (`401 unauthenticated`).
//!
//! Sequence gaps are accepted: an agent never reuses a number, not even one the server
//! refused (it rewinds its chain to the last accepted snapshot and goes on with the next
//! number), and the hash link to the last accepted snapshot is what makes the chain. The
//! gap stays visible in the device's timeline (its sequence numbers).
//!
//! A device is one per account: the chain is each key's own (one per computer), but what
//! changed is said against the device's latest snapshot from any key of the account, so the
//! same iPad read from two computers has one history.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::Deserialize;
use sqlx::{AnyConnection, Row as _};

use lucarne_profiles::analysis::analyze_snapshot;
use lucarne_profiles::compare::{self as diff, Alert, ChangeEvent, Side};
use lucarne_profiles::snapshot::{Snapshot, SNAPSHOT_SCHEMA};
use lucarne_proof::chain::{self, ChainBreak, ChainHead, ChainLink};
use lucarne_proof::envelope::{sha256_hex, Envelope};

use lucarne_proof::wire::Refusal;

use crate::db::now_unix;
use crate::error::ApiError;
use crate::heads::{load_account_heads, load_head, Head, Heads};
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
    /// The key's account (every key has one): the device's history is the account's.
    account_id: Option<String>,
    device_id: String,
    sequence: u64,
    previous_hash: Option<String>,
    snapshot: Snapshot,
    snapshot_bytes: Vec<u8>,
    envelope: Envelope,
}

/// The one answer to an envelope the server cannot authenticate, whatever the reason (a key
/// it does not know, a revoked key, a signature that does not match): telling them apart
/// would let anyone learn which keys exist and which were revoked.
fn cannot_authenticate() -> ApiError {
    ApiError::new(
        Refusal::Unauthenticated,
        "this envelope cannot be authenticated with an active key of this server",
    )
}

/// A valid Ed25519 public key that signs nothing: an envelope naming no active key is
/// verified against it, so that it costs the server the same time as one naming a key.
fn decoy_public_key() -> &'static [u8] {
    static DECOY: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| {
        use ring::signature::KeyPair as _;
        ring::signature::Ed25519KeyPair::from_seed_unchecked(&[0x5a; 32])
            .map(|k| k.public_key().as_ref().to_vec())
            .unwrap_or_else(|_| vec![0; 32])
    })
}

/// Whether `c` must not appear in an identifier (UDID, device id): control characters, and
/// the invisible and bidirectional formatting characters that make a text show other than
/// it is (U+202E turns what follows around).
pub fn is_hostile_in_identifier(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{00AD}'
                | '\u{061C}'
                | '\u{180E}'
                | '\u{200B}'..='\u{200F}'
                | '\u{2028}'..='\u{202E}'
                | '\u{2060}'..='\u{206F}'
                | '\u{FEFF}'
                | '\u{FFF9}'..='\u{FFFB}'
        )
}

/// Checks an envelope up to its snapshot's schema, without writing anything.
async fn check(state: &AppState, body: &[u8]) -> Result<Checked, ApiError> {
    let envelope =
        Envelope::from_json(body).map_err(|e| refuse(Refusal::MalformedEnvelope, e.to_string()))?;
    // Only the canonical serialisation of the envelope is accepted: the signature covers the
    // snapshot alone, so any other encoding of a signed envelope (spaces, an extra field, an
    // escaped slash) could be made by anyone who saw it. Canonical only, the log's leaf (the
    // SHA-256 of the body) can be made by the key holder alone.
    let canonical = serde_json::to_vec(&envelope).map_err(ApiError::internal)?;
    if canonical != body {
        return Err(refuse(
            Refusal::MalformedEnvelope,
            "the envelope is not in canonical form (compact JSON, fields schema, key_id, \
             snapshot, signature in this order, nothing else)",
        ));
    }
    let snapshot_bytes = envelope
        .snapshot_bytes()
        .map_err(|e| refuse(Refusal::MalformedEnvelope, e.to_string()))?;
    if envelope.key_id.len() != 64
        || !envelope
            .key_id
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    {
        return Err(refuse(
            Refusal::MalformedEnvelope,
            "key_id is not a lowercase hex SHA-256",
        ));
    }
    let signature_ok = {
        use base64::Engine as _;
        base64::engine::general_purpose::STANDARD
            .decode(&envelope.signature)
            .is_ok_and(|s| s.len() == 64)
    };
    if !signature_ok {
        return Err(refuse(
            Refusal::MalformedEnvelope,
            "signature is not the base64 of 64 bytes",
        ));
    }
    // The key alone, before its signature is checked: nothing read here depends on what
    // the key's account holds (its devices are read once the signature verified), so an
    // unknown, a revoked and a known key cost the same. The account comes with the key
    // (every key has one), for the per-account rate.
    let row = sqlx::query(
        "SELECT k.public_key, a.account_id FROM agent_keys k \
         LEFT JOIN account_keys a ON a.key_id = k.key_id \
         WHERE k.key_id = $1 AND k.revoked_at IS NULL",
    )
    .bind(&envelope.key_id)
    .fetch_optional(&state.db.pool)
    .await?;
    let (public_key, account_id): (Option<Vec<u8>>, Option<String>) = match row {
        Some(r) => (Some(r.try_get(0)?), r.try_get(1)?),
        None => (None, None),
    };
    let verified = match &public_key {
        Some(key) => envelope.verify(key).is_ok(),
        None => {
            let mut decoy = envelope.clone();
            decoy.key_id = lucarne_proof::envelope::key_id(decoy_public_key());
            let _ = decoy.verify(decoy_public_key());
            false
        }
    };
    if !verified {
        return Err(cannot_authenticate());
    }
    // Counted once the key is proven: nobody can spend another key's allowance.
    if let Err(wait) = state.uploads_per_key.check(&envelope.key_id) {
        return Err(ApiError::new(
            Refusal::RateLimited,
            "too many uploads for this key; try again later",
        )
        .retry_after(crate::limits::retry_after_seconds(wait)));
    }
    // And per account, all its keys together: a second computer does not double the
    // allowance.
    if let Some(account_id) = &account_id {
        if let Err(wait) = state.uploads_per_account.check(account_id) {
            return Err(ApiError::new(
                Refusal::RateLimited,
                "too many uploads for this account; try again later",
            )
            .retry_after(crate::limits::retry_after_seconds(wait)));
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
    if device_id.len() > MAX_DEVICE_ID_LEN || device_id.chars().any(is_hostile_in_identifier) {
        return Err(refuse(
            Refusal::MalformedSnapshot,
            "snapshot: device.udid is too long or has control, invisible or bidirectional \
             characters",
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
        account_id,
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
/// sources were read): equal states mean nothing changed on the device. The hash of the
/// snapshot serialised with those fields emptied; they are taken out for the time of the
/// serialisation and put back, rather than the whole snapshot copied.
fn state_hash(snapshot: &mut Snapshot) -> Result<String, ApiError> {
    let taken_at = std::mem::take(&mut snapshot.taken_at);
    let sequence = std::mem::take(&mut snapshot.sequence);
    let previous_hash = snapshot.previous_hash.take();
    let sources = std::mem::take(&mut snapshot.sources);
    let bytes = serde_json::to_vec(&*snapshot);
    snapshot.taken_at = taken_at;
    snapshot.sequence = sequence;
    snapshot.previous_hash = previous_hash;
    snapshot.sources = sources;
    Ok(sha256_hex(&bytes.map_err(ApiError::internal)?))
}

/// What is stored of the envelope already accepted for a device and sequence.
#[derive(Clone)]
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

/// Which chain rule the upload breaks, if any ([`chain::check`]); `seen` tells whether its
/// sequence number was already accepted for the device.
fn chain_break(c: &Checked, last: Option<&Head>, seen: bool) -> Option<ChainBreak> {
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

/// An upload checked, hashed and diffed outside any lock, waiting for the sequencer.
pub struct Prepared {
    checked: Checked,
    envelope_sha256: String,
    snapshot_sha256: String,
    state_sha256: String,
    /// The events against the snapshot (by its hash) that was the device's last accepted one
    /// when this upload was prepared; worked out again in the batch if another came first.
    diff: Option<(String, Vec<ChangeEvent>)>,
    /// The facts of a device state the server did not know when this upload was prepared,
    /// analysed here rather than in the log's writer.
    facts: Option<crate::facts::StoredFacts>,
    /// The snapshot cut up for storage, here rather than in the log's writer.
    planned: storage::Planned,
}

/// Verifies, diffs, then hands the envelope to the log's sequencer; returns its receipt once
/// its batch is durable.
pub async fn ingest(state: &AppState, body: &[u8]) -> Result<Receipt, ApiError> {
    let mut checked = check(state, body).await?;
    let envelope_sha256 = sha256_hex(body);
    let snapshot_sha256 = sha256_hex(&checked.snapshot_bytes);
    let state_sha256 = state_hash(&mut checked.snapshot)?;
    let mut conn = state.db.pool.acquire().await?;
    let heads = account_heads(&mut conn, &checked).await?;
    let base = diff_base(&checked, &heads, &state_sha256);
    // A state one of the device's heads is in was accepted before, and its facts were
    // stored then (or, for snapshots older than stored facts, are computed when first read:
    // `facts::load`): only a state no head holds needs the facts table asked.
    let new_state = !heads.iter().any(|(_, h)| h.state_sha256 == state_sha256)
        && !crate::facts::stored(&mut conn, &state_sha256)
            .await
            .map_err(ApiError::internal)?;
    // The snapshot is analysed once, here, for both the diff and the facts (never in the
    // log's writer), and only when one of them needs it.
    let analysis = (base.is_some() || new_state).then(|| analyze_snapshot(&checked.snapshot));
    let diff = match (base, &analysis) {
        (Some(previous_sha256), Some(analysis)) => {
            let previous = load_stored_snapshot(&mut conn, &previous_sha256).await?;
            let events = diff::compare(
                Side {
                    snapshot: &previous,
                    analysis: &analyze_snapshot(&previous),
                },
                Side {
                    snapshot: &checked.snapshot,
                    analysis,
                },
            );
            Some((previous_sha256, events))
        }
        _ => None,
    };
    let facts = match (new_state, &analysis) {
        (true, Some(analysis)) => {
            Some(crate::facts::StoredFacts::of(analysis).map_err(ApiError::internal)?)
        }
        _ => None,
    };
    drop(conn);
    let planned = storage::plan(&snapshot_sha256, &checked.snapshot_bytes);
    state
        .sequencer
        .submit(Prepared {
            checked,
            envelope_sha256,
            snapshot_sha256,
            state_sha256,
            diff,
            facts,
            planned,
        })
        .await
}

/// The device's heads in the upload's account (under its key alone without one), latest
/// first.
async fn account_heads(
    conn: &mut AnyConnection,
    c: &Checked,
) -> Result<Vec<(String, Head)>, ApiError> {
    match &c.account_id {
        Some(account_id) => load_account_heads(conn, account_id, &c.device_id)
            .await
            .map_err(ApiError::internal),
        None => Ok(load_head(conn, &c.key_id, &c.device_id)
            .await
            .map_err(ApiError::internal)?
            .map(|head| (c.key_id.clone(), head))
            .into_iter()
            .collect()),
    }
}

/// The device's last accepted snapshot (its hash) to diff against now, when the upload looks
/// like its next one and something changed; `None` otherwise (the batch decides). `heads`
/// are the device's in the account, latest first.
fn diff_base(c: &Checked, heads: &[(String, Head)], state_sha256: &str) -> Option<String> {
    // The upload must look like the next of its own key's chain (or its first); what changed
    // is then said against the device's latest snapshot from any computer of the account.
    let own = heads
        .iter()
        .find(|(key_id, _)| *key_id == c.key_id)
        .map(|(_, head)| head);
    let follows = match own {
        Some(own) => c.previous_hash.as_deref() == Some(own.snapshot_sha256.as_str()),
        None => c.previous_hash.is_none(),
    };
    if !follows {
        return None;
    }
    heads
        .first()
        .map(|(_, latest)| latest)
        .filter(|l| l.state_sha256 != state_sha256)
        .map(|l| l.snapshot_sha256.clone())
}

async fn load_stored_snapshot(
    conn: &mut AnyConnection,
    snapshot_sha256: &str,
) -> Result<Snapshot, ApiError> {
    let bytes = storage::load_snapshot(conn, snapshot_sha256)
        .await
        .map_err(ApiError::internal)?;
    serde_json::from_slice(&bytes).map_err(ApiError::internal)
}

/// The events of `snapshot` against the device's previous snapshot `previous_sha256`: one
/// appended earlier in the same batch (not stored yet), or a stored one.
async fn diff_against(
    conn: &mut AnyConnection,
    batch: &Batch<'_>,
    previous_sha256: &str,
    snapshot: &Snapshot,
) -> Result<Vec<ChangeEvent>, ApiError> {
    let previous = match batch.snapshots.get(previous_sha256) {
        Some(bytes) => serde_json::from_slice(bytes).map_err(ApiError::internal)?,
        None => load_stored_snapshot(conn, previous_sha256).await?,
    };
    Ok(diff::compare_snapshots(&previous, snapshot))
}

/// What became of one upload of a batch.
enum Done {
    Refused(ApiError),
    Appended {
        c: Checked,
        envelope_sha256: String,
        leaf_index: u64,
        duplicate_content: bool,
        events: Vec<ChangeEvent>,
        alerts: Vec<Alert>,
    },
    Again {
        c: Checked,
        accepted: AlreadyAccepted,
    },
}

/// A row of `snapshots`, written with the rest of its batch.
struct SnapshotRow {
    leaf_index: i64,
    key_id: String,
    device_id: String,
    sequence: i64,
    envelope_sha256: String,
    snapshot_sha256: String,
    state_sha256: String,
    signature: String,
    received_at: i64,
    duplicate_content: i64,
    events: String,
    alerts: String,
}

/// A batch being applied: what its uploads decided so far, in memory, written together at
/// its end ([`Batch::write`]) with a few multi-row statements.
struct Batch<'h> {
    heads: &'h mut Heads,
    existing: storage::Existing,
    bodies: storage::BatchWrites,
    log: tlog::Appender,
    rows: Vec<SnapshotRow>,
    /// The uploads appended by this batch, by (key, device, sequence): the same envelope twice
    /// in one batch gets the first one's receipt.
    appended: HashMap<(String, String, u64), AlreadyAccepted>,
    /// The exact bytes of the snapshots appended by this batch, by hash: a later upload of the
    /// same device in the batch diffs against them before they are stored.
    snapshots: HashMap<String, Vec<u8>>,
    /// The devices whose head this batch moved.
    devices: BTreeSet<(String, String)>,
    /// The bytes each key's snapshots added in this batch.
    keys_added: BTreeMap<String, u64>,
}

/// Rows per multi-row statement: far below both engines' limits on bound values.
const ROWS_PER_STATEMENT: usize = 100;

impl Batch<'_> {
    /// Writes what the batch's uploads decided: bodies and blobs, the log's hashes and
    /// entries, the snapshots' rows, the devices' heads, the keys' stored bytes.
    async fn write(&self, tx: &mut AnyConnection) -> anyhow::Result<()> {
        self.bodies.write(tx).await?;
        self.log.write(tx).await?;
        for chunk in self.rows.chunks(ROWS_PER_STATEMENT) {
            let sql = format!(
                "INSERT INTO snapshots (leaf_index, key_id, device_id, sequence, envelope_sha256, \
                 snapshot_sha256, state_sha256, signature, received_at, duplicate_content, events, \
                 alerts) VALUES {}",
                crate::db::values_placeholders(chunk.len(), 12)
            );
            // Only numbered placeholders are formatted in; every value is bound.
            let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
            for row in chunk {
                query = query
                    .bind(row.leaf_index)
                    .bind(&row.key_id)
                    .bind(&row.device_id)
                    .bind(row.sequence)
                    .bind(&row.envelope_sha256)
                    .bind(&row.snapshot_sha256)
                    .bind(&row.state_sha256)
                    .bind(&row.signature)
                    .bind(row.received_at)
                    .bind(row.duplicate_content)
                    .bind(&row.events)
                    .bind(&row.alerts);
            }
            query.execute(&mut *tx).await?;
        }
        // One row per device (its last head in the batch): an upsert may touch a row once.
        let devices: Vec<(&(String, String), &Head)> = self
            .devices
            .iter()
            .filter_map(|id| self.heads.known(&id.0, &id.1).map(|head| (id, head)))
            .collect();
        for chunk in devices.chunks(ROWS_PER_STATEMENT) {
            let sql = format!(
                "INSERT INTO devices (key_id, device_id, last_sequence, last_leaf_index, \
                 last_snapshot_sha256, last_state_sha256) VALUES {} \
                 ON CONFLICT (key_id, device_id) DO UPDATE SET \
                 last_sequence = excluded.last_sequence, last_leaf_index = excluded.last_leaf_index, \
                 last_snapshot_sha256 = excluded.last_snapshot_sha256, \
                 last_state_sha256 = excluded.last_state_sha256",
                crate::db::values_placeholders(chunk.len(), 6)
            );
            let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
            for ((key_id, device_id), head) in chunk {
                query = query
                    .bind(key_id)
                    .bind(device_id)
                    .bind(i64::try_from(head.sequence)?)
                    .bind(i64::try_from(head.leaf_index)?)
                    .bind(&head.snapshot_sha256)
                    .bind(&head.state_sha256);
            }
            query.execute(&mut *tx).await?;
        }
        let keys: Vec<(&String, &u64)> = self.keys_added.iter().collect();
        for chunk in keys.chunks(ROWS_PER_STATEMENT) {
            // `stored_bytes + CASE key_id WHEN $1 THEN $2 … END WHERE key_id IN ($1, …)`.
            let mut cases = String::new();
            let mut names = Vec::with_capacity(chunk.len());
            for i in 0..chunk.len() {
                cases.push_str(&format!(" WHEN ${} THEN ${}", 2 * i + 1, 2 * i + 2));
                names.push(format!("${}", 2 * i + 1));
            }
            let sql = format!(
                "UPDATE agent_keys SET stored_bytes = stored_bytes + CASE key_id{cases} ELSE 0 END \
                 WHERE key_id IN ({})",
                names.join(", ")
            );
            let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
            for (key_id, added) in chunk {
                query = query.bind(*key_id).bind(i64::try_from(**added)?);
            }
            query.execute(&mut *tx).await?;
        }
        Ok(())
    }
}

/// Applies a batch in one transaction (see [`crate::sequencer`]): each upload's chain rule,
/// quota, storage and leaf decided in order, in memory (`heads` remembers the devices' chain
/// heads and the keys' stored bytes between batches); then everything written with a few
/// statements, one signed checkpoint, one commit; every receipt proves its leaf in the
/// batch's tree. `Err` means nothing of the batch was kept.
pub async fn append_batch(
    state: &AppState,
    heads: &mut Heads,
    batch: Vec<Prepared>,
) -> anyhow::Result<Vec<Result<Receipt, ApiError>>> {
    // Registrations read before they write too: they and batches take turns.
    let _guard = state.write_lock.lock().await;
    let result = apply_batch(state, heads, batch).await;
    if result.is_err() {
        heads.forget();
    }
    result
}

async fn apply_batch(
    state: &AppState,
    heads: &mut Heads,
    batch: Vec<Prepared>,
) -> anyhow::Result<Vec<Result<Receipt, ApiError>>> {
    let mut tx = state.db.begin_write().await?;
    let start = tlog::lock_for_append(&mut tx, state.db.backend).await?;
    heads.begin(start);
    let existing = storage::existing(&mut tx, batch.iter().map(|p| &p.planned)).await?;
    let mut b = Batch {
        heads,
        existing,
        bodies: storage::BatchWrites::default(),
        log: tlog::Appender::new(start),
        rows: Vec::with_capacity(batch.len()),
        appended: HashMap::new(),
        snapshots: HashMap::new(),
        devices: BTreeSet::new(),
        keys_added: BTreeMap::new(),
    };
    let mut done = Vec::with_capacity(batch.len());
    for prepared in batch {
        done.push(apply_one(state, &mut tx, &mut b, prepared).await?);
    }
    b.write(&mut tx).await?;
    let size = b.log.size();
    let checkpoint = if b.log.grew() {
        let root = b.log.root(&mut tx).await?;
        tlog::seal(&mut tx, &state.key, &state.origin, size, root).await?
    } else {
        tlog::current_checkpoint(&mut tx).await?
    };
    let mut out = Vec::with_capacity(done.len());
    for one in done {
        out.push(match one {
            Done::Refused(e) => Err(e),
            Done::Appended {
                c,
                envelope_sha256,
                leaf_index,
                duplicate_content,
                events,
                alerts,
            } => {
                let proof = b.log.inclusion_proof(&mut tx, leaf_index).await?;
                Ok(Receipt {
                    schema: RECEIPT_SCHEMA.to_string(),
                    key_id: c.key_id,
                    device_id: c.device_id,
                    sequence: c.sequence,
                    envelope_sha256,
                    leaf_index,
                    tree_size: size,
                    inclusion_proof: proof.iter().map(|h| hex::encode(h.0)).collect(),
                    checkpoint: checkpoint.clone(),
                    duplicate_content,
                    events,
                    alerts,
                })
            }
            Done::Again { c, accepted } => {
                let proof = b.log.inclusion_proof(&mut tx, accepted.leaf_index).await?;
                Ok(Receipt {
                    schema: RECEIPT_SCHEMA.to_string(),
                    key_id: c.key_id,
                    device_id: c.device_id,
                    sequence: c.sequence,
                    envelope_sha256: accepted.envelope_sha256,
                    leaf_index: accepted.leaf_index,
                    tree_size: size,
                    inclusion_proof: proof.iter().map(|h| hex::encode(h.0)).collect(),
                    checkpoint: checkpoint.clone(),
                    duplicate_content: accepted.duplicate_content,
                    events: serde_json::from_str(&accepted.events)?,
                    alerts: serde_json::from_str(&accepted.alerts)?,
                })
            }
        });
    }
    tx.commit().await?;
    b.heads.committed(size);
    Ok(out)
}

/// One upload inside the batch's transaction, decided in memory; `Err` only for faults of
/// the server.
async fn apply_one(
    state: &AppState,
    tx: &mut AnyConnection,
    b: &mut Batch<'_>,
    p: Prepared,
) -> Result<Done, ApiError> {
    let Prepared {
        checked,
        envelope_sha256,
        snapshot_sha256,
        state_sha256,
        diff: early,
        facts,
        planned,
    } = p;
    let last = b
        .heads
        .device(tx, &checked.key_id, &checked.device_id)
        .await
        .map_err(ApiError::internal)?;
    // Only a sequence number at or below the device's head can have been accepted already:
    // the common upload (the next number) reads nothing more.
    let accepted = match &last {
        Some(head) if checked.sequence <= head.sequence => {
            let id = (
                checked.key_id.clone(),
                checked.device_id.clone(),
                checked.sequence,
            );
            match b.appended.get(&id) {
                Some(accepted) => Some(accepted.clone()),
                None => already_accepted(tx, &checked).await?,
            }
        }
        _ => None,
    };
    let seen = accepted.is_some();
    if let Some(accepted) = accepted.filter(|a| a.envelope_sha256 == envelope_sha256) {
        // The same bytes again: the agent lost our answer. It gets its receipt back; nothing
        // is appended and it is no replay.
        return Ok(Done::Again {
            c: checked,
            accepted,
        });
    }
    if let Some(kind) = chain_break(&checked, last.as_ref(), seen) {
        let last_sequence = last.as_ref().map_or(0, |l| l.sequence);
        let alert = diff::chain_alert(kind, &checked.device_id, last_sequence, checked.sequence);
        // Only the key holder can make this envelope (it verified and is canonical), and
        // the same envelope sent again leaves no second alert: a copy replayed by whoever
        // saw it cannot fill the device's timeline.
        sqlx::query(
            "INSERT INTO device_alerts (key_id, device_id, at, alert, envelope_sha256) \
             VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (key_id, device_id, envelope_sha256) DO NOTHING",
        )
        .bind(&checked.key_id)
        .bind(&checked.device_id)
        .bind(now_unix())
        .bind(serde_json::to_string(&alert).map_err(ApiError::internal)?)
        .bind(&envelope_sha256)
        .execute(&mut *tx)
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
        return Ok(Done::Refused(refuse(refusal, message)));
    }

    // What changed is said against the device's latest snapshot from any computer of the
    // account, so that its history is one, whichever computer read it.
    let latest = match &checked.account_id {
        Some(account_id) => b
            .heads
            .latest(tx, account_id, &checked.device_id)
            .await
            .map_err(ApiError::internal)?,
        None => last.clone(),
    };
    let duplicate_content = latest
        .as_ref()
        .is_some_and(|l| l.state_sha256 == state_sha256);
    let events = match &latest {
        Some(l) if !duplicate_content => match early {
            Some((base, events)) if base == l.snapshot_sha256 => events,
            _ => diff_against(tx, b, &l.snapshot_sha256, &checked.snapshot).await?,
        },
        _ => Vec::new(),
    };
    let alerts = diff::alerts(&events);

    let stored_bytes = b
        .heads
        .stored_bytes(tx, &checked.key_id)
        .await
        .map_err(ApiError::internal)?;
    let quota = state.limits.max_stored_bytes_per_key;
    let worst_case = stored_bytes.saturating_add(checked.snapshot_bytes.len() as u64);
    if worst_case > quota {
        // A server-side condition the official cannot fix by sending something else: 507
        // keeps the snapshot in the agent's outbox until the operator raises the quota.
        return Ok(Done::Refused(ApiError::new(
            Refusal::QuotaExceeded,
            format!("this key's snapshots already take the {quota} bytes allowed"),
        )));
    }
    let added = b.bodies.add(&b.existing, planned);
    if added > 0 {
        b.heads.add_stored(&checked.key_id, added);
        *b.keys_added.entry(checked.key_id.clone()).or_default() += added;
    }
    if let Some(facts) = &facts {
        crate::facts::store(tx, &state_sha256, facts)
            .await
            .map_err(ApiError::internal)?;
    }
    // The leaf is the SHA-256 of the exact request body.
    let leaf_data = hex::decode(&envelope_sha256).map_err(ApiError::internal)?;
    let leaf_index = b
        .log
        .append(tx, &leaf_data)
        .await
        .map_err(ApiError::internal)?;
    let events_json = serde_json::to_string(&events).map_err(ApiError::internal)?;
    let alerts_json = serde_json::to_string(&alerts).map_err(ApiError::internal)?;
    // The envelope is stored by its fields: only canonical bodies are accepted (see
    // `check`), so they give back its exact bytes (`envelope_raw` stays NULL; it holds the
    // bodies of rows accepted before that rule).
    b.rows.push(SnapshotRow {
        leaf_index: i64::try_from(leaf_index).map_err(ApiError::internal)?,
        key_id: checked.key_id.clone(),
        device_id: checked.device_id.clone(),
        sequence: i64::try_from(checked.sequence).map_err(ApiError::internal)?,
        envelope_sha256: envelope_sha256.clone(),
        snapshot_sha256: snapshot_sha256.clone(),
        state_sha256: state_sha256.clone(),
        signature: checked.envelope.signature.clone(),
        received_at: now_unix(),
        duplicate_content: i64::from(duplicate_content),
        events: events_json.clone(),
        alerts: alerts_json.clone(),
    });
    b.appended.insert(
        (
            checked.key_id.clone(),
            checked.device_id.clone(),
            checked.sequence,
        ),
        AlreadyAccepted {
            leaf_index,
            envelope_sha256: envelope_sha256.clone(),
            duplicate_content,
            events: events_json,
            alerts: alerts_json,
        },
    );
    b.snapshots
        .insert(snapshot_sha256.clone(), checked.snapshot_bytes.clone());
    let head = Head {
        sequence: checked.sequence,
        snapshot_sha256,
        state_sha256,
        leaf_index,
    };
    if let Some(account_id) = &checked.account_id {
        b.heads
            .set_latest(account_id, &checked.device_id, head.clone());
    }
    b.heads
        .set_device(&checked.key_id, &checked.device_id, head);
    b.devices
        .insert((checked.key_id.clone(), checked.device_id.clone()));
    Ok(Done::Appended {
        c: checked,
        envelope_sha256,
        leaf_index,
        duplicate_content,
        events,
        alerts,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_state_hash_is_the_snapshot_without_what_changes_every_time_and_leaves_it_whole() {
        let mut snapshot = Snapshot::new("2026-11-25T10:00:00Z");
        snapshot.sequence = 7;
        snapshot.previous_hash = Some("ab".repeat(32));
        snapshot.device.udid = Some("00008103-001A2B3C4D5E6F70".into());
        snapshot.enrolment.supervised = Some(true);
        snapshot.sources = vec![lucarne_profiles::snapshot::SourceRead {
            source: lucarne_profiles::snapshot::Source::Live,
            detail: "00008103-001A2B3C4D5E6F70".into(),
        }];
        let before = snapshot.clone();
        // The definition the stored hashes were made with: a copy with those fields emptied.
        let mut emptied = snapshot.clone();
        emptied.taken_at = String::new();
        emptied.sequence = 0;
        emptied.previous_hash = None;
        emptied.sources = Vec::new();
        let expected = sha256_hex(&serde_json::to_vec(&emptied).unwrap_or_default());

        assert_eq!(state_hash(&mut snapshot).ok(), Some(expected));
        assert_eq!(snapshot, before);
        // Another time, sequence and chain: the same state.
        let mut later = before.clone();
        later.taken_at = "2026-11-26T10:00:00Z".into();
        later.sequence = 8;
        later.previous_hash = Some("cd".repeat(32));
        assert_eq!(state_hash(&mut later).ok(), state_hash(&mut snapshot).ok());
        // Something else on the device: another state.
        later.enrolment.supervised = Some(false);
        assert_ne!(state_hash(&mut later).ok(), state_hash(&mut snapshot).ok());
    }
}
