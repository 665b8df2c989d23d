//! A lost answer does not lose the receipt: the exact same envelope sent again gets its
//! receipt back (same leaf, proof in the current tree), appends nothing and raises no replay
//! alert; other bytes with a used sequence stay a replay. On SQLite and on PostgreSQL.
#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use serde_json::{json, Value};

use lucarne_profiles::snapshot::App;
use lucarne_proof::checkpoint::LogIdentity;
use lucarne_proof::receipt::Receipt;

async fn tree_size(server: &TestServer) -> u64 {
    let (_, text) = get_text(server, "/checkpoint").await;
    parse_checkpoint(&text).1
}

async fn resend(db: TestDb) {
    let dir = tempfile::tempdir().unwrap();
    let config = config(dir.path(), &db);
    let server = TestServer::start(&config).await;
    let agent = Agent::new();
    let (status, registered) = agent.register(&server, &server.invite().await).await;
    assert_eq!(status, 200, "{registered}");
    let log = LogIdentity {
        origin: registered["log"]["origin"].as_str().unwrap().to_string(),
        verifier_key: registered["log"]["verifier_key"]
            .as_str()
            .unwrap()
            .to_string(),
    };

    let mut chain = Chain::new("RESEND-DEVICE");
    let body1 = agent.envelope(&chain.next_bytes(&base_state()));
    let (status, first) = agent.post(&server, body1.clone()).await;
    assert_eq!(status, 200, "{first}");
    let mut changed = base_state();
    changed.apps.push(App {
        bundle_id: "com.region.interest".into(),
        managed: Some(true),
        ..Default::default()
    });
    let body2 = agent.envelope(&chain.next_bytes(&changed));
    let (status, receipt2) = agent.post(&server, body2.clone()).await;
    assert_eq!(status, 200, "{receipt2}");
    assert_eq!(receipt2["events"][0]["kind"], "app-added", "{receipt2}");
    // The log grows after it, so the resent receipt must prove leaf 1 in a larger tree.
    let other = Agent::new();
    other.register(&server, &server.invite().await).await;
    let (status, _) = other
        .post(
            &server,
            other.envelope(&Chain::new("OTHER").next_bytes(&base_state())),
        )
        .await;
    assert_eq!(status, 200);
    let size = tree_size(&server).await;
    assert_eq!(size, 3);

    // The answer to body2 was lost: the agent sends the same bytes again.
    let (status, again) = agent.post(&server, body2.clone()).await;
    assert_eq!(status, 200, "{again}");
    assert_eq!(again["leaf_index"], receipt2["leaf_index"]);
    assert_eq!(again["envelope_sha256"], receipt2["envelope_sha256"]);
    assert_eq!(again["envelope_sha256"], hex::encode(sha256(&body2)));
    assert_eq!(again["events"], receipt2["events"]);
    assert_eq!(again["alerts"], receipt2["alerts"]);
    assert_eq!(again["tree_size"], 3);
    assert_eq!(tree_size(&server).await, size, "a resend appends nothing");
    let receipt: Receipt = serde_json::from_value(again.clone()).unwrap();
    let verified = receipt.verify(&body2, &log).unwrap();
    assert_eq!(verified.checkpoint.size, 3);
    assert_eq!(
        again["checkpoint"].as_str().unwrap(),
        get_text(&server, "/checkpoint").await.1,
        "the receipt carries the latest checkpoint"
    );
    // And it does not verify for other bytes.
    assert!(receipt.verify(&body1, &log).is_err());
    // The first one, sent twice more, too.
    for _ in 0..2 {
        let (status, again1) = agent.post(&server, body1.clone()).await;
        assert_eq!(status, 200, "{again1}");
        assert_eq!(again1["leaf_index"], 0);
        let receipt: Receipt = serde_json::from_value(again1).unwrap();
        receipt.verify(&body1, &log).unwrap();
    }

    // The same envelope re-encoded (pretty-printed) is refused as malformed: anyone who saw
    // it could make it, so it stores nothing and leaves no alert.
    let reencoded =
        serde_json::to_vec_pretty(&serde_json::from_slice::<Value>(&body2).unwrap()).unwrap();
    for _ in 0..3 {
        let (status, body) = agent.post(&server, reencoded.clone()).await;
        assert_eq!(status, 400, "{body}");
        assert_eq!(body["error"]["code"], "malformed_envelope");
    }
    // Another snapshot signed with sequence 2 is a replay, recorded once however often it
    // comes.
    let mut again2 = Chain {
        udid: chain.udid.clone(),
        next: 2,
        previous: chain.previous.clone(),
    };
    let mut other = base_state();
    other.device.name = Some("autre".into());
    let replay = agent.envelope(&again2.next_bytes(&other));
    for _ in 0..3 {
        let (status, body) = agent.post(&server, replay.clone()).await;
        assert_eq!(status, 409, "{body}");
        assert_eq!(body["error"]["code"], "replay");
    }
    assert_eq!(tree_size(&server).await, size);

    // The timeline holds each snapshot once and only the real replay as a refusal.
    let handle = agent.handle(&server, &chain.udid).await;
    let path = format!("/api/v1/devices/{handle}/timeline");
    let (status, timeline) = agent.signed_get(&server, &path).await;
    assert_eq!(status, 200, "{timeline}");
    let sequences: Vec<u64> = timeline["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["sequence"].as_u64().unwrap())
        .collect();
    assert_eq!(sequences, vec![2, 1]);
    let refusals: Vec<&str> = timeline["refusals"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["alert"]["kind"].as_str().unwrap())
        .collect();
    assert_eq!(refusals, vec!["replay"]);
    let alerts: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM device_alerts")
        .fetch_one(&server.state.db.pool)
        .await
        .unwrap();
    assert_eq!(alerts, 1);

    // The chain goes on after the resends.
    let body3 = agent.envelope(&chain.next_bytes(&base_state()));
    let (status, receipt3) = agent.post(&server, body3).await;
    assert_eq!(status, 200, "{receipt3}");
    assert_eq!(receipt3["leaf_index"], json!(3));

    server.stop().await;
    db.drop_database().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_same_envelope_again_gets_its_receipt() {
    resend(TestDb::sqlite()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_same_envelope_again_gets_its_receipt() {
    resend(TestDb::postgres().await).await;
}
