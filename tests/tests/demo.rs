//! The README's main command, `lucarne-demo`, run as a user runs it: it must go through the
//! whole path (virtual iPad → agent → server → receipt → changes a week later) and say so.
#![allow(clippy::unwrap_used)]

use std::process::Command;

#[test]
fn the_demo_runs_the_whole_path_in_french_and_in_english() {
    for (lang, lines) in [
        (
            "fr",
            [
                "toutes de lecture (aucune refusée)",
                "--bin lucarne-simulate -- serve --socket /tmp/vipad.sock --device",
                "USBMUXD_SOCKET_ADDRESS=UNIX:/tmp/vipad.sock lucarne scan",
                "Instantané n° 1 accepté par le serveur, reçu vérifié",
                "Instantané n° 2 accepté par le serveur, reçu vérifié",
                "Nouvelle restriction\u{202F}: les captures et enregistrements d'écran sont bloqués",
                "Nouvelle application\u{202F}: «\u{202F}TeamViewer\u{202F}»",
            ],
        ),
        (
            "en",
            [
                "all of them reads (0 refused)",
                "--bin lucarne-simulate -- serve --socket /tmp/vipad.sock --device",
                "USBMUXD_SOCKET_ADDRESS=UNIX:/tmp/vipad.sock lucarne scan",
                "Snapshot no. 1 accepted by the server, receipt verified",
                "Snapshot no. 2 accepted by the server, receipt verified",
                "New restriction: screenshots and screen recordings are blocked",
                "New app: “TeamViewer”",
            ],
        ),
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_lucarne-demo"))
            .args(["--lang", lang, "--exit"])
            .output()
            .unwrap();
        // Lines are wrapped at 80 columns: whitespace runs compare as single spaces.
        let text = String::from_utf8(out.stdout)
            .unwrap()
            .split_ascii_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        assert!(
            out.status.success(),
            "{text}\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        for line in lines {
            assert!(
                text.contains(line),
                "{lang}: `{line}` missing from:\n{text}"
            );
        }
    }
}

/// Without `--exit` the demo keeps its server running, prints a login link to the demo
/// iPad's page and, in a graphical session, opens it in the browser: here a stand-in
/// `xdg-open` on the `PATH` records the address it was given, and following it logs in.
#[test]
fn the_demo_keeps_serving_and_opens_its_link_in_the_browser() {
    use std::os::unix::fs::PermissionsExt as _;
    use std::time::{Duration, Instant};

    let dir = tempfile::tempdir().unwrap();
    let opened = dir.path().join("opened");
    let stand_in = dir.path().join("xdg-open");
    std::fs::write(
        &stand_in,
        format!("#!/bin/sh\nprintf '%s' \"$1\" > '{}'\n", opened.display()),
    )
    .unwrap();
    std::fs::set_permissions(&stand_in, std::fs::Permissions::from_mode(0o755)).unwrap();
    let out_path = dir.path().join("stdout");
    let path = format!(
        "{}:{}",
        dir.path().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut demo = Command::new(env!("CARGO_BIN_EXE_lucarne-demo"))
        .env("PATH", path)
        .env("DISPLAY", ":99")
        .env_remove("WAYLAND_DISPLAY")
        .stdin(std::process::Stdio::null())
        .stdout(std::fs::File::create(&out_path).unwrap())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    let url = loop {
        match std::fs::read_to_string(&opened) {
            Ok(url) if !url.is_empty() => break url,
            _ if started.elapsed() > Duration::from_secs(180) => {
                let _ = demo.kill();
                panic!(
                    "no link opened; the demo said:\n{}",
                    std::fs::read_to_string(&out_path).unwrap_or_default()
                );
            }
            _ => std::thread::sleep(Duration::from_millis(200)),
        }
    };
    let said = std::fs::read_to_string(&out_path).unwrap();
    assert!(said.contains(&url), "{said}");
    assert!(
        said.contains("Lucarne a ouvert ce lien dans votre navigateur"),
        "{said}"
    );
    assert!(
        url.contains("/login/") && url.contains("next=/devices/"),
        "{url}"
    );

    // Following the link logs in: a session cookie and the way to the iPad's page.
    let answer = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(async {
            reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap()
                .get(&url)
                .send()
                .await
        });
    let _ = demo.kill();
    let _ = demo.wait();
    let answer = answer.unwrap();
    assert!(answer.status().is_redirection(), "{}", answer.status());
    assert!(answer.headers().contains_key("set-cookie"));
    assert!(answer.headers()["location"]
        .to_str()
        .unwrap()
        .starts_with("/devices/"));
}
