//! Groups: an official creates one, invites existing accounts, each member shares chosen
//! devices and can withdraw them; the group page compares the shared devices, what only
//! some have first. Nothing of an unshared device appears, not even its existence.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::Form;
use minijinja::context;
use serde::{Deserialize, Serialize};
use sqlx::{AnyConnection, Row as _};

use lucarne_profiles::capability::Param;
use lucarne_profiles::group::{compare_items, DeviceItem, DeviceItems, ItemKind};
use lucarne_words::{Args, Words};

use super::account::{account_label, short_id};
use super::device::shown_name;
use super::render::{see_other, PageContext, WebError};
use crate::accounts::{self, random_hex, Access, DeviceRef};
use crate::db::now_unix;
use crate::facts::{self, ItemsCache};
use crate::state::AppState;

/// Longest group name.
const MAX_NAME_CHARS: usize = 100;

fn valid_id(id: &str) -> bool {
    id.len() == 32 && id.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// The group's name if `account` is a member.
pub(crate) async fn membership(
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
    /// The number of members, or who sent the invitation.
    about: String,
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
                about: words.format("web-group-members", &Args::new().num("count", count as f64)),
            });
        }
        let rows = sqlx::query(
            "SELECT g.group_id, g.name, i.invited_by, a.display_name FROM official_groups g \
             JOIN group_invitations i ON i.group_id = g.group_id \
             LEFT JOIN accounts a ON a.account_id = i.invited_by \
             WHERE i.account_id = $1 ORDER BY g.name",
        )
        .bind(&session.account_id)
        .fetch_all(&mut *conn)
        .await?;
        let mut invitations = Vec::new();
        for row in rows {
            let inviter: String = row.try_get(2)?;
            let inviter_name: Option<String> = row.try_get(3)?;
            invitations.push(GroupLine {
                id: row.try_get(0)?,
                name: row.try_get(1)?,
                about: words.format(
                    "web-groups-invited-by",
                    &Args::new().ours("name", member_label(&words, &inviter, inviter_name.as_deref())),
                ),
            });
        }
        ctx.page("groups.html", context! { groups, invitations })
    }
    .await;
    ctx.respond(result)
}

/// A member as the group's pages list them: their name and the start of their account id
/// (two members may choose the same name; the id tells them apart).
fn member_label(words: &Words, account_id: &str, name: Option<&str>) -> String {
    match name.filter(|n| !n.trim().is_empty()) {
        Some(_) => words.format(
            "web-group-member",
            &Args::new()
                .ours("name", account_label(words, account_id, name))
                .ours("id", short_id(account_id)),
        ),
        None => account_label(words, account_id, None),
    }
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

/// The words of one compared item.
pub fn item_text(words: &Words, item: &DeviceItem) -> String {
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
        ItemKind::Restriction => {
            // Items are made only of restricting values, so the catalogue's sentence of what
            // the key takes away is what the device has; a key it does not know is named.
            let key = param("key");
            lucarne_words::sentences::restriction_meaning(words, &key).unwrap_or_else(|| {
                words.format(
                    "web-group-item-restriction",
                    &Args::new()
                        .outside("key", &key)
                        .outside("value", &param("value")),
                )
            })
        }
    }
}

/// A device shared with a group, with what its comparison reads.
pub struct SharedDevice {
    /// The device.
    pub device: DeviceRef,
    /// The comparable items of its latest state (stored at ingest).
    pub items: Arc<DeviceItems>,
}

/// The latest state (state hash, snapshot hash) of each device of `rows`, which come one
/// per (device, key of its owner that uploaded it), the latest first for each device.
fn latest_per_device(
    rows: Vec<sqlx::any::AnyRow>,
) -> anyhow::Result<Vec<(DeviceRef, String, String)>> {
    let mut out: Vec<(DeviceRef, String, String)> = Vec::with_capacity(rows.len());
    for row in rows {
        let handle: String = row.try_get(0)?;
        if out.last().is_some_and(|(d, _, _)| d.handle == handle) {
            continue;
        }
        out.push((
            DeviceRef {
                handle,
                owner: row.try_get(1)?,
                device_id: row.try_get(2)?,
            },
            row.try_get(3)?,
            row.try_get(4)?,
        ));
    }
    Ok(out)
}

