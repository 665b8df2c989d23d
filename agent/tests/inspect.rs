//! `lucarne inspect` driven as a user runs it, on the real profiles of
//! `tests/fixtures/profiles/` (written outside this project), asserting what each must say.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;
use std::process::Command;

use serde_json::Value;

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/fixtures/profiles")
        .join(name)
}

fn all_fixtures() -> Vec<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/profiles");
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.extension()
                .is_some_and(|e| e == "mobileconfig" || e == "xml")
        })
        .collect();
    files.sort();
    files
}

/// Runs `lucarne inspect --json` and returns (exit status, document).
fn inspect_json(files: &[PathBuf]) -> (i32, Value) {
    let out = Command::new(env!("CARGO_BIN_EXE_lucarne"))
        .arg("inspect")
        .arg("--json")
        .args(files)
        .output()
        .unwrap();
    let doc: Value = serde_json::from_slice(&out.stdout).expect("JSON on stdout");
    (out.status.code().unwrap(), doc)
}

/// The analysis of one fixture, which must have been read.
fn analysis(name: &str) -> Value {
    let (code, doc) = inspect_json(&[fixture(name)]);
    assert_eq!(code, 0, "{name}: {doc}");
    assert_eq!(doc["schema"], "lucarne.inspection/2");
    let file = &doc["files"][0];
    assert_eq!(file["ok"], true);
    file["analysis"].clone()
}

fn capability_ids(a: &Value) -> Vec<String> {
    a["capabilities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn mdm_enrolment_profiles_decode_all_thirteen_rights() {
    for (name, url) in [
        (
            "nanomdm__enroll.mobileconfig",
            "https://mdm.example.org/mdm",
        ),
        (
            "ddminfra__enroll.mobileconfig",
            "https://nanomdm.YOURDOMAIN.COM/mdm",
        ),
    ] {
        let a = analysis(name);
        assert_eq!(a["mdm"]["server_url"], url, "{name}");
        assert_eq!(a["mdm"]["access_rights"], 8191);
        let rights: Vec<&str> = a["mdm"]["rights"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r.as_str().unwrap())
            .collect();
        assert_eq!(rights.len(), 13);
        assert!(rights.contains(&"AllowDeviceErase"));
        assert!(rights.contains(&"AllowQueryApplications"));
        let ids = capability_ids(&a);
        assert!(ids.contains(&"command.EraseDevice".to_string()));
        assert!(ids.contains(&"command.DeviceLocation".to_string()));
        assert_eq!(a["payload_count"], 2);
    }
}

#[test]
fn root_certificates_from_root_and_pkcs1_payloads() {
    let a = analysis("dodmobileconfig__dod.mobileconfig");
    let roots = a["root_certificates"].as_array().unwrap();
    assert_eq!(roots.len(), 1);
    assert!(roots[0]["subject"]
        .as_str()
        .unwrap()
        .contains("CN=DoD Root CA 3"));
    // Fingerprint given by `openssl x509 -fingerprint -sha256` on the payload's DER.
    assert_eq!(
        roots[0]["sha256"],
        "b107b33f453e5510f68e513110c6f6944bacc263df0137f821c1b3c2f8f863d2"
    );
    // ICP-Brasil ships its five roots as pkcs1 payloads, not root ones: still trust anchors.
    let a = analysis("icpbrasil__ac-icp-brasil.mobileconfig");
    let roots = a["root_certificates"].as_array().unwrap();
    assert_eq!(roots.len(), 5);
    assert!(roots.iter().all(|r| r["subject"]
        .as_str()
        .unwrap()
        .contains("Autoridade Certificadora Raiz Brasileira")));
    assert_eq!(a["payload_count"], 5);
}

fn traffic(a: &Value) -> Vec<(String, Option<String>)> {
    a["traffic"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["kind"].as_str().unwrap().to_string(),
                t["server"].as_str().map(str::to_string),
            )
        })
        .collect()
}

