//! The HTTP contract end to end, over real sockets, on SQLite and on PostgreSQL.
#![allow(clippy::unwrap_used)]

mod common;

use common::{base_state, config, Agent, Chain, TestDb, TestServer};

async fn enrolment_and_uploads(db: TestDb) {
    let dir = tempfile::tempdir().unwrap();
    let server = TestServer::start(&config(dir.path(), &db)).await;
    let agent = Agent::new();

    let (status, body) = agent.enroll(&server, "NOT-A-CODE").await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (400, Some("invalid_code"))
    );
    let code = server.invite().await;
    let (status, body) = agent.enroll(&server, &code).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["key_id"], agent.key_id);
    assert_eq!(body["log"]["origin"], "lucarne.test/log");

    let mut chain = Chain::new("00008103-000A1C2E3C41001E");
    let bytes = chain.next_bytes(&base_state());
    let (status, receipt) = agent.post(&server, agent.envelope(&bytes)).await;
    assert_eq!(status, 200, "{receipt}");
    assert_eq!(receipt["leaf_index"], 0);
    assert_eq!(receipt["tree_size"], 1);

    server.stop().await;
    db.drop_database().await;
}

#[tokio::test]
async fn sqlite_enrolment_and_uploads() {
    enrolment_and_uploads(TestDb::sqlite()).await;
}

#[tokio::test]
async fn postgres_enrolment_and_uploads() {
    enrolment_and_uploads(TestDb::postgres().await).await;
}
