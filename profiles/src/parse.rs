//! Reading configuration profiles from bytes: XML plist, binary plist, or a CMS-signed DER
//! wrapper around either. What Apple's own parser accepts, we accept; anything else is a
//! [`ParseError`] that says what is wrong. Sizes and nesting are bounded before any work.

use serde_json::{Map, Value};

use lucarne_proof::cms;

use crate::plist_read::{self, PlistError, PlistLimits};
use crate::profile::{Payload, Profile};
use crate::value::{self, Limits, ValueError};

/// Largest profile file accepted (Apple's largest real-world profiles, with certificate
/// bundles, are a few megabytes).
pub const MAX_PROFILE_BYTES: usize = 16 * 1024 * 1024;
// Every profile file accepted here, signed or not, must be one the CMS reader accepts.
const _: () = assert!(cms::MAX_SIGNED_BYTES >= MAX_PROFILE_BYTES);
/// Most payloads accepted in one profile.
pub const MAX_PAYLOADS: usize = 4096;

/// Why a profile could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ParseError {
    /// The file is empty.
    #[error("the file is empty")]
    Empty,
    /// The file is larger than [`MAX_PROFILE_BYTES`].
    #[error("the file is {size} bytes, more than the {limit} bytes accepted")]
    TooLarge {
        /// Size of the input.
        size: usize,
        /// The limit.
        limit: usize,
    },
    /// Not a property list (XML or binary) nor a CMS-signed one.
    #[error("not a property list (XML or binary) nor a signed profile: {0}")]
    NotAPlist(String),
    /// The signed (CMS) wrapper could not be opened.
    #[error("signed profile: {0}")]
    Cms(#[from] cms::CmsError),
    /// The top level is not a dictionary.
    #[error("the top level is a {0}, not a dictionary")]
    NotADictionary(&'static str),
    /// A limit on nesting or size was exceeded.
    #[error("{0}")]
    Limit(#[from] ValueError),
    /// A required key is missing or has the wrong type.
    #[error("key `{key}`: {problem}")]
    BadKey {
        /// The key.
        key: String,
        /// What is wrong.
        problem: String,
    },
    /// More payloads than [`MAX_PAYLOADS`].
    #[error("more than {0} payloads")]
    TooManyPayloads(usize),
}

/// Parses a configuration profile from the bytes of a `.mobileconfig` file.
pub fn parse_profile(bytes: &[u8]) -> Result<Profile, ParseError> {
    if bytes.is_empty() {
        return Err(ParseError::Empty);
    }
    if bytes.len() > MAX_PROFILE_BYTES {
        return Err(ParseError::TooLarge {
            size: bytes.len(),
            limit: MAX_PROFILE_BYTES,
        });
    }
    if cms::looks_like_cms(bytes) {
        let signed = cms::unwrap(bytes)?;
        let mut profile = parse_plist_profile(&signed.content)?;
        profile.signer = Some(signed.signer);
        return Ok(profile);
    }
    parse_plist_profile(bytes)
}

/// Parses an unsigned profile (XML or binary plist).
pub fn parse_plist_profile(bytes: &[u8]) -> Result<Profile, ParseError> {
    let root = read_plist(bytes)?;
    let Value::Object(top) = root else {
        // Plain text reads as an OpenStep string; say what the user sees: not a profile.
        let body = strip_leading_noise(bytes);
        if !body.starts_with(b"<") && !body.starts_with(b"bplist") {
            return Err(ParseError::NotAPlist(
                "plain text, not an XML or binary property list".into(),
            ));
        }
        return Err(ParseError::NotADictionary(kind_of(&root)));
    };
    profile_from_dict(top)
}

/// Reads a property list (XML or binary, with or without an XML declaration) into JSON
/// under the default limits.
pub fn read_plist(bytes: &[u8]) -> Result<Value, ParseError> {
    if bytes.len() > MAX_PROFILE_BYTES {
        return Err(ParseError::TooLarge {
            size: bytes.len(),
            limit: MAX_PROFILE_BYTES,
        });
    }
    let body = strip_leading_noise(bytes);
    // Read as an event stream under bounds: a binary plist can reference one object many
    // times, so a few hundred bytes could otherwise expand to billions of values.
    let limits = PlistLimits {
        max_bytes: MAX_PROFILE_BYTES,
        ..PlistLimits::default()
    };
    let parsed = plist_read::read(body, limits).map_err(|e| match e {
        PlistError::TooLarge { size, limit } => ParseError::TooLarge { size, limit },
        PlistError::TooDeep(depth) => ParseError::Limit(ValueError::TooDeep(depth)),
        PlistError::TooBig(_) => ParseError::Limit(ValueError::TooManyValues(limits.max_values)),
        other => ParseError::NotAPlist(other.to_string()),
    })?;
    Ok(value::from_plist(&parsed, Limits::default())?)
}

/// Builds a profile from its top-level dictionary (also used for profile stubs in backups).
pub fn profile_from_dict(mut top: Map<String, Value>) -> Result<Profile, ParseError> {
    let mut warnings = Vec::new();
    let payload_type = take_string(&mut top, "PayloadType").unwrap_or_default();
    let encrypted = top.contains_key("EncryptedPayloadContent");
    let mut profile = Profile {
        identifier: take_string(&mut top, "PayloadIdentifier").unwrap_or_default(),
        uuid: take_string(&mut top, "PayloadUUID").unwrap_or_default(),
        display_name: take_string(&mut top, "PayloadDisplayName"),
        organization: take_string(&mut top, "PayloadOrganization"),
        description: take_string(&mut top, "PayloadDescription"),
        version: top
            .remove("PayloadVersion")
            .and_then(|v| value::as_i64_lenient(&v)),
        removal_disallowed: top
            .remove("PayloadRemovalDisallowed")
            .and_then(|v| value::as_bool_lenient(&v))
            .unwrap_or(false),
        scope: take_string(&mut top, "PayloadScope"),
        consent_text: top.remove("ConsentText"),
        removal_date: top.remove("RemovalDate").map(|v| date_text(&v)),
        duration_until_removal: top.remove("DurationUntilRemoval").and_then(|v| match v {
            Value::Number(n) => n.as_f64(),
            Value::String(s) => s.trim().parse().ok(),
            _ => None,
        }),
        has_removal_passcode: top
            .remove("HasRemovalPasscode")
            .and_then(|v| value::as_bool_lenient(&v))
            .unwrap_or(false),
        encrypted,
        payload_type: payload_type.clone(),
        ..Default::default()
    };

    match top.remove("PayloadContent") {
        Some(Value::Array(items)) if payload_type == "Configuration" || payload_type.is_empty() => {
            if items.len() > MAX_PAYLOADS {
                return Err(ParseError::TooManyPayloads(MAX_PAYLOADS));
            }
            for (index, item) in items.into_iter().enumerate() {
                match item {
                    Value::Object(dict) => match payload_from_dict(dict) {
                        Ok(payload) => profile.payloads.push(payload),
                        Err(problem) => {
                            warnings.push(format!("PayloadContent[{index}]: {problem}"))
                        }
                    },
                    other => warnings.push(format!(
                        "PayloadContent[{index}] is a {}, not a dictionary: skipped",
                        kind_of(&other)
                    )),
                }
            }
        }
        Some(other) if payload_type == "Configuration" => {
            return Err(ParseError::BadKey {
                key: "PayloadContent".into(),
                problem: format!("is a {}, not an array of payloads", kind_of(&other)),
            });
        }
        content => {
            if payload_type.is_empty() {
                return Err(ParseError::BadKey {
                    key: "PayloadType".into(),
                    problem: "missing: this is not a configuration profile".into(),
                });
            }
            // A bare payload at the top level (e.g. a restrictions dictionary installed on its
            // own by an MDM): treat the envelope itself as the one payload.
            if let Some(content) = content {
                top.insert("PayloadContent".into(), content);
            }
            let mut dict = top.clone();
            dict.insert("PayloadType".into(), Value::String(payload_type.clone()));
            dict.insert(
                "PayloadIdentifier".into(),
                Value::String(profile.identifier.clone()),
            );
            dict.insert("PayloadUUID".into(), Value::String(profile.uuid.clone()));
            if let Ok(payload) = payload_from_dict(dict) {
                profile.payloads.push(payload);
            }
        }
    }
    if profile.identifier.is_empty() {
        warnings.push("PayloadIdentifier is missing".into());
    }
    profile.warnings = warnings;
    Ok(profile)
}

/// Builds one payload from its dictionary.
pub fn payload_from_dict(mut dict: Map<String, Value>) -> Result<Payload, String> {
    let payload_type = match dict.remove("PayloadType") {
        Some(Value::String(s)) if !s.trim().is_empty() => s,
        Some(other) => {
            return Err(format!(
                "PayloadType is a {}, not a string: skipped",
                kind_of(&other)
            ))
        }
        None => return Err("PayloadType is missing: skipped".into()),
    };
    Ok(Payload {
        payload_type,
        identifier: take_string(&mut dict, "PayloadIdentifier").unwrap_or_default(),
        uuid: take_string(&mut dict, "PayloadUUID").unwrap_or_default(),
        display_name: take_string(&mut dict, "PayloadDisplayName"),
        organization: take_string(&mut dict, "PayloadOrganization"),
        description: take_string(&mut dict, "PayloadDescription"),
        version: dict
            .remove("PayloadVersion")
            .and_then(|v| value::as_i64_lenient(&v)),
        content: dict,
    })
}

fn take_string(map: &mut Map<String, Value>, key: &str) -> Option<String> {
    match map.remove(key)? {
        Value::String(s) => Some(s),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn date_text(value: &Value) -> String {
    match value {
        Value::Object(map) => map
            .get(value::DATE_KEY)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Name of a JSON value's kind, for messages.
pub fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(map) if map.contains_key(value::DATA_KEY) => "data",
        Value::Object(map) if map.contains_key(value::DATE_KEY) => "date",
        Value::Object(_) => "dictionary",
    }
}

/// Skips a UTF-8 byte-order mark and leading whitespace, which Apple's parser tolerates.
fn strip_leading_noise(bytes: &[u8]) -> &[u8] {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let start = bytes
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(bytes.len());
    &bytes[start..]
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    const MINIMAL: &str = r#"<plist version="1.0"><dict>
        <key>PayloadType</key><string>Configuration</string>
        <key>PayloadIdentifier</key><string>fr.example.test</string>
        <key>PayloadUUID</key><string>A</string>
        <key>PayloadVersion</key><string>1</string>
        <key>PayloadRemovalDisallowed</key><integer>1</integer>
        <key>PayloadContent</key><array>
          <dict><key>PayloadType</key><string>com.apple.applicationaccess</string>
                <key>PayloadUUID</key><string>B</string>
                <key>allowCamera</key><false/></dict>
          <string>stray</string>
        </array></dict></plist>"#;

    #[test]
    fn reads_a_profile_without_xml_declaration() {
        let profile = parse_profile(MINIMAL.as_bytes()).unwrap();
        assert_eq!(profile.identifier, "fr.example.test");
        assert_eq!(profile.version, Some(1));
        assert!(profile.removal_disallowed);
        assert_eq!(profile.payloads.len(), 1);
        assert_eq!(
            profile.payloads[0].get("allowCamera"),
            Some(&Value::Bool(false))
        );
        assert_eq!(profile.warnings.len(), 1, "{:?}", profile.warnings);
    }

    #[test]
    fn binary_plist_reads_the_same() {
        let value = plist::Value::from_reader(std::io::Cursor::new(MINIMAL.as_bytes())).unwrap();
        let mut out = Vec::new();
        value.to_writer_binary(&mut out).unwrap();
        let a = parse_profile(MINIMAL.as_bytes()).unwrap();
        let b = parse_profile(&out).unwrap();
        assert_eq!(a, b);
    }

    #[test]
    fn rejects_what_is_not_a_plist() {
        assert!(matches!(
            parse_profile(b"hello, world"),
            Err(ParseError::NotAPlist(_))
        ));
        assert!(matches!(
            parse_profile(b"<plist><dict><key>a</key></plist>"),
            Err(ParseError::NotAPlist(_))
        ));
        assert_eq!(parse_profile(b""), Err(ParseError::Empty));
        assert!(matches!(
            parse_profile(b"<plist><array/></plist>"),
            Err(ParseError::NotADictionary("array"))
        ));
    }

    #[test]
    fn refuses_a_binary_plist_bomb() {
        // 30 nested arrays of 2 references each to the array below: 2^30 values from a
        // file of a few hundred bytes. The bounded reader stops early.
        let mut objects: Vec<Vec<u8>> = vec![vec![0x09]]; // true
        for i in 1..=30u8 {
            objects.push(vec![0xA2, i - 1, i - 1]);
        }
        let mut file = b"bplist00".to_vec();
        let mut offsets = Vec::new();
        for o in &objects {
            offsets.push(file.len() as u8);
            file.extend_from_slice(o);
        }
        let table = file.len() as u64;
        file.extend_from_slice(&offsets);
        let mut trailer = vec![0u8; 6];
        trailer.push(1); // offset size
        trailer.push(1); // reference size
        trailer.extend_from_slice(&(objects.len() as u64).to_be_bytes());
        trailer.extend_from_slice(&(objects.len() as u64 - 1).to_be_bytes()); // top object
        trailer.extend_from_slice(&table.to_be_bytes());
        file.extend_from_slice(&trailer);
        assert!(file.len() < 512);
        assert!(matches!(parse_profile(&file), Err(ParseError::Limit(_))));
    }

    #[test]
    fn rejects_deep_nesting_before_parsing() {
        let xml = format!(
            "<plist>{}{}</plist>",
            "<array>".repeat(10_000),
            "</array>".repeat(10_000)
        );
        assert!(matches!(
            parse_profile(xml.as_bytes()),
            Err(ParseError::Limit(ValueError::TooDeep(_)))
        ));
    }
}
