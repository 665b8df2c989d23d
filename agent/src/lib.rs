//! The Lucarne agent as a library: collectors, keys and uploads. The `lucarne` binary
//! (`main.rs`) is a thin command line over it. The test kit (the virtual iPad, device
//! directories, the backup writer) is the separate `lucarne-virtual-ipad` crate, which depends
//! on this one and never the reverse.
//!
//! # Layout
//! - [`commands`]: one module per `lucarne` subcommand.
//! - [`backup`]: Finder/iTunes backups, plain and encrypted.
//! - [`privacy_report`]: the App Privacy Report export.
//! - [`device`]: reading a live iPad (usbmuxd, lockdown, MCInstall, installation_proxy).
//! - [`sources`]: one snapshot from several sources, merged in one place.
//! - [`i18n`]: the command line's own texts (Fluent files, French and English).
//! - [`salt`]: salts for secret redaction.
//! - [`failure`]: failures said in the reader's language, with their technical cause.
//! - [`history`]: what changed on each iPad, from this computer's own history.
//! - [`home`]: the data directory, owner-only, written atomically.
//! - [`keys`]: the agent's Ed25519 key and the redaction salt.
//! - [`state`]: sealing snapshots: per-device hash chain, local history, outbox.
//! - [`registration`]: registering the key with a server, and what the server answered.
//! - [`upload`]: sending the outbox, verifying receipts, keeping them.
//! - [`server_history`]: what the server says of the account's iPads (signed API).
//!
//! Invariant: nothing in this crate writes to a device. See `ARCHITECTURE.md`.

pub mod backup;
pub mod commands;
pub mod device;
pub mod export;
pub mod failure;
pub mod history;
pub mod home;
pub mod i18n;
pub mod keys;
pub mod privacy_report;
pub mod registration;
pub mod salt;
pub mod server_history;
pub mod sources;
pub mod state;
pub mod upload;
