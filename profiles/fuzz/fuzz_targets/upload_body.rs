//! An upload as the server reads it, on arbitrary bytes: the envelope's JSON, its snapshot's
//! base64, the snapshot's JSON, then the analysis and the comparison with an empty device.
//! Never a panic; an envelope that parses serialises back to JSON that parses to the same.
#![no_main]

use libfuzzer_sys::fuzz_target;
use lucarne_profiles::Snapshot;
use lucarne_proof::envelope::Envelope;

fuzz_target!(|data: &[u8]| {
    let Ok(envelope) = Envelope::from_json(data) else {
        return;
    };
    let again = serde_json::to_vec(&envelope).expect("an envelope serialises");
    assert_eq!(Envelope::from_json(&again).ok(), Some(envelope.clone()));
    let Ok(bytes) = envelope.snapshot_bytes() else {
        return;
    };
    let Ok(snapshot) = serde_json::from_slice::<Snapshot>(&bytes) else {
        return;
    };
    let _ = lucarne_profiles::compare::compare_snapshots(
        &Snapshot::new("2026-01-01T00:00:00Z"),
        &snapshot,
    );
});
