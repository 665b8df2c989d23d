//! `lucarne verify FILE.zip [--json]`: checks an evidence export offline (every check of
//! `lucarne_proof::export::verify`) and, on the official's own computer, that its keys are
//! the ones pinned here (this computer's key, the log key kept at registration); elsewhere it
//! prints the fingerprints to compare with the published ones.
//!
//! Exit status: 0 when every available check passed, 1 on any failure (one line
//! `FILE: CHECK: reason` each; an unreadable archive is a `zip` failure), 2 on a usage error.

use std::path::PathBuf;

use lucarne_proof::export::zip::MAX_ARCHIVE_BYTES;
use lucarne_proof::export::{self, Check, Failure, ManifestSigner, Notice, Report};
use lucarne_words::{Args, Lang, Words};
use serde::Serialize;

use crate::home::Home;
use crate::keys::{AgentKey, KEY_FILE};
use crate::registration;

/// Arguments of `lucarne verify`.
#[derive(Debug, clap::Args)]
pub struct VerifyArgs {
    /// The export to check (a `lucarne-export/1` ZIP).
    #[arg(value_name = "FILE.zip")]
    pub file: PathBuf,
    /// Print the report as JSON.
    #[arg(long)]
    pub json: bool,
    /// Language of the messages: `fr` (default) or `en`.
    #[arg(long, default_value = "fr")]
    pub lang: Lang,
}

/// What `--json` prints.
#[derive(Debug, Serialize)]
struct JsonReport<'a> {
    file: String,
    passed: bool,
    /// Whether the keys were compared with those pinned on this computer.
    pinned: bool,
    #[serde(flatten)]
    report: &'a Report,
}

/// The keys pinned on this computer, when it has any.
struct Pins {
    key_id: Option<String>,
    log: Option<lucarne_proof::checkpoint::LogIdentity>,
}

fn pins() -> Pins {
    let Ok(home) = Home::locate() else {
        return Pins {
            key_id: None,
            log: None,
        };
    };
    let key_id = home
        .path(KEY_FILE)
        .exists()
        .then(|| AgentKey::load(&home).ok().map(|k| k.key_id()))
        .flatten();
    let log = registration::load(&home).ok().flatten().map(|e| e.log);
    Pins { key_id, log }
}

/// Adds a `key-pin` failure for each key of the export that is not the one pinned here.
fn check_pins(report: &mut Report, pins: &Pins) {
    if let Some(ours) = &pins.key_id {
        if let Some(ManifestSigner::Agent { key_id }) = &report.signer {
            if key_id != ours {
                report.failures.push(Failure {
                    file: Some(export::agent_key_path(key_id)),
                    check: Check::KeyPin,
                    reason: format!(
                        "the export is signed by key {key_id}, not this computer's key {ours}"
                    ),
                });
            }
        }
    }
    if let (Some(ours), Some(theirs)) = (&pins.log, &report.log) {
        if ours != theirs {
            report.failures.push(Failure {
                file: Some(export::LOG_KEY.into()),
                check: Check::KeyPin,
                reason: format!(
                    "the log key is {} ({}), not the {} ({}) kept at registration",
                    theirs.verifier_key, theirs.origin, ours.verifier_key, ours.origin
                ),
            });
        }
    }
}

/// Runs `lucarne verify`.
pub fn run(args: &VerifyArgs) -> anyhow::Result<u8> {
    let words = Words::new(args.lang);
    let shown = args.file.display().to_string();
    let mut report = match read(&args.file) {
        Ok(bytes) => export::verify(&bytes),
        Err(reason) => Report {
            failures: vec![Failure {
                file: None,
                check: Check::Zip,
                reason,
            }],
            ..Report::default()
        },
    };
    let pins = pins();
    let pinned = pins.key_id.is_some() || pins.log.is_some();
    check_pins(&mut report, &pins);
    if args.json {
        let json = JsonReport {
            file: shown,
            passed: report.passed(),
            pinned,
            report: &report,
        };
        println!("{}", serde_json::to_string_pretty(&json)?);
    } else {
        print!("{}", draw(&words, &shown, &report, pinned));
    }
    Ok(if report.passed() { 0 } else { 1 })
}

