//! `lucarne push`: sends the queued snapshots and verifies their receipts.

use anyhow::Context as _;
use lucarne_profiles::Lang;

use crate::home::Home;
use crate::texts::say;
use crate::upload::{block_on, push_queued, PushReport};

/// Arguments of `lucarne push`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Language of the messages (fr, en).
    #[arg(long, default_value = "fr")]
    pub lang: Lang,
}

/// Prints what a push did, one line per snapshot.
pub fn print_report(lang: Lang, report: &PushReport) {
    for a in &report.accepted {
        let (seq, leaf, size) = (
            a.sequence.to_string(),
            a.leaf_index.to_string(),
            a.tree_size.to_string(),
        );
        println!(
            "{}",
            say(
                lang,
                "push_accepted",
                &[
                    ("device", &a.device),
                    ("sequence", &seq),
                    ("leaf_index", &leaf),
                    ("tree_size", &size)
                ]
            )
        );
        if a.alerts > 0 || a.events > 0 {
            let (alerts, events) = (a.alerts.to_string(), a.events.to_string());
            println!(
                "{}",
                say(
                    lang,
                    "push_alerts",
                    &[("alerts", &alerts), ("events", &events)]
                )
            );
        }
    }
    for r in &report.refused {
        let seq = r.sequence.to_string();
        let path = r.moved_to.display().to_string();
        eprintln!(
            "{}",
            say(
                lang,
                "push_refused",
                &[
                    ("device", &r.device),
                    ("sequence", &seq),
                    ("code", &r.reason.code),
                    ("message", &r.reason.message),
                    ("path", &path)
                ]
            )
        );
    }
    if let Some(reason) = &report.consistency_deferred {
        eprintln!(
            "{}",
            say(lang, "push_consistency_deferred", &[("reason", reason)])
        );
    }
    if let Some(reason) = &report.stopped {
        let remaining = report.remaining.to_string();
        eprintln!(
            "{}",
            say(
                lang,
                "push_stopped",
                &[("reason", reason), ("remaining", &remaining)]
            )
        );
    } else if report.accepted.is_empty() && report.refused.is_empty() {
        println!("{}", say(lang, "push_nothing", &[]));
    }
}

/// Runs `lucarne push`. Exit status: 0 when the outbox was emptied, 1 otherwise.
pub fn run(args: Args) -> anyhow::Result<bool> {
    let home = Home::locate().context("opening Lucarne's data directory")?;
    let report = block_on(push_queued(&home))?.context("sending the queued snapshots")?;
    print_report(args.lang, &report);
    Ok(report.stopped.is_none() && report.refused.is_empty())
}
