//! A short way for the backup and report commands to word a message through
//! [`crate::i18n`] (the Fluent files `words/locales/<lang>/*.ftl`).

use lucarne_words::Lang;

use fluent_bundle::FluentValue;

use crate::i18n::{arg, Messages};

/// The message `key` in `lang` with its text arguments. An argument that is a whole number
/// is passed as a number, so that plural rules apply to it ("1 alerte", "2 alertes").
pub fn message(lang: Lang, key: &str, vars: &[(&str, &str)]) -> String {
    let args: Vec<_> = vars
        .iter()
        .map(|(name, value)| match value.parse::<u64>() {
            Ok(n) if n.to_string() == *value => (*name, FluentValue::from(n as f64)),
            _ => (*name, arg(value)),
        })
        .collect();
    Messages::new(lang).get(key, &args)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backup_messages_exist_in_both_languages() {
        for lang in [Lang::Fr, Lang::En] {
            let m = Messages::new(lang);
            for id in [
                "password-prompt",
                "deriving-key",
                "key-derived",
                "wrong-password",
                "password-needed",
                "nothing-to-scan",
                "no-backup-found",
                "warnings",
                "backups-none",
                "backups-header",
                "encrypted",
                "not-encrypted",
            ] {
                assert!(m.has(id), "{id} missing in {lang:?}");
            }
        }
        assert_eq!(
            message(Lang::En, "key-derived", &[("seconds", "3.1")]),
            "Key derived in 3.1 s"
        );
    }
}
