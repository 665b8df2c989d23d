//! The server under attack (issue 11, findings 1–7), each through the real interface: HTTP
//! on a loopback port, raw TCP where a client misbehaves below HTTP.
#![allow(clippy::unwrap_used)]

mod common;

use std::time::{Duration, Instant};

use common::*;
use lucarne_server::config::Limits;
use serde_json::Value;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

fn code(body: &Value) -> &str {
    body["error"]["code"].as_str().unwrap_or_default()
}

async fn registered(server: &TestServer) -> Agent {
    let agent = Agent::new();
    let (status, body) = agent.register(server, &server.invite().await).await;
    assert_eq!(status, 200, "{body}");
    agent
}

async fn count(server: &TestServer, table: &str) -> i64 {
    sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT COUNT(*) FROM {table}")))
        .fetch_one(&server.state.db.pool)
        .await
        .unwrap()
}

/// Finding 1: tile paths that made `tlog_tiles` assert (`invalid tile`) and dropped the
/// connection are answered 404, and the server goes on.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tile_paths_that_crashed_a_handler_are_answered_404() {
    let dir = tempfile::tempdir().unwrap();
    let server = TestServer::start(&config(dir.path(), &TestDb::sqlite())).await;
    let agent = registered(&server).await;
    let mut chain = Chain::new("TILE-DEVICE");
    for _ in 0..3 {
        let (status, _) = agent
            .post(&server, agent.envelope(&chain.next_bytes(&base_state())))
            .await;
        assert_eq!(status, 200);
    }
    for path in [
        "/tile/0/000.p/0",
        "/tile/255/000",
        "/tile/64/000",
        "/tile/entries/000.p/0",
        "/tile/8/000",
        "/tile/63/x999/999",
        "/tile/7/000.p/1",
    ] {
        let response = reqwest::get(server.url(path))
            .await
            .unwrap_or_else(|e| panic!("{path}: the connection failed: {e}"));
        assert_eq!(response.status().as_u16(), 404, "{path}");
    }
    assert_eq!(get_bytes(&server, "/tile/0/000.p/3").await.0, 200);
    assert_eq!(get_text(&server, "/healthz").await.0, 200);
    server.stop().await;
}

/// Found by fuzzing (`server/fuzz`, target `signed_request`): a device handle or a tile path
/// whose percent-encoding is not UTF-8 was refused by axum in plain text (400), outside the
/// API's contract; it is `unknown_device` (after authentication) or `not_found` in JSON.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn paths_that_are_not_utf8_get_the_apis_json_refusals() {
    let dir = tempfile::tempdir().unwrap();
    let server = TestServer::start(&config(dir.path(), &TestDb::sqlite())).await;
    let agent = registered(&server).await;
    for path in [
        "/api/v1/devices/ab%CCcd/timeline",
        "/api/v1/devices/%FF/capabilities",
    ] {
        let (status, body) = agent.signed_get(&server, path).await;
        assert_eq!(
            (status, code(&body)),
            (404, "unknown_device"),
            "{path}: {body}"
        );
        // Without a signature, the answer is still the one for unauthenticated requests.
        let (status, body) = get_json(&server, path).await;
        assert_eq!(
            (status, code(&body)),
            (401, "unauthenticated"),
            "{path}: {body}"
        );
    }
    let (status, body) = get_json(&server, "/tile/0/%CC").await;
    assert_eq!((status, code(&body)), (404, "not_found"), "{body}");
    server.stop().await;
}

/// Reads until the server closes the connection; `None` if it is still open after `within`.
async fn closed_within(stream: &mut tokio::net::TcpStream, within: Duration) -> Option<Vec<u8>> {
    let mut seen = Vec::new();
    let mut buf = [0u8; 4096];
    let deadline = Instant::now() + within;
    loop {
        let left = deadline.checked_duration_since(Instant::now())?;
        match tokio::time::timeout(left, stream.read(&mut buf)).await {
            Err(_) => return None,
            Ok(Ok(0)) | Ok(Err(_)) => return Some(seen),
            Ok(Ok(n)) => seen.extend_from_slice(&buf[..n]),
        }
    }
}

