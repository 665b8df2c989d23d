//! What the report says, in order, as blocks: who and which device; what the administration
//! can and cannot do, with the evidence; the dated timeline; what is installed; how the data
//! was collected and who attests it; what Lucarne could not see; how to verify the file;
//! the list of snapshots. Every sentence comes from the Fluent files (`report.ftl` and the
//! explanation's own), every outside string is neutralised before it enters a sentence.

use lucarne_profiles::compare::ChangeEvent;
use lucarne_words::explain::{explain, Subject};
use lucarne_words::neutral::neutralize_to;
use lucarne_words::sentences::{self, message_id};
use lucarne_words::{plain, Args, Words};

use crate::input::{Attestation, ReportInput, SnapshotEntry};
use crate::layout::{Block, Style, ALERT};

/// Longest file name or fingerprint shown, in characters.
const MAX_PATH: usize = 200;
/// Rows of the snapshot annex; the rest is counted (everything is in `data.json`).
pub const MAX_ANNEX_ROWS: usize = 3000;
/// Changes shown per snapshot in the timeline; the rest is counted.
const MAX_CHANGES_SHOWN: usize = 200;

/// A date (RFC 3339 or `YYYY-MM-DD`) as the reader writes it.
pub fn day(value: &str) -> String {
    sentences::date(value)
}

/// The `HH:MM` of an RFC 3339 time, or nothing.
pub fn hour(value: &str) -> String {
    value
        .split_once('T')
        .and_then(|(_, t)| t.get(0..5))
        .filter(|t| t.chars().all(|c| c.is_ascii_digit() || c == ':'))
        .unwrap_or("")
        .to_string()
}

/// A date and time: `dd/mm/yyyy HH:MM`, with `UTC` when the time says it is.
pub fn when(value: &str) -> String {
    let time = hour(value);
    if time.is_empty() {
        return day(value);
    }
    let utc = value.ends_with('Z') || value.ends_with("+00:00");
    format!("{} {time}{}", day(value), if utc { " UTC" } else { "" })
}

/// A file name of the export, made safe to show.
pub fn file(path: &str) -> String {
    neutralize_to(path, MAX_PATH)
}

/// An attestation in words, short enough for a list.
pub fn attestation(words: &Words, a: &Attestation) -> String {
    let mut args = Args::new();
    match a {
        Attestation::TimeAttested { at, .. } => args = args.ours("date", when(at)),
        Attestation::LogIncluded { leaf_index, .. } => {
            args = args.ours("index", leaf_index.to_string());
        }
        Attestation::AgentSigned | Attestation::ServerSays => {}
    }
    words.format(&message_id("attest-short", a.id()), &args)
}

/// `text` with its first letter in upper case (a sentence made to start a line).
fn upper_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn para(text: String) -> Block {
    Block::Para(text, Style::BODY)
}

fn item(text: String) -> Block {
    Block::Item {
        text,
        style: Style::BODY,
        level: 0,
    }
}

fn sub_item(text: String, style: Style) -> Block {
    Block::Item {
        text,
        style,
        level: 1,
    }
}

