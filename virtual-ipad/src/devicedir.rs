//! The device directory: one iPad described as files (`virtual-ipad/devices/<name>/`), read by
//! the virtual iPad (which answers lockdown, MCInstall and installation_proxy from it) and by
//! the backup writer (which turns it into a Finder/iTunes backup). The format is specified in
//! `virtual-ipad/DEVICEDIR.md`; this module is its only reader.
//!
//! Everything in a directory is treated as hostile input: every file has a size bound, every
//! list a count bound, and every error names the file (and the field) at fault.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use lucarne_profiles::{parse_profile, ParseError, Profile};
use serde::Deserialize;

/// Largest `device.toml`, `profiles.toml` or `history.toml` accepted.
pub const MAX_TOML_BYTES: u64 = 1024 * 1024;
/// Largest `cloud-configuration.plist` accepted.
pub const MAX_CLOUD_CONFIGURATION_BYTES: u64 = 1024 * 1024;
/// Largest `apps.plist` accepted (a few thousand apps with entitlements).
pub const MAX_APPS_BYTES: u64 = 64 * 1024 * 1024;
/// Most apps accepted.
pub const MAX_APPS: usize = 20_000;
/// Most profiles accepted in `profiles/`.
pub const MAX_PROFILES: usize = 1024;
/// Most history events accepted.
pub const MAX_HISTORY_EVENTS: usize = 100_000;
/// Most lockdown domains accepted.
pub const MAX_DOMAINS: usize = 256;
/// Deepest nesting accepted in TOML values converted to plist values.
pub const MAX_VALUE_DEPTH: usize = 32;

/// The name lockdownd's default (no-domain) values are stored under in [`DeviceDir::lockdown`].
pub const DEFAULT_DOMAIN: &str = "";

/// The key of `apps.plist` entries that only Lucarne knows: the MDM manages the app. Never
/// sent over the wire.
pub const MANAGED_BY_MDM_KEY: &str = "LucarneManagedByMDM";

/// The folder of the device directories bundled with the kit (`virtual-ipad/devices/`). It is
/// this crate's source folder, fixed at build time: the kit runs from its source tree (tests,
/// benchmarks, the demo), never installed.
pub fn bundled_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("devices")
}

/// Why a device directory could not be read. Every variant names the file at fault.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DeviceDirError {
    /// A file could not be read (missing, unreadable).
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// A file is larger than its bound.
    #[error("{path}: {size} bytes, more than the {limit} bytes accepted")]
    TooLarge {
        /// The file.
        path: PathBuf,
        /// Its size.
        size: u64,
        /// The bound.
        limit: u64,
    },
    /// A TOML file does not parse or does not have the expected shape.
    #[error("{path}: {message}")]
    Toml {
        /// The file.
        path: PathBuf,
        /// What the TOML parser said.
        message: String,
    },
    /// A plist file does not parse.
    #[error("{path}: not a property list: {message}")]
    Plist {
        /// The file.
        path: PathBuf,
        /// What the plist parser said.
        message: String,
    },
    /// A profile file is not a profile.
    #[error("{path}: {source}")]
    Profile {
        /// The file.
        path: PathBuf,
        /// Why it is not a profile.
        #[source]
        source: ParseError,
    },
    /// A value has the wrong shape (a field of the wrong type, a list too long, …).
    #[error("{path}: {field}: {problem}")]
    Invalid {
        /// The file.
        path: PathBuf,
        /// The field, e.g. `apps[3]` or `domains."com.apple.fmip"`.
        field: String,
        /// What is wrong.
        problem: String,
    },
}

/// A configuration profile installed on the device: its file and what it parses to.
#[derive(Debug, Clone)]
pub struct ProfileFile {
    /// File name inside `profiles/` (installation order is file-name order).
    pub file_name: String,
    /// The exact bytes of the file.
    pub bytes: Vec<u8>,
    /// The parsed profile.
    pub profile: Profile,
}

