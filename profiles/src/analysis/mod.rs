//! The analysis: from profiles, or a whole device snapshot, to facts about what the
//! administration can change on the device or read from it. Every statement is a
//! [`Capability`] carrying its [`Evidence`] and its [`Condition`]s; where nothing supports a
//! claim, none is made; what the source read could not observe is recorded as an
//! [`Unknown`], never as 0 or false. No sentence is made here: `lucarne-words` renders facts.
//!
//! # Layout
//! - `mdm`: the enrolment payload, its access rights, the commands they open.
//! - `trust`: certificate authorities installed through payloads.
//! - `traffic`: every path the administration can put network traffic through.
//! - `wifi`: the Wi-Fi networks joined, their private address, the server certificate checked.
//! - `accounts`: managed accounts and the servers that hold their data.
//! - `restrictions`: restrictions, Classroom observation, unremovable profiles.
//! - `identity`: identities requested (SCEP, ACME), single sign-on, over-the-air enrolment.
//! - `settings`: web clips, fonts, managed domains, notifications, lock screen, AirPlay.
//! - `other`: every other payload, described from the catalogue, or said to have no effect
//!   on an iPad.
//! - `platform`: keys of a payload that have no effect on an iPad (macOS only).
//! - `device`: facts only a whole snapshot has (supervision, apps, privacy report).
//! - `cross`: conclusions from several facts (trust anchor + traffic path).
//! - `limits`: what the administration cannot do, where facts prove it, and what the source
//!   could not see.
//! - `inventory`: what is on the device (profiles, apps, certificates) and who put it there.

mod accounts;
mod cross;
mod device;
mod identity;
mod inventory;
mod limits;
mod mdm;
mod other;
mod platform;
mod restrictions;
mod settings;
mod traffic;
mod trust;
mod wifi;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::capability::{Capability, Condition, Evidence, Param, Tri, TrustRoute};
use crate::catalog::catalog;
use crate::profile::{Payload, Profile};
use crate::snapshot::{Snapshot, Source};

pub use inventory::{AppFact, CertificateFact, Installer, Inventory, PrivacyFacts, ProfileFact};
pub use limits::{Limit, Unknown};

/// What the analysis found: facts only.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Analysis {
    /// What is known of the device itself.
    #[serde(default)]
    pub device: DeviceFacts,
    /// The MDM enrolment, if any.
    pub mdm: Option<MdmFinding>,
    /// Certificate authorities the device is told to trust.
    pub root_certificates: Vec<TrustAnchor>,
    /// Paths network traffic is put through.
    pub traffic: Vec<TrafficPath>,
    /// Managed accounts and their servers.
    pub accounts: Vec<ManagedAccount>,
    /// Restriction keys set by the profiles (and in force on the device).
    pub restrictions: Vec<RestrictionFinding>,
    /// What is on the device and who put it there.
    #[serde(default)]
    pub inventory: Inventory,
    /// Payload types the catalogue does not know.
    pub unknown_payload_types: Vec<String>,
    /// Number of payloads read.
    pub payload_count: usize,
    /// Everything the administration can do, most harmful topic first.
    pub capabilities: Vec<Capability>,
    /// What the administration cannot do, where facts prove it.
    #[serde(default)]
    pub limits: Vec<Limit>,
    /// What the source read could not observe, and which source would tell.
    #[serde(default)]
    pub unknowns: Vec<Unknown>,
}

/// What is known of the device around its profiles.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct DeviceFacts {
    /// Supervised.
    pub supervised: Tri,
    /// Enrolled through Automated Device Enrollment (it re-enrols itself after an erase).
    pub ade: Tri,
    /// A Shared iPad (several users).
    pub shared_ipad: Tri,
    /// The organisation named at enrolment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organisation: Option<String>,
    /// iOS/iPadOS version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub os_version: Option<String>,
    /// Device name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Model identifier.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
}

/// The MDM enrolment payload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct MdmFinding {
    /// `ServerURL`.
    pub server_url: Option<String>,
    /// Host name of the server.
    pub host: Option<String>,
    /// `CheckInURL`, when different.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub check_in_url: Option<String>,
    /// The `AccessRights` integer, when given.
    pub access_rights: Option<u32>,
    /// Names of the rights set (`AllowDeviceErase`, …).
    pub rights: Vec<String>,
    /// Bits set that no known right uses.
    #[serde(default)]
    pub unknown_bits: u32,
    /// User Enrollment: rights are ignored by the device.
    #[serde(default)]
    pub user_enrollment: bool,
    /// Where it was read.
    pub evidence: Evidence,
}

