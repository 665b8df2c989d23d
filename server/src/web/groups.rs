//! Groups: an official creates one, invites existing accounts, each member shares chosen
//! devices and can withdraw them; the group page compares the shared devices, what only
//! some have first. Nothing of an unshared device appears, not even its existence.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::Form;
use minijinja::context;
use serde::{Deserialize, Serialize};
use sqlx::{AnyConnection, Row as _};

use lucarne_profiles::analysis::Analysis;
use lucarne_profiles::capability::Param;
use lucarne_profiles::group::{compare_group, GroupItem, ItemKind};
use lucarne_words::{Args, Words};

use super::device::{describe, Described};
use super::render::{see_other, PageContext, WebError};
use crate::accounts::{self, random_hex, Access, DeviceRef};
use crate::db::now_unix;
use crate::state::AppState;

/// Longest group name.
const MAX_NAME_CHARS: usize = 100;

fn valid_id(id: &str) -> bool {
    id.len() == 32 && id.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// The group's name if `account` is a member.
async fn membership(
    conn: &mut AnyConnection,
    group: &str,
    account: &str,
) -> Result<String, WebError> {
    if !valid_id(group) {
        return Err(WebError::NotFound);
    }
    let row = sqlx::query(
        "SELECT g.name FROM official_groups g JOIN group_members m ON m.group_id = g.group_id \
         WHERE g.group_id = $1 AND m.account_id = $2",
    )
    .bind(group)
    .bind(account)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(WebError::NotFound)?;
    Ok(row.try_get(0)?)
}

#[derive(Serialize)]
struct GroupLine {
    id: String,
    name: String,
    members: String,
}

/// `GET /groups`.
pub async fn list(ctx: PageContext, State(state): State<Arc<AppState>>) -> Response {
    let result = async {
        let session = ctx.session()?;
        let words = ctx.words();
        let mut conn = state.db.pool.acquire().await?;
        let rows = sqlx::query(
            "SELECT g.group_id, g.name, (SELECT COUNT(*) FROM group_members c WHERE c.group_id = g.group_id) \
             FROM official_groups g JOIN group_members m ON m.group_id = g.group_id \
             WHERE m.account_id = $1 ORDER BY g.name",
        )
        .bind(&session.account_id)
        .fetch_all(&mut *conn)
        .await?;
        let mut groups = Vec::new();
        for row in rows {
            let count: i64 = row.try_get(2)?;
            groups.push(GroupLine {
                id: row.try_get(0)?,
                name: row.try_get(1)?,
                members: words.format("web-group-members", &Args::new().num("count", count as f64)),
            });
        }
        let rows = sqlx::query(
            "SELECT g.group_id, g.name FROM official_groups g JOIN group_invitations i ON i.group_id = g.group_id \
             WHERE i.account_id = $1 ORDER BY g.name",
        )
        .bind(&session.account_id)
        .fetch_all(&mut *conn)
        .await?;
        let mut invitations = Vec::new();
        for row in rows {
            invitations.push(GroupLine {
                id: row.try_get(0)?,
                name: row.try_get(1)?,
                members: String::new(),
            });
        }
        ctx.page("groups.html", context! { groups, invitations })
    }
    .await;
    ctx.respond(result)
}

/// The group creation form.
#[derive(Debug, Deserialize)]
pub struct CreateForm {
    /// CSRF token.
    pub csrf: String,
    /// The group's name.
    pub name: String,
}

/// `POST /groups`.
pub async fn create(
    ctx: PageContext,
    State(state): State<Arc<AppState>>,
    Form(form): Form<CreateForm>,
) -> Response {
    let result = async {
        let session = ctx.form_session(&form.csrf)?;
        let name: String = lucarne_words::neutral::neutralize_to(form.name.trim(), MAX_NAME_CHARS);
        if name.trim().is_empty() {
            return Ok(see_other("/groups"));
        }
        let id = random_hex(16)?;
        let now = now_unix();
        let mut tx = state.db.pool.begin().await?;
        sqlx::query("INSERT INTO official_groups (group_id, name, created_by, created_at) VALUES ($1, $2, $3, $4)")
            .bind(&id)
            .bind(&name)
            .bind(&session.account_id)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        sqlx::query("INSERT INTO group_members (group_id, account_id, joined_at) VALUES ($1, $2, $3)")
            .bind(&id)
            .bind(&session.account_id)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(see_other(&format!("/groups/{id}")))
    }
    .await;
    ctx.respond(result)
}

/// A form with only its CSRF token.
#[derive(Debug, Deserialize)]
pub struct CsrfForm {
    /// CSRF token.
    pub csrf: String,
}

/// `POST /groups/{group}/accept`: accepts an invitation.
pub async fn accept(
    ctx: PageContext,
    State(state): State<Arc<AppState>>,
    Path(group): Path<String>,
    Form(form): Form<CsrfForm>,
) -> Response {
    let result = async {
        let session = ctx.form_session(&form.csrf)?;
        if !valid_id(&group) {
            return Err(WebError::NotFound);
        }
        let mut tx = state.db.pool.begin().await?;
        let removed =
            sqlx::query("DELETE FROM group_invitations WHERE group_id = $1 AND account_id = $2")
                .bind(&group)
                .bind(&session.account_id)
                .execute(&mut *tx)
                .await?;
        if removed.rows_affected() != 1 {
            return Err(WebError::NotFound);
        }
        sqlx::query(
            "INSERT INTO group_members (group_id, account_id, joined_at) VALUES ($1, $2, $3) \
             ON CONFLICT (group_id, account_id) DO NOTHING",
        )
        .bind(&group)
        .bind(&session.account_id)
        .bind(now_unix())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(see_other(&format!("/groups/{group}")))
    }
    .await;
    ctx.respond(result)
}

/// The invitation form.
#[derive(Debug, Deserialize)]
pub struct InviteForm {
    /// CSRF token.
    pub csrf: String,
    /// The invited account's identifier.
    pub account: String,
}

/// `POST /groups/{group}/invitations`: a member invites an existing account.
pub async fn invite(
    ctx: PageContext,
    State(state): State<Arc<AppState>>,
    Path(group): Path<String>,
    Form(form): Form<InviteForm>,
) -> Response {
    let result = async {
        let session = ctx.form_session(&form.csrf)?;
        let mut conn = state.db.pool.acquire().await?;
        membership(&mut conn, &group, &session.account_id).await?;
        let account = form.account.trim().to_ascii_lowercase();
        let exists = account.len() <= 64
            && sqlx::query("SELECT 1 FROM accounts WHERE account_id = $1")
                .bind(&account)
                .fetch_optional(&mut *conn)
                .await?
                .is_some();
        if !exists {
            return Ok(see_other(&format!("/groups/{group}?invite=unknown")));
        }
        let member = sqlx::query("SELECT 1 FROM group_members WHERE group_id = $1 AND account_id = $2")
            .bind(&group)
            .bind(&account)
            .fetch_optional(&mut *conn)
            .await?
            .is_some();
        if !member {
            sqlx::query(
                "INSERT INTO group_invitations (group_id, account_id, invited_by, created_at) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (group_id, account_id) DO NOTHING",
            )
            .bind(&group)
            .bind(&account)
            .bind(&session.account_id)
            .bind(now_unix())
            .execute(&mut *conn)
            .await?;
        }
        Ok(see_other(&format!("/groups/{group}?invite=sent")))
    }
    .await;
    ctx.respond(result)
}

/// The share form.
#[derive(Debug, Deserialize)]
pub struct ShareForm {
    /// CSRF token.
    pub csrf: String,
    /// The device's handle.
    pub device: String,
    /// `share` or `withdraw`.
    pub action: String,
}

/// `POST /groups/{group}/shares`: shares one of my devices with the group, or withdraws it.
pub async fn share(
    ctx: PageContext,
    State(state): State<Arc<AppState>>,
    Path(group): Path<String>,
    Form(form): Form<ShareForm>,
) -> Response {
    let result = async {
        let session = ctx.form_session(&form.csrf)?;
        let mut conn = state.db.pool.acquire().await?;
        membership(&mut conn, &group, &session.account_id).await?;
        match accounts::readable(&mut conn, &session.account_id, &form.device).await? {
            Some((_, Access::Owner)) => {}
            _ => return Err(WebError::NotFound),
        }
        match form.action.as_str() {
            "share" => {
                sqlx::query(
                    "INSERT INTO device_shares (group_id, handle, shared_at) VALUES ($1, $2, $3) \
                     ON CONFLICT (group_id, handle) DO NOTHING",
                )
                .bind(&group)
                .bind(&form.device)
                .bind(now_unix())
                .execute(&mut *conn)
                .await?;
            }
            "withdraw" => {
                sqlx::query("DELETE FROM device_shares WHERE group_id = $1 AND handle = $2")
                    .bind(&group)
                    .bind(&form.device)
                    .execute(&mut *conn)
                    .await?;
            }
            _ => return Err(WebError::Forbidden),
        }
        Ok(see_other(&format!("/groups/{group}#share")))
    }
    .await;
    ctx.respond(result)
}

/// Query of the group page.
#[derive(Debug, Default, Deserialize)]
pub struct GroupQuery {
    /// Outcome of an invitation: `sent` or `unknown`.
    pub invite: Option<String>,
}

#[derive(Serialize)]
struct ItemLine {
    text: String,
    count: String,
    holders: String,
}

#[derive(Serialize)]
struct MyDevice {
    handle: String,
    name: String,
    shared: bool,
}

/// The words of one compared item.
pub fn item_text(words: &Words, item: &GroupItem) -> String {
    let param = |name: &str| {
        item.params
            .get(name)
            .and_then(Param::as_str)
            .unwrap_or_default()
            .to_string()
    };
    let named = |id: &str, fallback: &str| {
        let name = param("name");
        let name = if name.is_empty() {
            param(fallback)
        } else {
            name
        };
        words.format(id, &Args::new().outside("name", &name))
    };
    match item.kind {
        ItemKind::Capability => lucarne_words::sentences::capability_text(
            words,
            item.capability.as_deref().unwrap_or_default(),
            &item.params,
        ),
        ItemKind::App => named("web-group-item-app", "bundle"),
        ItemKind::Profile => named("web-group-item-profile", "identifier"),
        ItemKind::TrustAnchor => named("web-group-item-anchor", "subject"),
        ItemKind::Restriction => words.format(
            "web-group-item-restriction",
            &Args::new()
                .outside("key", &param("key"))
                .outside("value", &param("value")),
        ),
    }
}

/// The shared devices of a group, with their names and latest facts, read in one query
/// (a device whose facts predate their storage at ingest gets them computed once).
pub async fn shared_devices(
    conn: &mut AnyConnection,
    group: &str,
) -> anyhow::Result<Vec<(DeviceRef, String, Analysis)>> {
    // One row per (device, key of its owner that uploaded it): the latest comes first.
    let rows = sqlx::query(
        "SELECT h.handle, h.account_id, h.device_id, f.analysis FROM device_shares s \
         JOIN device_handles h ON h.handle = s.handle \
         JOIN group_members m ON m.group_id = s.group_id AND m.account_id = h.account_id \
         JOIN account_keys a ON a.account_id = h.account_id \
         JOIN devices d ON d.key_id = a.key_id AND d.device_id = h.device_id \
         LEFT JOIN device_facts f ON f.state_sha256 = d.last_state_sha256 \
         WHERE s.group_id = $1 ORDER BY s.shared_at, h.handle, d.last_leaf_index DESC",
    )
    .bind(group)
    .fetch_all(&mut *conn)
    .await?;
    let mut out: Vec<(DeviceRef, String, Analysis)> = Vec::with_capacity(rows.len());
    for row in rows {
        let device = DeviceRef {
            handle: row.try_get(0)?,
            owner: row.try_get(1)?,
            device_id: row.try_get(2)?,
        };
        if out
            .last()
            .is_some_and(|(d, _, _)| d.handle == device.handle)
        {
            continue;
        }
        let described = match row.try_get::<Option<String>, _>(3)? {
            Some(text) => {
                let analysis: Analysis = serde_json::from_str(&text)?;
                Described {
                    name: super::device::display_name(&analysis),
                    analysis,
                }
            }
            None => describe(conn, &device).await?,
        };
        out.push((device, described.name, described.analysis));
    }
    Ok(out)
}

/// `GET /groups/{group}`.
pub async fn page(
    ctx: PageContext,
    State(state): State<Arc<AppState>>,
    Path(group): Path<String>,
    Query(query): Query<GroupQuery>,
) -> Response {
    let invite = query.invite;
    let result = async {
        let session = ctx.session()?;
        let words = ctx.words();
        let mut conn = state.db.pool.acquire().await?;
        let name = membership(&mut conn, &group, &session.account_id).await?;
        let count: i64 = sqlx::query("SELECT COUNT(*) FROM group_members WHERE group_id = $1")
            .bind(&group)
            .fetch_one(&mut *conn)
            .await?
            .try_get(0)?;
        let shared = shared_devices(&mut conn, &group).await?;
        let now = now_unix();
        let handles: Vec<&str> = shared.iter().map(|(d, _, _)| d.handle.as_str()).collect();
        accounts::log_accesses(&mut conn, &handles, &session.account_id, "group", "page", now)
            .await?;
        let labels: BTreeMap<&str, String> = shared
            .iter()
            .map(|(d, name, _)| {
                let name = if name.is_empty() {
                    words.get("web-device-unnamed")
                } else {
                    name.clone()
                };
                let label = words.format(
                    "web-group-device",
                    &Args::new()
                        .ours("name", name)
                        .ours("owner", d.owner.chars().take(12).collect::<String>()),
                );
                (d.handle.as_str(), label)
            })
            .collect();
        let members: Vec<(&str, &Analysis)> = shared
            .iter()
            .map(|(d, _, a)| (d.handle.as_str(), a))
            .collect();
        let comparison = compare_group(&members);
        let total = comparison.members.len();
        let line = |item: &GroupItem| ItemLine {
            text: item_text(&words, item),
            count: words.format(
                "web-group-holders",
                &Args::new()
                    .num("count", item.holders.len() as f64)
                    .num("total", total as f64),
            ),
            holders: item
                .holders
                .iter()
                .filter_map(|h| labels.get(h.as_str()).cloned())
                .collect::<Vec<_>>()
                .join(", "),
        };
        let differences: Vec<ItemLine> = comparison.differences().map(line).collect();
        let same: Vec<ItemLine> = comparison.shared().map(line).collect();
        let mut mine = Vec::new();
        for device in accounts::devices_of(&mut conn, &session.account_id).await? {
            let known = shared.iter().find(|(d, _, _)| d.handle == device.handle);
            let name = match known {
                Some((_, name, _)) => name.clone(),
                None => describe(&mut conn, &device).await?.name,
            };
            mine.push(MyDevice {
                shared: known.is_some(),
                name: if name.is_empty() {
                    words.get("web-device-unnamed")
                } else {
                    name
                },
                handle: device.handle,
            });
        }
        let message = match invite.as_deref() {
            Some("sent") => Some(words.get("web-group-invited")),
            Some("unknown") => Some(words.get("web-group-invite-unknown")),
            _ => None,
        };
        ctx.page(
            "group.html",
            context! {
                title => words.format("web-group-title", &Args::new().outside("name", &name)),
                members => words.format("web-group-members", &Args::new().num("count", count as f64)),
                group_id => group.clone(),
                devices => labels.values().cloned().collect::<Vec<_>>(),
                differences,
                same,
                mine,
                message,
            },
        )
    }
    .await;
    ctx.respond(result)
}
