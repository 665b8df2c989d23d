//! The per-device chain rule: each snapshot of a device names the one before it, so that the
//! server cannot quietly drop, reorder or replace a device's history, and an agent cannot
//! quietly send an old snapshot again as if it were new.
//!
//! Every snapshot carries two fields at the top level of its JSON ([`crate::formats`] §1, §3):
//! `sequence`, an integer from 1, and `previous_hash`, the lowercase hex SHA-256 of the exact
//! bytes of the device's previous snapshot (absent or `null` on the first). The server applies
//! [`check`] to every upload after its signature has verified, against the last snapshot it
//! accepted for the same key and device; a verifier holding a device's accepted snapshots in
//! log order applies [`check_history`], which is the same rule.
//!
//! The rule, in the order it is applied:
//! 1. no snapshot accepted yet for the device: the upload must have no `previous_hash`, or
//!    it is a [`ChainBreak::Fork`] (it claims a history the server never saw);
//! 2. a snapshot with this `sequence` was already accepted: [`ChainBreak::Replay`];
//! 3. `sequence` is lower than the last accepted: [`ChainBreak::Rollback`];
//! 4. `previous_hash` is not the hash of the last accepted snapshot: [`ChainBreak::Fork`];
//! 5. otherwise the snapshot extends the chain.
//!
//! Gaps are accepted: sequence 7 may follow sequence 5 as long as it names 5's hash (an agent
//! that lost a snapshot before sending it still links to what the server has). The sequence
//! must otherwise only grow, and the hash links are what make the chain.
//!
//! An envelope sent again byte for byte (its answer was lost) is not a replay: the server
//! recognises the identical bytes before this rule and answers with the receipt again, without
//! appending anything; a device's history in the log therefore never holds the same bytes
//! twice.

use serde::{Deserialize, Serialize};

/// How an upload broke the device's chain of snapshots.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum ChainBreak {
    /// A sequence number already accepted.
    Replay,
    /// A sequence number lower than the last accepted.
    Rollback,
    /// A previous hash that is not the last accepted snapshot's: a higher sequence that names
    /// another snapshot, or a first snapshot that names one at all.
    Fork,
}

impl ChainBreak {
    /// Its name, as in JSON, error codes and the catalogue.
    pub fn as_str(self) -> &'static str {
        match self {
            ChainBreak::Replay => "replay",
            ChainBreak::Rollback => "rollback",
            ChainBreak::Fork => "fork",
        }
    }
}

/// The last snapshot accepted for a device: what the next one must link to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChainHead<'a> {
    /// Its `sequence`.
    pub sequence: u64,
    /// Hex SHA-256 of its exact snapshot bytes.
    pub snapshot_sha256: &'a str,
}

/// What a new snapshot says of its place in the chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChainLink<'a> {
    /// Its `sequence`.
    pub sequence: u64,
    /// Its `previous_hash`: hex SHA-256 of the snapshot it follows, if it names one.
    pub previous_hash: Option<&'a str>,
}

/// Applies the chain rule (see the module docs) to `next`, given the device's last accepted
/// snapshot `last` (`None` when there is none) and `seen`: whether a snapshot with
/// `next.sequence` was already accepted for the device.
///
/// Hashes are compared without regard to ASCII case (the server lowercases `previous_hash`
/// before comparing; its own hashes are lowercase).
pub fn check(
    last: Option<ChainHead<'_>>,
    next: ChainLink<'_>,
    seen: bool,
) -> Result<(), ChainBreak> {
    let Some(last) = last else {
        return match next.previous_hash {
            Some(_) => Err(ChainBreak::Fork),
            None => Ok(()),
        };
    };
    if seen {
        Err(ChainBreak::Replay)
    } else if next.sequence < last.sequence {
        Err(ChainBreak::Rollback)
    } else if !next
        .previous_hash
        .is_some_and(|previous| previous.eq_ignore_ascii_case(last.snapshot_sha256))
    {
        Err(ChainBreak::Fork)
    } else {
        Ok(())
    }
}

/// One accepted snapshot of a device, as a verifier reads it from its envelope.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChainEntry<'a> {
    /// Its `sequence`.
    pub sequence: u64,
    /// Its `previous_hash`.
    pub previous_hash: Option<&'a str>,
    /// Hex SHA-256 of its exact snapshot bytes.
    pub snapshot_sha256: &'a str,
}

/// Where a device's history breaks the chain rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("snapshot {index} of the device's history breaks its chain ({})", .kind.as_str())]
pub struct HistoryBreak {
    /// Position of the offending snapshot in the history, from 0.
    pub index: usize,
    /// Which rule it breaks.
    pub kind: ChainBreak,
}

