//! A device's page (the explanation, the timeline, the chart) and its signed bytes.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use minijinja::context;
use serde::{Deserialize, Serialize};
use sqlx::{AnyConnection, Row as _};

use lucarne_profiles::analysis::Analysis;
use lucarne_profiles::compare::{Alert, Level};
use lucarne_words::explain::{explain, Subject};
use lucarne_words::sentences::{self, message_id};
use lucarne_words::{Args, Words};

use super::chart;
use super::render::{when, PageContext, WebError};
use crate::accounts::{self, Access, DeviceRef};
use crate::db::now_unix;
use crate::state::AppState;
use crate::{facts, storage, timeline};

/// Longest device name shown.
const MAX_NAME_CHARS: usize = 80;
/// Timeline entries per page.
pub const PAGE_ENTRIES: u32 = 30;

/// An alert as pages show it.
#[derive(Debug, Clone, Serialize)]
pub struct AlertView {
    /// `alert`, `warning`, `info` (a CSS class).
    pub level: &'static str,
    /// The level in words.
    pub level_text: String,
    /// The sentence.
    pub text: String,
}

/// The CSS class of a level.
fn level_class(level: Level) -> &'static str {
    match level {
        Level::Alert => "critical",
        Level::Warning => "warning",
        Level::Info => "info",
    }
}

/// An alert in words.
pub fn alert_view(words: &Words, alert: &Alert) -> AlertView {
    AlertView {
        level: level_class(alert.level),
        level_text: words.get(&message_id("level", alert.level.as_str())),
        text: sentences::alert(words, alert),
    }
}

/// What a page needs of a device's latest state.
pub struct Described {
    /// Its name, neutralised and bounded.
    pub name: String,
    /// The facts of its latest snapshot (stored at ingest).
    pub analysis: Analysis,
}

/// A device's name and latest facts.
pub async fn describe(conn: &mut AnyConnection, device: &DeviceRef) -> anyhow::Result<Described> {
    let latest = timeline::latest(conn, &device.owner, &device.device_id)
        .await?
        .ok_or_else(|| anyhow::anyhow!("device {} has no snapshot", device.handle))?;
    let analysis = facts::load(conn, &latest.state_sha256, &latest.snapshot_sha256).await?;
    Ok(Described {
        name: display_name(&analysis),
        analysis,
    })
}

/// The device's name as pages show it: neutralised, bounded; empty when it has none.
pub fn display_name(analysis: &Analysis) -> String {
    shown_name(analysis.device.name.as_deref())
}

/// A device name as the device reported it, as pages show it: neutralised, bounded; empty
/// when it has none.
pub fn shown_name(name: Option<&str>) -> String {
    name.map(|n| lucarne_words::neutral::neutralize_to(n, MAX_NAME_CHARS))
        .filter(|n| !n.trim().is_empty())
        .unwrap_or_default()
}

/// The device `handle` if the session may read it.
pub async fn readable(
    conn: &mut AnyConnection,
    ctx: &PageContext,
    handle: &str,
) -> Result<(DeviceRef, Access), WebError> {
    let session = ctx.session()?;
    accounts::readable(conn, &session.account_id, handle)
        .await?
        .ok_or(WebError::NotFound)
}

/// Query of the device page.
#[derive(Debug, Default, Deserialize)]
pub struct DeviceQuery {
    /// Older timeline entries than this leaf index.
    pub before: Option<u64>,
}

#[derive(Serialize)]
struct ItemView {
    text: String,
    conditions: Vec<String>,
    evidence: Vec<String>,
}

#[derive(Serialize)]
struct SummaryView {
    text: String,
    items: Vec<ItemView>,
}

#[derive(Serialize)]
struct EntryView {
    leaf_index: u64,
    received: String,
    iso: String,
    changes: Vec<AlertView>,
    nothing: String,
}

/// `GET /devices/{handle}`.
pub async fn page(
    ctx: PageContext,
    State(state): State<Arc<AppState>>,
    Path(handle): Path<String>,
    Query(query): Query<DeviceQuery>,
) -> Response {
    let before = query.before;
    let result = render(&ctx, &state, &handle, before).await;
    ctx.respond(result)
}

