//! Appending to the log (issue 11): one signed upload through the server's whole ingest
//! (`lucarne_server::ingest::ingest`: signature, parse, chain, diff, the sequencer's
//! transaction and checkpoint, durable before the receipt) into a SQLite database on disk,
//! one upload at a time (batches of one: the latency floor, not the throughput, which
//! `lucarne-load` measures). The envelopes are signed outside the measured time.
//! - `append_unchanged`: the same device state again (the daily scan where nothing moved).
//! - `append_changed`: a state whose apps differ from the previous one (a diff and events).

use std::cell::RefCell;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use ring::signature::{Ed25519KeyPair, KeyPair as _};

use lucarne_profiles::snapshot::{App, Snapshot};
use lucarne_proof::envelope::{sha256_hex, Envelope};
use lucarne_server::{AppState, Config};

/// One device's chain: the next envelope of each call follows the previous one.
struct Chain {
    key: Ed25519KeyPair,
    udid: String,
    sequence: u64,
    previous: Option<String>,
}

impl Chain {
    fn next(&mut self, variant: u64) -> Vec<u8> {
        let mut s = Snapshot::new("2026-11-30T18:00:00Z");
        s.device.udid = Some(self.udid.clone());
        s.enrolment.supervised = Some(true);
        s.enrolment.mdm_server = Some("https://mdm.region.example/mdm".into());
        for i in 0..20 {
            s.apps.push(App {
                bundle_id: format!("com.example.app{i}"),
                managed: Some(true),
                ..Default::default()
            });
        }
        s.apps.push(App {
            bundle_id: format!("com.example.variant{variant}"),
            ..Default::default()
        });
        self.sequence += 1;
        s.sequence = self.sequence;
        s.previous_hash = self.previous.clone();
        let bytes = serde_json::to_vec(&s).expect("snapshot");
        self.previous = Some(sha256_hex(&bytes));
        serde_json::to_vec(&Envelope::sign(&bytes, &self.key)).expect("envelope")
    }
}

async fn registered_key(state: &AppState) -> Ed25519KeyPair {
    let pkcs8 = Ed25519KeyPair::generate_pkcs8(&ring::rand::SystemRandom::new()).expect("key");
    let key = Ed25519KeyPair::from_pkcs8(pkcs8.as_ref()).expect("key");
    let key_id = lucarne_proof::envelope::key_id(key.public_key().as_ref());
    let mut conn = state.db.pool.acquire().await.expect("connection");
    sqlx::query("INSERT INTO agent_keys (key_id, public_key, registered_at) VALUES ($1, $2, 0)")
        .bind(&key_id)
        .bind(key.public_key().as_ref().to_vec())
        .execute(&mut *conn)
        .await
        .expect("key row");
    lucarne_server::accounts::create_for_key(&mut conn, &key_id, 0)
        .await
        .expect("account");
    key
}

fn bench(c: &mut Criterion) {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let tmp = tempfile::tempdir().expect("temporary folder");
    let config = Config {
        data_dir: tmp.path().to_path_buf(),
        origin: "lucarne.bench/log".into(),
        limits: lucarne_server::config::Limits::without_rates(),
        ..Config::default()
    };
    let state = runtime.block_on(AppState::open(&config)).expect("state");
    let mut group = c.benchmark_group("log");
    group.measurement_time(Duration::from_secs(5));
    for (name, changed) in [("append_unchanged", false), ("append_changed", true)] {
        let chain = RefCell::new(Chain {
            key: runtime.block_on(registered_key(&state)),
            udid: format!("00008103-BENCH{}", u8::from(changed)),
            sequence: 0,
            previous: None,
        });
        group.bench_function(name, |b| {
            b.iter_batched(
                || {
                    let mut chain = chain.borrow_mut();
                    let variant = if changed { chain.sequence } else { 0 };
                    chain.next(variant)
                },
                |body| {
                    runtime
                        .block_on(lucarne_server::ingest::ingest(&state, &body))
                        .expect("accepted")
                },
                BatchSize::SmallInput,
            )
        });
    }
    group.finish();
}

criterion_group!(append, bench);
criterion_main!(append);
