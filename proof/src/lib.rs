//! The evidence protocol of Lucarne: what the agent signs, what the server's transparency log
//! commits to, and how anyone checks both, offline.
//!
//! The agent signs each snapshot of a device in an [`envelope`] (Ed25519 over a context string
//! and the snapshot's exact bytes); each snapshot names the one before it, and the server
//! refuses any upload that breaks the device's [`chain`]. The server appends every accepted
//! envelope to a Merkle tree ([`merkle`], RFC 9162 hashing), signs a [`checkpoint`] of the
//! tree (C2SP tlog-checkpoint in a C2SP signed note) and answers with a [`receipt`] holding an
//! inclusion proof. The agent verifies every receipt before it forgets an envelope, and checks
//! that each new checkpoint extends the last one it saw (consistency proofs); an exported
//! bundle can be checked again by anyone with the same functions.
//!
//! The formats are stated byte by byte in [`formats`] (the file `proof/FORMATS.md`): what is
//! signed, the context string, the key ids, the base64 and hex forms, the leaf and node
//! hashes, the checkpoint text and signature lines, and each field of a receipt with how it is
//! checked. They are enough to write an independent verifier.
//!
//! This crate also reads CMS SignedData ([`cms`]: signed configuration profiles, and the
//! RFC 3161 timestamp tokens that evidence exports will carry) and summarises X.509
//! certificates ([`x509`]).
//!
//! # Architecture invariant
//! No I/O (no files, network, clock or randomness outside tests) and no knowledge of MDM,
//! HTTP or SQL: every function takes bytes or values and returns a verdict or an error, never
//! panics on hostile input, and bounds every size it reads. The agent, the server and any
//! verifier call the same code; nothing here trusts the server.
//!
//! # Layout
//! - [`envelope`]: the signed envelope around a snapshot's exact bytes.
//! - [`chain`]: the per-device chain rule (sequence, previous hash).
//! - [`merkle`]: RFC 9162 inclusion and consistency proof verification.
//! - [`checkpoint`]: signed checkpoints of the server's transparency log.
//! - [`receipt`]: the server's receipt for a snapshot, and its verification.
//! - [`request`]: what an agent signs to call the server's API (method, host, path and
//!   query, body hash, time, single-use nonce).
//! - [`cms`]: CMS (PKCS#7) SignedData: the signed content and a report on its signer.
//! - [`x509`]: what Lucarne shows of an X.509 certificate.
//! - [`export`]: the evidence export (`lucarne-export/1`) and its offline verification.
//! - [`wire`]: the HTTP API's bodies and refusal codes, shared by server, agent and the
//!   OpenAPI document.
//! - [`formats`]: the formats, byte by byte.

pub mod chain;
pub mod checkpoint;
pub mod cms;
pub mod envelope;
pub mod export;
pub mod merkle;
pub mod receipt;
pub mod request;
pub mod wire;
pub mod x509;

/// The formats of the evidence protocol, byte by byte (the file `proof/FORMATS.md`).
pub mod formats {
    #![doc = include_str!("../FORMATS.md")]
}
