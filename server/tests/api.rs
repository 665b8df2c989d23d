//! The HTTP contract end to end, over real sockets, on SQLite and on PostgreSQL: registration,
//! uploads and their receipts, every refusal with its own code, proofs checked by ct-merkle,
//! tiles, timeline, capabilities, metrics, and a restart that keeps everything.
#![allow(clippy::unwrap_used)]

mod common;

use base64::Engine as _;
use common::*;
use serde_json::{json, Value};

use lucarne_profiles::snapshot::App;
use lucarne_proof::envelope::Envelope;

fn code(body: &Value) -> &str {
    body["error"]["code"].as_str().unwrap_or("<none>")
}

/// Fails when a JSON document carries rendered words: a `text` field, or an object with `fr`
/// and `en` wordings (what events and alerts carried before facts and words were split).
fn assert_no_words(value: &Value) {
    match value {
        Value::Object(map) => {
            assert!(
                !map.contains_key("text"),
                "a rendered text is stored: {value}"
            );
            assert!(
                !(map.contains_key("fr") && map.contains_key("en")),
                "a bilingual text is stored: {value}"
            );
            map.values().for_each(assert_no_words);
        }
        Value::Array(items) => items.iter().for_each(assert_no_words),
        _ => {}
    }
}

async fn tree_size(server: &TestServer) -> u64 {
    let (_, text) = get_text(server, "/checkpoint").await;
    parse_checkpoint(&text).1
}

async fn registration(server: &TestServer, agent: &Agent) -> String {
    let (status, body) = agent.register(server, "NOT-A-CODE").await;
    assert_eq!((status, code(&body)), (400, "invalid_code"));

    let code1 = server.invite().await;
    let bad = json!({"code": code1, "public_key": "not base64!"});
    let response = agent
        .http
        .post(server.url("/api/v1/register"))
        .json(&bad)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 400);
    assert_eq!(code(&response.json().await.unwrap()), "malformed_request");

    let (status, body) = agent.register(server, &code1.to_lowercase()).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["key_id"], agent.key_id);
    assert_eq!(body["log"]["origin"], "lucarne.test/log");
    let verifier_key = body["log"]["verifier_key"].as_str().unwrap().to_string();
    assert!(verifier_key.starts_with("lucarne.test/log+"));

    let (status, body) = Agent::new().register(server, &code1).await;
    assert_eq!((status, code(&body)), (400, "used_code"));
    let code2 = server.invite().await;
    let (status, body) = agent.register(server, &code2).await;
    assert_eq!((status, code(&body)), (409, "already_registered"));
    sqlx::query("UPDATE invites SET expires_at = 0")
        .execute(&server.state.db.pool)
        .await
        .unwrap();
    let (status, body) = Agent::new().register(server, &code2).await;
    assert_eq!((status, code(&body)), (400, "expired_code"));
    verifier_key
}

