//! The evidence protocol of Lucarne: what the agent signs, what the server's transparency log
//! commits to, and how anyone checks both, offline.
//!
//! This crate does no I/O and knows nothing of MDM, HTTP or SQL: it is pure functions from
//! bytes to verdicts, shared by the agent, the server and any verifier.
//!
//! # Layout
//! - [`envelope`]: the signed envelope around a snapshot's exact bytes.
//! - [`chain`]: the per-device chain rule (sequence, previous hash).
//! - [`merkle`]: RFC 9162 inclusion and consistency proof verification.
//! - [`checkpoint`]: signed checkpoints of the server's transparency log.
//! - [`receipt`]: the server's receipt for a snapshot, and its verification.
//! - [`cms`]: CMS (PKCS#7) SignedData: the signed content and a report on its signer.
//! - [`x509`]: what Lucarne shows of an X.509 certificate.

pub mod chain;
pub mod checkpoint;
pub mod cms;
pub mod envelope;
pub mod merkle;
pub mod receipt;
pub mod x509;
