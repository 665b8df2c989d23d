//! Facts only a whole device snapshot has: supervision and automated enrolment, an MDM known
//! only from a listing, restrictions in force, apps that did not come from the App Store or
//! that the MDM manages, and what the App Privacy Report says those managed apps did.

use super::inventory::{snapshot_inventory, APP_STORE_SIGNER};
use super::{mdm, restrictions, Builder, MdmFinding};
use crate::capability::{Capability, Condition, Evidence, Param, Topic, Tri, Verb};
use crate::catalog::catalog;
use crate::snapshot::{Snapshot, Source};

/// Domains named in one statement.
const DOMAINS_SHOWN: usize = 5;

fn source_name(source: Option<Source>) -> String {
    source
        .and_then(|s| serde_json::to_value(s).ok())
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_else(|| "device".into())
}

pub(super) fn snapshot_facts(b: &mut Builder, snapshot: &Snapshot) {
    snapshot_inventory(b, snapshot);
    let device = &mut b.analysis.device;
    device.organisation = snapshot.enrolment.organisation.clone();
    device.name = snapshot.device.name.clone();
    device.model = snapshot.device.model.clone();
    let enrolment = &snapshot.enrolment;
    let enrolment_source = format!("{}:cloud-configuration", source_name(enrolment.source));
    if enrolment.supervised == Some(true) {
        b.push(
            Capability::new("device.supervised", Verb::Install, Topic::Apps)
                .with_target("device")
                .with_param_opt(
                    "organisation",
                    enrolment.organisation.clone().map(Param::Name),
                )
                .with_evidence(Evidence {
                    profile: enrolment_source.clone(),
                    key: Some("IsSupervised".into()),
                    value: Some("true".into()),
                    ..Default::default()
                }),
        );
    }
    if enrolment.ade == Some(true) {
        // Only a device enrolled through Automated Device Enrollment re-enrols itself after
        // an erase.
        b.push(
            Capability::new("device.ade", Verb::Install, Topic::Erase)
                .with_target("device")
                .with_condition(Condition::AutomatedEnrollment {
                    holds: Tri::Unknown,
                })
                .with_evidence(Evidence {
                    profile: enrolment_source.clone(),
                    key: Some("ConfigurationURL".into()),
                    ..Default::default()
                }),
        );
    }
    // Over USB the profile list may name the MDM without its payload: use the enrolment.
    if b.analysis.mdm.is_none() && enrolment.mdm_server.is_some() {
        let ev = Evidence {
            profile: enrolment_source.clone(),
            key: Some("ServerURL".into()),
            value: enrolment.mdm_server.clone(),
            ..Default::default()
        };
        let mask = enrolment.access_rights;
        let finding = MdmFinding {
            host: enrolment.mdm_server.as_deref().map(super::host_of),
            server_url: enrolment.mdm_server.clone(),
            access_rights: mask,
            rights: mask
                .map(|m| {
                    catalog()
                        .decode_rights(m)
                        .iter()
                        .map(|r| r.name.clone())
                        .collect()
                })
                .unwrap_or_default(),
            unknown_bits: mask.map(|m| catalog().unknown_rights(m)).unwrap_or(0),
            evidence: ev.clone(),
            ..Default::default()
        };
        let mut rights_ev = ev;
        rights_ev.key = Some("AccessRights".into());
        rights_ev.value = mask.map(|m| m.to_string());
        mdm::opened_commands(b, &finding, rights_ev);
        b.analysis.mdm = Some(finding);
    }
    // Restrictions in force that no profile read here explains (e.g. from a backup).
    for r in &snapshot.restrictions {
        if b.analysis.restrictions.iter().any(|f| f.key == r.key) {
            continue;
        }
        let ev = Evidence {
            profile: format!("{}:effective-settings", source_name(Some(r.source))),
            key: Some(r.key.clone()),
            value: Some(super::value_text(&r.value)),
            ..Default::default()
        };
        restrictions::restriction(b, &r.key, &r.value, ev);
    }
    for app in &snapshot.apps {
        let app_cap = |id: &str, verb: Verb, topic: Topic| {
            Capability::new(id, verb, topic)
                .with_target(app.bundle_id.clone())
                .with_param_opt("name", app.name.clone().map(Param::Name))
                .with_param("bundle", Param::Id(app.bundle_id.clone()))
        };
        let ev = |key: &str, value: Option<String>| Evidence {
            profile: format!("{}:apps", source_name(app.source)),
            key: Some(format!("{}/{key}", app.bundle_id)),
            value,
            ..Default::default()
        };
        let signer = app.signer.as_deref().unwrap_or("");
        if app.provisioned && signer != APP_STORE_SIGNER {
            b.push(
                app_cap("app.in-house", Verb::Install, Topic::Apps)
                    .with_param("signer", Param::Name(signer.to_string()))
                    .with_evidence(ev("SignerIdentity", Some(signer.to_string()))),
            );
        }
        if app.managed == Some(true) {
            b.push(
                app_cap("app.managed", Verb::Install, Topic::Apps)
                    .with_evidence(ev("managed", Some("true".into()))),
            );
        }
        // An app that lets someone see or control the screen, whoever installed it.
        if let Some(category) = catalog().app_category(&app.bundle_id) {
            b.push(
                app_cap("app.screen-access", Verb::Observe, Topic::Screen)
                    .with_param("category", Param::Term(category.as_str().to_string()))
                    .with_param(
                        "managed",
                        Param::Term(Tri::from_option(app.managed).as_str().to_string()),
                    )
                    .with_evidence(ev("CFBundleIdentifier", Some(app.bundle_id.clone()))),
            );
        }
    }
    privacy(b, snapshot);
}

