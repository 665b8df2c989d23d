//! The comparison of many devices (an opposition group's tablets): for every capability,
//! profile, app, restriction and trust anchor, which of the shared devices have it — what
//! only some devices have first, the rarest first ("only these 2 tablets carry a root
//! certificate", "this app is on 3 of 12 tablets"), then what they all have.
//!
//! Pure: analyses in, facts out. Items are matched across devices by what identifies them
//! for a reader, not by payload UUIDs (two councils' MDMs name the same VPN server with
//! different UUIDs): a capability by its id and its main parameter (server, subject, app,
//! key), a profile by its identifier, an app by its bundle id, a restriction by its key and
//! value, a trust anchor by its SHA-256.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::analysis::Analysis;
use crate::capability::{Capability, Param, Status, Topic};

/// What an item of a group comparison is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ItemKind {
    /// A certificate authority the device trusts.
    TrustAnchor,
    /// Something the administration can do.
    Capability,
    /// An app.
    App,
    /// A configuration profile.
    Profile,
    /// A restriction in force.
    Restriction,
}

/// One thing some or all of the devices have.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupItem {
    /// What it is.
    pub kind: ItemKind,
    /// What identifies it across devices.
    pub key: String,
    /// For a capability, its id (what words render), and its topic.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capability: Option<String>,
    /// Its topic, for capabilities.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub topic: Option<Topic>,
    /// Parameters to name it (from the first device that has it): a capability's own, or a
    /// name, identifier, value.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub params: BTreeMap<String, Param>,
    /// The devices that have it, by handle, in the members' order.
    pub holders: Vec<String>,
}

/// The comparison of a group's shared devices.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupComparison {
    /// The devices compared, by handle.
    pub members: Vec<String>,
    /// What only some devices have (rarest first), then what all have.
    pub items: Vec<GroupItem>,
}

impl GroupComparison {
    /// Items that only some of the devices have.
    pub fn differences(&self) -> impl Iterator<Item = &GroupItem> {
        let n = self.members.len();
        self.items.iter().filter(move |i| i.holders.len() < n)
    }

    /// Items every device has.
    pub fn shared(&self) -> impl Iterator<Item = &GroupItem> {
        let n = self.members.len();
        self.items.iter().filter(move |i| i.holders.len() == n)
    }
}

/// Parameters that name what a capability points at, in order of preference.
const NAMING_PARAMS: &[&str] = &["server", "subject", "bundle", "key", "network", "script"];

fn capability_key(cap: &Capability) -> String {
    let named = NAMING_PARAMS
        .iter()
        .find_map(|p| cap.params.get(*p).and_then(Param::as_str));
    match named {
        Some(v) => format!("{}|{v}", cap.id),
        None => cap.id.clone(),
    }
}

fn single(name: &str, value: Param) -> BTreeMap<String, Param> {
    let mut params = BTreeMap::new();
    params.insert(name.to_string(), value);
    params
}

