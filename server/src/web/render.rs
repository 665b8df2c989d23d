//! Templates, the context every page shares, and errors shown as pages.
//!
//! Templates are embedded in the binary and escape every value for HTML (the `.html`
//! extension turns minijinja's auto-escaping on); nothing is marked safe. Sentences come from
//! the Fluent files of `lucarne-words` through the template function `t(id, name=value…)`,
//! whose string arguments are outside text and neutralised like any other.

use std::sync::{Arc, OnceLock};

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::value::{Kwargs, Value};
use minijinja::{context, Environment};

use lucarne_words::{Args, Lang, Words};

use super::session::{self, Session, LANG_COOKIE};
use crate::state::AppState;

const TEMPLATES: &[(&str, &str)] = &[
    ("base.html", include_str!("templates/base.html")),
    ("message.html", include_str!("templates/message.html")),
    ("letters.html", include_str!("templates/letters.html")),
    ("home.html", include_str!("templates/home.html")),
    ("device.html", include_str!("templates/device.html")),
    ("access.html", include_str!("templates/access.html")),
    ("groups.html", include_str!("templates/groups.html")),
    ("group.html", include_str!("templates/group.html")),
    ("account.html", include_str!("templates/account.html")),
    ("group_code.html", include_str!("templates/group_code.html")),
];

/// `t(id, name=value…)`: message `id` in the page's language.
fn translate(
    state: &minijinja::State<'_, '_>,
    id: &str,
    kwargs: Kwargs,
) -> Result<String, minijinja::Error> {
    let lang = state
        .lookup("lang")
        .and_then(|v| v.as_str().and_then(|s| s.parse::<Lang>().ok()))
        .unwrap_or_default();
    let words = Words::new(lang);
    let mut args = Args::new();
    for name in kwargs.args().map(str::to_string).collect::<Vec<_>>() {
        let value: Value = kwargs.get(&name)?;
        args = match value.as_i64() {
            Some(n) => args.num(name, n as f64),
            None => args.outside(name, &value.to_string()),
        };
    }
    Ok(words.format(id, &args))
}

fn environment() -> &'static Environment<'static> {
    static ENV: OnceLock<Environment<'static>> = OnceLock::new();
    ENV.get_or_init(|| {
        let mut env = Environment::new();
        for (name, source) in TEMPLATES {
            // The templates are part of the binary; a syntax error is caught by the tests
            // of every page, so failing here means a build that was never tested.
            if let Err(e) = env.add_template(name, source) {
                tracing::error!(template = name, error = %e, "template does not parse");
            }
        }
        env.add_function("t", translate);
        env
    })
}

/// What every page knows about its request: language, session, where the language switch
/// leads.
#[derive(Debug, Clone)]
pub struct PageContext {
    /// The reader's language.
    pub lang: Lang,
    /// The logged-in session, if any.
    pub session: Option<Session>,
    /// `?lang=…` was given: remember it in a cookie.
    remember_lang: bool,
    /// The path of the request, for the language switch.
    path: String,
}

impl FromRequestParts<Arc<AppState>> for PageContext {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &Arc<AppState>,
    ) -> Result<Self, Self::Rejection> {
        let asked = parts.uri.query().and_then(|q| {
            q.split('&')
                .filter_map(|p| p.split_once('='))
                .find(|(n, _)| *n == "lang")
                .and_then(|(_, v)| v.parse::<Lang>().ok())
        });
        let lang = asked
            .or_else(|| {
                session::cookie(&parts.headers, LANG_COOKIE).and_then(|v| v.parse::<Lang>().ok())
            })
            .unwrap_or_default();
        let session = match session::current(state, &parts.headers).await {
            Ok(s) => s,
            Err(e) => return Err(WebError::Internal(e).into_page(lang)),
        };
        Ok(PageContext {
            lang,
            session,
            remember_lang: asked.is_some(),
            path: parts.uri.path().to_string(),
        })
    }
}

/// Why a page cannot be shown.
#[derive(Debug, thiserror::Error)]
pub enum WebError {
    /// Unknown, or not the reader's to see (the two look the same).
    #[error("not found")]
    NotFound,
    /// No session.
    #[error("login needed")]
    LoginNeeded,
    /// A login link that is unknown, used or expired.
    #[error("login link no longer valid")]
    LoginExpired,
    /// A form without the session's CSRF token.
    #[error("forbidden")]
    Forbidden,
    /// Something only the device's owner may do (a group member asked).
    #[error("owner only")]
    OwnerOnly,
    /// The server failed.
    #[error("internal error: {0:#}")]
    Internal(anyhow::Error),
}

impl From<anyhow::Error> for WebError {
    fn from(e: anyhow::Error) -> Self {
        WebError::Internal(e)
    }
}

