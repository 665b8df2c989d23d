//! One module per `lucarne` subcommand; each exposes its clap arguments and a `run`.

pub mod inspect;
pub mod simulate;
