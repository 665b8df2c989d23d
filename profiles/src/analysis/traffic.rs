//! Every path the administration can put network traffic through: global proxy, proxies
//! inside Wi-Fi, cellular and VPN payloads, VPNs (always-on only when `VPNType` really is
//! `AlwaysOn`), per-app VPNs, web content filters, encrypted DNS, DNS proxies and relays.

use serde_json::Value;

use super::templates::{same, templates};
use super::{evidence, value_text, Builder, TrafficKind, TrafficPath};
use crate::capability::Evidence;
use crate::profile::{Payload, Profile};
use crate::text::Text;
use crate::value;

pub(super) fn read(b: &mut Builder, profile: &Profile, payload: &Payload) -> bool {
    let t = templates();
    match payload.payload_type.as_str() {
        "com.apple.proxy.http.global" => {
            let scope = t.word("global", &[]);
            proxy_settings(b, profile, payload, scope);
            true
        }
        "com.apple.wifi.managed" => {
            let name = same(payload.str("SSID_STR").unwrap_or("?"));
            let scope = t.word("wifi", &[("name", &name)]);
            proxy_settings(b, profile, payload, scope);
            // The Wi-Fi payload also joins a network: described from the catalogue too.
            false
        }
        "com.apple.cellular" | "com.apple.apn" => {
            cellular_proxies(b, profile, payload);
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
            let settings = payload.get("DNSSettings").and_then(Value::as_object);
            let server = settings.and_then(|s| {
                ["ServerURL", "ServerName"]
                    .iter()
                    .find_map(|k| s.get(*k).and_then(Value::as_str).map(str::to_string))
                    .or_else(|| s.get("ServerAddresses").map(value_text))
            });
            let key = settings.and_then(|s| {
                ["ServerURL", "ServerName", "ServerAddresses"]
                    .into_iter()
                    .find(|k| s.contains_key(*k))
            });
            let ev = evidence(
                profile,
                payload,
                Some(&format!("DNSSettings/{}", key.unwrap_or("DNSProtocol"))),
                server.clone(),
            );
            add(
                b,
                TrafficKind::Dns,
                "traffic.dns",
                server,
                t.word("global", &[]),
                ev,
            );
            true
        }
        "com.apple.dnsProxy.managed" => {
            let app = payload
                .str("AppBundleIdentifier")
                .or_else(|| payload.str("ProviderBundleIdentifier"))
                .map(str::to_string);
            let ev = evidence(profile, payload, Some("AppBundleIdentifier"), app.clone());
            add(
                b,
                TrafficKind::DnsProxy,
                "traffic.dns-proxy",
                app,
                t.word("global", &[]),
                ev,
            );
            true
        }
        "com.apple.relay.managed" => {
            let relays = payload.get("Relays").and_then(Value::as_array);
            let server = relays.and_then(|r| {
                r.iter().find_map(|relay| {
                    ["HTTP3RelayURL", "HTTP2RelayURL"]
                        .iter()
                        .find_map(|k| relay.get(*k).and_then(Value::as_str))
                        .map(str::to_string)
                })
            });
            let scope = payload
                .get("MatchDomains")
                .map(|d| same(value_text(d)))
                .unwrap_or_else(|| t.word("global", &[]));
            let ev = evidence(profile, payload, Some("Relays"), server.clone());
            add(b, TrafficKind::Relay, "traffic.relay", server, scope, ev);
            true
        }
        _ => false,
    }
}

fn add(
    b: &mut Builder,
    kind: TrafficKind,
    template: &str,
    server: Option<String>,
    scope: Text,
    ev: Evidence,
) {
    let t = templates();
    let server_text = server
        .clone()
        .map(same)
        .unwrap_or_else(|| t.word("unspecified", &[]));
    b.push(t.capability(
        template,
        &[("server", &server_text), ("where", &scope)],
        false,
        vec![ev.clone()],
    ));
    b.analysis.traffic.push(TrafficPath {
        kind,
        server,
        scope,
        evidence: ev,
    });
}

