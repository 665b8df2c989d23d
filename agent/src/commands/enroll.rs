//! `lucarne enroll --server URL --code CODE`: registers this computer's key with a server.

use anyhow::Context as _;
use lucarne_profiles::Lang;

use crate::enrolment;
use crate::home::Home;
use crate::texts::say;
use crate::upload::block_on;

/// Arguments of `lucarne enroll`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The server's address, e.g. `https://lucarne.example.org`.
    #[arg(long)]
    pub server: String,
    /// The one-time enrolment code given by the server's operator or a group admin.
    #[arg(long)]
    pub code: String,
    /// A name for this computer, shown to you on the server (default: its host name).
    #[arg(long)]
    pub label: Option<String>,
    /// Language of the messages (fr, en).
    #[arg(long, default_value = "fr")]
    pub lang: Lang,
}

/// This computer's name, for the label.
fn host_name() -> String {
    std::env::var("COMPUTERNAME")
        .ok()
        .or_else(|| std::fs::read_to_string("/etc/hostname").ok())
        .or_else(|| std::env::var("HOSTNAME").ok())
        .map(|n| n.trim().chars().take(100).collect::<String>())
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| "lucarne".to_string())
}

/// Runs `lucarne enroll`.
pub fn run(args: Args) -> anyhow::Result<()> {
    let home = Home::locate().context("opening Lucarne's data directory")?;
    let label = args.label.unwrap_or_else(host_name);
    let enrolment = block_on(enrolment::enroll(&home, &args.server, &args.code, &label))?
        .with_context(|| format!("enrolling with {}", args.server))?;
    let lang = args.lang;
    println!(
        "{}",
        say(
            lang,
            "enrolled",
            &[("server", &enrolment.server), ("key_id", &enrolment.key_id)]
        )
    );
    println!(
        "{}",
        say(
            lang,
            "enrolled_log",
            &[
                ("origin", &enrolment.log.origin),
                ("verifier_key", &enrolment.log.verifier_key)
            ]
        )
    );
    Ok(())
}
