//! Builds a realistic Finder/iTunes backup of a device directory (see `DEVICEDIR.md`), plain
//! or encrypted with the real algorithm, so that the reader is tested against the format and
//! not against itself: an encrypted backup written here must open with tools nobody here
//! wrote (`iphone-backup-decrypt` in the end-to-end tests).
//!
//! What it writes: `Info.plist`, `Manifest.plist` (with keybag and `ManifestKey` when
//! encrypted), `Status.plist`, `Manifest.db`, and in the configuration-profile domain the
//! profile stubs, `MCProfileEvents.plist`, `MCSettingsEvents.plist`,
//! `CloudConfigurationDetails.plist`, `MDMAppManagement.plist`, `PayloadManifest.plist`,
//! `UserSettings.plist`, plus `EffectiveUserSettings.plist` in `HomeDomain`.
//!
//! The backup is assembled in memory and written to a sibling temporary folder renamed into
//! place at the end: a failure leaves nothing half-written.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use plist::{Dictionary, Value};

use crate::devicedir::{DeviceDir, HistoryKind, DEFAULT_DOMAIN};
use lucarne::backup::crypto::{self, Key};
use lucarne::backup::keybag::{self, ClassKeys, KeybagError, APPLE_ITERATIONS};
use lucarne::backup::layout::{self, HOME_DOMAIN, PROFILES_DOMAIN};
use lucarne::backup::manifest::{self, CatalogueError, Entry};
use lucarne::backup::mbfile::MbFile;

/// Protection class of the configuration-profile files (as in real backups).
const PROTECTION_CLASS: u32 = 4;

/// How to write the backup.
#[derive(Debug, Clone)]
pub struct WriteOptions {
    /// Encrypt with this password; `None` writes a plain backup.
    pub password: Option<Vec<u8>>,
    /// PBKDF2 counts (SHA-256 stage, SHA-1 stage). Apple's by default; tests may lower them.
    pub iterations: (u32, u32),
    /// Backup date, RFC 3339.
    pub date: String,
}

impl Default for WriteOptions {
    fn default() -> Self {
        WriteOptions {
            password: None,
            iterations: APPLE_ITERATIONS,
            date: "2026-11-20T18:00:00Z".into(),
        }
    }
}

/// Why a backup could not be written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WriteError {
    /// The output folder exists and is not empty.
    #[error("{0} exists and is not empty")]
    OutputNotEmpty(PathBuf),
    /// Writing failed.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// A profile of the device directory could not be turned into a stub.
    #[error("profile {file}: {problem}")]
    Profile {
        /// Its file name.
        file: String,
        /// What is wrong.
        problem: String,
    },
    /// A date of the device directory is not RFC 3339.
    #[error("date `{0}` is not RFC 3339")]
    BadDate(String),
    /// The keybag could not be made.
    #[error(transparent)]
    Keybag(#[from] KeybagError),
    /// The catalogue could not be built.
    #[error(transparent)]
    Catalogue(#[from] CatalogueError),
    /// A plist could not be serialised.
    #[error("plist: {0}")]
    Plist(String),
}

/// One file to put in the backup.
struct PlannedFile {
    domain: &'static str,
    relative_path: String,
    content: Vec<u8>,
}

/// Writes a backup of `device` into `out` (created; must not exist or be empty).
pub fn write_backup(
    device: &DeviceDir,
    out: &Path,
    options: &WriteOptions,
) -> Result<(), WriteError> {
    if out.exists()
        && std::fs::read_dir(out)
            .map(|mut d| d.next().is_some())
            .unwrap_or(true)
    {
        return Err(WriteError::OutputNotEmpty(out.to_path_buf()));
    }
    let staged = render(device, options)?;
    let parent = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| WriteError::Io { path, source }
    };
    std::fs::create_dir_all(parent).map_err(io(parent))?;
    let tmp = tempfile_dir(parent).map_err(io(parent))?;
    let result = (|| {
        for (relative, bytes) in &staged {
            let path = tmp.join(relative);
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir).map_err(io(dir))?;
            }
            std::fs::write(&path, bytes).map_err(io(&path))?;
        }
        if out.exists() {
            std::fs::remove_dir(out).map_err(io(out))?;
        }
        std::fs::rename(&tmp, out).map_err(io(out))
    })();
    if result.is_err() {
        let _ = std::fs::remove_dir_all(&tmp);
    }
    result
}

