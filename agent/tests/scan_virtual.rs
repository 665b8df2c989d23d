//! `lucarne scan` (the library path) against virtual iPads: the snapshot holds what the device
//! directory says, and the agent sent nothing outside the read-only allowlist.
#![allow(clippy::unwrap_used)]

mod common;

use lucarne::device::collect::{self, ScanOptions};
use lucarne::device::snapshot::to_snapshot;
use lucarne::device::UsbmuxAddress;
use lucarne_profiles::snapshot::Source;
use lucarne_virtual_ipad::{Knobs, VirtualIpad};

fn options(ipad: &VirtualIpad) -> ScanOptions {
    ScanOptions {
        address: UsbmuxAddress::parse(&ipad.address()).unwrap(),
        udid: None,
    }
}

#[test]
fn council_ipad_snapshot_matches_its_directory() {
    let (_dir, ipad) = common::start(&["council-ipad"], Knobs::default());
    let reading = collect::scan(&options(&ipad)).unwrap();
    let snap = to_snapshot(&reading, "2026-11-25T20:00:00Z");
    let dir = common::device("council-ipad");

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

fn capability_ids(snap: &lucarne_profiles::Snapshot) -> Vec<String> {
    lucarne_profiles::analysis::analyze_snapshot(snap)
        .capabilities
        .into_iter()
        .map(|c| c.id)
        .collect()
}

#[test]
fn council_ipad_capabilities_from_a_live_scan() {
    let (_dir, ipad) = common::start(&["council-ipad"], Knobs::default());
    let snap = to_snapshot(
        &collect::scan(&options(&ipad)).unwrap(),
        "2026-11-25T20:00:00Z",
    );
    let ids = capability_ids(&snap);
    for id in [
        "command.EraseDevice",
        "command.InstalledApplicationList",
        "mdm.server",
        "trust.root",
        "traffic.per-app-vpn",
        "account.exchange",
        "device.supervised",
        "device.ade",
        "app.in-house",
    ] {
        assert!(ids.iter().any(|i| i == id), "{id} missing from {ids:?}");
    }
    let summary = lucarne::commands::scan::render_report(&snap, lucarne_words::Lang::Fr, true);
    assert!(summary.contains("Région Exemple"), "{summary}");
    assert!(summary.contains("mdm.region-exemple.fr"), "{summary}");
    assert!(summary.contains("Délibérations"), "{summary}");
}

#[test]
fn personal_ipad_has_no_management() {
    let (_dir, ipad) = common::start(&["personal-ipad"], Knobs::default());
    let snap = to_snapshot(
        &collect::scan(&options(&ipad)).unwrap(),
        "2026-11-25T20:00:00Z",
    );
    assert_eq!(snap.device.name.as_deref(), Some("iPad de Camille"));
    assert!(snap.profiles.is_empty());
    assert_eq!(snap.enrolment.supervised, Some(false));
    assert_eq!(snap.enrolment.ade, None);
    assert_eq!(snap.enrolment.access_rights, None);
    assert_eq!(snap.apps.len(), common::device("personal-ipad").apps.len());
    assert!(snap.apps.iter().all(|a| !a.provisioned));
    let ids = capability_ids(&snap);
    assert!(
        !ids.iter()
            .any(|i| i.starts_with("command.") || i == "mdm.server"),
        "{ids:?}"
    );
    assert_eq!(ipad.refused(), vec![]);
}

#[test]
fn week2_shows_the_changed_restriction_and_the_new_app() {
    let scan =
        |opts: &ScanOptions| to_snapshot(&collect::scan(opts).unwrap(), "2026-11-25T20:00:00Z");
    // The same iPad a week apart: same UDID.
    assert_eq!(
        common::device("council-ipad").udid(),
        common::device("council-ipad-week2").udid()
    );
    let (_dir, ipad) = common::start(&["council-ipad"], Knobs::default());
    let first = scan(&options(&ipad));
    let value = |s: &lucarne_profiles::Snapshot, k: &str| {
        s.restrictions
            .iter()
            .find(|r| r.key == k)
            .map(|r| r.value.clone())
    };
    assert_eq!(
        value(&first, "allowScreenShot"),
        Some(serde_json::json!(true))
    );
    drop(ipad);

    let (_dir2, ipad2) = common::start(&["council-ipad-week2"], Knobs::default());
    let second = scan(&options(&ipad2));
    assert_eq!(
        value(&second, "allowScreenShot"),
        Some(serde_json::json!(false))
    );
    assert_eq!(
        value(&second, "allowWallpaperModification"),
        Some(serde_json::json!(false))
    );
    assert_eq!(second.apps.len(), first.apps.len() + 1);
    assert!(second
        .apps
        .iter()
        .any(|a| a.bundle_id == "com.teamviewer.rc"));
    assert!(!first
        .apps
        .iter()
        .any(|a| a.bundle_id == "com.teamviewer.rc"));
}

#[test]
fn profile_list_without_payloads_marks_them_unknown() {
    let (_dir, ipad) = common::start(
        &["council-ipad"],
        Knobs {
            payloads_in_profile_list: false,
            mcinstall_ssl: false,
            ..Knobs::default()
        },
    );
    let snap = to_snapshot(
        &collect::scan(&options(&ipad)).unwrap(),
        "2026-11-25T20:00:00Z",
    );
    assert_eq!(snap.profiles.len(), 5);
    assert!(snap
        .profiles
        .iter()
        .all(|p| !p.payloads_known && p.profile.payloads.is_empty()));
    let mdm = &snap.profiles[0].profile;
    assert_eq!(
        mdm.display_name.as_deref(),
        Some("Gestion des appareils de la Région")
    );
    assert!(mdm.removal_disallowed);
    assert_eq!(snap.enrolment.access_rights, None);
    assert_eq!(
        snap.enrolment.organisation.as_deref(),
        Some("Région Exemple")
    );
    assert!(snap.restrictions.is_empty());
    let summary = lucarne::commands::scan::render_report(&snap, lucarne_words::Lang::En, false);
    // Over USB without payload contents, what they are is unknown, and a backup tells.
    assert!(
        summary.contains("The content of the profiles: unknown. A backup of the iPad tells"),
        "{summary}"
    );
}

#[test]
fn gate_lookup_by_bundle_id() {
    use lucarne::device::allowlist::InstallationProxyRequest;
    use lucarne::device::gate::{list_devices, DeviceLink};
    let (_dir, ipad) = common::start(&["council-ipad"], Knobs::default());
    let address = UsbmuxAddress::parse(&ipad.address()).unwrap();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let apps = rt.block_on(async {
        let devices = list_devices(&address).await.unwrap();
        let mut link = DeviceLink::open(&address, &devices[0]).await.unwrap();
        let mut options = plist::Dictionary::new();
        options.insert("ApplicationType".into(), "Any".into());
        options.insert(
            "BundleIDs".into(),
            plist::Value::Array(vec!["fr.region-exemple.deliberations".into()]),
        );
        let apps = link
            .installation_proxy(&InstallationProxyRequest::Lookup { options })
            .await
            .unwrap();
        link.close().await;
        apps
    });
    assert_eq!(apps.len(), 1);
    assert_eq!(
        apps[0]
            .get("SignerIdentity")
            .and_then(plist::Value::as_string),
        Some("iPhone Distribution: Région Exemple")
    );
    assert!(ipad.requests().iter().any(|r| r.request == "Lookup"));
    assert_eq!(ipad.refused(), vec![]);
}
