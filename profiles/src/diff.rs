//! The diff of two snapshots of one device: typed events saying what the administration
//! changed, each with the capabilities it gave or took away, and which of them deserve an
//! alert.
//!
//! Pure: no I/O. Texts come from `catalog/events.toml`. Secrets are compared only through the
//! redacted values the snapshot carries (`redacted:…`): the raw values never reach here.
//!
//! An event is an alert when it widens what the administration can do or read: a new
//! capability, a new trust anchor, a new traffic path, wider access rights, supervision
//! turned on, a newly managed app, or a new MDM server (a new party holding all the MDM
//! powers). Refused uploads that break the device's chain (replay, rollback, fork: the rule is
//! [`lucarne_proof::chain`]'s) are alerts too, built with [`chain_alert`].

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use lucarne_proof::chain::ChainBreak;

use crate::capability::Capability;
use crate::profile::Payload;
use crate::snapshot::{App, InstalledProfile, Snapshot};
use crate::text::Text;

/// What kind of change an event reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum ChangeKind {
    /// A profile appeared.
    ProfileAdded,
    /// A profile disappeared.
    ProfileRemoved,
    /// A profile's own fields changed, or payloads were added to or removed from it.
    ProfileChanged,
    /// Keys of a payload changed (added, removed or new value).
    PayloadKeysChanged,
    /// An effective restriction changed.
    RestrictionChanged,
    /// An app appeared.
    AppAdded,
    /// An app disappeared.
    AppRemoved,
    /// An app's version changed.
    AppUpdated,
    /// An app already installed became managed by the MDM.
    AppNewlyManaged,
    /// Supervision changed.
    SupervisionChanged,
    /// Another enrolment fact changed (ADE, organisation, removability, pairing).
    EnrolmentChanged,
    /// The MDM server URL changed.
    MdmServerChanged,
    /// The MDM `AccessRights` changed.
    AccessRightsChanged,
    /// A certificate authority the device now trusts.
    TrustAnchorAdded,
    /// A new VPN, proxy, DNS, content filter or relay.
    TrafficPathAdded,
    /// Capabilities changed without a single change above to pin them on.
    CapabilitiesChanged,
}

impl ChangeKind {
    /// Every kind.
    pub const ALL: [ChangeKind; 16] = [
        ChangeKind::ProfileAdded,
        ChangeKind::ProfileRemoved,
        ChangeKind::ProfileChanged,
        ChangeKind::PayloadKeysChanged,
        ChangeKind::RestrictionChanged,
        ChangeKind::AppAdded,
        ChangeKind::AppRemoved,
        ChangeKind::AppUpdated,
        ChangeKind::AppNewlyManaged,
        ChangeKind::SupervisionChanged,
        ChangeKind::EnrolmentChanged,
        ChangeKind::MdmServerChanged,
        ChangeKind::AccessRightsChanged,
        ChangeKind::TrustAnchorAdded,
        ChangeKind::TrafficPathAdded,
        ChangeKind::CapabilitiesChanged,
    ];

    /// The kind's name, as in JSON and in the catalogue.
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeKind::ProfileAdded => "profile-added",
            ChangeKind::ProfileRemoved => "profile-removed",
            ChangeKind::ProfileChanged => "profile-changed",
            ChangeKind::PayloadKeysChanged => "payload-keys-changed",
            ChangeKind::RestrictionChanged => "restriction-changed",
            ChangeKind::AppAdded => "app-added",
            ChangeKind::AppRemoved => "app-removed",
            ChangeKind::AppUpdated => "app-updated",
            ChangeKind::AppNewlyManaged => "app-newly-managed",
            ChangeKind::SupervisionChanged => "supervision-changed",
            ChangeKind::EnrolmentChanged => "enrolment-changed",
            ChangeKind::MdmServerChanged => "mdm-server-changed",
            ChangeKind::AccessRightsChanged => "access-rights-changed",
            ChangeKind::TrustAnchorAdded => "trust-anchor-added",
            ChangeKind::TrafficPathAdded => "traffic-path-added",
            ChangeKind::CapabilitiesChanged => "capabilities-changed",
        }
    }
}

/// A capability gained or lost, as the diff reports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CapabilityChange {
    /// Catalogue identifier of the capability.
    pub id: String,
    /// Its sentence in French and English.
    pub text: Text,
}

