//! Signing and verifying an upload envelope (issue 11: the server verifies every upload, the
//! agent signs every scan). The snapshot is 20 KB of JSON-like bytes, about a council iPad's
//! snapshot without its profiles' certificates.
//! - `envelope_sign_20k`: [`Envelope::sign`] and its canonical JSON, as the agent seals.
//! - `envelope_verify_20k`: parsing that JSON and [`Envelope::verify`], as the server ingests.

use criterion::{criterion_group, criterion_main, Criterion};
use ring::signature::{Ed25519KeyPair, KeyPair as _};

use lucarne_proof::envelope::Envelope;

fn snapshot() -> Vec<u8> {
    let mut s = String::from("{\"apps\":[");
    let mut i = 0;
    while s.len() < 20_000 {
        s.push_str(&format!(
            "{{\"bundle_id\":\"fr.mairie.app{i}\",\"managed\":true}},"
        ));
        i += 1;
    }
    s.push_str("{}]}");
    s.into_bytes()
}

fn benches(c: &mut Criterion) {
    let pkcs8 = Ed25519KeyPair::generate_pkcs8(&ring::rand::SystemRandom::new()).expect("key");
    let key = Ed25519KeyPair::from_pkcs8(pkcs8.as_ref()).expect("key");
    let snapshot = snapshot();
    c.bench_function("envelope_sign_20k", |b| {
        b.iter(|| {
            serde_json::to_vec(&Envelope::sign(std::hint::black_box(&snapshot), &key))
                .expect("json")
        })
    });
    let body = serde_json::to_vec(&Envelope::sign(&snapshot, &key)).expect("json");
    let public = key.public_key().as_ref().to_vec();
    c.bench_function("envelope_verify_20k", |b| {
        b.iter(|| {
            Envelope::from_json(std::hint::black_box(&body))
                .and_then(|e| e.verify(&public))
                .expect("verifies")
        })
    });
}

criterion_group!(envelope, benches);
criterion_main!(envelope);
