//! The transparency log: every accepted envelope's SHA-256 is a leaf of an RFC 9162 Merkle
//! tree, stored as the tlog "stored hashes" (`tlog_tiles`) so that proofs and C2SP tiles are
//! read straight from the database. Each append signs a new checkpoint (C2SP tlog-checkpoint
//! in a signed note).
//!
//! One sequencer ([`crate::sequencer`]): appends happen in batches inside its transaction
//! after [`lock_for_append`], which takes a row lock on the single `log_state` row on
//! PostgreSQL (`SELECT … FOR UPDATE`), so that several server processes sharing the database
//! append one after the other. SQLite has no row locks: there one process owns the file.
//! A batch's leaves are appended in memory and stored together ([`Appender`]); one
//! checkpoint is signed per batch ([`seal`]).

use std::collections::HashMap;
use std::sync::Mutex;

use anyhow::Context as _;
use signed_note::{Note, Signer};
use sqlx::{AnyConnection, Row as _};
use tlog_tiles::{Checkpoint, Hash, HashReader, Tile, HASH_SIZE};

use crate::db::Backend;
use crate::log_key::LogKey;

/// Height of C2SP tiles.
pub const TILE_HEIGHT: u8 = 8;

/// Reads stored hashes for the `tlog_tiles` functions, which ask for all the hashes they need
/// in one call: the first call records the missing indexes and fails, the caller fetches them
/// from the database and calls again.
#[derive(Default)]
struct FetchingReader {
    known: HashMap<u64, Hash>,
    // A mutex, not a cell: the batch's appender is held across awaits by a task that may
    // move between threads.
    missing: Mutex<Vec<u64>>,
}

impl HashReader for FetchingReader {
    fn read_hashes(&self, indexes: &[u64]) -> Result<Vec<Hash>, tlog_tiles::Error> {
        let mut out = Vec::with_capacity(indexes.len());
        let mut missing = self.missing.lock().unwrap_or_else(|e| e.into_inner());
        for index in indexes {
            match self.known.get(index) {
                Some(hash) => out.push(*hash),
                None => missing.push(*index),
            }
        }
        if missing.is_empty() {
            Ok(out)
        } else {
            Err(tlog_tiles::Error::IndexesNotInTree)
        }
    }
}

async fn fetch_hashes(
    conn: &mut AnyConnection,
    indexes: &[u64],
) -> anyhow::Result<Vec<(u64, Hash)>> {
    let mut found = Vec::with_capacity(indexes.len());
    // Bounded batches keep the statement small whatever the proof size.
    for chunk in indexes.chunks(256) {
        let placeholders: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
        let sql = format!(
            "SELECT hash_index, hash FROM log_hashes WHERE hash_index IN ({})",
            placeholders.join(",")
        );
        // Only numbered placeholders are formatted in; every value is bound.
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        for index in chunk {
            query = query.bind(i64::try_from(*index).context("hash index")?);
        }
        for row in query.fetch_all(&mut *conn).await? {
            let index: i64 = row.try_get(0)?;
            let bytes: Vec<u8> = row.try_get(1)?;
            let hash: [u8; HASH_SIZE] = bytes
                .as_slice()
                .try_into()
                .map_err(|_| anyhow::anyhow!("stored hash {index} is not {HASH_SIZE} bytes"))?;
            found.push((u64::try_from(index)?, Hash(hash)));
        }
    }
    Ok(found)
}

/// Runs a `tlog_tiles` computation, fetching the stored hashes it asks for.
async fn with_hashes<T>(
    conn: &mut AnyConnection,
    compute: impl Fn(&FetchingReader) -> Result<T, tlog_tiles::Error>,
) -> anyhow::Result<T> {
    with_reader(conn, &mut FetchingReader::default(), compute).await
}

fn take_missing(reader: &FetchingReader) -> Vec<u64> {
    std::mem::take(&mut *reader.missing.lock().unwrap_or_else(|e| e.into_inner()))
}

