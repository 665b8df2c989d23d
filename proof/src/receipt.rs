//! The server's receipt for an accepted snapshot, and its verification.
//!
//! A receipt is only worth something once checked: the hash it names must be the hash of the
//! exact bytes sent, the checkpoint must be signed by the log key learnt at registration, and the
//! inclusion proof must lead from that hash to the checkpoint's root. The agent checks every
//! receipt before it forgets the envelope; an export carries receipts so anyone can check them
//! again offline with [`Receipt::verify`].
//!
//! The log's leaf data is the 32-byte SHA-256 of the envelope body, so its leaf hash is
//! `SHA-256(0x00 || SHA-256(body))`.
//!
//! What [`Receipt::verify`] checks, in order (each field, byte by byte, in
//! [`crate::formats`] §6): `schema`; `envelope_sha256` against the bytes sent; `key_id`
//! against the envelope's; `sequence` against the snapshot's; the signed `checkpoint`;
//! `tree_size` against the checkpoint's size; the `inclusion_proof` at `leaf_index` up to the
//! checkpoint's root. `device_id`, `duplicate_content`, `events` and `alerts` are information
//! the server adds, not evidence, and are not checked; nor is the envelope's signature (the
//! receipt proves the bytes are in the log, [`crate::envelope`] who signed them).

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::checkpoint::{verify_checkpoint, Checkpoint, CheckpointError, LogIdentity};
use crate::envelope::{sha256_hex, Envelope};
use crate::merkle::{self, Hash, MerkleError};

/// Schema identifier of a receipt.
pub const RECEIPT_SCHEMA: &str = "lucarne.receipt/1";
/// Largest receipt accepted.
pub const MAX_RECEIPT_BYTES: usize = 1024 * 1024;

/// What the server answers when it accepts a snapshot.
///
/// The server fills `events` and `alerts` with its typed change events and alerts (those of
/// `lucarne-profiles::diff`); the agent reads them as plain JSON (the defaults), so that a newer
/// server's event kinds never make an older agent refuse a receipt whose proofs verify. They are
/// information, not evidence: [`Receipt::verify`] does not look at them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(bound(deserialize = "E: serde::de::DeserializeOwned, A: serde::de::DeserializeOwned"))]
#[schemars(rename = "Receipt")]
pub struct Receipt<E = Value, A = Value> {
    /// Always [`RECEIPT_SCHEMA`].
    pub schema: String,
    /// Key that signed the envelope.
    pub key_id: String,
    /// The server's identifier of the device.
    pub device_id: String,
    /// Sequence number of the snapshot.
    pub sequence: u64,
    /// Hex SHA-256 of the exact envelope body received.
    pub envelope_sha256: String,
    /// Position of the entry in the log.
    pub leaf_index: u64,
    /// Size of the tree the inclusion proof is for.
    pub tree_size: u64,
    /// Inclusion proof, hex hashes from the leaf up.
    pub inclusion_proof: Vec<String>,
    /// The signed checkpoint of that tree (C2SP signed note).
    pub checkpoint: String,
    /// The server already held a snapshot with identical content.
    #[serde(default)]
    pub duplicate_content: bool,
    /// What changed since the previous snapshot, as the server saw it.
    #[serde(default)]
    pub events: Vec<E>,
    /// Alerts the server raised.
    #[serde(default)]
    pub alerts: Vec<A>,
}