/// Finding 2: a client that sends partial headers, stays idle, or sends a body one byte
/// short is disconnected once its time is up, and bodies being received are bounded in bytes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stalled_clients_are_disconnected_and_bodies_in_flight_are_bounded() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = config(dir.path(), &TestDb::sqlite());
    config.limits = Limits {
        header_timeout_seconds: 1,
        body_timeout_seconds: 2,
        max_body_bytes_in_flight: 1024 * 1024,
        ..Limits::without_rates()
    };
    let server = TestServer::start(&config).await;
    let connect = || tokio::net::TcpStream::connect(server.addr);
    let patience = Duration::from_secs(8);

    // Partial headers.
    let mut partial = connect().await.unwrap();
    partial
        .write_all(b"POST /api/v1/snapshots HTTP/1.1\r\nHost: x\r\nContent-")
        .await
        .unwrap();
    // Nothing at all.
    let mut silent = connect().await.unwrap();
    // Idle after a finished request on a keep-alive connection.
    let mut idle = connect().await.unwrap();
    idle.write_all(b"GET /checkpoint HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .unwrap();
    // A body one byte short of what it declared.
    let mut short = connect().await.unwrap();
    let declared = 200 * 1024;
    short
        .write_all(
            format!(
                "POST /api/v1/snapshots HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {declared}\r\n\r\n"
            )
            .as_bytes(),
        )
        .await
        .unwrap();
    short.write_all(&vec![b' '; declared - 1]).await.unwrap();

    for (what, stream) in [
        ("partial headers", &mut partial),
        ("silent", &mut silent),
        ("idle keep-alive", &mut idle),
    ] {
        assert!(
            closed_within(stream, patience).await.is_some(),
            "{what}: still open after {patience:?}"
        );
    }
    let answer = closed_within(&mut short, patience)
        .await
        .expect("a body one byte short: still open");
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");

    // Bodies being received take room; past 1 MiB the next upload is told to come back.
    let mut holders = Vec::new();
    for _ in 0..4 {
        let mut s = connect().await.unwrap();
        s.write_all(
            format!(
                "POST /api/v1/snapshots HTTP/1.1\r\nHost: x\r\nContent-Length: {}\r\n\r\n{{",
                256 * 1024
            )
            .as_bytes(),
        )
        .await
        .unwrap();
        holders.push(s);
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    let response = reqwest::Client::new()
        .post(server.url("/api/v1/snapshots"))
        .body(vec![b'{'; 1000])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 503);
    assert!(response.headers().get("retry-after").is_some());
    drop(holders);
    // Once they are gone (timed out or closed), uploads are read again.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let response = reqwest::Client::new()
        .post(server.url("/api/v1/snapshots"))
        .body(b"{}".to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 400);
    server.stop().await;
}

/// Finding 3: a re-encoded copy of a signed envelope (spaces, an extra field, an escaped
/// slash) is refused as malformed, stores nothing and leaves no alert; sent first, it does not
/// keep the agent's own envelope out.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn re_encoded_envelopes_are_refused_and_write_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let server = TestServer::start(&config(dir.path(), &TestDb::sqlite())).await;
    let agent = registered(&server).await;
    let mut chain = Chain::new("CANONICAL-DEVICE");
    let first = agent.envelope(&chain.next_bytes(&base_state()));
    assert_eq!(agent.post(&server, first.clone()).await.0, 200);
    let second = agent.envelope(&chain.next_bytes(&base_state()));
    let text = String::from_utf8(second.clone()).unwrap();
    let mut with_field: Value = serde_json::from_slice(&second).unwrap();
    with_field["extra"] = Value::from(1);
    let copies = [
        serde_json::to_vec_pretty(&serde_json::from_slice::<Value>(&second).unwrap()).unwrap(),
        format!(" {text}").into_bytes(),
        serde_json::to_vec(&with_field).unwrap(),
        text.replacen('/', "\\/", 1).into_bytes(),
        text.replacen("\"schema\"", "\"sch\\u0065ma\"", 1)
            .into_bytes(),
    ];
    // The attacker's copies of the first (accepted) and second (not yet sent) envelopes.
    let first_copy =
        serde_json::to_vec_pretty(&serde_json::from_slice::<Value>(&first).unwrap()).unwrap();
    for _ in 0..20 {
        for copy in copies.iter().chain([&first_copy]) {
            assert_ne!(copy, &second);
            let (status, body) = agent.post(&server, copy.clone()).await;
            assert_eq!((status, code(&body)), (400, "malformed_envelope"), "{body}");
        }
    }
    assert_eq!(count(&server, "device_alerts").await, 0);
    assert_eq!(count(&server, "snapshots").await, 1);
    // The agent's own envelope still goes in.
    let (status, receipt) = agent.post(&server, second).await;
    assert_eq!(status, 200, "{receipt}");
    server.stop().await;
}

