//! The account's devices, a device's timeline (paginated) and current capabilities, over the
//! signed API.
//!
//! Devices are named by opaque handles. A device the caller may not read (another account's,
//! not shared with a group of theirs) answers exactly like a device that does not exist:
//! `404`, so a key cannot even learn whether it exists. Every read of a device's data is
//! written in its owner's access log.

use std::sync::Arc;

use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, Method, Uri};
use axum::Json;
use serde::{Deserialize, Serialize};
use sqlx::Row as _;

use lucarne_profiles::compare::{Alert, ChangeEvent};
use lucarne_profiles::Capability;
use lucarne_proof::wire::{DeviceItem, DeviceList, Refusal};

use crate::accounts::{self, DeviceRef};
use crate::auth::{authenticate, Caller};
use crate::db::now_unix;
use crate::error::ApiError;
use crate::state::AppState;
use crate::timeline::{self, DEFAULT_PAGE};

/// An alert left by a refused upload (replay, rollback, fork).
pub type RefusalAlert = lucarne_proof::wire::RefusalAlert<Alert>;

/// `GET /api/v1/devices/{handle}/timeline`.
pub type Timeline = lucarne_proof::wire::Timeline<ChangeEvent, Alert>;

/// `GET /api/v1/devices/{handle}/capabilities`.
#[derive(Debug, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Capabilities {
    /// The device's handle.
    pub handle: String,
    /// Leaf index of the snapshot analysed.
    pub leaf_index: u64,
    /// What the administration can do now.
    pub capabilities: Vec<Capability>,
}

/// Query of the timeline.
#[derive(Debug, Default, Deserialize, schemars::JsonSchema)]
pub struct TimelineQuery {
    /// Only entries older than this leaf index.
    pub before: Option<u64>,
    /// Page size (at most 200).
    pub limit: Option<u32>,
}

fn unknown_device() -> ApiError {
    ApiError::new(Refusal::UnknownDevice, "no such device for this key")
}

/// The device the caller may read, after logging the read in its owner's access log.
async fn device_for(
    state: &AppState,
    caller: &Caller,
    handle: &str,
    what: &str,
) -> Result<DeviceRef, ApiError> {
    let mut conn = state.db.pool.acquire().await?;
    let (device, _) = accounts::readable(&mut conn, &caller.account_id, handle)
        .await
        .map_err(ApiError::internal)?
        .ok_or_else(unknown_device)?;
    accounts::log_access(
        &mut conn,
        handle,
        &caller.account_id,
        what,
        "api",
        now_unix(),
    )
    .await
    .map_err(ApiError::internal)?;
    Ok(device)
}

/// Handler of the device list.
pub async fn list(
    State(state): State<Arc<AppState>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
) -> Result<Json<DeviceList>, ApiError> {
    let caller = authenticate(&state, &method, &uri, &headers, b"").await?;
    let mut conn = state.db.pool.acquire().await?;
    let devices = accounts::devices_of(&mut conn, &caller.account_id)
        .await
        .map_err(ApiError::internal)?;
    Ok(Json(DeviceList {
        devices: devices
            .into_iter()
            .map(|d| DeviceItem {
                handle: d.handle,
                device_id: d.device_id,
            })
            .collect(),
    }))
}

/// Reads `before` and `limit` from the query string; anything else is refused.
fn timeline_query(uri: &Uri) -> Result<TimelineQuery, ApiError> {
    let [before, limit] = query_params(uri, ["before", "limit"])?;
    Ok(TimelineQuery {
        before: before
            .map(|v| {
                v.parse()
                    .map_err(|_| malformed("`before` is not a leaf index"))
            })
            .transpose()?,
        limit: limit
            .map(|v| v.parse().map_err(|_| malformed("`limit` is not a number")))
            .transpose()?,
    })
}

