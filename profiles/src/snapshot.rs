//! The snapshot schema `lucarne.snapshot/1`: everything the agent learnt about one device at
//! one moment, before analysis. Collectors fill it; the analysis, the diff and the server read
//! it. Every fact names the [`Source`] that gave it.
//!
//! Compatibility: fields may be added with `#[serde(default)]`; renaming or removing a field,
//! or changing its meaning, needs a new schema version.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::profile::Profile;

/// Schema identifier written in every snapshot.
pub const SNAPSHOT_SCHEMA: &str = "lucarne.snapshot/1";

/// Where a fact was read.
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
pub enum Source {
    /// A live device over USB (usbmuxd / lockdownd).
    Live,
    /// A Finder/iTunes backup.
    Backup,
    /// A `.mobileconfig` file given on the command line.
    ProfileFile,
    /// An App Privacy Report export.
    PrivacyReport,
}

/// One device, one moment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema, Default)]
pub struct Snapshot {
    /// Always [`SNAPSHOT_SCHEMA`].
    pub schema: String,
    /// When the agent took the snapshot, RFC 3339 UTC.
    pub taken_at: String,
    /// The agent's sequence number for this device, starting at 1, strictly increasing.
    pub sequence: u64,
    /// Hex SHA-256 of the previous snapshot's exact bytes, `None` for the first one.
    #[serde(default)]
    pub previous_hash: Option<String>,
    /// The sources read, in the order they were read.
    #[serde(default)]
    pub sources: Vec<SourceRead>,
    /// Identity and state of the device.
    pub device: Device,
    /// How the device is enrolled and supervised.
    pub enrolment: Enrolment,
    /// Installed configuration profiles, with their payloads.
    #[serde(default)]
    pub profiles: Vec<InstalledProfile>,
    /// Restrictions in force on the device (the combination of every profile and user setting).
    #[serde(default)]
    pub restrictions: Vec<EffectiveRestriction>,
    /// Installed apps.
    #[serde(default)]
    pub apps: Vec<App>,
    /// Certificates installed through profiles.
    #[serde(default)]
    pub certificates: Vec<Certificate>,
    /// Summary of the App Privacy Report, when one was given.
    #[serde(default)]
    pub privacy: Option<PrivacySummary>,
    /// The device's own history of profile and setting changes (from a backup).
    #[serde(default)]
    pub history: Vec<HistoryEvent>,
}

impl Snapshot {
    /// An empty snapshot of the current schema.
    pub fn new(taken_at: impl Into<String>) -> Self {
        Snapshot {
            schema: SNAPSHOT_SCHEMA.to_string(),
            taken_at: taken_at.into(),
            sequence: 0,
            ..Default::default()
        }
    }
}

/// A source read for this snapshot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SourceRead {
    /// Kind of source.
    pub source: Source,
    /// What exactly was read (device UDID, backup folder name, file name), for the report.
    pub detail: String,
}

/// Identity and state of the device. Every field is optional: each source knows some.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema, Default)]
pub struct Device {
    /// `UniqueDeviceID`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub udid: Option<String>,
    /// `DeviceName`, e.g. "iPad de Marie".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `ProductType`, e.g. `iPad13,18`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// `ProductVersion`, e.g. `18.1`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub os_version: Option<String>,
    /// `BuildVersion`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub build: Option<String>,
    /// `SerialNumber`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub serial: Option<String>,
    /// Other lockdown values worth keeping, by `domain/key` (e.g. `com.apple.fmip/IsAssociated`).
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    pub values: Map<String, Value>,
    /// Which source gave these values.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<Source>,
}

/// How the device is managed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema, Default)]
pub struct Enrolment {
    /// Supervised (`IsSupervised` / `DeviceIsChaperoned`); `None` when no source could tell.
    #[serde(default)]
    pub supervised: Option<bool>,
    /// Enrolled through Automated Device Enrollment (a non-empty `ConfigurationURL`).
    #[serde(default)]
    pub ade: Option<bool>,
    /// `OrganizationName` of the cloud configuration.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organisation: Option<String>,
    /// The MDM server URL (`ServerURL` of the `com.apple.mdm` payload).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mdm_server: Option<String>,
    /// The `AccessRights` integer of the MDM payload.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_rights: Option<u32>,
    /// The user cannot remove the MDM profile (`IsMDMUnremovable`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mdm_unremovable: Option<bool>,
    /// The device may pair with computers other than the supervisor (`AllowPairing`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allow_pairing: Option<bool>,
    /// The whole cloud configuration as read, for the raw view.
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    pub cloud_configuration: Map<String, Value>,
    /// Which source gave these values.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<Source>,
}

/// A profile installed on the device.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct InstalledProfile {
    /// The profile. Over USB only its top-level fields may be known (`payloads` empty and
    /// `payloads_known` false).
    pub profile: Profile,
    /// The payload list is complete (read from a file or a backup, not only a listing).
    #[serde(default)]
    pub payloads_known: bool,
    /// Installed by the MDM (`true`), by the user (`false`), or unknown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub managed: Option<bool>,
    /// Install date, RFC 3339, when the device tells.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub installed_at: Option<String>,
    /// Which source gave it.
    pub source: Source,
}

/// A restriction in force.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct EffectiveRestriction {
    /// The key, e.g. `allowCamera`.
    pub key: String,
    /// Its value in force.
    pub value: Value,
    /// Which source gave it.
    pub source: Source,
}