/// A certificate authority installed through a payload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct TrustAnchor {
    /// Subject DN.
    pub subject: String,
    /// Issuer DN.
    pub issuer: String,
    /// Hex SHA-256 of the DER.
    pub sha256: String,
    /// End of validity.
    pub not_after: String,
    /// How the device came to trust it for TLS.
    #[serde(default)]
    pub route: TrustRoute,
    /// Where it was read.
    pub evidence: Evidence,
}

/// Kinds of traffic path.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TrafficKind {
    /// An HTTP(S) proxy: global, or inside a Wi-Fi, cellular or VPN payload.
    Proxy,
    /// A proxy auto-configuration script (PAC): it chooses proxies per address.
    ProxyAutoConfig,
    /// A VPN.
    Vpn,
    /// An always-on VPN (`VPNType` = `AlwaysOn`).
    AlwaysOnVpn,
    /// A per-app VPN.
    PerAppVpn,
    /// A web content filter.
    ContentFilter,
    /// Encrypted DNS settings.
    Dns,
    /// A DNS proxy app.
    DnsProxy,
    /// A network relay.
    Relay,
}

impl TrafficKind {
    /// Its name, as in JSON and message ids.
    pub fn as_str(self) -> &'static str {
        match self {
            TrafficKind::Proxy => "proxy",
            TrafficKind::ProxyAutoConfig => "proxy-auto-config",
            TrafficKind::Vpn => "vpn",
            TrafficKind::AlwaysOnVpn => "always-on-vpn",
            TrafficKind::PerAppVpn => "per-app-vpn",
            TrafficKind::ContentFilter => "content-filter",
            TrafficKind::Dns => "dns",
            TrafficKind::DnsProxy => "dns-proxy",
            TrafficKind::Relay => "relay",
        }
    }

    /// Whether the path carries the content of connections (not only names), so that a
    /// trusted certificate authority lets the administration decrypt HTTPS on it.
    pub fn carries_content(self) -> bool {
        matches!(
            self,
            TrafficKind::Proxy
                | TrafficKind::ProxyAutoConfig
                | TrafficKind::Vpn
                | TrafficKind::AlwaysOnVpn
                | TrafficKind::PerAppVpn
                | TrafficKind::Relay
        )
    }
}

/// Which traffic a path takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TrafficScope {
    /// All of the device's traffic (global proxy, always-on VPN, a VPN including all networks).
    AllTraffic,
    /// Traffic on one Wi-Fi network.
    Wifi,
    /// Mobile data through one access point.
    Cellular,
    /// Traffic inside one VPN.
    InsideVpn,
    /// The apps and domains bound to it.
    BoundApps,
    /// When on-demand rules say so.
    OnDemand,
    /// The routes the VPN server pushes (part of the traffic).
    Selected,
    /// The listed domains.
    Domains,
    /// Web pages only.
    WebPages,
    /// Every app's network connections (sockets), not only web pages.
    AllConnections,
    /// The network connections (sockets, not only web pages) of the managed apps bound to it.
    BoundAppsConnections,
    /// Name lookups of the whole device.
    NameLookups,
}

impl TrafficScope {
    /// Its name, as in JSON and message ids.
    pub fn as_str(self) -> &'static str {
        match self {
            TrafficScope::AllTraffic => "all-traffic",
            TrafficScope::Wifi => "wifi",
            TrafficScope::Cellular => "cellular",
            TrafficScope::InsideVpn => "inside-vpn",
            TrafficScope::BoundApps => "bound-apps",
            TrafficScope::OnDemand => "on-demand",
            TrafficScope::Selected => "selected",
            TrafficScope::Domains => "domains",
            TrafficScope::WebPages => "web-pages",
            TrafficScope::AllConnections => "all-connections",
            TrafficScope::BoundAppsConnections => "bound-apps-connections",
            TrafficScope::NameLookups => "name-lookups",
        }
    }
}

/// A path the administration puts traffic through.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrafficPath {
    /// Kind of path.
    pub kind: TrafficKind,
    /// The server, app or URL traffic goes to, as written in the payload.
    pub server: Option<String>,
    /// Which traffic.
    pub scope: TrafficScope,
    /// The Wi-Fi network, access point or VPN it belongs to, as named in the payload.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network: Option<String>,
    /// Domains bound to it, as listed in the payload.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub domains: Vec<String>,
    /// Where it was read.
    pub evidence: Evidence,
}

