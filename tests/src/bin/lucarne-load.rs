//! `lucarne-load`: drives a Lucarne server with real signed snapshots over keep-alive HTTP and
//! says how many it took per second, how fast it answered, and how much its database grew.
//!
//! ```text
//! lucarne-load --keys N --devices M (--rate R | --max) --changed F
//!              (--server URL --codes FILE | --embedded sqlite | --embedded postgres://…)
//!              [--uploads U] [--clients C] [--measure K] [--json]
//! ```
//!
//! Every envelope is signed before the clock starts (Ed25519 over the snapshot's exact bytes,
//! each device's chain of sequence numbers and hashes as an agent builds it), so the figures
//! are the server's. A fraction `F` of the snapshots differ from their device's previous one
//! (an app's version changes: new content to store, a diff with events); the others are the
//! same device state again. `--embedded` runs the server in this process on a loopback port
//! (rate limits and quotas off, everything else as configured by default) with a fresh
//! database: a SQLite file in a temporary folder, or a new database on the PostgreSQL server
//! given. Against `--server`, keys are registered with the one-time codes of `--codes` (one a
//! line, as `lucarne-server invite` prints them) and the database is not measured.
//!
//! The database's growth during the timed run, per accepted upload, is `db_bytes_per_upload`
//! (with `--changed 0`: per unchanged snapshot, at that load). After the timed run, the growth
//! is measured again on `--measure` unchanged then `--measure` changed snapshots sent one
//! device after another (`db_bytes_unchanged`, `db_bytes_changed`: bytes per snapshot, each
//! in a batch of its own).

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::{bail, Context as _};
use base64::Engine as _;
use clap::{ArgGroup, Parser};
use ring::rand::SecureRandom as _;
use ring::signature::{Ed25519KeyPair, KeyPair as _};
use sqlx::Connection as _;

use lucarne_profiles::snapshot::{App, Snapshot};
use lucarne_proof::envelope::{sha256_hex, Envelope};
use lucarne_server::config::Limits;
use lucarne_server::{AppState, Config};

/// The server's allocator (`server/src/main.rs`): the server measured here runs in this
/// process and should allocate as the server binary does.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Load generator for a Lucarne server.
#[derive(Debug, Parser)]
#[command(version, about)]
#[command(group(ArgGroup::new("pace").required(true).args(["rate", "max"])))]
#[command(group(ArgGroup::new("target").required(true).args(["server", "embedded"])))]
struct Args {
    /// Agent keys to register.
    #[arg(long, default_value_t = 8)]
    keys: usize,
    /// Devices per key.
    #[arg(long, default_value_t = 4)]
    devices: usize,
    /// Uploads per second, all clients together.
    #[arg(long)]
    rate: Option<f64>,
    /// As fast as the server answers.
    #[arg(long)]
    max: bool,
    /// Fraction (0 to 1) of snapshots that differ from their device's previous one.
    #[arg(long, default_value_t = 0.0)]
    changed: f64,
    /// A running server (`http://127.0.0.1:8470`).
    #[arg(long)]
    server: Option<String>,
    /// One-time registration codes for `--server`, one a line.
    #[arg(long, requires = "server")]
    codes: Option<PathBuf>,
    /// `sqlite`, or a PostgreSQL URL on which a fresh database is created and dropped.
    #[arg(long)]
    embedded: Option<String>,
    /// Uploads in the timed run.
    #[arg(long, default_value_t = 2000)]
    uploads: usize,
    /// Concurrent HTTP clients (keep-alive connections).
    #[arg(long, default_value_t = 32)]
    clients: usize,
    /// Snapshots of each kind sent to measure the database's growth (0: not measured).
    #[arg(long, default_value_t = 1000)]
    measure: usize,
    /// Print one JSON object.
    #[arg(long)]
    json: bool,
}

/// An agent key and its devices' chains.
struct Key {
    pair: Ed25519KeyPair,
}

/// One device's chain, as an agent keeps it.
struct Device {
    key: usize,
    udid: String,
    next: u64,
    previous: Option<String>,
    version: u64,
}

fn new_key() -> anyhow::Result<Key> {
    let rng = ring::rand::SystemRandom::new();
    let pkcs8 = Ed25519KeyPair::generate_pkcs8(&rng).map_err(|_| anyhow::anyhow!("key"))?;
    let pair = Ed25519KeyPair::from_pkcs8(pkcs8.as_ref()).map_err(|_| anyhow::anyhow!("key"))?;
    Ok(Key { pair })
}

