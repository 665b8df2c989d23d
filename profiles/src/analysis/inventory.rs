//! What is on the device — profiles, apps, certificates — and who put each there, when the
//! source can tell. Comparisons of one device over time and of many devices read this.

use serde::{Deserialize, Serialize};

use super::Builder;
use crate::capability::Tri;
use crate::catalog::catalog;
use crate::profile::Profile;
use crate::snapshot::{Snapshot, Source};

/// Who installed a profile or an app.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum Installer {
    /// The MDM.
    Mdm,
    /// The user, by hand.
    User,
    /// The source cannot tell (a USB listing, a profile file).
    #[default]
    Unknown,
}

impl Installer {
    /// From the snapshot's `managed` flag (`Some(true)`: the MDM installed it).
    pub fn from_managed(managed: Option<bool>) -> Installer {
        match managed {
            Some(true) => Installer::Mdm,
            Some(false) => Installer::User,
            None => Installer::Unknown,
        }
    }

    /// Its name, as in JSON and message selectors.
    pub fn as_str(self) -> &'static str {
        match self {
            Installer::Mdm => "mdm",
            Installer::User => "user",
            Installer::Unknown => "unknown",
        }
    }
}

/// A profile on the device (or in a file).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfileFact {
    /// `PayloadIdentifier`.
    pub identifier: String,
    /// `PayloadDisplayName`, as the administration wrote it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Who installed it.
    pub installed_by: Installer,
    /// The user cannot remove it (`PayloadRemovalDisallowed`).
    pub removal_disallowed: bool,
    /// Its payload types, when its content is known.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub payload_types: Vec<String>,
    /// Its payloads are known (a file or a backup, not only a USB listing).
    pub payloads_known: bool,
    /// When it was installed, RFC 3339, when the source tells.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub installed_at: Option<String>,
}

/// An app on the device.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppFact {
    /// Bundle identifier.
    pub bundle_id: String,
    /// Display name, as the app's maker wrote it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// Managed by the MDM.
    pub managed: Tri,
    /// Distributed outside the App Store (provisioning profile, not Apple's signer).
    pub in_house: bool,
    /// What kind of reach the app gives over the screen or the device, when the catalogue
    /// lists it (`remote-control`, `screen-sharing`, `device-monitoring`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
}

/// A certificate a profile installs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertificateFact {
    /// Subject DN.
    pub subject: String,
    /// Hex SHA-256 of the DER.
    pub sha256: String,
    /// A certificate authority.
    pub is_ca: bool,
    /// The profile that installs it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile: Option<String>,
}

/// What is on the device.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Inventory {
    /// Configuration profiles.
    pub profiles: Vec<ProfileFact>,
    /// Apps (empty when the source lists none).
    pub apps: Vec<AppFact>,
    /// Certificates installed by profiles.
    pub certificates: Vec<CertificateFact>,
    /// Dated events of the device's history; `None` when the source keeps no history (only a
    /// backup does).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub history_events: Option<u64>,
    /// The sources read.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<Source>,
    /// What the App Privacy Report covered, when one was read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub privacy: Option<PrivacyFacts>,
}

impl Inventory {
    /// Whether a source that lists the device's profiles was read (the device itself or a
    /// backup): only then can the absence of a profile, an MDM or an account be a fact.
    pub fn profiles_seen(&self) -> bool {
        self.sources
            .iter()
            .any(|s| matches!(s, Source::Live | Source::Backup))
    }
}

/// What an App Privacy Report covered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrivacyFacts {
    /// Apps it names.
    pub apps: u64,
    /// Lines that could not be read and were skipped.
    pub skipped_lines: u64,
    /// Start of the period it covers, RFC 3339.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    /// End of the period it covers, RFC 3339.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
}

/// Signer of every App Store app.
pub(crate) const APP_STORE_SIGNER: &str = "Apple iPhone OS Application Signing";

impl Builder {
    pub(super) fn inventory_profile(
        &mut self,
        profile: &Profile,
        payloads_known: bool,
        installed_by: Installer,
        installed_at: Option<String>,
    ) {
        let mut payload_types: Vec<String> = profile
            .payloads
            .iter()
            .map(|p| p.payload_type.clone())
            .collect();
        payload_types.sort();
        payload_types.dedup();
        self.analysis.inventory.profiles.push(ProfileFact {
            identifier: profile.identifier.clone(),
            name: profile.display_name.clone(),
            installed_by,
            removal_disallowed: profile.removal_disallowed,
            payload_types,
            payloads_known,
            installed_at,
        });
    }
}

/// Apps, certificates, history and sources of a snapshot.
pub(super) fn snapshot_inventory(b: &mut Builder, snapshot: &Snapshot) {
    let inventory = &mut b.analysis.inventory;
    for app in &snapshot.apps {
        let signer = app.signer.as_deref().unwrap_or("");
        inventory.apps.push(AppFact {
            bundle_id: app.bundle_id.clone(),
            name: app.name.clone(),
            version: app.version.clone(),
            managed: Tri::from_option(app.managed),
            in_house: app.provisioned && signer != APP_STORE_SIGNER,
            category: catalog()
                .app_category(&app.bundle_id)
                .map(|c| c.as_str().to_string()),
        });
    }
    for cert in &snapshot.certificates {
        inventory.certificates.push(CertificateFact {
            subject: cert.subject.clone(),
            sha256: cert.sha256.clone(),
            is_ca: cert.is_ca,
            profile: cert.profile.clone(),
        });
    }
    let mut sources: Vec<Source> = snapshot.sources.iter().map(|s| s.source).collect();
    sources.sort();
    sources.dedup();
    // Only a backup keeps the device's dated history of profile and setting events.
    inventory.history_events = sources
        .contains(&Source::Backup)
        .then_some(snapshot.history.len() as u64);
    inventory.sources = sources;
    inventory.privacy = snapshot.privacy.as_ref().map(|p| PrivacyFacts {
        apps: p.apps.len() as u64,
        skipped_lines: p.skipped_lines,
        from: p.from.clone(),
        to: p.to.clone(),
    });
}
