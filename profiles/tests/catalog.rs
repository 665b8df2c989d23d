//! Consistency of the catalogue: it loads, it is complete and bilingual, and its facts match
//! the reference tables derived from Apple's schema (`profiles/catalog/reference/`).

#![allow(clippy::unwrap_used)]

use std::collections::{BTreeSet, HashMap};

use lucarne_profiles::catalog::{
    self, catalog, CatalogError, CommandKind, Sources, UserEnrollment,
};
use lucarne_profiles::Verb;

const PAYLOAD_TYPES_CSV: &str = include_str!("../catalog/reference/payload-types.csv");
const RESTRICTIONS_CSV: &str = include_str!("../catalog/reference/restrictions.csv");
const COMMANDS_CSV: &str = include_str!("../catalog/reference/commands-ios.csv");

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
