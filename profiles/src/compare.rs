//! The comparison of two snapshots of one device: typed changes saying what the
//! administration changed, each with the capabilities it gave, took away or changed, and a
//! level saying how much it widens the administration's reach.
//!
//! Pure: no I/O, no words (`lucarne-words` renders changes). Secrets are compared only
//! through the redacted values the snapshot carries (`redacted:…`): the raw values never
//! reach here.
//!
//! Capabilities are matched by (id, target): one that appears is added, one that disappears
//! is removed, one whose parameters differ (a VPN, proxy, MDM or mail server changed in
//! place) is changed — never a silent edit.
//!
//! Levels: [`Level::Alert`] when the change widens what the administration can reach: a new
//! trust anchor or traffic path, a new or changed account, traffic or MDM server, wider
//! access rights, supervision acquired, an app that can observe or control the screen
//! (managed or of unknown management), a restriction that takes away the official's means of
//! keeping evidence (screenshots, screen recording, backups). [`Level::Warning`] for other
//! new powers (a new managed app, a new restriction, any other capability gained).
//! [`Level::Info`] for the rest (removals, updates). Refused uploads that break the device's
//! chain (replay, rollback, fork: the rule is [`lucarne_proof::chain`]'s) are alerts too, built with [`chain_alert`].

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use lucarne_proof::chain::ChainBreak;

use crate::analysis::{analyze_snapshot, Analysis};
use crate::capability::{Capability, Param, Topic, Tri};
use crate::catalog::catalog;
use crate::profile::Payload;
use crate::snapshot::{App, InstalledProfile, Snapshot};

/// How much a change widens the administration's reach.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    Default,
    schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// Worth knowing; nothing widened.
    #[default]
    Info,
    /// A new power, to look at.
    Warning,
    /// The administration's reach widened where it hurts most.
    Alert,
}

impl Level {
    /// Its name, as in JSON and message ids.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Info => "info",
            Level::Warning => "warning",
            Level::Alert => "alert",
        }
    }
}

/// What kind of change an event reports.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
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
    /// A certificate authority no longer installed.
    TrustAnchorRemoved,
    /// A new VPN, proxy, DNS, content filter or relay.
    TrafficPathAdded,
    /// A capability whose parameters changed (a server changed in place).
    CapabilityChanged,
    /// Capabilities gained or lost without a single change above to pin them on.
    CapabilitiesChanged,
}

impl ChangeKind {
    /// Every kind.
    pub const ALL: [ChangeKind; 18] = [
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
        ChangeKind::TrustAnchorRemoved,
        ChangeKind::TrafficPathAdded,
        ChangeKind::CapabilityChanged,
        ChangeKind::CapabilitiesChanged,
    ];

    /// The kind's name, as in JSON and message ids.
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
            ChangeKind::TrustAnchorRemoved => "trust-anchor-removed",
            ChangeKind::TrafficPathAdded => "traffic-path-added",
            ChangeKind::CapabilityChanged => "capability-changed",
            ChangeKind::CapabilitiesChanged => "capabilities-changed",
        }
    }
}

/// A capability gained, lost or changed, as a comparison reports it: its key, and enough to
/// render it without the analysis at hand.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CapabilityRef {
    /// Catalogue identifier of the capability.
    pub id: String,
    /// What it points at.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    /// What it is about.
    pub topic: Topic,
    /// Its parameters (after the change; before it for a removal).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub params: BTreeMap<String, Param>,
    /// For a changed capability, its parameters before.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub before: Option<BTreeMap<String, Param>>,
}

/// One change between two snapshots: facts only.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ChangeEvent {
    /// What kind of change.
    pub kind: ChangeKind,
    /// What changed: profile identifier, bundle id, restriction key, certificate hash,
    /// enrolment field, capability id.
    pub subject: String,
    /// The display name of what changed, as the administration or the app wrote it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
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
    /// Other typed facts about the change (an app's category, who manages it).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub params: BTreeMap<String, Param>,
    /// Capabilities the change gave the administration.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub capabilities_added: Vec<CapabilityRef>,
    /// Capabilities the change took away.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub capabilities_removed: Vec<CapabilityRef>,
    /// Capabilities whose parameters changed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub capabilities_changed: Vec<CapabilityRef>,
    /// How much it widens the administration's reach.
    pub level: Level,
}

