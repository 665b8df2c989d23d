//! From an opened backup to the facts of a snapshot: device identity, enrolment, installed
//! profiles with their full payloads, effective restrictions, managed apps, and the device's
//! own dated history of profile and setting changes. Every fact says it came from a backup.
//!
//! A file that is missing or unreadable is a warning, not a failure: a backup from another
//! iOS version may lack some of them, and the official should still see the rest.

use plist::{Dictionary, Value};
use serde_json::{Map, Value as Json};

use lucarne_profiles::parse::profile_from_dict;
use lucarne_profiles::snapshot::{
    App, Device, EffectiveRestriction, Enrolment, HistoryEvent, InstalledProfile, Snapshot, Source,
    SourceRead,
};

use super::layout::{HOME_DOMAIN, PROFILES_DIR, PROFILES_DOMAIN, USER_PROFILES_DIR};
use super::plist_read::{self, PlistLimits};
use super::reader::Backup;

/// The facts read from a backup, and what could not be read.
#[derive(Debug, Clone)]
pub struct BackupFacts {
    /// A partial snapshot: every fact the backup gave, `Source::Backup` on each.
    pub snapshot: Snapshot,
    /// Files or records skipped, with why (shown to the official, never silently dropped).
    pub warnings: Vec<String>,
}

/// Files read for the effective restrictions, most authoritative first.
const RESTRICTION_FILES: &[(&str, &str)] = &[
    (
        HOME_DOMAIN,
        "Library/UserConfigurationProfiles/EffectiveUserSettings.plist",
    ),
    (
        HOME_DOMAIN,
        "Library/UserConfigurationProfiles/PublicInfo/PublicEffectiveUserSettings.plist",
    ),
    (
        HOME_DOMAIN,
        "Library/UserConfigurationProfiles/PublicInfo/Truth.plist",
    ),
    (HOME_DOMAIN, "Library/UserConfigurationProfiles/Truth.plist"),
    (
        PROFILES_DOMAIN,
        "Library/ConfigurationProfiles/UserSettings.plist",
    ),
];

/// Processes that act for the MDM server when they install a profile.
const MDM_PROCESSES: &[&str] = &["dmd", "mdmd", "remotemanagementd"];

/// Reads every fact the backup holds.
pub fn extract(backup: &Backup) -> BackupFacts {
    let mut x = Extractor {
        backup,
        snapshot: Snapshot::new(""),
        warnings: Vec::new(),
    };
    x.snapshot.sources.push(SourceRead {
        source: Source::Backup,
        detail: backup
            .dir()
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
    });
    let info = x.info_plist();
    x.device(&info);
    x.profiles();
    x.enrolment();
    x.restrictions();
    x.profile_events();
    x.settings_events();
    x.apps(&info);
    x.snapshot
        .history
        .sort_by(|a, b| a.at.cmp(&b.at).then(a.subject.cmp(&b.subject)));
    fill_managed_from_history(&mut x.snapshot);
    BackupFacts {
        snapshot: x.snapshot,
        warnings: x.warnings,
    }
}

struct Extractor<'a> {
    backup: &'a Backup,
    snapshot: Snapshot,
    warnings: Vec<String>,
}

