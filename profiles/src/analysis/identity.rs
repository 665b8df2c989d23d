//! Identities, single sign-on and over-the-air enrolment:
//! - SCEP and ACME payloads have the device request an identity (a private key and its
//!   certificate) from a server they name (`PayloadContent/URL`, `DirectoryURL`);
//! - a single sign-on extension receives the sign-ins to the hosts and URLs listed;
//! - the over-the-air `Profile Service` payload has the device send named attributes (UDID,
//!   serial number…) to a URL (Apple, "Over-the-Air Profile Delivery and Configuration").

use serde_json::{Map, Value};

use super::{evidence, host_of, payload_target, string_list, supervision, Builder};
use crate::capability::{Capability, Param, Topic, Verb};
use crate::catalog::catalog;
use crate::profile::{Payload, Profile};

/// Most hosts or attributes read from one payload.
const MAX_ENTRIES: usize = 64;

/// `DeviceAttributes` of the Profile Service payload, and the Lucarne term for each (Apple,
/// "Over-the-Air Profile Delivery and Configuration"; `MAC_ADDRESS_EN0` and `DEVICE_NAME`
/// as Apple Configurator writes them). An attribute not listed is kept as written.
const DEVICE_ATTRIBUTES: &[(&str, &str)] = &[
    ("UDID", "udid"),
    ("IMEI", "imei"),
    ("MEID", "meid"),
    ("ICCID", "iccid"),
    ("VERSION", "os-version"),
    ("PRODUCT", "model"),
    ("SERIAL", "serial-number"),
    ("MAC_ADDRESS_EN0", "wifi-address"),
    ("DEVICE_NAME", "device-name"),
];

pub(super) fn read(b: &mut Builder, profile: &Profile, payload: &Payload) -> bool {
    match payload.payload_type.as_str() {
        "Profile Service" => profile_service(b, profile, payload),
        "com.apple.security.scep" => {
            let url = payload
                .get("PayloadContent")
                .and_then(Value::as_object)
                .and_then(|c| text(c, "URL"));
            enrolment(b, profile, payload, "scep", "PayloadContent/URL", url)
        }
        "com.apple.security.acme" => {
            let url = text(&payload.content, "DirectoryURL");
            enrolment(b, profile, payload, "acme", "DirectoryURL", url)
        }
        "com.apple.extensiblesso" => sso(b, profile, payload),
        _ => return false,
    }
    true
}

fn text<'a>(dict: &'a Map<String, Value>, key: &str) -> Option<&'a str> {
    dict.get(key)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

fn topic(payload: &Payload) -> Topic {
    catalog()
        .payload_topic(&payload.payload_type)
        .unwrap_or(Topic::Management)
}

fn profile_service(b: &mut Builder, profile: &Profile, payload: &Payload) {
    let content = payload.get("PayloadContent").and_then(Value::as_object);
    let url = content.and_then(|c| text(c, "URL"));
    let attributes: Vec<Param> =
        string_list(content.and_then(|c| c.get("DeviceAttributes")), MAX_ENTRIES)
            .into_iter()
            .map(|a| {
                match DEVICE_ATTRIBUTES
                    .iter()
                    .find(|(name, _)| name.eq_ignore_ascii_case(&a))
                {
                    Some((_, term)) => Param::Term((*term).to_string()),
                    None => Param::Id(a),
                }
            })
            .collect();
    let mut cap = Capability::new("enrolment.profile-service", Verb::Read, topic(payload))
        .with_target(payload_target(profile, payload))
        .with_param_opt("server", url.map(|u| Param::Host(host_of(u))))
        .with_evidence(evidence(
            profile,
            payload,
            Some("PayloadContent/URL"),
            url.map(str::to_string),
        ));
    if !attributes.is_empty() {
        cap = cap.with_param("attributes", Param::List(attributes));
    }
    b.push(cap);
}

fn enrolment(
    b: &mut Builder,
    profile: &Profile,
    payload: &Payload,
    protocol: &str,
    key: &str,
    url: Option<&str>,
) {
    let mut cap = Capability::new("identity.enrolment", Verb::Install, topic(payload))
        .with_target(payload_target(profile, payload))
        .with_param("protocol", Param::Term(protocol.to_string()))
        .with_param_opt("server", url.map(|u| Param::Host(host_of(u))))
        .with_evidence(evidence(
            profile,
            payload,
            Some(key),
            url.map(str::to_string),
        ));
    // ACME with `Attest`: the device proves its hardware to the server (Apple's schema).
    if payload
        .get("Attest")
        .and_then(crate::value::as_bool_lenient)
        .unwrap_or(false)
    {
        cap = cap
            .with_param("attest", Param::Term("yes".into()))
            .with_evidence(evidence(
                profile,
                payload,
                Some("Attest"),
                Some("true".into()),
            ));
    }
    if let Some(c) = supervision(payload, Some(key)) {
        cap = cap.with_condition(c);
    }
    b.push(cap);
}

fn sso(b: &mut Builder, profile: &Profile, payload: &Payload) {
    let app = payload.str("ExtensionIdentifier").map(str::to_string);
    let mut hosts: Vec<String> = string_list(payload.get("URLs"), MAX_ENTRIES)
        .iter()
        .map(|u| host_of(u))
        .chain(string_list(payload.get("Hosts"), MAX_ENTRIES))
        .filter(|h| !h.is_empty())
        .collect();
    hosts.sort();
    hosts.dedup();
    let mut cap = Capability::new("identity.sso", Verb::Read, topic(payload))
        .with_target(payload_target(profile, payload))
        .with_param_opt("app", app.clone().map(Param::Id))
        .with_evidence(evidence(profile, payload, Some("ExtensionIdentifier"), app));
    if !hosts.is_empty() {
        cap = cap.with_param(
            "hosts",
            Param::List(hosts.into_iter().map(Param::Host).collect()),
        );
    }
    if let Some(c) = supervision(payload, Some("ExtensionIdentifier")) {
        cap = cap.with_condition(c);
    }
    b.push(cap);
}
