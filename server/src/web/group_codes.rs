//! Registration codes a group's admin (its creator) issues from the group page: whoever
//! registers a computer with one gets a new account that is already a member of the group.
//! A code works once, for [`GROUP_CODE_SECONDS`], and only its hash is stored
//! ([`crate::invite`]); it is shown once, in the answer to the form (never in a URL), and the
//! registration it serves is rate-limited like any other (`/api/v1/register`).

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::Form;
use minijinja::context;
use sqlx::{AnyConnection, Row as _};

use lucarne_words::Args;

use super::groups::CsrfForm;
use super::render::{see_other, PageContext, WebError};
use crate::db::now_unix;
use crate::invite::{self, CodeTarget, GROUP_CODE_SECONDS};
use crate::state::AppState;

/// Whether `account` created (administers) `group`; `None` when the group does not exist.
pub async fn is_admin(
    conn: &mut AnyConnection,
    group: &str,
    account: &str,
) -> anyhow::Result<Option<bool>> {
    let row = sqlx::query("SELECT created_by FROM official_groups WHERE group_id = $1")
        .bind(group)
        .fetch_optional(&mut *conn)
        .await?;
    Ok(match row {
        Some(row) => Some(row.try_get::<String, _>(0)? == account),
        None => None,
    })
}

/// The server's address as officials reach it: its public URL, or the host the browser
/// asked (a name from a request header, kept only if it is a plain host and port).
fn server_address(state: &AppState, headers: &HeaderMap) -> String {
    if let Some(url) = &state.public_url {
        return url.clone();
    }
    headers
        .get("host")
        .and_then(|h| h.to_str().ok())
        .filter(|h| {
            !h.is_empty()
                && h.len() <= 255
                && h.bytes().all(|b| {
                    b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b':' | b'[' | b']')
                })
        })
        .map_or_else(String::new, |h| format!("http://{h}"))
}

/// `GET /groups/{group}/codes` (the language switch of a code's page, or a reload): back to
/// the group's page; a code is shown only once, in the answer to its form.
pub async fn back(ctx: PageContext, Path(group): Path<String>) -> Response {
    let result = if group.len() == 32 && group.bytes().all(|b| b.is_ascii_hexdigit()) {
        Ok(see_other(&format!("/groups/{group}")))
    } else {
        Err(WebError::NotFound)
    };
    ctx.respond(result)
}

/// `POST /groups/{group}/codes`: the admin asks for a code; the answer shows it once.
pub async fn create(
    ctx: PageContext,
    State(state): State<Arc<AppState>>,
    Path(group): Path<String>,
    headers: HeaderMap,
    Form(form): Form<CsrfForm>,
) -> Response {
    let result = async {
        let session = ctx.form_session(&form.csrf)?;
        let words = ctx.words();
        let mut conn = state.db.pool.acquire().await?;
        // Members who are not the admin are refused; anyone else learns nothing of the group.
        let name = super::groups::membership(&mut conn, &group, &session.account_id).await?;
        if is_admin(&mut conn, &group, &session.account_id).await? != Some(true) {
            return Err(WebError::Forbidden);
        }
        let now = now_unix();
        if invite::waiting_limit_reached(&mut conn, &session.account_id, now)
            .await?
            .is_some()
        {
            return ctx.page(
                "group_code.html",
                context! {
                    title => words.format("web-group-code-title", &Args::new().outside("name", &name)),
                    group_id => group.clone(),
                    too_many => true,
                },
            );
        }
        let code = invite::create_for(
            &mut conn,
            GROUP_CODE_SECONDS,
            &CodeTarget::Group {
                group_id: group.clone(),
                admin: session.account_id.clone(),
            },
        )
        .await?;
        ctx.page(
            "group_code.html",
            context! {
                title => words.format("web-group-code-title", &Args::new().outside("name", &name)),
                group_id => group.clone(),
                code,
                command => format!(
                    "lucarne register --server {} --code {code}",
                    server_address(&state, &headers)
                ),
                valid => words.format(
                    "web-group-code-valid",
                    &Args::new().num("days", (GROUP_CODE_SECONDS / 86_400) as f64),
                ),
            },
        )
    }
    .await;
    ctx.respond(result)
}
