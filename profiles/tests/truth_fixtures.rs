//! The "analysis truth" fixtures of `tests/fixtures/truth/` (issue 9): each parses, the
//! README that specifies what the analysis must say describes every one of them, and the
//! list of their secrets names values that are really there.

#![allow(clippy::unwrap_used)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use base64::Engine as _;
use lucarne_profiles::value;
use lucarne_profiles::{parse_profile, Profile};
use serde_json::Value;

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/truth")
}

fn fixtures() -> Vec<(String, Profile)> {
    let mut all = Vec::new();
    for entry in std::fs::read_dir(dir()).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().and_then(|e| e.to_str()) != Some("mobileconfig") {
            continue;
        }
        let name = path.file_stem().unwrap().to_str().unwrap().to_owned();
        let bytes = std::fs::read(&path).unwrap();
        let profile = parse_profile(&bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
        all.push((name, profile));
    }
    all.sort_by(|a, b| a.0.cmp(&b.0));
    all
}

#[test]
fn every_fixture_parses_and_only_the_invalid_one_has_another_outer_type() {
    let all = fixtures();
    assert!(all.len() >= 25, "only {} fixtures", all.len());
    for (name, profile) in &all {
        assert!(
            profile.warnings.is_empty(),
            "{name}: {:?}",
            profile.warnings
        );
        assert!(!profile.payloads.is_empty(), "{name}: no payload");
        match name.as_str() {
            // Read as one bare payload today; the analysis must flag it as invalid.
            "outer-not-configuration" => {
                assert_eq!(profile.payload_type, "com.apple.applicationaccess");
                assert_eq!(profile.payloads.len(), 1);
                assert!(profile.payloads[0].get("PayloadContent").is_some());
            }
            // Over-the-air enrolment: a legitimate top-level payload.
            "profile-service" => assert_eq!(profile.payload_type, "Profile Service"),
            _ => assert_eq!(profile.payload_type, "Configuration", "{name}"),
        }
        assert_eq!(profile.identifier, format!("fr.exemple.truth.{name}"));
    }
}

#[test]
fn the_readme_specifies_every_fixture_and_no_other() {
    let readme = std::fs::read_to_string(dir().join("README.md")).unwrap();
    let described: BTreeSet<String> = readme
        .lines()
        .filter_map(|l| l.strip_prefix("### `"))
        .filter_map(|l| l.strip_suffix(".mobileconfig`"))
        .map(str::to_owned)
        .collect();
    let present: BTreeSet<String> = fixtures().into_iter().map(|(n, _)| n).collect();
    assert_eq!(described, present);
    for section in readme.split("\n### `").skip(1) {
        let name = section.split('`').next().unwrap();
        for field in [
            "**Class**",
            "**Must say**",
            "**Must not say**",
            "**Source**",
        ] {
            assert!(section.contains(field), "{name}: no {field}");
        }
    }
}

/// The value at `path` (`A/B[0]/C`) of a JSON tree.
fn at<'a>(mut value: &'a Value, path: &str) -> Option<&'a Value> {
    for segment in path.split('/') {
        let (name, indices) = match segment.find('[') {
            Some(i) => (&segment[..i], &segment[i..]),
            None => (segment, ""),
        };
        value = value.get(name)?;
        for index in indices
            .split(']')
            .filter_map(|s| s.strip_prefix('['))
            .filter(|s| !s.is_empty())
        {
            value = value.get(index.parse::<usize>().ok()?)?;
        }
    }
    Some(value)
}

#[test]
fn the_secrets_list_names_values_that_are_in_the_fixtures() {
    let all = fixtures();
    let list = std::fs::read_to_string(dir().join("secrets.tsv")).unwrap();
    let mut per_fixture = BTreeSet::new();
    let mut count = 0;
    for line in list
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
    {
        let fields: Vec<&str> = line.split('\t').collect();
        let [fixture, payload_type, path, secret] = fields[..] else {
            panic!("bad line: {line}");
        };
        let (_, profile) = all
            .iter()
            .find(|(n, _)| n == fixture)
            .unwrap_or_else(|| panic!("no fixture {fixture}"));
        let found = profile
            .payloads
            .iter()
            .filter(|p| p.payload_type == payload_type)
            .filter_map(|p| at(&Value::Object(p.content.clone()), path).cloned())
            .any(|v| match &v {
                Value::String(s) => s == secret,
                other => value::as_bytes(other).is_some_and(|bytes| {
                    base64::engine::general_purpose::STANDARD.encode(bytes) == secret
                }),
            });
        assert!(found, "{fixture} {payload_type} {path}: value not found");
        per_fixture.insert(fixture.to_owned());
        count += 1;
    }
    assert!(count >= 25);
    for must in [
        "secrets-by-content",
        "vpn-vendor",
        "profile-service",
        "scep-acme",
    ] {
        assert!(per_fixture.contains(must), "{must} has no secret listed");
    }
}
