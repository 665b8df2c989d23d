//! One sentence per fact: a capability, a condition, a limit, an unknown, a piece of evidence,
//! a change, an alert. Every view builds on these; none makes its own.

use fluent_bundle::FluentValue;
use lucarne_profiles::capability::{Capability, Condition, Evidence, Param, TrustRoute};
use lucarne_profiles::catalog::catalog;
use lucarne_profiles::compare::{Alert, CapabilityRef, ChangeEvent, ChangeKind};
use std::collections::BTreeMap;

use crate::neutral::{neutralize, neutralize_to};
use crate::words::{Args, Words};

/// Values of a list parameter named in one sentence before "and N others".
const LIST_SHOWN: usize = 5;
/// Terms of a list parameter named in one sentence before "and N others".
const TERMS_SHOWN: usize = 16;
/// Longest evidence value shown.
const EVIDENCE_CHARS: usize = 200;

/// Parameters that name something: when absent, the sentence says "(not specified)".
const NAMED: &[&str] = &[
    "server", "user", "name", "subject", "network", "signer", "bundle", "from", "to", "path",
    "scope", "category", "script", "issuer",
];
/// Parameters used to choose a wording: when absent, their value is `none`.
const SELECTORS: &[&str] = &[
    "domains",
    "organisation",
    "filter",
    "servers",
    "hosts",
    "attributes",
    "app",
];
/// Term parameters used as flags (`on-demand` = `yes`): when absent, their `-id` is `none`.
const FLAGS: &[&str] = &["on-demand", "removable", "identity", "attest", "protocol"];

/// The id of the message of a capability or change id (`traffic.proxy` → `cap-traffic-proxy`).
pub fn message_id(prefix: &str, id: &str) -> String {
    let mut out = String::with_capacity(prefix.len() + id.len() + 1);
    out.push_str(prefix);
    out.push('-');
    out.extend(id.chars().map(|c| {
        if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
            c
        } else {
            '-'
        }
    }));
    out
}

/// A list of values of parameter `name`: outside values neutralised, terms rendered through
/// `term-<name>-<id>`, joined, cut after a few.
fn list(words: &Words, name: &str, items: &[Param]) -> String {
    // Lucarne's own terms (device attributes sent to a server) are few and each matters: all
    // are named.
    let limit = if items.iter().all(|p| matches!(p, Param::Term(_))) {
        TERMS_SHOWN
    } else {
        LIST_SHOWN
    };
    let shown: Vec<String> = items
        .iter()
        .take(limit)
        .map(|p| match p {
            Param::Count(n) => n.to_string(),
            Param::List(inner) => list(words, name, inner),
            Param::Term(id) => {
                let term_id = message_id(&format!("term-{name}"), id);
                if words.has(&term_id) {
                    words.get(&term_id)
                } else {
                    neutralize(id)
                }
            }
            other => neutralize(other.as_str().unwrap_or_default()),
        })
        .collect();
    let mut text = shown.join(", ");
    if items.len() > limit {
        let more = words.format(
            "term-and-more",
            &Args::new().num("count", (items.len() - limit) as f64),
        );
        text.push(' ');
        text.push_str(&more);
    }
    text
}

/// A date or time as the reader expects it: the RFC 3339 date part, or the text as given.
pub fn date(value: &str) -> String {
    let day = value.split('T').next().unwrap_or(value);
    let parts: Vec<&str> = day.split('-').collect();
    if parts.len() == 3 && parts.iter().all(|p| p.chars().all(|c| c.is_ascii_digit())) {
        format!("{}/{}/{}", parts[2], parts[1], parts[0])
    } else {
        neutralize(value)
    }
}

/// The arguments a message gets from typed parameters: outside strings neutralised, terms
/// rendered through `term-<name>-<id>` (with `<name>-id` kept for selectors), lists joined.
pub fn param_args<'a>(words: &Words, params: &'a BTreeMap<String, Param>) -> Args<'a> {
    let mut args = Args::new();
    for name in NAMED {
        args.set(*name, FluentValue::from(words.get("unspecified")));
    }
    for name in SELECTORS {
        args.set(*name, FluentValue::from("none"));
    }
    for name in FLAGS {
        args.set(format!("{name}-id"), FluentValue::from("none"));
    }
    // Terms may use other parameters (a Wi-Fi scope names its network): plain ones first.
    let mut plain = Args::new();
    for (name, value) in params {
        match value {
            Param::Host(s) | Param::Name(s) | Param::Id(s) => {
                let text = neutralize(s);
                args.set(name.as_str(), FluentValue::from(text.clone()));
                plain.set(name.as_str(), FluentValue::from(text));
            }
            Param::Date(s) => args.set(name.as_str(), FluentValue::from(date(s))),
            Param::Count(n) => args.set(name.as_str(), FluentValue::from(*n as f64)),
            Param::List(items) => {
                let text = list(words, name, items);
                args.set(name.as_str(), FluentValue::from(text.clone()));
                plain.set(name.as_str(), FluentValue::from(text));
            }
            Param::Term(_) => {}
        }
    }
    if !plain.has("network") {
        plain.set("network", FluentValue::from(words.get("unspecified")));
    }
    for (name, value) in params {
        if let Param::Term(id) = value {
            let term_id = message_id(&format!("term-{name}"), id);
            let text = if words.has(&term_id) {
                words.format(&term_id, &plain)
            } else {
                neutralize(id)
            };
            args.set(name.as_str(), FluentValue::from(text));
            args.set(format!("{name}-id"), FluentValue::from(neutralize(id)));
        }
    }
    args
}

