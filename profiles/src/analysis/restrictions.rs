//! Restrictions (`com.apple.applicationaccess`), with their supervised-only flag from the
//! catalogue, and screen observation through Classroom (`com.apple.education` and the
//! restrictions that make observation silent). A key set to Apple's default restricts
//! nothing and is stated as nothing.

use serde_json::Value;

use super::{evidence, supervision, value_text, Builder, RestrictionFinding};
use crate::capability::{Capability, Condition, Evidence, Param, Topic, Tri, Verb};
use crate::catalog::{catalog, RestrictionEntry, ScalarValue};
use crate::profile::{Payload, Profile};

const RESTRICTIONS: &str = "com.apple.applicationaccess";
const SILENT_OBSERVATION: &str = "forceClassroomUnpromptedScreenObservation";

pub(super) fn read(b: &mut Builder, profile: &Profile, payload: &Payload) -> bool {
    match payload.payload_type.as_str() {
        RESTRICTIONS => {
            for (key, value) in payload.content.iter().take(1024) {
                // A key Apple gives to macOS only has no effect on an iPad: `platform` says
                // so; it is no unknown restriction.
                let on_ios = catalog()
                    .key_platform(RESTRICTIONS, key)
                    .is_none_or(|scope| scope.acts_on_ios());
                if catalog().restriction(key).is_none() && !on_ios {
                    continue;
                }
                let ev = evidence(profile, payload, Some(key), Some(value_text(value)));
                restriction(b, key, value, ev);
            }
            true
        }
        "com.apple.education" => {
            let ev = evidence(profile, payload, Some("PayloadType"), None);
            let mut cap = Capability::new("observe.classroom", Verb::Observe, Topic::Screen)
                .with_target(payload.uuid.clone())
                .with_evidence(ev);
            if let Some(c) = supervision(payload, None) {
                cap = cap.with_condition(c);
            }
            b.push(cap);
            true
        }
        _ => false,
    }
}

/// States one restriction key and value; also used for restrictions in force read from a
/// device (evidence then points at the device settings, not a profile).
pub(super) fn restriction(b: &mut Builder, key: &str, value: &Value, ev: Evidence) {
    let entry = catalog().restriction(key);
    let restricts = match entry {
        Some(e) => restricts(e, value),
        // A key the catalogue does not know on iOS (macOS-only, newer, misspelt): stated as
        // unknown, never as a restriction in force.
        None => true,
    };
    let supervised_only = entry.is_some_and(|e| e.supervised_only);
    b.analysis.restrictions.push(RestrictionFinding {
        key: key.to_string(),
        value: value.clone(),
        supervised_only,
        known: entry.is_some(),
        restricts,
        evidence: ev.clone(),
    });
    if !restricts {
        return;
    }
    let id = if entry.is_some() {
        "restriction.set"
    } else {
        "restriction.unknown"
    };
    let mut cap = Capability::new(id, Verb::Restrict, Topic::Restrict)
        .with_target(key.to_string())
        .with_param("key", Param::Id(key.to_string()))
        .with_param("value", Param::Id(value_text(value)))
        .with_evidence(ev.clone());
    if supervised_only {
        cap = cap.with_condition(Condition::Supervised {
            holds: Tri::Unknown,
        });
    }
    b.push(cap);
    if key == SILENT_OBSERVATION && crate::value::as_bool_lenient(value) == Some(true) {
        b.push(
            Capability::new("observe.classroom-silent", Verb::Observe, Topic::Screen)
                .with_target(key.to_string())
                .with_condition(Condition::Supervised {
                    holds: Tri::Unknown,
                })
                .with_evidence(ev),
        );
    }
}

/// Whether `value` restricts the user: it is the catalogue's restricting value, or differs
/// from the default. A key without either restricts whenever it is set (a non-empty list).
fn restricts(entry: &RestrictionEntry, value: &Value) -> bool {
    use crate::value::{as_bool_lenient, as_i64_lenient};
    if let Some(restricting) = entry.restricted_value {
        return as_bool_lenient(value) == Some(restricting);
    }
    match &entry.default {
        Some(ScalarValue::Boolean(d)) => as_bool_lenient(value) != Some(*d),
        Some(ScalarValue::Integer(d)) => as_i64_lenient(value) != Some(*d),
        Some(ScalarValue::Real(d)) => value.as_f64() != Some(*d),
        Some(ScalarValue::String(d)) => value.as_str() != Some(d.as_str()),
        None => match value {
            Value::Array(items) => !items.is_empty(),
            Value::Null => false,
            Value::String(s) => !s.is_empty(),
            _ => true,
        },
    }
}
