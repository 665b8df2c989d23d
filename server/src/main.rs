//! The `lucarne-server` command: `serve` runs the server, `invite` prints a registration code.

use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::Context as _;
use clap::{Parser, Subcommand};

use lucarne_server::db::Database;
use lucarne_server::{invite, AppState, Config};

/// mimalloc rather than glibc's malloc: under load, glibc's arenas and consolidation took
/// about an eighth of the server's CPU; with mimalloc the same load command goes a fifth to
/// a half faster (README, performance).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Lucarne's server: verifies signed snapshots, keeps them in a transparency log, shows what
/// changed.
#[derive(Debug, Parser)]
#[command(version, about)]
struct Cli {
    /// TOML configuration file.
    #[arg(long, global = true, env = "LUCARNE_CONFIG")]
    config: Option<PathBuf>,
    /// Database URL (`sqlite://FILE` or `postgres://…`); default: a SQLite file in the data
    /// directory.
    #[arg(long, global = true, env = "LUCARNE_DATABASE")]
    database: Option<String>,
    /// Directory of the log key and the default SQLite file.
    #[arg(long, global = true, env = "LUCARNE_DATA_DIR")]
    data_dir: Option<PathBuf>,
    /// The log's origin line (and key name).
    #[arg(long, global = true, env = "LUCARNE_ORIGIN")]
    origin: Option<String>,
    /// The address officials reach the server at (`https://lucarne.example`).
    #[arg(long, global = true, env = "LUCARNE_PUBLIC_URL")]
    public_url: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the server.
    Serve {
        /// Address to listen on.
        #[arg(long, env = "LUCARNE_LISTEN")]
        listen: Option<SocketAddr>,
        /// Largest accepted envelope, in bytes.
        #[arg(long, env = "LUCARNE_MAX_BODY_BYTES")]
        max_body_bytes: Option<usize>,
        /// URL of an RFC 3161 timestamping authority: the log's checkpoint is timestamped
        /// periodically and exports carry the tokens.
        #[arg(long, env = "LUCARNE_TSA_URL")]
        tsa_url: Option<String>,
        /// Seconds between two timestamps of the log's checkpoint.
        #[arg(long, env = "LUCARNE_TIMESTAMP_INTERVAL_SECONDS")]
        timestamp_interval_seconds: Option<u64>,
    },
    /// Revoke an agent key: its uploads and reads are refused from now on (what it uploaded
    /// stays in the log).
    Revoke {
        /// The key id (hex SHA-256 of the public key).
        key_id: String,
    },
    /// Print a single-use registration code.
    Invite {
        /// How long the code stays valid (`7d`, `12h`, `30m`).
        #[arg(long, default_value = "7d")]
        expires: String,
    },
}

fn config(cli: &Cli) -> anyhow::Result<Config> {
    let mut config = match &cli.config {
        Some(path) => Config::from_file(path)?,
        None => Config::default(),
    };
    if let Some(database) = &cli.database {
        config.database = Some(database.clone());
    }
    if let Some(dir) = &cli.data_dir {
        config.data_dir = dir.clone();
    }
    if let Some(origin) = &cli.origin {
        config.origin = origin.clone();
    }
    if let Some(url) = &cli.public_url {
        config.public_url = Some(url.clone());
    }
    config.public_origin()?;
    if let Command::Serve {
        listen,
        max_body_bytes,
        tsa_url,
        timestamp_interval_seconds,
    } = &cli.command
    {
        if let Some(url) = tsa_url {
            config.tsa_url = Some(url.clone());
        }
        if let Some(seconds) = timestamp_interval_seconds {
            config.timestamp_interval_seconds = *seconds;
        }
        if let Some(listen) = listen {
            config.listen = *listen;
        }
        if let Some(max) = max_body_bytes {
            config.max_body_bytes = *max;
        }
    }
    Ok(config)
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("LUCARNE_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    let config = config(&cli)?;
    match &cli.command {
        Command::Serve { .. } => {
            let state = AppState::open(&config).await?;
            let listener = tokio::net::TcpListener::bind(config.listen)
                .await
                .with_context(|| format!("listening on {}", config.listen))?;
            tracing::info!(address = %listener.local_addr()?, origin = config.origin, "lucarne-server listening");
            lucarne_server::serve::run(listener, state, lucarne_server::serve::shutdown_signal())
                .await?;
            tracing::info!("stopped");
        }
        Command::Revoke { key_id } => {
            let db = Database::connect(&config.database_url(), 1).await?;
            if lucarne_server::keys::revoke(&db, key_id).await? {
                println!("revoked {key_id}");
            } else {
                anyhow::bail!("no registered, unrevoked key {key_id}");
            }
        }
        Command::Invite { expires } => {
            let seconds = invite::parse_duration(expires)?;
            std::fs::create_dir_all(&config.data_dir)
                .with_context(|| format!("creating {}", config.data_dir.display()))?;
            let db = Database::connect(&config.database_url(), 1).await?;
            let code = invite::create(&db, seconds).await?;
            println!("{code}");
        }
    }
    Ok(())
}
