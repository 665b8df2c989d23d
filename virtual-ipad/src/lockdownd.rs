//! lockdownd of a virtual iPad: `QueryType`, `GetValue` (a reduced set before a session, as
//! real devices do), `StartSession` (then TLS with the pair record: the device certificate,
//! the host's client certificate checked against the root), `StartService` for the allowed
//! services, `StopSession`. Everything else is refused and recorded.

use std::sync::Arc;

use plist::{Dictionary, Value};
use tokio_rustls::TlsAcceptor;

use crate::{Shared, Stream, VirtualDevice};
use lucarne::device::allowlist::{AllowedService, LockdownRequest};
use lucarne::device::framing;

/// Default-domain keys lockdownd answers before a session (what `ideviceinfo --simple` shows).
const UNPAIRED_KEYS: [&str; 7] = [
    "BuildVersion",
    "DeviceClass",
    "DeviceName",
    "ProductName",
    "ProductType",
    "ProductVersion",
    "UniqueDeviceID",
];

fn reply(request: &str) -> Dictionary {
    let mut d = Dictionary::new();
    d.insert("Request".into(), request.into());
    d
}

fn error(request: &str, error: &str) -> Dictionary {
    let mut d = reply(request);
    d.insert("Error".into(), error.into());
    d
}

/// Answers `GetValue` from the device directory.
fn get_value(
    device: &VirtualDevice,
    shared: &Shared,
    in_session: bool,
    domain: Option<&str>,
    key: Option<&str>,
) -> Dictionary {
    let mut r = reply("GetValue");
    if let Some(domain) = domain {
        r.insert("Domain".into(), domain.into());
    }
    if let Some(key) = key {
        r.insert("Key".into(), key.into());
    }
    let mut values = device
        .dir
        .lockdown
        .get(domain.unwrap_or(""))
        .cloned()
        .unwrap_or_default();
    if domain.is_none() {
        values.insert("PasswordProtected".into(), shared.knobs.locked.into());
    }
    if !in_session {
        if domain.is_some() {
            r.insert("Error".into(), "GetProhibited".into());
            return r;
        }
        values.retain(|k, _| UNPAIRED_KEYS.contains(&k.as_str()));
    }
    let value = match key {
        None => Some(Value::Dictionary(values)),
        Some(key) => values.get(key).cloned(),
    };
    match value {
        Some(v) => {
            r.insert("Value".into(), v);
        }
        None if !in_session && key.is_some() => {
            r.insert("Error".into(), "GetProhibited".into());
        }
        None => {
            r.insert("Error".into(), "MissingValue".into());
        }
    }
    r
}

/// Serves one lockdownd connection.
pub async fn serve(
    stream: Box<dyn Stream>,
    shared: Arc<Shared>,
    device_id: u32,
) -> std::io::Result<()> {
    let Some(device) = shared.device(device_id) else {
        return Ok(());
    };
    let mut stream = stream;
    let mut session: Option<String> = None;
    loop {
        let Some(request) = framing::read_message(&mut stream)
            .await
            .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e.to_string()))?
        else {
            return Ok(());
        };
        if !shared.count_message() {
            return Ok(()); // cable pulled
        }
        let parsed = LockdownRequest::parse(&request);
        let name = request
            .get("Request")
            .and_then(Value::as_string)
            .unwrap_or("(no Request)")
            .to_string();
        let parsed = match parsed {
            Ok(p) => {
                shared.record("lockdown", &name, None);
                p
            }
            Err(refusal) => {
                shared.record("lockdown", &name, Some(refusal.to_string()));
                framing::write_message(&mut stream, &error(&name, "NotAllowed"))
                    .await
                    .map_err(to_io)?;
                continue;
            }
        };
        match parsed {
            LockdownRequest::QueryType => {
                let mut r = reply("QueryType");
                r.insert("Type".into(), "com.apple.mobile.lockdown".into());
                framing::write_message(&mut stream, &r)
                    .await
                    .map_err(to_io)?;
            }
            LockdownRequest::GetValue { domain, key } => {
                let r = get_value(
                    device,
                    &shared,
                    session.is_some(),
                    domain.as_deref(),
                    key.as_deref(),
                );
                framing::write_message(&mut stream, &r)
                    .await
                    .map_err(to_io)?;
            }
            LockdownRequest::StartSession { host_id, .. } => {
                if shared.unpaired() || host_id != device.pair.host_id {
                    framing::write_message(&mut stream, &error("StartSession", "InvalidHostID"))
                        .await
                        .map_err(to_io)?;
                    continue;
                }
                let id = crate::pairing::random_uuid().unwrap_or_else(|_| "SESSION".into());
                let mut r = reply("StartSession");
                r.insert("SessionID".into(), id.as_str().into());
                r.insert("EnableSessionSSL".into(), true.into());
                framing::write_message(&mut stream, &r)
                    .await
                    .map_err(to_io)?;
                let acceptor = TlsAcceptor::from(device.pair.tls.clone());
                stream = Box::new(acceptor.accept(stream).await?);
                session = Some(id);
            }
            LockdownRequest::StartService(service) => {
                let r = start_service(&shared, device_id, session.is_some(), service);
                framing::write_message(&mut stream, &r)
                    .await
                    .map_err(to_io)?;
            }
            LockdownRequest::StopSession { .. } => {
                framing::write_message(&mut stream, &reply("StopSession"))
                    .await
                    .map_err(to_io)?;
                // The session's TLS ends here; the host may only say goodbye afterwards.
                return Ok(());
            }
        }
    }
}

fn start_service(
    shared: &Shared,
    device_id: u32,
    in_session: bool,
    service: AllowedService,
) -> Dictionary {
    if !in_session {
        return error("StartService", "SessionInactive");
    }
    if shared.knobs.locked {
        return error("StartService", "PasswordProtected");
    }
    if shared.knobs.missing_services.contains(&service) {
        return error("StartService", "InvalidService");
    }
    let port = shared.start_service(device_id, service);
    let mut r = reply("StartService");
    r.insert("Service".into(), service.name().into());
    r.insert("Port".into(), u64::from(port).into());
    let ssl = service == AllowedService::McInstall && shared.knobs.mcinstall_ssl;
    r.insert("EnableServiceSSL".into(), ssl.into());
    r
}

fn to_io(e: framing::FrameError) -> std::io::Error {
    match e {
        framing::FrameError::Io(io) => io,
        other => std::io::Error::new(std::io::ErrorKind::InvalidData, other.to_string()),
    }
}
