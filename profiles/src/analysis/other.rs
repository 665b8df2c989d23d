//! Every payload not read in detail elsewhere is described from the catalogue, and an
//! unknown payload type is said to be unknown rather than guessed at.

use super::{evidence, supervision, Builder};
use crate::capability::{Capability, Param, Topic, Verb};
use crate::catalog::catalog;
use crate::profile::{Payload, Profile};

pub(super) fn read(b: &mut Builder, profile: &Profile, payload: &Payload, handled: bool) {
    if handled {
        return;
    }
    let ev = evidence(
        profile,
        payload,
        Some("PayloadType"),
        Some(payload.payload_type.clone()),
    );
    let target = if payload.uuid.is_empty() {
        format!("{}/{}", profile.identifier, payload.payload_type)
    } else {
        payload.uuid.clone()
    };
    match catalog().payload(&payload.payload_type) {
        Some(entry) => {
            let verb = entry.verbs.first().copied().unwrap_or(Verb::Change);
            let mut cap = Capability::new(
                format!("payload.{}", payload.payload_type),
                verb,
                catalog()
                    .payload_topic(&payload.payload_type)
                    .unwrap_or_else(|| Topic::for_verb(verb)),
            )
            .with_target(target)
            .with_param("type", Param::Id(payload.payload_type.clone()))
            .with_evidence(ev);
            if let Some(c) = supervision(payload, None) {
                cap = cap.with_condition(c);
            }
            b.push(cap);
        }
        None => {
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
    }
}