/// The report's blocks.
pub fn blocks(input: &ReportInput, words: &Words) -> Vec<Block> {
    let doc = explain(&input.analysis, Subject::Device, words.lang());
    let mut out = Vec::new();

    // Title and who.
    out.push(Block::Title(words.get("report-title")));
    out.push(Block::Heading(words.get("report-who-title")));
    out.push(Block::Para(
        match &input.owner {
            Some(owner) => words.format("report-owner", &Args::new().outside("owner", owner)),
            None => words.get("report-owner-none"),
        },
        Style::STRONG,
    ));
    for line in &doc.header {
        out.push(para(line.clone()));
    }
    out.push(para(
        words.format(
            "report-period",
            &Args::new()
                .ours("from", day(&input.period.from))
                .ours("to", day(&input.period.to))
                .num("count", input.snapshots.len() as f64),
        ),
    ));
    out.push(para(
        words.format(
            "report-generated",
            &Args::new()
                .ours("date", day(&input.generated_at))
                .ours("time", hour(&input.generated_at)),
        ),
    ));
    out.push(para(words.get(if input.server_attested {
        "report-attested-server"
    } else {
        "report-attested-local"
    })));
    if let Some(newest) = input
        .snapshots
        .iter()
        .find(|s| s.sequence == input.analysed_sequence)
    {
        out.push(para(
            words.format(
                "report-analysed",
                &Args::new()
                    .num("sequence", newest.sequence as f64)
                    .ours("date", day(&newest.taken_at))
                    .ours("file", file(&newest.envelope)),
            ),
        ));
    }
    out.push(Block::Space(4.0));
    out.push(Block::Para(words.get("report-read-first"), Style::STRONG));

    // What the administration can do.
    out.push(Block::Heading(words.get("report-can-title")));
    if doc.summary.is_empty() {
        out.push(para(doc.summary_none.clone()));
    }
    for line in &doc.summary {
        out.push(item(line.text.clone()));
    }
    if !doc.cannot.is_empty() {
        out.push(Block::Subheading(words.get("report-cannot-title")));
        for line in &doc.cannot {
            out.push(item(line.clone()));
        }
    }

    // The dated timeline comes before the long details: it is what a complaint rests on.
    timeline(input, words, &mut out);

    // The details, with the evidence.
    if !doc.details.is_empty() {
        out.push(Block::Heading(words.get("report-details-title")));
        out.push(Block::Para(words.get("report-details-intro"), Style::SMALL));
        for section in &doc.details {
            out.push(Block::Subheading(section.title.clone()));
            for detail in &section.items {
                out.push(item(detail.text.clone()));
                for condition in &detail.conditions {
                    out.push(sub_item(
                        words.format(
                            "report-condition",
                            &Args::new().ours("condition", condition.clone()),
                        ),
                        Style::SMALL,
                    ));
                }
                for evidence in &detail.evidence {
                    out.push(sub_item(upper_first(evidence), Style::SMALL));
                }
            }
        }
    }

    installed(input, words, &doc.inventory, &mut out);
    method(input, words, &mut out);

    // What Lucarne could not see.
    out.push(Block::Heading(words.get("report-unseen-title")));
    out.push(item(words.get("report-unseen-mdm")));
    if let Some(servers) = mail_servers_shown(input) {
        out.push(item(words.format(
            "report-unseen-mail",
            &Args::new().ours("servers", servers),
        )));
    }
    out.push(item(words.get("report-unseen-between")));
    // The explanation's own line on the MDM's logs is said above, with the letter that asks
    // for them (`doc.unseen` follows `analysis.unknowns` one to one).
    for (line, unknown) in doc.unseen.iter().zip(&input.analysis.unknowns) {
        if unknown.id != "mdm-server-logs" {
            out.push(item(line.clone()));
        }
    }

    verify(input, words, &mut out);
    annex(input, words, &mut out);
    out
}

fn change_blocks(words: &Words, events: &[ChangeEvent], out: &mut Vec<Block>) {
    let mut sorted: Vec<&ChangeEvent> = events.iter().collect();
    sorted.sort_by_key(|e| std::cmp::Reverse(e.level));
    for event in sorted.iter().take(MAX_CHANGES_SHOWN) {
        let style = if event.level == lucarne_profiles::compare::Level::Alert {
            Style {
                color: ALERT,
                ..Style::STRONG
            }
        } else {
            Style::BODY
        };
        out.push(Block::Item {
            text: plain::change_line(words, event),
            style,
            level: 0,
        });
        for cap in &event.capabilities_added {
            let text = sentences::capability_text(words, &cap.id, &cap.params);
            out.push(sub_item(
                words.format("change-gained", &Args::new().ours("sentence", text)),
                Style::SMALL,
            ));
        }
        for cap in &event.capabilities_removed {
            let text = sentences::capability_text(words, &cap.id, &cap.params);
            out.push(sub_item(
                words.format("change-lost", &Args::new().ours("sentence", text)),
                Style::SMALL,
            ));
        }
    }
    if sorted.len() > MAX_CHANGES_SHOWN {
        out.push(Block::Para(
            words.format(
                "term-and-more",
                &Args::new().num("count", (sorted.len() - MAX_CHANGES_SHOWN) as f64),
            ),
            Style::SMALL,
        ));
    }
}

