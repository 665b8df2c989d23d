//! Bilingual texts: every sentence Lucarne shows exists in French and in English.

use serde::{Deserialize, Serialize};

/// A language Lucarne speaks. French comes first: most users are French officials.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// Français (default).
    #[default]
    Fr,
    /// English.
    En,
}

impl std::str::FromStr for Lang {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "fr" | "fr-fr" | "français" | "francais" => Ok(Lang::Fr),
            "en" | "en-gb" | "en-us" | "english" => Ok(Lang::En),
            other => Err(format!(
                "unknown language `{other}` (expected `fr` or `en`)"
            )),
        }
    }
}

/// One sentence in both languages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Text {
    /// French wording.
    pub fr: String,
    /// English wording.
    pub en: String,
}

impl Text {
    /// Builds a text from its two wordings.
    pub fn new(fr: impl Into<String>, en: impl Into<String>) -> Self {
        Text {
            fr: fr.into(),
            en: en.into(),
        }
    }

    /// The wording in `lang`.
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Fr => &self.fr,
            Lang::En => &self.en,
        }
    }

    /// Replaces `{name}` placeholders in both wordings.
    pub fn fill(&self, vars: &[(&str, &str)]) -> Text {
        let mut fr = self.fr.clone();
        let mut en = self.en.clone();
        for (name, value) in vars {
            let pat = format!("{{{name}}}");
            fr = fr.replace(&pat, value);
            en = en.replace(&pat, value);
        }
        Text { fr, en }
    }
}