/// One change between two snapshots.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChangeEvent {
    /// What kind of change.
    pub kind: ChangeKind,
    /// What changed: profile identifier, bundle id, restriction key, certificate hash,
    /// enrolment field.
    pub subject: String,
    /// The profile concerned, when the change is inside one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile: Option<String>,
    /// The value before, when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub before: Option<Value>,
    /// The value after, when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<Value>,
    /// Keys that changed (payload keys, profile fields, payloads added `+type` or removed
    /// `-type`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub keys: Vec<String>,
    /// The sentence shown to the official.
    pub text: Text,
    /// Capabilities the change gave the administration.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub capabilities_added: Vec<CapabilityChange>,
    /// Capabilities the change took away.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub capabilities_removed: Vec<CapabilityChange>,
    /// The change widens what the administration can do or read.
    pub alert: bool,
}

/// Something the official should look at now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Alert {
    /// The event kind or chain break that raised it (`trust-anchor-added`, `fork`, …).
    pub kind: String,
    /// What it is about.
    pub subject: String,
    /// The sentence shown.
    pub text: Text,
}

#[derive(Debug, Default, Deserialize)]
struct PayloadTypes {
    #[serde(default)]
    trust_anchor: Vec<String>,
    #[serde(default)]
    traffic_path: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
struct EventCatalog {
    #[serde(default)]
    payload_types: PayloadTypes,
    #[serde(default)]
    event: HashMap<String, Text>,
    #[serde(default)]
    alert: HashMap<String, Text>,
    #[serde(default)]
    words: HashMap<String, Text>,
}

const EVENTS_TOML: &str = include_str!("../catalog/events.toml");

fn parse_catalog() -> Result<EventCatalog, toml::de::Error> {
    toml::from_str(EVENTS_TOML)
}

fn catalog() -> &'static EventCatalog {
    static CATALOG: OnceLock<EventCatalog> = OnceLock::new();
    // The file is compiled in and a unit test parses it, so the fallback never shows; if it
    // did, texts would degrade to their kind names instead of the server failing.
    CATALOG.get_or_init(|| parse_catalog().unwrap_or_default())
}

fn word(name: &str) -> Text {
    catalog()
        .words
        .get(name)
        .cloned()
        .unwrap_or_else(|| Text::new(name, name))
}

/// A value as words in both languages.
fn shown(value: Option<&Value>) -> Text {
    match value {
        None | Some(Value::Null) => word("unknown"),
        Some(Value::Bool(true)) => word("yes"),
        Some(Value::Bool(false)) => word("no"),
        Some(Value::String(s)) => Text::new(s.clone(), s.clone()),
        Some(other) => {
            let s = other.to_string();
            Text::new(s.clone(), s)
        }
    }
}

fn render(template: &Text, vars: &[(&str, Text)]) -> Text {
    let fr: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (*k, v.fr.as_str())).collect();
    let en: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (*k, v.en.as_str())).collect();
    Text::new(template.fill(&fr).fr, template.fill(&en).en)
}

/// Builds events, filling their texts from the catalogue.
struct EventBuilder {
    kind: ChangeKind,
    subject: String,
    name: Option<String>,
    profile: Option<String>,
    before: Option<Value>,
    after: Option<Value>,
    keys: Vec<String>,
    alert: bool,
}

impl EventBuilder {
    fn new(kind: ChangeKind, subject: impl Into<String>) -> Self {
        EventBuilder {
            kind,
            subject: subject.into(),
            name: None,
            profile: None,
            before: None,
            after: None,
            keys: Vec::new(),
            alert: false,
        }
    }
    fn name(mut self, name: Option<&str>) -> Self {
        self.name = name.map(str::to_string);
        self
    }
    fn profile(mut self, profile: &str) -> Self {
        self.profile = Some(profile.to_string());
        self
    }
    fn values(mut self, before: Option<Value>, after: Option<Value>) -> Self {
        self.before = before;
        self.after = after;
        self
    }
    fn keys(mut self, keys: Vec<String>) -> Self {
        self.keys = keys;
        self
    }
    fn alert(mut self, alert: bool) -> Self {
        self.alert = alert;
        self
    }
    fn build(self) -> ChangeEvent {
        let template = catalog()
            .event
            .get(self.kind.as_str())
            .cloned()
            .unwrap_or_else(|| Text::new(self.kind.as_str(), self.kind.as_str()));
        let subject = Text::new(self.subject.clone(), self.subject.clone());
        let name = self
            .name
            .as_ref()
            .map(|n| Text::new(n.clone(), n.clone()))
            .unwrap_or_else(|| subject.clone());
        let keys = if self.keys.is_empty() {
            word("none")
        } else {
            let k = self.keys.join(", ");
            Text::new(k.clone(), k)
        };
        let text = render(
            &template,
            &[
                ("subject", subject),
                ("name", name),
                ("before", shown(self.before.as_ref())),
                ("after", shown(self.after.as_ref())),
                ("keys", keys),
            ],
        );
        ChangeEvent {
            kind: self.kind,
            subject: self.subject,
            profile: self.profile,
            before: self.before,
            after: self.after,
            keys: self.keys,
            text,
            capabilities_added: Vec::new(),
            capabilities_removed: Vec::new(),
            alert: self.alert,
        }
    }
}

