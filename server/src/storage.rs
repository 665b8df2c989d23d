//! Snapshot storage, deduplicated by content.
//!
//! A snapshot's exact bytes must come back byte for byte (its signature covers them), yet two
//! snapshots of an unchanged device differ only in their time stamp, sequence number and
//! previous hash. So a snapshot's bytes are cut, *as they are* (serde_json's `RawValue` gives
//! each top-level value's exact span), into three kinds of piece:
//!
//! - **sections** (`sources`, `device`, `enrolment`, `profiles`, `restrictions`, `apps`,
//!   `certificates`, `privacy`, `history`): content-addressed blobs, stored once each;
//! - **holes** (`taken_at`, `sequence`, `previous_hash`): the values that change at every
//!   snapshot, stored in the snapshot's own row, compactly (a quoted hex SHA-256 as its 32
//!   bytes);
//! - the **frame**: everything else (keys, punctuation, the schema), with where each section
//!   and hole goes back; stored as one more content-addressed blob, the *layout*.
//!
//! An unchanged device's next snapshot therefore adds its holes (about 60 bytes) and nothing
//! else. Splicing the pieces together gives back the exact bytes; this is checked before
//! anything is written, and a body that cannot be cut up exactly is kept whole, as one hole.
//!
//! Rows written before this format (migration 0008) hold a skeleton and a JSON list of
//! splices, and `layout` is NULL: they are read as they were written.
//!
//! Cutting is done in the upload's request ([`plan`]); the sequencer's batch only decides
//! which pieces are new ([`existing`], [`BatchWrites`]) and writes them together.

use std::collections::{HashMap, HashSet};

use anyhow::Context as _;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use sqlx::{AnyConnection, Row as _};

use lucarne_proof::envelope::sha256_hex;

/// The top-level values cut out of a snapshot's bytes, by kind.
#[derive(Deserialize)]
struct TopLevel<'a> {
    #[serde(borrow, default, deserialize_with = "raw")]
    taken_at: Option<&'a RawValue>,
    #[serde(borrow, default, deserialize_with = "raw")]
    sequence: Option<&'a RawValue>,
    #[serde(borrow, default, deserialize_with = "raw")]
    previous_hash: Option<&'a RawValue>,
    #[serde(borrow, default, deserialize_with = "raw")]
    sources: Option<&'a RawValue>,
    #[serde(borrow, default, deserialize_with = "raw")]
    device: Option<&'a RawValue>,
    #[serde(borrow, default, deserialize_with = "raw")]
    enrolment: Option<&'a RawValue>,
    #[serde(borrow, default, deserialize_with = "raw")]
    profiles: Option<&'a RawValue>,
    #[serde(borrow, default, deserialize_with = "raw")]
    restrictions: Option<&'a RawValue>,
    #[serde(borrow, default, deserialize_with = "raw")]
    apps: Option<&'a RawValue>,
    #[serde(borrow, default, deserialize_with = "raw")]
    certificates: Option<&'a RawValue>,
    #[serde(borrow, default, deserialize_with = "raw")]
    privacy: Option<&'a RawValue>,
    #[serde(borrow, default, deserialize_with = "raw")]
    history: Option<&'a RawValue>,
}

/// A top-level value's exact span, `null` included (serde's `Option` would make `null`
/// absent and leave it in the frame: the first snapshot, whose `previous_hash` is `null`,
/// would then have a layout of its own).
fn raw<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<&'de RawValue>, D::Error> {
    <&RawValue>::deserialize(deserializer).map(Some)
}

/// What goes back into the frame at a given offset.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
enum Piece {
    /// A section: the blob of this hex SHA-256.
    Blob { at: usize, sha256: String },
    /// The next hole of the snapshot's row.
    Hole { at: usize },
}

/// The frame of a snapshot and where its pieces go: shared by every snapshot laid out the
/// same way, stored as a blob.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Layout {
    frame: String,
    pieces: Vec<Piece>,
}

/// A legacy splice (rows written before the layout format): a section's blob at an offset
/// of the stored skeleton.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
struct Splice {
    at: usize,
    blob: String,
}

/// A snapshot cut up for storage, made in the upload's request: CPU only, no database.
#[derive(Debug, Clone)]
pub struct Planned {
    /// Hex SHA-256 of the snapshot's exact bytes.
    pub sha256: String,
    /// The layout blob: its hex SHA-256 and bytes.
    layout: (String, Vec<u8>),
    /// The section blobs: hex SHA-256 and bytes.
    sections: Vec<(String, Vec<u8>)>,
    /// The holes, encoded ([`encode_holes`]).
    holes: Vec<u8>,
}