fn tempfile_dir(parent: &Path) -> std::io::Result<PathBuf> {
    let mut random = [0u8; 8];
    ring::rand::SecureRandom::fill(&ring::rand::SystemRandom::new(), &mut random)
        .map_err(|_| std::io::Error::other("no randomness"))?;
    let path = parent.join(format!(".lucarne-backup-{}", hex::encode(random)));
    std::fs::create_dir(&path)?;
    Ok(path)
}

/// Renders every file of the backup: relative path inside the backup folder → bytes.
pub fn render(
    device: &DeviceDir,
    options: &WriteOptions,
) -> Result<BTreeMap<PathBuf, Vec<u8>>, WriteError> {
    let date = parse_date(&options.date)?;
    let files = plan_files(device)?;
    let random = ring::rand::SystemRandom::new();
    let keys = match &options.password {
        Some(password) => Some(keybag::generate(password, options.iterations, &random)?),
        None => None,
    };
    let mut out = BTreeMap::new();
    let mut entries = Vec::new();
    let modified = unix_seconds(&options.date)?;
    // The folder rows real backups carry for the profile store.
    for (domain, dir) in [
        (PROFILES_DOMAIN, layout::PROFILES_DIR),
        (HOME_DOMAIN, layout::USER_PROFILES_DIR),
    ] {
        entries.push(Entry {
            file_id: layout::file_id(domain, dir),
            domain: domain.into(),
            relative_path: dir.into(),
            flags: 2,
            file: MbFile {
                relative_path: Some(dir.into()),
                mode: 0o40755,
                protection_class: 0,
                last_modified: Some(modified),
                ..Default::default()
            },
        });
    }
    for planned in files {
        let id = layout::file_id(planned.domain, &planned.relative_path);
        let mut record = MbFile {
            relative_path: Some(planned.relative_path.clone()),
            size: planned.content.len() as u64,
            mode: 0o100644,
            protection_class: PROTECTION_CLASS,
            last_modified: Some(modified),
            ..Default::default()
        };
        let stored = match &keys {
            Some((_, class_keys)) => {
                let file_key = random_key(&random)?;
                record.encryption_key = Some(prefixed_wrap(class_keys, &file_key)?);
                crypto::cbc_encrypt_padded(&file_key, &planned.content)
            }
            None => planned.content,
        };
        out.insert(PathBuf::from(&id[..2]).join(&id), stored);
        entries.push(Entry {
            file_id: id,
            domain: planned.domain.into(),
            relative_path: planned.relative_path,
            flags: layout::FLAG_FILE,
            file: record,
        });
    }
    let catalogue = manifest::build_catalogue(&entries)?;
    let mut manifest_plist = manifest_plist(device, &date, keys.is_some());
    let catalogue = match &keys {
        Some((bag, class_keys)) => {
            let db_key = random_key(&random)?;
            manifest_plist.insert("BackupKeyBag".into(), Value::Data(bag.to_bytes()));
            manifest_plist.insert(
                "ManifestKey".into(),
                Value::Data(prefixed_wrap(class_keys, &db_key)?),
            );
            crypto::cbc_encrypt_padded(&db_key, &catalogue)
        }
        None => catalogue,
    };
    out.insert("Manifest.db".into(), catalogue);
    out.insert(
        "Manifest.plist".into(),
        xml(Value::Dictionary(manifest_plist))?,
    );
    out.insert(
        "Info.plist".into(),
        xml(Value::Dictionary(info_plist(device, &date)?))?,
    );
    out.insert(
        "Status.plist".into(),
        xml(Value::Dictionary(status_plist(&date, &random)?))?,
    );
    Ok(out)
}

fn random_key(random: &ring::rand::SystemRandom) -> Result<Key, WriteError> {
    let mut key = [0u8; 32];
    ring::rand::SecureRandom::fill(random, &mut key)
        .map_err(|_| WriteError::Plist("no randomness".into()))?;
    Ok(key)
}

