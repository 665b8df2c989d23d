//! Conclusions drawn from several facts together: a certificate authority the device trusts,
//! plus a path that carries the device's traffic to the administration, means the content of
//! HTTPS connections on that path can be decrypted there. Both pieces of evidence are given.

use super::templates::{same, templates};
use super::{Builder, TrafficKind};

/// Paths that carry connections' content (DNS and filters see names, not content).
const CONTENT_PATHS: &[TrafficKind] = &[
    TrafficKind::Proxy,
    TrafficKind::Vpn,
    TrafficKind::AlwaysOnVpn,
    TrafficKind::PerAppVpn,
    TrafficKind::Relay,
];

/// Bounds the statements when a hostile profile ships hundreds of anchors and paths.
const MAX_PAIRS: usize = 64;

pub(super) fn https_decryption(b: &mut Builder) {
    let t = templates();
    let mut caps = Vec::new();
    for anchor in &b.analysis.root_certificates {
        for path in b
            .analysis
            .traffic
            .iter()
            .filter(|p| CONTENT_PATHS.contains(&p.kind))
        {
            if caps.len() >= MAX_PAIRS {
                break;
            }
            let server = path
                .server
                .clone()
                .map(same)
                .unwrap_or_else(|| t.word("unspecified", &[]));
            let kind = serde_json::to_value(path.kind)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default();
            caps.push(t.capability(
                "traffic.https-decryption",
                &[
                    ("subject", &same(anchor.subject.clone())),
                    ("path", &same(kind)),
                    ("server", &server),
                ],
                false,
                vec![anchor.evidence.clone(), path.evidence.clone()],
            ));
        }
    }
    for cap in caps {
        b.push(cap);
    }
}
