//! Checking a CMS signer's signature with `ring`: which `ring` algorithm fits the signature
//! algorithm, the digest algorithm and the certificate's key, and the verification itself.
//!
//! Supported: RSA PKCS #1 v1.5 with SHA-1, SHA-256, SHA-384 or SHA-512 (keys of 1024 bits
//! and more, except SHA-384 which `ring` only offers from 2048 bits), ECDSA on P-256 or P-384
//! with SHA-256 or SHA-384. Anything else is reported as unsupported by name;
//! that is a finding about the file, not an error.

use ring::signature::{self as sig, VerificationAlgorithm};

use super::certificate::PublicKey;
use super::oid;

/// A digest algorithm that signed profiles use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Digest {
    /// SHA-1 (legacy profiles).
    Sha1,
    /// SHA-256.
    Sha256,
    /// SHA-384.
    Sha384,
    /// SHA-512.
    Sha512,
}

impl Digest {
    /// The digest algorithm an OID names, if supported.
    /// `id` is the content octets of the DER OID.
    pub(super) fn from_oid(id: &[u8]) -> Option<Digest> {
        match oid::parse(id)? {
            oid::SHA1 => Some(Digest::Sha1),
            oid::SHA256 => Some(Digest::Sha256),
            oid::SHA384 => Some(Digest::Sha384),
            oid::SHA512 => Some(Digest::Sha512),
            _ => None,
        }
    }

    /// The usual name, for messages.
    pub(super) fn name(self) -> &'static str {
        match self {
            Digest::Sha1 => "SHA-1",
            Digest::Sha256 => "SHA-256",
            Digest::Sha384 => "SHA-384",
            Digest::Sha512 => "SHA-512",
        }
    }

    /// The digest of `data`.
    pub(super) fn digest(self, data: &[u8]) -> Vec<u8> {
        let algorithm = match self {
            Digest::Sha1 => &ring::digest::SHA1_FOR_LEGACY_USE_ONLY,
            Digest::Sha256 => &ring::digest::SHA256,
            Digest::Sha384 => &ring::digest::SHA384,
            Digest::Sha512 => &ring::digest::SHA512,
        };
        ring::digest::digest(algorithm, data).as_ref().to_vec()
    }
}

/// The kind of key a signature algorithm needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Family {
    Rsa,
    Ecdsa,
}

/// Verifies `signature` over `message` with the signer's `key`.
///
/// `signature_algorithm` is the SignerInfo's signatureAlgorithm OID; when it names only the
/// key type (rsaEncryption, id-ecPublicKey), the hash is the SignerInfo's `digest`.
/// Returns why the signature does not verify, in words, when it does not.
pub(crate) fn verify(
    key: &PublicKey,
    signature_algorithm: &[u8],
    digest: Digest,
    message: &[u8],
    signature: &[u8],
) -> Result<(), String> {
    let unsupported = || {
        format!(
            "the signature algorithm {} is not supported",
            oid::algorithm_name(signature_algorithm)
        )
    };
    let (family, hash) = match oid::parse(signature_algorithm).ok_or_else(unsupported)? {
        oid::RSA_ENCRYPTION => (Family::Rsa, digest),
        oid::SHA1_WITH_RSA => (Family::Rsa, Digest::Sha1),
        oid::SHA256_WITH_RSA => (Family::Rsa, Digest::Sha256),
        oid::SHA384_WITH_RSA => (Family::Rsa, Digest::Sha384),
        oid::SHA512_WITH_RSA => (Family::Rsa, Digest::Sha512),
        oid::EC_PUBLIC_KEY => (Family::Ecdsa, digest),
        oid::ECDSA_WITH_SHA256 => (Family::Ecdsa, Digest::Sha256),
        oid::ECDSA_WITH_SHA384 => (Family::Ecdsa, Digest::Sha384),
        oid::ECDSA_WITH_SHA512 => (Family::Ecdsa, Digest::Sha512),
        _ => return Err(unsupported()),
    };
    let key_family = match key.algorithm {
        oid::RSA_ENCRYPTION => Family::Rsa,
        oid::EC_PUBLIC_KEY => Family::Ecdsa,
        other => {
            return Err(format!(
                "the signer's key algorithm {} is not supported",
                oid::algorithm_name(other.as_bytes())
            ))
        }
    };
    if key_family != family {
        return Err(format!(
            "the signature algorithm {} does not fit the signer's {} key",
            oid::algorithm_name(signature_algorithm),
            oid::algorithm_name(key.algorithm.as_bytes())
        ));
    }
    let algorithm: &'static dyn VerificationAlgorithm = match (family, hash, key.curve) {
        (Family::Rsa, Digest::Sha1, _) => &sig::RSA_PKCS1_1024_8192_SHA1_FOR_LEGACY_USE_ONLY,
        (Family::Rsa, Digest::Sha256, _) => &sig::RSA_PKCS1_1024_8192_SHA256_FOR_LEGACY_USE_ONLY,
        (Family::Rsa, Digest::Sha384, _) => &sig::RSA_PKCS1_2048_8192_SHA384,
        (Family::Rsa, Digest::Sha512, _) => &sig::RSA_PKCS1_1024_8192_SHA512_FOR_LEGACY_USE_ONLY,
        (Family::Ecdsa, Digest::Sha256, Some(oid::CURVE_P256)) => &sig::ECDSA_P256_SHA256_ASN1,
        (Family::Ecdsa, Digest::Sha384, Some(oid::CURVE_P256)) => &sig::ECDSA_P256_SHA384_ASN1,
        (Family::Ecdsa, Digest::Sha256, Some(oid::CURVE_P384)) => &sig::ECDSA_P384_SHA256_ASN1,
        (Family::Ecdsa, Digest::Sha384, Some(oid::CURVE_P384)) => &sig::ECDSA_P384_SHA384_ASN1,
        (Family::Ecdsa, _, curve) => {
            let curve = curve.map_or_else(
                || "an unnamed curve".to_string(),
                |curve| oid::algorithm_name(curve.as_bytes()),
            );
            return Err(format!(
                "ECDSA on {curve} with {} is not supported",
                hash.name()
            ));
        }
    };
    sig::UnparsedPublicKey::new(algorithm, &key.bits)
        .verify(message, signature)
        .map_err(|_| "the signature does not verify with the signer certificate's key".to_string())
}