/// Lower-cases the first letter, to fit a sentence inside another after a colon.
fn lower_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The sentence of a capability (id and parameters, from a capability or a reference to one).
pub fn capability_text(words: &Words, id: &str, params: &BTreeMap<String, Param>) -> String {
    let args = param_args(words, params);
    if let Some(request) = id.strip_prefix("command.") {
        return words.format(&message_id("command", request), &args);
    }
    if let Some(payload_type) = id.strip_prefix("payload.").filter(|t| *t != "unknown") {
        let msg = message_id("payload", payload_type);
        let title = words.format(&msg, &args);
        let lets = words.attr(&msg, "lets", &args).unwrap_or_default();
        let mut text = format!("{title} — {lets}");
        // A legacy payload type iOS still honours says since when Apple deprecated it.
        if params.contains_key("deprecated") {
            text.push(' ');
            text.push_str(&words.format("cap-payload-legacy", &args));
        }
        return text;
    }
    if id == "restriction.set" {
        let key = params
            .get("key")
            .and_then(Param::as_str)
            .unwrap_or_default();
        let meaning = words.get(&message_id("restriction", key));
        return words.format(&message_id("cap", id), &args.ours("meaning", meaning));
    }
    words.format(&message_id("cap", id), &args)
}

/// What the restriction `key` takes away, in the catalogue's sentence ("AirDrop est
/// désactivé."), when the catalogue words that key.
pub fn restriction_meaning(words: &Words, key: &str) -> Option<String> {
    let id = message_id("restriction", key);
    words.has(&id).then(|| words.get(&id))
}

/// The sentence of a capability.
pub fn capability(words: &Words, cap: &Capability) -> String {
    capability_text(words, &cap.id, &cap.params)
}

/// What a condition means on this device.
pub fn condition(words: &Words, condition: &Condition) -> String {
    let holds = condition.holds().as_str();
    let id = message_id("condition", condition.kind());
    match condition {
        Condition::CertificateTrust { route, .. } => {
            let route = match route {
                TrustRoute::Mdm => "mdm",
                TrustRoute::Manual => "manual",
                TrustRoute::Unknown => "unknown",
            };
            words.format(&id, &Args::new().select("route", route))
        }
        Condition::OsBefore { version, .. } | Condition::SupervisedBefore { version, .. } => words
            .format(
                &id,
                &Args::new()
                    .select("holds", holds)
                    .outside("version", version),
            ),
        _ => words.format(&id, &Args::new().select("holds", holds)),
    }
}

/// A piece of evidence: where the fact was read (profile › payload › key = value).
pub fn evidence(words: &Words, ev: &Evidence) -> String {
    let mut parts = vec![neutralize(&ev.profile)];
    if let Some(t) = &ev.payload_type {
        parts.push(neutralize(t));
    }
    if let Some(u) = &ev.payload_uuid {
        parts.push(neutralize(u));
    }
    if let Some(k) = &ev.key {
        let mut key = neutralize(k);
        if let Some(v) = &ev.value {
            key.push_str(" = ");
            key.push_str(&neutralize_to(v, EVIDENCE_CHARS));
        }
        parts.push(key);
    }
    words.format("evidence", &Args::new().ours("evidence", parts.join(" › ")))
}

/// A value of a change (before or after) in words.
fn value_words(words: &Words, value: Option<&serde_json::Value>) -> String {
    match value {
        None | Some(serde_json::Value::Null) => words.get("unknown"),
        Some(serde_json::Value::Bool(true)) => words.get("yes"),
        Some(serde_json::Value::Bool(false)) => words.get("no"),
        Some(serde_json::Value::String(s)) => neutralize(s),
        Some(other) => neutralize(&other.to_string()),
    }
}

