//! A [`LiveReading`] as a `lucarne.snapshot/1` [`Snapshot`]: device identity and useful values,
//! enrolment from the cloud configuration (and the MDM payload when the profile list carries
//! payloads), profiles, restrictions and apps. Pure: no device, no clock.

use lucarne_profiles::parse::profile_from_dict;
use lucarne_profiles::snapshot::{
    App, Device, EffectiveRestriction, Enrolment, InstalledProfile, Source, SourceRead,
};
use lucarne_profiles::value::{self, Limits};
use lucarne_profiles::{Profile, Snapshot};
use plist::{Dictionary, Value};
use serde_json::{Map, Value as Json};

use super::collect::LiveReading;

/// Default-domain values kept in `device.values` besides the identity fields. Hardware
/// addresses and telephony identifiers are personal data and are left out.
const KEPT_VALUES: [&str; 9] = [
    "DeviceClass",
    "ProductName",
    "HardwareModel",
    "ModelNumber",
    "CPUArchitecture",
    "ActivationState",
    "PasswordProtected",
    "TimeZone",
    "TrustedHostAttached",
];

fn json(value: &Value) -> Json {
    value::from_plist(value, Limits::default()).unwrap_or(Json::Null)
}

fn string(dict: &Dictionary, key: &str) -> Option<String> {
    dict.get(key)
        .and_then(Value::as_string)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

fn boolean(dict: &Dictionary, key: &str) -> Option<bool> {
    match dict.get(key)? {
        Value::Boolean(b) => Some(*b),
        Value::Integer(i) => i.as_signed().map(|i| i != 0),
        _ => None,
    }
}

/// Builds the snapshot of a live reading taken at `taken_at` (RFC 3339).
pub fn to_snapshot(reading: &LiveReading, taken_at: &str) -> Snapshot {
    let mut snapshot = Snapshot::new(taken_at);
    snapshot.sources.push(SourceRead {
        source: Source::Live,
        detail: reading.udid.clone(),
    });
    snapshot.device = device(reading);
    snapshot.profiles = profiles(&reading.profile_list);
    snapshot.enrolment = enrolment(reading, &snapshot.profiles);
    snapshot.restrictions = restrictions(&snapshot.profiles);
    snapshot.apps = reading.apps.iter().filter_map(app).collect();
    snapshot
}

fn device(reading: &LiveReading) -> Device {
    let v = &reading.values;
    let mut values = Map::new();
    for key in KEPT_VALUES {
        if let Some(value) = v.get(key) {
            values.insert(key.to_string(), json(value));
        }
    }
    for (domain, dict) in &reading.domains {
        for (key, value) in dict {
            values.insert(format!("{domain}/{key}"), json(value));
        }
    }
    Device {
        udid: string(v, "UniqueDeviceID").or_else(|| Some(reading.udid.clone())),
        name: string(v, "DeviceName"),
        model: string(v, "ProductType"),
        os_version: string(v, "ProductVersion"),
        build: string(v, "BuildVersion"),
        serial: string(v, "SerialNumber"),
        values,
        source: Some(Source::Live),
    }
}

/// Profiles from a `GetProfileList` reply, in `OrderedIdentifiers` order. Each
/// `ProfileMetadata` entry is read like a profile's top level; when it carries
/// `PayloadContent` the payloads are known.
fn profiles(list: &Dictionary) -> Vec<InstalledProfile> {
    let metadata = list.get("ProfileMetadata").and_then(Value::as_dictionary);
    let manifest = list.get("ProfileManifest").and_then(Value::as_dictionary);
    let ordered: Vec<String> = match list.get("OrderedIdentifiers").and_then(Value::as_array) {
        Some(ids) => ids
            .iter()
            .filter_map(Value::as_string)
            .map(str::to_owned)
            .collect(),
        None => metadata
            .map(|m| m.keys().cloned().collect())
            .unwrap_or_default(),
    };
    ordered
        .into_iter()
        .map(|identifier| {
            let meta = metadata
                .and_then(|m| m.get(&identifier))
                .and_then(Value::as_dictionary)
                .cloned()
                .unwrap_or_default();
            let payloads_known = matches!(meta.get("PayloadContent"), Some(Value::Array(_)));
            let mut top = meta;
            if !payloads_known {
                // Metadata only: no payloads (otherwise the parser would read the metadata
                // itself as a bare payload).
                top.insert("PayloadContent".into(), Value::Array(Vec::new()));
            }
            if !top.contains_key("PayloadType") {
                top.insert("PayloadType".into(), "Configuration".into());
            }
            top.insert("PayloadIdentifier".into(), identifier.as_str().into());
            let description = manifest
                .and_then(|m| m.get(&identifier))
                .and_then(Value::as_dictionary)
                .and_then(|m| string(m, "Description"));
            let profile = match json(&Value::Dictionary(top)) {
                Json::Object(map) => profile_from_dict(map).unwrap_or_else(|e| Profile {
                    identifier: identifier.clone(),
                    warnings: vec![format!("profile list entry: {e}")],
                    ..Default::default()
                }),
                _ => Profile {
                    identifier: identifier.clone(),
                    ..Default::default()
                },
            };
            let mut profile = profile;
            if profile.description.is_none() {
                profile.description = description;
            }
            InstalledProfile {
                profile,
                payloads_known,
                managed: None,
                installed_at: None,
                source: Source::Live,
            }
        })
        .collect()
}

fn enrolment(reading: &LiveReading, profiles: &[InstalledProfile]) -> Enrolment {
    let cloud = reading.cloud_configuration.clone().unwrap_or_default();
    let chaperoned = reading
        .domains
        .get("com.apple.mobile.chaperone")
        .and_then(|d| boolean(d, "DeviceIsChaperoned"));
    let mdm = profiles
        .iter()
        .flat_map(|p| &p.profile.payloads)
        .find(|p| p.payload_type == "com.apple.mdm");
    let cloud_json = match json(&Value::Dictionary(cloud.clone())) {
        Json::Object(map) => map,
        _ => Map::new(),
    };
    Enrolment {
        supervised: boolean(&cloud, "IsSupervised").or(chaperoned),
        ade: reading
            .cloud_configuration
            .as_ref()
            .map(|c| string(c, "ConfigurationURL").is_some()),
        organisation: string(&cloud, "OrganizationName"),
        mdm_server: mdm.and_then(|p| p.str("ServerURL")).map(str::to_owned),
        access_rights: mdm
            .and_then(|p| p.get("AccessRights"))
            .and_then(value::as_i64_lenient)
            .and_then(|n| u32::try_from(n).ok()),
        mdm_unremovable: boolean(&cloud, "IsMDMUnremovable"),
        allow_pairing: boolean(&cloud, "AllowPairing"),
        cloud_configuration: cloud_json,
        source: Some(Source::Live),
    }
}

/// Restrictions from the `com.apple.applicationaccess` payloads, when payloads are known. When
/// two profiles set the same key the later one is kept (installation order).
fn restrictions(profiles: &[InstalledProfile]) -> Vec<EffectiveRestriction> {
    let mut out: Vec<EffectiveRestriction> = Vec::new();
    for payload in profiles
        .iter()
        .filter(|p| p.payloads_known)
        .flat_map(|p| &p.profile.payloads)
        .filter(|p| p.payload_type == "com.apple.applicationaccess")
    {
        for (key, value) in &payload.content {
            out.retain(|r| &r.key != key);
            out.push(EffectiveRestriction {
                key: key.clone(),
                value: value.clone(),
                source: Source::Live,
            });
        }
    }
    out.sort_by(|a, b| a.key.cmp(&b.key));
    out
}

fn app(dict: &Dictionary) -> Option<App> {
    let entitlements = match dict.get("Entitlements").map(json) {
        Some(Json::Object(map)) => map,
        _ => Map::new(),
    };
    Some(App {
        bundle_id: string(dict, "CFBundleIdentifier")?,
        name: string(dict, "CFBundleDisplayName").or_else(|| string(dict, "CFBundleName")),
        version: string(dict, "CFBundleShortVersionString")
            .or_else(|| string(dict, "CFBundleVersion")),
        app_type: string(dict, "ApplicationType"),
        signer: string(dict, "SignerIdentity"),
        provisioned: boolean(dict, "ProfileValidated").unwrap_or(false),
        managed: None,
        entitlements,
        source: Some(Source::Live),
    })
}
