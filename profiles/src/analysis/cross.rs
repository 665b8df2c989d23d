//! Conclusions drawn from several facts together: a certificate authority the device trusts,
//! plus a path that carries the device's traffic to the administration, means the content of
//! HTTPS connections on that path can be decrypted there — for apps that do not pin their
//! certificates. Both pieces of evidence are given, and the conditions of both are carried
//! over: the trust condition of the anchor, the supervision the path needs (a global proxy
//! works on supervised devices only).

use super::{host_of, Builder, TrafficKind};
use crate::capability::{Capability, Condition, Param, Topic, Tri, Verb};

/// Bounds the statements when a hostile profile ships hundreds of anchors and paths.
const MAX_PAIRS: usize = 64;

pub(super) fn https_decryption(b: &mut Builder) {
    let mut caps = Vec::new();
    for anchor in &b.analysis.root_certificates {
        for path in b
            .analysis
            .traffic
            .iter()
            .filter(|p| p.kind.carries_content())
        {
            if caps.len() >= MAX_PAIRS {
                break;
            }
            let trust = b
                .analysis
                .capabilities
                .iter()
                .find(|c| c.id == "trust.root" && c.target.as_deref() == Some(&anchor.sha256))
                .and_then(|c| {
                    c.conditions
                        .iter()
                        .find(|k| matches!(k, Condition::CertificateTrust { .. }))
                        .cloned()
                });
            // The supervision the path's own statement needs.
            let path_id = format!("traffic.{}", path.kind.as_str());
            let supervision: Vec<Condition> = b
                .analysis
                .capabilities
                .iter()
                .find(|c| c.id == path_id && c.evidence.contains(&path.evidence))
                .map(|c| {
                    c.conditions
                        .iter()
                        .filter(|k| {
                            matches!(
                                k,
                                Condition::Supervised { .. } | Condition::SupervisedBefore { .. }
                            )
                        })
                        .cloned()
                        .collect()
                })
                .unwrap_or_default();
            // A PAC script picks the proxies: its URL is no server the traffic goes to.
            let (name, server) = match (&path.server, path.kind) {
                (Some(url), TrafficKind::ProxyAutoConfig) => ("script", Some(host_of(url))),
                (Some(s), _) if s.contains("://") => ("server", Some(host_of(s))),
                (server, _) => ("server", server.clone()),
            };
            let mut cap =
                Capability::new("traffic.https-decryption", Verb::Intercept, Topic::Https)
                    .with_target(format!(
                        "{}+{}",
                        anchor.sha256,
                        path.evidence.payload_uuid.clone().unwrap_or_default()
                    ))
                    .with_param("subject", Param::Name(anchor.subject.clone()))
                    .with_param("path", Param::Term(path.kind.as_str().to_string()))
                    .with_param_opt(name, server.map(Param::Host))
                    .with_condition(Condition::ControlledTrafficPath { holds: Tri::Yes })
                    .with_condition(Condition::AppsWithoutPinning)
                    .with_evidence(anchor.evidence.clone())
                    .with_evidence(path.evidence.clone());
            if let Some(trust) = trust {
                cap = cap.with_condition(trust);
            }
            for condition in supervision {
                cap = cap.with_condition(condition);
            }
            caps.push(cap);
        }
    }
    for cap in caps {
        b.push(cap);
    }
}
