//! What changed on each iPad, read from this computer's own history: each sealed snapshot of a
//! device compared with the one before it. Nothing here needs the server.

use crate::failure::Explain as _;
use lucarne_profiles::compare::{compare_snapshots, ChangeEvent};
use lucarne_profiles::snapshot::Snapshot;

use crate::home::Home;
use crate::state;

/// One snapshot of the history with what changed since the one before it.
#[derive(Debug, Clone)]
pub struct TimelineEntry {
    /// Its sequence number.
    pub sequence: u64,
    /// When it was taken (RFC 3339, as the agent signed it).
    pub taken_at: String,
    /// What changed since the previous snapshot; `None` for the first.
    pub changes: Option<Vec<ChangeEvent>>,
}

/// A device's history, oldest first.
#[derive(Debug, Clone)]
pub struct Timeline {
    /// The device's directory name in the history (its UDID when plain).
    pub device: String,
    /// The device's name, from its newest snapshot.
    pub name: Option<String>,
    /// Its snapshots.
    pub entries: Vec<TimelineEntry>,
}

fn snapshot(home: &Home, device: &str, sequence: u64) -> anyhow::Result<Snapshot> {
    let bytes = state::history_snapshot(home, device, sequence)?;
    serde_json::from_slice(&bytes).explain_with(
        "error-history",
        vec![
            ("device", device.to_string()),
            ("sequence", sequence.to_string()),
        ],
    )
}

/// The timeline of `device`.
pub fn timeline(home: &Home, device: &str) -> anyhow::Result<Timeline> {
    let mut entries = Vec::new();
    let mut previous: Option<Snapshot> = None;
    let mut name = None;
    for sequence in state::history_sequences(home, device)? {
        let current = snapshot(home, device, sequence)?;
        let changes = previous
            .as_ref()
            .map(|before| compare_snapshots(before, &current));
        name = current.device.name.clone().or(name);
        entries.push(TimelineEntry {
            sequence,
            taken_at: current.taken_at.clone(),
            changes,
        });
        previous = Some(current);
    }
    Ok(Timeline {
        device: device.to_string(),
        name,
        entries,
    })
}

/// What changed between the snapshot `sequence` of `device` and the one before it in the
/// history: the previous snapshot's date and the changes, or `None` for a first snapshot.
pub fn changes_since_previous(
    home: &Home,
    device: &str,
    sequence: u64,
) -> anyhow::Result<Option<(String, Vec<ChangeEvent>)>> {
    let sequences = state::history_sequences(home, device)?;
    let Some(previous) = sequences.iter().rev().find(|s| **s < sequence).copied() else {
        return Ok(None);
    };
    let before = snapshot(home, device, previous)?;
    let after = snapshot(home, device, sequence)?;
    Ok(Some((
        before.taken_at.clone(),
        compare_snapshots(&before, &after),
    )))
}
