//! The database: one code path for SQLite and PostgreSQL through `sqlx::Any`.
//!
//! Queries use `$1`-style placeholders, which both engines accept, and only the types `Any`
//! carries everywhere (i64, text, bytes). The two dialects differ only in their migrations
//! (`migrations/sqlite`, `migrations/postgres`, embedded in the binary) and in how the log's
//! single writer is enforced (see [`crate::tlog`]).

use std::borrow::Cow;

use anyhow::Context as _;
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::migrate::{Migration, MigrationType, Migrator};
use sqlx::AnyPool;

/// Which engine a URL names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// Embedded SQLite file: one server process.
    Sqlite,
    /// PostgreSQL: several server processes may share it.
    Postgres,
}

impl Backend {
    /// The engine of `url`, or an error naming the URL's scheme.
    pub fn of_url(url: &str) -> anyhow::Result<Backend> {
        if url.starts_with("sqlite:") {
            Ok(Backend::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Backend::Postgres)
        } else {
            let scheme = url.split(':').next().unwrap_or_default();
            anyhow::bail!(
                "unsupported database URL scheme `{scheme}` (expected sqlite: or postgres://)"
            )
        }
    }
}

/// A connected, migrated database.
#[derive(Debug, Clone)]
pub struct Database {
    /// The pool.
    pub pool: AnyPool,
    /// Its engine.
    pub backend: Backend,
}

// One line per migration and dialect, in order; a new migration adds a line to both lists.
const SQLITE_MIGRATIONS: &[(i64, &str, &str)] = &[
    (
        1,
        "initial",
        include_str!("../migrations/sqlite/0001_initial.sql"),
    ),
    (
        2,
        "registration",
        include_str!("../migrations/sqlite/0002_registration.sql"),
    ),
];
const POSTGRES_MIGRATIONS: &[(i64, &str, &str)] = &[
    (
        1,
        "initial",
        include_str!("../migrations/postgres/0001_initial.sql"),
    ),
    (
        2,
        "registration",
        include_str!("../migrations/postgres/0002_registration.sql"),
    ),
];

fn migrator(backend: Backend) -> Migrator {
    let list = match backend {
        Backend::Sqlite => SQLITE_MIGRATIONS,
        Backend::Postgres => POSTGRES_MIGRATIONS,
    };
    let mut migrator = Migrator::DEFAULT;
    migrator.migrations = Cow::Owned(
        list.iter()
            .map(|(version, description, sql)| {
                Migration::new(
                    *version,
                    Cow::Borrowed(*description),
                    MigrationType::Simple,
                    sqlx::SqlStr::from_static(sql),
                    false,
                )
            })
            .collect(),
    );
    migrator
}

impl Database {
    /// Connects to `url` and applies pending migrations.
    pub async fn connect(url: &str, max_connections: u32) -> anyhow::Result<Database> {
        sqlx::any::install_default_drivers();
        let backend = Backend::of_url(url)?;
        let options: AnyConnectOptions = url
            .parse()
            .with_context(|| format!("parsing the database URL ({backend:?})"))?;
        let pool = AnyPoolOptions::new()
            .max_connections(max_connections.max(1))
            .connect_with(options)
            .await
            .with_context(|| format!("connecting to the {backend:?} database"))?;
        migrator(backend)
            .run(&pool)
            .await
            .context("applying database migrations")?;
        Ok(Database { pool, backend })
    }
}

/// Seconds since the Unix epoch.
pub fn now_unix() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}
