//! CMS (PKCS#7) SignedData (RFC 5652): the wrapper of signed configuration profiles
//! (`.mobileconfig` files signed by their issuer are a `ContentInfo { SignedData }` with the
//! plist as encapsulated content), and of RFC 3161 timestamp tokens.
//!
//! [`unwrap`] returns the content and a [`Signer`] report: who signed (subject, issuer,
//! validity, fingerprint, the other certificates shipped with it) and whether the signature
//! verifies against the signer certificate's own key. What the content means is the caller's
//! business (`lucarne-profiles` reads it as a profile).
//!
//! What is checked, and what is not:
//! - the signature: with signed attributes, the `messageDigest` attribute must equal the
//!   digest of the content and the signature must verify over the DER of the attributes
//!   (re-tagged as `SET OF`, RFC 5652 §5.4); without them, over the content itself;
//! - **trust is not checked**: no chain building, no root store, no expiry or revocation
//!   check. An unknown, self-signed or expired signer is reported as it is; whether the
//!   official trusts it is theirs to decide, with the facts in front of them;
//! - an unsupported algorithm or a signature that does not verify is a finding
//!   (`signature_valid: false` and `problem`), not an error; a structure that is not CMS
//!   SignedData, or is malformed, is a [`CmsError`].
//!
//! Input is hostile: BER as Apple's tools write it (indefinite lengths, constructed OCTET
//! STRINGs) is accepted, and everything is bounded (size, nesting, counts). See
//! [`ber`] for why the DER reader is hand-written.
//!
//! # Layout
//! - [`ber`]: BER/DER element reader.
//! - [`oid`]: object identifiers and their names.
//! - [`certificate`]: the X.509 fields the report and the check need (with `x509-cert`).
//! - [`signature`]: signature verification with `ring`.

mod ber;
mod certificate;
mod oid;
mod signature;
pub mod timestamp;

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

use ber::{tag, unexpected, Element, Reader};
use certificate::Certificate;
use signature::Digest;

/// Largest signed file accepted (16 MiB: Apple's largest real-world profiles, with certificate
/// bundles, are a few megabytes).
pub const MAX_SIGNED_BYTES: usize = 16 * 1024 * 1024;
/// Most certificates read from one signature.
pub const MAX_CERTIFICATES: usize = 64;
/// Most signed attributes read from one signer.
pub const MAX_SIGNED_ATTRIBUTES: usize = 64;

/// The content of a signed file and who signed it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedContent {
    /// The encapsulated content (for a signed profile, the profile plist).
    pub content: Vec<u8>,
    /// The signer, with whether the signature is valid.
    pub signer: Signer,
}

// The doc comment below is the `Signer` description of the published snapshot schema
// (`profiles/schema/snapshot.schema.json`): change both together.
/// The signer of a CMS-signed profile. An untrusted or expired signer is reported, never an
/// error: whether the official trusts it is theirs to decide.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema, Default)]
pub struct Signer {
    /// Subject distinguished name of the signing certificate.
    pub subject: String,
    /// Issuer distinguished name.
    pub issuer: String,
    /// Start of validity, RFC 3339.
    pub not_before: String,
    /// End of validity, RFC 3339.
    pub not_after: String,
    /// Hex SHA-256 of the signing certificate (DER).
    pub certificate_sha256: String,
    /// The signature verifies against the embedded certificate's public key and the content.
    pub signature_valid: bool,
    /// Why the signature did not verify, when it did not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub problem: Option<String>,
    /// Other certificates shipped in the signature (the chain), as subjects.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub chain: Vec<String>,
}