/// The values of a query string's parameters `names`, in their order. An unknown parameter
/// or one given twice is refused: a signed request means exactly what it says.
fn query_params<'u, const N: usize>(
    uri: &'u Uri,
    names: [&str; N],
) -> Result<[Option<&'u str>; N], ApiError> {
    let mut values = [None; N];
    for pair in uri
        .query()
        .unwrap_or_default()
        .split('&')
        .filter(|p| !p.is_empty())
    {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        let Some(slot) = names.iter().position(|n| *n == name) else {
            return Err(malformed(format!(
                "unknown query parameter `{}`",
                name.chars().take(40).collect::<String>()
            )));
        };
        if values[slot].replace(value).is_some() {
            return Err(malformed(format!("`{name}` given twice")));
        }
    }
    Ok(values)
}

fn malformed(message: impl Into<String>) -> ApiError {
    ApiError::new(Refusal::MalformedRequest, message)
}

/// The handle of the path, once the caller is authenticated. One that cannot be read (its
/// percent-encoding is not UTF-8) names no device: `unknown_device` like any other, in the
/// API's JSON, not axum's plain-text 400 (found by `server/fuzz`, target `signed_request`).
fn handle_of(handle: Result<Path<String>, PathRejection>) -> Result<String, ApiError> {
    handle.map(|Path(h)| h).map_err(|_| unknown_device())
}

/// Handler of the timeline.
pub async fn timeline(
    State(state): State<Arc<AppState>>,
    handle: Result<Path<String>, PathRejection>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
) -> Result<Json<Timeline>, ApiError> {
    let caller = authenticate(&state, &method, &uri, &headers, b"").await?;
    let handle = handle_of(handle)?;
    let query = timeline_query(&uri)?;
    let device = device_for(&state, &caller, &handle, "timeline").await?;
    let mut conn = state.db.pool.acquire().await?;
    let page = timeline::page(
        &mut conn,
        &device.owner,
        &device.device_id,
        query.before,
        query.limit.unwrap_or(DEFAULT_PAGE),
    )
    .await
    .map_err(ApiError::internal)?;
    let mut refusals = Vec::new();
    if query.before.is_none() {
        for row in sqlx::query(
            "SELECT al.at, al.alert FROM device_alerts al JOIN account_keys a ON a.key_id = al.key_id \
             WHERE a.account_id = $1 AND al.device_id = $2 ORDER BY al.id DESC LIMIT 100",
        )
        .bind(&device.owner)
        .bind(&device.device_id)
        .fetch_all(&mut *conn)
        .await?
        {
            refusals.push(RefusalAlert {
                at: row.try_get(0)?,
                alert: serde_json::from_str(&row.try_get::<String, _>(1)?)
                    .map_err(ApiError::internal)?,
            });
        }
    }
    Ok(Json(Timeline {
        handle,
        entries: page.entries,
        next_before: page.next_before,
        refusals,
    }))
}

/// Handler of the capabilities: the facts stored at ingest for the latest snapshot.
pub async fn capabilities(
    State(state): State<Arc<AppState>>,
    handle: Result<Path<String>, PathRejection>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
) -> Result<Json<Capabilities>, ApiError> {
    let caller = authenticate(&state, &method, &uri, &headers, b"").await?;
    let handle = handle_of(handle)?;
    let device = device_for(&state, &caller, &handle, "capabilities").await?;
    let mut conn = state.db.pool.acquire().await?;
    let latest = timeline::latest(&mut conn, &device.owner, &device.device_id)
        .await
        .map_err(ApiError::internal)?
        .ok_or_else(unknown_device)?;
    let analysis = crate::facts::load(&mut conn, &latest.state_sha256, &latest.snapshot_sha256)
        .await
        .map_err(ApiError::internal)?;
    Ok(Json(Capabilities {
        handle,
        leaf_index: latest.leaf_index,
        capabilities: analysis.capabilities,
    }))
}

