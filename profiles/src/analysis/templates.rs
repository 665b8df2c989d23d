//! The analysis's own sentences (`profiles/catalog/capabilities.toml`): templates for what a
//! combination of facts lets the administration do, and the words used inside them.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde::Deserialize;

use crate::capability::{Capability, Evidence, Verb};
use crate::text::Text;

const CAPABILITIES_TOML: &str = include_str!("../../catalog/capabilities.toml");

/// One statement template.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Template {
    /// Stable identifier.
    pub id: String,
    /// Kind of power.
    pub verb: Verb,
    /// French template.
    pub fr: String,
    /// English template.
    pub en: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    capability: Vec<Template>,
    words: BTreeMap<String, Text>,
}

/// The loaded templates and words.
#[derive(Debug)]
pub struct Templates {
    by_id: BTreeMap<String, Template>,
    words: BTreeMap<String, Text>,
}

/// Why the templates file is invalid.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TemplatesError {
    /// TOML syntax or shape.
    #[error("capabilities.toml: {0}")]
    Toml(#[from] toml::de::Error),
    /// The same id twice.
    #[error("capabilities.toml: capability `{0}` is defined twice")]
    Duplicate(String),
    /// A wording is empty.
    #[error("capabilities.toml: `{0}` has an empty wording")]
    Empty(String),
}

/// Parses a templates file.
pub fn load(text: &str) -> Result<Templates, TemplatesError> {
    let file: File = toml::from_str(text)?;
    let mut by_id = BTreeMap::new();
    for t in file.capability {
        if t.fr.trim().is_empty() || t.en.trim().is_empty() {
            return Err(TemplatesError::Empty(t.id));
        }
        let id = t.id.clone();
        if by_id.insert(id.clone(), t).is_some() {
            return Err(TemplatesError::Duplicate(id));
        }
    }
    for (name, text) in &file.words {
        if text.fr.trim().is_empty() || text.en.trim().is_empty() {
            return Err(TemplatesError::Empty(name.clone()));
        }
    }
    Ok(Templates {
        by_id,
        words: file.words,
    })
}

/// The embedded templates, parsed once.
pub fn templates() -> &'static Templates {
    static TEMPLATES: OnceLock<Templates> = OnceLock::new();
    TEMPLATES.get_or_init(|| {
        load(CAPABILITIES_TOML).expect("embedded capabilities.toml is checked by tests")
    })
}

impl Templates {
    /// The template with `id`.
    pub fn get(&self, id: &str) -> Option<&Template> {
        self.by_id.get(id)
    }

    /// Every template.
    pub fn all(&self) -> impl Iterator<Item = &Template> {
        self.by_id.values()
    }

    /// A word, filled with `vars`.
    pub fn word(&self, name: &str, vars: &[(&str, &Text)]) -> Text {
        let base = self
            .words
            .get(name)
            .cloned()
            .unwrap_or_else(|| Text::new(name, name));
        fill(&base, vars)
    }

    /// A capability from template `id`, its placeholders filled per language.
    pub fn capability(
        &self,
        id: &str,
        vars: &[(&str, &Text)],
        supervised_only: bool,
        evidence: Vec<Evidence>,
    ) -> Capability {
        let (verb, text) = match self.get(id) {
            Some(t) => (t.verb, fill(&Text::new(&t.fr, &t.en), vars)),
            // Unreachable for ids used by the analysis: a test checks every id exists.
            None => (Verb::Change, Text::new(id, id)),
        };
        Capability {
            id: id.to_string(),
            verb,
            text,
            supervised_only,
            usable: None,
            evidence,
        }
    }
}

/// Fills `{name}` placeholders of both languages with the matching language of each value.
pub fn fill(base: &Text, vars: &[(&str, &Text)]) -> Text {
    let mut fr = base.fr.clone();
    let mut en = base.en.clone();
    for (name, value) in vars {
        let pat = format!("{{{name}}}");
        fr = fr.replace(&pat, &value.fr);
        en = en.replace(&pat, &value.en);
    }
    Text { fr, en }
}

/// A value that reads the same in both languages (a host name, a key).
pub fn same(value: impl Into<String>) -> Text {
    let v = value.into();
    Text::new(v.clone(), v)
}