/// The sentence of a change event.
pub fn change(words: &Words, event: &ChangeEvent) -> String {
    let mut args = param_args(words, &event.params);
    let name = event.name.as_deref().unwrap_or(&event.subject);
    args = args
        .outside("name", name)
        .outside("subject", &event.subject)
        .ours("before", value_words(words, event.before.as_ref()))
        .ours("after", value_words(words, event.after.as_ref()));
    if !event.params.contains_key("category") {
        args = args.select("category-id", "none");
    }
    match event.kind {
        ChangeKind::RestrictionChanged => {
            let entry = catalog().restriction(&event.subject);
            let restricting = |v: Option<&serde_json::Value>| match (entry, v) {
                (Some(e), Some(v)) => e
                    .restricted_value
                    .map(|r| lucarne_profiles::value::as_bool_lenient(v) == Some(r))
                    .unwrap_or(true),
                (None, Some(_)) => true,
                (_, None) => false,
            };
            let (before, after) = (
                restricting(event.before.as_ref()),
                restricting(event.after.as_ref()),
            );
            let now = match (before, after) {
                (false, true) => "restricts",
                (true, false) => "lifted",
                _ => "changed",
            };
            let meaning = restriction_meaning(words, &event.subject)
                .map(|m| lower_first(&m))
                .unwrap_or_else(|| neutralize(&event.subject));
            args = args.select("now", now).ours("meaning", meaning);
        }
        ChangeKind::SupervisionChanged => {
            let after = if event.after == Some(serde_json::Value::Bool(true)) {
                "yes"
            } else {
                "no"
            };
            args = args.select("after", after);
        }
        ChangeKind::AccessRightsChanged => {
            let bits = |v: Option<&serde_json::Value>| v.and_then(|v| v.as_u64()).unwrap_or(0);
            let wider = bits(event.after.as_ref()) & !bits(event.before.as_ref()) != 0;
            args = args.select("wider", if wider { "yes" } else { "no" });
        }
        ChangeKind::EnrolmentChanged => {
            let field = message_id("field", &event.subject);
            let text = if words.has(&field) {
                words.get(&field)
            } else {
                neutralize(&event.subject)
            };
            args = args.ours("field", text);
        }
        ChangeKind::TrafficPathAdded => {
            let path = message_id("term-path", &event.subject);
            args = args.ours("path", words.get(&path));
        }
        ChangeKind::CapabilityChanged => {
            if let Some(changed) = event.capabilities_changed.first() {
                args = args
                    .ours(
                        "sentence",
                        capability_text(words, &changed.id, &changed.params),
                    )
                    .ours("before", changed_before(words, changed));
            }
        }
        ChangeKind::ProfileAdded => {
            let installer = event
                .params
                .get("installer")
                .and_then(Param::as_str)
                .map(|s| match s {
                    "mdm" => "mdm",
                    "user" => "user",
                    _ => "unknown",
                })
                .unwrap_or("unknown");
            args = args.select("installer", installer);
        }
        _ => {}
    }
    words.format(&message_id("change", event.kind.as_str()), &args)
}

/// The parameters a changed capability had before, those that differ, as text.
fn changed_before(words: &Words, changed: &CapabilityRef) -> String {
    let Some(before) = &changed.before else {
        return words.get("unknown");
    };
    let differing: Vec<String> = before
        .iter()
        .filter(|(k, v)| changed.params.get(*k) != Some(*v))
        .map(|(k, v)| match v {
            Param::List(items) => list(words, k, items),
            Param::Count(n) => n.to_string(),
            other => neutralize(other.as_str().unwrap_or_default()),
        })
        .collect();
    if differing.is_empty() {
        words.get("unknown")
    } else {
        differing.join(", ")
    }
}

/// The sentence of an alert (a change of level warning or alert, or a broken chain).
pub fn alert(words: &Words, alert: &Alert) -> String {
    if matches!(alert.kind.as_str(), "replay" | "rollback" | "fork") {
        let args = param_args(words, &alert.params);
        return words.format(&message_id("alert", &alert.kind), &args);
    }
    // An alert raised by a change is rendered as that change.
    let kind = ChangeKind::ALL
        .into_iter()
        .find(|k| k.as_str() == alert.kind);
    match kind {
        Some(kind) => change(
            words,
            &ChangeEvent {
                kind,
                subject: alert.subject.clone(),
                name: alert.name.clone(),
                profile: None,
                before: None,
                after: None,
                keys: Vec::new(),
                params: alert.params.clone(),
                capabilities_added: Vec::new(),
                capabilities_removed: Vec::new(),
                capabilities_changed: Vec::new(),
                level: alert.level,
            },
        ),
        None => neutralize(&alert.kind),
    }
}
