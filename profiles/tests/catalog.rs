//! Consistency of the catalogue: it loads, it is complete and bilingual, and its facts match
//! the reference tables derived from Apple's schema (`profiles/catalog/reference/`).

#![allow(clippy::unwrap_used)]

use std::collections::{BTreeSet, HashMap, HashSet};

use lucarne_profiles::catalog::{
    self, catalog, AppCategory, CatalogError, CommandKind, PayloadRole, Platform, PlatformScope,
    Sources, Topic, UserEnrollment,
};
use lucarne_profiles::Verb;

const PAYLOAD_TYPES_CSV: &str = include_str!("../catalog/reference/payload-types.csv");
const RESTRICTIONS_CSV: &str = include_str!("../catalog/reference/restrictions.csv");
const COMMANDS_CSV: &str = include_str!("../catalog/reference/commands-ios.csv");
const PAYLOAD_KEYS_CSV: &str = include_str!("../catalog/reference/payload-keys.csv");

/// Rows of a CSV table as maps from column name to value. Handles quoted fields with commas
/// and doubled quotes, which is all the reference tables use.
fn csv_rows(text: &str) -> Vec<HashMap<String, String>> {
    let mut lines = text.lines().filter(|l| !l.trim().is_empty());
    let header = split_csv_line(lines.next().unwrap());
    lines
        .map(|line| {
            let fields = split_csv_line(line);
            assert_eq!(fields.len(), header.len(), "bad CSV line: {line}");
            header.iter().cloned().zip(fields).collect()
        })
        .collect()
}

fn split_csv_line(line: &str) -> Vec<String> {
    let mut fields = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            ('"', _) => quoted = !quoted,
            (',', false) => fields.push(std::mem::take(&mut field)),
            _ => field.push(c),
        }
    }
    fields.push(field);
    fields
}

fn flag(value: &str) -> bool {
    match value {
        "true" => true,
        "false" => false,
        other => panic!("not a flag: {other}"),
    }
}

/// Payload types that exist on iOS according to the reference table: rows with an iOS flag,
/// without the profile envelope pseudo-rows. Maps each type to its supervised flag.
fn ios_payload_types() -> HashMap<String, bool> {
    let mut types = HashMap::new();
    for row in csv_rows(PAYLOAD_TYPES_CSV) {
        let name = &row["payloadtype"];
        let supervised = &row["supervised_only"];
        if supervised == "n/a" || supervised.is_empty() {
            continue;
        }
        if name == "TopLevel" || name == "CommonPayloadKeys" {
            continue;
        }
        let previous = types.insert(name.clone(), flag(supervised));
        if let Some(previous) = previous {
            assert_eq!(previous, flag(supervised), "{name}: files disagree");
        }
    }
    types
}

fn ios_restrictions() -> Vec<HashMap<String, String>> {
    csv_rows(RESTRICTIONS_CSV)
        .into_iter()
        .filter(|r| r["supervised_only"] != "n/a")
        .collect()
}

#[test]
fn embedded_catalogue_loads() {
    catalog::load(Sources::EMBEDDED).unwrap();
    assert!(catalog().payload("com.apple.mdm").is_some());
}

#[test]
fn payload_types_are_exactly_the_ios_ones_with_their_flags() {
    let expected = ios_payload_types();
    let c = catalog();
    let ours: BTreeSet<&str> = c.payloads().map(|p| p.payload_type.as_str()).collect();
    let theirs: BTreeSet<&str> = expected.keys().map(String::as_str).collect();
    assert_eq!(ours, theirs);
    assert_eq!(
        c.payloads().count(),
        expected.len(),
        "duplicate payload type"
    );
    for p in c.payloads() {
        assert_eq!(
            p.supervised_only, expected[&p.payload_type],
            "{}: supervised flag",
            p.payload_type
        );
    }
    assert!(c.payload("TopLevel").is_none());
    assert!(c.payload("com.apple.security.wapi-identity").is_none());
}

#[test]
fn restrictions_match_the_reference_table() {
    let rows = ios_restrictions();
    let c = catalog();
    assert_eq!(c.restrictions().count(), rows.len());
    assert_eq!(rows.len(), 155, "the reference table itself changed");
    for row in &rows {
        let key = &row["key"];
        let entry = c
            .restriction(key)
            .unwrap_or_else(|| panic!("restriction {key} missing from the catalogue"));
        assert_eq!(
            entry.supervised_only,
            flag(&row["supervised_only"]),
            "{key}"
        );
        assert_eq!(entry.introduced, row["platforms_ios_introduced"], "{key}");
        let value_type = format!("{:?}", entry.value_type).to_lowercase();
        assert_eq!(value_type, row["type"], "{key}: type");
        let default = entry.default.as_ref().map(|d| match d {
            catalog::ScalarValue::Boolean(b) => b.to_string(),
            catalog::ScalarValue::Integer(i) => i.to_string(),
            catalog::ScalarValue::Real(r) => format!("{r:?}"),
            catalog::ScalarValue::String(s) => s.clone(),
        });
        assert_eq!(
            default.unwrap_or_default(),
            row["default"],
            "{key}: default"
        );
        if let (Some(restricted), Some(catalog::ScalarValue::Boolean(default))) =
            (entry.restricted_value, &entry.default)
        {
            // Most keys restrict nothing by default; the exceptions are known and few.
            if restricted == *default {
                assert!(
                    [
                        "allowManagedToWriteUnmanagedContacts",
                        "allowUnmanagedToReadManagedContacts",
                        "allowUnpairedExternalBootToRecovery"
                    ]
                    .contains(&key.as_str()),
                    "{key}: restricted_value equals the default"
                );
            }
        }
    }
    let deprecated: BTreeSet<&str> = c
        .restrictions()
        .filter(|r| r.deprecated.is_some())
        .map(|r| r.key.as_str())
        .collect();
    assert!(deprecated.contains("forceWiFiWhitelisting"));
    assert!(deprecated.contains("blacklistedAppBundleIDs"));
}

