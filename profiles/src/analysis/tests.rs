#![allow(clippy::unwrap_used)]

use serde_json::json;

use super::*;
use crate::capability::{Param, Status, Tri, Verb};
use crate::parse::parse_profile;

fn profile(payloads: serde_json::Value) -> Profile {
    let doc = json!({
        "PayloadType": "Configuration",
        "PayloadIdentifier": "fr.region-exemple.test",
        "PayloadUUID": "00000000-0000-0000-0000-000000000001",
        "PayloadContent": payloads,
    });
    crate::parse::profile_from_dict(doc.as_object().unwrap().clone()).unwrap()
}

fn ids(a: &Analysis) -> Vec<&str> {
    a.capabilities.iter().map(|c| c.id.as_str()).collect()
}

fn mdm(rights: i64) -> serde_json::Value {
    json!({"PayloadType": "com.apple.mdm", "PayloadUUID": "M", "ServerURL":
           "https://mdm.region-exemple.fr:8443/mdm/server", "AccessRights": rights,
           "Topic": "com.apple.mgmt.x"})
}

#[test]
fn all_rights_open_erase_and_say_which_server() {
    let a = analyze_profiles([&profile(json!([mdm(8191)]))], Context::default());
    let m = a.mdm.as_ref().unwrap();
    assert_eq!(m.host.as_deref(), Some("mdm.region-exemple.fr"));
    assert_eq!(m.access_rights, Some(8191));
    assert_eq!(m.rights.len(), 13);
    assert!(ids(&a).contains(&"command.EraseDevice"));
    assert!(ids(&a).contains(&"command.InstalledApplicationList"));
    let server = a
        .capabilities
        .iter()
        .find(|c| c.id == "mdm.server")
        .unwrap();
    assert_eq!(server.param_str("server"), Some("mdm.region-exemple.fr"));
    let erase = a
        .capabilities
        .iter()
        .find(|c| c.id == "command.EraseDevice")
        .unwrap();
    assert_eq!(erase.verb, Verb::Erase);
    assert_eq!(
        erase.evidence[0].key.as_deref(),
        Some("AccessRights/AllowDeviceErase")
    );
}

#[test]
fn no_rights_still_opens_lost_mode_location_on_supervised_devices() {
    let p = profile(json!([mdm(1)]));
    let a = analyze_profiles(
        [&p],
        Context {
            supervised: Tri::No,
            ..Context::default()
        },
    );
    assert!(!ids(&a).contains(&"command.EraseDevice"));
    let loc = a
        .capabilities
        .iter()
        .find(|c| c.id == "command.DeviceLocation")
        .unwrap();
    assert!(loc.needs_supervision());
    assert_eq!(loc.status(), Status::NotPossible);
    let a = analyze_profiles(
        [&p],
        Context {
            supervised: Tri::Yes,
            ..Context::default()
        },
    );
    let loc = a
        .capabilities
        .iter()
        .find(|c| c.id == "command.DeviceLocation")
        .unwrap();
    assert_eq!(loc.status(), Status::Possible);
}

#[test]
fn string_access_rights_are_read_like_apple_does() {
    let mut m = mdm(0);
    m["AccessRights"] = json!("8");
    let a = analyze_profiles([&profile(json!([m]))], Context::default());
    assert_eq!(a.mdm.as_ref().unwrap().access_rights, Some(8));
    assert!(ids(&a).contains(&"command.EraseDevice"));
}

