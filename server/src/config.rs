//! Server configuration: defaults, then a TOML file, then `LUCARNE_*` environment variables
//! and command-line flags (the binary merges those through clap), each overriding the one
//! before.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use serde::Deserialize;

/// Default upper bound on an uploaded envelope.
pub const DEFAULT_MAX_BODY_BYTES: usize = 8 * 1024 * 1024;

/// Everything the server needs to run.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Address to listen on.
    pub listen: SocketAddr,
    /// Database URL: `sqlite://…` or `postgres://…`; `None` means a SQLite file in the data
    /// directory.
    pub database: Option<String>,
    /// Where the log's signing key (and the default SQLite file) live.
    pub data_dir: PathBuf,
    /// The log's origin line, also the name of its signing key (C2SP tlog-checkpoint).
    pub origin: String,
    /// Largest accepted envelope body, in bytes.
    pub max_body_bytes: usize,
    /// Largest number of database connections.
    pub max_connections: u32,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            listen: SocketAddr::from(([127, 0, 0, 1], 8470)),
            database: None,
            data_dir: PathBuf::from("lucarne-data"),
            origin: "lucarne.example/log".to_string(),
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            max_connections: 8,
        }
    }
}

impl Config {
    /// Reads a TOML configuration file; missing keys keep their defaults.
    pub fn from_file(path: &Path) -> anyhow::Result<Config> {
        use anyhow::Context as _;
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("reading configuration {}", path.display()))?;
        toml::from_str(&text).with_context(|| format!("parsing configuration {}", path.display()))
    }

    /// The database URL in force: the configured one, or a SQLite file in the data directory.
    pub fn database_url(&self) -> String {
        match &self.database {
            Some(url) => url.clone(),
            None => format!(
                "sqlite://{}?mode=rwc",
                self.data_dir.join("lucarne.sqlite3").display()
            ),
        }
    }
}
