//! Benchmark: the evidence export of a device with a year of daily snapshots (365 sealed
//! snapshots of the council iPad as read over the virtual iPad, one app added each week),
//! and its offline verification.
//! Targets (issue 12): export under 2 s, verify under 1 s.

use criterion::{criterion_group, criterion_main, Criterion};
use lucarne::device::collect::{self, ScanOptions};
use lucarne::device::snapshot::to_snapshot;
use lucarne::device::UsbmuxAddress;
use lucarne::export::{build, ExportOptions};
use lucarne::home::Home;
use lucarne::keys::AgentKey;
use lucarne_virtual_ipad::devicedir::DeviceDir;
use lucarne_virtual_ipad::{Knobs, VirtualIpad};

fn year_of_snapshots(home: &Home, work: &std::path::Path) {
    let dir = DeviceDir::bundled("council-ipad").expect("council-ipad loads");
    let ipad = VirtualIpad::start(&work.join("usbmuxd"), vec![dir], Knobs::default())
        .expect("virtual iPad starts");
    let options = ScanOptions {
        address: UsbmuxAddress::parse(&ipad.address()).expect("address"),
        udid: None,
    };
    let reading = collect::scan(&options).expect("scan");
    let key = AgentKey::load_or_create(home).expect("key");
    let start = time::Date::from_calendar_date(2026, time::Month::January, 1).expect("date");
    for day in 0..365u16 {
        let date = start + time::Duration::days(i64::from(day));
        let taken_at = format!("{date}T09:00:00Z");
        let mut snapshot = to_snapshot(&reading, &taken_at);
        for week in 0..day / 7 {
            snapshot.apps.push(lucarne_profiles::snapshot::App {
                bundle_id: format!("fr.exemple.semaine{week}"),
                ..Default::default()
            });
        }
        lucarne::state::seal(home, &key, snapshot).expect("seal");
    }
}

fn export(c: &mut Criterion) {
    let tmp = tempfile::tempdir().expect("temp dir");
    let home = Home::at(tmp.path().join("home")).expect("home");
    year_of_snapshots(&home, tmp.path());
    let options = ExportOptions {
        lang: "fr".into(),
        ..ExportOptions::default()
    };
    let made = build(&home, &options).expect("export");
    let report = lucarne_proof::export::verify(&made.archive);
    assert!(report.passed(), "{:?}", report.failures);
    assert_eq!(report.devices[0].snapshots, 365);
    eprintln!(
        "export of 365 daily snapshots: {} bytes",
        made.archive.len()
    );

    let mut group = c.benchmark_group("export");
    group.sample_size(10);
    group.bench_function("export a year of daily snapshots", |b| {
        b.iter(|| build(&home, &options).expect("export"))
    });
    group.bench_function("verify a year of daily snapshots", |b| {
        b.iter(|| lucarne_proof::export::verify(&made.archive))
    });
    group.finish();
}

criterion_group!(benches, export);
criterion_main!(benches);
