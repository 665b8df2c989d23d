//! Reading X.509 certificates shipped in payloads: who they name, whether they are
//! certificate authorities, and their fingerprint. Certificates come as DER or as PEM text.

use der::Decode as _;
use x509_cert::ext::pkix::BasicConstraints;
use x509_cert::Certificate;

/// Largest certificate accepted.
const MAX_CERT_BYTES: usize = 64 * 1024;
/// Most certificates read from one PEM bundle.
const MAX_PEM_CERTS: usize = 512;

/// What Lucarne shows of a certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertSummary {
    /// Subject distinguished name (RFC 4514 form).
    pub subject: String,
    /// Issuer distinguished name.
    pub issuer: String,
    /// Start of validity, RFC 3339.
    pub not_before: String,
    /// End of validity, RFC 3339.
    pub not_after: String,
    /// Basic constraints say it is a CA, or it is self-signed (subject = issuer).
    pub is_ca: bool,
    /// Hex SHA-256 of the DER encoding.
    pub sha256: String,
}

/// Why bytes are not a certificate.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CertError {
    /// Larger than accepted.
    #[error("certificate of {0} bytes is too large")]
    TooLarge(usize),
    /// Not DER X.509.
    #[error("not an X.509 certificate: {0}")]
    Malformed(String),
}

/// Summarises one DER certificate.
pub fn summarize_der(der_bytes: &[u8]) -> Result<CertSummary, CertError> {
    if der_bytes.len() > MAX_CERT_BYTES {
        return Err(CertError::TooLarge(der_bytes.len()));
    }
    let cert = Certificate::from_der(der_bytes).map_err(|e| CertError::Malformed(e.to_string()))?;
    let tbs = &cert.tbs_certificate;
    let subject = tbs.subject.to_string();
    let issuer = tbs.issuer.to_string();
    let basic_ca = tbs
        .extensions
        .as_ref()
        .and_then(|exts| {
            exts.iter()
                .find(|e| e.extn_id == der::oid::db::rfc5280::ID_CE_BASIC_CONSTRAINTS)
        })
        .and_then(|e| BasicConstraints::from_der(e.extn_value.as_bytes()).ok())
        .map(|bc| bc.ca);
    Ok(CertSummary {
        is_ca: basic_ca.unwrap_or(subject == issuer),
        not_before: rfc3339(tbs.validity.not_before.to_unix_duration().as_secs()),
        not_after: rfc3339(tbs.validity.not_after.to_unix_duration().as_secs()),
        sha256: crate::envelope::sha256_hex(der_bytes),
        subject,
        issuer,
    })
}

/// Reads the certificates in payload bytes: one DER certificate, or PEM text holding one or
/// more. Bytes that hold neither give an error.
pub fn summarize_any(bytes: &[u8]) -> Result<Vec<CertSummary>, CertError> {
    let pem_marker = b"-----BEGIN CERTIFICATE-----";
    if bytes.windows(pem_marker.len()).any(|w| w == pem_marker) {
        let text = String::from_utf8_lossy(bytes);
        let mut out = Vec::new();
        for block in text.split("-----BEGIN CERTIFICATE-----").skip(1) {
            if out.len() >= MAX_PEM_CERTS {
                break;
            }
            let body = block.split("-----END").next().unwrap_or_default();
            let der_bytes = crate::value::decode_base64_lenient(body)
                .ok_or_else(|| CertError::Malformed("PEM block is not base64".into()))?;
            out.push(summarize_der(&der_bytes)?);
        }
        return Ok(out);
    }
    Ok(vec![summarize_der(bytes)?])
}

/// Payload types that install certificates (`root` is an alias of `pkcs1`; `pem` is the same
/// in PEM text). PKCS#12 identities are secrets and are redacted, not read.
pub const CERTIFICATE_PAYLOADS: &[&str] = &[
    "com.apple.security.root",
    "com.apple.security.pkcs1",
    "com.apple.security.pem",
];

/// The certificates a payload installs, when it is a certificate payload whose content reads.
pub fn payload_certificates(payload: &crate::profile::Payload) -> Option<Vec<CertSummary>> {
    if !CERTIFICATE_PAYLOADS.contains(&payload.payload_type.as_str()) {
        return None;
    }
    let bytes = payload
        .get("PayloadContent")
        .and_then(crate::value::as_bytes)?;
    summarize_any(&bytes).ok()
}

/// The certificates a profile installs, in the snapshot's form.
pub fn installed_certificates(
    profile: &crate::profile::Profile,
    source: Option<crate::snapshot::Source>,
) -> Vec<crate::snapshot::Certificate> {
    profile
        .payloads
        .iter()
        .filter_map(|payload| Some((payload, payload_certificates(payload)?)))
        .flat_map(|(payload, certs)| {
            certs
                .into_iter()
                .map(move |c| crate::snapshot::Certificate {
                    subject: c.subject,
                    issuer: c.issuer,
                    sha256: c.sha256,
                    is_ca: c.is_ca,
                    profile: Some(profile.identifier.clone()),
                    payload_uuid: Some(payload.uuid.clone()).filter(|u| !u.is_empty()),
                    source,
                })
        })
        .collect()
}

/// Formats Unix seconds as RFC 3339 UTC (civil-from-days, proleptic Gregorian).
pub fn rfc3339(secs: u64) -> String {
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        (rem % 3600) / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_dates() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(rfc3339(1_767_225_599), "2025-12-31T23:59:59Z");
    }

    #[test]
    fn a_profile_lists_the_certificates_it_installs() {
        let bytes = std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../tests/fixtures/profiles/icpbrasil__ac-icp-brasil.mobileconfig"
        ))
        .unwrap_or_default();
        let profile = crate::parse_profile(&bytes).unwrap_or_default();
        let certs = installed_certificates(&profile, Some(crate::snapshot::Source::ProfileFile));
        assert_eq!(certs.len(), 5);
        assert!(certs.iter().all(|c| c.is_ca && c.sha256.len() == 64));
        assert!(certs
            .iter()
            .all(|c| c.profile.as_deref() == Some(profile.identifier.as_str())));
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        assert!(summarize_der(b"\x30\x03\x02\x01").is_err());
        assert!(
            summarize_any(b"-----BEGIN CERTIFICATE-----\n!!\n-----END CERTIFICATE-----").is_err()
        );
    }
}
