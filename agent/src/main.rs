//! `lucarne`: the agent an official runs on their own computer.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Lucarne: see what the administration managing your iPad can change or read.
#[derive(Parser)]
#[command(name = "lucarne", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {}
}
