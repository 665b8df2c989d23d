//! The web pages in a real browser: headless Chromium driven through WebDriver
//! (chromedriver, Debian packages `chromium` and `chromium-driver`, installed by
//! tests/setup.sh). An official's computer registers with a server, reads the virtual council
//! iPad twice (the week-2 change) and a hostile iPad, then logs in with the link that
//! `lucarne open --print` prints. The browser reads the device page (capabilities, the
//! week-2 change), switches to English, reads who looked, and renders the hostile iPad, whose
//! every displayed field carries HTML, script, `javascript:` links, a right-to-left override,
//! a NUL byte and a 1 MB name: nothing may run and the layout must hold. Screenshots of every
//! page at an iPad's and a phone's size go to target/test-artefacts/.
#![allow(clippy::unwrap_used)]

mod common;

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use lucarne_server::{AppState, Config};
use lucarne_virtual_ipad::devicedir::{bundled_root, DeviceDir};
use lucarne_virtual_ipad::{Knobs, VirtualIpad};

/// iPad (portrait) and phone window sizes.
const SIZES: [(&str, u32, u32); 2] = [("ipad", 820, 1180), ("phone", 390, 844)];

fn lucarne(home: &Path, args: &[&str], address: &str) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_lucarne"))
        .args(args)
        .env("LUCARNE_HOME", home)
        .env("USBMUXD_SOCKET_ADDRESS", address)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "lucarne {args:?}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// chromedriver on a free loopback port, stopped (by its own handle) when dropped.
struct Driver {
    child: Child,
    url: String,
}

impl Driver {
    fn start() -> Driver {
        let port = free_port();
        let child = Command::new("chromedriver")
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver (Debian package chromium-driver; see tests/setup.sh)");
        let deadline = Instant::now() + Duration::from_secs(20);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "chromedriver did not start");
            std::thread::sleep(Duration::from_millis(100));
        }
        Driver {
            child,
            url: format!("http://127.0.0.1:{port}"),
        }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn browser(driver: &Driver) -> Client {
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        serde_json::json!({
            "binary": "/usr/bin/chromium",
            "args": ["--headless", "--no-sandbox", "--disable-gpu",
                     "--disable-background-networking", "--disable-component-update",
                     "--disable-sync", "--disable-dev-shm-usage", "--lang=fr-FR"]
        }),
    );
    ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(caps)
        .connect(&driver.url)
        .await
        .unwrap()
}

fn artefacts() -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .unwrap()
        .join("test-artefacts");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Screenshots of the current page at every size; checks nothing overflows sideways.
async fn screenshots(client: &Client, name: &str) {
    for (size, width, height) in SIZES {
        client.set_window_size(width, height).await.unwrap();
        let png = client.screenshot().await.unwrap();
        std::fs::write(artefacts().join(format!("{name}-{size}.png")), png).unwrap();
        let overflow = client
            .execute(
                "return document.documentElement.scrollWidth - document.documentElement.clientWidth;",
                vec![],
            )
            .await
            .unwrap();
        assert!(
            overflow.as_i64().unwrap() <= 0,
            "{name} at {size} size overflows sideways by {overflow} px"
        );
    }
}

