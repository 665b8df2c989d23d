//! Benchmark: a full live scan of a council iPad with 25 profiles and 400 apps, end to end through the
//! virtual iPad's socket: usbmux, lockdown TLS session, GetValue of every domain, MCInstall
//! over TLS, installation_proxy Browse, and the conversion to a snapshot.
//! Target: under 300 ms.

use criterion::{criterion_group, criterion_main, Criterion};
use lucarne::device::collect::{self, ScanOptions};
use lucarne::device::snapshot::to_snapshot;
use lucarne::device::UsbmuxAddress;
use lucarne_virtual_ipad::devicedir::{DeviceDir, ProfileFile};
use lucarne_virtual_ipad::{Knobs, VirtualIpad};

/// council-ipad grown to `profiles` profiles and `apps` apps.
fn big_council_ipad(profiles: usize, apps: usize) -> DeviceDir {
    let mut dir = DeviceDir::bundled("council-ipad").expect("council-ipad loads");
    let template = dir.profiles[1].clone();
    let mut n = 0;
    while dir.profiles.len() < profiles {
        n += 1;
        let mut top: plist::Dictionary =
            plist::from_bytes(&template.bytes).expect("template is a plist");
        let id = format!("fr.region-exemple.restrictions.extra{n}");
        top.insert("PayloadIdentifier".into(), id.as_str().into());
        top.insert(
            "PayloadUUID".into(),
            format!("8A2B4C6D-1E3F-4A5B-8C7D-{n:012}").into(),
        );
        let mut bytes = Vec::new();
        plist::to_writer_xml(&mut bytes, &top).expect("serialises");
        let profile = lucarne_profiles::parse_profile(&bytes).expect("parses");
        dir.profiles.push(ProfileFile {
            file_name: format!("90-extra-{n:03}.mobileconfig"),
            bytes,
            profile,
        });
    }
    let template = dir.apps[5].clone();
    let mut n = 0;
    while dir.apps.len() < apps {
        n += 1;
        let mut app = template.clone();
        app.insert(
            "CFBundleIdentifier".into(),
            format!("fr.exemple.app{n:04}").into(),
        );
        app.insert("CFBundleDisplayName".into(), format!("App {n}").into());
        dir.apps.push(app);
    }
    dir
}

fn scan(c: &mut Criterion) {
    let tmp = tempfile::tempdir().expect("temp dir");
    let ipad = VirtualIpad::start(
        &tmp.path().join("usbmuxd"),
        vec![big_council_ipad(25, 400)],
        Knobs::default(),
    )
    .expect("virtual iPad starts");
    let options = ScanOptions {
        address: UsbmuxAddress::parse(&ipad.address()).expect("address"),
        udid: None,
    };
    let mut group = c.benchmark_group("scan");
    group.sample_size(20);
    group.bench_function("council_ipad_25_profiles_400_apps", |b| {
        b.iter(|| {
            let reading = collect::scan(&options).expect("scan succeeds");
            assert_eq!(reading.apps.len(), 400);
            to_snapshot(&reading, "2026-11-25T20:00:00Z")
        })
    });
    group.finish();
    assert!(ipad.refused().is_empty());
}

mod group {
    #![allow(missing_docs)]
    use super::*;
    criterion_group!(benches, scan);
}

criterion_main!(group::benches);
