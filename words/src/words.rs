//! The Fluent files and the one way to turn a message id and its arguments into a sentence.
//!
//! Every sentence Lucarne shows — analysis, changes, alerts, the command line, errors — is a
//! message of `words/locales/<lang>/*.ftl`, embedded in the binary. French typography is
//! applied when the French files are loaded: a narrow no-break space (U+202F) after `«` and
//! before `»`, `;`, `:`, `!` and `?`, so translators write ordinary spaces and the reader gets
//! lines that never break before a colon.

use std::borrow::Cow;
use std::sync::OnceLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};

use crate::lang::Lang;
use crate::neutral::neutralize;

/// The message files, by name, in French and English.
pub(crate) const FILES: &[(&str, &str, &str)] = &[
    (
        "cli.ftl",
        include_str!("../locales/fr/cli.ftl"),
        include_str!("../locales/en/cli.ftl"),
    ),
    (
        "catalog.ftl",
        include_str!("../locales/fr/catalog.ftl"),
        include_str!("../locales/en/catalog.ftl"),
    ),
    (
        "capabilities.ftl",
        include_str!("../locales/fr/capabilities.ftl"),
        include_str!("../locales/en/capabilities.ftl"),
    ),
    (
        "explain.ftl",
        include_str!("../locales/fr/explain.ftl"),
        include_str!("../locales/en/explain.ftl"),
    ),
    (
        "changes.ftl",
        include_str!("../locales/fr/changes.ftl"),
        include_str!("../locales/en/changes.ftl"),
    ),
    (
        "report.ftl",
        include_str!("../locales/fr/report.ftl"),
        include_str!("../locales/en/report.ftl"),
    ),
    (
        "web.ftl",
        include_str!("../locales/fr/web.ftl"),
        include_str!("../locales/en/web.ftl"),
    ),
];

/// Narrow no-break space, the French thin space before high punctuation.
pub const NNBSP: char = '\u{202F}';

/// French typography on Fluent source text: ordinary spaces before `;:!?»` and after `«`
/// become narrow no-break spaces, and such marks with no space get one.
pub(crate) fn french_typography(source: &str) -> String {
    let mut out = String::with_capacity(source.len() + source.len() / 16);
    let chars: Vec<char> = source.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        let prev = i.checked_sub(1).map(|p| chars[p]);
        let next = chars.get(i + 1).copied();
        match c {
            ' ' | '\u{00A0}' if matches!(next, Some(';' | ':' | '!' | '?' | '»')) => {
                // A space before high punctuation: only in text, never in Fluent syntax,
                // which has no such construct except `->` (unaffected).
                out.push(NNBSP);
            }
            ' ' | '\u{00A0}' if prev == Some('«') => out.push(NNBSP),
            _ => out.push(c),
        }
    }
    out
}

/// Sentences in one language.
pub struct Words {
    lang: Lang,
    bundle: &'static FluentBundle<FluentResource>,
}

impl std::fmt::Debug for Words {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Words").field("lang", &self.lang).finish()
    }
}

fn build(lang: Lang) -> FluentBundle<FluentResource> {
    let langid = lang.code().parse().expect("static language identifier");
    let mut bundle = FluentBundle::new_concurrent(vec![langid]);
    // Terminals and PDF text do not render Unicode isolation marks well; outside text is
    // neutralised before it enters a message instead.
    bundle.set_use_isolating(false);
    for (name, fr, en) in FILES {
        let source = match lang {
            Lang::Fr => french_typography(fr),
            Lang::En => en.to_string(),
        };
        let resource = FluentResource::try_new(source)
            .unwrap_or_else(|(_, errors)| panic!("{}/{name}: {errors:?}", lang.code()));
        bundle
            .add_resource(resource)
            .unwrap_or_else(|errors| panic!("{}/{name}: {errors:?}", lang.code()));
    }
    bundle
}

