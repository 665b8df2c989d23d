//! The web pages over HTTP, on SQLite and PostgreSQL: login through a signed request for a
//! single-use link, the session cookie, security headers on every page, the device page
//! (explanation, change, signed bytes), groups (invite, share, compare, withdraw), the access
//! log, CSRF, and the table of who may read what.
#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use serde_json::json;

use lucarne_profiles::snapshot::Snapshot;

/// A browser without a cookie jar: the session cookie is carried by hand.
struct Browser {
    http: reqwest::Client,
    cookie: Option<String>,
}

struct Page {
    status: u16,
    headers: reqwest::header::HeaderMap,
    body: String,
}

impl Browser {
    fn new() -> Browser {
        Browser {
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            cookie: None,
        }
    }

    async fn get(&self, url: &str) -> Page {
        let mut request = self.http.get(url);
        if let Some(c) = &self.cookie {
            request = request.header("cookie", c);
        }
        let response = request.send().await.unwrap();
        Page {
            status: response.status().as_u16(),
            headers: response.headers().clone(),
            body: response.text().await.unwrap(),
        }
    }

    async fn post(&self, url: &str, form: &[(&str, &str)]) -> Page {
        let body = form
            .iter()
            .map(|(k, v)| format!("{k}={}", urlencode(v)))
            .collect::<Vec<_>>()
            .join("&");
        let mut request = self
            .http
            .post(url)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body);
        if let Some(c) = &self.cookie {
            request = request.header("cookie", c);
        }
        let response = request.send().await.unwrap();
        Page {
            status: response.status().as_u16(),
            headers: response.headers().clone(),
            body: response.text().await.unwrap(),
        }
    }

    /// Follows a login link: keeps the session cookie.
    async fn login(&mut self, url: &str) -> Page {
        let page = self.get(url).await;
        if let Some(set) = page.headers.get("set-cookie") {
            let pair = set.to_str().unwrap().split(';').next().unwrap().to_string();
            self.cookie = Some(pair);
        }
        page
    }
}

fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The CSRF token of a page's forms.
fn csrf(page: &Page) -> String {
    let at = page.body.find("name=\"csrf\" value=\"").unwrap() + 19;
    page.body[at..at + 64].to_string()
}

/// The group page's comparison section.
fn comparison(page: &Page) -> &str {
    let start = page.body.find("id=\"compare\"").unwrap();
    let end = page.body.find("id=\"share\"").unwrap();
    &page.body[start..end]
}

fn assert_security_headers(page: &Page, what: &str) {
    let h = |name: &str| {
        page.headers
            .get(name)
            .map(|v| v.to_str().unwrap().to_string())
            .unwrap_or_default()
    };
    let csp = h("content-security-policy");
    assert!(csp.contains("default-src 'none'"), "{what}: {csp}");
    assert!(!csp.contains("unsafe-inline"), "{what}: {csp}");
    assert_eq!(h("x-content-type-options"), "nosniff", "{what}");
    assert_eq!(h("referrer-policy"), "no-referrer", "{what}");
    assert_eq!(h("cache-control"), "no-store", "{what}");
}

/// An official: a registered agent with one device uploaded twice (the second adds a proxy).
async fn official(
    server: &TestServer,
    udid: &str,
    name: &str,
    app: Option<&str>,
) -> (Agent, String) {
    let agent = Agent::new();
    let (status, body) = agent.register(server, &server.invite().await).await;
    assert_eq!(status, 200, "{body}");
    let mut chain = Chain::new(udid);
    let mut state: Snapshot = base_state();
    state.device.name = Some(name.into());
    if let Some(app) = app {
        state.apps.push(lucarne_profiles::snapshot::App {
            bundle_id: format!("com.example.{app}"),
            name: Some(app.into()),
            managed: Some(true),
            ..Default::default()
        });
    }
    let (status, body) = agent
        .post(server, agent.envelope(&chain.next_bytes(&state)))
        .await;
    assert_eq!(status, 200, "{body}");
    state.profiles.push(proxy_profile("Proxy de la région"));
    let (status, body) = agent
        .post(server, agent.envelope(&chain.next_bytes(&state)))
        .await;
    assert_eq!(status, 200, "{body}");
    let handle = agent.handle(server, udid).await;
    (agent, handle)
}