/// Text of the page's body, whitespace runs made single spaces.
async fn text(client: &Client) -> String {
    client
        .find(Locator::Css("body"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Opens every `<details>` so that their content is visible to `text` and screenshots.
async fn unfold(client: &Client) {
    client
        .execute(
            "document.querySelectorAll('details').forEach(d => d.open = true); return 0;",
            vec![],
        )
        .await
        .unwrap();
}

/// The hostile device directory with its name made 1 MB long, in `dir`.
fn hostile_device(dir: &Path) -> DeviceDir {
    let source = bundled_root().join("hostile-ipad");
    let target = dir.join("hostile-ipad");
    copy_dir(&source, &target);
    let toml = target.join("device.toml");
    let text = std::fs::read_to_string(&toml).unwrap();
    let huge = format!(
        "{}\\u202E{}",
        "<b>W</b>".repeat(60 * 1024),
        "x".repeat(500 * 1024)
    );
    let text = text.replacen("DeviceName = \"", &format!("DeviceName = \"{huge}"), 1);
    std::fs::write(&toml, text).unwrap();
    DeviceDir::load(&target).unwrap()
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let path = entry.path();
        if path.is_dir() {
            copy_dir(&path, &to.join(entry.file_name()));
        } else {
            std::fs::copy(&path, to.join(entry.file_name())).unwrap();
        }
    }
}

#[test]
fn the_pages_in_a_real_browser() {
    let work = tempfile::tempdir().unwrap();
    let home = work.path().join("agent");
    let runtime = tokio::runtime::Runtime::new().unwrap();

    // The server, and a registration code.
    let config = Config {
        listen: SocketAddr::from(([127, 0, 0, 1], 0)),
        data_dir: work.path().join("server"),
        origin: "lucarne.browser/log".into(),
        ..Config::default()
    };
    let (base, code, state) = runtime.block_on(async {
        let state = AppState::open(&config).await.unwrap();
        let listener = tokio::net::TcpListener::bind(config.listen).await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let code = lucarne_server::invite::create(&state.db, 3600)
            .await
            .unwrap();
        tokio::spawn(lucarne_server::serve::run(
            listener,
            state.clone(),
            std::future::pending::<()>(),
        ));
        (base, code, state)
    });
    lucarne(&home, &["register", "--server", &base, "--code", &code], "");

    // The council iPad, then a week later, then the hostile iPad.
    for device in ["council-ipad", "council-ipad-week2"] {
        let (_dir, ipad) = common::start(&[device], Knobs::default());
        lucarne(&home, &["scan"], &ipad.address());
    }
    let hostile = hostile_device(work.path());
    let ipad = VirtualIpad::start(
        &work.path().join("usbmuxd-hostile"),
        vec![hostile],
        Knobs::default(),
    )
    .unwrap();
    lucarne(&home, &["scan"], &ipad.address());
    drop(ipad);

    let link = lucarne(&home, &["open", "--print"], "").trim().to_string();
    assert!(link.starts_with(&format!("{base}/login/")), "{link}");

    let driver = Driver::start();
    runtime.block_on(async {
        let client = browser(&driver).await;

        // The login link lands on the home page, in French.
        client.goto(&link).await.unwrap();
        assert_eq!(client.current_url().await.unwrap().path(), "/");
        let home_text = text(&client).await;
        assert!(home_text.contains("Mes iPad"), "{home_text}");
        screenshots(&client, "home").await;

        // The council iPad's page: the summary, the capabilities and the week-2 change.
        let council = client
            .find(Locator::XPath("//a[contains(., 'iPad élu 0142')]"))
            .await
            .unwrap();
        council.click().await.unwrap();
        let device_url = client.current_url().await.unwrap();
        assert!(device_url.path().starts_with("/devices/"));
        assert!(!device_url.as_str().contains("00008103"), "no UDID in URLs");
        unfold(&client).await;
        let page = text(&client).await;
        assert!(page.contains("mdm.region-exemple.fr"), "the capabilities: {page}");
        assert!(page.contains("Historique des changements"), "{page}");
        // (`text` made every space, U+202F included, a plain one.)
        assert!(page.contains("ALERTE Nouvelle application : « TeamViewer »"), "the week-2 change: {page}");
        assert!(page.contains("ALERTE Nouvelle restriction : les captures"), "the week-2 change: {page}");
        assert!(page.contains("1 instantané avec des changements"), "the chart's description: {page}");
        screenshots(&client, "device").await;

        // English on request.
        client
            .find(Locator::LinkText("English"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        let page = text(&client).await;
        assert!(page.contains("History of changes"), "{page}");
        screenshots(&client, "device-en").await;

        // Who looked: these reads are in the log, with the operator's caveat.
        client
            .find(Locator::LinkText("Who looked at this iPad"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        let page = text(&client).await;
        assert!(page.contains("operator of this server can read the database"), "{page}");
        assert!(page.contains("the iPad's page"), "{page}");
        screenshots(&client, "access").await;

        // The hostile iPad: everything shown as text, nothing runs, the layout holds.
        client.goto(&format!("{base}/?lang=fr")).await.unwrap();
        let links = client.find_all(Locator::Css(".card h2 a")).await.unwrap();
        let mut hostile_url = None;
        for l in links {
            if l.text().await.unwrap().contains("<b>W</b>") {
                hostile_url = l.attr("href").await.unwrap();
            }
        }
        let hostile_url = hostile_url.expect("the hostile iPad is listed under its (escaped) name");
        client.goto(&format!("{base}{hostile_url}")).await.unwrap();
        unfold(&client).await;
        let page = text(&client).await;
        assert!(page.contains("<b>W</b>"), "the hostile name shown as text: {page}");
        assert!(page.contains("<script>"), "hostile markup shown as text: {page}");
        assert!(page.contains("javascript:"), "hostile links shown as text: {page}");
        let checks = client
            .execute(
                "return [document.title.includes('pwned'), document.scripts.length, \
                 document.querySelectorAll('img, iframe, object, embed, style').length, \
                 Array.from(document.links).filter(a => !a.href.startsWith(location.origin)).length, \
                 document.querySelectorAll('[onerror], [onclick], [onload]').length];",
                vec![],
            )
            .await
            .unwrap();
        assert_eq!(checks, serde_json::json!([false, 0, 0, 0, 0]), "something hostile became markup");
        screenshots(&client, "hostile").await;

        client.close().await.unwrap();
    });
    let reads: i64 = runtime.block_on(async {
        sqlx::query_scalar("SELECT COUNT(*) FROM access_log")
            .fetch_one(&state.db.pool)
            .await
            .unwrap()
    });
    assert!(reads >= 4, "every page read is logged ({reads})");
}