/// Why a CMS wrapper could not be opened. `what` names the structure being read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CmsError {
    /// The input is larger than [`MAX_SIGNED_BYTES`].
    #[error("the signed file is {size} bytes, more than the {limit} bytes accepted")]
    TooLarge {
        /// Size of the input.
        size: usize,
        /// The limit.
        limit: usize,
    },
    /// The data ends before the element is complete.
    #[error("{what}: the data ends before the element is complete")]
    Truncated {
        /// The element being read.
        what: &'static str,
    },
    /// An element has a different tag than the structure requires.
    #[error("{what}: expected {expected}, found tag 0x{found:02x}")]
    UnexpectedTag {
        /// The element being read.
        what: &'static str,
        /// What the structure requires there.
        expected: &'static str,
        /// The identifier octet found.
        found: u8,
    },
    /// A length is malformed (indefinite on a primitive element, reserved, too long).
    #[error("{what}: malformed length")]
    BadLength {
        /// The element being read.
        what: &'static str,
    },
    /// Elements are nested deeper than the reader accepts.
    #[error("{what}: nested more than {limit} levels deep")]
    TooDeep {
        /// The element being read.
        what: &'static str,
        /// The limit.
        limit: usize,
    },
    /// More elements of a kind than accepted.
    #[error("more than {limit} {what}")]
    TooMany {
        /// The kind of element.
        what: &'static str,
        /// The limit.
        limit: usize,
    },
    /// Data follows the last element a structure may hold.
    #[error("{what}: unexpected data after the last element")]
    TrailingData {
        /// The structure being read.
        what: &'static str,
    },
    /// An element's value is malformed.
    #[error("{what}: {problem}")]
    BadValue {
        /// The element being read.
        what: &'static str,
        /// What is wrong.
        problem: String,
    },
    /// The ContentInfo holds something other than SignedData (e.g. an encrypted profile).
    #[error("the content type is {0}, not CMS SignedData (1.2.840.113549.1.7.2)")]
    NotSignedData(String),
    /// The signed content is not of the type the caller reads (plain data for profiles,
    /// TSTInfo for timestamp tokens).
    #[error("the signed content type is {found}, not {expected}")]
    UnsupportedContentType {
        /// The content type found, dotted.
        found: String,
        /// The content type required, named and dotted.
        expected: &'static str,
    },
    /// The signature is detached: the file does not carry the signed content.
    #[error("the signature is detached: the file does not contain the signed profile")]
    DetachedContent,
    /// SignedData has no SignerInfo.
    #[error("the signature has no signer")]
    NoSigner,
    /// A certificate shipped with the signature is malformed.
    #[error("certificate {index}: {problem}")]
    BadCertificate {
        /// Position of the certificate in the file, from 0.
        index: usize,
        /// What is wrong with it.
        problem: Box<CmsError>,
    },
}

/// Whether `bytes` start like a DER SEQUENCE (a CMS ContentInfo) rather than a plist.
pub fn looks_like_cms(bytes: &[u8]) -> bool {
    bytes.first() == Some(&0x30)
}

/// Opens a CMS SignedData wrapper: returns the encapsulated content and the signer report.
/// Only plain data (id-data) is accepted as content: a timestamp token is opened by
/// [`timestamp`], which asks for its own content type explicitly.
pub fn unwrap(bytes: &[u8]) -> Result<SignedContent, CmsError> {
    unwrap_typed(bytes, ContentType::Data)
}

/// The content types a caller may ask [`unwrap_typed`] for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ContentType {
    /// id-data (signed profiles).
    Data,
    /// id-ct-TSTInfo (RFC 3161 timestamp tokens).
    TstInfo,
}

impl ContentType {
    fn oid(self) -> oid::Oid {
        match self {
            ContentType::Data => oid::DATA,
            ContentType::TstInfo => oid::TST_INFO,
        }
    }

    fn name(self) -> &'static str {
        match self {
            ContentType::Data => "data (1.2.840.113549.1.7.1)",
            ContentType::TstInfo => "id-ct-TSTInfo (1.2.840.113549.1.9.16.1.4)",
        }
    }
}

/// [`unwrap`] for a SignedData whose content must be of type `expected`.
pub(crate) fn unwrap_typed(bytes: &[u8], expected: ContentType) -> Result<SignedContent, CmsError> {
    if bytes.len() > MAX_SIGNED_BYTES {
        return Err(CmsError::TooLarge {
            size: bytes.len(),
            limit: MAX_SIGNED_BYTES,
        });
    }
    let signed = read_signed_data(bytes, expected)?;
    let signer = signer_report(&signed)?;
    Ok(SignedContent {
        content: signed.content.into_owned(),
        signer,
    })
}

