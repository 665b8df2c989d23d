//! The catalogue: what each configuration payload, restriction key, MDM command and
//! `AccessRights` bit lets the administration do, as facts (their words are in `lucarne-words`,
//! `words/locales/*/catalog.ftl`).
//!
//! # Where the facts come from
//!
//! The data lives in TOML files under `profiles/catalog/`, embedded in the binary at build
//! time, so that the facts can be reviewed and corrected without touching Rust:
//!
//! - `payloads.toml`: every configuration-profile payload type that exists on iOS/iPadOS.
//!   The list and the `supervised_only` flag come from Apple's schema (`mdm/profiles/*.yaml`,
//!   the iOS `supervised` flag at payload level). Where Apple's prose says more than the flag
//!   (web content filter, `ProhibitDisablement` of DNS settings, Always-on VPN), the entry
//!   carries a `supervised_note`. The category and the verbs are
//!   Lucarne's own reading of what the payload gives the administration.
//! - `restrictions.toml`: every key of `com.apple.applicationaccess` that exists on iOS. Type,
//!   default, `supervised_only` and `introduced` come from the schema
//!   (`mdm/profiles/com.apple.applicationaccess.yaml`, key level, falling back to the payload
//!   level as the schema says); `deprecated` from the key's iOS `deprecated` field.
//! - `commands.toml`: every MDM command that exists on iOS (`mdm/commands/*.yaml`), with the
//!   access right it needs. Apple's schema names the right (`AllowDeviceErase`…) but never
//!   gives its number; the number is inferred by matching the names with the bit descriptions
//!   of `com.apple.mdm` (see `access_rights.toml`). `None` in the schema is stored as `0`.
//! - `access_rights.toml`: the 13 bits of the `AccessRights` key of `com.apple.mdm`.
//! - `payload_schema.toml` (generated, not edited by hand): every payload type of the schema,
//!   for every platform (macOS-only ones included, so that a profile written for a Mac is
//!   said to have no effect on an iPad rather than to be unknown), with its platforms, its
//!   iOS deprecation, and the keys whose platforms or iOS `supervised` flag differ from their
//!   parent's. [`Catalog::key_platform`] and [`Catalog::key_supervised_only`] answer for any
//!   key path from it.
//! - `payload_facts.toml`: Lucarne's facts about each payload type, in one place for
//!   analysis, diff and redaction: topic, roles (trust anchor, traffic path, account,
//!   identity, enrolment), the keys naming a server (targets), holding a secret, or chosen by
//!   a vendor (opaque), and the supervision conditions Apple states only in prose (each with
//!   its source in a comment).
//! - `app_categories.toml`: a short, sourced list of apps that can show or control the screen
//!   or monitor the device, by bundle identifier.
//!
//! Restrictions carry `evidence_keeping` (the restricting value takes away screenshots,
//! screen recordings or backups); commands carry `shared_ipad_only`, `obsolete_since` (the
//! schema's iOS `deprecated`/`removed`) and a [`Topic`]; access rights a [`Topic`].
//!
//! `payload_schema.toml` is separate from `payloads.toml` because it covers every payload
//! type of every platform and is regenerated, whereas `payloads.toml` lists the iOS types
//! Lucarne describes; `payload_facts.toml` is separate because it also covers types that
//! have no entry there (macOS ones, for their secrets; the over-the-air `Profile Service`).
//!
//! `profiles/catalog/reference/` holds CSV tables derived from that schema (release
//! `Release_iOS-18-1_macOS-15-1`) by `reference/extract.py`, which also writes
//! `payload_schema.toml`; the tests check the TOML files against the tables, so a fact typed
//! by hand cannot drift from the source.
//!
//! # Updating from a newer Apple schema
//!
//! 1. Run `python3 profiles/catalog/reference/extract.py <device-management checkout>`
//!    (PyYAML needed): it rewrites the CSV tables and `payload_schema.toml`. Update the
//!    commit named in `reference/README.md`.
//! 2. Run `cargo test -p lucarne-profiles --test catalog`: the tests list every entry missing
//!    from the TOML files and every flag or version that no longer matches.
//! 3. Add or fix those entries by hand, writing each sentence for its entry, in both
//!    languages, and the facts of any new payload type in `payload_facts.toml`.
//!
//! # Loading
//!
//! [`catalog()`] parses the embedded files once. A parse failure of embedded data is a
//! programming error that the tests catch; [`load`] reports it with the file and the entry.
//!
//! ```
//! use lucarne_profiles::catalog::catalog;
//!
//! let c = catalog();
//! // A server holding only the "erase" right (8) can erase, and still use Lost Mode.
//! let opened: Vec<&str> = c.commands_opened_by(8).iter().map(|m| m.request_type.as_str()).collect();
//! assert!(opened.contains(&"EraseDevice") && opened.contains(&"EnableLostMode"));
//! assert_eq!(c.decode_rights(8)[0].name, "AllowDeviceErase");
//! ```

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

pub use crate::capability::Topic;
use crate::capability::Verb;

