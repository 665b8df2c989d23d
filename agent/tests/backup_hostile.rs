//! Hostile backups: damaged catalogues, missing files, absurd keybags, plist bombs, paths
//! that try to leave the backup folder. Each gives a clear error or a warning naming the
//! file, never a panic, and nothing is written.
#![allow(clippy::unwrap_used)]

mod common;

use std::path::{Path, PathBuf};
use std::time::Instant;

use lucarne::backup::keybag::{Keybag, KeybagError};
use lucarne::backup::layout::{self, PROFILES_DOMAIN};
use lucarne::backup::manifest::CatalogueError;
use lucarne::backup::{self, BackupError};
use lucarne_virtual_ipad::writer::{write_backup, WriteOptions};

fn write(dir: &Path, password: Option<&str>) -> PathBuf {
    let device = common::device("council-ipad");
    let out = dir.join("backup");
    let options = WriteOptions {
        password: password.map(|p| p.as_bytes().to_vec()),
        iterations: (1000, 100),
        ..Default::default()
    };
    write_backup(&device, &out, &options).unwrap();
    out
}

fn scan(dir: &Path) -> Result<backup::BackupFacts, BackupError> {
    backup::scan(dir, None, &mut |_| {})
}

/// The payload file of the first profile stub.
fn first_stub(dir: &Path) -> (String, PathBuf) {
    let b = backup::Backup::open(dir, None, &mut |_| {}).unwrap();
    let (entries, _) = b
        .catalogue()
        .files_under(PROFILES_DOMAIN, "Library/ConfigurationProfiles/profile-")
        .unwrap();
    let e = &entries[0];
    (
        e.relative_path.clone(),
        layout::payload_path(dir, &e.file_id).unwrap(),
    )
}

#[test]
fn truncated_or_corrupt_manifest_db() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = write(tmp.path(), None);
    let db = std::fs::read(dir.join("Manifest.db")).unwrap();
    std::fs::write(dir.join("Manifest.db"), &db[..100]).unwrap();
    let err = scan(&dir).unwrap_err();
    assert!(
        matches!(err, BackupError::Catalogue(CatalogueError::Sqlite(_))),
        "{err:?}"
    );
    assert!(err.to_string().contains("Manifest.db"), "{err}");

    let mut garbage = db.clone();
    for b in garbage.iter_mut().skip(100) {
        *b = b.wrapping_mul(31).wrapping_add(7);
    }
    std::fs::write(dir.join("Manifest.db"), &garbage).unwrap();
    assert!(scan(&dir).is_err());

    std::fs::write(dir.join("Manifest.db"), b"").unwrap();
    assert!(matches!(
        scan(&dir),
        Err(BackupError::Catalogue(CatalogueError::Empty))
    ));
    std::fs::remove_file(dir.join("Manifest.db")).unwrap();
    let err = scan(&dir).unwrap_err();
    assert!(err.to_string().contains("Manifest.db"), "{err}");
}

#[test]
fn a_missing_payload_file_is_a_warning_naming_it() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = write(tmp.path(), None);
    let (name, path) = first_stub(&dir);
    std::fs::remove_file(&path).unwrap();
    let facts = scan(&dir).unwrap();
    assert_eq!(facts.snapshot.profiles.len(), 4);
    assert_eq!(facts.warnings.len(), 1, "{:?}", facts.warnings);
    assert!(
        facts.warnings[0].contains(&name) && facts.warnings[0].contains("missing"),
        "{:?}",
        facts.warnings
    );
}

#[test]
fn a_plist_bomb_is_refused_as_one() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = write(tmp.path(), None);
    let (_, path) = first_stub(&dir);
    std::fs::write(&path, plist_bomb(40)).unwrap();
    let started = Instant::now();
    let facts = scan(&dir).unwrap();
    assert!(started.elapsed().as_secs() < 10);
    assert_eq!(facts.snapshot.profiles.len(), 4);
    assert!(
        facts.warnings.iter().any(|w| w.contains("plist bomb")),
        "{:?}",
        facts.warnings
    );

    std::fs::write(dir.join("Manifest.plist"), plist_bomb(40)).unwrap();
    let err = scan(&dir).unwrap_err();
    assert!(
        err.to_string().contains("Manifest.plist") && err.to_string().contains("bomb"),
        "{err}"
    );
}

