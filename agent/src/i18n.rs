//! The command line's own texts, in Fluent files (`agent/i18n/<lang>/lucarne.ftl`), embedded
//! in the binary. Statements about devices come from the `profiles` catalogue instead.

use fluent_bundle::{FluentArgs, FluentBundle, FluentResource, FluentValue};
use lucarne_profiles::Lang;

const FR: &str = include_str!("../i18n/fr/lucarne.ftl");
const EN: &str = include_str!("../i18n/en/lucarne.ftl");

/// Messages in one language.
pub struct Messages {
    bundle: FluentBundle<FluentResource>,
}

impl Messages {
    /// Loads the messages of `lang`.
    pub fn new(lang: Lang) -> Messages {
        let (source, id) = match lang {
            Lang::Fr => (FR, "fr"),
            Lang::En => (EN, "en"),
        };
        let langid = id.parse().expect("static language identifier");
        let mut bundle = FluentBundle::new(vec![langid]);
        // Terminals do not render Unicode isolation marks well; our arguments are escaped.
        bundle.set_use_isolating(false);
        let resource = FluentResource::try_new(source.to_string())
            .expect("embedded .ftl files are checked by tests");
        bundle
            .add_resource(resource)
            .expect("embedded .ftl files have no duplicate ids");
        Messages { bundle }
    }

    /// The message `id` with its arguments; the id itself when it is missing (tests check
    /// that every id used exists in both languages).
    pub fn get(&self, id: &str, args: &[(&str, FluentValue<'_>)]) -> String {
        let Some(pattern) = self.bundle.get_message(id).and_then(|m| m.value()) else {
            return id.to_string();
        };
        let mut fargs = FluentArgs::new();
        for (name, value) in args {
            fargs.set(*name, value.clone());
        }
        let mut errors = Vec::new();
        self.bundle
            .format_pattern(pattern, Some(&fargs), &mut errors)
            .into_owned()
    }

    /// Whether the message `id` exists.
    pub fn has(&self, id: &str) -> bool {
        self.bundle.has_message(id)
    }
}

/// A message argument from text.
pub fn arg(text: &str) -> FluentValue<'_> {
    FluentValue::from(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(source: &str) -> Vec<String> {
        source
            .lines()
            .filter(|l| !l.starts_with('#') && !l.starts_with(' ') && l.contains(" ="))
            .map(|l| l.split(" =").next().unwrap_or_default().trim().to_string())
            .collect()
    }

    #[test]
    fn both_languages_have_the_same_messages() {
        assert_eq!(ids(FR), ids(EN));
        let fr = Messages::new(Lang::Fr);
        let en = Messages::new(Lang::En);
        for id in ids(FR) {
            assert!(fr.has(&id) && en.has(&id), "{id}");
        }
    }

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
            en.get("mdm-server", &[("url", arg("https://x"))]),
            "MDM server: https://x"
        );
    }
}