/// Facts about an installed profile that its file does not hold (`profiles.toml`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProfileFacts {
    /// `PayloadIdentifier` of one of the profile files.
    pub identifier: String,
    /// Install date, RFC 3339.
    #[serde(default)]
    pub installed_at: Option<String>,
    /// Installed by the MDM (`true`) or by the user (`false`).
    #[serde(default)]
    pub managed: Option<bool>,
    /// The process that installed it (`dmd`, `profiled`, …).
    #[serde(default)]
    pub installed_by: Option<String>,
}

/// One event of the device's own history (`history.toml`).
#[derive(Debug, Clone, PartialEq)]
pub struct HistoryEntry {
    /// When, RFC 3339.
    pub at: String,
    /// `profile-installed`, `profile-removed`, `setting-set` or `setting-removed`.
    pub kind: HistoryKind,
    /// The profile identifier or the setting key.
    pub subject: String,
    /// The new value of a setting.
    pub value: Option<plist::Value>,
    /// The process that made the change.
    pub process: Option<String>,
}

/// Kinds of history events.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum HistoryKind {
    /// A profile was installed.
    ProfileInstalled,
    /// A profile was removed.
    ProfileRemoved,
    /// A setting was set.
    SettingSet,
    /// A setting was removed.
    SettingRemoved,
}

impl HistoryKind {
    /// The kebab-case name used in files and snapshots.
    pub fn as_str(self) -> &'static str {
        match self {
            HistoryKind::ProfileInstalled => "profile-installed",
            HistoryKind::ProfileRemoved => "profile-removed",
            HistoryKind::SettingSet => "setting-set",
            HistoryKind::SettingRemoved => "setting-removed",
        }
    }
}

/// A device directory, fully read and checked.
#[derive(Debug, Clone)]
pub struct DeviceDir {
    /// The directory it was read from.
    pub path: PathBuf,
    /// Lockdown values per domain; [`DEFAULT_DOMAIN`] (`""`) holds the top-level values.
    pub lockdown: BTreeMap<String, plist::Dictionary>,
    /// The `CloudConfiguration` dictionary, when the device has one.
    pub cloud_configuration: Option<plist::Dictionary>,
    /// Installed profiles in installation (file-name) order.
    pub profiles: Vec<ProfileFile>,
    /// Facts about installed profiles.
    pub profile_facts: Vec<ProfileFacts>,
    /// Installed apps as installation_proxy dictionaries (with [`MANAGED_BY_MDM_KEY`]).
    pub apps: Vec<plist::Dictionary>,
    /// The device's history.
    pub history: Vec<HistoryEntry>,
}

impl DeviceDir {
    /// Reads and checks the device directory at `path`.
    pub fn load(path: impl AsRef<Path>) -> Result<DeviceDir, DeviceDirError> {
        let path = path.as_ref().to_path_buf();
        let lockdown = load_lockdown(&path.join("device.toml"))?;
        let cloud_configuration = load_optional(&path.join("cloud-configuration.plist"), |p| {
            load_plist_dictionary(p, MAX_CLOUD_CONFIGURATION_BYTES)
        })?;
        let profiles = load_profiles(&path.join("profiles"))?;
        let profile_facts =
            load_optional(&path.join("profiles.toml"), load_profile_facts)?.unwrap_or_default();
        check_facts_match(&path.join("profiles.toml"), &profile_facts, &profiles)?;
        let apps = load_apps(&path.join("apps.plist"))?;
        let history = load_optional(&path.join("history.toml"), load_history)?.unwrap_or_default();
        Ok(DeviceDir {
            path,
            lockdown,
            cloud_configuration,
            profiles,
            profile_facts,
            apps,
            history,
        })
    }

    /// Reads the bundled device directory `name` (e.g. `council-ipad`, see [`bundled_root`]).
    pub fn bundled(name: &str) -> Result<DeviceDir, DeviceDirError> {
        DeviceDir::load(bundled_root().join(name))
    }