/// Query of the export.
#[derive(Debug, Default, Deserialize, schemars::JsonSchema)]
pub struct ExportQuery {
    /// First day included, `YYYY-MM-DD` (the day of the agent-signed `taken_at`, UTC).
    pub from: Option<String>,
    /// Last day included, `YYYY-MM-DD`.
    pub to: Option<String>,
    /// Language of the report and letters: `fr` (default) or `en`.
    pub lang: Option<String>,
}

/// Reads `from`, `to` and `lang` from the query string; anything else is refused.
fn export_query(uri: &Uri) -> Result<ExportQuery, ApiError> {
    let [from, to, lang] = query_params(uri, ["from", "to", "lang"])?;
    let kept = |v: Option<&str>| v.map(|v| v.chars().take(40).collect::<String>());
    let out = ExportQuery {
        from: kept(from),
        to: kept(to),
        lang: kept(lang),
    };
    crate::export::check_period(out.from.as_deref(), out.to.as_deref())
        .map_err(|e| malformed(e.to_string()))?;
    if let Some(lang) = &out.lang {
        lang.parse::<lucarne_words::Lang>()
            .map_err(|_| malformed("`lang` is `fr` or `en`"))?;
    }
    Ok(out)
}

/// The HTTP answer of an export: the ZIP as an attachment, never cached.
pub fn zip_response(handle: &str, archive: Vec<u8>) -> axum::response::Response {
    use axum::http::header;
    use axum::response::IntoResponse as _;
    (
        [
            (header::CONTENT_TYPE, "application/zip".to_string()),
            (
                header::CONTENT_DISPOSITION,
                // The handle is hex (checked by `accounts::readable`): nothing to escape.
                format!("attachment; filename=\"lucarne-{handle}.zip\""),
            ),
            (header::CACHE_CONTROL, "no-store".to_string()),
        ],
        archive,
    )
        .into_response()
}

/// Handler of the export: the device's owner only (a group member it is shared with, like
/// anyone else, gets `unknown_device`); written in the access log.
pub async fn export(
    State(state): State<Arc<AppState>>,
    Path(handle): Path<String>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
) -> Result<axum::response::Response, ApiError> {
    let caller = authenticate(&state, &method, &uri, &headers, b"").await?;
    let query = export_query(&uri)?;
    let device = {
        let mut conn = state.db.pool.acquire().await?;
        let device = match accounts::readable(&mut conn, &caller.account_id, &handle)
            .await
            .map_err(ApiError::internal)?
        {
            Some((device, accounts::Access::Owner)) => device,
            _ => return Err(unknown_device()),
        };
        device
    };
    let request = crate::export::ExportRequest {
        from: query.from,
        to: query.to,
        lang: query
            .lang
            .as_deref()
            .and_then(|l| l.parse().ok())
            .unwrap_or_default(),
    };
    match crate::export::build(&state, &device, &request).await {
        Ok(archive) => {
            // Logged once there is something to give, before it is given: a refused or
            // empty export reads out nothing, and a log that fails gives nothing out.
            let mut conn = state.db.pool.acquire().await?;
            accounts::log_access(
                &mut conn,
                &handle,
                &caller.account_id,
                "export",
                "api",
                now_unix(),
            )
            .await
            .map_err(ApiError::internal)?;
            Ok(zip_response(&handle, archive))
        }
        Err(crate::export::ExportError::Empty) => Err(ApiError::new(
            Refusal::NotFound,
            "no snapshot of this device in the chosen period",
        )),
        Err(crate::export::ExportError::BadPeriod(m)) => {
            Err(ApiError::new(Refusal::MalformedRequest, m))
        }
        Err(crate::export::ExportError::Timestamp(m)) => Err(ApiError::new(
            Refusal::Unhealthy,
            format!("the export could not be timestamped: {m}"),
        )),
        Err(crate::export::ExportError::Internal(e)) => Err(ApiError::internal(e)),
    }
}