fn timeline(input: &ReportInput, words: &Words, out: &mut Vec<Block>) {
    out.push(Block::Heading(words.get("report-timeline-title")));
    out.push(Block::Para(
        words.get("report-timeline-intro"),
        Style::SMALL,
    ));
    if input.snapshots.is_empty() {
        out.push(para(words.get("report-timeline-none")));
    }
    // Runs of snapshots without change are said in one line.
    let mut quiet: Vec<&SnapshotEntry> = Vec::new();
    let flush = |quiet: &mut Vec<&SnapshotEntry>, out: &mut Vec<Block>| {
        if let (Some(first), Some(last)) = (quiet.first(), quiet.last()) {
            out.push(Block::Para(
                words.format(
                    "report-timeline-same",
                    &Args::new()
                        .num("count", quiet.len() as f64)
                        .ours("from", day(&first.taken_at))
                        .ours("to", day(&last.taken_at)),
                ),
                Style::SMALL,
            ));
        }
        quiet.clear();
    };
    for entry in &input.snapshots {
        let (intro, events): (Option<String>, &[ChangeEvent]) = match &entry.changes {
            None => (Some(words.get("report-timeline-first")), &[]),
            Some(events) if events.is_empty() => {
                quiet.push(entry);
                continue;
            }
            Some(events) => (None, events.as_slice()),
        };
        flush(&mut quiet, out);
        let label = when(&entry.taken_at);
        let mut text = words.format(
            "report-annex-row",
            &Args::new().num("sequence", entry.sequence as f64),
        );
        if let Some(intro) = intro {
            text = format!("{text} — {intro}");
        }
        out.push(Block::Para(format!("{label} — {text}"), Style::STRONG));
        change_blocks(words, events, out);
        out.push(Block::Para(
            words.format(
                "report-timeline-file",
                &Args::new().ours("file", file(&entry.envelope)),
            ),
            Style::SMALL,
        ));
    }
    flush(&mut quiet, out);
    if !input.server_alerts.is_empty() {
        out.push(Block::Subheading(words.get("report-server-alerts-title")));
        for a in &input.server_alerts {
            out.push(item(
                words.format(
                    "report-server-alert",
                    &Args::new()
                        .ours("date", when(&a.at))
                        .ours("text", sentences::alert(words, &a.alert)),
                ),
            ));
            out.push(sub_item(
                words.format(
                    "report-timeline-file",
                    &Args::new().ours("file", file(&a.file)),
                ),
                Style::SMALL,
            ));
        }
    }
}

fn installed(input: &ReportInput, words: &Words, inventory: &[String], out: &mut Vec<Block>) {
    let a = &input.analysis;
    out.push(Block::Heading(words.get("report-inventory-title")));
    if !inventory.is_empty() {
        out.push(Block::Subheading(words.get("report-profiles-title")));
        for line in inventory {
            out.push(item(line.clone()));
        }
    }
    out.push(Block::Subheading(words.get("report-restrictions-title")));
    let restricting: Vec<_> = a.restrictions.iter().filter(|r| r.restricts).collect();
    if restricting.is_empty() {
        out.push(para(words.get("report-restrictions-none")));
    }
    for r in restricting {
        let meaning = lucarne_words::sentences::restriction_meaning(words, &r.key)
            .unwrap_or_else(|| neutralize_to(&r.key, 80));
        out.push(item(
            words.format(
                "report-restriction",
                &Args::new()
                    .ours("meaning", meaning.trim_end_matches('.').to_string())
                    .outside("key", &r.key),
            ),
        ));
    }
    out.push(Block::Subheading(words.get("report-anchors-title")));
    if a.root_certificates.is_empty() {
        out.push(para(words.get("report-anchors-none")));
    }
    for anchor in &a.root_certificates {
        out.push(item(
            words.format(
                "report-anchor",
                &Args::new()
                    .outside("subject", &anchor.subject)
                    .ours("until", day(&anchor.not_after))
                    .outside("sha256", &anchor.sha256),
            ),
        ));
    }
    out.push(Block::Subheading(words.get("report-accounts-title")));
    if a.accounts.is_empty() {
        out.push(para(words.get("report-accounts-none")));
    }
    for account in &a.accounts {
        let kind_id = message_id("account-kind", account.kind.as_str());
        let kind = if words.has(&kind_id) {
            words.get(&kind_id)
        } else {
            account.kind.as_str().to_string()
        };
        let unknown = words.get("unknown");
        out.push(item(
            words.format(
                "report-account",
                &Args::new()
                    .ours("kind", kind)
                    .outside("server", account.host.as_deref().unwrap_or(&unknown)),
            ),
        ));
    }
}

