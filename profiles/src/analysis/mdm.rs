//! The `com.apple.mdm` payload: which server manages the device, its access rights, and the
//! commands those rights open — including the commands that need no right at all.

use super::{evidence, host_of, Builder, MdmFinding};
use crate::capability::{Capability, Condition, Evidence, Param, Topic, Tri, Verb};
use crate::catalog::{catalog, UserEnrollment};
use crate::profile::{Payload, Profile};
use crate::value;

pub(super) fn read(b: &mut Builder, profile: &Profile, payload: &Payload) -> bool {
    if payload.payload_type != "com.apple.mdm" {
        return false;
    }
    let server_url = payload.str("ServerURL").map(str::to_string);
    let check_in_url = payload
        .str("CheckInURL")
        .map(str::to_string)
        .filter(|u| Some(u) != server_url.as_ref());
    let access_rights = payload
        .get("AccessRights")
        .and_then(value::as_i64_lenient)
        .and_then(|v| u32::try_from(v).ok());
    let user_enrollment =
        payload.str("ManagedAppleID").is_some() || payload.str("EnrollmentMode") == Some("BYOD");
    let rights_evidence = evidence(
        profile,
        payload,
        Some("AccessRights"),
        access_rights.map(|r| r.to_string()),
    );
    let finding = MdmFinding {
        host: server_url.as_deref().map(host_of),
        server_url: server_url.clone(),
        check_in_url,
        access_rights,
        rights: access_rights
            .map(|mask| {
                catalog()
                    .decode_rights(mask)
                    .iter()
                    .map(|r| r.name.clone())
                    .collect()
            })
            .unwrap_or_default(),
        unknown_bits: access_rights
            .map(|mask| catalog().unknown_rights(mask))
            .unwrap_or(0),
        user_enrollment,
        evidence: evidence(profile, payload, Some("ServerURL"), server_url.clone()),
    };
    opened_commands(b, &finding, rights_evidence);
    b.analysis.mdm = Some(finding);
    true
}

/// The id of the statement that the device re-enrols itself after an erase.
pub(super) const RE_ENROLMENT: &str = "mdm.re-enrolment";

/// States the MDM server and every command the rights open. Also used for enrolments known
/// only from a device listing (no payload content).
pub(super) fn opened_commands(b: &mut Builder, finding: &MdmFinding, rights_evidence: Evidence) {
    b.push(
        Capability::new("mdm.server", Verb::Change, Topic::Management)
            .with_target("mdm")
            .with_param_opt("server", finding.host.clone().map(Param::Host))
            .with_evidence(finding.evidence.clone()),
    );
    if !finding.user_enrollment {
        // After an erase, only a device enrolled through Automated Device Enrollment enrols
        // itself again: "For devices not using Automated Device Enrollment, the user needs to
        // manually reenroll the device" (Apple, "Returning a managed device to service").
        b.push(
            Capability::new(RE_ENROLMENT, Verb::Install, Topic::Erase)
                .with_target("mdm")
                .with_param_opt("server", finding.host.clone().map(Param::Host))
                .with_condition(Condition::AutomatedEnrollment {
                    holds: Tri::Unknown,
                })
                .with_evidence(finding.evidence.clone()),
        );
    }
    if finding.user_enrollment {
        b.push(
            Capability::new("mdm.user-enrollment", Verb::Read, Topic::Management)
                .with_target("mdm")
                .with_evidence(finding.evidence.clone()),
        );
    }
    // Under User Enrollment the device ignores AccessRights; what the schema allows there is
    // what remains. Rights unknown (a USB listing without the payload): no command is stated
    // as granted, and the analysis records the rights as unknown.
    let mask = if finding.user_enrollment {
        u32::MAX
    } else {
        finding.access_rights.unwrap_or(0)
    };
    for command in catalog().commands_opened_by(mask) {
        if finding.user_enrollment && command.user_enrollment == UserEnrollment::Forbidden {
            continue;
        }
        // A command that needs no right rests on the enrolment itself, not on AccessRights.
        let ev = if command.access_right == 0 {
            finding.evidence.clone()
        } else {
            let right = catalog()
                .access_right(command.access_right)
                .map(|r| r.name.clone())
                .unwrap_or_else(|| command.access_right.to_string());
            let mut ev = rights_evidence.clone();
            ev.key = Some(format!("AccessRights/{right}"));
            ev
        };
        let mut cap = Capability::new(
            format!("command.{}", command.request_type),
            command.verb,
            command.topic,
        )
        .with_target("mdm")
        .with_evidence(ev);
        if command.supervised_only {
            cap = cap.with_condition(Condition::Supervised {
                holds: Tri::Unknown,
            });
        }
        if command.requires_ade {
            cap = cap.with_condition(Condition::AutomatedEnrollment {
                holds: Tri::Unknown,
            });
        }
        if command.shared_ipad_only {
            cap = cap.with_condition(Condition::SharedIpad {
                holds: Tri::Unknown,
            });
        }
        if let Some(version) = &command.obsolete_since {
            cap = cap.with_condition(Condition::OsBefore {
                version: version.clone(),
                holds: Tri::Unknown,
            });
        }
        b.push(cap);
    }
}
