//! The object identifiers a signed file uses, and their readable names for messages.
//!
//! The identifiers come from the database of `const-oid` (RustCrypto), reached through
//! `der::oid` so that they are the very type and version that `x509-cert` hands back for a
//! certificate's key algorithm and curve. [`super::ber`] hands back an OID as the content
//! octets of its DER encoding; [`is`] compares those with a known identifier and [`dotted`]
//! shows them. Sources: RFC 5652 (CMS), RFC 8017 (PKCS #1), RFC 5480 and RFC 5758 (ECDSA).

use der::oid::db::{rfc5911, rfc5912, rfc8410};
pub(crate) use der::oid::ObjectIdentifier as Oid;

/// id-data, 1.2.840.113549.1.7.1.
pub(crate) const DATA: Oid = rfc5911::ID_DATA;
/// id-signedData, 1.2.840.113549.1.7.2.
pub(crate) const SIGNED_DATA: Oid = rfc5911::ID_SIGNED_DATA;
/// id-ct-TSTInfo, 1.2.840.113549.1.9.16.1.4 (RFC 3161): the content of a timestamp token.
pub(crate) const TST_INFO: Oid = Oid::new_unwrap("1.2.840.113549.1.9.16.1.4");
/// id-aa-signingCertificate, 1.2.840.113549.1.9.16.2.12 (RFC 2634 ESS, SHA-1 certificate hash).
pub(crate) const ATTR_SIGNING_CERTIFICATE: Oid = Oid::new_unwrap("1.2.840.113549.1.9.16.2.12");
/// id-aa-signingCertificateV2, 1.2.840.113549.1.9.16.2.47 (RFC 5035).
pub(crate) const ATTR_SIGNING_CERTIFICATE_V2: Oid = Oid::new_unwrap("1.2.840.113549.1.9.16.2.47");
/// id-contentType attribute, 1.2.840.113549.1.9.3.
pub(crate) const ATTR_CONTENT_TYPE: Oid = rfc5911::ID_CONTENT_TYPE;
/// id-messageDigest attribute, 1.2.840.113549.1.9.4.
pub(crate) const ATTR_MESSAGE_DIGEST: Oid = rfc5911::ID_MESSAGE_DIGEST;

/// id-sha1, 1.3.14.3.2.26.
pub(crate) const SHA1: Oid = rfc5912::ID_SHA_1;
/// id-sha256, 2.16.840.1.101.3.4.2.1.
pub(crate) const SHA256: Oid = rfc5912::ID_SHA_256;
/// id-sha384, 2.16.840.1.101.3.4.2.2.
pub(crate) const SHA384: Oid = rfc5912::ID_SHA_384;
/// id-sha512, 2.16.840.1.101.3.4.2.3.
pub(crate) const SHA512: Oid = rfc5912::ID_SHA_512;

/// rsaEncryption, 1.2.840.113549.1.1.1.
pub(crate) const RSA_ENCRYPTION: Oid = rfc5912::RSA_ENCRYPTION;
/// sha1WithRSAEncryption, 1.2.840.113549.1.1.5.
pub(crate) const SHA1_WITH_RSA: Oid = rfc5912::SHA_1_WITH_RSA_ENCRYPTION;
/// sha256WithRSAEncryption, 1.2.840.113549.1.1.11.
pub(crate) const SHA256_WITH_RSA: Oid = rfc5912::SHA_256_WITH_RSA_ENCRYPTION;
/// sha384WithRSAEncryption, 1.2.840.113549.1.1.12.
pub(crate) const SHA384_WITH_RSA: Oid = rfc5912::SHA_384_WITH_RSA_ENCRYPTION;
/// sha512WithRSAEncryption, 1.2.840.113549.1.1.13.
pub(crate) const SHA512_WITH_RSA: Oid = rfc5912::SHA_512_WITH_RSA_ENCRYPTION;