async fn contract(db: TestDb) {
    let dir = tempfile::tempdir().unwrap();
    let config = config(dir.path(), &db);
    let server = TestServer::start(&config).await;
    let agent = Agent::new();
    let verifier_key = registration(&server, &agent).await;

    // First upload: a receipt whose proof ct-merkle accepts against the signed checkpoint.
    let mut chain = Chain::new("00008103-000A1C2E3C41001E");
    let body1 = agent.envelope(&chain.next_bytes(&base_state()));
    let (status, receipt) = agent.post(&server, body1.clone()).await;
    assert_eq!(status, 200, "{receipt}");
    assert_eq!(receipt["schema"], "lucarne.receipt/1");
    assert_eq!(receipt["device_id"], "00008103-000A1C2E3C41001E");
    assert_eq!(receipt["sequence"], 1);
    assert_eq!(receipt["envelope_sha256"], hex::encode(sha256(&body1)));
    assert_eq!(
        (
            receipt["leaf_index"].as_u64(),
            receipt["tree_size"].as_u64()
        ),
        (Some(0), Some(1))
    );
    assert_eq!(receipt["duplicate_content"], false);
    let note = receipt["checkpoint"].as_str().unwrap();
    assert!(checkpoint_signed_by(note, &verifier_key));
    assert!(!checkpoint_signed_by(
        &note.replacen("\n1\n", "\n2\n", 1),
        &verifier_key
    ));
    let (origin, size, root) = parse_checkpoint(note);
    assert_eq!((origin.as_str(), size), ("lucarne.test/log", 1));
    assert!(ct_merkle_inclusion(
        root,
        1,
        &sha256(&body1),
        0,
        proof_bytes(&receipt["inclusion_proof"])
    ));

    // Same device state again: accepted, flagged as duplicate, no event, sections shared.
    let blobs_before: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM blobs")
        .fetch_one(&server.state.db.pool)
        .await
        .unwrap();
    let body2 = agent.envelope(&chain.next_bytes(&base_state()));
    let (status, receipt2) = agent.post(&server, body2.clone()).await;
    assert_eq!(status, 200, "{receipt2}");
    assert_eq!(receipt2["duplicate_content"], true);
    assert_eq!(receipt2["events"], json!([]));
    let blobs_after: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM blobs")
        .fetch_one(&server.state.db.pool)
        .await
        .unwrap();
    assert_eq!(
        blobs_before, blobs_after,
        "an unchanged device adds no section blob"
    );
    // What the duplicate added is its own values (time, sequence, previous hash), not its
    // apps nor its device facts (shared with the first snapshot): a few dozen bytes.
    let holes: Vec<u8> =
        sqlx::query_scalar("SELECT skeleton FROM snapshot_bodies WHERE sha256 = $1")
            .bind(chain.previous.clone().unwrap())
            .fetch_one(&server.state.db.pool)
            .await
            .unwrap();
    assert!(holes.len() < 80, "{} bytes", holes.len());
    assert!(!holes.windows(17).any(|w| w == b"com.example.notes"));
    let (_, size2, root2) = parse_checkpoint(receipt2["checkpoint"].as_str().unwrap());
    assert_eq!(size2, 2);
    for (index, body) in [(0u64, &body1), (1, &body2)] {
        let (status, proof) = get_json(
            &server,
            &format!("/api/v1/log/inclusion?leaf_index={index}&tree_size=2"),
        )
        .await;
        assert_eq!(status, 200);
        assert!(ct_merkle_inclusion(
            root2,
            2,
            &sha256(body),
            index,
            proof_bytes(&proof["proof"])
        ));
        // A tampered proof, leaf or index fails.
        let mut tampered = proof_bytes(&proof["proof"]);
        tampered[0] ^= 1;
        assert!(!ct_merkle_inclusion(
            root2,
            2,
            &sha256(body),
            index,
            tampered
        ));
        assert!(!ct_merkle_inclusion(
            root2,
            2,
            &sha256(b"other"),
            index,
            proof_bytes(&proof["proof"])
        ));
        assert!(!ct_merkle_inclusion(
            root2,
            2,
            &sha256(body),
            1 - index,
            proof_bytes(&proof["proof"])
        ));
    }

    // A change: a proxy profile and a managed app: typed events and alerts.
    let mut changed = base_state();
    changed.profiles.push(proxy_profile("Proxy <script>"));
    changed.apps.push(App {
        bundle_id: "com.region.interest".into(),
        name: Some("interest".into()),
        managed: Some(true),
        ..Default::default()
    });
    let body3 = agent.envelope(&chain.next_bytes(&changed));
    let (status, receipt3) = agent.post(&server, body3.clone()).await;
    assert_eq!(status, 200, "{receipt3}");
    assert_eq!(receipt3["duplicate_content"], false);
    let kinds: Vec<&str> = receipt3["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        vec!["profile-added", "traffic-path-added", "app-added"],
        "{receipt3}"
    );
    let traffic = &receipt3["events"][1];
    assert!(traffic["capabilities_added"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["id"] == "traffic.proxy"));
    assert_eq!(traffic["level"], "alert");
    // Facts only: no rendered sentence in the receipt nor in what the server stored.
    assert_no_words(&receipt3);
    let rows: Vec<(String, String)> = sqlx::query_as("SELECT events, alerts FROM snapshots")
        .fetch_all(&server.state.db.pool)
        .await
        .unwrap();
    assert!(!rows.is_empty());
    for (events, alerts) in rows {
        assert_no_words(&serde_json::from_str(&events).unwrap());
        assert_no_words(&serde_json::from_str(&alerts).unwrap());
    }
    let alert_kinds: Vec<&str> = receipt3["alerts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["kind"].as_str().unwrap())
        .collect();
    assert!(
        alert_kinds.contains(&"traffic-path-added") && alert_kinds.contains(&"app-added"),
        "{alert_kinds:?}"
    );

    // A gap in sequence numbers is allowed when the chain holds.
    chain.next += 1;
    let body5 = agent.envelope(&chain.next_bytes(&changed));
    // The same envelope pretty-printed is not its canonical form: refused, nothing stored.
    let pretty5 =
        serde_json::to_vec_pretty(&serde_json::from_slice::<Value>(&body5).unwrap()).unwrap();
    let (status, body) = agent.post(&server, pretty5).await;
    assert_eq!((status, code(&body)), (400, "malformed_envelope"));
    let (status, receipt5) = agent.post(&server, body5.clone()).await;
    assert_eq!(status, 200, "{receipt5}");
    assert_eq!(receipt5["sequence"], 5);
    let accepted = tree_size(&server).await;
    assert_eq!(accepted, 4);

    // Refusals, each with its own code, none stored. A replay: another snapshot signed with
    // the third one's sequence (the exact same bytes would get their receipt again, see
    // tests/resend.rs).
    let mut replay = Chain {
        udid: chain.udid.clone(),
        next: 3,
        previous: chain.previous.clone(),
    };
    let (status, body) = agent
        .post(&server, agent.envelope(&replay.next_bytes(&base_state())))
        .await;
    assert_eq!((status, code(&body)), (409, "replay"));
    let mut rollback = Chain {
        udid: chain.udid.clone(),
        next: 4,
        previous: chain.previous.clone(),
    };
    let (status, body) = agent
        .post(&server, agent.envelope(&rollback.next_bytes(&changed)))
        .await;
    assert_eq!((status, code(&body)), (409, "rollback"));
    let mut fork = Chain {
        udid: chain.udid.clone(),
        next: 6,
        previous: Some("ab".repeat(32)),
    };
    let (status, body) = agent
        .post(&server, agent.envelope(&fork.next_bytes(&changed)))
        .await;
    assert_eq!((status, code(&body)), (409, "fork"));
    let mut first_with_parent = Chain {
        udid: "OTHER-DEVICE".into(),
        next: 1,
        previous: Some("cd".repeat(32)),
    };
    let (status, body) = agent
        .post(
            &server,
            agent.envelope(&first_with_parent.next_bytes(&changed)),
        )
        .await;
    assert_eq!((status, code(&body)), (409, "fork"));

    let mut forged: Envelope =
        serde_json::from_slice(&agent.envelope(&chain.clone_next(&changed))).unwrap();
    forged.snapshot =
        base64::engine::general_purpose::STANDARD.encode(chain.clone_next(&base_state()));
    let (status, body) = agent
        .post(&server, serde_json::to_vec(&forged).unwrap())
        .await;
    assert_eq!((status, code(&body)), (401, "unauthenticated"));
    let stranger = Agent::new();
    let (status, body) = stranger
        .post(&server, stranger.envelope(&chain.clone_next(&changed)))
        .await;
    assert_eq!((status, code(&body)), (401, "unauthenticated"));
    // An oversized declared length is refused before any of the body is read: the headers
    // alone get the answer. (Sent whole, the body races the server closing the connection,
    // and the client may see a reset instead of the 413.)
    let (status, body) = declared_only(&server, config.max_body_bytes + 1).await;
    assert_eq!((status, code(&body)), (413, "too_large"));
    let (status, body) = agent.post(&server, b"{\"schema\": 1}".to_vec()).await;
    assert_eq!((status, code(&body)), (400, "malformed_envelope"));
    let (status, body) = agent.post(&server, agent.envelope(b"not json")).await;
    assert_eq!((status, code(&body)), (400, "malformed_snapshot"));
    let mut no_udid: Value = serde_json::from_slice(&chain.clone_next(&changed)).unwrap();
    no_udid["device"].as_object_mut().unwrap().remove("udid");
    let (status, body) = agent
        .post(&server, agent.envelope(no_udid.to_string().as_bytes()))
        .await;
    assert_eq!((status, code(&body)), (400, "malformed_snapshot"));
    let mut future: Value = serde_json::from_slice(&chain.clone_next(&changed)).unwrap();
    future["schema"] = json!("lucarne.snapshot/9");
    let (status, body) = agent
        .post(&server, agent.envelope(future.to_string().as_bytes()))
        .await;
    assert_eq!((status, code(&body)), (400, "unsupported_schema"));
    assert_eq!(
        tree_size(&server).await,
        accepted,
        "refusals store nothing in the log"
    );

    // The device's timeline, by its opaque handle, newest first, for its account only.
    let handle = agent.handle(&server, &chain.udid).await;
    assert!(!handle.contains(&chain.udid));
    let path = format!("/api/v1/devices/{handle}/timeline");
    let (status, timeline) = agent.signed_get(&server, &path).await;
    assert_eq!(status, 200, "{timeline}");
    let sequences: Vec<u64> = timeline["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["sequence"].as_u64().unwrap())
        .collect();
    assert_eq!(sequences, vec![5, 3, 2, 1]);
    assert_eq!(timeline["entries"][1]["events"], receipt3["events"]);
    let refusals: Vec<&str> = timeline["refusals"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["alert"]["kind"].as_str().unwrap())
        .collect();
    assert_eq!(refusals, vec!["fork", "rollback", "replay"]);
    // Pages of two: the cursor walks back to the first snapshot, then stops.
    let (status, first) = agent.signed_get(&server, &format!("{path}?limit=2")).await;
    assert_eq!(status, 200, "{first}");
    let before = first["next_before"].as_u64().unwrap();
    let (_, second) = agent
        .signed_get(&server, &format!("{path}?limit=2&before={before}"))
        .await;
    let sequences: Vec<u64> = second["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["sequence"].as_u64().unwrap())
        .collect();
    assert_eq!(sequences, vec![2, 1]);
    assert!(second.get("next_before").is_none(), "{second}");
    let (status, body) = agent
        .signed_get(&server, &format!("{path}?limit=2&evil=1"))
        .await;
    assert_eq!((status, code(&body)), (400, "malformed_request"));
    // A parameter given twice, or not a number, is refused too: no guessing which one counts.
    for query in ["limit=2&limit=3", "limit=two", "before=-1"] {
        let (status, body) = agent.signed_get(&server, &format!("{path}?{query}")).await;
        assert_eq!((status, code(&body)), (400, "malformed_request"), "{query}");
    }
    let (status, caps) = agent
        .signed_get(&server, &format!("/api/v1/devices/{handle}/capabilities"))
        .await;
    assert_eq!(status, 200, "{caps}");
    assert_eq!(caps["leaf_index"], receipt5["leaf_index"]);
    assert!(caps["capabilities"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["id"] == "traffic.proxy"));
    let other = Agent::new();
    let (_, _) = other.register(&server, &server.invite().await).await;
    let (status, body) = other.signed_get(&server, &path).await;
    assert_eq!((status, code(&body)), (404, "unknown_device"));
    let unsigned = reqwest::get(server.url(&path)).await.unwrap();
    assert_eq!(unsigned.status().as_u16(), 401);
    let wrong_path = agent
        .http
        .get(server.url(&path))
        .header("authorization", format!("Lucarne {}", agent.key_id))
        .header("x-lucarne-timestamp", "1")
        .header("x-lucarne-nonce", "0123456789abcdef0123456789abcdef")
        .header("x-lucarne-signature", "AAAA")
        .send()
        .await
        .unwrap();
    assert_eq!(wrong_path.status().as_u16(), 401);

    // A signed request works once, for its host, path and query only.
    let host = server.addr.to_string();
    let headers = agent.signed_headers("GET", &host, &path, b"", None);
    let (status, _) = agent
        .send(
            reqwest::Method::GET,
            &server.url(&path),
            &headers,
            Vec::new(),
        )
        .await;
    assert_eq!(status, 200);
    let (status, body) = agent
        .send(
            reqwest::Method::GET,
            &server.url(&path),
            &headers,
            Vec::new(),
        )
        .await;
    assert_eq!(
        (status, code(&body)),
        (401, "unauthenticated"),
        "replayed GET"
    );
    let headers = agent.signed_headers("GET", &host, &path, b"", None);
    let (status, _) = agent
        .send(
            reqwest::Method::GET,
            &server.url(&format!("{path}?limit=1")),
            &headers,
            Vec::new(),
        )
        .await;
    assert_eq!(status, 401, "signature reused on another query");
    let headers = agent.signed_headers("GET", "evil.example", &path, b"", None);
    let (status, _) = agent
        .send(
            reqwest::Method::GET,
            &server.url(&path),
            &headers,
            Vec::new(),
        )
        .await;
    assert_eq!(status, 401, "signature made for another host");
    let headers = agent.signed_headers("POST", &host, &path, b"", None);
    let (status, _) = agent
        .send(
            reqwest::Method::GET,
            &server.url(&path),
            &headers,
            Vec::new(),
        )
        .await;
    assert_eq!(status, 401, "signature made for another method");

    // Consistency between two checkpoints, verified by ct-merkle; tampering fails.
    let (_, size4, root4) = parse_checkpoint(receipt5["checkpoint"].as_str().unwrap());
    let (status, consistency) = get_json(&server, "/api/v1/log/consistency?from=2&to=4").await;
    assert_eq!(status, 200);
    assert_eq!(
        (consistency["from"].as_u64(), consistency["to"].as_u64()),
        (Some(2), Some(4))
    );
    let proof = proof_bytes(&consistency["proof"]);
    assert!(ct_merkle_consistency(
        (root2, size2),
        (root4, size4),
        proof.clone()
    ));
    let mut tampered = proof.clone();
    tampered[31] ^= 0x80;
    assert!(!ct_merkle_consistency(
        (root2, size2),
        (root4, size4),
        tampered
    ));
    assert!(!ct_merkle_consistency((root, 1), (root4, size4), proof));
    let (status, empty) = get_json(&server, "/api/v1/log/consistency?from=0&to=4").await;
    assert_eq!((status, empty["proof"].clone()), (200, json!([])));
    let (status, body) = get_json(&server, "/api/v1/log/consistency?from=3&to=99").await;
    assert_eq!((status, code(&body)), (400, "out_of_range"));

    // Tiles: the level-0 hash tile holds the leaf hashes, the entry bundle the leaf data.
    let leaves = [&body1, &body2, &body3, &body5];
    let (status, tile) = get_bytes(&server, "/tile/0/000.p/4").await;
    assert_eq!(status, 200);
    let expected: Vec<u8> = leaves
        .iter()
        .flat_map(|b| sha256(&[&[0u8][..], &sha256(b)[..]].concat()))
        .collect();
    assert_eq!(tile, expected);
    let (status, bundle) = get_bytes(&server, "/tile/entries/000.p/4").await;
    assert_eq!(status, 200);
    let expected: Vec<u8> = leaves
        .iter()
        .flat_map(|b| [&[0u8, 32][..], &sha256(b)[..]].concat())
        .collect();
    assert_eq!(bundle, expected);
    assert_eq!(get_bytes(&server, "/tile/0/000.p/5").await.0, 404);
    assert_eq!(get_bytes(&server, "/tile/0/000").await.0, 404);
    assert_eq!(get_bytes(&server, "/tile/0/../etc").await.0, 404);

    // Every accepted envelope comes back from storage byte for byte.
    let mut conn = server.state.db.pool.acquire().await.unwrap();
    for (index, body) in leaves.iter().enumerate() {
        let stored = lucarne_server::storage::load_envelope(&mut conn, index as u64)
            .await
            .unwrap();
        assert_eq!(&stored, *body);
    }
    drop(conn);

    // Metrics count what happened.
    let (status, metrics) = get_text(&server, "/metrics").await;
    assert_eq!(status, 200);
    assert!(
        metrics.contains("lucarne_snapshots_accepted_total 4"),
        "{metrics}"
    );
    assert!(metrics.contains("lucarne_snapshots_rejected_total{code=\"replay\"} 1"));
    assert!(metrics.contains("lucarne_snapshots_rejected_total{code=\"fork\"} 2"));
    assert!(metrics.contains("lucarne_log_tree_size 4"));
    assert_eq!(get_text(&server, "/healthz").await.0, 200);

    // A revoked key is refused.
    assert!(
        lucarne_server::keys::revoke(&server.state.db, &other.key_id)
            .await
            .unwrap()
    );
    assert!(
        !lucarne_server::keys::revoke(&server.state.db, &other.key_id)
            .await
            .unwrap()
    );
    let (status, body) = other
        .post(
            &server,
            other.envelope(&Chain::new("X").next_bytes(&base_state())),
        )
        .await;
    assert_eq!((status, code(&body)), (401, "unauthenticated"));

    // Restart: same key, same log, the device's chain continues.
    let checkpoint_before = get_text(&server, "/checkpoint").await.1;
    server.stop().await;
    let server = TestServer::start(&config).await;
    assert_eq!(get_text(&server, "/checkpoint").await.1, checkpoint_before);
    let (status, body) = Agent::new().register(&server, &server.invite().await).await;
    assert_eq!(status, 200);
    assert_eq!(
        body["log"]["verifier_key"].as_str(),
        Some(verifier_key.as_str())
    );
    let body6 = agent.envelope(&chain.next_bytes(&base_state()));
    let (status, receipt6) = agent.post(&server, body6.clone()).await;
    assert_eq!(status, 200, "{receipt6}");
    assert_eq!(receipt6["leaf_index"], 4);
    assert!(checkpoint_signed_by(
        receipt6["checkpoint"].as_str().unwrap(),
        &verifier_key
    ));
    let kinds: Vec<&str> = receipt6["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, vec!["profile-removed", "app-removed"]);
    let (_, size5, root5) = parse_checkpoint(receipt6["checkpoint"].as_str().unwrap());
    let (_, consistency) = get_json(&server, "/api/v1/log/consistency?from=4&to=5").await;
    assert!(ct_merkle_consistency(
        (root4, size4),
        (root5, size5),
        proof_bytes(&consistency["proof"])
    ));

    server.stop().await;
    db.drop_database().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_http_contract() {
    contract(TestDb::sqlite()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_http_contract() {
    contract(TestDb::postgres().await).await;
}

/// Sends `POST /api/v1/snapshots` declaring `length` bytes of body and sends none of it;
/// returns the answer's status and JSON body.
async fn declared_only(server: &TestServer, length: usize) -> (u16, Value) {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    let mut stream = tokio::net::TcpStream::connect(server.addr).await.unwrap();
    let head = format!(
        "POST /api/v1/snapshots HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\n\
         Content-Length: {length}\r\nConnection: close\r\n\r\n",
        server.addr
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    let read = tokio::time::timeout(
        std::time::Duration::from_secs(20),
        stream.read_to_end(&mut answer),
    )
    .await;
    assert!(read.is_ok(), "no answer before the body was sent");
    let text = String::from_utf8_lossy(&answer);
    let status: u16 = text
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("not an HTTP answer: {text}"));
    let json = text.split("\r\n\r\n").nth(1).unwrap_or("");
    // The answer may be chunked: take the JSON object inside.
    let start = json.find('{').unwrap_or(0);
    let end = json.rfind('}').map_or(json.len(), |i| i + 1);
    (
        status,
        serde_json::from_str(&json[start..end]).unwrap_or(Value::Null),
    )
}
