//! The home page: my devices, each with its latest alerts.

use std::sync::Arc;

use axum::extract::State;
use axum::response::Response;
use minijinja::context;
use serde::Serialize;

use super::device::{alert_view, describe, AlertView};
use super::render::{when, PageContext, WebError};
use crate::accounts;
use crate::state::AppState;
use crate::timeline;

/// Alerts shown per device on the home page.
const HOME_ALERTS: usize = 3;

#[derive(Serialize)]
struct DeviceCard {
    handle: String,
    name: String,
    latest: String,
    alerts: Vec<AlertView>,
}

/// `GET /`.
pub async fn home(
    ctx: PageContext,
    State(state): State<Arc<AppState>>,
) -> axum::response::Response {
    let result = render(&ctx, &state).await;
    ctx.respond(result)
}

async fn render(ctx: &PageContext, state: &AppState) -> Result<Response, WebError> {
    let session = ctx.session()?;
    let words = ctx.words();
    let mut conn = state.db.pool.acquire().await?;
    let mut cards = Vec::new();
    let mut read = Vec::new();
    for device in accounts::devices_of(&mut conn, &session.account_id).await? {
        let described = describe(&mut conn, &device).await?;
        let page = timeline::page(&mut conn, &device.owner, &device.device_id, None, 20).await?;
        let alerts = page
            .entries
            .iter()
            .flat_map(|e| e.alerts.iter())
            .take(HOME_ALERTS)
            .map(|a| alert_view(&words, a))
            .collect();
        let latest = page
            .entries
            .first()
            .map(|e| {
                words.format(
                    "web-home-latest",
                    &lucarne_words::Args::new().ours("date", when(e.received_at).0),
                )
            })
            .unwrap_or_default();
        read.push(device.handle.clone());
        cards.push(DeviceCard {
            handle: device.handle,
            name: described.name,
            latest,
            alerts,
        });
    }
    let handles: Vec<&str> = read.iter().map(String::as_str).collect();
    accounts::log_accesses(
        &mut conn,
        &handles,
        &session.account_id,
        "page",
        "page",
        crate::db::now_unix(),
    )
    .await?;
    ctx.page(
        "home.html",
        context! { devices => cards, account => session.account_id.clone() },
    )
}