/// Something the official should look at: a change of level warning or alert, or a refused
/// upload that broke the device's chain. Facts only.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Alert {
    /// How serious.
    pub level: Level,
    /// The event kind or chain break that raised it (`trust-anchor-added`, `fork`, …).
    pub kind: String,
    /// What it is about.
    pub subject: String,
    /// The display name of what it is about, when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Typed facts (sequence numbers of a chain break, an app's category…).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub params: BTreeMap<String, Param>,
}

/// Builds events.
struct EventBuilder {
    event: ChangeEvent,
}

impl EventBuilder {
    fn new(kind: ChangeKind, subject: impl Into<String>) -> Self {
        EventBuilder {
            event: ChangeEvent {
                kind,
                subject: subject.into(),
                name: None,
                profile: None,
                before: None,
                after: None,
                keys: Vec::new(),
                params: BTreeMap::new(),
                capabilities_added: Vec::new(),
                capabilities_removed: Vec::new(),
                capabilities_changed: Vec::new(),
                level: Level::Info,
            },
        }
    }
    fn name(mut self, name: Option<&str>) -> Self {
        self.event.name = name.map(str::to_string);
        self
    }
    fn profile(mut self, profile: &str) -> Self {
        self.event.profile = Some(profile.to_string());
        self
    }
    fn values(mut self, before: Option<Value>, after: Option<Value>) -> Self {
        self.event.before = before;
        self.event.after = after;
        self
    }
    fn keys(mut self, keys: Vec<String>) -> Self {
        self.event.keys = keys;
        self
    }
    fn param(mut self, name: &str, value: Param) -> Self {
        self.event.params.insert(name.to_string(), value);
        self
    }
    fn level(mut self, level: Level) -> Self {
        self.event.level = level;
        self
    }
    fn build(self) -> ChangeEvent {
        self.event
    }
}

/// One snapshot with its analysis.
#[derive(Debug, Clone, Copy)]
pub struct Side<'a> {
    /// The snapshot.
    pub snapshot: &'a Snapshot,
    /// Its analysis.
    pub analysis: &'a Analysis,
}

/// The changes that lead from `old` to `new`, analysing both.
pub fn compare_snapshots(old: &Snapshot, new: &Snapshot) -> Vec<ChangeEvent> {
    let (a, b) = (analyze_snapshot(old), analyze_snapshot(new));
    compare(
        Side {
            snapshot: old,
            analysis: &a,
        },
        Side {
            snapshot: new,
            analysis: &b,
        },
    )
}

/// The changes that lead from `old` to `new`, in a stable order: enrolment, profiles, trust
/// anchors and traffic paths, restrictions, apps, then capabilities not pinned on any of them.
pub fn compare(old: Side<'_>, new: Side<'_>) -> Vec<ChangeEvent> {
    let mut events = Vec::new();
    compare_enrolment(old.snapshot, new.snapshot, &mut events);
    compare_profiles(old.snapshot, new.snapshot, &mut events);
    compare_trust_and_traffic(old.analysis, new.analysis, &mut events);
    compare_restrictions(old.snapshot, new.snapshot, &mut events);
    compare_apps(old.snapshot, new.snapshot, &mut events);
    attach_capabilities(
        &old.analysis.capabilities,
        &new.analysis.capabilities,
        &mut events,
    );
    events
}

/// The alerts raised by a list of events: those of level warning or alert.
pub fn alerts(events: &[ChangeEvent]) -> Vec<Alert> {
    events
        .iter()
        .filter(|e| e.level >= Level::Warning)
        .map(|e| Alert {
            level: e.level,
            kind: e.kind.as_str().to_string(),
            subject: e.subject.clone(),
            name: e.name.clone(),
            params: e.params.clone(),
        })
        .collect()
}

/// The alert for an upload that broke the chain: `last` is the last accepted sequence,
/// `sequence` the refused one.
pub fn chain_alert(kind: ChainBreak, device: &str, last: u64, sequence: u64) -> Alert {
    let mut params = BTreeMap::new();
    params.insert("last".to_string(), Param::Count(last));
    params.insert("sequence".to_string(), Param::Count(sequence));
    Alert {
        level: Level::Alert,
        kind: kind.as_str().to_string(),
        subject: device.to_string(),
        name: None,
        params,
    }
}

