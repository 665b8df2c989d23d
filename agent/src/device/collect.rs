//! Reading a live device: choose it among those usbmuxd lists, open a session, read the
//! lockdown values, MCInstall's profile list and cloud configuration, and the apps. The result
//! is a [`LiveReading`], raw as the device said it; [`super::snapshot`] turns it into a
//! snapshot. Either everything is read or the scan fails: no partial reading exists.

use std::collections::BTreeMap;
use std::time::Duration;

use plist::{Dictionary, Value};

use super::allowlist::{InstallationProxyRequest, LockdownRequest, McInstallRequest};
use super::error::ScanError;
use super::gate::{self, DeviceLink, ListedDevice, UsbmuxAddress};

/// The lockdown domains read besides the default one (facts §3.2), whole.
pub const DOMAINS: [&str; 6] = [
    "com.apple.mobile.chaperone",
    "com.apple.mobile.backup",
    "com.apple.fmip",
    "com.apple.mobile.wireless_lockdown",
    "com.apple.security.mac.amfi",
    "com.apple.international",
];

/// installation_proxy attributes asked for: what tells who installed an app and what it may do.
pub const APP_ATTRIBUTES: [&str; 10] = [
    "CFBundleIdentifier",
    "CFBundleDisplayName",
    "CFBundleName",
    "CFBundleShortVersionString",
    "CFBundleVersion",
    "ApplicationType",
    "SignerIdentity",
    "ProfileValidated",
    "Entitlements",
    "IsAppClip",
];

/// Longest a whole scan may take before the device is considered gone.
pub const SCAN_TIMEOUT: Duration = Duration::from_secs(60);

/// Which device to read, and through which usbmuxd.
#[derive(Debug, Clone)]
pub struct ScanOptions {
    /// usbmuxd's address.
    pub address: UsbmuxAddress,
    /// The device's UDID; `None` to take the only connected one.
    pub udid: Option<String>,
}

/// Everything read from a device, as it said it.
#[derive(Debug, Clone, PartialEq)]
pub struct LiveReading {
    /// The UDID usbmuxd gave.
    pub udid: String,
    /// Default-domain lockdown values.
    pub values: Dictionary,
    /// Other domains, whole, by name (domains the device does not have are absent).
    pub domains: BTreeMap<String, Dictionary>,
    /// MCInstall `GetProfileList` reply.
    pub profile_list: Dictionary,
    /// The `CloudConfiguration` dictionary, when the device has one.
    pub cloud_configuration: Option<Dictionary>,
    /// installation_proxy app dictionaries (user and system apps).
    pub apps: Vec<Dictionary>,
}

/// Picks the device to read: the one asked for, or the only one connected.
pub fn choose_device(
    devices: &[ListedDevice],
    udid: Option<&str>,
) -> Result<ListedDevice, ScanError> {
    match udid {
        Some(udid) => devices
            .iter()
            .find(|d| d.udid.eq_ignore_ascii_case(udid))
            .cloned()
            .ok_or_else(|| ScanError::DeviceNotFound { udid: udid.into() }),
        None => {
            let mut udids: Vec<String> = devices.iter().map(|d| d.udid.clone()).collect();
            udids.dedup();
            match udids.len() {
                0 => Err(ScanError::NoDevice),
                1 => Ok(devices[0].clone()),
                _ => Err(ScanError::SeveralDevices { udids }),
            }
        }
    }
}

fn runtime() -> Result<tokio::runtime::Runtime, ScanError> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| ScanError::Protocol {
            udid: String::new(),
            cause: format!("cannot start the async runtime: {e}"),
        })
}

/// Lists the connected devices (blocking).
pub fn devices(address: &UsbmuxAddress) -> Result<Vec<ListedDevice>, ScanError> {
    runtime()?.block_on(gate::list_devices(address))
}

/// Reads the chosen device (blocking).
pub fn scan(options: &ScanOptions) -> Result<LiveReading, ScanError> {
    runtime()?.block_on(async {
        let devices = gate::list_devices(&options.address).await?;
        let device = choose_device(&devices, options.udid.as_deref())?;
        let udid = device.udid.clone();
        tokio::time::timeout(SCAN_TIMEOUT, read_device(&options.address, &device))
            .await
            .map_err(|_| ScanError::ConnectionLost {
                udid,
                cause: format!("no answer within {} s", SCAN_TIMEOUT.as_secs()),
            })?
    })
}

/// Reads everything from one device.
pub async fn read_device(
    address: &UsbmuxAddress,
    device: &ListedDevice,
) -> Result<LiveReading, ScanError> {
    let mut link = DeviceLink::open(address, device).await?;
    let values = match link
        .get_value(&LockdownRequest::GetValue {
            domain: None,
            key: None,
        })
        .await?
    {
        Value::Dictionary(d) => d,
        other => {
            return Err(ScanError::Protocol {
                udid: device.udid.clone(),
                cause: format!("GetValue answered a {other:?} instead of a dictionary"),
            })
        }
    };
    let mut domains = BTreeMap::new();
    for domain in DOMAINS {
        let request = LockdownRequest::GetValue {
            domain: Some(domain.into()),
            key: None,
        };
        match link.get_value(&request).await {
            Ok(Value::Dictionary(d)) => {
                domains.insert(domain.to_string(), d);
            }
            // A domain the device does not have (older iPadOS) is not a failure.
            Ok(_) | Err(ScanError::Protocol { .. }) => {}
            Err(e) => return Err(e),
        }
    }
    let mut replies = link
        .mcinstall(&[
            McInstallRequest::GetProfileList,
            McInstallRequest::GetCloudConfiguration,
        ])
        .await?
        .into_iter();
    let profile_list = replies.next().unwrap_or_default();
    let cloud_configuration = replies
        .next()
        .and_then(|mut r| r.remove("CloudConfiguration"))
        .and_then(Value::into_dictionary);
    let mut options = Dictionary::new();
    options.insert("ApplicationType".into(), "Any".into());
    options.insert(
        "ReturnAttributes".into(),
        Value::Array(APP_ATTRIBUTES.iter().map(|a| Value::from(*a)).collect()),
    );
    let apps = link
        .installation_proxy(&InstallationProxyRequest::Browse { options })
        .await?;
    let udid = link.udid().to_string();
    link.close().await;
    Ok(LiveReading {
        udid,
        values,
        domains,
        profile_list,
        cloud_configuration,
        apps,
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn dev(udid: &str) -> ListedDevice {
        ListedDevice {
            udid: udid.into(),
            device_id: 1,
            connection: "USB".into(),
        }
    }

    #[test]
    fn chooses_the_only_device_or_the_named_one() {
        assert_eq!(choose_device(&[], None), Err(ScanError::NoDevice));
        assert_eq!(choose_device(&[dev("A")], None).unwrap().udid, "A");
        assert!(matches!(
            choose_device(&[dev("A"), dev("B")], None),
            Err(ScanError::SeveralDevices { .. })
        ));
        assert_eq!(
            choose_device(&[dev("A"), dev("B")], Some("b"))
                .unwrap()
                .udid,
            "B"
        );
        assert!(matches!(
            choose_device(&[dev("A")], Some("C")),
            Err(ScanError::DeviceNotFound { .. })
        ));
    }
}
