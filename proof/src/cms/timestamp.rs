//! RFC 3161 timestamps: a timestamping authority (TSA) signs a statement that it saw a hash at
//! a time. Lucarne asks for one over an export's signed manifest, so that the export is proved
//! to exist no later than that time by a party that is neither the official nor the server.
//!
//! A timestamp token is a CMS SignedData ([`super`]) whose encapsulated content is a `TSTInfo`
//! (content type id-ct-TSTInfo, 1.2.840.113549.1.9.16.1.4); a TSA answers a request with a
//! `TimeStampResp` holding a status and the token. [`read`] accepts either, [`verify`] also
//! checks that the token is about the given bytes.
//!
//! What is checked: the CMS structure and signature (with the signed attributes, the
//! `contentType` attribute must be id-ct-TSTInfo and `messageDigest` the TSTInfo's digest), the
//! response status (granted, or granted with modifications), the TSTInfo fields, and that the
//! message imprint is the digest of the data. What is **not** checked, like for every CMS
//! signature here: whether the TSA's certificate is trusted (chain, expiry, revocation, the
//! timeStamping extended key usage, the ESS signing-certificate attribute). The report names
//! the TSA's certificate (subject, issuer, SHA-256) for the reader to compare with the
//! authority they trust.
//!
//! [`request`] writes the DER of a `TimeStampReq` for a SHA-256 digest.

use serde::{Deserialize, Serialize};

use super::ber::{self, tag, unexpected, Element, Reader};
use super::signature::Digest;
use super::{oid, unwrap_typed, CmsError, ContentType, Signer};

/// GeneralizedTime.
const GENERALIZED_TIME: u8 = 0x18;
/// BOOLEAN.
const BOOLEAN: u8 = 0x01;
/// NULL.
const NULL: u8 = 0x05;

/// What a timestamp token states, and who signed it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Timestamp {
    /// The TSA's policy under which the token was issued, dotted.
    pub policy: String,
    /// The hash algorithm of the message imprint (`SHA-256`, …).
    pub hash_algorithm: String,
    /// The hash the TSA signed, hex.
    pub hashed_message: String,
    /// The token's serial number, hex of the INTEGER's content octets.
    pub serial: String,
    /// The time the TSA states, RFC 3339 UTC (`YYYY-MM-DDTHH:MM:SS[.fff]Z`).
    pub gen_time: String,
    /// The nonce of the request, hex, when the token carries one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nonce: Option<String>,
    /// The TSA's signing certificate and whether the signature verifies.
    pub signer: Signer,
}

/// Why a timestamp cannot be read or does not hold.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TimestampError {
    /// The CMS wrapper or the response is malformed.
    #[error("malformed timestamp: {0}")]
    Cms(#[from] CmsError),
    /// The TSA refused the request.
    #[error("the timestamping authority refused (status {status}{})", text.as_deref().map(|t| format!(": {t}")).unwrap_or_default())]
    NotGranted {
        /// The PKIStatus value.
        status: u64,
        /// The authority's words, if any.
        text: Option<String>,
    },
    /// The response holds no token.
    #[error("the timestamping authority's answer holds no token")]
    NoToken,
    /// The TSTInfo's version is not 1.
    #[error("TSTInfo version {0} is not 1")]
    Version(String),
    /// The message imprint uses a hash Lucarne does not compute.
    #[error("the timestamp's hash algorithm {0} is not supported")]
    UnsupportedHash(String),
    /// The TSA's signature does not verify.
    #[error("the timestamping authority's signature does not verify: {0}")]
    BadSignature(String),
    /// The token is about other bytes.
    #[error(
        "the timestamp is about other data (its {algorithm} is {found}, the data's is {expected})"
    )]
    ImprintMismatch {
        /// The hash algorithm.
        algorithm: String,
        /// The digest of the data, hex.
        expected: String,
        /// The digest in the token, hex.
        found: String,
    },
}

/// Reads a `TimeStampResp` (what a TSA answers, `openssl ts -reply` writes) or a bare
/// `TimeStampToken` (a ContentInfo), checks the CMS signature, and returns what it states.
/// A signature that does not verify is an error here: a timestamp is only worth its signature.
pub fn read(bytes: &[u8]) -> Result<Timestamp, TimestampError> {
    let token = token_bytes(bytes)?;
    let signed = unwrap_typed(token, ContentType::TstInfo)?;
    if !signed.signer.signature_valid {
        return Err(TimestampError::BadSignature(
            signed.signer.problem.clone().unwrap_or_default(),
        ));
    }
    let (mut timestamp, _) = read_tst_info(&signed.content)?;
    timestamp.signer = signed.signer;
    Ok(timestamp)
}

