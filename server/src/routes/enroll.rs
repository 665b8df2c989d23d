//! `POST /api/v1/enroll`: an agent key joins the server with a one-time code.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use base64::Engine as _;
use serde::{Deserialize, Serialize};
use sqlx::Row as _;

use crate::db::now_unix;
use crate::error::ApiError;
use crate::invite::code_hash;
use crate::state::AppState;

/// Largest enrolment request.
const MAX_ENROLL_BODY: usize = 16 * 1024;
/// Longest computer label.
const MAX_LABEL_CHARS: usize = 200;

/// The request.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnrollRequest {
    /// The one-time code.
    pub code: String,
    /// Base64 of the 32-byte Ed25519 public key.
    pub public_key: String,
    /// Name of the computer, for the official's list of keys.
    #[serde(default)]
    pub label: Option<String>,
}

/// What the agent needs to verify receipts from this log.
#[derive(Debug, Serialize, Deserialize)]
pub struct LogInfo {
    /// The checkpoint origin line.
    pub origin: String,
    /// The log's C2SP signed-note verifier key.
    pub verifier_key: String,
}

/// The answer.
#[derive(Debug, Serialize, Deserialize)]
pub struct EnrollResponse {
    /// Hex SHA-256 of the key.
    pub key_id: String,
    /// The log.
    pub log: LogInfo,
}

fn malformed(message: impl Into<String>) -> ApiError {
    ApiError::bad_request("malformed_request", message)
}

/// Handler.
pub async fn enroll(
    State(state): State<Arc<AppState>>,
    body: Body,
) -> Result<Json<EnrollResponse>, ApiError> {
    let body = super::read_body(body, MAX_ENROLL_BODY).await?;
    let request: EnrollRequest =
        serde_json::from_slice(&body).map_err(|e| malformed(format!("enrolment request: {e}")))?;
    let public_key = base64::engine::general_purpose::STANDARD
        .decode(request.public_key.trim())
        .map_err(|_| malformed("public_key is not base64"))?;
    if public_key.len() != 32 {
        return Err(malformed("public_key is not a 32-byte Ed25519 key"));
    }
    let label = request
        .label
        .map(|l| l.chars().filter(|c| !c.is_control()).collect::<String>())
        .filter(|l| !l.trim().is_empty());
    if label
        .as_ref()
        .is_some_and(|l| l.chars().count() > MAX_LABEL_CHARS)
    {
        return Err(malformed(format!(
            "label is longer than {MAX_LABEL_CHARS} characters"
        )));
    }
    if request.code.len() > 100 {
        return Err(ApiError::bad_request(
            "invalid_code",
            "unknown enrolment code",
        ));
    }
    let key_id = lucarne_proof::envelope::key_id(&public_key);
    let hash = code_hash(&request.code);
    let now = now_unix();

    let _guard = state.write_lock.lock().await;
    let mut tx = state.db.pool.begin().await?;
    let invite = sqlx::query("SELECT expires_at, used_at FROM invites WHERE code_sha256 = $1")
        .bind(&hash)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or_else(|| ApiError::bad_request("invalid_code", "unknown enrolment code"))?;
    let expires_at: i64 = invite.try_get(0)?;
    let used_at: Option<i64> = invite.try_get(1)?;
    if used_at.is_some() {
        return Err(ApiError::bad_request(
            "used_code",
            "this enrolment code was already used",
        ));
    }
    if expires_at <= now {
        return Err(ApiError::bad_request(
            "expired_code",
            "this enrolment code has expired",
        ));
    }
    let exists = sqlx::query("SELECT 1 FROM agent_keys WHERE key_id = $1")
        .bind(&key_id)
        .fetch_optional(&mut *tx)
        .await?
        .is_some();
    if exists {
        return Err(ApiError::client(
            StatusCode::CONFLICT,
            "already_enrolled",
            "this key is already enrolled",
        ));
    }
    // The `used_at IS NULL` condition makes the code single-use even against a concurrent
    // enrolment on another server process.
    let updated = sqlx::query(
        "UPDATE invites SET used_at = $1, used_by = $2 WHERE code_sha256 = $3 AND used_at IS NULL",
    )
    .bind(now)
    .bind(&key_id)
    .bind(&hash)
    .execute(&mut *tx)
    .await?;
    if updated.rows_affected() != 1 {
        return Err(ApiError::bad_request(
            "used_code",
            "this enrolment code was already used",
        ));
    }
    sqlx::query(
        "INSERT INTO agent_keys (key_id, public_key, label, enrolled_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(&key_id)
    .bind(public_key)
    .bind(label)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    crate::accounts::create_for_key(&mut tx, &key_id, now)
        .await
        .map_err(ApiError::internal)?;
    tx.commit().await?;
    tracing::info!(key_id, "agent key enrolled");
    Ok(Json(EnrollResponse {
        key_id,
        log: LogInfo {
            origin: state.origin.clone(),
            verifier_key: state.key.verifier_key().to_string(),
        },
    }))
}
