//! The explanation drawn as plain text (the terminal, and text files): wrapped to a width,
//! summary first, details only when asked for.

use crate::explain::Document;
use crate::words::Words;

/// Width of the terminal report, in characters.
pub const WIDTH: usize = 80;

/// Wraps `text` to `width` columns; the first line starts with `first`, the others with
/// `rest` (same width, for a hanging indent).
pub fn wrap(text: &str, width: usize, first: &str, rest: &str) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = first.to_string();
    let mut len = first.chars().count();
    let mut empty = true;
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        let wlen = word.chars().count();
        if !empty && len + 1 + wlen > width {
            lines.push(std::mem::take(&mut line));
            line = rest.to_string();
            len = rest.chars().count();
            empty = true;
        }
        if !empty {
            line.push(' ');
            len += 1;
        }
        line.push_str(word);
        len += wlen;
        empty = false;
    }
    if !empty || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// Most lines the summary block takes: one screen.
pub const SUMMARY_LINES: usize = 20;

/// The summary block (title and bullets), as it is printed: at most [`SUMMARY_LINES`] lines;
/// when the bullets do not fit, the least harmful give way to one line counting them.
pub fn summary_lines(doc: &Document) -> Vec<String> {
    let words = Words::new(doc.lang);
    let mut out = vec![doc.summary_title.clone()];
    if doc.summary.is_empty() {
        out.extend(wrap(&doc.summary_none, WIDTH, "  ", "  "));
        return out;
    }
    let bullets: Vec<Vec<String>> = doc
        .summary
        .iter()
        .map(|line| wrap(&line.text, WIDTH, "  • ", "    "))
        .collect();
    let total: usize = bullets.iter().map(Vec::len).sum();
    if total < SUMMARY_LINES {
        out.extend(bullets.into_iter().flatten());
        return out;
    }
    // Keep the most harmful bullets that fit with the "… and N more" line.
    let mut used = 2;
    let mut kept = 0;
    for bullet in &bullets {
        if used + bullet.len() > SUMMARY_LINES {
            break;
        }
        used += bullet.len();
        kept += 1;
    }
    let rest = bullets.len() - kept;
    out.extend(bullets.into_iter().take(kept).flatten());
    out.push(format!(
        "  {}",
        words.format(
            "summary-more",
            &crate::words::Args::new().num("count", rest as f64)
        )
    ));
    out
}

/// The whole document as text: header, summary, what cannot be done, what could not be seen,
/// and, with `details`, every statement with its conditions and evidence.
pub fn draw(doc: &Document, details: bool) -> String {
    let words = Words::new(doc.lang);
    let mut out: Vec<String> = Vec::new();
    for line in &doc.header {
        out.extend(wrap(line, WIDTH, "", "  "));
    }
    out.push(String::new());
    out.extend(summary_lines(doc));
    if !doc.cannot.is_empty() {
        out.push(String::new());
        out.push(doc.cannot_title.clone());
        for line in &doc.cannot {
            out.extend(wrap(line, WIDTH, "  • ", "    "));
        }
    }
    if !doc.unseen.is_empty() {
        out.push(String::new());
        out.push(doc.unseen_title.clone());
        for line in &doc.unseen {
            out.extend(wrap(line, WIDTH, "  • ", "    "));
        }
    }
    out.push(String::new());
    if details {
        if !doc.inventory.is_empty() {
            out.push(doc.inventory_title.clone());
            for line in &doc.inventory {
                out.extend(wrap(line, WIDTH, "  - ", "    "));
            }
            out.push(String::new());
        }
        out.push(doc.details_title.clone());
        for section in &doc.details {
            out.push(String::new());
            out.push(section.title.clone());
            for item in &section.items {
                out.extend(wrap(&item.text, WIDTH, "  • ", "    "));
                for c in &item.conditions {
                    out.extend(wrap(c, WIDTH, "    ", "    "));
                }
                for e in &item.evidence {
                    out.extend(wrap(e, WIDTH, "      ", "        "));
                }
            }
        }
        out.push(String::new());
    } else if !doc.details.is_empty() {
        out.push(words.get("details-hint"));
    }
    let mut text = out.join("\n");
    text.push('\n');
    text
}

/// One change as a line: its level in words, then its sentence.
pub fn change_line(words: &Words, event: &lucarne_profiles::compare::ChangeEvent) -> String {
    let level = words.get(&crate::sentences::message_id("level", event.level.as_str()));
    words.format(
        "change-line",
        &crate::words::Args::new()
            .ours("level", level)
            .ours("text", crate::sentences::change(words, event)),
    )
}

/// The changes between two snapshots as text: a title with the previous snapshot's date,
/// then one line per change, alerts first; with `details`, the capabilities each change gave
/// or took away.
pub fn draw_changes(
    words: &Words,
    previous_date: &str,
    events: &[lucarne_profiles::compare::ChangeEvent],
    details: bool,
) -> String {
    let date = crate::sentences::date(previous_date);
    let args = crate::words::Args::new().ours("date", date);
    let mut out = Vec::new();
    if events.is_empty() {
        out.extend(wrap(&words.format("changes-none", &args), WIDTH, "", "  "));
    } else {
        out.extend(wrap(&words.format("changes-title", &args), WIDTH, "", "  "));
        let mut sorted: Vec<&lucarne_profiles::compare::ChangeEvent> = events.iter().collect();
        sorted.sort_by_key(|e| std::cmp::Reverse(e.level));
        for event in sorted {
            out.extend(wrap(&change_line(words, event), WIDTH, "  ", "    "));
            if details {
                for cap in &event.capabilities_added {
                    let text = crate::sentences::capability_text(words, &cap.id, &cap.params);
                    let line = words.format(
                        "change-gained",
                        &crate::words::Args::new().ours("sentence", text),
                    );
                    out.extend(wrap(&line, WIDTH, "      ", "        "));
                }
                for cap in &event.capabilities_removed {
                    let text = crate::sentences::capability_text(words, &cap.id, &cap.params);
                    let line = words.format(
                        "change-lost",
                        &crate::words::Args::new().ours("sentence", text),
                    );
                    out.extend(wrap(&line, WIDTH, "      ", "        "));
                }
            }
        }
    }
    let mut text = out.join("\n");
    text.push('\n');
    text
}