/// The text of the catalogue files.
#[derive(Debug, Clone, Copy)]
pub struct Sources<'a> {
    /// Content of `payloads.toml`.
    pub payloads: &'a str,
    /// Content of `restrictions.toml`.
    pub restrictions: &'a str,
    /// Content of `commands.toml`.
    pub commands: &'a str,
    /// Content of `access_rights.toml`.
    pub access_rights: &'a str,
    /// Content of `payload_schema.toml`.
    pub payload_schema: &'a str,
    /// Content of `payload_facts.toml`.
    pub payload_facts: &'a str,
    /// Content of `app_categories.toml`.
    pub app_categories: &'a str,
}

impl Sources<'static> {
    /// The files shipped with Lucarne, embedded at build time.
    pub const EMBEDDED: Sources<'static> = Sources {
        payloads: include_str!("../catalog/payloads.toml"),
        restrictions: include_str!("../catalog/restrictions.toml"),
        commands: include_str!("../catalog/commands.toml"),
        access_rights: include_str!("../catalog/access_rights.toml"),
        payload_schema: include_str!("../catalog/payload_schema.toml"),
        payload_facts: include_str!("../catalog/payload_facts.toml"),
        app_categories: include_str!("../catalog/app_categories.toml"),
    };
}

/// Why a catalogue file could not be loaded.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CatalogError {
    /// The file is not valid TOML.
    #[error("{file}: not valid TOML: {source}")]
    Syntax {
        /// File name.
        file: &'static str,
        /// What the TOML parser said.
        source: Box<toml::de::Error>,
    },
    /// The file has a top-level key other than its list of entries.
    #[error("{file}: unexpected top-level key `{key}` (expected only `{expected}`)")]
    UnexpectedKey {
        /// File name.
        file: &'static str,
        /// The key found.
        key: String,
        /// The only key allowed.
        expected: &'static str,
    },
    /// One entry does not have the expected fields or types.
    #[error("{file}: entry {entry}: {source}")]
    Entry {
        /// File name.
        file: &'static str,
        /// Position (from 1) and identifier of the entry.
        entry: String,
        /// What the deserializer said.
        source: Box<toml::de::Error>,
    },
    /// One entry breaks a rule of the catalogue (duplicate, empty text, unknown bit…).
    #[error("{file}: entry {entry}: {reason}")]
    Invalid {
        /// File name.
        file: &'static str,
        /// Identifier of the entry.
        entry: String,
        /// The rule broken.
        reason: String,
    },
}

/// The theme of a payload, used to group statements in a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Category {
    /// Enrolment in the MDM and setup of the device.
    Enrolment,
    /// Network traffic: proxy, VPN, DNS, filters, Wi-Fi, cellular.
    Traffic,
    /// Certificates trusted by the device.
    Certificates,
    /// Mail, calendar, contacts and other accounts.
    Accounts,
    /// Watching the screen or the classroom.
    Observation,
    /// Restrictions on what the user may do.
    Restrictions,
    /// Apps and what is shown on the home screen.
    Apps,
    /// Identities issued to the device and single sign-on.
    Identity,
    /// Passcode rules.
    Passcode,
    /// Device-wide settings.
    Device,
    /// Anything else.
    Other,
}

/// Whether a command reads from the device or changes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CommandKind {
    /// Returns information and changes nothing.
    Read,
    /// Changes the device.
    Change,
}

/// Whether an item is available under User Enrollment (personally owned devices).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum UserEnrollment {
    /// Available.
    Allowed,
    /// Not available.
    Forbidden,
    /// Only available under User Enrollment.
    Required,
    /// Accepted but without effect.
    Ignored,
}

/// The type of a restriction key's value, as Apple's schema states it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ValueType {
    /// `true` or `false`.
    Boolean,
    /// A whole number.
    Integer,
    /// A number with a fractional part.
    Real,
    /// Text.
    String,
    /// A list (of app identifiers, for instance).
    Array,
}

/// A scalar value of a restriction key (its default or restricting value).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum ScalarValue {
    /// A boolean.
    Boolean(bool),
    /// A whole number.
    Integer(i64),
    /// A real number.
    Real(f64),
    /// Text.
    String(String),
}

impl ScalarValue {
    /// Whether the value is of the type `value_type` names.
    pub fn fits(&self, value_type: ValueType) -> bool {
        matches!(
            (self, value_type),
            (ScalarValue::Boolean(_), ValueType::Boolean)
                | (ScalarValue::Integer(_), ValueType::Integer)
                | (ScalarValue::Real(_), ValueType::Real)
                | (ScalarValue::String(_), ValueType::String)
        )
    }
}

/// An Apple platform, as Apple's schema names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Platform {
    /// iOS and iPadOS.
    Ios,
    /// macOS.
    Macos,
    /// tvOS.
    Tvos,
    /// visionOS.
    Visionos,
    /// watchOS.
    Watchos,
}

/// Where a payload type or key acts, as far as an iPad is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PlatformScope {
    /// iOS/iPadOS and macOS.
    Both,
    /// iOS/iPadOS and not macOS (other platforms aside).
    IosOnly,
    /// macOS and not iOS/iPadOS: no effect on an iPad.
    MacosOnly,
    /// Neither iOS/iPadOS nor macOS (only tvOS, visionOS or watchOS): no effect on an iPad.
    Elsewhere,
}