async fn login_link(server: &TestServer, agent: &Agent) -> String {
    let (status, body) = agent
        .signed_post(server, "/api/v1/login-links", &json!({}))
        .await;
    assert_eq!(status, 200, "{body}");
    body["url"].as_str().unwrap().to_string()
}

async fn logged_in(server: &TestServer, agent: &Agent) -> Browser {
    let mut browser = Browser::new();
    let page = browser.login(&login_link(server, agent).await).await;
    assert_eq!(page.status, 303);
    browser
}

async fn access_count(server: &TestServer, handle: &str) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM access_log WHERE handle = $1")
        .bind(handle)
        .fetch_one(&server.state.db.pool)
        .await
        .unwrap()
}

async fn pages(db: TestDb) {
    let dir = tempfile::tempdir().unwrap();
    let server = TestServer::start(&config(dir.path(), &db)).await;
    let (alice, alice_ipad) = official(
        &server,
        "UDID-ALICE",
        "iPad d'Alice <script>alert(1)</script>",
        None,
    )
    .await;
    let (bob, bob_ipad) = official(&server, "UDID-BOB", "iPad de Bob", Some("Agenda")).await;

    // No session: the home page asks to log in; the device page does too.
    let anonymous = Browser::new();
    let page = anonymous.get(&server.url("/")).await;
    assert_eq!(page.status, 401);
    assert!(page.body.contains("lucarne open"), "{}", page.body);
    assert_security_headers(&page, "login needed");

    // The login link: once, sets an HttpOnly SameSite cookie, goes home.
    let url = login_link(&server, &alice).await;
    assert!(url.starts_with(&server.base), "{url}");
    let mut browser = Browser::new();
    let page = browser.login(&url).await;
    assert_eq!(page.status, 303);
    assert_eq!(page.headers["location"], "/");
    let cookie = page.headers["set-cookie"].to_str().unwrap();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    assert!(!cookie.contains("Secure"), "http server: {cookie}");
    let again = Browser::new().get(&url).await;
    assert_eq!(again.status, 410, "a login link works once");
    assert_security_headers(&again, "used link");

    // Home: my device, with its alert; nothing of Bob's.
    let page = browser.get(&server.url("/")).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert_security_headers(&page, "home");
    assert!(page.body.contains(&format!("/devices/{alice_ipad}")));
    assert!(!page.body.contains(&bob_ipad));
    assert!(!page.body.contains("UDID-ALICE"), "no UDID in pages");
    assert!(!page.body.contains("<script>alert"), "names are escaped");
    assert!(page.body.contains("&lt;script&gt;"));

    // The device page: summary first, the proxy, the change, the signed bytes.
    let page = browser
        .get(&server.url(&format!("/devices/{alice_ipad}")))
        .await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert_security_headers(&page, "device");
    assert!(page.body.contains("<html lang=\"fr\">"));
    assert!(page.body.contains("proxy.region.example"), "{}", page.body);
    assert!(page.body.contains("<details>"));
    assert!(page.body.contains("<svg"));
    let summary_at = page.body.find("id=\"summary\"").unwrap();
    let timeline_at = page.body.find("id=\"timeline\"").unwrap();
    assert!(summary_at < timeline_at, "the summary comes first");
    let leaf_link = format!("/devices/{alice_ipad}/snapshots/");
    let at = page.body.find(&leaf_link).unwrap() + leaf_link.len();
    let leaf: String = page.body[at..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    let bytes = browser
        .get(&server.url(&format!("/devices/{alice_ipad}/snapshots/{leaf}")))
        .await;
    assert_eq!(bytes.status, 200);
    assert_security_headers(&bytes, "signed bytes");
    let envelope = lucarne_proof::envelope::Envelope::from_json(bytes.body.as_bytes()).unwrap();
    assert_eq!(envelope.key_id, alice.key_id);

    // English on request, remembered.
    let page = browser
        .get(&server.url(&format!("/devices/{alice_ipad}?lang=en")))
        .await;
    assert!(page.body.contains("<html lang=\"en\">"));
    assert!(page.body.contains("History of changes"));
    assert!(page.headers["set-cookie"]
        .to_str()
        .unwrap()
        .starts_with("lucarne_lang=en"));

    // Cookies never open the API.
    let response = reqwest::Client::new()
        .get(server.url("/api/v1/devices"))
        .header("cookie", browser.cookie.clone().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 401);

    // Forms need the session's CSRF token.
    let page = browser
        .post(
            &server.url("/groups"),
            &[("csrf", &"0".repeat(64)), ("name", "x")],
        )
        .await;
    assert_eq!(page.status, 403);
    assert_security_headers(&page, "csrf refused");

    // Display names: refused when they could pass for another (direction override,
    // zero-width space, control) or are too long, nothing changed; kept as text otherwise.
    let account = browser.get(&server.url("/account")).await;
    assert_eq!(account.status, 200, "{}", account.body);
    assert_security_headers(&account, "account");
    let token = csrf(&account);
    for (bad, outcome) in [
        ("Alice\u{202E}ecilA", "unsafe"),
        ("Ali\u{200B}ce", "unsafe"),
        ("Alice\u{0}", "unsafe"),
        (&*"A".repeat(61), "too-long"),
        (&*"A".repeat(100_000), "too-long"),
    ] {
        let page = browser
            .post(&server.url("/account"), &[("csrf", &token), ("name", bad)])
            .await;
        assert_eq!(page.status, 303, "{bad:?}");
        assert_eq!(page.headers["location"], format!("/account?name={outcome}"));
    }
    let page = browser.get(&server.url("/account?name=unsafe")).await;
    assert!(page.body.contains("Rien n"), "{}", page.body);
    let unnamed: Option<String> =
        sqlx::query_scalar("SELECT display_name FROM accounts WHERE account_id = $1")
            .bind(account_of(&server, &alice).await)
            .fetch_one(&server.state.db.pool)
            .await
            .unwrap();
    assert_eq!(unnamed, None, "a refused name changes nothing");
    let page = browser
        .post(
            &server.url("/account"),
            &[("csrf", &"0".repeat(64)), ("name", "Alice")],
        )
        .await;
    assert_eq!(page.status, 403, "the name form needs the CSRF token");
    let page = browser
        .post(
            &server.url("/account"),
            &[("csrf", &token), ("name", "  Alice <Durand>  ")],
        )
        .await;
    assert_eq!(page.headers["location"], "/account?name=saved");
    let page = browser.get(&server.url("/account")).await;
    assert!(
        page.body.contains("value=\"Alice &lt;Durand&gt;\""),
        "{}",
        page.body
    );
    assert!(!page.body.contains("<Durand>"));

    // Access rules before any share: Bob sees nothing of Alice's device.
    let bob_browser = logged_in(&server, &bob).await;
    let page = bob_browser.get(&server.url("/account")).await;
    let page = bob_browser
        .post(
            &server.url("/account"),
            &[("csrf", &csrf(&page)), ("name", "Bob Martin")],
        )
        .await;
    assert_eq!(page.headers["location"], "/account?name=saved");
    let page = bob_browser
        .get(&server.url(&format!("/devices/{alice_ipad}")))
        .await;
    assert_eq!(page.status, 404);
    assert_security_headers(&page, "not found");
    let (status, _) = bob
        .signed_get(&server, &format!("/api/v1/devices/{alice_ipad}/timeline"))
        .await;
    assert_eq!(status, 404);

    // A group: Alice creates it, invites Bob, Bob accepts and shares his iPad.
    let groups = browser.get(&server.url("/groups")).await;
    let token = csrf(&groups);
    let page = browser
        .post(
            &server.url("/groups"),
            &[("csrf", &token), ("name", "Opposition <b>")],
        )
        .await;
    assert_eq!(page.status, 303);
    let group_url = page.headers["location"].to_str().unwrap().to_string();
    let bob_account: String =
        sqlx::query_scalar("SELECT account_id FROM account_keys WHERE key_id = $1")
            .bind(&bob.key_id)
            .fetch_one(&server.state.db.pool)
            .await
            .unwrap();
    let page = browser
        .post(
            &server.url(&format!("{group_url}/invitations")),
            &[("csrf", &token), ("account", &bob_account)],
        )
        .await;
    assert_eq!(page.status, 303);
    // Bob cannot see the group before accepting; Alice sees him invited, by his name.
    assert_eq!(bob_browser.get(&server.url(&group_url)).await.status, 404);
    let page = browser.get(&server.url(&group_url)).await;
    let short: String = bob_account.chars().take(12).collect();
    assert!(
        page.body.contains(&format!("Bob Martin (compte {short})")),
        "{}",
        page.body
    );
    let bob_groups = bob_browser.get(&server.url("/groups")).await;
    assert!(bob_groups.body.contains("Opposition &lt;b&gt;"));
    assert!(
        bob_groups
            .body
            .contains("invitation de Alice &lt;Durand&gt;"),
        "{}",
        bob_groups.body
    );
    let bob_token = csrf(&bob_groups);
    let page = bob_browser
        .post(
            &server.url(&format!("{group_url}/accept")),
            &[("csrf", &bob_token)],
        )
        .await;
    assert_eq!(page.status, 303);
    // Bob cannot share Alice's device.
    let page = bob_browser
        .post(
            &server.url(&format!("{group_url}/shares")),
            &[
                ("csrf", &bob_token),
                ("device", &alice_ipad),
                ("action", "share"),
            ],
        )
        .await;
    assert_eq!(page.status, 404);
    // Before sharing, the group page shows nothing of Bob's iPad to Alice.
    let page = browser.get(&server.url(&group_url)).await;
    assert!(!page.body.contains("iPad de Bob"));
    assert!(!page.body.contains(&bob_ipad));
    let page = bob_browser
        .post(
            &server.url(&format!("{group_url}/shares")),
            &[
                ("csrf", &bob_token),
                ("device", &bob_ipad),
                ("action", "share"),
            ],
        )
        .await;
    assert_eq!(page.status, 303);
    let page = browser.get(&server.url(&group_url)).await;
    assert_eq!(page.status, 200);
    assert_security_headers(&page, "group");
    // The forms are reachable from the top of the page (on a phone they follow a long
    // comparison).
    for anchor in ["#compare", "#share", "#invite"] {
        assert!(
            page.body.contains(&format!("<a href=\"{anchor}\">")),
            "{anchor}"
        );
    }
    assert!(page.body.contains("Sur cette page"));
    assert!(
        comparison(&page).contains("iPad de Bob (de Bob Martin)"),
        "{}",
        page.body
    );
    assert!(
        !comparison(&page).contains("Alice"),
        "Alice has not shared hers"
    );
    // Alice now reads Bob's iPad page; Bob's log shows it.
    let before = access_count(&server, &bob_ipad).await;
    let page = browser
        .get(&server.url(&format!("/devices/{bob_ipad}")))
        .await;
    assert_eq!(page.status, 200);
    assert!(access_count(&server, &bob_ipad).await > before);
    // Alice shares hers: the comparison has what only some have, with the count.
    let page = browser
        .post(
            &server.url(&format!("{group_url}/shares")),
            &[
                ("csrf", &token),
                ("device", &alice_ipad),
                ("action", "share"),
            ],
        )
        .await;
    assert_eq!(page.status, 303);
    let page = browser.get(&server.url(&group_url)).await;
    let compared = comparison(&page);
    assert!(
        compared.contains("iPad de Bob") && compared.contains("Alice"),
        "{compared}"
    );
    // Items are listed under who holds them.
    let agenda = compared.find("Agenda").unwrap();
    let card = compared[..agenda]
        .rfind("<li class=\"difference\">")
        .unwrap();
    assert!(
        compared[card..agenda].contains("sur 1 des 2 tablettes"),
        "{compared}"
    );
    // Bob withdraws: his iPad disappears from the group and from Alice's reach.
    let page = bob_browser
        .post(
            &server.url(&format!("{group_url}/shares")),
            &[
                ("csrf", &bob_token),
                ("device", &bob_ipad),
                ("action", "withdraw"),
            ],
        )
        .await;
    assert_eq!(page.status, 303);
    let page = browser.get(&server.url(&group_url)).await;
    assert!(!page.body.contains("iPad de Bob"), "{}", page.body);
    let page = browser
        .get(&server.url(&format!("/devices/{bob_ipad}")))
        .await;
    assert_eq!(page.status, 404);

    // Who looked: Bob's page lists Alice's read, and says the operator can read the database.
    let page = bob_browser
        .get(&server.url(&format!("/devices/{bob_ipad}/access")))
        .await;
    assert_eq!(page.status, 200);
    assert_security_headers(&page, "access log");
    assert!(page.body.contains("exploitant"), "{}", page.body);
    assert!(page.body.contains("Un membre d"), "{}", page.body);
    assert!(
        page.body.contains("(Alice &lt;Durand&gt;)"),
        "{}",
        page.body
    );
    // Only the owner sees the log.
    assert_eq!(
        browser
            .get(&server.url(&format!("/devices/{alice_ipad}/access")))
            .await
            .status,
        200
    );
    assert_eq!(
        bob_browser
            .get(&server.url(&format!("/devices/{alice_ipad}/access")))
            .await
            .status,
        404
    );

    // Expired session: asked to log in again.
    sqlx::query("UPDATE sessions SET expires_at = 0")
        .execute(&server.state.db.pool)
        .await
        .unwrap();
    assert_eq!(browser.get(&server.url("/")).await.status, 401);
    assert_eq!(
        browser
            .get(&server.url(&format!("/devices/{alice_ipad}")))
            .await
            .status,
        401
    );

    // The style sheet is the only style, cacheable.
    let css = anonymous.get(&server.url("/static/lucarne.css")).await;
    assert_eq!(css.status, 200);
    assert!(css.headers["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/css"));

    server.stop().await;
    db.drop_database().await;
}

#[tokio::test]
async fn sqlite_pages() {
    pages(TestDb::sqlite()).await;
}

#[tokio::test]
async fn postgres_pages() {
    pages(TestDb::postgres().await).await;
}

async fn account_of(server: &TestServer, agent: &Agent) -> String {
    sqlx::query_scalar("SELECT account_id FROM account_keys WHERE key_id = $1")
        .bind(&agent.key_id)
        .fetch_one(&server.state.db.pool)
        .await
        .unwrap()
}

async fn sql(server: &TestServer, query: &str, binds: &[&str]) {
    let mut q = sqlx::query(sqlx::AssertSqlSafe(query.to_string()));
    for b in binds {
        q = q.bind(*b);
    }
    q.execute(&server.state.db.pool).await.unwrap();
}

/// One reader of the access-rule table: who, their agent, the statuses of the three pages
/// and of the two API routes, and how many lines their reads leave in the access log.
type Rule<'a> = (&'a str, &'a Agent, [u16; 3], [u16; 2], i64);

/// Who may read what: every page and API route of a device against every kind of reader;
/// exactly the authorized reads land in the owner's access log, with their reader.
async fn access_rules(db: TestDb) {
    let dir = tempfile::tempdir().unwrap();
    let server = TestServer::start(&config(dir.path(), &db)).await;
    let (owner, handle) = official(&server, "UDID-OWNER", "iPad du propriétaire", None).await;
    let (member, _) = official(&server, "UDID-MEMBER", "iPad du membre", None).await;
    let (unshared, _) = official(&server, "UDID-UNSHARED", "iPad d'un autre groupe", None).await;
    let (other, _) = official(&server, "UDID-OTHER", "iPad d'un inconnu", None).await;
    let (a_owner, a_member, a_unshared) = (
        account_of(&server, &owner).await,
        account_of(&server, &member).await,
        account_of(&server, &unshared).await,
    );
    // Group G: owner and member, the device shared. Group H: owner and `unshared`, nothing
    // shared.
    let (g, h) = ("0".repeat(32), "1".repeat(32));
    for (group, who) in [
        (&g, &a_owner),
        (&g, &a_member),
        (&h, &a_owner),
        (&h, &a_unshared),
    ] {
        sql(&server, "INSERT INTO official_groups (group_id, name, created_by, created_at) VALUES ($1, 'G', $2, 0) ON CONFLICT (group_id) DO NOTHING", &[group, &a_owner]).await;
        sql(
            &server,
            "INSERT INTO group_members (group_id, account_id, joined_at) VALUES ($1, $2, 0)",
            &[group, who],
        )
        .await;
    }
    sql(
        &server,
        "INSERT INTO device_shares (group_id, handle, shared_at) VALUES ($1, $2, 0)",
        &[&g, &handle],
    )
    .await;
    let leaf: i64 =
        sqlx::query_scalar("SELECT MAX(leaf_index) FROM snapshots WHERE device_id = 'UDID-OWNER'")
            .fetch_one(&server.state.db.pool)
            .await
            .unwrap();

    let pages = [
        format!("/devices/{handle}"),
        format!("/devices/{handle}/snapshots/{leaf}"),
        format!("/devices/{handle}/access"),
    ];
    let apis = [
        format!("/api/v1/devices/{handle}/timeline"),
        format!("/api/v1/devices/{handle}/capabilities"),
    ];
    // (reader, agent, expected statuses of the pages, then of the API routes, log lines)
    let table: [Rule<'_>; 4] = [
        ("owner", &owner, [200, 200, 200], [200, 200], 4),
        (
            "member with the share",
            &member,
            [200, 200, 404],
            [200, 200],
            4,
        ),
        (
            "member without a share",
            &unshared,
            [404, 404, 404],
            [404, 404],
            0,
        ),
        ("another account", &other, [404, 404, 404], [404, 404], 0),
    ];
    for (who, agent, page_status, api_status, logged) in table {
        let account = account_of(&server, agent).await;
        let browser = logged_in(&server, agent).await;
        for (path, expected) in pages.iter().zip(page_status) {
            let page = browser.get(&server.url(path)).await;
            assert_eq!(page.status, expected, "{who}: {path}");
            assert_security_headers(&page, path);
            if expected != 200 {
                assert!(
                    !page.body.contains("iPad du propri"),
                    "{who}: {path} shows the device"
                );
            }
        }
        for (path, expected) in apis.iter().zip(api_status) {
            let (status, body) = agent.signed_get(&server, path).await;
            assert_eq!(status, expected, "{who}: {path}: {body}");
        }
        let lines: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM access_log WHERE handle = $1 AND reader_account_id = $2",
        )
        .bind(&handle)
        .bind(&account)
        .fetch_one(&server.state.db.pool)
        .await
        .unwrap();
        assert_eq!(lines, logged, "{who}: access log lines");
    }

    // No session, an expired session: asked to log in, nothing logged.
    let before: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM access_log")
        .fetch_one(&server.state.db.pool)
        .await
        .unwrap();
    let anonymous = Browser::new();
    let expired = logged_in(&server, &member).await;
    sqlx::query("UPDATE sessions SET expires_at = 0")
        .execute(&server.state.db.pool)
        .await
        .unwrap();
    for browser in [&anonymous, &expired] {
        for path in &pages {
            let page = browser.get(&server.url(path)).await;
            assert_eq!(page.status, 401, "{path}");
            assert_security_headers(&page, path);
        }
    }
    // No signature, a replayed signature, a session cookie instead of a signature.
    for path in &apis {
        let (status, _) = owner
            .send(reqwest::Method::GET, &server.url(path), &[], Vec::new())
            .await;
        assert_eq!(status, 401, "unsigned {path}");
        let headers = owner.signed_headers("GET", &server.addr.to_string(), path, b"", None);
        let (status, _) = owner
            .send(
                reqwest::Method::GET,
                &server.url(path),
                &headers,
                Vec::new(),
            )
            .await;
        assert_eq!(status, 200, "{path}");
        let (status, _) = owner
            .send(
                reqwest::Method::GET,
                &server.url(path),
                &headers,
                Vec::new(),
            )
            .await;
        assert_eq!(status, 401, "replayed {path}");
        let cookie = vec![("cookie", expired.cookie.clone().unwrap())];
        let (status, _) = owner
            .send(reqwest::Method::GET, &server.url(path), &cookie, Vec::new())
            .await;
        assert_eq!(status, 401, "cookie on {path}");
    }
    let after: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM access_log")
        .fetch_one(&server.state.db.pool)
        .await
        .unwrap();
    assert_eq!(after - before, 2, "only the two signed reads were logged");

    server.stop().await;
    db.drop_database().await;
}

