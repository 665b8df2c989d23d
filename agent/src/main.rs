//! `lucarne`: the agent an official runs on their own computer.

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use lucarne::commands::{
    add_computer, backups, devices, export, history, inspect, key, open, push, register, scan,
    verify,
};

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
    Inspect(inspect::InspectArgs),
    /// Read the connected iPad, a backup and/or an App Privacy Report into one snapshot.
    Scan(scan::ScanArgs),
    /// List the Finder/iTunes backups on this computer.
    Backups(backups::BackupsArgs),
    /// This computer's signing key.
    Key(key::KeyArgs),
    /// Register this computer's key with a Lucarne server.
    Register(register::RegisterArgs),
    /// Send the queued snapshots to the server and verify their receipts.
    Push(push::PushArgs),
    /// List the iPads connected to this computer.
    Devices(devices::DevicesArgs),
    /// What changed on each iPad, and when, from this computer's history.
    History(history::HistoryArgs),
    /// Write the evidence file of an iPad over a period (signed, checkable offline).
    Export(export::ExportArgs),
    /// Check an evidence file offline.
    Verify(verify::VerifyArgs),
    /// Open your pages on the server in the browser (a login link valid one minute).
    Open(open::OpenArgs),
    /// A single-use code to add another computer of yours to your account on the server.
    AddComputer(add_computer::AddComputerArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let lang = match &cli.command {
        Command::Inspect(a) => a.lang,
        Command::History(a) => a.lang,
        Command::Scan(a) => a.lang,
        Command::Backups(a) => a.lang,
        Command::Key(a) => a.lang,
        Command::Register(a) => a.lang,
        Command::Push(a) => a.lang,
        Command::Devices(a) => a.lang,
        Command::Export(a) => a.lang,
        Command::Verify(a) => a.lang,
        Command::Open(a) => a.lang,
        Command::AddComputer(a) => a.lang,
    };
    let result = match cli.command {
        Command::Inspect(args) => inspect::run(&args),
        Command::History(args) => history::run(&args),
        Command::Scan(args) => scan::run(args).map(|()| 0),
        Command::Backups(args) => backups::run(args).map(|()| 0),
        Command::Key(args) => key::run(&args),
        Command::Register(args) => register::run(&args),
        // 1: some snapshots were refused or could not be sent.
        Command::Push(args) => push::run(&args),
        Command::Devices(args) => devices::run(&args),
        Command::Export(args) => export::run(&args),
        // 1: a check failed (each named on its own line).
        Command::Verify(args) => verify::run(&args),
        Command::Open(args) => open::run(&args),
        Command::AddComputer(args) => add_computer::run(&args),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        // Bad input (a wrong password, a missing backup): the message is the whole story.
        Err(e) if e.downcast_ref::<scan::UserError>().is_some() => {
            eprintln!("{e}");
            ExitCode::from(2)
        }
        // Said in the reader's language, with the technical cause as a detail.
        Err(e) => {
            eprintln!("{}", lucarne::failure::render(&e, lang));
            ExitCode::FAILURE
        }
    }
}
