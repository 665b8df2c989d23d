//! The signed envelope: a snapshot's exact bytes, the key that signed them, the signature.
//!
//! The signature covers a fixed context string followed by the snapshot bytes, so that a
//! Lucarne key's signature can never be replayed as a signature over anything else. Nobody
//! re-serialises the snapshot before verifying: the bytes signed are the bytes stored.
//!
//! Format (see [`crate::formats`] §2): a JSON object with `schema` = `lucarne.envelope/1`,
//! `key_id` = hex SHA-256 of the 32-byte Ed25519 public key ([`key_id`]), `snapshot` = base64
//! of the snapshot bytes and `signature` = base64 of the 64-byte Ed25519 signature over
//!
//! ```text
//! "lucarne.envelope/1 snapshot\n" (28 bytes, SIGNING_CONTEXT) || snapshot bytes
//! ```
//!
//! Base64 is the standard alphabet with padding (RFC 4648 §4), canonical; hex is lowercase.

use base64::Engine as _;
use ring::signature::{self, KeyPair as _};
use serde::{Deserialize, Serialize};

/// Schema identifier of the envelope.
pub const ENVELOPE_SCHEMA: &str = "lucarne.envelope/1";
/// Prefix of every signed message.
pub const SIGNING_CONTEXT: &[u8] = b"lucarne.envelope/1 snapshot\n";

/// A signed snapshot as sent to the server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Envelope {
    /// Always [`ENVELOPE_SCHEMA`].
    pub schema: String,
    /// [`key_id`] of the signing key.
    pub key_id: String,
    /// The snapshot's exact bytes, base64.
    pub snapshot: String,
    /// Ed25519 signature over [`SIGNING_CONTEXT`] followed by the snapshot bytes, base64.
    pub signature: String,
}

/// Why an envelope was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EnvelopeError {
    /// Not the expected JSON shape.
    #[error("envelope is not valid JSON of the expected shape: {0}")]
    Malformed(String),
    /// Unknown envelope schema.
    #[error("envelope schema `{0}` is not supported (expected `{ENVELOPE_SCHEMA}`)")]
    Schema(String),
    /// A field is not valid base64.
    #[error("field `{0}` is not valid base64")]
    Base64(&'static str),
    /// The envelope names another key than the one it is checked against.
    #[error("envelope names key {found}, expected {expected}")]
    WrongKey {
        /// Key id in the envelope.
        found: String,
        /// Key id of the key it was checked against.
        expected: String,
    },
    /// The signature does not verify.
    #[error("the signature does not match the snapshot bytes and key")]
    BadSignature,
    /// The public key is not a 32-byte Ed25519 key.
    #[error("not an Ed25519 public key")]
    BadPublicKey,
}

/// The identifier of a public key: hex SHA-256 of its 32 bytes.
pub fn key_id(public_key: &[u8]) -> String {
    hex::encode(ring::digest::digest(&ring::digest::SHA256, public_key))
}

/// Hex SHA-256 of bytes: the hash used for snapshot chains and content addressing.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(ring::digest::digest(&ring::digest::SHA256, bytes))
}

fn signed_message(snapshot: &[u8]) -> Vec<u8> {
    let mut message = Vec::with_capacity(SIGNING_CONTEXT.len() + snapshot.len());
    message.extend_from_slice(SIGNING_CONTEXT);
    message.extend_from_slice(snapshot);
    message
}

impl Envelope {
    /// Signs `snapshot` bytes with `key`.
    pub fn sign(snapshot: &[u8], key: &signature::Ed25519KeyPair) -> Envelope {
        let b64 = base64::engine::general_purpose::STANDARD;
        let sig = key.sign(&signed_message(snapshot));
        Envelope {
            schema: ENVELOPE_SCHEMA.to_string(),
            key_id: key_id(key.public_key().as_ref()),
            snapshot: b64.encode(snapshot),
            signature: b64.encode(sig.as_ref()),
        }
    }

    /// Parses an envelope from JSON and checks its schema.
    pub fn from_json(bytes: &[u8]) -> Result<Envelope, EnvelopeError> {
        let envelope: Envelope =
            serde_json::from_slice(bytes).map_err(|e| EnvelopeError::Malformed(e.to_string()))?;
        if envelope.schema != ENVELOPE_SCHEMA {
            return Err(EnvelopeError::Schema(envelope.schema));
        }
        Ok(envelope)
    }

    /// The snapshot bytes.
    pub fn snapshot_bytes(&self) -> Result<Vec<u8>, EnvelopeError> {
        base64::engine::general_purpose::STANDARD
            .decode(&self.snapshot)
            .map_err(|_| EnvelopeError::Base64("snapshot"))
    }

