//! Health, metrics and the API description.

use std::sync::Arc;

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};

use crate::error::ApiError;
use crate::state::AppState;

/// `GET /healthz`: the log's writer task runs and the database takes a write within two
/// seconds (a server whose uploads would fail is not healthy), else 503.
pub async fn healthz(State(state): State<Arc<AppState>>) -> Result<&'static str, ApiError> {
    if !state.sequencer.is_running() {
        tracing::error!("health check: the log's writer task has stopped");
        return Err(unhealthy());
    }
    let write = crate::db::writable(&state.db);
    match tokio::time::timeout(std::time::Duration::from_secs(2), write).await {
        Ok(Ok(())) => Ok("ok\n"),
        Ok(Err(e)) => {
            tracing::warn!(error = format!("{e:#}"), "health check failed");
            Err(unhealthy())
        }
        Err(_) => {
            tracing::warn!("health check: the database took no write within 2 s");
            Err(unhealthy())
        }
    }
}

fn unhealthy() -> ApiError {
    ApiError::new(
        lucarne_proof::wire::Refusal::Unhealthy,
        "the database does not take writes",
    )
}

/// `GET /metrics`.
pub async fn metrics(State(state): State<Arc<AppState>>) -> Result<Response, ApiError> {
    let mut conn = state.db.pool.acquire().await?;
    let size = crate::tlog::tree_size(&mut conn)
        .await
        .map_err(ApiError::internal)?;
    Ok((
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        state.metrics.render(size),
    )
        .into_response())
}

/// `GET /openapi.json`: the document generated from the route table.
pub async fn openapi() -> Response {
    (
        [(header::CONTENT_TYPE, "application/json")],
        super::openapi_json(),
    )
        .into_response()
}
