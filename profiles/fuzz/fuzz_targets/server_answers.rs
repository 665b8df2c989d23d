//! What the agent reads from a possibly hostile server, on arbitrary bytes: a receipt (parsed
//! and verified against a fixed envelope body and log), a checkpoint note, a registration
//! answer and an error body. Never a panic, and nothing verifies that should not.
#![no_main]

use libfuzzer_sys::fuzz_target;
use lucarne_proof::checkpoint::test_log::TestLog;
use lucarne_proof::checkpoint::{verify_checkpoint, LogIdentity};
use lucarne_proof::receipt::Receipt;
use lucarne_proof::wire::{ErrorBody, RegisterResponse};

/// A log whose key the fuzzer cannot hold: no input may verify against it.
fn log() -> LogIdentity {
    TestLog::new("lucarne.fuzz/log", [7; 32]).identity
}

fuzz_target!(|data: &[u8]| {
    let log = log();
    if let Ok(receipt) = Receipt::from_json(data) {
        assert!(
            receipt.verify(b"{}", &log).is_err(),
            "a receipt verified without the log's key"
        );
    }
    assert!(verify_checkpoint(data, &log).is_err());
    let _ = serde_json::from_slice::<RegisterResponse>(data);
    let _ = serde_json::from_slice::<ErrorBody>(data);
});
