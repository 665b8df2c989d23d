//! The log's public paths: `/tile/<L>/<N>[.p/<W>]`, `/tile/entries/<N>[.p/<W>]`, and the
//! queries of `/api/v1/log/inclusion` and `/api/v1/log/consistency`, on a log of five leaves.
//! (Finding 1 of issue 11 was a tile path that made `tlog_tiles` assert.)
#![no_main]

mod common;

use arbitrary::Arbitrary;
use axum::body::Body;
use axum::http::{Request, Uri};
use libfuzzer_sys::fuzz_target;

#[derive(Arbitrary, Debug)]
struct Input {
    which: u8,
    text: String,
}

fuzz_target!(|input: Input| {
    let fixture = common::fixture();
    let target = match input.which % 4 {
        0 => format!("/tile/{}", input.text),
        1 => format!("/tile/entries/{}", input.text),
        2 => format!("/api/v1/log/inclusion?{}", input.text),
        _ => format!("/api/v1/log/consistency?{}", input.text),
    };
    let Ok(uri) = target.parse::<Uri>() else {
        return;
    };
    let request = Request::get(uri).body(Body::empty()).expect("request");
    let (status, body) = fixture.send_and_check(request);
    if status == 200 && input.which % 4 == 0 && !input.text.starts_with("entries") {
        // A hash tile is whole hashes, at most 256 of them.
        assert!(
            body.len() % 32 == 0 && body.len() <= 256 * 32,
            "{target}: {} bytes",
            body.len()
        );
    }
});
