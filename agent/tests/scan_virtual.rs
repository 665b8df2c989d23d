//! `lucarne scan` (the library path) against virtual iPads: the snapshot holds what the device
//! directory says, and the agent sent nothing outside the read-only allowlist.
#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};

use lucarne::device::collect::{self, ScanOptions};
use lucarne::device::snapshot::to_snapshot;
use lucarne::device::UsbmuxAddress;
use lucarne::devicedir::DeviceDir;
use lucarne::virtual_ipad::{Knobs, VirtualIpad};
use lucarne_profiles::snapshot::Source;

fn device(name: &str) -> DeviceDir {
    DeviceDir::load(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("devices")
            .join(name),
    )
    .unwrap()
}

fn start(names: &[&str], knobs: Knobs) -> (tempfile::TempDir, VirtualIpad) {
    let dir = tempfile::tempdir().unwrap();
    let socket: PathBuf = dir.path().join("usbmuxd");
    let ipad =
        VirtualIpad::start(&socket, names.iter().map(|n| device(n)).collect(), knobs).unwrap();
    (dir, ipad)
}

fn options(ipad: &VirtualIpad) -> ScanOptions {
    ScanOptions {
        address: UsbmuxAddress::parse(&ipad.address()).unwrap(),
        udid: None,
    }
}

#[test]
fn council_ipad_snapshot_matches_its_directory() {
    let (_dir, ipad) = start(&["council-ipad"], Knobs::default());
    let reading = collect::scan(&options(&ipad)).unwrap();
    let snap = to_snapshot(&reading, "2026-11-25T20:00:00Z");
    let dir = device("council-ipad");

    assert_eq!(snap.schema, "lucarne.snapshot/1");
    assert_eq!(snap.sources[0].source, Source::Live);
    assert_eq!(snap.device.udid.as_deref(), dir.udid());
    assert_eq!(snap.device.name.as_deref(), Some("iPad élu 0142"));
    assert_eq!(snap.device.os_version.as_deref(), Some("18.1"));
    assert_eq!(
        snap.device.values["com.apple.mobile.chaperone/DeviceIsChaperoned"],
        serde_json::json!(true)
    );
    assert!(!snap.device.values.contains_key("WiFiAddress"));

    let e = &snap.enrolment;
    assert_eq!(e.supervised, Some(true));
    assert_eq!(e.ade, Some(true));
    assert_eq!(e.organisation.as_deref(), Some("Région Exemple"));
    assert_eq!(e.access_rights, Some(8191));
    assert_eq!(
        e.mdm_server.as_deref(),
        Some("https://mdm.region-exemple.fr/mdm/server")
    );
    assert_eq!(e.mdm_unremovable, Some(true));
    assert_eq!(e.allow_pairing, Some(true));

    let ids: Vec<_> = snap
        .profiles
        .iter()
        .map(|p| p.profile.identifier.as_str())
        .collect();
    let expected: Vec<_> = dir
        .profiles
        .iter()
        .map(|p| p.profile.identifier.as_str())
        .collect();
    assert_eq!(ids, expected);
    assert!(snap.profiles.iter().all(|p| p.payloads_known));
    let types: Vec<_> = snap
        .profiles
        .iter()
        .flat_map(|p| p.profile.payloads.iter().map(|x| x.payload_type.as_str()))
        .collect();
    for t in [
        "com.apple.mdm",
        "com.apple.applicationaccess",
        "com.apple.security.root",
        "com.apple.eas.account",
        "com.apple.vpn.managed.applayer",
    ] {
        assert!(types.contains(&t), "{t} missing from {types:?}");
    }
    let wallpaper = snap
        .restrictions
        .iter()
        .find(|r| r.key == "allowWallpaperModification")
        .unwrap();
    assert_eq!(wallpaper.value, serde_json::json!(false));

    assert_eq!(snap.apps.len(), dir.apps.len());
    let inhouse = snap
        .apps
        .iter()
        .find(|a| a.bundle_id == "fr.region-exemple.deliberations")
        .unwrap();
    assert_eq!(
        inhouse.signer.as_deref(),
        Some("iPhone Distribution: Région Exemple")
    );
    assert!(inhouse.provisioned);
    assert_eq!(
        inhouse.managed, None,
        "USB cannot tell which apps the MDM manages"
    );
    assert!(snap
        .apps
        .iter()
        .any(|a| a.app_type.as_deref() == Some("System")));

    assert_eq!(
        ipad.refused(),
        vec![],
        "the agent sent a request outside the allowlist"
    );
    let sent: Vec<_> = ipad.requests().iter().map(|r| r.request.clone()).collect();
    for r in [
        "StartSession",
        "GetProfileList",
        "GetCloudConfiguration",
        "Browse",
        "StopSession",
    ] {
        assert!(sent.iter().any(|s| s == r), "{r} not sent: {sent:?}");
    }
}
