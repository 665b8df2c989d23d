//! Browser sessions: login tokens, session cookies, CSRF tokens.
//!
//! A login link carries a random 256-bit token valid [`LOGIN_TOKEN_SECONDS`] and usable once;
//! following it creates a session whose random 256-bit id goes in an `HttpOnly`,
//! `SameSite=Lax` cookie (`Secure` when the public URL is https). Only SHA-256 hashes of
//! tokens and session ids are stored: a copy of the database opens no session. Each session
//! has its own CSRF token, which every form sends back.

use axum::http::HeaderMap;
use sqlx::Row as _;

use lucarne_proof::envelope::sha256_hex;

use crate::accounts::random_hex;
use crate::db::now_unix;
use crate::state::AppState;

/// Name of the session cookie.
pub const SESSION_COOKIE: &str = "lucarne_session";
/// Name of the language cookie.
pub const LANG_COOKIE: &str = "lucarne_lang";
/// How long a login link works.
pub const LOGIN_TOKEN_SECONDS: i64 = 60;
/// How long a session lasts.
pub const SESSION_SECONDS: i64 = 12 * 3600;

/// A logged-in browser.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    /// The account.
    pub account_id: String,
    /// The token every form of this session must send back.
    pub csrf: String,
    /// The session id's hash (its row).
    pub id_sha256: String,
}

/// The value of cookie `name` in the request's `Cookie` headers.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(n, _)| *n == name)
        .map(|(_, v)| v.trim())
}

fn is_token(text: &str) -> bool {
    text.len() == 64 && text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// A new login token for `account_id`, stored by its hash; returns the token.
pub async fn create_login_token(state: &AppState, account_id: &str) -> anyhow::Result<String> {
    let token = random_hex(32)?;
    let now = now_unix();
    sqlx::query("DELETE FROM login_tokens WHERE expires_at < $1")
        .bind(now)
        .execute(&state.db.pool)
        .await?;
    sqlx::query(
        "INSERT INTO login_tokens (token_sha256, account_id, created_at, expires_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(sha256_hex(token.as_bytes()))
    .bind(account_id)
    .bind(now)
    .bind(now.saturating_add(LOGIN_TOKEN_SECONDS))
    .execute(&state.db.pool)
    .await?;
    Ok(token)
}

/// Spends a login token and opens a session; returns the session id for the cookie, or
/// `None` when the token is unknown, used or expired.
pub async fn redeem(state: &AppState, token: &str) -> anyhow::Result<Option<String>> {
    if !is_token(token) {
        return Ok(None);
    }
    let hash = sha256_hex(token.as_bytes());
    let now = now_unix();
    let mut tx = state.db.pool.begin().await?;
    // `used_at IS NULL` in the update makes the token single-use even between processes.
    let spent = sqlx::query(
        "UPDATE login_tokens SET used_at = $1 WHERE token_sha256 = $2 AND used_at IS NULL AND expires_at >= $1",
    )
    .bind(now)
    .bind(&hash)
    .execute(&mut *tx)
    .await?;
    if spent.rows_affected() != 1 {
        return Ok(None);
    }
    let account_id: String =
        sqlx::query("SELECT account_id FROM login_tokens WHERE token_sha256 = $1")
            .bind(&hash)
            .fetch_one(&mut *tx)
            .await?
            .try_get(0)?;
    let session = random_hex(32)?;
    sqlx::query(
        "INSERT INTO sessions (session_sha256, account_id, csrf_token, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(sha256_hex(session.as_bytes()))
    .bind(&account_id)
    .bind(random_hex(32)?)
    .bind(now)
    .bind(now.saturating_add(SESSION_SECONDS))
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(Some(session))
}

/// The session the request's cookie opens, if it is known and not expired.
pub async fn current(state: &AppState, headers: &HeaderMap) -> anyhow::Result<Option<Session>> {
    let Some(id) = cookie(headers, SESSION_COOKIE).filter(|id| is_token(id)) else {
        return Ok(None);
    };
    let hash = sha256_hex(id.as_bytes());
    let row = sqlx::query(
        "SELECT account_id, csrf_token FROM sessions WHERE session_sha256 = $1 AND expires_at > $2",
    )
    .bind(&hash)
    .bind(now_unix())
    .fetch_optional(&state.db.pool)
    .await?;
    Ok(match row {
        Some(row) => Some(Session {
            account_id: row.try_get(0)?,
            csrf: row.try_get(1)?,
            id_sha256: hash,
        }),
        None => None,
    })
}

/// Ends a session.
pub async fn end(state: &AppState, session: &Session) -> anyhow::Result<()> {
    sqlx::query("DELETE FROM sessions WHERE session_sha256 = $1")
        .bind(&session.id_sha256)
        .execute(&state.db.pool)
        .await?;
    Ok(())
}

/// Whether `sent` is the session's CSRF token (compared in constant time).
pub fn csrf_ok(session: &Session, sent: &str) -> bool {
    let (a, b) = (session.csrf.as_bytes(), sent.as_bytes());
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The `Set-Cookie` value of a session cookie (`value` empty: one that clears it).
pub fn session_cookie(value: &str, secure: bool) -> String {
    let max_age = if value.is_empty() { 0 } else { SESSION_SECONDS };
    format!(
        "{SESSION_COOKIE}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{}",
        if secure { "; Secure" } else { "" }
    )
}
