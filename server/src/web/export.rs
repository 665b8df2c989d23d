//! The evidence export from the device page: the download (`POST`, with the session's CSRF
//! token) and the two draft letters, for the device's owner only. A group member who sees a
//! shared device gets neither: no button on the page, and a refusal if they post anyway.
//! Both are written in the owner's access log.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Form;
use minijinja::context;
use serde::{Deserialize, Serialize};
use sqlx::AnyConnection;

use super::render::{PageContext, WebError};
use crate::accounts::{self, Access, DeviceRef};
use crate::db::now_unix;
use crate::export::{self, ExportError, ExportRequest};
use crate::routes::devices::zip_response;
use crate::state::AppState;

/// The export form of the device page.
#[derive(Debug, Deserialize)]
pub struct ExportForm {
    /// CSRF token.
    pub csrf: String,
    /// First day (`YYYY-MM-DD`), empty for the first snapshot.
    #[serde(default)]
    pub from: String,
    /// Last day, empty for the newest.
    #[serde(default)]
    pub to: String,
    /// Language of the documents (`fr`, `en`); the page's when absent.
    #[serde(default)]
    pub lang: String,
}

/// The device, if the session's account owns it: `Forbidden` for a reader it is shared
/// with, `NotFound` for anyone else.
async fn owned(
    state: &AppState,
    account_id: &str,
    handle: &str,
    what: &str,
    via: &str,
) -> Result<DeviceRef, WebError> {
    let mut conn = state.db.pool.acquire().await?;
    let device = owners_device(&mut conn, account_id, handle).await?;
    accounts::log_access(&mut conn, handle, account_id, what, via, now_unix()).await?;
    Ok(device)
}

/// The device `handle` when `account_id` owns it; a group member is refused, anyone else
/// finds nothing.
async fn owners_device(
    conn: &mut AnyConnection,
    account_id: &str,
    handle: &str,
) -> Result<DeviceRef, WebError> {
    match accounts::readable(conn, account_id, handle).await? {
        Some((device, Access::Owner)) => Ok(device),
        Some((_, Access::Shared)) => Err(WebError::OwnerOnly),
        None => Err(WebError::NotFound),
    }
}

fn period_error(ctx: &PageContext, e: ExportError) -> Result<Response, WebError> {
    let words = ctx.words();
    let (message, status) = match e {
        ExportError::Empty => (
            words.get("web-export-empty"),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        ExportError::BadPeriod(_) => (
            words.get("web-export-bad-period"),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        ExportError::Timestamp(m) => {
            tracing::warn!(reason = %m, "an export could not be timestamped");
            (
                words.get("web-export-no-timestamp"),
                StatusCode::SERVICE_UNAVAILABLE,
            )
        }
        ExportError::Internal(e) => return Err(WebError::Internal(e)),
    };
    let mut response = ctx.page(
        "message.html",
        context! { title => words.get("web-export-title"), message },
    )?;
    *response.status_mut() = status;
    Ok(response)
}

fn non_empty(text: &str) -> Option<String> {
    let text = text.trim();
    (!text.is_empty()).then(|| text.chars().take(40).collect())
}

/// `POST /devices/{handle}/export`: the ZIP, as the API gives it, logged `via = web`.
pub async fn download(
    ctx: PageContext,
    State(state): State<Arc<AppState>>,
    Path(handle): Path<String>,
    Form(form): Form<ExportForm>,
) -> Response {
    let result = async {
        let session = ctx.form_session(&form.csrf)?;
        let request = ExportRequest {
            from: non_empty(&form.from),
            to: non_empty(&form.to),
            lang: form.lang.parse().unwrap_or(ctx.lang),
        };
        if let Err(e) = export::check_period(request.from.as_deref(), request.to.as_deref()) {
            return period_error(&ctx, e);
        }
        // No connection held while the export is built: it takes its own.
        let device = {
            let mut conn = state.db.pool.acquire().await?;
            owners_device(&mut conn, &session.account_id, &handle).await?
        };
        match export::build(&state, &device, &request).await {
            // Logged once there is something to give (an empty period reads out nothing).
            Ok(archive) => {
                let mut conn = state.db.pool.acquire().await?;
                accounts::log_access(
                    &mut conn,
                    &handle,
                    &session.account_id,
                    "export",
                    "web",
                    now_unix(),
                )
                .await?;
                Ok(zip_response(&handle, archive))
            }
            Err(e) => period_error(&ctx, e),
        }
    }
    .await;
    ctx.respond(result)
}

/// One letter as the page shows it.
#[derive(Serialize)]
struct LetterView {
    file: String,
    text: String,
}

/// `GET /devices/{handle}/letters`: the article 15 request and the CNIL complaint the export
/// would hold, over the whole history, in the page's language.
pub async fn letters(
    ctx: PageContext,
    State(state): State<Arc<AppState>>,
    Path(handle): Path<String>,
) -> Response {
    let result = async {
        let account = ctx.session()?.account_id.clone();
        let device = owned(&state, &account, &handle, "letters", "page").await?;
        let request = ExportRequest {
            lang: ctx.lang,
            ..ExportRequest::default()
        };
        let letters = match export::letters(&state, &device, &request).await {
            Ok(letters) => letters,
            Err(e) => return period_error(&ctx, e),
        };
        let letters: Vec<LetterView> = letters
            .into_iter()
            .map(|(file, text)| LetterView { file, text })
            .collect();
        ctx.page("letters.html", context! { handle, letters })
    }
    .await;
    ctx.respond(result)
}