/// Kinds of managed account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum AccountKind {
    /// IMAP/POP mail.
    Mail,
    /// Exchange ActiveSync.
    Exchange,
    /// CalDAV calendar.
    Caldav,
    /// CardDAV contacts.
    Carddav,
    /// LDAP directory.
    Ldap,
    /// Google account.
    Google,
    /// Subscribed calendar.
    SubscribedCalendar,
}

impl AccountKind {
    /// Its name, as in JSON and message ids.
    pub fn as_str(self) -> &'static str {
        match self {
            AccountKind::Mail => "mail",
            AccountKind::Exchange => "exchange",
            AccountKind::Caldav => "caldav",
            AccountKind::Carddav => "carddav",
            AccountKind::Ldap => "ldap",
            AccountKind::Google => "google",
            AccountKind::SubscribedCalendar => "subscribed-calendar",
        }
    }
}

/// A managed account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManagedAccount {
    /// Kind of account.
    pub kind: AccountKind,
    /// Server host name, as written in the payload.
    pub host: Option<String>,
    /// User name or address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
    /// Where it was read.
    pub evidence: Evidence,
}

/// A restriction key set.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RestrictionFinding {
    /// The key.
    pub key: String,
    /// Its value.
    pub value: Value,
    /// Only enforced on supervised devices.
    pub supervised_only: bool,
    /// The catalogue knows the key (on iOS).
    pub known: bool,
    /// The value restricts the user (differs from the default).
    pub restricts: bool,
    /// Where it was read.
    pub evidence: Evidence,
}

/// What the analysis knows of the device around the profiles.
#[derive(Debug, Clone, Default)]
pub struct Context {
    /// Whether the device is supervised.
    pub supervised: Tri,
    /// Whether it was enrolled through Automated Device Enrollment.
    pub ade: Tri,
    /// Whether it is a Shared iPad.
    pub shared_ipad: Tri,
    /// Its iOS/iPadOS version, when known.
    pub os_version: Option<String>,
}

impl Context {
    /// What a snapshot tells of its device.
    pub fn of_snapshot(snapshot: &Snapshot) -> Context {
        let e = &snapshot.enrolment;
        let supervised = Tri::from_option(e.supervised);
        let ade = Tri::from_option(e.ade);
        // Shared iPad needs supervision and Automated Device Enrollment; the cloud
        // configuration says `IsMultiUser` when the device was set up as one.
        let shared_ipad = match e.cloud_configuration.get("IsMultiUser") {
            Some(v) => Tri::from_option(crate::value::as_bool_lenient(v)),
            None if !e.cloud_configuration.is_empty() => Tri::No,
            None if supervised == Tri::No || ade == Tri::No => Tri::No,
            None => Tri::Unknown,
        };
        Context {
            supervised,
            ade,
            shared_ipad,
            os_version: snapshot.device.os_version.clone(),
        }
    }
}

/// Analyses profiles on their own (e.g. files given to `lucarne inspect`): nothing is known
/// of the device they would go on beyond `context`.
pub fn analyze_profiles<'a>(
    profiles: impl IntoIterator<Item = &'a Profile>,
    context: Context,
) -> Analysis {
    let mut builder = Builder::default();
    for profile in profiles {
        builder.profile(profile, Tri::Unknown, true);
        builder.inventory_profile(profile, true, Installer::Unknown, None);
    }
    builder.finish(context, None)
}

/// Analyses a whole device snapshot.
pub fn analyze_snapshot(snapshot: &Snapshot) -> Analysis {
    let mut builder = Builder::default();
    for installed in &snapshot.profiles {
        let installed_by_mdm = Tri::from_option(installed.managed);
        // A profile the device itself lists or keeps was accepted by it, whatever its outer
        // type; a file read beside it was not checked by any device.
        let check_outer = installed.source == Source::ProfileFile;
        builder.profile(&installed.profile, installed_by_mdm, check_outer);
        builder.inventory_profile(
            &installed.profile,
            installed.payloads_known,
            Installer::from_managed(installed.managed),
            installed.installed_at.clone(),
        );
    }
    device::snapshot_facts(&mut builder, snapshot);
    builder.finish(Context::of_snapshot(snapshot), Some(snapshot))
}

/// Collects findings while profiles are read.
#[derive(Default)]
pub(crate) struct Builder {
    pub(crate) analysis: Analysis,
}

/// Outer `PayloadType`s a device accepts: a configuration profile, and the over-the-air
/// enrolment payload (Apple, "Over-the-Air Profile Delivery and Configuration"). Apple's
/// schema (`TopLevel.yaml`): "The only supported value is 'Configuration'".
const OUTER_TYPES: &[&str] = &["Configuration", "Profile Service"];

