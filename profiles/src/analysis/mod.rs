//! The analysis: from profiles, or a whole device snapshot, to what the administration can
//! change on the device or read from it. Every statement is a [`Capability`] carrying its
//! [`Evidence`]; where nothing supports a claim, none is made.
//!
//! # Layout
//! - [`templates`]: the analysis's own sentences (`catalog/capabilities.toml`).
//! - `mdm`: the enrolment payload, its access rights, the commands they open.
//! - `trust`: certificate authorities installed through payloads.
//! - `traffic`: every path the administration can put network traffic through.
//! - `accounts`: managed accounts and the servers that hold their data.
//! - `restrictions`: restrictions, Classroom observation, unremovable profiles.
//! - `other`: every other payload, described from the catalogue.
//! - `device`: facts only a whole snapshot has (supervision, apps, privacy report).
//! - `cross`: conclusions from several facts (trust anchor + traffic path).

mod accounts;
mod cross;
mod device;
mod mdm;
mod other;
mod restrictions;
pub mod templates;
mod traffic;
mod trust;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::capability::{Capability, Evidence, Verb};
use crate::profile::{Payload, Profile};
use crate::snapshot::Snapshot;

/// What the analysis found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Analysis {
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
    /// Payload types the catalogue does not know.
    pub unknown_payload_types: Vec<String>,
    /// Number of payloads read.
    pub payload_count: usize,
    /// Every statement, most serious first.
    pub capabilities: Vec<Capability>,
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
    /// Where it was read.
    pub evidence: Evidence,
}

/// Kinds of traffic path.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TrafficKind {
    /// An HTTP(S) proxy: global, or inside a Wi-Fi, cellular or VPN payload.
    Proxy,
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

/// A path the administration puts traffic through.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrafficPath {
    /// Kind of path.
    pub kind: TrafficKind,
    /// The server, app or URL traffic goes to, as written in the payload.
    pub server: Option<String>,
    /// Which traffic (`global`, a Wi-Fi name, …), in words.
    pub scope: crate::text::Text,
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
#[derive(Debug, Clone, Copy, Default)]
pub struct Context {
    /// Whether the device is supervised, when known.
    pub supervised: Option<bool>,
}

/// Analyses profiles on their own (e.g. files given to `lucarne inspect`).
pub fn analyze_profiles<'a>(
    profiles: impl IntoIterator<Item = &'a Profile>,
    context: Context,
) -> Analysis {
    let mut builder = Builder::default();
    for profile in profiles {
        builder.profile(profile);
    }
    builder.finish(context)
}

/// Analyses a whole device snapshot.
pub fn analyze_snapshot(snapshot: &Snapshot) -> Analysis {
    let mut builder = Builder::default();
    for installed in &snapshot.profiles {
        builder.profile(&installed.profile);
    }
    device::snapshot_facts(&mut builder, snapshot);
    builder.finish(Context {
        supervised: snapshot.enrolment.supervised,
    })
}

/// Collects findings while profiles are read.
#[derive(Default)]
pub(crate) struct Builder {
    pub(crate) analysis: Analysis,
}

impl Builder {
    fn profile(&mut self, profile: &Profile) {
        if profile.removal_disallowed {
            let name = profile
                .display_name
                .clone()
                .unwrap_or_else(|| profile.identifier.clone());
            let cap = templates::templates().capability(
                "profile.unremovable",
                &[("name", &templates::same(name))],
                true,
                vec![Evidence {
                    profile: profile.identifier.clone(),
                    key: Some("PayloadRemovalDisallowed".into()),
                    value: Some("true".into()),
                    ..Default::default()
                }],
            );
            self.push(cap);
        }
        for payload in &profile.payloads {
            self.analysis.payload_count += 1;
            self.payload(profile, payload);
        }
    }

    fn payload(&mut self, profile: &Profile, payload: &Payload) {
        let handled = mdm::read(self, profile, payload)
            | trust::read(self, profile, payload)
            | traffic::read(self, profile, payload)
            | accounts::read(self, profile, payload)
            | restrictions::read(self, profile, payload);
        other::read(self, profile, payload, handled);
    }

    pub(crate) fn push(&mut self, capability: Capability) {
        // One statement per sentence: the same sentence from two payloads gathers evidence.
        if let Some(existing) = self
            .analysis
            .capabilities
            .iter_mut()
            .find(|c| c.id == capability.id && c.text == capability.text)
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

    fn finish(mut self, context: Context) -> Analysis {
        cross::https_decryption(&mut self);
        for cap in &mut self.analysis.capabilities {
            cap.usable = match (cap.supervised_only, context.supervised) {
                (_, None) => None,
                (true, Some(s)) => Some(s),
                (false, Some(_)) => Some(true),
            };
        }
        let order = |v: Verb| Verb::ALL.iter().position(|x| *x == v).unwrap_or(usize::MAX);
        self.analysis
            .capabilities
            .sort_by(|a, b| order(a.verb).cmp(&order(b.verb)).then(a.id.cmp(&b.id)));
        self.analysis.unknown_payload_types.sort();
        self.analysis.unknown_payload_types.dedup();
        self.analysis
    }
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

/// A JSON value as short text for evidence and sentences.
pub(crate) fn value_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Array(items) => {
            let shown: Vec<String> = items.iter().take(5).map(value_text).collect();
            if items.len() > 5 {
                format!("[{}, … ({} en tout)]", shown.join(", "), items.len())
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
