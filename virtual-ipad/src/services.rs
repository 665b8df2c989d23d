//! The MCInstall and installation_proxy services of a virtual iPad, answering from the device
//! directory. Requests outside the allowlist get an error reply and are recorded as refused.

use std::sync::Arc;

use plist::{Dictionary, Value};
use tokio_rustls::TlsAcceptor;

use crate::devicedir::{DeviceDir, MANAGED_BY_MDM_KEY};
use crate::{Shared, Stream, VirtualDevice};
use lucarne::device::allowlist::{AllowedService, InstallationProxyRequest, McInstallRequest};
use lucarne::device::framing;

/// Apps per `Browse` message, like the chunks real devices stream.
const BROWSE_CHUNK: usize = 20;

fn to_io(e: framing::FrameError) -> std::io::Error {
    match e {
        framing::FrameError::Io(io) => io,
        other => std::io::Error::new(std::io::ErrorKind::InvalidData, other.to_string()),
    }
}

/// Serves one connection to a started service.
pub async fn serve(
    stream: Box<dyn Stream>,
    shared: Arc<Shared>,
    device_id: u32,
    service: AllowedService,
) -> std::io::Result<()> {
    let Some(device) = shared.device(device_id) else {
        return Ok(());
    };
    let mut stream = stream;
    if service == AllowedService::McInstall && shared.knobs.mcinstall_ssl {
        let acceptor = TlsAcceptor::from(device.pair.tls.clone());
        stream = Box::new(acceptor.accept(stream).await?);
    }
    loop {
        let Some(request) = framing::read_message(&mut stream).await.map_err(to_io)? else {
            return Ok(());
        };
        if !shared.count_message() {
            return Ok(()); // cable pulled
        }
        let replies = match service {
            AllowedService::McInstall => vec![mcinstall(&shared, device, &request)],
            AllowedService::InstallationProxy => installation_proxy(&shared, device, &request),
        };
        for r in replies {
            framing::write_message(&mut stream, &r)
                .await
                .map_err(to_io)?;
        }
    }
}

fn mcinstall(shared: &Shared, device: &VirtualDevice, request: &Dictionary) -> Dictionary {
    let name = request
        .get("RequestType")
        .and_then(Value::as_string)
        .unwrap_or("(no RequestType)")
        .to_string();
    let channel = AllowedService::McInstall.name();
    let parsed = match McInstallRequest::parse(request) {
        Ok(p) => {
            shared.record(channel, &name, None);
            p
        }
        Err(refusal) => {
            shared.record(channel, &name, Some(refusal.to_string()));
            let mut e = Dictionary::new();
            e.insert("ErrorCode".into(), 1000u64.into());
            e.insert("ErrorDomain".into(), "LucarneVirtualIpad".into());
            e.insert("LocalizedDescription".into(), refusal.to_string().into());
            let mut r = Dictionary::new();
            r.insert("Status".into(), "Error".into());
            r.insert(
                "ErrorChain".into(),
                Value::Array(vec![Value::Dictionary(e)]),
            );
            return r;
        }
    };
    let mut r = match parsed {
        McInstallRequest::GetProfileList => {
            profile_list(&device.dir, shared.knobs.payloads_in_profile_list)
        }
        McInstallRequest::GetCloudConfiguration => {
            let mut r = Dictionary::new();
            if let Some(c) = &device.dir.cloud_configuration {
                r.insert("CloudConfiguration".into(), Value::Dictionary(c.clone()));
            }
            r
        }
    };
    r.insert("Status".into(), "Acknowledged".into());
    r
}

