//! `lucarne inspect FILE...`: explains configuration profile files, e.g. one the IT
//! department sends before the official installs it. Nothing is sent anywhere.

use std::io::Read as _;
use std::path::{Path, PathBuf};

use fluent_bundle::FluentValue;
use lucarne_profiles::analysis::{analyze_profiles, Analysis, Context};
use lucarne_profiles::parse::MAX_PROFILE_BYTES;
use lucarne_profiles::redact::Redactor;
use lucarne_profiles::{parse_profile, Profile};
use lucarne_words::{explain, plain, Lang, Subject};
use serde::Serialize;

use crate::i18n::{arg, Messages};

/// Schema of the JSON output. Version 2: every field of version 1 is kept under
/// `files[].analysis`, except that `capabilities[].text`, `supervised_only` and `usable`
/// became `conditions` (and `params`, `topic`, `target`), and `traffic[].scope` is an id;
/// the analysis gained `device`, `inventory`, `limits` and `unknowns`.
pub const INSPECTION_SCHEMA: &str = "lucarne.inspection/2";

/// Arguments of `lucarne inspect`.
#[derive(Debug, clap::Args)]
pub struct InspectArgs {
    /// Profile files (`.mobileconfig`: XML, binary or signed).
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// Language of the report: `fr` (default) or `en`.
    #[arg(long, default_value = "fr")]
    pub lang: Lang,
    /// Print one JSON document instead of the report.
    #[arg(long)]
    pub json: bool,
    /// Print every statement with its conditions and evidence after the summary.
    #[arg(long)]
    pub details: bool,
}

/// The result for one file.
#[derive(Debug, Serialize)]
pub struct FileInspection {
    /// The path as given.
    pub path: String,
    /// Whether the file was read and analysed.
    pub ok: bool,
    /// Why it could not be, when it could not.
    pub error: Option<String>,
    /// The profile, secrets redacted.
    pub profile: Option<Profile>,
    /// What it lets the administration do.
    pub analysis: Option<Analysis>,
}

/// The JSON document printed with `--json`.
#[derive(Debug, Serialize)]
pub struct Inspection {
    /// Always [`INSPECTION_SCHEMA`].
    pub schema: &'static str,
    /// One entry per file, in the order given.
    pub files: Vec<FileInspection>,
}

/// Reads a profile file, refusing files larger than a profile can be before reading them.
pub fn read_profile_file(path: &Path) -> Result<Profile, String> {
    let file = std::fs::File::open(path).map_err(|e| e.to_string())?;
    let mut bytes = Vec::new();
    file.take(MAX_PROFILE_BYTES as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| e.to_string())?;
    parse_profile(&bytes).map_err(|e| e.to_string())
}

/// Inspects every file; secrets are redacted with `redactor`.
pub fn inspect(files: &[PathBuf], redactor: &Redactor) -> Inspection {
    let files = files
        .iter()
        .map(|path| match read_profile_file(path) {
            Ok(mut profile) => {
                redactor.profile(&mut profile);
                let analysis = analyze_profiles([&profile], Context::default());
                FileInspection {
                    path: path.display().to_string(),
                    ok: true,
                    error: None,
                    profile: Some(profile),
                    analysis: Some(analysis),
                }
            }
            Err(error) => FileInspection {
                path: path.display().to_string(),
                ok: false,
                error: Some(error),
                profile: None,
                analysis: None,
            },
        })
        .collect();
    Inspection {
        schema: INSPECTION_SCHEMA,
        files,
    }
}

fn render(inspection: &Inspection, lang: Lang, details: bool) -> String {
    let msgs = Messages::new(lang);
    let mut out = String::new();
    let mut failed = 0;
    for file in &inspection.files {
        out.push_str(&msgs.get("inspect-file", &[("path", arg(&file.path))]));
        out.push('\n');
        let (Some(profile), Some(analysis)) = (&file.profile, &file.analysis) else {
            failed += 1;
            let error = file.error.as_deref().unwrap_or("?");
            out.push_str(&msgs.get("inspect-error", &[("error", arg(error))]));
            out.push_str("\n\n");
            continue;
        };
        let name = profile
            .display_name
            .as_deref()
            .unwrap_or(&profile.identifier);
        let line = |id: &str, args: &[(&str, FluentValue<'_>)]| format!("{}\n", msgs.get(id, args));
        out.push_str(&line(
            "inspect-profile",
            &[
                ("name", arg(name)),
                ("identifier", arg(&profile.identifier)),
            ],
        ));
        if let Some(org) = &profile.organization {
            out.push_str(&line("inspect-organization", &[("organization", arg(org))]));
        }
        if let Some(desc) = &profile.description {
            out.push_str(&line("inspect-description", &[("description", arg(desc))]));
        }
        match &profile.signer {
            Some(s) if s.signature_valid => out.push_str(&line(
                "inspect-signed-valid",
                &[("subject", arg(&s.subject)), ("issuer", arg(&s.issuer))],
            )),
            Some(s) => out.push_str(&line(
                "inspect-signed-invalid",
                &[
                    ("subject", arg(&s.subject)),
                    ("problem", arg(s.problem.as_deref().unwrap_or("?"))),
                ],
            )),
            None => out.push_str(&line("inspect-unsigned", &[])),
        }
        out.push_str(&line(
            "inspect-payloads",
            &[("count", FluentValue::from(analysis.payload_count))],
        ));
        for warning in &profile.warnings {
            out.push_str(&line("inspect-warning", &[("warning", arg(warning))]));
        }
        out.push('\n');
        let doc = explain(analysis, Subject::Files(1), lang);
        out.push_str(&plain::draw(&doc, details));
        out.push('\n');
    }
    out.push_str(&msgs.get(
        "inspect-summary",
        &[
            ("ok", FluentValue::from(inspection.files.len() - failed)),
            ("failed", FluentValue::from(failed)),
        ],
    ));
    out.push('\n');
    out
}

/// Runs `lucarne inspect`: exit status 0 when every file was analysed, 2 otherwise.
pub fn run(args: &InspectArgs) -> anyhow::Result<u8> {
    let redactor = Redactor::new(&crate::salt::session_salt()?);
    let inspection = inspect(&args.files, &redactor);
    if args.json {
        println!("{}", serde_json::to_string_pretty(&inspection)?);
    } else {
        print!("{}", render(&inspection, args.lang, args.details));
    }
    Ok(if inspection.files.iter().all(|f| f.ok) {
        0
    } else {
        2
    })
}
