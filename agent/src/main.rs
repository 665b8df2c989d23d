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
    /// List the iPads connected to this computer.
    Devices(commands::devices::DevicesArgs),
    /// Read the connected iPad and explain what its administration can do.
    Scan(commands::scan::ScanArgs),
    /// Run a virtual iPad (usbmuxd on a Unix socket) answering from device directories.
    Simulate(commands::simulate::SimulateArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match &cli.command {
        Command::Inspect(args) => commands::inspect::run(args),
        Command::Simulate(args) => commands::simulate::run(args),
        Command::Devices(args) => commands::devices::run(args),
        Command::Scan(args) => commands::scan::run(args),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(error) => {
            eprintln!("lucarne: {error:#}");
            ExitCode::from(1)
        }
    }
}