/// id-ecPublicKey, 1.2.840.10045.2.1.
pub(crate) const EC_PUBLIC_KEY: Oid = rfc5912::ID_EC_PUBLIC_KEY;
/// ecdsa-with-SHA256, 1.2.840.10045.4.3.2.
pub(crate) const ECDSA_WITH_SHA256: Oid = rfc5912::ECDSA_WITH_SHA_256;
/// ecdsa-with-SHA384, 1.2.840.10045.4.3.3.
pub(crate) const ECDSA_WITH_SHA384: Oid = rfc5912::ECDSA_WITH_SHA_384;
/// ecdsa-with-SHA512, 1.2.840.10045.4.3.4.
pub(crate) const ECDSA_WITH_SHA512: Oid = rfc5912::ECDSA_WITH_SHA_512;
/// prime256v1 / secp256r1 (P-256), 1.2.840.10045.3.1.7.
pub(crate) const CURVE_P256: Oid = rfc5912::SECP_256_R_1;
/// secp384r1 (P-384), 1.3.132.0.34.
pub(crate) const CURVE_P384: Oid = rfc5912::SECP_384_R_1;

/// Readable names of the algorithms, for messages: those above, and some that signed files
/// use but Lucarne does not verify, so that the message names them.
const ALGORITHM_NAMES: &[(Oid, &str)] = &[
    (SHA1, "SHA-1"),
    (SHA256, "SHA-256"),
    (SHA384, "SHA-384"),
    (SHA512, "SHA-512"),
    (RSA_ENCRYPTION, "RSA"),
    (SHA1_WITH_RSA, "RSA with SHA-1"),
    (SHA256_WITH_RSA, "RSA with SHA-256"),
    (SHA384_WITH_RSA, "RSA with SHA-384"),
    (SHA512_WITH_RSA, "RSA with SHA-512"),
    (EC_PUBLIC_KEY, "ECDSA"),
    (ECDSA_WITH_SHA256, "ECDSA with SHA-256"),
    (ECDSA_WITH_SHA384, "ECDSA with SHA-384"),
    (ECDSA_WITH_SHA512, "ECDSA with SHA-512"),
    (CURVE_P256, "P-256"),
    (CURVE_P384, "P-384"),
    (rfc8410::ID_ED_25519, "Ed25519"),
    (rfc5912::ID_RSASSA_PSS, "RSASSA-PSS"),
    (rfc5912::SECP_521_R_1, "P-521"),
    (rfc5912::ID_MD_5, "MD5"),
    (rfc5912::MD_5_WITH_RSA_ENCRYPTION, "RSA with MD5"),
    // ecdsa-with-SHA1 (RFC 3279) is not in const-oid's database.
    (Oid::new_unwrap("1.2.840.10045.4.1"), "ECDSA with SHA-1"),
];

/// Whether `content` (the content octets of a DER OID) is `oid`.
pub(crate) fn is(content: &[u8], oid: Oid) -> bool {
    content == oid.as_bytes()
}

/// The identifier whose DER content octets are `content`, when they are well formed.
pub(crate) fn parse(content: &[u8]) -> Option<Oid> {
    Oid::from_bytes(content).ok()
}

/// A readable name for an algorithm OID given its content octets: its usual name with the
/// dotted form, or the dotted form alone.
pub(crate) fn algorithm_name(content: &[u8]) -> String {
    match ALGORITHM_NAMES
        .iter()
        .find(|(known, _)| is(content, *known))
    {
        Some((_, name)) => format!("{name} ({})", dotted(content)),
        None => dotted(content),
    }
}

