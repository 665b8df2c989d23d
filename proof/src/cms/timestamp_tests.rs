//! Tests of RFC 3161 timestamps against the test timestamping authority made with
//! `openssl ts` (`tests/tsa/test-tsa.sh`; `tests/setup.sh` installs openssl when absent).

#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::process::Command;

use super::*;

/// A fresh test TSA in a temporary directory.
struct Tsa {
    dir: tempfile::TempDir,
}

fn script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/tsa/test-tsa.sh")
}

fn run(args: &[&Path]) {
    let status = Command::new("bash")
        .arg(script())
        .args(args)
        .status()
        .unwrap();
    assert!(status.success(), "test-tsa.sh {args:?}");
}

impl Tsa {
    fn new() -> Tsa {
        let dir = tempfile::tempdir().unwrap();
        run(&[Path::new("init"), dir.path()]);
        Tsa { dir }
    }

    /// `openssl ts -query -data` over `data`, answered: the TimeStampResp bytes.
    fn stamp(&self, data: &[u8]) -> Vec<u8> {
        let input = self.dir.path().join("data");
        let out = self.dir.path().join("out.tsr");
        std::fs::write(&input, data).unwrap();
        run(&[Path::new("stamp"), self.dir.path(), &input, &out]);
        std::fs::read(out).unwrap()
    }

    /// Answers a TimeStampReq written by [`request`].
    fn reply(&self, query: &[u8]) -> Vec<u8> {
        let input = self.dir.path().join("query.tsq");
        let out = self.dir.path().join("reply.tsr");
        std::fs::write(&input, query).unwrap();
        run(&[Path::new("reply"), self.dir.path(), &input, &out]);
        std::fs::read(out).unwrap()
    }
}

fn sha256(data: &[u8]) -> [u8; 32] {
    ring::digest::digest(&ring::digest::SHA256, data)
        .as_ref()
        .try_into()
        .unwrap()
}

#[test]
fn a_token_from_openssl_ts_states_the_hash_the_time_and_its_signer() {
    let tsa = Tsa::new();
    let data = b"lucarne.export/1\nabc  MANIFEST\n";
    let response = tsa.stamp(data);
    let stamp = verify(&response, data).unwrap();
    assert_eq!(stamp.policy, "1.3.6.1.4.1.99999.1");
    assert_eq!(stamp.hash_algorithm, "SHA-256");
    assert_eq!(stamp.hashed_message, hex::encode(sha256(data)));
    assert_eq!(stamp.gen_time.len(), "2026-11-30T16:20:12Z".len());
    assert!(stamp.gen_time.ends_with('Z') && stamp.gen_time.as_bytes()[10] == b'T');
    assert_eq!(stamp.signer.subject, "CN=Lucarne Test TSA");
    assert_eq!(stamp.signer.issuer, "CN=Lucarne Test TSA Root");
    assert!(stamp.signer.signature_valid);
    assert!(stamp.nonce.is_some());
    // `read` states the same without the data.
    assert_eq!(read(&response).unwrap(), stamp);
}

#[test]
fn a_token_about_other_data_is_refused() {
    let tsa = Tsa::new();
    let response = tsa.stamp(b"one");
    let err = verify(&response, b"two").unwrap_err();
    assert!(
        matches!(err, TimestampError::ImprintMismatch { .. }),
        "{err}"
    );
}

#[test]
fn our_request_is_answered_by_openssl_with_our_nonce() {
    let tsa = Tsa::new();
    let data = b"signed manifest";
    let query = request(&sha256(data), 0x8000_0000_0000_0001);
    let response = tsa.reply(&query);
    let stamp = verify(&response, data).unwrap();
    assert_eq!(stamp.nonce.as_deref(), Some("008000000000000001"));
    // A small nonce is written minimally.
    assert_eq!(positive_integer(5), vec![5]);
    assert_eq!(positive_integer(0), vec![0]);
    assert_eq!(positive_integer(0x80), vec![0, 0x80]);
}

