//! The web pages in a real browser: headless Chromium driven through WebDriver
//! (chromedriver, Debian packages `chromium` and `chromium-driver`, installed by
//! tests/setup.sh). An official's computer registers with a server, reads the virtual council
//! iPad twice (the week-2 change) and a hostile iPad, then logs in with the link that
//! `lucarne open --print` prints. The browser reads the device page (capabilities, the
//! week-2 change), switches to English, reads who looked, and renders the hostile iPad, whose
//! every displayed field carries HTML, script, `javascript:` links, a right-to-left override,
//! a NUL byte and a 1 MB name: nothing may run and the layout must hold. Then groups, with a
//! second official on a computer of their own: each chooses the name their groups see, one
//! creates a group and invites the other by account id, the other accepts, both share
//! devices; the comparison shows what only some tablets have ("on 1 of 4 tablets") and by
//! whose; a withdrawn device leaves nothing behind, not even its existence; the owner's
//! access log shows the member's reads. Screenshots of every page at an iPad's and a
//! phone's size go to target/test-artefacts/.
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

/// Tallest whole-page screenshot, in pixels.
const MAX_PAGE_HEIGHT: i64 = 12_000;

/// Screenshots of the current page at every size, the first screen and the whole page (the
/// window made as tall as the page); checks nothing overflows sideways.
async fn screenshots(client: &Client, name: &str) {
    for (size, width, height) in SIZES {
        client.set_window_size(width, height).await.unwrap();
        let png = client.screenshot().await.unwrap();
        std::fs::write(artefacts().join(format!("{name}-{size}.png")), png).unwrap();
        let page_height = client
            .execute("return document.documentElement.scrollHeight;", vec![])
            .await
            .unwrap()
            .as_i64()
            .unwrap();
        if page_height > i64::from(height) {
            let tall = page_height.min(MAX_PAGE_HEIGHT) as u32 + 150;
            client.set_window_size(width, tall).await.unwrap();
            let png = client.screenshot().await.unwrap();
            std::fs::write(artefacts().join(format!("{name}-{size}-full.png")), png).unwrap();
            client.set_window_size(width, height).await.unwrap();
        }
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

/// Logs the browser in as the official of the agent data directory `home` (`lucarne open`).
async fn log_in(client: &Client, home: &Path, base: &str) {
    let link = lucarne(home, &["open", "--print"], "").trim().to_string();
    assert!(link.starts_with(&format!("{base}/login/")), "{link}");
    client.goto(&link).await.unwrap();
    assert_eq!(client.current_url().await.unwrap().path(), "/");
}

/// Clicks the first element `xpath` finds, and waits for the page it leads to: a click
/// returns before the navigation it starts, and the old page's elements go stale with it.
async fn click(client: &Client, xpath: &str) {
    let old_page = client.find(Locator::Css("html")).await.unwrap();
    client
        .find(Locator::XPath(xpath))
        .await
        .unwrap_or_else(|e| panic!("{xpath}: {e}"))
        .click()
        .await
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    while old_page.tag_name().await.is_ok() {
        assert!(
            Instant::now() < deadline,
            "{xpath}: the click led to no new page"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    loop {
        let ready = client
            .execute("return document.readyState;", vec![])
            .await
            .ok();
        if ready.as_ref().and_then(|v| v.as_str()) == Some("complete") {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "{xpath}: the new page did not load"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Logs out with the header's button.
async fn log_out(client: &Client) {
    click(client, "//header//form[@action='/logout']//button").await;
}

/// Types `value` into the field labelled by the `for` id `field`, and submits its form.
async fn submit(client: &Client, field: &str, value: &str) {
    let input = client.find(Locator::Id(field)).await.unwrap();
    input.clear().await.unwrap();
    input.send_keys(value).await.unwrap();
    click(
        client,
        &format!("//input[@id='{field}']/ancestor::form//button[@type='submit']"),
    )
    .await;
}

/// Shares (or withdraws) from the group page the reader's device whose line contains
/// `name`.
async fn share_button(client: &Client, name: &str, button: &str) {
    click(
        client,
        &format!(
            "//section[@aria-labelledby='share']//li[contains(., '{name}')]//button[contains(., '{button}')]"
        ),
    )
    .await;
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

    // A second official, on a computer of their own: their personal iPad, and a council
    // iPad of the same model they hold (week 1: no TeamViewer).
    let home_b = work.path().join("agent-b");
    let code_b = runtime.block_on(async {
        lucarne_server::invite::create(&state.db, 3600)
            .await
            .unwrap()
    });
    lucarne(
        &home_b,
        &["register", "--server", &base, "--code", &code_b],
        "",
    );
    for device in ["personal-ipad", "council-ipad"] {
        let (_dir, ipad) = common::start(&[device], Knobs::default());
        lucarne(&home_b, &["scan"], &ipad.address());
    }

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

        // The first official chooses the name their groups see; a name that could pass for
        // another is refused.
        click(&client, "//header//a[@href='/account']").await;
        submit(&client, "display-name", "Claire\u{202E}Dubois").await;
        let page = text(&client).await;
        assert!(page.contains("Rien n'a été changé"), "{page}");
        submit(&client, "display-name", "Claire Dubois").await;
        let page = text(&client).await;
        assert!(page.contains("Nom enregistré"), "{page}");
        screenshots(&client, "account").await;
        log_out(&client).await;

        // The second official names themself and reads the account id to give.
        log_in(&client, &home_b, &base).await;
        click(&client, "//header//a[@href='/account']").await;
        submit(&client, "display-name", "Camille Martin").await;
        let account_b = client
            .find(Locator::Css("code.account-id"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert_eq!(account_b.len(), 32, "{account_b}");
        log_out(&client).await;

        // The first creates a group, shares the council iPad and the hostile one, invites
        // the second by account id: the invitation waits under the invitee's name.
        log_in(&client, &home, &base).await;
        click(&client, "//header//a[@href='/groups']").await;
        submit(&client, "group-name", "Opposition municipale").await;
        let group_url = client.current_url().await.unwrap();
        assert!(group_url.path().starts_with("/groups/"), "{group_url}");
        share_button(&client, "iPad élu 0142", "Partager").await;
        share_button(&client, "<b>W</b>", "Partager").await;
        submit(&client, "invite-account", &account_b).await;
        unfold(&client).await;
        let page = text(&client).await;
        assert!(page.contains("Invitation envoyée"), "{page}");
        assert!(page.contains("Invitations en attente"), "{page}");
        assert!(page.contains(&format!("Camille Martin (compte {})", &account_b[..12])), "{page}");
        assert!(page.contains("sur 1 des 2 tablettes"), "{page}");
        screenshots(&client, "group-created").await;
        log_out(&client).await;

        // The second accepts, and shares both of theirs.
        log_in(&client, &home_b, &base).await;
        click(&client, "//header//a[@href='/groups']").await;
        let page = text(&client).await;
        assert!(page.contains("Opposition municipale — invitation de Claire Dubois"), "{page}");
        screenshots(&client, "groups-invited").await;
        click(&client, "//form[contains(@action, '/accept')]//button").await;
        assert_eq!(client.current_url().await.unwrap().path(), group_url.path());
        share_button(&client, "iPad de Camille", "Partager").await;
        share_button(&client, "iPad élu 0142", "Partager").await;

        // The comparison: four tablets; what only some have comes first, with whose.
        client.goto(group_url.as_str()).await.unwrap();
        unfold(&client).await;
        let page = text(&client).await;
        let differences = page
            .split("Ce que seuls certains iPad ont")
            .nth(1)
            .expect("the differences are listed")
            .split("Ce que tous les iPad partagés ont")
            .next()
            .unwrap()
            .to_string();
        // Items are listed under the tablets that hold them.
        let teamviewer = client
            .find(Locator::XPath(
                "//li[@class='difference'][.//li[contains(., 'TeamViewer')]]",
            ))
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        assert!(
            teamviewer.starts_with("sur 1 des 4 tablettes — iPad élu 0142 (de Claire Dubois)")
                && teamviewer.contains("App « TeamViewer »"),
            "the week-2 app only the first official's council iPad has: {teamviewer}"
        );
        assert!(
            differences.contains("sur 2 des 4 tablettes — iPad élu 0142 (de Claire Dubois), iPad élu 0142 (de Camille Martin)"),
            "what both council iPads have and the others do not: {differences}"
        );
        assert!(page.contains("<b>W</b>"), "the hostile iPad is shared, as text: {page}");
        let hostile_markup = client
            .execute(
                "return [document.title.includes('pwned'), document.scripts.length, \
                 document.querySelectorAll('img, iframe, object, embed, style, b').length];",
                vec![],
            )
            .await
            .unwrap();
        assert_eq!(hostile_markup, serde_json::json!([false, 0, 0]), "the group page made markup of a name");
        let first_difference = client
            .find(Locator::Css("ul.compare li.difference"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(first_difference.contains("sur 1 des 4"), "the rarest first: {first_difference}");
        screenshots(&client, "group-compared").await;
        let source = client.source().await.unwrap();
        assert!(!source.contains("00008103"), "no UDID on the group page");
        log_out(&client).await;

        // The first official withdraws the hostile iPad.
        log_in(&client, &home, &base).await;
        client.goto(group_url.as_str()).await.unwrap();
        share_button(&client, "<b>W</b>", "Retirer").await;
        log_out(&client).await;

        // The member sees nothing of it any more: not its name, not its handle, not in the
        // counts; its page answers like a device that never existed.
        log_in(&client, &home_b, &base).await;
        client.goto(group_url.as_str()).await.unwrap();
        unfold(&client).await;
        let page = text(&client).await;
        let source = client.source().await.unwrap();
        let hostile_handle = hostile_url.trim_start_matches("/devices/");
        assert!(!page.contains("<b>W</b>") && !page.contains("iyad"), "{page}");
        assert!(!source.contains(hostile_handle), "the withdrawn iPad's handle remains");
        assert!(page.contains("sur 1 des 3 tablettes"), "{page}");
        assert!(!page.contains("des 4 tablettes"), "{page}");
        screenshots(&client, "group-withdrawn").await;
        client.goto(&format!("{base}{hostile_url}")).await.unwrap();
        let page = text(&client).await;
        assert!(page.contains("Page introuvable"), "{page}");
        assert!(!page.contains("<b>W</b>"), "{page}");
        screenshots(&client, "not-found").await;
        client.goto(&base).await.unwrap();
        log_out(&client).await;

        // The owner's access log shows the member's reads, under the member's name.
        log_in(&client, &home, &base).await;
        click(&client, "//a[contains(., 'iPad élu 0142')]").await;
        click(&client, "//a[contains(@href, '/access')]").await;
        let page = text(&client).await;
        assert!(
            page.contains("Un membre d'un de vos groupes (Camille Martin) la comparaison de groupe le site"),
            "{page}"
        );
        screenshots(&client, "access-group").await;

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
