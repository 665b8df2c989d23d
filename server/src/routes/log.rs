//! The log's public face: the checkpoint and tiles at the server root (C2SP tlog-tiles, so
//! monitors and witnesses can follow it), and proofs on demand.

use std::sync::Arc;

use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Json;
use tlog_tiles::Tile;

use lucarne_proof::wire::{
    ConsistencyProof, ConsistencyQuery, InclusionProof, InclusionQuery, Refusal,
};

use crate::error::ApiError;
use crate::state::AppState;
use crate::tlog::{self, TILE_HEIGHT};

fn hexes(hashes: &[tlog_tiles::Hash]) -> Vec<String> {
    hashes.iter().map(|h| hex::encode(h.0)).collect()
}

fn not_found(message: &str) -> ApiError {
    ApiError::new(Refusal::NotFound, message)
}

/// `GET /checkpoint`.
pub async fn checkpoint(State(state): State<Arc<AppState>>) -> Result<Response, ApiError> {
    let mut conn = state.db.pool.acquire().await?;
    let text = tlog::current_checkpoint(&mut conn)
        .await
        .map_err(ApiError::internal)?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/plain; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        text,
    )
        .into_response())
}

/// `GET /tile/<L>/<N>[.p/<W>]` and `GET /tile/entries/<N>[.p/<W>]`.
pub async fn tile(
    State(state): State<Arc<AppState>>,
    path: Result<Path<String>, PathRejection>,
) -> Result<Response, ApiError> {
    // A path whose percent-encoding is not UTF-8 is no tile either (and gets the API's JSON
    // refusal, not axum's plain-text 400).
    let Ok(Path(path)) = path else {
        return Err(not_found("not a tile path"));
    };
    // tlog_tiles parses Go's `tile/H/L/N` paths, where entry bundles are `data`; C2SP paths
    // carry no height (always 8) and call them `entries`.
    let (go_path, is_entries) = match path.strip_prefix("entries/") {
        Some(rest) => (format!("tile/{TILE_HEIGHT}/data/{rest}"), true),
        None => (format!("tile/{TILE_HEIGHT}/{path}"), false),
    };
    if !plausible_tile_path(&path) {
        return Err(not_found("not a tile path"));
    }
    let tile = Tile::from_path(&go_path).map_err(|_| not_found("not a tile path"))?;
    let mut conn = state.db.pool.acquire().await?;
    let size = tlog::tree_size(&mut conn)
        .await
        .map_err(ApiError::internal)?;
    // The tile exists when the tree holds every hash it covers at its level.
    let level_shift = u32::from(tile.level()) * u32::from(TILE_HEIGHT);
    let available = size.checked_shr(level_shift).unwrap_or(0);
    let width = u64::from(tile.width());
    let end = tile
        .level_index()
        .checked_mul(1 << TILE_HEIGHT)
        .and_then(|start| start.checked_add(width))
        .ok_or_else(|| not_found("tile out of range"))?;
    if end > available || (is_entries && tile.level() != 0) {
        return Err(not_found("the log has no such tile yet"));
    }
    let data = if is_entries {
        tlog::entry_bundle(&mut conn, end - width, width).await
    } else {
        tlog::tile_hashes(&mut conn, &tile).await
    }
    .map_err(ApiError::internal)?;
    let cache = if width == 1 << TILE_HEIGHT {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    Ok((
        [
            (header::CONTENT_TYPE, "application/octet-stream"),
            (header::CACHE_CONTROL, cache),
        ],
        data,
    )
        .into_response())
}

/// Whether `path` (after `/tile/`) has a level and a width that `tlog_tiles` accepts without
/// panicking: its `Tile::new` asserts (`invalid tile`) on a width of 0 or a level of 64 or
/// more, and its index arithmetic overflows for levels whose hashes cannot exist. A tree of
/// at most 2^63 leaves has hash tiles up to level 7; a partial tile has 1 to 255 hashes.
fn plausible_tile_path(path: &str) -> bool {
    let rest = match path.strip_prefix("entries/") {
        Some(rest) => rest,
        None => {
            let Some((level, rest)) = path.split_once('/') else {
                return false;
            };
            let level_ok = !level.is_empty()
                && level.len() <= 1
                && level.bytes().all(|b| b.is_ascii_digit())
                && level
                    .parse::<u8>()
                    .is_ok_and(|l| u32::from(l) * u32::from(TILE_HEIGHT) < 64);
            if !level_ok {
                return false;
            }
            rest
        }
    };
    match rest.rsplit_once(".p/") {
        None => true,
        Some((_, width)) => {
            width.len() <= 3
                && width.bytes().all(|b| b.is_ascii_digit())
                && width
                    .parse::<u32>()
                    .is_ok_and(|w| (1..(1 << TILE_HEIGHT)).contains(&w))
        }
    }
}

/// `GET /api/v1/log/inclusion?leaf_index=I&tree_size=N`.
pub async fn inclusion(
    State(state): State<Arc<AppState>>,
    query: Result<Query<InclusionQuery>, QueryRejection>,
) -> Result<Json<InclusionProof>, ApiError> {
    let Query(q) = query.map_err(|_| {
        ApiError::new(
            Refusal::MalformedRequest,
            "expected leaf_index and tree_size",
        )
    })?;
    let mut conn = state.db.pool.acquire().await?;
    let size = tlog::tree_size(&mut conn)
        .await
        .map_err(ApiError::internal)?;
    if q.tree_size > size || q.leaf_index >= q.tree_size {
        return Err(ApiError::new(
            Refusal::OutOfRange,
            format!("need leaf_index < tree_size <= {size}"),
        ));
    }
    let proof = tlog::inclusion_proof(&mut conn, q.leaf_index, q.tree_size)
        .await
        .map_err(ApiError::internal)?;
    Ok(Json(InclusionProof {
        proof: hexes(&proof),
    }))
}

/// `GET /api/v1/log/consistency?from=M&to=N`.
pub async fn consistency(
    State(state): State<Arc<AppState>>,
    query: Result<Query<ConsistencyQuery>, QueryRejection>,
) -> Result<Json<ConsistencyProof>, ApiError> {
    let Query(q) =
        query.map_err(|_| ApiError::new(Refusal::MalformedRequest, "expected from and to"))?;
    let mut conn = state.db.pool.acquire().await?;
    let size = tlog::tree_size(&mut conn)
        .await
        .map_err(ApiError::internal)?;
    if q.from > q.to || q.to > size {
        return Err(ApiError::new(
            Refusal::OutOfRange,
            format!("need from <= to <= {size}"),
        ));
    }
    // Every tree extends the empty tree and itself: those proofs are empty (an agent registered
    // on an empty log asks for `from=0`).
    let proof = if q.from == 0 || q.from == q.to {
        Vec::new()
    } else {
        tlog::consistency_proof(&mut conn, q.from, q.to)
            .await
            .map_err(ApiError::internal)?
    };
    Ok(Json(ConsistencyProof {
        from: q.from,
        to: q.to,
        proof: hexes(&proof),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_tiles_that_can_exist_reach_tlog_tiles() {
        for bad in [
            "0/000.p/0",
            "255/000",
            "64/000",
            "8/000",
            "entries/000.p/0",
            "0/000.p/256",
            "0/000.p/",
            "/000",
            "",
            "00/000",
            "0/000.p/-1",
        ] {
            assert!(!plausible_tile_path(bad), "{bad}");
        }
        for good in [
            "0/000",
            "0/000.p/4",
            "7/x001/002",
            "entries/000.p/255",
            "1/000.p/1",
        ] {
            assert!(plausible_tile_path(good), "{good}");
        }
    }
}
