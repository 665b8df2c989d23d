//! RFC 3161 timestamps of the log's checkpoints.
//!
//! Nothing in a checkpoint or a receipt says when it was made: the server's `received_at`
//! is its own word. When a timestamping authority is configured, a task asks it, every
//! interval, for a token over the newest signed checkpoint (its exact note bytes) if that
//! checkpoint is newer than the last one timestamped. Each token is verified when it comes
//! (signature, message imprint, our nonce) before it is stored with the checkpoint it covers.
//! A snapshot whose receipt's checkpoint is consistent with a timestamped checkpoint existed
//! no later than that token's time: exports carry both and the consistency proof.
//!
//! The task reads the current checkpoint and writes its own table only: it never takes the
//! log's lock nor the writer's, so a slow or absent authority never delays an upload.

use std::sync::Weak;
use std::time::Duration;

use anyhow::Context as _;
use ring::rand::SecureRandom as _;
use sqlx::{AnyConnection, Row as _};

use lucarne_proof::cms::timestamp;

use crate::db::now_unix;
use crate::state::AppState;
use crate::tlog;

/// Largest answer read from a timestamping authority.
pub const MAX_TSA_ANSWER: usize = 1024 * 1024;
/// Longest wait for a timestamping authority's answer.
const TSA_TIMEOUT: Duration = Duration::from_secs(60);

/// Why a timestamp could not be had.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TimestampError {
    /// The authority could not be reached or answered with an error status.
    #[error("the timestamping authority at {url} failed: {reason}")]
    Unreachable {
        /// Its URL.
        url: String,
        /// What went wrong.
        reason: String,
    },
    /// The answer is not a token over what was sent, with our nonce.
    #[error("the timestamping authority at {url} answered a token that does not hold: {reason}")]
    Invalid {
        /// Its URL.
        url: String,
        /// Why the token was refused.
        reason: String,
    },
}

/// A token asked for and verified.
#[derive(Debug, Clone)]
pub struct Token {
    /// The `TimeStampResp` bytes, as the authority sent them.
    pub bytes: Vec<u8>,
    /// What the token says.
    pub stamp: timestamp::Timestamp,
}

/// Asks the authority at `url` for a token over `data` and checks it (signature, imprint,
/// our nonce) before returning it.
pub async fn ask(
    client: &reqwest::Client,
    url: &str,
    data: &[u8],
) -> Result<Token, TimestampError> {
    let unreachable = |reason: String| TimestampError::Unreachable {
        url: url.to_string(),
        reason,
    };
    let invalid = |reason: String| TimestampError::Invalid {
        url: url.to_string(),
        reason,
    };
    let mut nonce = [0u8; 8];
    ring::rand::SystemRandom::new()
        .fill(&mut nonce)
        .map_err(|_| unreachable("no randomness for the nonce".into()))?;
    // A positive INTEGER of at most 63 bits.
    let nonce = u64::from_be_bytes(nonce) >> 1;
    let mut digest = [0u8; 32];
    digest.copy_from_slice(ring::digest::digest(&ring::digest::SHA256, data).as_ref());
    let mut response = client
        .post(url)
        .header("Content-Type", "application/timestamp-query")
        .body(timestamp::request(&digest, nonce))
        .send()
        .await
        .map_err(|e| unreachable(e.to_string()))?;
    if !response.status().is_success() {
        return Err(unreachable(format!("HTTP status {}", response.status())));
    }
    // Read by chunks so that a hostile authority cannot make us hold more than the limit.
    let mut bytes = Vec::new();
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|e| unreachable(e.to_string()))?
    {
        if bytes.len() + chunk.len() > MAX_TSA_ANSWER {
            return Err(invalid(format!("an answer above {MAX_TSA_ANSWER} bytes")));
        }
        bytes.extend_from_slice(&chunk);
    }
    let stamp = timestamp::verify(&bytes, data).map_err(|e| invalid(e.to_string()))?;
    if stamp.nonce.as_deref() != Some(timestamp::nonce_hex(nonce).as_str()) {
        return Err(invalid("the answer does not carry our nonce".into()));
    }
    Ok(Token { bytes, stamp })
}

