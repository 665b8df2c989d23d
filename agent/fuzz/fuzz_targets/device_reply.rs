//! What a device sends back, on arbitrary bytes: the lockdown framing's body decoded as a
//! property list, then used as every part of a live reading (lockdown values, domains, the
//! MCInstall profile list, the cloud configuration, the apps) and turned into a snapshot that
//! the analysis reads. Never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use lucarne::device::collect::LiveReading;
use lucarne::device::framing;
use lucarne::device::snapshot::to_snapshot;

fuzz_target!(|data: &[u8]| {
    if data.len() >= 4 {
        let _ = framing::body_len([data[0], data[1], data[2], data[3]]);
    }
    let Ok(dict) = framing::decode(data) else {
        return;
    };
    let mut domains = std::collections::BTreeMap::new();
    domains.insert("com.apple.mobile.iTunes".to_string(), dict.clone());
    let reading = LiveReading {
        udid: "00008103-000000000000001E".to_string(),
        values: dict.clone(),
        domains,
        profile_list: dict.clone(),
        cloud_configuration: Some(dict.clone()),
        apps: vec![dict],
    };
    let snapshot = to_snapshot(&reading, "2026-11-30T12:00:00Z");
    let _ = lucarne_profiles::analysis::analyze_snapshot(&snapshot);
});
