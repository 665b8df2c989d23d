//! Analysis truth (issue 9, item 6): for every fixture of `tests/fixtures/truth/`, the facts
//! the analysis must state and those it must not, as `tests/fixtures/truth/README.md`
//! specifies. Each test drives the real interface: the bytes of the fixture through
//! `parse_profile`, then `analyze_profiles` (or `analyze_snapshot`), and looks at the facts.
//! The wording of the same facts is checked in `words/tests/truth_words.rs`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

use lucarne_profiles::analysis::{analyze_profiles, analyze_snapshot, Analysis, Context};
use lucarne_profiles::compare::{alerts, compare_snapshots, ChangeKind};
use lucarne_profiles::snapshot::{InstalledProfile, Snapshot, Source};
use lucarne_profiles::{parse_profile, Capability, Param, Profile, Status, Topic, Tri};

fn profile(name: &str) -> Profile {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/truth")
        .join(format!("{name}.mobileconfig"));
    parse_profile(&std::fs::read(&path).unwrap()).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// The fixture analysed on its own, as `lucarne inspect` does: nothing known of the device.
fn analysis(name: &str) -> Analysis {
    analyze_profiles([&profile(name)], Context::default())
}

fn all<'a>(a: &'a Analysis, id: &str) -> Vec<&'a Capability> {
    a.capabilities.iter().filter(|c| c.id == id).collect()
}

/// The one capability `id`.
fn one<'a>(a: &'a Analysis, id: &str) -> &'a Capability {
    let found = all(a, id);
    assert_eq!(found.len(), 1, "{id}: {:#?}", ids(a));
    found[0]
}

fn ids(a: &Analysis) -> Vec<&str> {
    a.capabilities.iter().map(|c| c.id.as_str()).collect()
}

fn has(a: &Analysis, id: &str) -> bool {
    a.capabilities.iter().any(|c| c.id == id)
}

fn strings(param: &Param) -> Vec<String> {
    match param {
        Param::List(items) => items.iter().flat_map(strings).collect(),
        Param::Count(n) => vec![n.to_string()],
        other => vec![other.as_str().unwrap_or_default().to_string()],
    }
}

/// Every `Host` parameter of every capability.
fn hosts(a: &Analysis) -> Vec<String> {
    fn collect(p: &Param, out: &mut Vec<String>) {
        match p {
            Param::Host(h) => out.push(h.clone()),
            Param::List(items) => items.iter().for_each(|i| collect(i, out)),
            _ => {}
        }
    }
    let mut out = Vec::new();
    for c in &a.capabilities {
        c.params.values().for_each(|p| collect(p, &mut out));
    }
    out
}

/// Kinds of the conditions of a capability, with whether each holds.
fn conditions(c: &Capability) -> Vec<(&'static str, Tri)> {
    c.conditions.iter().map(|k| (k.kind(), k.holds())).collect()
}

fn needs_supervision_unknown(c: &Capability) -> bool {
    conditions(c).contains(&("supervised", Tri::Unknown))
}

fn evidence_keys(c: &Capability) -> Vec<&str> {
    c.evidence.iter().filter_map(|e| e.key.as_deref()).collect()
}

fn json(a: &Analysis) -> String {
    serde_json::to_string(a).unwrap()
}

fn param<'a>(c: &'a Capability, name: &str) -> &'a Param {
    c.params
        .get(name)
        .unwrap_or_else(|| panic!("{}: no `{name}` in {:?}", c.id, c.params))
}

#[test]
fn empty_proxy_is_not_active() {
    let a = analysis("empty-proxy");
    for id in ["traffic.proxy", "traffic.https-decryption"] {
        assert!(!has(&a, id), "{id}");
    }
    assert!(a.traffic.is_empty());
    assert!(hosts(&a).is_empty(), "{:?}", hosts(&a));
    // The payload is said to be there and inert.
    let inert = one(&a, "settings.proxy-empty");
    assert_ne!(inert.topic, Topic::Traffic);
}