#[test]
fn traffic_paths_vpn_dns_and_filters() {
    let a = analysis("algo__wireguard-ios-testuser1.mobileconfig");
    assert_eq!(
        traffic(&a),
        vec![("vpn".to_string(), Some("10.99.0.10:51820".to_string()))]
    );
    // AllowedIPs 0.0.0.0/0: a full tunnel, not an always-on VPN (VPNType is VPN). The scope
    // is an id in inspection/2 (a sentence in inspection/1).
    assert_eq!(a["traffic"][0]["scope"], "all-traffic");

    let a = analysis("encdns__adguard-default-tls.mobileconfig");
    assert_eq!(
        traffic(&a),
        vec![("dns".to_string(), Some("dns.adguard.com".to_string()))]
    );
    let a = analysis("encdns__template-on-demand-default-https.mobileconfig");
    assert_eq!(traffic(&a)[0].0, "dns");

    let a = analysis("fleet__content-filtering.mobileconfig");
    assert_eq!(traffic(&a), vec![("content-filter".to_string(), None)]);
    let a = analysis("intune__GlobalProtectEnforcer.mobileconfig");
    assert_eq!(traffic(&a)[0].0, "content-filter");

    // A Wi-Fi network whose ProxyType is None puts no traffic through a proxy.
    let a = analysis("profiledocs__com.apple.wifi.managed.mobileconfig");
    assert!(traffic(&a).is_empty());
}

#[test]
fn accounts_with_their_kind() {
    let a = analysis("profiledocs__com.apple.caldav.account.mobileconfig");
    assert_eq!(a["accounts"][0]["kind"], "caldav");
    let a = analysis("profiledocs__com.apple.carddav.account.mobileconfig");
    assert_eq!(a["accounts"][0]["kind"], "carddav");
}

#[test]
fn restrictions_flag_supervised_only_keys() {
    let a = analysis("rtrouton__BlockAirDrop.mobileconfig");
    let r = &a["restrictions"][0];
    assert_eq!(r["key"], "allowAirDrop");
    assert_eq!(r["value"], false);
    assert_eq!(r["supervised_only"], true);

    let a = analysis("fleet__ios-iso27001-restrictions.mobileconfig");
    let keys: Vec<(&str, bool)> = a["restrictions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["key"].as_str().unwrap(),
                r["supervised_only"].as_bool().unwrap(),
            )
        })
        .collect();
    assert!(keys.contains(&("forceEncryptedBackup", false)));
    assert!(keys.contains(&("allowUSBRestrictedMode", true)));
}

#[test]
fn unremovable_profile_is_reported() {
    let a = analysis("intune__Wi-Fi - Contoso Network.mobileconfig");
    assert!(capability_ids(&a).contains(&"profile.unremovable".to_string()));
}

#[test]
fn unknown_payload_types_are_named_not_guessed() {
    let a = analysis("mcvalidator__unknown-payload-type.mobileconfig");
    assert_eq!(
        a["unknown_payload_types"][0],
        "com.nonexistent.payload.type"
    );
    assert_eq!(capability_ids(&a), vec!["payload.unknown".to_string()]);
}

#[test]
fn malformed_files_exit_2_and_the_others_are_still_reported() {
    let (code, doc) = inspect_json(&[
        fixture("mcvalidator__not-a-plist.mobileconfig"),
        fixture("rtrouton__BlockAirDrop.mobileconfig"),
        fixture("commandment__ProfileList-10.11.x.xml"),
        fixture("does-not-exist.mobileconfig"),
    ]);
    assert_eq!(code, 2);
    let files = doc["files"].as_array().unwrap();
    assert_eq!(files.len(), 4);
    assert_eq!(files[0]["ok"], false);
    assert!(files[0]["error"]
        .as_str()
        .unwrap()
        .contains("not a property list"));
    assert_eq!(files[1]["ok"], true);
    assert_eq!(files[2]["ok"], false);
    assert!(files[2]["error"].as_str().unwrap().contains("PayloadType"));
    assert_eq!(files[3]["ok"], false);
    assert!(files[0]["path"]
        .as_str()
        .unwrap()
        .ends_with("not-a-plist.mobileconfig"));
}

#[test]
fn no_secret_survives_any_fixture() {
    // Secrets found by reading the fixtures with Python-independent means: the raw XML text.
    let mut secrets = Vec::new();
    for path in all_fixtures() {
        let text = String::from_utf8_lossy(&std::fs::read(&path).unwrap()).to_string();
        let lines: Vec<&str> = text.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            let t = line.trim();
            let secret_key = ["Password</key>", "Challenge</key>", "Secret</key>"]
                .iter()
                .any(|k| t.starts_with("<key>") && t.ends_with(k));
            if secret_key {
                if let Some(v) = lines
                    .get(i + 1)
                    .and_then(|l| l.trim().strip_prefix("<string>")?.strip_suffix("</string>"))
                {
                    if !v.is_empty() {
                        secrets.push(v.to_string());
                    }
                }
            }
            for name in ["PrivateKey = ", "PresharedKey = "] {
                if let Some(v) = t.strip_prefix(name) {
                    secrets.push(v.to_string());
                }
            }
        }
    }
    assert!(secrets.len() >= 4, "the scan found only {secrets:?}");
    let (_, doc) = inspect_json(&all_fixtures());
    let out = doc.to_string();
    for secret in &secrets {
        assert!(!out.contains(secret.as_str()), "secret {secret:?} survived");
    }
    assert!(out.contains("redacted:"));
}