#[test]
fn commands_match_the_reference_table() {
    let rows = csv_rows(COMMANDS_CSV);
    let c = catalog();
    assert_eq!(c.commands().count(), rows.len());
    assert_eq!(rows.len(), 49, "the reference table itself changed");
    for row in &rows {
        let name = &row["requesttype"];
        let entry = c
            .command(name)
            .unwrap_or_else(|| panic!("command {name} missing from the catalogue"));
        let bit = match row["accessrights_bit_inferred"].as_str() {
            // Their wording carries a note on the right (checked by lucarne-words).
            "per-query" => 16,
            "" => 0,
            bit => bit.parse().unwrap(),
        };
        assert_eq!(entry.access_right, bit, "{name}: access right");
        assert_eq!(
            entry.supervised_only,
            flag(&row["supervised_only"]),
            "{name}"
        );
        assert_eq!(entry.requires_ade, flag(&row["requires_ade"]), "{name}");
        let ue = format!("{:?}", entry.user_enrollment).to_lowercase();
        assert_eq!(ue, row["userenrollment_mode"], "{name}: user enrollment");
        if entry.kind == CommandKind::Read {
            assert!(
                matches!(entry.verb, Verb::Read | Verb::Locate),
                "{name}: a read command with verb {:?}",
                entry.verb
            );
        }
    }
}

#[test]
fn access_rights_are_the_thirteen_bits_named_as_in_the_commands() {
    let c = catalog();
    let rights = c.access_rights();
    assert_eq!(rights.len(), 13);
    let bits: Vec<u32> = rights.iter().map(|a| a.bit).collect();
    assert_eq!(bits, (0..13).map(|i| 1u32 << i).collect::<Vec<_>>());
    assert_eq!(bits.iter().sum::<u32>(), 8191);
    for row in csv_rows(COMMANDS_CSV) {
        if let Ok(bit) = row["accessrights_bit_inferred"].parse::<u32>() {
            if bit != 0 {
                assert_eq!(
                    c.access_right(bit).unwrap().name,
                    row["accessrights_name"],
                    "bit {bit}"
                );
            }
        }
    }
}

#[test]
fn decoding_rights() {
    let c = catalog();
    assert_eq!(c.decode_rights(8191).len(), 13);
    assert_eq!(c.unknown_rights(8191), 0);
    assert_eq!(
        c.unknown_rights(8191 | 16384 | (1 << 31)),
        16384 | (1 << 31)
    );
    let names: Vec<&str> = c
        .decode_rights(8 | 1)
        .iter()
        .map(|a| a.name.as_str())
        .collect();
    assert_eq!(names, ["AllowInspection", "AllowDeviceErase"]);
    assert!(c.decode_rights(0).is_empty());
    assert!(c.access_right(3).is_none());
}

#[test]
fn commands_opened_by_a_mask() {
    let c = catalog();
    let names = |mask| -> BTreeSet<&str> {
        c.commands_opened_by(mask)
            .iter()
            .map(|m| m.request_type.as_str())
            .collect()
    };
    let none = names(0);
    assert!(none.contains("DeviceLocation"));
    assert!(none.contains("EnableLostMode"));
    assert!(!none.contains("EraseDevice"));
    assert!(!none.contains("InstallProfile"));
    let erase = names(8);
    assert!(erase.contains("EraseDevice"));
    assert!(!erase.contains("ClearPasscode"));
    assert_eq!(names(8191).len(), c.commands().count());
}

#[test]
fn payload_verbs_are_unique_per_entry() {
    for p in catalog().payloads() {
        let set: BTreeSet<Verb> = p.verbs.iter().copied().collect();
        assert_eq!(
            set.len(),
            p.verbs.len(),
            "{}: verb listed twice",
            p.payload_type
        );
    }
}

fn with_payloads(payloads: &str) -> Result<catalog::Catalog, CatalogError> {
    catalog::load(Sources {
        payloads,
        ..Sources::EMBEDDED
    })
}

const ONE_PAYLOAD: &str = r#"
[[payload]]
payload_type = "com.example.one"
supervised_only = false
category = "other"
verbs = ["read"]
"#;