/// [`read`], then checks that the token's message imprint is the digest of `data`.
pub fn verify(bytes: &[u8], data: &[u8]) -> Result<Timestamp, TimestampError> {
    let token = token_bytes(bytes)?;
    let signed = unwrap_typed(token, ContentType::TstInfo)?;
    if !signed.signer.signature_valid {
        return Err(TimestampError::BadSignature(
            signed.signer.problem.clone().unwrap_or_default(),
        ));
    }
    let (mut timestamp, digest) = read_tst_info(&signed.content)?;
    let expected = hex::encode(digest.digest(data));
    if expected != timestamp.hashed_message {
        return Err(TimestampError::ImprintMismatch {
            algorithm: timestamp.hash_algorithm,
            expected,
            found: timestamp.hashed_message,
        });
    }
    timestamp.signer = signed.signer;
    Ok(timestamp)
}

/// The DER of a `TimeStampReq` (RFC 3161 §2.4.1) for the SHA-256 `digest`: version 1, the
/// imprint, the `nonce` (a positive INTEGER) and `certReq` TRUE, so that the answer carries
/// the TSA's certificate and can be checked offline.
pub fn request(digest: &[u8; 32], nonce: u64) -> Vec<u8> {
    let algorithm = [
        ber::encode(tag::OID, oid::SHA256.as_bytes()),
        ber::encode(NULL, &[]),
    ]
    .concat();
    let imprint = [
        ber::encode(tag::SEQUENCE, &algorithm),
        ber::encode(tag::OCTET_STRING, digest),
    ]
    .concat();
    let body = [
        ber::encode(tag::INTEGER, &[1]),
        ber::encode(tag::SEQUENCE, &imprint),
        ber::encode(tag::INTEGER, &positive_integer(nonce)),
        ber::encode(BOOLEAN, &[0xFF]),
    ]
    .concat();
    ber::encode(tag::SEQUENCE, &body)
}

/// How [`Timestamp::nonce`] shows the nonce a [`request`] carried: hex of the INTEGER's
/// content octets.
pub fn nonce_hex(nonce: u64) -> String {
    hex::encode(positive_integer(nonce))
}

/// The content octets of a DER INTEGER holding `value` (minimal, with a leading zero when
/// the high bit is set).
fn positive_integer(value: u64) -> Vec<u8> {
    let mut octets: Vec<u8> = value
        .to_be_bytes()
        .into_iter()
        .skip_while(|&b| b == 0)
        .collect();
    if octets.first().is_none_or(|b| b & 0x80 != 0) {
        octets.insert(0, 0);
    }
    octets
}

/// The token inside a response, or the input itself when it is already a token.
fn token_bytes(bytes: &[u8]) -> Result<&[u8], TimestampError> {
    if bytes.len() > super::MAX_SIGNED_BYTES {
        return Err(CmsError::TooLarge {
            size: bytes.len(),
            limit: super::MAX_SIGNED_BYTES,
        }
        .into());
    }
    let mut top = Reader::new(bytes);
    let outer = top.expect(tag::SEQUENCE, "a SEQUENCE", "TimeStampResp")?;
    top.finish("TimeStampResp")?;
    let mut fields = outer.children("TimeStampResp")?;
    // A token (ContentInfo) starts with its content type OID; a response with its status.
    if fields.peek_tag() == Some(tag::OID) {
        return Ok(bytes);
    }
    let status = fields.expect(tag::SEQUENCE, "a PKIStatusInfo", "TimeStampResp status")?;
    let token = fields.next("TimeStampResp timeStampToken")?;
    fields.finish("TimeStampResp")?;
    let mut status_fields = status.children("PKIStatusInfo")?;
    let value = status_fields.expect(tag::INTEGER, "an INTEGER", "PKIStatus")?;
    let value = small_unsigned(value.content, "PKIStatus")?;
    let text = status_fields
        .optional(tag::SEQUENCE, "PKIStatusInfo statusString")?
        .and_then(|e| free_text(&e));
    // 0 granted, 1 granted with modifications; everything else is a refusal.
    if value > 1 {
        return Err(TimestampError::NotGranted {
            status: value,
            text,
        });
    }
    let token = token.ok_or(TimestampError::NoToken)?;
    if !token.tag.is(tag::SEQUENCE) {
        return Err(unexpected("TimeStampResp timeStampToken", "a ContentInfo", token.tag).into());
    }
    Ok(token.raw)
}

/// The first UTF8String of a PKIFreeText, at most 200 characters of it, for messages.
fn free_text(sequence: &Element<'_>) -> Option<String> {
    let mut texts = sequence.children("PKIFreeText").ok()?;
    let first = texts.next("PKIFreeText").ok()??;
    let text = std::str::from_utf8(first.content).ok()?;
    Some(text.chars().filter(|c| !c.is_control()).take(200).collect())
}

/// A non-negative INTEGER that fits in 64 bits.
fn small_unsigned(content: &[u8], what: &'static str) -> Result<u64, CmsError> {
    let bad = |problem: &str| CmsError::BadValue {
        what,
        problem: problem.into(),
    };
    if content.is_empty() {
        return Err(bad("an empty INTEGER"));
    }
    if content[0] & 0x80 != 0 {
        return Err(bad("a negative INTEGER"));
    }
    let significant: Vec<u8> = content.iter().copied().skip_while(|&b| b == 0).collect();
    if significant.len() > 8 {
        return Err(bad("an INTEGER too large"));
    }
    Ok(significant
        .iter()
        .fold(0u64, |acc, &b| (acc << 8) | u64::from(b)))
}

