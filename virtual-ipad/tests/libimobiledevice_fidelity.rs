//! Fidelity against a client nobody here wrote: libimobiledevice's `ideviceinfo` and
//! `ideviceinstaller` (installed by `tests/setup.sh`) talk to the virtual iPad through
//! `USBMUXD_SOCKET_ADDRESS` — usbmux protocol, pair record, TLS session with OpenSSL,
//! GetValue, StartService, installation_proxy Browse — and print what the device directory says.
#![allow(clippy::unwrap_used)]

use std::process::Command;

use lucarne_virtual_ipad::devicedir::DeviceDir;
use lucarne_virtual_ipad::{Knobs, VirtualIpad};

fn run(tool: &str, args: &[&str], address: &str) -> String {
    let out = Command::new(tool)
        .args(args)
        .env("USBMUXD_SOCKET_ADDRESS", address)
        .output()
        .unwrap_or_else(|e| {
            panic!("{tool} is not runnable ({e}); tests/setup.sh installs libimobiledevice-utils and ideviceinstaller")
        });
    assert!(
        out.status.success(),
        "{tool} {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn plain(value: &plist::Value) -> Option<String> {
    match value {
        plist::Value::String(s) => Some(s.clone()),
        plist::Value::Boolean(b) => Some(b.to_string()),
        plist::Value::Integer(i) => Some(i.to_string()),
        _ => None,
    }
}

#[test]
fn libimobiledevice_tools_read_the_virtual_ipad() {
    let dir = DeviceDir::bundled("council-ipad").unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let ipad = VirtualIpad::start(
        &tmp.path().join("usbmuxd"),
        vec![dir.clone()],
        Knobs::default(),
    )
    .unwrap();
    let address = ipad.address();

    // Every default-domain value, as ideviceinfo prints it ("Key: value").
    let info = run("ideviceinfo", &[], &address);
    for (key, value) in &dir.lockdown[""] {
        if let Some(text) = plain(value) {
            assert!(
                info.lines().any(|l| l == format!("{key}: {text}")),
                "ideviceinfo lacks `{key}: {text}`:\n{info}"
            );
        }
    }
    let chaperone = run(
        "ideviceinfo",
        &["-q", "com.apple.mobile.chaperone"],
        &address,
    );
    assert_eq!(chaperone.trim(), "DeviceIsChaperoned: true");
    let one = run("ideviceinfo", &["-k", "ProductVersion"], &address);
    assert_eq!(one.trim(), "18.1");

    // ideviceinstaller 1.1 lists user apps as `id, "CFBundleVersion", "CFBundleDisplayName"`.
    let apps = run("ideviceinstaller", &["-l"], &address);
    let mut user_apps = 0;
    for app in &dir.apps {
        let get = |k: &str| app.get(k).and_then(plist::Value::as_string).unwrap_or("");
        let line = format!(
            "{}, \"{}\", \"{}\"",
            get("CFBundleIdentifier"),
            get("CFBundleVersion"),
            get("CFBundleDisplayName")
        );
        let listed = apps.lines().any(|l| l == line);
        if get("ApplicationType") == "User" {
            user_apps += 1;
            assert!(listed, "ideviceinstaller lacks {line}:\n{apps}");
        } else {
            assert!(!listed, "system app listed as user app: {line}");
        }
    }
    assert_eq!(apps.lines().count(), user_apps + 1, "{apps}");

    assert_eq!(ipad.refused(), vec![]);
    let sent: Vec<_> = ipad.requests().into_iter().map(|r| r.request).collect();
    assert!(sent.iter().any(|r| r == "StartSession") && sent.iter().any(|r| r == "Browse"));
}