#[test]
fn disabled_proxy_is_not_active() {
    let a = analysis("proxy-disabled");
    let vpn = one(&a, "traffic.vpn");
    assert_eq!(vpn.params["server"], Param::Host("vpn.exemple.fr".into()));
    assert_eq!(evidence_keys(vpn), vec!["IKEv2/RemoteAddress"]);
    let wifi = one(&a, "wifi.network");
    assert_eq!(wifi.params["network"], Param::Name("Region-Bureaux".into()));
    for id in [
        "traffic.proxy",
        "traffic.proxy-auto-config",
        "traffic.https-decryption",
    ] {
        assert!(!has(&a, id), "{id}");
    }
    // The proxy named beside switches that are off appears nowhere.
    assert!(!json(&a).contains("ancien-proxy"), "{}", json(&a));
}

#[test]
fn restriction_defaults_restrict_nothing() {
    let a = analysis("restriction-defaults");
    assert!(!has(&a, "restriction.set") && !has(&a, "restriction.unknown"));
    assert!(a.restrictions.iter().all(|r| !r.restricts));
    assert!(!a.capabilities.iter().any(|c| c.topic == Topic::Restrict));
}

#[test]
fn legacy_apn_payload_is_a_proxy_path() {
    let a = analysis("apn-legacy-proxy");
    let proxy = one(&a, "traffic.proxy");
    assert_eq!(
        proxy.params["server"],
        Param::Host("proxy.operateur-exemple.fr:8080".into())
    );
    assert_eq!(proxy.params["scope"], Param::Term("cellular".into()));
    assert_eq!(evidence_keys(proxy), vec!["DefaultsData/apns[0]/proxy"]);
    // The payload type is deprecated since iOS 7, and still honoured.
    let payload = one(&a, "payload.com.apple.apn.managed");
    assert_eq!(payload.params["deprecated"], Param::Id("7.0".into()));
    assert_eq!(payload.status(), Status::Possible);
    assert!(!has(&a, "payload.unknown") && a.unknown_payload_types.is_empty());
}

#[test]
fn profile_service_says_which_attributes_go_where() {
    let p = profile("profile-service");
    assert_eq!(p.payload_type, "Profile Service");
    let a = analyze_profiles([&p], Context::default());
    let service = one(&a, "enrolment.profile-service");
    assert_eq!(
        service.params["server"],
        Param::Host("inscription.exemple.fr".into())
    );
    let attributes: Vec<Param> = [
        "udid",
        "imei",
        "iccid",
        "os-version",
        "model",
        "serial-number",
        "wifi-address",
        "device-name",
    ]
    .iter()
    .map(|t| Param::Term((*t).into()))
    .collect();
    assert_eq!(service.params["attributes"], Param::List(attributes));
    assert_eq!(evidence_keys(service), vec!["PayloadContent/URL"]);
    // A valid profile: the over-the-air enrolment type is a legitimate outer type.
    assert!(a.limits.iter().all(|l| l.id != "invalid-profile"));
    assert!(!has(&a, "payload.unknown") && a.unknown_payload_types.is_empty());
    assert!(!json(&a).contains("defi-inscription"));
}

#[test]
fn scep_and_acme_name_their_enrolment_server() {
    let a = analysis("scep-acme");
    let mut servers: Vec<(String, String)> = all(&a, "identity.enrolment")
        .iter()
        .map(|c| {
            (
                param(c, "protocol").as_str().unwrap().to_string(),
                param(c, "server").as_str().unwrap().to_string(),
            )
        })
        .collect();
    servers.sort();
    assert_eq!(
        servers,
        vec![
            ("acme".to_string(), "acme.exemple.fr".to_string()),
            ("scep".to_string(), "scep.exemple.fr".to_string())
        ]
    );
    assert!(!has(&a, "payload.unknown"));
    let text = json(&a);
    assert!(!text.contains("defi-scep") && !text.contains("acme-client-id"));
}

