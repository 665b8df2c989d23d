//! `lucarne`: the agent an official runs on their own computer.

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use lucarne::commands;

/// Lucarne: see what the administration managing your iPad can change or read.
#[derive(Parser)]
#[command(name = "lucarne", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Explain what configuration profile files let an administration do.
    Inspect(commands::inspect::InspectArgs),
    /// This computer's signing key.
    Key(commands::key::Args),
    /// Register this computer's key with a Lucarne server.
    Enroll(commands::enroll::Args),
    /// Send the queued snapshots to the server and verify their receipts.
    Push(commands::push::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match &cli.command {
        Command::Inspect(args) => commands::inspect::run(args),
        Command::Key(args) => commands::key::run(args),
        Command::Enroll(args) => commands::enroll::run(args),
        Command::Push(args) => commands::push::run(args),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(error) => {
            eprintln!("lucarne: {error:#}");
            ExitCode::from(1)
        }
    }
}
