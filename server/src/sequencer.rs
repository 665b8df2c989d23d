//! The log's single writer, in batches.
//!
//! Uploads are verified, parsed and diffed by their own requests, in parallel and outside any
//! lock ([`crate::ingest`]); what is left (the device's chain, storage, the log append) comes
//! here through a channel. The sequencer takes every upload waiting when it is free (at most
//! [`MAX_BATCH`]), applies them in order in one transaction, signs one checkpoint for the
//! batch, commits (one fsync), and only then answers each with its receipt: a receipt always
//! names a durable leaf, in a tree that may hold the rest of its batch. A batch never waits
//! to fill up: under light load it holds one upload, under heavy load it grows by itself.
//!
//! A fault of the database fails the whole batch (each request is answered 500 and nothing
//! of the batch is kept; agents send again). A refusal (chain break, quota) concerns its own
//! upload only and the others go on.

use std::sync::{Arc, Weak};

use tokio::sync::{mpsc, oneshot};

use crate::error::ApiError;
use crate::heads::Heads;
use crate::ingest::{self, Prepared, Receipt};
use crate::state::AppState;

/// Most uploads in one batch.
pub const MAX_BATCH: usize = 512;
/// Uploads waiting for the sequencer before new ones wait for room.
const QUEUE: usize = 4096;

struct Job {
    prepared: Prepared,
    reply: oneshot::Sender<Result<Receipt, ApiError>>,
}

/// The handle requests give their uploads to.
#[derive(Debug)]
pub struct Sequencer {
    sender: mpsc::Sender<Job>,
}

impl Sequencer {
    /// Starts the sequencer of `state` (held weakly: it stops when the state is dropped).
    pub fn start(state: Weak<AppState>) -> Sequencer {
        let (sender, receiver) = mpsc::channel(QUEUE);
        tokio::spawn(run(state, receiver));
        Sequencer { sender }
    }

    /// The writer task still takes uploads. It stops only if it panicked (or the state is
    /// gone), and then every upload would fail: `/healthz` says so.
    pub fn is_running(&self) -> bool {
        !self.sender.is_closed()
    }

    /// Hands `prepared` to the sequencer and waits for its receipt or refusal.
    pub async fn submit(&self, prepared: Prepared) -> Result<Receipt, ApiError> {
        let (reply, answer) = oneshot::channel();
        self.sender
            .send(Job { prepared, reply })
            .await
            .map_err(|_| ApiError::internal(anyhow::anyhow!("the log's sequencer has stopped")))?;
        answer.await.map_err(|_| {
            ApiError::internal(anyhow::anyhow!("the log's sequencer dropped an upload"))
        })?
    }
}

async fn run(state: Weak<AppState>, mut receiver: mpsc::Receiver<Job>) {
    // The devices' chain heads and the keys' stored bytes, kept between batches by this
    // single writer (the database stays the truth: see `crate::heads`).
    let mut heads = Heads::default();
    while let Some(first) = receiver.recv().await {
        let mut jobs = vec![first];
        while jobs.len() < MAX_BATCH {
            match receiver.try_recv() {
                Ok(job) => jobs.push(job),
                Err(_) => break,
            }
        }
        let Some(state) = state.upgrade() else { break };
        apply(&state, &mut heads, jobs).await;
    }
}

async fn apply(state: &Arc<AppState>, heads: &mut Heads, jobs: Vec<Job>) {
    let (prepared, replies): (Vec<_>, Vec<_>) =
        jobs.into_iter().map(|j| (j.prepared, j.reply)).unzip();
    let count = prepared.len();
    state.metrics.batch(count);
    match ingest::append_batch(state, heads, prepared).await {
        Ok(results) => {
            for (reply, result) in replies.into_iter().zip(results) {
                // The request may have gone (client closed): its upload is in the log anyway
                // and a resend gets the receipt.
                let _ = reply.send(result);
            }
        }
        Err(cause) => {
            tracing::error!(
                uploads = count,
                error = format!("{cause:#}"),
                "a batch of uploads failed; nothing of it was kept"
            );
            for reply in replies {
                let _ = reply.send(Err(ApiError::internal(anyhow::anyhow!(
                    "the batch of this upload failed"
                ))));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sequencer_whose_task_is_gone_says_so() {
        let (sender, receiver) = mpsc::channel::<Job>(1);
        let sequencer = Sequencer { sender };
        assert!(sequencer.is_running());
        drop(receiver);
        assert!(!sequencer.is_running());
    }
}
