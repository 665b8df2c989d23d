//! Signed profiles parse like unsigned ones and carry their signer: the CMS wrapper is opened
//! by `lucarne_proof::cms` (tested there on the same fixtures), the content read as a profile
//! here.

#![allow(clippy::unwrap_used)]

use lucarne_profiles::{parse_profile, ParseError};

fn fixture(path: &str) -> Vec<u8> {
    let full = format!("{}/../tests/fixtures/{path}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&full).unwrap_or_else(|e| panic!("{full}: {e}"))
}

const QUAD9: &str = "profiles/encdns-signed__quad9-default-https.mobileconfig";

#[test]
fn real_signed_profile_parses_with_its_signer() {
    let profile = parse_profile(&fixture(QUAD9)).unwrap();
    assert_eq!(profile.identifier, "com.paulmillr.apple-dns");
    assert!(profile
        .payloads
        .iter()
        .any(|p| p.payload_type == "com.apple.dnsSettings.managed"));
    let signer = profile.signer.unwrap();
    assert!(signer.signature_valid);
    assert_eq!(signer.subject, "CN=encrypted-dns.brunch.io");
}

#[test]
fn a_changed_content_byte_still_parses_but_does_not_verify() {
    let mut bytes = fixture(QUAD9);
    // Inside the plist: "Quad9" → "Quad8" in the description keeps a well-formed profile.
    let at = bytes.windows(5).position(|w| w == b"Quad9").unwrap();
    bytes[at + 4] = b'8';
    let profile = parse_profile(&bytes).unwrap();
    assert_eq!(profile.identifier, "com.paulmillr.apple-dns");
    let signer = profile.signer.unwrap();
    assert!(!signer.signature_valid);
    assert!(
        signer
            .problem
            .as_deref()
            .unwrap()
            .contains("changed after signing"),
        "{:?}",
        signer.problem
    );
    assert_eq!(signer.subject, "CN=encrypted-dns.brunch.io");
}

#[test]
fn a_truncated_signed_profile_is_a_cms_error() {
    let bytes = fixture(QUAD9);
    for length in (0..bytes.len())
        .step_by(7)
        .skip(1)
        .chain([1, 2, 3, 4, bytes.len() - 1])
    {
        assert!(
            matches!(parse_profile(&bytes[..length]), Err(ParseError::Cms(_))),
            "length {length}"
        );
    }
}

#[test]
fn a_ber_streamed_signed_profile_parses() {
    let profile =
        parse_profile(&fixture("signed/ecdsa-p256-sha256-ber-stream.mobileconfig")).unwrap();
    assert_eq!(profile.identifier, "fr.lucarne.tests.signed");
    assert!(profile.signer.unwrap().signature_valid);
}
