//! What the analysis states: capabilities of the administration, each a fact with an id, typed
//! parameters, the conditions under which it works, and its evidence. No sentence lives here:
//! `lucarne-words` turns a capability into words in the reader's language.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// A fact that may be known to hold, known not to hold, or unknown to the source read.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema, Default,
)]
#[serde(rename_all = "lowercase")]
pub enum Tri {
    /// Known to hold.
    Yes,
    /// Known not to hold.
    No,
    /// The source read could not tell.
    #[default]
    Unknown,
}

impl Tri {
    /// From an optional boolean (`None` is unknown).
    pub fn from_option(value: Option<bool>) -> Tri {
        match value {
            Some(true) => Tri::Yes,
            Some(false) => Tri::No,
            None => Tri::Unknown,
        }
    }

    /// The fact as an optional boolean.
    pub fn as_option(self) -> Option<bool> {
        match self {
            Tri::Yes => Some(true),
            Tri::No => Some(false),
            Tri::Unknown => None,
        }
    }

    /// Its name, as in JSON and message selectors.
    pub fn as_str(self) -> &'static str {
        match self {
            Tri::Yes => "yes",
            Tri::No => "no",
            Tri::Unknown => "unknown",
        }
    }
}

/// The kind of power a capability gives the administration.
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
pub enum Verb {
    /// Read information from the device.
    Read,
    /// Change a setting.
    Change,
    /// Install (or remove) profiles, apps, certificates.
    Install,
    /// Erase the device.
    Erase,
    /// Lock the device or remove its passcode.
    Lock,
    /// Put network traffic through a path it controls.
    Intercept,
    /// Locate the device.
    Locate,
    /// Watch the screen.
    Observe,
    /// Forbid something to the user.
    Restrict,
}

impl Verb {
    /// Every verb.
    pub const ALL: [Verb; 9] = [
        Verb::Erase,
        Verb::Lock,
        Verb::Locate,
        Verb::Observe,
        Verb::Intercept,
        Verb::Read,
        Verb::Install,
        Verb::Change,
        Verb::Restrict,
    ];

    /// The verb's name as written in the catalogue and in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Verb::Read => "read",
            Verb::Change => "change",
            Verb::Install => "install",
            Verb::Erase => "erase",
            Verb::Lock => "lock",
            Verb::Intercept => "intercept",
            Verb::Locate => "locate",
            Verb::Observe => "observe",
            Verb::Restrict => "restrict",
        }
    }
}

/// What a capability is about, in the order of the harm it can do to an official: the
/// summary of a report lists topics in this order.
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
pub enum Topic {
    /// Mail, contacts and calendars read through account servers the administration runs.
    Mail,
    /// The content of HTTPS connections decrypted.
    Https,
    /// Network traffic routed, seen or filtered.
    Traffic,
    /// The device located.
    Locate,
    /// The device erased.
    Erase,
    /// Apps, profiles and certificates installed or removed.
    Apps,
    /// The screen observed or controlled.
    Screen,
    /// The device locked, its passcode removed.
    Lock,
    /// Information read from the device: its details, lists of apps, profiles, certificates.
    Inventory,
    /// Settings changed.
    Settings,
    /// Things forbidden to the official.
    Restrict,
    /// How the device is managed: the MDM server, supervision, enrolment.
    Management,
}

impl Topic {
    /// Every topic, most harmful first.
    pub const ALL: [Topic; 12] = [
        Topic::Mail,
        Topic::Https,
        Topic::Traffic,
        Topic::Locate,
        Topic::Erase,
        Topic::Apps,
        Topic::Screen,
        Topic::Lock,
        Topic::Inventory,
        Topic::Settings,
        Topic::Restrict,
        Topic::Management,
    ];

    /// Its name, as in JSON, the catalogue and message ids.
    pub fn as_str(self) -> &'static str {
        match self {
            Topic::Mail => "mail",
            Topic::Https => "https",
            Topic::Traffic => "traffic",
            Topic::Locate => "locate",
            Topic::Erase => "erase",
            Topic::Apps => "apps",
            Topic::Screen => "screen",
            Topic::Lock => "lock",
            Topic::Inventory => "inventory",
            Topic::Settings => "settings",
            Topic::Restrict => "restrict",
            Topic::Management => "management",
        }
    }

    /// The topic a verb falls under when the catalogue names none.
    pub fn for_verb(verb: Verb) -> Topic {
        match verb {
            Verb::Read => Topic::Inventory,
            Verb::Change => Topic::Settings,
            Verb::Install => Topic::Apps,
            Verb::Erase => Topic::Erase,
            Verb::Lock => Topic::Lock,
            Verb::Intercept => Topic::Traffic,
            Verb::Locate => Topic::Locate,
            Verb::Observe => Topic::Screen,
            Verb::Restrict => Topic::Restrict,
        }
    }
}

