//! The plain-text documents of an export: `LISEZMOI.txt` and the two draft letters (the
//! GDPR article 15 access request to the data protection officer, the complaint to the
//! CNIL). Letters state facts only, and each fact names the file of the export that proves
//! it ([`facts`]); what the official must fill in is left in brackets.

use lucarne_profiles::capability::Tri;
use lucarne_profiles::compare::Level;
use lucarne_words::explain::{explain, Subject};
use lucarne_words::neutral::neutralize_to;
use lucarne_words::plain::wrap;
use lucarne_words::sentences;
use lucarne_words::{Args, Lang, Words};

use crate::content::{day, file, mail_servers_shown};
use crate::input::ReportInput;

/// Width of the text files, in characters.
const WIDTH: usize = 78;
/// Facts listed in a letter; the rest is counted (the report has them all).
pub const MAX_FACTS: usize = 60;

/// The folder of the letters in an export.
pub const LETTERS_DIR: &str = "lettres";
/// The access request's file name (the same in every language).
pub const ACCESS_REQUEST: &str = "lettres/demande-acces-article-15.txt";
/// The complaint's file name (the same in every language).
pub const COMPLAINT: &str = "lettres/plainte-cnil.txt";

/// A fact a letter states, with the files of the export that prove it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fact {
    /// The sentence.
    pub text: String,
    /// The files, as named in the export.
    pub files: Vec<String>,
}

fn tri(words: &Words, value: Tri) -> String {
    words.get(value.as_str())
}

/// The facts of the period, in the order a letter states them: the device and its
/// management, what the administration can do (newest snapshot), managed mail, the changes
/// that widened its reach (warnings and alerts, dated), what only the server reports.
pub fn facts(input: &ReportInput, words: &Words) -> Vec<Fact> {
    let mut out = Vec::new();
    let Some(newest) = input
        .snapshots
        .iter()
        .find(|s| s.sequence == input.analysed_sequence)
    else {
        return out;
    };
    let newest_file = newest.envelope.clone();
    let newest_day = day(&newest.taken_at);
    let d = &input.analysis.device;
    let unknown = words.get("unknown");
    let mut args = Args::new()
        .outside("name", d.name.as_deref().unwrap_or(&unknown))
        .outside("model", d.model.as_deref().unwrap_or(&unknown))
        .outside("os", d.os_version.as_deref().unwrap_or(&unknown))
        .ours("supervised", tri(words, d.supervised))
        .ours("date", newest_day.clone());
    args = match &d.organisation {
        Some(o) => args.outside("organisation", o),
        None => args.select("organisation", "none"),
    };
    let mdm = input
        .analysis
        .mdm
        .as_ref()
        .and_then(|m| m.host.clone().or_else(|| m.server_url.clone()));
    let text = match mdm {
        Some(m) => words.format("fact-device", &args.outside("mdm", &m)),
        None => words.format("fact-device-unmanaged", &args),
    };
    out.push(Fact {
        text,
        files: vec![newest_file.clone()],
    });

    let doc = explain(&input.analysis, Subject::Device, words.lang());
    for line in &doc.summary {
        out.push(Fact {
            text: words.format(
                "fact-capability",
                &Args::new()
                    .ours("date", newest_day.clone())
                    .ours("text", line.text.clone()),
            ),
            files: vec![newest_file.clone()],
        });
    }
    for server in input.managed_mail_servers() {
        out.push(Fact {
            text: words.format(
                "fact-mail",
                &Args::new()
                    .ours("date", newest_day.clone())
                    .outside("server", &server),
            ),
            files: vec![newest_file.clone()],
        });
    }

    let mut previous: Option<&crate::input::SnapshotEntry> = None;
    for entry in &input.snapshots {
        if let (Some(before), Some(events)) = (previous, &entry.changes) {
            let mut events: Vec<_> = events
                .iter()
                .filter(|e| e.level >= Level::Warning)
                .collect();
            events.sort_by_key(|e| std::cmp::Reverse(e.level));
            for event in events {
                out.push(Fact {
                    text: words.format(
                        "fact-change",
                        &Args::new()
                            .ours("before", day(&before.taken_at))
                            .ours("date", day(&entry.taken_at))
                            .ours("text", sentences::change(words, event)),
                    ),
                    files: vec![before.envelope.clone(), entry.envelope.clone()],
                });
            }
        }
        previous = Some(entry);
    }

    for a in &input.server_alerts {
        out.push(Fact {
            text: words.format(
                "fact-server-alert",
                &Args::new()
                    .ours("date", day(&a.at))
                    .ours("text", sentences::alert(words, &a.alert)),
            ),
            files: vec![a.file.clone()],
        });
    }
    out
}