/// A binary plist where array n holds array n+1 twice: `levels` levels describe 2^levels values.
fn plist_bomb(levels: usize) -> Vec<u8> {
    let mut out = b"bplist00".to_vec();
    let mut offsets = Vec::new();
    for i in 0..levels {
        offsets.push(out.len());
        out.extend_from_slice(&[0xA2, (i + 1) as u8, (i + 1) as u8]);
    }
    offsets.push(out.len());
    out.push(0x09);
    let table = out.len();
    for o in &offsets {
        out.extend_from_slice(&(*o as u16).to_be_bytes());
    }
    let mut trailer = [0u8; 32];
    trailer[6] = 2;
    trailer[7] = 1;
    trailer[8..16].copy_from_slice(&(offsets.len() as u64).to_be_bytes());
    trailer[24..32].copy_from_slice(&(table as u64).to_be_bytes());
    out.extend_from_slice(&trailer);
    out
}

#[test]
fn absurd_iteration_counts_are_refused_before_deriving() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = write(tmp.path(), Some("pw"));
    let path = dir.join("Manifest.plist");
    let mut manifest = plist::Value::from_file(&path).unwrap();
    let dict = manifest.as_dictionary_mut().unwrap();
    let mut bag = Keybag::parse(dict["BackupKeyBag"].as_data().unwrap()).unwrap();
    bag.sha256_iterations = Some(4_000_000_000);
    dict.insert("BackupKeyBag".into(), plist::Value::Data(bag.to_bytes()));
    manifest.to_file_xml(&path).unwrap();
    let started = Instant::now();
    let err = backup::scan(&dir, Some(b"pw"), &mut |_| {}).unwrap_err();
    assert!(started.elapsed().as_secs() < 2, "refused without deriving");
    assert!(
        matches!(
            err,
            BackupError::Keybag(KeybagError::TooManyIterations { .. })
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("4000000000"), "{err}");
}

#[test]
fn rows_that_leave_the_backup_folder_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = write(tmp.path(), None);
    let db_path = dir.join("Manifest.db");
    let db = rusqlite::Connection::open(&db_path).unwrap();
    let traversal = "Library/ConfigurationProfiles/profile-../../../../../etc/passwd.stub";
    db.execute(
        "INSERT INTO Files VALUES (?1, ?2, ?3, 1, NULL)",
        rusqlite::params![
            layout::file_id(PROFILES_DOMAIN, traversal),
            PROFILES_DOMAIN,
            traversal
        ],
    )
    .unwrap();
    db.execute(
        "INSERT INTO Files VALUES ('../../../../etc/passwd', ?1, 'Library/ConfigurationProfiles/profile-x.stub', 1, NULL)",
        [PROFILES_DOMAIN],
    )
    .unwrap();
    drop(db);
    // A payload replaced by a link to a file outside the backup.
    let (_, path) = first_stub(&dir);
    let outside = tmp.path().join("outside.plist");
    std::fs::write(&outside, b"<plist><dict/></plist>").unwrap();
    std::fs::remove_file(&path).unwrap();
    std::os::unix::fs::symlink(&outside, &path).unwrap();

    let facts = scan(&dir).unwrap();
    assert_eq!(facts.snapshot.profiles.len(), 4);
    let all = facts.warnings.join("\n");
    assert!(all.contains("leaves its domain"), "{all}");
    assert!(
        all.contains("fileID does not match") || all.contains("not 40 hex"),
        "{all}"
    );
    assert!(
        all.contains("not a regular file inside the backup folder"),
        "{all}"
    );
    assert_eq!(facts.warnings.len(), 3, "{all}");
}