fn bundle(lang: Lang) -> &'static FluentBundle<FluentResource> {
    static FR: OnceLock<FluentBundle<FluentResource>> = OnceLock::new();
    static EN: OnceLock<FluentBundle<FluentResource>> = OnceLock::new();
    match lang {
        Lang::Fr => FR.get_or_init(|| build(Lang::Fr)),
        Lang::En => EN.get_or_init(|| build(Lang::En)),
    }
}

impl Words {
    /// The sentences of `lang` (parsed once per process).
    pub fn new(lang: Lang) -> Words {
        Words {
            lang,
            bundle: bundle(lang),
        }
    }

    /// The language.
    pub fn lang(&self) -> Lang {
        self.lang
    }

    /// Whether message `id` exists.
    pub fn has(&self, id: &str) -> bool {
        self.bundle.has_message(id)
    }

    /// Whether message `id` has attribute `attr`.
    pub fn has_attr(&self, id: &str, attr: &str) -> bool {
        self.bundle
            .get_message(id)
            .and_then(|m| m.get_attribute(attr))
            .is_some()
    }

    /// Message `id` without arguments.
    pub fn get(&self, id: &str) -> String {
        self.format(id, &Args::new())
    }

    /// Message `id` with `args`. A missing id comes back as itself (tests check every id used
    /// exists in both languages, so a reader never sees one).
    pub fn format(&self, id: &str, args: &Args<'_>) -> String {
        let Some(pattern) = self.bundle.get_message(id).and_then(|m| m.value()) else {
            return id.to_string();
        };
        let mut errors = Vec::new();
        self.bundle
            .format_pattern(pattern, Some(&args.inner), &mut errors)
            .into_owned()
    }

    /// Attribute `attr` of message `id` (e.g. `.lets` of a payload type), or `None`.
    pub fn attr(&self, id: &str, attr: &str, args: &Args<'_>) -> Option<String> {
        let pattern = self.bundle.get_message(id)?.get_attribute(attr)?.value();
        let mut errors = Vec::new();
        Some(
            self.bundle
                .format_pattern(pattern, Some(&args.inner), &mut errors)
                .into_owned(),
        )
    }
}

/// Arguments of a message. Text from outside (a profile, a device) goes through
/// [`Args::outside`], which neutralises it; Lucarne's own words through [`Args::ours`].
#[derive(Default)]
pub struct Args<'a> {
    inner: FluentArgs<'a>,
}

impl<'a> Args<'a> {
    /// No arguments.
    pub fn new() -> Self {
        Args {
            inner: FluentArgs::new(),
        }
    }

    /// A number (plural rules apply to it).
    pub fn num(mut self, name: impl Into<Cow<'a, str>>, value: impl Into<f64>) -> Self {
        self.inner.set(name, FluentValue::from(value.into()));
        self
    }

    /// Text written by the administration or read from a device: neutralised.
    pub fn outside(mut self, name: impl Into<Cow<'a, str>>, text: &str) -> Self {
        self.inner.set(name, FluentValue::from(neutralize(text)));
        self
    }

    /// A phrase Lucarne made itself (another message, a date, a list of neutralised values).
    pub fn ours(mut self, name: impl Into<Cow<'a, str>>, text: impl Into<String>) -> Self {
        self.inner.set(name, FluentValue::from(text.into()));
        self
    }

    /// A selector value (e.g. `yes`/`no`/`unknown`) chosen by Lucarne.
    pub fn select(mut self, name: impl Into<Cow<'a, str>>, value: &'static str) -> Self {
        self.inner.set(name, FluentValue::from(value));
        self
    }

    /// Sets an argument in place.
    pub fn set(&mut self, name: impl Into<Cow<'a, str>>, value: FluentValue<'a>) {
        self.inner.set(name, value);
    }

    /// Whether an argument is set.
    pub fn has(&self, name: &str) -> bool {
        self.inner.get(name).is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn french_thin_spaces() {
        assert_eq!(
            french_typography("Fichier : « x » ; oui ? non !"),
            "Fichier\u{202F}: «\u{202F}x\u{202F}»\u{202F}; oui\u{202F}? non\u{202F}!"
        );
        assert_eq!(
            french_typography("https://exemple.fr"),
            "https://exemple.fr"
        );
    }
}
