//! Our encrypted backups are the real format: a backup of the council iPad written by our
//! writer is decrypted by `iphone-backup-decrypt` (PyPI, installed by `tests/setup.sh`), an
//! implementation nobody here wrote, and every file it gets back equals what our reader reads.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use lucarne::backup::Backup;
use lucarne_virtual_ipad::devicedir::DeviceDir;
use lucarne_virtual_ipad::writer::{write_backup, WriteOptions};

const PASSWORD: &str = "Délibération 2026!";

fn python() -> PathBuf {
    let env = std::env::var_os("LUCARNE_PYENV")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/pyenv"));
    let python = env.join("bin/python");
    assert!(
        python.exists(),
        "{} is missing: run the tests through tests/run (it sources tests/setup.sh)",
        python.display()
    );
    python
}

fn dump_with_python(dir: &Path, password: &str, out: &Path) -> std::process::Output {
    let script =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("support/iphone_backup_decrypt_dump.py");
    let mut child = Command::new(python())
        .arg(script)
        .arg(dir)
        .arg(out)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    writeln!(child.stdin.take().unwrap(), "{password}").unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn iphone_backup_decrypt_reads_our_encrypted_backups() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("backup");
    let device = DeviceDir::bundled("council-ipad").unwrap();
    let options = WriteOptions {
        password: Some(PASSWORD.as_bytes().to_vec()),
        // Real format, lower counts so the test takes a second (the benchmark uses Apple's).
        iterations: (2000, 100),
        ..Default::default()
    };
    write_backup(&device, &dir, &options).unwrap();

    let out = tmp.path().join("theirs.json");
    let run = dump_with_python(&dir, PASSWORD, &out);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let theirs: BTreeMap<String, String> =
        serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();

    let ours = Backup::open(&dir, Some(PASSWORD.as_bytes()), &mut |_| {}).unwrap();
    assert!(theirs.len() >= 10, "{theirs:?}");
    for (name, hex_bytes) in &theirs {
        let (domain, path) = name.split_once("::").unwrap();
        let mine = ours.read_path(domain, path).unwrap().unwrap();
        assert_eq!(hex::encode(&mine), *hex_bytes, "{name}");
    }
    assert!(theirs
        .keys()
        .any(|k| k.ends_with("Library/ConfigurationProfiles/MCProfileEvents.plist")));
    assert!(theirs.keys().filter(|k| k.ends_with(".stub")).count() == 5);

    // And it refuses a wrong password, like ours.
    let run = dump_with_python(&dir, "wrong", &tmp.path().join("wrong.json"));
    assert!(!run.status.success());
}
