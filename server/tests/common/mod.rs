//! Shared harness of the server's integration tests: a real server on a loopback port, over
//! a fresh SQLite file or a fresh PostgreSQL database, and an agent that registers and signs
//! with the profiles crate's real envelope code.
#![allow(dead_code, clippy::unwrap_used)]

use std::net::SocketAddr;
use std::sync::Arc;

use base64::Engine as _;
use ring::rand::SecureRandom as _;
use ring::signature::{Ed25519KeyPair, KeyPair as _};

use lucarne_profiles::profile::{Payload, Profile};
use lucarne_profiles::snapshot::{InstalledProfile, Snapshot, Source};
use lucarne_proof::envelope::{sha256_hex, Envelope};
use lucarne_server::{AppState, Config};

pub(crate) mod postgres;

/// Random bytes in hex.
pub(crate) fn random_hex(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    ring::rand::SystemRandom::new().fill(&mut buf).unwrap();
    hex::encode(buf)
}

/// A database for one test, removed by [`TestDb::drop_database`].
pub(crate) enum TestDb {
    /// A SQLite file in the data directory.
    Sqlite,
    /// A database of its own on the test PostgreSQL server.
    Postgres {
        /// Its URL.
        url: String,
        /// Its name.
        name: String,
    },
}

impl TestDb {
    /// A fresh SQLite database (the server's default: a file in its data directory).
    pub(crate) fn sqlite() -> TestDb {
        TestDb::Sqlite
    }

    /// A fresh PostgreSQL database.
    pub(crate) async fn postgres() -> TestDb {
        let (url, name) = postgres::create_database("lucarne_test").await;
        TestDb::Postgres { url, name }
    }

    /// The URL to give the server (`None`: its default SQLite file).
    pub(crate) fn url(&self) -> Option<String> {
        match self {
            TestDb::Sqlite => None,
            TestDb::Postgres { url, .. } => Some(url.clone()),
        }
    }

    /// Drops a PostgreSQL database (after every server using it stopped).
    pub(crate) async fn drop_database(self) {
        if let TestDb::Postgres { name, .. } = self {
            postgres::drop_database(&name).await;
        }
    }
}

/// A server running on a loopback port.
pub(crate) struct TestServer {
    /// `http://127.0.0.1:PORT`.
    pub(crate) base: String,
    /// Its address.
    pub(crate) addr: SocketAddr,
    /// Its state, to create invites as the operator would.
    pub(crate) state: Arc<AppState>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<anyhow::Result<()>>>,
}

/// A configuration for tests: loopback, data in `dir`, database from `db`.
pub(crate) fn config(dir: &std::path::Path, db: &TestDb) -> Config {
    Config {
        listen: SocketAddr::from(([127, 0, 0, 1], 0)),
        database: db.url(),
        data_dir: dir.to_path_buf(),
        origin: "lucarne.test/log".to_string(),
        max_body_bytes: 256 * 1024,
        max_connections: 4,
        public_url: None,
        // Tests register and upload far faster than an official; the rate-limit tests set
        // their own.
        limits: lucarne_server::config::Limits::without_rates(),
        ..Config::default()
    }
}

impl TestServer {
    /// Starts a server with `config`.
    pub(crate) async fn start(config: &Config) -> TestServer {
        let state = AppState::open(config).await.unwrap();
        let listener = tokio::net::TcpListener::bind(config.listen).await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(lucarne_server::serve::run(listener, state.clone(), async {
            let _ = stopped.await;
        }));
        TestServer {
            base: format!("http://{addr}"),
            addr,
            state,
            stop: Some(stop),
            task: Some(task),
        }
    }

    /// Stops the server gracefully and closes its database pool.
    pub(crate) async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            task.await.unwrap().unwrap();
        }
        self.state.db.pool.close().await;
    }

    /// A fresh registration code, as `lucarne-server invite` prints.
    pub(crate) async fn invite(&self) -> String {
        lucarne_server::invite::create(&self.state.db, 3600)
            .await
            .unwrap()
    }

    /// `url` under this server.
    pub(crate) fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }
}

