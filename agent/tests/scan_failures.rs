//! Every real-world failure of a live scan, driven against the virtual iPad: each gives its
//! own message (French by default, English on request) and no snapshot at all.
#![allow(clippy::unwrap_used)]

mod common;

use lucarne::commands::scan::{error_message, scan_snapshot};
use lucarne::device::allowlist::AllowedService;
use lucarne::device::collect::ScanOptions;
use lucarne::device::{ScanError, UsbmuxAddress};
use lucarne::i18n::Messages;
use lucarne_virtual_ipad::{Knobs, VirtualIpad};
use lucarne_words::Lang;

/// Starts a virtual iPad with `names` and `knobs`, scans it, returns the error and the
/// requests the virtual iPad refused.
fn fail(names: &[&str], knobs: Knobs, udid: Option<&str>) -> ScanError {
    let tmp = tempfile::tempdir().unwrap();
    let ipad = VirtualIpad::start(
        &tmp.path().join("usbmuxd"),
        names.iter().map(|n| common::device(n)).collect(),
        knobs,
    )
    .unwrap();
    let options = ScanOptions {
        address: UsbmuxAddress::parse(&ipad.address()).unwrap(),
        udid: udid.map(str::to_owned),
    };
    let error = scan_snapshot(&options).unwrap_err();
    assert_eq!(
        ipad.refused(),
        vec![],
        "outside the allowlist while failing"
    );
    error
}

fn messages(error: &ScanError) -> (String, String) {
    let fr = error_message(error, &Messages::new(Lang::Fr));
    let en = error_message(error, &Messages::new(Lang::En));
    assert_ne!(fr, error.message_id(), "no French message for {error:?}");
    assert_ne!(en, error.message_id(), "no English message for {error:?}");
    (fr, en)
}

#[test]
fn no_usbmuxd_running() {
    let tmp = tempfile::tempdir().unwrap();
    let options = ScanOptions {
        address: UsbmuxAddress::parse(&format!("UNIX:{}", tmp.path().join("none").display()))
            .unwrap(),
        udid: None,
    };
    let error = scan_snapshot(&options).unwrap_err();
    assert!(matches!(error, ScanError::NoUsbmuxd { .. }), "{error:?}");
    let (fr, en) = messages(&error);
    assert!(
        fr.contains("usbmuxd") && fr.contains("Appareils Apple"),
        "{fr}"
    );
    assert!(en.contains("sudo apt install usbmuxd"), "{en}");
}

#[test]
fn no_device_connected() {
    let error = fail(&[], Knobs::default(), None);
    assert_eq!(error, ScanError::NoDevice);
    let (fr, en) = messages(&error);
    assert!(fr.contains("Aucun iPad"), "{fr}");
    assert!(en.contains("No iPad"), "{en}");
}

#[test]
fn several_devices_need_a_udid() {
    let error = fail(&["council-ipad", "personal-ipad"], Knobs::default(), None);
    assert!(matches!(error, ScanError::SeveralDevices { ref udids } if udids.len() == 2));
    assert!(messages(&error).0.contains("--udid"));
    let error = fail(&["council-ipad"], Knobs::default(), Some("00008110-FFFF"));
    assert!(matches!(error, ScanError::DeviceNotFound { .. }));
}

#[test]
fn device_not_paired_says_how_to_trust() {
    let error = fail(
        &["council-ipad"],
        Knobs {
            unpaired: true,
            ..Knobs::default()
        },
        None,
    );
    assert!(matches!(error, ScanError::NotPaired { .. }), "{error:?}");
    let (fr, en) = messages(&error);
    assert!(
        fr.contains("Se fier") && fr.contains("Déverrouillez"),
        "{fr}"
    );
    assert!(
        en.contains("Tap \"Trust\"") || en.contains("tap \"Trust\""),
        "{en}"
    );
}

#[test]
fn pairing_forbidden_points_to_the_backup_route() {
    let error = fail(
        &["council-ipad"],
        Knobs {
            forbid_pairing: true,
            ..Knobs::default()
        },
        None,
    );
    assert!(matches!(error, ScanError::NotPaired { .. }), "{error:?}");
    let (fr, en) = messages(&error);
    assert!(
        fr.contains("AllowPairing") && fr.contains("lucarne scan --backup"),
        "{fr}"
    );
    assert!(
        en.contains("allowHostPairing") && en.contains("lucarne scan --backup"),
        "{en}"
    );
}

#[test]
fn locked_device() {
    let error = fail(
        &["council-ipad"],
        Knobs {
            locked: true,
            ..Knobs::default()
        },
        None,
    );
    assert!(matches!(error, ScanError::Locked { .. }), "{error:?}");
    let (fr, en) = messages(&error);
    assert!(fr.contains("verrouillé"), "{fr}");
    assert!(en.contains("locked"), "{en}");
}

#[test]
fn service_missing_on_an_older_ipados() {
    for service in AllowedService::ALL {
        let error = fail(
            &["council-ipad"],
            Knobs {
                missing_services: vec![service],
                ..Knobs::default()
            },
            None,
        );
        assert!(
            matches!(error, ScanError::ServiceMissing { service: s, .. } if s == service),
            "{error:?}"
        );
        let (fr, _) = messages(&error);
        assert!(fr.contains(service.name()), "{fr}");
    }
}

/// The cable pulled after every possible number of messages: always a clear error, never a
/// partial snapshot. (Dropped at the very last message, StopSession, everything was read.)
#[test]
fn cable_pulled_mid_scan() {
    // A full scan sends this many lockdown and service messages (see the virtual iPad's log).
    let tmp = tempfile::tempdir().unwrap();
    let ipad = VirtualIpad::start(
        &tmp.path().join("usbmuxd"),
        vec![common::device("council-ipad")],
        Knobs::default(),
    )
    .unwrap();
    let options = ScanOptions {
        address: UsbmuxAddress::parse(&ipad.address()).unwrap(),
        udid: None,
    };
    scan_snapshot(&options).unwrap();
    let total = ipad
        .requests()
        .iter()
        .filter(|r| r.channel != "usbmux")
        .count();
    drop(ipad);
    assert!(total > 8, "{total}");
    for n in 0..total - 1 {
        let error = fail(
            &["council-ipad"],
            Knobs {
                drop_after_messages: Some(n),
                ..Knobs::default()
            },
            None,
        );
        assert!(
            matches!(error, ScanError::ConnectionLost { .. }),
            "dropped after {n}: {error:?}"
        );
    }
    let error = fail(
        &["council-ipad"],
        Knobs {
            drop_after_messages: Some(3),
            ..Knobs::default()
        },
        None,
    );
    let (fr, en) = messages(&error);
    assert!(
        fr.contains("coupée") && fr.contains("Rien n'a été enregistré"),
        "{fr}"
    );
    assert!(en.contains("Nothing was recorded"), "{en}");
}
