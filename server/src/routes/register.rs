//! `POST /api/v1/register`: an agent key joins the server with a one-time code.
//!
//! The code decides the account ([`CodeTarget`]): a new one (the operator's codes), an
//! existing one (a code of `lucarne add-computer`: the official's second computer), or a new
//! one made a member of a group (a group admin's code). The code is spent, the key stored and
//! the account joined in one transaction: a failure leaves the code unused.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::State;
use axum::Json;
use base64::Engine as _;
use sqlx::Row as _;

use lucarne_proof::checkpoint::LogIdentity;
use lucarne_proof::wire::{Joined, Refusal, RegisterRequest, RegisterResponse};

use crate::db::now_unix;
use crate::error::ApiError;
use crate::invite::{code_hash, CodeTarget};
use crate::state::AppState;

/// Largest registration request.
const MAX_REGISTER_BODY: usize = 16 * 1024;
/// Longest computer label.
const MAX_LABEL_CHARS: usize = 200;

fn malformed(message: impl Into<String>) -> ApiError {
    ApiError::new(Refusal::MalformedRequest, message)
}

/// Handler.
pub async fn register(
    State(state): State<Arc<AppState>>,
    body: Body,
) -> Result<Json<RegisterResponse>, ApiError> {
    let body = super::read_body(body, MAX_REGISTER_BODY).await?;
    let request: RegisterRequest = serde_json::from_slice(&body)
        .map_err(|e| malformed(format!("registration request: {e}")))?;
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
        return Err(ApiError::new(
            Refusal::InvalidCode,
            "unknown registration code",
        ));
    }
    let key_id = lucarne_proof::envelope::key_id(&public_key);
    let hash = code_hash(&request.code);
    let now = now_unix();

    let _guard = state.write_lock.lock().await;
    let mut tx = state.db.begin_write().await?;
    let invite = sqlx::query(
        "SELECT expires_at, used_at, account_id, group_id, issued_by FROM invites \
         WHERE code_sha256 = $1",
    )
    .bind(&hash)
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| ApiError::new(Refusal::InvalidCode, "unknown registration code"))?;
    let expires_at: i64 = invite.try_get(0)?;
    let used_at: Option<i64> = invite.try_get(1)?;
    let target =
        CodeTarget::from_columns(invite.try_get(2)?, invite.try_get(3)?, invite.try_get(4)?);
    if used_at.is_some() {
        return Err(ApiError::new(
            Refusal::UsedCode,
            "this registration code was already used",
        ));
    }
    if expires_at <= now {
        return Err(ApiError::new(
            Refusal::ExpiredCode,
            "this registration code has expired",
        ));
    }
    let exists = sqlx::query("SELECT 1 FROM agent_keys WHERE key_id = $1")
        .bind(&key_id)
        .fetch_optional(&mut *tx)
        .await?
        .is_some();
    if exists {
        return Err(ApiError::new(
            Refusal::AlreadyRegistered,
            "this key is already registered",
        ));
    }
    // The `used_at IS NULL` condition makes the code single-use even against a concurrent
    // registration on another server process.
    let updated = sqlx::query(
        "UPDATE invites SET used_at = $1, used_by = $2 WHERE code_sha256 = $3 AND used_at IS NULL",
    )
    .bind(now)
    .bind(&key_id)
    .bind(&hash)
    .execute(&mut *tx)
    .await?;
    if updated.rows_affected() != 1 {
        return Err(ApiError::new(
            Refusal::UsedCode,
            "this registration code was already used",
        ));
    }
    sqlx::query(
        "INSERT INTO agent_keys (key_id, public_key, label, registered_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(&key_id)
    .bind(public_key)
    .bind(label)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    let joined = match &target {
        CodeTarget::NewAccount => {
            crate::accounts::create_for_key(&mut tx, &key_id, now)
                .await
                .map_err(ApiError::internal)?;
            Joined::NewAccount
        }
        CodeTarget::Account(account_id) => {
            crate::accounts::add_key(&mut tx, account_id, &key_id, now)
                .await
                .map_err(ApiError::internal)?;
            Joined::ExistingAccount
        }
        CodeTarget::Group { group_id, .. } => {
            let account_id = crate::accounts::create_for_key(&mut tx, &key_id, now)
                .await
                .map_err(ApiError::internal)?;
            let name = crate::accounts::join_group(&mut tx, group_id, &account_id, now)
                .await
                .map_err(ApiError::internal)?;
            Joined::Group { name }
        }
    };
    tx.commit().await?;
    tracing::info!(key_id, ?joined, "agent key registered");
    Ok(Json(RegisterResponse {
        key_id,
        log: LogIdentity {
            origin: state.origin.clone(),
            verifier_key: state.key.verifier_key().to_string(),
        },
        joined,
    }))
}
