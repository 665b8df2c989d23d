//! `lucarne register --server URL --code CODE`: registers this computer's key with a server.

use lucarne_proof::wire::Joined;
use lucarne_words::Lang;

use crate::failure::Explain as _;
use crate::home::Home;
use crate::i18n::{arg, Messages};
use crate::registration;
use crate::upload::block_on;

/// Arguments of `lucarne register`.
#[derive(Debug, clap::Args)]
pub struct RegisterArgs {
    /// The server's address, e.g. `https://lucarne.example.org`.
    #[arg(long)]
    pub server: String,
    /// The one-time registration code given by the server's operator or a group admin.
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

/// Runs `lucarne register`.
pub fn run(args: &RegisterArgs) -> anyhow::Result<u8> {
    let home = Home::locate().explain("error-home")?;
    let label = args.label.clone().unwrap_or_else(host_name);
    let registration = block_on(registration::register(
        &home,
        &args.server,
        &args.code,
        &label,
    ))?
    .explain_with("error-register", vec![("server", args.server.clone())])?;
    let msgs = Messages::new(args.lang);
    println!(
        "{}",
        msgs.get(
            "registered",
            &[
                ("server", arg(&registration.server)),
                ("key_id", arg(&registration.key_id))
            ]
        )
    );
    println!(
        "{}",
        msgs.get(
            "registered-log",
            &[
                ("origin", arg(&registration.log.origin)),
                ("verifier_key", arg(&registration.log.verifier_key))
            ]
        )
    );
    let joined = match &registration.joined {
        Joined::NewAccount => None,
        Joined::ExistingAccount => Some(msgs.get("registered-joined-account", &[])),
        Joined::Group { name } => Some(msgs.get(
            "registered-joined-group",
            &[(
                "group",
                arg(&lucarne_words::neutral::neutralize_to(name, 100)),
            )],
        )),
    };
    if let Some(line) = joined {
        println!("{line}");
    }
    Ok(0)
}