/// `host:port`, or the host alone when no port is given.
fn with_port(host: &str, port: Option<i64>) -> String {
    match port {
        Some(p) => format!("{host}:{p}"),
        None => host.to_string(),
    }
}

/// States a proxy read from `key` of the payload.
fn add_proxy(
    b: &mut Builder,
    profile: &Profile,
    payload: &Payload,
    key: &str,
    server: Option<String>,
    scope: Text,
) {
    let ev = evidence(profile, payload, Some(key), server.clone());
    add(b, TrafficKind::Proxy, "traffic.proxy", server, scope, ev);
}

/// Proxy keys (`ProxyType` Manual/Auto with `ProxyServer`/`ProxyPACURL`), found in the global
/// proxy payload and in Wi-Fi payloads.
fn proxy_settings(b: &mut Builder, profile: &Profile, payload: &Payload, scope: Text) {
    let dict = &payload.content;
    let kind = dict.get("ProxyType").and_then(Value::as_str).unwrap_or("");
    let (key, server) = match kind {
        "Manual" => {
            let host = dict.get("ProxyServer").and_then(Value::as_str);
            let port = dict
                .get("ProxyServerPort")
                .or_else(|| dict.get("ProxyPort"))
                .and_then(value::as_i64_lenient);
            match host {
                Some(h) => ("ProxyServer", Some(with_port(h, port))),
                None => ("ProxyType", None),
            }
        }
        "Auto" => (
            "ProxyPACURL",
            dict.get("ProxyPACURL")
                .and_then(Value::as_str)
                .map(str::to_string),
        ),
        // "None" or absent: no proxy. A global proxy payload without ProxyType is Manual.
        "" if payload.payload_type == "com.apple.proxy.http.global" => (
            "ProxyServer",
            dict.get("ProxyServer")
                .and_then(Value::as_str)
                .map(str::to_string),
        ),
        _ => return,
    };
    if server.is_none() && kind.is_empty() {
        return;
    }
    add_proxy(b, profile, payload, key, server, scope);
}

fn cellular_proxies(b: &mut Builder, profile: &Profile, payload: &Payload) {
    let apns = payload
        .get("APNs")
        .or_else(|| payload.get("AttachAPN"))
        .map(|v| match v {
            Value::Array(items) => items.clone(),
            other => vec![other.clone()],
        })
        .unwrap_or_default();
    for apn in apns.iter().filter_map(Value::as_object).take(64) {
        let Some(host) = apn.get("ProxyServer").and_then(Value::as_str) else {
            continue;
        };
        let server = with_port(host, apn.get("ProxyPort").and_then(value::as_i64_lenient));
        let name = same(apn.get("Name").and_then(Value::as_str).unwrap_or("APN"));
        let scope = templates().word("cellular", &[("name", &name)]);
        add_proxy(b, profile, payload, "APNs/ProxyServer", Some(server), scope);
    }
}

/// The server of a VPN payload: the first remote address found in its protocol dictionary.
fn vpn_server(payload: &Payload) -> Option<(String, String)> {
    for dict_key in ["VPN", "IKEv2", "IPSec", "PPP", "AlwaysOn"] {
        let Some(dict) = payload.get(dict_key).and_then(Value::as_object) else {
            continue;
        };
        for key in ["RemoteAddress", "CommRemoteAddress", "ServerAddress"] {
            if let Some(v) = dict
                .get(key)
                .and_then(Value::as_str)
                .filter(|v| !v.is_empty())
            {
                return Some((format!("{dict_key}/{key}"), v.to_string()));
            }
        }
        if let Some(tunnels) = dict.get("TunnelConfigurations").and_then(Value::as_array) {
            for tunnel in tunnels {
                if let Some(v) = tunnel.get("RemoteAddress").and_then(Value::as_str) {
                    return Some((
                        format!("{dict_key}/TunnelConfigurations/RemoteAddress"),
                        v.to_string(),
                    ));
                }
            }
        }
    }
    None
}

