//! The App Privacy Report parser on arbitrary bytes: never panics, counts add up.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(report) = lucarne::privacy_report::parse(data) {
        let lines = data.split(|b| *b == b'\n').count() as u64;
        assert!(report.access_records + report.network_records + report.summary.skipped_lines <= lines);
    }
});