/// Finding 4: registrations and uploads are rate limited per client address and uploads per
/// key, with 429 and `Retry-After`; one key's uploads do not use up another's.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn guessing_and_flooding_are_answered_429_with_retry_after() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = config(dir.path(), &TestDb::sqlite());
    config.limits = Limits {
        registrations_per_address_per_minute: 3,
        uploads_per_key_per_minute: 2,
        uploads_per_address_per_minute: 0,
        max_stored_bytes_per_key: u64::MAX,
        ..Limits::default()
    };
    let server = TestServer::start(&config).await;
    let heavy = registered(&server).await;
    let light = registered(&server).await;
    // Wrong codes count too: two registrations and one guess use this address's three, the
    // next guess is refused.
    let (status, _) = Agent::new().register(&server, "guess-1").await;
    assert_eq!(status, 400);
    let response = reqwest::Client::new()
        .post(server.url("/api/v1/register"))
        .json(&serde_json::json!({"code": "guess-2", "public_key": heavy.public_key_b64()}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 429);
    let retry: u64 = response.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=20).contains(&retry), "{retry}");
    let body: Value = response.json().await.unwrap();
    assert_eq!(code(&body), "rate_limited");

    let mut chain = Chain::new("HEAVY");
    for _ in 0..2 {
        let (status, body) = heavy
            .post(&server, heavy.envelope(&chain.next_bytes(&base_state())))
            .await;
        assert_eq!(status, 200, "{body}");
    }
    let (status, body) = heavy
        .post(&server, heavy.envelope(&chain.clone_next(&base_state())))
        .await;
    assert_eq!((status, code(&body)), (429, "rate_limited"));
    // Another key is not held back by the heavy one.
    let mut other = Chain::new("LIGHT");
    let (status, body) = light
        .post(&server, light.envelope(&other.next_bytes(&base_state())))
        .await;
    assert_eq!(status, 200, "{body}");
    server.stop().await;

    // Per address, uploads too.
    let dir = tempfile::tempdir().unwrap();
    let mut config = common::config(dir.path(), &TestDb::sqlite());
    config.limits = Limits {
        uploads_per_address_per_minute: 2,
        ..Limits::without_rates()
    };
    let server = TestServer::start(&config).await;
    for expected in [400, 400, 429] {
        let (status, _) = Agent::new().post(&server, b"{}".to_vec()).await;
        assert_eq!(status, expected);
    }
    server.stop().await;
}

/// Asks for a login link signed by `agent` (or, `signed` false, with a signature over other
/// bytes); returns the status, the `Retry-After` seconds and the error code.
async fn ask_login_link(
    server: &TestServer,
    agent: &Agent,
    signed: bool,
) -> (u16, Option<u64>, String) {
    signed_call(server, agent, "POST", "/api/v1/login-links", signed).await
}

