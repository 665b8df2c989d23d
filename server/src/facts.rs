//! Facts computed once, at ingest, and stored by the device state's hash.
//!
//! The analysis of a snapshot depends only on the device's state (not on when it was taken
//! or its place in the chain), so it is stored under the state hash the upload computed: a
//! snapshot of an unchanged device adds nothing, and pages read the stored facts instead of
//! running the analysis again.
//!
//! Beside the analysis, the part a group comparison reads (`profiles::group::DeviceItems`,
//! a fraction of its size) is stored too, and kept parsed in memory by [`ItemsCache`]: a
//! state hash names its content, so a cached entry is never stale, only evicted.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use anyhow::Context as _;
use sqlx::{AnyConnection, Row as _};

use lucarne_profiles::analysis::Analysis;
use lucarne_profiles::group::DeviceItems;
use lucarne_profiles::snapshot::Snapshot;

/// The facts of one device state as stored: the analysis and its group items, as JSON.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredFacts {
    /// The whole `Analysis`.
    pub analysis: String,
    /// Its `DeviceItems`, what a group comparison reads.
    pub group_items: String,
}

impl StoredFacts {
    /// The stored form of `analysis`.
    pub fn of(analysis: &Analysis) -> serde_json::Result<StoredFacts> {
        Ok(StoredFacts {
            analysis: serde_json::to_string(analysis)?,
            group_items: serde_json::to_string(&DeviceItems::of(analysis))?,
        })
    }
}

/// The facts of `state_sha256` are stored already.
pub async fn stored(conn: &mut AnyConnection, state_sha256: &str) -> anyhow::Result<bool> {
    Ok(
        sqlx::query("SELECT 1 FROM device_facts WHERE state_sha256 = $1")
            .bind(state_sha256)
            .fetch_optional(&mut *conn)
            .await?
            .is_some(),
    )
}

