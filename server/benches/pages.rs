//! The pages' speed, over HTTP on loopback against a SQLite server, with the facts stored at
//! ingest (no page runs the analysis):
//! - `device_page_year`: the device page of an iPad with a year of daily snapshots (a change
//!   every week). Target: under 5 ms.
//! - `group_page_500`: the comparison page of a group sharing 500 devices. Target: under 50 ms.
//! - `group_page_500_cold`: the same with the server's cache of parsed group items emptied
//!   before each request (as after a restart): the stored items are read and parsed.
//! - `compare_group_500`: the comparison from the analyses (`profiles::group::compare_group`:
//!   the items taken out of each analysis, then compared).
//! - `compare_items_500`: the comparison of stored items (`profiles::group::compare_items`),
//!   what the page runs.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion};
use ring::signature::{Ed25519KeyPair, KeyPair as _};

use lucarne_profiles::snapshot::{App, Snapshot};
use lucarne_proof::envelope::{sha256_hex, Envelope};
use lucarne_server::{AppState, Config};

struct Official {
    key: Ed25519KeyPair,
    account: String,
}

async fn official(state: &AppState) -> Official {
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
    let account = lucarne_server::accounts::create_for_key(&mut conn, &key_id, 0)
        .await
        .expect("account");
    Official { key, account }
}

/// A device state: a few apps, one that changes with `variant`.
fn device_state(udid: &str, variant: usize) -> Snapshot {
    let mut s = Snapshot::new("2026-01-01T00:00:00Z");
    s.device.udid = Some(udid.into());
    s.device.name = Some(format!("iPad {udid}"));
    s.enrolment.supervised = Some(true);
    s.enrolment.mdm_server = Some("https://mdm.region.example/mdm".into());
    s.enrolment.access_rights = Some(8191);
    for i in 0..20 {
        s.apps.push(App {
            bundle_id: format!("com.example.app{i}"),
            name: Some(format!("App {i}")),
            managed: Some(true),
            ..Default::default()
        });
    }
    s.apps.push(App {
        bundle_id: format!("com.example.variant{variant}"),
        name: Some(format!("Variant {variant}")),
        managed: Some(variant.is_multiple_of(2)),
        ..Default::default()
    });
    s
}

/// Uploads `states` as one device's chain.
async fn upload_chain(state: &AppState, who: &Official, states: impl Iterator<Item = Snapshot>) {
    let mut previous: Option<String> = None;
    for (i, mut snapshot) in states.enumerate() {
        snapshot.sequence = i as u64 + 1;
        snapshot.previous_hash = previous.clone();
        let bytes = serde_json::to_vec(&snapshot).expect("snapshot");
        previous = Some(sha256_hex(&bytes));
        let body = serde_json::to_vec(&Envelope::sign(&bytes, &who.key)).expect("envelope");
        lucarne_server::ingest::ingest(state, &body)
            .await
            .expect("accepted");
    }
}

async fn session_cookie(state: &Arc<AppState>, account: &str) -> String {
    let token = lucarne_server::web::session::create_login_token(state, account)
        .await
        .expect("token");
    let id = lucarne_server::web::session::redeem(state, &token)
        .await
        .expect("session")
        .expect("session");
    format!("{}={id}", lucarne_server::web::session::SESSION_COOKIE)
}

