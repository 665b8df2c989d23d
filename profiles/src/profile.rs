//! The model of a configuration profile once parsed: the top-level envelope, its payloads,
//! and who signed it. Payload contents stay as JSON values (see [`crate::value`]) so that the
//! same model travels inside snapshots.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// Who signed a signed profile: the report of [`lucarne_proof::cms`], kept under this path
/// because it is part of the profile model (and of the snapshot schema).
pub use lucarne_proof::cms::Signer;

/// A configuration profile (`PayloadType` `Configuration`, or a bare payload that a device
/// would also accept).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema, Default)]
pub struct Profile {
    /// `PayloadType` of the envelope, normally `Configuration`.
    pub payload_type: String,
    /// `PayloadIdentifier`: the name devices use to replace or remove the profile.
    pub identifier: String,
    /// `PayloadUUID`.
    pub uuid: String,
    /// `PayloadDisplayName`, as the administration wrote it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// `PayloadOrganization`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organization: Option<String>,
    /// `PayloadDescription`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// `PayloadVersion`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<i64>,
    /// `PayloadRemovalDisallowed`: the user cannot remove the profile (supervised devices).
    #[serde(default)]
    pub removal_disallowed: bool,
    /// `PayloadScope` (`System` or `User`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    /// `ConsentText`: a string, or a dictionary of language code → text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consent_text: Option<Value>,
    /// `RemovalDate`, RFC 3339.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub removal_date: Option<String>,
    /// `DurationUntilRemoval`, seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration_until_removal: Option<f64>,
    /// `HasRemovalPasscode` / `com.apple.profileRemovalPassword` present.
    #[serde(default)]
    pub has_removal_passcode: bool,
    /// The profile's payloads are encrypted (`EncryptedPayloadContent`): their content cannot
    /// be read from the file.
    #[serde(default)]
    pub encrypted: bool,
    /// The payloads (`PayloadContent` entries of the envelope).
    #[serde(default)]
    pub payloads: Vec<Payload>,
    /// Who signed the file, when it was CMS-signed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signer: Option<Signer>,
    /// Problems found while reading that did not stop the parse (e.g. a payload that is not a
    /// dictionary and was skipped).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
}

/// One payload of a profile.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema, Default)]
pub struct Payload {
    /// `PayloadType`, e.g. `com.apple.mdm`.
    pub payload_type: String,
    /// `PayloadIdentifier`.
    #[serde(default)]
    pub identifier: String,
    /// `PayloadUUID`.
    #[serde(default)]
    pub uuid: String,
    /// `PayloadDisplayName`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// `PayloadOrganization`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organization: Option<String>,
    /// `PayloadDescription`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// `PayloadVersion`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<i64>,
    /// Every key of the payload dictionary other than the common `Payload*` keys above, with
    /// secrets already redacted when the profile went through [`crate::redact`].
    #[serde(default)]
    pub content: Map<String, Value>,
}

impl Payload {
    /// The value of `key` in this payload's content.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.content.get(key)
    }

    /// A string value of `key`, if it is a non-empty string.
    pub fn str(&self, key: &str) -> Option<&str> {
        self.content
            .get(key)
            .and_then(Value::as_str)
            .filter(|s| !s.trim().is_empty())
    }
}