/// Appends `text` wrapped, then a blank line.
fn paragraph(out: &mut Vec<String>, text: &str) {
    out.extend(wrap(text, WIDTH, "", ""));
    out.push(String::new());
}

fn numbered(out: &mut Vec<String>, words: &Words, facts: &[Fact]) {
    for (i, fact) in facts.iter().take(MAX_FACTS).enumerate() {
        let files: Vec<String> = fact.files.iter().map(|f| file(f)).collect();
        let cite = if files.len() == 1 {
            words.format("letter-file", &Args::new().ours("file", files[0].clone()))
        } else {
            words.format("letter-files", &Args::new().ours("files", files.join(", ")))
        };
        let first = format!("{:>3}. ", i + 1);
        out.extend(wrap(
            &format!("{} {cite}", fact.text),
            WIDTH,
            &first,
            "     ",
        ));
    }
    if facts.len() > MAX_FACTS {
        out.extend(wrap(
            &words.format(
                "letter-more-facts",
                &Args::new().num("count", (facts.len() - MAX_FACTS) as f64),
            ),
            WIDTH,
            "     ",
            "     ",
        ));
    }
    out.push(String::new());
}

fn organisation_args<'a>(input: &ReportInput, args: Args<'a>) -> Args<'a> {
    match &input.analysis.device.organisation {
        Some(o) => args.outside("organisation", o),
        None => args.select("organisation", "none"),
    }
}

fn finish(lines: Vec<String>) -> String {
    let mut text = lines.join("\n");
    while text.ends_with("\n\n") {
        text.pop();
    }
    if !text.ends_with('\n') {
        text.push('\n');
    }
    text
}

/// The two draft letters: `(file name in the export, text)`.
pub fn letters(input: &ReportInput, lang: Lang) -> Vec<(String, String)> {
    let words = Words::new(lang);
    let facts = facts(input, &words);
    let period = || {
        Args::new()
            .ours("from", day(&input.period.from))
            .ours("to", day(&input.period.to))
    };

    let mut a = vec![
        words.get("letter-sender"),
        words.get("letter-address"),
        String::new(),
        words.get("letter15-to"),
        words.format("letter15-org", &organisation_args(input, Args::new())),
        String::new(),
        words.get("letter-place-date"),
        String::new(),
    ];
    paragraph(&mut a, &words.get("letter15-subject"));
    paragraph(&mut a, &words.get("letter15-opening"));
    paragraph(&mut a, &words.format("letter15-context", &period()));
    numbered(&mut a, &words, &facts);
    paragraph(&mut a, &words.get("letter-quote-note"));
    paragraph(&mut a, &words.get("letter-files-note"));
    paragraph(&mut a, &words.get("letter15-ask"));
    let mut asks = vec![words.format("letter15-ask-commands", &period())];
    if let Some(servers) = mail_servers_shown(input) {
        asks.push(words.format("letter15-ask-mail", &Args::new().ours("servers", servers)));
    }
    asks.push(words.get("letter15-ask-purposes"));
    for ask in asks {
        a.extend(wrap(&ask, WIDTH, "  - ", "    "));
    }
    a.push(String::new());
    paragraph(&mut a, &words.get("letter15-cjeu"));
    paragraph(&mut a, &words.get("letter15-deadline"));
    paragraph(&mut a, &words.get("letter15-closing"));
    a.push(words.get("letter-signature"));

    let mut c = vec![
        words.get("letter-sender"),
        words.get("letter-address"),
        String::new(),
        words.get("cnil-to"),
        String::new(),
        words.get("letter-place-date"),
        String::new(),
    ];
    paragraph(
        &mut c,
        &words.format("cnil-subject", &organisation_args(input, Args::new())),
    );
    paragraph(&mut c, &words.get("cnil-opening"));
    paragraph(
        &mut c,
        &words.format("cnil-context", &organisation_args(input, period())),
    );
    numbered(&mut c, &words, &facts);
    paragraph(&mut c, &words.get("letter-quote-note"));
    paragraph(&mut c, &words.get("letter-files-note"));
    paragraph(&mut c, &words.get("cnil-prior"));
    paragraph(&mut c, &words.get("cnil-ask"));
    paragraph(&mut c, &words.get("cnil-attachments"));
    paragraph(&mut c, &words.get("cnil-closing"));
    c.push(words.get("letter-signature"));

    vec![
        (ACCESS_REQUEST.to_string(), finish(a)),
        (COMPLAINT.to_string(), finish(c)),
    ]
}

