//! `lucarne scan`: reads the sources given — the iPad connected over USB (the default when
//! no backup or report is given, or with `--device` / `--udid`), a Finder/iTunes backup, an
//! App Privacy Report — into one snapshot, and prints it as JSON or as a readable summary
//! with what the administration can do ([`render_summary`], the one printing function).
//! Nothing is written to the device; payload secrets are redacted before anything is shown.

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::Args;
use fluent_bundle::FluentValue;
use lucarne_profiles::analysis::analyze_snapshot;
use lucarne_profiles::snapshot::Snapshot;
use lucarne_words::{explain, plain, Lang, Subject, Words};

use super::messages::message;
use super::password::{read_password, Spinner};
use crate::backup::keybag::KeybagError;
use crate::backup::{self, BackupError, OpenStep};
use crate::device::collect::{self as live, ScanOptions};
use crate::device::snapshot::to_snapshot;
use crate::device::{ScanError, UsbmuxAddress};
use crate::failure::Explain as _;
use crate::history;
use crate::home::Home;
use crate::i18n::Messages;
use crate::keys;
use crate::privacy_report;
use crate::sources;
use crate::state::SealedSnapshot;
use crate::upload::{self, UploadOutcome};

/// Arguments of `lucarne scan`.
#[derive(Debug, Args)]
pub struct ScanArgs {
    /// Read a Finder/iTunes backup folder; without a folder, the most recent backup found in
    /// the usual places (see `lucarne backups`).
    #[arg(long, value_name = "DIR", num_args = 0..=1)]
    #[allow(clippy::option_option)] // absent / present without a folder / with a folder
    pub backup: Option<Option<PathBuf>>,
    /// Read the password of an encrypted backup from the first line of standard input
    /// instead of prompting.
    #[arg(long)]
    pub password_stdin: bool,
    /// Read an App Privacy Report export (`.ndjson`).
    #[arg(long, value_name = "FILE")]
    pub privacy_report: Option<PathBuf>,
    /// Read the iPad connected over USB (the default when neither `--backup` nor
    /// `--privacy-report` is given).
    #[arg(long)]
    pub device: bool,
    /// The connected device to read (see `lucarne devices`); needed when several are
    /// connected. Implies `--device`.
    #[arg(long)]
    pub udid: Option<String>,
    /// usbmuxd's address (`UNIX:/path` or `host:port`); default `USBMUXD_SOCKET_ADDRESS`,
    /// then the system's.
    #[arg(long)]
    pub usbmuxd: Option<String>,
    /// Print the snapshot as JSON.
    #[arg(long)]
    pub json: bool,
    /// Print every statement with its conditions and evidence after the summary.
    #[arg(long)]
    pub details: bool,
    /// Language of messages: `fr` (default) or `en`.
    #[arg(long, default_value = "fr")]
    pub lang: Lang,
}

/// An error the user caused (exit code 2), already worded for them.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct UserError(pub String);