impl PlatformScope {
    /// The scope of something that exists on `platforms`.
    pub fn of(platforms: &[Platform]) -> Self {
        match (
            platforms.contains(&Platform::Ios),
            platforms.contains(&Platform::Macos),
        ) {
            (true, true) => PlatformScope::Both,
            (true, false) => PlatformScope::IosOnly,
            (false, true) => PlatformScope::MacosOnly,
            (false, false) => PlatformScope::Elsewhere,
        }
    }

    /// Whether it can act on an iPad.
    pub fn acts_on_ios(self) -> bool {
        matches!(self, PlatformScope::Both | PlatformScope::IosOnly)
    }
}

/// What a payload type is, for analysis, diff and redaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PayloadRole {
    /// May install a certificate authority the device trusts (whether a given certificate is
    /// one is decided on the certificate: an intermediate is not).
    TrustAnchor,
    /// Routes or filters the device's traffic by its nature.
    TrafficPath,
    /// An account whose server receives mail, contacts, calendars or directory queries.
    Account,
    /// Issues or installs an identity (private key and certificate).
    Identity,
    /// Enrols the device with a server.
    Enrolment,
}

/// What an app that can observe the screen or the device does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum AppCategory {
    /// A remote-support tool: shows the screen to a remote technician.
    RemoteControl,
    /// A meeting app that can broadcast the whole screen.
    ScreenSharing,
    /// An agent that inspects the device's traffic or security state for the organisation.
    DeviceMonitoring,
}

impl AppCategory {
    /// Its name, as in the catalogue, JSON and message ids.
    pub fn as_str(self) -> &'static str {
        match self {
            AppCategory::RemoteControl => "remote-control",
            AppCategory::ScreenSharing => "screen-sharing",
            AppCategory::DeviceMonitoring => "device-monitoring",
        }
    }
}

/// One configuration-profile payload type.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PayloadEntry {
    /// `PayloadType`, e.g. `com.apple.proxy.http.global`.
    pub payload_type: String,
    /// Apple's flag: the payload installs only on a supervised device.
    pub supervised_only: bool,
    /// Theme.
    pub category: Category,
    /// The kinds of power the payload gives.
    pub verbs: Vec<Verb>,
}

/// One key of the restrictions payload `com.apple.applicationaccess`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RestrictionEntry {
    /// The key, e.g. `allowCamera`.
    pub key: String,
    /// Type of its value.
    pub value_type: ValueType,
    /// Value when the key is absent, if Apple states one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<ScalarValue>,
    /// The key works only on a supervised device.
    pub supervised_only: bool,
    /// iOS version that introduced the key.
    pub introduced: String,
    /// iOS version that deprecated the key, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deprecated: Option<String>,
    /// For boolean keys, the value that restricts the user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub restricted_value: Option<bool>,
    /// The restricting value takes away a way for the user to keep evidence of what happens
    /// on the device: screenshots, screen recordings, backups.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub evidence_keeping: bool,
}

/// One MDM command.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CommandEntry {
    /// `RequestType`, e.g. `EraseDevice`.
    pub request_type: String,
    /// Reads or changes.
    pub kind: CommandKind,
    /// The `AccessRights` bit the command needs; 0 when it needs none.
    pub access_right: u32,
    /// Works only on a supervised device.
    pub supervised_only: bool,
    /// Needs a device enrolled through Automated Device Enrollment.
    pub requires_ade: bool,
    /// Acts only on a Shared iPad.
    pub shared_ipad_only: bool,
    /// The iOS version from which Apple's schema marks the command deprecated or removed:
    /// it no longer acts on devices at that version or later.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub obsolete_since: Option<String>,
    /// What the command lets the administration do.
    pub topic: Topic,
    /// Availability under User Enrollment.
    pub user_enrollment: UserEnrollment,
    /// The kind of power it gives.
    pub verb: Verb,
}

/// One bit of the `AccessRights` key of the MDM payload.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccessRightEntry {
    /// The bit value (1, 2, 4 … 4096).
    pub bit: u32,
    /// The name Apple's schema uses, e.g. `AllowDeviceErase`.
    pub name: String,
    /// What the bit lets the administration do.
    pub topic: Topic,
    /// The kind of power it gives.
    pub verb: Verb,
}

/// What Apple's schema says about one payload type (`payload_schema.toml`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SchemaPayloadEntry {
    /// `PayloadType` (or `TopLevel` and `CommonPayloadKeys`, the profile's envelope and the
    /// keys common to every payload).
    pub payload_type: String,
    /// The platforms where the payload type exists.
    pub platforms: Vec<Platform>,
    /// iOS version that deprecated the payload type, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ios_deprecated: Option<String>,
    /// iOS version that removed the payload type, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ios_removed: Option<String>,
    /// The keys whose facts differ from their parent's (enclosing key, else the payload).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub keys: Vec<SchemaKeyEntry>,
}

/// One key whose facts differ from its parent's, in `payload_schema.toml`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SchemaKeyEntry {
    /// Key path: `Parent/Child`, `Parent[]/Child` for the dictionaries inside an array.
    pub key: String,
    /// The platforms where the key exists, when not its parent's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub platforms: Option<Vec<Platform>>,
    /// Apple's iOS `supervised` flag, when not its parent's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supervised_only: Option<bool>,
}

