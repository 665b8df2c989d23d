//! `ARCHITECTURE.md` stays true: every `src` module of every crate is named in its crate's
//! section of the code map, and the evidence protocol keeps no I/O dependency.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

const CRATES: &[&str] = &[
    "proof",
    "profiles",
    "words",
    "report",
    "agent",
    "virtual-ipad",
    "server",
    "tests",
];

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Module names of `dir`: each `.rs` file's stem (`mod.rs` names its folder), and each
/// binary's folder; `lib`, `main` and `mod` themselves are the crate or folder.
fn modules(dir: &Path, out: &mut BTreeSet<String>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        if path.is_dir() {
            if name != "bin" {
                out.insert(name.clone());
            }
            modules(&path, out);
        } else if let Some(stem) = name.strip_suffix(".rs") {
            if !["lib", "main", "mod"].contains(&stem) {
                out.insert(stem.to_string());
            }
        }
    }
}

/// The identifiers written inside backticks in `text`.
fn named(text: &str) -> BTreeSet<String> {
    text.split('`')
        .skip(1)
        .step_by(2)
        .flat_map(|span| {
            span.split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-'))
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .collect()
}

#[test]
fn every_module_of_every_crate_is_on_the_map() {
    let map = std::fs::read_to_string(root().join("ARCHITECTURE.md")).unwrap();
    let mut missing = Vec::new();
    for krate in CRATES {
        let heading = format!("### `{krate}/`");
        let start = map
            .find(&heading)
            .unwrap_or_else(|| panic!("ARCHITECTURE.md has no section {heading}"));
        let section = &map[start + heading.len()..];
        let section = &section[..section.find("\n## ").unwrap_or(section.len())];
        let section = &section[..section.find("\n### ").unwrap_or(section.len())];
        let words = named(section);
        let mut found = BTreeSet::new();
        modules(&root().join(krate).join("src"), &mut found);
        for module in found {
            if !words.contains(&module) {
                missing.push(format!("{krate}: {module}"));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "modules missing from ARCHITECTURE.md: {missing:?}"
    );
}

#[test]
fn the_evidence_protocol_has_no_io_dependency() {
    let manifest = std::fs::read_to_string(root().join("proof/Cargo.toml")).unwrap();
    let dependencies = &manifest[manifest.find("[dependencies]").unwrap()..];
    let dependencies = &dependencies[..dependencies[1..]
        .find("\n[")
        .map_or(dependencies.len(), |i| i + 1)];
    let names: Vec<&str> = dependencies
        .lines()
        .skip(1)
        .filter_map(|line| line.split(['=', '.']).next())
        .map(str::trim)
        .filter(|name| !name.is_empty() && !name.starts_with('#'))
        .collect();
    assert!(names.contains(&"ring"), "{names:?}");
    for forbidden in [
        "tokio",
        "reqwest",
        "axum",
        "hyper",
        "sqlx",
        "rusqlite",
        "plist",
        "toml",
        "idevice",
        "lucarne-profiles",
    ] {
        assert!(
            !names.contains(&forbidden),
            "lucarne-proof depends on {forbidden}"
        );
    }
}
