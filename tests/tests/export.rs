//! Issue 12's done-when test for the evidence export: the council iPad's two weeks, read over
//! (virtual) USB, sealed and pushed to the embedded server, exported from the agent's history
//! with the test timestamping authority (`tests/tsa/test-tsa.sh`, `openssl ts`, behind a
//! small HTTP front) and verified offline; then every file of the export changed by one byte,
//! every file removed, and the manifest reordered: verification fails each time naming the
//! file that broke.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;

use lucarne::export::{self, ExportData, ExportOptions};
use lucarne::home::Home;
use lucarne::upload::{self, UploadOutcome};
use lucarne_e2e::EmbeddedServer;
use lucarne_proof::export::zip::{self, Entry};
use lucarne_proof::export::{verify, Check, ManifestSigner, Notice};

fn failures(archive: &[u8]) -> Vec<(Option<String>, Check)> {
    verify(archive)
        .failures
        .into_iter()
        .map(|f| (f.file, f.check))
        .collect()
}

fn names(found: &[(Option<String>, Check)], file: &str) -> bool {
    found.iter().any(|(f, _)| f.as_deref() == Some(file))
}

#[test]
fn the_council_ipads_two_weeks_exported_verified_and_every_tampering_named() {
    let tmp = tempfile::tempdir().unwrap();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let tsa = runtime
        .block_on(lucarne_e2e::start_test_tsa(tmp.path().join("tsa")))
        .unwrap();
    let home = Home::at(tmp.path().join("agent")).unwrap();
    let server = runtime.block_on(async {
        let server = EmbeddedServer::start(&tmp.path().join("server"), "lucarne.export-test/log")
            .await
            .unwrap();
        let code = server.invite().await.unwrap();
        lucarne::registration::register(&home, &server.base, &code, "export test")
            .await
            .unwrap();
        server
    });
    for (device, taken_at) in [
        ("council-ipad", "2026-11-16T09:00:00Z"),
        ("council-ipad-week2", "2026-11-23T09:00:00Z"),
    ] {
        let snapshot = lucarne_e2e::scan_bundled(tmp.path(), device, &home, taken_at).unwrap();
        match runtime
            .block_on(upload::after_scan(&home, snapshot))
            .unwrap()
        {
            UploadOutcome::Pushed { report, .. } => {
                assert_eq!(report.accepted.len(), 1, "{report:?}")
            }
            other => panic!("not pushed: {other:?}"),
        }
    }

    let options = ExportOptions {
        lang: "fr".into(),
        tsa: Some(tsa.clone()),
        ..ExportOptions::default()
    };
    let made = export::build(&home, &options).unwrap();
    let report = verify(&made.archive);
    assert!(report.passed(), "{:?}", report.failures);
    assert!(matches!(report.signer, Some(ManifestSigner::Agent { .. })));
    assert!(report.notices.contains(&Notice::NotAttestedByServer));
    let stamp = report.timestamp.as_ref().unwrap();
    assert_eq!(stamp.signer.subject, "CN=Lucarne Test TSA");
    assert_eq!(report.devices.len(), 1);
    assert_eq!(
        (report.devices[0].snapshots, report.devices[0].in_log),
        (2, 2)
    );
    assert_eq!(report.checkpoint.as_ref().unwrap().0, 2);
    // The server answered: the first receipt's checkpoint (size 1) is proved a prefix of the
    // newest (size 2).
    assert!(!report
        .notices
        .iter()
        .any(|n| matches!(n, Notice::NoConsistency { .. })));

    // data.json: both weeks, the second with its changes, no sentence.
    let entries = zip::read(&made.archive).unwrap();
    let data = entries.iter().find(|e| e.name == "data.json").unwrap();
    let facts: ExportData = serde_json::from_slice(&data.data).unwrap();
    assert_eq!(facts.header.attested_by, "agent");
    assert!(facts.header.timestamped);
    let snapshots = &facts.devices[0].snapshots;
    assert_eq!(snapshots.len(), 2);
    assert!(snapshots[0].changes.is_none());
    assert!(!snapshots[1].changes.as_ref().unwrap().is_empty());
    assert!(snapshots.iter().all(|s| s.receipt.is_some()));

    // Only the second week: its chain starts after the period's start, reported, not failed.
    let week2 = export::build(
        &home,
        &ExportOptions {
            from: Some("2026-11-20".into()),
            lang: "fr".into(),
            ..ExportOptions::default()
        },
    )
    .unwrap();
    let report = verify(&week2.archive);
    assert!(report.passed(), "{:?}", report.failures);
    assert!(report
        .notices
        .iter()
        .any(|n| matches!(n, Notice::ChainStartsAfter { sequence: 2, .. })));
    assert!(report.notices.contains(&Notice::NoTimestamp));

    // Every file: one byte changed (first, middle, last; the ZIP rewritten around it so that
    // the export's own checks must catch it), then the file removed.
    let mut expected_files = BTreeMap::new();
    for (index, entry) in entries.iter().enumerate() {
        for at in [0, entry.data.len() / 2, entry.data.len() - 1] {
            let mut changed: Vec<Entry> = entries.clone();
            changed[index].data[at] ^= 0x01;
            let found = failures(&zip::write(&changed).unwrap());
            assert!(
                names(&found, &entry.name),
                "{} byte {at} changed: {found:?}",
                entry.name
            );
        }
        let mut removed = entries.clone();
        removed.remove(index);
        let found = failures(&zip::write(&removed).unwrap());
        assert!(
            names(&found, &entry.name),
            "{} removed: {found:?}",
            entry.name
        );
        expected_files.insert(entry.name.clone(), found);
    }
    // Every kind of file is there.
    for file in [
        "MANIFEST",
        "MANIFEST.sig",
        "MANIFEST.tsr",
        "data.json",
        "keys/log.json",
        "log/checkpoint",
        "log/consistency/1-2.json",
    ] {
        assert!(expected_files.contains_key(file), "{file}");
    }
    assert_eq!(
        expected_files
            .keys()
            .filter(|f| f.ends_with(".envelope.json") || f.ends_with(".receipt.json"))
            .count(),
        4
    );

    // The manifest reordered.
    let mut reordered = entries.clone();
    let manifest = reordered.iter_mut().find(|e| e.name == "MANIFEST").unwrap();
    let mut lines: Vec<String> = String::from_utf8(manifest.data.clone())
        .unwrap()
        .lines()
        .map(String::from)
        .collect();
    lines.reverse();
    manifest.data = format!("{}\n", lines.join("\n")).into_bytes();
    let found = failures(&zip::write(&reordered).unwrap());
    assert!(
        found.contains(&(Some("MANIFEST".into()), Check::Manifest)),
        "{found:?}"
    );

    // Damaged archives (the hostile ones are tested in `lucarne-proof`): a `zip` failure.
    for hostile in [
        b"PK\x05\x06".to_vec(),
        made.archive[..made.archive.len() / 2].to_vec(),
    ] {
        let found = failures(&hostile);
        assert_eq!(found, vec![(None, Check::Zip)]);
    }

    // The server gone: the export is made from the local history alone; the consistency
    // proof it cannot fetch is left out, and verification says so.
    runtime.block_on(server.stop()).unwrap();
    let offline = export::build(
        &home,
        &ExportOptions {
            lang: "fr".into(),
            ..ExportOptions::default()
        },
    )
    .unwrap();
    let report = verify(&offline.archive);
    assert!(report.passed(), "{:?}", report.failures);
    assert!(report
        .notices
        .contains(&Notice::NoConsistency { from: 1, to: 2 }));
}