/// When a payload needs a supervised device, according to Apple's prose.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SupervisionCondition {
    /// Supervision is needed on iOS versions before this one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub os_before: Option<String>,
    /// Supervision is needed when this key is absent from the payload.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_absent: Option<String>,
}

/// Lucarne's facts about one payload type (`payload_facts.toml`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PayloadFactsEntry {
    /// `PayloadType`.
    pub payload_type: String,
    /// What the payload lets the administration do.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub topic: Option<Topic>,
    /// What the payload type is.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub roles: Vec<PayloadRole>,
    /// Key paths whose value names a server, URL or host that traffic or data goes to.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub target_keys: Vec<String>,
    /// Key paths whose non-empty value makes the payload send traffic through a proxy.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub traffic_path_keys: Vec<String>,
    /// Key paths holding a secret (the value and everything under it).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub secret_keys: Vec<String>,
    /// Dictionaries whose keys a vendor chooses: their values must be judged by content.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub opaque_keys: Vec<String>,
    /// Keys that need a supervised device according to Apple's prose, beyond the schema.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub supervised_keys: Vec<String>,
    /// When the whole payload needs a supervised device, beyond the schema's flag.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supervised_when: Option<SupervisionCondition>,
    /// Platforms of a payload type that Apple's schema does not list.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub platforms: Option<Vec<Platform>>,
}

/// One app, or one publisher's apps, that can observe the screen or the device.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AppEntry {
    /// The app's or publisher's name (a proper noun).
    pub name: String,
    /// What it can do.
    pub category: AppCategory,
    /// A bundle identifier, matched exactly (ignoring ASCII case).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exact: Option<String>,
    /// A reverse-DNS prefix: matches itself and every identifier under it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prefix: Option<String>,
    /// Where the bundle identifier and the category come from.
    pub source: String,
}

impl AppEntry {
    /// How well the entry matches `bundle_id`: `None` when it does not, else a rank where
    /// higher is more specific (an exact match beats any prefix, a longer prefix a shorter).
    fn rank(&self, bundle_id: &str) -> Option<usize> {
        if let Some(exact) = &self.exact {
            return exact.eq_ignore_ascii_case(bundle_id).then_some(usize::MAX);
        }
        let prefix = self.prefix.as_deref()?;
        let head = bundle_id.get(..prefix.len())?;
        let rest = &bundle_id[prefix.len()..];
        (head.eq_ignore_ascii_case(prefix) && (rest.is_empty() || rest.starts_with('.')))
            .then_some(prefix.len())
    }
}

/// The whole catalogue.
#[derive(Debug, Clone)]
pub struct Catalog {
    payloads: Vec<PayloadEntry>,
    restrictions: Vec<RestrictionEntry>,
    commands: Vec<CommandEntry>,
    access_rights: Vec<AccessRightEntry>,
    schema: Vec<SchemaPayloadEntry>,
    facts: Vec<PayloadFactsEntry>,
    apps: Vec<AppEntry>,
    /// Payload type → index in `schema`.
    schema_index: HashMap<String, usize>,
    /// Payload type → key path → index in that entry's `keys`.
    schema_keys: HashMap<String, HashMap<String, usize>>,
    /// Payload type → index in `facts`.
    facts_index: HashMap<String, usize>,
}

/// `A/B[3]/C` → `A/B[]/C`: array indices as a path from a profile carries them, to the form
/// the catalogue uses.
pub fn normalise_key_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut chars = path.chars().peekable();
    while let Some(c) = chars.next() {
        out.push(c);
        if c == '[' {
            while chars.peek().is_some_and(char::is_ascii_digit) {
                chars.next();
            }
        }
    }
    out
}

/// The parent of a key path: `A/B[]/C` → `A/B[]`, `A/B[]` → `A/B`, `A` → none (the
/// payload itself).
pub fn parent_key_path(path: &str) -> Option<&str> {
    if let Some(stripped) = path.strip_suffix("[]") {
        return Some(stripped);
    }
    path.rsplit_once('/').map(|(parent, _)| parent)
}

/// Whether the key path `listed` names `path` or one of its ancestors: `Relays[]/Headers`
/// covers `Relays[]/Headers/Authorization`; `Password` does not cover `PasswordHint`.
pub fn key_path_covers(listed: &str, path: &str) -> bool {
    match path.strip_prefix(listed) {
        Some(rest) => rest.is_empty() || rest.starts_with('/') || rest.starts_with('['),
        None => false,
    }
}

impl Catalog {
    /// The payload type `payload_type`, if known.
    pub fn payload(&self, payload_type: &str) -> Option<&PayloadEntry> {
        self.payloads
            .iter()
            .find(|p| p.payload_type == payload_type)
    }

    /// The restriction key `key`, if known.
    pub fn restriction(&self, key: &str) -> Option<&RestrictionEntry> {
        self.restrictions.iter().find(|r| r.key == key)
    }