    /// The value of `key` in `domain` (`None` for the default domain).
    pub fn lockdown_value(&self, domain: Option<&str>, key: &str) -> Option<&plist::Value> {
        self.lockdown
            .get(domain.unwrap_or(DEFAULT_DOMAIN))
            .and_then(|d| d.get(key))
    }

    /// A string value of the default domain.
    pub fn lockdown_string(&self, key: &str) -> Option<&str> {
        self.lockdown_value(None, key)
            .and_then(plist::Value::as_string)
    }

    /// The device's `UniqueDeviceID`.
    pub fn udid(&self) -> Option<&str> {
        self.lockdown_string("UniqueDeviceID")
    }

    /// The facts about the profile with `identifier`, if `profiles.toml` has any.
    pub fn facts_for(&self, identifier: &str) -> Option<&ProfileFacts> {
        self.profile_facts
            .iter()
            .find(|f| f.identifier == identifier)
    }

    /// Whether the app dictionary says the MDM manages it.
    pub fn app_managed_by_mdm(app: &plist::Dictionary) -> bool {
        app.get(MANAGED_BY_MDM_KEY)
            .and_then(plist::Value::as_boolean)
            .unwrap_or(false)
    }
}

/// Runs `load` when `path` exists, `None` otherwise.
fn load_optional<T>(
    path: &Path,
    load: impl FnOnce(&Path) -> Result<T, DeviceDirError>,
) -> Result<Option<T>, DeviceDirError> {
    if path.exists() {
        load(path).map(Some)
    } else {
        Ok(None)
    }
}

/// Reads a file after checking its size against `limit`.
fn read_bounded(path: &Path, limit: u64) -> Result<Vec<u8>, DeviceDirError> {
    let io = |source| DeviceDirError::Io {
        path: path.to_path_buf(),
        source,
    };
    let size = fs::metadata(path).map_err(io)?.len();
    if size > limit {
        return Err(DeviceDirError::TooLarge {
            path: path.to_path_buf(),
            size,
            limit,
        });
    }
    fs::read(path).map_err(io)
}

fn read_toml(path: &Path) -> Result<toml::Table, DeviceDirError> {
    let bytes = read_bounded(path, MAX_TOML_BYTES)?;
    let text = String::from_utf8(bytes).map_err(|e| DeviceDirError::Toml {
        path: path.to_path_buf(),
        message: format!("not UTF-8: {e}"),
    })?;
    text.parse::<toml::Table>()
        .map_err(|e| DeviceDirError::Toml {
            path: path.to_path_buf(),
            message: e.to_string(),
        })
}

fn invalid(path: &Path, field: impl Into<String>, problem: impl Into<String>) -> DeviceDirError {
    DeviceDirError::Invalid {
        path: path.to_path_buf(),
        field: field.into(),
        problem: problem.into(),
    }
}

/// Converts a TOML value to the plist value lockdownd would send. Dates become RFC 3339
/// strings (lockdown values in this format never need plist dates).
fn toml_to_plist(
    value: &toml::Value,
    path: &Path,
    field: &str,
    depth: usize,
) -> Result<plist::Value, DeviceDirError> {
    if depth > MAX_VALUE_DEPTH {
        return Err(invalid(path, field, "nested too deeply"));
    }
    Ok(match value {
        toml::Value::String(s) => plist::Value::String(s.clone()),
        toml::Value::Integer(i) => plist::Value::Integer((*i).into()),
        toml::Value::Float(f) => plist::Value::Real(*f),
        toml::Value::Boolean(b) => plist::Value::Boolean(*b),
        toml::Value::Datetime(d) => plist::Value::String(d.to_string()),
        toml::Value::Array(items) => plist::Value::Array(
            items
                .iter()
                .enumerate()
                .map(|(i, v)| toml_to_plist(v, path, &format!("{field}[{i}]"), depth + 1))
                .collect::<Result<_, _>>()?,
        ),
        toml::Value::Table(table) => {
            plist::Value::Dictionary(table_to_dictionary(table, path, field, depth + 1)?)
        }
    })
}