/// The parts of SignedData the report uses.
struct SignedData<'a> {
    content_type: &'a [u8],
    content: Cow<'a, [u8]>,
    certificates: Vec<Certificate>,
    signer: SignerInfo<'a>,
}

/// The first SignerInfo.
struct SignerInfo<'a> {
    id: SignerId<'a>,
    digest_algorithm: &'a [u8],
    signed_attributes: Option<Element<'a>>,
    signature_algorithm: &'a [u8],
    signature: Cow<'a, [u8]>,
}

/// How a SignerInfo points at its certificate.
enum SignerId<'a> {
    /// The DER of the issuer Name and of the serial INTEGER.
    IssuerAndSerial {
        issuer: &'a [u8],
        serial: &'a [u8],
    },
    SubjectKeyId(&'a [u8]),
}

fn read_signed_data(bytes: &[u8], expected: ContentType) -> Result<SignedData<'_>, CmsError> {
    let mut top = Reader::new(bytes);
    let content_info = top.expect(tag::SEQUENCE, "a SEQUENCE", "ContentInfo")?;
    top.finish("ContentInfo")?;
    let mut fields = content_info.children("ContentInfo")?;
    let content_type = fields.expect(tag::OID, "an OID", "ContentInfo contentType")?;
    if !oid::is(content_type.content, oid::SIGNED_DATA) {
        return Err(CmsError::NotSignedData(oid::dotted(content_type.content)));
    }
    let explicit = fields.expect(tag::CONTEXT_0, "[0]", "ContentInfo content")?;
    fields.finish("ContentInfo")?;
    let mut explicit = explicit.children("ContentInfo content")?;
    let signed_data = explicit.expect(tag::SEQUENCE, "a SEQUENCE", "SignedData")?;
    explicit.finish("ContentInfo content")?;

    let mut fields = signed_data.children("SignedData")?;
    fields.expect(tag::INTEGER, "an INTEGER", "SignedData version")?;
    fields.expect(tag::SET, "a SET", "SignedData digestAlgorithms")?;
    let encapsulated = fields.expect(tag::SEQUENCE, "a SEQUENCE", "encapContentInfo")?;
    let certificates = fields.optional(tag::CONTEXT_0, "SignedData certificates")?;
    fields.optional(tag::CONTEXT_1, "SignedData crls")?;
    let signer_infos = fields.expect(tag::SET, "a SET", "SignedData signerInfos")?;
    fields.finish("SignedData")?;

    let (content_type, content) = read_encapsulated(&encapsulated, expected)?;
    let certificates = match certificates {
        Some(set) => read_certificates(&set)?,
        None => Vec::new(),
    };
    let mut signer_infos = signer_infos.children("SignedData signerInfos")?;
    let first = signer_infos.next("SignerInfo")?.ok_or(CmsError::NoSigner)?;
    Ok(SignedData {
        content_type,
        content,
        certificates,
        signer: read_signer_info(&first)?,
    })
}

/// The encapsulated content type and content (RFC 5652 §5.2).
fn read_encapsulated<'a>(
    element: &Element<'a>,
    expected: ContentType,
) -> Result<(&'a [u8], Cow<'a, [u8]>), CmsError> {
    const WHAT: &str = "encapContentInfo";
    let mut fields = element.children(WHAT)?;
    let content_type = fields.expect(tag::OID, "an OID", "eContentType")?.content;
    let explicit = fields.optional(tag::CONTEXT_0, "eContent")?;
    fields.finish(WHAT)?;
    if !oid::is(content_type, expected.oid()) {
        return Err(CmsError::UnsupportedContentType {
            found: oid::dotted(content_type),
            expected: expected.name(),
        });
    }
    let explicit = explicit.ok_or(CmsError::DetachedContent)?;
    let mut inner = explicit.children("eContent")?;
    let octets = inner.element("eContent")?.octets("eContent")?;
    inner.finish("eContent")?;
    Ok((content_type, octets))
}

