//! `lucarne open [--print]`: asks the server for a single-use login link over the signed API
//! and opens the browser on it (or prints it).

use lucarne_words::Lang;
use serde::Deserialize;

use crate::failure::Explain as _;
use crate::home::Home;
use crate::i18n::{arg, Messages};
use crate::keys::AgentKey;
use crate::registration;
use crate::upload::block_on;
use crate::upload::client::ServerClient;

/// Arguments of `lucarne open`.
#[derive(Debug, clap::Args)]
pub struct OpenArgs {
    /// Print the link instead of opening the browser.
    #[arg(long)]
    pub print: bool,
    /// Language of the messages (fr, en).
    #[arg(long, default_value = "fr")]
    pub lang: Lang,
}

#[derive(Deserialize)]
struct LoginLink {
    url: String,
}

/// Whether `url` is a link of the server at `base` (an answer cannot send the browser
/// elsewhere).
fn is_server_link(url: &str, base: &str) -> bool {
    url.strip_prefix(base)
        .is_some_and(|rest| rest.starts_with("/login/"))
        && url.bytes().all(|b| b.is_ascii_graphic())
}

/// Opens `url` in the system's browser; `false` when no browser could be started.
pub fn open_browser(url: &str) -> bool {
    let mut command = if cfg!(target_os = "macos") {
        std::process::Command::new("open")
    } else if cfg!(target_os = "windows") {
        let mut c = std::process::Command::new("rundll32");
        c.arg("url.dll,FileProtocolHandler");
        c
    } else {
        std::process::Command::new("xdg-open")
    };
    command
        .arg(url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Whether a browser can be shown here: always on macOS and Windows; elsewhere only in a
/// graphical session (`DISPLAY` or `WAYLAND_DISPLAY`), so that a server over SSH does not
/// start a text browser in the terminal.
pub fn has_graphical_session() -> bool {
    cfg!(any(target_os = "macos", target_os = "windows"))
        || ["DISPLAY", "WAYLAND_DISPLAY"]
            .iter()
            .any(|name| std::env::var_os(name).is_some_and(|v| !v.is_empty()))
}

/// Runs `lucarne open`.
pub fn run(args: &OpenArgs) -> anyhow::Result<u8> {
    let home = Home::locate().explain("error-home")?;
    let registration = registration::load(&home)
        .explain("error-open-not-registered")?
        .ok_or_else(|| anyhow::anyhow!("no server.json"))
        .explain("error-open-not-registered")?;
    let key = AgentKey::load(&home).explain("error-key")?;
    let failed = || vec![("server", registration.server.clone())];
    let client = ServerClient::new(&registration.server).explain_with("error-open", failed())?;
    let answer = block_on(client.signed(&key, "POST", "/api/v1/login-links", b"{}".to_vec()))?
        .explain_with("error-open", failed())?;
    let link: LoginLink = serde_json::from_slice(&answer).explain_with("error-open", failed())?;
    if !is_server_link(&link.url, client.base()) {
        return Err(anyhow::anyhow!(
            "the server answered a link to somewhere else"
        ))
        .explain_with("error-open", failed());
    }
    let msgs = Messages::new(args.lang);
    if args.print {
        println!("{}", link.url);
        return Ok(0);
    }
    if open_browser(&link.url) {
        println!("{}", msgs.get("open-opened", &[]));
    } else {
        println!("{}", msgs.get("open-link", &[("url", arg(&link.url))]));
    }
    Ok(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_links_of_the_server_are_followed() {
        let base = "https://lucarne.example";
        assert!(is_server_link("https://lucarne.example/login/abc", base));
        assert!(!is_server_link(
            "https://lucarne.example.evil/login/abc",
            base
        ));
        assert!(!is_server_link("https://evil.example/login/abc", base));
        assert!(!is_server_link("https://lucarne.example/login/a b", base));
        assert!(!is_server_link("https://lucarne.example/other", base));
    }
}