fn table_to_dictionary(
    table: &toml::Table,
    path: &Path,
    field: &str,
    depth: usize,
) -> Result<plist::Dictionary, DeviceDirError> {
    let mut dict = plist::Dictionary::new();
    for (key, value) in table {
        let sub = if field.is_empty() {
            key.clone()
        } else {
            format!("{field}.{key}")
        };
        dict.insert(key.clone(), toml_to_plist(value, path, &sub, depth)?);
    }
    Ok(dict)
}

fn load_lockdown(path: &Path) -> Result<BTreeMap<String, plist::Dictionary>, DeviceDirError> {
    let table = read_toml(path)?;
    let mut domains = BTreeMap::new();
    for (key, value) in &table {
        match (key.as_str(), value) {
            ("lockdown", toml::Value::Table(t)) => {
                domains.insert(
                    DEFAULT_DOMAIN.to_string(),
                    table_to_dictionary(t, path, "lockdown", 0)?,
                );
            }
            ("domains", toml::Value::Table(t)) => {
                if t.len() > MAX_DOMAINS {
                    return Err(invalid(path, "domains", "too many domains"));
                }
                for (name, domain) in t {
                    let field = format!("domains.\"{name}\"");
                    let toml::Value::Table(domain) = domain else {
                        return Err(invalid(path, field, "must be a table"));
                    };
                    if name.is_empty() {
                        return Err(invalid(path, field, "a domain name cannot be empty"));
                    }
                    domains.insert(name.clone(), table_to_dictionary(domain, path, &field, 0)?);
                }
            }
            (other, _) => {
                return Err(invalid(
                    path,
                    other,
                    "unknown section (expected [lockdown] or [domains.\"…\"])",
                ))
            }
        }
    }
    let Some(default) = domains.get(DEFAULT_DOMAIN) else {
        return Err(invalid(path, "lockdown", "the [lockdown] table is missing"));
    };
    for required in ["UniqueDeviceID", "ProductType", "ProductVersion"] {
        if default
            .get(required)
            .and_then(plist::Value::as_string)
            .is_none()
        {
            return Err(invalid(
                path,
                format!("lockdown.{required}"),
                "missing or not a string",
            ));
        }
    }
    Ok(domains)
}

fn load_plist_value(path: &Path, limit: u64) -> Result<plist::Value, DeviceDirError> {
    let bytes = read_bounded(path, limit)?;
    plist::from_bytes::<plist::Value>(&bytes).map_err(|e| DeviceDirError::Plist {
        path: path.to_path_buf(),
        message: e.to_string(),
    })
}

fn load_plist_dictionary(path: &Path, limit: u64) -> Result<plist::Dictionary, DeviceDirError> {
    match load_plist_value(path, limit)? {
        plist::Value::Dictionary(d) => Ok(d),
        _ => Err(invalid(path, "top level", "must be a dictionary")),
    }
}

fn load_profiles(dir: &Path) -> Result<Vec<ProfileFile>, DeviceDirError> {
    if !dir.exists() {
        return Ok(Vec::new());
    }
    let io = |source| DeviceDirError::Io {
        path: dir.to_path_buf(),
        source,
    };
    let mut names = Vec::new();
    for entry in fs::read_dir(dir).map_err(io)? {
        let entry = entry.map_err(io)?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.ends_with(".mobileconfig") {
            names.push(name);
            if names.len() > MAX_PROFILES {
                return Err(invalid(dir, "profiles", "too many profile files"));
            }
        }
    }
    names.sort();
    names
        .into_iter()
        .map(|file_name| {
            let path = dir.join(&file_name);
            let bytes = read_bounded(&path, lucarne_profiles::parse::MAX_PROFILE_BYTES as u64)?;
            let profile = parse_profile(&bytes).map_err(|source| DeviceDirError::Profile {
                path: path.clone(),
                source,
            })?;
            Ok(ProfileFile {
                file_name,
                bytes,
                profile,
            })
        })
        .collect()
}