/// The HTTP client used to reach authorities.
pub fn client() -> anyhow::Result<reqwest::Client> {
    reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(10))
        .timeout(TSA_TIMEOUT)
        .user_agent(concat!("lucarne-server/", env!("CARGO_PKG_VERSION")))
        .build()
        .context("building the HTTP client of the timestamping authority")
}

/// A stored token over a checkpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckpointStamp {
    /// The checkpoint's tree size.
    pub tree_size: u64,
    /// The signed checkpoint, exactly as timestamped.
    pub checkpoint: String,
    /// The `TimeStampResp` bytes.
    pub token: Vec<u8>,
    /// The time in the token (as `proof::cms::timestamp` writes it).
    pub gen_time: String,
}

/// Timestamps the current checkpoint unless it is empty or already timestamped; returns
/// the tree size timestamped, if any.
pub async fn stamp_current(
    state: &AppState,
    client: &reqwest::Client,
    url: &str,
) -> anyhow::Result<Option<u64>> {
    let mut conn = state.db.pool.acquire().await?;
    let (size, checkpoint) = tlog::current(&mut conn).await?;
    let newest = newest_stamped(&mut conn).await?;
    if size == 0 || newest.is_some_and(|n| n >= size) {
        return Ok(None);
    }
    // No connection is held while the authority thinks.
    drop(conn);
    let token = ask(client, url, checkpoint.as_bytes()).await?;
    let mut conn = state.db.pool.acquire().await?;
    sqlx::query(
        "INSERT INTO checkpoint_timestamps (tree_size, checkpoint, token, gen_time, tsa_subject, \
         stored_at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (tree_size) DO NOTHING",
    )
    .bind(i64::try_from(size)?)
    .bind(&checkpoint)
    .bind(token.bytes)
    .bind(&token.stamp.gen_time)
    .bind(&token.stamp.signer.subject)
    .bind(now_unix())
    .execute(&mut *conn)
    .await?;
    tracing::info!(
        tree_size = size,
        gen_time = token.stamp.gen_time,
        "checkpoint timestamped"
    );
    Ok(Some(size))
}

/// The largest tree size timestamped.
async fn newest_stamped(conn: &mut AnyConnection) -> anyhow::Result<Option<u64>> {
    let row = sqlx::query("SELECT MAX(tree_size) FROM checkpoint_timestamps")
        .fetch_one(&mut *conn)
        .await?;
    row.try_get::<Option<i64>, _>(0)?
        .map(u64::try_from)
        .transpose()
        .map_err(Into::into)
}

/// Every stored token, by tree size.
pub async fn all(conn: &mut AnyConnection) -> anyhow::Result<Vec<CheckpointStamp>> {
    let rows = sqlx::query(
        "SELECT tree_size, checkpoint, token, gen_time FROM checkpoint_timestamps \
         ORDER BY tree_size",
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        out.push(CheckpointStamp {
            tree_size: u64::try_from(row.try_get::<i64, _>(0)?)?,
            checkpoint: row.try_get(1)?,
            token: row.try_get(2)?,
            gen_time: row.try_get(3)?,
        });
    }
    Ok(out)
}

/// Starts the periodic task: a first try at once, then one every `interval`; it stops when
/// the state is dropped. Failures are logged and tried again at the next tick.
pub fn start(state: Weak<AppState>, url: String, interval: Duration) {
    tokio::spawn(async move {
        let client = match client() {
            Ok(client) => client,
            Err(e) => {
                tracing::error!(error = format!("{e:#}"), "no timestamps");
                return;
            }
        };
        let mut ticks = tokio::time::interval(interval.max(Duration::from_secs(1)));
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticks.tick().await;
            let Some(state) = state.upgrade() else { break };
            if let Err(e) = stamp_current(&state, &client, &url).await {
                tracing::warn!(
                    error = format!("{e:#}"),
                    "the log's checkpoint could not be timestamped; trying again later"
                );
            }
        }
    });
}