fn read_certificates(set: &Element<'_>) -> Result<Vec<Certificate>, CmsError> {
    let mut reader = set.children("SignedData certificates")?;
    let mut certificates = Vec::new();
    let mut index = 0usize;
    while let Some(choice) = reader.next("SignedData certificates")? {
        if index >= MAX_CERTIFICATES {
            return Err(CmsError::TooMany {
                what: "certificates",
                limit: MAX_CERTIFICATES,
            });
        }
        // Only X.509 certificates (a plain SEQUENCE) can sign; the other CertificateChoices
        // (attribute certificates, other formats) are tagged and skipped.
        if choice.tag.is(tag::SEQUENCE) {
            let certificate =
                certificate::parse(&choice).map_err(|problem| CmsError::BadCertificate {
                    index,
                    problem: Box::new(problem),
                })?;
            certificates.push(certificate);
        }
        index += 1;
    }
    Ok(certificates)
}

fn read_signer_info<'a>(element: &Element<'a>) -> Result<SignerInfo<'a>, CmsError> {
    const WHAT: &str = "SignerInfo";
    if !element.tag.is(tag::SEQUENCE) {
        return Err(unexpected(WHAT, "a SEQUENCE", element.tag));
    }
    let mut fields = element.children(WHAT)?;
    fields.expect(tag::INTEGER, "an INTEGER", "SignerInfo version")?;
    let sid = fields.element("SignerInfo sid")?;
    let id = if sid.tag.is(tag::SEQUENCE) {
        let mut parts = sid.children("issuerAndSerialNumber")?;
        let issuer = parts.expect(tag::SEQUENCE, "a Name", "issuerAndSerialNumber issuer")?;
        let serial = parts.expect(
            tag::INTEGER,
            "an INTEGER",
            "issuerAndSerialNumber serialNumber",
        )?;
        parts.finish("issuerAndSerialNumber")?;
        SignerId::IssuerAndSerial {
            issuer: issuer.raw,
            serial: serial.raw,
        }
    } else if sid.tag.is(tag::CONTEXT_0_PRIMITIVE) {
        SignerId::SubjectKeyId(sid.content)
    } else {
        return Err(unexpected(
            "SignerInfo sid",
            "issuerAndSerialNumber or subjectKeyIdentifier",
            sid.tag,
        ));
    };
    let digest_algorithm = algorithm_oid(
        &fields.expect(
            tag::SEQUENCE,
            "an AlgorithmIdentifier",
            "SignerInfo digestAlgorithm",
        )?,
        "SignerInfo digestAlgorithm",
    )?;
    let signed_attributes = fields.optional(tag::CONTEXT_0, "SignerInfo signedAttrs")?;
    let signature_algorithm = algorithm_oid(
        &fields.expect(
            tag::SEQUENCE,
            "an AlgorithmIdentifier",
            "SignerInfo signatureAlgorithm",
        )?,
        "SignerInfo signatureAlgorithm",
    )?;
    let signature = fields
        .element("SignerInfo signature")?
        .octets("SignerInfo signature")?;
    fields.optional(tag::CONTEXT_1, "SignerInfo unsignedAttrs")?;
    fields.finish(WHAT)?;
    Ok(SignerInfo {
        id,
        digest_algorithm,
        signed_attributes,
        signature_algorithm,
        signature,
    })
}

/// The OID of an AlgorithmIdentifier (its parameters are not needed by the supported
/// algorithms).
fn algorithm_oid<'a>(element: &Element<'a>, what: &'static str) -> Result<&'a [u8], CmsError> {
    let mut fields = element.children(what)?;
    Ok(fields.expect(tag::OID, "an OID", what)?.content)
}

/// The values of the signed attributes this check needs.
struct SignedAttributes<'a> {
    content_type: Option<&'a [u8]>,
    message_digest: Option<Cow<'a, [u8]>>,
    /// The ESS signing-certificate attribute (RFC 2634, RFC 5035): the hash algorithm and
    /// the hash of the first certificate it names, the signer's.
    signing_certificate: Option<(Digest, Cow<'a, [u8]>)>,
}