/// A typed parameter of a capability, limit or change. Strings that came from a profile or a
/// device are kept as written (they are evidence) and neutralised wherever they are shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "type", content = "value", rename_all = "kebab-case")]
pub enum Param {
    /// A server name, URL or address read from a payload or the device.
    Host(String),
    /// A name written by the administration (profile, network, app, certificate subject).
    Name(String),
    /// An identifier read from a profile or the device (bundle id, key, payload type, hash).
    Id(String),
    /// A term Lucarne knows (a traffic scope, a resource category): words render it.
    Term(String),
    /// A number.
    Count(u64),
    /// A date or time, RFC 3339.
    Date(String),
    /// Several values of one kind.
    List(Vec<Param>),
}

impl Param {
    /// The text of a string parameter (`None` for counts and lists).
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Param::Host(s) | Param::Name(s) | Param::Id(s) | Param::Term(s) | Param::Date(s) => {
                Some(s)
            }
            Param::Count(_) | Param::List(_) => None,
        }
    }
}

/// How a certificate authority came to be trusted for TLS.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema, Default,
)]
#[serde(rename_all = "kebab-case")]
pub enum TrustRoute {
    /// Installed by the MDM or Apple Configurator: trusted for TLS at once.
    Mdm,
    /// Installed by hand: trusted for TLS only once the user turns on full trust in Settings.
    Manual,
    /// The source cannot tell which (a profile file, a USB listing).
    #[default]
    Unknown,
}

/// What must hold for a capability to work on this device. Each condition says whether it
/// holds here when the source can tell.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Condition {
    /// The device must be supervised.
    Supervised {
        /// Whether this device is.
        holds: Tri,
    },
    /// The device must be supervised when it runs an iOS version before `version`; from that
    /// version on, it works without supervision (e.g. a content filter bound to apps through
    /// `ContentFilterUUID` from iOS 16).
    SupervisedBefore {
        /// The first iOS version on which supervision is no longer needed.
        version: String,
        /// Whether this device is supervised or runs that version or a later one.
        holds: Tri,
    },
    /// The device must be enrolled through Automated Device Enrollment.
    AutomatedEnrollment {
        /// Whether this device is.
        holds: Tri,
    },
    /// The certificate authority must be trusted for TLS: at once when the MDM installed it,
    /// after the user turns on full trust when installed by hand.
    CertificateTrust {
        /// How it was installed, when known.
        route: TrustRoute,
        /// Whether it is trusted for TLS now.
        holds: Tri,
    },
    /// Traffic must go through a path the administration controls (proxy, VPN, relay).
    ControlledTrafficPath {
        /// Whether such a path exists on this device.
        holds: Tri,
    },
    /// Works only for apps that do not pin their certificates (many banking and messaging apps
    /// do; a pinned connection fails instead of being decrypted). Never known in advance.
    AppsWithoutPinning,
    /// Acts only on a Shared iPad (several users).
    SharedIpad {
        /// Whether this device is one.
        holds: Tri,
    },
    /// Has effect only before this iOS version (later versions ignore the command).
    OsBefore {
        /// The first iOS version on which it no longer acts.
        version: String,
        /// Whether this device runs an earlier version.
        holds: Tri,
    },
    /// The payload or key has no effect on an iPad (macOS only).
    NotOnIpad,
}

impl Condition {
    /// Whether the condition holds on this device.
    pub fn holds(&self) -> Tri {
        match self {
            Condition::Supervised { holds }
            | Condition::SupervisedBefore { holds, .. }
            | Condition::AutomatedEnrollment { holds }
            | Condition::CertificateTrust { holds, .. }
            | Condition::ControlledTrafficPath { holds }
            | Condition::SharedIpad { holds }
            | Condition::OsBefore { holds, .. } => *holds,
            Condition::AppsWithoutPinning => Tri::Unknown,
            Condition::NotOnIpad => Tri::No,
        }
    }

    /// Its kind's name, as in JSON and message ids.
    pub fn kind(&self) -> &'static str {
        match self {
            Condition::Supervised { .. } => "supervised",
            Condition::SupervisedBefore { .. } => "supervised-before",
            Condition::AutomatedEnrollment { .. } => "automated-enrollment",
            Condition::CertificateTrust { .. } => "certificate-trust",
            Condition::ControlledTrafficPath { .. } => "controlled-traffic-path",
            Condition::AppsWithoutPinning => "apps-without-pinning",
            Condition::SharedIpad { .. } => "shared-ipad",
            Condition::OsBefore { .. } => "os-before",
            Condition::NotOnIpad => "not-on-ipad",
        }
    }

    /// Whether a capability failing this condition simply does not apply to the device (it
    /// is left out of reports) rather than being something the administration cannot do.
    pub fn failure_means_not_applicable(&self) -> bool {
        matches!(
            self,
            Condition::SharedIpad { .. } | Condition::OsBefore { .. } | Condition::NotOnIpad
        )
    }
}

/// Whether a capability works on this device, from its conditions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// Every condition holds.
    Possible,
    /// Some condition cannot be checked from what was read.
    Depends,
    /// A condition is known not to hold: the administration cannot do it on this device.
    NotPossible,
    /// It does not apply to this device (Shared iPad only, obsolete, macOS only).
    NotApplicable,
}

