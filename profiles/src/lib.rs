//! The knowledge of MDM at the heart of Lucarne: reading configuration profiles, the
//! catalogue of what each payload, restriction, command and access right lets an
//! administration do, the analysis that turns a device's state into plain statements with
//! evidence, and the snapshot schema that the agent signs and the server stores.
//!
//! This crate knows nothing of HTTP, SQL, terminals or devices: it is pure functions from
//! bytes to facts, so that the command line, the server and the tests share one truth.
//!
//! # Layout
//! - [`value`]: payload values as JSON, with bounds on depth and size.
//! - [`catalog`]: what each payload, restriction, MDM command and access right lets the
//!   administration do, loaded from the TOML files of `profiles/catalog/`.
//! - [`parse`]: bytes of a `.mobileconfig` → [`profile::Profile`].
//! - [`plist_read`]: property lists read as an event stream under bounds (plist bombs).
//! - [`cms`]: the signed (CMS/PKCS#7) wrapper and its signer.
//! - [`profile`]: the profile model.
//! - [`redact`]: secrets replaced by salted hashes before anything leaves.
//! - [`snapshot`]: the `lucarne.snapshot/1` schema.
//! - [`analysis`]: profiles or a snapshot → what the administration can do, with evidence.
//! - [`capability`]: what the analysis states, with its evidence.
//! - [`certificate`]: X.509 certificates shipped in payloads.
//! - [`envelope`]: the signed envelope around a snapshot.
//! - [`compare`]: typed changes between two snapshots of one device, with levels and alerts.
//! - [`merkle`]: RFC 9162 inclusion and consistency proof verification.
//! - [`checkpoint`]: signed checkpoints of the server's transparency log.
//! - [`receipt`]: the server's receipt for a snapshot, and its verification.

pub mod analysis;
pub mod capability;
pub mod catalog;
pub mod certificate;
pub mod checkpoint;
pub mod cms;
pub mod compare;
pub mod envelope;
pub mod merkle;
pub mod parse;
pub mod plist_read;
pub mod profile;
pub mod receipt;
pub mod redact;
pub mod snapshot;
pub mod value;

pub use capability::{Capability, Condition, Evidence, Param, Status, Topic, Tri, Verb};
pub use catalog::{Catalog, CatalogError};
pub use parse::{parse_profile, ParseError};
pub use profile::{Payload, Profile, Signer};
pub use snapshot::{Snapshot, SNAPSHOT_SCHEMA};