fn load_profile_facts(path: &Path) -> Result<Vec<ProfileFacts>, DeviceDirError> {
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct File {
        #[serde(default)]
        profile: Vec<ProfileFacts>,
    }
    let table = read_toml(path)?;
    let file: File = toml::Value::Table(table)
        .try_into()
        .map_err(|e: toml::de::Error| DeviceDirError::Toml {
            path: path.to_path_buf(),
            message: e.to_string(),
        })?;
    if file.profile.len() > MAX_PROFILES {
        return Err(invalid(path, "profile", "too many entries"));
    }
    Ok(file.profile)
}

/// Every fact must name a profile that is installed: a typo would otherwise silently drop it.
fn check_facts_match(
    path: &Path,
    facts: &[ProfileFacts],
    profiles: &[ProfileFile],
) -> Result<(), DeviceDirError> {
    for (i, fact) in facts.iter().enumerate() {
        if !profiles
            .iter()
            .any(|p| p.profile.identifier == fact.identifier)
        {
            return Err(invalid(
                path,
                format!("profile[{i}].identifier"),
                format!("no file in profiles/ has identifier `{}`", fact.identifier),
            ));
        }
    }
    Ok(())
}

fn load_apps(path: &Path) -> Result<Vec<plist::Dictionary>, DeviceDirError> {
    if !path.exists() {
        return Ok(Vec::new());
    }
    let plist::Value::Array(items) = load_plist_value(path, MAX_APPS_BYTES)? else {
        return Err(invalid(
            path,
            "top level",
            "must be an array of app dictionaries",
        ));
    };
    if items.len() > MAX_APPS {
        return Err(invalid(
            path,
            "top level",
            format!("more than {MAX_APPS} apps"),
        ));
    }
    items
        .into_iter()
        .enumerate()
        .map(|(i, item)| {
            let plist::Value::Dictionary(app) = item else {
                return Err(invalid(path, format!("[{i}]"), "must be a dictionary"));
            };
            if app
                .get("CFBundleIdentifier")
                .and_then(plist::Value::as_string)
                .is_none_or(str::is_empty)
            {
                return Err(invalid(
                    path,
                    format!("[{i}].CFBundleIdentifier"),
                    "missing or not a string",
                ));
            }
            Ok(app)
        })
        .collect()
}

fn load_history(path: &Path) -> Result<Vec<HistoryEntry>, DeviceDirError> {
    let table = read_toml(path)?;
    let mut entries = Vec::new();
    for (key, value) in &table {
        if key != "event" {
            return Err(invalid(path, key, "unknown key (expected [[event]])"));
        }
        let toml::Value::Array(events) = value else {
            return Err(invalid(path, "event", "must be an array of tables"));
        };
        if events.len() > MAX_HISTORY_EVENTS {
            return Err(invalid(path, "event", "too many events"));
        }
        for (i, event) in events.iter().enumerate() {
            entries.push(history_entry(path, i, event)?);
        }
    }
    Ok(entries)
}