/// A signed request to `path`: a `POST` of `{}` or a `GET` (`signed`: a signature over its
/// body; otherwise over other bytes, a forgery); its status, `Retry-After` and refusal code.
async fn signed_call(
    server: &TestServer,
    agent: &Agent,
    method: &str,
    path: &str,
    signed: bool,
) -> (u16, Option<u64>, String) {
    let body = if method == "POST" {
        b"{}".to_vec()
    } else {
        Vec::new()
    };
    let signed_over: &[u8] = if signed { &body } else { b"other bytes" };
    let mut headers =
        agent.signed_headers(method, &server.addr.to_string(), path, signed_over, None);
    let mut request = if method == "POST" {
        headers.push(("content-type", "application/json".to_string()));
        agent.http.post(server.url(path)).body(body)
    } else {
        agent.http.get(server.url(path))
    };
    for (name, value) in &headers {
        request = request.header(*name, value);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let retry = response
        .headers()
        .get("retry-after")
        .map(|v| v.to_str().unwrap().parse().unwrap());
    let body: Value = response.json().await.unwrap();
    (status, retry, code(&body).to_string())
}

/// Finding 4, login links: counted per account once the signature verified (a request that
/// fails authentication spends nothing of the account's allowance), and per client address
/// whoever asks; both answered 429 `rate_limited` with `Retry-After`; one account's requests
/// do not use up another's.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn login_links_are_rate_limited_per_account_and_per_address() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = config(dir.path(), &TestDb::sqlite());
    config.limits = Limits {
        login_links_per_account_per_minute: 2,
        ..Limits::without_rates()
    };
    let server = TestServer::start(&config).await;
    let busy = registered(&server).await;
    let other = registered(&server).await;
    // Forged requests in the account's name cost it nothing.
    for _ in 0..5 {
        let (status, _, code) = ask_login_link(&server, &busy, false).await;
        assert_eq!((status, code.as_str()), (401, "unauthenticated"));
    }
    for _ in 0..2 {
        assert_eq!(ask_login_link(&server, &busy, true).await.0, 200);
    }
    let (status, retry, code) = ask_login_link(&server, &busy, true).await;
    assert_eq!((status, code.as_str()), (429, "rate_limited"));
    // Two a minute: one every 30 seconds.
    assert!(retry.is_some_and(|r| (1..=30).contains(&r)), "{retry:?}");
    assert_eq!(ask_login_link(&server, &other, true).await.0, 200);
    server.stop().await;

    let dir = tempfile::tempdir().unwrap();
    let mut config = common::config(dir.path(), &TestDb::sqlite());
    config.limits = Limits {
        logins_per_address_per_minute: 3,
        ..Limits::without_rates()
    };
    let server = TestServer::start(&config).await;
    let agents = [
        registered(&server).await,
        registered(&server).await,
        registered(&server).await,
    ];
    // Forged or not, every request from the address counts.
    assert_eq!(ask_login_link(&server, &agents[0], false).await.0, 401);
    assert_eq!(ask_login_link(&server, &agents[1], true).await.0, 200);
    assert_eq!(ask_login_link(&server, &agents[2], true).await.0, 200);
    let (status, retry, code) = ask_login_link(&server, &agents[2], true).await;
    assert_eq!((status, code.as_str()), (429, "rate_limited"));
    assert!(retry.is_some_and(|r| (1..=20).contains(&r)), "{retry:?}");
    // Other signed reads are not counted with login links.
    let (status, body) = agents[0].signed_get(&server, "/api/v1/devices").await;
    assert_eq!(status, 200, "{body}");
    server.stop().await;
}

/// Starts a server whose only rate is `limits`, registers an agent, and checks that three
/// signed `method` requests to `path` from one address — a forged one and two good ones —
/// use up an allowance of three a minute: the next is answered 429 `rate_limited` with
/// `Retry-After`. Returns the server (and its folder) and agent for what is counted apart.
async fn three_a_minute(
    limits: Limits,
    method: &str,
    path: &str,
) -> (tempfile::TempDir, TestServer, Agent) {
    let dir = tempfile::tempdir().unwrap();
    let mut config = common::config(dir.path(), &TestDb::sqlite());
    config.limits = limits;
    let server = TestServer::start(&config).await;
    let agent = registered(&server).await;
    for (signed, expected) in [(false, 401), (true, 200), (true, 200)] {
        let (status, _, code) = signed_call(&server, &agent, method, path, signed).await;
        assert_eq!(status, expected, "{method} {path}: {code}");
    }
    let (status, retry, code) = signed_call(&server, &agent, method, path, true).await;
    assert_eq!((status, code.as_str()), (429, "rate_limited"));
    assert!(retry.is_some_and(|r| (1..=20).contains(&r)), "{retry:?}");
    (dir, server, agent)
}

/// Finding 4, codes for another computer: each request costs a signature check before
/// anything else, so every one from an address counts, forged or not (answered 429
/// `rate_limited` with `Retry-After`), and login links are counted apart.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn computer_codes_are_rate_limited_per_address() {
    let limits = Limits {
        signed_requests_per_address_per_minute: 3,
        ..Limits::without_rates()
    };
    let (_dir, server, agent) = three_a_minute(limits, "POST", "/api/v1/computer-codes").await;
    assert_eq!(ask_login_link(&server, &agent, true).await.0, 200);
    server.stop().await;
}

/// Signed reads (the devices, a timeline, an export) each cost a signature check too: every
/// one from an address counts, forged or not (429 `rate_limited` with `Retry-After`);
/// public reads and signed writes are counted apart.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signed_reads_are_rate_limited_per_address() {
    let limits = Limits {
        signed_reads_per_address_per_minute: 3,
        ..Limits::without_rates()
    };
    let (_dir, server, agent) = three_a_minute(limits, "GET", "/api/v1/devices").await;
    let checkpoint = agent
        .http
        .get(server.url("/checkpoint"))
        .send()
        .await
        .unwrap();
    assert_eq!(checkpoint.status().as_u16(), 200);
    assert_eq!(ask_login_link(&server, &agent, true).await.0, 200);
    server.stop().await;
}

