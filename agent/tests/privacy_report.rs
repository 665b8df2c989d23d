//! The real App Privacy Report sample (plaso's test data, Apache-2.0) parsed end to end.
#![allow(clippy::unwrap_used)]

use std::path::Path;

#[test]
fn real_report_counts() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/fixtures/privacy-report/ios_app_privacy_report.ndjson");
    let bytes = std::fs::read(path).unwrap();
    assert_eq!(bytes.iter().filter(|b| **b == b'\n').count(), 72);
    let report = lucarne::privacy_report::parse(&bytes).unwrap();
    assert_eq!(report.access_records, 8);
    assert_eq!(report.network_records, 64);
    assert_eq!(report.summary.skipped_lines, 0);

    let app = |id: &str| {
        report
            .summary
            .apps
            .iter()
            .find(|a| a.bundle_id == id)
            .unwrap()
    };
    let calendar = app("com.apple.mobilecal");
    let location = calendar
        .accesses
        .iter()
        .find(|a| a.category == "location")
        .unwrap();
    assert_eq!(location.from, "2022-04-27T15:01:09.166Z");
    assert_eq!(location.to.as_deref(), Some("2022-04-27T15:01:19.289Z"));
    assert_eq!(calendar.accesses.len(), 2);
    let photos = app("com.apple.mobileslideshow");
    assert_eq!(photos.accesses[0].category, "photos");
    // Every access interval of the sample is closed.
    let intervals: usize = report.summary.apps.iter().map(|a| a.accesses.len()).sum();
    assert_eq!(intervals, 4);
    assert!(report
        .summary
        .apps
        .iter()
        .flat_map(|a| &a.accesses)
        .all(|a| a.to.is_some()));
    let hits: u64 = report
        .summary
        .apps
        .iter()
        .flat_map(|a| &a.domains)
        .map(|d| d.hits)
        .sum();
    assert!(
        hits >= 64,
        "every network record counts at least one hit: {hits}"
    );
    assert!(report.summary.from.as_deref() < report.summary.to.as_deref());
}
