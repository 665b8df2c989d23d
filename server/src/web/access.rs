//! Who looked: every read of a device's data, shown to its owner only, with the plain
//! statement that the server's operator can read the database without leaving a trace here.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::response::Response;
use minijinja::context;
use serde::Serialize;
use sqlx::Row as _;

use lucarne_words::Args;

use super::device::{describe, readable};
use super::render::{when, PageContext, WebError};
use crate::accounts::Access;
use crate::state::AppState;

/// Lines shown (the latest).
const MAX_ROWS: i64 = 500;

#[derive(Serialize)]
struct Row {
    when: String,
    iso: String,
    who: String,
    what: String,
    via: String,
}

/// `GET /devices/{handle}/access`.
pub async fn page(
    ctx: PageContext,
    State(state): State<Arc<AppState>>,
    Path(handle): Path<String>,
) -> Response {
    let result = async {
        let mut conn = state.db.pool.acquire().await?;
        let (device, access) = readable(&mut conn, &ctx, &handle).await?;
        if access != Access::Owner {
            return Err(WebError::NotFound);
        }
        let words = ctx.words();
        let rows = sqlx::query(
            "SELECT l.at, l.reader_account_id, l.what, l.via, a.display_name FROM access_log l \
             LEFT JOIN accounts a ON a.account_id = l.reader_account_id \
             WHERE l.handle = $1 ORDER BY l.id DESC LIMIT $2",
        )
        .bind(&handle)
        .bind(MAX_ROWS)
        .fetch_all(&mut *conn)
        .await?;
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            let (when, iso) = when(row.try_get(0)?);
            let reader: String = row.try_get(1)?;
            let what: String = row.try_get(2)?;
            let via: String = row.try_get(3)?;
            let reader_name: Option<String> = row.try_get(4)?;
            out.push(Row {
                when,
                iso,
                who: if reader == device.owner {
                    words.get("web-access-you")
                } else {
                    words.format(
                        "web-access-member",
                        &Args::new().ours(
                            "account",
                            super::account::account_label(&words, &reader, reader_name.as_deref()),
                        ),
                    )
                },
                what: words.get(&format!("web-access-what-{what}")),
                via: words.get(&format!("web-access-via-{via}")),
            });
        }
        let described = describe(&mut conn, &device).await?;
        let name = if described.name.is_empty() {
            words.get("web-device-unnamed")
        } else {
            described.name
        };
        ctx.page("access.html", context! { rows => out, handle, name })
    }
    .await;
    ctx.respond(result)
}
