//! `lucarne key show` through the binary: prints the fingerprint and public key, creates the
//! key owner-only, and refuses a key file others can read with a message saying what to do.
#![allow(clippy::unwrap_used)]

use std::process::Command;

fn lucarne(home: &std::path::Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_lucarne"))
        .args(args)
        .env("LUCARNE_HOME", home)
        .output()
        .unwrap()
}

#[test]
fn key_show_prints_a_stable_fingerprint() {
    let tmp = tempfile::tempdir().unwrap();
    let home = tmp.path().join("home");
    let first = lucarne(&home, &["key", "show", "--lang", "en"]);
    assert!(first.status.success(), "{first:?}");
    let out = String::from_utf8(first.stdout).unwrap();
    let fingerprint = out
        .lines()
        .find_map(|l| l.strip_prefix("Fingerprint of this computer's key: "))
        .unwrap()
        .to_string();
    assert_eq!(fingerprint.len(), 64);
    assert!(out.contains("Public key (Ed25519, base64): "));
    let again = lucarne(&home, &["key", "show"]);
    let out = String::from_utf8(again.stdout).unwrap();
    assert!(out.contains(&format!(
        "Empreinte de la clé de cet ordinateur\u{202F}: {fingerprint}"
    )));

    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let key = home.join("key.p8");
        std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o644)).unwrap();
        let refused = lucarne(&home, &["key", "show"]);
        assert_eq!(refused.status.code(), Some(1));
        let err = String::from_utf8(refused.stderr).unwrap();
        assert!(err.contains("can be accessed by other users"), "{err}");
        assert!(err.contains("chmod 600"), "{err}");
    }
}

#[test]
fn push_without_enrolment_says_so() {
    let tmp = tempfile::tempdir().unwrap();
    let out = lucarne(&tmp.path().join("home"), &["push"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("not registered"), "{err}");
}
