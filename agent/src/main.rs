//! `lucarne`: the agent an official runs on their own computer.

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use lucarne::commands::{backups, dev, scan};

/// Lucarne: see what the administration managing your iPad can change or read.
#[derive(Parser)]
#[command(name = "lucarne", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Read a backup and/or an App Privacy Report into one snapshot.
    Scan(scan::ScanArgs),
    /// List the Finder/iTunes backups on this computer.
    Backups(backups::BackupsArgs),
    /// Developer tools.
    #[command(hide = true)]
    Dev(dev::DevArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Scan(args) => scan::run(args),
        Command::Backups(args) => backups::run(args),
        Command::Dev(args) => dev::run(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.downcast_ref::<scan::UserError>().is_some() => {
            eprintln!("{e}");
            ExitCode::from(2)
        }
        Err(e) => {
            eprintln!("lucarne: {e:#}");
            ExitCode::FAILURE
        }
    }
}
