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
    // One history: the laptop's first snapshot is compared with the desk's (the new app),
    // and the desk's next one, the same state as the laptop's, is unchanged.
    let entry = |leaf: u64| {
        timeline["entries"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["leaf_index"] == leaf)
            .unwrap()
            .clone()
    };
    let laptop_entry = entry(from_laptop);
    assert_eq!(laptop_entry["duplicate_content"], false);
    assert!(
        laptop_entry["events"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["subject"] == "com.example.Agenda"),
        "{laptop_entry}"
    );
    let desk_entry = entry(again_from_desk);
    assert_eq!(desk_entry["duplicate_content"], true, "{desk_entry}");
    assert_eq!(desk_entry["events"], json!([]));
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

/// A browser session of `agent` (through a login link), carried by hand.
struct Session {
    http: reqwest::Client,
    cookie: String,
}

impl Session {
    async fn of(server: &TestServer, agent: &Agent) -> Session {
        let (status, link) = agent
            .signed_post(server, "/api/v1/login-links", &json!({}))
            .await;
        assert_eq!(status, 200, "{link}");
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let response = http
            .get(link["url"].as_str().unwrap())
            .send()
            .await
            .unwrap();
        let cookie = response.headers()["set-cookie"]
            .to_str()
            .unwrap()
            .split(';')
            .next()
            .unwrap()
            .to_string();
        Session { http, cookie }
    }

    async fn get(&self, url: &str) -> (u16, String) {
        let response = self
            .http
            .get(url)
            .header("cookie", &self.cookie)
            .send()
            .await
            .unwrap();
        (response.status().as_u16(), response.text().await.unwrap())
    }

    async fn post(&self, url: &str, form: &str) -> (u16, reqwest::header::HeaderMap, String) {
        let response = self
            .http
            .post(url)
            .header("cookie", &self.cookie)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(form.to_string())
            .send()
            .await
            .unwrap();
        (
            response.status().as_u16(),
            response.headers().clone(),
            response.text().await.unwrap(),
        )
    }
}

/// The CSRF token of a page's forms.
fn csrf(page: &str) -> String {
    let at = page.find("name=\"csrf\" value=\"").unwrap() + 19;
    page[at..at + 64].to_string()
}

/// The code a group code page shows.
fn shown_code(page: &str) -> String {
    let at = page.find("<p class=\"code\"><code>").unwrap() + 22;
    page[at..].chars().take_while(|c| *c != '<').collect()
}

