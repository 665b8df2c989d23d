//! What the report's tests share: real snapshots of the bundled virtual iPads, read by the
//! agent's own live collector (the same path as `lucarne scan`), and report inputs built from
//! them as an export would.
#![allow(dead_code, clippy::unwrap_used)]

use lucarne::device::collect::{scan, ScanOptions};
use lucarne::device::gate::UsbmuxAddress;
use lucarne::device::snapshot::to_snapshot;
use lucarne_profiles::redact::Redactor;
use lucarne_profiles::snapshot::Snapshot;
use lucarne_report::{
    Attestation, KeyFact, KeyRole, Period, ReportInput, ServerAlert, SnapshotEntry,
};
use lucarne_virtual_ipad::devicedir::DeviceDir;
use lucarne_virtual_ipad::{Knobs, VirtualIpad};

/// The agent key id the tests use in file names.
pub(crate) const KEY_ID: &str = "3f1c9a2b7d5e8f60";
/// The device's folder in the export.
pub(crate) const HANDLE: &str = "ipad-1";

/// A snapshot of the bundled device `name`, taken at `taken_at`, redacted as the agent does.
pub(crate) fn snapshot_of(name: &str, taken_at: &str) -> Snapshot {
    let dir = tempfile::tempdir().unwrap();
    let ipad = VirtualIpad::start(
        &dir.path().join("usbmuxd"),
        vec![DeviceDir::bundled(name).unwrap()],
        Knobs::default(),
    )
    .unwrap();
    let reading = scan(&ScanOptions {
        address: UsbmuxAddress::parse(&ipad.address()).unwrap(),
        udid: None,
    })
    .unwrap();
    let mut snapshot = to_snapshot(&reading, taken_at);
    Redactor::new(b"report-tests-salt").snapshot(&mut snapshot);
    snapshot
}

/// Who attests snapshot `sequence` in the tests: the agent always; the log and a
/// timestamping authority for all but the last (not yet timestamped).
pub(crate) fn attest(last: u64) -> impl Fn(u64) -> Vec<Attestation> {
    move |sequence| {
        let mut out = vec![
            Attestation::AgentSigned,
            Attestation::LogIncluded {
                leaf_index: sequence + 10,
                file: lucarne_report::input::receipt_path(HANDLE, KEY_ID, sequence),
            },
        ];
        if sequence < last {
            out.push(Attestation::TimeAttested {
                at: "2026-11-30T12:00:00Z".into(),
                file: "log/timestamps/0001.tsr".into(),
            });
        }
        out
    }
}

/// The report input of `history`, as an export attested by the server would fill it.
pub(crate) fn input_of(history: &[(u64, Snapshot)], period: (&str, &str)) -> ReportInput {
    let last = history.last().map(|h| h.0).unwrap_or(0);
    let (analysed_sequence, analysis) = ReportInput::analyse_newest(history).unwrap();
    let snapshots: Vec<SnapshotEntry> = ReportInput::entries(HANDLE, KEY_ID, history, attest(last));
    ReportInput {
        owner: Some("Camille Dupré, conseillère régionale".into()),
        device_handle: HANDLE.into(),
        period: Period {
            from: period.0.into(),
            to: period.1.into(),
        },
        generated_at: "2026-11-30T16:35:00Z".into(),
        server_attested: true,
        analysis,
        analysed_sequence,
        snapshots,
        server_alerts: Vec::<ServerAlert>::new(),
        keys: vec![
            KeyFact {
                role: KeyRole::Agent,
                fingerprint: "SHA256:q0u8ZP3mNQb1vM3z4WbC3b5nEo7hR9m2l3U9oQe1x8Y".into(),
                file: "keys/agent-3f1c9a2b7d5e8f60.pub".into(),
            },
            KeyFact {
                role: KeyRole::Log,
                fingerprint: "lucarne.example+6a1b2c3d+AaBbCcDdEeFfGgHhIiJjKkLlMmNnOoPpQqRrSsTtUu"
                    .into(),
                file: "keys/log.vkey".into(),
            },
        ],
    }
}

/// The council iPad's two weeks: week 1 then week 2 (TeamViewer appears).
pub(crate) fn council_two_weeks() -> ReportInput {
    let history = vec![
        (1, snapshot_of("council-ipad", "2026-11-16T09:12:00Z")),
        (2, snapshot_of("council-ipad-week2", "2026-11-23T09:05:00Z")),
    ];
    input_of(&history, ("2026-11-16", "2026-11-23"))
}