#[test]
fn always_on_only_when_the_type_says_so() {
    let vpn = json!({"PayloadType": "com.apple.vpn.managed", "PayloadUUID": "V",
                     "VPNType": "IKEv2", "IKEv2": {"RemoteAddress": "vpn.region-exemple.fr"},
                     "AlwaysOn": {"UIToggleEnabled": false}});
    let a = analyze_profiles([&profile(json!([vpn]))], Context::default());
    assert_eq!(a.traffic.len(), 1);
    assert_eq!(a.traffic[0].kind, TrafficKind::Vpn);
    assert_eq!(
        a.traffic[0].server.as_deref(),
        Some("vpn.region-exemple.fr")
    );
    let always = json!({"PayloadType": "com.apple.vpn.managed", "PayloadUUID": "V",
                        "VPNType": "AlwaysOn", "AlwaysOn": {"TunnelConfigurations":
                        [{"ProtocolType": "IKEv2", "RemoteAddress": "aov.region-exemple.fr"}]}});
    let a = analyze_profiles([&profile(json!([always]))], Context::default());
    assert_eq!(a.traffic[0].kind, TrafficKind::AlwaysOnVpn);
    assert!(ids(&a).contains(&"traffic.always-on-vpn"));
}

fn ca_der() -> Vec<u8> {
    let bytes = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../tests/fixtures/profiles/dodmobileconfig__dod.mobileconfig"
    ))
    .unwrap();
    let p = parse_profile(&bytes).unwrap();
    crate::value::as_bytes(p.payloads[0].get("PayloadContent").unwrap()).unwrap()
}

#[test]
fn trust_anchor_and_proxy_mean_https_decryption_with_both_evidence() {
    let root = json!({"PayloadType": "com.apple.security.pkcs1", "PayloadUUID": "R",
                      "PayloadContent": crate::value::data(&ca_der())});
    let proxy = json!({"PayloadType": "com.apple.proxy.http.global", "PayloadUUID": "P",
                       "ProxyType": "Manual", "ProxyServer": "proxy.region-exemple.fr",
                       "ProxyServerPort": 3128});
    let a = analyze_profiles([&profile(json!([root, proxy]))], Context::default());
    assert_eq!(a.root_certificates.len(), 1);
    assert!(a.root_certificates[0].subject.contains("DoD Root CA 3"));
    let cap = a
        .capabilities
        .iter()
        .find(|c| c.id == "traffic.https-decryption")
        .unwrap();
    assert_eq!(cap.evidence.len(), 2);
    assert_eq!(cap.evidence[0].payload_uuid.as_deref(), Some("R"));
    assert_eq!(cap.evidence[1].payload_uuid.as_deref(), Some("P"));
    assert_eq!(
        cap.param_str("server"),
        Some("proxy.region-exemple.fr:3128")
    );
    // Decryption works only for apps that do not pin their certificates: never certain.
    assert_eq!(cap.status(), Status::Depends);
    // The same anchor without a path: no decryption claim.
    let root = json!({"PayloadType": "com.apple.security.root", "PayloadUUID": "R",
                      "PayloadContent": crate::value::data(&ca_der())});
    let a = analyze_profiles([&profile(json!([root]))], Context::default());
    assert!(!ids(&a).contains(&"traffic.https-decryption"));
}

#[test]
fn wifi_without_proxy_is_no_traffic_path() {
    let wifi = json!({"PayloadType": "com.apple.wifi.managed", "PayloadUUID": "W",
                      "SSID_STR": "Mairie", "ProxyType": "None"});
    let a = analyze_profiles([&profile(json!([wifi]))], Context::default());
    assert!(a.traffic.is_empty());
    let wifi = json!({"PayloadType": "com.apple.wifi.managed", "PayloadUUID": "W",
                      "SSID_STR": "Mairie", "ProxyType": "Auto",
                      "ProxyPACURL": "http://pac.region-exemple.fr/p.pac"});
    let a = analyze_profiles([&profile(json!([wifi]))], Context::default());
    // A PAC URL is a script that chooses proxies, not a proxy server.
    assert_eq!(a.traffic[0].kind, TrafficKind::ProxyAutoConfig);
    assert_eq!(a.traffic[0].scope, TrafficScope::Wifi);
    assert_eq!(a.traffic[0].network.as_deref(), Some("Mairie"));
}