    /// Verifies the signature with `public_key` (32 bytes) and returns the snapshot bytes.
    pub fn verify(&self, public_key: &[u8]) -> Result<Vec<u8>, EnvelopeError> {
        if public_key.len() != 32 {
            return Err(EnvelopeError::BadPublicKey);
        }
        let expected = key_id(public_key);
        if self.key_id != expected {
            return Err(EnvelopeError::WrongKey {
                found: self.key_id.clone(),
                expected,
            });
        }
        let snapshot = self.snapshot_bytes()?;
        let sig = base64::engine::general_purpose::STANDARD
            .decode(&self.signature)
            .map_err(|_| EnvelopeError::Base64("signature"))?;
        signature::UnparsedPublicKey::new(&signature::ED25519, public_key)
            .verify(&signed_message(&snapshot), &sig)
            .map_err(|_| EnvelopeError::BadSignature)?;
        Ok(snapshot)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use ring::rand::SystemRandom;

    fn new_key() -> signature::Ed25519KeyPair {
        let pkcs8 = signature::Ed25519KeyPair::generate_pkcs8(&SystemRandom::new()).unwrap();
        signature::Ed25519KeyPair::from_pkcs8(pkcs8.as_ref()).unwrap()
    }

    #[test]
    fn signs_and_verifies_exact_bytes() {
        let key = new_key();
        let env = Envelope::sign(b"{\"a\":1}", &key);
        let json = serde_json::to_vec(&env).unwrap();
        let back = Envelope::from_json(&json).unwrap();
        assert_eq!(
            back.verify(key.public_key().as_ref()).unwrap(),
            b"{\"a\":1}"
        );
    }

    #[test]
    fn the_format_is_as_documented() {
        // What FORMATS.md states, checked without the code under test: the key id, the JSON
        // fields, standard base64, and a signature over the 28 context bytes then the snapshot.
        let key = new_key();
        let public = key.public_key().as_ref();
        let snapshot = b"{\"schema\":\"lucarne.snapshot/1\",\"sequence\":1}";
        let env = Envelope::sign(snapshot, &key);
        let json: serde_json::Value = serde_json::to_value(&env).unwrap();
        let b64 = base64::engine::general_purpose::STANDARD;
        assert_eq!(json["schema"], "lucarne.envelope/1");
        assert_eq!(
            json["key_id"],
            hex::encode(ring::digest::digest(&ring::digest::SHA256, public))
        );
        assert_eq!(json["snapshot"], b64.encode(snapshot));
        assert_eq!(SIGNING_CONTEXT, b"lucarne.envelope/1 snapshot\x0a");
        assert_eq!(SIGNING_CONTEXT.len(), 28);
        let mut message = b"lucarne.envelope/1 snapshot\n".to_vec();
        message.extend_from_slice(snapshot);
        let signature = b64.decode(json["signature"].as_str().unwrap()).unwrap();
        assert_eq!(signature.len(), 64);
        signature::UnparsedPublicKey::new(&signature::ED25519, public)
            .verify(&message, &signature)
            .unwrap();
        // A signature over the snapshot alone, without the context, is refused.
        let mut bare = env.clone();
        bare.signature = b64.encode(key.sign(snapshot).as_ref());
        assert_eq!(bare.verify(public), Err(EnvelopeError::BadSignature));
    }

    #[test]
    fn every_tampered_field_is_refused() {
        let key = new_key();
        let public = key.public_key().as_ref().to_vec();
        let env = Envelope::sign(b"{\"a\":1}", &key);
        let b64 = base64::engine::general_purpose::STANDARD;

        let mut t = env.clone();
        t.snapshot = b64.encode(b"{\"a\":2}");
        assert_eq!(t.verify(&public), Err(EnvelopeError::BadSignature));

        let mut t = env.clone();
        let mut sig = b64.decode(&t.signature).unwrap();
        sig[0] ^= 1;
        t.signature = b64.encode(sig);
        assert_eq!(t.verify(&public), Err(EnvelopeError::BadSignature));

        let mut t = env.clone();
        t.key_id = "00".repeat(32);
        assert!(matches!(
            t.verify(&public),
            Err(EnvelopeError::WrongKey { .. })
        ));

        let mut t = env.clone();
        t.snapshot = "!!!".into();
        assert_eq!(t.verify(&public), Err(EnvelopeError::Base64("snapshot")));

        let other = new_key();
        assert!(matches!(
            env.verify(other.public_key().as_ref()),
            Err(EnvelopeError::WrongKey { .. })
        ));
        assert_eq!(env.verify(&[0; 3]), Err(EnvelopeError::BadPublicKey));

        let mut json = serde_json::to_value(&env).unwrap();
        json["schema"] = "lucarne.envelope/0".into();
        assert_eq!(
            Envelope::from_json(json.to_string().as_bytes()),
            Err(EnvelopeError::Schema("lucarne.envelope/0".into()))
        );
    }
}
