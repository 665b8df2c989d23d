//! The gate: the only module of the agent that calls `idevice`. It exposes read operations
//! only, each taking a request from the [`allowlist`](super::allowlist), and maps idevice's
//! errors to [`ScanError`]s. A test (`gate_calls_only_read_methods`) checks that no other
//! module uses idevice and that this one calls no method that writes.

use idevice::installation_proxy::InstallationProxyClient;
use idevice::lockdown::LockdownClient;
use idevice::pairing_file::PairingFile;
use idevice::provider::{IdeviceProvider, UsbmuxdProvider};
use idevice::usbmuxd::{Connection, UsbmuxdAddr, UsbmuxdConnection, UsbmuxdDevice};
use idevice::{Idevice, IdeviceError, IdeviceService};
use plist::{Dictionary, Value};

use super::allowlist::{
    AllowedService, InstallationProxyRequest, LockdownRequest, McInstallRequest,
};
use super::error::ScanError;
use super::framing;

/// Label sent with lockdown requests.
const LABEL: &str = "lucarne";
/// Most chunks accepted from one installation_proxy Browse.
const MAX_APPS: usize = 20_000;

/// Where usbmuxd listens.
#[derive(Debug, Clone)]
pub struct UsbmuxAddress(UsbmuxdAddr);

impl UsbmuxAddress {
    /// Parses an address as libimobiledevice's `USBMUXD_SOCKET_ADDRESS` does: `UNIX:/path`,
    /// a bare `/path`, or `host:port` for TCP.
    pub fn parse(text: &str) -> Result<UsbmuxAddress, String> {
        let text = text.trim();
        if let Some(path) = text.strip_prefix("UNIX:") {
            return Ok(UsbmuxAddress(UsbmuxdAddr::UnixSocket(path.to_string())));
        }
        if text.starts_with('/') {
            return Ok(UsbmuxAddress(UsbmuxdAddr::UnixSocket(text.to_string())));
        }
        text.parse()
            .map(|a| UsbmuxAddress(UsbmuxdAddr::TcpSocket(a)))
            .map_err(|e| format!("`{text}` is not UNIX:/path nor host:port ({e})"))
    }

    /// `USBMUXD_SOCKET_ADDRESS` when set, otherwise the system socket.
    pub fn from_env() -> Result<UsbmuxAddress, String> {
        match std::env::var("USBMUXD_SOCKET_ADDRESS") {
            Ok(v) if !v.trim().is_empty() => UsbmuxAddress::parse(&v),
            _ => Ok(UsbmuxAddress(UsbmuxdAddr::default())),
        }
    }
}

impl std::fmt::Display for UsbmuxAddress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.0 {
            UsbmuxdAddr::UnixSocket(p) => write!(f, "UNIX:{p}"),
            UsbmuxdAddr::TcpSocket(a) => write!(f, "{a}"),
        }
    }
}

/// A device as usbmuxd lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListedDevice {
    /// Its UDID.
    pub udid: String,
    /// usbmuxd's number for it.
    pub device_id: u32,
    /// `USB` or `Network`.
    pub connection: String,
}

async fn usbmuxd(addr: &UsbmuxAddress) -> Result<UsbmuxdConnection, ScanError> {
    addr.0.connect(0).await.map_err(|e| ScanError::NoUsbmuxd {
        address: addr.to_string(),
        cause: e.to_string(),
    })
}

/// Lists the devices usbmuxd sees.
pub async fn list_devices(addr: &UsbmuxAddress) -> Result<Vec<ListedDevice>, ScanError> {
    let mut mux = usbmuxd(addr).await?;
    let devices = mux.get_devices().await.map_err(|e| ScanError::NoUsbmuxd {
        address: addr.to_string(),
        cause: e.to_string(),
    })?;
    Ok(devices.iter().map(listed).collect())
}

fn listed(d: &UsbmuxdDevice) -> ListedDevice {
    ListedDevice {
        udid: d.udid.clone(),
        device_id: d.device_id,
        connection: match &d.connection_type {
            Connection::Usb => "USB".into(),
            Connection::Network(_) => "Network".into(),
            Connection::Unknown(s) => s.clone(),
        },
    }
}

/// Maps an idevice error to what the user can act on.
fn classify(udid: &str, e: IdeviceError) -> ScanError {
    let udid = udid.to_string();
    match e {
        IdeviceError::Socket(io) => ScanError::ConnectionLost {
            udid,
            cause: io.to_string(),
        },
        IdeviceError::InvalidHostID => ScanError::NotPaired {
            udid,
            cause: "InvalidHostID".into(),
        },
        IdeviceError::DeviceLocked => ScanError::Locked { udid },
        IdeviceError::UnknownErrorType(ref s) if s == "PasswordProtected" => {
            ScanError::Locked { udid }
        }
        IdeviceError::NoEstablishedConnection => ScanError::ConnectionLost {
            udid,
            cause: e.to_string(),
        },
        other => ScanError::Protocol {
            udid,
            cause: format!("{other} ({other:?})"),
        },
    }
}