/// Runs `lucarne scan`.
pub fn run(args: ScanArgs) -> anyhow::Result<()> {
    let lang = args.lang;
    let mut parts = Vec::new();
    let mut warnings = Vec::new();
    let live = args.device
        || args.udid.is_some()
        || (args.backup.is_none() && args.privacy_report.is_none());
    if live {
        let options = ScanOptions {
            address: address(args.usbmuxd.as_deref())?,
            udid: args.udid.clone(),
        };
        match scan_snapshot(&options) {
            Ok(part) => parts.push(part),
            Err(e) => return Err(UserError(error_message(&e, &Messages::new(lang))).into()),
        }
    }
    if let Some(dir) = &args.backup {
        let dir = match dir {
            Some(dir) => dir.clone(),
            None => most_recent_backup()
                .ok_or_else(|| UserError(message(lang, "no-backup-found", &[])))?,
        };
        let facts = scan_backup(&dir, args.password_stdin, lang)?;
        warnings.extend(facts.warnings);
        parts.push(facts.snapshot);
    }
    if let Some(path) = &args.privacy_report {
        parts.push(read_privacy_report(path)?);
    }
    if parts.is_empty() {
        return Err(UserError(message(lang, "nothing-to-scan", &[])).into());
    }
    let mut snapshot = sources::merge(parts, &sources::now_rfc3339());
    // Secrets a payload may carry are redacted before anything is shown, kept or sent, with
    // this computer's own salt: the same secret keeps the same hash, so a diff shows a change.
    let home = Home::locate().explain("error-home")?;
    let salt = keys::salt_in(&home).explain("error-salt")?;
    lucarne_profiles::redact::Redactor::new(&salt).snapshot(&mut snapshot);
    if !warnings.is_empty() {
        eprintln!(
            "{}",
            message(lang, "warnings", &[("count", &warnings.len().to_string())])
        );
        for w in &warnings {
            eprintln!("  - {w}");
        }
    }
    let mut out = std::io::stdout().lock();
    if args.json {
        serde_json::to_writer_pretty(&mut out, &snapshot).explain("error-write-output")?;
        writeln!(out)?;
    } else {
        write!(out, "{}", render_report(&snapshot, lang, args.details))?;
    }
    drop(out);
    if snapshot.device.udid.is_some() {
        let sealed = keep_and_send(&home, snapshot, lang)?;
        if !args.json {
            print_changes(&home, &sealed, lang, args.details)?;
        }
    }
    Ok(())
}

/// Prints what changed since the previous snapshot of the same iPad in the local history.
fn print_changes(
    home: &Home,
    sealed: &SealedSnapshot,
    lang: Lang,
    details: bool,
) -> anyhow::Result<()> {
    let words = Words::new(lang);
    let text = match history::changes_since_previous(home, &sealed.device, sealed.sequence)? {
        Some((date, events)) => plain::draw_changes(&words, &date, &events, details),
        None => format!("{}\n", words.get("changes-first")),
    };
    print!("\n{text}");
    Ok(())
}

/// Seals the snapshot into the local history and, when this computer is registered, sends the
/// outbox (see [`crate::upload`]). Reports on standard error, so `--json` output stays clean.
fn keep_and_send(home: &Home, snapshot: Snapshot, lang: Lang) -> anyhow::Result<SealedSnapshot> {
    let say = |id: &str, vars: &[(&str, &str)]| eprintln!("{}", message(lang, id, vars));
    let sealed = match upload::block_on(upload::after_scan(home, snapshot))?? {
        UploadOutcome::NotRegistered { sealed } => {
            say(
                "scan-kept",
                &[
                    ("sequence", &sealed.sequence.to_string()),
                    ("path", &sealed.history_path.display().to_string()),
                ],
            );
            sealed
        }
        UploadOutcome::Pushed { sealed, report } => {
            say(
                "scan-kept",
                &[
                    ("sequence", &sealed.sequence.to_string()),
                    ("path", &sealed.history_path.display().to_string()),
                ],
            );
            for accepted in &report.accepted {
                say(
                    "scan-accepted",
                    &[
                        ("sequence", &accepted.sequence.to_string()),
                        ("leaf", &accepted.leaf_index.to_string()),
                        ("size", &accepted.tree_size.to_string()),
                        ("alerts", &accepted.alerts.to_string()),
                    ],
                );
            }
            for refused in &report.refused {
                say(
                    "scan-refused",
                    &[
                        ("sequence", &refused.sequence.to_string()),
                        ("reason", &refused.reason.message),
                    ],
                );
            }
            if let Some(seconds) = report.retry_after_seconds {
                say(
                    "upload-wait",
                    &[
                        ("seconds", &seconds.to_string()),
                        ("remaining", &report.remaining.to_string()),
                    ],
                );
            } else if let Some(why) = &report.stopped {
                say(
                    "scan-queued",
                    &[("count", &report.remaining.to_string()), ("reason", why)],
                );
            }
            sealed
        }
    };
    Ok(sealed)
}

fn most_recent_backup() -> Option<PathBuf> {
    backup::layout::default_roots()
        .iter()
        .flat_map(|root| backup::layout::list_backups(root))
        .max_by(|a, b| a.date.cmp(&b.date))
        .map(|s| s.path)
}