/// Stores `facts` (computed by the upload's own request) under `state_sha256`, unless
/// already stored.
pub async fn store(
    conn: &mut AnyConnection,
    state_sha256: &str,
    facts: &StoredFacts,
) -> anyhow::Result<()> {
    sqlx::query(
        "INSERT INTO device_facts (state_sha256, analysis, group_items) VALUES ($1, $2, $3) \
         ON CONFLICT (state_sha256) DO NOTHING",
    )
    .bind(state_sha256)
    .bind(&facts.analysis)
    .bind(&facts.group_items)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The stored facts of the state `state_sha256`. A snapshot accepted before facts were
/// stored at ingest (`snapshot_sha256`, its body) gets them computed and stored now, once.
pub async fn load(
    conn: &mut AnyConnection,
    state_sha256: &str,
    snapshot_sha256: &str,
) -> anyhow::Result<Analysis> {
    let row = sqlx::query("SELECT analysis FROM device_facts WHERE state_sha256 = $1")
        .bind(state_sha256)
        .fetch_optional(&mut *conn)
        .await
        .with_context(|| format!("facts of state {state_sha256}"))?;
    if let Some(row) = row {
        let text: String = row.try_get(0)?;
        return serde_json::from_str(&text)
            .with_context(|| format!("facts of state {state_sha256}"));
    }
    let bytes = crate::storage::load_snapshot(conn, snapshot_sha256).await?;
    let snapshot: Snapshot = serde_json::from_slice(&bytes)
        .with_context(|| format!("stored snapshot {snapshot_sha256}"))?;
    let analysis = lucarne_profiles::analysis::analyze_snapshot(&snapshot);
    store(conn, state_sha256, &StoredFacts::of(&analysis)?).await?;
    Ok(analysis)
}

/// States read per query (SQLite's default bound on parameters is far above).
const STATES_PER_QUERY: usize = 500;

/// The group items of each device state `(state hash, snapshot hash)` of `states`, by state
/// hash: from `cache`, else read for all of them in a few queries and cached. A state stored
/// before its group items were gets them from its stored analysis, stored now, once; one
/// stored before facts were gets both (see [`load`]).
pub async fn group_items(
    conn: &mut AnyConnection,
    cache: &ItemsCache,
    states: &[(&str, &str)],
) -> anyhow::Result<HashMap<String, Arc<DeviceItems>>> {
    let mut found = cache.get_many(states.iter().map(|(state, _)| *state));
    let missing: Vec<(&str, &str)> = states
        .iter()
        .filter(|(state, _)| !found.contains_key(*state))
        .copied()
        .collect();
    for chunk in missing.chunks(STATES_PER_QUERY) {
        let placeholders: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
        let sql = format!(
            "SELECT state_sha256, group_items FROM device_facts WHERE state_sha256 IN ({})",
            placeholders.join(", ")
        );
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        for (state, _) in chunk {
            query = query.bind(*state);
        }
        for row in query.fetch_all(&mut *conn).await? {
            let state: String = row.try_get(0)?;
            let Some(text) = row.try_get::<Option<String>, _>(1)? else {
                continue;
            };
            let items: DeviceItems = serde_json::from_str(&text)
                .with_context(|| format!("group items of state {state}"))?;
            let items = Arc::new(items);
            cache.insert(&state, items.clone(), text.len());
            found.insert(state, items);
        }
    }
    // States stored before their group items were: once each.
    for (state, snapshot) in missing {
        if found.contains_key(state) {
            continue;
        }
        let analysis = load(conn, state, snapshot).await?;
        let items = DeviceItems::of(&analysis);
        let text = serde_json::to_string(&items)?;
        sqlx::query("UPDATE device_facts SET group_items = $1 WHERE state_sha256 = $2")
            .bind(&text)
            .bind(state)
            .execute(&mut *conn)
            .await?;
        let items = Arc::new(items);
        cache.insert(state, items.clone(), text.len());
        found.insert(state.to_string(), items);
    }
    Ok(found)
}

/// Bytes of stored group items the server keeps parsed in memory, by default (their JSON
/// length; a device's items take a few kilobytes).
pub const ITEMS_CACHE_BYTES: usize = 32 * 1024 * 1024;

/// Parsed group items by state hash, bounded by the length of their stored JSON; the least
/// recently used go first when it is full.
#[derive(Debug)]
pub struct ItemsCache {
    budget: usize,
    inner: Mutex<CacheEntries>,
}

#[derive(Debug, Default)]
struct CacheEntries {
    by_state: HashMap<String, CachedItems>,
    bytes: usize,
    clock: u64,
}

#[derive(Debug)]
struct CachedItems {
    items: Arc<DeviceItems>,
    bytes: usize,
    used: u64,
}

impl ItemsCache {
    /// An empty cache holding up to `budget` bytes of stored JSON.
    pub fn new(budget: usize) -> ItemsCache {
        ItemsCache {
            budget,
            inner: Mutex::new(CacheEntries::default()),
        }
    }

    fn entries(&self) -> std::sync::MutexGuard<'_, CacheEntries> {
        // A panic while holding the lock leaves nothing half-done worse than a lost entry.
        self.inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The cached items of those of `states` that are cached.
    pub fn get_many<'a>(
        &self,
        states: impl Iterator<Item = &'a str>,
    ) -> HashMap<String, Arc<DeviceItems>> {
        let mut entries = self.entries();
        entries.clock += 1;
        let now = entries.clock;
        let mut found = HashMap::new();
        for state in states {
            if let Some(entry) = entries.by_state.get_mut(state) {
                entry.used = now;
                found.insert(state.to_string(), entry.items.clone());
            }
        }
        found
    }

    /// Keeps `items` (stored as `bytes` bytes of JSON) for `state`; when over budget, drops
    /// the least recently used down to three quarters of it.
    pub fn insert(&self, state: &str, items: Arc<DeviceItems>, bytes: usize) {
        if bytes > self.budget {
            return;
        }
        let mut entries = self.entries();
        entries.clock += 1;
        let used = entries.clock;
        if let Some(old) = entries
            .by_state
            .insert(state.to_string(), CachedItems { items, bytes, used })
        {
            entries.bytes -= old.bytes;
        }
        entries.bytes += bytes;
        if entries.bytes > self.budget {
            let mut by_age: Vec<(u64, String)> = entries
                .by_state
                .iter()
                .map(|(state, e)| (e.used, state.clone()))
                .collect();
            by_age.sort_unstable();
            let target = self.budget / 4 * 3;
            for (_, state) in by_age {
                if entries.bytes <= target {
                    break;
                }
                if let Some(gone) = entries.by_state.remove(&state) {
                    entries.bytes -= gone.bytes;
                }
            }
        }
    }

    /// Forgets every entry (a benchmark measures the pages without it).
    pub fn clear(&self) {
        let mut entries = self.entries();
        entries.by_state.clear();
        entries.bytes = 0;
    }

    /// Entries and bytes held (for tests and metrics).
    pub fn size(&self) -> (usize, usize) {
        let entries = self.entries();
        (entries.by_state.len(), entries.bytes)
    }
}

impl Default for ItemsCache {
    fn default() -> ItemsCache {
        ItemsCache::new(ITEMS_CACHE_BYTES)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn items(name: &str) -> Arc<DeviceItems> {
        Arc::new(DeviceItems {
            name: Some(name.into()),
            items: Vec::new(),
        })
    }

    #[test]
    fn the_cache_stays_within_its_budget_and_keeps_what_was_used_last() {
        let cache = ItemsCache::new(100);
        for state in ["a", "b", "c", "d", "e"] {
            cache.insert(state, items(state), 20);
        }
        // `a` read again: `b` is now the least recently used.
        assert_eq!(cache.get_many(["a"].into_iter()).len(), 1);
        cache.insert("f", items("f"), 20);
        let (count, bytes) = cache.size();
        assert!(bytes <= 75, "{bytes}");
        assert_eq!(count, 3);
        let left = cache.get_many(["a", "b", "c", "d", "e", "f"].into_iter());
        let mut kept: Vec<&str> = left.keys().map(String::as_str).collect();
        kept.sort_unstable();
        assert_eq!(kept, ["a", "e", "f"]);
        // An entry larger than the whole budget is not kept.
        cache.insert("huge", items("huge"), 101);
        assert!(cache.get_many(["huge"].into_iter()).is_empty());
        // The same state twice counts once.
        cache.insert("f", items("f"), 20);
        assert_eq!(cache.size(), (3, 60));
    }
}
