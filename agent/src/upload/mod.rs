//! Uploading sealed snapshots: the outbox is sent in order, each receipt is verified before the
//! envelope leaves the outbox, refusals are set aside, and nothing is lost offline.
//!
//! Entry points: [`after_scan`] (what `lucarne scan` calls: seal, queue, try to send) and
//! [`push_queued`] (what `lucarne push` calls: send what is queued).
//!
//! - [`client`]: the HTTP client of the server API.
//! - [`queue`]: the outbox and the `rejected/` directory.
//! - [`receipt`]: keeping receipts and checking that the log only grows.

pub mod client;
pub mod queue;
pub mod receipt;

use std::path::PathBuf;

use lucarne_profiles::Snapshot;
use lucarne_proof::receipt::{Receipt, ReceiptError};

use crate::home::{write_atomic, Home, HomeError};
use crate::keys::{AgentKey, KeyError};
use crate::registration::{self, RegistrationError};
use crate::state::{self, SealedSnapshot, StateError};
use client::{ClientError, ServerClient};
use queue::{Queued, RejectionRecord};
use receipt::{Consistency, ForkError};

/// Why an upload could not go on. Network failures are not errors: they end a push early with
/// the outbox intact (see [`PushReport::stopped`]).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum UploadError {
    /// The data directory or a file cannot be used.
    #[error(transparent)]
    Home(#[from] HomeError),
    /// The key cannot be used.
    #[error(transparent)]
    Key(#[from] KeyError),
    /// The snapshot could not be sealed.
    #[error(transparent)]
    State(#[from] StateError),
    /// The registration cannot be read.
    #[error(transparent)]
    Registration(#[from] RegistrationError),
    /// Pushing needs a registration.
    #[error("this computer is not registered with a server (run `lucarne register`)")]
    NotRegistered,
    /// The server URL is unusable.
    #[error(transparent)]
    Client(#[from] ClientError),
    /// The server accepted an envelope but its receipt does not verify. The envelope stays in
    /// the outbox and the receipt is kept as evidence.
    #[error(
        "the server's receipt for snapshot {sequence} of device {device} does not verify ({error}); \
         the snapshot stays queued and the receipt was kept in {kept}"
    )]
    InvalidReceipt {
        /// Device directory name.
        device: String,
        /// Sequence number.
        sequence: u64,
        /// What is wrong with the receipt.
        error: ReceiptError,
        /// Where the receipt was kept.
        kept: PathBuf,
    },
    /// The server's log does not extend the one it showed before.
    #[error(transparent)]
    Fork(#[from] ForkError),
    /// [`block_on`] was called from inside an async runtime.
    #[error("block_on was called from inside an async runtime")]
    InsideRuntime,
    /// No async runtime could be started.
    #[error("cannot start the network runtime: {0}")]
    Runtime(String),
}

/// An envelope the server accepted, with a verified receipt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Accepted {
    /// Device directory name.
    pub device: String,
    /// Sequence number.
    pub sequence: u64,
    /// Position in the log.
    pub leaf_index: u64,
    /// Size of the tree the receipt proves inclusion in.
    pub tree_size: u64,
    /// The server already held identical content.
    pub duplicate_content: bool,
    /// Number of changes the server saw.
    pub events: usize,
    /// Number of alerts the server raised.
    pub alerts: usize,
    /// Where the receipt is kept.
    pub receipt_path: PathBuf,
}

/// An envelope the server refused for good.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused {
    /// Device directory name.
    pub device: String,
    /// Sequence number.
    pub sequence: u64,
    /// The server's reason.
    pub reason: RejectionRecord,
    /// Where the envelope was moved.
    pub moved_to: PathBuf,
}

/// What a push did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PushReport {
    /// Accepted envelopes, in the order sent.
    pub accepted: Vec<Accepted>,
    /// Refused envelopes.
    pub refused: Vec<Refused>,
    /// Envelopes still in the outbox.
    pub remaining: usize,
    /// Why the push stopped before the end of the outbox (server unreachable or failing).
    pub stopped: Option<String>,
    /// Why the log's consistency could not be checked this time, if it could not.
    pub consistency_deferred: Option<String>,
    /// The push stopped because the server asked to wait (`Retry-After`): the seconds left
    /// before anything is sent to it again. The outbox is kept.
    pub retry_after_seconds: Option<u64>,
}

/// What [`after_scan`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UploadOutcome {
    /// Sealed and queued; not registered, so nothing was sent.
    NotRegistered {
        /// The sealed snapshot.
        sealed: SealedSnapshot,
    },
    /// Sealed, queued, and the outbox was pushed.
    Pushed {
        /// The sealed snapshot.
        sealed: SealedSnapshot,
        /// What the push did.
        report: PushReport,
    },
}

/// The longest pause the server can ask for that a push waits out before going on (a busy
/// server, an allowance about to refill); a longer one ends the push.
pub const WAIT_IN_PLACE_SECONDS: u64 = 2;
/// Most pauses one push waits out: a push never hangs for long.
const MAX_WAITS_IN_PLACE: u32 = 5;
/// The time (Unix seconds, as text) before which the server asked to be sent nothing.
const NOT_BEFORE_FILE: &str = "push-not-before";

