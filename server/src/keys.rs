//! The operator's hold on agent keys.

use crate::db::{now_unix, Database};

/// Revokes `key_id`; `false` when no such unrevoked key exists.
pub async fn revoke(db: &Database, key_id: &str) -> anyhow::Result<bool> {
    let done = sqlx::query(
        "UPDATE agent_keys SET revoked_at = $1 WHERE key_id = $2 AND revoked_at IS NULL",
    )
    .bind(now_unix())
    .bind(key_id.trim().to_ascii_lowercase())
    .execute(&db.pool)
    .await?;
    Ok(done.rows_affected() == 1)
}
