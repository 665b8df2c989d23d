//! Taking the server down while the agent scans loses nothing: snapshots sealed while the
//! server is unreachable stay queued, and once it is back (same data, same address) `push`
//! sends them in order and the agent verifies every receipt. A snapshot the server refuses is
//! set aside with the server's reason and never sent again. A lost answer costs no receipt.
#![allow(clippy::unwrap_used)]

use std::net::SocketAddr;
use std::path::Path;

use base64::Engine as _;
use lucarne::home::Home;
use lucarne::upload::{self, queue, UploadOutcome};
use lucarne_e2e::EmbeddedServer;
use lucarne_profiles::snapshot::{App, Snapshot};
use lucarne_proof::envelope::Envelope;
use lucarne_proof::receipt::Receipt;

const UDID: &str = "00008103-0000DEADBEEF0001";

fn state(apps: &[&str]) -> Snapshot {
    let mut s = Snapshot::new("2026-11-25T21:30:00Z");
    s.device.udid = Some(UDID.into());
    s.enrolment.supervised = Some(true);
    s.apps = apps
        .iter()
        .map(|id| App {
            bundle_id: (*id).into(),
            ..Default::default()
        })
        .collect();
    s
}

/// Starts the server on `listen` with its data in `dir`.
async fn start(dir: &Path, listen: SocketAddr) -> (EmbeddedServer, SocketAddr) {
    let server = EmbeddedServer::start_on(listen, dir, "lucarne.upload-test/log")
        .await
        .unwrap();
    let addr = server.addr;
    (server, addr)
}

async fn stop(server: EmbeddedServer) {
    server.stop().await.unwrap();
}