#[test]
fn a_valid_replacement_file_loads() {
    let c = with_payloads(ONE_PAYLOAD).unwrap();
    assert_eq!(c.payloads().count(), 1);
    assert_eq!(c.payload("com.example.one").unwrap().verbs, [Verb::Read]);
}

#[test]
fn errors_name_the_file_and_the_entry() {
    let typo = ONE_PAYLOAD.replace("category =", "categroy =");
    let err = with_payloads(&typo).unwrap_err().to_string();
    assert!(err.contains("payloads.toml"), "{err}");
    assert!(err.contains("com.example.one"), "{err}");
    assert!(err.contains("categroy"), "{err}");

    let bad_verb = ONE_PAYLOAD.replace(r#"["read"]"#, r#"["peek"]"#);
    let err = with_payloads(&bad_verb).unwrap_err();
    assert!(
        matches!(
            err,
            CatalogError::Entry {
                file: "payloads.toml",
                ..
            }
        ),
        "{err}"
    );

    let twice = format!("{ONE_PAYLOAD}{ONE_PAYLOAD}");
    let err = with_payloads(&twice).unwrap_err();
    assert!(matches!(err, CatalogError::Invalid { ref entry, .. } if entry == "com.example.one"));

    let stray = format!("version = 1\n{ONE_PAYLOAD}");
    assert!(matches!(
        with_payloads(&stray),
        Err(CatalogError::UnexpectedKey { .. })
    ));

    assert!(matches!(
        with_payloads("[[payload]"),
        Err(CatalogError::Syntax { .. })
    ));
}

#[test]
fn rule_violations_in_the_other_files_are_reported() {
    let bit = Sources::EMBEDDED
        .access_rights
        .replace("bit = 4096", "bit = 4095");
    let err = catalog::load(Sources {
        access_rights: &bit,
        ..Sources::EMBEDDED
    })
    .unwrap_err()
    .to_string();
    assert!(
        err.contains("access_rights.toml") && err.contains("power of two"),
        "{err}"
    );

    let unknown = Sources::EMBEDDED
        .commands
        .replace("access_right = 8\n", "access_right = 8192\n");
    let err = catalog::load(Sources {
        commands: &unknown,
        ..Sources::EMBEDDED
    })
    .unwrap_err()
    .to_string();
    assert!(
        err.contains("EraseDevice") && err.contains("not a known bit"),
        "{err}"
    );

    let wrong_type = Sources::EMBEDDED
        .restrictions
        .replace("default = 30\n", "default = \"30\"\n");
    let err = catalog::load(Sources {
        restrictions: &wrong_type,
        ..Sources::EMBEDDED
    })
    .unwrap_err()
    .to_string();
    assert!(err.contains("enforcedSoftwareUpdateDelay"), "{err}");
}

#[test]
fn user_enrollment_forbids_the_strongest_commands() {
    let c = catalog();
    for name in [
        "EraseDevice",
        "ClearPasscode",
        "DeviceLocation",
        "EnableLostMode",
    ] {
        assert_eq!(
            c.command(name).unwrap().user_enrollment,
            UserEnrollment::Forbidden,
            "{name}"
        );
    }
}

#[test]
fn entries_serialise_with_the_catalogue_names() {
    let c = catalog();
    let json = serde_json::to_value(c.command("DeviceLocation").unwrap()).unwrap();
    assert_eq!(json["kind"], "read");
    assert_eq!(json["verb"], "locate");
    assert_eq!(json["user_enrollment"], "forbidden");
    let json = serde_json::to_value(c.payload("com.apple.vpn.managed").unwrap()).unwrap();
    assert_eq!(json["category"], "traffic");
}

// ---- Facts for the analysis: platforms and supervision of every payload type and key, roles,
// ---- target and secret keys, evidence-keeping restrictions, command facts, app categories.

fn platforms(list: &str) -> Vec<Platform> {
    list.split_whitespace()
        .map(|p| serde_json::from_value(serde_json::Value::String(p.into())).unwrap())
        .collect()
}

fn optional(value: &str) -> Option<String> {
    (!value.is_empty()).then(|| value.to_owned())
}

#[test]
fn payload_schema_lists_every_payload_type_of_every_platform() {
    let c = catalog();
    // Per payload type: platforms, iOS deprecated, iOS removed.
    type Facts = (BTreeSet<Platform>, Option<String>, Option<String>);
    let mut expected: HashMap<String, Facts> = HashMap::new();
    for row in csv_rows(PAYLOAD_TYPES_CSV) {
        let entry = expected.entry(row["payloadtype"].clone()).or_default();
        entry.0.extend(platforms(&row["platforms"]));
        if row["ios_deprecated"] != "n/a" {
            entry.1 = entry.1.take().or(optional(&row["ios_deprecated"]));
            entry.2 = entry.2.take().or(optional(&row["ios_removed"]));
        }
    }
    // A type without any platform in the schema (com.apple.security.wapi-identity) is left out.
    expected.retain(|_, (p, _, _)| !p.is_empty());
    assert_eq!(c.payload_schemas().count(), expected.len());
    assert!(expected.len() > 110, "the reference table itself changed");
    for (name, (platforms, deprecated, removed)) in &expected {
        let entry = c
            .payload_schema(name)
            .unwrap_or_else(|| panic!("{name} missing from payload_schema.toml"));
        let ours: BTreeSet<Platform> = entry.platforms.iter().copied().collect();
        assert_eq!(&ours, platforms, "{name}: platforms");
        assert_eq!(&entry.ios_deprecated, deprecated, "{name}: deprecated");
        assert_eq!(&entry.ios_removed, removed, "{name}: removed");
    }
    assert!(c
        .payload_schema("com.apple.security.wapi-identity")
        .is_none());
}

#[test]
fn payload_platforms() {
    let c = catalog();
    assert_eq!(
        c.payload_platform("com.apple.vpn.managed"),
        Some(PlatformScope::Both)
    );
    assert_eq!(
        c.payload_platform("com.apple.apn.managed"),
        Some(PlatformScope::IosOnly)
    );
    assert_eq!(
        c.payload_platform("com.apple.dock"),
        Some(PlatformScope::MacosOnly)
    );
    assert_eq!(
        c.payload_platform("com.apple.airplay.security"),
        Some(PlatformScope::Elsewhere)
    );
    assert_eq!(
        c.payload_platform("Profile Service"),
        Some(PlatformScope::Both)
    );
    assert_eq!(c.payload_platform("com.example.unknown"), None);
    assert!(!PlatformScope::MacosOnly.acts_on_ios());
    assert!(PlatformScope::IosOnly.acts_on_ios());
    // Every payload type Lucarne describes for an iPad acts on one.
    for p in c.payloads() {
        assert!(
            c.payload_platform(&p.payload_type)
                .is_some_and(PlatformScope::acts_on_ios),
            "{}",
            p.payload_type
        );
    }
}

/// The catalogue answers, for every key path of the schema, what the schema says.
#[test]
fn every_key_of_the_schema_has_its_platform_and_supervision() {
    let c = catalog();
    let rows = csv_rows(PAYLOAD_KEYS_CSV);
    assert!(rows.len() > 1800, "the reference table itself changed");
    let mut by_prose = 0;
    for row in &rows {
        let (ptype, key) = (&row["payloadtype"], &row["key"]);
        let scope = PlatformScope::of(&platforms(&row["platforms"]));
        if c.payload_schema(ptype).is_none() {
            // Only the type without any platform in the schema.
            assert!(row["platforms"].is_empty(), "{ptype} missing");
            continue;
        }
        assert_eq!(
            c.key_platform(ptype, key),
            Some(scope),
            "{ptype} {key}: platform"
        );
        assert_eq!(
            flag(&row["ios"]),
            scope.acts_on_ios(),
            "{ptype} {key}: ios column"
        );
        assert_eq!(
            flag(&row["macos_only"]),
            scope == PlatformScope::MacosOnly,
            "{ptype} {key}: macos_only column"
        );
        let prose = c.payload_facts(ptype).is_some_and(|f| {
            f.supervised_keys
                .iter()
                .any(|k| catalog::key_path_covers(k, key))
        });
        if scope.acts_on_ios() {
            let schema = flag(&row["ios_supervised"]);
            assert_eq!(
                c.key_supervised_only(ptype, key),
                schema || prose,
                "{ptype} {key}: supervised"
            );
            if prose {
                // A prose fact that merely repeats the schema's flag would hide a change.
                assert!(!schema, "{ptype} {key}: flagged by the schema already");
                by_prose += 1;
            }
        } else {
            assert_eq!(row["ios_supervised"], "n/a", "{ptype} {key}");
            assert!(!c.key_supervised_only(ptype, key), "{ptype} {key}");
        }
    }
    assert!(by_prose >= 2, "prose supervision facts not exercised");
    // Every key listed in payload_schema.toml is a key of the table.
    let known: HashSet<(&str, &str)> = rows
        .iter()
        .map(|r| (r["payloadtype"].as_str(), r["key"].as_str()))
        .collect();
    for p in c.payload_schemas() {
        for k in &p.keys {
            assert!(
                known.contains(&(p.payload_type.as_str(), k.key.as_str())),
                "{} {}: not in payload-keys.csv",
                p.payload_type,
                k.key
            );
        }
    }
}

#[test]
fn key_facts_for_the_truth_classes() {
    let c = catalog();
    // Supervised-only by the schema, beyond restrictions.
    assert!(c.key_supervised_only("com.apple.proxy.http.global", "ProxyServer"));
    assert!(c.key_supervised_only("com.apple.airplay", "AllowList[0]/DeviceID"));
    assert!(!c.key_supervised_only("com.apple.airplay", "Passwords"));
    assert!(c.key_supervised_only("TopLevel", "PayloadRemovalDisallowed"));
    // Supervised-only by Apple's prose.
    assert!(c.key_supervised_only("com.apple.vpn.managed", "AlwaysOn/UIToggleEnabled"));
    assert!(c.key_supervised_only("com.apple.dnsSettings.managed", "ProhibitDisablement"));
    assert!(!c.key_supervised_only("com.apple.vpn.managed", "IKEv2/RemoteAddress"));
    // macOS-only keys of payloads an iPad accepts.
    assert_eq!(
        c.key_platform("com.apple.vpn.managed", "TransparentProxy/Order"),
        Some(PlatformScope::MacosOnly)
    );
    assert_eq!(
        c.key_platform("com.apple.webcontent-filter", "FilterPackets"),
        Some(PlatformScope::MacosOnly)
    );
    assert!(!c.key_supervised_only("com.apple.vpn.managed", "TransparentProxy"));
    // Array indices and keys the schema does not name fall back to their ancestors.
    assert_eq!(
        c.key_platform("com.apple.vpn.managed", "IKEv2/OnDemandRules[3]/Action"),
        Some(PlatformScope::Both)
    );
    assert_eq!(
        c.key_platform("com.apple.vpn.managed", "TransparentProxy/SomethingNew"),
        Some(PlatformScope::MacosOnly)
    );
    assert_eq!(c.key_platform("com.example.unknown", "Anything"), None);
    assert!(!c.key_supervised_only("com.example.unknown", "Anything"));
    // Supervision of the whole payload under conditions Apple states in prose.
    let filter = c
        .payload_supervised_when("com.apple.webcontent-filter")
        .unwrap();
    assert_eq!(filter.os_before.as_deref(), Some("16.0"));
    assert_eq!(filter.key_absent.as_deref(), Some("ContentFilterUUID"));
    let dns_proxy = c
        .payload_supervised_when("com.apple.dnsProxy.managed")
        .unwrap();
    assert_eq!(dns_proxy.os_before.as_deref(), Some("15.0"));
    assert!(dns_proxy.key_absent.is_none());
    // Legacy payload types that still act, and removed ones that do not.
    assert!(c.is_legacy_type("com.apple.apn.managed"));
    assert!(!c.is_legacy_type("com.apple.osxserver.account"));
    assert_eq!(
        c.payload_schema("com.apple.osxserver.account")
            .unwrap()
            .ios_removed
            .as_deref(),
        Some("12.0")
    );
    assert!(!c.is_legacy_type("com.apple.vpn.managed"));
}

#[test]
fn key_path_helpers() {
    assert_eq!(
        catalog::normalise_key_path("A/B[12]/C[0][3]"),
        "A/B[]/C[][]"
    );
    assert_eq!(catalog::normalise_key_path("A[]/B"), "A[]/B");
    assert_eq!(catalog::parent_key_path("A/B[]/C"), Some("A/B[]"));
    assert_eq!(catalog::parent_key_path("A/B[]"), Some("A/B"));
    assert_eq!(catalog::parent_key_path("A"), None);
    assert!(catalog::key_path_covers(
        "Relays[]/H",
        "Relays[]/H/Authorization"
    ));
    assert!(catalog::key_path_covers("Password", "Password"));
    assert!(catalog::key_path_covers("APNs", "APNs[]/Password"));
    assert!(!catalog::key_path_covers("Password", "PasswordHint"));
    assert!(!catalog::key_path_covers("B", "A/B"));
}

#[test]
fn every_payload_type_described_for_an_ipad_has_facts_and_a_topic() {
    let c = catalog();
    for p in c.payloads() {
        let facts = c
            .payload_facts(&p.payload_type)
            .unwrap_or_else(|| panic!("{}: no entry in payload_facts.toml", p.payload_type));
        assert!(facts.topic.is_some(), "{}", p.payload_type);
    }
    assert_eq!(c.payload_topic("com.apple.eas.account"), Some(Topic::Mail));
    assert_eq!(
        c.payload_topic("com.apple.security.root"),
        Some(Topic::Https)
    );
    assert_eq!(c.payload_topic("com.apple.education"), Some(Topic::Screen));
    assert_eq!(Topic::ALL.len(), 12);
    assert!(Topic::Mail < Topic::Management, "harm order");
}

#[test]
fn roles_keep_the_payload_types_the_diff_used() {
    let c = catalog();
    let with = |role| -> BTreeSet<&str> {
        c.payload_facts_all()
            .filter(|f| f.roles.contains(&role))
            .map(|f| f.payload_type.as_str())
            .collect()
    };
    assert_eq!(
        with(PayloadRole::TrustAnchor),
        BTreeSet::from([
            "com.apple.security.root",
            "com.apple.security.pem",
            "com.apple.security.pkcs1"
        ])
    );
    assert_eq!(
        with(PayloadRole::TrafficPath),
        BTreeSet::from([
            "com.apple.vpn.managed",
            "com.apple.vpn.managed.applayer",
            "com.apple.proxy.http.global",
            "com.apple.dnsSettings.managed",
            "com.apple.dnsProxy.managed",
            "com.apple.webcontent-filter",
            "com.apple.relay.managed",
        ])
    );
    assert!(c.is_trust_anchor_type("com.apple.security.pem"));
    assert!(!c.is_trust_anchor_type("com.apple.security.pkcs12"));
    assert!(c.is_traffic_path_type("com.apple.relay.managed"));
    assert!(!c.is_traffic_path_type("com.apple.wifi.managed"));
    assert_eq!(
        c.traffic_path_keys("com.apple.apn.managed"),
        ["DefaultsData/apns[]/proxy"]
    );
    assert!(c
        .traffic_path_keys("com.apple.wifi.managed")
        .contains(&"ProxyServer".to_owned()));
    assert_eq!(c.payload_roles("com.apple.mdm"), [PayloadRole::Enrolment]);
    assert_eq!(c.payload_roles("Profile Service"), [PayloadRole::Enrolment]);
    assert!(c.payload_roles("com.example.unknown").is_empty());
    for account in with(PayloadRole::Account) {
        // An account without a server it names is the Google account (Google's servers).
        if account != "com.apple.google-oauth" {
            assert!(
                !c.target_keys(account).is_empty(),
                "{account}: no target key"
            );
        }
    }
    assert!(c
        .target_keys("com.apple.security.scep")
        .contains(&"PayloadContent/URL".to_owned()));
    assert!(c
        .target_keys("com.apple.security.acme")
        .contains(&"DirectoryURL".to_owned()));
    assert!(c
        .target_keys("Profile Service")
        .contains(&"PayloadContent/URL".to_owned()));
}

/// Key paths named in payload_facts.toml that Apple's schema does not list, with the reason.
const FACT_KEYS_OUTSIDE_THE_SCHEMA: &[(&str, &str)] = &[
    // The server of VPN apps' profiles (VPNType VPN); see the comment in payload_facts.toml.
    ("com.apple.vpn.managed", "VPN/RemoteAddress"),
    // "all keys defined for the IKEv2 dictionary … may be present in a TunnelConfigurations
    // dictionary" (Configuration Profile Reference, AlwaysOn keys).
    (
        "com.apple.vpn.managed",
        "AlwaysOn/TunnelConfigurations[]/RemoteAddress",
    ),
    (
        "com.apple.vpn.managed",
        "AlwaysOn/TunnelConfigurations[]/SharedSecret",
    ),
];

#[test]
fn key_paths_of_the_facts_exist_in_the_schema() {
    let c = catalog();
    let rows = csv_rows(PAYLOAD_KEYS_CSV);
    let keys: HashSet<(&str, &str)> = rows
        .iter()
        .map(|r| (r["payloadtype"].as_str(), r["key"].as_str()))
        .collect();
    let known = |ptype: &str, path: &str| {
        if keys.contains(&(ptype, path)) || FACT_KEYS_OUTSIDE_THE_SCHEMA.contains(&(ptype, path)) {
            return true;
        }
        // A key chosen by the profile's author, under a dictionary the schema calls ANY.
        let mut current = Some(path);
        while let Some(p) = current {
            let parent = catalog::parent_key_path(p);
            let any = match parent {
                Some(parent) => format!("{parent}/ANY"),
                None => "ANY".to_owned(),
            };
            if keys.contains(&(ptype, any.as_str())) {
                return true;
            }
            current = parent;
        }
        false
    };
    let mut checked = 0;
    for f in c.payload_facts_all() {
        if c.payload_schema(&f.payload_type).is_none() {
            continue; // Profile Service: not in the schema, its source is cited in the file.
        }
        let when = f
            .supervised_when
            .iter()
            .filter_map(|w| w.key_absent.as_ref());
        for path in f
            .target_keys
            .iter()
            .chain(&f.traffic_path_keys)
            .chain(&f.secret_keys)
            .chain(&f.opaque_keys)
            .chain(&f.supervised_keys)
            .chain(when)
        {
            assert!(known(&f.payload_type, path), "{} {path}", f.payload_type);
            checked += 1;
        }
    }
    assert!(checked > 100);
    for (ptype, path) in FACT_KEYS_OUTSIDE_THE_SCHEMA {
        assert!(
            !keys.contains(&(*ptype, *path)),
            "{ptype} {path} is in the schema now"
        );
    }
}

/// Keys whose name looks like a secret's but whose value is not one.
const NOT_SECRETS: &[(&str, &str, &str)] = &[
    (
        "com.apple.vpn.managed",
        "IPSec/XAuthPasswordEncryption",
        "a mode: Prompt",
    ),
    ("com.apple.eas.account", "OAuthTokenRequestURL", "a URL"),
    (
        "com.apple.mobiledevice.passwordpolicy",
        "customRegex/passwordContentRegex",
        "a rule",
    ),
    (
        "com.apple.mobiledevice.passwordpolicy",
        "customRegex/passwordContentDescription",
        "a text",
    ),
    (
        "com.apple.MCX.FileVault2",
        "Certificate",
        "a public certificate",
    ),
    (
        "com.apple.systempolicy.rule",
        "LeafCertificate",
        "a public certificate",
    ),
    (
        "com.apple.extensiblesso",
        "PlatformSSO/TokenToUserMapping",
        "names of token claims",
    ),
];

#[test]
fn every_key_of_the_schema_that_holds_a_secret_is_listed_as_one() {
    let c = catalog();
    let mut secrets = 0;
    for row in csv_rows(PAYLOAD_KEYS_CSV) {
        let (ptype, key) = (row["payloadtype"].as_str(), row["key"].as_str());
        if !matches!(
            row["type"].as_str(),
            "string" | "data" | "dictionary" | "any"
        ) {
            continue; // Booleans and numbers are settings (allowPasswordSharing, TokenCard).
        }
        let last = key.rsplit('/').next().unwrap().to_ascii_lowercase();
        let looks_secret = [
            "password",
            "secret",
            "passphrase",
            "challenge",
            "token",
            "header",
        ]
        .iter()
        .any(|w| last.contains(w))
            || last == "ppk"
            || (last.ends_with("certificate") && row["type"] == "data");
        if !looks_secret || NOT_SECRETS.iter().any(|(t, k, _)| (*t, *k) == (ptype, key)) {
            continue;
        }
        assert!(
            c.is_secret_key_path(ptype, key),
            "{ptype} {key}: a secret not listed"
        );
        secrets += 1;
    }
    assert!(secrets > 40, "only {secrets} secrets");
    // Secrets by content that no key name gives away.
    assert!(c.is_secret_key_path("com.apple.eas.account", "Certificate"));
    assert!(c.is_secret_key_path("com.apple.security.pkcs12", "PayloadContent"));
    assert!(c.is_secret_key_path("com.apple.security.acme", "ClientIdentifier"));
    assert!(c.is_secret_key_path(
        "com.apple.relay.managed",
        "Relays[0]/AdditionalHTTPHeaderFields/Authorization"
    ));
    assert!(!c.is_secret_key_path("com.apple.security.root", "PayloadContent"));
    assert!(!c.is_secret_key_path("com.apple.wifi.managed", "SSID_STR"));
    assert_eq!(c.opaque_keys("com.apple.extensiblesso"), ["ExtensionData"]);
}

#[test]
fn restrictions_that_take_away_evidence() {
    let c = catalog();
    let keys: BTreeSet<&str> = c
        .evidence_keeping_restrictions()
        .map(|r| r.key.as_str())
        .collect();
    assert_eq!(
        keys,
        BTreeSet::from([
            "allowCloudBackup",
            "allowEnterpriseBookBackup",
            "allowHostPairing",
            "allowScreenShot"
        ])
    );
    for r in c.restrictions() {
        let key = r.key.to_ascii_lowercase();
        // Every key about backups or screenshots that can forbid them is one; forcing
        // encrypted backups forbids nothing.
        if key.contains("backup") || key.contains("screenshot") {
            assert_eq!(r.evidence_keeping, !key.starts_with("force"), "{}", r.key);
        }
        if r.evidence_keeping {
            assert_eq!(r.restricted_value, Some(false), "{}", r.key);
        }
    }
}

#[test]
fn shared_ipad_and_obsolete_commands_match_the_reference_table() {
    let c = catalog();
    for row in csv_rows(COMMANDS_CSV) {
        let entry = c.command(&row["requesttype"]).unwrap();
        assert_eq!(
            entry.shared_ipad_only,
            flag(&row["sharedipad_only"]),
            "{}",
            entry.request_type
        );
        let obsolete = optional(&row["ios_removed"]).or(optional(&row["ios_deprecated"]));
        assert_eq!(entry.obsolete_since, obsolete, "{}", entry.request_type);
    }
    let shared: BTreeSet<&str> = c
        .commands()
        .filter(|m| m.shared_ipad_only)
        .map(|m| m.request_type.as_str())
        .collect();
    assert_eq!(
        shared,
        BTreeSet::from(["DeleteUser", "LogOutUser", "UserConfigured", "UserList"])
    );
    assert_eq!(
        c.command("RequestUnlockToken")
            .unwrap()
            .obsolete_since
            .as_deref(),
        Some("6.1.6")
    );
}

#[test]
fn command_and_access_right_topics() {
    let c = catalog();
    let topic = |name: &str| c.command(name).unwrap().topic;
    assert_eq!(topic("EraseDevice"), Topic::Erase);
    for name in ["DeviceLocation", "EnableLostMode", "PlayLostModeSound"] {
        assert_eq!(topic(name), Topic::Locate, "{name}");
    }
    for name in ["InstallApplication", "RemoveApplication", "InstallProfile"] {
        assert_eq!(topic(name), Topic::Apps, "{name}");
    }
    for name in [
        "DeviceInformation",
        "InstalledApplicationList",
        "CertificateList",
    ] {
        assert_eq!(topic(name), Topic::Inventory, "{name}");
    }
    assert_eq!(topic("DeviceLock"), Topic::Lock);
    assert_eq!(topic("ClearPasscode"), Topic::Lock);
    assert_eq!(topic("Settings"), Topic::Settings);
    assert_eq!(topic("RequestMirroring"), Topic::Screen);
    // A right's topic is the topic of one of the commands it opens.
    for right in c.access_rights() {
        let topics: BTreeSet<Topic> = c
            .commands()
            .filter(|m| m.access_right == right.bit)
            .map(|m| m.topic)
            .collect();
        if !topics.is_empty() {
            assert!(
                topics.contains(&right.topic),
                "{}: {:?}",
                right.name,
                topics
            );
        }
    }
    assert_eq!(c.access_right(8).unwrap().topic, Topic::Erase);
    let json = serde_json::to_value(c.command("RequestUnlockToken").unwrap()).unwrap();
    assert_eq!(json["topic"], "lock");
    assert_eq!(json["obsolete_since"], "6.1.6");
}

#[test]
fn apps_that_can_observe_the_screen() {
    let c = catalog();
    assert_eq!(
        c.app_category("com.teamviewer.rc"),
        Some(AppCategory::RemoteControl)
    );
    assert_eq!(
        c.app_category("COM.TeamViewer.QuickSupport"),
        Some(AppCategory::RemoteControl)
    );
    assert_eq!(
        c.app_category("com.teamviewer"),
        Some(AppCategory::RemoteControl)
    );
    assert_eq!(c.app_category("com.teamviewerx.rc"), None);
    assert_eq!(c.app_category("com"), None);
    assert_eq!(c.app_category(""), None);
    assert_eq!(
        c.app_category("us.zoom.videomeetings"),
        Some(AppCategory::ScreenSharing)
    );
    assert_eq!(c.app_category("us.zoom.videomeetings.extension"), None);
    assert_eq!(
        c.app_category("com.microsoft.scmx"),
        Some(AppCategory::DeviceMonitoring)
    );
    assert_eq!(c.app_category("com.microsoft.Office.Outlook"), None);
    assert_eq!(c.app("com.anydesk.AnyDesk").unwrap().name, "AnyDesk");
    assert!(c.apps().all(|a| !a.source.is_empty()));

    // The remote-control app of the bundled "week 2" iPad is recognised.
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../virtual-ipad/devices/council-ipad-week2/apps.plist"
    );
    let apps = plist::Value::from_file(path).unwrap();
    let mut found = Vec::new();
    let list = match &apps {
        plist::Value::Array(list) => list.clone(),
        plist::Value::Dictionary(d) => d.values().cloned().collect(),
        _ => Vec::new(),
    };
    for app in list {
        let Some(dict) = app.as_dictionary() else {
            continue;
        };
        let Some(id) = dict.get("CFBundleIdentifier").and_then(|v| v.as_string()) else {
            continue;
        };
        if let Some(category) = c.app_category(id) {
            found.push((id.to_owned(), category));
        }
    }
    assert_eq!(
        found,
        [("com.teamviewer.rc".to_owned(), AppCategory::RemoteControl)]
    );
}

