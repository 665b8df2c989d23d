//! `lucarne scan`: reads the connected iPad over USB and prints its snapshot (`--json`) or a
//! readable summary with what its administration can do. Nothing is written to the device and
//! nothing is sent anywhere.

use fluent_bundle::FluentValue;
use lucarne_profiles::analysis::analyze_snapshot;
use lucarne_profiles::{Lang, Snapshot};

use crate::device::collect::{self, ScanOptions};
use crate::device::snapshot::to_snapshot;
use crate::device::{ScanError, UsbmuxAddress};
use crate::i18n::{arg, Messages};
use crate::report::{render_analysis, safe};

/// Exit code when the device could not be read.
pub const EXIT_DEVICE: u8 = 3;

/// Arguments of `lucarne scan`.
#[derive(Debug, clap::Args)]
pub struct ScanArgs {
    /// The device to read (see `lucarne devices`); needed when several are connected.
    #[arg(long)]
    pub udid: Option<String>,
    /// Print the snapshot (`lucarne.snapshot/1`) as JSON instead of the summary.
    #[arg(long)]
    pub json: bool,
    /// Language of the summary and messages: `fr` (default) or `en`.
    #[arg(long, default_value = "fr")]
    pub lang: Lang,
    /// usbmuxd's address (`UNIX:/path` or `host:port`); default `USBMUXD_SOCKET_ADDRESS`, then
    /// the system's.
    #[arg(long)]
    pub usbmuxd: Option<String>,
}

/// The usbmuxd address from an explicit option, else the environment.
pub fn address(option: Option<&str>) -> anyhow::Result<UsbmuxAddress> {
    match option {
        Some(text) => UsbmuxAddress::parse(text),
        None => UsbmuxAddress::from_env(),
    }
    .map_err(|e| anyhow::anyhow!("usbmuxd address: {e}"))
}

/// The user-facing message of a scan failure.
pub fn error_message(error: &ScanError, msgs: &Messages) -> String {
    let args: Vec<(&str, FluentValue<'_>)> = error
        .message_args()
        .into_iter()
        .map(|(k, v)| (k, FluentValue::from(safe(&v))))
        .collect();
    msgs.get(error.message_id(), &args)
}

fn yes_no(value: Option<bool>, msgs: &Messages) -> String {
    msgs.get(
        match value {
            Some(true) => "scan-yes",
            Some(false) => "scan-no",
            None => "scan-unknown",
        },
        &[],
    )
}

/// The readable summary of a snapshot: the device, its enrolment, profiles, apps, then the
/// analysis of what the administration can do.
pub fn render_summary(snapshot: &Snapshot, lang: Lang) -> String {
    let msgs = Messages::new(lang);
    let d = &snapshot.device;
    let e = &snapshot.enrolment;
    let text = |v: &Option<String>| safe(v.as_deref().unwrap_or("?"));
    let mut out = String::new();
    let mut line = |s: String| {
        out.push_str(&s);
        out.push('\n');
    };
    line(msgs.get(
        "scan-device",
        &[
            ("name", arg(&text(&d.name))),
            ("model", arg(&text(&d.model))),
            ("version", arg(&text(&d.os_version))),
            ("build", arg(&text(&d.build))),
        ],
    ));
    line(msgs.get(
        "scan-serial",
        &[
            ("serial", arg(&text(&d.serial))),
            ("udid", arg(&text(&d.udid))),
        ],
    ));
    line(msgs.get(
        "scan-supervised",
        &[("value", arg(&yes_no(e.supervised, &msgs)))],
    ));
    if let Some(org) = &e.organisation {
        line(msgs.get("scan-organisation", &[("organisation", arg(&safe(org)))]));
    }
    line(msgs.get("scan-ade", &[("value", arg(&yes_no(e.ade, &msgs)))]));
    if e.mdm_unremovable.is_some() {
        line(msgs.get(
            "scan-mdm-unremovable",
            &[("value", arg(&yes_no(e.mdm_unremovable, &msgs)))],
        ));
    }
    let host_pairing_forbidden = snapshot
        .restrictions
        .iter()
        .any(|r| r.key == "allowHostPairing" && r.value == serde_json::Value::Bool(false));
    if e.allow_pairing == Some(false) || host_pairing_forbidden {
        line(msgs.get("scan-pairing-forbidden", &[]));
    }
    line(msgs.get(
        "scan-profiles",
        &[("count", FluentValue::from(snapshot.profiles.len()))],
    ));
    for p in &snapshot.profiles {
        let name = p
            .profile
            .display_name
            .as_deref()
            .unwrap_or(&p.profile.identifier);
        line(msgs.get(
            "scan-profile-line",
            &[
                ("name", arg(&safe(name))),
                ("identifier", arg(&safe(&p.profile.identifier))),
            ],
        ));
    }
    if snapshot.profiles.iter().any(|p| !p.payloads_known) {
        line(msgs.get("scan-payloads-unknown", &[]));
    }
    let count = |t: &str| {
        snapshot
            .apps
            .iter()
            .filter(|a| a.app_type.as_deref() == Some(t))
            .count()
    };
    let provisioned: Vec<_> = snapshot.apps.iter().filter(|a| a.provisioned).collect();
    line(msgs.get(
        "scan-apps",
        &[
            ("count", FluentValue::from(snapshot.apps.len())),
            ("user", FluentValue::from(count("User"))),
            ("system", FluentValue::from(count("System"))),
            ("provisioned", FluentValue::from(provisioned.len())),
        ],
    ));
    for app in provisioned {
        line(msgs.get(
            "scan-app-line",
            &[
                ("name", arg(&text(&app.name))),
                ("bundle", arg(&safe(&app.bundle_id))),
                ("signer", arg(&text(&app.signer))),
            ],
        ));
    }
    out.push('\n');
    out.push_str(&render_analysis(&analyze_snapshot(snapshot), lang, &msgs));
    out
}

/// The current time, RFC 3339 UTC.
pub fn now_rfc3339() -> String {
    time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_else(|_| "1970-01-01T00:00:00Z".into())
}

/// Reads the device and builds its snapshot.
pub fn scan_snapshot(options: &ScanOptions) -> Result<Snapshot, ScanError> {
    let reading = collect::scan(options)?;
    let mut snapshot = to_snapshot(&reading, &now_rfc3339());
    snapshot.sequence = 1;
    Ok(snapshot)
}

/// Runs `lucarne scan`.
pub fn run(args: &ScanArgs) -> anyhow::Result<u8> {
    let options = ScanOptions {
        address: address(args.usbmuxd.as_deref())?,
        udid: args.udid.clone(),
    };
    match scan_snapshot(&options) {
        Ok(mut snapshot) => {
            // Secrets a payload may carry are redacted before anything is shown.
            lucarne_profiles::redact::Redactor::new(&crate::salt::session_salt()?)
                .snapshot(&mut snapshot);
            if args.json {
                println!("{}", serde_json::to_string_pretty(&snapshot)?);
            } else {
                print!("{}", render_summary(&snapshot, args.lang));
            }
            Ok(0)
        }
        Err(error) => {
            eprintln!(
                "lucarne: {}",
                error_message(&error, &Messages::new(args.lang))
            );
            Ok(EXIT_DEVICE)
        }
    }
}
