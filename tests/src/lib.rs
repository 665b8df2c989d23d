//! Support shared by Lucarne's end-to-end tests (`tests/tests/`) and binaries (`lucarne-demo`):
//! one way to run a real server inside the process.

use std::net::SocketAddr;
use std::path::Path;
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

    /// Starts a server with `config` (its database, limits…), listening on `config.listen`.
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
