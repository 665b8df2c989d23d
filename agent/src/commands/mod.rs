//! One module per `lucarne` subcommand; each exposes its clap arguments and a `run`.

pub mod backups;
pub mod dev;
pub mod inspect;
pub mod messages;
pub mod password;
pub mod scan;
