//! One-time registration codes. Only their SHA-256 is stored: a leaked database does not leak
//! usable codes.

use anyhow::Context as _;
use ring::rand::SecureRandom as _;

use crate::db::{now_unix, Database};

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

/// Creates a code valid for `seconds` and returns it, grouped by five for reading.
pub async fn create(db: &Database, seconds: i64) -> anyhow::Result<String> {
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
    let now = now_unix();
    sqlx::query("INSERT INTO invites (code_sha256, created_at, expires_at) VALUES ($1, $2, $3)")
        .bind(code_hash(&code))
        .bind(now)
        .bind(now.saturating_add(seconds))
        .execute(&db.pool)
        .await
        .context("storing the registration code")?;
    Ok(code)
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