/// Checks a device's whole history: its accepted snapshots from the first, in the order the
/// log holds them. Each must pass [`check`] against the one before it, with `seen` computed
/// from all those before it; so a server that accepted a snapshot breaking the rule, or a
/// history with a snapshot removed, replaced or moved, is caught at the first snapshot where
/// it shows.
pub fn check_history<'a>(
    entries: impl IntoIterator<Item = ChainEntry<'a>>,
) -> Result<(), HistoryBreak> {
    let mut seen = std::collections::BTreeSet::new();
    let mut last: Option<ChainHead<'a>> = None;
    for (index, entry) in entries.into_iter().enumerate() {
        let link = ChainLink {
            sequence: entry.sequence,
            previous_hash: entry.previous_hash,
        };
        check(last, link, seen.contains(&entry.sequence))
            .map_err(|kind| HistoryBreak { index, kind })?;
        seen.insert(entry.sequence);
        last = Some(ChainHead {
            sequence: entry.sequence,
            snapshot_sha256: entry.snapshot_sha256,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const H1: &str = "1111111111111111111111111111111111111111111111111111111111111111";
    const H2: &str = "2222222222222222222222222222222222222222222222222222222222222222";
    const H3: &str = "3333333333333333333333333333333333333333333333333333333333333333";

    fn head(sequence: u64, snapshot_sha256: &str) -> Option<ChainHead<'_>> {
        Some(ChainHead {
            sequence,
            snapshot_sha256,
        })
    }

    fn link(sequence: u64, previous_hash: Option<&str>) -> ChainLink<'_> {
        ChainLink {
            sequence,
            previous_hash,
        }
    }

    #[test]
    fn a_first_snapshot_must_not_name_a_previous_one() {
        assert_eq!(check(None, link(1, None), false), Ok(()));
        // Any sequence may start a chain; the server only requires it to be at least 1.
        assert_eq!(check(None, link(9, None), false), Ok(()));
        assert_eq!(check(None, link(1, Some(H1)), false), Err(ChainBreak::Fork));
    }

    #[test]
    fn a_snapshot_naming_the_last_one_extends_the_chain() {
        assert_eq!(check(head(3, H1), link(4, Some(H1)), false), Ok(()));
        // Gaps are accepted.
        assert_eq!(check(head(3, H1), link(10, Some(H1)), false), Ok(()));
        // Case does not matter.
        let upper = H1.replace('1', "A");
        let lower = upper.to_ascii_lowercase();
        assert_eq!(check(head(3, &lower), link(4, Some(&upper)), false), Ok(()));
    }

    #[test]
    fn a_sequence_already_accepted_is_a_replay() {
        assert_eq!(
            check(head(3, H1), link(3, Some(H1)), true),
            Err(ChainBreak::Replay)
        );
        // Replay comes first: an older sequence already accepted is a replay, not a rollback.
        assert_eq!(
            check(head(3, H1), link(2, Some(H2)), true),
            Err(ChainBreak::Replay)
        );
    }

    #[test]
    fn a_lower_sequence_is_a_rollback() {
        assert_eq!(
            check(head(5, H1), link(4, Some(H1)), false),
            Err(ChainBreak::Rollback)
        );
        assert_eq!(
            check(head(5, H1), link(1, None), false),
            Err(ChainBreak::Rollback)
        );
    }

    #[test]
    fn a_higher_sequence_naming_another_snapshot_is_a_fork() {
        assert_eq!(
            check(head(3, H1), link(4, Some(H2)), false),
            Err(ChainBreak::Fork)
        );
        // Naming none once a chain exists is a fork too.
        assert_eq!(
            check(head(3, H1), link(4, None), false),
            Err(ChainBreak::Fork)
        );
    }

    #[test]
    fn codes_are_stable() {
        assert_eq!(ChainBreak::Replay.as_str(), "replay");
        assert_eq!(ChainBreak::Rollback.as_str(), "rollback");
        assert_eq!(ChainBreak::Fork.as_str(), "fork");
        assert_eq!(
            serde_json::to_string(&ChainBreak::Rollback).ok().as_deref(),
            Some("\"rollback\"")
        );
    }

    fn entry<'a>(sequence: u64, previous_hash: Option<&'a str>, hash: &'a str) -> ChainEntry<'a> {
        ChainEntry {
            sequence,
            previous_hash,
            snapshot_sha256: hash,
        }
    }

    #[test]
    fn an_unbroken_history_passes() {
        assert_eq!(check_history([]), Ok(()));
        let history = [
            entry(1, None, H1),
            entry(2, Some(H1), H2),
            entry(5, Some(H2), H3),
        ];
        assert_eq!(check_history(history), Ok(()));
    }

    #[test]
    fn a_broken_history_is_refused_where_it_breaks() {
        let cases = [
            // The first snapshot names a previous one.
            (vec![entry(1, Some(H3), H1)], 0, ChainBreak::Fork),
            // A snapshot removed from the middle.
            (
                vec![entry(1, None, H1), entry(3, Some(H2), H3)],
                1,
                ChainBreak::Fork,
            ),
            // Two snapshots swapped.
            (
                vec![
                    entry(1, None, H1),
                    entry(3, Some(H2), H3),
                    entry(2, Some(H1), H2),
                ],
                1,
                ChainBreak::Fork,
            ),
            // A sequence used twice with other bytes.
            (
                vec![
                    entry(1, None, H1),
                    entry(2, Some(H1), H2),
                    entry(2, Some(H2), H3),
                ],
                2,
                ChainBreak::Replay,
            ),
            // An older sequence, never accepted, after a newer one.
            (
                vec![
                    entry(1, None, H1),
                    entry(4, Some(H1), H2),
                    entry(3, Some(H2), H3),
                ],
                2,
                ChainBreak::Rollback,
            ),
        ];
        for (history, index, kind) in cases {
            assert_eq!(
                check_history(history.clone()),
                Err(HistoryBreak { index, kind }),
                "{history:?}"
            );
        }
    }
}
