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

/// The devices any key of the account uploaded, with their handles, in UDID order (one
/// query; a device seen for the first time gets its handle created).
pub async fn devices_of(
    conn: &mut AnyConnection,
    account_id: &str,
) -> anyhow::Result<Vec<DeviceRef>> {
    let rows = sqlx::query(
        "SELECT DISTINCT d.device_id, h.handle FROM devices d \
         JOIN account_keys a ON a.key_id = d.key_id \
         LEFT JOIN device_handles h ON h.account_id = a.account_id AND h.device_id = d.device_id \
         WHERE a.account_id = $1 ORDER BY d.device_id",
    )
    .bind(account_id)
    .fetch_all(&mut *conn)
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let device_id: String = row.try_get(0)?;
        let handle = match row.try_get::<Option<String>, _>(1)? {
            Some(handle) => handle,
            None => handle_for(conn, account_id, &device_id).await?,
        };
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

/// Access-log lines written per statement (5 parameters each).
const ACCESS_LINES_PER_INSERT: usize = 100;

/// Writes one line per device in the owners' access logs, in one transaction and a few
/// statements (a page that reads many devices, such as a group's comparison, pays for one
/// commit and one statement per hundred devices, not one each).
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
    for chunk in handles.chunks(ACCESS_LINES_PER_INSERT) {
        let rows: Vec<String> = (0..chunk.len())
            .map(|i| {
                let p = i * 5;
                format!(
                    "(${}, ${}, ${}, ${}, ${})",
                    p + 1,
                    p + 2,
                    p + 3,
                    p + 4,
                    p + 5
                )
            })
            .collect();
        let sql = format!(
            "INSERT INTO access_log (handle, reader_account_id, at, what, via) VALUES {}",
            rows.join(", ")
        );
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        for handle in chunk {
            query = query
                .bind(*handle)
                .bind(reader)
                .bind(now)
                .bind(what)
                .bind(via);
        }
        query.execute(&mut *tx).await?;
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

/// Longest display name, in characters.
pub const MAX_DISPLAY_NAME_CHARS: usize = 60;

/// Why a display name is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DisplayNameError {
    /// Longer than [`MAX_DISPLAY_NAME_CHARS`].
    #[error("display name longer than {MAX_DISPLAY_NAME_CHARS} characters")]
    TooLong,
    /// A control, direction or invisible character, which could make the name pass for
    /// another or for Lucarne's own text.
    #[error("display name with a control, direction or invisible character")]
    Unsafe,
}

/// Characters no display name may hold: controls, direction controls, line separators, the
/// byte-order mark and the zero-width characters that would let two names look the same.
fn refused_in_name(c: char) -> bool {
    lucarne_words::neutral::is_unsafe(c)
        || matches!(c, '\u{200B}'..='\u{200D}' | '\u{2060}'..='\u{2064}' | '\u{00AD}')
}

/// A display name as an official typed it, checked: trimmed, `None` when empty (no name).
pub fn check_display_name(text: &str) -> Result<Option<String>, DisplayNameError> {
    let name = text.trim();
    if name.chars().any(refused_in_name) {
        return Err(DisplayNameError::Unsafe);
    }
    if name.chars().count() > MAX_DISPLAY_NAME_CHARS {
        return Err(DisplayNameError::TooLong);
    }
    Ok((!name.is_empty()).then(|| name.to_string()))
}

/// Sets (or with `None`, removes) the name the members of the account's groups see.
pub async fn set_display_name(
    conn: &mut AnyConnection,
    account_id: &str,
    name: Option<&str>,
) -> anyhow::Result<()> {
    sqlx::query("UPDATE accounts SET display_name = $1 WHERE account_id = $2")
        .bind(name)
        .bind(account_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// The account's display name, if it chose one.
pub async fn display_name(
    conn: &mut AnyConnection,
    account_id: &str,
) -> anyhow::Result<Option<String>> {
    Ok(
        sqlx::query("SELECT display_name FROM accounts WHERE account_id = $1")
            .bind(account_id)
            .fetch_optional(&mut *conn)
            .await?
            .and_then(|row| row.try_get::<Option<String>, _>(0).ok().flatten()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_names_are_bounded_and_free_of_invisible_characters() {
        assert_eq!(
            check_display_name("  Camille Martin  "),
            Ok(Some("Camille Martin".to_string()))
        );
        assert_eq!(check_display_name("   "), Ok(None));
        assert_eq!(
            check_display_name(&"é".repeat(MAX_DISPLAY_NAME_CHARS)),
            Ok(Some("é".repeat(MAX_DISPLAY_NAME_CHARS)))
        );
        assert_eq!(
            check_display_name(&"é".repeat(MAX_DISPLAY_NAME_CHARS + 1)),
            Err(DisplayNameError::TooLong)
        );
        for bad in [
            "Camille\u{202E}nitraM",
            "Cam\u{200B}ille",
            "nul\0",
            "ligne\nVous",
            "\u{2066}x",
            "\u{1b}[2J",
        ] {
            assert_eq!(
                check_display_name(bad),
                Err(DisplayNameError::Unsafe),
                "{bad:?}"
            );
        }
        // Markup is plain text here: the pages escape it.
        assert_eq!(
            check_display_name("<b>Élu</b>"),
            Ok(Some("<b>Élu</b>".to_string()))
        );
    }
}
