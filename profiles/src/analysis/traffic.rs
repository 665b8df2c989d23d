//! Every path the administration can put network traffic through: global proxy, proxies
//! inside Wi-Fi, cellular (current and legacy APN payloads) and VPN payloads, proxy
//! auto-configuration scripts, VPNs (each type read from the dictionary iOS uses for it),
//! per-app VPNs, content filters, encrypted DNS, DNS proxies and relays.
//!
//! A setting present but empty or off is no path: an empty `ProxyServer`, port 0,
//! `HTTPEnable` false, `ProxyType` None state nothing (a global proxy payload naming no server
//! is said to be inert).
//!
//! Each statement carries the supervision its key needs, from the catalogue (Apple's schema
//! and prose): the global proxy, the always-on VPN, content filters without
//! `ContentFilterUUID` (or before iOS 16), DNS proxies before iOS 15, DNS settings that
//! cannot be turned off.

use serde_json::{Map, Value};

use super::{
    evidence, host_of, payload_target, supervision, value_text, Builder, TrafficKind, TrafficPath,
    TrafficScope,
};
use crate::capability::{Capability, Evidence, Param, Topic, Verb};
use crate::profile::{Payload, Profile};
use crate::value;

/// Most access points or relays read from one payload (a hostile profile may list thousands).
const MAX_ENTRIES: usize = 64;

pub(super) fn read(b: &mut Builder, profile: &Profile, payload: &Payload) -> bool {
    match payload.payload_type.as_str() {
        "com.apple.proxy.http.global" => {
            proxy_settings(b, profile, payload, TrafficScope::AllTraffic, None);
            true
        }
        "com.apple.wifi.managed" => {
            let ssid = payload
                .str("SSID_STR")
                .filter(|s| !s.is_empty())
                .map(str::to_string);
            proxy_settings(b, profile, payload, TrafficScope::Wifi, ssid);
            // The Wi-Fi payload also joins a network: described elsewhere too.
            false
        }
        "com.apple.cellular" => {
            cellular_proxies(b, profile, payload);
            false
        }
        "com.apple.apn.managed" => {
            legacy_apn_proxies(b, profile, payload);
            false
        }
        "com.apple.vpn.managed" => {
            vpn(b, profile, payload, false);
            true
        }
        "com.apple.vpn.managed.applayer" => {
            vpn(b, profile, payload, true);
            true
        }
        "com.apple.webcontent-filter" => {
            content_filter(b, profile, payload);
            true
        }
        "com.apple.dnsSettings.managed" => {
            dns_settings(b, profile, payload);
            true
        }
        "com.apple.dnsProxy.managed" => {
            let app = payload
                .str("AppBundleIdentifier")
                .or_else(|| payload.str("ProviderBundleIdentifier"))
                .filter(|a| !a.is_empty())
                .map(str::to_string);
            let ev = evidence(profile, payload, Some("AppBundleIdentifier"), app.clone());
            add(
                b,
                payload,
                Path::new(TrafficKind::DnsProxy, TrafficScope::NameLookups, app),
                ev,
            );
            true
        }
        "com.apple.relay.managed" => {
            relay(b, profile, payload);
            true
        }
        _ => false,
    }
}

