//! The catalogue: what each configuration payload, restriction key, MDM command and
//! `AccessRights` bit lets the administration do, in French and English.
//!
//! # Where the facts come from
//!
//! The data lives in TOML files under `profiles/catalog/`, embedded in the binary at build
//! time, so that the wording can be reviewed and corrected without touching Rust:
//!
//! - `payloads.toml`: every configuration-profile payload type that exists on iOS/iPadOS.
//!   The list and the `supervised_only` flag come from Apple's schema (`mdm/profiles/*.yaml`,
//!   the iOS `supervised` flag at payload level). Where Apple's prose says more than the flag
//!   (web content filter, `ProhibitDisablement` of DNS settings, Always-on VPN), the entry
//!   carries a `supervised_note`. The category, the verbs and the `lets` sentence are
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
//!
//! `profiles/catalog/reference/` holds CSV tables derived from that schema (release
//! `Release_iOS-18-1_macOS-15-1`); the tests check the TOML files against them, so a fact
//! typed by hand cannot drift from the source.
//!
//! # Updating from a newer Apple schema
//!
//! 1. Regenerate the CSV tables of `profiles/catalog/reference/` from the new
//!    `apple/device-management` release (one row per iOS payload, restriction key and
//!    command; the README there gives the columns) and update the commit it names.
//! 2. Run `cargo test -p lucarne-profiles catalog`: the tests list every entry missing from
//!    the TOML files and every flag or version that no longer matches.
//! 3. Add or fix those entries by hand, writing each sentence for its entry, in both
//!    languages.
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

use std::collections::HashSet;
use std::sync::OnceLock;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::capability::{Topic, Verb};

/// The text of the four catalogue files.
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
}

impl Sources<'static> {
    /// The files shipped with Lucarne, embedded at build time.
    pub const EMBEDDED: Sources<'static> = Sources {
        payloads: include_str!("../catalog/payloads.toml"),
        restrictions: include_str!("../catalog/restrictions.toml"),
        commands: include_str!("../catalog/commands.toml"),
        access_rights: include_str!("../catalog/access_rights.toml"),
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
    /// What it is about, for ranking by harm (from the first verb when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub topic: Option<Topic>,
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
    /// Restricting it takes away the official's means of keeping evidence (screenshots,
    /// screen recording, backups).
    #[serde(default)]
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
    /// Availability under User Enrollment.
    pub user_enrollment: UserEnrollment,
    /// The kind of power it gives.
    pub verb: Verb,
    /// What it is about, for ranking by harm (from the verb when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub topic: Option<Topic>,
    /// Acts only on a Shared iPad.
    #[serde(default)]
    pub shared_ipad_only: bool,
    /// The iOS version from which the command no longer acts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub obsolete_since: Option<String>,
}

/// One bit of the `AccessRights` key of the MDM payload.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccessRightEntry {
    /// The bit value (1, 2, 4 … 4096).
    pub bit: u32,
    /// The name Apple's schema uses, e.g. `AllowDeviceErase`.
    pub name: String,
    /// The kind of power it gives.
    pub verb: Verb,
    /// What it is about, for ranking by harm (from the verb when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub topic: Option<Topic>,
}

/// The whole catalogue.
#[derive(Debug, Clone)]
pub struct Catalog {
    payloads: Vec<PayloadEntry>,
    restrictions: Vec<RestrictionEntry>,
    commands: Vec<CommandEntry>,
    access_rights: Vec<AccessRightEntry>,
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
}

/// The catalogue shipped with Lucarne, parsed on first use.
pub fn catalog() -> &'static Catalog {
    static CATALOG: OnceLock<Catalog> = OnceLock::new();
    CATALOG.get_or_init(|| {
        load(Sources::EMBEDDED)
            .expect("the embedded catalogue is checked by the tests of profiles::catalog")
    })
}

/// Parses and checks the four catalogue files.
pub fn load(sources: Sources<'_>) -> Result<Catalog, CatalogError> {
    const PAYLOADS: &str = "payloads.toml";
    const RESTRICTIONS: &str = "restrictions.toml";
    const COMMANDS: &str = "commands.toml";
    const ACCESS_RIGHTS: &str = "access_rights.toml";

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
    }

    Ok(Catalog {
        payloads,
        restrictions,
        commands,
        access_rights,
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

// WIP(lead): replaced on merge by the catalogue's app_categories.toml (branch `catalog`).
/// A kind of app that gives reach over the screen or the device.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AppCategory {
    /// Remote control.
    RemoteControl,
}
impl AppCategory {
    /// Its name.
    pub fn as_str(self) -> &'static str {
        "remote-control"
    }
}
impl Catalog {
    /// WIP.
    pub fn app_category(&self, bundle_id: &str) -> Option<AppCategory> {
        bundle_id
            .starts_with("com.teamviewer.")
            .then_some(AppCategory::RemoteControl)
    }
}
