//! Keys of a payload that have no effect on an iPad: Apple's schema gives them to macOS (or
//! other platforms) only, as in a Wi-Fi payload written for a Mac (`SetupModes`) or a content
//! filter's packet filtering (`FilterPackets`). They are stated with the condition
//! `not-on-ipad`, so that views leave them out rather than call them unknown.

use serde_json::{Map, Value};

use super::{evidence, payload_target, Builder};
use crate::capability::{Capability, Condition, Param, Topic, Verb};
use crate::catalog::catalog;
use crate::profile::{Payload, Profile};

/// How deep keys are looked at.
const MAX_DEPTH: usize = 4;
/// Most keys looked at in one payload (a hostile profile may hold thousands).
const MAX_VISITED: usize = 1024;
/// Most keys named in one statement.
const MAX_NAMED: usize = 32;

pub(super) fn keys_not_on_ipad(b: &mut Builder, profile: &Profile, payload: &Payload) {
    let t = payload.payload_type.as_str();
    // A payload type that does not act on an iPad is said so as a whole (`other`).
    if !catalog()
        .payload_platform(t)
        .is_some_and(|scope| scope.acts_on_ios())
    {
        return;
    }
    let mut found = Vec::new();
    let mut visited = 0;
    walk(t, &payload.content, "", 0, &mut visited, &mut found);
    if found.is_empty() {
        return;
    }
    let ev = evidence(profile, payload, Some(&found[0]), None);
    b.push(
        Capability::new("not-on-ipad.keys", Verb::Change, Topic::Settings)
            .with_target(payload_target(profile, payload))
            .with_param("type", Param::Id(t.to_string()))
            .with_param(
                "keys",
                Param::List(found.into_iter().map(Param::Id).collect()),
            )
            .with_condition(Condition::NotOnIpad)
            .with_evidence(ev),
    );
}

/// Collects the paths (array indices as `[]`) of keys that do not act on iOS, without going
/// below one that does not.
fn walk(
    payload_type: &str,
    map: &Map<String, Value>,
    prefix: &str,
    depth: usize,
    visited: &mut usize,
    found: &mut Vec<String>,
) {
    for (key, value) in map {
        *visited += 1;
        if *visited > MAX_VISITED || found.len() >= MAX_NAMED {
            return;
        }
        let path = if prefix.is_empty() {
            key.clone()
        } else {
            format!("{prefix}/{key}")
        };
        let acts = catalog()
            .key_platform(payload_type, &path)
            .is_none_or(|scope| scope.acts_on_ios());
        if !acts {
            if !found.contains(&path) {
                found.push(path);
            }
            continue;
        }
        if depth + 1 >= MAX_DEPTH {
            continue;
        }
        match value {
            Value::Object(inner) if !inner.contains_key(crate::value::DATA_KEY) => {
                walk(payload_type, inner, &path, depth + 1, visited, found)
            }
            Value::Array(items) => {
                let path = format!("{path}[]");
                for inner in items.iter().filter_map(Value::as_object).take(MAX_NAMED) {
                    walk(payload_type, inner, &path, depth + 1, visited, found);
                }
            }
            _ => {}
        }
    }
}