/// Finding 4, uploads per account: the keys of one account (its computers) share one
/// allowance, so a second key does not double it; another account is not held back.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_keys_of_one_account_share_its_upload_allowance() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = config(dir.path(), &TestDb::sqlite());
    config.limits = Limits {
        uploads_per_account_per_minute: 3,
        ..Limits::without_rates()
    };
    let server = TestServer::start(&config).await;
    let first = registered(&server).await;
    let second = registered(&server).await;
    let stranger = registered(&server).await;
    // The second computer joins the first one's account (as adding a computer does).
    let account: String =
        sqlx::query_scalar("SELECT account_id FROM account_keys WHERE key_id = $1")
            .bind(&first.key_id)
            .fetch_one(&server.state.db.pool)
            .await
            .unwrap();
    sqlx::query("UPDATE account_keys SET account_id = $1 WHERE key_id = $2")
        .bind(&account)
        .bind(&second.key_id)
        .execute(&server.state.db.pool)
        .await
        .unwrap();
    let mut one = Chain::new("ACCOUNT-IPAD-1");
    let mut two = Chain::new("ACCOUNT-IPAD-2");
    let within = [
        (&first, one.next_bytes(&base_state())),
        (&first, one.next_bytes(&base_state())),
        (&second, two.next_bytes(&base_state())),
    ];
    for (agent, snapshot) in within {
        let (status, body) = agent.post(&server, agent.envelope(&snapshot)).await;
        assert_eq!(status, 200, "{body}");
    }
    for (agent, chain) in [(&second, &two), (&first, &one)] {
        let (status, body) = agent
            .post(&server, agent.envelope(&chain.clone_next(&base_state())))
            .await;
        assert_eq!((status, code(&body)), (429, "rate_limited"), "{body}");
    }
    let mut theirs = Chain::new("STRANGER-IPAD");
    let (status, body) = stranger
        .post(
            &server,
            stranger.envelope(&theirs.next_bytes(&base_state())),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(count(&server, "snapshots").await, 4);
    server.stop().await;
}

/// Finding 4, registration codes: every endpoint of the route table that takes a
/// registration code draws from one allowance per client address, so a guesser cannot
/// multiply its tries by spreading them over the kinds of codes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_endpoint_taking_a_registration_code_shares_one_allowance() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = config(dir.path(), &TestDb::sqlite());
    config.limits = Limits {
        registrations_per_address_per_minute: 4,
        ..Limits::without_rates()
    };
    let server = TestServer::start(&config).await;
    let api = lucarne_server::routes::api();
    let paths: Vec<String> = api
        .endpoints()
        .iter()
        .filter(|e| e.access == lucarne_server::routes::table::Access::RegistrationCode)
        .map(|e| e.path.replace('{', "x").replace('}', ""))
        .collect();
    assert!(!paths.is_empty());
    let guess = serde_json::json!({"code": "guess", "public_key": Agent::new().public_key_b64()});
    let http = reqwest::Client::new();
    let mut statuses = Vec::new();
    for path in paths.iter().cycle().take(5) {
        let response = http
            .post(server.url(path))
            .json(&guess)
            .send()
            .await
            .unwrap();
        statuses.push((path.clone(), response.status().as_u16()));
    }
    assert!(statuses[..4].iter().all(|(_, s)| *s != 429), "{statuses:?}");
    assert_eq!(statuses[4].1, 429, "{statuses:?}");
    server.stop().await;
}

/// Finding 5: an envelope the server cannot authenticate gets one answer whether its key is
/// unknown, revoked or registered (with a signature that does not match).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_revoked_and_registered_keys_answer_alike() {
    let dir = tempfile::tempdir().unwrap();
    let server = TestServer::start(&config(dir.path(), &TestDb::sqlite())).await;
    let registered_key = registered(&server).await;
    let revoked = registered(&server).await;
    assert!(
        lucarne_server::keys::revoke(&server.state.db, &revoked.key_id)
            .await
            .unwrap()
    );
    let unknown = Agent::new();
    let mut answers = Vec::new();
    for agent in [&registered_key, &revoked, &unknown] {
        // Unsigned: another key's signature over the same snapshot.
        let snapshot = Chain::new("ORACLE").next_bytes(&base_state());
        let mut envelope: lucarne_proof::envelope::Envelope =
            serde_json::from_slice(&Agent::new().envelope(&snapshot)).unwrap();
        envelope.key_id = agent.key_id.clone();
        let (status, body) = agent
            .post(&server, serde_json::to_vec(&envelope).unwrap())
            .await;
        answers.push((status, body));
        // Signed by its own key.
        let (status, body) = agent.post(&server, agent.envelope(&snapshot)).await;
        if agent.key_id != registered_key.key_id {
            answers.push((status, body));
        } else {
            assert_eq!(status, 200, "{body}");
        }
    }
    for (status, body) in &answers {
        assert_eq!((*status, body), (answers[0].0, &answers[0].1));
    }
    assert_eq!(
        (answers[0].0, code(&answers[0].1)),
        (401, "unauthenticated")
    );
    server.stop().await;
}

