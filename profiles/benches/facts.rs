//! What the agent does with every scan and the server with every changed upload (issue 11),
//! on the virtual council iPad's five profiles (MDM, restrictions, root CA, Exchange, VPN),
//! week 1 and week 2:
//! - `parse_council_profiles`: [`parse_profile`] of the five `.mobileconfig` files.
//! - `analyse_council_ipad`: [`analyze_snapshot`] of week 1 (the capability facts).
//! - `compare_council_weeks`: [`compare_snapshots`] of week 1 and week 2 (two analyses and
//!   the diff, as the server's diff of a changed upload).

use std::path::{Path, PathBuf};

use criterion::{criterion_group, criterion_main, Criterion};

use lucarne_profiles::analysis::analyze_snapshot;
use lucarne_profiles::compare::compare_snapshots;
use lucarne_profiles::parse_profile;
use lucarne_profiles::snapshot::{InstalledProfile, Snapshot, Source};

fn profile_files(device: &str) -> Vec<Vec<u8>> {
    let dir: PathBuf = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../virtual-ipad/devices")
        .join(device)
        .join("profiles");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("the virtual iPad's profiles")
        .map(|e| e.expect("entry").path())
        .collect();
    paths.sort();
    paths
        .iter()
        .map(|p| std::fs::read(p).expect("profile file"))
        .collect()
}

fn snapshot(files: &[Vec<u8>]) -> Snapshot {
    let mut s = Snapshot::new("2026-11-30T18:00:00Z");
    s.device.udid = Some("00008103-0000C0UNC1L001".into());
    s.profiles = files
        .iter()
        .map(|bytes| InstalledProfile {
            profile: parse_profile(bytes).expect("parses"),
            payloads_known: true,
            managed: Some(true),
            installed_at: None,
            source: Source::ProfileFile,
        })
        .collect();
    s
}

fn benches(c: &mut Criterion) {
    let week1 = profile_files("council-ipad");
    let week2 = profile_files("council-ipad-week2");
    c.bench_function("parse_council_profiles", |b| {
        b.iter(|| {
            for bytes in &week1 {
                parse_profile(std::hint::black_box(bytes)).expect("parses");
            }
        })
    });
    let old = snapshot(&week1);
    let new = snapshot(&week2);
    c.bench_function("analyse_council_ipad", |b| {
        b.iter(|| analyze_snapshot(std::hint::black_box(&old)))
    });
    c.bench_function("compare_council_weeks", |b| {
        b.iter(|| compare_snapshots(std::hint::black_box(&old), &new))
    });
}

criterion_group!(facts, benches);
criterion_main!(facts);
