//! What Lucarne shows of an X.509 certificate: who it names, who issued it, its validity, whether
//! it is a certificate authority, and its fingerprint.
//!
//! The CMS reader uses it for the signer of a signed file; `lucarne-profiles` uses it for the
//! certificates that profiles install. Parsing is `x509-cert`'s (strict DER); this module only
//! picks the fields and bounds the input. No trust decision is made here: a summary states facts
//! about one certificate, never whether it should be trusted.

use der::Decode as _;
use x509_cert::ext::pkix::BasicConstraints;
use x509_cert::Certificate;

/// Largest certificate accepted.
pub const MAX_CERT_BYTES: usize = 64 * 1024;

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

/// Formats Unix seconds as RFC 3339 UTC (civil-from-days, proleptic Gregorian).
fn rfc3339(secs: u64) -> String {
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
    fn garbage_is_an_error_not_a_panic() {
        assert!(summarize_der(b"\x30\x03\x02\x01").is_err());
        assert_eq!(
            summarize_der(&vec![0x30; MAX_CERT_BYTES + 1]),
            Err(CertError::TooLarge(MAX_CERT_BYTES + 1))
        );
    }
}
