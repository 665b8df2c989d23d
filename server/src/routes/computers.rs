//! `POST /api/v1/computer-codes`: a request signed with a key already in the account asks for
//! a single-use, short-lived registration code that adds another computer to that account
//! (`lucarne add-computer`). The new computer registers with it as with any code
//! (`POST /api/v1/register`), so that it pins the log's key the same way.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, Method, Uri};
use axum::Json;

use lucarne_proof::wire::{ComputerCode, Refusal};

use crate::auth::authenticate;
use crate::db::now_unix;
use crate::error::ApiError;
use crate::invite::{self, CodeTarget, COMPUTER_CODE_SECONDS, MAX_WAITING_PER_ISSUER};
use crate::state::AppState;

/// Largest request body (nothing is needed; an empty JSON object is accepted).
const MAX_BODY: usize = 1024;

/// Handler.
pub async fn create(
    State(state): State<Arc<AppState>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Body,
) -> Result<Json<ComputerCode>, ApiError> {
    let body = super::read_body(body, MAX_BODY).await?;
    let caller = authenticate(&state, &method, &uri, &headers, &body).await?;
    let now = now_unix();
    let mut conn = state.db.pool.acquire().await?;
    if let Some(soonest) = invite::waiting_limit_reached(&mut conn, &caller.account_id, None, now)
        .await
        .map_err(ApiError::internal)?
    {
        return Err(ApiError::new(
            Refusal::RateLimited,
            format!(
                "this account already has {MAX_WAITING_PER_ISSUER} codes waiting; use one or \
                 wait until one expires"
            ),
        )
        .retry_after(u64::try_from(soonest.saturating_sub(now).max(1)).unwrap_or(1)));
    }
    let code = invite::create_for(
        &mut conn,
        COMPUTER_CODE_SECONDS,
        &CodeTarget::Account(caller.account_id.clone()),
    )
    .await
    .map_err(ApiError::internal)?;
    tracing::info!(key_id = caller.key_id, "computer code issued");
    Ok(Json(ComputerCode {
        code,
        expires_in: COMPUTER_CODE_SECONDS,
    }))
}