/// The capabilities the analysis finds in a snapshot: the one source of capabilities for
/// diffs and for the server's current view of a device.
pub fn capabilities_of(snapshot: &Snapshot) -> Vec<Capability> {
    crate::analysis::analyze_snapshot(snapshot).capabilities
}

/// The events that lead from `old` to `new`, in a stable order: enrolment, profiles, trust
/// anchors and traffic paths, restrictions, apps, then capabilities not pinned on any of them.
pub fn diff(old: &Snapshot, new: &Snapshot) -> Vec<ChangeEvent> {
    let mut events = Vec::new();
    diff_enrolment(old, new, &mut events);
    diff_profiles(old, new, &mut events);
    diff_trust_and_traffic(old, new, &mut events);
    diff_restrictions(old, new, &mut events);
    diff_apps(old, new, &mut events);
    attach_capabilities(&capabilities_of(old), &capabilities_of(new), &mut events);
    events
}

/// The alerts raised by a list of events.
pub fn alerts(events: &[ChangeEvent]) -> Vec<Alert> {
    events
        .iter()
        .filter(|e| e.alert)
        .map(|e| Alert {
            kind: e.kind.as_str().to_string(),
            subject: e.subject.clone(),
            text: e.text.clone(),
        })
        .collect()
}

/// The alert for an upload that broke the chain: `last` is the last accepted sequence,
/// `sequence` the refused one.
pub fn chain_alert(kind: ChainBreak, device: &str, last: u64, sequence: u64) -> Alert {
    let template = catalog()
        .alert
        .get(kind.as_str())
        .cloned()
        .unwrap_or_else(|| Text::new(kind.as_str(), kind.as_str()));
    let (last, sequence) = (last.to_string(), sequence.to_string());
    Alert {
        kind: kind.as_str().to_string(),
        subject: device.to_string(),
        text: render(
            &template,
            &[
                ("before", Text::new(last.clone(), last)),
                ("after", Text::new(sequence.clone(), sequence)),
            ],
        ),
    }
}

fn opt<T: Serialize>(value: &Option<T>) -> Option<Value> {
    value.as_ref().and_then(|v| serde_json::to_value(v).ok())
}

fn diff_enrolment(old: &Snapshot, new: &Snapshot, events: &mut Vec<ChangeEvent>) {
    let (o, n) = (&old.enrolment, &new.enrolment);
    if o.supervised != n.supervised {
        let turned_on = n.supervised == Some(true) && o.supervised != Some(true);
        events.push(
            EventBuilder::new(ChangeKind::SupervisionChanged, "supervised")
                .values(opt(&o.supervised), opt(&n.supervised))
                .alert(turned_on)
                .build(),
        );
    }
    let others: [(&str, Option<Value>, Option<Value>); 4] = [
        ("ade", opt(&o.ade), opt(&n.ade)),
        ("organisation", opt(&o.organisation), opt(&n.organisation)),
        (
            "mdm_unremovable",
            opt(&o.mdm_unremovable),
            opt(&n.mdm_unremovable),
        ),
        (
            "allow_pairing",
            opt(&o.allow_pairing),
            opt(&n.allow_pairing),
        ),
    ];
    for (field, before, after) in others {
        if before != after {
            events.push(
                EventBuilder::new(ChangeKind::EnrolmentChanged, field)
                    .values(before, after)
                    .build(),
            );
        }
    }
    if o.mdm_server != n.mdm_server {
        events.push(
            EventBuilder::new(ChangeKind::MdmServerChanged, "mdm_server")
                .values(opt(&o.mdm_server), opt(&n.mdm_server))
                .alert(n.mdm_server.is_some())
                .build(),
        );
    }
    if o.access_rights != n.access_rights {
        let before = o.access_rights.unwrap_or(0);
        let after = n.access_rights.unwrap_or(0);
        events.push(
            EventBuilder::new(ChangeKind::AccessRightsChanged, "access_rights")
                .values(opt(&o.access_rights), opt(&n.access_rights))
                .alert(after & !before != 0)
                .build(),
        );
    }
}

fn profiles_by_id(snapshot: &Snapshot) -> BTreeMap<&str, &InstalledProfile> {
    snapshot
        .profiles
        .iter()
        .map(|p| (p.profile.identifier.as_str(), p))
        .collect()
}

