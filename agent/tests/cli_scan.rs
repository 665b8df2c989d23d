//! The `lucarne` binary on real files in a temporary folder: write a backup with the test
//! kit's writer, list it with `backups`, scan it with `scan` (password on standard input,
//! never on the command line), with and without the App Privacy Report.
#![allow(clippy::unwrap_used)]

mod common;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use lucarne_virtual_ipad::writer::{write_backup, WriteOptions};

fn lucarne(args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_lucarne"))
        .args(args)
        .env("LUCARNE_HOME", common::fresh_home())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    if let Some(text) = stdin {
        writeln!(input, "{text}").unwrap();
    }
    drop(input);
    child.wait_with_output().unwrap()
}

fn report() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/fixtures/privacy-report/ios_app_privacy_report.ndjson")
        .display()
        .to_string()
}

fn write_encrypted(root: &Path) -> PathBuf {
    let out = root.join("enc");
    let options = WriteOptions {
        password: Some(b"mot de passe".to_vec()),
        iterations: (2000, 10),
        ..WriteOptions::default()
    };
    write_backup(&common::device("council-ipad"), &out, &options).unwrap();
    out
}

#[test]
fn scan_an_encrypted_backup_and_a_privacy_report_into_one_snapshot() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = write_encrypted(tmp.path());
    let run = lucarne(
        &[
            "scan",
            "--backup",
            dir.to_str().unwrap(),
            "--password-stdin",
            "--privacy-report",
            &report(),
            "--json",
        ],
        Some("mot de passe"),
    );
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let snapshot: serde_json::Value = serde_json::from_slice(&run.stdout).unwrap();
    assert_eq!(snapshot["schema"], "lucarne.snapshot/1");
    let sources: Vec<&str> = snapshot["sources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["source"].as_str().unwrap())
        .collect();
    assert_eq!(sources, ["backup", "privacy-report"]);
    assert_eq!(snapshot["profiles"].as_array().unwrap().len(), 5);
    assert_eq!(snapshot["privacy"]["skipped_lines"], 0);
    assert!(snapshot["privacy"]["apps"].as_array().unwrap().len() >= 5);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(
        stderr.contains("calcul de la clé"),
        "progress is shown: {stderr}"
    );
}

#[test]
fn a_wrong_password_says_so_once_and_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = write_encrypted(tmp.path());
    let before = std::fs::read_dir(tmp.path()).unwrap().count();
    let run = lucarne(
        &[
            "scan",
            "--backup",
            dir.to_str().unwrap(),
            "--password-stdin",
            "--lang",
            "en",
        ],
        Some("nope"),
    );
    assert_eq!(run.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(stderr.matches("Wrong password").count(), 1, "{stderr}");
    assert!(run.stdout.is_empty());
    assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), before);
}

#[test]
fn backups_lists_what_is_in_a_folder() {
    let tmp = tempfile::tempdir().unwrap();
    write_encrypted(tmp.path());
    let run = lucarne(
        &["backups", "--root", tmp.path().to_str().unwrap(), "--json"],
        None,
    );
    assert!(run.status.success());
    let list: serde_json::Value = serde_json::from_slice(&run.stdout).unwrap();
    assert_eq!(list[0]["device_name"], "iPad élu 0142");
    assert_eq!(list[0]["encrypted"], true);
}

#[test]
fn a_privacy_report_alone_and_the_summary_in_english() {
    let run = lucarne(
        &["scan", "--privacy-report", &report(), "--lang", "en"],
        None,
    );
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let out = String::from_utf8_lossy(&run.stdout);
    assert!(out.contains("App Privacy Report: 9 apps, from "), "{out}");
    let none = lucarne(&["scan"], None);
    assert_eq!(none.status.code(), Some(2));
    // Errors are said in the chosen language, the technical cause as a detail.
    for (lang, said) in [
        (
            "fr",
            "Impossible de lire le fichier /nonexistent/report.ndjson.",
        ),
        ("en", "Cannot read the file /nonexistent/report.ndjson."),
    ] {
        let missing = lucarne(
            &[
                "scan",
                "--privacy-report",
                "/nonexistent/report.ndjson",
                "--lang",
                lang,
            ],
            None,
        );
        assert_eq!(missing.status.code(), Some(1));
        let err = String::from_utf8_lossy(&missing.stderr);
        assert!(err.starts_with(said), "{err}");
    }
}