fn vpn(b: &mut Builder, profile: &Profile, payload: &Payload, per_app: bool) {
    let t = templates();
    let vpn_type = payload.str("VPNType").unwrap_or("");
    let found = vpn_server(payload);
    let server = found.as_ref().map(|(_, v)| v.clone());
    let key = found
        .as_ref()
        .map(|(k, _)| k.clone())
        .unwrap_or_else(|| "VPNType".into());
    let ev = evidence(profile, payload, Some(&key), server.clone());
    let include_all = payload
        .get("VPN")
        .and_then(|v| v.get("IncludeAllNetworks"))
        .and_then(value::as_bool_lenient)
        .unwrap_or(false);
    let on_demand = ["VPN", "IKEv2", "IPSec"].iter().any(|k| {
        payload
            .get(k)
            .and_then(|v| v.get("OnDemandEnabled"))
            .and_then(value::as_bool_lenient)
            .unwrap_or(false)
    });
    if vpn_type == "AlwaysOn" {
        let ev = evidence(profile, payload, Some("VPNType"), Some("AlwaysOn".into()));
        let scope = t.word("all-traffic", &[]);
        // Apple's deployment reference: the always-on VPN payload installs on supervised
        // devices only, although the schema does not flag it.
        b.push(t.capability("traffic.always-on-vpn", &[], true, vec![ev.clone()]));
        b.analysis.traffic.push(TrafficPath {
            kind: TrafficKind::AlwaysOnVpn,
            server,
            scope,
            evidence: ev,
        });
    } else if per_app {
        let domains: Vec<String> = [
            "SafariDomains",
            "MailDomains",
            "CalendarDomains",
            "ContactsDomains",
            "AssociatedDomains",
        ]
        .iter()
        .filter_map(|k| payload.get(k).map(value_text))
        .collect();
        let scope = if domains.is_empty() {
            t.word("apps-bound", &[])
        } else {
            let apps = t.word("apps-bound", &[]);
            Text::new(
                format!("{}, {}", apps.fr, domains.join(", ")),
                format!("{}, {}", apps.en, domains.join(", ")),
            )
        };
        add(
            b,
            TrafficKind::PerAppVpn,
            "traffic.per-app-vpn",
            server,
            scope,
            ev,
        );
    } else {
        let scope = if include_all || full_tunnel(payload) {
            t.word("all-traffic", &[])
        } else if on_demand {
            t.word("on-demand", &[])
        } else {
            t.word("selected-traffic", &[])
        };
        add(b, TrafficKind::Vpn, "traffic.vpn", server, scope, ev);
    }
    // Proxies configured inside the VPN.
    if let Some(proxies) = payload.get("Proxies").and_then(Value::as_object) {
        let name = same(
            payload
                .display_name
                .clone()
                .unwrap_or_else(|| payload.identifier.clone()),
        );
        let scope = t.word("vpn", &[("name", &name)]);
        let server = ["HTTPSProxy", "HTTPProxy", "ProxyAutoConfigURLString"]
            .iter()
            .find_map(|k| {
                proxies
                    .get(*k)
                    .and_then(Value::as_str)
                    .map(|h| (k.to_string(), h.to_string()))
            });
        if let Some((key, host)) = server {
            let port = proxies
                .get(&format!("{key}Port"))
                .and_then(value::as_i64_lenient);
            let server = with_port(&host, port);
            add_proxy(
                b,
                profile,
                payload,
                &format!("Proxies/{key}"),
                Some(server),
                scope,
            );
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
    let t = templates();
    let filter_type = payload.str("FilterType").unwrap_or("BuiltIn");
    let (scope, server, key) = if filter_type == "Plugin" {
        let name = payload
            .str("PluginBundleID")
            .or_else(|| payload.str("UserDefinedName"))
            .unwrap_or("?");
        (
            t.word("filter-plugin", &[("name", &same(name))]),
            payload.str("ServerAddress").map(str::to_string),
            "PluginBundleID",
        )
    } else {
        (t.word("filter-builtin", &[]), None, "FilterType")
    };
    let ev = evidence(profile, payload, Some(key), Some(filter_type.to_string()));
    add(
        b,
        TrafficKind::ContentFilter,
        "traffic.content-filter",
        server,
        scope,
        ev,
    );
}