/// The comparable items of each device's latest state, in the devices' order.
async fn with_items(
    conn: &mut AnyConnection,
    cache: &ItemsCache,
    latest: Vec<(DeviceRef, String, String)>,
) -> anyhow::Result<Vec<SharedDevice>> {
    let states: Vec<(&str, &str)> = latest
        .iter()
        .map(|(_, state, snapshot)| (state.as_str(), snapshot.as_str()))
        .collect();
    let items = facts::group_items(conn, cache, &states).await?;
    latest
        .into_iter()
        .map(|(device, state, _)| {
            let items = items
                .get(&state)
                .cloned()
                .ok_or_else(|| anyhow::anyhow!("no facts for state {state}"))?;
            Ok(SharedDevice { device, items })
        })
        .collect()
}

/// The devices shared with a group (by members only: a member who left takes theirs), in
/// the order they were shared, with their latest comparable items: three queries whatever
/// their number, and none for items already parsed in `cache`.
pub async fn shared_devices(
    conn: &mut AnyConnection,
    cache: &ItemsCache,
    group: &str,
) -> anyhow::Result<Vec<SharedDevice>> {
    let rows = sqlx::query(
        "SELECT h.handle, h.account_id, h.device_id, d.last_state_sha256, d.last_snapshot_sha256 \
         FROM device_shares s \
         JOIN device_handles h ON h.handle = s.handle \
         JOIN group_members m ON m.group_id = s.group_id AND m.account_id = h.account_id \
         JOIN account_keys a ON a.account_id = h.account_id \
         JOIN devices d ON d.key_id = a.key_id AND d.device_id = h.device_id \
         WHERE s.group_id = $1 ORDER BY s.shared_at, h.handle, d.last_leaf_index DESC",
    )
    .bind(group)
    .fetch_all(&mut *conn)
    .await?;
    with_items(conn, cache, latest_per_device(rows)?).await
}

/// The reader's own devices, with their latest comparable items (for their names).
async fn own_devices(
    conn: &mut AnyConnection,
    cache: &ItemsCache,
    account: &str,
) -> anyhow::Result<Vec<SharedDevice>> {
    // One row per (device, key of the account that uploaded it), the latest first.
    let rows = sqlx::query(
        "SELECT d.device_id, h.handle, d.last_state_sha256, d.last_snapshot_sha256 \
         FROM devices d JOIN account_keys a ON a.key_id = d.key_id \
         LEFT JOIN device_handles h ON h.account_id = a.account_id AND h.device_id = d.device_id \
         WHERE a.account_id = $1 ORDER BY d.device_id, d.last_leaf_index DESC",
    )
    .bind(account)
    .fetch_all(&mut *conn)
    .await?;
    let mut latest: Vec<(DeviceRef, String, String)> = Vec::with_capacity(rows.len());
    for row in rows {
        let device_id: String = row.try_get(0)?;
        if latest
            .last()
            .is_some_and(|(d, _, _)| d.device_id == device_id)
        {
            continue;
        }
        // A device seen for the first time gets its handle now.
        let handle = match row.try_get::<Option<String>, _>(1)? {
            Some(handle) => handle,
            None => accounts::handle_for(conn, account, &device_id).await?,
        };
        latest.push((
            DeviceRef {
                handle,
                owner: account.to_string(),
                device_id,
            },
            row.try_get(2)?,
            row.try_get(3)?,
        ));
    }
    with_items(conn, cache, latest).await
}

/// Items held by the same devices, said once: on a phone, one card per set of tablets
/// reads far better than one card per item repeating the same tablets.
#[derive(Serialize)]
struct HeldBy {
    count: String,
    holders: String,
    items: Vec<String>,
}

