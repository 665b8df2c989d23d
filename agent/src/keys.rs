//! The agent's Ed25519 key (one per computer) and the per-installation redaction salt.
//!
//! The key signs every snapshot; the server knows the official by its public key. It is
//! created on first use and kept as PKCS#8 in `key.p8`, readable by its owner only: Lucarne
//! refuses a key file others can read, since anyone holding it could sign in the official's
//! name. The salt makes redacted secrets comparable between snapshots of this installation
//! without letting anyone test guesses against another installation's hashes.

use std::io;
use std::path::PathBuf;

use base64::Engine as _;
use lucarne_proof::envelope::{key_id, Envelope};
use ring::rand::{SecureRandom as _, SystemRandom};
use ring::signature::{Ed25519KeyPair, KeyPair as _};

use crate::home::{check_private, read_bounded, write_new, Home, HomeError};

/// File name of the key in the data directory.
pub const KEY_FILE: &str = "key.p8";
/// File name of the redaction salt in the data directory.
pub const SALT_FILE: &str = "salt";

/// Why the key or the salt cannot be used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum KeyError {
    /// The data directory or the file cannot be used.
    #[error(transparent)]
    Home(#[from] HomeError),
    /// The key file is not an Ed25519 PKCS#8 key.
    #[error("{0} is not a valid Ed25519 key (PKCS#8); move it aside to create a new key")]
    Invalid(PathBuf),
    /// The salt file is not 32 bytes.
    #[error("{0} is not a 32-byte salt; it was damaged (secrets redacted before and after it was replaced will not compare)")]
    InvalidSalt(PathBuf),
    /// No randomness from the operating system.
    #[error("the operating system gave no randomness")]
    Random,
}

/// The agent's signing key.
#[derive(Debug)]
pub struct AgentKey {
    pair: Ed25519KeyPair,
}

impl AgentKey {
    /// Loads the key of `home`, creating it on first use.
    pub fn load_or_create(home: &Home) -> Result<AgentKey, KeyError> {
        let path = home.path(KEY_FILE);
        if !path.exists() {
            let pkcs8 = Ed25519KeyPair::generate_pkcs8(&SystemRandom::new())
                .map_err(|_| KeyError::Random)?;
            match write_new(&path, pkcs8.as_ref()) {
                Ok(()) => {}
                // Another agent created it meanwhile: use theirs.
                Err(HomeError::Io { source, .. })
                    if source.kind() == io::ErrorKind::AlreadyExists => {}
                Err(e) => return Err(e.into()),
            }
        }
        AgentKey::load(home)
    }

    /// Loads the existing key of `home`.
    pub fn load(home: &Home) -> Result<AgentKey, KeyError> {
        let path = home.path(KEY_FILE);
        check_private(&path, 0o600)?;
        let bytes = read_bounded(&path, 4096)?;
        let pair = Ed25519KeyPair::from_pkcs8(&bytes).map_err(|_| KeyError::Invalid(path))?;
        Ok(AgentKey { pair })
    }

    /// The 32-byte public key.
    pub fn public_key(&self) -> &[u8] {
        self.pair.public_key().as_ref()
    }

    /// The public key, base64 (as enrolment sends it).
    pub fn public_key_base64(&self) -> String {
        base64::engine::general_purpose::STANDARD.encode(self.public_key())
    }

    /// The key's fingerprint: hex SHA-256 of the public key, the server's key id.
    pub fn key_id(&self) -> String {
        key_id(self.public_key())
    }

    /// The name this key signs export manifests under (see `lucarne_proof::export`).
    pub fn note_name(&self) -> String {
        lucarne_proof::export::agent_key_name(&self.key_id())
    }

    /// The key as a signed-note verifier key, as an export carries it.
    pub fn verifier_key(&self) -> String {
        lucarne_proof::export::manifest::verifier_key(&self.note_name(), self.public_key())
    }

    /// Signs an export's manifest: the `lucarne.export/1` signed note.
    pub fn sign_manifest(&self, manifest: &[u8]) -> Vec<u8> {
        lucarne_proof::export::manifest::sign(manifest, &self.note_name(), &self.pair)
    }

