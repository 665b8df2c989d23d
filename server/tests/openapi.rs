//! The hand-written OpenAPI document describes every route of the router, and every error
//! code the upload endpoint answers.
#![allow(clippy::unwrap_used)]

use lucarne_server::routes::meta::OPENAPI_JSON;
use lucarne_server::routes::ROUTES;

#[test]
fn every_route_is_described() {
    let doc: serde_json::Value = serde_json::from_str(OPENAPI_JSON).unwrap();
    assert_eq!(doc["openapi"], "3.1.0");
    let paths = doc["paths"].as_object().unwrap();
    for (method, path) in ROUTES {
        assert!(
            paths.get(*path).and_then(|p| p.get(*method)).is_some(),
            "{method} {path} is missing from openapi.json"
        );
    }
    assert_eq!(
        paths.len(),
        ROUTES.len(),
        "openapi.json describes a route the router lacks"
    );
}

#[test]
fn every_upload_refusal_code_is_described() {
    let doc: serde_json::Value = serde_json::from_str(OPENAPI_JSON).unwrap();
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
}

#[test]
fn every_event_kind_is_described() {
    let doc: serde_json::Value = serde_json::from_str(OPENAPI_JSON).unwrap();
    let kinds = &doc["components"]["schemas"]["ChangeEvent"]["properties"]["kind"]["enum"];
    let kinds: Vec<&str> = kinds
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k.as_str().unwrap())
        .collect();
    let expected: Vec<&str> = lucarne_profiles::compare::ChangeKind::ALL
        .iter()
        .map(|k| k.as_str())
        .collect();
    assert_eq!(kinds, expected);
}