/// An open, authenticated lockdown session with one device.
pub struct DeviceLink {
    udid: String,
    provider: UsbmuxdProvider,
    pairing: PairingFile,
    lockdown: LockdownClient,
}

impl DeviceLink {
    /// Opens a session with `device`, using the pair record usbmuxd holds for it.
    pub async fn open(
        addr: &UsbmuxAddress,
        device: &ListedDevice,
    ) -> Result<DeviceLink, ScanError> {
        let udid = device.udid.clone();
        let mut mux = usbmuxd(addr).await?;
        let pairing = mux.get_pair_record(&udid).await.map_err(|e| match e {
            IdeviceError::Socket(io) => ScanError::ConnectionLost {
                udid: udid.clone(),
                cause: io.to_string(),
            },
            other => ScanError::NotPaired {
                udid: udid.clone(),
                cause: format!("no usable pair record: {other}"),
            },
        })?;
        let provider = UsbmuxdProvider {
            addr: addr.0.clone(),
            tag: 0,
            udid: udid.clone(),
            device_id: device.device_id,
            label: LABEL.into(),
        };
        let mut lockdown = LockdownClient::connect(&provider)
            .await
            .map_err(|e| classify(&udid, e))?;
        // `start_session` first reads ProductVersion (GetValue), then sends StartSession.
        lockdown
            .start_session(&pairing)
            .await
            .map_err(|e| classify(&udid, e))?;
        Ok(DeviceLink {
            udid,
            provider,
            pairing,
            lockdown,
        })
    }

    /// The device's UDID.
    pub fn udid(&self) -> &str {
        &self.udid
    }

    /// Sends a read request to lockdownd. `StartSession` and `StartService` are done by
    /// [`DeviceLink::open`] and the service readers; `StopSession` by [`DeviceLink::close`].
    pub async fn get_value(&mut self, request: &LockdownRequest) -> Result<Value, ScanError> {
        let LockdownRequest::GetValue { domain, key } = request else {
            return Err(ScanError::Protocol {
                udid: self.udid.clone(),
                cause: format!("{} is not a value request", request.name()),
            });
        };
        self.lockdown
            .get_value(key.as_deref(), domain.as_deref())
            .await
            .map_err(|e| classify(&self.udid, e))
    }

    /// Starts `service` and connects to it, with TLS when the device asks for it.
    async fn connect_service(&mut self, service: AllowedService) -> Result<Idevice, ScanError> {
        let (port, ssl) =
            self.lockdown
                .start_service(service.name())
                .await
                .map_err(|e| match e {
                    IdeviceError::UnknownErrorType(ref s) if s == "InvalidService" => {
                        ScanError::ServiceMissing {
                            udid: self.udid.clone(),
                            service,
                            cause: s.clone(),
                        }
                    }
                    other => classify(&self.udid, other),
                })?;
        let mut idevice = self
            .provider
            .connect(port)
            .await
            .map_err(|e| classify(&self.udid, e))?;
        if ssl {
            idevice
                .start_session(&self.pairing, false)
                .await
                .map_err(|e| classify(&self.udid, e))?;
        }
        Ok(idevice)
    }

    /// Sends MCInstall requests on one service connection, returning each reply. A reply whose
    /// `Status` is not `Acknowledged` is an error naming the request.
    pub async fn mcinstall(
        &mut self,
        requests: &[McInstallRequest],
    ) -> Result<Vec<Dictionary>, ScanError> {
        let mut service = self.connect_service(AllowedService::McInstall).await?;
        let mut replies = Vec::with_capacity(requests.len());
        for request in requests {
            let reply = self.mcinstall_exchange(&mut service, *request).await?;
            let status = reply.get("Status").and_then(Value::as_string).unwrap_or("");
            if status != "Acknowledged" {
                return Err(ScanError::Protocol {
                    udid: self.udid.clone(),
                    cause: format!(
                        "MCInstall {} answered Status `{status}`: {}",
                        request.name(),
                        describe_error_chain(&reply)
                    ),
                });
            }
            replies.push(reply);
        }
        Ok(replies)
    }

    async fn mcinstall_exchange(
        &self,
        service: &mut Idevice,
        request: McInstallRequest,
    ) -> Result<Dictionary, ScanError> {
        let protocol = |cause: String| ScanError::Protocol {
            udid: self.udid.clone(),
            cause,
        };
        let bytes = framing::encode(&request.to_plist()).map_err(|e| protocol(e.to_string()))?;
        service
            .send_raw(&bytes)
            .await
            .map_err(|e| classify(&self.udid, e))?;
        let header = service
            .read_raw(4)
            .await
            .map_err(|e| classify(&self.udid, e))?;
        let header: [u8; 4] = header
            .as_slice()
            .try_into()
            .map_err(|_| protocol("short MCInstall header".into()))?;
        let len = framing::body_len(header).map_err(|e| protocol(e.to_string()))?;
        let body = service
            .read_raw(len)
            .await
            .map_err(|e| classify(&self.udid, e))?;
        framing::decode(&body).map_err(|e| protocol(format!("MCInstall {}: {e}", request.name())))
    }