#[test]
fn readable_report_in_french_and_english() {
    let run = |lang: &str| {
        let out = Command::new(env!("CARGO_BIN_EXE_lucarne"))
            .args(["inspect", "--lang", lang])
            .arg(fixture("nanomdm__enroll.mobileconfig"))
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0));
        String::from_utf8(out.stdout).unwrap()
    };
    let fr = run("fr");
    // French typography: a narrow no-break space before the colon and inside quotes.
    assert!(
        fr.contains("Géré par le serveur MDM mdm.example.org"),
        "{fr}"
    );
    assert!(fr.contains("Effacer entièrement l'iPad à distance"), "{fr}");
    assert!(fr.contains("Ce que ces profils permettraient à l'administration\u{202F}:"));
    let en = run("en");
    assert!(
        en.contains("Managed by the MDM server mdm.example.org"),
        "{en}"
    );
    assert!(en.contains("Erase the whole iPad remotely"), "{en}");
}

#[test]
fn hostile_names_cannot_drive_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("hostile.mobileconfig");
    std::fs::write(
        &path,
        "<plist><dict><key>PayloadType</key><string>Configuration</string>\
         <key>PayloadIdentifier</key><string>x</string>\
         <key>PayloadDisplayName</key><string>\u{1b}[2J\u{1b}[31mPWNED</string>\
         <key>PayloadContent</key><array/></dict></plist>",
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_lucarne"))
        .arg("inspect")
        .arg(&path)
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(!text.contains('\u{1b}'));
    assert!(text.contains("⟨U+001B⟩[2J"), "{text}");
}

#[test]
fn signed_profile_reports_its_signer() {
    let (code, doc) = inspect_json(&[fixture("encdns-signed__quad9-default-https.mobileconfig")]);
    assert_eq!(code, 0);
    let file = &doc["files"][0];
    let signer = &file["profile"]["signer"];
    assert_eq!(signer["subject"], "CN=encrypted-dns.brunch.io");
    assert!(signer["issuer"].as_str().unwrap().contains("Let's Encrypt"));
    assert_eq!(signer["signature_valid"], true);
    assert_eq!(file["analysis"]["traffic"][0]["kind"], "dns");
    assert_eq!(
        file["analysis"]["traffic"][0]["server"],
        "https://dns.quad9.net/dns-query"
    );
    // Expired or untrusted signers are facts, not errors: the profile is still analysed.
    let en = Command::new(env!("CARGO_BIN_EXE_lucarne"))
        .args(["inspect", "--lang", "en"])
        .arg(fixture("encdns-signed__quad9-default-https.mobileconfig"))
        .output()
        .unwrap();
    let text = String::from_utf8(en.stdout).unwrap();
    assert!(
        text.contains("Signed by “CN=encrypted-dns.brunch.io”"),
        "{text}"
    );
}

#[test]
fn bundled_example_states_decryption_with_both_pieces_of_evidence() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../profiles/examples/council-enrolment.mobileconfig");
    let (code, doc) = inspect_json(&[path]);
    assert_eq!(code, 0);
    let a = &doc["files"][0]["analysis"];
    assert_eq!(a["mdm"]["access_rights"], 8191);
    assert_eq!(a["accounts"][0]["kind"], "exchange");
    assert_eq!(a["accounts"][0]["host"], "mail.region-exemple.fr");
    assert_eq!(a["traffic"][0]["kind"], "per-app-vpn");
    let decrypt = a["capabilities"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "traffic.https-decryption")
        .expect("decryption statement");
    assert_eq!(
        decrypt["evidence"][0]["payload_type"],
        "com.apple.security.root"
    );
    assert_eq!(
        decrypt["evidence"][1]["payload_type"],
        "com.apple.vpn.managed.applayer"
    );
    let text = doc.to_string();
    for secret in [
        "exemple-defi-scep-0000",
        "exemple-secret-partage-0000",
        "exemple-mot-de-passe-0000",
    ] {
        assert!(!text.contains(secret), "{secret}");
    }
}
