//! Authentication of API requests with the agent key.
//!
//! The agent signs the request's method, the server's host, the path and query, the SHA-256
//! of the body, a timestamp and a single-use nonce ([`lucarne_proof::request`]). The server
//! checks the host against its `public_url` (or, when none is set, the `Host` header the
//! request came with), accepts timestamps within five minutes of its clock, and refuses a
//! nonce it has already seen for the key: a signed request works once, for that host, path,
//! query and body only. Cookies never authenticate an API request: only these headers do.

use axum::http::{HeaderMap, Method, Uri};
use base64::Engine as _;
use sqlx::Row as _;

use lucarne_proof::request::{self, SignedRequest};
use lucarne_proof::wire::Refusal;

use crate::db::now_unix;
use crate::error::ApiError;
use crate::state::AppState;

/// Largest accepted gap between the request's timestamp and the server's clock.
pub const MAX_CLOCK_SKEW_SECONDS: i64 = 300;

fn unauthenticated(message: &str) -> ApiError {
    ApiError::new(Refusal::Unauthenticated, message)
}

/// Who a signed request comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    /// The agent key that signed.
    pub key_id: String,
    /// The account holding that key.
    pub account_id: String,
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Result<&'a str, ApiError> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| unauthenticated("missing or unreadable authentication header"))
}

/// The host the request was addressed to, as the signature must name it.
fn request_host<'a>(state: &'a AppState, headers: &'a HeaderMap) -> Result<&'a str, ApiError> {
    match state.public_host.as_deref() {
        Some(host) => Ok(host),
        None => header(headers, "host"),
    }
}

/// Checks the request's signature, spends its nonce and returns who signed it.
pub async fn authenticate(
    state: &AppState,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Caller, ApiError> {
    let key_id = header(headers, request::AUTHORIZATION)?
        .strip_prefix("Lucarne ")
        .map(str::trim)
        .filter(|k| k.len() == 64 && k.bytes().all(|b| b.is_ascii_hexdigit()))
        .ok_or_else(|| unauthenticated("expected `Authorization: Lucarne <key_id>`"))?
        .to_ascii_lowercase();
    let timestamp: i64 = header(headers, request::TIMESTAMP)?
        .trim()
        .parse()
        .map_err(|_| unauthenticated("X-Lucarne-Timestamp is not a number of seconds"))?;
    let now = now_unix();
    if now.abs_diff(timestamp) > MAX_CLOCK_SKEW_SECONDS.unsigned_abs() {
        return Err(unauthenticated(
            "the request's timestamp is too far from the server's clock",
        ));
    }
    let nonce = header(headers, request::NONCE)?.trim();
    let signature = base64::engine::general_purpose::STANDARD
        .decode(header(headers, request::SIGNATURE)?.trim())
        .map_err(|_| unauthenticated("X-Lucarne-Signature is not base64"))?;
    let target = uri.path_and_query().map_or("/", |pq| pq.as_str());
    let message = SignedRequest {
        method: method.as_str(),
        host: request_host(state, headers)?,
        target,
        body,
        timestamp,
        nonce,
    }
    .message()
    .map_err(|e| unauthenticated(&e.to_string()))?;
    let row = sqlx::query(
        "SELECT k.public_key, a.account_id FROM agent_keys k JOIN account_keys a ON a.key_id = k.key_id \
         WHERE k.key_id = $1 AND k.revoked_at IS NULL",
    )
    .bind(&key_id)
    .fetch_optional(&state.db.pool)
    .await?
    .ok_or_else(|| unauthenticated("unknown or revoked key"))?;
    let public_key: Vec<u8> = row.try_get(0)?;
    let account_id: String = row.try_get(1)?;
    ring::signature::UnparsedPublicKey::new(&ring::signature::ED25519, &public_key)
        .verify(&message, &signature)
        .map_err(|_| unauthenticated("the signature does not match"))?;
    spend_nonce(state, &key_id, nonce, timestamp, now).await?;
    Ok(Caller { key_id, account_id })
}

/// Records the nonce; a nonce already recorded for the key is a replay. Nonces are kept
/// until their timestamp leaves the window, after which the timestamp check refuses them.
async fn spend_nonce(
    state: &AppState,
    key_id: &str,
    nonce: &str,
    timestamp: i64,
    now: i64,
) -> Result<(), ApiError> {
    sqlx::query("DELETE FROM request_nonces WHERE expires_at < $1")
        .bind(now)
        .execute(&state.db.pool)
        .await?;
    let inserted = sqlx::query(
        "INSERT INTO request_nonces (key_id, nonce, expires_at) VALUES ($1, $2, $3) \
         ON CONFLICT (key_id, nonce) DO NOTHING",
    )
    .bind(key_id)
    .bind(nonce)
    .bind(timestamp.saturating_add(MAX_CLOCK_SKEW_SECONDS))
    .execute(&state.db.pool)
    .await?;
    if inserted.rows_affected() != 1 {
        return Err(unauthenticated(
            "this signed request was already used (replayed nonce)",
        ));
    }
    Ok(())
}