fn read(path: &std::path::Path) -> Result<Vec<u8>, String> {
    use std::io::Read as _;
    let file = std::fs::File::open(path).map_err(|e| format!("cannot open the file: {e}"))?;
    let mut bytes = Vec::new();
    file.take(MAX_ARCHIVE_BYTES as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read the file: {e}"))?;
    if bytes.len() > MAX_ARCHIVE_BYTES {
        return Err(format!("more than {MAX_ARCHIVE_BYTES} bytes"));
    }
    Ok(bytes)
}

/// The report in words, then one `FILE: CHECK: reason` line per failure.
fn draw(words: &Words, file: &str, report: &Report, pinned: bool) -> String {
    let mut out = String::new();
    let mut line = |text: String| {
        out.push_str(&text);
        out.push('\n');
    };
    line(words.format("verify-title", &Args::new().outside("path", file)));
    if report.files > 0 {
        line(words.format(
            "verify-files",
            &Args::new().num("count", report.files as f64),
        ));
    }
    match &report.signer {
        Some(ManifestSigner::Agent { key_id }) => line(words.format(
            "verify-signed-agent",
            &Args::new().outside("key_id", key_id),
        )),
        Some(ManifestSigner::Server { origin }) => line(words.format(
            "verify-signed-server",
            &Args::new().outside("origin", origin),
        )),
        None => {}
    }
    for device in &report.devices {
        line(
            words.format(
                "verify-device",
                &Args::new()
                    .outside("device", &device.handle)
                    .num("count", device.snapshots as f64)
                    .num("first", device.first as f64)
                    .num("last", device.last as f64)
                    .num("in_log", device.in_log as f64),
            ),
        );
    }
    if let Some((size, root)) = &report.checkpoint {
        line(words.format(
            "verify-checkpoint",
            &Args::new().num("size", *size as f64).outside("root", root),
        ));
    }
    if let Some(stamp) = &report.timestamp {
        line(
            words.format(
                "verify-timestamp",
                &Args::new()
                    .outside("time", &stamp.gen_time)
                    .outside("tsa", &stamp.signer.subject)
                    .outside("fingerprint", &stamp.signer.certificate_sha256),
            ),
        );
    }
    for stamp in &report.checkpoint_stamps {
        line(
            words.format(
                "verify-checkpoint-stamp",
                &Args::new()
                    .num("size", stamp.tree_size as f64)
                    .outside("time", &stamp.gen_time)
                    .outside("tsa", &stamp.tsa),
            ),
        );
    }
    if !report.dated.is_empty() {
        line(words.format(
            "verify-dated",
            &Args::new().num("count", report.dated.len() as f64),
        ));
    }
    for notice in &report.notices {
        line(match notice {
            Notice::NoTimestamp => words.get("verify-no-timestamp"),
            Notice::NotAttestedByServer => words.get("verify-not-attested"),
            Notice::NoLog => words.get("verify-no-log"),
            Notice::NotInLog { device, count } => words.format(
                "verify-not-in-log",
                &Args::new()
                    .outside("device", device)
                    .num("count", *count as f64),
            ),
            Notice::NoConsistency { from, to } => words.format(
                "verify-no-consistency",
                &Args::new().num("from", *from as f64).num("to", *to as f64),
            ),
            Notice::ChainStartsAfter { device, sequence } => words.format(
                "verify-chain-starts-after",
                &Args::new()
                    .outside("device", device)
                    .num("sequence", *sequence as f64),
            ),
        });
    }
    if !pinned {
        line(words.get("verify-fingerprints"));
        for key_id in &report.agent_keys {
            line(format!("  {key_id}"));
        }
        if let Some(log) = &report.log {
            line(format!("  {}", log.verifier_key));
        }
    } else if report.failures.iter().all(|f| f.check != Check::KeyPin) {
        line(words.get("verify-pins-match"));
    }
    if report.passed() {
        line(words.get("verify-passed"));
    } else {
        line(words.format(
            "verify-failed",
            &Args::new().num("count", report.failures.len() as f64),
        ));
        for failure in &report.failures {
            line(format!(
                "{}: {}: {}",
                failure.file.as_deref().unwrap_or(file),
                failure.check.as_str(),
                failure
                    .reason
                    .chars()
                    .filter(|c| !c.is_control())
                    .collect::<String>()
            ));
        }
    }
    out
}
