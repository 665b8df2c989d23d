//! Restrictions (`com.apple.applicationaccess`), with their supervised-only flag from the
//! catalogue, and screen observation through Classroom (`com.apple.education` and the
//! restrictions that make observation silent).

use serde_json::Value;

use super::templates::{same, templates};
use super::{evidence, value_text, Builder, RestrictionFinding};
use crate::capability::Evidence;
use crate::catalog::{catalog, RestrictionEntry, ScalarValue};
use crate::profile::{Payload, Profile};

const RESTRICTIONS: &str = "com.apple.applicationaccess";
const SILENT_OBSERVATION: &str = "forceClassroomUnpromptedScreenObservation";

pub(super) fn read(b: &mut Builder, profile: &Profile, payload: &Payload) -> bool {
    match payload.payload_type.as_str() {
        RESTRICTIONS => {
            for (key, value) in payload.content.iter().take(1024) {
                let ev = evidence(profile, payload, Some(key), Some(value_text(value)));
                restriction(b, key, value, ev);
            }
            true
        }
        "com.apple.education" => {
            let ev = evidence(profile, payload, Some("PayloadType"), None);
            b.push(templates().capability("observe.classroom", &[], false, vec![ev]));
            true
        }
        _ => false,
    }
}

/// States one restriction key and value; also used for restrictions in force read from a
/// device (evidence then points at the device settings, not a profile).
pub(super) fn restriction(b: &mut Builder, key: &str, value: &Value, ev: Evidence) {
    let t = templates();
    let entry = catalog().restriction(key);
    let restricts = match entry {
        Some(e) => restricts(e, value),
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
    let shown = same(value_text(value));
    let cap = match entry {
        Some(e) => t.capability(
            "restriction.set",
            &[
                ("key", &same(key)),
                ("value", &shown),
                ("meaning", &e.meaning),
            ],
            supervised_only,
            vec![ev.clone()],
        ),
        None => t.capability(
            "restriction.unknown",
            &[("key", &same(key)), ("value", &shown)],
            false,
            vec![ev.clone()],
        ),
    };
    b.push(cap);
    if key == SILENT_OBSERVATION && crate::value::as_bool_lenient(value) == Some(true) {
        b.push(t.capability("observe.classroom-silent", &[], true, vec![ev]));
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