/// The dotted decimal form of an OID's content octets (`1.2.840.113549.1.7.2`). Content that
/// `const-oid` does not accept (a truncated arc, fewer than three arcs, an arc beyond 32 bits,
/// more than 39 octets) shows as hexadecimal, at most 64 octets of it.
pub(crate) fn dotted(content: &[u8]) -> String {
    // An OID longer than this is not one of ours; its text would only flood messages.
    const MAX_SHOWN: usize = 64;
    match parse(content) {
        Some(oid) => oid.to_string(),
        None => format!(
            "0x{}",
            hex::encode(&content[..content.len().min(MAX_SHOWN)])
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dotted_forms() {
        assert_eq!(dotted(SIGNED_DATA.as_bytes()), "1.2.840.113549.1.7.2");
        assert_eq!(dotted(SHA256.as_bytes()), "2.16.840.1.101.3.4.2.1");
        assert_eq!(dotted(CURVE_P384.as_bytes()), "1.3.132.0.34");
        assert_eq!(dotted(&[0x2A, 0x86]), "0x2a86");
        assert_eq!(dotted(&[]), "0x");
        assert_eq!(dotted(&[0xFF; 12]), format!("0x{}", "ff".repeat(12)));
        assert_eq!(dotted(&[0x2A; 100]), format!("0x{}", "2a".repeat(64)));
        assert_eq!(
            algorithm_name(ECDSA_WITH_SHA256.as_bytes()),
            "ECDSA with SHA-256 (1.2.840.10045.4.3.2)"
        );
        assert_eq!(algorithm_name(&[0x2A, 0x03, 0x04]), "1.2.3.4");
    }

    /// Each name above is the identifier its documentation gives (the database has near
    /// neighbours: a wrong pick would compile and match nothing).
    #[test]
    fn identifiers_are_the_documented_ones() {
        let expected = [
            (DATA, "1.2.840.113549.1.7.1"),
            (SIGNED_DATA, "1.2.840.113549.1.7.2"),
            (TST_INFO, "1.2.840.113549.1.9.16.1.4"),
            (ATTR_CONTENT_TYPE, "1.2.840.113549.1.9.3"),
            (ATTR_MESSAGE_DIGEST, "1.2.840.113549.1.9.4"),
            (SHA1, "1.3.14.3.2.26"),
            (SHA256, "2.16.840.1.101.3.4.2.1"),
            (SHA384, "2.16.840.1.101.3.4.2.2"),
            (SHA512, "2.16.840.1.101.3.4.2.3"),
            (RSA_ENCRYPTION, "1.2.840.113549.1.1.1"),
            (SHA1_WITH_RSA, "1.2.840.113549.1.1.5"),
            (SHA256_WITH_RSA, "1.2.840.113549.1.1.11"),
            (SHA384_WITH_RSA, "1.2.840.113549.1.1.12"),
            (SHA512_WITH_RSA, "1.2.840.113549.1.1.13"),
            (EC_PUBLIC_KEY, "1.2.840.10045.2.1"),
            (ECDSA_WITH_SHA256, "1.2.840.10045.4.3.2"),
            (ECDSA_WITH_SHA384, "1.2.840.10045.4.3.3"),
            (ECDSA_WITH_SHA512, "1.2.840.10045.4.3.4"),
            (CURVE_P256, "1.2.840.10045.3.1.7"),
            (CURVE_P384, "1.3.132.0.34"),
        ];
        for (oid, text) in expected {
            assert_eq!(oid.to_string(), text);
        }
        let names: Vec<(String, &str)> = ALGORITHM_NAMES
            .iter()
            .map(|(oid, name)| (oid.to_string(), *name))
            .collect();
        for (text, name) in [
            ("1.3.101.112", "Ed25519"),
            ("1.2.840.113549.1.1.10", "RSASSA-PSS"),
            ("1.3.132.0.35", "P-521"),
            ("1.2.840.113549.2.5", "MD5"),
            ("1.2.840.113549.1.1.4", "RSA with MD5"),
            ("1.2.840.10045.4.1", "ECDSA with SHA-1"),
        ] {
            assert!(names.contains(&(text.to_string(), name)), "{name}");
        }
    }
}
