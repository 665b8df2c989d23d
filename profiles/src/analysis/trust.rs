//! Trust anchors: certificate authorities installed through `com.apple.security.root`,
//! `pkcs1` or `pem` payloads (a CA in a `pkcs1` payload is as trusted as in a `root` one).

use super::templates::{same, templates};
use super::{evidence, Builder, TrustAnchor};
use crate::certificate;
use crate::profile::{Payload, Profile};

pub(super) fn read(b: &mut Builder, profile: &Profile, payload: &Payload) -> bool {
    let Some(certs) = certificate::payload_certificates(payload) else {
        return false;
    };
    let mut found_ca = false;
    for cert in certs.into_iter().filter(|c| c.is_ca) {
        found_ca = true;
        let ev = evidence(
            profile,
            payload,
            Some("PayloadContent"),
            Some(format!("sha256:{}", cert.sha256)),
        );
        b.push(templates().capability(
            "trust.root",
            &[("subject", &same(cert.subject.clone()))],
            false,
            vec![ev.clone()],
        ));
        if !b
            .analysis
            .root_certificates
            .iter()
            .any(|a| a.sha256 == cert.sha256)
        {
            b.analysis.root_certificates.push(TrustAnchor {
                subject: cert.subject,
                issuer: cert.issuer,
                sha256: cert.sha256,
                not_after: cert.not_after,
                evidence: ev,
            });
        }
    }
    // A certificate that is no authority is described like any other payload.
    found_ca
}
