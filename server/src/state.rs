//! What every request handler shares.

use std::sync::Arc;

use anyhow::Context as _;

use crate::config::Config;
use crate::db::Database;
use crate::log_key::LogKey;
use crate::metrics::Metrics;

/// The server's shared state.
#[derive(Debug)]
pub struct AppState {
    /// The database.
    pub db: Database,
    /// The log's signing key.
    pub key: LogKey,
    /// The log's origin line.
    pub origin: String,
    /// Largest accepted envelope body.
    pub max_body_bytes: usize,
    /// Serialises this process's writes that read before they write (uploads, registrations):
    /// SQLite has no row locks, and on PostgreSQL it keeps this process's requests from
    /// queueing on the database lock all at once.
    pub write_lock: tokio::sync::Mutex<()>,
    /// Counters for `/metrics`.
    pub metrics: Metrics,
}

impl AppState {
    /// Opens the database (migrating it), loads or creates the log key, initialises the log.
    pub async fn open(config: &Config) -> anyhow::Result<Arc<AppState>> {
        let key = LogKey::load_or_create(&config.data_dir, &config.origin)?;
        let db = Database::connect(&config.database_url(), config.max_connections).await?;
        let mut conn = db.pool.acquire().await.context("database connection")?;
        crate::tlog::initialise(&mut conn, &key, &config.origin).await?;
        drop(conn);
        Ok(Arc::new(AppState {
            db,
            key,
            origin: config.origin.clone(),
            max_body_bytes: config.max_body_bytes,
            write_lock: tokio::sync::Mutex::new(()),
            metrics: Metrics::default(),
        }))
    }
}
