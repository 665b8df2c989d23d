//! Following a login link, and logging out.

use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Form;
use serde::Deserialize;

use super::render::{see_other, PageContext, WebError};
use super::session;
use crate::state::AppState;

/// Query of a login link.
#[derive(Debug, Default, Deserialize)]
pub struct FollowQuery {
    /// Where to go once logged in: a device page (`/devices/<handle>`), nothing else.
    pub next: Option<String>,
}

/// Where a login link may lead: home, or a device page (never another site).
fn landing(next: Option<&str>) -> &str {
    match next {
        Some(n)
            if n.strip_prefix("/devices/").is_some_and(|h| {
                !h.is_empty() && h.len() <= 64 && h.bytes().all(|b| b.is_ascii_hexdigit())
            }) =>
        {
            n
        }
        _ => "/",
    }
}

/// `GET /login/{token}`: spends the token, sets the session cookie, goes home (or to the
/// device page `next` names).
pub async fn follow(
    ctx: PageContext,
    State(state): State<Arc<AppState>>,
    Path(token): Path<String>,
    Query(query): Query<FollowQuery>,
) -> Response {
    let next = query.next;
    let result = async {
        let id = session::redeem(&state, &token)
            .await?
            .ok_or(WebError::LoginExpired)?;
        let mut response = see_other(landing(next.as_deref()));
        let cookie = session::session_cookie(&id, state.secure_cookies)
            .parse()
            .map_err(|e| WebError::Internal(anyhow::anyhow!("session cookie: {e}")))?;
        response.headers_mut().append(header::SET_COOKIE, cookie);
        Ok::<_, WebError>(response)
    }
    .await;
    ctx.respond(result)
}

/// A form with only its CSRF token.
#[derive(Debug, Deserialize)]
pub struct CsrfForm {
    /// The session's CSRF token.
    pub csrf: String,
}

/// `POST /logout`.
pub async fn logout(
    ctx: PageContext,
    State(state): State<Arc<AppState>>,
    Form(form): Form<CsrfForm>,
) -> Response {
    let result = async {
        let session = ctx.form_session(&form.csrf)?;
        session::end(&state, session).await?;
        let mut response = see_other("/");
        if let Ok(cookie) = session::session_cookie("", state.secure_cookies).parse() {
            response.headers_mut().append(header::SET_COOKIE, cookie);
        }
        Ok::<_, WebError>(response.into_response())
    }
    .await;
    ctx.respond(result)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_login_link_leads_only_home_or_to_a_device() {
        assert_eq!(landing(None), "/");
        assert_eq!(landing(Some("/devices/0a1b")), "/devices/0a1b");
        for bad in [
            "//evil.example",
            "https://evil.example",
            "/devices/",
            "/devices/x/../..",
            "/groups",
        ] {
            assert_eq!(landing(Some(bad)), "/", "{bad}");
        }
    }
}
