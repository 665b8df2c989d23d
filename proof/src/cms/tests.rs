//! Tests of [`super::unwrap`] on real signed files: one published profile and files signed
//! with the `openssl` CLI (see `tests/fixtures/signed/README.md`), intact and tampered. That
//! the unwrapped content then parses as a profile is tested in `lucarne-profiles`
//! (`profiles/tests/signed.rs`), which shares these fixtures.

#![allow(clippy::unwrap_used)]

use super::*;

fn fixture(path: &str) -> Vec<u8> {
    let full = format!("{}/../tests/fixtures/{path}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&full).unwrap_or_else(|e| panic!("{full}: {e}"))
}

const QUAD9: &str = "profiles/encdns-signed__quad9-default-https.mobileconfig";

/// Offset of the first occurrence of `needle` in `haystack`.
fn find(haystack: &[u8], needle: &[u8]) -> usize {
    haystack
        .windows(needle.len())
        .position(|w| w == needle)
        .unwrap()
}

#[test]
fn real_signed_profile_reports_its_signer() {
    let signed = unwrap(&fixture(QUAD9)).unwrap();
    let signer = &signed.signer;
    assert_eq!(signer.subject, "CN=encrypted-dns.brunch.io");
    assert_eq!(signer.issuer, "CN=E8,O=Let's Encrypt,C=US");
    assert_eq!(signer.not_before, "2026-02-27T04:30:45Z");
    assert_eq!(signer.not_after, "2026-05-28T04:30:44Z");
    assert_eq!(
        signer.certificate_sha256,
        "bab592e553fa8e78dea96fb77803b3fa9d8a92731f832226cbaa0e96faa566d2"
    );
    assert_eq!(signer.chain, vec!["CN=E8,O=Let's Encrypt,C=US".to_string()]);
    assert!(signer.signature_valid, "{:?}", signer.problem);
    assert_eq!(signer.problem, None);
    assert!(signed.content.starts_with(b"<?xml"));
}

#[test]
fn a_changed_content_byte_still_unwraps_but_does_not_verify() {
    let original = fixture(QUAD9);
    let mut bytes = original.clone();
    // Inside the plist: "Quad9" → "Quad8" in the description keeps a well-formed profile.
    let at = find(&bytes, b"Quad9");
    bytes[at + 4] = b'8';
    let signed = unwrap(&bytes).unwrap();
    assert_ne!(signed.content, unwrap(&original).unwrap().content);
    let signer = signed.signer;
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
fn a_changed_signature_byte_does_not_verify() {
    let original = fixture(QUAD9);
    // The ECDSA signature is the last element: an OCTET STRING of 70 bytes at the end.
    for from_end in [1, 10, 40] {
        let mut bytes = original.clone();
        let at = bytes.len() - from_end;
        bytes[at] ^= 0x01;
        let signed = unwrap(&bytes).unwrap();
        assert!(
            !signed.signer.signature_valid,
            "byte {from_end} from the end"
        );
        assert!(signed.signer.problem.unwrap().contains("does not verify"));
    }
}

#[test]
fn a_changed_signed_attribute_does_not_verify() {
    let mut bytes = fixture(QUAD9);
    // The messageDigest value (32 bytes) sits in the signed attributes: changing it breaks
    // both the digest comparison and the signature.
    let digest =
        hex::decode("16d21588869c2dea74a78033f50c57ed25c7745b726237b816f14eb9bb77fb59").unwrap();
    let at = find(&bytes, &digest);
    bytes[at] ^= 0x80;
    let signed = unwrap(&bytes).unwrap();
    assert!(!signed.signer.signature_valid);
}

#[test]
fn truncated_files_are_errors_never_panics() {
    let bytes = fixture(QUAD9);
    for length in (0..bytes.len())
        .step_by(7)
        .chain([1, 2, 3, 4, bytes.len() - 1])
    {
        assert!(unwrap(&bytes[..length]).is_err(), "length {length}");
    }
}

#[test]
fn every_single_byte_change_is_handled() {
    // Flipping each byte in turn must give an error or a report, never a panic, and never a
    // valid signature over different bytes.
    let original = fixture(QUAD9);
    let original_content = unwrap(&original).unwrap().content;
    for at in 0..original.len() {
        let mut bytes = original.clone();
        bytes[at] ^= 0xFF;
        if let Ok(signed) = unwrap(&bytes) {
            if signed.signer.signature_valid {
                assert_eq!(signed.content, original_content, "byte {at}");
            }
        }
    }
}

#[test]
fn openssl_rsa_with_chain_verifies() {
    let signed = unwrap(&fixture("signed/rsa2048-sha256.mobileconfig")).unwrap();
    let signer = &signed.signer;
    assert!(signer.signature_valid, "{:?}", signer.problem);
    assert_eq!(
        signer.subject,
        "CN=Lucarne Test RSA Signer,O=Lucarne tests,C=FR"
    );
    assert_eq!(signer.issuer, "CN=Lucarne Test CA,O=Lucarne tests,C=FR");
    assert_eq!(
        signer.chain,
        vec!["CN=Lucarne Test CA,O=Lucarne tests,C=FR".to_string()]
    );
    assert_eq!(
        signer.certificate_sha256,
        "22a0a075583288b5bfe02d75818137e13f74c6c4709b8446926f3ebea89bd35d"
    );
    assert_eq!(signed.content, fixture("signed/profile.mobileconfig"));
}

#[test]
fn openssl_ecdsa_p256_with_subject_key_identifier_verifies() {
    let bytes = fixture("signed/ecdsa-p256-sha256.mobileconfig");
    let signed = unwrap(&bytes).unwrap();
    let signer = &signed.signer;
    assert!(signer.signature_valid, "{:?}", signer.problem);
    assert_eq!(
        signer.subject,
        "CN=Lucarne Test ECDSA Signer,O=Lucarne tests,C=FR"
    );
    assert_eq!(signer.issuer, signer.subject, "self-signed");
    assert!(signer.chain.is_empty());
    assert_eq!(
        signer.certificate_sha256,
        "db00ddedc85b2b737f1a0c8da371b0c074b3e50ecb13ca9012cb39cd90aa386a"
    );
    // The file points at its signer by subjectKeyIdentifier ([0] IMPLICIT, tag 0x80).
    let mut fields = read_signed_data(&bytes, ContentType::Data).unwrap();
    assert!(matches!(fields.signer.id, SignerId::SubjectKeyId(_)));
    fields.certificates.clear();
    assert!(signer_report(&fields)
        .unwrap()
        .problem
        .unwrap()
        .contains("not in the file"));
}

#[test]
fn openssl_ecdsa_p384_verifies() {
    let signed = unwrap(&fixture("signed/ecdsa-p384-sha384.mobileconfig")).unwrap();
    assert!(signed.signer.signature_valid, "{:?}", signed.signer.problem);
    assert_eq!(
        signed.signer.subject,
        "CN=Lucarne Test ECDSA P-384 Signer,O=Lucarne tests,C=FR"
    );
}

#[test]
fn openssl_without_signed_attributes_verifies_over_the_content() {
    let bytes = fixture("signed/rsa2048-sha256-noattr.mobileconfig");
    assert!(read_signed_data(&bytes, ContentType::Data)
        .unwrap()
        .signer
        .signed_attributes
        .is_none());
    let signed = unwrap(&bytes).unwrap();
    assert!(signed.signer.signature_valid, "{:?}", signed.signer.problem);
    assert_eq!(
        signed.signer.subject,
        "CN=Lucarne Test RSA Signer,O=Lucarne tests,C=FR"
    );
    let mut tampered = bytes.clone();
    let at = find(&tampered, b"allowCamera");
    tampered[at] = b'A';
    let signed = unwrap(&tampered).unwrap();
    assert!(!signed.signer.signature_valid);
}

#[test]
fn openssl_ber_streaming_output_is_accepted() {
    // `openssl cms -stream -outform DER` writes indefinite lengths and a constructed OCTET
    // STRING, as Apple's tools do.
    let bytes = fixture("signed/ecdsa-p256-sha256-ber-stream.mobileconfig");
    assert_eq!(
        &bytes[..2],
        &[0x30, 0x80],
        "the fixture is BER, indefinite length"
    );
    let signed = unwrap(&bytes).unwrap();
    assert!(signed.signer.signature_valid, "{:?}", signed.signer.problem);
    assert_eq!(signed.content, fixture("signed/profile.mobileconfig"));
}

#[test]
fn an_unsupported_algorithm_is_a_finding_not_an_error() {
    let signed = unwrap(&fixture("signed/rsa2048-pss-sha256.mobileconfig")).unwrap();
    assert!(!signed.signer.signature_valid);
    let problem = signed.signer.problem.unwrap();
    assert!(problem.contains("RSASSA-PSS"), "{problem}");
    assert_eq!(
        signed.signer.subject,
        "CN=Lucarne Test RSA Signer,O=Lucarne tests,C=FR"
    );
}

#[test]
fn structures_that_are_not_signed_data_are_precise_errors() {
    use ber::{encode, tag};
    // ContentInfo holding id-data instead of id-signedData.
    let content_info = encode(
        tag::SEQUENCE,
        &[
            encode(tag::OID, oid::DATA.as_bytes()),
            encode(tag::CONTEXT_0, &[]),
        ]
        .concat(),
    );
    assert_eq!(
        unwrap(&content_info),
        Err(CmsError::NotSignedData("1.2.840.113549.1.7.1".into()))
    );
    // Trailing bytes after the ContentInfo.
    let mut trailing = fixture(QUAD9);
    trailing.push(0);
    assert_eq!(
        unwrap(&trailing),
        Err(CmsError::TrailingData {
            what: "ContentInfo"
        })
    );
    // A detached signature: encapContentInfo without eContent.
    let signed_data = encode(
        tag::SEQUENCE,
        &[
            encode(tag::INTEGER, &[1]),
            encode(tag::SET, &[]),
            encode(tag::SEQUENCE, &encode(tag::OID, oid::DATA.as_bytes())),
            encode(tag::SET, &[]),
        ]
        .concat(),
    );
    let content_info = |signed_data: &[u8]| {
        encode(
            tag::SEQUENCE,
            &[
                encode(tag::OID, oid::SIGNED_DATA.as_bytes()),
                encode(tag::CONTEXT_0, signed_data),
            ]
            .concat(),
        )
    };
    assert_eq!(
        unwrap(&content_info(&signed_data)),
        Err(CmsError::DetachedContent)
    );
    // Content present but no SignerInfo.
    let signed_data = encode(
        tag::SEQUENCE,
        &[
            encode(tag::INTEGER, &[1]),
            encode(tag::SET, &[]),
            encode(
                tag::SEQUENCE,
                &[
                    encode(tag::OID, oid::DATA.as_bytes()),
                    encode(tag::CONTEXT_0, &encode(tag::OCTET_STRING, b"<plist/>")),
                ]
                .concat(),
            ),
            encode(tag::SET, &[]),
        ]
        .concat(),
    );
    assert_eq!(unwrap(&content_info(&signed_data)), Err(CmsError::NoSigner));
    assert!(matches!(
        unwrap(&vec![0u8; MAX_SIGNED_BYTES + 1]),
        Err(CmsError::TooLarge { .. })
    ));
}

#[test]
fn a_malformed_certificate_is_an_error_naming_it() {
    let mut bytes = fixture(QUAD9);
    // The signer certificate (index 0) holds notBefore "260227043045Z".
    let at = find(&bytes, b"260227043045Z");
    bytes[at] = b'X';
    assert!(matches!(
        unwrap(&bytes),
        Err(CmsError::BadCertificate { index: 0, .. })
    ));
}

#[test]
fn a_wrong_tag_is_an_error_naming_the_field() {
    let mut bytes = fixture(QUAD9);
    // ContentInfo is SEQUENCE (4-octet header) then the contentType OID at offset 4.
    assert_eq!(bytes[4], 0x06);
    bytes[4] = 0x05;
    assert_eq!(
        unwrap(&bytes),
        Err(CmsError::UnexpectedTag {
            what: "ContentInfo contentType",
            expected: "an OID",
            found: 0x05
        })
    );
}

#[test]
fn a_signer_without_its_certificate_is_reported_by_issuer() {
    let bytes = fixture(QUAD9);
    let mut signed = read_signed_data(&bytes, ContentType::Data).unwrap();
    signed.certificates.clear();
    let report = signer_report(&signed).unwrap();
    assert!(!report.signature_valid);
    assert_eq!(report.issuer, "CN=E8,O=Let's Encrypt,C=US");
    assert!(report.subject.is_empty());
    assert!(report.problem.unwrap().contains("not in the file"));
}

#[test]
fn too_many_certificates_is_an_error() {
    use ber::{encode, tag};
    // 65 certificate choices (other-format [3] elements, skipped but counted).
    let certificates: Vec<u8> = (0..=MAX_CERTIFICATES)
        .flat_map(|_| encode(0xA3, &[]))
        .collect();
    let signed_data = encode(
        tag::SEQUENCE,
        &[
            encode(tag::INTEGER, &[1]),
            encode(tag::SET, &[]),
            encode(
                tag::SEQUENCE,
                &[
                    encode(tag::OID, oid::DATA.as_bytes()),
                    encode(tag::CONTEXT_0, &encode(tag::OCTET_STRING, b"<plist/>")),
                ]
                .concat(),
            ),
            encode(tag::CONTEXT_0, &certificates),
            encode(tag::SET, &[]),
        ]
        .concat(),
    );
    let content_info = encode(
        tag::SEQUENCE,
        &[
            encode(tag::OID, oid::SIGNED_DATA.as_bytes()),
            encode(tag::CONTEXT_0, &signed_data),
        ]
        .concat(),
    );
    assert_eq!(
        unwrap(&content_info),
        Err(CmsError::TooMany {
            what: "certificates",
            limit: MAX_CERTIFICATES
        })
    );
}