impl Extractor<'_> {
    fn warn(&mut self, what: impl Into<String>) {
        self.warnings.push(what.into());
    }

    /// Reads a plist dictionary from the backup; a missing file is `None` without warning.
    fn plist(&mut self, domain: &str, path: &str) -> Option<Dictionary> {
        let bytes = match self.backup.read_path(domain, path) {
            Ok(Some(bytes)) => bytes,
            Ok(None) => return None,
            Err(e) => {
                self.warn(format!("{path}: {e}"));
                return None;
            }
        };
        match plist_read::read_dictionary(&bytes, PlistLimits::default()) {
            Ok(dict) => Some(dict),
            Err(e) => {
                self.warn(format!("{path}: {e}"));
                None
            }
        }
    }

    fn info_plist(&mut self) -> Dictionary {
        match self.backup.info_plist_bytes() {
            None => Dictionary::new(),
            Some(Err(e)) => {
                self.warn(e.to_string());
                Dictionary::new()
            }
            Some(Ok(bytes)) => plist_read::read_dictionary(&bytes, PlistLimits::default())
                .unwrap_or_else(|e| {
                    self.warn(format!("Info.plist: {e}"));
                    Dictionary::new()
                }),
        }
    }

    fn device(&mut self, info: &Dictionary) {
        let lockdown = &self.backup.manifest.lockdown;
        let pick = |lockdown_key: &str, info_key: &str| {
            string(lockdown, lockdown_key).or_else(|| string(info, info_key))
        };
        let mut values = Map::new();
        values.insert(
            "backup/IsEncrypted".into(),
            Json::Bool(self.backup.manifest.encrypted),
        );
        if let Some(set) = self.backup.manifest.passcode_set {
            values.insert("backup/WasPasscodeSet".into(), Json::Bool(set));
        }
        if let Some(date) = info.get("Last Backup Date").and_then(Value::as_date) {
            values.insert(
                "backup/LastBackupDate".into(),
                Json::String(date.to_xml_format()),
            );
        }
        self.snapshot.device = Device {
            udid: pick("UniqueDeviceID", "Unique Identifier"),
            name: pick("DeviceName", "Device Name"),
            model: pick("ProductType", "Product Type"),
            os_version: pick("ProductVersion", "Product Version"),
            build: pick("BuildVersion", "Build Version"),
            serial: pick("SerialNumber", "Serial Number"),
            values,
            source: Some(Source::Backup),
        };
    }

    fn profiles(&mut self) {
        for (domain, dir) in [
            (PROFILES_DOMAIN, PROFILES_DIR),
            (HOME_DOMAIN, USER_PROFILES_DIR),
        ] {
            let prefix = format!("{dir}/profile-");
            let (entries, refused) = match self.backup.catalogue().files_under(domain, &prefix) {
                Ok(found) => found,
                Err(e) => {
                    self.warn(e.to_string());
                    continue;
                }
            };
            for r in refused {
                self.warn(format!("{}: {}", r.name, r.reason));
            }
            for entry in entries
                .iter()
                .filter(|e| e.relative_path.ends_with(".stub"))
            {
                let bytes = match self.backup.read(entry) {
                    Ok(bytes) => bytes,
                    Err(e) => {
                        self.warn(e.to_string());
                        continue;
                    }
                };
                match stub_to_profile(&bytes) {
                    Ok(profile) => self.snapshot.profiles.push(profile),
                    Err(e) => self.warn(format!("{}: {e}", entry.relative_path)),
                }
            }
        }
        self.snapshot.profiles.sort_by(|a, b| {
            a.installed_at
                .cmp(&b.installed_at)
                .then(a.profile.identifier.cmp(&b.profile.identifier))
        });
    }

    fn enrolment(&mut self) {
        let mut enrolment = Enrolment {
            source: Some(Source::Backup),
            ..Default::default()
        };
        if let Some(cloud) = self.plist(
            PROFILES_DOMAIN,
            "Library/ConfigurationProfiles/CloudConfigurationDetails.plist",
        ) {
            enrolment.supervised = cloud.get("IsSupervised").and_then(Value::as_boolean);
            enrolment.ade =
                Some(string(&cloud, "ConfigurationURL").is_some_and(|u| !u.trim().is_empty()));
            enrolment.organisation = string(&cloud, "OrganizationName");
            enrolment.mdm_unremovable = cloud.get("IsMDMUnremovable").and_then(Value::as_boolean);
            enrolment.allow_pairing = cloud.get("AllowPairing").and_then(Value::as_boolean);
            match plist_read::to_json(&Value::Dictionary(cloud)) {
                Ok(Json::Object(map)) => enrolment.cloud_configuration = map,
                Ok(_) => {}
                Err(e) => self.warn(format!("CloudConfigurationDetails.plist: {e}")),
            }
        }
        // The MDM enrolment record, when the backup has it; otherwise the MDM payload.
        if let Some(mdm) = self.plist(PROFILES_DOMAIN, "Library/ConfigurationProfiles/MDM.plist") {
            enrolment.mdm_server = string(&mdm, "ServerURL");
            enrolment.access_rights = mdm
                .get("AccessRights")
                .and_then(Value::as_unsigned_integer)
                .and_then(|v| u32::try_from(v).ok());
        }
        if enrolment.mdm_server.is_none() {
            let mdm_payload = self
                .snapshot
                .profiles
                .iter()
                .flat_map(|p| &p.profile.payloads)
                .find(|p| p.payload_type == "com.apple.mdm");
            if let Some(payload) = mdm_payload {
                enrolment.mdm_server = payload.str("ServerURL").map(str::to_owned);
                enrolment.access_rights = payload
                    .get("AccessRights")
                    .and_then(lucarne_profiles::value::as_i64_lenient)
                    .and_then(|v| u32::try_from(v).ok());
            }
        }
        self.snapshot.enrolment = enrolment;
    }

    fn restrictions(&mut self) {
        for (domain, path) in RESTRICTION_FILES {
            let Some(settings) = self.plist(domain, path) else {
                continue;
            };
            let found = settings_to_restrictions(&settings);
            if !found.is_empty() {
                self.snapshot.restrictions = found;
                return;
            }
        }
    }

    fn profile_events(&mut self) {
        let Some(events) = self.plist(
            PROFILES_DOMAIN,
            "Library/ConfigurationProfiles/MCProfileEvents.plist",
        ) else {
            return;
        };
        let Some(list) = events.get("ProfileEvents").and_then(Value::as_array) else {
            self.warn("MCProfileEvents.plist: no ProfileEvents array");
            return;
        };
        for item in list {
            let Some(dict) = item.as_dictionary() else {
                continue;
            };
            for (identifier, record) in dict {
                let Some(record) = record.as_dictionary() else {
                    continue;
                };
                let Some(at) = date(record, "timestamp") else {
                    self.warn(format!(
                        "MCProfileEvents.plist: event of {identifier} has no date"
                    ));
                    continue;
                };
                let operation = string(record, "operation")
                    .unwrap_or_default()
                    .to_ascii_lowercase();
                let kind = if operation.contains("remove") {
                    "profile-removed"
                } else if operation.contains("install") {
                    "profile-installed"
                } else {
                    self.warn(format!(
                        "MCProfileEvents.plist: unknown operation `{operation}`"
                    ));
                    continue;
                };
                self.snapshot.history.push(HistoryEvent {
                    at,
                    kind: kind.into(),
                    subject: identifier.clone(),
                    value: None,
                    process: string(record, "process"),
                    source: Source::Backup,
                });
            }
        }
    }

    fn settings_events(&mut self) {
        let Some(events) = self.plist(
            PROFILES_DOMAIN,
            "Library/ConfigurationProfiles/MCSettingsEvents.plist",
        ) else {
            return;
        };
        let mut found = Vec::new();
        walk_settings_events(&events, None, 0, &mut found);
        self.snapshot.history.extend(found);
    }

    fn apps(&mut self, info: &Dictionary) {
        let managed_list = self
            .plist(
                PROFILES_DOMAIN,
                "Library/ConfigurationProfiles/MDMAppManagement.plist",
            )
            .map(|d| {
                d.get("metadataByBundleID")
                    .and_then(Value::as_dictionary)
                    .map(|m| m.keys().cloned().collect::<Vec<_>>())
                    .unwrap_or_default()
            });
        let mut ids: Vec<String> = info
            .get("Installed Applications")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|v| v.as_string().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default();
        ids.extend(self.backup.manifest.applications.keys().cloned());
        if let Some(managed) = &managed_list {
            ids.extend(managed.iter().cloned());
        }
        ids.sort();
        ids.dedup();
        let info_apps = info.get("Applications").and_then(Value::as_dictionary);
        for bundle_id in ids {
            let metadata = info_apps
                .and_then(|a| a.get(&bundle_id))
                .and_then(Value::as_dictionary)
                .and_then(|a| a.get("iTunesMetadata"))
                .and_then(Value::as_data)
                .and_then(|d| plist_read::read_dictionary(d, PlistLimits::default()).ok());
            let manifest_app = self
                .backup
                .manifest
                .applications
                .get(&bundle_id)
                .and_then(Value::as_dictionary);
            let version = metadata
                .as_ref()
                .and_then(|m| string(m, "bundleShortVersionString"))
                .or_else(|| manifest_app.and_then(|a| string(a, "CFBundleShortVersionString")))
                .or_else(|| manifest_app.and_then(|a| string(a, "CFBundleVersion")));
            self.snapshot.apps.push(App {
                name: metadata.as_ref().and_then(|m| string(m, "itemName")),
                version,
                // A backup holds only the apps the user (or the MDM) installed.
                app_type: Some("User".into()),
                managed: managed_list.as_ref().map(|m| m.contains(&bundle_id)),
                source: Some(Source::Backup),
                bundle_id,
                ..Default::default()
            });
        }
    }
}

