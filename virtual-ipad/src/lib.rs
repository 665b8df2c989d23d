//! Lucarne's test kit: a virtual iPad, the device-directory format it answers from, and a
//! writer of Finder/iTunes backups. Tests, benchmarks and the demo use it as a library; the
//! `lucarne-simulate` binary runs it by hand (`serve`, `write-backup`).
//!
//! The virtual iPad is a usbmuxd on a Unix socket with one or more devices behind it, each with
//! a lockdownd (real TLS sessions on a generated pair record) and the MCInstall and
//! installation_proxy services, all answering from a [device directory](crate::devicedir).
//! It records every request it receives, and refuses (and records as refused) anything outside
//! the agent's read-only [allowlist](lucarne::device::allowlist). Test knobs ([`Knobs`]) make
//! it locked, unpaired, forbid pairing, lack a service or drop the connection after N messages.
//!
//! # Layout
//! - [`devicedir`]: the device directory, one iPad described as files (`DEVICEDIR.md`);
//! - [`usbmux`]: the usbmuxd protocol (16-byte header, plist messages, Connect tunnels);
//! - [`lockdownd`]: lockdownd on port 62078;
//! - [`services`]: MCInstall and installation_proxy;
//! - [`pairing`]: the generated pair record and TLS configuration;
//! - [`writer`]: realistic backups (plain or encrypted) of a device directory.
//!
//! Invariant: the `lucarne` binary never depends on this crate (only the agent's tests do);
//! the kit depends on the agent, so it checks requests against the agent's own allowlist and
//! framing rather than a copy of them.

pub mod devicedir;
pub mod lockdownd;
pub mod pairing;
pub mod services;
pub mod usbmux;
pub mod writer;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU16, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use tokio::io::{AsyncRead, AsyncWrite};

use crate::devicedir::DeviceDir;
use lucarne::device::allowlist::AllowedService;

/// A byte stream the virtual device talks over (plain or TLS).
pub trait Stream: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> Stream for T {}

/// Behaviours a test can ask of the virtual iPad.
#[derive(Debug, Clone)]
pub struct Knobs {
    /// The device is locked: `PasswordProtected` is true and services refuse to start.
    pub locked: bool,
    /// The host was never trusted: usbmuxd has no pair record and StartSession is refused.
    pub unpaired: bool,
    /// The administration forbids pairing with new hosts (`AllowPairing` false in the cloud
    /// configuration): like `unpaired`, since the Trust prompt can never be accepted.
    pub forbid_pairing: bool,
    /// Services the device does not offer (as on an older iPadOS).
    pub missing_services: Vec<AllowedService>,
    /// Close every connection once this many lockdown and service messages were received
    /// (a cable pulled mid-scan).
    pub drop_after_messages: Option<usize>,
    /// `GetProfileList` includes each profile's `PayloadContent` (see facts §1.5: unclear on
    /// real devices; the agent handles both).
    pub payloads_in_profile_list: bool,
    /// MCInstall asks for TLS on its connection (`EnableServiceSSL`).
    pub mcinstall_ssl: bool,
    /// Print every request received on standard error (for `lucarne-simulate serve`).
    pub echo_requests: bool,
}

impl Default for Knobs {
    fn default() -> Self {
        Knobs {
            locked: false,
            unpaired: false,
            forbid_pairing: false,
            missing_services: Vec::new(),
            drop_after_messages: None,
            payloads_in_profile_list: true,
            mcinstall_ssl: true,
            echo_requests: false,
        }
    }
}

/// One request the virtual iPad received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedRequest {
    /// `usbmux`, `lockdown`, or the service name.
    pub channel: String,
    /// The request name (or a description of a malformed one).
    pub request: String,
    /// `Some(reason)` when it was refused as outside the allowlist.
    pub refused: Option<String>,
}