impl Builder {
    fn profile(&mut self, profile: &Profile, installed_by_mdm: Tri, check_outer: bool) {
        if check_outer && !OUTER_TYPES.contains(&profile.payload_type.as_str()) {
            // iOS refuses such a file: nothing it holds applies, so nothing is stated.
            self.analysis.limits.push(limits::invalid_profile(profile));
            return;
        }
        if profile.removal_disallowed {
            let mut cap = Capability::new(
                "profile.unremovable",
                crate::capability::Verb::Restrict,
                crate::capability::Topic::Restrict,
            )
            .with_target(profile.identifier.clone())
            .with_param_opt("name", profile.display_name.clone().map(Param::Name))
            .with_param("profile", Param::Id(profile.identifier.clone()))
            .with_evidence(Evidence {
                profile: profile.identifier.clone(),
                key: Some("PayloadRemovalDisallowed".into()),
                value: Some("true".into()),
                ..Default::default()
            });
            // Apple's schema (TopLevel): PayloadRemovalDisallowed is honoured on supervised
            // devices only.
            if catalog().key_supervised_only("TopLevel", "PayloadRemovalDisallowed") {
                cap = cap.with_condition(Condition::Supervised {
                    holds: Tri::Unknown,
                });
            }
            self.push(cap);
        }
        for payload in &profile.payloads {
            self.analysis.payload_count += 1;
            self.payload(profile, payload, installed_by_mdm);
        }
    }

    fn payload(&mut self, profile: &Profile, payload: &Payload, installed_by_mdm: Tri) {
        let handled = mdm::read(self, profile, payload)
            | trust::read(self, profile, payload, installed_by_mdm)
            | traffic::read(self, profile, payload)
            | wifi::read(self, profile, payload)
            | accounts::read(self, profile, payload)
            | restrictions::read(self, profile, payload)
            | identity::read(self, profile, payload)
            | settings::read(self, profile, payload);
        other::read(self, profile, payload, handled);
        platform::keys_not_on_ipad(self, profile, payload);
    }

    /// Adds a capability. The same (id, target) from two payloads gathers evidence instead of
    /// being stated twice.
    pub(crate) fn push(&mut self, capability: Capability) {
        if let Some(existing) = self
            .analysis
            .capabilities
            .iter_mut()
            .find(|c| c.key() == capability.key() && c.params == capability.params)
        {
            for e in capability.evidence {
                if !existing.evidence.contains(&e) {
                    existing.evidence.push(e);
                }
            }
            return;
        }
        self.analysis.capabilities.push(capability);
    }

    fn finish(mut self, context: Context, snapshot: Option<&Snapshot>) -> Analysis {
        cross::https_decryption(&mut self);
        // A device known to be enrolled automatically says it re-enrols itself (`device.ade`):
        // the MDM payload's conditional statement of the same would repeat it.
        if self
            .analysis
            .capabilities
            .iter()
            .any(|c| c.id == "device.ade")
        {
            self.analysis
                .capabilities
                .retain(|c| c.id != mdm::RE_ENROLMENT);
        }
        let device = &mut self.analysis.device;
        device.supervised = context.supervised;
        device.ade = context.ade;
        device.shared_ipad = context.shared_ipad;
        device.os_version = context.os_version.clone();
        for cap in &mut self.analysis.capabilities {
            for condition in &mut cap.conditions {
                evaluate(condition, &context);
            }
        }
        limits::limits_and_unknowns(&mut self.analysis, snapshot);
        self.analysis.capabilities.sort_by(|a, b| {
            a.topic
                .cmp(&b.topic)
                .then(a.id.cmp(&b.id))
                .then(a.target.cmp(&b.target))
        });
        self.analysis.unknown_payload_types.sort();
        self.analysis.unknown_payload_types.dedup();
        self.analysis
    }
}

/// Says whether a condition holds on the device described by `context`. Conditions that do
/// not depend on the device (certificate trust, traffic paths) are set where they are made.
fn evaluate(condition: &mut Condition, context: &Context) {
    match condition {
        Condition::Supervised { holds } => *holds = context.supervised,
        Condition::SupervisedBefore { version, holds } => {
            let recent = context
                .os_version
                .as_deref()
                .map(|os| !version_lt(os, version));
            *holds = match (recent, context.supervised) {
                (Some(true), _) | (_, Tri::Yes) => Tri::Yes,
                (Some(false), Tri::No) => Tri::No,
                _ => Tri::Unknown,
            }
        }
        Condition::AutomatedEnrollment { holds } => *holds = context.ade,
        Condition::SharedIpad { holds } => *holds = context.shared_ipad,
        Condition::OsBefore { version, holds } => {
            *holds = match context.os_version.as_deref() {
                Some(os) => Tri::from_option(Some(version_lt(os, version))),
                None => Tri::Unknown,
            }
        }
        _ => {}
    }
}

