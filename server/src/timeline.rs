//! A device's timeline, newest first, a page at a time: the snapshots any key of the owner's
//! account uploaded for the device, with the changes and alerts stored at ingest.

use serde::{Deserialize, Serialize};
use sqlx::{AnyConnection, Row as _};

use lucarne_profiles::compare::{Alert, ChangeEvent};

/// Largest page.
pub const MAX_PAGE: u32 = 200;
/// Page size when none is asked.
pub const DEFAULT_PAGE: u32 = 50;

/// One accepted snapshot in a timeline, with the server's typed events and alerts.
pub type TimelineEntry = lucarne_proof::wire::TimelineEntry<ChangeEvent, Alert>;

/// One page of a timeline.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TimelinePage {
    /// Entries, newest first.
    pub entries: Vec<TimelineEntry>,
    /// The cursor of the next (older) page: pass it as `before`; `None` on the last page.
    pub next_before: Option<u64>,
}

/// Entries of `device_id` uploaded by any key of `owner`, with a leaf index below `before`
/// (all when `None`), newest first, at most `limit` (bounded by [`MAX_PAGE`]).
pub async fn page(
    conn: &mut AnyConnection,
    owner: &str,
    device_id: &str,
    before: Option<u64>,
    limit: u32,
) -> anyhow::Result<TimelinePage> {
    let limit = limit.clamp(1, MAX_PAGE);
    let before = before
        .and_then(|b| i64::try_from(b).ok())
        .unwrap_or(i64::MAX);
    let rows = sqlx::query(
        "SELECT s.sequence, s.leaf_index, s.envelope_sha256, s.received_at, s.duplicate_content, \
         s.events, s.alerts, s.key_id FROM snapshots s JOIN account_keys a ON a.key_id = s.key_id \
         WHERE a.account_id = $1 AND s.device_id = $2 AND s.leaf_index < $3 \
         ORDER BY s.leaf_index DESC LIMIT $4",
    )
    .bind(owner)
    .bind(device_id)
    .bind(before)
    .bind(i64::from(limit) + 1)
    .fetch_all(&mut *conn)
    .await?;
    let more = rows.len() > limit as usize;
    let mut entries = Vec::with_capacity(rows.len().min(limit as usize));
    for row in rows.into_iter().take(limit as usize) {
        let sequence: i64 = row.try_get(0)?;
        let leaf_index: i64 = row.try_get(1)?;
        let duplicate: i64 = row.try_get(4)?;
        entries.push(TimelineEntry {
            key_id: row.try_get(7)?,
            sequence: u64::try_from(sequence)?,
            leaf_index: u64::try_from(leaf_index)?,
            envelope_sha256: row.try_get(2)?,
            received_at: row.try_get(3)?,
            duplicate_content: duplicate != 0,
            events: serde_json::from_str(&row.try_get::<String, _>(5)?)?,
            alerts: serde_json::from_str(&row.try_get::<String, _>(6)?)?,
        });
    }
    let next_before = if more {
        entries.last().map(|e| e.leaf_index)
    } else {
        None
    };
    Ok(TimelinePage {
        entries,
        next_before,
    })
}

/// The latest accepted snapshot of a device.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Latest {
    /// Its leaf index.
    pub leaf_index: u64,
    /// Hash of the device's state (the key of its facts).
    pub state_sha256: String,
    /// Hash of its bytes (the key of its stored body).
    pub snapshot_sha256: String,
}

/// The device's latest accepted snapshot among the owner's keys.
pub async fn latest(
    conn: &mut AnyConnection,
    owner: &str,
    device_id: &str,
) -> anyhow::Result<Option<Latest>> {
    let row = sqlx::query(
        "SELECT d.last_leaf_index, d.last_state_sha256, d.last_snapshot_sha256 FROM devices d \
         JOIN account_keys a ON a.key_id = d.key_id \
         WHERE a.account_id = $1 AND d.device_id = $2 ORDER BY d.last_leaf_index DESC LIMIT 1",
    )
    .bind(owner)
    .bind(device_id)
    .fetch_optional(&mut *conn)
    .await?;
    match row {
        None => Ok(None),
        Some(row) => {
            let leaf: i64 = row.try_get(0)?;
            Ok(Some(Latest {
                leaf_index: u64::try_from(leaf)?,
                state_sha256: row.try_get(1)?,
                snapshot_sha256: row.try_get(2)?,
            }))
        }
    }
}