#[test]
fn accounts_name_their_hosts() {
    let eas = json!({"PayloadType": "com.apple.eas.account", "PayloadUUID": "E",
                     "Host": "mail.region-exemple.fr", "EmailAddress": "elu@region-exemple.fr"});
    let a = analyze_profiles([&profile(json!([eas]))], Context::default());
    assert_eq!(a.accounts[0].kind, AccountKind::Exchange);
    assert_eq!(
        a.accounts[0].host.as_deref(),
        Some("mail.region-exemple.fr")
    );
    let account = a
        .capabilities
        .iter()
        .find(|c| c.id == "account.exchange")
        .unwrap();
    assert_eq!(account.param_str("server"), Some("mail.region-exemple.fr"));
    // Exchange ActiveSync lets its own server wipe the device, independently of the MDM.
    assert!(ids(&a).contains(&"account.exchange-wipe"));
}

#[test]
fn restrictions_flag_supervised_keys_and_ignore_defaults() {
    let r = json!({"PayloadType": "com.apple.applicationaccess", "PayloadUUID": "X",
                   "allowAirDrop": false, "allowCamera": true, "allowMadeUpKey": false});
    let a = analyze_profiles([&profile(json!([r]))], Context::default());
    let airdrop = a
        .restrictions
        .iter()
        .find(|r| r.key == "allowAirDrop")
        .unwrap();
    assert!(airdrop.supervised_only && airdrop.restricts);
    let camera = a
        .restrictions
        .iter()
        .find(|r| r.key == "allowCamera")
        .unwrap();
    assert!(!camera.restricts);
    let made_up = a
        .restrictions
        .iter()
        .find(|r| r.key == "allowMadeUpKey")
        .unwrap();
    assert!(!made_up.known);
    // The camera left allowed is no restriction statement.
    let restriction_caps = a
        .capabilities
        .iter()
        .filter(|c| c.verb == Verb::Restrict)
        .count();
    assert_eq!(restriction_caps, 2);
}

#[test]
fn unremovable_profile_and_unknown_payload_are_said() {
    let mut p =
        profile(json!([{"PayloadType": "com.nonexistent.payload.type", "PayloadUUID": "U"}]));
    p.removal_disallowed = true;
    let a = analyze_profiles([&p], Context::default());
    assert_eq!(
        a.unknown_payload_types,
        vec!["com.nonexistent.payload.type"]
    );
    assert!(ids(&a).contains(&"profile.unremovable"));
    assert!(ids(&a).contains(&"payload.unknown"));
}

#[test]
fn nothing_supports_nothing() {
    let a = analyze_profiles([&profile(json!([]))], Context::default());
    assert!(a.capabilities.is_empty());
    assert!(a.mdm.is_none());
}

