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
    /// The address officials reach the server at (`https://lucarne.example`): signed
    /// requests must name its host, login links start with it, and session cookies are
    /// `Secure` when it is https. `None`: the `Host` of each request, cookies not `Secure`
    /// (a server on the loopback interface).
    pub public_url: Option<String>,
    /// Limits on what one client may hold or ask (timeouts, connections, rates, storage).
    pub limits: Limits,
    /// URL of an RFC 3161 timestamping authority (in production an eIDAS-qualified one):
    /// when set, the log's newest checkpoint is timestamped every
    /// [`Config::timestamp_interval_seconds`], and exports carry the tokens. `None`: no
    /// timestamps.
    pub tsa_url: Option<String>,
    /// Seconds between two timestamps of the log's checkpoint (only a checkpoint newer than
    /// the last one timestamped is sent).
    pub timestamp_interval_seconds: u64,
}

/// Default interval between two timestamps of the log's checkpoint: an hour.
pub const DEFAULT_TIMESTAMP_INTERVAL_SECONDS: u64 = 3600;

/// Where officials reach the server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicOrigin {
    /// Whether it is https (cookies are then `Secure`).
    pub https: bool,
    /// `host[:port]`, lower case: what signed requests name.
    pub host: String,
    /// `scheme://host[:port]`, with no trailing slash.
    pub url: String,
}

/// What protects the server from slow, greedy or guessing clients. Rates are per minute; a
/// rate of 0 turns that limit off (a load test on one address, a server behind a proxy that
/// limits already).
///
/// The default rates are far above what officials do: a scan a day or on each change, a
/// push of a few queued snapshots after a week offline, a login link when they open the
/// pages, a whole council behind one address. Each allowance is a minute's worth at once
/// (a burst), then a steady rate: a guesser gets ten registration codes a minute, a flood of
/// one key or account cannot fill the log's writer ahead of everyone else.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Limits {
    /// Seconds a client has to send a request's headers, counted from the connection or the
    /// end of the previous answer: also the idle time after which a keep-alive connection is
    /// closed.
    pub header_timeout_seconds: u64,
    /// Seconds a client has to send a request's whole body.
    pub body_timeout_seconds: u64,
    /// Largest number of open client connections; the next ones wait in the kernel's queue.
    pub max_clients: usize,
    /// Largest number of body bytes being received at once, all requests together; an upload
    /// that would go over is answered 503 with `Retry-After`.
    pub max_body_bytes_in_flight: usize,
    /// Uploads per minute from one client address.
    pub uploads_per_address_per_minute: u32,
    /// Uploads per minute of one agent key (counted once its signature verified).
    pub uploads_per_key_per_minute: u32,
    /// Uploads per minute of one account, all its keys together (counted once the signature
    /// verified): a second computer does not double an official's allowance.
    pub uploads_per_account_per_minute: u32,
    /// Registration attempts per minute from one client address, on every endpoint that
    /// takes a registration code (the route table's `RegistrationCode` access).
    pub registrations_per_address_per_minute: u32,
    /// Login attempts per minute from one client address: requests for a login link and
    /// login links followed (a guessed link counts too).
    pub logins_per_address_per_minute: u32,
    /// Login links per minute one account may ask for (counted once the request's signature
    /// verified).
    pub login_links_per_account_per_minute: u32,
    /// Other signed `POST`s per minute from one client address (a code for another
    /// computer): each costs a signature check before anything else, forged or not.
    pub signed_requests_per_address_per_minute: u32,
    /// Signed reads (`GET`: devices, timeline, capabilities, export) per minute from one
    /// client address: each costs a signature check before anything else, forged or not.
    pub signed_reads_per_address_per_minute: u32,
    /// Largest number of bytes the snapshots of one key may take in the database.
    pub max_stored_bytes_per_key: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            header_timeout_seconds: 10,
            body_timeout_seconds: 30,
            max_clients: 1024,
            max_body_bytes_in_flight: 64 * 1024 * 1024,
            uploads_per_address_per_minute: 600,
            uploads_per_key_per_minute: 120,
            uploads_per_account_per_minute: 240,
            registrations_per_address_per_minute: 10,
            logins_per_address_per_minute: 30,
            login_links_per_account_per_minute: 10,
            signed_requests_per_address_per_minute: 10,
            signed_reads_per_address_per_minute: 120,
            max_stored_bytes_per_key: 1024 * 1024 * 1024,
        }
    }
}

impl Limits {
    /// No rate limit and no quota: what a load test on loopback needs. Timeouts and the caps
    /// on connections and bytes in flight stay.
    pub fn without_rates() -> Limits {
        Limits {
            uploads_per_address_per_minute: 0,
            uploads_per_key_per_minute: 0,
            uploads_per_account_per_minute: 0,
            registrations_per_address_per_minute: 0,
            logins_per_address_per_minute: 0,
            login_links_per_account_per_minute: 0,
            signed_requests_per_address_per_minute: 0,
            signed_reads_per_address_per_minute: 0,
            max_stored_bytes_per_key: u64::MAX,
            ..Limits::default()
        }
    }
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
            public_url: None,
            limits: Limits::default(),
            tsa_url: None,
            timestamp_interval_seconds: DEFAULT_TIMESTAMP_INTERVAL_SECONDS,
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

    /// The public URL's scheme-less host (`host[:port]`, lower case) and whether it is https,
    /// or why it is unusable.
    pub fn public_origin(&self) -> anyhow::Result<Option<PublicOrigin>> {
        let Some(url) = &self.public_url else {
            return Ok(None);
        };
        let url = url.trim().trim_end_matches('/');
        let (https, rest) = if let Some(rest) = url.strip_prefix("https://") {
            (true, rest)
        } else if let Some(rest) = url.strip_prefix("http://") {
            (false, rest)
        } else {
            anyhow::bail!("public_url `{url}` must start with https:// (or http://)");
        };
        if rest.is_empty()
            || rest.contains('/')
            || !rest
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b':' | b'[' | b']'))
        {
            anyhow::bail!("public_url `{url}` must be a scheme and a host, with no path");
        }
        Ok(Some(PublicOrigin {
            https,
            host: rest.to_ascii_lowercase(),
            url: format!(
                "{}://{}",
                if https { "https" } else { "http" },
                rest.to_ascii_lowercase()
            ),
        }))
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
