//! The App Privacy Report export (Settings → Privacy & Security → App Privacy Report → save):
//! NDJSON, one record per line. `access` records open and close intervals during which an
//! app used a protected resource (location, camera, microphone, contacts, photos…);
//! `networkActivity` records count the contacts of an app with one domain.
//!
//! Lines that do not parse, or that have an unknown shape (the iOS 15 beta format, metadata
//! marker lines), are skipped and counted: the official sees how much was not understood.

use std::collections::BTreeMap;

use serde::Deserialize;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use lucarne_profiles::snapshot::{AppPrivacy, DomainContact, PrivacySummary, ResourceAccess};

/// Largest report accepted (a week of a busy phone is a few megabytes).
pub const MAX_REPORT_BYTES: usize = 256 * 1024 * 1024;
/// Longest line accepted.
pub const MAX_LINE_BYTES: usize = 64 * 1024;

/// Why a report could not be read at all (single bad lines are skipped instead).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ReportError {
    /// Larger than [`MAX_REPORT_BYTES`].
    #[error("the report is {0} bytes, more than the {MAX_REPORT_BYTES} accepted")]
    TooLarge(usize),
    /// Not one line could be read.
    #[error("no line of the file is an App Privacy Report record ({skipped} skipped)")]
    NothingRead {
        /// Lines skipped.
        skipped: u64,
    },
}

/// A parsed report with its counts.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PrivacyReport {
    /// The per-app summary that goes into a snapshot.
    pub summary: PrivacySummary,
    /// `access` records read.
    pub access_records: u64,
    /// `networkActivity` records read.
    pub network_records: u64,
}

#[derive(Deserialize)]
#[serde(tag = "type")]
enum Record {
    #[serde(rename = "access")]
    Access {
        accessor: Accessor,
        category: String,
        identifier: String,
        kind: String,
        #[serde(rename = "timeStamp")]
        time_stamp: String,
    },
    #[serde(rename = "networkActivity")]
    Network {
        #[serde(rename = "bundleID")]
        bundle_id: String,
        domain: String,
        #[serde(rename = "firstTimeStamp", default)]
        first_time_stamp: Option<String>,
        #[serde(rename = "timeStamp")]
        time_stamp: String,
        #[serde(default)]
        hits: u64,
        #[serde(rename = "domainOwner", default)]
        domain_owner: Option<String>,
    },
}

#[derive(Deserialize)]
struct Accessor {
    identifier: String,
}

/// A timestamp normalised to RFC 3339 UTC (`2022-04-27T14:53:24.555Z`).
fn normalise(stamp: &str) -> Option<String> {
    let t = OffsetDateTime::parse(stamp.trim(), &Rfc3339).ok()?;
    t.to_offset(time::UtcOffset::UTC).format(&Rfc3339).ok()
}

#[derive(Default)]
struct AppState {
    /// Open intervals by record identifier: (category, start).
    open: BTreeMap<String, (String, String)>,
    accesses: Vec<ResourceAccess>,
    domains: BTreeMap<String, DomainContact>,
}