/// Reads a TSTInfo (RFC 3161 §2.4.2); returns what it states (with an empty signer) and the
/// digest algorithm of its imprint.
fn read_tst_info(bytes: &[u8]) -> Result<(Timestamp, Digest), TimestampError> {
    const WHAT: &str = "TSTInfo";
    let mut top = Reader::new(bytes);
    let info = top.expect(tag::SEQUENCE, "a SEQUENCE", WHAT)?;
    top.finish(WHAT)?;
    let mut fields = info.children(WHAT)?;
    let version = fields.expect(tag::INTEGER, "an INTEGER", "TSTInfo version")?;
    if version.content != [1] {
        return Err(TimestampError::Version(hex::encode(version.content)));
    }
    let policy = fields.expect(tag::OID, "an OID", "TSTInfo policy")?;
    let imprint = fields.expect(tag::SEQUENCE, "a MessageImprint", "TSTInfo messageImprint")?;
    let serial = fields.expect(tag::INTEGER, "an INTEGER", "TSTInfo serialNumber")?;
    let gen_time = fields.expect(GENERALIZED_TIME, "a GeneralizedTime", "TSTInfo genTime")?;
    // accuracy, ordering, nonce, tsa, extensions: only the nonce is kept.
    let mut nonce = None;
    while let Some(element) = fields.next(WHAT)? {
        if element.tag.is(tag::INTEGER) {
            nonce = Some(hex::encode(element.content));
        }
    }

    let mut imprint_fields = imprint.children("MessageImprint")?;
    let algorithm = imprint_fields.expect(
        tag::SEQUENCE,
        "an AlgorithmIdentifier",
        "MessageImprint hashAlgorithm",
    )?;
    let hashed = imprint_fields
        .expect(
            tag::OCTET_STRING,
            "an OCTET STRING",
            "MessageImprint hashedMessage",
        )?
        .content;
    imprint_fields.finish("MessageImprint")?;
    let mut algorithm_fields = algorithm.children("MessageImprint hashAlgorithm")?;
    let algorithm = algorithm_fields
        .expect(tag::OID, "an OID", "MessageImprint hashAlgorithm")?
        .content;
    let digest = Digest::from_oid(algorithm)
        .ok_or_else(|| TimestampError::UnsupportedHash(oid::algorithm_name(algorithm)))?;

    Ok((
        Timestamp {
            policy: oid::dotted(policy.content),
            hash_algorithm: digest.name().to_string(),
            hashed_message: hex::encode(hashed),
            serial: hex::encode(serial.content),
            gen_time: generalized_time(gen_time.content)?,
            nonce,
            signer: Signer::default(),
        },
        digest,
    ))
}

/// A GeneralizedTime as RFC 3161 requires it (`YYYYMMDDHHMMSS[.f…]Z`, UTC) → RFC 3339.
fn generalized_time(content: &[u8]) -> Result<String, CmsError> {
    let bad = || CmsError::BadValue {
        what: "TSTInfo genTime",
        problem: "not a UTC GeneralizedTime (YYYYMMDDHHMMSS[.fff]Z)".into(),
    };
    let text = std::str::from_utf8(content).map_err(|_| bad())?;
    let body = text.strip_suffix('Z').ok_or_else(bad)?;
    let (main, fraction) = match body.split_once('.') {
        Some((main, fraction)) => (main, Some(fraction)),
        None => (body, None),
    };
    if main.len() != 14 || !main.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    if let Some(fraction) = fraction {
        // RFC 3161: no trailing zeros, at least one digit.
        if fraction.is_empty()
            || fraction.len() > 9
            || !fraction.bytes().all(|b| b.is_ascii_digit())
            || fraction.ends_with('0')
        {
            return Err(bad());
        }
    }
    let number = |range: std::ops::Range<usize>| main[range].parse::<u32>().unwrap_or(u32::MAX);
    let (month, day, hour, minute, second) = (
        number(4..6),
        number(6..8),
        number(8..10),
        number(10..12),
        number(12..14),
    );
    if !(1..=12).contains(&month)
        || !(1..=31).contains(&day)
        || hour > 23
        || minute > 59
        || second > 60
    {
        return Err(bad());
    }
    let mut out = format!(
        "{}-{}-{}T{}:{}:{}",
        &main[0..4],
        &main[4..6],
        &main[6..8],
        &main[8..10],
        &main[10..12],
        &main[12..14]
    );
    if let Some(fraction) = fraction {
        out.push('.');
        out.push_str(fraction);
    }
    out.push('Z');
    Ok(out)
}

#[cfg(test)]
#[path = "timestamp_tests.rs"]
mod tests;
