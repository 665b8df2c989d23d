//! Registration codes that decide the account, over HTTP on SQLite and PostgreSQL: a second
//! computer joins its official's account with a code asked for by a request signed with a key
//! already there (`POST /api/v1/computer-codes`), and the same iPad read from both computers
//! is one device with one history, each key's chain checked on its own. Refusals: unsigned or
//! replayed requests, used and expired codes, another account's code, a key already
//! registered, too many codes waiting.
#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use serde_json::json;

use lucarne_server::invite::code_hash;

async fn account_of(server: &TestServer, agent: &Agent) -> String {
    sqlx::query_scalar("SELECT account_id FROM account_keys WHERE key_id = $1")
        .bind(&agent.key_id)
        .fetch_one(&server.state.db.pool)
        .await
        .unwrap()
}

/// Asks for a computer code with a request signed by `agent`.
async fn computer_code(server: &TestServer, agent: &Agent) -> (u16, serde_json::Value) {
    agent
        .signed_post(server, "/api/v1/computer-codes", &json!({}))
        .await
}

async fn registered(server: &TestServer) -> Agent {
    let agent = Agent::new();
    let (status, body) = agent.register(server, &server.invite().await).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["joined"]["kind"], "new_account", "{body}");
    agent
}

async fn upload(server: &TestServer, agent: &Agent, chain: &mut Chain, apps: &[&str]) -> u64 {
    let mut state = base_state();
    for app in apps {
        state.apps.push(lucarne_profiles::snapshot::App {
            bundle_id: format!("com.example.{app}"),
            managed: Some(true),
            ..Default::default()
        });
    }
    let (status, body) = agent
        .post(server, agent.envelope(&chain.next_bytes(&state)))
        .await;
    assert_eq!(status, 200, "{body}");
    body["leaf_index"].as_u64().unwrap()
}

