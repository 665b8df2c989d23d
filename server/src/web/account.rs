//! "My account": the name the members of an official's groups see, and the account id a
//! colleague types to invite them. Also how pages name an account to others.

use std::sync::Arc;

use axum::extract::{Query, State};
use axum::response::Response;
use axum::Form;
use minijinja::context;
use serde::Deserialize;

use lucarne_words::{Args, Words};

use super::render::{see_other, PageContext, WebError};
use crate::accounts::{self, DisplayNameError, MAX_DISPLAY_NAME_CHARS};
use crate::state::AppState;

/// Characters of an account id shown where an account has no name, and beside names in a
/// group's member list (two members may choose the same name).
const SHOWN_ID_CHARS: usize = 12;

/// How pages name an account to others: the name it chose (neutralised again: it was
/// checked when set, but the database is not trusted more than a request), else the start
/// of its id.
pub fn account_label(words: &Words, account_id: &str, name: Option<&str>) -> String {
    match name.filter(|n| !n.trim().is_empty()) {
        Some(name) => lucarne_words::neutral::neutralize_to(name, MAX_DISPLAY_NAME_CHARS),
        None => words.format(
            "web-account-unnamed",
            &Args::new().ours("id", short_id(account_id)),
        ),
    }
}

/// The start of an account id, as pages show it.
pub fn short_id(account_id: &str) -> String {
    account_id.chars().take(SHOWN_ID_CHARS).collect()
}

/// Query of the account page: the outcome of the form.
#[derive(Debug, Default, Deserialize)]
pub struct AccountQuery {
    /// `saved`, `too-long` or `unsafe`.
    pub name: Option<String>,
}

/// `GET /account`.
pub async fn page(
    ctx: PageContext,
    State(state): State<Arc<AppState>>,
    Query(query): Query<AccountQuery>,
) -> Response {
    let result = async {
        let session = ctx.session()?;
        let words = ctx.words();
        let mut conn = state.db.pool.acquire().await?;
        let name = accounts::display_name(&mut conn, &session.account_id).await?;
        let (message, refused) = match query.name.as_deref() {
            Some("saved") => (Some(words.get("web-account-saved")), false),
            Some("too-long") => (
                Some(words.format(
                    "web-account-too-long",
                    &Args::new().num("max", MAX_DISPLAY_NAME_CHARS as f64),
                )),
                true,
            ),
            Some("unsafe") => (Some(words.get("web-account-unsafe")), true),
            _ => (None, false),
        };
        ctx.page(
            "account.html",
            context! {
                name => name.unwrap_or_default(),
                shown => account_label(&words, &session.account_id, None),
                account => session.account_id.clone(),
                max => MAX_DISPLAY_NAME_CHARS,
                message,
                refused,
            },
        )
    }
    .await;
    ctx.respond(result)
}

/// The display-name form.
#[derive(Debug, Deserialize)]
pub struct NameForm {
    /// CSRF token.
    pub csrf: String,
    /// The name; empty removes it.
    pub name: String,
}

/// Longest form field read, in bytes: far above any accepted name, so that a longer one is
/// refused with its reason rather than cut.
const MAX_FIELD_BYTES: usize = 4096;

/// `POST /account`: sets the display name.
pub async fn set_name(
    ctx: PageContext,
    State(state): State<Arc<AppState>>,
    Form(form): Form<NameForm>,
) -> Response {
    let result = async {
        let session = ctx.form_session(&form.csrf)?;
        let checked = if form.name.len() > MAX_FIELD_BYTES {
            Err(DisplayNameError::TooLong)
        } else {
            accounts::check_display_name(&form.name)
        };
        let outcome = match checked {
            Ok(name) => {
                let mut conn = state.db.pool.acquire().await?;
                accounts::set_display_name(&mut conn, &session.account_id, name.as_deref()).await?;
                "saved"
            }
            Err(DisplayNameError::TooLong) => "too-long",
            Err(_) => "unsafe",
        };
        Ok::<_, WebError>(see_other(&format!("/account?name={outcome}")))
    }
    .await;
    ctx.respond(result)
}
