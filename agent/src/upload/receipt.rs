//! Receipts on the agent's side: verifying them, keeping them, and checking that the log only
//! ever grows.
//!
//! Inclusion in one checkpoint is not enough: a dishonest server could show each official a
//! different log. So the agent remembers the largest checkpoint it verified (`log.json`) and
//! asks the server for a consistency proof between it and every new one. A proof that does
//! not hold is a fork of the log and is reported as such; a server that cannot answer just
//! leaves the check for later (the remembered checkpoint stays until a proof arrives).

use serde::{Deserialize, Serialize};

use lucarne_proof::checkpoint::Checkpoint;
use lucarne_proof::merkle::{self, Hash, MerkleError};

use super::client::{ClientError, ServerClient};
use crate::home::{read_bounded, write_atomic, Home, HomeError};

/// File name of the last trusted checkpoint in the data directory.
pub const TRUSTED_FILE: &str = "log.json";

/// The largest checkpoint verified so far.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrustedCheckpoint {
    /// Tree size.
    pub size: u64,
    /// Root hash, hex.
    pub root: String,
}

impl From<&Checkpoint> for TrustedCheckpoint {
    fn from(c: &Checkpoint) -> Self {
        TrustedCheckpoint {
            size: c.size,
            root: hex::encode(c.root),
        }
    }
}

/// Remembers `checkpoint` as the largest verified one.
pub fn save_trusted(home: &Home, checkpoint: &TrustedCheckpoint) -> Result<(), HomeError> {
    let bytes = serde_json::to_vec_pretty(checkpoint).unwrap_or_default();
    write_atomic(&home.path(TRUSTED_FILE), &bytes)
}

/// The largest checkpoint verified so far, if any (an unreadable file counts as none: it only
/// weakens the next check, it cannot make a bad proof pass).
pub fn load_trusted(home: &Home) -> Option<(u64, Hash)> {
    let bytes = read_bounded(&home.path(TRUSTED_FILE), 4096).ok()?;
    let t: TrustedCheckpoint = serde_json::from_slice(&bytes).ok()?;
    let root = Hash::try_from(hex::decode(&t.root).ok()?.as_slice()).ok()?;
    Some((t.size, root))
}

/// What became of the consistency check of a new checkpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Consistency {
    /// The new checkpoint extends the trusted one (or is the first one seen).
    Verified,
    /// The server gave no proof now; the trusted checkpoint is kept for a later check.
    Deferred(String),
}

/// Why a new checkpoint cannot be trusted.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ForkError {
    /// The proof does not hold: the server shows two logs that cannot both be true.
    #[error(
        "the server's log of size {new_size} does not extend the log of size {old_size} it \
         showed before ({reason}): the log was rewritten or forked"
    )]
    Inconsistent {
        /// Size of the trusted checkpoint.
        old_size: u64,
        /// Size of the new one.
        new_size: u64,
        /// Why the proof failed.
        reason: String,
    },
    /// The trusted checkpoint could not be updated.
    #[error(transparent)]
    Home(#[from] HomeError),
}

/// Checks that `new` (already signature-verified) and the trusted checkpoint are consistent,
/// and remembers the larger one.
pub async fn check_consistency(
    home: &Home,
    client: &ServerClient,
    new: &Checkpoint,
) -> Result<Consistency, ForkError> {
    let Some((old_size, old_root)) = load_trusted(home) else {
        save_trusted(home, &TrustedCheckpoint::from(new))?;
        return Ok(Consistency::Verified);
    };
    let inconsistent = |reason: String| ForkError::Inconsistent {
        old_size,
        new_size: new.size,
        reason,
    };
    if new.size == old_size {
        return if new.root == old_root {
            Ok(Consistency::Verified)
        } else {
            Err(inconsistent("same size, different root".into()))
        };
    }
    // Every tree extends the empty tree (the checkpoint kept at registration on a new log):
    // there is nothing to prove. The other way round, a server going back to an empty tree,
    // still goes through the check below and fails.
    if old_size == 0 && new.size > 0 {
        save_trusted(home, &TrustedCheckpoint::from(new))?;
        return Ok(Consistency::Verified);
    }
    let (from, from_root, to, to_root) = if new.size > old_size {
        (old_size, old_root, new.size, new.root)
    } else {
        (new.size, new.root, old_size, old_root)
    };
    let proof = match client.consistency(from, to).await {
        Ok(p) => p,
        Err(e @ (ClientError::Unreachable { .. } | ClientError::ServerFailure { .. })) => {
            return Ok(Consistency::Deferred(e.to_string()))
        }
        Err(e @ ClientError::Rejected { status: 404, .. }) => {
            return Ok(Consistency::Deferred(e.to_string()))
        }
        Err(e) => return Err(inconsistent(e.to_string())),
    };
    let hashes = proof
        .iter()
        .take(merkle::MAX_PROOF_LEN + 1)
        .map(|h| {
            hex::decode(h)
                .ok()
                .and_then(|b| Hash::try_from(b.as_slice()).ok())
                .ok_or(MerkleError::RootMismatch)
        })
        .collect::<Result<Vec<Hash>, _>>()
        .map_err(|_| inconsistent("a proof element is not a 32-byte hex hash".into()))?;
    merkle::verify_consistency(from, to, &from_root, &to_root, &hashes)
        .map_err(|e| inconsistent(e.to_string()))?;
    if new.size > old_size {
        save_trusted(home, &TrustedCheckpoint::from(new))?;
    }
    Ok(Consistency::Verified)
}
