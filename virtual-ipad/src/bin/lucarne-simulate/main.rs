//! `lucarne-simulate`: the test kit by hand. `serve` runs a virtual iPad on a usbmuxd socket
//! (point `lucarne scan` or libimobiledevice's tools at it with
//! `USBMUXD_SOCKET_ADDRESS=UNIX:<socket>`); `write-backup` writes a Finder/iTunes backup of a
//! device directory.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod serve;
mod write_backup;

/// Lucarne's virtual iPad and backup writer, for tests and demonstrations.
#[derive(Parser)]
#[command(name = "lucarne-simulate", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run a virtual iPad (usbmuxd on a Unix socket) answering from device directories.
    Serve(serve::ServeArgs),
    /// Write a Finder/iTunes backup (plain or encrypted) of a device directory.
    WriteBackup(write_backup::WriteBackupArgs),
}

fn main() -> ExitCode {
    let result = match Cli::parse().command {
        Command::Serve(args) => serve::run(&args),
        Command::WriteBackup(args) => write_backup::run(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("lucarne-simulate: {e:#}");
            ExitCode::FAILURE
        }
    }
}
