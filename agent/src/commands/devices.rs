//! `lucarne devices`: lists the iPads usbmuxd sees (UDID and connection), to choose one for
//! `lucarne scan --udid`.

use lucarne_words::Lang;

use crate::device::collect;
use crate::i18n::{arg, Messages};

use super::scan::{address, error_message, UserError};

/// Arguments of `lucarne devices`.
#[derive(Debug, clap::Args)]
pub struct DevicesArgs {
    /// Language of the messages: `fr` (default) or `en`.
    #[arg(long, default_value = "fr")]
    pub lang: Lang,
    /// usbmuxd's address (`UNIX:/path` or `host:port`).
    #[arg(long)]
    pub usbmuxd: Option<String>,
}

/// Runs `lucarne devices`.
pub fn run(args: &DevicesArgs) -> anyhow::Result<u8> {
    let msgs = Messages::new(args.lang);
    match collect::devices(&address(args.usbmuxd.as_deref())?) {
        Ok(devices) if devices.is_empty() => {
            println!("{}", msgs.get("devices-none", &[]));
            Ok(0)
        }
        Ok(devices) => {
            for d in devices {
                println!(
                    "{}",
                    msgs.get(
                        "devices-line",
                        &[("udid", arg(&d.udid)), ("connection", arg(&d.connection)),],
                    )
                );
            }
            Ok(0)
        }
        Err(error) => Err(UserError(error_message(&error, &msgs)).into()),
    }
}
