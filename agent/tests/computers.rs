//! Two computers of one official, through the `lucarne` binary against a real server in this
//! process: `lucarne add-computer` on the registered computer prints a single-use code with
//! French instructions; `lucarne register --code` on the second computer joins the same
//! account; the same iPad read from both is one device whose history `lucarne history` shows
//! from the server (each computer's snapshots, the week-2 change seen across the two
//! computers, a refused upload the server recorded), beside
//! the local history; a used code is refused; an unreachable server is said in one line and
//! the local history still shown.
#![allow(clippy::unwrap_used)]

mod common;

use std::net::SocketAddr;
use std::path::Path;
use std::process::{Command, Output};

use lucarne_proof::chain::ChainBreak;
use lucarne_server::{AppState, Config};
use lucarne_virtual_ipad::Knobs;

fn lucarne(home: &Path, args: &[&str], address: &str) -> Output {
    Command::new(env!("CARGO_BIN_EXE_lucarne"))
        .args(args)
        .env("LUCARNE_HOME", home)
        .env("USBMUXD_SOCKET_ADDRESS", address)
        .output()
        .unwrap()
}

/// Runs `lucarne`, which must succeed; its standard output.
fn ok(home: &Path, args: &[&str], address: &str) -> String {
    let out = lucarne(home, args, address);
    assert!(
        out.status.success(),
        "lucarne {args:?}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Reads `device` (a bundled device directory) with the `lucarne scan` of `home`.
fn scan(home: &Path, device: &str) {
    let (_dir, ipad) = common::start(&[device], Knobs::default());
    ok(home, &["scan"], &ipad.address());
}

/// `text` with its narrow no-break spaces (French typography) made plain spaces.
fn plain(text: &str) -> String {
    text.replace(['\u{202f}', '\u{a0}'], " ")
}

#[test]
fn a_second_computer_joins_the_account_and_history_shows_the_server() {
    let work = tempfile::tempdir().unwrap();
    let (desk, laptop, stranger) = (
        work.path().join("desk"),
        work.path().join("laptop"),
        work.path().join("stranger"),
    );
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let config = Config {
        listen: SocketAddr::from(([127, 0, 0, 1], 0)),
        data_dir: work.path().join("server"),
        origin: "lucarne.computers/log".into(),
        ..Config::default()
    };
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let (base, code, state, task) = runtime.block_on(async {
        let state = AppState::open(&config).await.unwrap();
        let listener = tokio::net::TcpListener::bind(config.listen).await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let code = lucarne_server::invite::create(&state.db, 3600)
            .await
            .unwrap();
        let task = tokio::spawn(lucarne_server::serve::run(listener, state.clone(), async {
            let _ = stopped.await;
        }));
        (base, code, state, task)
    });

    // Only a registered computer can add another.
    let out = lucarne(&desk, &["add-computer"], "");
    assert!(!out.status.success());
    let said = plain(&String::from_utf8_lossy(&out.stderr));
    assert!(said.contains("n'est encore inscrit"), "{said}");

    ok(&desk, &["register", "--server", &base, "--code", &code], "");
    scan(&desk, "council-ipad");

    // The code, with what to type on the other computer.
    let said = plain(&ok(&desk, &["add-computer"], ""));
    let command = format!("lucarne register --server {base} --code ");
    let at = said.find(&command).unwrap_or_else(|| panic!("{said}")) + command.len();
    let computer_code: String = said[at..]
        .chars()
        .take_while(|c| !c.is_whitespace())
        .collect();
    assert_eq!(computer_code.len(), 23, "{said}");
    assert!(said.contains("dans les 15 minutes"), "{said}");
    assert!(said.contains("ne sert qu'une fois"), "{said}");

    let said = plain(&ok(
        &laptop,
        &["register", "--server", &base, "--code", &computer_code],
        "",
    ));
    assert!(said.contains("a rejoint votre compte"), "{said}");
    // Used: nobody else gets in with it.
    let out = lucarne(
        &stranger,
        &["register", "--server", &base, "--code", &computer_code],
        "",
    );
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("used_code"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // The same iPad, a week later, read from the laptop: one device on the server.
    scan(&laptop, "council-ipad-week2");
    let (devices, laptop_key): (i64, String) = runtime.block_on(async {
        let devices = sqlx::query_scalar("SELECT COUNT(*) FROM device_handles")
            .fetch_one(&state.db.pool)
            .await
            .unwrap();
        let laptop_key =
            sqlx::query_scalar("SELECT key_id FROM snapshots ORDER BY leaf_index DESC LIMIT 1")
                .fetch_one(&state.db.pool)
                .await
                .unwrap();
        // A refused upload the server recorded (a fork of the laptop's chain).
        let alert = lucarne_profiles::compare::chain_alert(
            ChainBreak::Fork,
            "00008103-001A2B3C4D5E6F70",
            1,
            2,
        );
        sqlx::query(
            "INSERT INTO device_alerts (key_id, device_id, at, alert, envelope_sha256) \
             VALUES ($1, '00008103-001A2B3C4D5E6F70', 1764500000, $2, 'e')",
        )
        .bind(&laptop_key)
        .bind(serde_json::to_string(&alert).unwrap())
        .execute(&state.db.pool)
        .await
        .unwrap();
        (devices, laptop_key)
    });
    assert!(devices <= 1, "one handle for the iPad ({devices})");

    // The laptop's history: its own snapshot, then what the server says, the desk's
    // snapshot and the refused upload included.
    let said = plain(&ok(&laptop, &["history"], ""));
    let local = said
        .find("Sur cet ordinateur :")
        .unwrap_or_else(|| panic!("{said}"));
    let server = said
        .find(&format!("Ce que dit le serveur ({base}) :"))
        .unwrap_or_else(|| panic!("{said}"));
    assert!(local < server, "{said}");
    assert!(said[..server].contains("instantané n° 1"), "{said}");
    let server_part = &said[server..];
    let other = server_part
        .find("envoyé par un autre de vos ordinateurs")
        .unwrap_or_else(|| panic!("{said}"));
    let here = server_part
        .find("envoyé par cet ordinateur")
        .unwrap_or_else(|| panic!("{said}"));
    assert!(other < here, "oldest first: {said}");
    assert!(
        server_part[..here].contains("Premier instantané reçu par le serveur"),
        "{said}"
    );
    // One history: the laptop's first read of the iPad is compared with the desk's, a week
    // earlier, so the server says what the administration changed in between.
    assert!(
        server_part[here..].contains("[ALERTE] Nouvelle application : « TeamViewer »"),
        "{said}"
    );
    let refused = server_part
        .find("le serveur a refusé un envoi : Envoi refusé")
        .unwrap_or_else(|| panic!("{said}"));
    assert!(server_part[refused..].contains("ne suit pas"), "{said}");
    assert!(!laptop_key.is_empty());

    // The desk sees the laptop's snapshot as another computer's; in English on request.
    let said = plain(&ok(&desk, &["history", "--lang", "en"], ""));
    assert!(said.contains("What the server says"), "{said}");
    assert!(said.contains("sent by another of your computers"), "{said}");
    assert!(said.contains("sent by this computer"), "{said}");

    // The server stops: one line says so, the local history is still shown.
    let _ = stop.send(());
    runtime.block_on(async { task.await.unwrap().unwrap() });
    let said = plain(&ok(&laptop, &["history"], ""));
    let first = said.lines().next().unwrap();
    assert!(first.contains("ne répond pas"), "{said}");
    assert!(said.contains("instantané n° 1"), "{said}");
    assert!(!said.contains("Ce que dit le serveur"), "{said}");
}