/// The differences of a comparison grouped by who holds them, in the comparison's order
/// (the rarest first).
fn held_by<'a>(
    items: impl Iterator<Item = &'a lucarne_profiles::group::GroupItem>,
    mut describe: impl FnMut(&'a lucarne_profiles::group::GroupItem) -> (String, String, String),
) -> Vec<HeldBy> {
    let mut at: HashMap<&'a [usize], usize> = HashMap::new();
    let mut out: Vec<HeldBy> = Vec::new();
    for item in items {
        let (text, count, holders) = describe(item);
        match at.get(item.holders.as_slice()) {
            Some(&i) => out[i].items.push(text),
            None => {
                at.insert(item.holders.as_slice(), out.len());
                out.push(HeldBy {
                    count,
                    holders,
                    items: vec![text],
                });
            }
        }
    }
    out
}

#[derive(Serialize)]
struct MyDevice {
    handle: String,
    name: String,
    shared: bool,
}

/// A device's name as pages show it, or the words for an unnamed one.
fn device_name(words: &Words, items: &DeviceItems) -> String {
    let name = shown_name(items.name.as_deref());
    if name.is_empty() {
        words.get("web-device-unnamed")
    } else {
        name
    }
}

/// Who holds an item, in words: the devices that have it, or, when more than half do, "all
/// but" those that do not (a line that names 499 of 500 tablets helps nobody on a phone).
fn holders_text(words: &Words, labels: &[String], holders: &[usize]) -> String {
    let named = |indexes: &mut dyn Iterator<Item = usize>| {
        indexes
            .filter_map(|i| labels.get(i).map(String::as_str))
            .collect::<Vec<_>>()
            .join(", ")
    };
    if holders.len() * 2 > labels.len() && holders.len() < labels.len() {
        let mut held = holders.iter().copied().peekable();
        let mut others = (0..labels.len()).filter(|i| {
            while held.next_if(|h| h < i).is_some() {}
            held.peek() != Some(i)
        });
        words.format(
            "web-group-all-but",
            &Args::new().ours("devices", named(&mut others)),
        )
    } else {
        named(&mut holders.iter().copied())
    }
}