    /// The command `request_type`, if known.
    pub fn command(&self, request_type: &str) -> Option<&CommandEntry> {
        self.commands
            .iter()
            .find(|c| c.request_type == request_type)
    }

    /// The access right with value `bit`, if it is one of the 13.
    pub fn access_right(&self, bit: u32) -> Option<&AccessRightEntry> {
        self.access_rights.iter().find(|a| a.bit == bit)
    }

    /// All access rights, lowest bit first.
    pub fn access_rights(&self) -> &[AccessRightEntry] {
        &self.access_rights
    }

    /// The access rights whose bit is set in `mask`, lowest bit first. Bits that are not
    /// access rights are ignored here; [`Catalog::unknown_rights`] reports them.
    pub fn decode_rights(&self, mask: u32) -> Vec<&AccessRightEntry> {
        self.access_rights
            .iter()
            .filter(|a| mask & a.bit != 0)
            .collect()
    }

    /// The bits of `mask` that are not known access rights (0 when all are known).
    pub fn unknown_rights(&self, mask: u32) -> u32 {
        let known = self.access_rights.iter().fold(0, |acc, a| acc | a.bit);
        mask & !known
    }

    /// The commands a server holding `mask` may send: those whose right is set in `mask`,
    /// and those that need no right at all (Lost Mode, location…).
    pub fn commands_opened_by(&self, mask: u32) -> Vec<&CommandEntry> {
        self.commands
            .iter()
            .filter(|c| c.access_right == 0 || mask & c.access_right != 0)
            .collect()
    }

    /// Every payload type.
    pub fn payloads(&self) -> impl Iterator<Item = &PayloadEntry> {
        self.payloads.iter()
    }

    /// Every restriction key.
    pub fn restrictions(&self) -> impl Iterator<Item = &RestrictionEntry> {
        self.restrictions.iter()
    }

    /// Every command.
    pub fn commands(&self) -> impl Iterator<Item = &CommandEntry> {
        self.commands.iter()
    }

    /// The restriction keys whose restricting value takes away a way to keep evidence.
    pub fn evidence_keeping_restrictions(&self) -> impl Iterator<Item = &RestrictionEntry> {
        self.restrictions.iter().filter(|r| r.evidence_keeping)
    }

    /// What Apple's schema says about `payload_type`, if it lists it.
    pub fn payload_schema(&self, payload_type: &str) -> Option<&SchemaPayloadEntry> {
        self.schema_index
            .get(payload_type)
            .and_then(|&i| self.schema.get(i))
    }

    /// Every payload type of Apple's schema, for every platform.
    pub fn payload_schemas(&self) -> impl Iterator<Item = &SchemaPayloadEntry> {
        self.schema.iter()
    }

    /// Where `payload_type` acts; `None` when neither Apple's schema nor the catalogue knows
    /// the type.
    pub fn payload_platform(&self, payload_type: &str) -> Option<PlatformScope> {
        if let Some(entry) = self.payload_schema(payload_type) {
            return Some(PlatformScope::of(&entry.platforms));
        }
        self.payload_facts(payload_type)
            .and_then(|f| f.platforms.as_deref())
            .map(PlatformScope::of)
    }

    /// Where the key at `key_path` (`Parent/Child`, `Parent[]/Child`; array indices such as
    /// `Parent[2]` are accepted) of `payload_type` acts. A key the schema does not describe
    /// has its nearest described ancestor's platforms, else the payload type's. `None` when
    /// the payload type is unknown.
    pub fn key_platform(&self, payload_type: &str, key_path: &str) -> Option<PlatformScope> {
        let entry = self.payload_schema(payload_type)?;
        let path = normalise_key_path(key_path);
        let platforms = self
            .schema_key_fact(payload_type, &path, |k| k.platforms.as_deref())
            .unwrap_or(&entry.platforms);
        Some(PlatformScope::of(platforms))
    }

    /// Whether the key at `key_path` of `payload_type` works only on a supervised iPad:
    /// Apple's iOS `supervised` flag for the key (else its nearest described ancestor's,
    /// else the payload type's, as in `payloads.toml`), or Apple's prose
    /// ([`PayloadFactsEntry::supervised_keys`]). False for a key that does not act on iOS
    /// and for an unknown payload type.
    pub fn key_supervised_only(&self, payload_type: &str, key_path: &str) -> bool {
        let path = normalise_key_path(key_path);
        if !self
            .key_platform(payload_type, &path)
            .is_some_and(PlatformScope::acts_on_ios)
        {
            return false;
        }
        let by_prose = self.payload_facts(payload_type).is_some_and(|f| {
            f.supervised_keys
                .iter()
                .any(|listed| key_path_covers(listed, &path))
        });
        if by_prose {
            return true;
        }
        let payload_flag = self
            .payload(payload_type)
            .is_some_and(|p| p.supervised_only);
        self.schema_key_fact(payload_type, &path, |k| k.supervised_only)
            .unwrap_or(payload_flag)
    }

