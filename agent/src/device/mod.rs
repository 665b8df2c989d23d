//! The only code that talks to an iPad. It sends nothing outside the read allowlist:
//! - [`allowlist`]: every request the agent may send, as closed enums;
//! - [`framing`]: the length-prefixed plist framing of lockdown services;
//! - [`gate`]: the single module that calls `idevice`, read methods only;
//! - [`collect`]: the scan itself (choose a device, read it);
//! - [`snapshot`]: what was read, as a `lucarne.snapshot/1`;
//! - [`error`]: what can go wrong, in terms a user can act on.
//!
//! Architecture invariant: no request that changes the device exists in this code.

pub mod allowlist;
pub mod collect;
pub mod error;
pub mod framing;
pub mod gate;
pub mod snapshot;

pub use collect::{LiveReading, ScanOptions};
pub use error::ScanError;
pub use gate::{ListedDevice, UsbmuxAddress};
