//! The server's evidence export (issue 12): the council iPad's two weeks, read over (virtual)
//! USB, sealed and pushed by the agent to an embedded server that timestamps its checkpoints
//! with the test timestamping authority (`tests/tsa/test-tsa.sh`) on its own schedule; the
//! export asked over the signed API is verified offline — manifest signed by the log key the
//! agent pinned, every snapshot dated by a timestamped checkpoint through a consistency proof
//! — and `lucarne verify` on the official's computer accepts it; its envelopes are the
//! agent's own bytes; tampering with the timestamp files is named.
#![allow(clippy::unwrap_used)]

use std::time::Duration;

use lucarne::home::Home;
use lucarne::keys::AgentKey;
use lucarne::upload::client::ServerClient;
use lucarne::upload::{self, UploadOutcome};
use lucarne_e2e::EmbeddedServer;
use lucarne_proof::export::zip::{self, Entry};
use lucarne_proof::export::{verify, ManifestSigner, Notice};
use lucarne_server::Config;

#[test]
fn the_servers_export_is_dated_signed_by_the_pinned_log_key_and_verified() {
    let tmp = tempfile::tempdir().unwrap();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let tsa = runtime
        .block_on(lucarne_e2e::start_test_tsa(tmp.path().join("tsa")))
        .unwrap();
    let home = Home::at(tmp.path().join("agent")).unwrap();
    let origin = "lucarne.server-export-test/log";
    let server = runtime.block_on(async {
        let server = EmbeddedServer::start_with(Config {
            listen: "127.0.0.1:0".parse().unwrap(),
            data_dir: tmp.path().join("server"),
            origin: origin.into(),
            tsa_url: Some(tsa.clone()),
            timestamp_interval_seconds: 1,
            ..Config::default()
        })
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

    // The server's own task timestamps the newest checkpoint (size 2) within a few ticks.
    let stamps = runtime.block_on(async {
        for _ in 0..120 {
            let mut conn = server.state.db.pool.acquire().await.unwrap();
            let stamps = lucarne_server::timestamps::all(&mut conn).await.unwrap();
            if stamps.iter().any(|s| s.tree_size == 2) {
                return stamps;
            }
            drop(conn);
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
        panic!("the checkpoint of size 2 was never timestamped");
    });
    // Each token was verified before it was stored: it verifies over its checkpoint's bytes.
    for stamp in &stamps {
        let token =
            lucarne_proof::cms::timestamp::verify(&stamp.token, stamp.checkpoint.as_bytes())
                .unwrap();
        assert_eq!(token.signer.subject, "CN=Lucarne Test TSA");
    }

    // The export, over the signed API, by the owner.
    let key = AgentKey::load(&home).unwrap();
    let client = ServerClient::new(&server.base).unwrap();
    let list: serde_json::Value = serde_json::from_slice(
        &runtime
            .block_on(client.signed(&key, "GET", "/api/v1/devices", Vec::new()))
            .unwrap(),
    )
    .unwrap();
    let handle = list["devices"][0]["handle"].as_str().unwrap().to_string();
    let udid = list["devices"][0]["device_id"]
        .as_str()
        .unwrap()
        .to_string();
    let archive = runtime
        .block_on(client.signed(
            &key,
            "GET",
            &format!("/api/v1/devices/{handle}/export?lang=fr"),
            Vec::new(),
        ))
        .unwrap();

    let report = verify(&archive);
    assert!(report.passed(), "{:?}", report.failures);
    assert_eq!(
        report.signer,
        Some(ManifestSigner::Server {
            origin: origin.into()
        })
    );
    let pinned = lucarne::registration::load(&home).unwrap().unwrap().log;
    assert_eq!(report.log.as_ref(), Some(&pinned));
    assert!(!report.notices.contains(&Notice::NotAttestedByServer));
    assert!(!report
        .notices
        .iter()
        .any(|n| matches!(n, Notice::NoConsistency { .. })));
    assert_eq!(
        (report.devices[0].snapshots, report.devices[0].in_log),
        (2, 2)
    );
    // Both snapshots dated by a verified token; the first through a consistency proof unless
    // its own checkpoint was timestamped before the second upload.
    assert_eq!(report.dated.len(), 2, "{:?}", report.dated);
    assert!(!report.checkpoint_stamps.is_empty());
    assert_eq!(report.checkpoint.as_ref().unwrap().0, 2);
    // With an authority configured, the export itself is timestamped (`MANIFEST.tsr`).
    assert!(report.timestamp.is_some(), "{:?}", report.notices);
    assert!(!report.notices.contains(&Notice::NoTimestamp));

    // The envelopes are the agent's own bytes; the report says who attests what.
    let entries = zip::read(&archive).unwrap();
    let envelopes: Vec<&Entry> = entries
        .iter()
        .filter(|e| e.name.ends_with(".envelope.json"))
        .collect();
    assert_eq!(envelopes.len(), 2);
    for (entry, sequence) in envelopes.iter().zip(1u64..) {
        let device_dir = lucarne::state::device_dir_name(Some(&udid));
        let local = lucarne::state::history_envelope(&home, &device_dir, sequence).unwrap();
        assert_eq!(entry.data, local, "{}", entry.name);
    }
    let data: lucarne::export::ExportData =
        serde_json::from_slice(&entries.iter().find(|e| e.name == "data.json").unwrap().data)
            .unwrap();
    assert_eq!(data.header.attested_by, "server");
    assert!(data.header.timestamped);
    assert!(data.devices[0]
        .snapshots
        .iter()
        .all(|s| s.no_later_than.is_some()));
    for name in ["rapport.pdf", "LISEZMOI.txt"] {
        assert!(entries.iter().any(|e| e.name == name), "{name}");
    }

    // Every timestamp, timestamped checkpoint and consistency file changed by one byte: named.
    for (index, entry) in entries.iter().enumerate() {
        if !entry.name.starts_with("log/") && entry.name != "MANIFEST.tsr" {
            continue;
        }
        let mut changed: Vec<Entry> = entries.clone();
        let middle = changed[index].data.len() / 2;
        changed[index].data[middle] ^= 0x01;
        let found = verify(&zip::write(&changed).unwrap()).failures;
        assert!(
            found
                .iter()
                .any(|f| f.file.as_deref() == Some(entry.name.as_str())),
            "{}: {found:?}",
            entry.name
        );
    }

    // The read is in the owner's access log, through the API.
    let logged: Vec<(String, String)> = runtime.block_on(async {
        use sqlx::Row as _;
        let mut conn = server.state.db.pool.acquire().await.unwrap();
        sqlx::query("SELECT what, via FROM access_log WHERE handle = $1")
            .bind(&handle)
            .fetch_all(&mut *conn)
            .await
            .unwrap()
            .into_iter()
            .map(|r| (r.try_get(0).unwrap(), r.try_get(1).unwrap()))
            .collect()
    });
    assert!(
        logged.contains(&("export".into(), "api".into())),
        "{logged:?}"
    );

    // `lucarne verify` on the official's computer: the log key is the pinned one, exit 0.
    let file = tmp.path().join("server-export.zip");
    std::fs::write(&file, &archive).unwrap();
    std::env::set_var("LUCARNE_HOME", home.root());
    let args = lucarne::commands::verify::VerifyArgs {
        file: file.clone(),
        json: true,
        lang: lucarne_words::Lang::Fr,
    };
    assert_eq!(lucarne::commands::verify::run(&args).unwrap(), 0);
    let text = lucarne::commands::verify::VerifyArgs {
        json: false,
        file: file.clone(),
        lang: lucarne_words::Lang::En,
    };
    assert_eq!(lucarne::commands::verify::run(&text).unwrap(), 0);
    // On a computer registered with another server, the log key is not the pinned one.
    let other_home = Home::at(tmp.path().join("other-agent")).unwrap();
    runtime.block_on(async {
        let other = EmbeddedServer::start(&tmp.path().join("other-server"), origin)
            .await
            .unwrap();
        let code = other.invite().await.unwrap();
        lucarne::registration::register(&other_home, &other.base, &code, "other")
            .await
            .unwrap();
        other.stop().await.unwrap();
    });
    std::env::set_var("LUCARNE_HOME", other_home.root());
    assert_eq!(lucarne::commands::verify::run(&args).unwrap(), 1);

    // `lucarne export` on the official's computer: the server's export holds every envelope
    // of the history with a verifying receipt, so the file written is the server's.
    std::env::set_var("LUCARNE_HOME", home.root());
    let export_args = |output: &str| lucarne::commands::export::ExportArgs {
        device: None,
        from: None,
        to: None,
        tsa: None,
        output: tmp.path().join(output),
        lang: lucarne_words::Lang::Fr,
    };
    assert_eq!(
        lucarne::commands::export::run(&export_args("attested.zip")).unwrap(),
        0
    );
    let written = std::fs::read(tmp.path().join("attested.zip")).unwrap();
    let report = verify(&written);
    assert!(report.passed(), "{:?}", report.failures);
    assert!(matches!(report.signer, Some(ManifestSigner::Server { .. })));

    // A server that alters an envelope (other bytes stored, hash column to match) or drops
    // one: the comparison names each, and the local export is written instead (exit 1).
    let local: std::collections::BTreeMap<String, Vec<u8>> = zip::read(
        &lucarne::export::build(
            &home,
            &lucarne::export::ExportOptions {
                lang: "fr".into(),
                ..Default::default()
            },
        )
        .unwrap()
        .archive,
    )
    .unwrap()
    .into_iter()
    .map(|e| (e.name, e.data))
    .collect();
    let key_id = key.key_id();
    let mut altered =
        lucarne::state::history_envelope(&home, &lucarne::state::device_dir_name(Some(&udid)), 2)
            .unwrap();
    altered.push(b'\n');
    runtime.block_on(async {
        let mut conn = server.state.db.pool.acquire().await.unwrap();
        sqlx::query(
            "UPDATE snapshots SET envelope_sha256 = $1, envelope_raw = $2 WHERE sequence = 2",
        )
        .bind(lucarne_proof::envelope::sha256_hex(&altered))
        .bind(altered)
        .execute(&mut *conn)
        .await
        .unwrap();
    });
    let fetch = || {
        let client = ServerClient::new(&server.base).unwrap();
        let device_dir = lucarne::state::device_dir_name(Some(&udid));
        lucarne::server_export::fetch(&client, &key, &device_dir, None, None, "fr")
            .unwrap()
            .unwrap()
    };
    let pinned = lucarne::registration::load(&home).unwrap().unwrap().log;
    let differences = lucarne::server_export::compare(&local, &fetch(), &pinned);
    assert!(
        differences.contains(&lucarne::server_export::Difference::Altered {
            snapshot: format!("{key_id}/2")
        }),
        "{differences:?}"
    );
    assert!(differences
        .iter()
        .any(|d| matches!(d, lucarne::server_export::Difference::Invalid { .. })));
    runtime.block_on(async {
        let mut conn = server.state.db.pool.acquire().await.unwrap();
        sqlx::query("DELETE FROM snapshots WHERE sequence = 1")
            .execute(&mut *conn)
            .await
            .unwrap();
    });
    let differences = lucarne::server_export::compare(&local, &fetch(), &pinned);
    assert!(
        differences.contains(&lucarne::server_export::Difference::Missing {
            snapshot: format!("{key_id}/1")
        }),
        "{differences:?}"
    );
    assert_eq!(
        lucarne::commands::export::run(&export_args("differs.zip")).unwrap(),
        1
    );
    let report = verify(&std::fs::read(tmp.path().join("differs.zip")).unwrap());
    assert!(matches!(report.signer, Some(ManifestSigner::Agent { .. })));

    // The server gone: the local export, as before (exit 0).
    runtime.block_on(server.stop()).unwrap();
    assert_eq!(
        lucarne::commands::export::run(&export_args("offline.zip")).unwrap(),
        0
    );
    let report = verify(&std::fs::read(tmp.path().join("offline.zip")).unwrap());
    assert!(report.passed(), "{:?}", report.failures);
    assert!(report.notices.contains(&Notice::NotAttestedByServer));
}