fn history_entry(
    path: &Path,
    i: usize,
    event: &toml::Value,
) -> Result<HistoryEntry, DeviceDirError> {
    let field = |name: &str| format!("event[{i}].{name}");
    let toml::Value::Table(t) = event else {
        return Err(invalid(path, format!("event[{i}]"), "must be a table"));
    };
    for key in t.keys() {
        if !["at", "kind", "subject", "value", "process"].contains(&key.as_str()) {
            return Err(invalid(path, field(key), "unknown key"));
        }
    }
    let string = |name: &str| -> Result<Option<String>, DeviceDirError> {
        match t.get(name) {
            None => Ok(None),
            Some(toml::Value::String(s)) => Ok(Some(s.clone())),
            Some(toml::Value::Datetime(d)) => Ok(Some(d.to_string())),
            Some(_) => Err(invalid(path, field(name), "must be a string")),
        }
    };
    let at = string("at")?.ok_or_else(|| invalid(path, field("at"), "missing"))?;
    let kind_name = string("kind")?.ok_or_else(|| invalid(path, field("kind"), "missing"))?;
    let kind = HistoryKind::deserialize(toml::Value::String(kind_name.clone())).map_err(
        |_: toml::de::Error| {
            invalid(
                path,
                field("kind"),
                format!("`{kind_name}` is not one of profile-installed, profile-removed, setting-set, setting-removed"),
            )
        },
    )?;
    let subject = string("subject")?.ok_or_else(|| invalid(path, field("subject"), "missing"))?;
    let value = t
        .get("value")
        .map(|v| toml_to_plist(v, path, &field("value"), 0))
        .transpose()?;
    Ok(HistoryEntry {
        at,
        kind,
        subject,
        value,
        process: string("process")?,
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    const DEVICE_TOML: &str = r#"
[lockdown]
DeviceName = "iPad de test"
ProductType = "iPad13,18"
ProductVersion = "18.1"
UniqueDeviceID = "00008103-001A2B3C4D5E6F70"
[domains."com.apple.mobile.chaperone"]
DeviceIsChaperoned = true
"#;

    const PROFILE: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0"><dict>
<key>PayloadType</key><string>Configuration</string>
<key>PayloadIdentifier</key><string>fr.exemple.test</string>
<key>PayloadUUID</key><string>6D1A0B6C-0000-4000-8000-000000000001</string>
<key>PayloadVersion</key><integer>1</integer>
<key>PayloadContent</key><array/>
</dict></plist>"#;

    fn minimal(dir: &Path) {
        fs::write(dir.join("device.toml"), DEVICE_TOML).unwrap();
    }

    #[test]
    fn loads_minimal_directory() {
        let dir = tempfile::tempdir().unwrap();
        minimal(dir.path());
        let d = DeviceDir::load(dir.path()).unwrap();
        assert_eq!(d.udid(), Some("00008103-001A2B3C4D5E6F70"));
        assert_eq!(
            d.lockdown_value(Some("com.apple.mobile.chaperone"), "DeviceIsChaperoned"),
            Some(&plist::Value::Boolean(true))
        );
        assert!(d.cloud_configuration.is_none());
        assert!(d.profiles.is_empty() && d.apps.is_empty() && d.history.is_empty());
    }

    #[test]
    fn loads_every_piece_in_order() {
        let dir = tempfile::tempdir().unwrap();
        minimal(dir.path());
        fs::create_dir(dir.path().join("profiles")).unwrap();
        fs::write(
            dir.path().join("profiles/02-b.mobileconfig"),
            PROFILE.replace("fr.exemple.test", "fr.exemple.b"),
        )
        .unwrap();
        fs::write(dir.path().join("profiles/01-a.mobileconfig"), PROFILE).unwrap();
        fs::write(dir.path().join("profiles/README"), "ignored").unwrap();
        fs::write(
            dir.path().join("profiles.toml"),
            "[[profile]]\nidentifier = \"fr.exemple.b\"\nmanaged = true\ninstalled_by = \"dmd\"\n",
        )
        .unwrap();
        let mut cloud = plist::Dictionary::new();
        cloud.insert("IsSupervised".into(), true.into());
        plist::to_file_xml(dir.path().join("cloud-configuration.plist"), &cloud).unwrap();
        let mut app = plist::Dictionary::new();
        app.insert("CFBundleIdentifier".into(), "fr.exemple.app".into());
        app.insert(MANAGED_BY_MDM_KEY.into(), true.into());
        plist::to_file_xml(
            dir.path().join("apps.plist"),
            &plist::Value::Array(vec![app.into()]),
        )
        .unwrap();
        fs::write(
            dir.path().join("history.toml"),
            "[[event]]\nat = \"2026-09-08T10:00:00Z\"\nkind = \"setting-set\"\nsubject = \"allowCamera\"\nvalue = false\nprocess = \"dmd\"\n",
        )
        .unwrap();

        let d = DeviceDir::load(dir.path()).unwrap();
        let names: Vec<_> = d.profiles.iter().map(|p| p.file_name.as_str()).collect();
        assert_eq!(names, ["01-a.mobileconfig", "02-b.mobileconfig"]);
        assert_eq!(d.profiles[1].profile.identifier, "fr.exemple.b");
        assert_eq!(d.facts_for("fr.exemple.b").unwrap().managed, Some(true));
        assert!(d.facts_for("fr.exemple.test").is_none());
        assert_eq!(
            d.cloud_configuration.unwrap().get("IsSupervised"),
            Some(&plist::Value::Boolean(true))
        );
        assert!(DeviceDir::app_managed_by_mdm(&d.apps[0]));
        assert_eq!(d.history[0].kind, HistoryKind::SettingSet);
        assert_eq!(d.history[0].value, Some(plist::Value::Boolean(false)));
        assert_eq!(d.history[0].process.as_deref(), Some("dmd"));
    }

    fn error_of(setup: impl FnOnce(&Path)) -> String {
        let dir = tempfile::tempdir().unwrap();
        minimal(dir.path());
        setup(dir.path());
        DeviceDir::load(dir.path()).unwrap_err().to_string()
    }

    #[test]
    fn errors_name_file_and_field() {
        let e = error_of(|d| fs::remove_file(d.join("device.toml")).unwrap());
        assert!(e.contains("device.toml"), "{e}");

        let e = error_of(|d| {
            fs::write(d.join("device.toml"), "[lockdown]\nProductType = \"x\"\n").unwrap()
        });
        assert!(e.contains("lockdown.UniqueDeviceID"), "{e}");

        let e = error_of(|d| fs::write(d.join("device.toml"), "[lockdwn]\n").unwrap());
        assert!(e.contains("lockdwn"), "{e}");

        let e = error_of(|d| fs::write(d.join("apps.plist"), "not a plist").unwrap());
        assert!(e.contains("apps.plist"), "{e}");

        let e = error_of(|d| {
            plist::to_file_xml(
                d.join("apps.plist"),
                &plist::Value::Array(vec![plist::Dictionary::new().into()]),
            )
            .unwrap()
        });
        assert!(e.contains("[0].CFBundleIdentifier"), "{e}");

        let e = error_of(|d| {
            fs::create_dir(d.join("profiles")).unwrap();
            fs::write(d.join("profiles/01-x.mobileconfig"), "garbage").unwrap();
        });
        assert!(e.contains("01-x.mobileconfig"), "{e}");

        let e = error_of(|d| {
            fs::write(
                d.join("profiles.toml"),
                "[[profile]]\nidentifier = \"absent\"\n",
            )
            .unwrap()
        });
        assert!(e.contains("profiles.toml") && e.contains("absent"), "{e}");

        let e = error_of(|d| {
            fs::write(
                d.join("history.toml"),
                "[[event]]\nat = \"2026-01-01T00:00:00Z\"\nkind = \"renamed\"\nsubject = \"x\"\n",
            )
            .unwrap()
        });
        assert!(e.contains("event[0].kind"), "{e}");
    }

    #[test]
    fn oversized_files_are_refused() {
        let e = error_of(|d| {
            fs::write(
                d.join("cloud-configuration.plist"),
                vec![b' '; MAX_CLOUD_CONFIGURATION_BYTES as usize + 1],
            )
            .unwrap()
        });
        assert!(
            e.contains("cloud-configuration.plist") && e.contains("more than"),
            "{e}"
        );
    }

    #[test]
    fn shipped_devices_load() {
        let mut seen = 0;
        for entry in fs::read_dir(bundled_root()).unwrap() {
            let path = entry.unwrap().path();
            let d = DeviceDir::load(&path).unwrap_or_else(|e| panic!("{e}"));
            assert!(d.udid().is_some());
            seen += 1;
        }
        assert!(seen >= 1);
    }
}