#[tokio::test]
async fn sqlite_access_rules() {
    access_rules(TestDb::sqlite()).await;
}

#[tokio::test]
async fn postgres_access_rules() {
    access_rules(TestDb::postgres().await).await;
}

/// The evidence export from the device page: the owner gets the button, the download (a ZIP
/// signed by the log key that verifies offline) and the letters, each written in the access
/// log; a forged form is refused; a group member the device is shared with sees no button
/// and is refused if they post anyway (and over the API); anyone else finds nothing.
async fn export_button(db: TestDb) {
    let dir = tempfile::tempdir().unwrap();
    let server = TestServer::start(&config(dir.path(), &db)).await;
    let (owner, handle) = official(&server, "UDID-EXPORT", "iPad exporté", None).await;
    let (member, _) = official(&server, "UDID-MEMBER", "iPad du membre", None).await;
    let (stranger, _) = official(&server, "UDID-STRANGER", "iPad inconnu", None).await;
    let (a_owner, a_member) = (
        account_of(&server, &owner).await,
        account_of(&server, &member).await,
    );
    let group = "2".repeat(32);
    for who in [&a_owner, &a_member] {
        sql(&server, "INSERT INTO official_groups (group_id, name, created_by, created_at) VALUES ($1, 'G', $2, 0) ON CONFLICT (group_id) DO NOTHING", &[&group, &a_owner]).await;
        sql(
            &server,
            "INSERT INTO group_members (group_id, account_id, joined_at) VALUES ($1, $2, 0)",
            &[&group, who],
        )
        .await;
    }
    sql(
        &server,
        "INSERT INTO device_shares (group_id, handle, shared_at) VALUES ($1, $2, 0)",
        &[&group, &handle],
    )
    .await;
    let export_url = server.url(&format!("/devices/{handle}/export"));
    let logged = |what: &'static str, via: &'static str| {
        let pool = server.state.db.pool.clone();
        let handle = handle.clone();
        async move {
            sqlx::query_scalar::<_, i64>(
                "SELECT COUNT(*) FROM access_log WHERE handle = $1 AND what = $2 AND via = $3",
            )
            .bind(handle)
            .bind(what)
            .bind(via)
            .fetch_one(&pool)
            .await
            .unwrap()
        }
    };

    // The owner: the form is on the page; the download is the export, logged via web.
    let browser = logged_in(&server, &owner).await;
    let page = browser
        .get(&server.url(&format!("/devices/{handle}")))
        .await;
    assert!(
        page.body
            .contains(&format!("action=\"/devices/{handle}/export\"")),
        "{}",
        page.body
    );
    let token = csrf(&page);
    let forged = browser
        .post(&export_url, &[("csrf", &"0".repeat(64)), ("lang", "fr")])
        .await;
    assert_eq!(forged.status, 403);
    assert_eq!(
        logged("export", "web").await,
        0,
        "a forged form reads nothing"
    );
    let empty = browser
        .post(
            &export_url,
            &[
                ("csrf", &token),
                ("from", "2000-01-01"),
                ("to", "2000-01-02"),
            ],
        )
        .await;
    assert_eq!(empty.status, 422);
    assert!(empty.body.contains("Aucun instantané"), "{}", empty.body);
    assert_eq!(
        logged("export", "web").await,
        0,
        "an empty period gives nothing, and logs nothing"
    );
    // The same over the API: nothing in the period, nothing logged; a real export, logged.
    let (status, _) = owner
        .signed_get(
            &server,
            &format!("/api/v1/devices/{handle}/export?from=2000-01-01&to=2000-01-02"),
        )
        .await;
    assert_eq!(status, 404);
    assert_eq!(logged("export", "api").await, 0);
    let response = reqwest::Client::new()
        .post(&export_url)
        .header("cookie", browser.cookie.clone().unwrap())
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("csrf={token}&from=&to=&lang=en"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(response.headers()["content-type"], "application/zip");
    let archive = response.bytes().await.unwrap();
    let report = lucarne_proof::export::verify(&archive);
    assert!(report.passed(), "{:?}", report.failures);
    assert_eq!(
        report.signer,
        Some(lucarne_proof::export::ManifestSigner::Server {
            origin: "lucarne.test/log".into()
        })
    );
    assert_eq!(report.devices[0].snapshots, 2);
    assert_eq!(logged("export", "web").await, 1, "the download is logged");

    // The letters, for the owner, logged.
    let letters = browser
        .get(&server.url(&format!("/devices/{handle}/letters")))
        .await;
    assert_eq!(letters.status, 200, "{}", letters.body);
    // (The template escapes `/` in the file names.)
    for file in [lucarne_report::ACCESS_REQUEST, lucarne_report::COMPLAINT] {
        let name = file.rsplit('/').next().unwrap();
        assert!(letters.body.contains(name), "{name}: {}", letters.body);
    }
    assert!(letters.body.contains("article 15"), "{}", letters.body);
    assert_eq!(logged("letters", "page").await, 1);

    // A group member sees the device but no button, and is refused the export and letters.
    let reader = logged_in(&server, &member).await;
    let page = reader.get(&server.url(&format!("/devices/{handle}"))).await;
    assert_eq!(page.status, 200);
    assert!(!page.body.contains("/export\""), "{}", page.body);
    let refused = reader
        .post(&export_url, &[("csrf", &csrf(&page)), ("lang", "fr")])
        .await;
    assert_eq!(refused.status, 403);
    assert!(
        refused.body.contains("Seul le titulaire"),
        "{}",
        refused.body
    );
    let refused = reader
        .get(&server.url(&format!("/devices/{handle}/letters")))
        .await;
    assert_eq!(refused.status, 403);
    let (status, _) = member
        .signed_get(&server, &format!("/api/v1/devices/{handle}/export"))
        .await;
    assert_eq!(status, 404, "over the API, owner only too");

    // Anyone else: nothing there.
    let other = logged_in(&server, &stranger).await;
    let home = other.get(&server.url("/")).await;
    let refused = other
        .post(&export_url, &[("csrf", &csrf(&home)), ("lang", "fr")])
        .await;
    assert_eq!(refused.status, 404);
    assert_eq!(
        logged("export", "web").await,
        1,
        "refused requests read nothing"
    );
    server.stop().await;
    db.drop_database().await;
}

#[tokio::test]
async fn sqlite_export_button() {
    export_button(TestDb::sqlite()).await;
}

#[tokio::test]
async fn postgres_export_button() {
    export_button(TestDb::postgres().await).await;
}
