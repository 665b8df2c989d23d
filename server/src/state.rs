//! What every request handler shares.

use std::sync::Arc;

use anyhow::Context as _;

use crate::config::{Config, Limits};
use crate::db::Database;
use crate::limits::RateLimiter;
use crate::log_key::LogKey;
use crate::metrics::Metrics;
use crate::sequencer::Sequencer;

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
    /// The log's single writer, in batches.
    pub sequencer: Sequencer,
    /// The limits in force.
    pub limits: Limits,
    /// Uploads per client address.
    pub uploads_per_address: RateLimiter,
    /// Uploads per agent key (after its signature verified).
    pub uploads_per_key: RateLimiter,
    /// Uploads per account, all its keys together (after the signature verified).
    pub uploads_per_account: RateLimiter,
    /// Registrations per client address.
    pub registrations_per_address: RateLimiter,
    /// Login-link requests and login links followed, per client address.
    pub logins_per_address: RateLimiter,
    /// Login links per account (after the request's signature verified).
    pub login_links_per_account: RateLimiter,
    /// Other signed `POST`s (computer codes), per client address.
    pub signed_requests_per_address: RateLimiter,
    /// Signed reads (`GET`), per client address.
    pub signed_reads_per_address: RateLimiter,
    /// Bytes of request bodies being received, all requests together: one permit per byte.
    pub body_bytes: Arc<tokio::sync::Semaphore>,
    /// The configured public host (`host[:port]`) signed requests must name; `None`: the
    /// request's `Host` header.
    pub public_host: Option<String>,
    /// The configured public URL (`scheme://host[:port]`), for login links.
    pub public_url: Option<String>,
    /// Session cookies carry `Secure` (the public URL is https).
    pub secure_cookies: bool,
    /// The group items of device states, parsed, for the group pages.
    pub group_items: crate::facts::ItemsCache,
    /// The timestamping authority the log's checkpoints are sent to, when one is configured.
    pub tsa_url: Option<String>,
}

impl AppState {
    /// Opens the database (migrating it), loads or creates the log key, initialises the log.
    pub async fn open(config: &Config) -> anyhow::Result<Arc<AppState>> {
        let origin = config.public_origin()?;
        let key = LogKey::load_or_create(&config.data_dir, &config.origin)?;
        let db = Database::connect(&config.database_url(), config.max_connections).await?;
        let mut conn = db.pool.acquire().await.context("database connection")?;
        crate::tlog::initialise(&mut conn, &key, &config.origin).await?;
        drop(conn);
        let state = Arc::new_cyclic(|weak| AppState {
            sequencer: Sequencer::start(weak.clone()),
            db,
            key,
            origin: config.origin.clone(),
            max_body_bytes: config.max_body_bytes,
            write_lock: tokio::sync::Mutex::new(()),
            metrics: Metrics::default(),
            uploads_per_address: RateLimiter::new(config.limits.uploads_per_address_per_minute),
            uploads_per_key: RateLimiter::new(config.limits.uploads_per_key_per_minute),
            uploads_per_account: RateLimiter::new(config.limits.uploads_per_account_per_minute),
            registrations_per_address: RateLimiter::new(
                config.limits.registrations_per_address_per_minute,
            ),
            logins_per_address: RateLimiter::new(config.limits.logins_per_address_per_minute),
            login_links_per_account: RateLimiter::new(
                config.limits.login_links_per_account_per_minute,
            ),
            signed_requests_per_address: RateLimiter::new(
                config.limits.signed_requests_per_address_per_minute,
            ),
            signed_reads_per_address: RateLimiter::new(
                config.limits.signed_reads_per_address_per_minute,
            ),
            body_bytes: Arc::new(tokio::sync::Semaphore::new(
                config
                    .limits
                    .max_body_bytes_in_flight
                    .min(tokio::sync::Semaphore::MAX_PERMITS),
            )),
            limits: config.limits.clone(),
            public_host: origin.as_ref().map(|o| o.host.clone()),
            public_url: origin.as_ref().map(|o| o.url.clone()),
            secure_cookies: origin.as_ref().is_some_and(|o| o.https),
            group_items: crate::facts::ItemsCache::default(),
            tsa_url: config.tsa_url.clone(),
        });
        if let Some(url) = &config.tsa_url {
            crate::timestamps::start(
                Arc::downgrade(&state),
                url.clone(),
                std::time::Duration::from_secs(config.timestamp_interval_seconds),
            );
        }
        Ok(state)
    }
}
