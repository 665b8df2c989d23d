//! `POST /api/v1/login-links`: a signed request asks for a single-use link that logs the
//! browser into the caller's account (`lucarne open`).

use std::sync::Arc;

use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, Method, Uri};
use axum::Json;
use serde::{Deserialize, Serialize};

use lucarne_proof::wire::Refusal;

use crate::auth::authenticate;
use crate::error::ApiError;
use crate::state::AppState;
use crate::web::session::{create_login_token, LOGIN_TOKEN_SECONDS};

/// The endpoint's path (the route table and the per-address login allowance both name it).
pub const PATH: &str = "/api/v1/login-links";

/// Largest request body (an empty JSON object is all it takes).
const MAX_BODY: usize = 1024;

/// The answer.
#[derive(Debug, Serialize, Deserialize, schemars::JsonSchema)]
pub struct LoginLink {
    /// The link to open in a browser.
    pub url: String,
    /// Seconds it stays valid.
    pub expires_in: i64,
}

/// Handler.
pub async fn create(
    State(state): State<Arc<AppState>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Body,
) -> Result<Json<LoginLink>, ApiError> {
    let body = super::read_body(body, MAX_BODY).await?;
    let caller = authenticate(&state, &method, &uri, &headers, &body).await?;
    // Counted once the signature verified: nobody can spend another account's allowance.
    if let Err(wait) = state.login_links_per_account.check(&caller.account_id) {
        return Err(ApiError::new(
            Refusal::RateLimited,
            "too many login links for this account; try again later",
        )
        .retry_after(crate::limits::retry_after_seconds(wait)));
    }
    let token = create_login_token(&state, &caller.account_id)
        .await
        .map_err(ApiError::internal)?;
    // The host was checked by the signature (public_url, or the Host header it signed).
    let base = match &state.public_url {
        Some(url) => url.clone(),
        None => format!(
            "http://{}",
            headers
                .get("host")
                .and_then(|h| h.to_str().ok())
                .unwrap_or("localhost")
        ),
    };
    Ok(Json(LoginLink {
        url: format!("{base}/login/{token}"),
        expires_in: LOGIN_TOKEN_SECONDS,
    }))
}