/// The profile's own fields, without its payloads, as a JSON map.
fn profile_fields(p: &InstalledProfile) -> Map<String, Value> {
    let mut fields = match serde_json::to_value(&p.profile) {
        Ok(Value::Object(map)) => map,
        _ => Map::new(),
    };
    fields.remove("payloads");
    for (key, value) in [
        ("managed", opt(&p.managed)),
        ("installed_at", opt(&p.installed_at)),
        ("payloads_known", Some(Value::Bool(p.payloads_known))),
    ] {
        if let Some(value) = value {
            fields.insert(key.to_string(), value);
        }
    }
    fields
}

/// A payload as a flat map: its common fields and its content keys.
fn payload_fields(p: &Payload) -> Map<String, Value> {
    let mut fields = p.content.clone();
    for (key, value) in [
        ("PayloadDisplayName", opt(&p.display_name)),
        ("PayloadOrganization", opt(&p.organization)),
        ("PayloadDescription", opt(&p.description)),
        ("PayloadVersion", opt(&p.version)),
        (
            "PayloadIdentifier",
            Some(Value::String(p.identifier.clone())),
        ),
    ] {
        if let Some(value) = value {
            fields.insert(key.to_string(), value);
        }
    }
    fields
}

fn changed_keys(old: &Map<String, Value>, new: &Map<String, Value>) -> Vec<String> {
    let keys: BTreeSet<&String> = old.keys().chain(new.keys()).collect();
    keys.into_iter()
        .filter(|k| old.get(*k) != new.get(*k))
        .cloned()
        .collect()
}

/// Finds the payload of `old` that `p` continues: same UUID, else same type and identifier.
fn matching_payload<'a>(old: &'a [Payload], p: &Payload) -> Option<&'a Payload> {
    old.iter()
        .find(|o| !p.uuid.is_empty() && o.uuid == p.uuid)
        .or_else(|| {
            old.iter()
                .find(|o| o.payload_type == p.payload_type && o.identifier == p.identifier)
        })
}

fn diff_profiles(old: &Snapshot, new: &Snapshot, events: &mut Vec<ChangeEvent>) {
    let (before, after) = (profiles_by_id(old), profiles_by_id(new));
    for (id, p) in &after {
        let name = p.profile.display_name.as_deref();
        let Some(o) = before.get(id) else {
            events.push(
                EventBuilder::new(ChangeKind::ProfileAdded, *id)
                    .name(name)
                    .profile(id)
                    .build(),
            );
            continue;
        };
        let mut keys = changed_keys(&profile_fields(o), &profile_fields(p));
        let mut payload_events = Vec::new();
        for payload in &p.profile.payloads {
            match matching_payload(&o.profile.payloads, payload) {
                None => keys.push(format!("+{}", payload.payload_type)),
                Some(previous) => {
                    let changed = changed_keys(&payload_fields(previous), &payload_fields(payload));
                    if !changed.is_empty() {
                        payload_events.push(
                            EventBuilder::new(
                                ChangeKind::PayloadKeysChanged,
                                &payload.payload_type,
                            )
                            .name(name.or(Some(id)))
                            .profile(id)
                            .keys(changed)
                            .build(),
                        );
                    }
                }
            }
        }
        for previous in &o.profile.payloads {
            if matching_payload(&p.profile.payloads, previous).is_none() {
                keys.push(format!("-{}", previous.payload_type));
            }
        }
        if !keys.is_empty() {
            events.push(
                EventBuilder::new(ChangeKind::ProfileChanged, *id)
                    .name(name)
                    .profile(id)
                    .keys(keys)
                    .build(),
            );
        }
        events.extend(payload_events);
    }
    for (id, o) in &before {
        if !after.contains_key(id) {
            events.push(
                EventBuilder::new(ChangeKind::ProfileRemoved, *id)
                    .name(o.profile.display_name.as_deref())
                    .profile(id)
                    .build(),
            );
        }
    }
}

/// Payloads of a snapshot with the profile that holds them.
fn payloads(snapshot: &Snapshot) -> impl Iterator<Item = (&InstalledProfile, &Payload)> {
    snapshot
        .profiles
        .iter()
        .flat_map(|p| p.profile.payloads.iter().map(move |payload| (p, payload)))
}

fn was_present(old: &Snapshot, profile: &str, payload: &Payload) -> bool {
    old.profiles
        .iter()
        .filter(|p| p.profile.identifier == profile)
        .any(|p| matching_payload(&p.profile.payloads, payload).is_some())
}

