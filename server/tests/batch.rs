//! Many uploads at once go through the sequencer's batches: every one gets a receipt whose
//! inclusion proof holds in its checkpoint's tree, each device's chain is kept in order, no
//! leaf is there twice, and the log ends with exactly the accepted envelopes.
#![allow(clippy::unwrap_used)]

mod common;

use std::collections::HashSet;

use common::*;

async fn concurrent(db: TestDb) {
    let dir = tempfile::tempdir().unwrap();
    let server = TestServer::start(&config(dir.path(), &db)).await;
    let mut agents = Vec::new();
    for _ in 0..12 {
        let agent = Agent::new();
        let (status, _) = agent.register(&server, &server.invite().await).await;
        assert_eq!(status, 200);
        agents.push(agent);
    }
    let per_device = 6;
    let mut tasks = tokio::task::JoinSet::new();
    for (n, agent) in agents.into_iter().enumerate() {
        let base = server.base.clone();
        tasks.spawn(async move {
            let mut chain = Chain::new(&format!("BATCH-{n:02}"));
            let mut out = Vec::new();
            for i in 0..per_device {
                let mut state = base_state();
                if i % 2 == 1 {
                    state.device.name = Some(format!("iPad {i}"));
                }
                let body = agent.envelope(&chain.next_bytes(&state));
                let response = agent
                    .http
                    .post(format!("{base}/api/v1/snapshots"))
                    .body(body.clone())
                    .send()
                    .await
                    .unwrap();
                let status = response.status().as_u16();
                let receipt: serde_json::Value = response.json().await.unwrap();
                out.push((status, body, receipt));
            }
            out
        });
    }
    let mut leaves = HashSet::new();
    let mut total = 0;
    while let Some(done) = tasks.join_next().await {
        for (status, body, receipt) in done.unwrap() {
            assert_eq!(status, 200, "{receipt}");
            let (_, size, root) = parse_checkpoint(receipt["checkpoint"].as_str().unwrap());
            let index = receipt["leaf_index"].as_u64().unwrap();
            assert_eq!(receipt["tree_size"].as_u64(), Some(size));
            assert!(index < size);
            assert!(ct_merkle_inclusion(
                root,
                size,
                &sha256(&body),
                index,
                proof_bytes(&receipt["inclusion_proof"])
            ));
            assert!(leaves.insert(index), "leaf {index} given twice");
            total += 1;
        }
    }
    assert_eq!(total, 12 * per_device);
    let (_, checkpoint) = get_text(&server, "/checkpoint").await;
    assert_eq!(parse_checkpoint(&checkpoint).1, total as u64);
    let distinct: i64 = sqlx::query_scalar("SELECT COUNT(DISTINCT leaf_data) FROM log_entries")
        .fetch_one(&server.state.db.pool)
        .await
        .unwrap();
    assert_eq!(distinct, total as i64, "no envelope is in the log twice");
    let (_, metrics) = get_text(&server, "/metrics").await;
    let batched = metrics
        .lines()
        .find_map(|l| l.strip_prefix("lucarne_log_batched_uploads_total "))
        .unwrap();
    assert_eq!(batched, total.to_string());
    server.stop().await;
    db.drop_database().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_concurrent_uploads_all_get_valid_receipts() {
    concurrent(TestDb::sqlite()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_concurrent_uploads_all_get_valid_receipts() {
    concurrent(TestDb::postgres().await).await;
}

/// Storage keeps of an unchanged snapshot only what differs (time, sequence, previous hash):
/// every accepted envelope must still come back byte for byte, whatever those fields hold
/// (odd times, escaped characters, an upper-case previous hash, which the chain accepts) and
/// however the uploads fell into batches (changed and unchanged, several of one device in a
/// batch).
async fn every_envelope_comes_back_byte_for_byte(db: TestDb) {
    let dir = tempfile::tempdir().unwrap();
    let server = TestServer::start(&config(dir.path(), &db)).await;
    let agent = std::sync::Arc::new(Agent::new());
    assert_eq!(agent.register(&server, &server.invite().await).await.0, 200);
    let times = [
        "2026-11-25T20:00:00Z",
        "2026-11-25T20:00:00.123456+01:00",
        "quand \"il\" veut \\ é \u{202e}",
        "",
    ];
    let mut tasks = tokio::task::JoinSet::new();
    for device in 0..6 {
        let agent = agent.clone();
        let base = server.base.clone();
        tasks.spawn(async move {
            let mut chain = Chain::new(&format!("BYTES-{device}"));
            let mut sent = Vec::new();
            for i in 0..24usize {
                let mut state = base_state();
                // Every fifth snapshot changes the device; the others repeat its state.
                state.device.name = Some(format!("iPad {}", i / 5));
                let mut snapshot: lucarne_profiles::snapshot::Snapshot =
                    serde_json::from_slice(&chain.clone_next(&state)).unwrap();
                snapshot.taken_at = times[i % times.len()].to_string();
                if i % 3 == 2 {
                    snapshot.previous_hash = snapshot.previous_hash.map(|h| h.to_uppercase());
                }
                let bytes = serde_json::to_vec(&snapshot).unwrap();
                chain.next += 1;
                chain.previous = Some(lucarne_proof::envelope::sha256_hex(&bytes));
                let body = agent.envelope(&bytes);
                let response = agent
                    .http
                    .post(format!("{base}/api/v1/snapshots"))
                    .body(body.clone())
                    .send()
                    .await
                    .unwrap();
                let status = response.status().as_u16();
                let receipt: serde_json::Value = response.json().await.unwrap();
                assert_eq!(status, 200, "{receipt}");
                sent.push((receipt["leaf_index"].as_u64().unwrap(), body));
            }
            sent
        });
    }
    let mut total = 0;
    let mut conn = server.state.db.pool.acquire().await.unwrap();
    while let Some(done) = tasks.join_next().await {
        for (leaf, body) in done.unwrap() {
            let back = lucarne_server::storage::load_envelope(&mut conn, leaf)
                .await
                .unwrap();
            assert!(back == body, "leaf {leaf} does not come back byte for byte");
            total += 1;
        }
    }
    assert_eq!(total, 6 * 24);
    // What unchanged snapshots stored of their own: their holes, a few dozen bytes each.
    let largest: i64 = sqlx::query_scalar(
        "SELECT MAX(LENGTH(b.skeleton)) FROM snapshot_bodies b \
         JOIN snapshots s ON s.snapshot_sha256 = b.sha256 WHERE s.duplicate_content = 1",
    )
    .fetch_one(&mut *conn)
    .await
    .unwrap();
    assert!(largest < 120, "{largest}");
    drop(conn);
    server.stop().await;
    db.drop_database().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_every_envelope_comes_back_byte_for_byte() {
    every_envelope_comes_back_byte_for_byte(TestDb::sqlite()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_every_envelope_comes_back_byte_for_byte() {
    every_envelope_comes_back_byte_for_byte(TestDb::postgres().await).await;
}
