//! The certificates shipped in a signature: what the report shows of them (through
//! [`crate::x509`], the same summary as for certificates that profiles install), and what
//! CMS needs to find the signer's one and check its signature (serial, issuer, subject key
//! identifier, public key). Certificates are DER (RFC 5280), read with `x509-cert`. Nothing
//! here judges trust.

use der::Decode as _;
use x509_cert::certificate::Rfc5280;
use x509_cert::ext::pkix::SubjectKeyIdentifier;
use x509_cert::name::Name;
use x509_cert::serial_number::SerialNumber;

use super::ber::Element;
use super::oid::Oid;
use super::CmsError;
use crate::x509::{summarize_der, CertSummary};

/// A certificate found in a signed profile.
#[derive(Debug, Clone)]
pub(crate) struct Certificate {
    /// Subject, issuer, validity and fingerprint, as Lucarne shows them.
    pub summary: CertSummary,
    /// The serial number.
    pub serial: SerialNumber,
    /// The issuer name.
    pub issuer: Name,
    /// The subject public key.
    pub key: PublicKey,
    /// The subjectKeyIdentifier extension's key identifier, if present.
    pub subject_key_id: Option<Vec<u8>>,
    /// The certificate's DER bytes (for the ESS signing-certificate attribute's hash).
    pub der: Vec<u8>,
}

/// A subject public key.
#[derive(Debug, Clone)]
pub(crate) struct PublicKey {
    /// Algorithm.
    pub algorithm: Oid,
    /// Named curve, for elliptic-curve keys.
    pub curve: Option<Oid>,
    /// The key itself: the BIT STRING's octets (an RSAPublicKey, or an EC point).
    pub bits: Vec<u8>,
}

/// Reads a certificate from its element.
pub(crate) fn parse(element: &Element<'_>) -> Result<Certificate, CmsError> {
    let bad = |problem: String| CmsError::BadValue {
        what: "certificate",
        problem,
    };
    let certificate =
        x509_cert::Certificate::from_der(element.raw).map_err(|e| bad(e.to_string()))?;
    let summary = summarize_der(element.raw).map_err(|e| bad(e.to_string()))?;
    let tbs = certificate.tbs_certificate;
    let spki = tbs.subject_public_key_info;
    let curve = spki
        .algorithm
        .parameters
        .as_ref()
        .and_then(|parameters| parameters.decode_as::<Oid>().ok());
    // A key is a whole number of octets; `as_bytes` is `None` when it is not.
    let bits = spki
        .subject_public_key
        .as_bytes()
        .ok_or_else(|| bad("the key BIT STRING does not hold whole octets".into()))?
        .to_vec();
    let mut subject_key_id = None;
    for extension in tbs.extensions.iter().flatten() {
        if extension.extn_id == der::oid::db::rfc5280::ID_CE_SUBJECT_KEY_IDENTIFIER {
            let id = SubjectKeyIdentifier::from_der(extension.extn_value.as_bytes())
                .map_err(|e| bad(format!("subjectKeyIdentifier: {e}")))?;
            subject_key_id = Some(id.0.as_bytes().to_vec());
        }
    }
    Ok(Certificate {
        der: element.raw.to_vec(),
        summary,
        serial: tbs.serial_number,
        issuer: tbs.issuer,
        key: PublicKey {
            algorithm: spki.algorithm.oid,
            curve,
            bits,
        },
        subject_key_id,
    })
}

/// Whether this certificate is the one an `issuerAndSerialNumber` names, given the DER of
/// its issuer Name and serial INTEGER. Names and serials are compared as values, so an
/// encoding that differs only in form still matches.
pub(crate) fn is_issued_as(
    certificate: &Certificate,
    issuer_der: &[u8],
    serial_der: &[u8],
) -> bool {
    let issuer = Name::from_der(issuer_der);
    let serial = SerialNumber::<Rfc5280>::from_der(serial_der);
    matches!((issuer, serial), (Ok(issuer), Ok(serial))
        if issuer == certificate.issuer && serial == certificate.serial)
}

/// The RFC 4514 text of a Name given its DER (a SignerInfo's issuer), when readable.
pub(crate) fn name_text(name_der: &[u8]) -> Option<String> {
    Name::from_der(name_der).ok().map(|name| name.to_string())
}