/// Turns one profile stub into an installed profile with its full payloads.
pub fn stub_to_profile(bytes: &[u8]) -> Result<InstalledProfile, String> {
    let mut dict =
        plist_read::read_dictionary(bytes, PlistLimits::default()).map_err(|e| e.to_string())?;
    let installed_at = date(&dict, "InstallDate");
    let managed = dict
        .get("InstallOptions")
        .and_then(Value::as_dictionary)
        .and_then(|o| o.get("isInstalledByMDM"))
        .and_then(Value::as_boolean);
    // Stub bookkeeping, not part of the profile the administration wrote.
    for key in [
        "InstallDate",
        "InstallOptions",
        "SignerCerts",
        "OTAProfileStub",
    ] {
        dict.remove(key);
    }
    let json = plist_read::to_json(&Value::Dictionary(dict)).map_err(|e| e.to_string())?;
    let Json::Object(map) = json else {
        return Err("not a dictionary".into());
    };
    let profile = profile_from_dict(map).map_err(|e| e.to_string())?;
    Ok(InstalledProfile {
        profile,
        payloads_known: true,
        managed,
        installed_at,
        source: Source::Backup,
    })
}

/// Reads the `restrictedBool` / `restrictedValue` / `union` / `intersection` buckets of a
/// settings file into restrictions.
pub fn settings_to_restrictions(settings: &Dictionary) -> Vec<EffectiveRestriction> {
    let mut out = Vec::new();
    for (bucket, field) in [
        ("restrictedBool", "value"),
        ("restrictedValue", "value"),
        ("union", "values"),
        ("intersection", "values"),
    ] {
        let Some(keys) = settings.get(bucket).and_then(Value::as_dictionary) else {
            continue;
        };
        for (key, setting) in keys {
            let Some(value) = setting.as_dictionary().and_then(|s| s.get(field)) else {
                continue;
            };
            if let Ok(value) = plist_read::to_json(value) {
                out.push(EffectiveRestriction {
                    key: key.clone(),
                    value,
                    source: Source::Backup,
                });
            }
        }
    }
    out.sort_by(|a, b| a.key.cmp(&b.key));
    out
}