/// Finding 6: identifiers refuse control, invisible and bidirectional characters.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn identifiers_with_bidirectional_or_invisible_characters_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let server = TestServer::start(&config(dir.path(), &TestDb::sqlite())).await;
    let agent = registered(&server).await;
    for udid in [
        "ABC\u{202E}FED",
        "ABC\u{2066}X",
        "ABC\u{200B}",
        "ABC\u{FEFF}",
        "A\u{0007}B",
        "A\u{2028}B",
    ] {
        let snapshot = Chain::new(udid).next_bytes(&base_state());
        let (status, body) = agent.post(&server, agent.envelope(&snapshot)).await;
        assert_eq!(
            (status, code(&body)),
            (400, "malformed_snapshot"),
            "{udid:?}"
        );
    }
    assert_eq!(count(&server, "snapshots").await, 0);
    // A plain identifier with letters beyond ASCII is fine.
    let snapshot = Chain::new("iPad-Élu-01").next_bytes(&base_state());
    assert_eq!(agent.post(&server, agent.envelope(&snapshot)).await.0, 200);
    server.stop().await;
}

/// Finding 7: the SQLite file is created for its owner only; `/healthz` fails while the
/// database does not take writes; a key's storage has a quota.
#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn private_database_honest_health_and_a_quota_per_key() {
    use sqlx::Connection as _;
    use std::os::unix::fs::PermissionsExt as _;

    let dir = tempfile::tempdir().unwrap();
    let mut config = config(dir.path(), &TestDb::sqlite());
    config.limits.max_stored_bytes_per_key = 4000;
    let server = TestServer::start(&config).await;
    let file = dir.path().join("lucarne.sqlite3");
    let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "{mode:o}");

    // Locked by another writer: not healthy, and healthy again once released.
    assert_eq!(get_text(&server, "/healthz").await.0, 200);
    let mut locker =
        sqlx::sqlite::SqliteConnection::connect(&format!("sqlite://{}", file.display()))
            .await
            .unwrap();
    sqlx::query("BEGIN EXCLUSIVE")
        .execute(&mut locker)
        .await
        .unwrap();
    let started = Instant::now();
    let (status, body) = get_text(&server, "/healthz").await;
    assert_eq!(status, 503, "{body}");
    assert!(started.elapsed() < Duration::from_secs(10));
    sqlx::query("ROLLBACK").execute(&mut locker).await.unwrap();
    drop(locker);
    // Healthy again once the lock is gone: the write the refused check started may still be
    // waiting on SQLite's busy timeout, so allow it to finish (a loaded machine is slow).
    let released = Instant::now();
    loop {
        let (status, body) = get_text(&server, "/healthz").await;
        if status == 200 {
            break;
        }
        assert!(
            released.elapsed() < Duration::from_secs(30),
            "still unhealthy 30 s after the lock was released: {status} {body}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }

    // Distinct snapshots until the quota: then 507, and nothing more stored for that key.
    let agent = registered(&server).await;
    let mut chain = Chain::new("QUOTA");
    let mut accepted = 0;
    let mut refused = None;
    for i in 0..20 {
        let mut state = base_state();
        state.device.name = Some(format!("iPad {i} {}", "x".repeat(500)));
        let (status, body) = agent
            .post(&server, agent.envelope(&chain.clone_next(&state)))
            .await;
        if status == 200 {
            chain.next_bytes(&state);
            accepted += 1;
        } else {
            refused = Some((status, code(&body).to_string()));
            break;
        }
    }
    assert!(accepted >= 1, "{accepted}");
    assert_eq!(refused, Some((507, "quota_exceeded".to_string())));
    let stored: i64 = sqlx::query_scalar("SELECT stored_bytes FROM agent_keys WHERE key_id = $1")
        .bind(&agent.key_id)
        .fetch_one(&server.state.db.pool)
        .await
        .unwrap();
    assert!(stored <= 4000, "{stored}");
    server.stop().await;
}
