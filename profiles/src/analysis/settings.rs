//! Payloads that change what the iPad shows or allows, each described with what it names:
//! web clips (the site), fonts (the font), managed domains, notification settings (the apps),
//! the lock-screen message and asset tag, AirPlay destinations. Each statement carries the
//! supervision its key needs according to Apple's schema (notifications, lock screen, the
//! AirPlay allow list, Safari password domains, relaxed tracking prevention).

use serde_json::Value;

use super::{evidence, host_of, payload_target, string_list, supervision, value_text, Builder};
use crate::capability::{Capability, Param, Topic, Verb};
use crate::catalog::catalog;
use crate::profile::{Payload, Profile};

/// Most domains, apps or devices read from one payload.
const MAX_ENTRIES: usize = 64;

pub(super) fn read(b: &mut Builder, profile: &Profile, payload: &Payload) -> bool {
    let mut stated = Statements {
        b,
        profile,
        payload,
        any: false,
    };
    match payload.payload_type.as_str() {
        "com.apple.webClip.managed" => stated.web_clip(),
        "com.apple.font" => stated.font(),
        "com.apple.domains" => stated.domains(),
        "com.apple.notificationsettings" => stated.notifications(),
        "com.apple.shareddeviceconfiguration" => stated.lock_screen(),
        "com.apple.airplay" => stated.airplay(),
        _ => {}
    }
    // A payload with none of the keys read here is described from the catalogue instead.
    stated.any
}

struct Statements<'a, 'b> {
    b: &'a mut Builder,
    profile: &'b Profile,
    payload: &'b Payload,
    any: bool,
}

impl Statements<'_, '_> {
    /// States `id` about `key` of the payload (whose value is shown as `value` in the
    /// evidence: never a whole dictionary, which may hold secrets), with the supervision that
    /// key needs.
    fn state(
        &mut self,
        id: &str,
        verb: Verb,
        key: &str,
        value: Option<String>,
        params: Vec<(&str, Param)>,
    ) {
        let payload = self.payload;
        let topic = catalog()
            .payload_topic(&payload.payload_type)
            .unwrap_or_else(|| Topic::for_verb(verb));
        let mut cap = Capability::new(id, verb, topic)
            .with_target(format!("{}#{key}", payload_target(self.profile, payload)))
            .with_evidence(evidence(self.profile, payload, Some(key), value));
        for (name, value) in params {
            cap = cap.with_param(name, value);
        }
        if let Some(c) = supervision(payload, Some(key)) {
            cap = cap.with_condition(c);
        }
        self.b.push(cap);
        self.any = true;
    }

    fn web_clip(&mut self) {
        let p = self.payload;
        let Some(url) = p.str("URL") else {
            return;
        };
        let mut params = vec![("server", Param::Host(host_of(url)))];
        if let Some(label) = p.str("Label") {
            params.push(("name", Param::Name(label.to_string())));
        }
        // IsRemovable false: the user cannot delete the icon.
        if p.get("IsRemovable").and_then(crate::value::as_bool_lenient) == Some(false) {
            params.push(("removable", Param::Term("no".into())));
        }
        self.state(
            "settings.web-clip",
            Verb::Install,
            "URL",
            Some(url.to_string()),
            params,
        );
    }

    fn font(&mut self) {
        let p = self.payload;
        if p.get("Font").is_none() {
            return;
        }
        let name = p
            .str("Name")
            .or(p.display_name.as_deref())
            .map(|n| ("name", Param::Name(n.to_string())));
        self.state(
            "settings.font",
            Verb::Install,
            "Font",
            None,
            name.into_iter().collect(),
        );
    }

    fn domains(&mut self) {
        for (key, id) in [
            ("EmailDomains", "settings.managed-mail-domains"),
            ("WebDomains", "settings.managed-web-domains"),
            (
                "SafariPasswordAutoFillDomains",
                "settings.safari-password-domains",
            ),
            (
                "CrossSiteTrackingPreventionRelaxedDomains",
                "settings.tracking-relaxed-domains",
            ),
        ] {
            let domains = string_list(self.payload.get(key), MAX_ENTRIES);
            if domains.is_empty() {
                continue;
            }
            let shown = value_text(&Value::from(domains.clone()));
            let list = Param::List(domains.into_iter().map(Param::Host).collect());
            self.state(id, Verb::Change, key, Some(shown), vec![("domains", list)]);
        }
    }

    fn notifications(&mut self) {
        let apps: Vec<Param> = self
            .payload
            .get("NotificationSettings")
            .and_then(Value::as_array)
            .map(|items| {
                items
                    .iter()
                    .take(MAX_ENTRIES)
                    .filter_map(|i| i.get("BundleIdentifier")?.as_str())
                    .filter(|a| !a.trim().is_empty())
                    .map(|a| Param::Id(a.to_string()))
                    .collect()
            })
            .unwrap_or_default();
        if apps.is_empty() {
            return;
        }
        let shown: Vec<&str> = apps.iter().filter_map(Param::as_str).collect();
        let shown = shown.join(", ");
        self.state(
            "settings.notifications",
            Verb::Change,
            "NotificationSettings",
            Some(shown),
            vec![("apps", Param::List(apps))],
        );
    }

    fn lock_screen(&mut self) {
        for (key, id, name) in [
            ("LockScreenFootnote", "settings.lock-screen-message", "text"),
            ("AssetTagInformation", "settings.asset-tag", "tag"),
        ] {
            if let Some(text) = self.payload.str(key) {
                let shown = Some(text.to_string());
                let text = Param::Name(text.to_string());
                self.state(id, Verb::Change, key, shown, vec![(name, text)]);
            }
        }
    }

    fn airplay(&mut self) {
        // `Whitelist` is the deprecated name of `AllowList`.
        for key in ["AllowList", "Whitelist"] {
            let devices: Vec<Param> = self
                .payload
                .get(key)
                .and_then(Value::as_array)
                .map(|items| {
                    items
                        .iter()
                        .take(MAX_ENTRIES)
                        .filter_map(|d| d.get("DeviceName").or_else(|| d.get("DeviceID"))?.as_str())
                        .map(|d| Param::Name(d.to_string()))
                        .collect()
                })
                .unwrap_or_default();
            if !devices.is_empty() {
                let shown: Vec<&str> = devices.iter().filter_map(Param::as_str).collect();
                let shown = shown.join(", ");
                self.state(
                    "settings.airplay-allow-list",
                    Verb::Restrict,
                    key,
                    Some(shown),
                    vec![("devices", Param::List(devices))],
                );
                break;
            }
        }
        let passwords = self
            .payload
            .get("Passwords")
            .and_then(Value::as_array)
            .map_or(0, Vec::len);
        if passwords > 0 {
            self.state(
                "settings.airplay-passwords",
                Verb::Change,
                "Passwords",
                Some(passwords.to_string()),
                vec![("count", Param::Count(passwords as u64))],
            );
        }
    }
}