/// A path about to be stated.
struct Path {
    kind: TrafficKind,
    scope: TrafficScope,
    /// The server, app or URL, as written in the payload.
    server: Option<String>,
    network: Option<String>,
    domains: Vec<String>,
    /// Parameters only some kinds have (the filter's plugin, the VPN's app, on demand).
    extra: Vec<(&'static str, Param)>,
    /// Evidence beyond the key naming the server (`IncludeAllNetworks`, `OnDemandEnabled`).
    more_evidence: Vec<Evidence>,
}

impl Path {
    fn new(kind: TrafficKind, scope: TrafficScope, server: Option<String>) -> Path {
        Path {
            kind,
            scope,
            server,
            network: None,
            domains: Vec::new(),
            extra: Vec::new(),
            more_evidence: Vec::new(),
        }
    }
}

/// The server as a statement names it: the host of a URL, else the text as written
/// (`host:port` of a proxy, an app's bundle id, addresses). The URL stays in the evidence.
fn shown_server(server: &str) -> String {
    if server.contains("://") {
        host_of(server)
    } else {
        server.to_string()
    }
}

/// States a path: one capability and one traffic fact.
fn add(b: &mut Builder, payload: &Payload, path: Path, ev: Evidence) {
    // Several paths of one kind may live in one payload (a Wi-Fi and its proxy; two APNs):
    // the target tells them apart.
    let target = format!(
        "{}#{}#{}",
        if payload.uuid.is_empty() {
            payload.identifier.as_str()
        } else {
            payload.uuid.as_str()
        },
        path.kind.as_str(),
        ev.key.as_deref().unwrap_or("")
    );
    let mut cap = Capability::new(
        format!("traffic.{}", path.kind.as_str()),
        Verb::Intercept,
        Topic::Traffic,
    )
    .with_target(target)
    .with_param("scope", Param::Term(path.scope.as_str().to_string()))
    .with_param_opt("network", path.network.clone().map(Param::Name))
    .with_evidence(ev.clone());
    if let Some(server) = &path.server {
        // A PAC script chooses proxies: its URL is the script's, not a server traffic goes to.
        let name = if path.kind == TrafficKind::ProxyAutoConfig {
            "script"
        } else {
            "server"
        };
        cap = cap.with_param(name, Param::Host(shown_server(server)));
    }
    if !path.domains.is_empty() {
        cap = cap.with_param(
            "domains",
            Param::List(path.domains.iter().cloned().map(Param::Host).collect()),
        );
    }
    if let Some(c) = supervision(payload, ev.key.as_deref()) {
        cap = cap.with_condition(c);
    }
    for (name, value) in path.extra {
        cap = cap.with_param(name, value);
    }
    for more in path.more_evidence {
        cap = cap.with_evidence(more);
    }
    b.push(cap);
    b.analysis.traffic.push(TrafficPath {
        kind: path.kind,
        server: path.server,
        scope: path.scope,
        network: path.network,
        domains: path.domains,
        evidence: ev,
    });
}

/// A non-empty string value.
fn text<'a>(dict: &'a Map<String, Value>, key: &str) -> Option<&'a str> {
    dict.get(key)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

/// A boolean that is on (true, 1, "true").
fn enabled(dict: &Map<String, Value>, key: &str) -> bool {
    dict.get(key)
        .and_then(value::as_bool_lenient)
        .unwrap_or(false)
}

/// `host:port`; `None` when the port is given as 0 or out of range (the proxy is not usable).
fn with_port(host: &str, port: Option<i64>) -> Option<String> {
    match port {
        Some(p) if !(1..=65535).contains(&p) => None,
        Some(p) => Some(format!("{host}:{p}")),
        None => Some(host.to_string()),
    }
}

/// Proxy keys (`ProxyType` Manual/Auto with `ProxyServer`/`ProxyPACURL`), found in the global
/// proxy payload and in Wi-Fi payloads.
fn proxy_settings(
    b: &mut Builder,
    profile: &Profile,
    payload: &Payload,
    scope: TrafficScope,
    network: Option<String>,
) {
    let dict = &payload.content;
    let proxy_type = dict.get("ProxyType").and_then(Value::as_str).unwrap_or("");
    // The global proxy payload without ProxyType is a manual proxy (Apple's schema makes
    // ProxyServer required for Manual, the default); in a Wi-Fi payload absence means none.
    let manual = proxy_type == "Manual"
        || (proxy_type.is_empty() && payload.payload_type == "com.apple.proxy.http.global");
    let (kind, key, server) = if manual {
        let port = dict
            .get("ProxyServerPort")
            .or_else(|| dict.get("ProxyPort"))
            .and_then(value::as_i64_lenient);
        let Some(server) = text(dict, "ProxyServer").and_then(|host| with_port(host, port)) else {
            if payload.payload_type == "com.apple.proxy.http.global" {
                inert_proxy(b, profile, payload);
            }
            return;
        };
        (TrafficKind::Proxy, "ProxyServer", server)
    } else if proxy_type == "Auto" {
        // A PAC URL is a script that chooses a proxy per address, not a proxy itself.
        let Some(url) = text(dict, "ProxyPACURL") else {
            return;
        };
        (TrafficKind::ProxyAutoConfig, "ProxyPACURL", url.to_string())
    } else {
        return;
    };
    let ev = evidence(profile, payload, Some(key), Some(server.clone()));
    let mut path = Path::new(kind, scope, Some(server));
    path.network = network;
    add(b, payload, path, ev);
}

/// A global proxy payload that names no usable server (empty `ProxyServer`, port 0): it is
/// there, and routes nothing.
fn inert_proxy(b: &mut Builder, profile: &Profile, payload: &Payload) {
    let value = payload
        .get("ProxyServer")
        .map(value_text)
        .unwrap_or_default();
    b.push(
        Capability::new("settings.proxy-empty", Verb::Change, Topic::Settings)
            .with_target(payload_target(profile, payload))
            .with_evidence(evidence(profile, payload, Some("ProxyServer"), Some(value))),
    );
}

