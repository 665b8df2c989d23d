//! The command line's sentences, read from `agent/messages.toml` (French and English).

use std::collections::BTreeMap;
use std::sync::OnceLock;

use lucarne_profiles::{Lang, Text};

const MESSAGES: &str = include_str!("../../messages.toml");

fn catalogue() -> &'static BTreeMap<String, Text> {
    static CATALOGUE: OnceLock<BTreeMap<String, Text>> = OnceLock::new();
    // The file ships inside the binary and a unit test parses it: it cannot be malformed at
    // run time; an empty catalogue would only make every message its own key.
    CATALOGUE.get_or_init(|| toml::from_str(MESSAGES).unwrap_or_default())
}

/// The message `key` in `lang` with `{name}` placeholders filled.
pub fn message(lang: Lang, key: &str, vars: &[(&str, &str)]) -> String {
    match catalogue().get(key) {
        Some(text) => text.fill(vars).get(lang).to_owned(),
        None => key.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalogue_parses_and_has_both_languages() {
        let parsed: BTreeMap<String, Text> =
            toml::from_str(MESSAGES).unwrap_or_else(|e| panic!("messages.toml: {e}"));
        for (key, text) in &parsed {
            assert!(!text.fr.is_empty() && !text.en.is_empty(), "{key}");
        }
        assert_eq!(
            message(Lang::En, "key-derived", &[("seconds", "3.1")]),
            "Key derived in 3.1 s"
        );
    }
}