#[test]
fn web_clips_fonts_domains_notifications_and_lock_screen_are_described() {
    let a = analysis("webclip-font-domains-notifications");
    assert!(!has(&a, "payload.unknown") && a.unknown_payload_types.is_empty());
    let clip = one(&a, "settings.web-clip");
    assert_eq!(
        clip.params["server"],
        Param::Host("intranet.exemple.fr".into())
    );
    assert_eq!(clip.params["name"], Param::Name("Intranet".into()));
    let font = one(&a, "settings.font");
    assert_eq!(font.params["name"], Param::Name("Exemple Sans".into()));
    let mail = one(&a, "settings.managed-mail-domains");
    assert_eq!(strings(param(mail, "domains")), vec!["exemple.fr"]);
    let web = one(&a, "settings.managed-web-domains");
    assert_eq!(strings(param(web, "domains")), vec!["intranet.exemple.fr"]);
    let notifications = one(&a, "settings.notifications");
    assert_eq!(
        strings(param(notifications, "apps")),
        vec!["com.microsoft.Office.Outlook"]
    );
    assert!(needs_supervision_unknown(notifications));
    let lock = one(&a, "settings.lock-screen-message");
    assert!(matches!(&lock.params["text"],
        Param::Name(t) if t.starts_with("Tablette de la Région Exemple — ")));
    assert!(needs_supervision_unknown(lock));
    let tag = one(&a, "settings.asset-tag");
    assert_eq!(tag.params["tag"], Param::Name("RE-ELU-042".into()));
    // The generic description of these payloads gives way to the facts.
    assert!(!a.capabilities.iter().any(|c| c.id.starts_with("payload.")));
}

#[test]
fn vpn_ikev2_is_read_from_its_own_dictionary() {
    let a = analysis("vpn-ikev2-include-all");
    let vpn = one(&a, "traffic.vpn");
    assert_eq!(vpn.params["server"], Param::Host("vpn.exemple.fr".into()));
    // IncludeAllNetworks: all the device's traffic; on-demand rules: it connects by itself.
    assert_eq!(vpn.params["scope"], Param::Term("all-traffic".into()));
    assert_eq!(vpn.params["on-demand"], Param::Term("yes".into()));
    let keys = evidence_keys(vpn);
    assert!(keys.contains(&"IKEv2/RemoteAddress"), "{keys:?}");
    assert!(keys.contains(&"IKEv2/IncludeAllNetworks"), "{keys:?}");
    assert!(keys.contains(&"IKEv2/OnDemandEnabled"), "{keys:?}");
    assert!(keys
        .iter()
        .all(|k| !k.starts_with("VPN/") && !k.starts_with("IPSec/")));
    assert!(!json(&a).contains("ancien-vpn"));
}

#[test]
fn vpn_ipsec_is_read_from_its_own_dictionary() {
    let a = analysis("vpn-ipsec");
    let vpn = one(&a, "traffic.vpn");
    assert_eq!(vpn.params["server"], Param::Host("ipsec.exemple.fr".into()));
    assert_eq!(evidence_keys(vpn), vec!["IPSec/RemoteAddress"]);
    // No IncludeAllNetworks for IPSec: the routes the server pushes decide.
    assert_ne!(vpn.params["scope"], Param::Term("all-traffic".into()));
    assert!(!json(&a).contains("ancien-l2tp"));
}

#[test]
fn vpn_l2tp_is_read_from_ppp() {
    let a = analysis("vpn-l2tp");
    let vpn = one(&a, "traffic.vpn");
    assert_eq!(vpn.params["server"], Param::Host("l2tp.exemple.fr".into()));
    assert_eq!(evidence_keys(vpn), vec!["PPP/CommRemoteAddress"]);
}

#[test]
fn vpn_of_an_app_names_the_app_and_its_server() {
    let a = analysis("vpn-vendor");
    let vpn = one(&a, "traffic.vpn");
    assert_eq!(
        vpn.params["server"],
        Param::Host("vpn-appli.exemple.fr".into())
    );
    assert_eq!(vpn.params["app"], Param::Id("com.exemple.vpnclient".into()));
    assert_eq!(evidence_keys(vpn), vec!["VPN/RemoteAddress"]);
}

