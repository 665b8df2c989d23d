//! Every payload not read in detail elsewhere is described from the catalogue, and an
//! unknown payload type is said to be unknown rather than guessed at.

use super::templates::{same, templates};
use super::{evidence, Builder};
use crate::capability::{Capability, Verb};
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
    match catalog().payload(&payload.payload_type) {
        Some(entry) => b.push(Capability {
            id: format!("payload.{}", payload.payload_type),
            verb: entry.verbs.first().copied().unwrap_or(Verb::Change),
            text: entry.lets.clone(),
            supervised_only: entry.supervised_only,
            usable: None,
            evidence: vec![ev],
        }),
        None => {
            b.analysis
                .unknown_payload_types
                .push(payload.payload_type.clone());
            b.push(templates().capability(
                "payload.unknown",
                &[("type", &same(payload.payload_type.clone()))],
                false,
                vec![ev],
            ));
        }
    }
}