/// Opens and reads a backup, asking for the password only when it is encrypted.
pub fn scan_backup(
    dir: &Path,
    password_stdin: bool,
    lang: Lang,
) -> anyhow::Result<backup::BackupFacts> {
    let manifest = backup::reader::read_manifest_plist(dir).explain_with(
        "error-backup-unreadable",
        vec![("path", dir.display().to_string())],
    )?;
    let password = if manifest.encrypted {
        Some(read_password(password_stdin, lang)?)
    } else {
        None
    };
    let mut spinner = None;
    let result = backup::scan(
        dir,
        password.as_ref().map(|p| p.as_slice()),
        &mut |step| match step {
            OpenStep::DerivingKey => spinner = Some(Spinner::start(lang)),
            OpenStep::KeyDerived => {
                if let Some(s) = spinner.take() {
                    s.finish();
                }
            }
        },
    );
    match result {
        Ok(facts) => Ok(facts),
        Err(BackupError::Keybag(KeybagError::WrongPassword)) => {
            Err(UserError(message(lang, "wrong-password", &[])).into())
        }
        Err(BackupError::PasswordNeeded) => {
            Err(UserError(message(lang, "password-needed", &[])).into())
        }
        Err(e) => Err(e).explain_with(
            "error-backup-read",
            vec![("path", dir.display().to_string())],
        ),
    }
}

fn read_privacy_report(path: &Path) -> anyhow::Result<Snapshot> {
    let size = std::fs::metadata(path)
        .explain_with(
            "error-read-file",
            vec![("path", path.display().to_string())],
        )?
        .len();
    if size > privacy_report::MAX_REPORT_BYTES as u64 {
        return Err(
            anyhow::Error::msg(format!("{size} bytes")).context(crate::failure::Failure {
                id: "error-report-too-large",
                args: vec![("path", path.display().to_string())],
            }),
        );
    }
    let bytes = std::fs::read(path).explain_with(
        "error-read-file",
        vec![("path", path.display().to_string())],
    )?;
    let report = privacy_report::parse(&bytes).explain_with(
        "error-report-invalid",
        vec![("path", path.display().to_string())],
    )?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    Ok(sources::privacy_part(report.summary, &name))
}

/// The usbmuxd address from an explicit option, else the environment.
pub fn address(option: Option<&str>) -> anyhow::Result<UsbmuxAddress> {
    match option {
        Some(text) => UsbmuxAddress::parse(text),
        None => UsbmuxAddress::from_env(),
    }
    .map_err(anyhow::Error::msg)
    .explain("error-usbmuxd-address")
}

/// The user-facing message of a failed live scan.
pub fn error_message(error: &ScanError, msgs: &Messages) -> String {
    let args: Vec<(&str, FluentValue<'_>)> = error
        .message_args()
        .into_iter()
        .map(|(k, v)| (k, crate::i18n::arg(&v)))
        .collect();
    msgs.get(error.message_id(), &args)
}

/// Reads the connected device into a partial snapshot (source: live).
pub fn scan_snapshot(options: &ScanOptions) -> Result<Snapshot, ScanError> {
    let reading = live::scan(options)?;
    Ok(to_snapshot(&reading, &sources::now_rfc3339()))
}

/// The readable report of a snapshot: the explanation of its analysis (summary first, what
/// the administration cannot do, what this source could not see; every statement with its
/// evidence with `details`), and whether the administration forbids reading the iPad from
/// another computer.
pub fn render_report(s: &Snapshot, lang: Lang, details: bool) -> String {
    let msgs = Messages::new(lang);
    let analysis = analyze_snapshot(s);
    let doc = explain(&analysis, Subject::Device, lang);
    let mut out = plain::draw(&doc, details);
    let host_pairing_forbidden = s
        .restrictions
        .iter()
        .any(|r| r.key == "allowHostPairing" && r.value == serde_json::Value::Bool(false));
    if s.enrolment.allow_pairing == Some(false) || host_pairing_forbidden {
        for line in plain::wrap(
            &msgs.get("scan-pairing-forbidden", &[]),
            plain::WIDTH,
            "",
            "",
        ) {
            out.push_str(&line);
            out.push('\n');
        }
    }
    out
}