/// An installed app.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema, Default)]
pub struct App {
    /// `CFBundleIdentifier`.
    pub bundle_id: String,
    /// `CFBundleDisplayName` or `CFBundleName`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `CFBundleShortVersionString`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// `User` or `System`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_type: Option<String>,
    /// `SignerIdentity`: `Apple iPhone OS Application Signing` for App Store apps.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signer: Option<String>,
    /// Installed under a provisioning profile (`ProfileValidated`): in-house or ad hoc.
    #[serde(default)]
    pub provisioned: bool,
    /// Managed by the MDM: known from a backup's `MDMAppManagement.plist`, unknown over USB.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub managed: Option<bool>,
    /// Selected entitlements (keys only where values could be personal).
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    pub entitlements: Map<String, Value>,
    /// Which source gave it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<Source>,
}

/// A certificate installed through a profile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema, Default)]
pub struct Certificate {
    /// Subject distinguished name.
    pub subject: String,
    /// Issuer distinguished name.
    #[serde(default)]
    pub issuer: String,
    /// Hex SHA-256 of the DER encoding.
    pub sha256: String,
    /// It is a certificate authority (basic constraints `cA`, or self-signed).
    pub is_ca: bool,
    /// `PayloadIdentifier` of the profile that installed it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile: Option<String>,
    /// `PayloadUUID` of the payload that carried it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payload_uuid: Option<String>,
    /// Which source gave it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<Source>,
}

/// What an App Privacy Report says, per app.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema, Default)]
pub struct PrivacySummary {
    /// Apps in the report.
    pub apps: Vec<AppPrivacy>,
    /// Lines that could not be read and were skipped.
    #[serde(default)]
    pub skipped_lines: u64,
    /// Earliest timestamp in the report, RFC 3339.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    /// Latest timestamp in the report, RFC 3339.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
}

/// One app's activity in the App Privacy Report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema, Default)]
pub struct AppPrivacy {
    /// Bundle identifier.
    pub bundle_id: String,
    /// Accesses to protected resources.
    #[serde(default)]
    pub accesses: Vec<ResourceAccess>,
    /// Network domains contacted.
    #[serde(default)]
    pub domains: Vec<DomainContact>,
}

/// A use of a protected resource over a time range.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema, Default)]
pub struct ResourceAccess {
    /// `location`, `camera`, `microphone`, `contacts`, `photos`, …
    pub category: String,
    /// Start, RFC 3339.
    pub from: String,
    /// End, RFC 3339 (absent when the interval never closed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
}

/// A network domain an app contacted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema, Default)]
pub struct DomainContact {
    /// Host name or address.
    pub domain: String,
    /// Number of contacts.
    pub hits: u64,
    /// First contact, RFC 3339.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first: Option<String>,
    /// Last contact, RFC 3339.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last: Option<String>,
    /// Owner of the domain as the report names it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
}

/// An event from the device's own history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct HistoryEvent {
    /// When, RFC 3339.
    pub at: String,
    /// `profile-installed`, `profile-removed`, `setting-set`, `setting-removed`.
    pub kind: String,
    /// The profile identifier or the setting key.
    pub subject: String,
    /// The new value of a setting, when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<Value>,
    /// The process that made the change (e.g. `dmd`, `profiled`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub process: Option<String>,
    /// Which source gave it.
    pub source: Source,
}

/// The JSON Schema of [`Snapshot`], as published in `profiles/schema/snapshot.schema.json`.
pub fn json_schema() -> serde_json::Value {
    let mut schema = serde_json::to_value(schemars::schema_for!(Snapshot)).unwrap_or_default();
    if let Some(obj) = schema.as_object_mut() {
        obj.insert(
            "$id".into(),
            "https://lucarne.invalid/schema/snapshot-1.json".into(),
        );
        obj.insert(
            "description".into(),
            format!("Lucarne device snapshot, schema `{SNAPSHOT_SCHEMA}`.").into(),
        );
    }
    schema
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The published schema must be the one the code defines. Regenerate with
    /// `LUCARNE_UPDATE_SCHEMA=1 cargo test -p lucarne-profiles published_schema`.
    #[test]
    fn published_schema_matches_the_code() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/schema/snapshot.schema.json");
        let generated = serde_json::to_string_pretty(&json_schema()).unwrap_or_default() + "\n";
        if std::env::var_os("LUCARNE_UPDATE_SCHEMA").is_some() {
            std::fs::write(path, &generated).unwrap_or_default();
        }
        let published = std::fs::read_to_string(path).unwrap_or_default();
        assert_eq!(
            published, generated,
            "run with LUCARNE_UPDATE_SCHEMA=1 to update"
        );
    }

    #[test]
    fn a_snapshot_round_trips_through_json() {
        let mut s = Snapshot::new("2026-11-25T10:00:00Z");
        s.sequence = 3;
        s.device.udid = Some("00008103-001A2B3C4D5E6F70".into());
        s.enrolment.supervised = Some(true);
        s.enrolment.access_rights = Some(8191);
        let text = serde_json::to_string(&s).unwrap_or_default();
        let back: Snapshot = serde_json::from_str(&text).unwrap_or_default();
        assert_eq!(back, s);
        assert!(text.contains("\"schema\":\"lucarne.snapshot/1\""));
    }
}