async fn group_codes(db: TestDb) {
    let dir = tempfile::tempdir().unwrap();
    let server = TestServer::start(&config(dir.path(), &db)).await;
    let admin = registered(&server).await;
    let member = registered(&server).await;
    let outsider = registered(&server).await;
    let admin_web = Session::of(&server, &admin).await;

    // The admin creates the group and invites a member, who accepts.
    let (_, groups) = admin_web.get(&server.url("/groups")).await;
    let token = csrf(&groups);
    let (status, headers, _) = admin_web
        .post(
            &server.url("/groups"),
            &format!("csrf={token}&name=Opposition"),
        )
        .await;
    assert_eq!(status, 303);
    let group_url = headers["location"].to_str().unwrap().to_string();
    let group_id = group_url.trim_start_matches("/groups/").to_string();
    let member_account = account_of(&server, &member).await;
    let (status, _, _) = admin_web
        .post(
            &server.url(&format!("{group_url}/invitations")),
            &format!("csrf={token}&account={member_account}"),
        )
        .await;
    assert_eq!(status, 303);
    let member_web = Session::of(&server, &member).await;
    let (_, page) = member_web.get(&server.url("/groups")).await;
    let member_token = csrf(&page);
    let (status, _, _) = member_web
        .post(
            &server.url(&format!("{group_url}/accept")),
            &format!("csrf={member_token}"),
        )
        .await;
    assert_eq!(status, 303);

    // Only the admin's group page offers the form.
    let (_, page) = admin_web.get(&server.url(&group_url)).await;
    assert!(
        page.contains(&format!("action=\"{group_url}/codes\"")),
        "{page}"
    );
    let (_, page) = member_web.get(&server.url(&group_url)).await;
    assert!(!page.contains("/codes\""), "{page}");

    // Refused: no session, a wrong CSRF token, a member who is not the admin, an outsider.
    let codes_url = server.url(&format!("{group_url}/codes"));
    let anonymous = reqwest::Client::new()
        .post(&codes_url)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("csrf={token}"))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status().as_u16(), 401);
    let (status, _, _) = admin_web
        .post(&codes_url, &format!("csrf={}", "0".repeat(64)))
        .await;
    assert_eq!(status, 403, "wrong CSRF token");
    let (status, _, _) = member_web
        .post(&codes_url, &format!("csrf={member_token}"))
        .await;
    assert_eq!(status, 403, "a member who is not the admin");
    let outsider_web = Session::of(&server, &outsider).await;
    let (_, page) = outsider_web.get(&server.url("/groups")).await;
    let (status, _, page) = outsider_web
        .post(&codes_url, &format!("csrf={}", csrf(&page)))
        .await;
    assert_eq!(status, 404, "an outsider learns nothing of the group");
    assert!(!page.contains("Opposition"));
    let waiting: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM invites WHERE group_id = $1")
        .bind(&group_id)
        .fetch_one(&server.state.db.pool)
        .await
        .unwrap();
    assert_eq!(waiting, 0, "no refused request made a code");

    // The admin's code: shown once, not stored in clear, with the command to type.
    let (status, headers, page) = admin_web.post(&codes_url, &format!("csrf={token}")).await;
    assert_eq!(status, 200, "{page}");
    assert_eq!(headers["cache-control"], "no-store");
    let code = shown_code(&page);
    assert_eq!(code.len(), 23, "{page}");
    assert!(
        page.replace("&#x2f;", "/").contains(&format!(
            "lucarne register --server {} --code {code}",
            server.base
        )),
        "{page}"
    );
    let newcomer = Agent::new();
    let (status, body) = newcomer.register(&server, &code).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body["joined"],
        json!({"kind": "group", "name": "Opposition"})
    );
    let newcomer_account = account_of(&server, &newcomer).await;
    assert_ne!(newcomer_account, account_of(&server, &admin).await);
    let newcomer_web = Session::of(&server, &newcomer).await;
    let (status, page) = newcomer_web.get(&server.url(&group_url)).await;
    assert_eq!(status, 200, "the new account is a member: {page}");
    assert!(!page.contains("/codes\""), "and not an admin");
    // The language switch of a code's page leads back to the group, showing no code.
    let (status, page) = newcomer_web
        .get(&server.url(&format!("{group_url}/codes?lang=en")))
        .await;
    assert_eq!(status, 303, "{page}");
    // Used once.
    let (status, body) = Agent::new().register(&server, &code).await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["error"]["code"], "used_code");
    // Expired.
    let (_, _, page) = admin_web.post(&codes_url, &format!("csrf={token}")).await;
    let expired = shown_code(&page);
    sqlx::query("UPDATE invites SET expires_at = 1 WHERE code_sha256 = $1")
        .bind(code_hash(&expired))
        .execute(&server.state.db.pool)
        .await
        .unwrap();
    let (status, body) = Agent::new().register(&server, &expired).await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["error"]["code"], "expired_code");
    // Five waiting at most: the sixth request is told so, and makes no code.
    for _ in 0..5 {
        admin_web.post(&codes_url, &format!("csrf={token}")).await;
    }
    let (status, _, page) = admin_web.post(&codes_url, &format!("csrf={token}")).await;
    assert_eq!(status, 200);
    assert!(page.contains("cinq codes en attente"), "{page}");
    let waiting: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM invites WHERE group_id = $1 AND used_at IS NULL AND expires_at > 1",
    )
    .bind(&group_id)
    .fetch_one(&server.state.db.pool)
    .await
    .unwrap();
    assert_eq!(waiting, 5);
    // Codes for the group do not count against the admin's own computer codes.
    let (status, body) = computer_code(&server, &admin).await;
    assert_eq!(status, 200, "{body}");

    server.stop().await;
    db.drop_database().await;
}

#[tokio::test]
async fn sqlite_group_codes() {
    group_codes(TestDb::sqlite()).await;
}

#[tokio::test]
async fn postgres_group_codes() {
    group_codes(TestDb::postgres().await).await;
}