/// Why a receipt was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ReceiptError {
    /// Larger than [`MAX_RECEIPT_BYTES`].
    #[error("the receipt is {0} bytes, more than the {MAX_RECEIPT_BYTES} accepted")]
    TooLarge(usize),
    /// Not JSON of the receipt shape.
    #[error("the receipt is not valid JSON of the expected shape: {0}")]
    Malformed(String),
    /// Unknown receipt schema.
    #[error("receipt schema `{0}` is not supported (expected `{RECEIPT_SCHEMA}`)")]
    Schema(String),
    /// The receipt is for other bytes than those sent.
    #[error("the receipt names envelope {found}, but the envelope sent hashes to {expected}")]
    EnvelopeHash {
        /// Hash of the bytes sent.
        expected: String,
        /// Hash in the receipt.
        found: String,
    },
    /// The bytes sent are not an envelope whose key and sequence can be compared.
    #[error("the envelope sent cannot be read: {0}")]
    Envelope(String),
    /// The receipt names another key than the envelope's.
    #[error("the receipt names key {found}, the envelope key {expected}")]
    KeyId {
        /// Key of the envelope.
        expected: String,
        /// Key in the receipt.
        found: String,
    },
    /// The receipt names another sequence number than the snapshot's.
    #[error("the receipt names sequence {found}, the snapshot has {expected}")]
    Sequence {
        /// Sequence of the snapshot.
        expected: u64,
        /// Sequence in the receipt.
        found: u64,
    },
    /// The checkpoint does not verify.
    #[error("checkpoint: {0}")]
    Checkpoint(#[from] CheckpointError),
    /// The receipt's tree size is not the checkpoint's.
    #[error("the receipt is for a tree of {receipt} entries, the checkpoint for {checkpoint}")]
    TreeSize {
        /// Size in the receipt.
        receipt: u64,
        /// Size in the signed checkpoint.
        checkpoint: u64,
    },
    /// A proof element is not 32 bytes of hex.
    #[error("inclusion proof element {0} is not a 32-byte hex hash")]
    ProofElement(usize),
    /// The inclusion proof does not hold.
    #[error("inclusion proof: {0}")]
    Inclusion(#[from] MerkleError),
}

/// The facts a verified receipt establishes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedReceipt {
    /// The checkpoint the entry is included in.
    pub checkpoint: Checkpoint,
    /// Position of the entry in the log.
    pub leaf_index: u64,
}

/// Only the field of a snapshot the receipt repeats.
#[derive(Deserialize)]
struct SequenceOnly {
    sequence: u64,
}

impl Receipt {
    /// Parses a receipt and checks its schema.
    pub fn from_json(bytes: &[u8]) -> Result<Receipt, ReceiptError> {
        if bytes.len() > MAX_RECEIPT_BYTES {
            return Err(ReceiptError::TooLarge(bytes.len()));
        }
        let receipt: Receipt =
            serde_json::from_slice(bytes).map_err(|e| ReceiptError::Malformed(e.to_string()))?;
        if receipt.schema != RECEIPT_SCHEMA {
            return Err(ReceiptError::Schema(receipt.schema));
        }
        Ok(receipt)
    }

    /// The log leaf hash of an envelope body: `SHA-256(0x00 || SHA-256(body))`.
    pub fn leaf_hash(body: &[u8]) -> Hash {
        let mut data = [0u8; 32];
        data.copy_from_slice(ring::digest::digest(&ring::digest::SHA256, body).as_ref());
        merkle::hash_leaf(&data)
    }

