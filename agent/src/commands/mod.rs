//! One module per `lucarne` subcommand; each exposes its clap arguments and a `run`.

pub mod add_computer;
pub mod backups;
pub mod devices;
pub mod export;
pub mod history;
pub mod inspect;
pub mod key;
pub mod messages;
pub mod open;
pub mod password;
pub mod push;
pub mod register;
pub mod scan;
pub mod verify;
