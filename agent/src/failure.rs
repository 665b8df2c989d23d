//! Failures the command line explains in the reader's language. A failure carries a message id
//! of the Fluent files and its arguments; the technical cause under it (a system error, a
//! parser's message) is shown after it as a detail.

use crate::i18n::{arg, Lang, Messages};

/// What went wrong, as a message of `words/locales/<lang>/cli.ftl`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// The message id (`error-…`).
    pub id: &'static str,
    /// Its arguments (paths, addresses), shown neutralised.
    pub args: Vec<(&'static str, String)>,
}

impl std::fmt::Display for Failure {
    /// The message id and its arguments: what a log reads when no language is at hand.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.id)?;
        for (name, value) in &self.args {
            write!(f, " {name}={value}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Failure {}

/// Attaches a [`Failure`] to an error, the way `anyhow::Context` attaches text.
pub trait Explain<T> {
    /// On error, say `id` (with no argument) before the cause.
    fn explain(self, id: &'static str) -> anyhow::Result<T>;
    /// On error, say `id` with `args` before the cause.
    fn explain_with(self, id: &'static str, args: Vec<(&'static str, String)>)
        -> anyhow::Result<T>;
}

impl<T, E> Explain<T> for Result<T, E>
where
    E: Into<anyhow::Error>,
{
    fn explain(self, id: &'static str) -> anyhow::Result<T> {
        self.explain_with(id, Vec::new())
    }

    fn explain_with(
        self,
        id: &'static str,
        args: Vec<(&'static str, String)>,
    ) -> anyhow::Result<T> {
        self.map_err(|e| e.into().context(Failure { id, args }))
    }
}

/// The error as the reader should see it: the sentence of its outermost [`Failure`] in
/// `lang`, then the technical cause as a detail; an error with no failure attached is shown
/// as it is (already worded, or a programming error worth reporting as is).
pub fn render(error: &anyhow::Error, lang: Lang) -> String {
    let msgs = Messages::new(lang);
    let Some(failure) = error.downcast_ref::<Failure>() else {
        return format!("lucarne: {error:#}");
    };
    let args: Vec<_> = failure
        .args
        .iter()
        .map(|(name, value)| (*name, arg(value)))
        .collect();
    let mut text = msgs.get(failure.id, &args);
    // An error's text often repeats its source's: keep each piece once.
    let mut causes: Vec<String> = Vec::new();
    for cause in error.chain().skip(1).map(|c| c.to_string()) {
        if !cause.is_empty() && !causes.iter().any(|c| c.contains(&cause)) {
            causes.push(cause);
        }
    }
    if !causes.is_empty() {
        text.push('\n');
        text.push_str(&msgs.get("error-detail", &[("detail", arg(&causes.join(": ")))]));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failure_is_said_in_the_readers_language_with_its_cause() {
        let err: anyhow::Result<()> = Err(std::io::Error::from(std::io::ErrorKind::NotFound))
            .explain_with("error-read-file", vec![("path", "/tmp/x".into())]);
        let err = err.unwrap_err();
        let fr = render(&err, Lang::Fr);
        assert!(
            fr.starts_with("Impossible de lire le fichier /tmp/x."),
            "{fr}"
        );
        assert!(fr.contains("Détail technique"), "{fr}");
        let en = render(&err, Lang::En);
        assert!(en.starts_with("Cannot read the file /tmp/x."), "{en}");
    }
}