fn method(input: &ReportInput, words: &Words, out: &mut Vec<Block>) {
    out.push(Block::Heading(words.get("report-method-title")));
    out.push(para(words.get("report-method-collect")));
    out.push(para(words.get("report-method-sign")));
    out.push(para(words.get("report-method-log")));
    out.push(Block::Subheading(words.get("report-method-who")));
    let count = |pred: &dyn Fn(&Attestation) -> bool| {
        input
            .snapshots
            .iter()
            .filter(|s| s.attested.iter().any(pred))
            .count()
    };
    let kinds: [(&str, usize); 4] = [
        (
            "agent-signed",
            count(&|a| matches!(a, Attestation::AgentSigned)),
        ),
        (
            "log-included",
            count(&|a| matches!(a, Attestation::LogIncluded { .. })),
        ),
        (
            "time-attested",
            count(&|a| matches!(a, Attestation::TimeAttested { .. })),
        ),
        (
            "server-says",
            count(&|a| matches!(a, Attestation::ServerSays)),
        ),
    ];
    for (id, n) in kinds {
        let label = words.get(&message_id("attest-label", id));
        out.push(item(words.format(
            "report-method-count",
            &Args::new().ours("attest", label).num("count", n as f64),
        )));
    }
}

fn verify(input: &ReportInput, words: &Words, out: &mut Vec<Block>) {
    out.push(Block::Heading(words.get("report-verify-title")));
    out.push(para(words.get("report-verify-how")));
    out.push(Block::Para(words.get("report-verify-command"), Style::MONO));
    out.push(para(words.get("report-verify-what")));
    for key in &input.keys {
        out.push(Block::Para(
            words.format(
                "report-key",
                &Args::new()
                    .select("role", key.role.id())
                    .ours("file", file(&key.file)),
            ),
            Style::BODY,
        ));
        out.push(Block::Para(
            neutralize_to(&key.fingerprint, MAX_PATH),
            Style::MONO,
        ));
    }
    out.push(Block::Para(words.get("report-verify-data"), Style::SMALL));
}

fn annex(input: &ReportInput, words: &Words, out: &mut Vec<Block>) {
    if input.snapshots.is_empty() {
        return;
    }
    out.push(Block::Heading(words.get("report-annex-title")));
    out.push(Block::Para(words.get("report-annex-intro"), Style::SMALL));
    for entry in input.snapshots.iter().take(MAX_ANNEX_ROWS) {
        let who = entry
            .attested
            .iter()
            .map(|a| attestation(words, a))
            .collect::<Vec<_>>()
            .join(", ");
        out.push(Block::Labelled {
            label: words.format(
                "report-annex-row",
                &Args::new().num("sequence", entry.sequence as f64),
            ),
            text: format!(
                "{} — {} — {}",
                when(&entry.taken_at),
                who,
                file(&entry.envelope)
            ),
            style: Style::SMALL,
        });
    }
    if input.snapshots.len() > MAX_ANNEX_ROWS {
        out.push(para(words.format(
            "report-annex-more",
            &Args::new().num("count", (input.snapshots.len() - MAX_ANNEX_ROWS) as f64),
        )));
    }
}

/// The mail servers the administration configured, as shown in the report and the letters
/// (the administration's words, neutralised, comma-separated); `None` when there is none.
pub(crate) fn mail_servers_shown(input: &ReportInput) -> Option<String> {
    let mail = input.managed_mail_servers();
    (!mail.is_empty()).then(|| {
        mail.iter()
            .map(|s| neutralize_to(s, 80))
            .collect::<Vec<_>>()
            .join(", ")
    })
}
