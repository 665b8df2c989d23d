//! Authentication of reads with the agent key.
//!
//! The agent signs `"GET <path> <unix-seconds>"` with its Ed25519 key and sends
//! `Authorization: Lucarne <key_id>`, `X-Lucarne-Timestamp: <unix-seconds>` and
//! `X-Lucarne-Signature: <base64 signature>`. The server accepts timestamps within five
//! minutes of its clock. A key sees only the devices it uploaded.

use axum::http::{HeaderMap, Method};
use base64::Engine as _;
use sqlx::Row as _;

use lucarne_proof::wire::Refusal;

use crate::db::now_unix;
use crate::error::ApiError;
use crate::state::AppState;

/// Largest accepted gap between the request's timestamp and the server's clock.
pub const MAX_CLOCK_SKEW_SECONDS: i64 = 300;

fn unauthenticated(message: &str) -> ApiError {
    ApiError::new(Refusal::Unauthenticated, message)
}

/// The message an agent signs to read `path`.
pub fn signed_message(method: &Method, path: &str, timestamp: i64) -> String {
    format!("{method} {path} {timestamp}")
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Result<&'a str, ApiError> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| unauthenticated("missing or unreadable authentication header"))
}

/// Checks the request's signature and returns the key id it proves.
pub async fn authenticate(
    state: &AppState,
    method: &Method,
    path: &str,
    headers: &HeaderMap,
) -> Result<String, ApiError> {
    let key_id = header(headers, "authorization")?
        .strip_prefix("Lucarne ")
        .map(str::trim)
        .filter(|k| k.len() == 64 && k.bytes().all(|b| b.is_ascii_hexdigit()))
        .ok_or_else(|| unauthenticated("expected `Authorization: Lucarne <key_id>`"))?
        .to_ascii_lowercase();
    let timestamp: i64 = header(headers, "x-lucarne-timestamp")?
        .trim()
        .parse()
        .map_err(|_| unauthenticated("X-Lucarne-Timestamp is not a number of seconds"))?;
    if now_unix().abs_diff(timestamp) > MAX_CLOCK_SKEW_SECONDS.unsigned_abs() {
        return Err(unauthenticated(
            "the request's timestamp is too far from the server's clock",
        ));
    }
    let signature = base64::engine::general_purpose::STANDARD
        .decode(header(headers, "x-lucarne-signature")?.trim())
        .map_err(|_| unauthenticated("X-Lucarne-Signature is not base64"))?;
    let row =
        sqlx::query("SELECT public_key FROM agent_keys WHERE key_id = $1 AND revoked_at IS NULL")
            .bind(&key_id)
            .fetch_optional(&state.db.pool)
            .await?
            .ok_or_else(|| unauthenticated("unknown or revoked key"))?;
    let public_key: Vec<u8> = row.try_get(0)?;
    ring::signature::UnparsedPublicKey::new(&ring::signature::ED25519, &public_key)
        .verify(
            signed_message(method, path, timestamp).as_bytes(),
            &signature,
        )
        .map_err(|_| unauthenticated("the signature does not match"))?;
    Ok(key_id)
}
