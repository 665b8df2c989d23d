//! The object identifiers a signed profile uses, as the content octets of their DER
//! encoding (what [`super::ber`] hands back), and their dotted form for messages.
//! Sources: RFC 5652 (CMS), RFC 8017 (PKCS #1), RFC 5480 and RFC 5758 (ECDSA).

/// id-data, 1.2.840.113549.1.7.1.
pub(crate) const DATA: &[u8] = &[0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x07, 0x01];
/// id-signedData, 1.2.840.113549.1.7.2.
pub(crate) const SIGNED_DATA: &[u8] = &[0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x07, 0x02];
/// id-contentType attribute, 1.2.840.113549.1.9.3.
pub(crate) const ATTR_CONTENT_TYPE: &[u8] = &[0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x09, 0x03];
/// id-messageDigest attribute, 1.2.840.113549.1.9.4.
pub(crate) const ATTR_MESSAGE_DIGEST: &[u8] =
    &[0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x09, 0x04];

/// id-sha1, 1.3.14.3.2.26.
pub(crate) const SHA1: &[u8] = &[0x2B, 0x0E, 0x03, 0x02, 0x1A];
/// id-sha256, 2.16.840.1.101.3.4.2.1.
pub(crate) const SHA256: &[u8] = &[0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01];
/// id-sha384, 2.16.840.1.101.3.4.2.2.
pub(crate) const SHA384: &[u8] = &[0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x02];
/// id-sha512, 2.16.840.1.101.3.4.2.3.
pub(crate) const SHA512: &[u8] = &[0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x03];

/// rsaEncryption, 1.2.840.113549.1.1.1.
pub(crate) const RSA_ENCRYPTION: &[u8] = &[0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x01];
/// sha1WithRSAEncryption, 1.2.840.113549.1.1.5.
pub(crate) const SHA1_WITH_RSA: &[u8] = &[0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x05];
/// sha256WithRSAEncryption, 1.2.840.113549.1.1.11.
pub(crate) const SHA256_WITH_RSA: &[u8] = &[0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x0B];
/// sha384WithRSAEncryption, 1.2.840.113549.1.1.12.
pub(crate) const SHA384_WITH_RSA: &[u8] = &[0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x0C];
/// sha512WithRSAEncryption, 1.2.840.113549.1.1.13.
pub(crate) const SHA512_WITH_RSA: &[u8] = &[0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x0D];

/// id-ecPublicKey, 1.2.840.10045.2.1.
pub(crate) const EC_PUBLIC_KEY: &[u8] = &[0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x02, 0x01];
/// ecdsa-with-SHA256, 1.2.840.10045.4.3.2.
pub(crate) const ECDSA_WITH_SHA256: &[u8] = &[0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x04, 0x03, 0x02];
/// ecdsa-with-SHA384, 1.2.840.10045.4.3.3.
pub(crate) const ECDSA_WITH_SHA384: &[u8] = &[0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x04, 0x03, 0x03];
/// ecdsa-with-SHA512, 1.2.840.10045.4.3.4.
pub(crate) const ECDSA_WITH_SHA512: &[u8] = &[0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x04, 0x03, 0x04];
/// prime256v1 / secp256r1 (P-256), 1.2.840.10045.3.1.7.
pub(crate) const CURVE_P256: &[u8] = &[0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07];
/// secp384r1 (P-384), 1.3.132.0.34.
pub(crate) const CURVE_P384: &[u8] = &[0x2B, 0x81, 0x04, 0x00, 0x22];

/// Readable names of the algorithms, for messages.
const ALGORITHM_NAMES: &[(&[u8], &str)] = &[
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
    (&[0x2B, 0x65, 0x70], "Ed25519"),
    (
        &[0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x0A],
        "RSASSA-PSS",
    ),
    (&[0x2B, 0x81, 0x04, 0x00, 0x23], "P-521"),
    (&[0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x02, 0x05], "MD5"),
    (
        &[0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x04],
        "RSA with MD5",
    ),
    (
        &[0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x04, 0x01],
        "ECDSA with SHA-1",
    ),
];

/// A readable name for an algorithm OID: its usual name with the dotted form, or the dotted
/// form alone.
pub(crate) fn algorithm_name(oid: &[u8]) -> String {
    match ALGORITHM_NAMES.iter().find(|(known, _)| *known == oid) {
        Some((_, name)) => format!("{name} ({})", dotted(oid)),
        None => dotted(oid),
    }
}

/// The dotted decimal form of an OID's content octets (`1.2.840.113549.1.7.2`). Malformed
/// content (a truncated arc, an arc beyond 64 bits) shows as hexadecimal.
pub(crate) fn dotted(oid: &[u8]) -> String {
    // An OID longer than this is not one of ours; its text would only flood messages.
    const MAX_SHOWN: usize = 64;
    let hex_form = || format!("0x{}", hex::encode(&oid[..oid.len().min(MAX_SHOWN)]));
    if oid.is_empty() || oid.len() > MAX_SHOWN || oid.last().is_some_and(|b| b & 0x80 != 0) {
        return hex_form();
    }
    let mut arcs: Vec<u64> = Vec::new();
    let mut value: u64 = 0;
    for &byte in oid {
        if value > (u64::MAX >> 7) {
            return hex_form();
        }
        value = (value << 7) | u64::from(byte & 0x7F);
        if byte & 0x80 == 0 {
            arcs.push(value);
            value = 0;
        }
    }
    let mut text = String::new();
    for (index, arc) in arcs.iter().enumerate() {
        if index == 0 {
            let (first, second) = match arc {
                0..=39 => (0, *arc),
                40..=79 => (1, arc - 40),
                _ => (2, arc - 80),
            };
            text.push_str(&format!("{first}.{second}"));
        } else {
            text.push_str(&format!(".{arc}"));
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dotted_forms() {
        assert_eq!(dotted(SIGNED_DATA), "1.2.840.113549.1.7.2");
        assert_eq!(dotted(SHA256), "2.16.840.1.101.3.4.2.1");
        assert_eq!(dotted(CURVE_P384), "1.3.132.0.34");
        assert_eq!(dotted(&[0x2A, 0x86]), "0x2a86");
        assert_eq!(dotted(&[]), "0x");
        assert_eq!(dotted(&[0xFF; 12]), format!("0x{}", "ff".repeat(12)));
        assert_eq!(
            algorithm_name(ECDSA_WITH_SHA256),
            "ECDSA with SHA-256 (1.2.840.10045.4.3.2)"
        );
    }
}