fn bench(c: &mut Criterion) {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let tmp = tempfile::tempdir().expect("temporary folder");
    let config = Config {
        listen: SocketAddr::from(([127, 0, 0, 1], 0)),
        data_dir: tmp.path().to_path_buf(),
        origin: "lucarne.bench/log".into(),
        limits: lucarne_server::config::Limits::without_rates(),
        ..Config::default()
    };
    let (base, state) = runtime.block_on(async {
        let state = AppState::open(&config).await.expect("state");
        let listener = tokio::net::TcpListener::bind(config.listen)
            .await
            .expect("listener");
        let base = format!("http://{}", listener.local_addr().expect("address"));
        tokio::spawn(lucarne_server::serve::run(
            listener,
            state.clone(),
            std::future::pending::<()>(),
        ));
        (base, state)
    });
    let http = reqwest::Client::new();
    let get = |url: String, cookie: String| {
        let http = http.clone();
        runtime.block_on(async move {
            let response = http
                .get(url)
                .header("cookie", cookie)
                .send()
                .await
                .expect("answer");
            assert_eq!(response.status().as_u16(), 200);
            response.bytes().await.expect("body").len()
        })
    };

    // A year of daily snapshots of one iPad, a change every week, received a day apart.
    let (device_url, cookie) = runtime.block_on(async {
        let alice = official(&state).await;
        upload_chain(
            &state,
            &alice,
            (0..365).map(|day| device_state("YEAR-IPAD", day / 7)),
        )
        .await;
        sqlx::query("UPDATE snapshots SET received_at = 1735689600 + leaf_index * 86400")
            .execute(&state.db.pool)
            .await
            .expect("dates");
        let mut conn = state.db.pool.acquire().await.expect("connection");
        let devices = lucarne_server::accounts::devices_of(&mut conn, &alice.account)
            .await
            .expect("devices");
        (
            format!("{base}/devices/{}", devices[0].handle),
            session_cookie(&state, &alice.account).await,
        )
    });
    let mut group = c.benchmark_group("pages");
    group.measurement_time(Duration::from_secs(5));
    group.bench_function("device_page_year", |b| {
        b.iter(|| get(device_url.clone(), cookie.clone()))
    });

    // 500 devices shared in one group.
    let (group_url, cookie, analyses) = runtime.block_on(async {
        let bob = official(&state).await;
        for i in 0..500 {
            upload_chain(
                &state,
                &bob,
                std::iter::once(device_state(&format!("GROUP-{i}"), i % 11)),
            )
            .await;
        }
        let mut conn = state.db.pool.acquire().await.expect("connection");
        let devices = lucarne_server::accounts::devices_of(&mut conn, &bob.account)
            .await
            .expect("devices");
        let group_id = "0123456789abcdef0123456789abcdef";
        sqlx::query("INSERT INTO official_groups (group_id, name, created_by, created_at) VALUES ($1, 'Bench', $2, 0)")
            .bind(group_id)
            .bind(&bob.account)
            .execute(&mut *conn)
            .await
            .expect("group");
        sqlx::query("INSERT INTO group_members (group_id, account_id, joined_at) VALUES ($1, $2, 0)")
            .bind(group_id)
            .bind(&bob.account)
            .execute(&mut *conn)
            .await
            .expect("member");
        let mut analyses = Vec::new();
        for (i, d) in devices.iter().enumerate() {
            sqlx::query("INSERT INTO device_shares (group_id, handle, shared_at) VALUES ($1, $2, $3)")
                .bind(group_id)
                .bind(&d.handle)
                .bind(i as i64)
                .execute(&mut *conn)
                .await
                .expect("share");
            analyses.push((
                d.handle.clone(),
                lucarne_profiles::analysis::analyze_snapshot(&device_state(&d.device_id, i % 11)),
            ));
        }
        (
            format!("{base}/groups/{group_id}"),
            session_cookie(&state, &bob.account).await,
            analyses,
        )
    });
    group.sample_size(20);
    group.measurement_time(Duration::from_secs(10));
    group.bench_function("group_page_500", |b| {
        b.iter(|| get(group_url.clone(), cookie.clone()))
    });
    group.bench_function("group_page_500_cold", |b| {
        b.iter(|| {
            state.group_items.clear();
            get(group_url.clone(), cookie.clone())
        })
    });
    let members: Vec<(&str, &lucarne_profiles::analysis::Analysis)> =
        analyses.iter().map(|(h, a)| (h.as_str(), a)).collect();
    group.bench_function("compare_group_500", |b| {
        b.iter(|| lucarne_profiles::group::compare_group(&members).items.len())
    });
    let items: Vec<(&str, lucarne_profiles::group::DeviceItems)> = analyses
        .iter()
        .map(|(h, a)| (h.as_str(), lucarne_profiles::group::DeviceItems::of(a)))
        .collect();
    let members: Vec<(&str, &lucarne_profiles::group::DeviceItems)> =
        items.iter().map(|(h, i)| (*h, i)).collect();
    group.bench_function("compare_items_500", |b| {
        b.iter(|| lucarne_profiles::group::compare_items(&members).items.len())
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
