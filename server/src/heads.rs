//! What the log's single writer keeps in memory between batches: each device's chain head
//! (its last accepted sequence number, snapshot and state hashes, leaf) and each key's stored
//! bytes, so that a batch reads them from the database once, not once per upload.
//!
//! The database stays the truth. A head or a key's bytes is read inside the batch's
//! transaction the first time the writer needs it; everything is forgotten when a batch fails
//! (what it changed in memory was never committed), and when the log's size at the start of
//! a batch is not the size this writer committed last: another server process sharing the
//! PostgreSQL database appended in between (they take turns on the log's row lock), or the
//! process is new. After a crash nothing is kept: the next batch reads the database again.

use std::collections::HashMap;

use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row as _};

/// Most devices and keys remembered; past that, the memory starts again from empty (the
/// database answers the rest).
const MAX_REMEMBERED: usize = 1_000_000;

/// A device's last accepted snapshot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Head {
    /// Its sequence number.
    pub sequence: u64,
    /// Hex SHA-256 of its exact bytes.
    pub snapshot_sha256: String,
    /// Hex SHA-256 of the device's state in it (see `ingest::state_hash`).
    pub state_sha256: String,
    /// Its leaf in the log.
    pub leaf_index: u64,
}

/// A `devices` row's head, from its columns `last_sequence, last_snapshot_sha256,
/// last_state_sha256, last_leaf_index` in that order.
fn head_of(row: &AnyRow) -> anyhow::Result<Head> {
    Ok(Head {
        sequence: u64::try_from(row.try_get::<i64, _>(0)?)?,
        snapshot_sha256: row.try_get(1)?,
        state_sha256: row.try_get(2)?,
        leaf_index: u64::try_from(row.try_get::<i64, _>(3)?)?,
    })
}

/// The last accepted snapshot of `device_id` under `key_id`, from the database.
pub async fn load_head(
    conn: &mut AnyConnection,
    key_id: &str,
    device_id: &str,
) -> anyhow::Result<Option<Head>> {
    let row = sqlx::query(
        "SELECT last_sequence, last_snapshot_sha256, last_state_sha256, last_leaf_index \
         FROM devices WHERE key_id = $1 AND device_id = $2",
    )
    .bind(key_id)
    .bind(device_id)
    .fetch_optional(&mut *conn)
    .await?;
    row.as_ref().map(head_of).transpose()
}

/// The heads of `device_id` under every key of `account_id` (one per computer that read it),
/// latest first: the first is what the device's one history compares an upload with.
pub async fn load_account_heads(
    conn: &mut AnyConnection,
    account_id: &str,
    device_id: &str,
) -> anyhow::Result<Vec<(String, Head)>> {
    let rows = sqlx::query(
        "SELECT d.last_sequence, d.last_snapshot_sha256, d.last_state_sha256, d.last_leaf_index, \
         d.key_id FROM devices d JOIN account_keys a ON a.key_id = d.key_id \
         WHERE a.account_id = $1 AND d.device_id = $2 \
         ORDER BY d.last_leaf_index DESC",
    )
    .bind(account_id)
    .bind(device_id)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|row| Ok((row.try_get(4)?, head_of(row)?)))
        .collect()
}

/// The writer's memory of heads and stored bytes.
#[derive(Debug, Default)]
pub struct Heads {
    /// The log's size after the last batch this writer committed.
    tree_size: Option<u64>,
    /// By (key, device); `None`: the device has no accepted snapshot.
    devices: HashMap<(String, String), Option<Head>>,
    /// By key.
    stored_bytes: HashMap<String, u64>,
    /// By (account, device): the latest accepted snapshot by any key of the account.
    latest: HashMap<(String, String), Option<Head>>,
}

impl Heads {
    /// A batch starts on a log of `tree_size` leaves: what is remembered is kept only if this
    /// writer made that size.
    pub fn begin(&mut self, tree_size: u64) {
        if self.tree_size != Some(tree_size)
            || self.devices.len() > MAX_REMEMBERED
            || self.stored_bytes.len() > MAX_REMEMBERED
            || self.latest.len() > MAX_REMEMBERED
        {
            self.forget();
        }
    }