    /// Checks that this receipt proves `body` (the exact envelope bytes sent) is in the log
    /// `log`, at the position and in the tree the receipt names.
    pub fn verify(&self, body: &[u8], log: &LogIdentity) -> Result<VerifiedReceipt, ReceiptError> {
        if self.schema != RECEIPT_SCHEMA {
            return Err(ReceiptError::Schema(self.schema.clone()));
        }
        let expected = sha256_hex(body);
        if self.envelope_sha256 != expected {
            return Err(ReceiptError::EnvelopeHash {
                expected,
                found: self.envelope_sha256.clone(),
            });
        }
        let envelope =
            Envelope::from_json(body).map_err(|e| ReceiptError::Envelope(e.to_string()))?;
        if self.key_id != envelope.key_id {
            return Err(ReceiptError::KeyId {
                expected: envelope.key_id,
                found: self.key_id.clone(),
            });
        }
        let snapshot = envelope
            .snapshot_bytes()
            .map_err(|e| ReceiptError::Envelope(e.to_string()))?;
        let seq: SequenceOnly = serde_json::from_slice(&snapshot)
            .map_err(|e| ReceiptError::Envelope(format!("snapshot: {e}")))?;
        if self.sequence != seq.sequence {
            return Err(ReceiptError::Sequence {
                expected: seq.sequence,
                found: self.sequence,
            });
        }
        let checkpoint = verify_checkpoint(self.checkpoint.as_bytes(), log)?;
        if checkpoint.size != self.tree_size {
            return Err(ReceiptError::TreeSize {
                receipt: self.tree_size,
                checkpoint: checkpoint.size,
            });
        }
        if self.inclusion_proof.len() > merkle::MAX_PROOF_LEN {
            return Err(MerkleError::WrongLength(self.inclusion_proof.len()).into());
        }
        let proof = self
            .inclusion_proof
            .iter()
            .enumerate()
            .map(|(i, h)| {
                hex::decode(h)
                    .ok()
                    .and_then(|b| Hash::try_from(b.as_slice()).ok())
                    .ok_or(ReceiptError::ProofElement(i))
            })
            .collect::<Result<Vec<Hash>, _>>()?;
        merkle::verify_inclusion(
            &Self::leaf_hash(body),
            self.leaf_index,
            checkpoint.size,
            &proof,
            &checkpoint.root,
        )?;
        Ok(VerifiedReceipt {
            checkpoint,
            leaf_index: self.leaf_index,
        })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::checkpoint::test_log::TestLog;
    use crate::merkle::hash_children;
    use ring::rand::SystemRandom;
    use ring::signature::Ed25519KeyPair;

    const ORIGIN: &str = "lucarne.test/log";

    fn envelope_body(sequence: u64) -> Vec<u8> {
        let pkcs8 = Ed25519KeyPair::generate_pkcs8(&SystemRandom::new()).unwrap();
        let key = Ed25519KeyPair::from_pkcs8(pkcs8.as_ref()).unwrap();
        let snapshot = format!("{{\"schema\":\"lucarne.snapshot/1\",\"sequence\":{sequence}}}");
        serde_json::to_vec(&Envelope::sign(snapshot.as_bytes(), &key)).unwrap()
    }

    /// A log of 5 entries whose entry 2 is `body`, and its receipt.
    fn receipt_for(body: &[u8], log: &TestLog) -> Receipt {
        let l: Vec<Hash> = (0..5u8)
            .map(|i| {
                if i == 2 {
                    Receipt::leaf_hash(body)
                } else {
                    merkle::hash_leaf(&[i; 32])
                }
            })
            .collect();
        // RFC 9162 tree of 5 leaves: ((0 1)(2 3)) 4; path of leaf 2 = [l3, h(l0,l1), l4].
        let h01 = hash_children(&l[0], &l[1]);
        let h23 = hash_children(&l[2], &l[3]);
        let root = hash_children(&hash_children(&h01, &h23), &l[4]);
        let envelope = Envelope::from_json(body).unwrap();
        Receipt {
            schema: RECEIPT_SCHEMA.into(),
            key_id: envelope.key_id,
            device_id: "d1".into(),
            sequence: 7,
            envelope_sha256: sha256_hex(body),
            leaf_index: 2,
            tree_size: 5,
            inclusion_proof: [l[3], h01, l[4]].iter().map(hex::encode).collect(),
            checkpoint: log.sign(5, &root),
            duplicate_content: false,
            events: vec![],
            alerts: vec![],
        }
    }

    #[test]
    fn a_true_receipt_verifies_and_round_trips() {
        let log = TestLog::new(ORIGIN, [3; 32]);
        let body = envelope_body(7);
        let receipt = receipt_for(&body, &log);
        let verified = receipt.verify(&body, &log.identity).unwrap();
        assert_eq!(verified.leaf_index, 2);
        assert_eq!(verified.checkpoint.size, 5);
        let json = serde_json::to_vec(&receipt).unwrap();
        assert_eq!(Receipt::from_json(&json).unwrap(), receipt);
    }

    #[test]
    fn the_leaf_hash_is_as_documented() {
        // SHA-256(0x00 || SHA-256(body)), computed by hand.
        let body = b"{\"schema\":\"lucarne.envelope/1\"}";
        let inner = ring::digest::digest(&ring::digest::SHA256, body);
        let mut input = vec![0x00];
        input.extend_from_slice(inner.as_ref());
        let expected = ring::digest::digest(&ring::digest::SHA256, &input);
        assert_eq!(Receipt::leaf_hash(body).as_slice(), expected.as_ref());
    }

    #[test]
    fn every_tampered_field_is_refused() {
        let log = TestLog::new(ORIGIN, [3; 32]);
        let body = envelope_body(7);
        let good = receipt_for(&body, &log);
        let check = |r: &Receipt| r.verify(&body, &log.identity);

        let mut r = good.clone();
        r.envelope_sha256 = sha256_hex(b"other bytes");
        assert!(matches!(check(&r), Err(ReceiptError::EnvelopeHash { .. })));

        // The same receipt for other bytes (one byte of the body changed).
        let mut other_body = body.clone();
        let last = other_body.len() - 2;
        other_body[last] ^= 0x20;
        assert!(matches!(
            good.verify(&other_body, &log.identity),
            Err(ReceiptError::EnvelopeHash { .. })
        ));

        for i in 0..good.inclusion_proof.len() {
            let mut r = good.clone();
            let mut h = hex::decode(&r.inclusion_proof[i]).unwrap();
            h[0] ^= 1;
            r.inclusion_proof[i] = hex::encode(h);
            assert_eq!(
                check(&r),
                Err(ReceiptError::Inclusion(MerkleError::RootMismatch)),
                "proof element {i}"
            );
            let mut r = good.clone();
            r.inclusion_proof[i] = "zz".into();
            assert_eq!(check(&r), Err(ReceiptError::ProofElement(i)));
        }
        let mut r = good.clone();
        r.inclusion_proof.pop();
        assert!(matches!(check(&r), Err(ReceiptError::Inclusion(_))));
        let mut r = good.clone();
        r.inclusion_proof = vec![hex::encode([0; 32]); 65];
        assert!(matches!(check(&r), Err(ReceiptError::Inclusion(_))));

        for index in [0, 1, 3, 4, 5, u64::MAX] {
            let mut r = good.clone();
            r.leaf_index = index;
            assert!(
                matches!(check(&r), Err(ReceiptError::Inclusion(_))),
                "{index}"
            );
        }

        let mut r = good.clone();
        r.tree_size = 6;
        assert_eq!(
            check(&r),
            Err(ReceiptError::TreeSize {
                receipt: 6,
                checkpoint: 5
            })
        );

        // Checkpoint: a tree size or root changed under the signature, a bad signature, a
        // checkpoint of another log, a checkpoint honestly signed over a wrong root or size.
        let mut r = good.clone();
        r.checkpoint = r.checkpoint.replacen("\n5\n", "\n6\n", 1);
        assert_eq!(
            check(&r),
            Err(ReceiptError::Checkpoint(CheckpointError::BadSignature))
        );
        let mut r = good.clone();
        let sig_start = r.checkpoint.rfind(' ').unwrap() + 1;
        let mut bytes = r.checkpoint.into_bytes();
        bytes[sig_start + 10] = if bytes[sig_start + 10] == b'A' {
            b'B'
        } else {
            b'A'
        };
        r.checkpoint = String::from_utf8(bytes).unwrap();
        assert!(matches!(check(&r), Err(ReceiptError::Checkpoint(_))));
        let other = TestLog::new("other.test/log", [3; 32]);
        let mut r = good.clone();
        r.checkpoint = other.sign(5, &[0; 32]);
        assert!(matches!(check(&r), Err(ReceiptError::Checkpoint(_))));
        let mut r = good.clone();
        r.checkpoint = log.sign(5, &[0; 32]);
        assert_eq!(
            check(&r),
            Err(ReceiptError::Inclusion(MerkleError::RootMismatch))
        );
        let other_origin = LogIdentity {
            origin: "lucarne.test/other".into(),
            verifier_key: log.identity.verifier_key.clone(),
        };
        assert!(matches!(
            good.verify(&body, &other_origin),
            Err(ReceiptError::Checkpoint(
                CheckpointError::WrongOrigin { .. }
            ))
        ));

        let mut r = good.clone();
        r.key_id = "00".repeat(32);
        assert!(matches!(check(&r), Err(ReceiptError::KeyId { .. })));
        let mut r = good.clone();
        r.sequence = 8;
        assert_eq!(
            check(&r),
            Err(ReceiptError::Sequence {
                expected: 7,
                found: 8
            })
        );
        let mut r = good.clone();
        r.schema = "lucarne.receipt/0".into();
        assert!(matches!(check(&r), Err(ReceiptError::Schema(_))));
    }

    #[test]
    fn malformed_receipts_are_refused() {
        assert!(matches!(
            Receipt::from_json(b"{}"),
            Err(ReceiptError::Malformed(_))
        ));
        let big = vec![b' '; MAX_RECEIPT_BYTES + 1];
        assert_eq!(
            Receipt::from_json(&big),
            Err(ReceiptError::TooLarge(MAX_RECEIPT_BYTES + 1))
        );
    }
}
