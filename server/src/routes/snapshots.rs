//! `POST /api/v1/snapshots`: upload a signed snapshot, get a receipt.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::State;
use axum::http::{header, HeaderMap};
use axum::Json;

use lucarne_proof::wire::Refusal;

use crate::error::ApiError;
use crate::ingest::{ingest, Receipt};
use crate::state::AppState;

/// Handler.
pub async fn upload(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    body: Body,
) -> Result<Json<Receipt>, ApiError> {
    let result = receive(&state, &headers, body).await;
    match &result {
        Ok(receipt) => {
            state.metrics.accepted();
            tracing::info!(
                key_id = receipt.key_id,
                device = receipt.device_id,
                sequence = receipt.sequence,
                leaf = receipt.leaf_index,
                "snapshot accepted"
            );
        }
        Err(e) => {
            state.metrics.rejected(e.code());
            tracing::info!(code = e.code(), "snapshot refused");
        }
    }
    result.map(Json)
}

async fn receive(state: &AppState, headers: &HeaderMap, body: Body) -> Result<Receipt, ApiError> {
    // A declared length over the limit is refused without reading anything.
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > state.max_body_bytes as u64) {
        return Err(ApiError::new(
            Refusal::TooLarge,
            format!("the envelope is larger than {} bytes", state.max_body_bytes),
        ));
    }
    let body = super::read_body(body, state.max_body_bytes).await?;
    ingest(state, &body).await
}
