//! `lucarne`: the agent an official runs on their own computer.

use clap::Parser;

/// Lucarne: see what the administration managing your iPad can change or read.
#[derive(Parser)]
#[command(name = "lucarne", version)]
struct Cli {}

fn main() {
    let _ = Cli::parse();
}