/// `a < b` for dotted version numbers (`6.1.6` < `17.0`).
pub(crate) fn version_lt(a: &str, b: &str) -> bool {
    let parse = |v: &str| -> Vec<u64> {
        v.split('.')
            .map(|p| p.trim().parse::<u64>().unwrap_or(0))
            .collect()
    };
    let (a, b) = (parse(a), parse(b));
    for i in 0..a.len().max(b.len()) {
        let (x, y) = (
            a.get(i).copied().unwrap_or(0),
            b.get(i).copied().unwrap_or(0),
        );
        if x != y {
            return x < y;
        }
    }
    false
}

/// Evidence pointing at a payload key.
pub(crate) fn evidence(
    profile: &Profile,
    payload: &Payload,
    key: Option<&str>,
    value: Option<String>,
) -> Evidence {
    Evidence {
        profile: profile.identifier.clone(),
        payload_uuid: Some(payload.uuid.clone()).filter(|u| !u.is_empty()),
        payload_type: Some(payload.payload_type.clone()),
        key: key.map(str::to_string),
        value,
    }
}

/// The supervision a payload, or the key of it that drives a statement, needs on an iPad,
/// from the catalogue: Apple's iOS `supervised` flag for the key (else its nearest described
/// ancestor's, else the payload's), Apple's prose (`supervised_keys`), and the payload's own
/// conditions (`supervised_when`: needed before an iOS version, or whenever a key is absent).
/// `None` when it works without supervision.
pub(crate) fn supervision(payload: &Payload, key: Option<&str>) -> Option<Condition> {
    let c = catalog();
    let payload_type = payload.payload_type.as_str();
    let flagged = match key {
        Some(key) => c.key_supervised_only(payload_type, key),
        None => c.payload(payload_type).is_some_and(|e| e.supervised_only),
    };
    if flagged {
        return Some(Condition::Supervised {
            holds: Tri::Unknown,
        });
    }
    let when = c.payload_supervised_when(payload_type)?;
    if let Some(key) = &when.key_absent {
        if !present(payload.get(key)) {
            return Some(Condition::Supervised {
                holds: Tri::Unknown,
            });
        }
    }
    when.os_before
        .as_ref()
        .map(|version| Condition::SupervisedBefore {
            version: version.clone(),
            holds: Tri::Unknown,
        })
}

/// Whether a value says something: not absent, null, an empty string or an empty list.
pub(crate) fn present(value: Option<&Value>) -> bool {
    match value {
        None | Some(Value::Null) => false,
        Some(Value::String(s)) => !s.trim().is_empty(),
        Some(Value::Array(items)) => !items.is_empty(),
        Some(_) => true,
    }
}

/// The target of a statement about a whole payload: its UUID, else the profile and its type.
pub(crate) fn payload_target(profile: &Profile, payload: &Payload) -> String {
    if payload.uuid.is_empty() {
        format!("{}/{}", profile.identifier, payload.payload_type)
    } else {
        payload.uuid.clone()
    }
}

/// Non-empty strings of a list value, at most `max`.
pub(crate) fn string_list(value: Option<&Value>, max: usize) -> Vec<String> {
    value
        .and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .filter_map(Value::as_str)
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .take(max)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

/// A JSON value as short text for evidence.
pub(crate) fn value_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Array(items) => {
            let shown: Vec<String> = items.iter().take(5).map(value_text).collect();
            if items.len() > 5 {
                format!("[{}, … +{}]", shown.join(", "), items.len() - 5)
            } else {
                format!("[{}]", shown.join(", "))
            }
        }
        other => other.to_string(),
    }
}

/// The host of a URL, or the text itself when it is not a URL.
pub(crate) fn host_of(url: &str) -> String {
    let rest = url.split_once("://").map(|(_, r)| r).unwrap_or(url);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or(rest);
    let host = authority
        .rsplit_once('@')
        .map(|(_, h)| h)
        .unwrap_or(authority);
    if host.starts_with('[') {
        return host
            .split(']')
            .next()
            .unwrap_or(host)
            .trim_start_matches('[')
            .to_string();
    }
    host.split(':').next().unwrap_or(host).to_string()
}

#[cfg(test)]
mod tests;
