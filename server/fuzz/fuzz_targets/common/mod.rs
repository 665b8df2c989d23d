//! The server every target sends its requests to: the real router (`lucarne_server::routes`)
//! on a real SQLite database in a temporary folder, with one registered agent key and a log
//! of a few snapshots, set up once per fuzzing process. The router is called without the
//! server's layers (admission, timeouts, caught panics) so that a panic in a handler reaches
//! libFuzzer instead of becoming a 500.
//!
//! Every answer must be an answer: a status below 500 (the server's faults are 500s, and no
//! input of these targets should cause one) and, for a refusal, the API's JSON error body.

#![allow(dead_code)]

use std::sync::{Arc, OnceLock};

use axum::body::Body;
use axum::http::Request;
use base64::Engine as _;
use ring::signature::{Ed25519KeyPair, KeyPair as _};
use tower::ServiceExt as _;

use lucarne_profiles::snapshot::Snapshot;
use lucarne_proof::envelope::{sha256_hex, Envelope};
use lucarne_server::config::Limits;
use lucarne_server::{AppState, Config};

/// The host the fixture's requests name (no `public_url`: the `Host` header counts).
pub const HOST: &str = "lucarne.fuzz";

/// The server and what the targets need to talk to it.
pub struct Fixture {
    /// Runs the handlers (and the log's sequencer).
    pub runtime: tokio::runtime::Runtime,
    /// The server's state.
    pub state: Arc<AppState>,
    /// A registered agent key.
    pub key: Ed25519KeyPair,
    /// Its id.
    pub key_id: String,
    /// The handle of the fixture's device, as `GET /api/v1/devices` gives it.
    pub handle: String,
    _dir: tempfile::TempDir,
}

/// The fixture, set up on first use.
pub fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(set_up)
}

fn set_up() -> Fixture {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("runtime");
    let dir = tempfile::tempdir().expect("temporary folder");
    let config = Config {
        data_dir: dir.path().to_path_buf(),
        origin: "lucarne.fuzz/log".to_string(),
        limits: Limits::without_rates(),
        ..Config::default()
    };
    let state = runtime
        .block_on(AppState::open(&config))
        .expect("the server's state");
    let seed = [7u8; 32];
    let key = Ed25519KeyPair::from_seed_unchecked(&seed).expect("key");
    let key_id = lucarne_proof::envelope::key_id(key.public_key().as_ref());
    let mut fixture = Fixture {
        runtime,
        state,
        key,
        key_id,
        handle: String::new(),
        _dir: dir,
    };
    let code = fixture
        .runtime
        .block_on(lucarne_server::invite::create(&fixture.state.db, 3600))
        .expect("invite");
    let registration = serde_json::json!({
        "code": code,
        "public_key": base64::engine::general_purpose::STANDARD.encode(fixture.key.public_key().as_ref()),
    });
    let (status, body) = fixture.send(
        Request::post("/api/v1/register")
            .header("content-type", "application/json")
            .body(Body::from(registration.to_string()))
            .expect("request"),
    );
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    // A log of a few leaves, so that tiles and proofs have something to show.
    let mut previous = None;
    for sequence in 1..=5u64 {
        let mut snapshot = Snapshot::new("2026-11-30T12:00:00Z");
        snapshot.device.udid = Some("FUZZ-IPAD".into());
        snapshot.sequence = sequence;
        snapshot.previous_hash = previous.take();
        let bytes = serde_json::to_vec(&snapshot).expect("snapshot");
        previous = Some(sha256_hex(&bytes));
        let envelope = serde_json::to_vec(&Envelope::sign(&bytes, &fixture.key)).expect("json");
        let (status, body) = fixture.send(
            Request::post("/api/v1/snapshots")
                .header("content-type", "application/json")
                .body(Body::from(envelope))
                .expect("request"),
        );
        assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    }
    let mut request = Request::get("/api/v1/devices")
        .body(Body::empty())
        .expect("request");
    let nonce = fixture.fresh_nonce();
    for (name, value) in fixture.signed_headers("GET", "/api/v1/devices", b"", now(), &nonce) {
        request
            .headers_mut()
            .insert(name, value.parse().expect("header value"));
    }
    let (status, body) = fixture.send(request);
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    let list: serde_json::Value = serde_json::from_slice(&body).expect("device list");
    fixture.handle = list["devices"][0]["handle"]
        .as_str()
        .expect("a handle")
        .to_string();
    fixture
}

/// The server's clock, in Unix seconds.
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

impl Fixture {
    /// A nonce no request of this process used before (32 hex digits).
    pub fn fresh_nonce(&self) -> String {
        static COUNTER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        format!("{:016x}{:016x}", std::process::id(), n)
    }

    /// The four headers of a request signed with the fixture's key (the signature is over
    /// nothing usable when the fields cannot be signed: the server must refuse it).
    pub fn signed_headers(
        &self,
        method: &str,
        target: &str,
        body: &[u8],
        timestamp: i64,
        nonce: &str,
    ) -> Vec<(&'static str, String)> {
        use lucarne_proof::request;
        let message = request::SignedRequest {
            method,
            host: HOST,
            target,
            body,
            timestamp,
            nonce,
        }
        .message()
        .unwrap_or_default();
        let signature = base64::engine::general_purpose::STANDARD.encode(self.key.sign(&message));
        vec![
            (request::AUTHORIZATION, format!("Lucarne {}", self.key_id)),
            (request::TIMESTAMP, timestamp.to_string()),
            (request::NONCE, nonce.to_string()),
            (request::SIGNATURE, signature),
        ]
    }

    /// Sends `request` to the router; returns the status and the body.
    pub fn send(&self, mut request: Request<Body>) -> (u16, Vec<u8>) {
        if !request.headers().contains_key("host") {
            request
                .headers_mut()
                .insert("host", axum::http::HeaderValue::from_static(HOST));
        }
        let router = lucarne_server::routes::router(self.state.clone());
        self.runtime.block_on(async move {
            let response = router.oneshot(request).await.expect("infallible");
            let status = response.status().as_u16();
            let body = axum::body::to_bytes(response.into_body(), 16 * 1024 * 1024)
                .await
                .expect("the answer's body");
            (status, body.to_vec())
        })
    }

    /// [`Fixture::send`], then the checks every answer must pass.
    pub fn send_and_check(&self, request: Request<Body>) -> (u16, Vec<u8>) {
        let what = format!("{} {}", request.method(), request.uri());
        let (status, body) = self.send(request);
        assert!(
            status < 500,
            "{what}: HTTP {status}: {}",
            String::from_utf8_lossy(&body)
        );
        // The API answers its refusals in JSON; pages answer theirs as pages.
        if status >= 400
            && status != 405
            && what
                .split(' ')
                .nth(1)
                .is_some_and(|p| p.starts_with("/api/"))
        {
            let error: serde_json::Value = serde_json::from_slice(&body)
                .unwrap_or_else(|_| panic!("{what}: HTTP {status} without a JSON error body"));
            assert!(error["error"]["code"].is_string(), "{what}: {error}");
        }
        (status, body)
    }
}
