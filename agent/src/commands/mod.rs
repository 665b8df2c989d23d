//! One module per `lucarne` subcommand; each exposes its clap arguments and a `run`.

pub mod enroll;
pub mod inspect;
pub mod key;
pub mod push;
