//! The OpenAPI document is generated from the route table, the same table the router is built
//! from; these tests check what generation alone cannot: that the published copy
//! (`server/openapi.json`) is the generated document, that every documented path reaches a
//! handler, and that the document names every refusal and event kind.
//!
//! After changing an endpoint or a wire type, refresh the published copy with
//! `LUCARNE_UPDATE_OPENAPI=1 cargo test -p lucarne-server --test openapi`.
#![allow(clippy::unwrap_used)]

mod common;

use common::{config, TestDb, TestServer};
use lucarne_server::routes::{openapi_json, NO_SUCH_ENDPOINT};

const PUBLISHED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/openapi.json");

fn document() -> serde_json::Value {
    serde_json::from_str(openapi_json()).unwrap()
}

#[test]
fn the_published_document_is_the_generated_one() {
    let generated = format!("{}\n", openapi_json());
    if std::env::var_os("LUCARNE_UPDATE_OPENAPI").is_some() {
        std::fs::write(PUBLISHED, &generated).unwrap();
    }
    let published = std::fs::read_to_string(PUBLISHED).unwrap();
    assert!(
        published == generated,
        "server/openapi.json differs from the document generated from the route table and \
         the wire types; regenerate it with LUCARNE_UPDATE_OPENAPI=1"
    );
}

#[test]
fn the_document_is_openapi_3_1_with_every_schema_it_references() {
    let doc = document();
    assert_eq!(doc["openapi"], "3.1.0");
    let text = doc.to_string();
    let schemas = doc["components"]["schemas"].as_object().unwrap();
    for reference in text.split("\"$ref\":\"#/components/schemas/").skip(1) {
        let name = reference.split('"').next().unwrap();
        assert!(
            schemas.contains_key(name),
            "{name} is referenced, not defined"
        );
    }
    for name in [
        "Envelope",
        "Receipt",
        "RegisterRequest",
        "ErrorBody",
        "ChangeEvent",
    ] {
        assert!(schemas.contains_key(name), "{name}");
    }
}

#[test]
fn every_upload_refusal_code_is_described() {
    let doc = document();
    let responses = doc["paths"]["/api/v1/snapshots"]["post"]["responses"].to_string();
    for code in [
        "too_large",
        "malformed_envelope",
        "unauthenticated",
        "rate_limited",
        "busy",
        "timeout",
        "quota_exceeded",
        "malformed_snapshot",
        "unsupported_schema",
        "replay",
        "rollback",
        "fork",
    ] {
        assert!(responses.contains(&format!("`{code}`")), "{code}");
    }
    let codes = &doc["components"]["schemas"]["Refusal"].to_string();
    for refusal in lucarne_proof::wire::Refusal::ALL {
        assert!(codes.contains(&format!("\"{refusal}\"")), "{refusal}");
    }
}

#[test]
fn every_event_kind_is_described() {
    let doc = document();
    let kinds = doc["components"]["schemas"]["ChangeKind"].to_string();
    for kind in lucarne_profiles::compare::ChangeKind::ALL {
        assert!(
            kinds.contains(&format!("\"{}\"", kind.as_str())),
            "{kind:?}"
        );
    }
}

/// Every documented path, with its parameters filled in, reaches its handler: whatever the
/// handler answers (a refusal is fine), it is not the router's fallback.
#[tokio::test]
async fn every_documented_path_reaches_a_handler() {
    let dir = tempfile::tempdir().unwrap();
    let server = TestServer::start(&config(dir.path(), &TestDb::sqlite())).await;
    let http = reqwest::Client::new();
    let doc = document();
    let paths = doc["paths"].as_object().unwrap();
    assert!(paths.len() >= 11, "{}", paths.len());
    for (path, item) in paths {
        let concrete = path
            .replace("{device_id}", "no-such-device")
            .replace("{path}", "0/000");
        for method in item.as_object().unwrap().keys() {
            let url = format!("{}{concrete}", server.base);
            let request = match method.as_str() {
                "get" => http.get(&url),
                "post" => http.post(&url).body("{}"),
                other => panic!("unexpected method {other} on {path}"),
            };
            let answer = request.send().await.unwrap();
            let body = answer.text().await.unwrap();
            assert!(
                !body.contains(NO_SUCH_ENDPOINT),
                "{method} {path} is documented but reaches the fallback: {body}"
            );
        }
    }
    // And the fallback does answer what the test looks for.
    let body = http
        .get(format!("{}/api/v1/nothing-here", server.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(body.contains(NO_SUCH_ENDPOINT), "{body}");
    server.stop().await;
}
