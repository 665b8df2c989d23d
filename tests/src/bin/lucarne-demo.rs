//! `lucarne-demo`: the whole of Lucarne on one machine, with nothing to install. A virtual
//! council iPad (it speaks the real usbmuxd/lockdown protocol) is read by the agent, which
//! explains what the administration can do, signs the snapshot and sends it to an embedded
//! server (SQLite); a week later the administration has changed things, and the server's
//! receipt says what changed. Everything lives in a temporary folder removed at the end.
//!
//! Then the server keeps running and the demo prints a login link to the demo iPad's page
//! (Enter prints a fresh one, Ctrl-C stops) and opens the first in the browser when one can
//! be shown (not with `--no-browser`); `--exit` stops right after the two scans.
//!
//! `cargo run --release -p lucarne-e2e --bin lucarne-demo [-- --lang en] [--exit] [--no-browser]`

use std::path::Path;

use anyhow::Context as _;
use fluent_bundle::FluentValue;
use lucarne::device::collect::{self, ScanOptions};
use lucarne::device::snapshot::to_snapshot;
use lucarne::device::UsbmuxAddress;
use lucarne::home::Home;
use lucarne::i18n::{arg, Messages};
use lucarne::upload::{self, UploadOutcome};
use lucarne_e2e::EmbeddedServer;
use lucarne_profiles::compare::{ChangeEvent, Level};
use lucarne_profiles::redact::Redactor;
use lucarne_profiles::Snapshot;
use lucarne_proof::receipt::Receipt;
use lucarne_virtual_ipad::devicedir::{self, DeviceDir};
use lucarne_virtual_ipad::{Knobs, VirtualIpad};
use lucarne_words::{plain, Lang, Words};

/// The socket the by-hand instructions suggest (the README's).
const BY_HAND_SOCKET: &str = "/tmp/vipad.sock";

/// How to run by hand the virtual iPad the demo starts for `device`: the `lucarne-simulate`
/// command line, and the `USBMUXD_SOCKET_ADDRESS` value that points `lucarne scan` at it.
fn by_hand(device: &str) -> (String, String) {
    let dir = devicedir::bundled_root().join(device);
    // Relative to where the demo runs (usually the workspace root), as the README writes it.
    let dir = std::env::current_dir()
        .ok()
        .and_then(|cwd| dir.strip_prefix(cwd).ok().map(Path::to_path_buf))
        .unwrap_or(dir);
    (
        format!(
            "cargo run -p lucarne-virtual-ipad --bin lucarne-simulate -- serve --socket {BY_HAND_SOCKET} --device {}",
            dir.display()
        ),
        format!("UNIX:{BY_HAND_SOCKET}"),
    )
}

/// Reads the virtual iPad described by `device` the way `lucarne scan` reads a real one.
fn scan(work: &Path, device: &str, home: &Home) -> anyhow::Result<(Snapshot, VirtualIpad)> {
    let dir = DeviceDir::bundled(device)
        .with_context(|| format!("loading the device directory {device}"))?;
    let socket = work.join(format!("usbmuxd-{device}"));
    let ipad = VirtualIpad::start(&socket, vec![dir], Knobs::default())?;
    let options = ScanOptions {
        address: UsbmuxAddress::parse(&ipad.address()).map_err(anyhow::Error::msg)?,
        udid: None,
    };
    let reading = collect::scan(&options)?;
    let taken_at = lucarne::sources::now_rfc3339();
    let mut snapshot = lucarne::sources::merge(vec![to_snapshot(&reading, &taken_at)], &taken_at);
    Redactor::new(&lucarne::keys::salt_in(home)?).snapshot(&mut snapshot);
    Ok((snapshot, ipad))
}

