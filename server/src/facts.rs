//! Facts computed once, at ingest, and stored by the device state's hash.
//!
//! The analysis of a snapshot depends only on the device's state (not on when it was taken
//! or its place in the chain), so it is stored under the state hash the upload computed: a
//! snapshot of an unchanged device adds nothing, and pages read the stored facts instead of
//! running the analysis again.

use anyhow::Context as _;
use sqlx::{AnyConnection, Row as _};

use lucarne_profiles::analysis::Analysis;
use lucarne_profiles::snapshot::Snapshot;

/// The facts of `state_sha256` are stored already.
pub async fn stored(conn: &mut AnyConnection, state_sha256: &str) -> anyhow::Result<bool> {
    Ok(
        sqlx::query("SELECT 1 FROM device_facts WHERE state_sha256 = $1")
            .bind(state_sha256)
            .fetch_optional(&mut *conn)
            .await?
            .is_some(),
    )
}

/// Stores `analysis` (an `Analysis` as JSON, computed by the upload's own request) under `state_sha256`, unless already stored.
pub async fn store(
    conn: &mut AnyConnection,
    state_sha256: &str,
    analysis: &str,
) -> anyhow::Result<()> {
    sqlx::query(
        "INSERT INTO device_facts (state_sha256, analysis) VALUES ($1, $2) \
         ON CONFLICT (state_sha256) DO NOTHING",
    )
    .bind(state_sha256)
    .bind(analysis)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The stored facts of the state `state_sha256`. A snapshot accepted before facts were
/// stored at ingest (`snapshot_sha256`, its body) gets them computed and stored now, once.
pub async fn load(
    conn: &mut AnyConnection,
    state_sha256: &str,
    snapshot_sha256: &str,
) -> anyhow::Result<Analysis> {
    let row = sqlx::query("SELECT analysis FROM device_facts WHERE state_sha256 = $1")
        .bind(state_sha256)
        .fetch_optional(&mut *conn)
        .await
        .with_context(|| format!("facts of state {state_sha256}"))?;
    if let Some(row) = row {
        let text: String = row.try_get(0)?;
        return serde_json::from_str(&text)
            .with_context(|| format!("facts of state {state_sha256}"));
    }
    let bytes = crate::storage::load_snapshot(conn, snapshot_sha256).await?;
    let snapshot: Snapshot = serde_json::from_slice(&bytes)
        .with_context(|| format!("stored snapshot {snapshot_sha256}"))?;
    let analysis = lucarne_profiles::analysis::analyze_snapshot(&snapshot);
    store(conn, state_sha256, &serde_json::to_string(&analysis)?).await?;
    Ok(analysis)
}