#[test]
fn always_on_vpn_needs_supervision() {
    let a = analysis("vpn-always-on");
    let vpn = one(&a, "traffic.always-on-vpn");
    assert_eq!(
        vpn.params["server"],
        Param::Host("always-on.exemple.fr".into())
    );
    assert_eq!(vpn.params["scope"], Param::Term("all-traffic".into()));
    assert!(needs_supervision_unknown(vpn));
    assert_eq!(vpn.status(), Status::Depends);
    assert_eq!(
        evidence_keys(vpn),
        vec!["AlwaysOn/TunnelConfigurations[0]/RemoteAddress"]
    );
    // On an iPad known not to be supervised, it is not possible.
    let a = analyze_profiles(
        [&profile("vpn-always-on")],
        Context {
            supervised: Tri::No,
            ..Context::default()
        },
    );
    assert_eq!(
        one(&a, "traffic.always-on-vpn").status(),
        Status::NotPossible
    );
}

#[test]
fn content_filter_on_sockets_examines_connections() {
    let a = analysis("content-filter-sockets");
    let filter = one(&a, "traffic.content-filter");
    // FilterSockets: connections, not only web pages; ContentFilterUUID: the managed apps
    // mapped to this filter (Apple's schema, ContentFilterUUID).
    assert_eq!(
        filter.params["scope"],
        Param::Term("bound-apps-connections".into())
    );
    assert_eq!(
        filter.params["filter"],
        Param::Id("com.exemple.filtre".into())
    );
    assert_eq!(
        filter.params["server"],
        Param::Host("filtre.exemple.fr".into())
    );
    let ev = filter
        .evidence
        .iter()
        .find(|e| e.key.as_deref() == Some("PluginBundleID"))
        .unwrap();
    assert_eq!(ev.value.as_deref(), Some("com.exemple.filtre"));
    // Supervision is needed only before iOS 16, ContentFilterUUID being present.
    assert_eq!(
        conditions(filter),
        vec![("supervised-before", Tri::Unknown)]
    );
    let json_filter = serde_json::to_value(filter).unwrap();
    assert_eq!(json_filter["conditions"][0]["version"], "16.0");
    // FilterPackets is macOS-only: stated as having no effect on an iPad.
    let mac = one(&a, "not-on-ipad.keys");
    let keys = strings(param(mac, "keys"));
    assert!(keys.contains(&"FilterPackets".to_string()), "{keys:?}");
    assert!(keys.contains(&"FilterPacketProviderBundleIdentifier".to_string()));
    assert_eq!(mac.status(), Status::NotApplicable);
    assert!(!hosts(&a).iter().any(|h| h.contains("packets")));
}

#[test]
fn content_filter_supervision_follows_the_device() {
    let p = profile("content-filter-sockets");
    let status = |supervised: Tri, os: Option<&str>| {
        let a = analyze_profiles(
            [&p],
            Context {
                supervised,
                os_version: os.map(str::to_string),
                ..Context::default()
            },
        );
        one(&a, "traffic.content-filter").status()
    };
    assert_eq!(status(Tri::No, Some("17.4")), Status::Possible);
    assert_eq!(status(Tri::No, Some("15.7")), Status::NotPossible);
    assert_eq!(status(Tri::Yes, Some("15.7")), Status::Possible);
    assert_eq!(status(Tri::No, None), Status::Depends);
}

#[test]
fn content_filter_without_uuid_needs_supervision() {
    let a = analysis("content-filter-no-uuid");
    let filter = one(&a, "traffic.content-filter");
    assert_eq!(filter.params["scope"], Param::Term("web-pages".into()));
    assert_eq!(conditions(filter), vec![("supervised", Tri::Unknown)]);
    // Whatever the iOS version.
    let a = analyze_profiles(
        [&profile("content-filter-no-uuid")],
        Context {
            supervised: Tri::No,
            os_version: Some("18.1".into()),
            ..Context::default()
        },
    );
    assert_eq!(
        one(&a, "traffic.content-filter").status(),
        Status::NotPossible
    );
}

