//! Support shared by Lucarne's end-to-end tests (`tests/tests/`) and binaries (`lucarne-demo`):
//! one way to run a real server inside the process.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use anyhow::Context as _;
use lucarne_server::{AppState, Config};

/// A real `lucarne-server` (SQLite) serving on a loopback port inside this process, over real
/// sockets, until [`EmbeddedServer::stop`].
pub struct EmbeddedServer {
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    /// The address it listens on (to start it again on the same port).
    pub addr: SocketAddr,
    /// Its state, to act as the operator would (invites, revocations).
    pub state: Arc<AppState>,
    stop: tokio::sync::oneshot::Sender<()>,
    task: tokio::task::JoinHandle<anyhow::Result<()>>,
}

impl EmbeddedServer {
    /// Starts a server with its data in `data_dir` on a free loopback port; `origin` names
    /// its log.
    pub async fn start(data_dir: &Path, origin: &str) -> anyhow::Result<EmbeddedServer> {
        Self::start_on(SocketAddr::from(([127, 0, 0, 1], 0)), data_dir, origin).await
    }

    /// Starts a server on `listen` (port 0 for a free one), with the default limits.
    pub async fn start_on(
        listen: SocketAddr,
        data_dir: &Path,
        origin: &str,
    ) -> anyhow::Result<EmbeddedServer> {
        Self::start_with(Config {
            listen,
            data_dir: data_dir.to_path_buf(),
            origin: origin.to_string(),
            ..Config::default()
        })
        .await
    }

    /// Starts a server with `config` (its database, limits…), listening on `config.listen`
    /// (port 0 for a free one).
    pub async fn start_with(config: Config) -> anyhow::Result<EmbeddedServer> {
        let listen = config.listen;
        let state = AppState::open(&config)
            .await
            .context("opening the embedded server's database")?;
        let listener = tokio::net::TcpListener::bind(listen)
            .await
            .with_context(|| format!("listening on {listen}"))?;
        let addr = listener.local_addr()?;
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(lucarne_server::serve::run(listener, state.clone(), async {
            let _ = stopped.await;
        }));
        Ok(EmbeddedServer {
            base: format!("http://{addr}"),
            addr,
            state,
            stop,
            task,
        })
    }

    /// A fresh single-use registration code valid for an hour, as `lucarne-server invite`
    /// prints.
    pub async fn invite(&self) -> anyhow::Result<String> {
        lucarne_server::invite::create(&self.state.db, 3600).await
    }

    /// Stops serving (graceful) and closes the database.
    pub async fn stop(self) -> anyhow::Result<()> {
        let _ = self.stop.send(());
        self.task.await.context("the server task panicked")??;
        self.state.db.pool.close().await;
        Ok(())
    }
}

/// The test timestamping authority (`tests/tsa/test-tsa.sh`, `openssl ts`) over HTTP (RFC 3161
/// §3.4: POST a TimeStampReq, get a TimeStampResp), its CA and keys made in `dir`; serves on
/// a free loopback port until the runtime stops; returns its URL.
pub async fn start_test_tsa(dir: PathBuf) -> anyhow::Result<String> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tsa/test-tsa.sh");
    let status = Command::new("bash")
        .arg(&script)
        .arg("init")
        .arg(&dir)
        .status()
        .context("running tests/tsa/test-tsa.sh init")?;
    anyhow::ensure!(status.success(), "test-tsa.sh init failed");
    let counter = Arc::new(AtomicU64::new(0));
    let app = axum::Router::new().route(
        "/",
        axum::routing::post(move |body: axum::body::Bytes| {
            let dir = dir.clone();
            let script = script.clone();
            let n = counter.fetch_add(1, Ordering::SeqCst);
            async move {
                let query = dir.join(format!("q{n}.tsq"));
                let reply = dir.join(format!("r{n}.tsr"));
                let answered = std::fs::write(&query, &body).is_ok()
                    && Command::new("bash")
                        .arg(&script)
                        .arg("reply")
                        .arg(&dir)
                        .arg(&query)
                        .arg(&reply)
                        .status()
                        .is_ok_and(|s| s.success());
                match std::fs::read(&reply) {
                    Ok(bytes) if answered => (
                        axum::http::StatusCode::OK,
                        [("content-type", "application/timestamp-reply")],
                        bytes,
                    ),
                    _ => (
                        axum::http::StatusCode::INTERNAL_SERVER_ERROR,
                        [("content-type", "text/plain")],
                        b"openssl ts failed".to_vec(),
                    ),
                }
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}/", listener.local_addr()?);
    tokio::spawn(async move { axum::serve(listener, app).await });
    Ok(url)
}

/// Reads a bundled device of the test kit over the virtual iPad, as `lucarne scan` does,
/// dated `taken_at` and redacted with `home`'s salt: the snapshot the agent would seal.
pub fn scan_bundled(
    work: &Path,
    device: &str,
    home: &lucarne::home::Home,
    taken_at: &str,
) -> anyhow::Result<lucarne_profiles::Snapshot> {
    use lucarne::device::collect::{self, ScanOptions};
    use lucarne_virtual_ipad::{devicedir::DeviceDir, Knobs, VirtualIpad};
    let dir = DeviceDir::bundled(device)?;
    let ipad = VirtualIpad::start(
        &work.join(format!("usbmuxd-{device}")),
        vec![dir],
        Knobs::default(),
    )?;
    let options = ScanOptions {
        address: lucarne::device::UsbmuxAddress::parse(&ipad.address())
            .map_err(anyhow::Error::msg)?,
        udid: None,
    };
    let reading = collect::scan(&options)?;
    let mut snapshot = lucarne::sources::merge(
        vec![lucarne::device::snapshot::to_snapshot(&reading, taken_at)],
        taken_at,
    );
    lucarne_profiles::redact::Redactor::new(&lucarne::keys::salt_in(home)?).snapshot(&mut snapshot);
    Ok(snapshot)
}
