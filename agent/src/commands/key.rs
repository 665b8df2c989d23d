//! `lucarne key show`: the fingerprint and public key of this computer's key.

use lucarne_words::Lang;

use crate::failure::Explain as _;
use crate::home::Home;
use crate::i18n::{arg, Messages};
use crate::keys::{AgentKey, KEY_FILE};

/// Arguments of `lucarne key`.
#[derive(Debug, clap::Args)]
pub struct KeyArgs {
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
pub fn run(args: &KeyArgs) -> anyhow::Result<u8> {
    let home = Home::locate().explain("error-home")?;
    match args.action {
        Action::Show => {
            let key = AgentKey::load_or_create(&home).explain("error-key")?;
            let msgs = Messages::new(args.lang);
            println!(
                "{}",
                msgs.get("key-fingerprint", &[("key_id", arg(&key.key_id()))])
            );
            println!(
                "{}",
                msgs.get(
                    "key-public",
                    &[("public_key", arg(&key.public_key_base64()))]
                )
            );
            let path = home.path(KEY_FILE).display().to_string();
            println!("{}", msgs.get("key-file", &[("path", arg(&path))]));
        }
    }
    Ok(0)
}