/// Renders the device page (also what the benchmark measures).
pub async fn render(
    ctx: &PageContext,
    state: &AppState,
    handle: &str,
    before: Option<u64>,
) -> Result<Response, WebError> {
    let mut conn = state.db.pool.acquire().await?;
    let (device, access) = readable(&mut conn, ctx, handle).await?;
    let reader = ctx.session()?.account_id.clone();
    accounts::log_access(&mut conn, handle, &reader, "page", "page", now_unix()).await?;
    let words = ctx.words();
    let described = describe(&mut conn, &device).await?;
    let doc = explain(&described.analysis, Subject::Device, ctx.lang);
    let items: BTreeMap<&str, &lucarne_words::explain::DetailItem> = doc
        .details
        .iter()
        .flat_map(|s| s.items.iter())
        .map(|i| (i.anchor.as_str(), i))
        .collect();
    let summary: Vec<SummaryView> = doc
        .summary
        .iter()
        .map(|line| SummaryView {
            text: line.text.clone(),
            items: line
                .refs
                .iter()
                .filter_map(|r| items.get(r.as_str()))
                .map(|i| ItemView {
                    text: i.text.clone(),
                    conditions: i.conditions.clone(),
                    evidence: i.evidence.clone(),
                })
                .collect(),
        })
        .collect();
    let page = timeline::page(
        &mut conn,
        &device.owner,
        &device.device_id,
        before,
        PAGE_ENTRIES,
    )
    .await?;
    let total = page.entries.len();
    let entries: Vec<EntryView> = page
        .entries
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let (received, iso) = when(e.received_at);
            let mut events: Vec<_> = e.events.iter().collect();
            events.sort_by_key(|e| std::cmp::Reverse(e.level));
            let first = page.next_before.is_none() && i + 1 == total;
            EntryView {
                leaf_index: e.leaf_index,
                received,
                iso,
                changes: events
                    .iter()
                    .map(|ev| AlertView {
                        level: level_class(ev.level),
                        level_text: words.get(&message_id("level", ev.level.as_str())),
                        text: sentences::change(&words, ev),
                    })
                    .collect(),
                nothing: words.get(if first {
                    "web-device-first"
                } else {
                    "web-device-unchanged"
                }),
            }
        })
        .collect();
    let chart = change_chart(&mut conn, &device, &words).await?;
    let name = if described.name.is_empty() {
        words.get("web-device-unnamed")
    } else {
        described.name
    };
    ctx.page(
        "device.html",
        context! {
            name,
            handle,
            doc,
            summary,
            entries,
            chart,
            next_before => page.next_before,
            paged => before.is_some(),
            owner => access == Access::Owner,
            shared => access == Access::Shared,
        },
    )
}

/// Snapshots with changes per day, coloured by their highest alert level.
async fn change_chart(
    conn: &mut AnyConnection,
    device: &DeviceRef,
    words: &Words,
) -> anyhow::Result<Option<chart::Chart>> {
    let rows = sqlx::query(
        "SELECT s.received_at, s.alerts FROM snapshots s JOIN account_keys a ON a.key_id = s.key_id \
         WHERE a.account_id = $1 AND s.device_id = $2 AND s.events <> '[]' \
         ORDER BY s.leaf_index DESC LIMIT 5000",
    )
    .bind(&device.owner)
    .bind(&device.device_id)
    .fetch_all(&mut *conn)
    .await?;
    let mut days: BTreeMap<i64, (u32, u8)> = BTreeMap::new();
    for row in rows {
        let at: i64 = row.try_get(0)?;
        let alerts: String = row.try_get(1)?;
        let level = if alerts.contains("\"level\":\"alert\"") {
            2
        } else if alerts.contains("\"level\":\"warning\"") {
            1
        } else {
            0
        };
        let day = days.entry(at.div_euclid(86_400)).or_insert((0, 0));
        day.0 += 1;
        day.1 = day.1.max(level);
    }
    let days: Vec<chart::Day> = days.into_iter().map(|(d, (n, l))| (d, n, l)).collect();
    Ok(chart::draw(&days, |changes, span, first, last| {
        words.format(
            "web-device-chart-desc",
            &Args::new()
                .num("changes", changes)
                .num("days", span as f64)
                .ours(
                    "from",
                    when(first * 86_400)
                        .0
                        .split(' ')
                        .next()
                        .unwrap_or_default()
                        .to_string(),
                )
                .ours(
                    "to",
                    when(last * 86_400)
                        .0
                        .split(' ')
                        .next()
                        .unwrap_or_default()
                        .to_string(),
                ),
        )
    }))
}

/// `GET /devices/{handle}/snapshots/{leaf}`: the exact envelope the agent signed and the
/// log holds (its leaf hash is the SHA-256 of these bytes).
pub async fn signed_bytes(
    ctx: PageContext,
    State(state): State<Arc<AppState>>,
    Path((handle, leaf)): Path<(String, u64)>,
) -> Response {
    let result = async {
        let mut conn = state.db.pool.acquire().await?;
        let (device, _) = readable(&mut conn, &ctx, &handle).await?;
        let belongs = sqlx::query(
            "SELECT 1 FROM snapshots s JOIN account_keys a ON a.key_id = s.key_id \
             WHERE s.leaf_index = $1 AND a.account_id = $2 AND s.device_id = $3",
        )
        .bind(i64::try_from(leaf).map_err(|_| WebError::NotFound)?)
        .bind(&device.owner)
        .bind(&device.device_id)
        .fetch_optional(&mut *conn)
        .await?
        .is_some();
        if !belongs {
            return Err(WebError::NotFound);
        }
        let reader = ctx.session()?.account_id.clone();
        accounts::log_access(
            &mut conn,
            &handle,
            &reader,
            "snapshot",
            "export",
            now_unix(),
        )
        .await?;
        let bytes = storage::load_envelope(&mut conn, leaf).await?;
        Ok((
            [
                (header::CONTENT_TYPE, "application/json".to_string()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"lucarne-envelope-{leaf}.json\""),
                ),
            ],
            bytes,
        )
            .into_response())
    }
    .await;
    ctx.respond(result)
}