/// An official's agent: a key pair and the device chain it keeps.
pub(crate) struct Agent {
    /// The key.
    pub(crate) key: Ed25519KeyPair,
    /// Its id.
    pub(crate) key_id: String,
    /// HTTP client.
    pub(crate) http: reqwest::Client,
}

impl Agent {
    /// A new key.
    pub(crate) fn new() -> Agent {
        let pkcs8 = Ed25519KeyPair::generate_pkcs8(&ring::rand::SystemRandom::new()).unwrap();
        let key = Ed25519KeyPair::from_pkcs8(pkcs8.as_ref()).unwrap();
        let key_id = lucarne_proof::envelope::key_id(key.public_key().as_ref());
        Agent {
            key,
            key_id,
            http: reqwest::Client::new(),
        }
    }

    /// Base64 of the public key.
    pub(crate) fn public_key_b64(&self) -> String {
        base64::engine::general_purpose::STANDARD.encode(self.key.public_key().as_ref())
    }

    /// Posts a registration request; returns status and JSON body.
    pub(crate) async fn register(
        &self,
        server: &TestServer,
        code: &str,
    ) -> (u16, serde_json::Value) {
        let body = serde_json::json!({
            "code": code, "public_key": self.public_key_b64(), "label": "test computer"
        });
        let response = self
            .http
            .post(server.url("/api/v1/register"))
            .json(&body)
            .send()
            .await
            .unwrap();
        (response.status().as_u16(), response.json().await.unwrap())
    }

    /// Signs snapshot bytes into an envelope body.
    pub(crate) fn envelope(&self, snapshot: &[u8]) -> Vec<u8> {
        serde_json::to_vec(&Envelope::sign(snapshot, &self.key)).unwrap()
    }

    /// Posts an envelope body; returns status and JSON body.
    pub(crate) async fn post(
        &self,
        server: &TestServer,
        body: Vec<u8>,
    ) -> (u16, serde_json::Value) {
        let response = self
            .http
            .post(server.url("/api/v1/snapshots"))
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .unwrap();
        (response.status().as_u16(), response.json().await.unwrap())
    }

    /// The headers of a signed request for `target` (path and query) on `host`, with a
    /// fresh nonce unless one is given.
    pub(crate) fn signed_headers(
        &self,
        method: &str,
        host: &str,
        target: &str,
        body: &[u8],
        nonce: Option<&str>,
    ) -> Vec<(&'static str, String)> {
        use lucarne_proof::request;
        let ts = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs();
        let nonce = nonce.map_or_else(|| random_hex(16), str::to_string);
        let message = request::SignedRequest {
            method,
            host,
            target,
            body,
            timestamp: i64::try_from(ts).unwrap(),
            nonce: &nonce,
        }
        .message()
        .unwrap();
        let sig = self.key.sign(&message);
        vec![
            (request::AUTHORIZATION, format!("Lucarne {}", self.key_id)),
            (request::TIMESTAMP, ts.to_string()),
            (request::NONCE, nonce),
            (
                request::SIGNATURE,
                base64::engine::general_purpose::STANDARD.encode(sig.as_ref()),
            ),
        ]
    }

