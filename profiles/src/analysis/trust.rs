//! Certificates installed through `com.apple.security.root`, `pkcs1` or `pem` payloads, each
//! judged on its own: a self-signed certificate authority is a trust anchor (a CA in a `pkcs1`
//! payload is as trusted as in a `root` one); an intermediate authority only helps build
//! chains up to a root that is already trusted (RFC 5280 §6.1: path validation starts from a
//! trust anchor), and a certificate that is no authority vouches for nothing else.
//!
//! Whether the device trusts a root for TLS depends on how the profile arrived: installed by
//! the MDM (or Apple Configurator) it is trusted at once; installed by hand, only once the
//! user turns on full trust in Settings › General › About › Certificate Trust Settings. The
//! capability carries that condition, with the route when the source tells it.

use super::{evidence, Builder, TrustAnchor};
use crate::capability::{Capability, Condition, Param, Topic, Tri, TrustRoute, Verb};
use crate::certificate::{self, CertSummary};
use crate::profile::{Payload, Profile};

/// Whether a certificate is a trust anchor: a certificate authority that signed itself.
pub(super) fn is_anchor(cert: &CertSummary) -> bool {
    cert.is_ca && cert.subject == cert.issuer
}

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
    let read_any = !certs.is_empty();
    for cert in certs {
        let ev = evidence(
            profile,
            payload,
            Some("PayloadContent"),
            Some(format!("sha256:{}", cert.sha256)),
        );
        if !is_anchor(&cert) {
            let id = if cert.is_ca {
                "trust.intermediate"
            } else {
                "trust.certificate"
            };
            b.push(
                Capability::new(id, Verb::Install, Topic::Https)
                    .with_target(cert.sha256.clone())
                    .with_param("subject", Param::Name(cert.subject.clone()))
                    .with_param("issuer", Param::Name(cert.issuer.clone()))
                    .with_param("sha256", Param::Id(cert.sha256.clone()))
                    .with_evidence(ev),
            );
            continue;
        }
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
    // A payload whose content reads as no certificate is described like any other payload.
    read_any
}
