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
    let path = args.output.display().to_string();
    write_atomic(&args.output, &made.archive)
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
    println!("{}", words.get("export-not-attested"));
    if let Some(stamp) = &made.timestamp {
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
    Ok(0)
}