/// Where a capability comes from: a profile, one of its payloads, one key and its value. A
/// capability may rest on several pieces (a trust anchor *and* a proxy).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema, Default)]
pub struct Evidence {
    /// `PayloadIdentifier` of the profile, or the source name (e.g. `live:cloud-configuration`)
    /// for facts that do not come from a profile.
    pub profile: String,
    /// `PayloadUUID` of the payload.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payload_uuid: Option<String>,
    /// `PayloadType` of the payload.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payload_type: Option<String>,
    /// The key (or `AccessRights` bit name) that supports the claim, as a path inside the
    /// payload (`IKEv2/RemoteAddress`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// The value of that key, as text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
}

/// One thing the administration can do to or learn from the device.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Capability {
    /// Stable identifier (`command.EraseDevice`, `traffic.proxy`, `trust.root`…): what words
    /// render, what comparisons match on.
    pub id: String,
    /// What kind of power it is.
    pub verb: Verb,
    /// What it is about, for ranking by harm.
    pub topic: Topic,
    /// What it points at, stable across snapshots (a payload UUID, a certificate hash, a
    /// bundle id, a restriction key): with `id`, the key comparisons match on. The server or
    /// host is a parameter, so a server changed in place is a change of this capability.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    /// Typed parameters (the server, the network, the app…).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub params: BTreeMap<String, Param>,
    /// What must hold for it to work, evaluated on this device when known.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conditions: Vec<Condition>,
    /// What supports the claim.
    pub evidence: Vec<Evidence>,
}

impl Capability {
    /// A capability with no target, parameter, condition or evidence yet.
    pub fn new(id: impl Into<String>, verb: Verb, topic: Topic) -> Capability {
        Capability {
            id: id.into(),
            verb,
            topic,
            target: None,
            params: BTreeMap::new(),
            conditions: Vec::new(),
            evidence: Vec::new(),
        }
    }

    /// With a target.
    pub fn with_target(mut self, target: impl Into<String>) -> Self {
        self.target = Some(target.into());
        self
    }

    /// With a parameter.
    pub fn with_param(mut self, name: &str, value: Param) -> Self {
        self.params.insert(name.to_string(), value);
        self
    }

    /// With a parameter when there is one.
    pub fn with_param_opt(self, name: &str, value: Option<Param>) -> Self {
        match value {
            Some(v) => self.with_param(name, v),
            None => self,
        }
    }

    /// With a condition.
    pub fn with_condition(mut self, condition: Condition) -> Self {
        self.conditions.push(condition);
        self
    }

    /// With a piece of evidence.
    pub fn with_evidence(mut self, evidence: Evidence) -> Self {
        self.evidence.push(evidence);
        self
    }

    /// The parameter `name`, as text.
    pub fn param_str(&self, name: &str) -> Option<&str> {
        self.params.get(name).and_then(Param::as_str)
    }

    /// Whether it works on this device, from its conditions.
    pub fn status(&self) -> Status {
        let mut status = Status::Possible;
        for c in &self.conditions {
            match c.holds() {
                Tri::No if c.failure_means_not_applicable() => return Status::NotApplicable,
                Tri::No => status = Status::NotPossible,
                Tri::Unknown if status == Status::Possible => status = Status::Depends,
                _ => {}
            }
        }
        status
    }

    /// Whether it needs a supervised device (always, or on some iOS versions).
    pub fn needs_supervision(&self) -> bool {
        self.conditions.iter().any(|c| {
            matches!(
                c,
                Condition::Supervised { .. } | Condition::SupervisedBefore { .. }
            )
        })
    }

    /// The key comparisons match on: id and target.
    pub fn key(&self) -> (&str, Option<&str>) {
        (&self.id, self.target.as_deref())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_follows_conditions() {
        let base = Capability::new("command.EraseDevice", Verb::Erase, Topic::Erase);
        assert_eq!(base.status(), Status::Possible);
        let supervised = |holds| base.clone().with_condition(Condition::Supervised { holds });
        assert_eq!(supervised(Tri::Yes).status(), Status::Possible);
        assert_eq!(supervised(Tri::Unknown).status(), Status::Depends);
        assert_eq!(supervised(Tri::No).status(), Status::NotPossible);
        let shared = supervised(Tri::No).with_condition(Condition::SharedIpad { holds: Tri::No });
        assert_eq!(shared.status(), Status::NotApplicable);
        let pinning = base.clone().with_condition(Condition::AppsWithoutPinning);
        assert_eq!(pinning.status(), Status::Depends);
    }

    #[test]
    fn facts_serialise_without_words() {
        let cap = Capability::new("traffic.proxy", Verb::Intercept, Topic::Traffic)
            .with_target("UUID-1")
            .with_param("server", Param::Host("proxy.example:8080".into()))
            .with_condition(Condition::Supervised { holds: Tri::Yes });
        let json = serde_json::to_value(&cap).unwrap_or_default();
        assert_eq!(json["params"]["server"]["type"], "host");
        assert_eq!(json["conditions"][0]["kind"], "supervised");
        assert_eq!(json["conditions"][0]["holds"], "yes");
        assert_eq!(json["topic"], "traffic");
    }
}
