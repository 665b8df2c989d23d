//! No secret of any fixture survives redaction (issue 9, item 6): for every profile of
//! `profiles/tests/fixtures/truth/`, `tests/fixtures/profiles/` and the bundled devices
//! (`virtual-ipad/devices/*/profiles/`), read as the agent reads it and redacted with the agent's
//! redactor, no secret appears in the redacted profile's JSON, in a snapshot holding it and
//! the changes it brings, in the analysis's JSON, nor in the explanation drawn in French and
//! English. The analysis of the profile before redaction copies no secret either.
//!
//! The secrets are those `profiles/tests/fixtures/truth/secrets.tsv` lists (found there by
//! hand, under innocent names too), and, for every profile, the values under keys whose name
//! says they are secret or that the catalogue lists as secret.

#![allow(clippy::unwrap_used)]

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use lucarne_profiles::analysis::{analyze_profiles, analyze_snapshot, Context};
use lucarne_profiles::catalog::catalog;
use lucarne_profiles::compare::compare_snapshots;
use lucarne_profiles::redact::Redactor;
use lucarne_profiles::snapshot::{InstalledProfile, Snapshot, Source};
use lucarne_profiles::{parse_profile, Profile};
use lucarne_words::{explain, plain, Lang, Subject};
use serde_json::Value;

/// Length of the slices of a long secret (a PKCS#12 in base64) that must not appear either.
const SLICE: usize = 24;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn truth_dir() -> PathBuf {
    root().join("profiles/tests/fixtures/truth")
}

/// Every profile file: (fixture name, path).
fn fixtures() -> Vec<(String, PathBuf)> {
    let mut dirs = vec![truth_dir(), root().join("tests/fixtures/profiles")];
    for device in std::fs::read_dir(root().join("virtual-ipad/devices")).unwrap() {
        dirs.push(device.unwrap().path().join("profiles"));
    }
    let mut files = Vec::new();
    for dir in dirs {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "mobileconfig") {
                let name = path.file_stem().unwrap().to_string_lossy().to_string();
                files.push((name, path));
            }
        }
    }
    files.sort();
    assert!(files.len() > 50, "fixtures not found: {}", files.len());
    files
}

/// `secrets.tsv`: fixture → secret values.
fn listed_secrets() -> Vec<(String, String)> {
    let text = std::fs::read_to_string(truth_dir().join("secrets.tsv")).unwrap();
    let list: Vec<(String, String)> = text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let fields: Vec<&str> = l.split('\t').collect();
            (fields[0].to_string(), fields[3].to_string())
        })
        .collect();
    assert!(list.len() >= 25);
    list
}

/// Key names that say a value is secret, as a reader of the fixtures would spot them.
fn named_secret(key: &str) -> bool {
    let k: String = key
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_ascii_lowercase();
    ["secret", "privatekey", "presharedkey"]
        .iter()
        .any(|w| k.contains(w))
        || ["password", "passphrase", "challenge", "token"]
            .iter()
            .any(|w| k.ends_with(w))
}

/// Values under secret keys of a profile: strings as written, data as base64.
fn found_secrets(profile: &Profile) -> Vec<String> {
    fn walk(payload_type: &str, path: &str, value: &Value, secret: bool, out: &mut Vec<String>) {
        if let Some(base64) = value.get("$data").and_then(Value::as_str) {
            if secret {
                out.push(base64.to_string());
            }
            return;
        }
        match value {
            Value::Object(map) => {
                for (k, v) in map {
                    let child = if path.is_empty() {
                        k.clone()
                    } else {
                        format!("{path}/{k}")
                    };
                    let s = secret
                        || named_secret(k)
                        || catalog().is_secret_key_path(payload_type, &child);
                    walk(payload_type, &child, v, s, out);
                }
            }
            Value::Array(items) => {
                for (i, v) in items.iter().enumerate() {
                    walk(payload_type, &format!("{path}[{i}]"), v, secret, out);
                }
            }
            Value::String(s) => {
                if secret {
                    out.push(s.clone());
                }
                // Secrets inside configuration text (WireGuard).
                for line in s.lines() {
                    if let Some((name, v)) = line.split_once('=') {
                        if named_secret(name) || name.trim().eq_ignore_ascii_case("PrivateKey") {
                            out.push(v.trim().to_string());
                        }
                    }
                }
            }
            Value::Number(n) if secret => out.push(n.to_string()),
            _ => {}
        }
    }
    let mut out = Vec::new();
    for payload in &profile.payloads {
        walk(
            &payload.payload_type,
            "",
            &Value::Object(payload.content.clone()),
            false,
            &mut out,
        );
    }
    // Short values ("1", "none") are settings as often as secrets; a real secret is longer.
    out.retain(|s| s.trim().len() >= 6);
    out
}

