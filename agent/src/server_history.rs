//! What the server says of this account's iPads, read through the signed API: the account's
//! devices (`GET /api/v1/devices`) and each one's timeline (`GET
//! /api/v1/devices/{handle}/timeline`, a page at a time, newest first), with the alerts the
//! server left for refused uploads. `lucarne history` shows it beside this computer's own
//! history: it includes what the official's other computers sent.
//!
//! Everything here comes from the server, hence from outside: handles are checked before they
//! go in a path, pages and entries are bounded, events and alerts of kinds this version does
//! not know are skipped rather than refusing the page.

use lucarne_profiles::compare::{Alert, ChangeEvent};
use lucarne_proof::wire::{DeviceList, Timeline};
use serde_json::Value;

use crate::keys::AgentKey;
use crate::upload::client::{ClientError, ServerClient};

/// Entries asked for per page (the server's largest page).
const PAGE: u32 = 200;
/// Most entries read for one device; older ones are left on the server (its pages show them).
pub const MAX_ENTRIES: usize = 1000;
/// Most devices read.
const MAX_DEVICES: usize = 200;

/// One snapshot the server accepted for a device.
#[derive(Debug, Clone, PartialEq)]
pub struct ServerEntry {
    /// The key (computer of the account) that signed it.
    pub key_id: String,
    /// Its sequence number in that key's chain.
    pub sequence: u64,
    /// When the server received it, Unix seconds.
    pub received_at: i64,
    /// What the server saw change (kinds this version knows).
    pub events: Vec<ChangeEvent>,
}

/// A refused upload the server recorded for the device.
#[derive(Debug, Clone, PartialEq)]
pub struct ServerRefusal {
    /// When, Unix seconds.
    pub at: i64,
    /// The alert it left.
    pub alert: Alert,
}

/// One device as the server knows it.
#[derive(Debug, Clone, PartialEq)]
pub struct ServerDevice {
    /// Its UDID.
    pub device_id: String,
    /// Accepted snapshots, oldest first.
    pub entries: Vec<ServerEntry>,
    /// Refused uploads, oldest first.
    pub refusals: Vec<ServerRefusal>,
    /// The server holds older snapshots than those read ([`MAX_ENTRIES`]).
    pub more: bool,
}

fn malformed(what: impl std::fmt::Display) -> ClientError {
    ClientError::MalformedAnswer(what.to_string())
}

fn is_handle(handle: &str) -> bool {
    (1..=64).contains(&handle.len()) && handle.bytes().all(|b| b.is_ascii_hexdigit())
}

/// The devices of the account (only `only` when given) with their timelines.
pub async fn fetch(
    client: &ServerClient,
    key: &AgentKey,
    only: Option<&str>,
) -> Result<Vec<ServerDevice>, ClientError> {
    let list: DeviceList = serde_json::from_slice(
        &client
            .signed(key, "GET", "/api/v1/devices", Vec::new())
            .await?,
    )
    .map_err(malformed)?;
    let mut out = Vec::new();
    for device in list
        .devices
        .into_iter()
        .filter(|d| only.is_none_or(|o| o == d.device_id))
        .take(MAX_DEVICES)
    {
        if !is_handle(&device.handle) {
            return Err(malformed("a device handle is not hexadecimal"));
        }
        out.push(timeline(client, key, &device.handle, device.device_id).await?);
    }
    Ok(out)
}

async fn timeline(
    client: &ServerClient,
    key: &AgentKey,
    handle: &str,
    device_id: String,
) -> Result<ServerDevice, ClientError> {
    let mut entries = Vec::new();
    let mut refusals = Vec::new();
    let mut before: Option<u64> = None;
    let more = loop {
        let target = match before {
            None => format!("/api/v1/devices/{handle}/timeline?limit={PAGE}"),
            Some(b) => format!("/api/v1/devices/{handle}/timeline?before={b}&limit={PAGE}"),
        };
        let page: Timeline =
            serde_json::from_slice(&client.signed(key, "GET", &target, Vec::new()).await?)
                .map_err(malformed)?;
        if before.is_none() {
            refusals = page
                .refusals
                .into_iter()
                .filter_map(|r| {
                    Some(ServerRefusal {
                        at: r.at,
                        alert: serde_json::from_value(r.alert).ok()?,
                    })
                })
                .collect();
        }
        for entry in page.entries {
            entries.push(ServerEntry {
                key_id: entry.key_id,
                sequence: entry.sequence,
                received_at: entry.received_at,
                events: known(entry.events),
            });
        }
        match page.next_before {
            // A cursor that does not go back in the log would loop for ever.
            Some(next) if before.is_none_or(|b| next < b) => {
                if entries.len() >= MAX_ENTRIES {
                    break true;
                }
                before = Some(next);
            }
            _ => break false,
        }
    };
    entries.truncate(MAX_ENTRIES);
    entries.reverse();
    refusals.reverse();
    Ok(ServerDevice {
        device_id,
        entries,
        refusals,
        more,
    })
}

/// The events of kinds this version knows.
fn known(events: Vec<Value>) -> Vec<ChangeEvent> {
    events
        .into_iter()
        .filter_map(|e| serde_json::from_value(e).ok())
        .collect()
}