fn opt<T: Serialize>(value: &Option<T>) -> Option<Value> {
    value.as_ref().and_then(|v| serde_json::to_value(v).ok())
}

fn compare_enrolment(old: &Snapshot, new: &Snapshot, events: &mut Vec<ChangeEvent>) {
    let (o, n) = (&old.enrolment, &new.enrolment);
    if o.supervised != n.supervised {
        let turned_on = n.supervised == Some(true) && o.supervised != Some(true);
        events.push(
            EventBuilder::new(ChangeKind::SupervisionChanged, "supervised")
                .values(opt(&o.supervised), opt(&n.supervised))
                .level(if turned_on { Level::Alert } else { Level::Info })
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
            // Automated enrolment turned on: the device now re-enrols itself after an erase.
            let level = if field == "ade" && after == Some(Value::Bool(true)) {
                Level::Warning
            } else {
                Level::Info
            };
            events.push(
                EventBuilder::new(ChangeKind::EnrolmentChanged, field)
                    .values(before, after)
                    .level(level)
                    .build(),
            );
        }
    }
    if o.mdm_server != n.mdm_server {
        events.push(
            EventBuilder::new(ChangeKind::MdmServerChanged, "mdm_server")
                .values(opt(&o.mdm_server), opt(&n.mdm_server))
                .level(if n.mdm_server.is_some() {
                    Level::Alert
                } else {
                    Level::Info
                })
                .build(),
        );
    }
    if o.access_rights != n.access_rights {
        let before = o.access_rights.unwrap_or(0);
        let after = n.access_rights.unwrap_or(0);
        events.push(
            EventBuilder::new(ChangeKind::AccessRightsChanged, "access_rights")
                .values(opt(&o.access_rights), opt(&n.access_rights))
                .level(if after & !before != 0 {
                    Level::Alert
                } else {
                    Level::Info
                })
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

fn compare_profiles(old: &Snapshot, new: &Snapshot, events: &mut Vec<ChangeEvent>) {
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

/// Trust anchors and traffic paths that appeared or went, from the two analyses.
fn compare_trust_and_traffic(old: &Analysis, new: &Analysis, events: &mut Vec<ChangeEvent>) {
    let old_cas: BTreeSet<&str> = old
        .root_certificates
        .iter()
        .map(|c| c.sha256.as_str())
        .collect();
    let new_cas: BTreeSet<&str> = new
        .root_certificates
        .iter()
        .map(|c| c.sha256.as_str())
        .collect();
    for anchor in &new.root_certificates {
        if !old_cas.contains(anchor.sha256.as_str()) {
            events.push(
                EventBuilder::new(ChangeKind::TrustAnchorAdded, &anchor.sha256)
                    .name(Some(&anchor.subject))
                    .profile(&anchor.evidence.profile)
                    .level(Level::Alert)
                    .build(),
            );
        }
    }
    for anchor in &old.root_certificates {
        if !new_cas.contains(anchor.sha256.as_str()) {
            events.push(
                EventBuilder::new(ChangeKind::TrustAnchorRemoved, &anchor.sha256)
                    .name(Some(&anchor.subject))
                    .profile(&anchor.evidence.profile)
                    .build(),
            );
        }
    }
    // A path is the same when it is of the same kind in the same payload; a server changed in
    // place is a changed capability, reported by `attach_capabilities`.
    let key = |p: &crate::analysis::TrafficPath| {
        (
            p.kind,
            p.evidence.profile.clone(),
            p.evidence.payload_uuid.clone(),
            p.evidence.key.clone(),
        )
    };
    let before: BTreeSet<_> = old.traffic.iter().map(key).collect();
    for path in &new.traffic {
        if before.contains(&key(path)) {
            continue;
        }
        let mut event = EventBuilder::new(ChangeKind::TrafficPathAdded, path.kind.as_str())
            .profile(&path.evidence.profile)
            .param("scope", Param::Term(path.scope.as_str().to_string()))
            .level(Level::Alert);
        if let Some(server) = &path.server {
            event = event.param("server", Param::Host(server.clone()));
        }
        if let Some(network) = &path.network {
            event = event.param("network", Param::Name(network.clone()));
        }
        events.push(event.build());
    }
}

fn compare_restrictions(old: &Snapshot, new: &Snapshot, events: &mut Vec<ChangeEvent>) {
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
        if b == a {
            continue;
        }
        let entry = catalog().restriction(key);
        let restricting = |v: Option<&&Value>| match (entry, v) {
            (Some(e), Some(v)) => e
                .restricted_value
                .map(|r| crate::value::as_bool_lenient(v) == Some(r))
                .unwrap_or(true),
            (None, Some(_)) => true,
            (_, None) => false,
        };
        let now_restricts = restricting(a) && !restricting(b);
        let level = if !now_restricts {
            Level::Info
        } else if entry.is_some_and(|e| e.evidence_keeping) {
            // The official can no longer keep evidence (screenshots, recordings, backups).
            Level::Alert
        } else {
            Level::Warning
        };
        events.push(
            EventBuilder::new(ChangeKind::RestrictionChanged, key)
                .values(b.map(|v| (*v).clone()), a.map(|v| (*v).clone()))
                .level(level)
                .build(),
        );
    }
}

fn apps_by_id(snapshot: &Snapshot) -> BTreeMap<&str, &App> {
    snapshot
        .apps
        .iter()
        .map(|a| (a.bundle_id.as_str(), a))
        .collect()
}

/// The level of an app appearing or becoming managed: an app that can observe or control
/// the screen is an alert unless the user installed it; a managed app is a warning.
fn app_level(app: &App) -> Level {
    let screen = catalog().app_category(&app.bundle_id).is_some();
    match (screen, app.managed) {
        (true, Some(false)) => Level::Info,
        (true, _) => Level::Alert,
        (false, Some(true)) => Level::Warning,
        (false, _) => Level::Info,
    }
}

fn app_event(kind: ChangeKind, app: &App) -> EventBuilder {
    let mut event = EventBuilder::new(kind, &app.bundle_id)
        .name(app.name.as_deref())
        .param(
            "managed",
            Param::Term(Tri::from_option(app.managed).as_str().to_string()),
        );
    if let Some(category) = catalog().app_category(&app.bundle_id) {
        event = event.param("category", Param::Term(category.as_str().to_string()));
    }
    event
}

fn compare_apps(old: &Snapshot, new: &Snapshot, events: &mut Vec<ChangeEvent>) {
    let (before, after) = (apps_by_id(old), apps_by_id(new));
    for (id, app) in &after {
        match before.get(id) {
            None => events.push(
                app_event(ChangeKind::AppAdded, app)
                    .values(None, opt(&app.version))
                    .level(app_level(app))
                    .build(),
            ),
            Some(previous) => {
                if previous.version != app.version {
                    events.push(
                        app_event(ChangeKind::AppUpdated, app)
                            .values(opt(&previous.version), opt(&app.version))
                            .build(),
                    );
                }
                if app.managed == Some(true) && previous.managed != Some(true) {
                    events.push(
                        app_event(ChangeKind::AppNewlyManaged, app)
                            .level(app_level(app).max(Level::Warning))
                            .build(),
                    );
                }
            }
        }
    }
    for (id, app) in &before {
        if !after.contains_key(id) {
            events.push(
                app_event(ChangeKind::AppRemoved, app)
                    .values(opt(&app.version), None)
                    .build(),
            );
        }
    }
}

fn reference(c: &Capability) -> CapabilityRef {
    CapabilityRef {
        id: c.id.clone(),
        target: c.target.clone(),
        topic: c.topic,
        params: c.params.clone(),
        before: None,
    }
}

/// How much gaining (or seeing changed) a capability widens the administration's reach.
fn capability_level(c: &Capability) -> Level {
    let reach = c.id.starts_with("account.")
        || c.id.starts_with("traffic.")
        || c.id.starts_with("observe.")
        || matches!(
            c.id.as_str(),
            "trust.root" | "mdm.server" | "app.screen-access" | "device.supervised"
        );
    if reach {
        Level::Alert
    } else {
        Level::Warning
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
            key == "ServerURL" || key.starts_with("AccessRights")
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
        !matches!(
            e.kind,
            ChangeKind::CapabilitiesChanged | ChangeKind::CapabilityChanged
        ) && capability.evidence.iter().any(|ev| evidence_matches(e, ev))
    })
}

/// Compares capabilities by (id, target) and pins each difference on the event it comes
/// from, or on one `capabilities-changed` event. A capability whose parameters changed gets
/// an event of its own (`capability-changed`): a server changed in place is never silent.
fn attach_capabilities(old: &[Capability], new: &[Capability], events: &mut Vec<ChangeEvent>) {
    let index = |caps: &[Capability]| -> BTreeMap<(String, Option<String>), usize> {
        caps.iter()
            .enumerate()
            .map(|(i, c)| ((c.id.clone(), c.target.clone()), i))
            .collect()
    };
    let (old_index, new_index) = (index(old), index(new));
    let mut unpinned = EventBuilder::new(ChangeKind::CapabilitiesChanged, "capabilities").build();
    for (key, &i) in &new_index {
        let c = &new[i];
        match old_index.get(key) {
            None => {
                let level = capability_level(c);
                match owner_of(events, c).and_then(|i| events.get_mut(i)) {
                    Some(event) => {
                        event.capabilities_added.push(reference(c));
                        event.level = event.level.max(level);
                    }
                    None => {
                        unpinned.capabilities_added.push(reference(c));
                        unpinned.level = unpinned.level.max(level);
                    }
                }
            }
            Some(&j) if old[j].params != c.params => {
                let mut changed = reference(c);
                changed.before = Some(old[j].params.clone());
                let mut event = EventBuilder::new(ChangeKind::CapabilityChanged, &c.id)
                    .level(capability_level(c))
                    .build();
                event.profile = c.evidence.first().map(|e| e.profile.clone());
                event.capabilities_changed.push(changed);
                events.push(event);
            }
            Some(_) => {}
        }
    }
    for (key, &i) in &old_index {
        if new_index.contains_key(key) {
            continue;
        }
        let c = &old[i];
        match owner_of(events, c).and_then(|i| events.get_mut(i)) {
            Some(event) => event.capabilities_removed.push(reference(c)),
            None => unpinned.capabilities_removed.push(reference(c)),
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
    use crate::snapshot::{EffectiveRestriction, Source};
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
    fn identical_states_give_no_event() {
        assert!(compare_snapshots(&base(), &base()).is_empty());
        let mut s = base();
        s.profiles.push(proxy_profile());
        assert!(compare_snapshots(&s, &s.clone()).is_empty());
    }

    #[test]
    fn profile_added_with_a_traffic_path_brings_capabilities_and_alerts() {
        let old = base();
        let mut new = base();
        new.profiles.push(proxy_profile());
        let events = compare_snapshots(&old, &new);
        assert_eq!(
            kinds(&events),
            vec![ChangeKind::ProfileAdded, ChangeKind::TrafficPathAdded]
        );
        let added = &events[0];
        assert_eq!(added.subject, "org.example.proxy");
        assert_eq!(added.name.as_deref(), Some("Proxy"));
        assert!(
            events[1]
                .capabilities_added
                .iter()
                .any(|c| c.id == "traffic.proxy"),
            "{events:#?}"
        );
        assert_eq!(events[1].level, Level::Alert);
        let alerts = alerts(&events);
        assert!(alerts
            .iter()
            .any(|a| a.kind == "traffic-path-added" && a.level == Level::Alert));
    }

    #[test]
    fn profile_removed_takes_capabilities_away_without_alert() {
        let mut old = base();
        old.profiles.push(proxy_profile());
        let events = compare_snapshots(&old, &base());
        assert_eq!(kinds(&events), vec![ChangeKind::ProfileRemoved]);
        assert!(events[0]
            .capabilities_removed
            .iter()
            .any(|c| c.id == "traffic.proxy"));
        assert_eq!(events[0].level, Level::Info);
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
        let events = compare_snapshots(&old, &new);
        // The proxy's port changed: the same path now leads to another server, a change of
        // its capability (an alert), beside the key-level change.
        assert_eq!(
            kinds(&events),
            vec![
                ChangeKind::ProfileChanged,
                ChangeKind::PayloadKeysChanged,
                ChangeKind::CapabilityChanged
            ]
        );
        assert_eq!(events[2].level, Level::Alert);
        assert_eq!(
            events[0].keys,
            vec![
                "display_name".to_string(),
                "+com.apple.webClip.managed".into()
            ]
        );
        assert_eq!(events[1].keys, vec!["ProxyServerPort".to_string()]);
        assert_eq!(events[1].profile.as_deref(), Some("org.example.proxy"));
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
        let events = compare_snapshots(&old, &new);
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
        let events = compare_snapshots(&old, &new);
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
        assert_eq!(events[0].level, Level::Warning);
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
        let events = compare_snapshots(&old, &new);
        let summary: Vec<(ChangeKind, &str, Level)> = events
            .iter()
            .map(|e| (e.kind, e.subject.as_str(), e.level))
            .collect();
        assert!(summary.contains(&(ChangeKind::AppAdded, "com.example.interest", Level::Warning)));
        assert!(summary.contains(&(ChangeKind::AppAdded, "com.example.game", Level::Info)));
        assert!(summary.contains(&(ChangeKind::AppUpdated, "com.example.notes", Level::Info)));
        assert!(summary.contains(&(
            ChangeKind::AppNewlyManaged,
            "com.example.notes",
            Level::Warning
        )));
        let back = compare_snapshots(&new, &old);
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
        let on = compare_snapshots(&old, &new);
        let event = on
            .iter()
            .find(|e| e.kind == ChangeKind::SupervisionChanged)
            .unwrap();
        assert_eq!(event.level, Level::Alert);
        assert_eq!(
            (event.before.clone(), event.after.clone()),
            (Some(json!(false)), Some(json!(true)))
        );
        let off = compare_snapshots(&new, &old);
        let event = off
            .iter()
            .find(|e| e.kind == ChangeKind::SupervisionChanged)
            .unwrap();
        assert_eq!(event.level, Level::Info);
    }

    #[test]
    fn enrolment_server_and_rights() {
        let old = base();
        let mut new = base();
        new.enrolment.organisation = Some("Région".into());
        new.enrolment.mdm_server = Some("https://other.example/mdm".into());
        new.enrolment.access_rights = Some(1 | 2048);
        let events = compare_snapshots(&old, &new);
        let find = |k| events.iter().find(|e| e.kind == k).unwrap();
        assert_eq!(find(ChangeKind::EnrolmentChanged).subject, "organisation");
        assert_eq!(find(ChangeKind::MdmServerChanged).level, Level::Alert);
        let rights = find(ChangeKind::AccessRightsChanged);
        assert_eq!(rights.level, Level::Alert, "new bits widen the rights");
        assert_eq!(rights.after, Some(json!(2049)));
        let narrowed = compare_snapshots(&new, &old);
        let rights = narrowed
            .iter()
            .find(|e| e.kind == ChangeKind::AccessRightsChanged)
            .unwrap();
        assert_eq!(rights.level, Level::Info);
    }

    fn ca_payload(uuid: &str) -> Payload {
        let bytes = std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../tests/fixtures/profiles/dodmobileconfig__dod.mobileconfig"
        ))
        .unwrap();
        let p = crate::parse::parse_profile(&bytes).unwrap();
        let der = crate::value::as_bytes(p.payloads[0].get("PayloadContent").unwrap()).unwrap();
        payload(
            "com.apple.security.root",
            uuid,
            json!({"PayloadContent": crate::value::data(&der)}),
        )
    }

    #[test]
    fn trust_anchor_added_is_an_alert_and_removed_is_info() {
        let old = base();
        let mut new = base();
        new.profiles
            .push(profile("org.example.ca", "CA", vec![ca_payload("R1")]));
        let events = compare_snapshots(&old, &new);
        let anchors: Vec<_> = events
            .iter()
            .filter(|e| e.kind == ChangeKind::TrustAnchorAdded)
            .collect();
        assert_eq!(anchors.len(), 1, "{events:#?}");
        assert_eq!(anchors[0].level, Level::Alert);
        assert!(anchors[0]
            .name
            .as_deref()
            .unwrap()
            .contains("DoD Root CA 3"));
        let back = compare_snapshots(&new, &old);
        let removed = back
            .iter()
            .find(|e| e.kind == ChangeKind::TrustAnchorRemoved)
            .unwrap();
        assert_eq!(removed.level, Level::Info);
    }

    #[test]
    fn proxy_mdm_and_mail_servers_changed_in_place_are_changes_and_alerts() {
        let one = |kind: &str, uuid: &str, content: Value| {
            profile(
                &format!("org.example.{uuid}"),
                uuid,
                vec![payload(kind, uuid, content)],
            )
        };
        let cases = [
            (
                "traffic.proxy",
                one(
                    "com.apple.proxy.http.global",
                    "P",
                    json!({"ProxyType": "Manual", "ProxyServer": "proxy.example", "ProxyServerPort": 3128}),
                ),
                one(
                    "com.apple.proxy.http.global",
                    "P",
                    json!({"ProxyType": "Manual", "ProxyServer": "proxy.elsewhere.example", "ProxyServerPort": 3128}),
                ),
            ),
            (
                "mdm.server",
                one(
                    "com.apple.mdm",
                    "M",
                    json!({"ServerURL": "https://mdm.example/a", "AccessRights": 1}),
                ),
                one(
                    "com.apple.mdm",
                    "M",
                    json!({"ServerURL": "https://mdm.elsewhere.example/a", "AccessRights": 1}),
                ),
            ),
            (
                "account.exchange",
                one(
                    "com.apple.eas.account",
                    "E",
                    json!({"Host": "mail.example", "EmailAddress": "elu@example"}),
                ),
                one(
                    "com.apple.eas.account",
                    "E",
                    json!({"Host": "mail.elsewhere.example", "EmailAddress": "elu@example"}),
                ),
            ),
        ];
        for (id, before, after) in cases {
            let mut old = base();
            old.profiles.push(before);
            let mut new = base();
            new.profiles.push(after);
            let events = compare_snapshots(&old, &new);
            let changed = events
                .iter()
                .find(|e| e.kind == ChangeKind::CapabilityChanged && e.subject == id)
                .unwrap_or_else(|| panic!("{id}: {events:#?}"));
            assert_eq!(changed.level, Level::Alert, "{id}");
            let server = changed.capabilities_changed[0].params.get("server");
            assert!(
                matches!(server, Some(Param::Host(h)) if h.contains("elsewhere")),
                "{id}: {server:?}"
            );
            assert!(alerts(&events)
                .iter()
                .any(|a| a.kind == "capability-changed"));
        }
    }

    #[test]
    fn a_server_changed_in_place_is_a_change_and_an_alert() {
        let vpn = |server: &str| {
            profile(
                "org.example.vpn",
                "VPN",
                vec![payload(
                    "com.apple.vpn.managed",
                    "V1",
                    json!({"VPNType": "IKEv2", "IKEv2": {"RemoteAddress": server}}),
                )],
            )
        };
        let mut old = base();
        old.profiles.push(vpn("vpn.example"));
        let mut new = base();
        new.profiles.push(vpn("vpn.elsewhere.example"));
        let events = compare_snapshots(&old, &new);
        let changed = events
            .iter()
            .find(|e| e.kind == ChangeKind::CapabilityChanged && e.subject == "traffic.vpn")
            .unwrap_or_else(|| panic!("{events:#?}"));
        assert_eq!(changed.level, Level::Alert);
        let cap = &changed.capabilities_changed[0];
        assert_eq!(
            cap.params.get("server"),
            Some(&Param::Host("vpn.elsewhere.example".into()))
        );
        assert_eq!(
            cap.before.as_ref().unwrap().get("server"),
            Some(&Param::Host("vpn.example".into()))
        );
        // No traffic path appeared: the same path now leads elsewhere.
        assert!(!events
            .iter()
            .any(|e| e.kind == ChangeKind::TrafficPathAdded));
    }

    #[test]
    fn chain_alerts_name_both_sequences() {
        let alert = chain_alert(ChainBreak::Rollback, "UDID", 7, 3);
        assert_eq!(alert.kind, "rollback");
        assert_eq!(alert.params.get("last"), Some(&Param::Count(7)));
        assert_eq!(alert.params.get("sequence"), Some(&Param::Count(3)));
        assert_eq!(alert.level, Level::Alert);
    }
}
