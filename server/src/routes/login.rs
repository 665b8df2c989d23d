//! `POST /api/v1/login-links`: a signed request asks for a single-use link that logs the
//! browser into the caller's account (`lucarne open`).

use std::sync::Arc;

use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, Method, Uri};
use axum::Json;
use serde::{Deserialize, Serialize};

use crate::auth::authenticate;
use crate::error::ApiError;
use crate::state::AppState;
use crate::web::session::{create_login_token, LOGIN_TOKEN_SECONDS};

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
