//! Accounts: an official, the agent keys they hold, their devices and who may read them.
//!
//! A device is keyed by (account, UDID): the same iPad read from two computers of one
//! official is one device. URLs name a device by an opaque random handle, never its UDID.
//! A device is readable by its owner, and by the members of a group its owner shared it
//! with; to anyone else it answers exactly like a device that does not exist.

use ring::rand::SecureRandom as _;
use sqlx::{AnyConnection, Row as _};

/// A random value of `bytes` bytes, in lower-case hex.
pub fn random_hex(bytes: usize) -> anyhow::Result<String> {
    let mut buf = vec![0u8; bytes];
    ring::rand::SystemRandom::new()
        .fill(&mut buf)
        .map_err(|_| anyhow::anyhow!("no system randomness"))?;
    Ok(hex::encode(buf))
}

/// Creates an account holding `key_id` (a registration); returns its id.
pub async fn create_for_key(
    conn: &mut AnyConnection,
    key_id: &str,
    now: i64,
) -> anyhow::Result<String> {
    let account_id = random_hex(16)?;
    sqlx::query("INSERT INTO accounts (account_id, created_at) VALUES ($1, $2)")
        .bind(&account_id)
        .bind(now)
        .execute(&mut *conn)
        .await?;
    add_key(conn, &account_id, key_id, now).await?;
    Ok(account_id)
}

/// Adds an agent key to an account (a second computer).
pub async fn add_key(
    conn: &mut AnyConnection,
    account_id: &str,
    key_id: &str,
    now: i64,
) -> anyhow::Result<()> {
    sqlx::query("INSERT INTO account_keys (key_id, account_id, added_at) VALUES ($1, $2, $3)")
        .bind(key_id)
        .bind(account_id)
        .bind(now)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Makes `account_id` a member of `group_id` (a group admin's registration code); returns
/// the group's name.
pub async fn join_group(
    conn: &mut AnyConnection,
    group_id: &str,
    account_id: &str,
    now: i64,
) -> anyhow::Result<String> {
    sqlx::query(
        "INSERT INTO group_members (group_id, account_id, joined_at) VALUES ($1, $2, $3) \
         ON CONFLICT (group_id, account_id) DO NOTHING",
    )
    .bind(group_id)
    .bind(account_id)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    let row = sqlx::query("SELECT name FROM official_groups WHERE group_id = $1")
        .bind(group_id)
        .fetch_one(&mut *conn)
        .await?;
    Ok(row.try_get(0)?)
}

/// One device of an account, as lists show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceRef {
    /// Opaque handle used in URLs.
    pub handle: String,
    /// The account that owns it.
    pub owner: String,
    /// Its UDID (never shown in a URL).
    pub device_id: String,
}

/// The handle of (account, device), created on first use.
pub async fn handle_for(
    conn: &mut AnyConnection,
    account_id: &str,
    device_id: &str,
) -> anyhow::Result<String> {
    let existing =
        sqlx::query("SELECT handle FROM device_handles WHERE account_id = $1 AND device_id = $2")
            .bind(account_id)
            .bind(device_id)
            .fetch_optional(&mut *conn)
            .await?;
    if let Some(row) = existing {
        return Ok(row.try_get(0)?);
    }
    let handle = random_hex(12)?;
    sqlx::query(
        "INSERT INTO device_handles (handle, account_id, device_id) VALUES ($1, $2, $3) \
         ON CONFLICT (account_id, device_id) DO NOTHING",
    )
    .bind(&handle)
    .bind(account_id)
    .bind(device_id)
    .execute(&mut *conn)
    .await?;
    // A concurrent request may have created it first: read back whichever won.
    let row =
        sqlx::query("SELECT handle FROM device_handles WHERE account_id = $1 AND device_id = $2")
            .bind(account_id)
            .bind(device_id)
            .fetch_one(&mut *conn)
            .await?;
    Ok(row.try_get(0)?)
}

/// The devices any key of the account uploaded, with their handles, in UDID order.
pub async fn devices_of(
    conn: &mut AnyConnection,
    account_id: &str,
) -> anyhow::Result<Vec<DeviceRef>> {
    let rows = sqlx::query(
        "SELECT DISTINCT d.device_id FROM devices d JOIN account_keys a ON a.key_id = d.key_id \
         WHERE a.account_id = $1 ORDER BY d.device_id",
    )
    .bind(account_id)
    .fetch_all(&mut *conn)
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let device_id: String = row.try_get(0)?;
        let handle = handle_for(conn, account_id, &device_id).await?;
        out.push(DeviceRef {
            handle,
            owner: account_id.to_string(),
            device_id,
        });
    }
    Ok(out)
}

/// How a reader may see a device.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// The reader owns it.
    Owner,
    /// Its owner shared it with a group the reader belongs to.
    Shared,
}

/// The device behind `handle` if `reader` may read it, and how; `None` otherwise (whether
/// it exists or not).
pub async fn readable(
    conn: &mut AnyConnection,
    reader: &str,
    handle: &str,
) -> anyhow::Result<Option<(DeviceRef, Access)>> {
    if handle.len() > 64 || !handle.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Ok(None);
    }
    let Some(row) =
        sqlx::query("SELECT account_id, device_id FROM device_handles WHERE handle = $1")
            .bind(handle)
            .fetch_optional(&mut *conn)
            .await?
    else {
        return Ok(None);
    };
    let device = DeviceRef {
        handle: handle.to_string(),
        owner: row.try_get(0)?,
        device_id: row.try_get(1)?,
    };
    if device.owner == reader {
        return Ok(Some((device, Access::Owner)));
    }
    let shared = sqlx::query(
        "SELECT 1 FROM device_shares s JOIN group_members m ON m.group_id = s.group_id \
         WHERE s.handle = $1 AND m.account_id = $2",
    )
    .bind(handle)
    .bind(reader)
    .fetch_optional(&mut *conn)
    .await?
    .is_some();
    Ok(shared.then_some((device, Access::Shared)))
}

/// Writes one line per device in the owners' access logs, in one transaction (a page that
/// reads many devices, such as a group's comparison, pays for one commit, not one each).
pub async fn log_accesses(
    conn: &mut AnyConnection,
    handles: &[&str],
    reader: &str,
    what: &str,
    via: &str,
    now: i64,
) -> anyhow::Result<()> {
    use sqlx::Connection as _;
    let mut tx = conn.begin().await?;
    for handle in handles {
        log_access(&mut tx, handle, reader, what, via, now).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Writes one line of the owner's access log: `reader` read `what` of the device through
/// `via` (`page`, `api`, `export`).
pub async fn log_access(
    conn: &mut AnyConnection,
    handle: &str,
    reader: &str,
    what: &str,
    via: &str,
    now: i64,
) -> anyhow::Result<()> {
    sqlx::query(
        "INSERT INTO access_log (handle, reader_account_id, at, what, via) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(handle)
    .bind(reader)
    .bind(now)
    .bind(what)
    .bind(via)
    .execute(&mut *conn)
    .await?;
    Ok(())
}
