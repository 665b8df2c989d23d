//! Backups of the council iPad, written by our writer, read back by our reader: profiles with
//! payloads, managed apps, restrictions and the dated history.
#![allow(clippy::unwrap_used)]

mod common;

use std::path::{Path, PathBuf};

use lucarne::backup::{self, BackupError, OpenStep};
use lucarne_profiles::snapshot::Source;
use lucarne_virtual_ipad::devicedir::DeviceDir;
use lucarne_virtual_ipad::writer::{write_backup, WriteOptions};
use serde_json::json;

fn council() -> DeviceDir {
    common::device("council-ipad")
}

fn write(dir: &Path, password: Option<&str>) -> PathBuf {
    let out = dir.join("00008103-001A2B3C4D5E6F70");
    let options = WriteOptions {
        password: password.map(|p| p.as_bytes().to_vec()),
        iterations: (1000, 100),
        ..Default::default()
    };
    write_backup(&council(), &out, &options).unwrap();
    out
}

fn check_council_facts(facts: &backup::BackupFacts) {
    let s = &facts.snapshot;
    assert!(facts.warnings.is_empty(), "{:?}", facts.warnings);
    assert_eq!(s.device.udid.as_deref(), Some("00008103-001A2B3C4D5E6F70"));
    assert_eq!(s.device.name.as_deref(), Some("iPad élu 0142"));
    assert_eq!(s.device.os_version.as_deref(), Some("18.1"));
    assert_eq!(s.device.source, Some(Source::Backup));

    assert_eq!(s.enrolment.supervised, Some(true));
    assert_eq!(s.enrolment.ade, Some(true));
    assert_eq!(s.enrolment.organisation.as_deref(), Some("Région Exemple"));
    assert_eq!(s.enrolment.mdm_unremovable, Some(true));
    assert!(s
        .enrolment
        .mdm_server
        .as_deref()
        .unwrap()
        .starts_with("https://"));
    assert!(s.enrolment.access_rights.is_some());

    let ids: Vec<&str> = s
        .profiles
        .iter()
        .map(|p| p.profile.identifier.as_str())
        .collect();
    assert_eq!(
        ids,
        [
            "fr.region-exemple.mdm",
            "fr.region-exemple.restrictions",
            "fr.region-exemple.ca",
            "fr.region-exemple.exchange",
            "fr.region-exemple.vpn"
        ]
    );
    for p in &s.profiles {
        assert!(
            p.payloads_known && !p.profile.payloads.is_empty(),
            "{}",
            p.profile.identifier
        );
        assert_eq!(p.managed, Some(true));
        assert_eq!(p.source, Source::Backup);
    }
    let restrictions = &s.profiles[1];
    assert_eq!(
        restrictions.installed_at.as_deref(),
        Some("2026-09-01T08:12:40Z")
    );
    let access = &restrictions.profile.payloads[0];
    assert_eq!(access.payload_type, "com.apple.applicationaccess");
    assert_eq!(
        access.get("allowWallpaperModification"),
        Some(&json!(false))
    );

    let restriction = |key: &str| {
        s.restrictions
            .iter()
            .find(|r| r.key == key)
            .map(|r| r.value.clone())
    };
    assert_eq!(
        restriction("allowWallpaperModification"),
        Some(json!(false))
    );
    assert_eq!(restriction("forceEncryptedBackup"), Some(json!(true)));
    assert_eq!(restriction("allowCamera"), Some(json!(true)));
    assert!(s.restrictions.iter().all(|r| r.source == Source::Backup));

    let managed: Vec<&str> = s
        .apps
        .iter()
        .filter(|a| a.managed == Some(true))
        .map(|a| a.bundle_id.as_str())
        .collect();
    assert!(
        managed.contains(&"fr.region-exemple.deliberations"),
        "{managed:?}"
    );
    assert!(!managed.contains(&"com.spotify.client"), "{managed:?}");
    let spotify = s
        .apps
        .iter()
        .find(|a| a.bundle_id == "com.spotify.client")
        .unwrap();
    assert_eq!(spotify.managed, Some(false));
    assert!(spotify.name.is_some() && spotify.version.is_some());

    let history: Vec<(&str, &str, &str, Option<&str>)> = s
        .history
        .iter()
        .map(|e| {
            (
                e.at.as_str(),
                e.kind.as_str(),
                e.subject.as_str(),
                e.process.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        history[0],
        (
            "2026-09-01T08:12:00Z",
            "profile-installed",
            "fr.region-exemple.mdm",
            Some("mdmd")
        )
    );
    assert!(history.contains(&(
        "2026-09-01T08:12:40Z",
        "setting-set",
        "allowWallpaperModification",
        Some("dmd")
    )));
    assert!(history.contains(&(
        "2026-09-01T08:13:06Z",
        "profile-installed",
        "fr.region-exemple.vpn",
        Some("dmd")
    )));
    assert_eq!(
        history
            .iter()
            .filter(|e| e.1 == "profile-installed")
            .count(),
        5
    );
}

#[test]
fn plain_backup_of_the_council_ipad() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = write(tmp.path(), None);
    let mut steps = Vec::new();
    let facts = backup::scan(&dir, None, &mut |s| steps.push(s)).unwrap();
    assert!(steps.is_empty(), "a plain backup derives no key");
    check_council_facts(&facts);
    assert_eq!(
        facts.snapshot.device.values["backup/IsEncrypted"],
        json!(false)
    );
}

#[test]
fn encrypted_backup_of_the_council_ipad() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = write(tmp.path(), Some("conseil régional"));
    // Nothing readable without the password.
    let manifest_db = std::fs::read(dir.join("Manifest.db")).unwrap();
    assert!(!manifest_db.starts_with(b"SQLite format 3"));
    assert!(matches!(
        backup::scan(&dir, None, &mut |_| {}),
        Err(BackupError::PasswordNeeded)
    ));

    let mut steps = Vec::new();
    let facts = backup::scan(&dir, Some("conseil régional".as_bytes()), &mut |s| {
        steps.push(s)
    })
    .unwrap();
    assert_eq!(steps, [OpenStep::DerivingKey, OpenStep::KeyDerived]);
    check_council_facts(&facts);
    assert_eq!(
        facts.snapshot.device.values["backup/IsEncrypted"],
        json!(true)
    );

    let before: Vec<_> = walk(tmp.path());
    let wrong = backup::scan(&dir, Some(b"conseil regional"), &mut |_| {}).unwrap_err();
    assert!(matches!(
        wrong,
        BackupError::Keybag(backup::keybag::KeybagError::WrongPassword)
    ));
    assert!(wrong.to_string().starts_with("wrong password"), "{wrong}");
    assert_eq!(walk(tmp.path()), before, "a failed scan writes nothing");
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        out.push(e.path());
        if e.path().is_dir() {
            out.extend(walk(&e.path()));
        }
    }
    out.sort();
    out
}

#[test]
fn writer_refuses_a_non_empty_output() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("x"), b"keep").unwrap();
    assert!(write_backup(&council(), tmp.path(), &WriteOptions::default()).is_err());
    assert_eq!(std::fs::read(tmp.path().join("x")).unwrap(), b"keep");
}
