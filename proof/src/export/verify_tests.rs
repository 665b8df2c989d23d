//! Verification of exports built here from envelopes signed in the test (no server: the
//! exports with receipts are tested end to end in `tests/tests/export.rs`).

#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;

use ring::signature::{Ed25519KeyPair, KeyPair as _};

use super::super::{
    agent_key_name, agent_key_path, envelope_path, manifest, manifest_of, pack, zip, DataHeader,
    DATA, DATA_SCHEMA, MANIFEST, MANIFEST_SIG,
};
use super::*;

struct Built {
    files: BTreeMap<String, Vec<u8>>,
    key: Ed25519KeyPair,
    key_id: String,
}

fn snapshot(sequence: u64, previous: Option<&str>) -> Vec<u8> {
    serde_json::to_vec(&serde_json::json!({
        "sequence": sequence,
        "previous_hash": previous,
        "device": {"udid": "D1"},
    }))
    .unwrap()
}

/// Three chained snapshots from `first` on (the first names a previous one when `first > 1`).
fn build(first: u64) -> Built {
    let key = Ed25519KeyPair::from_seed_unchecked(&[4; 32]).unwrap();
    let key_id = key_id(key.public_key().as_ref());
    let mut files = BTreeMap::new();
    let mut previous = (first > 1).then(|| "ab".repeat(32));
    for sequence in first..first + 3 {
        let bytes = snapshot(sequence, previous.as_deref());
        previous = Some(sha256_hex(&bytes));
        let envelope = serde_json::to_vec(&Envelope::sign(&bytes, &key)).unwrap();
        files.insert(envelope_path("D1", &key_id, sequence), envelope);
    }
    files.insert(
        agent_key_path(&key_id),
        format!(
            "{}\n",
            manifest::verifier_key(&agent_key_name(&key_id), key.public_key().as_ref())
        )
        .into_bytes(),
    );
    let header = DataHeader {
        schema: DATA_SCHEMA.into(),
        attested_by: "agent".into(),
        timestamped: false,
    };
    files.insert(DATA.into(), serde_json::to_vec(&header).unwrap());
    Built { files, key, key_id }
}

fn seal(built: &Built, files: &BTreeMap<String, Vec<u8>>) -> Vec<u8> {
    let manifest = manifest_of(files);
    let note = manifest::sign(&manifest, &agent_key_name(&built.key_id), &built.key);
    pack(files, manifest, note, None).unwrap()
}

#[test]
fn an_agent_export_verifies_and_says_it_is_not_attested_by_the_server() {
    let built = build(1);
    let report = verify(&seal(&built, &built.files));
    assert!(report.passed(), "{:?}", report.failures);
    assert_eq!(
        report.signer,
        Some(ManifestSigner::Agent {
            key_id: built.key_id.clone()
        })
    );
    assert!(report.notices.contains(&Notice::NotAttestedByServer));
    assert!(report.notices.contains(&Notice::NoTimestamp));
    assert!(report.notices.contains(&Notice::NoLog));
    assert_eq!(report.devices.len(), 1);
    assert_eq!((report.devices[0].first, report.devices[0].last), (1, 3));
    assert_eq!(report.agent_keys, vec![built.key_id.clone()]);
}

#[test]
fn a_period_that_starts_after_the_first_snapshot_is_reported_not_failed() {
    let built = build(5);
    let report = verify(&seal(&built, &built.files));
    assert!(report.passed(), "{:?}", report.failures);
    assert!(report.notices.contains(&Notice::ChainStartsAfter {
        device: "D1".into(),
        sequence: 5
    }));
}

fn failures(archive: &[u8]) -> Vec<(Option<String>, Check)> {
    verify(archive)
        .failures
        .into_iter()
        .map(|f| (f.file, f.check))
        .collect()
}

#[test]
fn every_file_changed_or_removed_is_named() {
    let built = build(1);
    let good = seal(&built, &built.files);
    let entries = zip::read(&good).unwrap();
    for (index, entry) in entries.iter().enumerate() {
        // One byte changed, the archive rewritten around it (so that the ZIP's CRC holds and
        // the export's own checks must catch it).
        for at in [0, entry.data.len() / 2, entry.data.len() - 1] {
            let mut changed = entries.clone();
            changed[index].data[at] ^= 0x01;
            let found = failures(&zip::write(&changed).unwrap());
            assert!(
                found
                    .iter()
                    .any(|(file, _)| file.as_deref() == Some(entry.name.as_str())),
                "{} byte {at}: {found:?}",
                entry.name
            );
        }
        let mut removed = entries.clone();
        removed.remove(index);
        let found = failures(&zip::write(&removed).unwrap());
        assert!(
            found
                .iter()
                .any(|(file, _)| file.as_deref() == Some(entry.name.as_str())),
            "{} removed: {found:?}",
            entry.name
        );
    }
}

#[test]
fn a_reordered_manifest_or_a_removed_snapshot_is_caught() {
    let built = build(1);
    let mut entries = zip::read(&seal(&built, &built.files)).unwrap();
    let manifest = entries.iter_mut().find(|e| e.name == MANIFEST).unwrap();
    let mut lines: Vec<&str> = std::str::from_utf8(&manifest.data)
        .unwrap()
        .lines()
        .collect();
    lines.swap(0, 1);
    manifest.data = format!("{}\n", lines.join("\n")).into_bytes();
    let found = failures(&zip::write(&entries).unwrap());
    assert!(
        found.contains(&(Some(MANIFEST.into()), Check::Manifest)),
        "{found:?}"
    );
    assert!(
        found.contains(&(Some(MANIFEST_SIG.into()), Check::Signature)),
        "{found:?}"
    );

    // The middle snapshot left out and the manifest signed again by the same key: the chain
    // still shows the gap.
    let mut files = built.files.clone();
    let middle = envelope_path("D1", &built.key_id, 2);
    files.remove(&middle);
    let found = failures(&seal(&built, &files));
    assert_eq!(
        found,
        vec![(Some(envelope_path("D1", &built.key_id, 3)), Check::Chain)]
    );
}

#[test]
fn a_hostile_archive_is_a_zip_failure() {
    let found = verify(b"PK\x03\x04 not really");
    assert_eq!(found.failures.len(), 1);
    assert_eq!(found.failures[0].check, Check::Zip);
    assert_eq!(found.failures[0].file, None);
}