fn read_signed_attributes<'a>(set: &Element<'a>) -> Result<SignedAttributes<'a>, CmsError> {
    const WHAT: &str = "SignerInfo signedAttrs";
    let mut attributes = set.children(WHAT)?;
    let mut found = SignedAttributes {
        content_type: None,
        message_digest: None,
        signing_certificate: None,
    };
    let mut count = 0usize;
    while let Some(attribute) = attributes.next(WHAT)? {
        count += 1;
        if count > MAX_SIGNED_ATTRIBUTES {
            return Err(CmsError::TooMany {
                what: "signed attributes",
                limit: MAX_SIGNED_ATTRIBUTES,
            });
        }
        if !attribute.tag.is(tag::SEQUENCE) {
            return Err(unexpected(WHAT, "an Attribute (SEQUENCE)", attribute.tag));
        }
        let mut fields = attribute.children(WHAT)?;
        let kind = fields
            .expect(tag::OID, "an OID", "signed attribute type")?
            .content;
        let values = fields.expect(tag::SET, "a SET", "signed attribute values")?;
        fields.finish(WHAT)?;
        let single_value = |what: &'static str| -> Result<Element<'a>, CmsError> {
            let mut values = values.children(what)?;
            let value = values.element(what)?;
            values.finish(what)?;
            Ok(value)
        };
        // RFC 5652 §5.3: these two attributes hold exactly one value and appear once.
        let duplicate = |what: &'static str| CmsError::BadValue {
            what,
            problem: "the attribute appears more than once".into(),
        };
        if oid::is(kind, oid::ATTR_CONTENT_TYPE) {
            if found.content_type.is_some() {
                return Err(duplicate("contentType attribute"));
            }
            let value = single_value("contentType attribute")?;
            found.content_type =
                Some(value.primitive(tag::OID, "an OID", "contentType attribute")?);
        } else if oid::is(kind, oid::ATTR_MESSAGE_DIGEST) {
            if found.message_digest.is_some() {
                return Err(duplicate("messageDigest attribute"));
            }
            let value = single_value("messageDigest attribute")?;
            found.message_digest = Some(value.octets("messageDigest attribute")?);
        } else if oid::is(kind, oid::ATTR_SIGNING_CERTIFICATE)
            || oid::is(kind, oid::ATTR_SIGNING_CERTIFICATE_V2)
        {
            if found.signing_certificate.is_some() {
                return Err(duplicate("signingCertificate attribute"));
            }
            let value = single_value("signingCertificate attribute")?;
            let v2 = oid::is(kind, oid::ATTR_SIGNING_CERTIFICATE_V2);
            found.signing_certificate = Some(read_ess_cert_id(&value, v2)?);
        }
    }
    Ok(found)
}

/// The hash algorithm and certificate hash of the first ESSCertID(v2) of a
/// SigningCertificate(V2) value. ESSCertID (v1) hashes are SHA-1; ESSCertIDv2 names its
/// algorithm, SHA-256 when absent.
fn read_ess_cert_id<'a>(
    value: &Element<'a>,
    v2: bool,
) -> Result<(Digest, Cow<'a, [u8]>), CmsError> {
    const WHAT: &str = "signingCertificate attribute";
    if !value.tag.is(tag::SEQUENCE) {
        return Err(unexpected(WHAT, "a SEQUENCE", value.tag));
    }
    let mut fields = value.children(WHAT)?;
    let certs = fields.expect(tag::SEQUENCE, "a SEQUENCE OF ESSCertID", WHAT)?;
    let mut certs = certs.children(WHAT)?;
    let first = certs.expect(tag::SEQUENCE, "an ESSCertID", WHAT)?;
    let mut id = first.children(WHAT)?;
    let mut digest = if v2 { Digest::Sha256 } else { Digest::Sha1 };
    if v2 && id.peek_tag() == Some(tag::SEQUENCE) {
        let algorithm = algorithm_oid(&id.element(WHAT)?, WHAT)?;
        digest = Digest::from_oid(algorithm).ok_or_else(|| CmsError::BadValue {
            what: WHAT,
            problem: format!(
                "the hash algorithm {} is not supported",
                oid::algorithm_name(algorithm)
            ),
        })?;
    }
    let hash = id.element(WHAT)?.octets(WHAT)?;
    Ok((digest, hash))
}