fn now_unix() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// Seconds left before the server may be sent anything (its last `Retry-After`), if any.
/// An unreadable file counts as no wait: it only ever delays.
fn wait_left(home: &Home) -> Option<u64> {
    let text = std::fs::read_to_string(home.path(NOT_BEFORE_FILE)).ok()?;
    let not_before: u64 = text.trim().parse().ok()?;
    let now = now_unix();
    (not_before > now).then(|| not_before - now)
}

/// Sends every queued envelope of `home` in order (see the module docs).
///
/// When the server asks to wait (`429 rate_limited` or `503 busy`, with `Retry-After`), a
/// short pause is waited out and the same envelope sent again; a longer one ends the push
/// with the outbox kept, and no push contacts the server before that time
/// ([`PushReport::retry_after_seconds`]).
pub async fn push_queued(home: &Home) -> Result<PushReport, UploadError> {
    let registration = registration::load(home)?.ok_or(UploadError::NotRegistered)?;
    let client = ServerClient::new(&registration.server)?;
    let _lock = home.lock()?;
    let queue = queue::queued(home)?;
    let mut report = PushReport::default();
    if let Some(seconds) = wait_left(home).filter(|_| !queue.is_empty()) {
        report.stopped = Some(format!(
            "the server asked to be sent nothing for {seconds} more seconds"
        ));
        report.retry_after_seconds = Some(seconds);
        report.remaining = queue.len();
        return Ok(report);
    }
    let mut waits = 0;
    for (position, queued) in queue.iter().enumerate() {
        let body = queued.envelope()?;
        let answer = loop {
            match client.send_envelope(body.clone()).await {
                Err(ClientError::TryLater { seconds, .. })
                    if seconds <= WAIT_IN_PLACE_SECONDS && waits < MAX_WAITS_IN_PLACE =>
                {
                    waits += 1;
                    tokio::time::sleep(std::time::Duration::from_secs(seconds.max(1))).await;
                }
                answer => break answer,
            }
        };
        match answer {
            Ok(answer) => {
                let accepted = accept_receipt(
                    home,
                    &client,
                    &registration,
                    queued,
                    &body,
                    &answer,
                    &mut report,
                )
                .await?;
                report.accepted.push(accepted);
            }
            Err(ClientError::Rejected {
                status,
                code,
                message,
            }) if status != 408 => {
                let reason = RejectionRecord {
                    status,
                    code,
                    message,
                };
                let moved_to = queue::reject(home, queued, &reason)?;
                // The next snapshot links to the last one the server can hold, not to this
                // one (it would be refused as a fork, and every later one with it).
                state::rewind(home, &queued.device)?;
                report.refused.push(Refused {
                    device: queued.device.clone(),
                    sequence: queued.sequence,
                    reason,
                    moved_to,
                });
            }
            Err(e) => {
                if let ClientError::TryLater { seconds, .. } = &e {
                    write_atomic(
                        &home.path(NOT_BEFORE_FILE),
                        (now_unix() + seconds).to_string().as_bytes(),
                    )?;
                    report.retry_after_seconds = Some(*seconds);
                }
                report.stopped = Some(e.to_string());
                report.remaining = queue.len() - position;
                return Ok(report);
            }
        }
    }
    Ok(report)
}

async fn accept_receipt(
    home: &Home,
    client: &ServerClient,
    registration: &registration::Registration,
    queued: &Queued,
    body: &[u8],
    answer: &[u8],
    report: &mut PushReport,
) -> Result<Accepted, UploadError> {
    let verified = Receipt::from_json(answer).and_then(|r| {
        let v = r.verify(body, &registration.log)?;
        Ok((r, v))
    });
    let (receipt, verified) = match verified {
        Ok(ok) => ok,
        Err(error) => {
            let kept = home
                .dir("invalid-receipts")?
                .join(format!("{}-{}.json", queued.device, queued.sequence));
            write_atomic(&kept, answer)?;
            return Err(UploadError::InvalidReceipt {
                device: queued.device.clone(),
                sequence: queued.sequence,
                error,
                kept,
            });
        }
    };
    if let Consistency::Deferred(reason) =
        receipt::check_consistency(home, client, &verified.checkpoint).await?
    {
        report.consistency_deferred = Some(reason);
    }
    let receipt_path = queue::accept(home, queued, answer)?;
    Ok(Accepted {
        device: queued.device.clone(),
        sequence: queued.sequence,
        leaf_index: verified.leaf_index,
        tree_size: verified.checkpoint.size,
        duplicate_content: receipt.duplicate_content,
        events: receipt.events.len(),
        alerts: receipt.alerts.len(),
        receipt_path,
    })
}

/// Seals `snapshot` with the key of `home`, queues it and, when registered, pushes the outbox.
pub async fn after_scan(home: &Home, snapshot: Snapshot) -> Result<UploadOutcome, UploadError> {
    let key = AgentKey::load_or_create(home)?;
    let sealed = state::seal(home, &key, snapshot)?;
    if registration::load(home)?.is_none() {
        return Ok(UploadOutcome::NotRegistered { sealed });
    }
    let report = push_queued(home).await?;
    Ok(UploadOutcome::Pushed { sealed, report })
}

/// Runs a future on a new single-threaded runtime; refuses to nest in a running one.
pub fn block_on<F: std::future::Future>(future: F) -> Result<F::Output, UploadError> {
    if tokio::runtime::Handle::try_current().is_ok() {
        return Err(UploadError::InsideRuntime);
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| UploadError::Runtime(e.to_string()))?;
    Ok(runtime.block_on(future))
}