/// (account id, display name) of the rows of `query` bound to `group`.
async fn accounts_in(
    conn: &mut AnyConnection,
    query: &'static str,
    group: &str,
) -> anyhow::Result<Vec<(String, Option<String>)>> {
    sqlx::query(query)
        .bind(group)
        .fetch_all(&mut *conn)
        .await?
        .into_iter()
        .map(|row| Ok((row.try_get(0)?, row.try_get(1)?)))
        .collect()
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
        let members = accounts_in(
            &mut conn,
            "SELECT m.account_id, a.display_name FROM group_members m \
             JOIN accounts a ON a.account_id = m.account_id \
             WHERE m.group_id = $1 ORDER BY m.joined_at, m.account_id",
            &group,
        )
        .await?;
        let pending = accounts_in(
            &mut conn,
            "SELECT i.account_id, a.display_name FROM group_invitations i \
             JOIN accounts a ON a.account_id = i.account_id \
             WHERE i.group_id = $1 ORDER BY i.created_at, i.account_id",
            &group,
        )
        .await?;
        let shared = shared_devices(&mut conn, &state.group_items, &group).await?;
        let handles: Vec<&str> = shared.iter().map(|s| s.device.handle.as_str()).collect();
        accounts::log_accesses(
            &mut conn,
            &handles,
            &session.account_id,
            "group",
            "page",
            now_unix(),
        )
        .await?;
        // Owners of shared devices are members (the query joins on membership).
        let owners: HashMap<&str, String> = members
            .iter()
            .map(|(id, name)| (id.as_str(), account_label(&words, id, name.as_deref())))
            .collect();
        // One label per compared device, in the comparison's order.
        let labels: Vec<String> = shared
            .iter()
            .map(|s| {
                let owner = owners
                    .get(s.device.owner.as_str())
                    .cloned()
                    .unwrap_or_else(|| account_label(&words, &s.device.owner, None));
                words.format(
                    "web-group-device",
                    &Args::new()
                        .ours("name", device_name(&words, &s.items))
                        .ours("owner", owner),
                )
            })
            .collect();
        let pairs: Vec<(&str, &DeviceItems)> = shared
            .iter()
            .map(|s| (s.device.handle.as_str(), s.items.as_ref()))
            .collect();
        let comparison = compare_items(&pairs);
        let total = comparison.members.len();
        let differences = held_by(comparison.differences(), |item| {
            (
                item_text(&words, &item.item),
                words.format(
                    "web-group-holders",
                    &Args::new()
                        .num("count", item.holders.len() as f64)
                        .num("total", total as f64),
                ),
                holders_text(&words, &labels, &item.holders),
            )
        });
        let same: Vec<String> = comparison
            .shared()
            .map(|item| item_text(&words, &item.item))
            .collect();
        let shared_handles: std::collections::HashSet<&str> = handles.iter().copied().collect();
        let mine: Vec<MyDevice> = own_devices(&mut conn, &state.group_items, &session.account_id)
            .await?
            .into_iter()
            .map(|d| MyDevice {
                shared: shared_handles.contains(d.device.handle.as_str()),
                name: device_name(&words, &d.items),
                handle: d.device.handle,
            })
            .collect();
        let is_admin = super::group_codes::is_admin(&mut conn, &group, &session.account_id)
            .await?
            == Some(true);
        let message = match invite.as_deref() {
            Some("sent") => Some(words.get("web-group-invited")),
            Some("unknown") => Some(words.get("web-group-invite-unknown")),
            _ => None,
        };
        ctx.page(
            "group.html",
            context! {
                title => words.format("web-group-title", &Args::new().outside("name", &name)),
                members => words.format("web-group-members", &Args::new().num("count", members.len() as f64)),
                member_names => members
                    .iter()
                    .map(|(id, name)| member_label(&words, id, name.as_deref()))
                    .collect::<Vec<_>>(),
                pending => pending
                    .iter()
                    .map(|(id, name)| member_label(&words, id, name.as_deref()))
                    .collect::<Vec<_>>(),
                group_id => group.clone(),
                devices => labels,
                differences,
                same,
                mine,
                message,
                is_admin,
            },
        )
    }
    .await;
    ctx.respond(result)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_item_most_devices_hold_names_those_that_do_not() {
        let words = Words::new(lucarne_words::Lang::En);
        let labels: Vec<String> = ["A", "B", "C", "D"].map(String::from).to_vec();
        assert_eq!(holders_text(&words, &labels, &[1]), "B");
        assert_eq!(holders_text(&words, &labels, &[0, 3]), "A, D");
        assert_eq!(holders_text(&words, &labels, &[0, 1, 3]), "all but C");
        assert_eq!(holders_text(&words, &labels, &[1, 2, 3]), "all but A");
        assert_eq!(holders_text(&words, &labels, &[0, 1, 2, 3]), "A, B, C, D");
    }

    fn restriction(key: &str) -> DeviceItem {
        let mut params = std::collections::BTreeMap::new();
        params.insert("key".to_string(), Param::Id(key.into()));
        params.insert("value".to_string(), Param::Id("false".into()));
        DeviceItem {
            kind: ItemKind::Restriction,
            key: format!("{key}=false"),
            capability: None,
            topic: None,
            params,
        }
    }

    #[test]
    fn a_restriction_reads_as_what_it_takes_away() {
        let fr = Words::new(lucarne_words::Lang::Fr);
        assert_eq!(
            item_text(&fr, &restriction("allowAirDrop")),
            fr.get("restriction-allowAirDrop")
        );
        assert!(!item_text(&fr, &restriction("allowAirDrop")).contains("allowAirDrop"));
        // A key the catalogue does not know keeps its name, with its value.
        let unknown = item_text(&fr, &restriction("allowSomethingNew"));
        assert!(
            unknown.contains("allowSomethingNew") && unknown.contains("false"),
            "{unknown}"
        );
    }
}