/// Cuts `bytes` (whose hex SHA-256 is `sha256`) into its layout, sections and holes, checked
/// to give back the exact bytes.
pub fn plan(sha256: &str, bytes: &[u8]) -> Planned {
    let cut = decompose(bytes).filter(|(layout, sections, holes)| {
        let blobs: HashMap<&str, &[u8]> = sections
            .iter()
            .map(|(h, b)| (h.as_str(), b.as_slice()))
            .collect();
        rebuild(layout, holes, |h| blobs.get(h).copied()).as_deref() == Some(bytes)
    });
    // A body that cannot be cut up exactly is stored whole: correctness before economy.
    let (layout, sections, holes) = cut.unwrap_or_else(|| {
        (
            Layout {
                frame: String::new(),
                pieces: vec![Piece::Hole { at: 0 }],
            },
            Vec::new(),
            vec![bytes.to_vec()],
        )
    });
    let layout_bytes = serde_json::to_vec(&layout).unwrap_or_default();
    Planned {
        sha256: sha256.to_string(),
        layout: (sha256_hex(&layout_bytes), layout_bytes),
        sections,
        holes: encode_holes(&holes),
    }
}

type Cut = (Layout, Vec<(String, Vec<u8>)>, Vec<Vec<u8>>);

fn decompose(bytes: &[u8]) -> Option<Cut> {
    let top: TopLevel<'_> = serde_json::from_slice(bytes).ok()?;
    let base = bytes.as_ptr() as usize;
    let holes = [top.taken_at, top.sequence, top.previous_hash];
    let sections = [
        top.sources,
        top.device,
        top.enrolment,
        top.profiles,
        top.restrictions,
        top.apps,
        top.certificates,
        top.privacy,
        top.history,
    ];
    let span = |raw: &RawValue| {
        let text = raw.get();
        let start = (text.as_ptr() as usize).checked_sub(base)?;
        let end = start.checked_add(text.len())?;
        (bytes.get(start..end) == Some(text.as_bytes())).then_some((start, end))
    };
    let mut spans: Vec<(usize, usize, bool)> = Vec::new();
    for raw in holes.into_iter().flatten() {
        let (start, end) = span(raw)?;
        spans.push((start, end, true));
    }
    for raw in sections.into_iter().flatten() {
        let (start, end) = span(raw)?;
        spans.push((start, end, false));
    }
    spans.sort_unstable();
    let mut frame = Vec::with_capacity(256);
    let mut pieces = Vec::with_capacity(spans.len());
    let mut blobs = Vec::new();
    let mut hole_bytes = Vec::new();
    let mut cursor = 0;
    for (start, end, is_hole) in spans {
        if start < cursor {
            return None;
        }
        frame.extend_from_slice(bytes.get(cursor..start)?);
        let value = bytes.get(start..end)?.to_vec();
        if is_hole {
            pieces.push(Piece::Hole { at: frame.len() });
            hole_bytes.push(value);
        } else {
            let sha256 = sha256_hex(&value);
            pieces.push(Piece::Blob {
                at: frame.len(),
                sha256: sha256.clone(),
            });
            blobs.push((sha256, value));
        }
        cursor = end;
    }
    frame.extend_from_slice(bytes.get(cursor..)?);
    let frame = String::from_utf8(frame).ok()?;
    Some((Layout { frame, pieces }, blobs, hole_bytes))
}

fn rebuild<'b>(
    layout: &Layout,
    holes: &[Vec<u8>],
    blob: impl Fn(&str) -> Option<&'b [u8]>,
) -> Option<Vec<u8>> {
    let frame = layout.frame.as_bytes();
    let mut out = Vec::with_capacity(frame.len() + holes.iter().map(Vec::len).sum::<usize>());
    let mut cursor = 0;
    let mut next_hole = holes.iter();
    for piece in &layout.pieces {
        let at = match piece {
            Piece::Blob { at, .. } | Piece::Hole { at } => *at,
        };
        out.extend_from_slice(frame.get(cursor..at)?);
        match piece {
            Piece::Blob { sha256, .. } => out.extend_from_slice(blob(sha256)?),
            Piece::Hole { .. } => out.extend_from_slice(next_hole.next()?),
        }
        cursor = at;
    }
    out.extend_from_slice(frame.get(cursor..)?);
    next_hole.next().is_none().then_some(out)
}

/// A hole stored as raw bytes: tag, LEB128 length, bytes.
const HOLE_RAW: u8 = 0;
/// A hole that is a quoted lowercase hex SHA-256 (`previous_hash`): tag, its 32 bytes.
const HOLE_HEX_SHA256: u8 = 1;