fn with_sources(change: impl FnOnce(&mut Sources<'static>, &'static str)) -> CatalogError {
    let mut sources = Sources::EMBEDDED;
    change(&mut sources, "");
    catalog::load(sources).unwrap_err()
}

#[test]
fn rule_violations_in_the_fact_files_are_reported() {
    let leak = |s: String| -> &'static str { Box::leak(s.into_boxed_str()) };

    let facts = leak(format!(
        "{}\n[[payload]]\npayload_type = \"com.apple.dock\"\nplatforms = [\"macos\"]\n",
        Sources::EMBEDDED.payload_facts
    ));
    let err = with_sources(|s, _| s.payload_facts = facts).to_string();
    assert!(
        err.contains("payload_facts.toml") && err.contains("com.apple.dock"),
        "{err}"
    );

    let unknown = leak(format!(
        "{}\n[[payload]]\npayload_type = \"com.example.new\"\n",
        Sources::EMBEDDED.payload_facts
    ));
    let err = with_sources(|s, _| s.payload_facts = unknown).to_string();
    assert!(err.contains("give its platforms"), "{err}");

    let no_topic = leak(
        Sources::EMBEDDED
            .payload_facts
            .replace("topic = \"restrict\"\n", ""),
    );
    let err = with_sources(|s, _| s.payload_facts = no_topic).to_string();
    assert!(err.contains("needs a topic"), "{err}");

    let bad_path = leak(
        Sources::EMBEDDED
            .payload_facts
            .replace("\"CalDAVPassword\"", "\"CalDAV[x]Password\""),
    );
    let err = with_sources(|s, _| s.payload_facts = bad_path).to_string();
    assert!(err.contains("com.apple.caldav.account"), "{err}");

    let both = leak(Sources::EMBEDDED.app_categories.replace(
        "prefix = \"com.anydesk\"",
        "prefix = \"com.anydesk\"\nexact = \"a.b\"",
    ));
    let err = with_sources(|s, _| s.app_categories = both).to_string();
    assert!(
        err.contains("AnyDesk") && err.contains("exactly one"),
        "{err}"
    );

    let bare = leak(format!(
        "{}\n[[payload]]\npayload_type = \"com.example.x\"\nplatforms = [\"ios\"]\nkeys = [{{ key = \"A\" }}]\n",
        Sources::EMBEDDED.payload_schema
    ));
    let err = with_sources(|s, _| s.payload_schema = bare).to_string();
    assert!(
        err.contains("payload_schema.toml") && err.contains("no fact"),
        "{err}"
    );

    let version = leak(
        Sources::EMBEDDED
            .commands
            .replace("obsolete_since = \"6.1.6\"", "obsolete_since = \"soon\""),
    );
    let err = with_sources(|s, _| s.commands = version).to_string();
    assert!(err.contains("RequestUnlockToken"), "{err}");
}