/// Proxies of the access points of a `com.apple.cellular` payload.
fn cellular_proxies(b: &mut Builder, profile: &Profile, payload: &Payload) {
    let apns = payload
        .get("APNs")
        .or_else(|| payload.get("AttachAPN"))
        .map(|v| match v {
            Value::Array(items) => items.clone(),
            other => vec![other.clone()],
        })
        .unwrap_or_default();
    for (i, apn) in apns
        .iter()
        .filter_map(Value::as_object)
        .take(MAX_ENTRIES)
        .enumerate()
    {
        let Some(host) = text(apn, "ProxyServer") else {
            continue;
        };
        let Some(server) = with_port(host, apn.get("ProxyPort").and_then(value::as_i64_lenient))
        else {
            continue;
        };
        let key = format!("APNs[{i}]/ProxyServer");
        let ev = evidence(profile, payload, Some(&key), Some(server.clone()));
        let mut path = Path::new(TrafficKind::Proxy, TrafficScope::Cellular, Some(server));
        path.network = text(apn, "Name").map(str::to_string);
        add(b, payload, path, ev);
    }
}

/// The legacy `com.apple.apn.managed` payload, still honoured: `DefaultsData/apns/*` may name
/// a proxy (`proxy`, `proxyPort`) for mobile data.
fn legacy_apn_proxies(b: &mut Builder, profile: &Profile, payload: &Payload) {
    let apns = payload
        .get("DefaultsData")
        .and_then(|d| d.get("apns"))
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    for (i, apn) in apns
        .iter()
        .filter_map(Value::as_object)
        .take(MAX_ENTRIES)
        .enumerate()
    {
        let Some(host) = text(apn, "proxy") else {
            continue;
        };
        let Some(server) = with_port(host, apn.get("proxyPort").and_then(value::as_i64_lenient))
        else {
            continue;
        };
        let key = format!("DefaultsData/apns[{i}]/proxy");
        let ev = evidence(profile, payload, Some(&key), Some(server.clone()));
        let mut path = Path::new(TrafficKind::Proxy, TrafficScope::Cellular, Some(server));
        path.network = text(apn, "apn").map(str::to_string);
        add(b, payload, path, ev);
    }
}

/// The dictionary iOS reads for a `VPNType`, and the key naming its server there.
fn vpn_dictionary(vpn_type: &str) -> Option<(&'static str, &'static str)> {
    match vpn_type {
        "IKEv2" => Some(("IKEv2", "RemoteAddress")),
        "IPSec" => Some(("IPSec", "RemoteAddress")),
        "L2TP" | "PPTP" => Some(("PPP", "CommRemoteAddress")),
        // Apps' own VPN protocols (VendorConfig next to it holds their settings).
        "VPN" => Some(("VPN", "RemoteAddress")),
        "AlwaysOn" => Some(("AlwaysOn", "")),
        _ => None,
    }
}

