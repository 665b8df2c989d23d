//! Signed API requests (`Authorization`, `X-Lucarne-Timestamp`, `X-Lucarne-Nonce`,
//! `X-Lucarne-Signature`, `server/src/auth.rs`) on the endpoints that take them: login links
//! (`lucarne open`), the device list, a device's timeline with its query, its capabilities,
//! and any path. Each request is either signed for real with the fixture's registered key
//! (so the fuzzer reaches what comes after authentication: nonces, login links, the timeline's
//! query) or carries header values of the fuzzer's own; every header can be replaced.
#![no_main]

mod common;

use arbitrary::Arbitrary;
use axum::body::Body;
use axum::http::{Request, Uri};
use libfuzzer_sys::fuzz_target;

#[derive(Arbitrary, Debug)]
struct Input {
    post: bool,
    endpoint: u8,
    tail: String,
    sign: bool,
    skew: i16,
    nonce: Option<String>,
    authorization: Option<String>,
    timestamp: Option<String>,
    signature: Option<String>,
    body: Vec<u8>,
}

fuzz_target!(|input: Input| {
    let fixture = common::fixture();
    let query = |tail: &str| {
        if tail.is_empty() {
            String::new()
        } else {
            format!("?{tail}")
        }
    };
    let handle = &fixture.handle;
    let target = match input.endpoint % 6 {
        0 => format!("/api/v1/login-links{}", query(&input.tail)),
        1 => format!("/api/v1/devices{}", query(&input.tail)),
        2 => format!("/api/v1/devices/{handle}/timeline{}", query(&input.tail)),
        3 => format!(
            "/api/v1/devices/{handle}/capabilities{}",
            query(&input.tail)
        ),
        4 => format!("/api/v1/devices/{}/timeline", input.tail),
        _ if input.tail.starts_with('/') => input.tail.clone(),
        _ => format!("/{}", input.tail),
    };
    // What hyper would not deliver to the router is not the server's to parse.
    let Ok(uri) = target.parse::<Uri>() else {
        return;
    };
    let method = if input.post { "POST" } else { "GET" };
    let nonce = input.nonce.clone().unwrap_or_else(|| fixture.fresh_nonce());
    let timestamp = common::now() + i64::from(input.skew);
    let mut headers = fixture.signed_headers(method, &target, &input.body, timestamp, &nonce);
    if !input.sign {
        headers[3].1 = "AAAA".to_string();
    }
    for (slot, replacement) in [
        (0, &input.authorization),
        (1, &input.timestamp),
        (3, &input.signature),
    ] {
        if let Some(value) = replacement {
            headers[slot].1 = value.clone();
        }
    }
    let mut builder = Request::builder().method(method).uri(uri);
    for (name, value) in &headers {
        builder = builder.header(*name, value.as_str());
    }
    let Ok(request) = builder.body(Body::from(input.body.clone())) else {
        return; // a header value HTTP cannot carry
    };
    let (status, _) = fixture.send_and_check(request);
    let forged = !input.sign || input.signature.is_some() || input.authorization.is_some();
    if forged && input.endpoint % 6 <= 4 {
        assert_ne!(
            status, 200,
            "{method} {target}: answered without a valid signature"
        );
    }
});
