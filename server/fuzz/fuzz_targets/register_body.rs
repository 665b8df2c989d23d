//! `POST /api/v1/register` with any body: the registration request as the server reads it
//! (size, JSON, base64 key, label, code), through the real handler and database.
#![no_main]

mod common;

use axum::body::Body;
use axum::http::Request;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|body: &[u8]| {
    let fixture = common::fixture();
    let request = Request::post("/api/v1/register")
        .header("content-type", "application/json")
        .body(Body::from(body.to_vec()))
        .expect("request");
    let (status, _) = fixture.send_and_check(request);
    // The fuzzer knows no registration code: nothing may register.
    assert_ne!(status, 200, "a registration without a code went through");
});