fn vpn(b: &mut Builder, profile: &Profile, payload: &Payload, per_app: bool) {
    let vpn_type = payload.str("VPNType").unwrap_or("");
    let Some((dict_key, server_key)) = vpn_dictionary(vpn_type) else {
        // An unknown or macOS-only type (TransparentProxy): iOS builds no tunnel from it.
        return;
    };
    let dict = payload.get(dict_key).and_then(Value::as_object);
    let empty = Map::new();
    let dict = dict.unwrap_or(&empty);

    if vpn_type == "AlwaysOn" {
        // The tunnels take the IKEv2 keys; the first that names a server is stated.
        let tunnel = dict
            .get("TunnelConfigurations")
            .and_then(Value::as_array)
            .and_then(|tunnels| {
                tunnels
                    .iter()
                    .take(MAX_ENTRIES)
                    .enumerate()
                    .find_map(|(i, t)| Some((i, text(t.as_object()?, "RemoteAddress")?)))
            });
        let (key, server) = match tunnel {
            Some((i, server)) => (
                format!("AlwaysOn/TunnelConfigurations[{i}]/RemoteAddress"),
                Some(server.to_string()),
            ),
            None => ("AlwaysOn".to_string(), None),
        };
        let ev = evidence(
            profile,
            payload,
            Some(&key),
            server.clone().or_else(|| Some("AlwaysOn".into())),
        );
        // Supervision: the catalogue's `supervised_keys` (Apple's deployment reference), read
        // through the evidence key.
        let path = Path::new(TrafficKind::AlwaysOnVpn, TrafficScope::AllTraffic, server);
        add(b, payload, path, ev);
        return;
    }

    let server = text(dict, server_key).map(str::to_string);
    let key = if server.is_some() {
        format!("{dict_key}/{server_key}")
    } else {
        "VPNType".to_string()
    };
    let ev = evidence(
        profile,
        payload,
        Some(&key),
        server.clone().or_else(|| Some(vpn_type.to_string())),
    );
    // A VPN of an app's own protocol: the app (VPNSubType) builds the tunnel.
    let app = (vpn_type == "VPN")
        .then(|| payload.str("VPNSubType"))
        .flatten()
        .map(|a| ("app", Param::Id(a.to_string())));
    if per_app {
        let mut domains: Vec<String> = Vec::new();
        for k in [
            "SafariDomains",
            "MailDomains",
            "CalendarDomains",
            "ContactsDomains",
            "AssociatedDomains",
        ] {
            if let Some(list) = payload.get(k).and_then(Value::as_array) {
                domains.extend(
                    list.iter()
                        .filter_map(Value::as_str)
                        .filter(|d| !d.is_empty())
                        .take(MAX_ENTRIES)
                        .map(str::to_string),
                );
            }
        }
        domains.sort();
        domains.dedup();
        domains.truncate(MAX_ENTRIES);
        let mut path = Path::new(
            TrafficKind::PerAppVpn,
            TrafficScope::BoundApps,
            server.clone(),
        );
        path.domains = domains;
        path.extra.extend(app);
        add(b, payload, path, ev);
    } else {
        // What traffic: all of it with IncludeAllNetworks (or a tunnel routing every
        // address), else the routes the server pushes. When: by itself, on demand.
        let include_all = enabled(dict, "IncludeAllNetworks");
        let on_demand = enabled(dict, "OnDemandEnabled");
        let scope = if include_all || full_tunnel(payload) {
            TrafficScope::AllTraffic
        } else {
            TrafficScope::Selected
        };
        let mut path = Path::new(TrafficKind::Vpn, scope, server);
        path.extra.extend(app);
        for (flag, on) in [
            ("IncludeAllNetworks", include_all),
            ("OnDemandEnabled", on_demand),
        ] {
            if on {
                path.more_evidence.push(evidence(
                    profile,
                    payload,
                    Some(&format!("{dict_key}/{flag}")),
                    Some("true".into()),
                ));
            }
        }
        if on_demand {
            path.extra.push(("on-demand", Param::Term("yes".into())));
        }
        add(b, payload, path, ev);
    }
    vpn_proxies(b, profile, payload);
}

/// Proxies configured inside a VPN (`Proxies`): a manual HTTP or HTTPS proxy only when its
/// `HTTPEnable`/`HTTPSEnable` switch is on, a PAC script only when `ProxyAutoConfigEnable` is.
fn vpn_proxies(b: &mut Builder, profile: &Profile, payload: &Payload) {
    let Some(proxies) = payload.get("Proxies").and_then(Value::as_object) else {
        return;
    };
    let network = payload
        .str("UserDefinedName")
        .or(payload.display_name.as_deref())
        .map(str::to_string);
    for (switch, host_key, port_key) in [
        ("HTTPSEnable", "HTTPSProxy", "HTTPSPort"),
        ("HTTPEnable", "HTTPProxy", "HTTPPort"),
    ] {
        if !enabled(proxies, switch) {
            continue;
        }
        let Some(host) = text(proxies, host_key) else {
            continue;
        };
        let Some(server) = with_port(host, proxies.get(port_key).and_then(value::as_i64_lenient))
        else {
            continue;
        };
        let ev = evidence(
            profile,
            payload,
            Some(&format!("Proxies/{host_key}")),
            Some(server.clone()),
        );
        let mut path = Path::new(TrafficKind::Proxy, TrafficScope::InsideVpn, Some(server));
        path.network = network.clone();
        add(b, payload, path, ev);
    }
    if enabled(proxies, "ProxyAutoConfigEnable") {
        if let Some(url) = text(proxies, "ProxyAutoConfigURLString") {
            let ev = evidence(
                profile,
                payload,
                Some("Proxies/ProxyAutoConfigURLString"),
                Some(url.to_string()),
            );
            let mut path = Path::new(
                TrafficKind::ProxyAutoConfig,
                TrafficScope::InsideVpn,
                Some(url.to_string()),
            );
            path.network = network;
            add(b, payload, path, ev);
        }
    }
}

/// A WireGuard-style configuration routing every address (`AllowedIPs = 0.0.0.0/0`).
fn full_tunnel(payload: &Payload) -> bool {
    let text = payload
        .get("VendorConfig")
        .map(|v| v.to_string())
        .unwrap_or_default();
    text.contains("0.0.0.0/0") || text.contains("::/0")
}

