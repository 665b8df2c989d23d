//! `lucarne key show`: the fingerprint and public key of this computer's key.

use anyhow::Context as _;
use lucarne_profiles::Lang;

use crate::home::Home;
use crate::keys::{AgentKey, KEY_FILE};
use crate::texts::say;

/// Arguments of `lucarne key`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// What to do with the key.
    #[command(subcommand)]
    pub action: Action,
    /// Language of the messages (fr, en).
    #[arg(long, default_value = "fr", global = true)]
    pub lang: Lang,
}

/// `lucarne key` actions.
#[derive(Debug, clap::Subcommand)]
pub enum Action {
    /// Print the key's fingerprint (its id on the server) and public key; creates the key on
    /// first use.
    Show,
}

/// Runs `lucarne key`.
pub fn run(args: Args) -> anyhow::Result<()> {
    let home = Home::locate().context("opening Lucarne's data directory")?;
    match args.action {
        Action::Show => {
            let key = AgentKey::load_or_create(&home).context("loading this computer's key")?;
            let lang = args.lang;
            println!(
                "{}",
                say(lang, "key_fingerprint", &[("key_id", &key.key_id())])
            );
            println!(
                "{}",
                say(
                    lang,
                    "key_public",
                    &[("public_key", &key.public_key_base64())]
                )
            );
            let path = home.path(KEY_FILE).display().to_string();
            println!("{}", say(lang, "key_file", &[("path", &path)]));
        }
    }
    Ok(())
}