    /// Runs an installation_proxy request and returns the app dictionaries.
    pub async fn installation_proxy(
        &mut self,
        request: &InstallationProxyRequest,
    ) -> Result<Vec<Dictionary>, ScanError> {
        let service = self
            .connect_service(AllowedService::InstallationProxy)
            .await?;
        let mut client = InstallationProxyClient::from_stream(service)
            .await
            .map_err(|e| classify(&self.udid, e))?;
        let options = Some(Value::Dictionary(request.options().clone()));
        let values = match request {
            InstallationProxyRequest::Browse { .. } => client.browse(options).await,
            InstallationProxyRequest::Lookup { options } => {
                // idevice's Lookup takes the application type and bundle ids only.
                let app_type = options
                    .get("ApplicationType")
                    .and_then(Value::as_string)
                    .map(str::to_owned);
                let ids = options.get("BundleIDs").and_then(Value::as_array).map(|a| {
                    a.iter()
                        .filter_map(Value::as_string)
                        .map(str::to_owned)
                        .collect()
                });
                client
                    .get_apps(app_type.as_deref(), ids)
                    .await
                    .map(|found| found.into_values().collect())
            }
        }
        .map_err(|e| classify(&self.udid, e))?;
        if values.len() > MAX_APPS {
            return Err(ScanError::Protocol {
                udid: self.udid.clone(),
                cause: format!("more than {MAX_APPS} apps"),
            });
        }
        Ok(values
            .into_iter()
            .filter_map(|v| v.into_dictionary())
            .collect())
    }

    /// Ends the session (`StopSession`). Errors are ignored: everything has been read.
    pub async fn close(mut self) {
        let _ = self.lockdown.stop_session().await;
    }
}

fn describe_error_chain(reply: &Dictionary) -> String {
    reply
        .get("ErrorChain")
        .and_then(Value::as_array)
        .map(|chain| {
            chain
                .iter()
                .filter_map(Value::as_dictionary)
                .map(|e| {
                    format!(
                        "{} {} {}",
                        e.get("ErrorDomain")
                            .and_then(Value::as_string)
                            .unwrap_or("?"),
                        e.get("ErrorCode")
                            .and_then(Value::as_signed_integer)
                            .unwrap_or(0),
                        e.get("LocalizedDescription")
                            .and_then(Value::as_string)
                            .unwrap_or("")
                    )
                })
                .collect::<Vec<_>>()
                .join("; ")
        })
        .unwrap_or_else(|| "no ErrorChain".into())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn parses_libimobiledevice_addresses() {
        assert_eq!(
            UsbmuxAddress::parse("UNIX:/tmp/mux").unwrap().to_string(),
            "UNIX:/tmp/mux"
        );
        assert_eq!(
            UsbmuxAddress::parse("/var/run/usbmuxd")
                .unwrap()
                .to_string(),
            "UNIX:/var/run/usbmuxd"
        );
        assert_eq!(
            UsbmuxAddress::parse("127.0.0.1:27015").unwrap().to_string(),
            "127.0.0.1:27015"
        );
        assert!(UsbmuxAddress::parse("nowhere").is_err());
    }

    /// The read-only rule for idevice calls: only this module names idevice, and it calls no
    /// method that writes to a device or pairs.
    #[test]
    fn gate_calls_only_read_methods() {
        let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let gate = std::fs::read_to_string(src.join("device/gate.rs")).unwrap();
        let code = gate.split("#[cfg(test)]").next().unwrap();
        for forbidden in [
            ".set_value(",
            ".remove_value(",
            ".pair(",
            ".pair_once(",
            ".unpair(",
            ".enter_recovery(",
            ".install(",
            ".upgrade(",
            ".uninstall(",
            ".save_pair_record(",
            ".delete_pair_record(",
            ".start_service_with_escrow(",
            "send_plist",
        ] {
            assert!(!code.contains(forbidden), "gate.rs calls {forbidden}");
        }
        let mut stack = vec![src.clone()];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    stack.push(path);
                } else if path.extension().is_some_and(|e| e == "rs")
                    && !path.ends_with("device/gate.rs")
                {
                    let text = std::fs::read_to_string(&path).unwrap();
                    assert!(
                        !text.contains("idevice::"),
                        "{} uses idevice outside the gate",
                        path.display()
                    );
                }
            }
        }
    }
}
