//! The `lucarne scan` and `lucarne devices` binaries against a virtual iPad.
#![allow(clippy::unwrap_used)]

mod common;

use std::path::Path;
use std::process::Command;

use lucarne_profiles::Snapshot;
use lucarne_virtual_ipad::Knobs;

fn lucarne(args: &[&str], address: &str) -> std::process::Output {
    lucarne_in(&common::fresh_home(), args, address)
}

fn lucarne_in(home: &Path, args: &[&str], address: &str) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_lucarne"))
        .args(args)
        .env("LUCARNE_HOME", home)
        .env("USBMUXD_SOCKET_ADDRESS", address)
        .output()
        .unwrap()
}

#[test]
fn scan_json_prints_the_snapshot() {
    let (_dir, ipad) = common::start(&["council-ipad"], Knobs::default());
    let out = lucarne(&["scan", "--json"], &ipad.address());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let snap: Snapshot = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(snap.schema, "lucarne.snapshot/1");
    assert_eq!(snap.enrolment.access_rights, Some(8191));
    assert_eq!(snap.profiles.len(), 5);
    // The council's root CA, read from its payload, is listed among the certificates.
    let ca = snap
        .certificates
        .iter()
        .find(|c| c.is_ca)
        .expect("a certificate authority");
    assert!(ca.subject.contains("Région Exemple"), "{}", ca.subject);
    assert_eq!(ca.sha256.len(), 64);
    assert!(ca.profile.is_some() && ca.payload_uuid.is_some());

    let out = lucarne(&["scan", "--lang", "en", "--details"], &ipad.address());
    // Lines are wrapped at 80 columns: compare with whitespace runs as single spaces.
    let text = String::from_utf8(out.stdout)
        .unwrap()
        .split_ascii_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(text.contains("supervised: yes"), "{text}");
    assert!(
        text.contains(
            "- Profile “Gestion des appareils de la Région” (fr.region-exemple.mdm) \
             (who installed it: unknown)"
        ),
        "{text}"
    );
    assert!(
        text.contains("App “Délibérations” (fr.region-exemple.deliberations)"),
        "{text}"
    );
    assert!(
        text.contains("Managed by the MDM server mdm.region-exemple.fr"),
        "{text}"
    );

    let out = lucarne(&["devices"], &ipad.address());
    assert_eq!(
        String::from_utf8(out.stdout).unwrap().trim(),
        "00008103-001A2B3C4D5E6F70 (USB)"
    );
    assert_eq!(ipad.refused(), vec![]);
}

#[test]
fn scan_failure_prints_the_message_and_no_snapshot() {
    let (_dir, ipad) = common::start(
        &["council-ipad"],
        Knobs {
            locked: true,
            ..Knobs::default()
        },
    );
    let out = lucarne(&["scan", "--json"], &ipad.address());
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty(), "a partial snapshot was printed");
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("est verrouillé"), "{err}");
    let out = lucarne(&["scan", "--lang", "en"], &ipad.address());
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("is locked"), "{err}");
}

#[test]
fn each_scan_is_sealed_into_the_local_history_as_a_chain() {
    let (_dir, ipad) = common::start(&["council-ipad"], Knobs::default());
    let home = common::fresh_home();
    for expected in ["1", "2"] {
        let out = lucarne_in(&home, &["scan", "--lang", "en"], &ipad.address());
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains(&format!("Snapshot no. {expected} signed and kept")),
            "{err}"
        );
    }
    // The second snapshot names the first one's hash: a chain per device.
    let history = home.join("history");
    let device_dir = std::fs::read_dir(&history)
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let mut files: Vec<_> = std::fs::read_dir(&device_dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    assert!(files.len() >= 2, "{files:?}");
    let _ = std::fs::remove_dir_all(&home);
}
