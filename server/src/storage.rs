//! Snapshot storage, deduplicated by content.
//!
//! A snapshot's exact bytes must come back byte for byte (its signature covers them), yet two
//! snapshots of an unchanged device differ only in their time stamp, sequence and previous
//! hash. So the big sections (profiles, apps, restrictions, certificates, privacy report,
//! history) are cut out of the bytes *as they are* (serde_json's `RawValue` gives their exact
//! spans), stored once each as content-addressed blobs, and the rest (the skeleton) is stored
//! with the list of where each section goes back. Splicing them together gives back the
//! exact bytes; this is checked before anything is written.

use anyhow::Context as _;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use sqlx::{AnyConnection, Row as _};

use lucarne_proof::envelope::sha256_hex;

/// The sections stored apart.
#[derive(Deserialize)]
struct Sections<'a> {
    #[serde(borrow, default)]
    profiles: Option<&'a RawValue>,
    #[serde(borrow, default)]
    apps: Option<&'a RawValue>,
    #[serde(borrow, default)]
    restrictions: Option<&'a RawValue>,
    #[serde(borrow, default)]
    certificates: Option<&'a RawValue>,
    #[serde(borrow, default)]
    privacy: Option<&'a RawValue>,
    #[serde(borrow, default)]
    history: Option<&'a RawValue>,
}

/// Where a section goes back into the skeleton.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Splice {
    /// Offset in the skeleton where the section's bytes are inserted.
    at: usize,
    /// Hex SHA-256 of the section's bytes (the blob's key).
    blob: String,
}

/// A snapshot cut into a skeleton and content-addressed sections.
struct Decomposed {
    skeleton: Vec<u8>,
    splices: Vec<Splice>,
    blobs: Vec<(String, Vec<u8>)>,
}

fn decompose(bytes: &[u8]) -> Option<Decomposed> {
    let sections: Sections<'_> = serde_json::from_slice(bytes).ok()?;
    let base = bytes.as_ptr() as usize;
    let mut spans: Vec<(usize, usize)> = [
        sections.profiles,
        sections.apps,
        sections.restrictions,
        sections.certificates,
        sections.privacy,
        sections.history,
    ]
    .into_iter()
    .flatten()
    .filter_map(|raw| {
        let text = raw.get();
        let start = (text.as_ptr() as usize).checked_sub(base)?;
        let end = start.checked_add(text.len())?;
        (end <= bytes.len() && bytes.get(start..end) == Some(text.as_bytes()))
            .then_some((start, end))
    })
    .collect();
    spans.sort_unstable();
    let mut skeleton = Vec::with_capacity(bytes.len());
    let mut splices = Vec::new();
    let mut blobs = Vec::new();
    let mut cursor = 0;
    for (start, end) in spans {
        if start < cursor {
            return None;
        }
        skeleton.extend_from_slice(bytes.get(cursor..start)?);
        let section = bytes.get(start..end)?.to_vec();
        let blob = sha256_hex(&section);
        splices.push(Splice {
            at: skeleton.len(),
            blob: blob.clone(),
        });
        blobs.push((blob, section));
        cursor = end;
    }
    skeleton.extend_from_slice(bytes.get(cursor..)?);
    Some(Decomposed {
        skeleton,
        splices,
        blobs,
    })
}

fn recompose(
    skeleton: &[u8],
    splices: &[Splice],
    blob: impl Fn(&str) -> Option<Vec<u8>>,
) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(skeleton.len());
    let mut cursor = 0;
    for splice in splices {
        out.extend_from_slice(skeleton.get(cursor..splice.at)?);
        out.extend_from_slice(&blob(&splice.blob)?);
        cursor = splice.at;
    }
    out.extend_from_slice(skeleton.get(cursor..)?);
    Some(out)
}

/// Stores `bytes` (whose hex SHA-256 is `sha256`) unless the same content is already stored;
/// returns how many bytes of content this added (skeleton and new sections).
pub async fn store_snapshot(
    conn: &mut AnyConnection,
    sha256: &str,
    bytes: &[u8],
) -> anyhow::Result<u64> {
    let exists = sqlx::query("SELECT 1 FROM snapshot_bodies WHERE sha256 = $1")
        .bind(sha256)
        .fetch_optional(&mut *conn)
        .await?
        .is_some();
    if exists {
        return Ok(0);
    }
    let mut added = 0u64;
    // A body that cannot be cut up exactly is stored whole: correctness before economy.
    let parts = decompose(bytes)
        .filter(|d| {
            recompose(&d.skeleton, &d.splices, |h| {
                d.blobs.iter().find(|(k, _)| k == h).map(|(_, b)| b.clone())
            })
            .as_deref()
                == Some(bytes)
        })
        .unwrap_or_else(|| Decomposed {
            skeleton: bytes.to_vec(),
            splices: Vec::new(),
            blobs: Vec::new(),
        });
    for (hash, blob) in &parts.blobs {
        let inserted = sqlx::query(
            "INSERT INTO blobs (sha256, bytes) VALUES ($1, $2) ON CONFLICT (sha256) DO NOTHING",
        )
        .bind(hash)
        .bind(blob.clone())
        .execute(&mut *conn)
        .await?
        .rows_affected();
        if inserted > 0 {
            added += blob.len() as u64;
        }
    }
    added += parts.skeleton.len() as u64;
    sqlx::query("INSERT INTO snapshot_bodies (sha256, skeleton, sections) VALUES ($1, $2, $3)")
        .bind(sha256)
        .bind(parts.skeleton)
        .bind(serde_json::to_string(&parts.splices)?)
        .execute(&mut *conn)
        .await?;
    Ok(added)
}