/// Why the virtual iPad could not start.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum VirtualError {
    /// The socket could not be created.
    #[error("{path}: {source}")]
    Socket {
        /// The socket path.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// The pair record could not be generated.
    #[error("pair record: {0}")]
    Pairing(#[from] pairing::PairingError),
}

/// One device behind the virtual usbmuxd.
pub struct VirtualDevice {
    /// usbmuxd's number for it.
    pub device_id: u32,
    /// What it answers from.
    pub dir: DeviceDir,
    /// Its pair record with the host.
    pub pair: pairing::PairRecord,
}

impl VirtualDevice {
    /// The device's UDID.
    pub fn udid(&self) -> &str {
        self.dir.udid().unwrap_or_default()
    }
}

/// State shared by every connection.
pub struct Shared {
    /// The devices.
    pub devices: Vec<VirtualDevice>,
    /// The knobs.
    pub knobs: Knobs,
    /// `SystemBUID` of the host.
    pub buid: String,
    log: Mutex<Vec<RecordedRequest>>,
    messages: AtomicUsize,
    dropped: AtomicBool,
    next_port: AtomicU16,
    started: Mutex<HashMap<(u32, u16), AllowedService>>,
}

impl Shared {
    /// Records a request.
    pub fn record(&self, channel: &str, request: &str, refused: Option<String>) {
        if self.knobs.echo_requests {
            match &refused {
                None => eprintln!("simulate: {channel} {request}"),
                Some(why) => eprintln!("simulate: REFUSED {channel} {request}: {why}"),
            }
        }
        if let Ok(mut log) = self.log.lock() {
            log.push(RecordedRequest {
                channel: channel.into(),
                request: request.into(),
                refused,
            });
        }
    }

    /// Counts one device message; `false` once the connection must drop (cable pulled).
    pub fn count_message(&self) -> bool {
        let n = self.messages.fetch_add(1, Ordering::SeqCst) + 1;
        match self.knobs.drop_after_messages {
            Some(limit) if n > limit => {
                self.dropped.store(true, Ordering::SeqCst);
                false
            }
            _ => !self.dropped.load(Ordering::SeqCst),
        }
    }

    /// The device with usbmuxd number `id`.
    pub fn device(&self, id: u32) -> Option<&VirtualDevice> {
        self.devices.iter().find(|d| d.device_id == id)
    }

    /// Registers a started service and returns its port.
    pub fn start_service(&self, device_id: u32, service: AllowedService) -> u16 {
        let port = self.next_port.fetch_add(1, Ordering::SeqCst);
        if let Ok(mut started) = self.started.lock() {
            started.insert((device_id, port), service);
        }
        port
    }

    /// The service started on `port`, consumed (one connection per StartService).
    pub fn take_service(&self, device_id: u32, port: u16) -> Option<AllowedService> {
        self.started.lock().ok()?.remove(&(device_id, port))
    }

    /// Whether the device's host has no usable pairing.
    pub fn unpaired(&self) -> bool {
        self.knobs.unpaired || self.knobs.forbid_pairing
    }

    /// Every request received so far.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.log.lock().map(|l| l.clone()).unwrap_or_default()
    }
}

/// Builds the shared state for `dirs`.
pub fn shared(dirs: Vec<DeviceDir>, knobs: Knobs) -> Result<Arc<Shared>, VirtualError> {
    let buid = pairing::random_uuid()?;
    let mut devices = Vec::new();
    for (i, dir) in dirs.into_iter().enumerate() {
        let mac = dir
            .lockdown_string("WiFiAddress")
            .unwrap_or("02:00:00:00:00:01")
            .to_string();
        let pair = pairing::generate(&buid, &mac)?;
        devices.push(VirtualDevice {
            device_id: i as u32 + 1,
            dir,
            pair,
        });
    }
    Ok(Arc::new(Shared {
        devices,
        knobs,
        buid,
        log: Mutex::new(Vec::new()),
        messages: AtomicUsize::new(0),
        dropped: AtomicBool::new(false),
        next_port: AtomicU16::new(49152),
        started: Mutex::new(HashMap::new()),
    }))
}

/// Serves usbmuxd on `socket` until the process ends (for `lucarne-simulate serve`).
pub async fn serve(socket: &Path, shared: Arc<Shared>) -> Result<(), VirtualError> {
    let listener = bind(socket)?;
    usbmux::accept_loop(listener, shared).await;
    Ok(())
}

fn bind(socket: &Path) -> Result<tokio::net::UnixListener, VirtualError> {
    let err = |source| VirtualError::Socket {
        path: socket.to_path_buf(),
        source,
    };
    if socket.exists() {
        std::fs::remove_file(socket).map_err(err)?;
    }
    tokio::net::UnixListener::bind(socket).map_err(err)
}

/// A virtual iPad running on its own thread, for tests and benchmarks. It stops when dropped.
pub struct VirtualIpad {
    socket: PathBuf,
    shared: Arc<Shared>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl VirtualIpad {
    /// Starts serving `dirs` on `socket`.
    pub fn start(socket: &Path, dirs: Vec<DeviceDir>, knobs: Knobs) -> Result<Self, VirtualError> {
        let shared = shared(dirs, knobs)?;
        let std_listener = {
            let err = |source| VirtualError::Socket {
                path: socket.to_path_buf(),
                source,
            };
            if socket.exists() {
                std::fs::remove_file(socket).map_err(err)?;
            }
            let l = std::os::unix::net::UnixListener::bind(socket).map_err(err)?;
            l.set_nonblocking(true).map_err(err)?;
            l
        };
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let serving = shared.clone();
        let thread = std::thread::spawn(move || {
            let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            else {
                return;
            };
            rt.block_on(async move {
                let Ok(listener) = tokio::net::UnixListener::from_std(std_listener) else {
                    return;
                };
                tokio::select! {
                    _ = usbmux::accept_loop(listener, serving) => {}
                    _ = stopped => {}
                }
            });
        });
        Ok(VirtualIpad {
            socket: socket.to_path_buf(),
            shared,
            stop: Some(stop),
            thread: Some(thread),
        })
    }

    /// The socket path.
    pub fn socket(&self) -> &Path {
        &self.socket
    }

    /// `UNIX:<socket>`, the `USBMUXD_SOCKET_ADDRESS` form.
    pub fn address(&self) -> String {
        format!("UNIX:{}", self.socket.display())
    }

    /// Every request received so far.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.shared.requests()
    }

    /// The requests refused as outside the allowlist.
    pub fn refused(&self) -> Vec<RecordedRequest> {
        self.requests()
            .into_iter()
            .filter(|r| r.refused.is_some())
            .collect()
    }
}

impl Drop for VirtualIpad {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
        let _ = std::fs::remove_file(&self.socket);
    }
}
