//! What the agent's integration tests share: the bundled device directories, a virtual iPad
//! on a private socket, and a data directory of their own.
// Each test binary uses only some of these.
#![allow(dead_code, clippy::unwrap_used)]

use std::path::PathBuf;

use lucarne_virtual_ipad::devicedir::DeviceDir;
use lucarne_virtual_ipad::{Knobs, VirtualIpad};

/// One of the device directories bundled with the test kit (`virtual-ipad/devices/`).
pub(crate) fn device(name: &str) -> DeviceDir {
    DeviceDir::bundled(name).unwrap()
}

/// A virtual iPad serving the devices `names`, on a socket in a temporary folder that lives
/// as long as the returned guard.
pub(crate) fn start(names: &[&str], knobs: Knobs) -> (tempfile::TempDir, VirtualIpad) {
    let dir = tempfile::tempdir().unwrap();
    let ipad = VirtualIpad::start(
        &dir.path().join("usbmuxd"),
        names.iter().map(|n| device(n)).collect(),
        knobs,
    )
    .unwrap();
    (dir, ipad)
}

/// A data directory of its own for each run, so tests never touch the user's history.
pub(crate) fn fresh_home() -> PathBuf {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    std::env::temp_dir().join(format!("lucarne-test-home-{}-{n}", std::process::id()))
}