/// The exact bytes the signature covers when there are signed attributes: their DER
/// encoding with the `[0] IMPLICIT` tag replaced by the `SET OF` tag (RFC 5652 §5.4). A BER
/// indefinite length is rewritten as a definite one, as DER requires.
fn signed_attributes_message(set: &Element<'_>) -> Vec<u8> {
    if set.indefinite {
        return ber::encode(tag::SET, set.content);
    }
    let mut message = set.raw.to_vec();
    if let Some(first) = message.first_mut() {
        *first = tag::SET;
    }
    message
}

fn signer_report(signed: &SignedData<'_>) -> Result<Signer, CmsError> {
    let info = &signed.signer;
    let certificate = signed.certificates.iter().find(|c| match &info.id {
        SignerId::IssuerAndSerial { issuer, serial } => {
            certificate::is_issued_as(c, issuer, serial)
        }
        SignerId::SubjectKeyId(id) => c.subject_key_id.as_deref() == Some(*id),
    });
    let mut report = match certificate {
        Some(c) => Signer {
            subject: c.summary.subject.clone(),
            issuer: c.summary.issuer.clone(),
            not_before: c.summary.not_before.clone(),
            not_after: c.summary.not_after.clone(),
            certificate_sha256: c.summary.sha256.clone(),
            ..Signer::default()
        },
        // Without its certificate the signer is known only by how the SignerInfo names it.
        None => Signer {
            issuer: match &info.id {
                SignerId::IssuerAndSerial { issuer, .. } => {
                    certificate::name_text(issuer).unwrap_or_default()
                }
                SignerId::SubjectKeyId(_) => String::new(),
            },
            ..Signer::default()
        },
    };
    report.chain = signed
        .certificates
        .iter()
        .filter(|c| !certificate.is_some_and(|signer| std::ptr::eq(*c, signer)))
        .map(|c| c.summary.subject.clone())
        .collect();
    let attributes = match &info.signed_attributes {
        Some(set) => Some(read_signed_attributes(set)?),
        None => None,
    };
    match check_signature(signed, certificate, attributes.as_ref()) {
        Ok(()) => report.signature_valid = true,
        Err(problem) => report.problem = Some(problem),
    }
    Ok(report)
}

/// Whether the signature verifies; when it does not, why, in words.
fn check_signature(
    signed: &SignedData<'_>,
    certificate: Option<&Certificate>,
    attributes: Option<&SignedAttributes<'_>>,
) -> Result<(), String> {
    let info = &signed.signer;
    let digest = Digest::from_oid(info.digest_algorithm).ok_or_else(|| {
        format!(
            "the digest algorithm {} is not supported",
            oid::algorithm_name(info.digest_algorithm)
        )
    })?;
    let message: Cow<'_, [u8]> = match (attributes, &info.signed_attributes) {
        (Some(attributes), Some(set)) => {
            if let Some(content_type) = attributes.content_type {
                if content_type != signed.content_type {
                    return Err(format!(
                        "the signed contentType attribute ({}) is not the content's type",
                        oid::dotted(content_type)
                    ));
                }
            }
            let expected = attributes
                .message_digest
                .as_deref()
                .ok_or("the signed attributes have no messageDigest")?;
            if digest.digest(&signed.content) != expected {
                return Err(format!(
                    "the content does not match the signed {} digest: it was changed after signing",
                    digest.name()
                ));
            }
            if let (Some((digest, hash)), Some(certificate)) =
                (&attributes.signing_certificate, certificate)
            {
                if digest.digest(&certificate.der) != hash.as_ref() {
                    return Err(
                        "the signed signingCertificate attribute names another certificate \
                         than the one in the file"
                            .to_string(),
                    );
                }
            }
            Cow::Owned(signed_attributes_message(set))
        }
        _ => Cow::Borrowed(&signed.content[..]),
    };
    let certificate = certificate.ok_or("the signer's certificate is not in the file")?;
    signature::verify(
        &certificate.key,
        info.signature_algorithm,
        digest,
        &message,
        &info.signature,
    )
}

#[cfg(test)]
mod tests;