/// `MCSettingsEvents.plist` nests category → setting → `value`/`ask` → event record; the
/// event records are the dictionaries holding a `timestamp`. Walk down to them, remembering
/// the last key that names a setting.
fn walk_settings_events(
    dict: &Dictionary,
    setting: Option<&str>,
    depth: usize,
    out: &mut Vec<HistoryEvent>,
) {
    const SHAPE_KEYS: &[&str] = &[
        "value",
        "ask",
        "restrictedBool",
        "restrictedValue",
        "union",
        "intersection",
    ];
    if depth > 8 || out.len() > 100_000 {
        return;
    }
    if let (Some(at), Some(setting)) = (date(dict, "timestamp"), setting) {
        let event = string(dict, "event")
            .unwrap_or_default()
            .to_ascii_lowercase();
        out.push(HistoryEvent {
            at,
            kind: if event.contains("remove") {
                "setting-removed"
            } else {
                "setting-set"
            }
            .into(),
            subject: setting.to_owned(),
            value: dict.get("value").and_then(|v| plist_read::to_json(v).ok()),
            process: string(dict, "process"),
            source: Source::Backup,
        });
        return;
    }
    for (key, child) in dict {
        if let Some(child) = child.as_dictionary() {
            let name = if SHAPE_KEYS.contains(&key.as_str()) || depth == 0 {
                setting
            } else {
                Some(key.as_str())
            };
            walk_settings_events(child, name, depth + 1, out);
        }
    }
}

fn string(dict: &Dictionary, key: &str) -> Option<String> {
    dict.get(key).and_then(Value::as_string).map(str::to_owned)
}

fn date(dict: &Dictionary, key: &str) -> Option<String> {
    dict.get(key)
        .and_then(Value::as_date)
        .map(|d| d.to_xml_format())
}

/// Whether a profile-installing process acts for the MDM.
pub fn is_mdm_process(process: &str) -> bool {
    MDM_PROCESSES.contains(&process)
}

/// Marks profiles whose stub did not say who installed them, from the install history.
pub fn fill_managed_from_history(snapshot: &mut Snapshot) {
    for installed in &mut snapshot.profiles {
        if installed.managed.is_some() {
            continue;
        }
        let last_install = snapshot
            .history
            .iter()
            .rfind(|e| e.kind == "profile-installed" && e.subject == installed.profile.identifier);
        if let Some(process) = last_install.and_then(|e| e.process.as_deref()) {
            installed.managed = Some(is_mdm_process(process));
        }
    }
}