async fn second_computer(db: TestDb) {
    let dir = tempfile::tempdir().unwrap();
    let server = TestServer::start(&config(dir.path(), &db)).await;
    let desk = registered(&server).await;
    let alice = account_of(&server, &desk).await;
    let mut desk_chain = Chain::new("UDID-SAME-IPAD");
    let first = upload(&server, &desk, &mut desk_chain, &[]).await;

    // Unsigned, and replayed: refused, no code made.
    let (status, body) = desk
        .send(
            reqwest::Method::POST,
            &server.url("/api/v1/computer-codes"),
            &[],
            b"{}".to_vec(),
        )
        .await;
    assert_eq!(status, 401, "{body}");
    assert_eq!(body["error"]["code"], "unauthenticated");
    let headers = desk.signed_headers(
        "POST",
        &server.addr.to_string(),
        "/api/v1/computer-codes",
        b"{}",
        None,
    );
    let url = server.url("/api/v1/computer-codes");
    let (status, body) = desk
        .send(reqwest::Method::POST, &url, &headers, b"{}".to_vec())
        .await;
    assert_eq!(status, 200, "{body}");
    let replayed_code = body["code"].as_str().unwrap().to_string();
    let (status, _) = desk
        .send(reqwest::Method::POST, &url, &headers, b"{}".to_vec())
        .await;
    assert_eq!(status, 401, "a replayed request makes no second code");

    // The code works once, for fifteen minutes, and only its hash is stored.
    let (status, body) = computer_code(&server, &desk).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["expires_in"], 900);
    let code = body["code"].as_str().unwrap().to_string();
    let stored: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM invites WHERE code_sha256 = $1 AND account_id = $2",
    )
    .bind(code_hash(&code))
    .bind(&alice)
    .fetch_one(&server.state.db.pool)
    .await
    .unwrap();
    assert_eq!(stored, 1);
    let plain: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM invites WHERE code_sha256 = $1")
        .bind(&code)
        .fetch_one(&server.state.db.pool)
        .await
        .unwrap();
    assert_eq!(plain, 0, "the code itself is not stored");

    let laptop = Agent::new();
    let (status, body) = laptop.register(&server, &code).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["joined"]["kind"], "existing_account", "{body}");
    assert_eq!(account_of(&server, &laptop).await, alice);
    let (status, body) = Agent::new().register(&server, &code).await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["error"]["code"], "used_code");

    // An expired code.
    let (_, body) = computer_code(&server, &desk).await;
    let expired = body["code"].as_str().unwrap().to_string();
    sqlx::query("UPDATE invites SET expires_at = 1 WHERE code_sha256 = $1")
        .bind(code_hash(&expired))
        .execute(&server.state.db.pool)
        .await
        .unwrap();
    let (status, body) = Agent::new().register(&server, &expired).await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["error"]["code"], "expired_code");

    // Another account's code puts a new key in that account, never in Alice's; a key already
    // registered cannot use it to move, and the code stays unused.
    let bob = registered(&server).await;
    let mut bob_chain = Chain::new("UDID-BOB");
    upload(&server, &bob, &mut bob_chain, &[]).await;
    let (_, body) = computer_code(&server, &bob).await;
    let bob_code = body["code"].as_str().unwrap().to_string();
    let (status, body) = laptop.register(&server, &bob_code).await;
    assert_eq!(status, 409, "{body}");
    assert_eq!(body["error"]["code"], "already_registered");
    assert_eq!(account_of(&server, &laptop).await, alice, "the key stays");
    let bobs_laptop = Agent::new();
    let (status, body) = bobs_laptop.register(&server, &bob_code).await;
    assert_eq!(status, 200, "the refused attempt did not spend it: {body}");
    let (_, list) = bobs_laptop.signed_get(&server, "/api/v1/devices").await;
    let ids: Vec<&str> = list["devices"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["device_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["UDID-BOB"], "{list}");

    // The same iPad read from the laptop: its own chain (sequence 1, no previous hash) is
    // accepted beside the desk's, and both computers see one device with both snapshots.
    let mut laptop_chain = Chain::new("UDID-SAME-IPAD");
    let from_laptop = upload(&server, &laptop, &mut laptop_chain, &["Agenda"]).await;
    let again_from_desk = upload(&server, &desk, &mut desk_chain, &["Agenda"]).await;
    let handle = desk.handle(&server, "UDID-SAME-IPAD").await;
    assert_eq!(laptop.handle(&server, "UDID-SAME-IPAD").await, handle);
    let (_, list) = laptop.signed_get(&server, "/api/v1/devices").await;
    assert_eq!(list["devices"].as_array().unwrap().len(), 1, "{list}");
    let (status, timeline) = laptop
        .signed_get(&server, &format!("/api/v1/devices/{handle}/timeline"))
        .await;
    assert_eq!(status, 200, "{timeline}");
    let entries: Vec<(u64, &str, u64)> = timeline["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["leaf_index"].as_u64().unwrap(),
                e["key_id"].as_str().unwrap(),
                e["sequence"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        entries,
        [
            (again_from_desk, desk.key_id.as_str(), 2),
            (from_laptop, laptop.key_id.as_str(), 1),
            (first, desk.key_id.as_str(), 1),
        ],
        "{timeline}"
    );
    // Each chain is its own: the laptop replaying its sequence 1 is a replay of its chain.
    let replay = laptop.envelope(&Chain::new("UDID-SAME-IPAD").next_bytes(&base_state()));
    let (status, body) = laptop.post(&server, replay).await;
    assert_eq!(status, 409, "{body}");
    assert_eq!(body["error"]["code"], "replay");

    // The device page, logged in from the laptop, lists the snapshots of both keys.
    let (status, link) = laptop
        .signed_post(&server, "/api/v1/login-links", &json!({}))
        .await;
    assert_eq!(status, 200);
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let login = client
        .get(link["url"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    let cookie = login.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    let page = client
        .get(server.url(&format!("/devices/{handle}")))
        .header("cookie", cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(page.status().as_u16(), 200);
    let page = page.text().await.unwrap();
    for leaf in [first, from_laptop, again_from_desk] {
        assert!(
            page.contains(&format!("/devices/{handle}/snapshots/{leaf}\"")),
            "snapshot {leaf} on the device page"
        );
    }

    // At most five codes wait at once: one waits now (the first request's, never used), the
    // others were used or expired.
    assert!(!replayed_code.is_empty());
    for _ in 0..4 {
        let (status, body) = computer_code(&server, &desk).await;
        assert_eq!(status, 200, "{body}");
    }
    let response = reqwest::Client::new()
        .post(server.url("/api/v1/computer-codes"))
        .headers(
            desk.signed_headers(
                "POST",
                &server.addr.to_string(),
                "/api/v1/computer-codes",
                b"",
                None,
            )
            .into_iter()
            .map(|(k, v)| (k.parse().unwrap(), v.parse().unwrap()))
            .collect(),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 429);
    let wait: u64 = response.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=900).contains(&wait), "{wait}");

    server.stop().await;
    db.drop_database().await;
}

#[tokio::test]
async fn sqlite_second_computer() {
    second_computer(TestDb::sqlite()).await;
}

#[tokio::test]
async fn postgres_second_computer() {
    second_computer(TestDb::postgres().await).await;
}
