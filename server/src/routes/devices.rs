//! A device's timeline and current capabilities, for the key that uploaded it.
//!
//! A device another key uploaded answers exactly like a device nobody uploaded: `404`, so a
//! key cannot even learn whether another official's device exists.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::{HeaderMap, Method, Uri};
use axum::Json;
use serde::{Deserialize, Serialize};
use sqlx::Row as _;

use lucarne_profiles::compare::{Alert, ChangeEvent};
use lucarne_profiles::snapshot::Snapshot;
use lucarne_profiles::Capability;

use lucarne_proof::wire::Refusal;

use crate::auth::authenticate;
use crate::error::ApiError;
use crate::state::AppState;
use crate::storage;

/// One accepted snapshot in a timeline.
#[derive(Debug, Serialize, Deserialize, schemars::JsonSchema)]
pub struct TimelineEntry {
    /// Sequence number.
    pub sequence: u64,
    /// Leaf index in the log.
    pub leaf_index: u64,
    /// Hex SHA-256 of the envelope.
    pub envelope_sha256: String,
    /// When the server received it, Unix seconds.
    pub received_at: i64,
    /// Nothing changed on the device since the previous one.
    pub duplicate_content: bool,
    /// What changed.
    pub events: Vec<ChangeEvent>,
    /// Alerts the changes raised.
    pub alerts: Vec<Alert>,
}

/// An alert left by a refused upload (replay, rollback, fork).
#[derive(Debug, Serialize, Deserialize, schemars::JsonSchema)]
pub struct RefusalAlert {
    /// When, Unix seconds.
    pub at: i64,
    /// The alert.
    pub alert: Alert,
}

/// `GET /api/v1/devices/{device_id}/timeline`.
#[derive(Debug, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Timeline {
    /// The device.
    pub device_id: String,
    /// Accepted snapshots in order.
    pub entries: Vec<TimelineEntry>,
    /// Alerts of refused uploads, in order.
    pub refusals: Vec<RefusalAlert>,
}

/// `GET /api/v1/devices/{device_id}/capabilities`.
#[derive(Debug, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Capabilities {
    /// The device.
    pub device_id: String,
    /// Sequence of the snapshot analysed.
    pub sequence: u64,
    /// What the administration can do now.
    pub capabilities: Vec<Capability>,
}

fn unknown_device() -> ApiError {
    ApiError::new(Refusal::UnknownDevice, "no such device for this key")
}

fn json_column<T: for<'de> Deserialize<'de>>(text: &str) -> Result<T, ApiError> {
    serde_json::from_str(text).map_err(ApiError::internal)
}

/// Handler of the timeline.
pub async fn timeline(
    State(state): State<Arc<AppState>>,
    Path(device_id): Path<String>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
) -> Result<Json<Timeline>, ApiError> {
    let key_id = authenticate(&state, &method, uri.path(), &headers).await?;
    let rows = sqlx::query(
        "SELECT sequence, leaf_index, envelope_sha256, received_at, duplicate_content, events, alerts \
         FROM snapshots WHERE key_id = $1 AND device_id = $2 ORDER BY leaf_index",
    )
    .bind(&key_id)
    .bind(&device_id)
    .fetch_all(&state.db.pool)
    .await?;
    if rows.is_empty() {
        return Err(unknown_device());
    }
    let mut entries = Vec::with_capacity(rows.len());
    for row in rows {
        let sequence: i64 = row.try_get(0)?;
        let leaf_index: i64 = row.try_get(1)?;
        let duplicate: i64 = row.try_get(4)?;
        entries.push(TimelineEntry {
            sequence: u64::try_from(sequence).map_err(ApiError::internal)?,
            leaf_index: u64::try_from(leaf_index).map_err(ApiError::internal)?,
            envelope_sha256: row.try_get(2)?,
            received_at: row.try_get(3)?,
            duplicate_content: duplicate != 0,
            events: json_column(&row.try_get::<String, _>(5)?)?,
            alerts: json_column(&row.try_get::<String, _>(6)?)?,
        });
    }
    let mut refusals = Vec::new();
    for row in sqlx::query(
        "SELECT at, alert FROM device_alerts WHERE key_id = $1 AND device_id = $2 ORDER BY id",
    )
    .bind(&key_id)
    .bind(&device_id)
    .fetch_all(&state.db.pool)
    .await?
    {
        refusals.push(RefusalAlert {
            at: row.try_get(0)?,
            alert: json_column(&row.try_get::<String, _>(1)?)?,
        });
    }
    Ok(Json(Timeline {
        device_id,
        entries,
        refusals,
    }))
}

/// Handler of the capabilities.
pub async fn capabilities(
    State(state): State<Arc<AppState>>,
    Path(device_id): Path<String>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
) -> Result<Json<Capabilities>, ApiError> {
    let key_id = authenticate(&state, &method, uri.path(), &headers).await?;
    let mut conn = state.db.pool.acquire().await?;
    let row = sqlx::query("SELECT last_sequence, last_snapshot_sha256 FROM devices WHERE key_id = $1 AND device_id = $2")
        .bind(&key_id)
        .bind(&device_id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or_else(unknown_device)?;
    let sequence: i64 = row.try_get(0)?;
    let sha256: String = row.try_get(1)?;
    let bytes = storage::load_snapshot(&mut conn, &sha256)
        .await
        .map_err(ApiError::internal)?;
    let snapshot: Snapshot = serde_json::from_slice(&bytes).map_err(ApiError::internal)?;
    Ok(Json(Capabilities {
        device_id,
        sequence: u64::try_from(sequence).map_err(ApiError::internal)?,
        capabilities: lucarne_profiles::analysis::analyze_snapshot(&snapshot).capabilities,
    }))
}