/// Parses a report export.
pub fn parse(bytes: &[u8]) -> Result<PrivacyReport, ReportError> {
    if bytes.len() > MAX_REPORT_BYTES {
        return Err(ReportError::TooLarge(bytes.len()));
    }
    let mut report = PrivacyReport::default();
    let mut apps: BTreeMap<String, AppState> = BTreeMap::new();
    let mut skipped = 0u64;
    let mut from: Option<String> = None;
    let mut to: Option<String> = None;
    let mut widen = |stamp: &str| {
        if from.as_deref().is_none_or(|f| stamp < f) {
            from = Some(stamp.to_owned());
        }
        if to.as_deref().is_none_or(|t| stamp > t) {
            to = Some(stamp.to_owned());
        }
    };
    for line in bytes.split(|b| *b == b'\n') {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let record = (line.len() <= MAX_LINE_BYTES)
            .then(|| serde_json::from_slice::<Record>(line).ok())
            .flatten();
        match record {
            Some(Record::Access {
                accessor,
                category,
                identifier,
                kind,
                time_stamp,
            }) => {
                let Some(at) = normalise(&time_stamp) else {
                    skipped += 1;
                    continue;
                };
                let app = apps.entry(accessor.identifier).or_default();
                match kind.as_str() {
                    "intervalBegin" => {
                        // A begin without its end stays an open interval.
                        if let Some((category, start)) =
                            app.open.insert(identifier, (category, at.clone()))
                        {
                            app.accesses.push(ResourceAccess {
                                category,
                                from: start,
                                to: None,
                            });
                        }
                    }
                    "intervalEnd" => match app.open.remove(&identifier) {
                        Some((category, start)) => app.accesses.push(ResourceAccess {
                            category,
                            from: start,
                            to: Some(at.clone()),
                        }),
                        // An end whose begin fell outside the 7-day window.
                        None => app.accesses.push(ResourceAccess {
                            category,
                            from: at.clone(),
                            to: Some(at.clone()),
                        }),
                    },
                    _ => {
                        skipped += 1;
                        continue;
                    }
                }
                widen(&at);
                report.access_records += 1;
            }
            Some(Record::Network {
                bundle_id,
                domain,
                first_time_stamp,
                time_stamp,
                hits,
                domain_owner,
            }) => {
                let Some(last) = normalise(&time_stamp) else {
                    skipped += 1;
                    continue;
                };
                let first = first_time_stamp.as_deref().and_then(normalise);
                widen(&last);
                if let Some(f) = &first {
                    widen(f);
                }
                let app = apps.entry(bundle_id).or_default();
                let contact = app
                    .domains
                    .entry(domain.clone())
                    .or_insert_with(|| DomainContact {
                        domain,
                        ..Default::default()
                    });
                // The same domain can appear in several records (per context): add them up.
                contact.hits = contact.hits.saturating_add(hits);
                if first.is_some() && (contact.first.is_none() || first < contact.first) {
                    contact.first = first;
                }
                if contact.last.as_deref().is_none_or(|l| last.as_str() > l) {
                    contact.last = Some(last);
                }
                if let Some(owner) = domain_owner.filter(|o| !o.trim().is_empty()) {
                    contact.owner = Some(owner);
                }
                report.network_records += 1;
            }
            None => skipped += 1,
        }
    }
    if report.access_records + report.network_records == 0 && skipped > 0 {
        return Err(ReportError::NothingRead { skipped });
    }
    for (bundle_id, mut state) in apps {
        for (_, (category, start)) in std::mem::take(&mut state.open) {
            state.accesses.push(ResourceAccess {
                category,
                from: start,
                to: None,
            });
        }
        state
            .accesses
            .sort_by(|a, b| a.from.cmp(&b.from).then(a.category.cmp(&b.category)));
        report.summary.apps.push(AppPrivacy {
            bundle_id,
            accesses: state.accesses,
            domains: state.domains.into_values().collect(),
        });
    }
    report.summary.skipped_lines = skipped;
    report.summary.from = from;
    report.summary.to = to;
    Ok(report)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn intervals_pair_and_bad_lines_are_counted() {
        let text = br#"{"accessor":{"identifier":"fr.app","identifierType":"bundleID"},"category":"location","identifier":"A","kind":"intervalBegin","timeStamp":"2026-09-02T10:00:00.000+02:00","type":"access"}
not json
{"type":"access"}
{"_marker":"<metadata>","version":"7"}
{"accessor":{"identifier":"fr.app","identifierType":"bundleID"},"category":"location","identifier":"A","kind":"intervalEnd","timeStamp":"2026-09-02T10:05:00.000+02:00","type":"access"}
{"accessor":{"identifier":"fr.app","identifierType":"bundleID"},"category":"camera","identifier":"B","kind":"intervalBegin","timeStamp":"2026-09-02T11:00:00Z","type":"access"}
{"bundleID":"fr.app","domain":"tracker.example","firstTimeStamp":"2026-09-01T08:00:00Z","timeStamp":"2026-09-02T09:00:00Z","hits":3,"domainOwner":"","type":"networkActivity"}
{"bundleID":"fr.app","domain":"tracker.example","firstTimeStamp":"2026-09-01T07:00:00Z","timeStamp":"2026-09-01T09:00:00Z","hits":2,"type":"networkActivity"}
"#;
        let report = parse(text).unwrap();
        assert_eq!(report.summary.skipped_lines, 3);
        assert_eq!((report.access_records, report.network_records), (3, 2));
        let app = &report.summary.apps[0];
        assert_eq!(app.accesses[0].category, "location");
        assert_eq!(app.accesses[0].from, "2026-09-02T08:00:00Z");
        assert_eq!(app.accesses[0].to.as_deref(), Some("2026-09-02T08:05:00Z"));
        assert_eq!(app.accesses[1].to, None, "an interval never closed");
        assert_eq!(app.domains[0].hits, 5);
        assert_eq!(
            app.domains[0].first.as_deref(),
            Some("2026-09-01T07:00:00Z")
        );
        assert_eq!(app.domains[0].last.as_deref(), Some("2026-09-02T09:00:00Z"));
        assert_eq!(report.summary.from.as_deref(), Some("2026-09-01T07:00:00Z"));
    }

    #[test]
    fn garbage_only_is_an_error() {
        assert_eq!(
            parse(b"x\ny\n"),
            Err(ReportError::NothingRead { skipped: 2 })
        );
        assert_eq!(parse(b"").unwrap().summary.apps.len(), 0);
    }
}
