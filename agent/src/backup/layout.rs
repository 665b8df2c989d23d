//! Where backups live and how a backup folder is laid out: `Info.plist`, `Manifest.plist`,
//! `Manifest.db`, and every payload file at `<first two hex digits>/<fileID>` where fileID is
//! the SHA-1 of `domain-relativePath`.

use std::path::{Path, PathBuf};

use super::plist_read::{self, PlistLimits};

/// The backup domain holding the system configuration-profile store.
pub const PROFILES_DOMAIN: &str =
    "SysSharedContainerDomain-systemgroup.com.apple.configurationprofiles";
/// Folder of the system configuration-profile store inside [`PROFILES_DOMAIN`].
pub const PROFILES_DIR: &str = "Library/ConfigurationProfiles";
/// The backup domain of the user's home folder.
pub const HOME_DOMAIN: &str = "HomeDomain";
/// Folder of the user configuration-profile store inside [`HOME_DOMAIN`].
pub const USER_PROFILES_DIR: &str = "Library/UserConfigurationProfiles";

/// `Manifest.db` `flags` value of a regular file.
pub const FLAG_FILE: i64 = 1;

/// The fileID of `relative_path` in `domain`: lowercase hex SHA-1 of `domain-relativePath`.
pub fn file_id(domain: &str, relative_path: &str) -> String {
    let digest = ring::digest::digest(
        &ring::digest::SHA1_FOR_LEGACY_USE_ONLY,
        format!("{domain}-{relative_path}").as_bytes(),
    );
    hex::encode(digest.as_ref())
}

/// Whether `id` has the shape of a fileID (40 lowercase hex digits), the only shape we ever
/// turn into a path.
pub fn is_file_id(id: &str) -> bool {
    id.len() == 40
        && id
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// Whether a `relativePath` from the manifest stays inside its domain: relative, no `..`,
/// no NUL. Rows that fail are refused.
pub fn is_safe_relative_path(path: &str) -> bool {
    !path.starts_with('/')
        && !path.starts_with('\\')
        && !path.contains('\0')
        && !path.contains(':')
        && path
            .split(['/', '\\'])
            .all(|part| part != ".." && part != ".")
}

/// Where the payload of `id` lives in the backup at `dir`. `None` when `id` is not a fileID.
pub fn payload_path(dir: &Path, id: &str) -> Option<PathBuf> {
    is_file_id(id).then(|| dir.join(&id[..2]).join(id))
}

/// The folders where Finder, iTunes and the Apple Devices app keep backups on this computer,
/// most likely first. Linux has no Apple tool: `idevicebackup2` users pick a folder, and
/// `~/.local/share/lucarne/backups` is where we suggest making them.
pub fn default_roots() -> Vec<PathBuf> {
    let mut roots = Vec::new();
    let env = |name: &str| std::env::var_os(name).map(PathBuf::from);
    if let Some(home) = env("HOME") {
        roots.push(home.join("Library/Application Support/MobileSync/Backup"));
        roots.push(home.join(".local/share/lucarne/backups"));
    }
    if let Some(appdata) = env("APPDATA") {
        roots.push(
            appdata
                .join("Apple Computer")
                .join("MobileSync")
                .join("Backup"),
        );
    }
    if let Some(profile) = env("USERPROFILE") {
        roots.push(profile.join("Apple").join("MobileSync").join("Backup"));
        roots.push(
            profile
                .join("AppData")
                .join("Roaming")
                .join("Apple Computer")
                .join("MobileSync")
                .join("Backup"),
        );
    }
    roots.dedup();
    roots
}

/// What `Info.plist` and `Manifest.plist` say about one backup, for listing.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct BackupSummary {
    /// The backup folder.
    pub path: PathBuf,
    /// `Device Name`.
    pub device_name: Option<String>,
    /// `Product Type`.
    pub product_type: Option<String>,
    /// `Product Version`.
    pub product_version: Option<String>,
    /// `Unique Identifier`.
    pub udid: Option<String>,
    /// `Last Backup Date`, RFC 3339.
    pub date: Option<String>,
    /// The backup is encrypted.
    pub encrypted: Option<bool>,
}

/// Most backup folders listed from one root.
const MAX_LISTED: usize = 1000;

/// Lists the backups found directly under `root` (folders holding a `Manifest.plist`).
pub fn list_backups(root: &Path) -> Vec<BackupSummary> {
    let Ok(entries) = std::fs::read_dir(root) else {
        return Vec::new();
    };
    let mut found: Vec<BackupSummary> = entries
        .flatten()
        .take(MAX_LISTED)
        .map(|e| e.path())
        .filter(|p| p.join("Manifest.plist").is_file())
        .map(|p| summarise(&p))
        .collect();
    found.sort_by(|a, b| b.date.cmp(&a.date).then(a.path.cmp(&b.path)));
    found
}

/// Reads the summary of the backup at `dir`; fields it cannot read stay empty.
pub fn summarise(dir: &Path) -> BackupSummary {
    let read = |name: &str| {
        read_small(&dir.join(name))
            .and_then(|b| plist_read::read_dictionary(&b, PlistLimits::default()).ok())
    };
    let info = read("Info.plist").unwrap_or_default();
    let manifest = read("Manifest.plist").unwrap_or_default();
    let text = |key: &str| info.get(key).and_then(|v| v.as_string()).map(str::to_owned);
    BackupSummary {
        path: dir.to_path_buf(),
        device_name: text("Device Name"),
        product_type: text("Product Type"),
        product_version: text("Product Version"),
        udid: text("Unique Identifier").or_else(|| text("Target Identifier")),
        date: info
            .get("Last Backup Date")
            .and_then(|v| v.as_date())
            .map(|d| d.to_xml_format()),
        encrypted: manifest.get("IsEncrypted").and_then(|v| v.as_boolean()),
    }
}

fn read_small(path: &Path) -> Option<Vec<u8>> {
    let meta = std::fs::metadata(path).ok()?;
    if meta.len() > PlistLimits::default().max_bytes as u64 {
        return None;
    }
    std::fs::read(path).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_ids_match_known_backups() {
        // Both verified against a real backup (reference notes, section 5.2).
        assert_eq!(
            file_id(
                PROFILES_DOMAIN,
                "Library/ConfigurationProfiles/CloudConfigurationDetails.plist"
            ),
            "1e6c0783f9b33d00b152067a0661c8fc8841073f"
        );
        assert_eq!(
            file_id("HomeDomain", "Library/SMS/sms.db"),
            "3d0d7e5fb2ce288813306e4d4636395e047a3d28"
        );
    }

    #[test]
    fn hostile_ids_and_paths_are_refused() {
        let dir = Path::new("/backup");
        assert!(payload_path(dir, "../../../../etc/passwd").is_none());
        assert!(payload_path(dir, "1E6C0783F9B33D00B152067A0661C8FC8841073F").is_none());
        assert_eq!(
            payload_path(dir, "1e6c0783f9b33d00b152067a0661c8fc8841073f"),
            Some(PathBuf::from(
                "/backup/1e/1e6c0783f9b33d00b152067a0661c8fc8841073f"
            ))
        );
        for bad in [
            "../x",
            "a/../../b",
            "/etc/passwd",
            "a/./b",
            "C:\\x",
            "a\0b",
            "..\\x",
        ] {
            assert!(!is_safe_relative_path(bad), "{bad}");
        }
        assert!(is_safe_relative_path(
            "Library/ConfigurationProfiles/profile-1.stub"
        ));
    }
}
