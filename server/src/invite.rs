//! One-time registration codes. Only their SHA-256 is stored: a leaked database does not leak
//! usable codes.
//!
//! A code also says where the key that registers with it goes ([`CodeTarget`]): a new
//! account (the operator's codes, `lucarne-server invite`), another computer of an existing
//! account (`lucarne add-computer`, a few minutes), or a new account that joins a group (a
//! group admin's codes, from the group page). Each works once, until it expires.

use anyhow::Context as _;
use ring::rand::SecureRandom as _;
use sqlx::{AnyConnection, Row as _};

use crate::db::{now_unix, Database};

/// How long a code of `lucarne add-computer` works: long enough to walk to the other
/// computer and type it, short enough that a code left on a screen soon stops mattering.
pub const COMPUTER_CODE_SECONDS: i64 = 15 * 60;
/// How long a group admin's code works: the time to hand it to a colleague.
pub const GROUP_CODE_SECONDS: i64 = 7 * 86_400;
/// Most codes one account may have waiting (unused, unexpired) at once: asking for more is
/// refused until one is used or expires, so that a key cannot fill the table.
pub const MAX_WAITING_PER_ISSUER: i64 = 5;

/// Where the key that registers with a code goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CodeTarget {
    /// A new account of its own (the operator's codes).
    NewAccount,
    /// This existing account: another computer of the same official.
    Account(String),
    /// A new account that becomes a member of `group_id`; `admin` issued the code.
    Group {
        /// The group joined.
        group_id: String,
        /// The group's admin who issued it.
        admin: String,
    },
}

impl CodeTarget {
    fn columns(&self) -> (Option<&str>, Option<&str>, Option<&str>) {
        match self {
            CodeTarget::NewAccount => (None, None, None),
            CodeTarget::Account(account) => (Some(account), None, Some(account)),
            CodeTarget::Group { group_id, admin } => (None, Some(group_id), Some(admin)),
        }
    }

    /// The target a stored code's `account_id` and `group_id` columns name.
    pub fn from_columns(
        account_id: Option<String>,
        group_id: Option<String>,
        issued_by: Option<String>,
    ) -> CodeTarget {
        match (account_id, group_id) {
            (Some(account), _) => CodeTarget::Account(account),
            (None, Some(group_id)) => CodeTarget::Group {
                group_id,
                admin: issued_by.unwrap_or_default(),
            },
            (None, None) => CodeTarget::NewAccount,
        }
    }
}

/// Letters of a code: no 0/O, 1/I/L, so it can be read aloud or typed from paper.
const ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
/// Letters in a code (~99 bits).
const CODE_LEN: usize = 20;

/// A code as people type it: upper case, without spaces or dashes.
pub fn normalise(code: &str) -> String {
    code.chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .flat_map(char::to_uppercase)
        .collect()
}

/// The stored form of a code.
pub fn code_hash(code: &str) -> String {
    lucarne_proof::envelope::sha256_hex(normalise(code).as_bytes())
}

/// Parses `7d`, `12h`, `30m`, `45s` into seconds.
pub fn parse_duration(text: &str) -> anyhow::Result<i64> {
    let text = text.trim();
    let (number, unit) = text.split_at(
        text.find(|c: char| !c.is_ascii_digit())
            .unwrap_or(text.len()),
    );
    let number: i64 = number
        .parse()
        .with_context(|| format!("`{text}` is not a duration like 7d, 12h, 30m"))?;
    let factor = match unit {
        "d" => 86_400,
        "h" => 3_600,
        "m" => 60,
        "s" | "" => 1,
        other => anyhow::bail!("unknown duration unit `{other}` (use d, h, m or s)"),
    };
    number
        .checked_mul(factor)
        .filter(|s| *s > 0)
        .with_context(|| format!("`{text}` is not a positive duration"))
}

/// A fresh random code, grouped by five letters for reading.
fn new_code() -> anyhow::Result<String> {
    let rng = ring::rand::SystemRandom::new();
    let mut code = String::with_capacity(CODE_LEN + CODE_LEN / 5);
    let mut byte = [0u8; 1];
    while code.chars().filter(|c| *c != '-').count() < CODE_LEN {
        rng.fill(&mut byte)
            .map_err(|_| anyhow::anyhow!("no system randomness"))?;
        // Rejection sampling keeps every letter equally likely.
        let limit = 256 - 256 % ALPHABET.len();
        if usize::from(byte[0]) < limit {
            let n = code.chars().filter(|c| *c != '-').count();
            if n > 0 && n % 5 == 0 {
                code.push('-');
            }
            code.push(char::from(ALPHABET[usize::from(byte[0]) % ALPHABET.len()]));
        }
    }
    Ok(code)
}

/// Creates an operator's code (a new account) valid for `seconds` and returns it.
pub async fn create(db: &Database, seconds: i64) -> anyhow::Result<String> {
    let mut conn = db.pool.acquire().await?;
    create_for(&mut conn, seconds, &CodeTarget::NewAccount).await
}

/// Creates a code valid for `seconds` that puts its key in `target`, and returns it.
pub async fn create_for(
    conn: &mut AnyConnection,
    seconds: i64,
    target: &CodeTarget,
) -> anyhow::Result<String> {
    let code = new_code()?;
    let now = now_unix();
    let (account_id, group_id, issued_by) = target.columns();
    sqlx::query(
        "INSERT INTO invites (code_sha256, created_at, expires_at, account_id, group_id, issued_by) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(code_hash(&code))
    .bind(now)
    .bind(now.saturating_add(seconds))
    .bind(account_id)
    .bind(group_id)
    .bind(issued_by)
    .execute(&mut *conn)
    .await
    .context("storing the registration code")?;
    Ok(code)
}

/// When the soonest of the codes `issuer` has waiting (unused, unexpired) for `group` (its
/// computer codes when `None`) expires, if it has [`MAX_WAITING_PER_ISSUER`] or more; `None`
/// when it may ask for another. Each kind counts apart: an admin's codes for a group never
/// stop them adding a computer of their own.
pub async fn waiting_limit_reached(
    conn: &mut AnyConnection,
    issuer: &str,
    group: Option<&str>,
    now: i64,
) -> anyhow::Result<Option<i64>> {
    let query = sqlx::query(match group {
        None => {
            "SELECT COUNT(*), MIN(expires_at) FROM invites \
             WHERE issued_by = $1 AND used_at IS NULL AND expires_at > $2 AND group_id IS NULL"
        }
        Some(_) => {
            "SELECT COUNT(*), MIN(expires_at) FROM invites \
             WHERE issued_by = $1 AND used_at IS NULL AND expires_at > $2 AND group_id = $3"
        }
    })
    .bind(issuer)
    .bind(now);
    let query = match group {
        Some(group) => query.bind(group),
        None => query,
    };
    let row = query.fetch_one(&mut *conn).await?;
    let count: i64 = row.try_get(0)?;
    let soonest: Option<i64> = row.try_get(1)?;
    Ok((count >= MAX_WAITING_PER_ISSUER).then(|| soonest.unwrap_or(now)))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("7d").unwrap(), 7 * 86_400);
        assert_eq!(parse_duration("12h").unwrap(), 12 * 3_600);
        assert_eq!(parse_duration("90").unwrap(), 90);
        assert!(parse_duration("0d").is_err());
        assert!(parse_duration("3w").is_err());
        assert!(parse_duration("d").is_err());
    }

    #[test]
    fn codes_are_compared_as_typed() {
        assert_eq!(code_hash("abcde-fghjk"), code_hash("ABCDEFGHJK"));
        assert_ne!(code_hash("ABCDE"), code_hash("ABCDF"));
    }
}
