//! One snapshot from several sources. Each collector (live device, backup, profile file,
//! App Privacy Report) yields a partial [`Snapshot`] whose facts name their source; this
//! module is the one place that combines them.
//!
//! Rules, in the order of [`PRIORITY`] (a live read is the freshest, a backup the richest):
//! - `device`, `enrolment`: taken whole from the first source that knows them, so the
//!   `source` field stays true for every value inside.
//! - profiles (by identifier): the copy with its full payloads wins (a backup's over a live
//!   listing), then priority.
//! - restrictions (by key), certificates (by SHA-256): priority.
//! - apps (by bundle id): priority; a `managed` the winner does not know is taken from the
//!   source that does (only a backup can tell), since that is the fact the analysis needs.
//! - history: union without duplicates, by date. Privacy summary: the one report given.

use std::collections::BTreeMap;

use lucarne_profiles::snapshot::{InstalledProfile, Snapshot, Source};

/// Sources from most to least preferred.
pub const PRIORITY: [Source; 4] = [
    Source::Live,
    Source::Backup,
    Source::ProfileFile,
    Source::PrivacyReport,
];

fn rank(source: Option<Source>) -> usize {
    source
        .and_then(|s| PRIORITY.iter().position(|p| *p == s))
        .unwrap_or(PRIORITY.len())
}

/// Merges partial snapshots into one taken at `taken_at`.
pub fn merge(parts: Vec<Snapshot>, taken_at: &str) -> Snapshot {
    let mut out = Snapshot::new(taken_at);
    let mut parts = parts;
    // Stable: parts of equal rank keep the caller's order.
    parts.sort_by_key(|p| rank(p.sources.first().map(|s| s.source)));

    let mut profiles: BTreeMap<String, InstalledProfile> = BTreeMap::new();
    let mut restrictions = BTreeMap::new();
    let mut apps: BTreeMap<String, lucarne_profiles::snapshot::App> = BTreeMap::new();
    let mut certificates = BTreeMap::new();
    for part in parts {
        out.sources.extend(part.sources);
        if out.device.source.is_none() && part.device.source.is_some() {
            out.device = part.device;
        }
        if out.enrolment.source.is_none() && part.enrolment.source.is_some() {
            out.enrolment = part.enrolment;
        }
        for p in part.profiles {
            let key = p.profile.identifier.clone();
            match profiles.get(&key) {
                // Keep what we have unless the newcomer has payloads the kept copy lacks.
                Some(existing) if !p.payloads_known || existing.payloads_known => {}
                _ => {
                    profiles.insert(key, p);
                }
            }
        }
        for r in part.restrictions {
            restrictions.entry(r.key.clone()).or_insert(r);
        }
        for a in part.apps {
            match apps.get_mut(&a.bundle_id) {
                Some(existing) => {
                    if existing.managed.is_none() {
                        existing.managed = a.managed;
                    }
                }
                None => {
                    apps.insert(a.bundle_id.clone(), a);
                }
            }
        }
        for c in part.certificates {
            certificates.entry(c.sha256.clone()).or_insert(c);
        }
        if out.privacy.is_none() {
            out.privacy = part.privacy;
        }
        for e in part.history {
            let duplicate = out
                .history
                .iter()
                .any(|h| h.at == e.at && h.kind == e.kind && h.subject == e.subject);
            if !duplicate {
                out.history.push(e);
            }
        }
    }
    // Certificates installed through profiles whose payloads are known, whatever the source.
    for p in profiles.values() {
        for c in lucarne_profiles::certificate::installed_certificates(&p.profile, Some(p.source)) {
            certificates.entry(c.sha256.clone()).or_insert(c);
        }
    }
    let mut profiles: Vec<_> = profiles.into_values().collect();
    profiles.sort_by(|a, b| {
        a.installed_at
            .cmp(&b.installed_at)
            .then(a.profile.identifier.cmp(&b.profile.identifier))
    });
    out.profiles = profiles;
    out.restrictions = restrictions.into_values().collect();
    out.apps = apps.into_values().collect();
    out.certificates = certificates.into_values().collect();
    out.history
        .sort_by(|a, b| a.at.cmp(&b.at).then(a.subject.cmp(&b.subject)));
    out
}

/// A partial snapshot holding only an App Privacy Report.
pub fn privacy_part(
    summary: lucarne_profiles::snapshot::PrivacySummary,
    file_name: &str,
) -> Snapshot {
    let mut part = Snapshot::new("");
    part.sources.push(lucarne_profiles::snapshot::SourceRead {
        source: Source::PrivacyReport,
        detail: file_name.to_owned(),
    });
    part.privacy = Some(summary);
    part
}

/// The current time, RFC 3339 UTC, for `taken_at`.
pub fn now_rfc3339() -> String {
    time::OffsetDateTime::now_utc()
        .replace_nanosecond(0)
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use lucarne_profiles::snapshot::{App, SourceRead};
    use lucarne_profiles::Profile;

    fn part(source: Source) -> Snapshot {
        let mut s = Snapshot::new("");
        s.sources.push(SourceRead {
            source,
            detail: format!("{source:?}"),
        });
        s
    }

    fn profile(id: &str, known: bool, source: Source) -> InstalledProfile {
        InstalledProfile {
            profile: Profile {
                identifier: id.into(),
                ..Default::default()
            },
            payloads_known: known,
            managed: None,
            installed_at: None,
            source,
        }
    }

    #[test]
    fn richest_profile_and_managed_flag_win_and_sources_stay_true() {
        let mut live = part(Source::Live);
        live.device.name = Some("live".into());
        live.device.source = Some(Source::Live);
        live.profiles.push(profile("fr.mdm", false, Source::Live));
        live.apps.push(App {
            bundle_id: "fr.app".into(),
            signer: Some("Apple".into()),
            source: Some(Source::Live),
            ..Default::default()
        });
        let mut backup = part(Source::Backup);
        backup.device.name = Some("backup".into());
        backup.device.source = Some(Source::Backup);
        backup
            .profiles
            .push(profile("fr.mdm", true, Source::Backup));
        backup
            .profiles
            .push(profile("fr.vpn", true, Source::Backup));
        backup.apps.push(App {
            bundle_id: "fr.app".into(),
            managed: Some(true),
            source: Some(Source::Backup),
            ..Default::default()
        });
        let report = privacy_part(Default::default(), "r.ndjson");

        // Order given does not matter: priority does.
        let merged = merge(vec![report, backup, live], "2026-11-25T20:00:00Z");
        assert_eq!(merged.taken_at, "2026-11-25T20:00:00Z");
        assert_eq!(merged.sources.len(), 3);
        assert_eq!(merged.sources[0].source, Source::Live);
        assert_eq!(merged.device.name.as_deref(), Some("live"));
        assert_eq!(merged.profiles.len(), 2);
        let mdm = merged
            .profiles
            .iter()
            .find(|p| p.profile.identifier == "fr.mdm")
            .unwrap_or_else(|| unreachable!());
        assert_eq!(mdm.source, Source::Backup);
        assert!(mdm.payloads_known);
        assert_eq!(merged.apps.len(), 1);
        assert_eq!(merged.apps[0].signer.as_deref(), Some("Apple"));
        assert_eq!(merged.apps[0].managed, Some(true));
        assert!(merged.privacy.is_some());
    }
}