/// The `GetProfileList` reply for a device directory.
pub fn profile_list(dir: &DeviceDir, with_payloads: bool) -> Dictionary {
    let mut ordered = Vec::new();
    let mut manifest = Dictionary::new();
    let mut metadata = Dictionary::new();
    for file in &dir.profiles {
        let p = &file.profile;
        ordered.push(Value::from(p.identifier.as_str()));
        let mut m = Dictionary::new();
        m.insert(
            "Description".into(),
            p.display_name.clone().unwrap_or_default().into(),
        );
        m.insert("IsActive".into(), true.into());
        manifest.insert(p.identifier.clone(), Value::Dictionary(m));

        let mut meta = Dictionary::new();
        let mut put = |k: &str, v: Option<String>| {
            if let Some(v) = v {
                meta.insert(k.into(), v.into());
            }
        };
        put("PayloadDisplayName", p.display_name.clone());
        put("PayloadDescription", p.description.clone());
        put("PayloadOrganization", p.organization.clone());
        meta.insert("PayloadUUID".into(), p.uuid.as_str().into());
        meta.insert("PayloadVersion".into(), p.version.unwrap_or(1).into());
        meta.insert(
            "PayloadRemovalDisallowed".into(),
            p.removal_disallowed.into(),
        );
        if with_payloads {
            // Unsigned profiles only: the raw payload dictionaries, as the device stores them.
            if let Some(content) = plist::from_bytes::<Dictionary>(&file.bytes)
                .ok()
                .and_then(|d| d.get("PayloadContent").cloned())
            {
                meta.insert("PayloadContent".into(), content);
            }
        }
        metadata.insert(p.identifier.clone(), Value::Dictionary(meta));
    }
    let mut r = Dictionary::new();
    r.insert("OrderedIdentifiers".into(), Value::Array(ordered));
    r.insert("ProfileManifest".into(), Value::Dictionary(manifest));
    r.insert("ProfileMetadata".into(), Value::Dictionary(metadata));
    r
}

/// The apps matching installation_proxy `ClientOptions`, with only the asked attributes and
/// never the Lucarne-only key.
fn matching_apps(dir: &DeviceDir, options: &Dictionary) -> Vec<Dictionary> {
    let app_type = options
        .get("ApplicationType")
        .and_then(Value::as_string)
        .unwrap_or("Any");
    let bundle_ids: Option<Vec<&str>> = options
        .get("BundleIDs")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_string).collect());
    let attributes: Option<Vec<&str>> = options
        .get("ReturnAttributes")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_string).collect());
    dir.apps
        .iter()
        .filter(|app| {
            let t = app
                .get("ApplicationType")
                .and_then(Value::as_string)
                .unwrap_or("User");
            app_type == "Any" || t == app_type
        })
        .filter(|app| {
            bundle_ids.as_ref().is_none_or(|ids| {
                app.get("CFBundleIdentifier")
                    .and_then(Value::as_string)
                    .is_some_and(|b| ids.contains(&b))
            })
        })
        .map(|app| {
            let mut out = app.clone();
            out.remove(MANAGED_BY_MDM_KEY);
            if let Some(attrs) = &attributes {
                out.retain(|k, _| attrs.contains(&k.as_str()));
            }
            out
        })
        .collect()
}

fn installation_proxy(
    shared: &Shared,
    device: &VirtualDevice,
    request: &Dictionary,
) -> Vec<Dictionary> {
    let name = request
        .get("Command")
        .and_then(Value::as_string)
        .unwrap_or("(no Command)")
        .to_string();
    let channel = AllowedService::InstallationProxy.name();
    let parsed = match InstallationProxyRequest::parse(request) {
        Ok(p) => {
            shared.record(channel, &name, None);
            p
        }
        Err(refusal) => {
            shared.record(channel, &name, Some(refusal.to_string()));
            let mut r = Dictionary::new();
            r.insert("Error".into(), "NotAllowed".into());
            r.insert("ErrorDescription".into(), refusal.to_string().into());
            return vec![r];
        }
    };
    let apps = matching_apps(&device.dir, parsed.options());
    match parsed {
        InstallationProxyRequest::Browse { .. } => {
            let total = apps.len();
            let mut out: Vec<Dictionary> = apps
                .chunks(BROWSE_CHUNK)
                .enumerate()
                .map(|(i, chunk)| {
                    let mut r = Dictionary::new();
                    r.insert("CurrentAmount".into(), (chunk.len() as u64).into());
                    r.insert("CurrentIndex".into(), ((i * BROWSE_CHUNK) as u64).into());
                    r.insert(
                        "CurrentList".into(),
                        Value::Array(chunk.iter().cloned().map(Value::Dictionary).collect()),
                    );
                    r.insert("Status".into(), "BrowsingApplications".into());
                    r.insert("Total".into(), (total as u64).into());
                    r
                })
                .collect();
            let mut done = Dictionary::new();
            done.insert("Status".into(), "Complete".into());
            out.push(done);
            out
        }
        InstallationProxyRequest::Lookup { .. } => {
            let mut result = Dictionary::new();
            for app in apps {
                if let Some(id) = app
                    .get("CFBundleIdentifier")
                    .and_then(Value::as_string)
                    .map(str::to_owned)
                {
                    result.insert(id, Value::Dictionary(app));
                }
            }
            let mut r = Dictionary::new();
            r.insert("LookupResult".into(), Value::Dictionary(result));
            r.insert("Status".into(), "Complete".into());
            vec![r]
        }
    }
}
