//! `lucarne export` and `lucarne verify` through the binary, on a history made here without a
//! server: the local-only export (signed by this computer's key, said not attested by the
//! server), its verification on the official's computer (keys pinned) and elsewhere
//! (fingerprints printed), the exit codes 0 / 1 / 2, and one `FILE: CHECK: reason` line per
//! failure. The export with a server and a timestamping authority is tested end to end in
//! `tests/tests/export.rs`.
#![allow(clippy::unwrap_used)]

use std::path::Path;
use std::process::{Command, Output};

use lucarne::home::Home;
use lucarne::keys::AgentKey;
use lucarne_profiles::snapshot::Snapshot;
use lucarne_proof::export::zip;

const UDID: &str = "00008103-00EXPORT0000001";

fn lucarne(home: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_lucarne"))
        .args(args)
        .env("LUCARNE_HOME", home)
        .output()
        .unwrap()
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

/// A history of three weekly snapshots of one iPad.
fn history(home: &Path) {
    let home = Home::at(home).unwrap();
    let key = AgentKey::load_or_create(&home).unwrap();
    for (day, app) in [
        ("2026-11-10", "a"),
        ("2026-11-17", "b"),
        ("2026-11-24", "c"),
    ] {
        let mut snapshot = Snapshot::new(format!("{day}T10:00:00Z"));
        snapshot.device.udid = Some(UDID.into());
        snapshot.device.name = Some("iPad du conseil".into());
        snapshot.apps = vec![lucarne_profiles::snapshot::App {
            bundle_id: format!("org.example.{app}"),
            ..Default::default()
        }];
        lucarne::state::seal(&home, &key, snapshot).unwrap();
    }
}

#[test]
fn a_local_export_verifies_here_and_elsewhere_and_tampering_is_named() {
    let tmp = tempfile::tempdir().unwrap();
    let home = tmp.path().join("home");
    history(&home);
    let file = tmp.path().join("preuve.zip");
    let file_arg = file.to_str().unwrap();

    let made = lucarne(&home, &["export", "-o", file_arg, "--lang", "en"]);
    assert_eq!(made.status.code(), Some(0), "{made:?}");
    let out = stdout(&made);
    assert!(out.contains("not attested by the server"), "{out}");
    assert!(out.contains("3 snapshots"), "{out}");

    // On the official's computer: every check passes, the keys are the pinned ones.
    let checked = lucarne(&home, &["verify", file_arg, "--lang", "en"]);
    assert_eq!(checked.status.code(), Some(0), "{checked:?}");
    let out = stdout(&checked);
    assert!(out.contains("Every available check passed."), "{out}");
    assert!(
        out.contains("The keys are those registered on this computer."),
        "{out}"
    );
    assert!(out.contains("it is not attested by the server"), "{out}");
    assert!(out.contains("No timestamp"), "{out}");

    // Elsewhere (a lawyer's computer): the fingerprints to compare are printed.
    let elsewhere = tmp.path().join("lawyer");
    let key_id = AgentKey::load(&Home::at(&home).unwrap()).unwrap().key_id();
    let checked = lucarne(&elsewhere, &["verify", file_arg]);
    assert_eq!(checked.status.code(), Some(0), "{checked:?}");
    let out = stdout(&checked);
    assert!(
        out.contains("Toutes les vérifications possibles ont réussi."),
        "{out}"
    );
    assert!(out.contains(&format!("  {key_id}")), "{out}");
    let json = lucarne(&elsewhere, &["verify", file_arg, "--json"]);
    let value: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(value["passed"], true);
    assert_eq!(value["pinned"], false);
    assert_eq!(value["devices"][0]["snapshots"], 3);

    // The documents are in the export, in the language asked for, and the manifest covers
    // them (verify passed above): the report with the export's own data.json attached, the
    // guide, the two letters citing the export's files.
    let entries = zip::read(&std::fs::read(&file).unwrap()).unwrap();
    let entry = |name: &str| {
        entries
            .iter()
            .find(|e| e.name == name)
            .unwrap_or_else(|| panic!("{name} is not in the export"))
            .data
            .clone()
    };
    let pdf = entry("rapport.pdf");
    assert!(pdf.starts_with(b"%PDF-"));
    let data = entry("data.json");
    assert!(
        pdf.windows(9).any(|w| w == b"data.json"),
        "data.json is not attached to the report"
    );
    assert!(!data.is_empty());
    let guide = String::from_utf8(entry("LISEZMOI.txt"))
        .unwrap()
        .replace('\n', " ");
    assert!(guide.contains("lucarne verify EXPORT.zip"), "{guide}");
    assert!(guide.contains("not attested by the server"), "{guide}");
    for letter in [
        "lettres/demande-acces-article-15.txt",
        "lettres/plainte-cnil.txt",
    ] {
        let text = String::from_utf8(entry(letter)).unwrap();
        assert!(
            text.contains(&format!("devices/{UDID}/{key_id}/")),
            "{letter} cites no file of the export:\n{text}"
        );
    }

    // One envelope changed: exit 1, one line naming the file and the check.
    let envelope = format!("devices/{UDID}/{key_id}/2.envelope.json");
    let mut changed = entries.clone();
    let target = changed.iter_mut().find(|e| e.name == envelope).unwrap();
    let middle = target.data.len() / 2;
    target.data[middle] ^= 0x01;
    let tampered = tmp.path().join("tampered.zip");
    std::fs::write(&tampered, zip::write(&changed).unwrap()).unwrap();
    let checked = lucarne(
        &home,
        &["verify", tampered.to_str().unwrap(), "--lang", "en"],
    );
    assert_eq!(checked.status.code(), Some(1), "{checked:?}");
    let out = stdout(&checked);
    assert!(
        out.lines()
            .any(|l| l.starts_with(&format!("{envelope}: manifest: "))),
        "{out}"
    );

    // Another computer's key pinned: the signer is not ours.
    let other = tmp.path().join("other");
    history(&other);
    let checked = lucarne(&other, &["verify", file_arg]);
    assert_eq!(checked.status.code(), Some(1), "{checked:?}");
    assert!(
        stdout(&checked)
            .lines()
            .any(|l| l.starts_with(&format!("keys/agent/{key_id}.vkey: key-pin: "))),
        "{}",
        stdout(&checked)
    );

    // An unreadable archive is a failure (1), a missing argument a usage error (2).
    let truncated = tmp.path().join("truncated.zip");
    let bytes = std::fs::read(&file).unwrap();
    std::fs::write(&truncated, &bytes[..bytes.len() / 2]).unwrap();
    let checked = lucarne(&home, &["verify", truncated.to_str().unwrap()]);
    assert_eq!(checked.status.code(), Some(1));
    assert!(
        stdout(&checked).contains(&format!("{}: zip: ", truncated.display())),
        "{}",
        stdout(&checked)
    );
    let missing = lucarne(
        &home,
        &["verify", tmp.path().join("absent.zip").to_str().unwrap()],
    );
    assert_eq!(missing.status.code(), Some(1));
    assert_eq!(lucarne(&home, &["verify"]).status.code(), Some(2));
}

#[test]
fn a_period_a_bad_date_and_an_unreachable_timestamping_authority() {
    let tmp = tempfile::tempdir().unwrap();
    let home = tmp.path().join("home");
    history(&home);
    let file = tmp.path().join("week.zip");
    let file_arg = file.to_str().unwrap();
    let made = lucarne(
        &home,
        &[
            "export",
            "--from",
            "2026-11-15",
            "--to",
            "2026-11-20",
            "-o",
            file_arg,
            "--lang",
            "en",
        ],
    );
    assert_eq!(made.status.code(), Some(0), "{made:?}");
    assert!(stdout(&made).contains("one snapshot"), "{}", stdout(&made));
    let checked = lucarne(&home, &["verify", file_arg, "--lang", "en"]);
    assert_eq!(checked.status.code(), Some(0), "{checked:?}");
    // Its first snapshot follows one before the period: said, not a failure.
    assert!(stdout(&checked).contains("follows one before the period"));

    for bad in [["--from", "2026-13-01"], ["--to", "yesterday"]] {
        let refused = lucarne(&home, &["export", bad[0], bad[1], "-o", file_arg]);
        assert_eq!(refused.status.code(), Some(2), "{refused:?}");
    }
    let empty = lucarne(&home, &["export", "--from", "2027-01-01", "-o", file_arg]);
    assert_eq!(empty.status.code(), Some(2), "{empty:?}");
    let unknown = lucarne(&home, &["export", "--device", "nope", "-o", file_arg]);
    assert_eq!(unknown.status.code(), Some(2), "{unknown:?}");

    let stamped = tmp.path().join("stamped.zip");
    let failed = lucarne(
        &home,
        &[
            "export",
            "--tsa",
            "http://127.0.0.1:9/",
            "-o",
            stamped.to_str().unwrap(),
        ],
    );
    assert_eq!(failed.status.code(), Some(1), "{failed:?}");
    assert!(
        !stamped.exists(),
        "no file is written without the timestamp asked for"
    );
}
