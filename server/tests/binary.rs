//! The `lucarne-server` binary: configuration from a TOML file and the environment, `invite`,
//! `serve`, a graceful stop on SIGTERM, and the key file kept private.
#![allow(clippy::unwrap_used)]

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

mod common;

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invite_serve_register_and_stop_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("server.toml");
    std::fs::write(
        &config,
        format!(
            "data_dir = {:?}\norigin = \"lucarne.binary-test/log\"\n",
            dir.path().join("data")
        ),
    )
    .unwrap();
    let bin = env!("CARGO_BIN_EXE_lucarne-server");

    let invite = Command::new(bin)
        .args([
            "--config",
            config.to_str().unwrap(),
            "invite",
            "--expires",
            "1h",
        ])
        .output()
        .unwrap();
    assert!(
        invite.status.success(),
        "{}",
        String::from_utf8_lossy(&invite.stderr)
    );
    let code = String::from_utf8(invite.stdout).unwrap().trim().to_string();
    assert_eq!(code.len(), 23, "{code}");

    let port = free_port();
    let mut child = Command::new(bin)
        .args(["--config", config.to_str().unwrap(), "serve"])
        .env("LUCARNE_LISTEN", format!("127.0.0.1:{port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let base = format!("http://127.0.0.1:{port}");
    let start = Instant::now();
    loop {
        if let Ok(r) = reqwest::get(format!("{base}/healthz")).await {
            if r.status().is_success() {
                break;
            }
        }
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "server did not start"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    let agent = common::Agent::new();
    let response = reqwest::Client::new()
        .post(format!("{base}/api/v1/register"))
        .json(&serde_json::json!({"code": code, "public_key": agent.public_key_b64()}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["log"]["origin"], "lucarne.binary-test/log");
    let checkpoint = reqwest::get(format!("{base}/checkpoint"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        checkpoint.starts_with("lucarne.binary-test/log\n0\n"),
        "{checkpoint}"
    );

    // The operator revokes the key: the running server refuses its uploads at once.
    let revoke = |key_id: &str| {
        Command::new(bin)
            .args(["--config", config.to_str().unwrap(), "revoke", key_id])
            .output()
            .unwrap()
    };
    let revoked = revoke(&agent.key_id);
    assert!(
        revoked.status.success(),
        "{}",
        String::from_utf8_lossy(&revoked.stderr)
    );
    assert!(
        !revoke(&agent.key_id).status.success(),
        "a key is revoked once"
    );
    let snapshot = common::Chain::new("UDID").next_bytes(&common::base_state());
    let response = reqwest::Client::new()
        .post(format!("{base}/api/v1/snapshots"))
        .body(agent.envelope(&snapshot))
        .send()
        .await
        .unwrap();
    // One answer for every envelope the server cannot authenticate (issue 11, finding 5).
    assert_eq!(response.status().as_u16(), 401);

    let key = dir.path().join("data").join("log-signing.key");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(&key).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    assert!(std::fs::read_to_string(&key)
        .unwrap()
        .starts_with("PRIVATE+KEY+lucarne.binary-test/log+"));

    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "no graceful stop"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    let mut stderr = String::new();
    std::io::Read::read_to_string(child.stderr.as_mut().unwrap(), &mut stderr).unwrap();
    assert!(status.success(), "{stderr}");
    assert!(stderr.contains("SIGTERM received"), "{stderr}");
}

#[test]
fn a_key_of_another_origin_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    lucarne_server::log_key::LogKey::load_or_create(dir.path(), "one.example/log").unwrap();
    let again =
        lucarne_server::log_key::LogKey::load_or_create(dir.path(), "one.example/log").unwrap();
    assert!(again.verifier_key().starts_with("one.example/log+"));
    let err =
        lucarne_server::log_key::LogKey::load_or_create(dir.path(), "two.example/log").unwrap_err();
    assert!(format!("{err:#}").contains("one.example/log"), "{err:#}");
}