#[test]
fn a_changed_byte_in_the_signed_info_breaks_the_token() {
    let tsa = Tsa::new();
    let data = b"x";
    let response = tsa.stamp(data);
    // The TSA's name inside TSTInfo is signed; so is the genTime.
    let at = response
        .windows(16)
        .position(|w| w == b"Lucarne Test TSA")
        .unwrap();
    let mut changed = response.clone();
    changed[at] ^= 0x20;
    assert!(verify(&changed, data).is_err());
    // No byte flipped anywhere makes the reader panic, and none makes it accept other data.
    for i in 0..response.len() {
        let mut bytes = response.clone();
        bytes[i] ^= 0x01;
        if let Ok(stamp) = verify(&bytes, data) {
            assert_eq!(stamp.hashed_message, hex::encode(sha256(data)));
        }
        let _ = read(&bytes[..i]);
    }
}

#[test]
fn refusals_and_other_content_types_are_errors() {
    // status 2 (rejection) with a text.
    let text = ber::encode(0x0C, b"bad request");
    let status = [
        ber::encode(tag::INTEGER, &[2]),
        ber::encode(tag::SEQUENCE, &text),
    ]
    .concat();
    let response = ber::encode(tag::SEQUENCE, &ber::encode(tag::SEQUENCE, &status));
    let err = read(&response).unwrap_err();
    assert_eq!(
        err,
        TimestampError::NotGranted {
            status: 2,
            text: Some("bad request".into())
        }
    );
    // Granted without a token.
    let granted = ber::encode(
        tag::SEQUENCE,
        &ber::encode(tag::SEQUENCE, &ber::encode(tag::INTEGER, &[0])),
    );
    assert_eq!(read(&granted).unwrap_err(), TimestampError::NoToken);
    // A signed profile is id-data, not a timestamp; a timestamp token is not a profile.
    let profile = std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../tests/fixtures/profiles/encdns-signed__quad9-default-https.mobileconfig"),
    )
    .unwrap();
    assert!(matches!(
        read(&profile).unwrap_err(),
        TimestampError::Cms(CmsError::UnsupportedContentType { .. })
    ));
    let tsa = Tsa::new();
    let response = tsa.stamp(b"y");
    let token = token_bytes(&response).unwrap();
    assert!(matches!(
        super::super::unwrap(token).unwrap_err(),
        CmsError::UnsupportedContentType { .. }
    ));
    // The bare token reads like the response.
    assert_eq!(read(token).unwrap(), read(&response).unwrap());
}

#[test]
fn generalized_times() {
    assert_eq!(
        generalized_time(b"20261130162012Z").unwrap(),
        "2026-11-30T16:20:12Z"
    );
    assert_eq!(
        generalized_time(b"20261130162012.25Z").unwrap(),
        "2026-11-30T16:20:12.25Z"
    );
    for bad in [
        &b"20261130162012"[..],
        b"20261130162012+0100",
        b"2026113016201Z",
        b"20261330162012Z",
        b"20261130162012.Z",
        b"20261130162012.50Z",
        b"2026113016201aZ",
    ] {
        assert!(generalized_time(bad).is_err(), "{bad:?}");
    }
}

#[test]
fn a_changed_tsa_certificate_is_caught_by_the_signed_signing_certificate_attribute() {
    let tsa = Tsa::new();
    let data = b"z";
    let response = tsa.stamp(data);
    let der = Command::new("openssl")
        .args(["x509", "-outform", "DER", "-in"])
        .arg(tsa.dir.path().join("tsa.pem"))
        .output()
        .unwrap()
        .stdout;
    let start = response
        .windows(der.len())
        .position(|w| w == der.as_slice())
        .unwrap();
    // The notBefore UTCTime's last digit of the seconds: the key stays the same, so only
    // the ESS signingCertificateV2 hash can tell.
    let time = der.windows(2).position(|w| w == [0x17, 0x0d]).unwrap();
    let mut changed = response.clone();
    changed[start + time + 2 + 11] ^= 0x01;
    let err = verify(&changed, data).unwrap_err();
    assert!(
        matches!(&err, TimestampError::BadSignature(why) if why.contains("signingCertificate")),
        "{err}"
    );
}