fn prefixed_wrap(class_keys: &ClassKeys, key: &Key) -> Result<Vec<u8>, WriteError> {
    let class_key = class_keys
        .get(PROTECTION_CLASS)
        .ok_or(WriteError::Keybag(KeybagError::NoPasswordKeys))?;
    let mut blob = PROTECTION_CLASS.to_le_bytes().to_vec();
    blob.extend_from_slice(&crypto::aes_wrap(class_key, key).map_err(KeybagError::from)?);
    Ok(blob)
}

fn plan_files(device: &DeviceDir) -> Result<Vec<PlannedFile>, WriteError> {
    let mut files = Vec::new();
    let store = |name: &str| format!("{}/{name}", layout::PROFILES_DIR);
    let mut add =
        |domain: &'static str, relative_path: String, value: Value| -> Result<(), WriteError> {
            files.push(PlannedFile {
                domain,
                relative_path,
                content: binary(value)?,
            });
            Ok(())
        };

    // Profile stubs: the profile as installed plus the device's bookkeeping.
    let mut ordered = Vec::new();
    for file in &device.profiles {
        let mut dict = profile_dictionary(&file.file_name, &file.bytes)?;
        let identifier = file.profile.identifier.clone();
        let facts = device.facts_for(&identifier);
        if let Some(at) = facts.and_then(|f| f.installed_at.as_deref()) {
            dict.insert("InstallDate".into(), Value::Date(parse_date(at)?));
        }
        let mut options = Dictionary::new();
        if let Some(managed) = facts.and_then(|f| f.managed) {
            options.insert("isInstalledByMDM".into(), Value::Boolean(managed));
        }
        dict.insert("InstallOptions".into(), Value::Dictionary(options));
        let stub_name = format!(
            "profile-{}.stub",
            &layout::file_id("profile", &identifier)[..16]
        );
        add(PROFILES_DOMAIN, store(&stub_name), Value::Dictionary(dict))?;
        ordered.push(Value::String(identifier));
    }
    let mut manifest = Dictionary::new();
    manifest.insert("OrderedProfiles".into(), Value::Array(ordered));
    manifest.insert("HiddenProfiles".into(), Value::Array(Vec::new()));
    add(
        PROFILES_DOMAIN,
        store("PayloadManifest.plist"),
        Value::Dictionary(manifest),
    )?;

    add(
        PROFILES_DOMAIN,
        store("MCProfileEvents.plist"),
        profile_events(device)?,
    )?;
    add(
        PROFILES_DOMAIN,
        store("MCSettingsEvents.plist"),
        settings_events(device)?,
    )?;

    if let Some(cloud) = &device.cloud_configuration {
        add(
            PROFILES_DOMAIN,
            store("CloudConfigurationDetails.plist"),
            Value::Dictionary(cloud.clone()),
        )?;
    }

    let mut managed_apps = Dictionary::new();
    for app in device
        .apps
        .iter()
        .filter(|a| DeviceDir::app_managed_by_mdm(a))
    {
        if let Some(id) = app.get("CFBundleIdentifier").and_then(Value::as_string) {
            managed_apps.insert(id.to_owned(), Value::Dictionary(Dictionary::new()));
        }
    }
    let mut app_management = Dictionary::new();
    app_management.insert("metadataByBundleID".into(), Value::Dictionary(managed_apps));
    add(
        PROFILES_DOMAIN,
        store("MDMAppManagement.plist"),
        Value::Dictionary(app_management),
    )?;

    let settings = Value::Dictionary(effective_settings(device));
    add(
        PROFILES_DOMAIN,
        store("UserSettings.plist"),
        settings.clone(),
    )?;
    add(
        HOME_DOMAIN,
        format!("{}/EffectiveUserSettings.plist", layout::USER_PROFILES_DIR),
        settings,
    )?;
    Ok(files)
}

/// The plist dictionary of a profile file (the signed content when it is CMS-signed).
fn profile_dictionary(file_name: &str, bytes: &[u8]) -> Result<Dictionary, WriteError> {
    let problem = |problem: String| WriteError::Profile {
        file: file_name.to_owned(),
        problem,
    };
    let content = if lucarne_proof::cms::looks_like_cms(bytes) {
        lucarne_proof::cms::unwrap(bytes)
            .map_err(|e| problem(e.to_string()))?
            .content
    } else {
        bytes.to_vec()
    };
    lucarne_profiles::plist_read::read_dictionary(
        &content,
        lucarne_profiles::plist_read::PlistLimits::default(),
    )
    .map_err(|e| problem(e.to_string()))
}

