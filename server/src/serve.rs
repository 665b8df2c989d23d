//! Running the server: its own accept loop on hyper, so that a client cannot hold what it
//! has not paid for, and stopping cleanly on SIGINT or SIGTERM (requests in flight finish, no
//! new ones are taken).
//!
//! What a client may hold (see [`crate::config::Limits`]):
//! - a connection: at most `max_clients` are open; the next ones wait in the kernel queue;
//! - time: its headers must arrive within `header_timeout_seconds`, counted from the
//!   connection or the end of the previous answer, which also closes idle keep-alive
//!   connections; a whole request (body included) within `body_timeout_seconds` (408);
//! - memory: the bodies being received, all requests together, stay under
//!   `max_body_bytes_in_flight` (503 with `Retry-After` past it);
//! - attempts: uploads, registrations (every endpoint taking a registration code) and
//!   login-link requests per address are counted (429 with `Retry-After`); per key and per
//!   account, once a signature is verified, where the handler knows who asks.
//!
//! A handler that panics answers 500 and the server goes on (the panic is logged).

use std::future::Future;
use std::net::SocketAddr;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::sync::{Arc, OnceLock};
use std::task::{Context, Poll};
use std::time::Duration;

use anyhow::Context as _;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;
use tower::ServiceExt as _;

use lucarne_proof::wire::Refusal;

use crate::error::ApiError;
use crate::limits::{address_key, retry_after_seconds, RateLimiter};
use crate::routes::table::{Access, Method as TableMethod};
use crate::state::AppState;

/// The router with the server's guards around it (admission, timeout, caught panics).
pub fn app(state: Arc<AppState>) -> axum::Router {
    crate::routes::router(state.clone())
        .layer(axum::middleware::from_fn_with_state(state, admit))
        .layer(axum::middleware::from_fn(catch_panic))
}

/// Serves `state` on `listener` until `shutdown` completes.
pub async fn run(
    listener: TcpListener,
    state: Arc<AppState>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let header_timeout = Duration::from_secs(state.limits.header_timeout_seconds.max(1));
    let clients = Arc::new(tokio::sync::Semaphore::new(
        state
            .limits
            .max_clients
            .clamp(1, tokio::sync::Semaphore::MAX_PERMITS),
    ));
    let app = app(state);
    let (closing, closed) = tokio::sync::watch::channel(false);
    let mut connections = tokio::task::JoinSet::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let permit = tokio::select! {
            permit = clients.clone().acquire_owned() => permit.context("connection limit")?,
            () = &mut shutdown => break,
        };
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    // Out of file descriptors and the like: wait rather than spin.
                    tracing::warn!(error = %e, "accepting a connection failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        while connections.try_join_next().is_some() {}
        let app = app.clone();
        let mut closed = closed.clone();
        connections.spawn(async move {
            let _permit = permit;
            let service = hyper::service::service_fn(move |mut request: Request<_>| {
                request.extensions_mut().insert(ConnectInfo(peer));
                app.clone().oneshot(request)
            });
            let mut builder = hyper::server::conn::http1::Builder::new();
            builder
                .timer(TokioTimer::new())
                .header_read_timeout(header_timeout)
                .keep_alive(true);
            let connection = builder.serve_connection(TokioIo::new(stream), service);
            let mut connection = std::pin::pin!(connection);
            tokio::select! {
                result = connection.as_mut() => {
                    if let Err(e) = result {
                        tracing::debug!(%peer, error = %e, "connection ended");
                    }
                }
                _ = closed.changed() => {
                    connection.as_mut().graceful_shutdown();
                    let _ = connection.await;
                }
            }
        });
    }
    drop(listener);
    let _ = closing.send(true);
    while connections.join_next().await.is_some() {}
    Ok(())
}

/// Which per-address allowance a request draws from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Allowance {
    /// Every endpoint that takes a registration code: a guess costs one.
    Registration,
    /// Envelope uploads.
    Upload,
    /// Requests for a login link.
    Login,
    /// Every other request signed by an agent key that writes (`POST`): a code for another
    /// computer. Each costs a signature check, forged or not.
    SignedRequest,
    /// Reads signed by an agent key (`GET`: devices, timeline, capabilities, export): each
    /// costs a signature check, forged or not.
    SignedRead,
}

impl Allowance {
    fn limiter(self, state: &AppState) -> &RateLimiter {
        match self {
            Allowance::Registration => &state.registrations_per_address,
            Allowance::Upload => &state.uploads_per_address,
            Allowance::Login => &state.logins_per_address,
            Allowance::SignedRequest => &state.signed_requests_per_address,
            Allowance::SignedRead => &state.signed_reads_per_address,
        }
    }

