//! The message files themselves: the same ids and attributes in French and English, French
//! typography applied, every catalogue entry worded, plurals right.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeSet;

use lucarne_profiles::catalog::catalog;
use lucarne_words::sentences::message_id;
use lucarne_words::{Args, Lang, Words};

/// `id` and `id.attr` of every message of a Fluent source.
fn ids(source: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut current = String::new();
    for line in source.lines() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        if !line.starts_with(' ') {
            if let Some((id, _)) = line.split_once(" =") {
                current = id.trim().to_string();
                out.insert(current.clone());
            }
        } else if let Some(attr) = line.trim_start().strip_prefix('.') {
            if let Some((name, _)) = attr.split_once(" =") {
                out.insert(format!("{current}.{}", name.trim()));
            }
        }
    }
    out
}

const FILES: &[&str] = &[
    "cli.ftl",
    "catalog.ftl",
    "capabilities.ftl",
    "explain.ftl",
    "changes.ftl",
    "web.ftl",
    "report.ftl",
];

fn read(lang: &str, file: &str) -> String {
    std::fs::read_to_string(format!(
        "{}/locales/{lang}/{file}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

#[test]
fn both_languages_have_the_same_messages_and_attributes() {
    for file in FILES {
        let (fr, en) = (ids(&read("fr", file)), ids(&read("en", file)));
        let only_fr: Vec<_> = fr.difference(&en).collect();
        let only_en: Vec<_> = en.difference(&fr).collect();
        assert!(
            only_fr.is_empty() && only_en.is_empty(),
            "{file}: only in French {only_fr:?}, only in English {only_en:?}"
        );
        assert!(!fr.is_empty(), "{file} is empty");
    }
}

/// Commands of Apple's schema (reference table) whose right is per query or not stated.
fn commands_without_one_right() -> BTreeSet<String> {
    let csv = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../profiles/catalog/reference/commands-ios.csv"
    ))
    .unwrap();
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let col = header
        .iter()
        .position(|h| *h == "accessrights_bit_inferred")
        .unwrap();
    let out: BTreeSet<String> = lines
        .map(|l| l.split(',').collect::<Vec<_>>())
        .filter(|row| matches!(row.get(col), Some(&"per-query") | Some(&"")))
        .map(|row| row[0].to_string())
        .collect();
    assert!(!out.is_empty());
    out
}

#[test]
fn every_catalogue_entry_is_worded_in_both_languages() {
    let c = catalog();
    for lang in Lang::ALL {
        let w = Words::new(lang);
        for p in c.payloads() {
            let id = message_id("payload", &p.payload_type);
            assert!(w.has(&id) && w.has_attr(&id, "lets"), "{lang:?} {id}");
        }
        for r in c.restrictions() {
            assert!(
                w.has(&message_id("restriction", &r.key)),
                "{lang:?} {}",
                r.key
            );
        }
        for m in c.commands() {
            let id = message_id("command", &m.request_type);
            assert!(w.has(&id), "{lang:?} {id}");
            // A command whose right Apple does not give as one bit says so.
            if commands_without_one_right().contains(&m.request_type) {
                assert!(w.has_attr(&id, "right-note"), "{lang:?} {id}: note missing");
            }
        }
        for a in c.access_rights() {
            assert!(w.has(&message_id("right", &a.name)), "{lang:?} {}", a.name);
        }
    }
}

#[test]
fn french_typography_is_applied_to_every_message() {
    let w = Words::new(Lang::Fr);
    for file in FILES {
        for id in ids(&read("fr", file)) {
            if id.contains('.') {
                continue;
            }
            let text = w.format(&id, &Args::new());
            for mark in [" :", " ;", " !", " ?", " »", "« "] {
                assert!(!text.contains(mark), "{file} {id}: `{mark}` in {text}");
            }
        }
    }
}

#[test]
fn plurals_agree() {
    let fr = Words::new(Lang::Fr);
    let en = Words::new(Lang::En);
    let profiles = |w: &Words, n: f64| {
        w.format(
            "header-profiles",
            &Args::new().num("count", n).select("mdm", "unknown"),
        )
    };
    assert!(profiles(&fr, 1.0).starts_with("1 profil installé"));
    // In French, 0 takes the singular ("one"): the number must still be 0.
    assert!(profiles(&fr, 0.0).starts_with("0 profil installé"));
    assert!(profiles(&fr, 2.0).starts_with("2 profils installés"));
    assert!(profiles(&en, 1.0).starts_with("1 profile installed"));
    assert!(profiles(&en, 5.0).starts_with("5 profiles installed"));
}
