//! What the analysis states: capabilities of the administration, each with its evidence.

use serde::{Deserialize, Serialize};

use crate::text::Text;

/// The kind of power a capability gives the administration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verb {
    /// Read information from the device.
    Read,
    /// Change a setting.
    Change,
    /// Install (or remove) profiles, apps, certificates.
    Install,
    /// Erase the device.
    Erase,
    /// Lock the device or remove its passcode.
    Lock,
    /// Put network traffic through a path it controls.
    Intercept,
    /// Locate the device.
    Locate,
    /// Watch the screen.
    Observe,
    /// Forbid something to the user.
    Restrict,
}

impl Verb {
    /// Every verb, in display order.
    pub const ALL: [Verb; 9] = [
        Verb::Erase,
        Verb::Lock,
        Verb::Locate,
        Verb::Observe,
        Verb::Intercept,
        Verb::Read,
        Verb::Install,
        Verb::Change,
        Verb::Restrict,
    ];

    /// The verb's name as written in the catalogue and in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Verb::Read => "read",
            Verb::Change => "change",
            Verb::Install => "install",
            Verb::Erase => "erase",
            Verb::Lock => "lock",
            Verb::Intercept => "intercept",
            Verb::Locate => "locate",
            Verb::Observe => "observe",
            Verb::Restrict => "restrict",
        }
    }
}

/// Where a capability comes from: a profile, one of its payloads, one key and its value. A
/// capability may rest on several pieces (a trust anchor *and* a proxy).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Evidence {
    /// `PayloadIdentifier` of the profile, or the source name (e.g. `cloud-configuration`)
    /// for facts that do not come from a profile.
    pub profile: String,
    /// `PayloadUUID` of the payload.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payload_uuid: Option<String>,
    /// `PayloadType` of the payload.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payload_type: Option<String>,
    /// The key (or `AccessRights` bit name) that supports the claim.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// The value of that key, as text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
}

/// One thing the administration can do to or learn from the device.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Capability {
    /// Stable identifier from the catalogue (e.g. `mdm.erase`, `traffic.proxy`), used by diffs.
    pub id: String,
    /// What kind of power it is.
    pub verb: Verb,
    /// The plain sentence, French and English.
    pub text: Text,
    /// Only works on a supervised device.
    pub supervised_only: bool,
    /// On this device, whether that condition holds is known and false: the capability is
    /// stated but cannot be used now. `None` when supervision is unknown (a lone profile file).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usable: Option<bool>,
    /// What supports the claim.
    pub evidence: Vec<Evidence>,
}