    fn refusal_message(self) -> &'static str {
        match self {
            Allowance::Registration => {
                "too many registration attempts from this address; try again later"
            }
            Allowance::Upload => "too many uploads from this address; try again later",
            Allowance::Login => "too many login link requests from this address; try again later",
            Allowance::SignedRequest => {
                "too many signed requests from this address; try again later"
            }
            Allowance::SignedRead => "too many signed reads from this address; try again later",
        }
    }
}

/// The allowance a request of `method` to `path` draws from, read from the route table: an
/// endpoint added later with registration-code, envelope or signed access is counted
/// without anyone remembering to list it here. Public endpoints are not counted.
pub fn allowance(method: &Method, path: &str) -> Option<Allowance> {
    static COUNTED: OnceLock<Vec<(TableMethod, &'static str, Allowance)>> = OnceLock::new();
    let method = match *method {
        Method::POST => TableMethod::Post,
        Method::GET => TableMethod::Get,
        _ => return None,
    };
    COUNTED
        .get_or_init(|| {
            crate::routes::api()
                .endpoints()
                .iter()
                .filter_map(|e| {
                    let allowance = match (e.method, e.access) {
                        (_, Access::Public) => return None,
                        (TableMethod::Get, Access::SignedRequest) => Allowance::SignedRead,
                        (_, Access::RegistrationCode) => Allowance::Registration,
                        (_, Access::SignedEnvelope) => Allowance::Upload,
                        _ if e.path == crate::routes::login::PATH => Allowance::Login,
                        (_, Access::SignedRequest) => Allowance::SignedRequest,
                    };
                    Some((e.method, e.path, allowance))
                })
                .collect()
        })
        .iter()
        .find(|(m, route, _)| *m == method && route_matches(route, path))
        .map(|(_, _, allowance)| *allowance)
}

/// Whether `path` is served by `route` in the router's syntax (`{name}` is one segment,
/// `{*rest}` the rest): axum's `matched-path` feature is off, so the layers are not told
/// which route matched.
fn route_matches(route: &str, path: &str) -> bool {
    let mut wanted = route.split('/');
    let mut given = path.split('/');
    loop {
        match (wanted.next(), given.next()) {
            (None, None) => return true,
            (Some(w), Some(_)) if w.starts_with("{*") => return true,
            (Some(w), Some(g)) if w.starts_with('{') => {
                if g.is_empty() {
                    return false;
                }
            }
            (Some(w), Some(g)) if w == g => {}
            _ => return false,
        }
    }
}

/// Admission of a request: rate limits per client address, room for its body, and a
/// deadline for the whole request.
async fn admit(State(state): State<Arc<AppState>>, request: Request, next: Next) -> Response {
    let mut body_permit = None;
    // The client's address is worked out only for a counted endpoint: public reads (tiles,
    // checkpoints) are most requests and need none.
    let counted = allowance(request.method(), request.uri().path()).and_then(|allowance| {
        let peer = request.extensions().get::<ConnectInfo<SocketAddr>>()?;
        Some((allowance, address_key(peer.0)))
    });
    if let Some((allowance, peer)) = counted {
        if let Err(wait) = allowance.limiter(&state).check(&peer) {
            state.metrics.rejected("rate_limited");
            return ApiError::new(Refusal::RateLimited, allowance.refusal_message())
                .retry_after(retry_after_seconds(wait))
                .into_response();
        }
    }
    if request.method() == Method::POST {
        // Room for the whole body is taken before any of it is read: a declared length
        // over the limit takes none (the handler refuses it unread), an undeclared one the
        // largest body allowed.
        let declared = request
            .headers()
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok());
        let want = match declared {
            Some(n) if n > state.max_body_bytes as u64 => 0,
            Some(n) => usize::try_from(n).unwrap_or(usize::MAX),
            None => state.max_body_bytes,
        }
        .min(state.limits.max_body_bytes_in_flight);
        let want = u32::try_from(want).unwrap_or(u32::MAX);
        match state.body_bytes.clone().try_acquire_many_owned(want) {
            Ok(permit) => body_permit = Some(permit),
            Err(_) => {
                state.metrics.rejected("busy");
                return ApiError::new(
                    Refusal::Busy,
                    "the server is receiving too much at once; try again shortly",
                )
                .retry_after(1)
                .into_response();
            }
        }
    }
    let limit = Duration::from_secs(state.limits.body_timeout_seconds.max(1));
    let response = match tokio::time::timeout(limit, next.run(request)).await {
        Ok(response) => response,
        Err(_) => ApiError::new(
            Refusal::Timeout,
            format!(
                "the request was not completed within {} seconds",
                limit.as_secs()
            ),
        )
        .into_response(),
    };
    drop(body_permit);
    response
}