/// A plausible device state: forty apps, supervision, an MDM server.
fn device_state(udid: &str, version: u64) -> Snapshot {
    let mut s = Snapshot::new("2026-11-30T08:00:00Z");
    s.device.udid = Some(udid.to_string());
    s.device.name = Some("iPad de l'élu".into());
    s.enrolment.supervised = Some(true);
    s.enrolment.mdm_server = Some("https://mdm.region.example/mdm".into());
    s.enrolment.access_rights = Some(8191);
    for i in 0..40 {
        s.apps.push(App {
            bundle_id: format!("fr.region.app{i:02}"),
            name: Some(format!("Application {i}")),
            version: Some(if i == 0 {
                format!("1.{version}")
            } else {
                "2.4.1".into()
            }),
            managed: Some(i % 3 == 0),
            ..Default::default()
        });
    }
    s
}

impl Device {
    /// The next envelope of this device; `changed` gives it new content.
    fn next_envelope(&mut self, key: &Key, changed: bool) -> anyhow::Result<Vec<u8>> {
        if changed {
            self.version += 1;
        }
        let mut snapshot = device_state(&self.udid, self.version);
        snapshot.sequence = self.next;
        snapshot.previous_hash = self.previous.clone();
        snapshot.taken_at = format!("2026-11-30T08:00:{:02}Z", self.next % 60);
        let bytes = serde_json::to_vec(&snapshot)?;
        self.next += 1;
        self.previous = Some(sha256_hex(&bytes));
        Ok(serde_json::to_vec(&Envelope::sign(&bytes, &key.pair))?)
    }
}

/// Where the database of an embedded server is.
enum Database {
    Sqlite(PathBuf),
    Postgres { admin: String, name: String },
    Unknown,
}

impl Database {
    fn url_of(admin: &str, name: &str) -> anyhow::Result<String> {
        let base = admin
            .rsplit_once('/')
            .map(|(b, _)| b)
            .context("PostgreSQL URL without a database name")?;
        Ok(format!("{base}/{name}"))
    }

    async fn bytes(&self) -> anyhow::Result<Option<u64>> {
        match self {
            Database::Sqlite(file) => {
                // The write-ahead log is folded into the file first, then the pages in use
                // are counted (free pages are space the file keeps, not data).
                let mut conn = sqlx::sqlite::SqliteConnection::connect(&format!(
                    "sqlite://{}",
                    file.display()
                ))
                .await?;
                sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
                    .fetch_all(&mut conn)
                    .await?;
                let page_count: i64 = sqlx::query_scalar("PRAGMA page_count")
                    .fetch_one(&mut conn)
                    .await?;
                let freelist: i64 = sqlx::query_scalar("PRAGMA freelist_count")
                    .fetch_one(&mut conn)
                    .await?;
                let page_size: i64 = sqlx::query_scalar("PRAGMA page_size")
                    .fetch_one(&mut conn)
                    .await?;
                conn.close().await?;
                Ok(Some(u64::try_from((page_count - freelist) * page_size)?))
            }
            Database::Postgres { admin, name } => {
                let mut conn =
                    sqlx::postgres::PgConnection::connect(&Self::url_of(admin, name)?).await?;
                // The WAL is checkpointed first, so the size is what the tables hold.
                sqlx::query("CHECKPOINT").execute(&mut conn).await.ok();
                let size: i64 = sqlx::query_scalar("SELECT pg_database_size(current_database())")
                    .fetch_one(&mut conn)
                    .await?;
                Ok(Some(u64::try_from(size)?))
            }
            Database::Unknown => Ok(None),
        }
    }
}

/// The target: a base URL, codes to register keys, and the database when it is ours.
struct Target {
    base: String,
    codes: Vec<String>,
    database: Database,
    _dir: Option<tempfile::TempDir>,
}