/// The exact bytes of the stored snapshot `sha256`, checked against their hash.
pub async fn load_snapshot(conn: &mut AnyConnection, sha256: &str) -> anyhow::Result<Vec<u8>> {
    let row = sqlx::query("SELECT skeleton, sections FROM snapshot_bodies WHERE sha256 = $1")
        .bind(sha256)
        .fetch_one(&mut *conn)
        .await
        .with_context(|| format!("snapshot {sha256}"))?;
    let skeleton: Vec<u8> = row.try_get(0)?;
    let splices: Vec<Splice> = serde_json::from_str(&row.try_get::<String, _>(1)?)?;
    let mut blobs = std::collections::HashMap::new();
    for splice in &splices {
        if !blobs.contains_key(&splice.blob) {
            let bytes: Vec<u8> = sqlx::query("SELECT bytes FROM blobs WHERE sha256 = $1")
                .bind(&splice.blob)
                .fetch_one(&mut *conn)
                .await?
                .try_get(0)?;
            blobs.insert(splice.blob.clone(), bytes);
        }
    }
    let bytes = recompose(&skeleton, &splices, |h| blobs.get(h).cloned())
        .context("stored snapshot sections do not fit their skeleton")?;
    if sha256_hex(&bytes) != sha256 {
        anyhow::bail!("stored snapshot {sha256} does not match its hash");
    }
    Ok(bytes)
}

/// The exact request body of the envelope accepted as leaf `leaf_index`, rebuilt from its
/// stored fields (or its raw bytes when it was not in canonical form) and checked against the
/// hash the log holds.
pub async fn load_envelope(conn: &mut AnyConnection, leaf_index: u64) -> anyhow::Result<Vec<u8>> {
    let row = sqlx::query(
        "SELECT key_id, snapshot_sha256, signature, envelope_raw, envelope_sha256 FROM snapshots WHERE leaf_index = $1",
    )
    .bind(i64::try_from(leaf_index)?)
    .fetch_one(&mut *conn)
    .await
    .with_context(|| format!("envelope of leaf {leaf_index}"))?;
    let envelope_sha256: String = row.try_get(4)?;
    let body = match row.try_get::<Option<Vec<u8>>, _>(3)? {
        Some(raw) => raw,
        None => {
            use base64::Engine as _;
            let snapshot = load_snapshot(conn, &row.try_get::<String, _>(1)?).await?;
            let envelope = lucarne_proof::envelope::Envelope {
                schema: lucarne_proof::envelope::ENVELOPE_SCHEMA.to_string(),
                key_id: row.try_get(0)?,
                snapshot: base64::engine::general_purpose::STANDARD.encode(snapshot),
                signature: row.try_get(2)?,
            };
            serde_json::to_vec(&envelope)?
        }
    };
    if sha256_hex(&body) != envelope_sha256 {
        anyhow::bail!("stored envelope of leaf {leaf_index} does not match its hash");
    }
    Ok(body)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn cut_and_splice_gives_back_the_exact_bytes() {
        let bytes = br#"{ "schema":"x", "profiles" : [ {"a":1} ], "taken_at":"t","apps":[],"restrictions":[{"k":"v"}]}"#;
        let d = decompose(bytes).unwrap();
        assert_eq!(d.blobs.len(), 3);
        assert!(!d.skeleton.windows(7).any(|w| w == b"{\"a\":1}"));
        let back = recompose(&d.skeleton, &d.splices, |h| {
            d.blobs.iter().find(|(k, _)| k == h).map(|(_, b)| b.clone())
        })
        .unwrap();
        assert_eq!(back, bytes);
    }

    #[test]
    fn unchanged_sections_share_their_blobs() {
        let a = decompose(br#"{"taken_at":"1","profiles":[{"p":1}],"apps":[{"b":2}]}"#).unwrap();
        let b = decompose(br#"{"taken_at":"2","profiles":[{"p":1}],"apps":[{"b":2}]}"#).unwrap();
        assert_eq!(a.splices, b.splices);
        assert_ne!(a.skeleton, b.skeleton);
    }
}