/// What the App Privacy Report shows of the apps the administration manages.
fn privacy(b: &mut Builder, snapshot: &Snapshot) {
    let Some(report) = &snapshot.privacy else {
        return;
    };
    for entry in &report.apps {
        let Some(app) = snapshot
            .apps
            .iter()
            .find(|a| a.bundle_id == entry.bundle_id && a.managed == Some(true))
        else {
            continue;
        };
        let ev = |key: &str| Evidence {
            profile: "privacy-report".into(),
            key: Some(format!("{}/{key}", entry.bundle_id)),
            ..Default::default()
        };
        let mut categories: Vec<&str> =
            entry.accesses.iter().map(|a| a.category.as_str()).collect();
        categories.sort();
        categories.dedup();
        for category in categories {
            let accesses = entry.accesses.iter().filter(|a| a.category == category);
            let from = accesses
                .clone()
                .map(|a| a.from.as_str())
                .min()
                .unwrap_or("");
            let to = accesses
                .map(|a| a.to.as_deref().unwrap_or(a.from.as_str()))
                .max()
                .unwrap_or("");
            b.push(
                Capability::new("privacy.managed-app-access", Verb::Read, Topic::Inventory)
                    .with_target(format!("{}/{category}", app.bundle_id))
                    .with_param_opt("name", app.name.clone().map(Param::Name))
                    .with_param("bundle", Param::Id(app.bundle_id.clone()))
                    .with_param("category", Param::Term(category.to_string()))
                    .with_param("from", Param::Date(from.to_string()))
                    .with_param("to", Param::Date(to.to_string()))
                    .with_evidence(ev(category)),
            );
        }
        if !entry.domains.is_empty() {
            let mut domains = entry.domains.clone();
            domains.sort_by(|a, b| b.hits.cmp(&a.hits).then(a.domain.cmp(&b.domain)));
            let shown: Vec<&str> = domains
                .iter()
                .take(DOMAINS_SHOWN)
                .map(|d| d.domain.as_str())
                .collect();
            let from = entry
                .domains
                .iter()
                .filter_map(|d| d.first.as_deref())
                .min()
                .unwrap_or("");
            let to = entry
                .domains
                .iter()
                .filter_map(|d| d.last.as_deref())
                .max()
                .unwrap_or("");
            b.push(
                Capability::new("privacy.managed-app-domains", Verb::Read, Topic::Traffic)
                    .with_target(app.bundle_id.clone())
                    .with_param_opt("name", app.name.clone().map(Param::Name))
                    .with_param("bundle", Param::Id(app.bundle_id.clone()))
                    .with_param("count", Param::Count(entry.domains.len() as u64))
                    .with_param(
                        "domains",
                        Param::List(shown.iter().map(|d| Param::Host(d.to_string())).collect()),
                    )
                    .with_param("from", Param::Date(from.to_string()))
                    .with_param("to", Param::Date(to.to_string()))
                    .with_evidence(ev("networkActivity")),
            );
        }
    }
}
