//! The web pages officials read: their devices, each device's explanation and history, who
//! looked, and their groups' comparisons.
//!
//! Server-rendered HTML (templates that escape by default), no script, one static style
//! sheet; every answer carries a strict Content-Security-Policy, `nosniff`, no referrer,
//! and private pages `Cache-Control: no-store`. French unless English is asked for
//! (`?lang=en`, then remembered in a cookie). A browser proves who it is with a session
//! cookie set by a single-use login link ([`login`]); every form carries the session's CSRF
//! token. Pages read the facts stored at ingest: none runs the analysis.
//!
//! - [`render`]: the template environment, the page context, errors as pages.
//! - [`session`]: cookies, sessions, login tokens, CSRF.
//! - [`login`]: following a login link, logging out.
//! - [`home`], [`device`], [`access`], [`groups`], [`account`]: the pages.
//! - [`chart`]: the SVG chart of changes over time.
//! - [`group_codes`]: registration codes a group's admin issues (a new account that joins).

use std::sync::Arc;

use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;

use crate::state::AppState;

pub mod access;
pub mod account;
pub mod chart;
pub mod device;
pub mod export;
pub mod group_codes;
pub mod groups;
pub mod home;
pub mod login;
pub mod render;
pub mod session;

/// The style sheet, the only one.
pub const STYLE_SHEET: &str = include_str!("lucarne.css");

/// The Content-Security-Policy of every page: nothing runs, styles come from the server's
/// one file, forms post only to the server, no framing.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; style-src 'self'; img-src 'self'; \
     form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// The routes of the pages, merged into the application's router.
pub fn router() -> Router<Arc<AppState>> {
    Router::new()
        .route("/", get(home::home))
        .route("/login/{token}", get(login::follow))
        .route("/logout", post(login::logout))
        .route("/account", get(account::page).post(account::set_name))
        .route("/devices/{handle}", get(device::page))
        .route(
            "/devices/{handle}/snapshots/{leaf}",
            get(device::signed_bytes),
        )
        .route("/devices/{handle}/access", get(access::page))
        .route("/devices/{handle}/export", post(export::download))
        .route("/devices/{handle}/letters", get(export::letters))
        .route("/groups", get(groups::list).post(groups::create))
        .route("/groups/{group}", get(groups::page))
        .route("/groups/{group}/accept", post(groups::accept))
        .route("/groups/{group}/invitations", post(groups::invite))
        .route("/groups/{group}/shares", post(groups::share))
        .route(
            "/groups/{group}/codes",
            get(group_codes::back).post(group_codes::create),
        )
        .route("/static/lucarne.css", get(style_sheet))
        .layer(axum::middleware::map_response(security_headers))
}

async fn style_sheet() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        STYLE_SHEET,
    )
        .into_response()
}

/// Adds the security headers to every answer of the pages; anything not marked cacheable
/// (the style sheet) is `no-store`.
async fn security_headers(mut response: Response) -> Response {
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CONTENT_SECURITY_POLICY),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    if !headers.contains_key(header::CACHE_CONTROL) {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}