impl From<sqlx::Error> for WebError {
    fn from(e: sqlx::Error) -> Self {
        WebError::Internal(e.into())
    }
}

impl WebError {
    /// The error as a page in `lang`.
    pub fn into_page(self, lang: Lang) -> Response {
        let (status, title, message) = match &self {
            WebError::NotFound => (
                StatusCode::NOT_FOUND,
                "web-not-found-title",
                "web-not-found",
            ),
            WebError::LoginNeeded => (
                StatusCode::UNAUTHORIZED,
                "web-login-needed-title",
                "web-login-needed",
            ),
            WebError::LoginExpired => (
                StatusCode::GONE,
                "web-login-needed-title",
                "web-login-expired",
            ),
            WebError::Forbidden => (
                StatusCode::FORBIDDEN,
                "web-forbidden-title",
                "web-forbidden",
            ),
            WebError::OwnerOnly => (
                StatusCode::FORBIDDEN,
                "web-forbidden-title",
                "web-owner-only",
            ),
            WebError::Internal(e) => {
                tracing::error!(error = %format!("{e:#}"), "page failed");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "web-error-title",
                    "web-error",
                )
            }
        };
        let words = Words::new(lang);
        let ctx = PageContext {
            lang,
            session: None,
            remember_lang: false,
            path: "/".to_string(),
        };
        let body = ctx
            .html(
                "message.html",
                context! { title => words.get(title), message => words.get(message) },
            )
            .unwrap_or_else(|_| words.get(message));
        (
            status,
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            body,
        )
            .into_response()
    }
}

impl PageContext {
    /// The session, or the error that asks to log in.
    pub fn session(&self) -> Result<&Session, WebError> {
        self.session.as_ref().ok_or(WebError::LoginNeeded)
    }

    /// Renders `template` with the shared context and `extra`.
    fn html(&self, template: &str, extra: Value) -> Result<String, WebError> {
        let other = match self.lang {
            Lang::Fr => Lang::En,
            Lang::En => Lang::Fr,
        };
        let shared = context! {
            lang => self.lang.code(),
            other_lang => other.code(),
            switch_url => format!("{}?lang={}", self.path, other.code()),
            logged_in => self.session.is_some(),
            csrf => self.session.as_ref().map(|s| s.csrf.clone()).unwrap_or_default(),
        };
        environment()
            .get_template(template)
            .and_then(|t| t.render(context! { ..extra, ..shared }))
            .map_err(|e| WebError::Internal(anyhow::anyhow!("template {template}: {e:#}")))
    }

    /// A full answer: the page, or the error page, in the reader's language.
    pub fn respond(&self, result: Result<Response, WebError>) -> Response {
        let mut response = result.unwrap_or_else(|e| e.into_page(self.lang));
        if self.remember_lang {
            if let Ok(value) = format!(
                "{LANG_COOKIE}={}; Path=/; SameSite=Lax; Max-Age=31536000",
                self.lang.code()
            )
            .parse()
            {
                response.headers_mut().append(header::SET_COOKIE, value);
            }
        }
        response
    }

    /// The page `template` as an answer.
    pub fn page(&self, template: &str, extra: Value) -> Result<Response, WebError> {
        let body = self.html(template, extra)?;
        Ok(([(header::CONTENT_TYPE, "text/html; charset=utf-8")], body).into_response())
    }

    /// Words in the reader's language.
    pub fn words(&self) -> Words {
        Words::new(self.lang)
    }

    /// Checks a form's CSRF token against the session; returns the session.
    pub fn form_session(&self, csrf: &str) -> Result<&Session, WebError> {
        let session = self.session()?;
        if session::csrf_ok(session, csrf) {
            Ok(session)
        } else {
            Err(WebError::Forbidden)
        }
    }
}

/// A redirection after a form (303: the browser follows with a GET).
pub fn see_other(to: &str) -> Response {
    Redirect::to(to).into_response()
}

/// A Unix time as the reader reads it (`30/11/2026 16:20 UTC`), and as ISO 8601 for
/// `<time datetime>`.
pub fn when(unix: i64) -> (String, String) {
    match time::OffsetDateTime::from_unix_timestamp(unix) {
        Ok(t) => (
            format!(
                "{:02}/{:02}/{} {:02}:{:02} UTC",
                t.day(),
                u8::from(t.month()),
                t.year(),
                t.hour(),
                t.minute()
            ),
            format!(
                "{}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
                t.year(),
                u8::from(t.month()),
                t.day(),
                t.hour(),
                t.minute(),
                t.second()
            ),
        ),
        Err(_) => (unix.to_string(), String::new()),
    }
}
