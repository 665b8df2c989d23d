//! The `lucarne-simulate` binary as a developer runs it: `serve` answers the agent on its
//! socket until stopped and says how to reach it; `write-backup` writes an encrypted backup
//! (password on standard input) that the agent's reader opens.
#![allow(clippy::unwrap_used)]

use std::io::{Read, Write};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use lucarne::device::collect::{self, ScanOptions};
use lucarne::device::{ScanError, UsbmuxAddress};
use lucarne_virtual_ipad::devicedir::bundled_root;

const COUNCIL_UDID: &str = "00008103-001A2B3C4D5E6F70";

fn simulate(args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_lucarne-simulate"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    if let Some(text) = stdin {
        writeln!(input, "{text}").unwrap();
    }
    drop(input);
    child.wait_with_output().unwrap()
}

fn council() -> String {
    bundled_root().join("council-ipad").display().to_string()
}

/// A `lucarne-simulate serve` process, stopped (by its own handle) when dropped.
struct Served(Child);

impl Served {
    /// Starts `serve` on `socket` and waits until the socket accepts connections.
    fn start(socket: &Path, extra: &[&str]) -> Served {
        let child = Command::new(env!("CARGO_BIN_EXE_lucarne-simulate"))
            .args(["serve", "--socket", socket.to_str().unwrap()])
            .args(["--device", &council()])
            .args(extra)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut served = Served(child);
        // The pair record's RSA keys are generated at start: allow an unoptimised build time.
        let deadline = Instant::now() + Duration::from_secs(120);
        while std::os::unix::net::UnixStream::connect(socket).is_err() {
            if let Some(status) = served.0.try_wait().unwrap() {
                panic!("serve exited early ({status}): {}", served.stderr());
            }
            assert!(Instant::now() < deadline, "serve never listened");
            std::thread::sleep(Duration::from_millis(50));
        }
        served
    }

    /// Stops the process and returns what it printed on standard error.
    fn stderr(&mut self) -> String {
        let _ = self.0.kill();
        let _ = self.0.wait();
        let mut text = String::new();
        if let Some(mut err) = self.0.stderr.take() {
            err.read_to_string(&mut text).unwrap();
        }
        text
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn scan(socket: &Path) -> Result<collect::LiveReading, ScanError> {
    collect::scan(&ScanOptions {
        address: UsbmuxAddress::parse(&format!("UNIX:{}", socket.display())).unwrap(),
        udid: None,
    })
}

#[test]
fn serve_answers_the_agent_and_logs_every_request() {
    let tmp = tempfile::tempdir().unwrap();
    let socket = tmp.path().join("usbmuxd");
    let mut served = Served::start(&socket, &["--log"]);
    let reading = scan(&socket).unwrap();
    assert_eq!(reading.udid, COUNCIL_UDID);
    assert!(reading.cloud_configuration.is_some());
    let stderr = served.stderr();
    for line in [
        format!("simulate: device {COUNCIL_UDID}"),
        format!("simulate: USBMUXD_SOCKET_ADDRESS=UNIX:{}", socket.display()),
        "simulate: lockdown StartSession".to_string(),
        "simulate: com.apple.mobile.MCInstall GetProfileList".to_string(),
    ] {
        assert!(stderr.contains(&line), "`{line}` missing from:\n{stderr}");
    }
    assert!(!stderr.contains("REFUSED"), "{stderr}");
}

#[test]
fn serve_knobs_reach_the_device() {
    let tmp = tempfile::tempdir().unwrap();
    let socket = tmp.path().join("usbmuxd");
    let _served = Served::start(&socket, &["--locked"]);
    assert!(
        matches!(scan(&socket), Err(ScanError::Locked { .. })),
        "a locked device refuses its services"
    );

    let bad = simulate(
        &[
            "serve",
            "--socket",
            tmp.path().join("other").to_str().unwrap(),
            "--device",
            &council(),
            "--missing-service",
            "com.apple.mobilebackup2",
        ],
        None,
    );
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("unknown service"));
}

#[test]
fn write_backup_encrypts_with_the_password_from_standard_input() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("enc");
    let run = simulate(
        &[
            "write-backup",
            "--device",
            &council(),
            "--out",
            out.to_str().unwrap(),
            "--password-stdin",
            "--sha256-iterations",
            "2000",
            "--sha1-iterations",
            "10",
            "--lang",
            "en",
        ],
        Some("mot de passe"),
    );
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "{stderr}");
    assert!(stderr.contains("Backup written to"), "{stderr}");

    let facts = lucarne::backup::scan(&out, Some(b"mot de passe"), &mut |_| {}).unwrap();
    assert_eq!(facts.snapshot.profiles.len(), 5);
    assert!(lucarne::backup::scan(&out, Some(b"nope"), &mut |_| {}).is_err());
    assert!(
        lucarne::backup::scan(&out, None, &mut |_| {}).is_err(),
        "the backup is encrypted"
    );

    let again = simulate(
        &[
            "write-backup",
            "--device",
            &council(),
            "--out",
            out.to_str().unwrap(),
        ],
        None,
    );
    assert!(
        !again.status.success(),
        "an existing backup is never overwritten"
    );
}