/// Every slice of `SLICE` characters of `text`.
fn slices(text: &str) -> HashSet<&str> {
    let mut set = HashSet::new();
    let idx: Vec<usize> = text.char_indices().map(|(i, _)| i).collect();
    for w in 0..idx.len().saturating_sub(SLICE) {
        set.insert(&text[idx[w]..idx[w + SLICE]]);
    }
    set
}

/// Asserts no secret, nor any slice of a long one, is in `output`.
fn assert_clean(fixture: &str, what: &str, output: &str, secrets: &[String]) {
    let windows = slices(output);
    for secret in secrets {
        assert!(
            !output.contains(secret.as_str()),
            "{fixture}: a secret ({}…) survives in {what}",
            secret.chars().take(6).collect::<String>()
        );
        if secret.len() > 2 * SLICE {
            for start in 0..=secret.len() - SLICE {
                if let Some(slice) = secret.get(start..start + SLICE) {
                    assert!(
                        !windows.contains(slice),
                        "{fixture}: part of a secret survives in {what}"
                    );
                }
            }
        }
    }
}

/// Everything Lucarne would show or send of `profile`.
fn outputs(profile: &Profile) -> Vec<(&'static str, String)> {
    let analysis = analyze_profiles([profile], Context::default());
    let mut out = vec![
        ("the profile JSON", serde_json::to_string(profile).unwrap()),
        (
            "the analysis JSON",
            serde_json::to_string(&analysis).unwrap(),
        ),
    ];
    for lang in Lang::ALL {
        let doc = explain::explain(&analysis, Subject::Files(1), lang);
        out.push(("the explanation", plain::draw(&doc, true)));
        out.push(("the explanation JSON", serde_json::to_string(&doc).unwrap()));
    }
    out
}

#[test]
fn no_secret_survives_in_text_or_json() {
    let listed = listed_secrets();
    let redactor = Redactor::new(b"salt of the official's computer");
    let mut checked = 0;
    for (name, path) in fixtures() {
        let Ok(raw) = parse_profile(&std::fs::read(&path).unwrap()) else {
            continue;
        };
        let mut secrets: Vec<String> = listed
            .iter()
            .filter(|(f, _)| *f == name && path.starts_with(truth_dir()))
            .map(|(_, s)| s.clone())
            .collect();
        secrets.extend(found_secrets(&raw));
        if secrets.is_empty() {
            continue;
        }
        // The raw profile holds them (the check can fail)…
        let raw_json = serde_json::to_string(&raw).unwrap();
        assert!(
            secrets.iter().all(|s| raw_json.contains(s.as_str())),
            "{name}: a secret is not in the fixture as read"
        );
        // …the analysis of the raw profile copies none…
        for (what, text) in outputs(&raw).into_iter().skip(1) {
            assert_clean(
                &name,
                &format!("{what} (before redaction)"),
                &text,
                &secrets,
            );
        }
        // …and after redaction none is anywhere.
        let mut redacted = raw.clone();
        redactor.profile(&mut redacted);
        for (what, text) in outputs(&redacted) {
            assert_clean(&name, what, &text, &secrets);
        }
        // A snapshot holding the profile, as the agent redacts it, and what changed.
        let mut snapshot = Snapshot::new("2026-11-25T10:00:00Z");
        snapshot.profiles.push(InstalledProfile {
            profile: raw.clone(),
            payloads_known: true,
            managed: Some(true),
            installed_at: None,
            source: Source::Backup,
        });
        redactor.snapshot(&mut snapshot);
        let events = compare_snapshots(&Snapshot::new("2026-11-24T10:00:00Z"), &snapshot);
        for (what, text) in [
            ("the snapshot", serde_json::to_string(&snapshot).unwrap()),
            (
                "the snapshot's analysis",
                serde_json::to_string(&analyze_snapshot(&snapshot)).unwrap(),
            ),
            ("the changes", serde_json::to_string(&events).unwrap()),
        ] {
            assert_clean(&name, what, &text, &secrets);
        }
        checked += 1;
    }
    assert!(checked >= 18, "only {checked} fixtures hold secrets");
}

#[test]
fn every_listed_secret_is_checked() {
    // Each line of secrets.tsv names a truth fixture that exists.
    let names: HashSet<String> = fixtures()
        .into_iter()
        .filter(|(_, p)| p.starts_with(truth_dir()))
        .map(|(n, _)| n)
        .collect();
    for (fixture, _) in listed_secrets() {
        assert!(names.contains(&fixture), "{fixture}");
    }
}