fn main() -> anyhow::Result<()> {
    let lang = match std::env::args().skip_while(|a| a != "--lang").nth(1) {
        Some(l) => l.parse::<Lang>().map_err(anyhow::Error::msg)?,
        None => Lang::Fr,
    };
    let msgs = Messages::new(lang);
    let say = |id: &str, args: &[(&str, FluentValue<'_>)]| println!("{}", msgs.get(id, args));
    let work = tempfile::tempdir()?;
    let home = Home::at(work.path().join("agent"))?;
    let runtime = tokio::runtime::Runtime::new()?;

    // 1. The council iPad, read over the (virtual) USB connection.
    let (first, ipad) = scan(work.path(), "council-ipad", &home)?;
    say("demo-step-ipad", &[("socket", arg(&ipad.address()))]);
    let (serve, address) = by_hand("council-ipad");
    say(
        "demo-by-hand",
        &[("serve", arg(&serve)), ("address", arg(&address))],
    );
    say("demo-step-scan", &[]);
    print!(
        "{}",
        lucarne::commands::scan::render_report(&first, lang, false)
    );
    let refused = ipad.refused().len();
    say(
        "demo-readonly",
        &[
            ("count", FluentValue::from(ipad.requests().len())),
            ("refused", FluentValue::from(refused)),
        ],
    );
    anyhow::ensure!(
        refused == 0,
        "the agent sent a request outside the read allowlist"
    );
    drop(ipad);

    // 2. An independent server, embedded, with SQLite in the temporary folder.
    let server = runtime.block_on(EmbeddedServer::start(
        &work.path().join("server"),
        "lucarne.demo/log",
    ))?;
    let base = server.base.clone();
    let code = runtime.block_on(server.invite())?;
    say(
        "demo-step-server",
        &[("url", arg(&base)), ("code", arg(&code))],
    );
    let registration =
        runtime.block_on(lucarne::registration::register(&home, &base, &code, "démo"))?;
    say(
        "demo-step-registered",
        &[("key", arg(&registration.key_id))],
    );
    report_upload(&runtime, &home, first, lang, &msgs)?;

    // 3. A week later: one restriction changed, one new app.
    say("demo-step-week2", &[]);
    let (second, _ipad) = scan(work.path(), "council-ipad-week2", &home)?;
    report_upload(&runtime, &home, second, lang, &msgs)?;
    if !std::env::args().any(|a| a == "--exit") {
        serve_pages(&runtime, &home, &base, lang, &msgs)?;
    }
    runtime.block_on(server.stop())?;
    say(
        "demo-done",
        &[("dir", arg(&work.path().display().to_string()))],
    );
    Ok(())
}

/// Keeps the server running: prints a login link to the demo iPad's page, a fresh one each
/// time Enter is pressed (a link works once, for a minute), until Ctrl-C.
fn serve_pages(
    runtime: &tokio::runtime::Runtime,
    home: &Home,
    base: &str,
    lang: Lang,
    msgs: &Messages,
) -> anyhow::Result<()> {
    let key = lucarne::keys::AgentKey::load(home)?;
    let client = lucarne::upload::client::ServerClient::new(base)?;
    let (lines, mut enter) = tokio::sync::mpsc::unbounded_channel::<()>();
    std::thread::spawn(move || {
        let mut line = String::new();
        while std::io::stdin().read_line(&mut line).is_ok_and(|n| n > 0) {
            line.clear();
            if lines.send(()).is_err() {
                break;
            }
        }
    });
    let browser = !std::env::args().any(|a| a == "--no-browser");
    let mut opened = false;
    runtime.block_on(async {
        loop {
            let answer = client
                .signed(&key, "POST", "/api/v1/login-links", b"{}".to_vec())
                .await?;
            let link: serde_json::Value = serde_json::from_slice(&answer)?;
            let devices: serde_json::Value = serde_json::from_slice(
                &client
                    .signed(&key, "GET", "/api/v1/devices", Vec::new())
                    .await?,
            )?;
            let handle = devices["devices"][0]["handle"].as_str().unwrap_or_default();
            let url = format!(
                "{}?next=/devices/{handle}&lang={}",
                link["url"].as_str().context("login link")?,
                lang.code()
            );
            println!("{}", msgs.get("demo-open", &[("url", arg(&url))]));
            // The first link opens by itself when a browser can be shown (the link then is
            // spent: Enter gives another).
            if !opened && browser && lucarne::commands::open::has_graphical_session() {
                opened = true;
                if lucarne::commands::open::open_browser(&url) {
                    println!("{}", msgs.get("demo-opened", &[]));
                }
            }
            tokio::select! {
                _ = tokio::signal::ctrl_c() => break,
                more = enter.recv() => if more.is_none() {
                    // No terminal to read from: serve until Ctrl-C.
                    tokio::signal::ctrl_c().await?;
                    break;
                },
            }
        }
        anyhow::Ok(())
    })
}

/// Seals, sends, verifies the receipt, and prints what the server found changed.
fn report_upload(
    runtime: &tokio::runtime::Runtime,
    home: &Home,
    snapshot: Snapshot,
    lang: Lang,
    msgs: &Messages,
) -> anyhow::Result<()> {
    let UploadOutcome::Pushed { sealed, report } =
        runtime.block_on(upload::after_scan(home, snapshot))?
    else {
        anyhow::bail!("the demo agent is registered, yet nothing was sent");
    };
    anyhow::ensure!(report.refused.is_empty(), "refused: {:?}", report.refused);
    let accepted = report
        .accepted
        .iter()
        .find(|a| a.sequence == sealed.sequence)
        .context("the server did not accept the snapshot")?;
    println!(
        "{}",
        msgs.get(
            "scan-accepted",
            &[
                ("sequence", FluentValue::from(accepted.sequence)),
                ("leaf", FluentValue::from(accepted.leaf_index)),
                ("size", FluentValue::from(accepted.tree_size)),
                ("alerts", FluentValue::from(accepted.alerts)),
            ],
        )
    );
    // The receipt carries facts only: the demo words them in its reader's language.
    let receipt: Receipt = serde_json::from_slice(&std::fs::read(&accepted.receipt_path)?)?;
    let words = Words::new(lang);
    let mut events: Vec<ChangeEvent> = receipt
        .events
        .into_iter()
        .map(serde_json::from_value)
        .collect::<Result<_, _>>()?;
    events.sort_by_key(|e| std::cmp::Reverse(e.level));
    for event in events {
        let id = if event.level == Level::Alert {
            "demo-alert"
        } else {
            "demo-event"
        };
        let text = lucarne_words::sentences::change(&words, &event);
        let line = msgs.get(id, &[("text", FluentValue::from(text))]);
        for wrapped in plain::wrap(&line, plain::WIDTH, "", "  ") {
            println!("{wrapped}");
        }
    }
    Ok(())
}
