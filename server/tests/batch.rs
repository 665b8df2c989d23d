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
