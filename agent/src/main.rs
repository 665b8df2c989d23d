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
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match &cli.command {
        Command::Inspect(args) => commands::inspect::run(args),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(error) => {
            eprintln!("lucarne: {error:#}");
            ExitCode::from(1)
        }
    }
}