/// Runs a `tlog_tiles` computation with the hashes `reader` knows, fetching from the
/// database the ones it lacks (and keeping them in `reader`).
async fn with_reader<T>(
    conn: &mut AnyConnection,
    reader: &mut FetchingReader,
    compute: impl Fn(&FetchingReader) -> Result<T, tlog_tiles::Error>,
) -> anyhow::Result<T> {
    take_missing(reader);
    // Every tlog_tiles function reads once, so two rounds suffice; a third means the hashes
    // are not in the database.
    for _ in 0..3 {
        match compute(reader) {
            Ok(value) => return Ok(value),
            Err(e) => {
                let missing = take_missing(reader);
                if missing.is_empty() {
                    return Err(anyhow::anyhow!("log computation failed: {e}"));
                }
                let found = fetch_hashes(conn, &missing).await?;
                if found.len() < missing.len() {
                    anyhow::bail!("the log database lacks stored hashes {missing:?}");
                }
                reader.known.extend(found);
            }
        }
    }
    anyhow::bail!("the log database lacks stored hashes")
}

/// Signs the checkpoint of a tree of `size` leaves and root `root`.
pub fn sign_checkpoint(
    key: &LogKey,
    origin: &str,
    size: u64,
    root: Hash,
) -> anyhow::Result<String> {
    let checkpoint = Checkpoint::new(origin, size, root, "")
        .map_err(|e| anyhow::anyhow!("checkpoint for origin `{origin}`: {e}"))?;
    let mut note = Note::new(&checkpoint.to_bytes(), &[])
        .map_err(|e| anyhow::anyhow!("checkpoint note: {e:?}"))?;
    let signer: &dyn Signer = key.signer();
    note.add_sigs(&[signer])
        .map_err(|e| anyhow::anyhow!("signing the checkpoint: {e:?}"))?;
    String::from_utf8(note.to_bytes()).context("checkpoint note is not UTF-8")
}

/// Creates the log's state row with the signed empty checkpoint, unless it exists; checks an
/// existing log has the configured origin.
pub async fn initialise(
    conn: &mut AnyConnection,
    key: &LogKey,
    origin: &str,
) -> anyhow::Result<()> {
    let empty = sign_checkpoint(key, origin, 0, tlog_tiles::EMPTY_HASH)?;
    sqlx::query("INSERT INTO log_state (id, tree_size, checkpoint) VALUES (1, 0, $1) ON CONFLICT (id) DO NOTHING")
        .bind(empty)
        .execute(&mut *conn)
        .await?;
    let checkpoint = current_checkpoint(conn).await?;
    let first_line = checkpoint.lines().next().unwrap_or_default();
    if first_line != origin {
        anyhow::bail!("the database holds the log `{first_line}`, but this server is configured for `{origin}`");
    }
    Ok(())
}

/// Takes the sequencer's lock (PostgreSQL) and returns the tree size. Call inside the
/// transaction that appends.
pub async fn lock_for_append(conn: &mut AnyConnection, backend: Backend) -> anyhow::Result<u64> {
    let sql = match backend {
        Backend::Postgres => "SELECT tree_size FROM log_state WHERE id = 1 FOR UPDATE",
        Backend::Sqlite => "SELECT tree_size FROM log_state WHERE id = 1",
    };
    let size: i64 = sqlx::query(sql).fetch_one(&mut *conn).await?.try_get(0)?;
    Ok(u64::try_from(size)?)
}

/// The leaves of one batch, appended in memory inside the sequencer's transaction: each
/// leaf's stored hashes are computed from the hashes already known (the tree's right edge,
/// read from the database once, and the hashes of the batch's earlier leaves), the root and
/// the receipts' inclusion proofs come from the same hashes, and [`Appender::write`] stores
/// them all with a few multi-row statements. A batch of `n` uploads costs a handful of
/// statements instead of `n` rounds of reads and inserts.
pub struct Appender {
    reader: FetchingReader,
    start: u64,
    size: u64,
    hashes: Vec<(u64, Hash)>,
    entries: Vec<(u64, Vec<u8>)>,
}

