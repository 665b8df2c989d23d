//! `lucarne history [--device ID]`: what changed on each iPad, and when, from this computer's
//! own history of signed snapshots; when the computer is registered, beside it what the
//! server says (its timeline through the signed API, with what the official's other
//! computers sent and the uploads it refused). An unreachable server is said in one line and
//! the local history is shown all the same.

use std::io::Write as _;

use lucarne_words::{plain, Args, Lang, Words};

use super::scan::UserError;
use crate::failure::Explain as _;
use crate::history::{timeline, Timeline};
use crate::home::Home;
use crate::keys::AgentKey;
use crate::registration;
use crate::server_history::{self, ServerDevice};
use crate::state;
use crate::upload::block_on;
use crate::upload::client::{clean_text, ClientError, ServerClient};

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

/// The heading of a device: its name and identifier.
fn heading(words: &Words, name: Option<&str>, device: &str) -> String {
    words.format(
        "history-device",
        &Args::new()
            .outside("name", name.unwrap_or(device))
            .outside("device", device),
    )
}

/// Draws one device's timeline.
pub fn draw(words: &Words, timeline: &Timeline, details: bool) -> String {
    let mut out = heading(words, timeline.name.as_deref(), &timeline.device);
    out.push('\n');
    out.push_str(&draw_entries(words, timeline, details));
    out
}

/// Draws the entries of one device's timeline.
fn draw_entries(words: &Words, timeline: &Timeline, details: bool) -> String {
    let mut out = String::new();
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

/// A date of the server (Unix seconds) as the reader expects it.
fn server_date(seconds: i64) -> String {
    let text = time::OffsetDateTime::from_unix_timestamp(seconds)
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_default();
    lucarne_words::sentences::date(&text)
}

/// Draws what the server says of one device: each snapshot it accepted (from this computer
/// or another of the account) with what it saw change, then the uploads it refused.
pub fn draw_server(
    words: &Words,
    server: &str,
    device: &ServerDevice,
    this_key: &str,
    details: bool,
) -> String {
    let mut out = format!(
        "  {}\n",
        words.format("history-server", &Args::new().outside("server", server))
    );
    if device.more {
        out.push_str(&format!("    {}\n", words.get("history-server-more")));
    }
    if device.entries.is_empty() {
        out.push_str(&format!("    {}\n", words.get("history-server-nothing")));
    }
    for entry in &device.entries {
        let args = Args::new()
            .ours("date", server_date(entry.received_at))
            .num("sequence", entry.sequence as f64);
        let line = if entry.key_id == this_key {
            words.format("history-server-here", &args)
        } else {
            let key: String = entry.key_id.chars().take(12).collect();
            words.format("history-server-other", &args.outside("key", &key))
        };
        out.push_str(&format!("    {line}\n"));
        if entry.events.is_empty() {
            out.push_str(&format!(
                "      {}\n",
                words.get("history-server-no-change")
            ));
        }
        let mut sorted: Vec<_> = entry.events.iter().collect();
        sorted.sort_by_key(|e| std::cmp::Reverse(e.level));
        for event in sorted {
            for l in plain::wrap(
                &plain::change_line(words, event),
                plain::WIDTH,
                "      ",
                "        ",
            ) {
                out.push_str(&l);
                out.push('\n');
            }
            if details {
                for cap in &event.capabilities_added {
                    let sentence =
                        lucarne_words::sentences::capability_text(words, &cap.id, &cap.params);
                    let l = words.format("change-gained", &Args::new().ours("sentence", sentence));
                    out.push_str(&format!("        {l}\n"));
                }
            }
        }
    }
    for refusal in &device.refusals {
        let line = words.format(
            "history-server-refusal",
            &Args::new().ours("date", server_date(refusal.at)).ours(
                "text",
                lucarne_words::sentences::alert(words, &refusal.alert),
            ),
        );
        for l in plain::wrap(&line, plain::WIDTH, "    ", "      ") {
            out.push_str(&l);
            out.push('\n');
        }
    }
    out
}

/// What the server said: its address, this computer's key, the devices.
struct Heard {
    server: String,
    key_id: String,
    devices: Vec<ServerDevice>,
}

/// What the server says (`None` when this computer is not registered), or the one line
/// saying why it cannot be heard (`Err`).
fn from_server(
    words: &Words,
    home: &Home,
    device: Option<&str>,
) -> anyhow::Result<Option<Result<Heard, String>>> {
    let Some(registration) = registration::load(home)? else {
        return Ok(None);
    };
    let key = AgentKey::load(home).explain("error-key")?;
    let server = registration.server.clone();
    let fetched = match ServerClient::new(&server) {
        Ok(client) => block_on(server_history::fetch(&client, &key, device))?,
        Err(e) => Err(e),
    };
    Ok(Some(match fetched {
        Ok(devices) => Ok(Heard {
            server,
            key_id: key.key_id(),
            devices,
        }),
        Err(ClientError::Unreachable { .. }) => Err(words.format(
            "history-server-unreachable",
            &Args::new().outside("server", &server),
        )),
        Err(e) => {
            let reason = match &e {
                ClientError::Rejected { code, .. } => code.clone(),
                other => clean_text(&other.to_string()),
            };
            Err(words.format(
                "history-server-refused",
                &Args::new()
                    .outside("server", &server)
                    .outside("reason", &reason),
            ))
        }
    }))
}

/// Runs `lucarne history`.
pub fn run(args: &HistoryArgs) -> anyhow::Result<u8> {
    let words = Words::new(args.lang);
    let home = Home::locate().explain("error-home")?;
    let local = state::history_devices(&home)?;
    let server = from_server(&words, &home, args.device.as_deref())?;
    let mut out = std::io::stdout().lock();
    let server_devices = match &server {
        Some(Ok(heard)) => heard.devices.as_slice(),
        Some(Err(line)) => {
            writeln!(out, "{line}")?;
            &[]
        }
        None => &[],
    };
    let mut devices = local.clone();
    for d in server_devices {
        if !devices.contains(&d.device_id) {
            devices.push(d.device_id.clone());
        }
    }
    if devices.is_empty() {
        writeln!(out, "{}", words.get("history-empty"))?;
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
    for (i, device) in chosen.iter().enumerate() {
        if i > 0 {
            writeln!(out)?;
        }
        let on_server = server_devices.iter().find(|d| &d.device_id == device);
        if local.contains(device) {
            let timeline = timeline(&home, device)?;
            writeln!(out, "{}", heading(&words, timeline.name.as_deref(), device))?;
            if on_server.is_some() {
                writeln!(out, "  {}", words.get("history-local"))?;
            }
            write!(out, "{}", draw_entries(&words, &timeline, args.details))?;
        } else {
            writeln!(out, "{}", heading(&words, None, device))?;
            writeln!(out, "  {}", words.get("history-server-only"))?;
        }
        if let (Some(found), Some(Ok(heard))) = (on_server, &server) {
            write!(
                out,
                "{}",
                draw_server(&words, &heard.server, found, &heard.key_id, args.details)
            )?;
        }
    }
    Ok(0)
}
