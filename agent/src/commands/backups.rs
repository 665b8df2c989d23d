//! `lucarne backups`: where Finder, iTunes or the Apple Devices app keep backups on this
//! computer, and which backups are there.

use std::io::Write;
use std::path::PathBuf;

use clap::Args;
use lucarne_words::Lang;

use super::messages::message;
use crate::backup::layout;

/// Arguments of `lucarne backups`.
#[derive(Debug, Args)]
pub struct BackupsArgs {
    /// Look in this folder instead of the usual places.
    #[arg(long, value_name = "DIR")]
    pub root: Vec<PathBuf>,
    /// Print the list as JSON.
    #[arg(long)]
    pub json: bool,
    /// Language of messages: `fr` (default) or `en`.
    #[arg(long, default_value = "fr")]
    pub lang: Lang,
}

/// Runs `lucarne backups`.
pub fn run(args: BackupsArgs) -> anyhow::Result<()> {
    let roots = if args.root.is_empty() {
        layout::default_roots()
    } else {
        args.root
    };
    let found: Vec<_> = roots.iter().flat_map(|r| layout::list_backups(r)).collect();
    let mut out = std::io::stdout().lock();
    if args.json {
        serde_json::to_writer_pretty(&mut out, &found)?;
        writeln!(out)?;
        return Ok(());
    }
    let lang = args.lang;
    if found.is_empty() {
        writeln!(out, "{}", message(lang, "backups-none", &[]))?;
        for r in &roots {
            writeln!(out, "  {}", r.display())?;
        }
        return Ok(());
    }
    writeln!(out, "{}", message(lang, "backups-header", &[]))?;
    let unknown = message(lang, "unknown", &[]);
    for b in found {
        let encrypted = match b.encrypted {
            Some(true) => message(lang, "encrypted", &[]),
            Some(false) => message(lang, "not-encrypted", &[]),
            None => unknown.clone(),
        };
        writeln!(
            out,
            "  {} — {} ({}, {}) — {} — {}",
            b.path.display(),
            b.device_name.unwrap_or_else(|| unknown.clone()),
            b.product_type.unwrap_or_else(|| unknown.clone()),
            b.product_version.unwrap_or_else(|| unknown.clone()),
            b.date.unwrap_or_else(|| unknown.clone()),
            encrypted
        )?;
    }
    Ok(())
}