    /// The batch committed, leaving a log of `tree_size` leaves.
    pub fn committed(&mut self, tree_size: u64) {
        self.tree_size = Some(tree_size);
    }

    /// Forgets everything (a batch failed: its changes in memory were never committed).
    pub fn forget(&mut self) {
        self.tree_size = None;
        self.devices.clear();
        self.stored_bytes.clear();
        self.latest.clear();
    }

    /// The device's head, read from the database the first time.
    pub async fn device(
        &mut self,
        conn: &mut AnyConnection,
        key_id: &str,
        device_id: &str,
    ) -> anyhow::Result<Option<Head>> {
        let id = (key_id.to_string(), device_id.to_string());
        if let Some(head) = self.devices.get(&id) {
            return Ok(head.clone());
        }
        let head = load_head(conn, key_id, device_id).await?;
        self.devices.insert(id, head.clone());
        Ok(head)
    }

    /// The device's latest snapshot by any key of the account, read from the database the
    /// first time.
    pub async fn latest(
        &mut self,
        conn: &mut AnyConnection,
        account_id: &str,
        device_id: &str,
    ) -> anyhow::Result<Option<Head>> {
        let id = (account_id.to_string(), device_id.to_string());
        if let Some(head) = self.latest.get(&id) {
            return Ok(head.clone());
        }
        let head = load_account_heads(conn, account_id, device_id)
            .await?
            .into_iter()
            .next()
            .map(|(_, head)| head);
        self.latest.insert(id, head.clone());
        Ok(head)
    }

    /// The device's latest snapshot in the account is now `head` (appended in this batch).
    pub fn set_latest(&mut self, account_id: &str, device_id: &str, head: Head) {
        self.latest
            .insert((account_id.to_string(), device_id.to_string()), Some(head));
    }

    /// The device's new head (an upload of the current batch was appended).
    pub fn set_device(&mut self, key_id: &str, device_id: &str, head: Head) {
        self.devices
            .insert((key_id.to_string(), device_id.to_string()), Some(head));
    }

    /// The head the batch set or read for the device, if any.
    pub fn known(&self, key_id: &str, device_id: &str) -> Option<&Head> {
        self.devices
            .get(&(key_id.to_string(), device_id.to_string()))
            .and_then(Option::as_ref)
    }

    /// The bytes the key's snapshots take, read from the database the first time.
    pub async fn stored_bytes(
        &mut self,
        conn: &mut AnyConnection,
        key_id: &str,
    ) -> anyhow::Result<u64> {
        if let Some(bytes) = self.stored_bytes.get(key_id) {
            return Ok(*bytes);
        }
        let stored: i64 = sqlx::query("SELECT stored_bytes FROM agent_keys WHERE key_id = $1")
            .bind(key_id)
            .fetch_one(&mut *conn)
            .await?
            .try_get(0)?;
        let stored = u64::try_from(stored).unwrap_or(0);
        self.stored_bytes.insert(key_id.to_string(), stored);
        Ok(stored)
    }

    /// The key's snapshots take `added` more bytes (call after [`Heads::stored_bytes`]).
    pub fn add_stored(&mut self, key_id: &str, added: u64) {
        let bytes = self.stored_bytes.entry(key_id.to_string()).or_default();
        *bytes = bytes.saturating_add(added);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn head(sequence: u64) -> Head {
        Head {
            sequence,
            snapshot_sha256: "s".into(),
            state_sha256: "t".into(),
            leaf_index: sequence,
        }
    }

    #[test]
    fn memory_is_kept_only_while_this_writer_made_the_log_size() {
        let mut heads = Heads::default();
        heads.begin(0);
        heads.set_device("k", "d", head(1));
        heads.set_latest("a", "d", head(1));
        heads.add_stored("k", 10);
        heads.committed(1);
        heads.begin(1);
        assert_eq!(heads.known("k", "d"), Some(&head(1)));
        // Another process appended: the log is larger than what this writer committed.
        heads.begin(3);
        assert_eq!(heads.known("k", "d"), None);
        assert!(heads.stored_bytes.is_empty());
        assert!(heads.latest.is_empty());
        heads.set_device("k", "d", head(2));
        heads.forget();
        heads.begin(3);
        assert_eq!(heads.known("k", "d"), None);
    }
}
