//! The one error type every handler returns.
//!
//! What the client reads (`code`, one of [`Refusal`], and `message`) is kept apart from the internal cause, which is
//! logged and never sent: a failed request says what was wrong with *it*, never how the server
//! is built nor anything about another device.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;

use lucarne_proof::wire::{ErrorBody, ErrorDetail, Refusal};

/// An error answered to a client: a [`Refusal`] (which fixes the HTTP status), a message safe
/// to show, and (for server faults) the hidden cause.
#[derive(Debug)]
pub struct ApiError {
    refusal: Refusal,
    message: String,
    cause: Option<anyhow::Error>,
    retry_after: Option<u64>,
}

impl ApiError {
    /// A refusal caused by the request, with a message the client may show.
    pub fn new(refusal: Refusal, message: impl Into<String>) -> Self {
        ApiError {
            refusal,
            message: message.into(),
            cause: None,
            retry_after: None,
        }
    }

    /// The same refusal, telling the client to try again in `seconds` (`Retry-After`).
    pub fn retry_after(mut self, seconds: u64) -> Self {
        self.retry_after = Some(seconds);
        self
    }

    /// A fault of the server: the cause is logged, the client only learns that it failed.
    pub fn internal(cause: impl Into<anyhow::Error>) -> Self {
        ApiError {
            refusal: Refusal::Internal,
            message: "the server could not complete the request".to_string(),
            cause: Some(cause.into()),
            retry_after: None,
        }
    }

    /// What was refused.
    pub fn refusal(&self) -> Refusal {
        self.refusal
    }

    /// The machine code sent to the client.
    pub fn code(&self) -> &'static str {
        self.refusal.as_str()
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        StatusCode::from_u16(self.refusal.http_status())
            .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({}): {}", self.status(), self.code(), self.message)
    }
}

impl std::error::Error for ApiError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.cause.as_ref().map(|c| c.as_ref() as _)
    }
}

impl From<sqlx::Error> for ApiError {
    fn from(e: sqlx::Error) -> Self {
        ApiError::internal(e)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if let Some(cause) = &self.cause {
            tracing::error!(
                code = self.code(),
                error = format!("{cause:#}"),
                "request failed"
            );
        }
        let status = self.status();
        let body = ErrorBody {
            error: ErrorDetail {
                code: self.refusal,
                message: self.message,
            },
        };
        let mut response = (status, Json(body)).into_response();
        if let Some(seconds) = self.retry_after {
            response
                .headers_mut()
                .insert(axum::http::header::RETRY_AFTER, seconds.into());
        }
        response
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    async fn body_of(error: ApiError) -> (StatusCode, serde_json::Value) {
        let response = error.into_response();
        let status = response.status();
        let bytes = axum::body::to_bytes(response.into_body(), 1 << 16)
            .await
            .unwrap();
        (status, serde_json::from_slice(&bytes).unwrap())
    }

    #[tokio::test]
    async fn an_internal_cause_is_kept_but_never_sent() {
        let error = ApiError::internal(anyhow::anyhow!("password=hunter2 at db.internal:5432"));
        assert!(std::error::Error::source(&error).is_some());
        let (status, body) = body_of(error).await;
        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(body["error"]["code"], "internal");
        assert!(!body.to_string().contains("hunter2"));
    }

    #[tokio::test]
    async fn a_client_error_says_what_was_wrong() {
        let (status, body) = body_of(ApiError::new(Refusal::BadSignature, "no match")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(
            body,
            serde_json::json!({"error": {"code": "bad_signature", "message": "no match"}})
        );
    }
}