async fn start(args: &Args, codes_needed: usize) -> anyhow::Result<Target> {
    if let Some(server) = &args.server {
        let path = args
            .codes
            .as_ref()
            .context("--server needs --codes FILE (one `lucarne-server invite` code a line)")?;
        let text =
            std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        let codes: Vec<String> = text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(String::from)
            .collect();
        if codes.len() < codes_needed {
            bail!(
                "{} holds {} codes, {codes_needed} are needed",
                path.display(),
                codes.len()
            );
        }
        return Ok(Target {
            base: server.trim_end_matches('/').to_string(),
            codes,
            database: Database::Unknown,
            _dir: None,
        });
    }
    let embedded = args.embedded.as_deref().unwrap_or("sqlite");
    let dir = tempfile::tempdir().context("temporary folder")?;
    let (url, database) = if embedded == "sqlite" {
        (None, Database::Sqlite(dir.path().join("lucarne.sqlite3")))
    } else if embedded.starts_with("postgres://") || embedded.starts_with("postgresql://") {
        let mut random = [0u8; 6];
        ring::rand::SystemRandom::new()
            .fill(&mut random)
            .map_err(|_| anyhow::anyhow!("random"))?;
        let name = format!("lucarne_load_{}", hex::encode(random));
        let mut conn = sqlx::postgres::PgConnection::connect(embedded)
            .await
            .with_context(|| format!("connecting to {embedded}"))?;
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .execute(&mut conn)
            .await?;
        (
            Some(Database::url_of(embedded, &name)?),
            Database::Postgres {
                admin: embedded.to_string(),
                name,
            },
        )
    } else {
        bail!("--embedded takes `sqlite` or a postgres:// URL, not `{embedded}`");
    };
    let config = Config {
        listen: std::net::SocketAddr::from(([127, 0, 0, 1], 0)),
        database: url,
        data_dir: dir.path().to_path_buf(),
        origin: "lucarne.load/log".into(),
        limits: Limits::without_rates(),
        ..Config::default()
    };
    let state = AppState::open(&config).await?;
    let listener = tokio::net::TcpListener::bind(config.listen).await?;
    let base = format!("http://{}", listener.local_addr()?);
    let mut codes = Vec::with_capacity(codes_needed);
    for _ in 0..codes_needed {
        codes.push(lucarne_server::invite::create(&state.db, 3600).await?);
    }
    tokio::spawn(lucarne_server::serve::run(
        listener,
        state,
        std::future::pending::<()>(),
    ));
    Ok(Target {
        base,
        codes,
        database,
        _dir: Some(dir),
    })
}

async fn register(http: &reqwest::Client, base: &str, key: &Key, code: &str) -> anyhow::Result<()> {
    let body = lucarne_proof::wire::RegisterRequest {
        code: code.to_string(),
        public_key: base64::engine::general_purpose::STANDARD
            .encode(key.pair.public_key().as_ref()),
        label: Some("lucarne-load".to_string()),
    };
    let response = http
        .post(format!("{base}/api/v1/register"))
        .json(&body)
        .send()
        .await?;
    match response.status().as_u16() {
        200 => Ok(()),
        status => bail!(
            "registering a key: HTTP {status}: {}",
            response.text().await?
        ),
    }
}

/// What one upload gave.
struct Outcome {
    status: u16,
    code: String,
    millis: f64,
}

async fn send(http: &reqwest::Client, url: &str, body: Vec<u8>) -> Outcome {
    let started = Instant::now();
    let result = http
        .post(url)
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await;
    let (status, code) = match result {
        Ok(response) => {
            let status = response.status().as_u16();
            let code = if status == 200 {
                let _ = response.bytes().await;
                String::new()
            } else {
                response
                    .json::<serde_json::Value>()
                    .await
                    .ok()
                    .and_then(|v| v["error"]["code"].as_str().map(String::from))
                    .unwrap_or_else(|| format!("http_{status}"))
            };
            (status, code)
        }
        Err(_) => (0, "connection_failed".to_string()),
    };
    Outcome {
        status,
        code,
        millis: started.elapsed().as_secs_f64() * 1000.0,
    }
}

