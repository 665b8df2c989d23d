//! `lucarne export [--device ID] [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--lang fr|en]
//! [--tsa URL] -o FILE.zip`: the evidence export of this computer's history (see
//! [`crate::export`]), signed by this computer's key and said not attested by the server.

use std::path::PathBuf;

use lucarne_words::{Args, Lang, Words};

use super::scan::UserError;
use crate::export::{self, ExportError, ExportOptions};
use crate::failure::Explain as _;
use crate::home::{write_atomic, Home};

/// Arguments of `lucarne export`.
#[derive(Debug, clap::Args)]
pub struct ExportArgs {
    /// The iPad to export (its identifier as listed by `lucarne history`); all when absent.
    #[arg(long, value_name = "ID")]
    pub device: Option<String>,
    /// First day included (YYYY-MM-DD, UTC).
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub from: Option<String>,
    /// Last day included (YYYY-MM-DD, UTC).
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub to: Option<String>,
    /// URL of an RFC 3161 timestamping authority to date the export.
    #[arg(long, value_name = "URL")]
    pub tsa: Option<String>,
    /// The file to write (a ZIP).
    #[arg(short = 'o', long = "output", value_name = "FILE.zip")]
    pub output: PathBuf,
    /// Language of the messages and documents: `fr` (default) or `en`.
    #[arg(long, default_value = "fr")]
    pub lang: Lang,
}

/// Whether `text` is a calendar day `YYYY-MM-DD`.
fn is_day(text: &str) -> bool {
    let bytes = text.as_bytes();
    let digits = |range: std::ops::Range<usize>| {
        text.get(range)
            .filter(|part| part.bytes().all(|b| b.is_ascii_digit()))
            .and_then(|part| part.parse::<u16>().ok())
    };
    let (Some(year), Some(month), Some(day)) = (digits(0..4), digits(5..7), digits(8..10)) else {
        return false;
    };
    bytes.len() == 10
        && bytes[4] == b'-'
        && bytes[7] == b'-'
        && time::Month::try_from(month as u8)
            .ok()
            .and_then(|month| {
                time::Date::from_calendar_date(i32::from(year), month, day as u8).ok()
            })
            .is_some()
}

/// Runs `lucarne export`.
pub fn run(args: &ExportArgs) -> anyhow::Result<u8> {
    let words = Words::new(args.lang);
    for day in [&args.from, &args.to].into_iter().flatten() {
        if !is_day(day) {
            let message = words.format("export-bad-day", &Args::new().outside("day", day));
            return Err(UserError(message).into());
        }
    }
    if let (Some(from), Some(to)) = (&args.from, &args.to) {
        if from > to {
            return Err(UserError(words.get("export-bad-period")).into());
        }
    }
    let home = Home::locate().explain("error-home")?;
    let options = ExportOptions {
        device: args.device.clone(),
        from: args.from.clone(),
        to: args.to.clone(),
        lang: args.lang.code().to_string(),
        tsa: args.tsa.clone(),
    };
    let made = match export::build(&home, &options) {
        Ok(made) => made,
        Err(ExportError::UnknownDevice(device)) => {
            let message = words.format(
                "history-unknown-device",
                &Args::new()
                    .outside("device", &device)
                    .outside("devices", &crate::state::history_devices(&home)?.join(", ")),
            );
            return Err(UserError(message).into());
        }
        Err(ExportError::Empty) => return Err(UserError(words.get("export-empty")).into()),
        Err(e @ ExportError::Timestamp { .. }) => {
            return Err(anyhow::Error::from(e)).explain("error-export-timestamp")
        }
        Err(e) => return Err(anyhow::Error::from(e)).explain("error-export"),
    };
    let (archive, attested, differences) = server_attested(&home, &options, &made, &words);
    let path = args.output.display().to_string();
    write_atomic(&args.output, archive.as_deref().unwrap_or(&made.archive))
        .explain_with("error-export-write", vec![("path", path.clone())])?;
    let snapshots: usize = made.data.devices.iter().map(|d| d.snapshots.len()).sum();
    println!(
        "{}",
        words.format(
            "export-written",
            &Args::new()
                .outside("path", &path)
                .num("snapshots", snapshots as f64)
                .num("devices", made.data.devices.len() as f64)
        )
    );
    if attested {
        println!("{}", words.get("export-server-attested"));
    } else {
        println!("{}", words.get("export-not-attested"));
    }
    if let (false, Some(stamp)) = (attested, &made.timestamp) {
        println!(
            "{}",
            words.format(
                "export-timestamped",
                &Args::new()
                    .outside("time", &stamp.gen_time)
                    .outside("tsa", &stamp.signer.subject)
            )
        );
    }
    println!(
        "{}",
        words.format("export-check-with", &Args::new().outside("path", &path))
    );
    Ok(if differences { 1 } else { 0 })
}

/// When registered and the export holds one device: the server's export of it, if it holds
/// every envelope of the local export byte for byte with a verifying receipt and verifies
/// under the pinned log key (then `Some` and attested); otherwise what went wrong is said
/// and the local export stays. The third value: the server's export differs.
fn server_attested(
    home: &Home,
    options: &ExportOptions,
    made: &export::Export,
    words: &Words,
) -> (Option<Vec<u8>>, bool, bool) {
    let Ok(Some(registration)) = crate::registration::load(home) else {
        return (None, false, false);
    };
    let [device] = made.data.devices.as_slice() else {
        println!("{}", words.get("export-server-one-device"));
        return (None, false, false);
    };
    let fetched = crate::keys::AgentKey::load(home)
        .map_err(anyhow::Error::from)
        .and_then(|key| {
            let client = crate::upload::client::ServerClient::new(&registration.server)?;
            crate::server_export::fetch(
                &client,
                &key,
                &device.handle,
                options.from.as_deref(),
                options.to.as_deref(),
                &options.lang,
            )
        });
    let archive = match fetched {
        Ok(Some(archive)) => archive,
        Ok(None) => {
            println!("{}", words.get("export-server-unknown-device"));
            return (None, false, false);
        }
        Err(e) => {
            println!(
                "{}",
                words.format(
                    "export-server-unreachable",
                    &Args::new().outside("reason", &format!("{e:#}"))
                )
            );
            return (None, false, false);
        }
    };
    let local: std::collections::BTreeMap<String, Vec<u8>> =
        lucarne_proof::export::zip::read(&made.archive)
            .unwrap_or_default()
            .into_iter()
            .map(|e| (e.name, e.data))
            .collect();
    let differences = crate::server_export::compare(&local, &archive, &registration.log);
    if differences.is_empty() {
        return (Some(archive), true, false);
    }
    println!("{}", words.get("export-server-differs"));
    for difference in &differences {
        use crate::server_export::Difference;
        let line = match difference {
            Difference::Missing { snapshot } => words.format(
                "export-difference-missing",
                &Args::new().outside("snapshot", snapshot),
            ),
            Difference::Altered { snapshot } => words.format(
                "export-difference-altered",
                &Args::new().outside("snapshot", snapshot),
            ),
            Difference::NoReceipt { snapshot } => words.format(
                "export-difference-no-receipt",
                &Args::new().outside("snapshot", snapshot),
            ),
            Difference::Invalid { reason } => words.format(
                "export-difference-invalid",
                &Args::new().outside("reason", reason),
            ),
        };
        println!("  - {line}");
    }
    (None, false, true)
}