/// Compares the analyses of the group's shared devices, given as (handle, analysis).
pub fn compare_group(members: &[(&str, &Analysis)]) -> GroupComparison {
    // key → item; holders kept in the members' order as devices are visited in that order.
    let mut items: BTreeMap<(ItemKind, String), GroupItem> = BTreeMap::new();
    let mut add =
        |kind: ItemKind,
         key: String,
         handle: &str,
         make: &dyn Fn() -> (Option<String>, Option<Topic>, BTreeMap<String, Param>)| {
            let entry = items.entry((kind, key.clone())).or_insert_with(|| {
                let (capability, topic, params) = make();
                GroupItem {
                    kind,
                    key,
                    capability,
                    topic,
                    params,
                    holders: Vec::new(),
                }
            });
            if entry.holders.last().map(String::as_str) != Some(handle) {
                entry.holders.push(handle.to_string());
            }
        };
    for (handle, analysis) in members {
        for anchor in &analysis.root_certificates {
            add(
                ItemKind::TrustAnchor,
                anchor.sha256.clone(),
                handle,
                &|| {
                    (
                        None,
                        Some(Topic::Https),
                        single("subject", Param::Name(anchor.subject.clone())),
                    )
                },
            );
        }
        for cap in analysis
            .capabilities
            .iter()
            .filter(|c| matches!(c.status(), Status::Possible | Status::Depends))
        {
            add(ItemKind::Capability, capability_key(cap), handle, &|| {
                (Some(cap.id.clone()), Some(cap.topic), cap.params.clone())
            });
        }
        for app in &analysis.inventory.apps {
            add(ItemKind::App, app.bundle_id.clone(), handle, &|| {
                let mut params = single("bundle", Param::Id(app.bundle_id.clone()));
                if let Some(name) = &app.name {
                    params.insert("name".into(), Param::Name(name.clone()));
                }
                (None, None, params)
            });
        }
        for profile in &analysis.inventory.profiles {
            add(
                ItemKind::Profile,
                profile.identifier.clone(),
                handle,
                &|| {
                    let mut params = single("identifier", Param::Id(profile.identifier.clone()));
                    if let Some(name) = &profile.name {
                        params.insert("name".into(), Param::Name(name.clone()));
                    }
                    (None, None, params)
                },
            );
        }
        for r in analysis.restrictions.iter().filter(|r| r.restricts) {
            let value = crate::analysis::value_text(&r.value);
            add(
                ItemKind::Restriction,
                format!("{}={value}", r.key),
                handle,
                &|| {
                    let mut params = single("key", Param::Id(r.key.clone()));
                    params.insert("value".into(), Param::Id(value.clone()));
                    (None, Some(Topic::Restrict), params)
                },
            );
        }
    }
    let n = members.len();
    let mut items: Vec<GroupItem> = items.into_values().collect();
    // What only some have, rarest first; then what all have; each by kind and topic.
    items.sort_by(|a, b| {
        let rank = |i: &GroupItem| if i.holders.len() < n { 0 } else { 1 };
        rank(a)
            .cmp(&rank(b))
            .then(a.holders.len().cmp(&b.holders.len()))
            .then(a.kind.cmp(&b.kind))
            .then(a.topic.cmp(&b.topic))
            .then(a.key.cmp(&b.key))
    });
    GroupComparison {
        members: members.iter().map(|(h, _)| h.to_string()).collect(),
        items,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::analysis::analyze_snapshot;
    use crate::snapshot::{App, Snapshot};

    fn device(apps: &[&str]) -> Snapshot {
        let mut s = Snapshot::new("2026-11-30T10:00:00Z");
        s.enrolment.supervised = Some(true);
        s.enrolment.mdm_server = Some("https://mdm.example/a".into());
        s.enrolment.access_rights = Some(8191);
        for id in apps {
            s.apps.push(App {
                bundle_id: id.to_string(),
                name: Some(id.to_string()),
                managed: Some(true),
                ..Default::default()
            });
        }
        s
    }

    #[test]
    fn what_only_some_devices_have_comes_first_rarest_first() {
        let a = analyze_snapshot(&device(&["org.notes", "com.teamviewer.rc"]));
        let b = analyze_snapshot(&device(&["org.notes"]));
        let c = analyze_snapshot(&device(&["org.notes", "org.chat"]));
        let d = analyze_snapshot(&device(&["org.notes", "org.chat"]));
        let group = compare_group(&[("a", &a), ("b", &b), ("c", &c), ("d", &d)]);
        let first = &group.items[0];
        assert_eq!(first.holders, vec!["a"], "{:#?}", group.items[0]);
        let chat = group
            .items
            .iter()
            .find(|i| i.kind == ItemKind::App && i.key == "org.chat")
            .unwrap();
        assert_eq!(chat.holders, vec!["c", "d"]);
        let notes = group
            .items
            .iter()
            .find(|i| i.kind == ItemKind::App && i.key == "org.notes")
            .unwrap();
        assert_eq!(notes.holders.len(), 4);
        // Differences all come before what every device has.
        let first_shared = group
            .items
            .iter()
            .position(|i| i.holders.len() == 4)
            .unwrap();
        assert!(group.items[first_shared..]
            .iter()
            .all(|i| i.holders.len() == 4));
        assert!(group.differences().count() >= 3);
        // The MDM's commands are on every device: shared, matched by id, not by UUID.
        assert!(group
            .shared()
            .any(|i| i.capability.as_deref() == Some("command.EraseDevice")));
    }

    #[test]
    fn nothing_of_a_device_outside_the_group_appears() {
        let a = analyze_snapshot(&device(&["org.notes"]));
        let group = compare_group(&[("a", &a)]);
        assert_eq!(group.members, vec!["a"]);
        assert!(group.items.iter().all(|i| i.holders == vec!["a"]));
    }
}
