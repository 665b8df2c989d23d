//! `lucarne-server`: receives the snapshots that officials' agents sign, checks them, keeps
//! them forever in a tamper-evident log, works out what changed and raises alerts.
//!
//! This is the only crate that knows HTTP and SQL. What a snapshot means (diff, analysis)
//! comes from `lucarne-profiles`.
//!
//! # Layout
//! - [`config`]: configuration (defaults, TOML file, environment, flags).
//! - [`db`]: SQLite or PostgreSQL through one `sqlx::Any` code path, embedded migrations.
//! - [`log_key`]: the log's Ed25519 signed-note key, created on first start.
//! - [`tlog`]: the Merkle log (stored hashes, proofs, tiles, signed checkpoints, sequencer).
//! - [`storage`]: snapshots deduplicated by content.
//! - [`ingest`]: the checks an upload goes through (in parallel), its batch, its receipt.
//! - [`sequencer`]: the log's single writer, appending uploads in batches.
//! - [`facts`]: the analysis of each device state, computed once at ingest.
//! - [`auth`]: signed API requests (method, host, path and query, body, time, nonce).
//! - [`accounts`]: officials, their keys and devices (opaque handles), who may read what,
//!   the access log.
//! - [`invite`]: one-time registration codes; [`keys`]: revocation.
//! - [`timeline`]: a device's timeline, a page at a time.
//! - [`timestamps`]: RFC 3161 timestamps of the log's checkpoints, asked periodically.
//! - [`export`]: the evidence export of a device (`lucarne-export/1`), signed by the log key.
//! - [`routes`]: HTTP handlers, one module per group.
//! - [`web`]: the pages officials read (sessions, devices, who looked, groups).
//! - [`metrics`], [`error`], [`state`]: counters, the error type, shared state.
//! - [`limits`]: rate limits (token buckets per address and per key).
//! - [`serve`]: the accept loop (timeouts, connection cap, bytes in flight, caught panics),
//!   running until SIGINT/SIGTERM.

pub mod accounts;
pub mod auth;
pub mod config;
pub mod db;
pub mod error;
pub mod export;
pub mod facts;
pub mod heads;
pub mod ingest;
pub mod invite;
pub mod keys;
pub mod limits;
pub mod log_key;
pub mod metrics;
pub mod routes;
pub mod sequencer;
pub mod serve;
pub mod state;
pub mod storage;
pub mod timeline;
pub mod timestamps;
pub mod tlog;
pub mod web;

pub use config::Config;
pub use state::AppState;