impl Appender {
    /// An appender to the tree of `start` leaves (from [`lock_for_append`]).
    pub fn new(start: u64) -> Appender {
        Appender {
            reader: FetchingReader::default(),
            start,
            size: start,
            hashes: Vec::new(),
            entries: Vec::new(),
        }
    }

    /// The tree's size with the leaves appended so far.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// Whether this batch appended any leaf.
    pub fn grew(&self) -> bool {
        self.size > self.start
    }

    /// Appends `leaf_data` as the next leaf (in memory until [`Appender::write`]); returns
    /// its index.
    pub async fn append(
        &mut self,
        conn: &mut AnyConnection,
        leaf_data: &[u8],
    ) -> anyhow::Result<u64> {
        let index = self.size;
        let stored = with_reader(conn, &mut self.reader, |r| {
            tlog_tiles::stored_hashes(index, leaf_data, r)
        })
        .await?;
        let first = tlog_tiles::stored_hash_index(0, index);
        for (offset, hash) in (0u64..).zip(stored) {
            self.reader.known.insert(first + offset, hash);
            self.hashes.push((first + offset, hash));
        }
        self.entries.push((index, leaf_data.to_vec()));
        self.size += 1;
        Ok(index)
    }

    /// The root of the tree of [`Appender::size`] leaves.
    pub async fn root(&mut self, conn: &mut AnyConnection) -> anyhow::Result<Hash> {
        let size = self.size;
        with_reader(conn, &mut self.reader, |r| tlog_tiles::tree_hash(size, r)).await
    }

    /// Inclusion proof of leaf `index` in the tree of [`Appender::size`] leaves.
    pub async fn inclusion_proof(
        &mut self,
        conn: &mut AnyConnection,
        index: u64,
    ) -> anyhow::Result<Vec<Hash>> {
        let size = self.size;
        with_reader(conn, &mut self.reader, |r| {
            tlog_tiles::prove_record(size, index, r)
        })
        .await
    }

    /// Stores the batch's hashes and entries (multi-row inserts, in bounded chunks).
    pub async fn write(&self, conn: &mut AnyConnection) -> anyhow::Result<()> {
        for chunk in self.hashes.chunks(ROWS_PER_INSERT) {
            let sql = format!(
                "INSERT INTO log_hashes (hash_index, hash) VALUES {}",
                crate::db::values_placeholders(chunk.len(), 2)
            );
            // Only numbered placeholders are formatted in; every value is bound.
            let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
            for (index, hash) in chunk {
                query = query.bind(i64::try_from(*index)?).bind(hash.0.to_vec());
            }
            query.execute(&mut *conn).await?;
        }
        for chunk in self.entries.chunks(ROWS_PER_INSERT) {
            let sql = format!(
                "INSERT INTO log_entries (leaf_index, leaf_data) VALUES {}",
                crate::db::values_placeholders(chunk.len(), 2)
            );
            let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
            for (index, data) in chunk {
                query = query.bind(i64::try_from(*index)?).bind(data.clone());
            }
            query.execute(&mut *conn).await?;
        }
        Ok(())
    }
}

/// Rows per multi-row insert: far below both engines' limits on bound values.
const ROWS_PER_INSERT: usize = 200;

/// Signs the checkpoint of the tree of `size` leaves and root `root` (every leaf appended in
/// the caller's transaction) and makes it the log's current state; returns it.
pub async fn seal(
    conn: &mut AnyConnection,
    key: &LogKey,
    origin: &str,
    size: u64,
    root: Hash,
) -> anyhow::Result<String> {
    let checkpoint = sign_checkpoint(key, origin, size, root)?;
    sqlx::query("UPDATE log_state SET tree_size = $1, checkpoint = $2 WHERE id = 1")
        .bind(i64::try_from(size)?)
        .bind(&checkpoint)
        .execute(&mut *conn)
        .await?;
    // Kept by size so that an export can give each snapshot the receipt of its batch.
    sqlx::query(
        "INSERT INTO log_checkpoints (tree_size, checkpoint) VALUES ($1, $2) \
         ON CONFLICT (tree_size) DO NOTHING",
    )
    .bind(i64::try_from(size)?)
    .bind(&checkpoint)
    .execute(&mut *conn)
    .await?;
    Ok(checkpoint)
}

