//! `lucarne dev …`: developer tools, hidden from the help. `write-backup` builds a realistic
//! Finder/iTunes backup (plain or encrypted) of a device directory, for tests and demos.

use std::path::PathBuf;

use anyhow::Context;
use clap::{Args, Subcommand};
use lucarne_profiles::Lang;

use super::messages::message;
use super::password::read_password;
use crate::backup::keybag::{APPLE_ITERATIONS, MAX_SHA1_ITERATIONS, MAX_SHA256_ITERATIONS};
use crate::backup::writer::{write_backup, WriteOptions};
use crate::devicedir::DeviceDir;

/// Arguments of `lucarne dev`.
#[derive(Debug, Args)]
pub struct DevArgs {
    #[command(subcommand)]
    command: DevCommand,
}

#[derive(Debug, Subcommand)]
enum DevCommand {
    /// Write a backup of a device directory.
    WriteBackup(WriteBackupArgs),
}

/// Arguments of `lucarne dev write-backup`.
#[derive(Debug, Args)]
pub struct WriteBackupArgs {
    /// The device directory (see DEVICEDIR.md).
    #[arg(long, value_name = "DIR")]
    device: PathBuf,
    /// Where to write the backup (must not exist or be empty).
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// Encrypt with the password read from the first line of standard input.
    #[arg(long)]
    password_stdin: bool,
    /// PBKDF2-SHA256 iterations (Apple: 10,000,000); lower only for tests.
    #[arg(long, default_value_t = APPLE_ITERATIONS.0,
          value_parser = clap::value_parser!(u32).range(1..=i64::from(MAX_SHA256_ITERATIONS)))]
    sha256_iterations: u32,
    /// PBKDF2-SHA1 iterations (Apple: 10,000); lower only for tests.
    #[arg(long, default_value_t = APPLE_ITERATIONS.1,
          value_parser = clap::value_parser!(u32).range(1..=i64::from(MAX_SHA1_ITERATIONS)))]
    sha1_iterations: u32,
    /// Backup date, RFC 3339.
    #[arg(long, default_value = "2026-11-20T18:00:00Z")]
    date: String,
    /// Language of messages.
    #[arg(long, default_value = "fr")]
    lang: Lang,
}

/// Runs `lucarne dev`.
pub fn run(args: DevArgs) -> anyhow::Result<()> {
    match args.command {
        DevCommand::WriteBackup(a) => {
            let device = DeviceDir::load(&a.device)
                .with_context(|| format!("reading the device directory {}", a.device.display()))?;
            let password = if a.password_stdin {
                Some(read_password(true, a.lang)?)
            } else {
                None
            };
            let options = WriteOptions {
                password: password.map(|p| p.to_vec()),
                iterations: (a.sha256_iterations, a.sha1_iterations),
                date: a.date,
            };
            write_backup(&device, &a.out, &options)
                .with_context(|| format!("writing the backup to {}", a.out.display()))?;
            eprintln!(
                "{}",
                message(
                    a.lang,
                    "backup-written",
                    &[("path", &a.out.display().to_string())]
                )
            );
            Ok(())
        }
    }
}
