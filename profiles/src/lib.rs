//! The knowledge of MDM at the heart of Lucarne: reading configuration profiles, the
//! catalogue of what each payload, restriction, command and access right lets an
//! administration do, the analysis that turns a device's state into plain statements with
//! evidence, and the snapshot schema that the agent signs and the server stores.
//!
//! This crate knows nothing of HTTP, SQL, terminals or devices: it is pure functions from
//! bytes to facts, so that the command line, the server and the tests share one truth.
//!
//! The evidence protocol (signed envelopes, the chain rule, the log's proofs, receipts) and
//! the CMS reader are `lucarne-proof`'s; this crate uses its CMS reader and certificate
//! summary to read signed profiles and the certificates they install.
//!
//! # Layout
//! - [`value`]: payload values as JSON, with bounds on depth and size.
//! - [`catalog`]: what each payload, restriction, MDM command and access right lets the
//!   administration do, loaded from the TOML files of `profiles/catalog/`.
//! - [`parse`]: bytes of a `.mobileconfig` → [`profile::Profile`] (a signed one is opened by
//!   `lucarne_proof::cms`).
//! - [`plist_read`]: property lists read as an event stream under bounds (plist bombs).
//! - [`profile`]: the profile model (its [`Signer`] is `lucarne_proof::cms`'s report).
//! - [`redact`]: secrets replaced by salted hashes before anything leaves.
//! - [`snapshot`]: the `lucarne.snapshot/1` schema.
//! - [`analysis`]: profiles or a snapshot → what the administration can do, with evidence.
//! - [`capability`]: what the analysis states, with its evidence.
//! - [`certificate`]: the X.509 certificates that payloads install.
//! - [`group`]: many devices compared: what only some have, rarest first.
//! - [`compare`]: typed changes between two snapshots of one device, with levels and alerts
//!   (also for uploads that break `lucarne_proof::chain`).

pub mod analysis;
pub mod capability;
pub mod catalog;
pub mod certificate;
pub mod compare;
pub mod group;
pub mod parse;
pub mod plist_read;
pub mod profile;
pub mod redact;
pub mod snapshot;
pub mod value;

pub use capability::{Capability, Condition, Evidence, Param, Status, Topic, Tri, Verb};
pub use catalog::{Catalog, CatalogError};
pub use parse::{parse_profile, ParseError};
pub use profile::{Payload, Profile, Signer};
pub use snapshot::{Snapshot, SNAPSHOT_SCHEMA};
