//! The readable report of an analysis, for a terminal. Every string that came from a profile
//! or a device was written by the administration being audited: control characters are
//! escaped so that a hostile name cannot move the cursor, recolour or rewrite the screen.

use std::fmt::Write as _;

use lucarne_profiles::analysis::Analysis;
use lucarne_profiles::{Capability, Evidence, Lang, Verb};

use crate::i18n::{arg, Messages};

/// Escapes control characters (ANSI escapes, carriage returns, bidi overrides) in text that
/// came from outside.
pub fn safe(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        let bidi = matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}');
        if (c.is_control() && c != '\n') || bidi {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        } else {
            out.push(c);
        }
    }
    out
}

fn section_id(verb: Verb) -> &'static str {
    match verb {
        Verb::Erase => "section-erase",
        Verb::Lock => "section-lock",
        Verb::Locate => "section-locate",
        Verb::Observe => "section-observe",
        Verb::Intercept => "section-intercept",
        Verb::Read => "section-read",
        Verb::Install => "section-install",
        Verb::Change => "section-change",
        Verb::Restrict => "section-restrict",
    }
}

fn evidence_text(e: &Evidence) -> String {
    let mut parts = vec![e.profile.clone()];
    if let Some(t) = &e.payload_type {
        parts.push(t.clone());
    }
    if let Some(u) = &e.payload_uuid {
        parts.push(u.clone());
    }
    let mut text = parts.join(" › ");
    if let Some(k) = &e.key {
        let _ = write!(text, " › {k}");
    }
    if let Some(v) = &e.value {
        let shown: String = v.chars().take(120).collect();
        let _ = write!(text, " = {shown}");
    }
    safe(&text)
}

fn capability_lines(out: &mut String, cap: &Capability, lang: Lang, msgs: &Messages) {
    let mut line = format!("  • {}", safe(cap.text.get(lang)));
    if cap.usable == Some(false) {
        let _ = write!(line, " {}", msgs.get("capability-not-usable", &[]));
    } else if cap.supervised_only {
        let _ = write!(line, " {}", msgs.get("capability-supervised", &[]));
    }
    let _ = writeln!(out, "{line}");
    for e in cap.evidence.iter().take(4) {
        let _ = writeln!(
            out,
            "      {}",
            msgs.get("evidence", &[("evidence", arg(&evidence_text(e)))])
        );
    }
}

/// Renders an analysis as text: the MDM server and rights first, then capabilities grouped
/// by what they let the administration do, most serious first.
pub fn render_analysis(analysis: &Analysis, lang: Lang, msgs: &Messages) -> String {
    let mut out = String::new();
    if let Some(mdm) = &analysis.mdm {
        let url = mdm.server_url.as_deref().unwrap_or("?");
        let _ = writeln!(
            out,
            "{}",
            msgs.get("mdm-server", &[("url", arg(&safe(url)))])
        );
        match mdm.access_rights {
            Some(value) => {
                let names = mdm.rights.join(", ");
                let _ = writeln!(
                    out,
                    "{}",
                    msgs.get(
                        "mdm-rights",
                        &[("value", arg(&value.to_string())), ("names", arg(&names))]
                    )
                );
            }
            None => {
                let _ = writeln!(out, "{}", msgs.get("mdm-rights-missing", &[]));
            }
        }
    }
    for anchor in &analysis.root_certificates {
        let _ = writeln!(
            out,
            "{}",
            msgs.get(
                "trust-anchor",
                &[
                    ("subject", arg(&safe(&anchor.subject))),
                    ("sha256", arg(&anchor.sha256))
                ]
            )
        );
    }
    for verb in Verb::ALL {
        let caps: Vec<&Capability> = analysis
            .capabilities
            .iter()
            .filter(|c| c.verb == verb)
            .collect();
        if caps.is_empty() {
            continue;
        }
        let _ = writeln!(out, "\n{}", msgs.get(section_id(verb), &[]));
        for cap in caps {
            capability_lines(&mut out, cap, lang, msgs);
        }
    }
    if analysis.capabilities.is_empty() {
        let _ = writeln!(out, "{}", msgs.get("inspect-nothing", &[]));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_terminal_controls_and_bidi() {
        assert_eq!(safe("a\u{1b}[31mb"), "a\\u{1b}[31mb");
        assert_eq!(safe("x\ry"), "x\\u{d}y");
        assert_eq!(safe("\u{202E}evil"), "\\u{202e}evil");
        assert_eq!(safe("Région Île-de-France"), "Région Île-de-France");
    }
}