/// Sends each client's envelopes in order, paced at `interval` per client (none: at once).
async fn run_clients(
    url: &str,
    work: Vec<Vec<Vec<u8>>>,
    interval: Option<Duration>,
) -> (Vec<Outcome>, Duration) {
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for (index, envelopes) in work.into_iter().enumerate() {
        let url = url.to_string();
        tasks.spawn(async move {
            let http = reqwest::Client::new();
            let mut out = Vec::with_capacity(envelopes.len());
            // Clients start spread over one interval, not all at once.
            let offset = interval.map(|i| i.mul_f64((index % 64) as f64 / 64.0));
            for (k, body) in envelopes.into_iter().enumerate() {
                if let (Some(interval), Some(offset)) = (interval, offset) {
                    let due = started + offset + interval.mul_f64(k as f64);
                    tokio::time::sleep_until(due.into()).await;
                }
                out.push(send(&http, &url, body).await);
            }
            out
        });
    }
    let mut outcomes = Vec::new();
    while let Some(done) = tasks.join_next().await {
        if let Ok(mut out) = done {
            outcomes.append(&mut out);
        }
    }
    (outcomes, started.elapsed())
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((p / 100.0) * (sorted.len() as f64 - 1.0)).round() as usize;
    sorted[rank.min(sorted.len() - 1)]
}

/// The machine, as the figures must say it.
fn machine() -> String {
    let cpus = std::thread::available_parallelism().map_or(0, |n| n.get());
    let model = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|t| {
            t.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, m)| m.trim().to_string())
        })
        .unwrap_or_else(|| std::env::consts::ARCH.to_string());
    let memory = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|t| {
            t.lines()
                .find(|l| l.starts_with("MemTotal"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<u64>().ok())
        })
        .map_or_else(String::new, |kb| format!(", {} MiB", kb / 1024));
    format!("{cpus} cores, {model}{memory}, {}", std::env::consts::OS)
}

