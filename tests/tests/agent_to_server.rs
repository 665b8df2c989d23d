//! The agent's upload code against the real server: register with an invite, seal and push
//! snapshots, and have the agent verify each receipt (signature, inclusion, consistency);
//! then an unchanged device is a duplicate and a change comes back with its events.
#![allow(clippy::unwrap_used)]

use lucarne::home::Home;
use lucarne::upload::{self, UploadOutcome};
use lucarne_e2e::EmbeddedServer;
use lucarne_profiles::snapshot::{App, Snapshot};

fn state(apps: &[&str]) -> Snapshot {
    let mut s = Snapshot::new("2026-11-25T21:00:00Z");
    s.device.udid = Some("00008103-00E2E2E2E2E2E02E".into());
    s.device.name = Some("iPad du conseil".into());
    s.enrolment.supervised = Some(true);
    s.apps = apps
        .iter()
        .map(|id| App {
            bundle_id: (*id).into(),
            managed: Some(true),
            ..Default::default()
        })
        .collect();
    s
}

fn pushed(outcome: UploadOutcome) -> upload::PushReport {
    match outcome {
        UploadOutcome::Pushed { report, .. } => report,
        other => panic!("not pushed: {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_agent_pushes_to_the_server_and_verifies_its_receipts() {
    let tmp = tempfile::tempdir().unwrap();
    let server = EmbeddedServer::start(&tmp.path().join("server"), "lucarne.e2e/log")
        .await
        .unwrap();
    let base = server.base.clone();

    let home = Home::at(tmp.path().join("agent")).unwrap();
    let code = server.invite().await.unwrap();
    let registration = lucarne::registration::register(&home, &base, &code, "test computer")
        .await
        .unwrap();
    assert_eq!(registration.log.origin, "lucarne.e2e/log");

    let first = pushed(
        upload::after_scan(&home, state(&["com.example.notes"]))
            .await
            .unwrap(),
    );
    assert_eq!(first.accepted.len(), 1, "{first:?}");
    assert!(first.refused.is_empty() && first.stopped.is_none());
    assert_eq!(first.accepted[0].leaf_index, 0);

    let same = pushed(
        upload::after_scan(&home, state(&["com.example.notes"]))
            .await
            .unwrap(),
    );
    assert_eq!(same.accepted.len(), 1, "{same:?}");
    assert!(same.accepted[0].duplicate_content);
    assert_eq!(same.consistency_deferred, None, "the agent checked 1 → 2");

    let changed = pushed(
        upload::after_scan(&home, state(&["com.example.notes", "com.region.interest"]))
            .await
            .unwrap(),
    );
    assert_eq!(changed.accepted.len(), 1, "{changed:?}");
    assert_eq!(changed.accepted[0].leaf_index, 2);
    assert!(!changed.accepted[0].duplicate_content);
    assert!(changed.accepted[0].events >= 1 && changed.accepted[0].alerts >= 1);

    server.stop().await.unwrap();
}
