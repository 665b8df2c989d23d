//! `lucarne add-computer`: on a computer already registered, asks the server (a request
//! signed with this computer's key) for a single-use code that adds another computer to the
//! same account, and says in plain words what to type on the other one. The other computer
//! registers with `lucarne register --code` as with any code, and pins the server's log key
//! the same way; from then on an iPad read from either computer is one device with one
//! history on the server.

use lucarne_proof::wire::ComputerCode;
use lucarne_words::Lang;

use crate::failure::Explain as _;
use crate::home::Home;
use crate::i18n::{arg, Messages};
use crate::keys::AgentKey;
use crate::registration;
use crate::upload::block_on;
use crate::upload::client::ServerClient;

/// Arguments of `lucarne add-computer`.
#[derive(Debug, clap::Args)]
pub struct AddComputerArgs {
    /// Language of the messages (fr, en).
    #[arg(long, default_value = "fr")]
    pub lang: Lang,
}

/// Whether `code` looks like a registration code (letters, digits and dashes, bounded): the
/// server's answer is printed with instructions and must not carry anything else.
fn is_code(code: &str) -> bool {
    (1..=64).contains(&code.len()) && code.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

/// Runs `lucarne add-computer`.
pub fn run(args: &AddComputerArgs) -> anyhow::Result<u8> {
    let home = Home::locate().explain("error-home")?;
    let registration = registration::load(&home)
        .explain("error-add-computer-not-registered")?
        .ok_or_else(|| anyhow::anyhow!("no server.json"))
        .explain("error-add-computer-not-registered")?;
    let key = AgentKey::load(&home).explain("error-key")?;
    let failed = || vec![("server", registration.server.clone())];
    let client =
        ServerClient::new(&registration.server).explain_with("error-add-computer", failed())?;
    let answer = block_on(client.signed(&key, "POST", "/api/v1/computer-codes", b"{}".to_vec()))?
        .explain_with("error-add-computer", failed())?;
    let code: ComputerCode =
        serde_json::from_slice(&answer).explain_with("error-add-computer", failed())?;
    if !is_code(&code.code) {
        return Err(anyhow::anyhow!(
            "the server answered something that is not a code"
        ))
        .explain_with("error-add-computer", failed());
    }
    let msgs = Messages::new(args.lang);
    let minutes = (code.expires_in.max(60) / 60).to_string();
    println!(
        "{}",
        msgs.get("add-computer-code", &[("code", arg(&code.code))])
    );
    println!(
        "{}",
        msgs.get(
            "add-computer-steps",
            &[
                ("server", arg(client.base())),
                ("code", arg(&code.code)),
                ("minutes", arg(&minutes)),
            ]
        )
    );
    println!("{}", msgs.get("add-computer-secret", &[]));
    Ok(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_codes_are_printed() {
        assert!(is_code("ABCDE-FGHJK-MNPQR-STUVW"));
        assert!(!is_code(""));
        assert!(!is_code("ABC\u{1b}[31m"));
        assert!(!is_code("ABC DEF"));
        assert!(!is_code(&"A".repeat(65)));
    }
}
