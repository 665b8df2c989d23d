//! Text written by the administration (profile names, descriptions, server URLs, app names) is
//! shown as the administration's words, never as Lucarne's: control and bidirectional
//! characters are made visible, line breaks cannot start a line that looks like Lucarne's own,
//! and very long values are cut.
//!
//! This runs on every value that came from a device, a profile, a backup or a request, before
//! it enters a sentence. Markup escaping is a separate, later step done by each view (the web
//! pages escape HTML; the terminal needs none once control characters are gone).

/// Longest run of outside text kept in a sentence, in characters.
pub const MAX_SHOWN_CHARS: usize = 160;

/// Whether `c` changes text direction or is an invisible direction mark (Unicode bidi
/// controls: embeddings, overrides, isolates, marks).
pub fn is_bidi_control(c: char) -> bool {
    matches!(
        c,
        '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
    )
}

/// Whether `c` must not reach a reader as is: C0/C1 controls (ESC, NUL, line breaks…), bidi
/// controls, line and paragraph separators, and the byte-order mark.
pub fn is_unsafe(c: char) -> bool {
    c.is_control() || is_bidi_control(c) || matches!(c, '\u{2028}' | '\u{2029}' | '\u{FEFF}')
}

/// Outside text made safe to show: every unsafe character becomes a visible `⟨U+XXXX⟩`
/// (a line break or tab becomes one space), and the result is cut to [`MAX_SHOWN_CHARS`]
/// with `…`.
pub fn neutralize(text: &str) -> String {
    neutralize_to(text, MAX_SHOWN_CHARS)
}

/// [`neutralize`] with another length limit (evidence values may be longer).
pub fn neutralize_to(text: &str, max_chars: usize) -> String {
    let mut out = String::with_capacity(text.len().min(max_chars * 4));
    for (shown, c) in text.chars().enumerate() {
        if shown >= max_chars {
            out.push('…');
            break;
        }
        match c {
            '\n' | '\r' | '\t' => out.push(' '),
            c if is_unsafe(c) => out.push_str(&format!("⟨U+{:04X}⟩", c as u32)),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_and_bidi_become_visible() {
        assert_eq!(neutralize("a\u{1b}[2Jb"), "a⟨U+001B⟩[2Jb");
        assert_eq!(neutralize("x\u{202E}gpj.exe"), "x⟨U+202E⟩gpj.exe");
        assert_eq!(neutralize("nul\0"), "nul⟨U+0000⟩");
        assert_eq!(
            neutralize("ligne\nVous n'êtes pas surveillé"),
            "ligne Vous n'êtes pas surveillé"
        );
    }

    #[test]
    fn long_text_is_cut() {
        let long = "é".repeat(1_000_000);
        let shown = neutralize(&long);
        assert_eq!(shown.chars().count(), MAX_SHOWN_CHARS + 1);
        assert!(shown.ends_with('…'));
    }

    #[test]
    fn ordinary_text_is_unchanged() {
        assert_eq!(
            neutralize("Région Exemple — « élus »"),
            "Région Exemple — « élus »"
        );
    }
}