/// The holes as stored in the snapshot's row.
fn encode_holes(holes: &[Vec<u8>]) -> Vec<u8> {
    let mut out = Vec::new();
    for hole in holes {
        let hex_digest = hole
            .strip_prefix(b"\"")
            .and_then(|h| h.strip_suffix(b"\""))
            .filter(|h| h.len() == 64 && h.iter().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')))
            .and_then(|h| hex::decode(h).ok());
        match hex_digest {
            Some(digest) => {
                out.push(HOLE_HEX_SHA256);
                out.extend_from_slice(&digest);
            }
            None => {
                out.push(HOLE_RAW);
                let mut len = hole.len();
                loop {
                    let low = (len & 0x7f) as u8;
                    len >>= 7;
                    if len == 0 {
                        out.push(low);
                        break;
                    }
                    out.push(low | 0x80);
                }
                out.extend_from_slice(hole);
            }
        }
    }
    out
}

/// The holes of a stored row; `None` if the bytes are not a list of holes.
fn decode_holes(mut bytes: &[u8]) -> Option<Vec<Vec<u8>>> {
    let mut holes = Vec::new();
    while let Some((&tag, rest)) = bytes.split_first() {
        bytes = rest;
        match tag {
            HOLE_HEX_SHA256 => {
                let digest = bytes.get(..32)?;
                let mut hole = Vec::with_capacity(66);
                hole.push(b'"');
                hole.extend_from_slice(hex::encode(digest).as_bytes());
                hole.push(b'"');
                holes.push(hole);
                bytes = bytes.get(32..)?;
            }
            HOLE_RAW => {
                let mut len = 0usize;
                let mut shift = 0u32;
                loop {
                    let (&byte, rest) = bytes.split_first()?;
                    bytes = rest;
                    len |= usize::from(byte & 0x7f).checked_shl(shift)?;
                    if byte & 0x80 == 0 {
                        break;
                    }
                    shift += 7;
                    if shift > 56 {
                        return None;
                    }
                }
                holes.push(bytes.get(..len)?.to_vec());
                bytes = bytes.get(len..)?;
            }
            _ => return None,
        }
    }
    Some(holes)
}

/// Which of a batch's pieces the database holds already (one query per kind for the
/// whole batch).
#[derive(Debug, Default)]
pub struct Existing {
    bodies: HashSet<String>,
    blobs: HashSet<String>,
}

/// Asks the database which of `planned`'s bodies and blobs it holds already.
pub async fn existing<'p>(
    conn: &mut AnyConnection,
    planned: impl Iterator<Item = &'p Planned>,
) -> anyhow::Result<Existing> {
    let mut bodies = HashSet::new();
    let mut blobs = HashSet::new();
    for p in planned {
        bodies.insert(p.sha256.clone());
        blobs.insert(p.layout.0.clone());
        blobs.extend(p.sections.iter().map(|(h, _)| h.clone()));
    }
    Ok(Existing {
        bodies: present(conn, "snapshot_bodies", bodies).await?,
        blobs: present(conn, "blobs", blobs).await?,
    })
}

/// The keys of `wanted` present in `table`'s `sha256` column.
async fn present(
    conn: &mut AnyConnection,
    table: &'static str,
    wanted: HashSet<String>,
) -> anyhow::Result<HashSet<String>> {
    let wanted: Vec<String> = wanted.into_iter().collect();
    let mut found = HashSet::new();
    for chunk in wanted.chunks(256) {
        let placeholders: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
        // Only a fixed table name and numbered placeholders are formatted in.
        let sql = format!(
            "SELECT sha256 FROM {table} WHERE sha256 IN ({})",
            placeholders.join(",")
        );
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        for key in chunk {
            query = query.bind(key);
        }
        for row in query.fetch_all(&mut *conn).await? {
            found.insert(row.try_get::<String, _>(0)?);
        }
    }
    Ok(found)
}

/// The bodies and blobs a batch adds, written together once its uploads are decided.
#[derive(Debug, Default)]
pub struct BatchWrites {
    bodies: Vec<(String, Vec<u8>, Vec<u8>)>,
    blobs: Vec<(String, Vec<u8>)>,
    taken_bodies: HashSet<String>,
    taken_blobs: HashSet<String>,
}

