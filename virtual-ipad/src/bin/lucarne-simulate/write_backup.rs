//! `lucarne-simulate write-backup --device DIR --out DIR`: builds a realistic Finder/iTunes
//! backup (plain or encrypted) of a device directory, for tests and demonstrations.

use std::path::PathBuf;

use anyhow::Context;
use lucarne::backup::keybag::{APPLE_ITERATIONS, MAX_SHA1_ITERATIONS, MAX_SHA256_ITERATIONS};
use lucarne::commands::password::read_password;
use lucarne_virtual_ipad::devicedir::DeviceDir;
use lucarne_virtual_ipad::writer::{write_backup, WriteOptions};
use lucarne_words::Lang;

/// Arguments of `lucarne-simulate write-backup`.
#[derive(Debug, clap::Args)]
pub(crate) struct WriteBackupArgs {
    /// The device directory (see `virtual-ipad/DEVICEDIR.md`).
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

/// Runs `lucarne-simulate write-backup`.
pub(crate) fn run(args: WriteBackupArgs) -> anyhow::Result<()> {
    let device = DeviceDir::load(&args.device)
        .with_context(|| format!("reading the device directory {}", args.device.display()))?;
    let password = if args.password_stdin {
        Some(read_password(true, args.lang)?)
    } else {
        None
    };
    let options = WriteOptions {
        password: password.map(|p| p.to_vec()),
        iterations: (args.sha256_iterations, args.sha1_iterations),
        date: args.date,
    };
    write_backup(&device, &args.out, &options)
        .with_context(|| format!("writing the backup to {}", args.out.display()))?;
    // A developer tool: its one status line is worded here rather than in the agent's
    // Fluent files, which hold what officials read.
    let path = args.out.display();
    match args.lang {
        Lang::Fr => eprintln!("Sauvegarde écrite dans {path}"),
        Lang::En => eprintln!("Backup written to {path}"),
    }
    Ok(())
}
