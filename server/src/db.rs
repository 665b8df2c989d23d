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

/// The `VALUES` list of a multi-row insert of `rows` rows of `columns` values each:
/// `($1, $2), ($3, $4)`. Only numbered placeholders, which both engines accept; every value
/// is bound.
pub fn values_placeholders(rows: usize, columns: usize) -> String {
    let mut out = String::with_capacity(rows * columns * 5);
    for row in 0..rows {
        if row > 0 {
            out.push_str(", ");
        }
        out.push('(');
        for column in 0..columns {
            if column > 0 {
                out.push_str(", ");
            }
            out.push('$');
            out.push_str(&(row * columns + column + 1).to_string());
        }
        out.push(')');
    }
    out
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
    (
        3,
        "accounts",
        include_str!("../migrations/sqlite/0003_accounts.sql"),
    ),
    (
        4,
        "limits",
        include_str!("../migrations/sqlite/0004_limits.sql"),
    ),
    (
        5,
        "codes",
        include_str!("../migrations/sqlite/0005_codes.sql"),
    ),
    (
        6,
        "names",
        include_str!("../migrations/sqlite/0006_names.sql"),
    ),
    (
        7,
        "timestamps",
        include_str!("../migrations/sqlite/0007_timestamps.sql"),
    ),
    (
        8,
        "layouts",
        include_str!("../migrations/sqlite/0008_layouts.sql"),
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
    (
        3,
        "accounts",
        include_str!("../migrations/postgres/0003_accounts.sql"),
    ),
    (
        4,
        "limits",
        include_str!("../migrations/postgres/0004_limits.sql"),
    ),
    (
        5,
        "codes",
        include_str!("../migrations/postgres/0005_codes.sql"),
    ),
    (
        6,
        "names",
        include_str!("../migrations/postgres/0006_names.sql"),
    ),
    (
        7,
        "timestamps",
        include_str!("../migrations/postgres/0007_timestamps.sql"),
    ),
    (
        8,
        "layouts",
        include_str!("../migrations/postgres/0008_layouts.sql"),
    ),
];

/// The file a SQLite URL names, if it names one (not `:memory:`).
fn sqlite_file(url: &str) -> Option<std::path::PathBuf> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or_default();
    (!path.is_empty() && !path.starts_with(":memory:")).then(|| std::path::PathBuf::from(path))
}

/// Creates the SQLite file readable by its owner only, before SQLite creates it with the
/// process's umask (0644 by default): it holds every snapshot of every device. SQLite gives
/// its journal and WAL files the permissions of the database file.
fn create_private(path: &std::path::Path) -> anyhow::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(0o600);
    }
    match options.open(path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(e).with_context(|| format!("creating {}", path.display())),
    }
}

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
    /// Begins a transaction that reads and then writes. On SQLite it takes the write lock at
    /// `BEGIN` (`IMMEDIATE`): in WAL mode a deferred transaction that has read cannot become a
    /// writer once another connection has committed since its read, and fails at once with
    /// `SQLITE_BUSY_SNAPSHOT` (517), without waiting for the busy timeout. That made a whole
    /// upload batch fail with a 500 when another connection (a health check, a login, a
    /// registration) committed between its first read and its first write (seen in
    /// `hostile::private_database_honest_health_and_a_quota_per_key`: 7 runs in 41). A
    /// transaction whose first statement writes takes the lock at once and needs none of
    /// this. PostgreSQL needs nothing more.
    pub async fn begin_write(&self) -> Result<sqlx::Transaction<'static, sqlx::Any>, sqlx::Error> {
        match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await,
            Backend::Postgres => self.pool.begin().await,
        }
    }

    /// Connects to `url` and applies pending migrations.
    pub async fn connect(url: &str, max_connections: u32) -> anyhow::Result<Database> {
        sqlx::any::install_default_drivers();
        let backend = Backend::of_url(url)?;
        if let Some(path) = sqlite_file(url).filter(|_| backend == Backend::Sqlite) {
            create_private(&path)?;
        }
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
        if backend == Backend::Sqlite {
            // Write-ahead log: a commit is one append and one fsync of the WAL (synchronous
            // stays FULL: durable before the receipt), and readers do not block the writer.
            // The mode is kept in the file.
            sqlx::query("PRAGMA journal_mode = WAL")
                .fetch_all(&pool)
                .await
                .context("switching SQLite to write-ahead logging")?;
        }
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

/// Whether the database takes a write now: what `/healthz` answers. A locked SQLite file or a
/// read-only PostgreSQL fails here, while a plain `SELECT` would still succeed.
pub async fn writable(db: &Database) -> anyhow::Result<()> {
    sqlx::query(
        "INSERT INTO health (id, checked_at) VALUES (1, $1) \
         ON CONFLICT (id) DO UPDATE SET checked_at = excluded.checked_at",
    )
    .bind(now_unix())
    .execute(&db.pool)
    .await
    .context("writing the health row")?;
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn the_file_of_a_sqlite_url() {
        assert_eq!(
            sqlite_file("sqlite:///var/lib/l/db.sqlite3?mode=rwc"),
            Some("/var/lib/l/db.sqlite3".into())
        );
        assert_eq!(sqlite_file("sqlite:data/x.db"), Some("data/x.db".into()));
        assert_eq!(sqlite_file("sqlite::memory:"), None);
        assert_eq!(sqlite_file("postgres://h/db"), None);
    }

    #[test]
    fn placeholders_of_a_multi_row_insert_are_numbered_in_order() {
        assert_eq!(values_placeholders(2, 3), "($1, $2, $3), ($4, $5, $6)");
        assert_eq!(values_placeholders(1, 1), "($1)");
    }
}