/// Sends `count` snapshots of one kind, one device after another, and returns the database's
/// growth per snapshot.
async fn growth(
    url: &str,
    target: &Target,
    key: &Key,
    device: &mut Device,
    count: usize,
    changed: bool,
) -> anyhow::Result<Option<f64>> {
    if count == 0 {
        return Ok(None);
    }
    let http = reqwest::Client::new();
    let mut envelopes = Vec::with_capacity(count);
    for _ in 0..count {
        envelopes.push(device.next_envelope(key, changed)?);
    }
    let Some(before) = target.database.bytes().await? else {
        return Ok(None);
    };
    for body in envelopes {
        let outcome = send(&http, url, body).await;
        if outcome.status != 200 {
            bail!("measuring growth: an upload was refused ({})", outcome.code);
        }
    }
    let after = target.database.bytes().await?.unwrap_or(before);
    Ok(Some(after.saturating_sub(before) as f64 / count as f64))
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    if !(0.0..=1.0).contains(&args.changed) {
        bail!("--changed is a fraction between 0 and 1");
    }
    if args.keys == 0 || args.devices == 0 || args.clients == 0 {
        bail!("--keys, --devices and --clients must be at least 1");
    }
    let target = start(&args, args.keys + 1).await?;
    let http = reqwest::Client::new();
    let mut keys = Vec::with_capacity(args.keys);
    for code in target.codes.iter().take(args.keys) {
        let key = new_key()?;
        register(&http, &target.base, &key, code).await?;
        keys.push(key);
    }
    let url = format!("{}/api/v1/snapshots", target.base);

    // Every device's first snapshot goes in before the clock starts: the run measures what
    // a day of scans of known devices costs.
    let mut devices: Vec<Device> = Vec::new();
    for key in 0..args.keys {
        for d in 0..args.devices {
            devices.push(Device {
                key,
                udid: format!("00008103-{key:06X}{d:010X}"),
                next: 1,
                previous: None,
                version: 0,
            });
        }
    }
    let mut first = Vec::new();
    for device in &mut devices {
        first.push(device.next_envelope(&keys[device.key], true)?);
    }
    let (outcomes, _) = run_clients(&url, vec![first], None).await;
    if let Some(bad) = outcomes.iter().find(|o| o.status != 200) {
        bail!("a device's first snapshot was refused: {}", bad.code);
    }

    // The timed run: each client owns some devices and sends their snapshots in chain order.
    let clients = args.clients.min(devices.len());
    let mut work: Vec<Vec<Vec<u8>>> = vec![Vec::new(); clients];
    let mut changed_budget = 0.0;
    for n in 0..args.uploads {
        let index = n % devices.len();
        changed_budget += args.changed;
        let changed = changed_budget >= 1.0;
        if changed {
            changed_budget -= 1.0;
        }
        let device = &mut devices[index];
        let body = device.next_envelope(&keys[device.key], changed)?;
        work[index % clients].push(body);
    }
    let interval = args
        .rate
        .map(|rate| Duration::from_secs_f64(clients as f64 / rate.max(0.001)));
    let before_run = target.database.bytes().await?;
    let (outcomes, elapsed) = run_clients(&url, work, interval).await;
    let after_run = target.database.bytes().await?;

    let accepted = outcomes.iter().filter(|o| o.status == 200).count();
    let mut refused: BTreeMap<String, usize> = BTreeMap::new();
    for o in outcomes.iter().filter(|o| o.status != 200) {
        *refused.entry(o.code.clone()).or_default() += 1;
    }
    let mut latencies: Vec<f64> = outcomes.iter().map(|o| o.millis).collect();
    latencies.sort_by(f64::total_cmp);
    let per_second = outcomes.len() as f64 / elapsed.as_secs_f64().max(1e-9);
    // What the timed run added to the database, per accepted upload: with `--changed 0`,
    // the growth per unchanged snapshot at this load (batches, one checkpoint each).
    let run_bytes = match (before_run, after_run) {
        (Some(before), Some(after)) if accepted > 0 => {
            Some(after.saturating_sub(before) as f64 / accepted as f64)
        }
        _ => None,
    };

    // How the server grouped the uploads, when it says so (a Lucarne server's /metrics).
    let mean_batch = match http.get(format!("{}/metrics", target.base)).send().await {
        Ok(response) => {
            let text = response.text().await.unwrap_or_default();
            let value = |name: &str| {
                text.lines()
                    .find_map(|l| l.strip_prefix(name))
                    .and_then(|v| v.trim().parse::<f64>().ok())
            };
            match (
                value("lucarne_log_batches_total "),
                value("lucarne_log_batched_uploads_total "),
            ) {
                (Some(batches), Some(uploads)) if batches > 0.0 => {
                    Some((uploads / batches * 10.0).round() / 10.0)
                }
                _ => None,
            }
        }
        Err(_) => None,
    };

    // Growth, on a key and device of their own.
    let key = new_key()?;
    let code = target
        .codes
        .get(args.keys)
        .context("one more registration code is needed for the growth measure")?;
    register(&http, &target.base, &key, code).await?;
    let mut device = Device {
        key: 0,
        udid: "00008103-GROWTH0000000001".into(),
        next: 1,
        previous: None,
        version: 0,
    };
    let _ = growth(&url, &target, &key, &mut device, 2, true).await?;
    let unchanged = growth(&url, &target, &key, &mut device, args.measure, false).await?;
    let changed = growth(&url, &target, &key, &mut device, args.measure, true).await?;

    let report = serde_json::json!({
        "accepted": accepted,
        "refused": refused,
        "per_second": (per_second * 10.0).round() / 10.0,
        "p50_ms": (percentile(&latencies, 50.0) * 10.0).round() / 10.0,
        "p99_ms": (percentile(&latencies, 99.0) * 10.0).round() / 10.0,
        "db_bytes_per_upload": run_bytes.map(f64::round),
        "db_bytes_unchanged": unchanged.map(f64::round),
        "db_bytes_changed": changed.map(f64::round),
        "mean_batch": mean_batch,
        "machine": machine(),
        "uploads": args.uploads,
        "clients": clients,
        "keys": args.keys,
        "devices_per_key": args.devices,
        "changed_fraction": args.changed,
        "pace": match args.rate { Some(r) => format!("{r}/s"), None => "max".into() },
        "target": match (&args.server, &args.embedded) {
            (Some(s), _) => s.clone(),
            (_, Some(e)) if e == "sqlite" => "embedded sqlite".into(),
            _ => "embedded postgres".into(),
        },
    });
    if args.json {
        println!("{report}");
    } else if let Some(fields) = report.as_object() {
        for (name, value) in fields {
            println!("{name}: {value}");
        }
    }
    if let Database::Postgres { admin, name } = &target.database {
        if let Ok(mut conn) = sqlx::postgres::PgConnection::connect(admin).await {
            let _ = sqlx::query(sqlx::AssertSqlSafe(format!(
                "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
            )))
            .execute(&mut conn)
            .await;
        }
    }
    Ok(())
}