    /// The first fact `pick` finds on `path` or its nearest ancestor listed in the schema.
    fn schema_key_fact<'a, T>(
        &'a self,
        payload_type: &str,
        path: &str,
        pick: impl Fn(&'a SchemaKeyEntry) -> Option<T>,
    ) -> Option<T> {
        let keys = self.schema_keys.get(payload_type)?;
        let entry = self.payload_schema(payload_type)?;
        let mut current = Some(path);
        while let Some(p) = current {
            if let Some(found) = keys.get(p).and_then(|&i| entry.keys.get(i)).and_then(&pick) {
                return Some(found);
            }
            current = parent_key_path(p);
        }
        None
    }

    /// Whether `payload_type` is deprecated on iOS but still acts (e.g. the legacy APN
    /// payload `com.apple.apn.managed`).
    pub fn is_legacy_type(&self, payload_type: &str) -> bool {
        self.payload_schema(payload_type).is_some_and(|e| {
            e.ios_deprecated.is_some()
                && e.ios_removed.is_none()
                && e.platforms.contains(&Platform::Ios)
        })
    }

    /// Lucarne's facts about `payload_type`, if any.
    pub fn payload_facts(&self, payload_type: &str) -> Option<&PayloadFactsEntry> {
        self.facts_index
            .get(payload_type)
            .and_then(|&i| self.facts.get(i))
    }

    /// Every payload type Lucarne has facts about.
    pub fn payload_facts_all(&self) -> impl Iterator<Item = &PayloadFactsEntry> {
        self.facts.iter()
    }

    /// What the payload lets the administration do, if known.
    pub fn payload_topic(&self, payload_type: &str) -> Option<Topic> {
        self.payload_facts(payload_type).and_then(|f| f.topic)
    }

    /// The roles of `payload_type` (empty when it has none or is unknown).
    pub fn payload_roles(&self, payload_type: &str) -> &[PayloadRole] {
        self.payload_facts(payload_type)
            .map_or(&[], |f| f.roles.as_slice())
    }

    /// Whether `payload_type` may install a trust anchor (root, PEM and DER certificates).
    pub fn is_trust_anchor_type(&self, payload_type: &str) -> bool {
        self.payload_roles(payload_type)
            .contains(&PayloadRole::TrustAnchor)
    }

    /// Whether `payload_type` routes or filters traffic by its nature (VPN, proxy, DNS,
    /// content filter, relay). Wi-Fi, cellular and Ethernet payloads are traffic paths only
    /// through a proxy: see [`Catalog::traffic_path_keys`].
    pub fn is_traffic_path_type(&self, payload_type: &str) -> bool {
        self.payload_roles(payload_type)
            .contains(&PayloadRole::TrafficPath)
    }

    /// Key paths of `payload_type` naming a server, URL or host that traffic or data goes to.
    pub fn target_keys(&self, payload_type: &str) -> &[String] {
        self.payload_facts(payload_type)
            .map_or(&[], |f| f.target_keys.as_slice())
    }

    /// Key paths of `payload_type` whose non-empty value sends traffic through a proxy.
    pub fn traffic_path_keys(&self, payload_type: &str) -> &[String] {
        self.payload_facts(payload_type)
            .map_or(&[], |f| f.traffic_path_keys.as_slice())
    }

    /// Key paths of `payload_type` holding a secret (the value and everything under it).
    pub fn secret_keys(&self, payload_type: &str) -> &[String] {
        self.payload_facts(payload_type)
            .map_or(&[], |f| f.secret_keys.as_slice())
    }

    /// Whether the key at `key_path` of `payload_type` holds a secret or lies under one.
    pub fn is_secret_key_path(&self, payload_type: &str, key_path: &str) -> bool {
        let path = normalise_key_path(key_path);
        self.secret_keys(payload_type)
            .iter()
            .any(|listed| key_path_covers(listed, &path))
    }

    /// Vendor-defined dictionaries of `payload_type`, whose values must be judged by content.
    pub fn opaque_keys(&self, payload_type: &str) -> &[String] {
        self.payload_facts(payload_type)
            .map_or(&[], |f| f.opaque_keys.as_slice())
    }

    /// When the whole payload needs a supervised device beyond the schema's flag (content
    /// filters before iOS 16 or without `ContentFilterUUID`, DNS proxies before iOS 15).
    pub fn payload_supervised_when(&self, payload_type: &str) -> Option<&SupervisionCondition> {
        self.payload_facts(payload_type)
            .and_then(|f| f.supervised_when.as_ref())
    }

    /// The entry matching `bundle_id` among the apps that can observe the screen or the
    /// device: an exact identifier first, else the longest publisher prefix.
    pub fn app(&self, bundle_id: &str) -> Option<&AppEntry> {
        self.apps
            .iter()
            .filter_map(|a| a.rank(bundle_id).map(|rank| (rank, a)))
            .max_by_key(|(rank, _)| *rank)
            .map(|(_, a)| a)
    }

    /// The category of `bundle_id`, if it is a known app that can observe the screen or the
    /// device.
    pub fn app_category(&self, bundle_id: &str) -> Option<AppCategory> {
        self.app(bundle_id).map(|a| a.category)
    }

    /// Every known app that can observe the screen or the device.
    pub fn apps(&self) -> impl Iterator<Item = &AppEntry> {
        self.apps.iter()
    }
}