fn diff_trust_and_traffic(old: &Snapshot, new: &Snapshot, events: &mut Vec<ChangeEvent>) {
    let types = &catalog().payload_types;
    let old_cas: BTreeSet<&str> = old
        .certificates
        .iter()
        .filter(|c| c.is_ca)
        .map(|c| c.sha256.as_str())
        .collect();
    let new_cas: Vec<_> = new
        .certificates
        .iter()
        .filter(|c| c.is_ca && !old_cas.contains(c.sha256.as_str()))
        .collect();
    for cert in &new_cas {
        let mut event = EventBuilder::new(ChangeKind::TrustAnchorAdded, &cert.sha256)
            .name(Some(&cert.subject))
            .alert(true);
        if let Some(profile) = &cert.profile {
            event = event.profile(profile);
        }
        events.push(event.build());
    }
    for (profile, payload) in payloads(new) {
        let id = profile.profile.identifier.as_str();
        if was_present(old, id, payload) {
            continue;
        }
        if types.trust_anchor.contains(&payload.payload_type) {
            // The certificate list already reported this anchor with its subject.
            let reported = new_cas
                .iter()
                .any(|c| c.payload_uuid.as_deref() == Some(payload.uuid.as_str()));
            if !reported {
                let name = payload.display_name.as_deref().unwrap_or(&payload.uuid);
                events.push(
                    EventBuilder::new(ChangeKind::TrustAnchorAdded, &payload.uuid)
                        .name(Some(name))
                        .profile(id)
                        .alert(true)
                        .build(),
                );
            }
        }
        if types.traffic_path.contains(&payload.payload_type) {
            events.push(
                EventBuilder::new(ChangeKind::TrafficPathAdded, &payload.payload_type)
                    .name(profile.profile.display_name.as_deref().or(Some(id)))
                    .profile(id)
                    .alert(true)
                    .build(),
            );
        }
    }
}

fn diff_restrictions(old: &Snapshot, new: &Snapshot, events: &mut Vec<ChangeEvent>) {
    let before: BTreeMap<&str, &Value> = old
        .restrictions
        .iter()
        .map(|r| (r.key.as_str(), &r.value))
        .collect();
    let after: BTreeMap<&str, &Value> = new
        .restrictions
        .iter()
        .map(|r| (r.key.as_str(), &r.value))
        .collect();
    let keys: BTreeSet<&str> = before.keys().chain(after.keys()).copied().collect();
    for key in keys {
        let (b, a) = (before.get(key), after.get(key));
        if b != a {
            events.push(
                EventBuilder::new(ChangeKind::RestrictionChanged, key)
                    .values(b.map(|v| (*v).clone()), a.map(|v| (*v).clone()))
                    .build(),
            );
        }
    }
}

fn apps_by_id(snapshot: &Snapshot) -> BTreeMap<&str, &App> {
    snapshot
        .apps
        .iter()
        .map(|a| (a.bundle_id.as_str(), a))
        .collect()
}

fn diff_apps(old: &Snapshot, new: &Snapshot, events: &mut Vec<ChangeEvent>) {
    let (before, after) = (apps_by_id(old), apps_by_id(new));
    for (id, app) in &after {
        let name = app.name.as_deref();
        match before.get(id) {
            None => events.push(
                EventBuilder::new(ChangeKind::AppAdded, *id)
                    .name(name)
                    .values(None, opt(&app.version))
                    .alert(app.managed == Some(true))
                    .build(),
            ),
            Some(previous) => {
                if previous.version != app.version {
                    events.push(
                        EventBuilder::new(ChangeKind::AppUpdated, *id)
                            .name(name)
                            .values(opt(&previous.version), opt(&app.version))
                            .build(),
                    );
                }
                if app.managed == Some(true) && previous.managed != Some(true) {
                    events.push(
                        EventBuilder::new(ChangeKind::AppNewlyManaged, *id)
                            .name(name)
                            .alert(true)
                            .build(),
                    );
                }
            }
        }
    }
    for (id, app) in &before {
        if !after.contains_key(id) {
            events.push(
                EventBuilder::new(ChangeKind::AppRemoved, *id)
                    .name(app.name.as_deref())
                    .values(opt(&app.version), None)
                    .build(),
            );
        }
    }
}

fn change_of(c: &Capability) -> CapabilityChange {
    CapabilityChange {
        id: c.id.clone(),
        text: c.text.clone(),
    }
}

/// Whether a piece of evidence points at what `event` changed: the same profile, the same
/// restriction key, the same app, or the enrolment fact it is about.
fn evidence_matches(event: &ChangeEvent, evidence: &crate::capability::Evidence) -> bool {
    if let Some(profile) = &event.profile {
        return evidence.profile == *profile;
    }
    let key = evidence.key.as_deref().unwrap_or_default();
    match event.kind {
        ChangeKind::RestrictionChanged => key == event.subject,
        ChangeKind::AppAdded
        | ChangeKind::AppRemoved
        | ChangeKind::AppUpdated
        | ChangeKind::AppNewlyManaged => key
            .strip_prefix(event.subject.as_str())
            .is_some_and(|rest| rest.starts_with('/')),
        ChangeKind::SupervisionChanged => key == "IsSupervised",
        ChangeKind::MdmServerChanged | ChangeKind::AccessRightsChanged => {
            key == "ServerURL" || key == "AccessRights"
        }
        ChangeKind::EnrolmentChanged => event.subject == "ade" && key == "ConfigurationURL",
        _ => false,
    }
}