#[test]
fn global_proxy_needs_supervision() {
    let a = analysis("global-proxy");
    let proxy = one(&a, "traffic.proxy");
    assert_eq!(
        proxy.params["server"],
        Param::Host("proxy.exemple.fr:3128".into())
    );
    assert_eq!(proxy.params["scope"], Param::Term("all-traffic".into()));
    assert!(needs_supervision_unknown(proxy));
    assert!(!json(&a).contains("proxy-mot-de-passe"));
}

#[test]
fn pac_url_is_a_script_not_a_proxy() {
    let a = analysis("pac-url");
    let pac = one(&a, "traffic.proxy-auto-config");
    assert_eq!(pac.params["script"], Param::Host("pac.exemple.fr".into()));
    // Which proxies it picks is not in the profile: no server is named.
    assert!(!pac.params.contains_key("server"), "{:?}", pac.params);
    assert!(!has(&a, "traffic.proxy"));
    assert!(needs_supervision_unknown(pac));
}

#[test]
fn root_ca_states_its_trust_route() {
    let a = analysis("ca-root");
    let root = one(&a, "trust.root");
    assert_eq!(
        root.target.as_deref(),
        Some("20ea4a85820c2b080a183b6a061ab0b3cc1b36d2a6931a2be0a94503147ea3c8")
    );
    assert!(strings(param(root, "subject"))[0].contains("Region Exemple Racine Test"));
    let json_root = serde_json::to_value(root).unwrap();
    let trust = json_root["conditions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["kind"] == "certificate-trust")
        .unwrap()
        .clone();
    assert_eq!(trust["route"], "unknown");
    assert_eq!(root.status(), Status::Depends);
    assert!(!has(&a, "traffic.https-decryption"));
    // Installed by the MDM (a backup says so), trusted at once.
    let mut s = Snapshot::new("2026-11-25T10:00:00Z");
    s.profiles.push(InstalledProfile {
        profile: profile("ca-root"),
        payloads_known: true,
        managed: Some(true),
        installed_at: None,
        source: Source::Backup,
    });
    let a = analyze_snapshot(&s);
    let root = one(&a, "trust.root");
    assert!(conditions(root).contains(&("certificate-trust", Tri::Yes)));
}

fn snapshot_with(profiles: &[&str]) -> Snapshot {
    let mut s = Snapshot::new("2026-11-25T10:00:00Z");
    for name in profiles {
        s.profiles.push(InstalledProfile {
            profile: profile(name),
            payloads_known: true,
            managed: Some(true),
            installed_at: None,
            source: Source::Backup,
        });
    }
    s
}

#[test]
fn intermediate_ca_is_not_a_trust_anchor() {
    let a = analysis("ca-intermediate");
    assert!(!has(&a, "trust.root"), "{:?}", ids(&a));
    assert!(a.root_certificates.is_empty());
    assert!(!has(&a, "traffic.https-decryption"));
    let inter = one(&a, "trust.intermediate");
    assert!(strings(param(inter, "subject"))[0].contains("Region Exemple Intermediaire Test"));
    assert!(strings(param(inter, "issuer"))[0].contains("Region Exemple Racine Test"));
    // Added to a device, it raises no trust-anchor change nor alert.
    let events = compare_snapshots(&snapshot_with(&[]), &snapshot_with(&["ca-intermediate"]));
    assert!(!events
        .iter()
        .any(|e| e.kind == ChangeKind::TrustAnchorAdded));
    assert!(!alerts(&events)
        .iter()
        .any(|al| al.kind == "trust-anchor-added"));
}

#[test]
fn wifi_server_certificate_is_not_any_website() {
    let a = analysis("ca-wifi-eap-only");
    let wifi = one(&a, "wifi.network");
    assert_eq!(
        wifi.params["network"],
        Param::Name("Region-Entreprise".into())
    );
    let check = one(&a, "wifi.server-certificate");
    assert_eq!(
        check.params["network"],
        Param::Name("Region-Entreprise".into())
    );
    assert_eq!(strings(param(check, "servers")), vec!["radius.exemple.fr"]);
    assert!(strings(param(check, "subject"))[0].contains("radius.exemple.fr"));
    for id in [
        "trust.root",
        "trust.intermediate",
        "traffic.https-decryption",
    ] {
        assert!(!has(&a, id), "{id}");
    }
    assert!(a.root_certificates.is_empty());
    // The certificate itself: no authority.
    let cert = one(&a, "trust.certificate");
    assert!(strings(param(cert, "subject"))[0].contains("radius.exemple.fr"));
}

#[test]
fn https_decryption_states_its_conditions() {
    let a = analysis("https-decryption");
    assert!(has(&a, "trust.root") && has(&a, "traffic.proxy"));
    let https = one(&a, "traffic.https-decryption");
    assert_eq!(
        https.params["server"],
        Param::Host("proxy.exemple.fr:3128".into())
    );
    let kinds = conditions(https);
    for expected in [
        ("certificate-trust", Tri::Unknown),
        ("controlled-traffic-path", Tri::Yes),
        ("apps-without-pinning", Tri::Unknown),
        ("supervised", Tri::Unknown),
    ] {
        assert!(kinds.contains(&expected), "{expected:?} not in {kinds:?}");
    }
    assert_eq!(https.status(), Status::Depends);
}

#[test]
fn exchange_server_can_erase_by_itself() {
    let a = analysis("exchange-wipe");
    let account = one(&a, "account.exchange");
    assert_eq!(
        account.params["server"],
        Param::Host("mail.exemple.fr".into())
    );
    let wipe = one(&a, "account.exchange-wipe");
    assert_eq!(wipe.topic, Topic::Erase);
    assert_eq!(wipe.params["server"], Param::Host("mail.exemple.fr".into()));
    // No MDM involved: no condition at all.
    assert!(wipe.conditions.is_empty());
    assert_eq!(wipe.status(), Status::Possible);
    assert!(!json(&a).contains("exchange-mot-de-passe"));
}

#[test]
fn re_enrolment_after_erase_needs_automated_enrolment() {
    let a = analysis("mdm-full-rights");
    let server = one(&a, "mdm.server");
    assert_eq!(
        server.params["server"],
        Param::Host("mdm.exemple.fr".into())
    );
    assert_eq!(a.mdm.as_ref().unwrap().rights.len(), 13);
    assert_eq!(one(&a, "command.EraseDevice").status(), Status::Possible);
    let again = one(&a, "mdm.re-enrolment");
    assert_eq!(again.topic, Topic::Erase);
    assert_eq!(
        conditions(again),
        vec![("automated-enrollment", Tri::Unknown)]
    );
    assert!(!has(&a, "device.ade"));
    // Known not enrolled automatically: it does not re-enrol.
    let a = analyze_profiles(
        [&profile("mdm-full-rights")],
        Context {
            ade: Tri::No,
            ..Context::default()
        },
    );
    assert_eq!(one(&a, "mdm.re-enrolment").status(), Status::NotPossible);
}

#[test]
fn supervised_only_keys_come_from_the_schema() {
    let a = analysis("supervised-keys");
    let dns = one(&a, "traffic.dns");
    assert_eq!(dns.params["server"], Param::Host("dns.exemple.fr".into()));
    // The DNS settings themselves need no supervision…
    assert!(dns.conditions.is_empty());
    // …but "cannot be turned off" does.
    let locked = one(&a, "traffic.dns-locked");
    assert!(needs_supervision_unknown(locked));
    let airplay = one(&a, "settings.airplay-allow-list");
    assert!(needs_supervision_unknown(airplay));
    assert_eq!(strings(param(airplay, "devices")), vec!["Salle du conseil"]);
    let safari = one(&a, "settings.safari-password-domains");
    assert!(needs_supervision_unknown(safari));
    assert_eq!(strings(param(safari, "domains")), vec!["exemple.fr"]);
    // Nothing from these payloads is stated as effective without a condition.
    for c in &a.capabilities {
        if c.id != "traffic.dns" {
            assert!(c.needs_supervision(), "{} stated without supervision", c.id);
        }
    }
}

#[test]
fn macos_only_payloads_and_keys_have_no_effect_on_an_ipad() {
    let a = analysis("macos-only");
    assert!(!has(&a, "payload.unknown"), "{:?}", ids(&a));
    assert!(a.unknown_payload_types.is_empty());
    let mac: Vec<String> = all(&a, "not-on-ipad.payload")
        .iter()
        .map(|c| {
            assert_eq!(conditions(c), vec![("not-on-ipad", Tri::No)]);
            assert_eq!(c.status(), Status::NotApplicable);
            param(c, "type").as_str().unwrap().to_string()
        })
        .collect();
    assert_eq!(mac, vec!["com.apple.dock", "com.apple.loginwindow"]);
    let wifi = one(&a, "wifi.network");
    assert_eq!(wifi.params["network"], Param::Name("Region-Mac".into()));
    assert_eq!(wifi.status(), Status::Possible);
    let keys = one(&a, "not-on-ipad.keys");
    assert_eq!(strings(param(keys, "keys")), vec!["SetupModes"]);
    assert_eq!(keys.status(), Status::NotApplicable);
    let text = json(&a);
    assert!(!text.contains("mac-mot-de-passe") && !text.contains("wifi-mac-secret"));
}

#[test]
fn outer_type_other_than_configuration_is_invalid() {
    let p = profile("outer-not-configuration");
    assert_eq!(p.payload_type, "com.apple.applicationaccess");
    let a = analyze_profiles([&p], Context::default());
    assert!(a.capabilities.is_empty(), "{:?}", ids(&a));
    assert!(a.restrictions.is_empty());
    assert!(a.unknown_payload_types.is_empty());
    let invalid: Vec<_> = a
        .limits
        .iter()
        .filter(|l| l.id == "invalid-profile")
        .collect();
    assert_eq!(invalid.len(), 1);
    assert_eq!(
        invalid[0].params["type"],
        Param::Id("com.apple.applicationaccess".into())
    );
    assert_eq!(
        invalid[0].params["profile"],
        Param::Id("fr.exemple.truth.outer-not-configuration".into())
    );
}

#[test]
fn wifi_names_the_network_and_says_when_the_private_address_is_off() {
    let a = analysis("wifi-private-address-off");
    let wifi = one(&a, "wifi.network");
    assert_eq!(wifi.params["network"], Param::Name("Region-Elus".into()));
    let off = one(&a, "wifi.private-address-off");
    assert_eq!(off.params["network"], Param::Name("Region-Elus".into()));
    assert_eq!(
        evidence_keys(off),
        vec!["DisableAssociationMACRandomization"]
    );
    assert!(a.traffic.is_empty());
    assert!(!a.capabilities.iter().any(|c| c.id.contains("proxy")));
}

#[test]
fn plain_wifi_says_nothing_of_proxies_or_private_address() {
    let a = analysis("wifi-plain");
    let wifi = one(&a, "wifi.network");
    assert_eq!(wifi.params["network"], Param::Name("Region-Invites".into()));
    assert_eq!(ids(&a), vec!["wifi.network"]);
    assert!(a.traffic.is_empty());
    assert!(!json(&a).contains("wifi-invites-secret"));
}

#[test]
fn secrets_by_content_leave_the_facts_whole() {
    let a = analysis("secrets-by-content");
    let exchange = one(&a, "account.exchange");
    assert_eq!(
        exchange.params["server"],
        Param::Host("mail.exemple.fr".into())
    );
    // The PKCS#12 in `Certificate`: an identity installed for this account.
    assert_eq!(exchange.params["identity"], Param::Term("yes".into()));
    let relay = one(&a, "traffic.relay");
    assert_eq!(
        relay.params["server"],
        Param::Host("relais.exemple.fr".into())
    );
    let sso = one(&a, "identity.sso");
    assert_eq!(
        sso.params["app"],
        Param::Id("com.exemple.sso.extension".into())
    );
    assert_eq!(strings(param(sso, "hosts")), vec!["login.exemple.fr"]);
    assert!(!has(&a, "payload.com.apple.extensiblesso"));
}
