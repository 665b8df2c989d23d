//! Every payload not read in detail elsewhere is described from the catalogue; a payload type
//! that does not act on an iPad (written for a Mac) is said to have no effect on it; an
//! unknown payload type is said to be unknown rather than guessed at. A legacy type that iOS
//! still honours carries the version that deprecated it; one iOS removed has effect only
//! before that version.

use super::{evidence, payload_target, supervision, Builder};
use crate::capability::{Capability, Condition, Param, Topic, Tri, Verb};
use crate::catalog::catalog;
use crate::profile::{Payload, Profile};

pub(super) fn read(b: &mut Builder, profile: &Profile, payload: &Payload, handled: bool) {
    if handled {
        return;
    }
    let c = catalog();
    let payload_type = payload.payload_type.as_str();
    let ev = evidence(
        profile,
        payload,
        Some("PayloadType"),
        Some(payload.payload_type.clone()),
    );
    let target = payload_target(profile, payload);
    if let Some(entry) = c.payload(payload_type) {
        let verb = entry.verbs.first().copied().unwrap_or(Verb::Change);
        let mut cap = Capability::new(
            format!("payload.{payload_type}"),
            verb,
            c.payload_topic(payload_type)
                .unwrap_or_else(|| Topic::for_verb(verb)),
        )
        .with_target(target)
        .with_param("type", Param::Id(payload.payload_type.clone()))
        .with_evidence(ev);
        if let Some(schema) = c.payload_schema(payload_type) {
            if let Some(removed) = &schema.ios_removed {
                cap = cap.with_condition(Condition::OsBefore {
                    version: removed.clone(),
                    holds: Tri::Unknown,
                });
            } else if let Some(deprecated) = schema.ios_deprecated.as_ref() {
                if c.is_legacy_type(payload_type) {
                    cap = cap.with_param("deprecated", Param::Id(deprecated.clone()));
                }
            }
        }
        if let Some(condition) = supervision(payload, None) {
            cap = cap.with_condition(condition);
        }
        b.push(cap);
        return;
    }
    if c.payload_platform(payload_type)
        .is_some_and(|scope| !scope.acts_on_ios())
    {
        b.push(
            Capability::new("not-on-ipad.payload", Verb::Change, Topic::Settings)
                .with_target(target)
                .with_param("type", Param::Id(payload.payload_type.clone()))
                .with_param_opt("name", payload.display_name.clone().map(Param::Name))
                .with_condition(Condition::NotOnIpad)
                .with_evidence(ev),
        );
        return;
    }
    b.analysis
        .unknown_payload_types
        .push(payload.payload_type.clone());
    b.push(
        Capability::new("payload.unknown", Verb::Change, Topic::Settings)
            .with_target(target)
            .with_param("type", Param::Id(payload.payload_type.clone()))
            .with_evidence(ev),
    );
}
