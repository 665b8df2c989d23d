//! What can go wrong while reading a live iPad, in terms a user can act on. Each variant has a
//! message in `agent/i18n/{fr,en}/lucarne.ftl` (see [`ScanError::message_id`]); the technical
//! cause stays in `Display` for logs.

use super::allowlist::AllowedService;

/// Why a scan of a live device failed. A failed scan produces no snapshot at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ScanError {
    /// usbmuxd (or Apple Mobile Device Service) is not running or not reachable.
    #[error("usbmuxd is not reachable at {address}: {cause}")]
    NoUsbmuxd {
        /// The address tried.
        address: String,
        /// The system's error.
        cause: String,
    },
    /// No device is connected.
    #[error("no device connected")]
    NoDevice,
    /// Several devices are connected and none was chosen.
    #[error("several devices connected: {}", udids.join(", "))]
    SeveralDevices {
        /// Their UDIDs.
        udids: Vec<String>,
    },
    /// The chosen device is not connected.
    #[error("device {udid} is not connected")]
    DeviceNotFound {
        /// The UDID asked for.
        udid: String,
    },
    /// This computer has no valid pair record for the device (Trust not tapped, or revoked).
    #[error("device {udid} is not paired with this computer: {cause}")]
    NotPaired {
        /// The device.
        udid: String,
        /// What showed it.
        cause: String,
    },
    /// The device is locked (`PasswordProtected`).
    #[error("device {udid} is locked")]
    Locked {
        /// The device.
        udid: String,
    },
    /// The device does not offer a service (older iPadOS, or disabled).
    #[error("device {udid} does not offer {}: {cause}", service.name())]
    ServiceMissing {
        /// The device.
        udid: String,
        /// The service.
        service: AllowedService,
        /// What the device said.
        cause: String,
    },
    /// The connection dropped in the middle of the scan (cable pulled, device rebooted).
    #[error("connection to {udid} lost: {cause}")]
    ConnectionLost {
        /// The device.
        udid: String,
        /// The system's error.
        cause: String,
    },
    /// The device answered something unexpected.
    #[error("unexpected answer from {udid}: {cause}")]
    Protocol {
        /// The device.
        udid: String,
        /// What was unexpected.
        cause: String,
    },
}

impl ScanError {
    /// The identifier of the user-facing message in the fluent catalogue.
    pub fn message_id(&self) -> &'static str {
        match self {
            ScanError::NoUsbmuxd { .. } => "error-no-usbmuxd",
            ScanError::NoDevice => "error-no-device",
            ScanError::SeveralDevices { .. } => "error-several-devices",
            ScanError::DeviceNotFound { .. } => "error-device-not-found",
            ScanError::NotPaired { .. } => "error-not-paired",
            ScanError::Locked { .. } => "error-locked",
            ScanError::ServiceMissing { .. } => "error-service-missing",
            ScanError::ConnectionLost { .. } => "error-connection-lost",
            ScanError::Protocol { .. } => "error-protocol",
        }
    }

    /// The variables of the user-facing message.
    pub fn message_args(&self) -> Vec<(&'static str, String)> {
        match self {
            ScanError::NoUsbmuxd { address, .. } => vec![("address", address.clone())],
            ScanError::NoDevice => vec![],
            ScanError::SeveralDevices { udids } => vec![("udids", udids.join(", "))],
            ScanError::DeviceNotFound { udid }
            | ScanError::NotPaired { udid, .. }
            | ScanError::Locked { udid }
            | ScanError::ConnectionLost { udid, .. } => vec![("udid", udid.clone())],
            ScanError::ServiceMissing { udid, service, .. } => {
                vec![
                    ("udid", udid.clone()),
                    ("service", service.name().to_string()),
                ]
            }
            ScanError::Protocol { udid, cause } => {
                vec![("udid", udid.clone()), ("cause", cause.clone())]
            }
        }
    }
}
