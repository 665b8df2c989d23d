//! `lucarne history [--device ID]`: what changed on each iPad, and when, from this computer's
//! own history of signed snapshots (the server's timeline comes with the web pages).

use std::io::Write as _;

use lucarne_words::{plain, Args, Lang, Words};

use super::scan::UserError;
use crate::failure::Explain as _;
use crate::history::{timeline, Timeline};
use crate::home::Home;
use crate::state;

/// Arguments of `lucarne history`.
#[derive(Debug, clap::Args)]
pub struct HistoryArgs {
    /// The iPad to show (its identifier as listed by `lucarne history`); all when absent.
    #[arg(long, value_name = "ID")]
    pub device: Option<String>,
    /// Also list the capabilities each change gave or took away.
    #[arg(long)]
    pub details: bool,
    /// Language: `fr` (default) or `en`.
    #[arg(long, default_value = "fr")]
    pub lang: Lang,
}

/// Draws one device's timeline.
pub fn draw(words: &Words, timeline: &Timeline, details: bool) -> String {
    let mut out = String::new();
    let name = timeline.name.as_deref().unwrap_or(&timeline.device);
    let heading = words.format(
        "history-device",
        &Args::new()
            .outside("name", name)
            .outside("device", &timeline.device),
    );
    out.push_str(&heading);
    out.push('\n');
    for entry in &timeline.entries {
        let line = words.format(
            "history-entry",
            &Args::new()
                .ours("date", lucarne_words::sentences::date(&entry.taken_at))
                .num("sequence", entry.sequence as f64),
        );
        out.push_str(&format!("  {line}\n"));
        let body = match &entry.changes {
            None => format!("{}\n", words.get("changes-first")),
            Some(events) if events.is_empty() => format!("{}\n", words.get("history-no-change")),
            Some(events) => {
                let mut text = String::new();
                let mut sorted: Vec<_> = events.iter().collect();
                sorted.sort_by_key(|e| std::cmp::Reverse(e.level));
                for event in sorted {
                    for l in plain::wrap(&plain::change_line(words, event), plain::WIDTH, "", "  ")
                    {
                        text.push_str(&l);
                        text.push('\n');
                    }
                    if details {
                        for cap in &event.capabilities_added {
                            let sentence = lucarne_words::sentences::capability_text(
                                words,
                                &cap.id,
                                &cap.params,
                            );
                            let l = words
                                .format("change-gained", &Args::new().ours("sentence", sentence));
                            text.push_str(&format!("  {l}\n"));
                        }
                    }
                }
                text
            }
        };
        for l in body.lines() {
            out.push_str(&format!("    {l}\n"));
        }
    }
    out
}

/// Runs `lucarne history`.
pub fn run(args: &HistoryArgs) -> anyhow::Result<u8> {
    let words = Words::new(args.lang);
    let home = Home::locate().explain("error-home")?;
    let devices = state::history_devices(&home)?;
    if devices.is_empty() {
        println!("{}", words.get("history-empty"));
        return Ok(0);
    }
    let chosen: Vec<String> = match &args.device {
        Some(id) if devices.contains(id) => vec![id.clone()],
        Some(id) => {
            let message = words.format(
                "history-unknown-device",
                &Args::new()
                    .outside("device", id)
                    .outside("devices", &devices.join(", ")),
            );
            return Err(UserError(message).into());
        }
        None => devices,
    };
    let mut out = std::io::stdout().lock();
    for (i, device) in chosen.iter().enumerate() {
        if i > 0 {
            writeln!(out)?;
        }
        let timeline = timeline(&home, device)?;
        write!(out, "{}", draw(&words, &timeline, args.details))?;
    }
    Ok(0)
}