/// The first signed checkpoint whose tree holds leaf `leaf_index` (the one of its batch,
/// for leaves appended since checkpoints are kept), with its size; the current one when no
/// kept checkpoint holds it.
pub async fn checkpoint_covering(
    conn: &mut AnyConnection,
    leaf_index: u64,
) -> anyhow::Result<(u64, String)> {
    let row = sqlx::query(
        "SELECT tree_size, checkpoint FROM log_checkpoints WHERE tree_size > $1 \
         ORDER BY tree_size LIMIT 1",
    )
    .bind(i64::try_from(leaf_index)?)
    .fetch_optional(&mut *conn)
    .await?;
    match row {
        Some(row) => Ok((u64::try_from(row.try_get::<i64, _>(0)?)?, row.try_get(1)?)),
        None => current(conn).await,
    }
}

/// The current tree size and its signed checkpoint, read together.
pub async fn current(conn: &mut AnyConnection) -> anyhow::Result<(u64, String)> {
    let row = sqlx::query("SELECT tree_size, checkpoint FROM log_state WHERE id = 1")
        .fetch_one(&mut *conn)
        .await?;
    Ok((u64::try_from(row.try_get::<i64, _>(0)?)?, row.try_get(1)?))
}

/// The latest signed checkpoint.
pub async fn current_checkpoint(conn: &mut AnyConnection) -> anyhow::Result<String> {
    Ok(sqlx::query("SELECT checkpoint FROM log_state WHERE id = 1")
        .fetch_one(&mut *conn)
        .await?
        .try_get(0)?)
}

/// The current number of leaves.
pub async fn tree_size(conn: &mut AnyConnection) -> anyhow::Result<u64> {
    let size: i64 = sqlx::query("SELECT tree_size FROM log_state WHERE id = 1")
        .fetch_one(&mut *conn)
        .await?
        .try_get(0)?;
    Ok(u64::try_from(size)?)
}

/// Inclusion proof of leaf `index` in the tree of `size` leaves.
pub async fn inclusion_proof(
    conn: &mut AnyConnection,
    index: u64,
    size: u64,
) -> anyhow::Result<Vec<Hash>> {
    with_hashes(conn, |r| tlog_tiles::prove_record(size, index, r)).await
}

/// Consistency proof from the tree of `from` leaves to the tree of `to` leaves.
pub async fn consistency_proof(
    conn: &mut AnyConnection,
    from: u64,
    to: u64,
) -> anyhow::Result<Vec<Hash>> {
    with_hashes(conn, |r| tlog_tiles::prove_tree(to, from, r)).await
}

/// The hashes of a C2SP hash tile (`tile.is_data()` false).
pub async fn tile_hashes(conn: &mut AnyConnection, tile: &Tile) -> anyhow::Result<Vec<u8>> {
    with_hashes(conn, |r| tile.read_data(r)).await
}

/// A C2SP entry bundle: each entry (the 32-byte leaf data) prefixed by its big-endian
/// 16-bit length.
pub async fn entry_bundle(
    conn: &mut AnyConnection,
    first: u64,
    count: u64,
) -> anyhow::Result<Vec<u8>> {
    let rows = sqlx::query(
        "SELECT leaf_data FROM log_entries WHERE leaf_index >= $1 AND leaf_index < $2 ORDER BY leaf_index",
    )
    .bind(i64::try_from(first)?)
    .bind(i64::try_from(first + count)?)
    .fetch_all(&mut *conn)
    .await?;
    if rows.len() as u64 != count {
        anyhow::bail!("the log database lacks entries {first}..{}", first + count);
    }
    let mut bundle = Vec::with_capacity(rows.len() * (2 + HASH_SIZE));
    for row in rows {
        let data: Vec<u8> = row.try_get(0)?;
        let len = u16::try_from(data.len()).context("entry longer than 65535 bytes")?;
        bundle.extend_from_slice(&len.to_be_bytes());
        bundle.extend_from_slice(&data);
    }
    Ok(bundle)
}
