//! Every fixture profile rendered in both languages: no message id is missing, no
//! placeholder is left unfilled, no outside control character gets through.
#![allow(clippy::unwrap_used)]

use std::path::PathBuf;

use lucarne_profiles::analysis::{analyze_profiles, Context};
use lucarne_profiles::parse_profile;
use lucarne_words::{explain, plain, Lang, Subject};

fn fixtures() -> Vec<PathBuf> {
    let mut files = Vec::new();
    for dir in [
        "../tests/fixtures/profiles",
        "../virtual-ipad/devices/council-ipad/profiles",
    ] {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(dir);
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "mobileconfig") {
                files.push(path);
            }
        }
    }
    files.sort();
    assert!(files.len() > 20, "fixtures not found");
    files
}

#[test]
fn every_fixture_renders_in_both_languages() {
    for path in fixtures() {
        let Ok(profile) = parse_profile(&std::fs::read(&path).unwrap()) else {
            continue;
        };
        let analysis = analyze_profiles([&profile], Context::default());
        for lang in Lang::ALL {
            let doc = explain::explain(&analysis, Subject::Files(1), lang);
            let text = plain::draw(&doc, true);
            for bad in [
                "{$",
                "{ $",
                "cap-",
                "command-",
                "payload-",
                "term-",
                "condition-",
            ] {
                assert!(
                    !text.contains(bad),
                    "{} ({lang:?}): `{bad}` in\n{text}",
                    path.display()
                );
            }
            assert!(!text.chars().any(|c| c.is_control() && c != '\n'));
        }
    }
}

#[test]
fn council_profiles_print() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../virtual-ipad/devices/council-ipad/profiles");
    let mut profiles = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        profiles.push(parse_profile(&std::fs::read(entry.unwrap().path()).unwrap()).unwrap());
    }
    let analysis = analyze_profiles(&profiles, Context::default());
    for lang in Lang::ALL {
        let doc = explain::explain(&analysis, Subject::Files(profiles.len()), lang);
        println!("{}", plain::draw(&doc, std::env::var("DETAILS").is_ok()));
    }
}
