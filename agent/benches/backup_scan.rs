//! An encrypted backup scan against the PBKDF2 key derivation alone, in the same run, with
//! Apple's real iteration counts (10,000,000 SHA-256 + 10,000 SHA-1). The derivation is the
//! price of the password by design; everything else the scan does (unwrapping keys,
//! decrypting `Manifest.db` and the files, parsing, extracting) should add little to it.
//! Target: scan ≤ 1.15 × derivation. The ratio is printed at the end.

use std::path::Path;
use std::time::Duration;

use criterion::{criterion_group, Criterion};
use lucarne::backup::keybag::Keybag;
use lucarne::backup::writer::{write_backup, WriteOptions};
use lucarne::devicedir::DeviceDir;

const PASSWORD: &[u8] = b"conseil regional 2026";
const GROUP: &str = "encrypted_backup";

fn bench(c: &mut Criterion) {
    let tmp = tempfile::tempdir().expect("temporary folder");
    let dir = tmp.path().join("backup");
    let device =
        DeviceDir::load(Path::new(env!("CARGO_MANIFEST_DIR")).join("devices/council-ipad"))
            .expect("council device");
    let options = WriteOptions {
        password: Some(PASSWORD.to_vec()),
        ..Default::default()
    };
    write_backup(&device, &dir, &options).expect("writing the backup");
    let manifest = lucarne::backup::reader::read_manifest_plist(&dir).expect("manifest");
    let keybag = Keybag::parse(manifest.keybag.as_deref().expect("keybag")).expect("keybag");
    assert_eq!(keybag.sha256_iterations, Some(10_000_000));
    assert_eq!(keybag.sha1_iterations, 10_000);

    let mut group = c.benchmark_group(GROUP);
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(40));
    group.bench_function("key_derivation", |b| {
        b.iter(|| keybag.derive_key(PASSWORD).expect("derive"))
    });
    group.bench_function("full_scan", |b| {
        b.iter(|| {
            let facts = lucarne::backup::scan(&dir, Some(PASSWORD), &mut |_| {}).expect("scan");
            assert_eq!(facts.snapshot.profiles.len(), 5);
            facts
        })
    });
    group.finish();
}

criterion_group!(benches, bench);

fn mean_ns(id: &str) -> Option<f64> {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../target"));
    let path = target
        .join("criterion")
        .join(GROUP)
        .join(id)
        .join("new/estimates.json");
    let json: serde_json::Value = serde_json::from_slice(&std::fs::read(path).ok()?).ok()?;
    json["mean"]["point_estimate"].as_f64()
}

fn main() {
    benches();
    criterion::Criterion::default()
        .configure_from_args()
        .final_summary();
    if let (Some(derive), Some(scan)) = (mean_ns("key_derivation"), mean_ns("full_scan")) {
        println!(
            "ratio full_scan / key_derivation = {:.3} (scan {:.3} s, derivation {:.3} s; target ≤ 1.15)",
            scan / derive,
            scan / 1e9,
            derive / 1e9
        );
    }
}