/// The catalogue shipped with Lucarne, parsed on first use.
pub fn catalog() -> &'static Catalog {
    static CATALOG: OnceLock<Catalog> = OnceLock::new();
    CATALOG.get_or_init(|| {
        load(Sources::EMBEDDED)
            .expect("the embedded catalogue is checked by the tests of profiles::catalog")
    })
}

/// Parses and checks the catalogue files.
pub fn load(sources: Sources<'_>) -> Result<Catalog, CatalogError> {
    const PAYLOADS: &str = "payloads.toml";
    const RESTRICTIONS: &str = "restrictions.toml";
    const COMMANDS: &str = "commands.toml";
    const ACCESS_RIGHTS: &str = "access_rights.toml";
    const SCHEMA: &str = "payload_schema.toml";
    const FACTS: &str = "payload_facts.toml";
    const APPS: &str = "app_categories.toml";

    let payloads: Vec<PayloadEntry> =
        entries(PAYLOADS, sources.payloads, "payload", "payload_type")?;
    let restrictions: Vec<RestrictionEntry> =
        entries(RESTRICTIONS, sources.restrictions, "restriction", "key")?;
    let commands: Vec<CommandEntry> =
        entries(COMMANDS, sources.commands, "command", "request_type")?;
    let access_rights: Vec<AccessRightEntry> =
        entries(ACCESS_RIGHTS, sources.access_rights, "access_right", "name")?;

    let mut seen = HashSet::new();
    for p in &payloads {
        let id = &p.payload_type;
        unique(PAYLOADS, id, &mut seen)?;
        if p.verbs.is_empty() {
            return Err(invalid(PAYLOADS, id, "no verb"));
        }
    }

    let mut seen = HashSet::new();
    for r in &restrictions {
        let id = &r.key;
        unique(RESTRICTIONS, id, &mut seen)?;
        if let Some(default) = &r.default {
            if !default.fits(r.value_type) {
                return Err(invalid(RESTRICTIONS, id, "default does not fit value_type"));
            }
        }
        if r.restricted_value.is_some() != (r.value_type == ValueType::Boolean) {
            return Err(invalid(
                RESTRICTIONS,
                id,
                "restricted_value must be given for boolean keys and only for them",
            ));
        }
    }

    let mut seen = HashSet::new();
    for a in &access_rights {
        unique(ACCESS_RIGHTS, &a.name, &mut seen)?;
        if !a.bit.is_power_of_two() {
            return Err(invalid(ACCESS_RIGHTS, &a.name, "bit is not a power of two"));
        }
        if !seen.insert(format!("bit {}", a.bit)) {
            return Err(invalid(ACCESS_RIGHTS, &a.name, "bit listed twice"));
        }
    }
    let mut access_rights = access_rights;
    access_rights.sort_by_key(|a| a.bit);

    let mut seen = HashSet::new();
    for c in &commands {
        let id = &c.request_type;
        unique(COMMANDS, id, &mut seen)?;
        if c.access_right != 0 && !access_rights.iter().any(|a| a.bit == c.access_right) {
            return Err(invalid(COMMANDS, id, "access_right is not a known bit"));
        }
        if c.obsolete_since.as_deref().is_some_and(|v| !is_version(v)) {
            return Err(invalid(COMMANDS, id, "obsolete_since is not a version"));
        }
    }

    let schema: Vec<SchemaPayloadEntry> =
        entries(SCHEMA, sources.payload_schema, "payload", "payload_type")?;
    let mut schema_index = HashMap::new();
    let mut schema_keys = HashMap::new();
    for (index, p) in schema.iter().enumerate() {
        let id = &p.payload_type;
        if id.trim().is_empty() || schema_index.insert(id.clone(), index).is_some() {
            return Err(invalid(SCHEMA, id, "empty or listed twice"));
        }
        if p.platforms.is_empty() {
            return Err(invalid(SCHEMA, id, "no platform"));
        }
        for version in [&p.ios_deprecated, &p.ios_removed].into_iter().flatten() {
            if !is_version(version) {
                return Err(invalid(SCHEMA, id, "an iOS version is not a version"));
            }
        }
        let mut keys = HashMap::new();
        for (key_index, k) in p.keys.iter().enumerate() {
            let entry = format!("{id} {}", k.key);
            if !is_key_path(&k.key) || keys.insert(k.key.clone(), key_index).is_some() {
                return Err(invalid(SCHEMA, &entry, "bad key path, or listed twice"));
            }
            if k.platforms.is_none() && k.supervised_only.is_none() {
                return Err(invalid(SCHEMA, &entry, "a key listed with no fact"));
            }
        }
        schema_keys.insert(id.clone(), keys);
    }

    let facts: Vec<PayloadFactsEntry> =
        entries(FACTS, sources.payload_facts, "payload", "payload_type")?;
    let mut facts_index = HashMap::new();
    for (index, f) in facts.iter().enumerate() {
        let id = &f.payload_type;
        if id.trim().is_empty() || facts_index.insert(id.clone(), index).is_some() {
            return Err(invalid(FACTS, id, "empty or listed twice"));
        }
        let lists = [
            &f.target_keys,
            &f.traffic_path_keys,
            &f.secret_keys,
            &f.opaque_keys,
            &f.supervised_keys,
        ];
        for list in lists {
            let mut seen = HashSet::new();
            if list.iter().any(|k| !is_key_path(k) || !seen.insert(k)) {
                return Err(invalid(FACTS, id, "bad key path, or listed twice"));
            }
        }
        if let Some(when) = &f.supervised_when {
            let version_ok = when.os_before.as_deref().is_none_or(is_version);
            let key_ok = when.key_absent.as_deref().is_none_or(is_key_path);
            if !version_ok || !key_ok || (when.os_before.is_none() && when.key_absent.is_none()) {
                return Err(invalid(FACTS, id, "supervised_when is empty or malformed"));
            }
        }
        match (&f.platforms, schema_index.contains_key(id)) {
            (Some(_), true) => {
                return Err(invalid(
                    FACTS,
                    id,
                    "platforms given for a type of the schema",
                ))
            }
            (None, false) => {
                return Err(invalid(FACTS, id, "not in the schema: give its platforms"))
            }
            (Some(platforms), false) if platforms.is_empty() => {
                return Err(invalid(FACTS, id, "no platform"))
            }
            _ => {}
        }
        let on_ios = match &f.platforms {
            Some(platforms) => platforms.contains(&Platform::Ios),
            None => schema_index
                .get(id)
                .and_then(|&i| schema.get(i))
                .is_some_and(|e| e.platforms.contains(&Platform::Ios)),
        };
        if on_ios && f.topic.is_none() {
            return Err(invalid(
                FACTS,
                id,
                "a payload type that acts on iOS needs a topic",
            ));
        }
    }

    let apps: Vec<AppEntry> = entries(APPS, sources.app_categories, "app", "name")?;
    let mut seen = HashSet::new();
    for a in &apps {
        let id = match (&a.exact, &a.prefix) {
            (Some(id), None) | (None, Some(id)) => id,
            _ => {
                return Err(invalid(
                    APPS,
                    &a.name,
                    "give exactly one of exact and prefix",
                ))
            }
        };
        let well_formed = !id.is_empty()
            && id.split('.').all(|part| {
                !part.is_empty() && part.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            });
        if !well_formed {
            return Err(invalid(APPS, &a.name, "not a bundle identifier"));
        }
        if !seen.insert(id.to_ascii_lowercase()) {
            return Err(invalid(APPS, id, "listed twice"));
        }
        if a.name.trim().is_empty() || a.source.trim().is_empty() {
            return Err(invalid(APPS, id, "empty name or source"));
        }
    }

    Ok(Catalog {
        payloads,
        restrictions,
        commands,
        access_rights,
        schema,
        facts,
        apps,
        schema_index,
        schema_keys,
        facts_index,
    })
}

