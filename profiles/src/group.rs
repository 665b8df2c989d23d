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
//!
//! A comparison needs only a small part of each analysis: [`DeviceItems::of`] takes it out
//! once (the server stores it beside the analysis at ingest), and [`compare_items`] compares
//! those; [`compare_group`] does both for analyses at hand.

use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, HashMap, HashSet};

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

/// One comparable thing a device has: what it is, what identifies it across devices, and
/// what names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceItem {
    /// What it is.
    pub kind: ItemKind,
    /// What identifies it across devices.
    pub key: String,
    /// For a capability, its id (what words render).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capability: Option<String>,
    /// Its topic, for capabilities, trust anchors and restrictions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub topic: Option<Topic>,
    /// Parameters to name it: a capability's own, or a name, identifier, value.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub params: BTreeMap<String, Param>,
}

/// What a group comparison needs of one device's analysis: its name and its comparable
/// items, each once (the first occurrence names it). A fraction of the analysis's size.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceItems {
    /// The device's name as the device reports it (outside text: views neutralise it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Its comparable items, in the analysis's order.
    pub items: Vec<DeviceItem>,
}

/// One thing some or all of the devices have.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupItem {
    /// What it is, and what names it (from the first device that has it).
    #[serde(flatten)]
    pub item: DeviceItem,
    /// The devices that have it, as indexes into [`GroupComparison::members`], in order.
    pub holders: Vec<usize>,
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

    /// The handles of the devices that hold `item`.
    pub fn holder_handles<'a>(&'a self, item: &'a GroupItem) -> impl Iterator<Item = &'a str> {
        item.holders
            .iter()
            .filter_map(|&i| self.members.get(i).map(String::as_str))
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

impl DeviceItems {
    /// The comparable items of one device's analysis.
    pub fn of(analysis: &Analysis) -> DeviceItems {
        let mut seen: HashSet<(ItemKind, String)> = HashSet::new();
        let mut items = Vec::new();
        let mut add = |kind: ItemKind, key: String, make: &dyn Fn() -> DeviceItem| {
            if seen.insert((kind, key)) {
                items.push(make());
            }
        };
        for anchor in &analysis.root_certificates {
            add(ItemKind::TrustAnchor, anchor.sha256.clone(), &|| {
                DeviceItem {
                    kind: ItemKind::TrustAnchor,
                    key: anchor.sha256.clone(),
                    capability: None,
                    topic: Some(Topic::Https),
                    params: single("subject", Param::Name(anchor.subject.clone())),
                }
            });
        }
        for cap in analysis
            .capabilities
            .iter()
            .filter(|c| matches!(c.status(), Status::Possible | Status::Depends))
        {
            let key = capability_key(cap);
            add(ItemKind::Capability, key.clone(), &|| DeviceItem {
                kind: ItemKind::Capability,
                key: key.clone(),
                capability: Some(cap.id.clone()),
                topic: Some(cap.topic),
                params: cap.params.clone(),
            });
        }
        for app in &analysis.inventory.apps {
            add(ItemKind::App, app.bundle_id.clone(), &|| {
                let mut params = single("bundle", Param::Id(app.bundle_id.clone()));
                if let Some(name) = &app.name {
                    params.insert("name".into(), Param::Name(name.clone()));
                }
                DeviceItem {
                    kind: ItemKind::App,
                    key: app.bundle_id.clone(),
                    capability: None,
                    topic: None,
                    params,
                }
            });
        }
        for profile in &analysis.inventory.profiles {
            add(ItemKind::Profile, profile.identifier.clone(), &|| {
                let mut params = single("identifier", Param::Id(profile.identifier.clone()));
                if let Some(name) = &profile.name {
                    params.insert("name".into(), Param::Name(name.clone()));
                }
                DeviceItem {
                    kind: ItemKind::Profile,
                    key: profile.identifier.clone(),
                    capability: None,
                    topic: None,
                    params,
                }
            });
        }
        for r in analysis.restrictions.iter().filter(|r| r.restricts) {
            let value = crate::analysis::value_text(&r.value);
            let key = format!("{}={value}", r.key);
            add(ItemKind::Restriction, key.clone(), &|| {
                let mut params = single("key", Param::Id(r.key.clone()));
                params.insert("value".into(), Param::Id(value.clone()));
                DeviceItem {
                    kind: ItemKind::Restriction,
                    key: key.clone(),
                    capability: None,
                    topic: Some(Topic::Restrict),
                    params,
                }
            });
        }
        DeviceItems {
            name: analysis.device.name.clone(),
            items,
        }
    }
}

/// Compares the analyses of the group's shared devices, given as (handle, analysis).
pub fn compare_group(members: &[(&str, &Analysis)]) -> GroupComparison {
    let items: Vec<DeviceItems> = members.iter().map(|(_, a)| DeviceItems::of(a)).collect();
    let pairs: Vec<(&str, &DeviceItems)> = members
        .iter()
        .zip(&items)
        .map(|((handle, _), items)| (*handle, items))
        .collect();
    compare_items(&pairs)
}

/// Compares the group's shared devices by their comparable items, given as (handle, items).
pub fn compare_items(members: &[(&str, &DeviceItems)]) -> GroupComparison {
    // Items are matched by borrowed keys and holders kept as member indexes: an item is
    // cloned once, however many devices hold it.
    let mut index: HashMap<(ItemKind, &str), usize> = HashMap::new();
    let mut found: Vec<(&DeviceItem, Vec<usize>)> = Vec::new();
    for (member, (_, device)) in members.iter().enumerate() {
        for item in &device.items {
            match index.entry((item.kind, item.key.as_str())) {
                Entry::Occupied(at) => {
                    let holders = &mut found[*at.get()].1;
                    if holders.last() != Some(&member) {
                        holders.push(member);
                    }
                }
                Entry::Vacant(at) => {
                    at.insert(found.len());
                    found.push((item, vec![member]));
                }
            }
        }
    }
    let n = members.len();
    // What only some have, rarest first; then what all have; each by kind and topic.
    found.sort_by(|(a, ah), (b, bh)| {
        let rank = |holders: &Vec<usize>| if holders.len() < n { 0 } else { 1 };
        rank(ah)
            .cmp(&rank(bh))
            .then(ah.len().cmp(&bh.len()))
            .then(a.kind.cmp(&b.kind))
            .then(a.topic.cmp(&b.topic))
            .then(a.key.cmp(&b.key))
    });
    GroupComparison {
        members: members.iter().map(|(h, _)| h.to_string()).collect(),
        items: found
            .into_iter()
            .map(|(item, holders)| GroupItem {
                item: item.clone(),
                holders,
            })
            .collect(),
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
        assert_eq!(
            group.holder_handles(first).collect::<Vec<_>>(),
            vec!["a"],
            "{:#?}",
            group.items[0]
        );
        let chat = group
            .items
            .iter()
            .find(|i| i.item.kind == ItemKind::App && i.item.key == "org.chat")
            .unwrap();
        assert_eq!(
            group.holder_handles(chat).collect::<Vec<_>>(),
            vec!["c", "d"]
        );
        let notes = group
            .items
            .iter()
            .find(|i| i.item.kind == ItemKind::App && i.item.key == "org.notes")
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
            .any(|i| i.item.capability.as_deref() == Some("command.EraseDevice")));
    }

    #[test]
    fn nothing_of_a_device_outside_the_group_appears() {
        let a = analyze_snapshot(&device(&["org.notes"]));
        let group = compare_group(&[("a", &a)]);
        assert_eq!(group.members, vec!["a"]);
        assert!(group.items.iter().all(|i| i.holders == vec![0]));
    }

    #[test]
    fn stored_items_compare_like_the_analyses_they_come_from() {
        let a = analyze_snapshot(&device(&["org.notes", "com.teamviewer.rc"]));
        let mut b = device(&["org.notes"]);
        b.device.name = Some("iPad de Camille".into());
        let b = analyze_snapshot(&b);
        let from_analyses = compare_group(&[("a", &a), ("b", &b)]);
        // Through JSON, as the server stores them at ingest and reads them back.
        let stored = |analysis| {
            let text = serde_json::to_string(&DeviceItems::of(analysis)).unwrap();
            serde_json::from_str::<DeviceItems>(&text).unwrap()
        };
        let (sa, sb) = (stored(&a), stored(&b));
        assert_eq!(sb.name.as_deref(), Some("iPad de Camille"));
        assert_eq!(compare_items(&[("a", &sa), ("b", &sb)]), from_analyses);
        let teamviewer = from_analyses
            .differences()
            .find(|i| i.item.key == "com.teamviewer.rc")
            .unwrap();
        assert_eq!(teamviewer.holders, vec![0]);
        // Each item once per device, even when the analysis names it twice.
        let keys: HashSet<_> = sa.items.iter().map(|i| (i.kind, i.key.clone())).collect();
        assert_eq!(keys.len(), sa.items.len());
    }
}
