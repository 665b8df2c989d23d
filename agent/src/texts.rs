//! The agent's sentences in French and English, read from `agent/texts/*.toml`.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use lucarne_profiles::{Lang, Text};

const UPLOAD: &str = include_str!("../texts/upload.toml");

fn catalogue() -> &'static BTreeMap<String, Text> {
    static CATALOGUE: OnceLock<BTreeMap<String, Text>> = OnceLock::new();
    // The file is part of the program and checked by a test: it always parses.
    CATALOGUE.get_or_init(|| toml::from_str(UPLOAD).unwrap_or_default())
}

/// The sentence `key` in `lang` with its placeholders filled; the key itself if it is missing
/// (a test checks that none is).
pub fn say(lang: Lang, key: &str, vars: &[(&str, &str)]) -> String {
    match catalogue().get(key) {
        Some(text) => text.fill(vars).get(lang).to_string(),
        None => key.to_string(),
    }
}

/// Every key the agent uses.
pub const KEYS: &[&str] = &[
    "key_fingerprint",
    "key_public",
    "key_file",
    "enrolled",
    "enrolled_log",
    "push_accepted",
    "push_alerts",
    "push_refused",
    "push_stopped",
    "push_nothing",
    "push_consistency_deferred",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_exists_in_both_languages_and_nothing_else() {
        let parsed: BTreeMap<String, Text> = toml::from_str(UPLOAD).unwrap();
        let mut keys: Vec<&str> = KEYS.to_vec();
        keys.sort();
        assert_eq!(parsed.keys().map(String::as_str).collect::<Vec<_>>(), keys);
        for (key, text) in &parsed {
            assert!(!text.fr.is_empty() && !text.en.is_empty(), "{key}");
        }
        assert_eq!(
            say(Lang::En, "key_fingerprint", &[("key_id", "ab")]),
            "Fingerprint of this computer's key: ab"
        );
    }
}
