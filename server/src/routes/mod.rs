//! The HTTP API: one module per group of endpoints, and the one table that declares them.
//!
//! [`api`] is that table: each endpoint appears once, with its handler and its description,
//! and both the router ([`router`]) and the OpenAPI document (`GET /openapi.json`) are built
//! from it.

use std::sync::{Arc, OnceLock};

use axum::body::{Body, Bytes};
use axum::Router;

use lucarne_proof::envelope::Envelope;
use lucarne_proof::wire::{
    ComputerCode, ConsistencyProof, ConsistencyQuery, InclusionProof, InclusionQuery, Refusal,
    RegisterRequest, RegisterResponse,
};

use crate::error::ApiError;
use crate::ingest::Receipt;
use crate::state::AppState;

pub mod computers;
pub mod devices;
pub mod log;
pub mod login;
pub mod meta;
pub mod register;
pub mod snapshots;
pub mod table;

use table::{inline, named, Access, Api, Content, Endpoint, Method};

const HANDLE: &[(&str, &str)] = &[(
    "handle",
    "The device's opaque handle (from `GET /api/v1/devices`), never its UDID.",
)];

/// Every endpoint of the API.
pub fn api() -> Api {
    Api::new()
        .endpoint(
            Endpoint {
                method: Method::Post,
                path: "/api/v1/register",
                operation_id: "register",
                summary: "Register an agent key with a one-time code",
                description: "Every attempt, right or wrong, counts against the client \
                    address's registration allowance, shared by every endpoint that takes a \
                    registration code (`rate_limited` with `Retry-After`).",
                access: Access::RegistrationCode,
                path_params: &[],
                query: None,
                request: Content::Json(named::<RegisterRequest>),
                response: Content::Json(named::<RegisterResponse>),
                refusals: &[
                    Refusal::MalformedRequest,
                    Refusal::InvalidCode,
                    Refusal::UsedCode,
                    Refusal::ExpiredCode,
                    Refusal::AlreadyRegistered,
                    Refusal::TooLarge,
                    Refusal::RateLimited,
                ],
            },
            register::register,
        )
        .endpoint(
            Endpoint {
                method: Method::Post,
                path: "/api/v1/snapshots",
                operation_id: "uploadSnapshot",
                summary: "Upload a signed snapshot; get a receipt with an inclusion proof",
                description: "The body is the envelope in its canonical form (compact JSON, \
                    fields schema, key_id, snapshot, signature in this order, nothing else; any \
                    other encoding is a malformed envelope); its exact bytes are the log's leaf \
                    (SHA-256). Checks, in order: rate per client address, room for the body, \
                    size, envelope, key and signature (one answer, `unauthenticated`, for an \
                    unknown key, a revoked key or a signature that does not match), rate per \
                    key and per account, snapshot, schema, then the device's chain (sequence and previous \
                    hash; gaps are accepted when the hash links to the last accepted snapshot; \
                    a break is recorded once per envelope as an alert on the device), then the \
                    key's storage quota. `rate_limited` and `busy` come with `Retry-After`. The \
                    same envelope sent again byte for byte gets its receipt again. A receipt \
                    is sent once the batch holding its leaf is durable; its tree may hold \
                    other leaves after it.",
                access: Access::SignedEnvelope,
                path_params: &[],
                query: None,
                request: Content::Json(named::<Envelope>),
                response: Content::Json(named::<Receipt>),
                refusals: &[
                    Refusal::RateLimited,
                    Refusal::Busy,
                    Refusal::TooLarge,
                    Refusal::Timeout,
                    Refusal::MalformedEnvelope,
                    Refusal::Unauthenticated,
                    Refusal::MalformedSnapshot,
                    Refusal::UnsupportedSchema,
                    Refusal::Replay,
                    Refusal::Rollback,
                    Refusal::Fork,
                    Refusal::QuotaExceeded,
                ],
            },
            snapshots::upload,
        )
        .endpoint(
            Endpoint {
                method: Method::Post,
                path: login::PATH,
                operation_id: "loginLink",
                summary:
                    "A single-use link (valid one minute) that logs a browser into the account",
                description: "The link sets the session cookie of the web pages and leads home; \
                    `lucarne open` asks for it. Cookies never authenticate this API. Counted \
                    per client address, then per account once the signature verified \
                    (`rate_limited` with `Retry-After`).",
                access: Access::SignedRequest,
                path_params: &[],
                query: None,
                request: Content::None,
                response: Content::Json(named::<login::LoginLink>),
                refusals: &[
                    Refusal::RateLimited,
                    Refusal::Unauthenticated,
                    Refusal::TooLarge,
                ],
            },
            login::create,
        )
        .endpoint(
            Endpoint {
                method: Method::Post,
                path: "/api/v1/computer-codes",
                operation_id: "computerCode",
                summary: "A single-use registration code (valid 15 minutes) that adds another \
                    computer to the caller's account",
                description: "`lucarne add-computer` asks for it; the other computer registers \
                    with it on `/api/v1/register` and its key joins the same account, so an \
                    iPad read from either computer is one device with one history. At most \
                    five codes of an account wait at once, and requests are counted per \
                    client address, forged or not (`rate_limited` with `Retry-After` beyond).",
                access: Access::SignedRequest,
                path_params: &[],
                query: None,
                request: Content::None,
                response: Content::Json(named::<ComputerCode>),
                refusals: &[
                    Refusal::Unauthenticated,
                    Refusal::TooLarge,
                    Refusal::RateLimited,
                ],
            },
            computers::create,
        )
        .endpoint(
            Endpoint {
                method: Method::Get,
                path: "/api/v1/log/consistency",
                operation_id: "consistencyProof",
                summary: "Consistency proof between two tree sizes",
                description: "",
                access: Access::Public,
                path_params: &[],
                query: Some(inline::<ConsistencyQuery>),
                request: Content::None,
                response: Content::Json(named::<ConsistencyProof>),
                refusals: &[Refusal::MalformedRequest, Refusal::OutOfRange],
            },
            log::consistency,
        )
        .endpoint(
            Endpoint {
                method: Method::Get,
                path: "/api/v1/log/inclusion",
                operation_id: "inclusionProof",
                summary: "Inclusion proof of a leaf in a tree size",
                description: "",
                access: Access::Public,
                path_params: &[],
                query: Some(inline::<InclusionQuery>),
                request: Content::None,
                response: Content::Json(named::<InclusionProof>),
                refusals: &[Refusal::MalformedRequest, Refusal::OutOfRange],
            },
            log::inclusion,
        )
        .endpoint(
            Endpoint {
                method: Method::Get,
                path: "/api/v1/devices",
                operation_id: "deviceList",
                summary: "The devices of the caller's account, with their handles",
                description: "",
                access: Access::SignedRequest,
                path_params: &[],
                query: None,
                request: Content::None,
                response: Content::Json(named::<lucarne_proof::wire::DeviceList>),
                refusals: &[Refusal::Unauthenticated, Refusal::RateLimited],
            },
            devices::list,
        )
        .endpoint(
            Endpoint {
                method: Method::Get,
                path: "/api/v1/devices/{handle}/timeline",
                operation_id: "deviceTimeline",
                summary: "A page of a device's accepted snapshots, newest first, with what \
                    changed, and refused uploads (first page)",
                description: "For the device's owner and the members of a group it is shared \
                    with; any other device answers `unknown_device`, whether it exists or not. \
                    Every read is written in the owner's access log.",
                access: Access::SignedRequest,
                path_params: HANDLE,
                query: Some(inline::<devices::TimelineQuery>),
                request: Content::None,
                response: Content::Json(named::<devices::Timeline>),
                refusals: &[
                    Refusal::Unauthenticated,
                    Refusal::UnknownDevice,
                    Refusal::MalformedRequest,
                    Refusal::RateLimited,
                ],
            },
            devices::timeline,
        )
        .endpoint(
            Endpoint {
                method: Method::Get,
                path: "/api/v1/devices/{handle}/capabilities",
                operation_id: "deviceCapabilities",
                summary: "What the administration can do with a device now, as facts",
                description: "The facts stored at ingest for its latest snapshot; same access \
                    rule and access log as the timeline.",
                access: Access::SignedRequest,
                path_params: HANDLE,
                query: None,
                request: Content::None,
                response: Content::Json(named::<devices::Capabilities>),
                refusals: &[
                    Refusal::Unauthenticated,
                    Refusal::UnknownDevice,
                    Refusal::RateLimited,
                ],
            },
            devices::capabilities,
        )
        .endpoint(
            Endpoint {
                method: Method::Get,
                path: "/api/v1/devices/{handle}/export",
                operation_id: "deviceExport",
                summary: "The evidence export of a device over a period (`lucarne-export/1` ZIP), \
                    signed by the log's key",
                description: "For the device's owner only: any other caller, a member of a group \
                    the device is shared with included, gets `unknown_device`. The ZIP holds \
                    the exact envelopes stored, their receipts, the timestamped checkpoints \
                    and their RFC 3161 tokens, consistency proofs, the keys, `data.json`, the \
                    report and the letters; its manifest is signed by the log's key under the \
                    origin `lucarne.export/1` (proof/FORMATS.md §8). `not_found` when no \
                    snapshot falls in the period. Written in the owner's access log.",
                access: Access::SignedRequest,
                path_params: HANDLE,
                query: Some(inline::<devices::ExportQuery>),
                request: Content::None,
                response: Content::Other("application/zip", "A `lucarne-export/1` ZIP."),
                refusals: &[
                    Refusal::Unauthenticated,
                    Refusal::UnknownDevice,
                    Refusal::MalformedRequest,
                    Refusal::RateLimited,
                    Refusal::NotFound,
                ],
            },
            devices::export,
        )
        .endpoint(
            Endpoint {
                method: Method::Get,
                path: "/checkpoint",
                operation_id: "checkpoint",
                summary: "The log's latest signed checkpoint (C2SP tlog-checkpoint)",
                description: "",
                access: Access::Public,
                path_params: &[],
                query: None,
                request: Content::None,
                response: Content::Other("text/plain", "A C2SP signed note."),
                refusals: &[Refusal::NotFound],
            },
            log::checkpoint,
        )
        .endpoint(
            Endpoint {
                method: Method::Get,
                path: "/tile/{*path}",
                operation_id: "tile",
                summary: "A tile of the log (C2SP tlog-tiles)",
                description: "`<L>/<N>[.p/<W>]` for hash tiles, `entries/<N>[.p/<W>]` for \
                    entry bundles (each entry is the exact envelope body).",
                access: Access::Public,
                path_params: &[("path", "The tile's path after `/tile/`.")],
                query: None,
                request: Content::None,
                response: Content::Other("application/octet-stream", "The tile's bytes."),
                refusals: &[Refusal::NotFound],
            },
            log::tile,
        )
        .endpoint(
            Endpoint {
                method: Method::Get,
                path: "/healthz",
                operation_id: "health",
                summary: "The server answers and its database takes writes",
                description: "Writes a row within two seconds, else `unhealthy` (a locked or \
                    read-only database would fail uploads).",
                access: Access::Public,
                path_params: &[],
                query: None,
                request: Content::None,
                response: Content::Other("text/plain", "`ok`"),
                refusals: &[Refusal::Unhealthy],
            },
            meta::healthz,
        )
        .endpoint(
            Endpoint {
                method: Method::Get,
                path: "/metrics",
                operation_id: "metrics",
                summary: "Counters in the Prometheus text format",
                description: "",
                access: Access::Public,
                path_params: &[],
                query: None,
                request: Content::None,
                response: Content::Other("text/plain", "Prometheus text exposition format."),
                refusals: &[],
            },
            meta::metrics,
        )
        .endpoint(
            Endpoint {
                method: Method::Get,
                path: "/openapi.json",
                operation_id: "openapi",
                summary: "This document",
                description: "",
                access: Access::Public,
                path_params: &[],
                query: None,
                request: Content::None,
                response: Content::Other("application/json", "OpenAPI 3.1."),
                refusals: &[],
            },
            meta::openapi,
        )
}

/// The OpenAPI document of [`api`], generated once.
pub fn openapi_json() -> &'static str {
    static DOCUMENT: OnceLock<String> = OnceLock::new();
    DOCUMENT.get_or_init(|| {
        serde_json::to_string_pretty(&api().document())
            .unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
    })
}

/// What the fallback answers: a path no endpoint serves.
pub const NO_SUCH_ENDPOINT: &str = "no such endpoint";

/// The application's router.
pub fn router(state: Arc<AppState>) -> Router {
    api()
        .into_router()
        .merge(crate::web::router())
        .fallback(|| async { ApiError::new(Refusal::NotFound, NO_SUCH_ENDPOINT) })
        .with_state(state)
}

/// Reads a request body of at most `limit` bytes; a longer one is refused with `too_large`
/// before it is all read.
pub async fn read_body(body: Body, limit: usize) -> Result<Bytes, ApiError> {
    axum::body::to_bytes(body, limit).await.map_err(|_| {
        ApiError::new(
            Refusal::TooLarge,
            format!("the request body is larger than {limit} bytes"),
        )
    })
}
