//! `lucarne push`: sends the queued snapshots and verifies their receipts.

use lucarne_words::Lang;

use crate::failure::Explain as _;
use crate::home::Home;
use crate::i18n::{arg, Messages};
use crate::upload::{block_on, push_queued, PushReport};

/// Arguments of `lucarne push`.
#[derive(Debug, clap::Args)]
pub struct PushArgs {
    /// Language of the messages (fr, en).
    #[arg(long, default_value = "fr")]
    pub lang: Lang,
}

/// Prints what a push did, one line per snapshot.
pub fn print_report(lang: Lang, report: &PushReport) {
    let msgs = Messages::new(lang);
    for a in &report.accepted {
        let (seq, leaf, size) = (
            a.sequence.to_string(),
            a.leaf_index.to_string(),
            a.tree_size.to_string(),
        );
        println!(
            "{}",
            msgs.get(
                "push-accepted",
                &[
                    ("device", arg(&a.device)),
                    ("sequence", arg(&seq)),
                    ("leaf_index", arg(&leaf)),
                    ("tree_size", arg(&size))
                ]
            )
        );
        if a.alerts > 0 || a.events > 0 {
            let (alerts, events) = (a.alerts.to_string(), a.events.to_string());
            println!(
                "{}",
                msgs.get(
                    "push-alerts",
                    &[("alerts", arg(&alerts)), ("events", arg(&events))]
                )
            );
        }
    }
    for r in &report.refused {
        let seq = r.sequence.to_string();
        let path = r.moved_to.display().to_string();
        eprintln!(
            "{}",
            msgs.get(
                "push-refused",
                &[
                    ("device", arg(&r.device)),
                    ("sequence", arg(&seq)),
                    ("code", arg(&r.reason.code)),
                    ("message", arg(&r.reason.message)),
                    ("path", arg(&path))
                ]
            )
        );
    }
    if let Some(reason) = &report.consistency_deferred {
        eprintln!(
            "{}",
            msgs.get("push-consistency-deferred", &[("reason", arg(reason))])
        );
    }
    if let Some(seconds) = report.retry_after_seconds {
        let (seconds, remaining) = (seconds.to_string(), report.remaining.to_string());
        eprintln!(
            "{}",
            msgs.get(
                "upload-wait",
                &[("seconds", arg(&seconds)), ("remaining", arg(&remaining))]
            )
        );
    } else if let Some(reason) = &report.stopped {
        let remaining = report.remaining.to_string();
        eprintln!(
            "{}",
            msgs.get(
                "push-stopped",
                &[("reason", arg(reason)), ("remaining", arg(&remaining))]
            )
        );
    } else if report.accepted.is_empty() && report.refused.is_empty() {
        println!("{}", msgs.get("push-nothing", &[]));
    }
}

/// Runs `lucarne push`. Exit status: 0 when the outbox was emptied, 1 otherwise.
pub fn run(args: &PushArgs) -> anyhow::Result<u8> {
    let home = Home::locate().explain("error-home")?;
    let report = block_on(push_queued(&home))?.explain("error-push")?;
    print_report(args.lang, &report);
    Ok(if report.stopped.is_none() && report.refused.is_empty() {
        0
    } else {
        1
    })
}
