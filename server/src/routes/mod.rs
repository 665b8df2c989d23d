//! The HTTP API: one module per group of endpoints, and the router that joins them.

use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::Router;

use crate::error::ApiError;
use crate::state::AppState;

pub mod devices;
pub mod enroll;
pub mod log;
pub mod login;
pub mod meta;
pub mod snapshots;

/// Every route, as `(method, path)`; the OpenAPI document must describe each of them.
pub const ROUTES: &[(&str, &str)] = &[
    ("post", "/api/v1/enroll"),
    ("post", "/api/v1/snapshots"),
    ("post", "/api/v1/login-links"),
    ("get", "/api/v1/log/consistency"),
    ("get", "/api/v1/log/inclusion"),
    ("get", "/api/v1/devices"),
    ("get", "/api/v1/devices/{handle}/timeline"),
    ("get", "/api/v1/devices/{handle}/capabilities"),
    ("get", "/checkpoint"),
    ("get", "/tile/{path}"),
    ("get", "/healthz"),
    ("get", "/metrics"),
    ("get", "/openapi.json"),
];

/// The application's router.
pub fn router(state: Arc<AppState>) -> Router {
    Router::new()
        .route("/api/v1/enroll", post(enroll::enroll))
        .route("/api/v1/snapshots", post(snapshots::upload))
        .route("/api/v1/login-links", post(login::create))
        .route("/api/v1/log/consistency", get(log::consistency))
        .route("/api/v1/log/inclusion", get(log::inclusion))
        .route("/api/v1/devices", get(devices::list))
        .route("/api/v1/devices/{handle}/timeline", get(devices::timeline))
        .route(
            "/api/v1/devices/{handle}/capabilities",
            get(devices::capabilities),
        )
        .route("/checkpoint", get(log::checkpoint))
        .route("/tile/{*path}", get(log::tile))
        .route("/healthz", get(meta::healthz))
        .route("/metrics", get(meta::metrics))
        .route("/openapi.json", get(meta::openapi))
        .merge(crate::web::router())
        .fallback(|| async {
            ApiError::client(StatusCode::NOT_FOUND, "not_found", "no such endpoint")
        })
        .with_state(state)
}

/// Reads a request body of at most `limit` bytes; a longer one is refused with `too_large`
/// before it is all read.
pub async fn read_body(body: Body, limit: usize) -> Result<Bytes, ApiError> {
    axum::body::to_bytes(body, limit).await.map_err(|_| {
        ApiError::client(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_large",
            format!("the request body is larger than {limit} bytes"),
        )
    })
}