#[test]
fn snapshot_facts_supervision_apps_and_privacy_report() {
    use crate::snapshot::*;
    let mut s = Snapshot::new("2026-11-25T10:00:00Z");
    s.enrolment = Enrolment {
        supervised: Some(true),
        ade: Some(true),
        organisation: Some("Région Exemple".into()),
        mdm_server: Some("https://mdm.region-exemple.fr/mdm".into()),
        access_rights: Some(8),
        source: Some(Source::Live),
        ..Default::default()
    };
    s.apps = vec![
        App {
            bundle_id: "fr.region-exemple.interest".into(),
            name: Some("interest".into()),
            signer: Some("iPhone Distribution: Région Exemple".into()),
            provisioned: true,
            managed: Some(true),
            source: Some(Source::Backup),
            ..Default::default()
        },
        App {
            bundle_id: "com.example.store".into(),
            signer: Some("Apple iPhone OS Application Signing".into()),
            managed: Some(false),
            ..Default::default()
        },
    ];
    s.restrictions = vec![EffectiveRestriction {
        key: "allowWallpaperModification".into(),
        value: json!(false),
        source: Source::Backup,
    }];
    s.privacy = Some(PrivacySummary {
        apps: vec![AppPrivacy {
            bundle_id: "fr.region-exemple.interest".into(),
            accesses: vec![ResourceAccess {
                category: "location".into(),
                from: "2026-11-20T08:00:00Z".into(),
                to: Some("2026-11-20T08:05:00Z".into()),
            }],
            domains: vec![DomainContact {
                domain: "collect.example".into(),
                hits: 12,
                first: Some("2026-11-19T08:00:00Z".into()),
                last: Some("2026-11-21T08:00:00Z".into()),
                owner: None,
            }],
        }],
        ..Default::default()
    });
    let a = analyze_snapshot(&s);
    let ids = ids(&a);
    for id in [
        "device.supervised",
        "device.ade",
        "mdm.server",
        "command.EraseDevice",
        "app.in-house",
        "app.managed",
        "privacy.managed-app-access",
        "privacy.managed-app-domains",
        "restriction.set",
    ] {
        assert!(ids.contains(&id), "{id} missing from {ids:?}");
    }
    assert!(
        !ids.contains(&"command.InstalledApplicationList"),
        "right 256 not granted"
    );
    let access = a
        .capabilities
        .iter()
        .find(|c| c.id == "privacy.managed-app-access")
        .unwrap();
    assert_eq!(access.param_str("from"), Some("2026-11-20T08:00:00Z"));
    assert_eq!(access.param_str("category"), Some("location"));
    let domains = a
        .capabilities
        .iter()
        .find(|c| c.id == "privacy.managed-app-domains")
        .unwrap();
    assert!(
        matches!(domains.params.get("domains"), Some(Param::List(l)) if l.contains(&Param::Host("collect.example".into())))
    );
    // Supervised device: supervised-only capabilities are usable.
    let loc = a
        .capabilities
        .iter()
        .find(|c| c.id == "command.DeviceLocation")
        .unwrap();
    assert_eq!(loc.status(), Status::Possible);
    // The App Store app is neither in-house nor managed: no statement about it.
    assert!(!a
        .capabilities
        .iter()
        .any(|c| c.target.as_deref() == Some("com.example.store")));
}

#[test]
fn proxies_inside_cellular_and_vpn_payloads_are_traffic_paths() {
    let cellular = json!({"PayloadType": "com.apple.cellular", "PayloadUUID": "C",
                          "APNs": [{"Name": "region.apn", "ProxyServer": "10.1.2.3",
                                    "ProxyPort": 8080}]});
    let vpn = json!({"PayloadType": "com.apple.vpn.managed", "PayloadUUID": "V",
                     "UserDefinedName": "VPN", "VPNType": "IKEv2",
                     "IKEv2": {"RemoteAddress": "vpn.region-exemple.fr"},
                     "Proxies": {"HTTPSEnable": 1, "HTTPSProxy": "proxy.region-exemple.fr",
                                 "HTTPSPort": "3128", "HTTPProxy": "off.region-exemple.fr"}});
    let a = analyze_profiles([&profile(json!([cellular, vpn]))], Context::default());
    let paths: Vec<(TrafficKind, Option<&str>, Option<&str>)> = a
        .traffic
        .iter()
        .map(|t| (t.kind, t.server.as_deref(), t.evidence.key.as_deref()))
        .collect();
    assert!(paths.contains(&(
        TrafficKind::Proxy,
        Some("10.1.2.3:8080"),
        Some("APNs[0]/ProxyServer")
    )));
    assert!(paths.contains(&(
        TrafficKind::Proxy,
        Some("proxy.region-exemple.fr:3128"),
        Some("Proxies/HTTPSProxy")
    )));
    assert!(paths.contains(&(
        TrafficKind::Vpn,
        Some("vpn.region-exemple.fr"),
        Some("IKEv2/RemoteAddress")
    )));
    let apn = a
        .traffic
        .iter()
        .find(|t| t.evidence.payload_uuid.as_deref() == Some("C"))
        .unwrap();
    assert_eq!(apn.network.as_deref(), Some("region.apn"));
    // HTTPEnable is off: the HTTP proxy named beside it carries nothing.
    assert!(!paths.iter().any(|p| p.1 == Some("off.region-exemple.fr")));
}
