//! The command line's words. Every sentence lives in `lucarne-words` (the Fluent files of
//! `words/locales/`); this module is the command line's short way to reach them with
//! positional arguments.

use fluent_bundle::FluentValue;
pub use lucarne_words::Lang;
use lucarne_words::{Args, Words};

/// Longest argument kept whole: arguments are file paths, identifiers, counts and
/// Lucarne's own phrases, never whole documents.
const MAX_ARG_CHARS: usize = 4096;

/// Messages in one language.
pub struct Messages {
    words: Words,
}

impl Messages {
    /// The messages of `lang`.
    pub fn new(lang: Lang) -> Messages {
        Messages {
            words: Words::new(lang),
        }
    }

    /// The message `id` with its arguments; the id itself when it is missing (tests check
    /// that every id used exists in both languages).
    pub fn get(&self, id: &str, args: &[(&str, FluentValue<'_>)]) -> String {
        let mut fargs = Args::new();
        for (name, value) in args {
            fargs.set(name.to_string(), value.clone());
        }
        self.words.format(id, &fargs)
    }

    /// Whether the message `id` exists.
    pub fn has(&self, id: &str) -> bool {
        self.words.has(id)
    }

    /// The underlying words.
    pub fn words(&self) -> &Words {
        &self.words
    }
}

/// A message argument from text: control and bidirectional characters are neutralised, so
/// that nothing read from a device or a file can move the cursor or reorder a line.
pub fn arg(text: &str) -> FluentValue<'static> {
    FluentValue::from(lucarne_words::neutral::neutralize_to(text, MAX_ARG_CHARS))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plurals_and_arguments() {
        let fr = Messages::new(Lang::Fr);
        assert_eq!(
            fr.get("inspect-payloads", &[("count", FluentValue::from(1))]),
            "1 réglage (payload)"
        );
        assert_eq!(
            fr.get("inspect-payloads", &[("count", FluentValue::from(3))]),
            "3 réglages (payloads)"
        );
        let en = Messages::new(Lang::En);
        assert_eq!(
            en.get("key-file", &[("path", arg("/tmp/k\u{1b}[2J"))]),
            "Key file: /tmp/k⟨U+001B⟩[2J"
        );
    }
}