/// Turns a panic inside a handler into a 500 answer.
async fn catch_panic(request: Request, next: Next) -> Response {
    match CatchUnwind(Box::pin(next.run(request))).await {
        Ok(response) => response,
        Err(panic) => {
            let what = panic
                .downcast_ref::<&str>()
                .map(|s| (*s).to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            ApiError::internal(anyhow::anyhow!("a request handler panicked: {what}"))
                .into_response()
        }
    }
}

/// A future whose panics are caught and returned.
struct CatchUnwind<F>(Pin<Box<F>>);

impl<F: Future> Future for CatchUnwind<F> {
    type Output = Result<F::Output, Box<dyn std::any::Any + Send>>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let inner = self.0.as_mut();
        match std::panic::catch_unwind(AssertUnwindSafe(|| inner.poll(cx))) {
            Ok(Poll::Pending) => Poll::Pending,
            Ok(Poll::Ready(value)) => Poll::Ready(Ok(value)),
            Err(panic) => Poll::Ready(Err(panic)),
        }
    }
}

/// Completes on SIGINT (Ctrl-C) or SIGTERM.
pub async fn shutdown_signal() {
    let interrupt = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => tracing::info!("SIGINT received, shutting down"),
        () = terminate => tracing::info!("SIGTERM received, shutting down"),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use axum::http::StatusCode;

    #[test]
    fn routes_match_paths_segment_by_segment() {
        assert!(route_matches("/api/v1/register", "/api/v1/register"));
        assert!(!route_matches("/api/v1/register", "/api/v1/register/x"));
        assert!(!route_matches("/api/v1/register", "/api/v1/registe"));
        assert!(route_matches("/a/{id}/b", "/a/42/b"));
        assert!(!route_matches("/a/{id}/b", "/a//b"));
        assert!(route_matches("/tile/{*path}", "/tile/0/001"));
        assert!(!route_matches("/tile/{*path}", "/tiles"));
    }

    #[test]
    fn counted_endpoints_come_from_the_route_table() {
        let post = |path| allowance(&Method::POST, path);
        assert_eq!(post("/api/v1/snapshots"), Some(Allowance::Upload));
        assert_eq!(post("/api/v1/login-links"), Some(Allowance::Login));
        assert_eq!(
            post("/api/v1/computer-codes"),
            Some(Allowance::SignedRequest)
        );
        assert_eq!(post("/api/v1/devices"), None);
        assert_eq!(
            allowance(&Method::GET, "/api/v1/devices/abc/timeline"),
            Some(Allowance::SignedRead)
        );
        assert_eq!(allowance(&Method::GET, "/api/v1/snapshots"), None);
        assert_eq!(allowance(&Method::GET, "/checkpoint"), None);
        assert_eq!(allowance(&Method::GET, "/tile/0/000"), None);
        // Every endpoint that is not public is counted per address, and every endpoint that
        // takes a registration code shares the registration allowance.
        let mut with_codes = 0;
        for endpoint in crate::routes::api().endpoints() {
            let path = endpoint.path.replace('{', "x").replace('}', "");
            let method = match endpoint.method {
                TableMethod::Post => Method::POST,
                TableMethod::Get => Method::GET,
            };
            let counted = allowance(&method, &path);
            assert_eq!(
                counted.is_some(),
                endpoint.access != Access::Public,
                "{}",
                endpoint.path
            );
            if endpoint.access == Access::RegistrationCode {
                with_codes += 1;
                assert_eq!(counted, Some(Allowance::Registration), "{}", endpoint.path);
            }
        }
        assert!(with_codes > 0);
    }

    #[tokio::test]
    async fn a_panicking_handler_answers_500_and_the_router_goes_on() {
        let router = axum::Router::new()
            .route(
                "/boom",
                axum::routing::get(|| async {
                    if std::hint::black_box(true) {
                        panic!("invalid tile");
                    }
                    "unreachable"
                }),
            )
            .route("/fine", axum::routing::get(|| async { "fine" }))
            .layer(axum::middleware::from_fn(catch_panic));
        let get = |path: &str| {
            Request::builder()
                .uri(path)
                .body(axum::body::Body::empty())
                .unwrap()
        };
        let response = router.clone().oneshot(get("/boom")).await.unwrap();
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
        let response = router.oneshot(get("/fine")).await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
    }
}