impl BatchWrites {
    /// Takes an accepted upload's body into the batch; returns how many bytes it adds (its
    /// holes and the blobs neither the database nor the batch holds yet).
    pub fn add(&mut self, existing: &Existing, planned: Planned) -> u64 {
        if existing.bodies.contains(&planned.sha256) || self.taken_bodies.contains(&planned.sha256)
        {
            return 0;
        }
        let mut added = planned.holes.len() as u64;
        let layout_sha256 = hex::decode(&planned.layout.0).unwrap_or_default();
        for (sha256, bytes) in std::iter::once(planned.layout).chain(planned.sections) {
            if !existing.blobs.contains(&sha256) && self.taken_blobs.insert(sha256.clone()) {
                added += bytes.len() as u64;
                self.blobs.push((sha256, bytes));
            }
        }
        self.taken_bodies.insert(planned.sha256.clone());
        self.bodies
            .push((planned.sha256, planned.holes, layout_sha256));
        added
    }

    /// Stores the batch's new blobs and bodies (multi-row inserts, in bounded chunks).
    pub async fn write(&self, conn: &mut AnyConnection) -> anyhow::Result<()> {
        for chunk in self.blobs.chunks(ROWS_PER_INSERT) {
            let sql = format!(
                "INSERT INTO blobs (sha256, bytes) VALUES {} ON CONFLICT (sha256) DO NOTHING",
                crate::db::values_placeholders(chunk.len(), 2)
            );
            // Only numbered placeholders are formatted in; every value is bound.
            let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
            for (sha256, bytes) in chunk {
                query = query.bind(sha256).bind(bytes.clone());
            }
            query.execute(&mut *conn).await?;
        }
        for chunk in self.bodies.chunks(ROWS_PER_INSERT) {
            let sql = format!(
                "INSERT INTO snapshot_bodies (sha256, skeleton, sections, layout) VALUES {} \
                 ON CONFLICT (sha256) DO NOTHING",
                crate::db::values_placeholders(chunk.len(), 4)
            );
            let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
            for (sha256, holes, layout) in chunk {
                query = query
                    .bind(sha256)
                    .bind(holes.clone())
                    .bind("")
                    .bind(layout.clone());
            }
            query.execute(&mut *conn).await?;
        }
        Ok(())
    }
}

/// Rows per multi-row insert: far below both engines' limits on bound values.
const ROWS_PER_INSERT: usize = 200;

async fn load_blob(conn: &mut AnyConnection, sha256: &str) -> anyhow::Result<Vec<u8>> {
    Ok(sqlx::query("SELECT bytes FROM blobs WHERE sha256 = $1")
        .bind(sha256)
        .fetch_one(&mut *conn)
        .await
        .with_context(|| format!("blob {sha256}"))?
        .try_get(0)?)
}

/// The exact bytes of the stored snapshot `sha256`, checked against their hash.
pub async fn load_snapshot(conn: &mut AnyConnection, sha256: &str) -> anyhow::Result<Vec<u8>> {
    let row =
        sqlx::query("SELECT skeleton, sections, layout FROM snapshot_bodies WHERE sha256 = $1")
            .bind(sha256)
            .fetch_one(&mut *conn)
            .await
            .with_context(|| format!("snapshot {sha256}"))?;
    let stored: Vec<u8> = row.try_get(0)?;
    let bytes = match row.try_get::<Option<Vec<u8>>, _>(2)? {
        Some(layout_sha256) => {
            let layout: Layout =
                serde_json::from_slice(&load_blob(conn, &hex::encode(layout_sha256)).await?)
                    .with_context(|| format!("layout of snapshot {sha256}"))?;
            let holes = decode_holes(&stored)
                .with_context(|| format!("stored values of snapshot {sha256}"))?;
            let mut blobs = HashMap::new();
            for piece in &layout.pieces {
                if let Piece::Blob { sha256, .. } = piece {
                    if !blobs.contains_key(sha256) {
                        blobs.insert(sha256.clone(), load_blob(conn, sha256).await?);
                    }
                }
            }
            rebuild(&layout, &holes, |h| blobs.get(h).map(Vec::as_slice))
        }
        None => {
            let splices: Vec<Splice> = serde_json::from_str(&row.try_get::<String, _>(1)?)?;
            let mut blobs = HashMap::new();
            for splice in &splices {
                if !blobs.contains_key(&splice.blob) {
                    blobs.insert(splice.blob.clone(), load_blob(conn, &splice.blob).await?);
                }
            }
            recompose_legacy(&stored, &splices, |h| blobs.get(h).map(Vec::as_slice))
        }
    }
    .context("stored snapshot pieces do not fit their frame")?;
    if sha256_hex(&bytes) != sha256 {
        anyhow::bail!("stored snapshot {sha256} does not match its hash");
    }
    Ok(bytes)
}