fn report(outcome: UploadOutcome) -> upload::PushReport {
    match outcome {
        UploadOutcome::Pushed { report, .. } => report,
        other => panic!("not pushed: {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn taking_the_server_down_while_the_agent_scans_loses_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let server_dir = tmp.path().join("server");
    let (running, addr) = start(&server_dir, SocketAddr::from(([127, 0, 0, 1], 0))).await;
    let base = format!("http://{addr}");

    let home = Home::at(tmp.path().join("agent")).unwrap();
    let code = lucarne_server::invite::create(&running.state.db, 3600)
        .await
        .unwrap();
    let registration = lucarne::registration::register(&home, &base, &code, "laptop")
        .await
        .unwrap();
    let first = report(upload::after_scan(&home, state(&["a"])).await.unwrap());
    assert_eq!(first.accepted.len(), 1, "{first:?}");

    // The server goes down; the agent scans twice meanwhile.
    stop(running).await;
    for apps in [&["a", "b"][..], &["a", "b", "c"][..]] {
        let offline = report(upload::after_scan(&home, state(apps)).await.unwrap());
        assert!(offline.accepted.is_empty() && offline.refused.is_empty());
        let reason = offline
            .stopped
            .expect("the push stops when the server is away");
        assert!(reason.contains("cannot reach the server"), "{reason}");
    }
    let waiting = queue::queued(&home).unwrap();
    assert_eq!(
        waiting.iter().map(|q| q.sequence).collect::<Vec<_>>(),
        vec![2, 3]
    );
    let bodies: Vec<Vec<u8>> = waiting.iter().map(|q| q.envelope().unwrap()).collect();

    // Back on the same data and address: push sends both, in order, receipts verified.
    let (running, _) = start(&server_dir, addr).await;
    let back = upload::push_queued(&home).await.unwrap();
    assert_eq!(back.stopped, None, "{back:?}");
    assert_eq!(
        back.accepted
            .iter()
            .map(|a| (a.sequence, a.leaf_index))
            .collect::<Vec<_>>(),
        vec![(2, 1), (3, 2)]
    );
    assert_eq!(back.consistency_deferred, None);
    assert!(queue::queued(&home).unwrap().is_empty());
    // Each kept receipt proves the exact bytes that were queued, checked again here.
    for (accepted, body) in back.accepted.iter().zip(&bodies) {
        let receipt = Receipt::from_json(&std::fs::read(&accepted.receipt_path).unwrap()).unwrap();
        let verified = receipt.verify(body, &registration.log).unwrap();
        assert_eq!(verified.leaf_index, accepted.leaf_index);
        assert_eq!(receipt.sequence, accepted.sequence);
    }
    // Nothing left: a second push sends nothing.
    let again = upload::push_queued(&home).await.unwrap();
    assert!(again.accepted.is_empty() && again.refused.is_empty() && again.stopped.is_none());
    stop(running).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_snapshot_is_set_aside_with_the_reason_and_not_sent_again() {
    let tmp = tempfile::tempdir().unwrap();
    let (running, addr) = start(
        &tmp.path().join("server"),
        SocketAddr::from(([127, 0, 0, 1], 0)),
    )
    .await;
    let home = Home::at(tmp.path().join("agent")).unwrap();
    let code = lucarne_server::invite::create(&running.state.db, 3600)
        .await
        .unwrap();
    lucarne::registration::register(&home, &format!("http://{addr}"), &code, "laptop")
        .await
        .unwrap();

    // Seal without sending (as if offline), then damage the queued envelope's signature.
    let key = lucarne::keys::AgentKey::load(&home).unwrap();
    let sealed = lucarne::state::seal(&home, &key, state(&["a"])).unwrap();
    let queued = queue::queued(&home).unwrap();
    assert_eq!(queued.len(), 1);
    let mut envelope = Envelope::from_json(&sealed.envelope).unwrap();
    let b64 = base64::engine::general_purpose::STANDARD;
    let mut sig = b64.decode(&envelope.signature).unwrap();
    sig[0] ^= 1;
    envelope.signature = b64.encode(sig);
    std::fs::write(&queued[0].path, serde_json::to_vec(&envelope).unwrap()).unwrap();

    let pushed = upload::push_queued(&home).await.unwrap();
    assert!(
        pushed.accepted.is_empty() && pushed.stopped.is_none(),
        "{pushed:?}"
    );
    assert_eq!(pushed.refused.len(), 1);
    let refused = &pushed.refused[0];
    assert_eq!(refused.reason.code, "unauthenticated", "{refused:?}");
    assert!(refused.reason.status >= 400 && refused.reason.status < 500);
    assert!(refused.moved_to.exists());
    let reason: serde_json::Value = serde_json::from_slice(
        &std::fs::read(refused.moved_to.with_file_name("1.error.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(reason["code"], "unauthenticated");
    assert!(queue::queued(&home).unwrap().is_empty());
    // Not retried.
    let again = upload::push_queued(&home).await.unwrap();
    assert!(again.refused.is_empty() && again.accepted.is_empty());
    stop(running).await;
}

/// Finding 8 of issue 11: after a refusal, the next snapshot links to the last accepted one
/// (the server accepts it instead of answering `fork` to it and to every later one), and the
/// refused one stays in `rejected/` with its reason.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_a_refusal_the_next_snapshot_chains_to_the_last_accepted_one() {
    let tmp = tempfile::tempdir().unwrap();
    let (running, addr) = start(
        &tmp.path().join("server"),
        SocketAddr::from(([127, 0, 0, 1], 0)),
    )
    .await;
    let home = Home::at(tmp.path().join("agent")).unwrap();
    let code = lucarne_server::invite::create(&running.state.db, 3600)
        .await
        .unwrap();
    lucarne::registration::register(&home, &format!("http://{addr}"), &code, "laptop")
        .await
        .unwrap();
    let first = report(upload::after_scan(&home, state(&["a"])).await.unwrap());
    assert_eq!(first.accepted.len(), 1, "{first:?}");

    // Snapshot 2 is sealed offline and damaged on the way: refused for good.
    let key = lucarne::keys::AgentKey::load(&home).unwrap();
    let sealed = lucarne::state::seal(&home, &key, state(&["a", "b"])).unwrap();
    let mut envelope = Envelope::from_json(&sealed.envelope).unwrap();
    let b64 = base64::engine::general_purpose::STANDARD;
    let mut sig = b64.decode(&envelope.signature).unwrap();
    sig[0] ^= 1;
    envelope.signature = b64.encode(sig);
    let queued = queue::queued(&home).unwrap();
    std::fs::write(&queued[0].path, serde_json::to_vec(&envelope).unwrap()).unwrap();
    let pushed = upload::push_queued(&home).await.unwrap();
    assert_eq!(pushed.refused.len(), 1, "{pushed:?}");

    // The next scans are accepted: no fork.
    for apps in [&["a", "c"][..], &["a", "c", "d"]] {
        let next = report(upload::after_scan(&home, state(apps)).await.unwrap());
        assert!(next.refused.is_empty(), "{next:?}");
        assert_eq!(next.accepted.len(), 1, "{next:?}");
    }
    let rejected = home.path("rejected").join(UDID);
    assert!(rejected.join("2.json").exists());
    let reason: serde_json::Value =
        serde_json::from_slice(&std::fs::read(rejected.join("2.error.json")).unwrap()).unwrap();
    assert_eq!(reason["code"], "unauthenticated");
    let alerts: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM device_alerts")
        .fetch_one(&running.state.db.pool)
        .await
        .unwrap();
    assert_eq!(alerts, 0, "no fork was ever raised");

    // The export leaves the refused snapshot out; what it holds verifies, gap included.
    let export_home = home.clone();
    // `build` asks the server for consistency proofs on its own runtime: off this one.
    let options = lucarne::export::ExportOptions {
        lang: "fr".into(),
        ..Default::default()
    };
    let made = tokio::task::spawn_blocking(move || {
        std::thread::spawn(move || lucarne::export::build(&export_home, &options))
            .join()
            .unwrap()
    })
    .await
    .unwrap()
    .unwrap();
    let sequences: Vec<u64> = made.data.devices[0]
        .snapshots
        .iter()
        .map(|s| s.sequence)
        .collect();
    assert_eq!(sequences, vec![1, 3, 4]);
    let report = lucarne_proof::export::verify(&made.archive);
    assert!(report.passed(), "{:?}", report.failures);
    stop(running).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_receipt_for_other_bytes_is_refused_and_the_snapshot_stays_queued() {
    // A server that answers every upload with a real receipt of the log for another
    // envelope: the agent must not accept it.
    let tmp = tempfile::tempdir().unwrap();
    let (running, addr) = start(
        &tmp.path().join("server"),
        SocketAddr::from(([127, 0, 0, 1], 0)),
    )
    .await;
    let base = format!("http://{addr}");
    let home = Home::at(tmp.path().join("agent")).unwrap();
    let code = lucarne_server::invite::create(&running.state.db, 3600)
        .await
        .unwrap();
    lucarne::registration::register(&home, &base, &code, "laptop")
        .await
        .unwrap();
    let first = report(upload::after_scan(&home, state(&["a"])).await.unwrap());
    let genuine = std::fs::read(&first.accepted[0].receipt_path).unwrap();
    stop(running).await;

    // The impostor answers on the same address with that genuine but unrelated receipt.
    let app = axum::Router::new().route(
        "/api/v1/snapshots",
        axum::routing::post(move || {
            let genuine = genuine.clone();
            async move { genuine }
        }),
    );
    let listener = tokio::net::TcpListener::bind(addr).await.unwrap();
    let impostor = tokio::spawn(async move { axum::serve(listener, app).await });
    let err = upload::after_scan(&home, state(&["a", "b"]))
        .await
        .unwrap_err();
    assert!(
        matches!(err, upload::UploadError::InvalidReceipt { sequence: 2, .. }),
        "{err}"
    );
    assert_eq!(
        queue::queued(&home)
            .unwrap()
            .iter()
            .map(|q| q.sequence)
            .collect::<Vec<_>>(),
        vec![2]
    );
    assert!(!queue::receipt_path(&home, UDID, 2).exists());
    impostor.abort();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lost_answer_does_not_lose_the_receipt() {
    // The server stores the snapshot but its answer never reaches the agent: the next push
    // sends the same bytes and gets the receipt of the entry already in the log.
    let tmp = tempfile::tempdir().unwrap();
    let server_dir = tmp.path().join("server");
    let (running, addr) = start(&server_dir, SocketAddr::from(([127, 0, 0, 1], 0))).await;
    let home = Home::at(tmp.path().join("agent")).unwrap();
    let code = lucarne_server::invite::create(&running.state.db, 3600)
        .await
        .unwrap();
    let registration =
        lucarne::registration::register(&home, &format!("http://{addr}"), &code, "laptop")
            .await
            .unwrap();
    let first = report(upload::after_scan(&home, state(&["a"])).await.unwrap());
    assert_eq!(first.accepted.len(), 1, "{first:?}");
    stop(running).await;

    // On the agent's address, a front that has the real server ingest the envelope, then
    // loses the answer.
    let (hidden, _) = start(&server_dir, SocketAddr::from(([127, 0, 0, 1], 0))).await;
    let state_behind = hidden.state.clone();
    let app = axum::Router::new().route(
        "/api/v1/snapshots",
        axum::routing::post(move |body: axum::body::Bytes| {
            let state = state_behind.clone();
            async move {
                lucarne_server::ingest::ingest(&state, &body).await.unwrap();
                axum::http::StatusCode::BAD_GATEWAY
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind(addr).await.unwrap();
    let front = tokio::spawn(async move { axum::serve(listener, app).await });
    let lost = report(upload::after_scan(&home, state(&["a", "b"])).await.unwrap());
    assert!(
        lost.accepted.is_empty() && lost.refused.is_empty(),
        "{lost:?}"
    );
    assert!(lost.stopped.is_some(), "{lost:?}");
    let queued = queue::queued(&home).unwrap();
    assert_eq!(
        queued.iter().map(|q| q.sequence).collect::<Vec<_>>(),
        vec![2]
    );
    let body = queued[0].envelope().unwrap();
    front.abort();
    let _ = front.await;
    stop(hidden).await;

    // The real server back on that address: the resend gets leaf 1, nothing is appended.
    let (running, _) = start(&server_dir, addr).await;
    let back = upload::push_queued(&home).await.unwrap();
    assert_eq!(back.stopped, None, "{back:?}");
    assert!(back.refused.is_empty(), "{back:?}");
    assert_eq!(
        back.accepted
            .iter()
            .map(|a| (a.sequence, a.leaf_index))
            .collect::<Vec<_>>(),
        vec![(2, 1)]
    );
    assert!(queue::queued(&home).unwrap().is_empty());
    assert!(!home.root().join("rejected").join(UDID).exists());
    let receipt =
        Receipt::from_json(&std::fs::read(&back.accepted[0].receipt_path).unwrap()).unwrap();
    let verified = receipt.verify(&body, &registration.log).unwrap();
    assert_eq!(verified.checkpoint.size, 2, "the resend appended nothing");
    stop(running).await;
}

/// The server's count of uploads refused as `rate_limited`, from `/metrics`.
async fn rate_limited_count(base: &str) -> u64 {
    let text = reqwest::get(format!("{base}/metrics"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    text.lines()
        .find_map(|l| l.strip_prefix("lucarne_snapshots_rejected_total{code=\"rate_limited\"} "))
        .map_or(0, |n| n.parse().unwrap())
}

/// A server whose agent keys may upload `per_minute` snapshots a minute.
async fn limited_server(dir: &Path, per_minute: u32) -> EmbeddedServer {
    EmbeddedServer::start_with(lucarne_server::Config {
        listen: SocketAddr::from(([127, 0, 0, 1], 0)),
        data_dir: dir.to_path_buf(),
        origin: "lucarne.upload-test/log".to_string(),
        limits: lucarne_server::config::Limits {
            uploads_per_key_per_minute: per_minute,
            ..lucarne_server::config::Limits::without_rates()
        },
        ..lucarne_server::Config::default()
    })
    .await
    .unwrap()
}

/// Issue 11: the agent honours the server's `Retry-After`. A pause of a second (an allowance
/// about to refill) is waited out within the push and the same snapshot sent again; a long
/// one ends the push with the snapshots kept in the outbox, nothing refused, and until that
/// time no push contacts the server.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_agent_honours_the_servers_retry_after() {
    // Sixty a minute: a burst of sixty, then one a second.
    let tmp = tempfile::tempdir().unwrap();
    let server = limited_server(&tmp.path().join("server"), 60).await;
    let home = Home::at(tmp.path().join("agent")).unwrap();
    for _ in 0..62 {
        let outcome = upload::after_scan(&home, state(&["a"])).await.unwrap();
        assert!(matches!(outcome, UploadOutcome::NotRegistered { .. }));
    }
    let code = server.invite().await.unwrap();
    lucarne::registration::register(&home, &server.base, &code, "laptop")
        .await
        .unwrap();
    let pushed = upload::push_queued(&home).await.unwrap();
    assert_eq!(pushed.accepted.len(), 62, "{pushed:?}");
    assert!(pushed.stopped.is_none() && pushed.refused.is_empty());
    assert!(rate_limited_count(&server.base).await >= 1);
    stop(server).await;

    // Two a minute: the third snapshot is asked to wait thirty seconds.
    let tmp = tempfile::tempdir().unwrap();
    let server = limited_server(&tmp.path().join("server"), 2).await;
    let home = Home::at(tmp.path().join("agent")).unwrap();
    let code = server.invite().await.unwrap();
    lucarne::registration::register(&home, &server.base, &code, "laptop")
        .await
        .unwrap();
    for apps in [&["a"][..], &["a", "b"][..]] {
        let sent = report(upload::after_scan(&home, state(apps)).await.unwrap());
        assert_eq!(sent.accepted.len(), 1, "{sent:?}");
    }
    let held = report(
        upload::after_scan(&home, state(&["a", "b", "c"]))
            .await
            .unwrap(),
    );
    assert!(
        held.accepted.is_empty() && held.refused.is_empty(),
        "{held:?}"
    );
    assert_eq!(held.remaining, 1);
    let wait = held
        .retry_after_seconds
        .expect("the server's pause is reported");
    assert!((20..=30).contains(&wait), "{wait}");
    assert_eq!(queue::queued(&home).unwrap().len(), 1);
    assert_eq!(rate_limited_count(&server.base).await, 1);
    // Until then, pushes keep the snapshot queued without asking the server.
    let again = report(
        upload::after_scan(&home, state(&["a", "b", "c", "d"]))
            .await
            .unwrap(),
    );
    assert_eq!(again.remaining, 2);
    assert!(again.retry_after_seconds.is_some_and(|s| s <= wait));
    assert_eq!(upload::push_queued(&home).await.unwrap().remaining, 2);
    assert_eq!(rate_limited_count(&server.base).await, 1);
    assert_eq!(queue::queued(&home).unwrap().len(), 2);
    // Said in plain French (and English).
    let seconds = wait.to_string();
    let said = lucarne::i18n::Messages::new(lucarne_words::Lang::Fr).get(
        "upload-wait",
        &[
            ("seconds", lucarne::i18n::arg(&seconds)),
            ("remaining", 2.into()),
        ],
    );
    assert!(said.contains(&format!("attendre {wait} s")), "{said}");
    assert!(said.contains("2 instantanés restent en attente"), "{said}");
    assert!(lucarne::i18n::Messages::new(lucarne_words::Lang::En).has("upload-wait"));
    stop(server).await;
}
