//! Trust anchors: certificate authorities installed through `com.apple.security.root`,
//! `pkcs1` or `pem` payloads (a CA in a `pkcs1` payload is as trusted as in a `root` one).
//!
//! Whether the device trusts such an authority for TLS depends on how the profile arrived:
//! installed by the MDM (or Apple Configurator) it is trusted at once; installed by hand, only
//! once the user turns on full trust in Settings › General › About › Certificate Trust
//! Settings. The capability carries that condition, with the route when the source tells it.

use super::{evidence, Builder, TrustAnchor};
use crate::capability::{Capability, Condition, Param, Topic, Tri, TrustRoute, Verb};
use crate::certificate;
use crate::profile::{Payload, Profile};

pub(super) fn read(
    b: &mut Builder,
    profile: &Profile,
    payload: &Payload,
    installed_by_mdm: Tri,
) -> bool {
    let Some(certs) = certificate::payload_certificates(payload) else {
        return false;
    };
    let route = match installed_by_mdm {
        Tri::Yes => TrustRoute::Mdm,
        Tri::No => TrustRoute::Manual,
        Tri::Unknown => TrustRoute::Unknown,
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
        b.push(
            Capability::new("trust.root", Verb::Install, Topic::Https)
                .with_target(cert.sha256.clone())
                .with_param("subject", Param::Name(cert.subject.clone()))
                .with_param("sha256", Param::Id(cert.sha256.clone()))
                .with_condition(Condition::CertificateTrust {
                    route,
                    // Installed by hand, the user may or may not have turned full trust on:
                    // no source Lucarne reads shows that switch.
                    holds: if route == TrustRoute::Mdm {
                        Tri::Yes
                    } else {
                        Tri::Unknown
                    },
                })
                .with_evidence(ev.clone()),
        );
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
                route,
                evidence: ev,
            });
        }
    }
    // A certificate that is no authority is described like any other payload.
    found_ca
}