/// A version such as `6.1.6`: numbers separated by dots.
fn is_version(text: &str) -> bool {
    !text.is_empty()
        && text
            .split('.')
            .all(|part| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit()))
}

/// A key path such as `Relays[]/AdditionalHTTPHeaderFields`: non-empty segments separated by
/// `/`, each a name followed by any number of `[]`.
fn is_key_path(path: &str) -> bool {
    !path.is_empty()
        && path.split('/').all(|segment| {
            let name = segment.trim_end_matches("[]");
            !name.is_empty() && !name.contains(['[', ']']) && !name.trim().is_empty()
        })
}

/// Parses `text` as a table holding only the array `list`, then each element as a `T`, so
/// that an error names the entry, not just a line.
fn entries<T: DeserializeOwned>(
    file: &'static str,
    text: &str,
    list: &'static str,
    id_field: &str,
) -> Result<Vec<T>, CatalogError> {
    let mut table: toml::Table = toml::from_str(text).map_err(|source| CatalogError::Syntax {
        file,
        source: Box::new(source),
    })?;
    if let Some(key) = table.keys().find(|k| k.as_str() != list) {
        return Err(CatalogError::UnexpectedKey {
            file,
            key: key.clone(),
            expected: list,
        });
    }
    let items = match table.remove(list) {
        Some(toml::Value::Array(items)) => items,
        Some(_) => return Err(invalid(file, list, "expected an array of tables")),
        None => Vec::new(),
    };
    items
        .into_iter()
        .enumerate()
        .map(|(index, item)| {
            let label = match item.get(id_field).and_then(toml::Value::as_str) {
                Some(id) => format!("#{} `{id}`", index + 1),
                None => format!("#{}", index + 1),
            };
            item.try_into::<T>().map_err(|source| CatalogError::Entry {
                file,
                entry: label,
                source: Box::new(source),
            })
        })
        .collect()
}

fn unique(file: &'static str, id: &str, seen: &mut HashSet<String>) -> Result<(), CatalogError> {
    if id.trim().is_empty() {
        return Err(invalid(file, id, "empty identifier"));
    }
    if !seen.insert(id.to_owned()) {
        return Err(invalid(file, id, "listed twice"));
    }
    Ok(())
}

fn invalid(file: &'static str, entry: &str, reason: &str) -> CatalogError {
    CatalogError::Invalid {
        file,
        entry: entry.to_owned(),
        reason: reason.to_owned(),
    }
}
