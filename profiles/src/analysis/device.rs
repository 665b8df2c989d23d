//! Facts only a whole device snapshot has: supervision and automated enrolment, an MDM known
//! only from a listing, restrictions in force, apps that did not come from the App Store or
//! that the MDM manages, and what the App Privacy Report says those managed apps did.

use super::templates::{same, templates};
use super::{mdm, restrictions, Builder, MdmFinding};
use crate::capability::Evidence;
use crate::catalog::catalog;
use crate::snapshot::{Snapshot, Source};
use crate::text::Text;

/// Signer of every App Store app.
const APP_STORE_SIGNER: &str = "Apple iPhone OS Application Signing";
/// Domains named in one statement.
const DOMAINS_SHOWN: usize = 5;

fn source_name(source: Option<Source>) -> String {
    source
        .and_then(|s| serde_json::to_value(s).ok())
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_else(|| "device".into())
}

pub(super) fn snapshot_facts(b: &mut Builder, snapshot: &Snapshot) {
    let t = templates();
    let enrolment = &snapshot.enrolment;
    let enrolment_source = format!("{}:cloud-configuration", source_name(enrolment.source));
    if enrolment.supervised == Some(true) {
        let organisation = enrolment
            .organisation
            .as_ref()
            .map(|o| t.word("organisation", &[("name", &same(o.clone()))]))
            .unwrap_or_default();
        b.push(t.capability(
            "device.supervised",
            &[("organisation", &organisation)],
            false,
            vec![Evidence {
                profile: enrolment_source.clone(),
                key: Some("IsSupervised".into()),
                value: Some("true".into()),
                ..Default::default()
            }],
        ));
    }
    if enrolment.ade == Some(true) {
        b.push(t.capability(
            "device.ade",
            &[],
            false,
            vec![Evidence {
                profile: enrolment_source.clone(),
                key: Some("ConfigurationURL".into()),
                ..Default::default()
            }],
        ));
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
        let name = same(app.name.clone().unwrap_or_else(|| app.bundle_id.clone()));
        let bundle = same(app.bundle_id.clone());
        let ev = |key: &str, value: Option<String>| Evidence {
            profile: format!("{}:apps", source_name(app.source)),
            key: Some(format!("{}/{key}", app.bundle_id)),
            value,
            ..Default::default()
        };
        let signer = app.signer.as_deref().unwrap_or("");
        if app.provisioned && signer != APP_STORE_SIGNER {
            b.push(t.capability(
                "app.in-house",
                &[
                    ("name", &name),
                    ("bundle", &bundle),
                    ("signer", &same(signer)),
                ],
                false,
                vec![ev("SignerIdentity", Some(signer.to_string()))],
            ));
        }
        if app.managed == Some(true) {
            b.push(t.capability(
                "app.managed",
                &[("name", &name), ("bundle", &bundle)],
                false,
                vec![ev("managed", Some("true".into()))],
            ));
        }
    }
    privacy(b, snapshot);
}

/// What the App Privacy Report shows of the apps the administration manages.
fn privacy(b: &mut Builder, snapshot: &Snapshot) {
    let t = templates();
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
        let name = same(app.name.clone().unwrap_or_else(|| app.bundle_id.clone()));
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
            b.push(t.capability(
                "privacy.managed-app-access",
                &[
                    ("name", &name),
                    ("category", &same(category)),
                    ("from", &same(from)),
                    ("to", &same(to)),
                ],
                false,
                vec![ev(category)],
            ));
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
            b.push(t.capability(
                "privacy.managed-app-domains",
                &[
                    ("name", &name),
                    ("count", &same(entry.domains.len().to_string())),
                    ("domains", &Text::new(shown.join(", "), shown.join(", "))),
                    ("from", &same(from)),
                    ("to", &same(to)),
                ],
                false,
                vec![ev("networkActivity")],
            ));
        }
    }
}