/// `LISEZMOI.txt`: what the export holds and how to verify it, for a lawyer.
pub fn lisezmoi(input: &ReportInput, lang: Lang) -> String {
    let words = Words::new(lang);
    let mut out = Vec::new();
    let title = words.get("readme-title");
    out.push(title.clone());
    out.push("=".repeat(title.chars().count()));
    out.push(String::new());
    let device = input
        .analysis
        .device
        .name
        .as_deref()
        .unwrap_or(&input.device_handle);
    paragraph(
        &mut out,
        &words.format(
            "readme-intro",
            &Args::new()
                .outside("device", device)
                .ours("from", day(&input.period.from))
                .ours("to", day(&input.period.to)),
        ),
    );
    let section = |out: &mut Vec<String>, id: &str| {
        let t = words.get(id);
        out.push(t.clone());
        out.push("-".repeat(t.chars().count()));
    };
    section(&mut out, "readme-contents-title");
    for id in [
        "readme-file-report",
        "readme-file-letters",
        "readme-file-data",
        "readme-file-devices",
        "readme-file-log",
        "readme-file-manifest",
    ] {
        out.extend(wrap(&words.get(id), WIDTH, "  - ", "    "));
    }
    out.push(String::new());
    section(&mut out, "readme-attest-title");
    paragraph(
        &mut out,
        &words.get(if input.server_attested {
            "readme-attest-server"
        } else {
            "readme-attest-local"
        }),
    );
    let in_log = input.snapshots.iter().filter(|s| s.in_log()).count();
    let timed = input
        .snapshots
        .iter()
        .filter(|s| s.attested_time().is_some())
        .count();
    paragraph(
        &mut out,
        &words.format(
            "readme-counts",
            &Args::new()
                .num("total", input.snapshots.len() as f64)
                .num("log", in_log as f64)
                .num("time", timed as f64),
        ),
    );
    section(&mut out, "readme-verify-title");
    out.extend(wrap(&words.get("readme-verify-1"), WIDTH, "", ""));
    out.push(String::new());
    out.push(format!("    {}", words.get("report-verify-command")));
    out.push(String::new());
    paragraph(&mut out, &words.get("readme-verify-2"));
    paragraph(&mut out, &words.get("readme-verify-3"));
    for key in &input.keys {
        out.extend(wrap(
            &words.format(
                "report-key",
                &Args::new()
                    .select("role", key.role.id())
                    .ours("file", file(&key.file)),
            ),
            WIDTH,
            "  ",
            "  ",
        ));
        out.push(format!("    {}", neutralize_to(&key.fingerprint, 200)));
    }
    out.push(String::new());
    section(&mut out, "readme-limits-title");
    paragraph(&mut out, &words.get("readme-limits"));
    finish(out)
}
