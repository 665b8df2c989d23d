//! What a councillor reads, driven through the `lucarne` binary on every bundled device, in
//! French and English: a summary that fits one screen, ranked by harm, in the reader's
//! language; what a USB read cannot see said as unknown with the way to know; the week-2
//! change shown after the second scan, over USB and from backups; `history`, `--details` and
//! `--backup` without a folder.
#![allow(clippy::unwrap_used)]

mod common;

use std::path::Path;
use std::process::{Command, Output};

use lucarne_virtual_ipad::writer::{write_backup, WriteOptions};
use lucarne_virtual_ipad::{Knobs, VirtualIpad};

const DEVICES: [&str; 3] = ["council-ipad", "council-ipad-week2", "personal-ipad"];

fn run(home: &Path, envs: &[(&str, &str)], args: &[&str]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_lucarne"));
    cmd.args(args).env("LUCARNE_HOME", home);
    for (k, v) in envs {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

fn scan_live(home: &Path, ipad: &VirtualIpad, args: &[&str]) -> String {
    let mut all = vec!["scan"];
    all.extend_from_slice(args);
    let out = run(home, &[("USBMUXD_SOCKET_ADDRESS", &ipad.address())], &all);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The summary block: from its title to the blank line after it.
fn summary(text: &str, title: &str) -> Vec<String> {
    let lines: Vec<&str> = text.lines().collect();
    let start = lines
        .iter()
        .position(|l| l.starts_with(title))
        .unwrap_or_else(|| panic!("no `{title}` in:\n{text}"));
    lines[start..]
        .iter()
        .take_while(|l| !l.is_empty())
        .map(|l| l.to_string())
        .collect()
}

/// Words that would be English leaking into French output.
const ENGLISH: &[&str] = &[
    "the",
    "and",
    "with",
    "unknown",
    "device",
    "server",
    "profile",
    "yes",
    "which",
    "not",
    "managed",
    "supervised",
    "snapshot",
    "can",
    "will",
];
/// Product names, written as their makers write them.
const NAMES: &[&str] = &["iPad", "iPadOS", "iCloud", "iTunes", "macOS", "iOS"];

/// Tokens written in camelCase (`allowScreenShot`), as raw keys are.
fn camel_case_words(line: &str) -> Vec<String> {
    line.split(|c: char| !c.is_alphanumeric())
        .filter(|w| {
            let mut chars = w.chars();
            matches!(chars.next(), Some(c) if c.is_lowercase())
                && w.chars().any(char::is_uppercase)
                && !NAMES.contains(w)
                // A model identifier read from the device (`iPad13,18`) is a name too.
                && !NAMES
                    .iter()
                    .any(|n| w.strip_prefix(n).is_some_and(|r| r.chars().all(|c| c.is_ascii_digit())))
        })
        .map(str::to_string)
        .collect()
}

#[test]
fn every_device_reads_as_a_councillor_needs_in_both_languages() {
    for device in DEVICES {
        let (_dir, ipad) = common::start(&[device], Knobs::default());
        for (lang, title) in [
            ("fr", "Ce que l'administration peut faire avec cet iPad"),
            ("en", "What the administration can do with this iPad"),
        ] {
            let home = common::fresh_home();
            let text = scan_live(&home, &ipad, &["--lang", lang]);
            let block = summary(&text, title);
            assert!(
                block.len() <= 20,
                "{device} {lang}: summary of {} lines:\n{}",
                block.len(),
                block.join("\n")
            );
            for line in text.lines() {
                assert!(
                    line.chars().count() <= 80,
                    "{device} {lang}: line wider than 80 columns: {line}"
                );
            }
            if lang == "fr" {
                // Without --details there is no evidence: no raw key, no English word.
                for line in text.lines().filter(|l| !l.contains("preuve\u{202F}:")) {
                    let camel = camel_case_words(line);
                    assert!(camel.is_empty(), "{device}: raw key {camel:?} in: {line}");
                    for word in line
                        .split(|c: char| !c.is_alphanumeric())
                        .map(str::to_lowercase)
                    {
                        assert!(
                            !ENGLISH.contains(&word.as_str()),
                            "{device}: English `{word}` in: {line}"
                        );
                    }
                }
            }
            // What a USB read cannot see is unknown, and the backup is the way to know.
            if device != "personal-ipad" {
                let (who, how) = if lang == "fr" {
                    (
                        "Qui a installé chaque profil (le MDM ou vous)\u{202F}: inconnu.",
                        "lucarne scan --backup",
                    )
                } else {
                    (
                        "Who installed each profile (the MDM or you): unknown.",
                        "lucarne scan --backup",
                    )
                };
                let flat = text.split_ascii_whitespace().collect::<Vec<_>>().join(" ");
                assert!(flat.contains(who), "{device} {lang}:\n{text}");
                assert!(flat.contains(how), "{device} {lang}:\n{text}");
                assert!(
                    !flat.contains("dont 0"),
                    "{device} {lang}: a 0 that means unknown"
                );
            }
        }
    }
}

#[test]
fn the_summary_is_ranked_by_harm() {
    let (_dir, ipad) = common::start(&["council-ipad"], Knobs::default());
    let text = scan_live(&common::fresh_home(), &ipad, &[]);
    let block = summary(&text, "Ce que l'administration peut faire").join(" ");
    let order = [
        "courriels",
        "HTTPS",
        "Localiser",
        "Effacer",
        "Installer",
        "Verrouiller",
        "interdire",
    ];
    let positions: Vec<usize> = order
        .iter()
        .map(|w| block.find(w).unwrap_or_else(|| panic!("`{w}` in {block}")))
        .collect();
    assert!(
        positions.windows(2).all(|p| p[0] < p[1]),
        "not in order of harm: {block}"
    );
}

fn flat(text: &str) -> String {
    text.split_ascii_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn the_week_2_change_over_usb_and_history() {
    let home = common::fresh_home();
    let (_d1, week1) = common::start(&["council-ipad"], Knobs::default());
    let first = scan_live(&home, &week1, &[]);
    assert!(
        flat(&first).contains("Premier instantané de cet iPad"),
        "{first}"
    );
    drop(week1);
    let (_d2, week2) = common::start(&["council-ipad-week2"], Knobs::default());
    let second = flat(&scan_live(&home, &week2, &[]));
    assert!(
        second.contains(
            "[ALERTE] Nouvelle application\u{202F}: «\u{202F}TeamViewer\u{202F}» (qui l'a \
             installée\u{202F}: inconnu\u{202F}; une sauvegarde le dit) — elle permet à \
             quelqu'un d'autre de voir votre écran (contrôle à distance)."
        ),
        "{second}"
    );
    assert!(
        second.contains(
            "[ALERTE] Nouvelle restriction\u{202F}: les captures et enregistrements d'écran \
             sont bloqués"
        ),
        "{second}"
    );

    // The same changes, dated, from this computer's history.
    let out = run(&home, &[], &["history", "--lang", "en"]);
    assert!(out.status.success());
    let history = flat(&String::from_utf8(out.stdout).unwrap());
    assert!(
        history.contains("iPad “iPad élu 0142” (identifier 00008103-001A2B3C4D5E6F70)"),
        "{history}"
    );
    assert!(history.contains("snapshot no. 1"), "{history}");
    assert!(history.contains("snapshot no. 2"), "{history}");
    assert!(
        history.contains("[ALERT] New app: “TeamViewer” (who installed it: unknown"),
        "{history}"
    );
    assert!(
        history.contains("[ALERT] New restriction: screenshots and screen recordings"),
        "{history}"
    );
    let one = run(
        &home,
        &[],
        &[
            "history",
            "--device",
            "00008103-001A2B3C4D5E6F70",
            "--details",
        ],
    );
    assert!(one.status.success());
    // With --details, the capabilities each change gave.
    assert!(String::from_utf8(one.stdout).unwrap().contains("+ "));
    let none = run(&home, &[], &["history", "--device", "nope"]);
    assert_eq!(none.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&none.stderr).contains("00008103-001A2B3C4D5E6F70"));
}

#[test]
fn the_week_2_change_from_backups_names_the_mdm() {
    let home = common::fresh_home();
    let tmp = tempfile::tempdir().unwrap();
    let (b1, b2) = (tmp.path().join("week1"), tmp.path().join("week2"));
    write_backup(
        &common::device("council-ipad"),
        &b1,
        &WriteOptions::default(),
    )
    .unwrap();
    write_backup(
        &common::device("council-ipad-week2"),
        &b2,
        &WriteOptions::default(),
    )
    .unwrap();
    let scan = |dir: &Path, lang: &str| {
        let out = run(
            &home,
            &[],
            &["scan", "--backup", dir.to_str().unwrap(), "--lang", lang],
        );
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        flat(&String::from_utf8(out.stdout).unwrap())
    };
    let first = scan(&b1, "en");
    // A backup tells who installed each profile: no unknown about it.
    assert!(!first.contains("Who installed each profile"), "{first}");
    let second = scan(&b2, "en");
    assert!(
        second.contains("[ALERT] App installed by the MDM: “TeamViewer” — it lets someone else"),
        "{second}"
    );
    assert!(
        second.contains("[ALERT] New restriction: screenshots and screen recordings"),
        "{second}"
    );
}

#[test]
fn details_show_evidence_and_backup_without_folder_takes_the_most_recent() {
    let (_dir, ipad) = common::start(&["council-ipad"], Knobs::default());
    let home = common::fresh_home();
    let short = scan_live(&home, &ipad, &[]);
    assert!(!short.contains("preuve\u{202F}:"));
    assert!(short.contains("--details"));
    let long = scan_live(&home, &ipad, &["--details"]);
    assert!(
        long.contains("preuve\u{202F}: fr.region-exemple.mdm › com.apple.mdm"),
        "{long}"
    );
    assert!(
        long.contains("Possible parce que cet iPad est supervisé."),
        "{long}"
    );

    // `--backup` with no folder: the most recent backup in the usual places.
    let fake_home = tempfile::tempdir().unwrap();
    let root = fake_home.path().join(".local/share/lucarne/backups");
    write_backup(
        &common::device("council-ipad"),
        &root.join("00008103-001A2B3C4D5E6F70"),
        &WriteOptions::default(),
    )
    .unwrap();
    let out = run(
        &common::fresh_home(),
        &[("HOME", fake_home.path().to_str().unwrap())],
        &["scan", "--backup", "--lang", "en"],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = flat(&String::from_utf8(out.stdout).unwrap());
    assert!(text.contains("Device: “iPad élu 0142”"), "{text}");
    assert!(
        text.contains("5 profiles installed (5 by the MDM)"),
        "{text}"
    );
}
