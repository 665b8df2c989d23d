//! Reading the X.509 certificates that profiles install: which payloads carry them, and their
//! content as DER or PEM text. What is shown of one certificate is
//! [`lucarne_proof::x509`]'s summary, the same as for the signer of a signed profile.

use lucarne_proof::x509::summarize_der;
pub use lucarne_proof::x509::{CertError, CertSummary};

/// Most certificates read from one PEM bundle.
const MAX_PEM_CERTS: usize = 512;

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

#[cfg(test)]
mod tests {
    use super::*;

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
        assert!(
            summarize_any(b"-----BEGIN CERTIFICATE-----\n!!\n-----END CERTIFICATE-----").is_err()
        );
    }
}