    /// Signs the exact snapshot bytes.
    pub fn sign(&self, snapshot: &[u8]) -> Envelope {
        Envelope::sign(snapshot, &self.pair)
    }

    /// Signs an API request message ([`lucarne_proof::request::SignedRequest::message`]);
    /// returns the 64-byte signature.
    pub fn sign_request(&self, message: &[u8]) -> Vec<u8> {
        self.pair.sign(message).as_ref().to_vec()
    }
}

/// The redaction salt of `home`, created on first use.
pub fn salt_in(home: &Home) -> Result<[u8; 32], KeyError> {
    let path = home.path(SALT_FILE);
    if !path.exists() {
        let mut salt = [0u8; 32];
        SystemRandom::new()
            .fill(&mut salt)
            .map_err(|_| KeyError::Random)?;
        match write_new(&path, &salt) {
            Ok(()) => {}
            Err(HomeError::Io { source, .. }) if source.kind() == io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(e.into()),
        }
    }
    check_private(&path, 0o600)?;
    let bytes = read_bounded(&path, 32).map_err(|_| KeyError::InvalidSalt(path.clone()))?;
    <[u8; 32]>::try_from(bytes.as_slice()).map_err(|_| KeyError::InvalidSalt(path))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_key_is_created_once_and_signs() {
        let tmp = tempfile::tempdir().unwrap();
        let home = Home::at(tmp.path().join("h")).unwrap();
        let a = AgentKey::load_or_create(&home).unwrap();
        let b = AgentKey::load_or_create(&home).unwrap();
        assert_eq!(a.public_key(), b.public_key());
        assert_eq!(a.key_id().len(), 64);
        let env = a.sign(b"{}");
        assert_eq!(env.verify(b.public_key()).unwrap(), b"{}");
    }

    #[cfg(unix)]
    #[test]
    fn a_key_readable_by_others_is_refused() {
        use std::os::unix::fs::PermissionsExt as _;
        let tmp = tempfile::tempdir().unwrap();
        let home = Home::at(tmp.path().join("h")).unwrap();
        AgentKey::load_or_create(&home).unwrap();
        let path = home.path(KEY_FILE);
        assert_eq!(
            std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
            0o600
        );
        for mode in [0o644, 0o640, 0o604, 0o660] {
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
            let err = AgentKey::load(&home).unwrap_err();
            assert!(
                matches!(&err, KeyError::Home(HomeError::Exposed { mode: m, .. }) if *m == mode),
                "{err}"
            );
            assert!(err.to_string().contains("chmod 600"), "{err}");
            // Nor is it silently replaced by a new key.
            assert!(AgentKey::load_or_create(&home).is_err());
        }
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o400)).unwrap();
        assert!(AgentKey::load(&home).is_ok());
    }

    #[test]
    fn a_damaged_key_is_reported() {
        let tmp = tempfile::tempdir().unwrap();
        let home = Home::at(tmp.path().join("h")).unwrap();
        write_new(&home.path(KEY_FILE), b"not a key").unwrap();
        assert!(matches!(
            AgentKey::load_or_create(&home),
            Err(KeyError::Invalid(_))
        ));
    }

    #[test]
    fn the_salt_is_stable_private_and_checked() {
        let tmp = tempfile::tempdir().unwrap();
        let home = Home::at(tmp.path().join("h")).unwrap();
        let a = salt_in(&home).unwrap();
        assert_eq!(salt_in(&home).unwrap(), a);
        assert_ne!(a, [0; 32]);
        let other = Home::at(tmp.path().join("other")).unwrap();
        assert_ne!(salt_in(&other).unwrap(), a);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let path = home.path(SALT_FILE);
            assert_eq!(
                std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
                0o600
            );
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
            assert!(salt_in(&home).is_err());
        }
        let damaged = Home::at(tmp.path().join("damaged")).unwrap();
        write_new(&damaged.path(SALT_FILE), b"short").unwrap();
        assert!(matches!(salt_in(&damaged), Err(KeyError::InvalidSalt(_))));
    }
}