/// `MCProfileEvents.plist`: the history's profile events, plus an install event for each
/// profile whose facts give a date the history does not already hold.
fn profile_events(device: &DeviceDir) -> Result<Value, WriteError> {
    let mut events: Vec<(String, String, &'static str, Option<String>)> = Vec::new();
    for e in &device.history {
        let operation = match e.kind {
            HistoryKind::ProfileInstalled => "install",
            HistoryKind::ProfileRemoved => "remove",
            _ => continue,
        };
        events.push((
            e.at.clone(),
            e.subject.clone(),
            operation,
            e.process.clone(),
        ));
    }
    for facts in &device.profile_facts {
        let Some(at) = &facts.installed_at else {
            continue;
        };
        if !events
            .iter()
            .any(|(_, s, op, _)| *s == facts.identifier && *op == "install")
        {
            events.push((
                at.clone(),
                facts.identifier.clone(),
                "install",
                facts.installed_by.clone(),
            ));
        }
    }
    events.sort();
    let mut list = Vec::new();
    for (at, subject, operation, process) in events {
        let mut record = Dictionary::new();
        record.insert("timestamp".into(), Value::Date(parse_date(&at)?));
        record.insert("operation".into(), Value::String(operation.into()));
        if let Some(p) = process {
            record.insert("process".into(), Value::String(p));
        }
        let mut item = Dictionary::new();
        item.insert(subject, Value::Dictionary(record));
        list.push(Value::Dictionary(item));
    }
    let mut top = Dictionary::new();
    top.insert("ProfileEvents".into(), Value::Array(list));
    Ok(Value::Dictionary(top))
}

/// `MCSettingsEvents.plist`: category → bucket → setting → `value` → last event. Like the
/// device, it keeps only the latest event of each setting.
fn settings_events(device: &DeviceDir) -> Result<Value, WriteError> {
    let mut buckets: BTreeMap<&str, Dictionary> = BTreeMap::new();
    let mut events: Vec<_> = device
        .history
        .iter()
        .filter(|e| {
            matches!(
                e.kind,
                HistoryKind::SettingSet | HistoryKind::SettingRemoved
            )
        })
        .collect();
    events.sort_by(|a, b| a.at.cmp(&b.at));
    for e in events {
        let bucket = match e.value {
            Some(Value::Boolean(_)) | None => "restrictedBool",
            Some(Value::Array(_)) => "union",
            _ => "restrictedValue",
        };
        let mut record = Dictionary::new();
        record.insert("timestamp".into(), Value::Date(parse_date(&e.at)?));
        let event = if e.kind == HistoryKind::SettingSet {
            "set"
        } else {
            "remove"
        };
        record.insert("event".into(), Value::String(event.into()));
        if let Some(p) = &e.process {
            record.insert("process".into(), Value::String(p.clone()));
        }
        let mut setting = Dictionary::new();
        setting.insert("value".into(), Value::Dictionary(record));
        buckets
            .entry(bucket)
            .or_default()
            .insert(e.subject.clone(), Value::Dictionary(setting));
    }
    let mut effective = Dictionary::new();
    for (bucket, settings) in buckets {
        effective.insert(bucket.into(), Value::Dictionary(settings));
    }
    let mut top = Dictionary::new();
    top.insert("EffectiveSettings".into(), Value::Dictionary(effective));
    Ok(Value::Dictionary(top))
}

/// The restrictions in force: every `com.apple.applicationaccess` payload combined the most
/// restrictive way (an `allow…` key is false if any profile says false, other booleans true
/// if any says true, numbers take the smallest), then the history's latest setting changes.
fn effective_settings(device: &DeviceDir) -> Dictionary {
    let mut bools: BTreeMap<String, bool> = BTreeMap::new();
    let mut values: BTreeMap<String, Value> = BTreeMap::new();
    for file in &device.profiles {
        for payload in file
            .profile
            .payloads
            .iter()
            .filter(|p| p.payload_type == "com.apple.applicationaccess")
        {
            for (key, value) in &payload.content {
                match value {
                    serde_json::Value::Bool(b) => {
                        let restrictive = if key.starts_with("allow") { !*b } else { *b };
                        let entry = bools.entry(key.clone()).or_insert(*b);
                        if restrictive {
                            *entry = *b;
                        }
                    }
                    serde_json::Value::Number(n) => {
                        let new = n.as_i64().map(|i| Value::Integer(i.into()));
                        if let Some(new) = new {
                            let keep_old = matches!((values.get(key), &new),
                                (Some(Value::Integer(old)), Value::Integer(n)) if old.as_signed() <= n.as_signed());
                            if !keep_old {
                                values.insert(key.clone(), new);
                            }
                        }
                    }
                    _ => {}
                }
            }
        }
    }
    let mut history: Vec<_> = device.history.iter().collect();
    history.sort_by(|a, b| a.at.cmp(&b.at));
    for e in history {
        match (e.kind, &e.value) {
            (HistoryKind::SettingSet, Some(Value::Boolean(b))) => {
                bools.insert(e.subject.clone(), *b);
            }
            (HistoryKind::SettingSet, Some(v)) => {
                values.insert(e.subject.clone(), v.clone());
            }
            (HistoryKind::SettingRemoved, _) => {
                bools.remove(&e.subject);
                values.remove(&e.subject);
            }
            _ => {}
        }
    }
    let wrap = |v: Value| {
        let mut d = Dictionary::new();
        d.insert("value".into(), v);
        Value::Dictionary(d)
    };
    let mut restricted_bool = Dictionary::new();
    for (k, b) in bools {
        restricted_bool.insert(k, wrap(Value::Boolean(b)));
    }
    let mut restricted_value = Dictionary::new();
    for (k, v) in values {
        restricted_value.insert(k, wrap(v));
    }
    let mut top = Dictionary::new();
    top.insert("restrictedBool".into(), Value::Dictionary(restricted_bool));
    top.insert(
        "restrictedValue".into(),
        Value::Dictionary(restricted_value),
    );
    top
}

fn lockdown_string(device: &DeviceDir, key: &str) -> Option<String> {
    device
        .lockdown_value(Some(DEFAULT_DOMAIN), key)
        .and_then(Value::as_string)
        .map(str::to_owned)
}

fn user_apps(device: &DeviceDir) -> impl Iterator<Item = &Dictionary> {
    device
        .apps
        .iter()
        .filter(|a| a.get("ApplicationType").and_then(Value::as_string) == Some("User"))
}

fn manifest_plist(device: &DeviceDir, date: &plist::Date, encrypted: bool) -> Dictionary {
    let mut lockdown = Dictionary::new();
    for key in [
        "DeviceName",
        "ProductVersion",
        "ProductType",
        "BuildVersion",
        "SerialNumber",
        "UniqueDeviceID",
    ] {
        if let Some(v) = lockdown_string(device, key) {
            lockdown.insert(key.into(), Value::String(v));
        }
    }
    let mut applications = Dictionary::new();
    for app in user_apps(device) {
        let Some(id) = app.get("CFBundleIdentifier").and_then(Value::as_string) else {
            continue;
        };
        let mut entry = Dictionary::new();
        entry.insert("CFBundleIdentifier".into(), Value::String(id.into()));
        if let Some(v) = app.get("CFBundleVersion") {
            entry.insert("CFBundleVersion".into(), v.clone());
        }
        entry.insert(
            "ContainerContentClass".into(),
            Value::String("Data/Application".into()),
        );
        entry.insert(
            "Path".into(),
            Value::String(format!(
                "/var/containers/Bundle/Application/{}/{id}.app",
                &layout::file_id("app", id)[..8]
            )),
        );
        applications.insert(id.into(), Value::Dictionary(entry));
    }
    let mut m = Dictionary::new();
    m.insert("IsEncrypted".into(), Value::Boolean(encrypted));
    m.insert("WasPasscodeSet".into(), Value::Boolean(true));
    m.insert("Version".into(), Value::String("10.0".into()));
    m.insert("SystemDomainsVersion".into(), Value::String("24.0".into()));
    m.insert("Date".into(), Value::Date(*date));
    m.insert("Lockdown".into(), Value::Dictionary(lockdown));
    m.insert("Applications".into(), Value::Dictionary(applications));
    m
}

fn info_plist(device: &DeviceDir, date: &plist::Date) -> Result<Dictionary, WriteError> {
    let mut info = Dictionary::new();
    for (info_key, lockdown_key) in [
        ("Device Name", "DeviceName"),
        ("Display Name", "DeviceName"),
        ("Product Type", "ProductType"),
        ("Product Version", "ProductVersion"),
        ("Build Version", "BuildVersion"),
        ("Serial Number", "SerialNumber"),
        ("Unique Identifier", "UniqueDeviceID"),
        ("Target Identifier", "UniqueDeviceID"),
    ] {
        if let Some(v) = lockdown_string(device, lockdown_key) {
            info.insert(info_key.into(), Value::String(v));
        }
    }
    info.insert("Target Type".into(), Value::String("Device".into()));
    info.insert("Last Backup Date".into(), Value::Date(*date));
    info.insert("iTunes Version".into(), Value::String("12.13.2.3".into()));
    let mut installed = Vec::new();
    let mut applications = Dictionary::new();
    for app in user_apps(device) {
        let Some(id) = app.get("CFBundleIdentifier").and_then(Value::as_string) else {
            continue;
        };
        installed.push(Value::String(id.into()));
        // App Store apps carry their store metadata; the fields we read are these.
        let mut metadata = Dictionary::new();
        for (meta_key, app_key) in [
            ("itemName", "CFBundleDisplayName"),
            ("bundleShortVersionString", "CFBundleShortVersionString"),
            ("bundleVersion", "CFBundleVersion"),
        ] {
            if let Some(v) = app.get(app_key).or_else(|| {
                (app_key == "CFBundleDisplayName")
                    .then(|| app.get("CFBundleName"))
                    .flatten()
            }) {
                metadata.insert(meta_key.into(), v.clone());
            }
        }
        metadata.insert("softwareVersionBundleId".into(), Value::String(id.into()));
        let mut entry = Dictionary::new();
        entry.insert(
            "iTunesMetadata".into(),
            Value::Data(binary(Value::Dictionary(metadata))?),
        );
        applications.insert(id.into(), Value::Dictionary(entry));
    }
    info.insert("Installed Applications".into(), Value::Array(installed));
    info.insert("Applications".into(), Value::Dictionary(applications));
    Ok(info)
}

fn status_plist(
    date: &plist::Date,
    random: &ring::rand::SystemRandom,
) -> Result<Dictionary, WriteError> {
    let key = random_key(random)?;
    let mut s = Dictionary::new();
    s.insert("BackupState".into(), Value::String("new".into()));
    s.insert("Date".into(), Value::Date(*date));
    s.insert("IsFullBackup".into(), Value::Boolean(false));
    s.insert("SnapshotState".into(), Value::String("finished".into()));
    s.insert("UUID".into(), Value::String(hex::encode_upper(&key[..16])));
    s.insert("Version".into(), Value::String("3.3".into()));
    Ok(s)
}

fn binary(value: Value) -> Result<Vec<u8>, WriteError> {
    let mut out = Vec::new();
    value
        .to_writer_binary(&mut out)
        .map_err(|e| WriteError::Plist(e.to_string()))?;
    Ok(out)
}

fn xml(value: Value) -> Result<Vec<u8>, WriteError> {
    let mut out = Vec::new();
    value
        .to_writer_xml(&mut out)
        .map_err(|e| WriteError::Plist(e.to_string()))?;
    Ok(out)
}

fn parse_date(text: &str) -> Result<plist::Date, WriteError> {
    let parsed = time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339)
        .map_err(|_| WriteError::BadDate(text.into()))?;
    Ok(plist::Date::from(std::time::SystemTime::from(parsed)))
}

fn unix_seconds(text: &str) -> Result<i64, WriteError> {
    time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339)
        .map(|d| d.unix_timestamp())
        .map_err(|_| WriteError::BadDate(text.into()))
}
