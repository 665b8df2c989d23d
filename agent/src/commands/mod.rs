//! One module per `lucarne` subcommand; each exposes its clap arguments and a `run`.

pub mod devices;
pub mod inspect;
pub mod scan;
pub mod simulate;