/// The event a capability's change belongs to: the last (most specific: a newly managed app
/// rather than its update, a trust anchor rather than its profile) whose change its evidence
/// names.
fn owner_of(events: &[ChangeEvent], capability: &Capability) -> Option<usize> {
    events.iter().rposition(|e| {
        e.kind != ChangeKind::CapabilitiesChanged
            && capability.evidence.iter().any(|ev| evidence_matches(e, ev))
    })
}

/// Compares capability ids of both sides and pins each difference on the event it comes
/// from, or on one `capabilities-changed` event.
fn attach_capabilities(old: &[Capability], new: &[Capability], events: &mut Vec<ChangeEvent>) {
    let old_ids: BTreeSet<&str> = old.iter().map(|c| c.id.as_str()).collect();
    let new_ids: BTreeSet<&str> = new.iter().map(|c| c.id.as_str()).collect();
    let mut seen = BTreeSet::new();
    let added: Vec<&Capability> = new
        .iter()
        .filter(|c| !old_ids.contains(c.id.as_str()) && seen.insert(c.id.as_str()))
        .collect();
    let mut seen = BTreeSet::new();
    let removed: Vec<&Capability> = old
        .iter()
        .filter(|c| !new_ids.contains(c.id.as_str()) && seen.insert(c.id.as_str()))
        .collect();
    let mut unpinned = EventBuilder::new(ChangeKind::CapabilitiesChanged, "capabilities").build();
    for c in added {
        match owner_of(events, c).and_then(|i| events.get_mut(i)) {
            Some(event) => {
                event.capabilities_added.push(change_of(c));
                event.alert = true;
            }
            None => {
                unpinned.capabilities_added.push(change_of(c));
                unpinned.alert = true;
            }
        }
    }
    for c in removed {
        match owner_of(events, c).and_then(|i| events.get_mut(i)) {
            Some(event) => event.capabilities_removed.push(change_of(c)),
            None => unpinned.capabilities_removed.push(change_of(c)),
        }
    }
    if !unpinned.capabilities_added.is_empty() || !unpinned.capabilities_removed.is_empty() {
        events.push(unpinned);
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::profile::Profile;
    use crate::snapshot::{Certificate, EffectiveRestriction, Source};
    use serde_json::json;

    fn payload(kind: &str, uuid: &str, content: Value) -> Payload {
        Payload {
            payload_type: kind.to_string(),
            identifier: format!("org.example.{uuid}"),
            uuid: uuid.to_string(),
            content: content.as_object().cloned().unwrap_or_default(),
            ..Default::default()
        }
    }

    fn profile(id: &str, name: &str, payloads: Vec<Payload>) -> InstalledProfile {
        InstalledProfile {
            profile: Profile {
                payload_type: "Configuration".into(),
                identifier: id.into(),
                uuid: format!("uuid-{id}"),
                display_name: Some(name.into()),
                payloads,
                ..Default::default()
            },
            payloads_known: true,
            managed: Some(true),
            installed_at: None,
            source: Source::Backup,
        }
    }

    fn base() -> Snapshot {
        let mut s = Snapshot::new("2026-11-25T20:00:00Z");
        s.enrolment.supervised = Some(false);
        s.enrolment.mdm_server = Some("https://mdm.example/a".into());
        s.enrolment.access_rights = Some(1);
        s.apps.push(App {
            bundle_id: "com.example.notes".into(),
            name: Some("Notes".into()),
            version: Some("1.0".into()),
            ..Default::default()
        });
        s
    }

    fn proxy_profile() -> InstalledProfile {
        profile(
            "org.example.proxy",
            "Proxy",
            vec![payload(
                "com.apple.proxy.http.global",
                "P1",
                json!({"ProxyType": "Manual", "ProxyServer": "proxy.example", "ProxyServerPort": 3128}),
            )],
        )
    }

    fn kinds(events: &[ChangeEvent]) -> Vec<ChangeKind> {
        events.iter().map(|e| e.kind).collect()
    }

    #[test]
    fn the_catalogue_has_a_text_for_every_kind_and_break() {
        let catalog = parse_catalog().unwrap();
        for kind in ChangeKind::ALL {
            let text = catalog.event.get(kind.as_str()).unwrap();
            assert!(!text.fr.is_empty() && !text.en.is_empty(), "{kind:?}");
        }
        for brk in [ChainBreak::Replay, ChainBreak::Rollback, ChainBreak::Fork] {
            assert!(catalog.alert.contains_key(brk.as_str()));
        }
        for word in ["yes", "no", "unknown", "none"] {
            assert!(catalog.words.contains_key(word));
        }
        assert!(!catalog.payload_types.trust_anchor.is_empty());
        assert!(!catalog.payload_types.traffic_path.is_empty());
    }

    #[test]
    fn identical_states_give_no_event() {
        assert!(diff(&base(), &base()).is_empty());
        let mut s = base();
        s.profiles.push(proxy_profile());
        assert!(diff(&s, &s.clone()).is_empty());
    }

    #[test]
    fn profile_added_with_a_traffic_path_brings_capabilities_and_alerts() {
        let old = base();
        let mut new = base();
        new.profiles.push(proxy_profile());
        let events = diff(&old, &new);
        assert_eq!(
            kinds(&events),
            vec![ChangeKind::ProfileAdded, ChangeKind::TrafficPathAdded]
        );
        let added = &events[0];
        assert_eq!(added.subject, "org.example.proxy");
        assert!(added.text.fr.contains("Proxy") && added.text.en.contains("Proxy"));
        assert!(
            events[1]
                .capabilities_added
                .iter()
                .any(|c| c.id == "traffic.proxy"),
            "{events:#?}"
        );
        assert!(events[1].alert);
        let alerts = alerts(&events);
        assert_eq!(alerts.len(), 1);
        assert_eq!(alerts[0].kind, "traffic-path-added");
    }

    #[test]
    fn profile_removed_takes_capabilities_away_without_alert() {
        let mut old = base();
        old.profiles.push(proxy_profile());
        let events = diff(&old, &base());
        assert_eq!(kinds(&events), vec![ChangeKind::ProfileRemoved]);
        assert!(events[0]
            .capabilities_removed
            .iter()
            .any(|c| c.id == "traffic.proxy"));
        assert!(!events[0].alert);
    }

    #[test]
    fn profile_fields_and_payload_keys_changed() {
        let mut old = base();
        old.profiles.push(proxy_profile());
        let mut new = old.clone();
        new.profiles[0].profile.display_name = Some("Proxy v2".into());
        new.profiles[0].profile.payloads[0]
            .content
            .insert("ProxyServerPort".into(), json!(8080));
        new.profiles[0].profile.payloads.push(payload(
            "com.apple.webClip.managed",
            "W1",
            json!({"URL": "https://x"}),
        ));
        let events = diff(&old, &new);
        assert_eq!(
            kinds(&events),
            vec![ChangeKind::ProfileChanged, ChangeKind::PayloadKeysChanged]
        );
        assert_eq!(
            events[0].keys,
            vec![
                "display_name".to_string(),
                "+com.apple.webClip.managed".into()
            ]
        );
        assert_eq!(events[1].keys, vec!["ProxyServerPort".to_string()]);
        assert_eq!(events[1].profile.as_deref(), Some("org.example.proxy"));
        assert!(events[1].text.en.contains("ProxyServerPort"));
    }

    #[test]
    fn a_secret_changes_only_through_its_redacted_value() {
        let wifi = |secret: &str| {
            profile(
                "org.example.wifi",
                "Wi-Fi",
                vec![payload(
                    "com.apple.wifi.managed",
                    "W1",
                    json!({"SSID_STR": "Region", "Password": secret}),
                )],
            )
        };
        let mut old = base();
        old.profiles.push(wifi("redacted:sha256:aaaa"));
        let mut new = base();
        new.profiles.push(wifi("redacted:sha256:bbbb"));
        let events = diff(&old, &new);
        assert_eq!(kinds(&events), vec![ChangeKind::PayloadKeysChanged]);
        assert_eq!(events[0].keys, vec!["Password".to_string()]);
        // The event names the key, never a value.
        let json = serde_json::to_string(&events).unwrap();
        assert!(!json.contains("aaaa") && !json.contains("bbbb"));
    }

    #[test]
    fn restriction_changed_carries_both_values() {
        let mut old = base();
        old.restrictions.push(EffectiveRestriction {
            key: "allowCamera".into(),
            value: json!(true),
            source: Source::Live,
        });
        let mut new = base();
        new.restrictions.push(EffectiveRestriction {
            key: "allowCamera".into(),
            value: json!(false),
            source: Source::Live,
        });
        new.restrictions.push(EffectiveRestriction {
            key: "allowScreenShot".into(),
            value: json!(false),
            source: Source::Live,
        });
        let events = diff(&old, &new);
        assert_eq!(
            kinds(&events),
            vec![
                ChangeKind::RestrictionChanged,
                ChangeKind::RestrictionChanged
            ]
        );
        assert_eq!(events[0].subject, "allowCamera");
        assert_eq!(
            (events[0].before.clone(), events[0].after.clone()),
            (Some(json!(true)), Some(json!(false)))
        );
        assert_eq!(events[0].text.fr, "Restriction allowCamera : oui → non.");
        assert_eq!(events[1].before, None);
    }

    #[test]
    fn apps_added_removed_updated_and_newly_managed() {
        let old = base();
        let mut new = base();
        new.apps[0].version = Some("2.0".into());
        new.apps[0].managed = Some(true);
        new.apps.push(App {
            bundle_id: "com.example.interest".into(),
            name: Some("interest".into()),
            managed: Some(true),
            ..Default::default()
        });
        new.apps.push(App {
            bundle_id: "com.example.game".into(),
            ..Default::default()
        });
        let events = diff(&old, &new);
        let summary: Vec<(ChangeKind, &str, bool)> = events
            .iter()
            .map(|e| (e.kind, e.subject.as_str(), e.alert))
            .collect();
        assert!(summary.contains(&(ChangeKind::AppAdded, "com.example.interest", true)));
        assert!(summary.contains(&(ChangeKind::AppAdded, "com.example.game", false)));
        assert!(summary.contains(&(ChangeKind::AppUpdated, "com.example.notes", false)));
        assert!(summary.contains(&(ChangeKind::AppNewlyManaged, "com.example.notes", true)));
        let back = diff(&new, &old);
        assert!(back
            .iter()
            .any(|e| e.kind == ChangeKind::AppRemoved && e.subject == "com.example.interest"));
        assert!(!back.iter().any(|e| e.kind == ChangeKind::AppNewlyManaged));
    }

    #[test]
    fn supervision_turned_on_alerts_turned_off_does_not() {
        let old = base();
        let mut new = base();
        new.enrolment.supervised = Some(true);
        let on = diff(&old, &new);
        let event = on
            .iter()
            .find(|e| e.kind == ChangeKind::SupervisionChanged)
            .unwrap();
        assert!(event.alert);
        assert_eq!(event.text.en, "Device supervision: no → yes.");
        let off = diff(&new, &old);
        let event = off
            .iter()
            .find(|e| e.kind == ChangeKind::SupervisionChanged)
            .unwrap();
        assert!(!event.alert);
    }

    #[test]
    fn enrolment_server_and_rights() {
        let old = base();
        let mut new = base();
        new.enrolment.organisation = Some("Région".into());
        new.enrolment.mdm_server = Some("https://other.example/mdm".into());
        new.enrolment.access_rights = Some(1 | 2048);
        let events = diff(&old, &new);
        let find = |k| events.iter().find(|e| e.kind == k).unwrap();
        assert_eq!(find(ChangeKind::EnrolmentChanged).subject, "organisation");
        assert!(find(ChangeKind::MdmServerChanged).alert);
        let rights = find(ChangeKind::AccessRightsChanged);
        assert!(rights.alert, "new bits widen the rights");
        assert_eq!(rights.after, Some(json!(2049)));
        let narrowed = diff(&new, &old);
        let rights = narrowed
            .iter()
            .find(|e| e.kind == ChangeKind::AccessRightsChanged)
            .unwrap();
        assert!(!rights.alert);
    }

    #[test]
    fn trust_anchor_from_certificates_or_payload_alerts_once() {
        let old = base();
        let mut new = base();
        new.profiles.push(profile(
            "org.example.ca",
            "CA",
            vec![payload("com.apple.security.root", "R1", json!({}))],
        ));
        new.certificates.push(Certificate {
            subject: "CN=Region Interception CA".into(),
            issuer: "CN=Region Interception CA".into(),
            sha256: "ab".repeat(32),
            is_ca: true,
            profile: Some("org.example.ca".into()),
            payload_uuid: Some("R1".into()),
            source: None,
        });
        let events = diff(&old, &new);
        let anchors: Vec<_> = events
            .iter()
            .filter(|e| e.kind == ChangeKind::TrustAnchorAdded)
            .collect();
        assert_eq!(anchors.len(), 1, "{events:#?}");
        assert!(anchors[0].alert);
        assert!(anchors[0].text.en.contains("Region Interception CA"));

        new.certificates.clear();
        let events = diff(&old, &new);
        let anchors: Vec<_> = events
            .iter()
            .filter(|e| e.kind == ChangeKind::TrustAnchorAdded)
            .collect();
        assert_eq!(anchors.len(), 1);
        assert_eq!(anchors[0].subject, "R1");
    }

    #[test]
    fn chain_alerts_name_both_sequences() {
        let alert = chain_alert(ChainBreak::Rollback, "UDID", 7, 3);
        assert_eq!(alert.kind, "rollback");
        assert!(alert.text.fr.contains('7') && alert.text.fr.contains('3'));
        assert!(alert.text.en.contains("older"));
    }
}