fn recompose_legacy<'b>(
    skeleton: &[u8],
    splices: &[Splice],
    blob: impl Fn(&str) -> Option<&'b [u8]>,
) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(skeleton.len());
    let mut cursor = 0;
    for splice in splices {
        out.extend_from_slice(skeleton.get(cursor..splice.at)?);
        out.extend_from_slice(blob(&splice.blob)?);
        cursor = splice.at;
    }
    out.extend_from_slice(skeleton.get(cursor..)?);
    Some(out)
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

    fn back(planned: &Planned) -> Option<Vec<u8>> {
        let layout: Layout = serde_json::from_slice(&planned.layout.1).unwrap();
        let blobs: HashMap<&str, &[u8]> = planned
            .sections
            .iter()
            .map(|(h, b)| (h.as_str(), b.as_slice()))
            .collect();
        rebuild(&layout, &decode_holes(&planned.holes)?, |h| {
            blobs.get(h).copied()
        })
    }

    #[test]
    fn cut_and_splice_gives_back_the_exact_bytes() {
        let bytes = br#"{ "schema":"x", "profiles" : [ {"a":1} ], "taken_at":"t","sequence": 12,"apps":[],"restrictions":[{"k":"v"}]}"#;
        let planned = plan(&sha256_hex(bytes), bytes);
        assert_eq!(planned.sections.len(), 3);
        let layout: Layout = serde_json::from_slice(&planned.layout.1).unwrap();
        assert!(
            !layout.frame.contains("{\"a\":1}") && !layout.frame.contains("12"),
            "{layout:?}"
        );
        assert_eq!(back(&planned).unwrap(), bytes);
    }

    #[test]
    fn unchanged_snapshots_share_layout_and_sections_and_differ_by_their_holes() {
        let previous = "ab".repeat(32);
        let a = r#"{"taken_at":"1","sequence":1,"previous_hash":null,"device":{"n":1},"apps":[{"b":2}]}"#
            .to_string();
        let b = format!(
            r#"{{"taken_at":"2","sequence":2,"previous_hash":"{previous}","device":{{"n":1}},"apps":[{{"b":2}}]}}"#
        );
        let c = format!(
            r#"{{"taken_at":"3","sequence":3,"previous_hash":"{previous}","device":{{"n":1}},"apps":[{{"b":2}}]}}"#
        );
        let [pa, pb, pc] = [&a, &b, &c].map(|s| plan(&sha256_hex(s.as_bytes()), s.as_bytes()));
        assert_eq!(pa.sections, pb.sections);
        assert_eq!(pb.layout, pc.layout);
        // taken_at (3 bytes raw + 2), sequence (1 + 2), previous_hash (32 + 1).
        assert_eq!(pb.holes.len(), 5 + 3 + 33);
        for (planned, bytes) in [(&pa, &a), (&pb, &b), (&pc, &c)] {
            assert_eq!(back(planned).unwrap(), bytes.as_bytes());
        }
    }

    #[test]
    fn a_body_that_cannot_be_cut_is_kept_whole() {
        for bytes in [
            &br#"{"apps":[],"apps":[1]}"#[..],
            b"not json",
            &[0xff, 0xfe, b'{'][..],
        ] {
            let planned = plan(&sha256_hex(bytes), bytes);
            assert!(planned.sections.is_empty());
            assert_eq!(back(&planned).unwrap(), bytes);
        }
    }

    #[test]
    fn holes_round_trip_whatever_their_length_and_bad_ones_are_refused() {
        let long = vec![b'x'; 70_000];
        let holes = vec![
            b"\""
                .iter()
                .chain(b"0".repeat(64).iter())
                .chain(b"\"")
                .copied()
                .collect(),
            b"\"ABCDEF\"".to_vec(),
            long,
            Vec::new(),
        ];
        let encoded = encode_holes(&holes);
        assert_eq!(decode_holes(&encoded).unwrap(), holes);
        assert_eq!(decode_holes(&[HOLE_HEX_SHA256, 1, 2]), None);
        assert_eq!(decode_holes(&[HOLE_RAW, 5, b'a']), None);
        assert_eq!(decode_holes(&[7]), None);
        assert_eq!(
            decode_holes(&[HOLE_RAW, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]),
            None
        );
    }

    #[test]
    fn legacy_rows_still_splice() {
        let splices = vec![Splice {
            at: 1,
            blob: "h".into(),
        }];
        let back = recompose_legacy(b"[]", &splices, |_| Some(&b"1"[..])).unwrap();
        assert_eq!(back, b"[1]");
    }
}