    /// Sends a request with the given headers; returns status and JSON body.
    pub(crate) async fn send(
        &self,
        method: reqwest::Method,
        url: &str,
        headers: &[(&'static str, String)],
        body: Vec<u8>,
    ) -> (u16, serde_json::Value) {
        let mut request = self.http.request(method, url).body(body);
        for (name, value) in headers {
            request = request.header(*name, value);
        }
        let response = request.send().await.unwrap();
        (response.status().as_u16(), response.json().await.unwrap())
    }

    /// A GET signed with the agent key.
    pub(crate) async fn signed_get(
        &self,
        server: &TestServer,
        path: &str,
    ) -> (u16, serde_json::Value) {
        let headers = self.signed_headers("GET", &server.addr.to_string(), path, b"", None);
        self.send(
            reqwest::Method::GET,
            &server.url(path),
            &headers,
            Vec::new(),
        )
        .await
    }

    /// A POST of a JSON body signed with the agent key.
    pub(crate) async fn signed_post(
        &self,
        server: &TestServer,
        path: &str,
        body: &serde_json::Value,
    ) -> (u16, serde_json::Value) {
        let body = serde_json::to_vec(body).unwrap();
        let mut headers = self.signed_headers("POST", &server.addr.to_string(), path, &body, None);
        headers.push(("content-type", "application/json".to_string()));
        self.send(reqwest::Method::POST, &server.url(path), &headers, body)
            .await
    }

    /// The handle the server gave the device `udid` of this agent's account.
    pub(crate) async fn handle(&self, server: &TestServer, udid: &str) -> String {
        let (status, list) = self.signed_get(server, "/api/v1/devices").await;
        assert_eq!(status, 200, "{list}");
        list["devices"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["device_id"] == udid)
            .unwrap_or_else(|| panic!("{udid} not in {list}"))["handle"]
            .as_str()
            .unwrap()
            .to_string()
    }
}

impl Default for Agent {
    fn default() -> Self {
        Agent::new()
    }
}

/// A device's chain of snapshots as the agent builds it.
#[derive(Clone)]
pub(crate) struct Chain {
    /// The device's UDID.
    pub(crate) udid: String,
    /// Next sequence number.
    pub(crate) next: u64,
    /// Hash of the last snapshot's bytes.
    pub(crate) previous: Option<String>,
}

impl Chain {
    /// A new device.
    pub(crate) fn new(udid: &str) -> Chain {
        Chain {
            udid: udid.to_string(),
            next: 1,
            previous: None,
        }
    }

    /// The next snapshot's bytes, built from `state` (its chain fields are filled here).
    pub(crate) fn next_bytes(&mut self, state: &Snapshot) -> Vec<u8> {
        let mut snapshot = state.clone();
        snapshot.sequence = self.next;
        snapshot.previous_hash = self.previous.clone();
        snapshot.taken_at = format!("2026-11-25T20:{:02}:00Z", self.next % 60);
        snapshot.device.udid = Some(self.udid.clone());
        let bytes = serde_json::to_vec(&snapshot).unwrap();
        self.next += 1;
        self.previous = Some(sha256_hex(&bytes));
        bytes
    }
}

impl Chain {
    /// The bytes the next snapshot would have, without advancing the chain.
    pub(crate) fn clone_next(&self, state: &Snapshot) -> Vec<u8> {
        self.clone().next_bytes(state)
    }
}

/// A plain device state to start from.
pub(crate) fn base_state() -> Snapshot {
    let mut s = Snapshot::new("2026-11-25T20:00:00Z");
    s.device.name = Some("iPad de Marie".into());
    s.enrolment.supervised = Some(false);
    s.enrolment.mdm_server = Some("https://mdm.region.example/mdm".into());
    s.enrolment.access_rights = Some(1);
    s.apps.push(lucarne_profiles::snapshot::App {
        bundle_id: "com.example.notes".into(),
        name: Some("Notes".into()),
        version: Some("1.0".into()),
        ..Default::default()
    });
    s
}

/// The parts of a checkpoint note: origin, size, root hash.
pub(crate) fn parse_checkpoint(note: &str) -> (String, u64, [u8; 32]) {
    let mut lines = note.lines();
    let origin = lines.next().unwrap().to_string();
    let size = lines.next().unwrap().parse().unwrap();
    let root = base64::engine::general_purpose::STANDARD
        .decode(lines.next().unwrap())
        .unwrap();
    (origin, size, root.try_into().unwrap())
}

/// Checks the note's signature with the verifier key the server gave at registration.
pub(crate) fn checkpoint_signed_by(note: &str, verifier_key: &str) -> bool {
    let verifier = signed_note::StandardVerifier::new(verifier_key).unwrap();
    let list = signed_note::VerifierList::new(vec![Box::new(verifier)]);
    signed_note::Note::from_bytes(note.as_bytes())
        .and_then(|n| n.verify(&list))
        .is_ok()
}

/// Hex hashes joined into the bytes ct-merkle's proofs are made of.
pub(crate) fn proof_bytes(proof: &serde_json::Value) -> Vec<u8> {
    proof
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|h| hex::decode(h.as_str().unwrap()).unwrap())
        .collect()
}

/// Verifies an inclusion proof with ct-merkle (RFC 6962), a verifier written outside Lucarne.
pub(crate) fn ct_merkle_inclusion(
    root: [u8; 32],
    size: u64,
    leaf_data: &[u8; 32],
    index: u64,
    proof: Vec<u8>,
) -> bool {
    let root = ct_merkle::RootHash::<sha2::Sha256>::new(root.into(), size);
    let Ok(proof) = ct_merkle::InclusionProof::<sha2::Sha256>::try_from_bytes(proof) else {
        return false;
    };
    root.verify_inclusion(leaf_data, index, &proof).is_ok()
}

/// Verifies a consistency proof with ct-merkle.
pub(crate) fn ct_merkle_consistency(
    old: ([u8; 32], u64),
    new: ([u8; 32], u64),
    proof: Vec<u8>,
) -> bool {
    let old = ct_merkle::RootHash::<sha2::Sha256>::new(old.0.into(), old.1);
    let new = ct_merkle::RootHash::<sha2::Sha256>::new(new.0.into(), new.1);
    let Ok(proof) = ct_merkle::ConsistencyProof::<sha2::Sha256>::try_from_bytes(proof) else {
        return false;
    };
    new.verify_consistency(&old, &proof).is_ok()
}

/// SHA-256 of bytes.
pub(crate) fn sha256(bytes: &[u8]) -> [u8; 32] {
    ring::digest::digest(&ring::digest::SHA256, bytes)
        .as_ref()
        .try_into()
        .unwrap()
}

/// GET returning status and text.
pub(crate) async fn get_text(server: &TestServer, path: &str) -> (u16, String) {
    let response = reqwest::get(server.url(path)).await.unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

/// GET returning status and bytes.
pub(crate) async fn get_bytes(server: &TestServer, path: &str) -> (u16, Vec<u8>) {
    let response = reqwest::get(server.url(path)).await.unwrap();
    (
        response.status().as_u16(),
        response.bytes().await.unwrap().to_vec(),
    )
}

/// GET returning status and JSON.
pub(crate) async fn get_json(server: &TestServer, path: &str) -> (u16, serde_json::Value) {
    let response = reqwest::get(server.url(path)).await.unwrap();
    (response.status().as_u16(), response.json().await.unwrap())
}

/// A profile installed by the MDM with a global HTTP proxy, named `name`.
pub(crate) fn proxy_profile(name: &str) -> InstalledProfile {
    InstalledProfile {
        profile: Profile {
            payload_type: "Configuration".into(),
            identifier: "fr.region.proxy".into(),
            uuid: "PROFILE-1".into(),
            display_name: Some(name.into()),
            payloads: vec![Payload {
                payload_type: "com.apple.proxy.http.global".into(),
                identifier: "fr.region.proxy.p".into(),
                uuid: "PAYLOAD-1".into(),
                content: serde_json::json!({"ProxyType": "Manual", "ProxyServer": "proxy.region.example", "ProxyServerPort": 3128})
                    .as_object()
                    .cloned()
                    .unwrap(),
                ..Default::default()
            }],
            ..Default::default()
        },
        payloads_known: true,
        managed: Some(true),
        installed_at: None,
        source: Source::Backup,
    }
}
