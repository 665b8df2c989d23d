//! What the administration cannot do, stated only where facts prove it, and what the source
//! read could not observe, with the source that would tell.
//!
//! A limit is never guessed from silence: "no mail account" is stated only when every
//! profile's content was read; "cannot erase" only when the access rights are known and lack
//! the bit. Everything a source cannot see becomes an [`Unknown`], never a 0 or a "no".

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::Analysis;
use crate::capability::{Evidence, Param, Status, Topic, Tri};
use crate::catalog::catalog;
use crate::snapshot::{Snapshot, Source};

/// Something the administration cannot do on this device, and the facts that prove it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Limit {
    /// What cannot be done: `right-not-granted`, `not-supervised`, `user-enrollment`,
    /// `no-account`, `no-trust-anchor`, `no-traffic-path`, `no-ade`, `no-mdm`,
    /// `invalid-profile` (a file iOS refuses: nothing it holds applies).
    pub id: String,
    /// What it is about.
    pub topic: Topic,
    /// Typed parameters (the right's name, a count…).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub params: BTreeMap<String, Param>,
    /// What proves it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub evidence: Vec<Evidence>,
}

impl Limit {
    fn new(id: &str, topic: Topic) -> Limit {
        Limit {
            id: id.to_string(),
            topic,
            params: BTreeMap::new(),
            evidence: Vec::new(),
        }
    }

    fn param(mut self, name: &str, value: Param) -> Self {
        self.params.insert(name.to_string(), value);
        self
    }
}

/// A fact the source read could not observe.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unknown {
    /// What is unknown: `profiles` (no source listing them was read),
    /// `profiles-installed-by`, `apps-managed`, `history`, `payload-contents`, `supervision`,
    /// `access-rights`, `privacy-report`, `device`, `mdm-server-logs`.
    pub id: String,
    /// The source that would tell, if any can (`backup`, `live`, `privacy-report`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<Source>,
}

impl Unknown {
    fn new(id: &str, source: Option<Source>) -> Unknown {
        Unknown {
            id: id.to_string(),
            source,
        }
    }
}

/// A profile file whose outer `PayloadType` is neither `Configuration` nor `Profile Service`:
/// iOS refuses to install it (Apple's schema, `TopLevel.yaml`), so the administration cannot
/// apply anything it holds.
pub(super) fn invalid_profile(profile: &crate::profile::Profile) -> Limit {
    Limit {
        evidence: vec![Evidence {
            profile: profile.identifier.clone(),
            key: Some("PayloadType".into()),
            value: Some(profile.payload_type.clone()),
            ..Default::default()
        }],
        ..Limit::new("invalid-profile", Topic::Management)
            .param("profile", Param::Id(profile.identifier.clone()))
            .param("type", Param::Id(profile.payload_type.clone()))
    }
}

/// Fills `analysis.limits` and `analysis.unknowns` once capabilities are final, after the
/// limits found while reading (invalid profiles).
pub(super) fn limits_and_unknowns(analysis: &mut Analysis, snapshot: Option<&Snapshot>) {
    let mut limits = std::mem::take(&mut analysis.limits);
    let mut unknowns = Vec::new();
    // Profile files are read whole; a snapshot's profiles are known only when a source that
    // lists them (the device or a backup) was read, and then only those with their payloads.
    let profiles_seen = snapshot.is_none() || analysis.inventory.profiles_seen();
    // A file iOS refuses (invalid outer type) installs nothing: no absence can be stated
    // from it.
    let all_invalid = !analysis.inventory.profiles.is_empty()
        && limits.iter().filter(|l| l.id == "invalid-profile").count()
            >= analysis.inventory.profiles.len();
    let all_payloads_known = profiles_seen
        && !all_invalid
        && analysis.inventory.profiles.iter().all(|p| p.payloads_known);

    if let Some(mdm) = &analysis.mdm {
        if mdm.user_enrollment {
            limits.push(Limit {
                evidence: vec![mdm.evidence.clone()],
                ..Limit::new("user-enrollment", Topic::Management)
            });
        } else if let Some(mask) = mdm.access_rights {
            for right in catalog().access_rights() {
                if mask & right.bit == 0 {
                    let mut ev = mdm.evidence.clone();
                    ev.key = Some("AccessRights".into());
                    ev.value = Some(mask.to_string());
                    limits.push(Limit {
                        evidence: vec![ev],
                        ..Limit::new("right-not-granted", right.topic)
                            .param("right", Param::Id(right.name.clone()))
                    });
                }
            }
        } else {
            unknowns.push(Unknown::new("access-rights", Some(Source::Backup)));
        }
    }

    match analysis.device.supervised {
        Tri::No => {
            let blocked = analysis
                .capabilities
                .iter()
                .filter(|c| c.needs_supervision() && c.status() == Status::NotPossible)
                .count() as u64;
            limits.push(
                Limit::new("not-supervised", Topic::Apps).param("count", Param::Count(blocked)),
            );
        }
        Tri::Unknown if profiles_seen => unknowns.push(Unknown::new(
            "supervision",
            Some(if snapshot.is_some() {
                Source::Backup
            } else {
                Source::Live
            }),
        )),
        Tri::Unknown | Tri::Yes => {}
    }
    if analysis.device.ade == Tri::No {
        limits.push(Limit::new("no-ade", Topic::Erase));
    }

    if all_payloads_known {
        if analysis.accounts.is_empty() {
            limits.push(Limit::new("no-account", Topic::Mail));
        }
        if analysis.root_certificates.is_empty() {
            limits.push(Limit::new("no-trust-anchor", Topic::Https));
        }
        if analysis.traffic.is_empty() {
            limits.push(Limit::new("no-traffic-path", Topic::Traffic));
        }
    } else if all_invalid {
        // Nothing to add: the invalid-profile limit says it all.
    } else if profiles_seen {
        unknowns.push(Unknown::new("payload-contents", Some(Source::Backup)));
    } else {
        unknowns.push(Unknown::new("profiles", Some(Source::Live)));
    }

    if let Some(snapshot) = snapshot {
        let enrolled = analysis.mdm.is_some() || snapshot.enrolment.mdm_server.is_some();
        if !enrolled && all_payloads_known && snapshot.enrolment.source.is_some() {
            limits.push(Limit::new("no-mdm", Topic::Management));
        }
        let inv = &analysis.inventory;
        if inv
            .profiles
            .iter()
            .any(|p| p.installed_by == super::Installer::Unknown)
        {
            unknowns.push(Unknown::new("profiles-installed-by", Some(Source::Backup)));
        }
        if inv.apps.iter().any(|a| a.managed == Tri::Unknown) {
            unknowns.push(Unknown::new("apps-managed", Some(Source::Backup)));
        }
        if inv.history_events.is_none() && profiles_seen {
            unknowns.push(Unknown::new("history", Some(Source::Backup)));
        }
        if snapshot.privacy.is_none() {
            unknowns.push(Unknown::new("privacy-report", Some(Source::PrivacyReport)));
        }
        if enrolled {
            // No source on the official's side shows what the MDM server did or asked: only
            // the administration's records do (a GDPR access request can ask for them).
            unknowns.push(Unknown::new("mdm-server-logs", None));
        }
    } else {
        unknowns.push(Unknown::new("device", Some(Source::Live)));
    }
    analysis.limits = limits;
    analysis.unknowns = unknowns;
}
