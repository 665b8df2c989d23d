//! Wi-Fi networks the profiles make the iPad join: the network, whether its private Wi-Fi
//! address is turned off (the network can then recognise the iPad by its hardware address),
//! and which certificate or names check the network's authentication server (802.1X). A
//! certificate that checks only that server vouches for no website: whether it is also a
//! trust anchor is decided on the certificate (`trust`). Proxies of a Wi-Fi network are
//! traffic paths (`traffic`).

use serde_json::Value;

use super::{evidence, payload_target, string_list, supervision, Builder};
use crate::capability::{Capability, Param, Topic, Verb};
use crate::certificate;
use crate::profile::{Payload, Profile};

/// Most server names or anchor certificates read from one payload.
const MAX_ENTRIES: usize = 16;

pub(super) fn read(b: &mut Builder, profile: &Profile, payload: &Payload) -> bool {
    if payload.payload_type != "com.apple.wifi.managed" {
        return false;
    }
    let network = payload.str("SSID_STR").map(|s| Param::Name(s.to_string()));
    let target = payload_target(profile, payload);
    let with_network = |cap: Capability| cap.with_param_opt("network", network.clone());
    b.push(with_network(
        Capability::new("wifi.network", Verb::Change, Topic::Traffic)
            .with_target(target.clone())
            .with_evidence(evidence(
                profile,
                payload,
                Some("SSID_STR"),
                payload.str("SSID_STR").map(str::to_string),
            )),
    ));

    // Said only when turned off: the private address is the default.
    const MAC: &str = "DisableAssociationMACRandomization";
    if payload
        .get(MAC)
        .and_then(crate::value::as_bool_lenient)
        .unwrap_or(false)
    {
        let mut cap = with_network(
            Capability::new("wifi.private-address-off", Verb::Change, Topic::Traffic)
                .with_target(target.clone())
                .with_evidence(evidence(profile, payload, Some(MAC), Some("true".into()))),
        );
        if let Some(c) = supervision(payload, Some(MAC)) {
            cap = cap.with_condition(c);
        }
        b.push(cap);
    }

    server_check(b, profile, payload, &target, network);
    true
}

/// The certificate (`PayloadCertificateAnchorUUID`, naming certificate payloads of the same
/// profile) and the names (`TLSTrustedServerNames`) the iPad checks the network's
/// authentication server against.
fn server_check(
    b: &mut Builder,
    profile: &Profile,
    payload: &Payload,
    target: &str,
    network: Option<Param>,
) {
    let Some(eap) = payload
        .get("EAPClientConfiguration")
        .and_then(Value::as_object)
    else {
        return;
    };
    let servers = string_list(eap.get("TLSTrustedServerNames"), MAX_ENTRIES);
    let anchors = string_list(eap.get("PayloadCertificateAnchorUUID"), MAX_ENTRIES);
    let subject = anchors.iter().find_map(|uuid| {
        let anchored = profile.payloads.iter().find(|p| &p.uuid == uuid)?;
        certificate::payload_certificates(anchored)?
            .into_iter()
            .next()
            .map(|c| (uuid.clone(), c.subject))
    });
    let id = match (&subject, servers.is_empty()) {
        (Some(_), _) => "wifi.server-certificate",
        (None, false) => "wifi.server-names",
        (None, true) => return,
    };
    let mut cap = Capability::new(id, Verb::Change, Topic::Traffic)
        .with_target(target.to_string())
        .with_param_opt("network", network);
    if !servers.is_empty() {
        cap = cap
            .with_param(
                "servers",
                Param::List(servers.iter().cloned().map(Param::Host).collect()),
            )
            .with_evidence(evidence(
                profile,
                payload,
                Some("EAPClientConfiguration/TLSTrustedServerNames"),
                Some(servers.join(", ")),
            ));
    }
    if let Some((uuid, subject)) = subject {
        cap = cap
            .with_param("subject", Param::Name(subject))
            .with_evidence(evidence(
                profile,
                payload,
                Some("EAPClientConfiguration/PayloadCertificateAnchorUUID"),
                Some(uuid),
            ));
    }
    b.push(cap);
}