fn content_filter(b: &mut Builder, profile: &Profile, payload: &Payload) {
    let dict = &payload.content;
    let filter_type = payload.str("FilterType").unwrap_or("BuiltIn");
    // ContentFilterUUID: "The content filter processes network traffic for managed apps with
    // the same ContentFilterUUID in their app attributes" (Apple's schema).
    let per_app = text(dict, "ContentFilterUUID").is_some();
    let (scope, server, key, value) = if filter_type == "Plugin" {
        let plugin = text(dict, "PluginBundleID").map(str::to_string);
        // FilterSockets: the apps' network connections are examined, not only web pages.
        let scope = match (enabled(dict, "FilterSockets"), per_app) {
            (true, false) => TrafficScope::AllConnections,
            (true, true) => TrafficScope::BoundAppsConnections,
            (false, true) => TrafficScope::BoundApps,
            (false, false) => TrafficScope::WebPages,
        };
        (
            scope,
            text(dict, "ServerAddress").map(str::to_string),
            "PluginBundleID",
            plugin,
        )
    } else {
        (
            TrafficScope::WebPages,
            None,
            "FilterType",
            Some(filter_type.to_string()),
        )
    };
    let ev = evidence(profile, payload, Some(key), value.clone());
    let mut path = Path::new(TrafficKind::ContentFilter, scope, server);
    // The plugin that examines the traffic, by its real bundle id.
    if let Some(plugin) = value.filter(|_| filter_type == "Plugin") {
        path.extra.push(("filter", Param::Id(plugin)));
    }
    // Supervision: the catalogue's `supervised_when` (without ContentFilterUUID, or before
    // iOS 16).
    add(b, payload, path, ev);
}

fn dns_settings(b: &mut Builder, profile: &Profile, payload: &Payload) {
    let Some(settings) = payload.get("DNSSettings").and_then(Value::as_object) else {
        return;
    };
    let found = ["ServerURL", "ServerName"]
        .iter()
        .find_map(|k| text(settings, k).map(|v| (*k, v.to_string())))
        .or_else(|| {
            settings
                .get("ServerAddresses")
                .and_then(Value::as_array)
                .filter(|a| !a.is_empty())
                .map(|a| ("ServerAddresses", value_text(&Value::Array(a.clone()))))
        });
    let Some((key, server)) = found else {
        return;
    };
    let ev = evidence(
        profile,
        payload,
        Some(&format!("DNSSettings/{key}")),
        Some(server.clone()),
    );
    add(
        b,
        payload,
        Path::new(
            TrafficKind::Dns,
            TrafficScope::NameLookups,
            Some(server.clone()),
        ),
        ev,
    );
    if enabled(&payload.content, "ProhibitDisablement") {
        // The user cannot turn these DNS settings off: on supervised devices only.
        let mut cap = Capability::new("traffic.dns-locked", Verb::Restrict, Topic::Traffic)
            .with_target(payload_target(profile, payload))
            .with_param("server", Param::Host(shown_server(&server)))
            .with_evidence(evidence(
                profile,
                payload,
                Some("ProhibitDisablement"),
                Some("true".into()),
            ));
        if let Some(c) = supervision(payload, Some("ProhibitDisablement")) {
            cap = cap.with_condition(c);
        }
        b.push(cap);
    }
}

fn relay(b: &mut Builder, profile: &Profile, payload: &Payload) {
    let relays = payload.get("Relays").and_then(Value::as_array);
    let found = relays.and_then(|r| {
        r.iter()
            .take(MAX_ENTRIES)
            .enumerate()
            .find_map(|(i, relay)| {
                ["HTTP3RelayURL", "HTTP2RelayURL"].iter().find_map(|k| {
                    let url = relay.as_object().and_then(|o| text(o, k))?;
                    Some((format!("Relays[{i}]/{k}"), url.to_string()))
                })
            })
    });
    let Some((key, url)) = found else {
        return;
    };
    let server = Some(url);
    let domains: Vec<String> = payload
        .get("MatchDomains")
        .and_then(Value::as_array)
        .map(|d| {
            d.iter()
                .filter_map(Value::as_str)
                .take(MAX_ENTRIES)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default();
    let scope = if domains.is_empty() {
        TrafficScope::AllTraffic
    } else {
        TrafficScope::Domains
    };
    let ev = evidence(profile, payload, Some(&key), server.clone());
    let mut path = Path::new(TrafficKind::Relay, scope, server);
    path.domains = domains;
    add(b, payload, path, ev);
}
