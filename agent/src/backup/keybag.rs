//! The backup keybag (`Manifest.plist` → `BackupKeyBag`): a stream of tag–length–value
//! records (4-byte ASCII tag, 4-byte big-endian length, value). The header says how to turn
//! the password into a key (two PBKDF2 rounds); each following `UUID` starts one protection
//! class whose key is wrapped with that password-derived key.
//!
//! The iteration counts come from the file, written by whoever made the backup: they are
//! bounded ([`MAX_SHA256_ITERATIONS`], [`MAX_SHA1_ITERATIONS`]) so a hostile keybag cannot
//! keep the computer busy for hours.

use std::collections::BTreeMap;

use super::crypto::{self, CryptoError, Key, WRAPPED_KEY_LEN};

/// Largest keybag accepted (real ones are under 2 KiB).
pub const MAX_KEYBAG_BYTES: usize = 64 * 1024;
/// Most protection-class records accepted (iOS has about a dozen classes).
pub const MAX_CLASS_KEYS: usize = 64;
/// Highest PBKDF2-SHA256 count accepted (`DPIC`); Apple uses 10,000,000.
pub const MAX_SHA256_ITERATIONS: u32 = 20_000_000;
/// Highest PBKDF2-SHA1 count accepted (`ITER`); Apple uses 10,000.
pub const MAX_SHA1_ITERATIONS: u32 = 1_000_000;
/// Iteration counts Apple uses: (SHA-256 stage, SHA-1 stage).
pub const APPLE_ITERATIONS: (u32, u32) = (10_000_000, 10_000);

/// `WRAP` bit meaning "wrapped with the password-derived key".
const WRAP_PASSCODE: u32 = 2;

/// Why a keybag could not be read or opened.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum KeybagError {
    /// The keybag is larger than [`MAX_KEYBAG_BYTES`].
    #[error("the keybag is {0} bytes, more than the {MAX_KEYBAG_BYTES} accepted")]
    TooLarge(usize),
    /// A record runs past the end of the keybag.
    #[error("the keybag is truncated at byte {0}")]
    Truncated(usize),
    /// A required header value is missing or malformed.
    #[error("the keybag has no valid `{0}`")]
    Missing(&'static str),
    /// An iteration count above the accepted bound.
    #[error("the keybag asks for {count} {stage} iterations, more than the {limit} accepted")]
    TooManyIterations {
        /// `SHA-256` or `SHA-1`.
        stage: &'static str,
        /// The count in the file.
        count: u32,
        /// The bound.
        limit: u32,
    },
    /// More class records than [`MAX_CLASS_KEYS`].
    #[error("more than {MAX_CLASS_KEYS} protection classes")]
    TooManyClasses,
    /// The password does not open the keybag.
    #[error("wrong password: the backup's keys do not unwrap with it")]
    WrongPassword,
    /// No class key is wrapped with the password.
    #[error("the keybag holds no key protected by the backup password")]
    NoPasswordKeys,
    /// A cryptographic step failed.
    #[error(transparent)]
    Crypto(#[from] CryptoError),
}

/// One protection class record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClassKeyRecord {
    /// `CLAS`: the protection class number.
    pub class: u32,
    /// `WRAP`: how the key is wrapped (bit 2: with the password-derived key).
    pub wrap: u32,
    /// `KTYP`: the key type (ignored by every known reader).
    pub key_type: Option<u32>,
    /// `WPKY`: the wrapped class key.
    pub wrapped_key: Vec<u8>,
}

/// A parsed backup keybag.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Keybag {
    /// `VERS`.
    pub version: Option<u32>,
    /// `TYPE` (1 for a backup keybag).
    pub kind: Option<u32>,
    /// `UUID` of the keybag.
    pub uuid: Vec<u8>,
    /// `SALT` for the SHA-1 stage.
    pub salt: Vec<u8>,
    /// `ITER` for the SHA-1 stage.
    pub sha1_iterations: u32,
    /// `DPSL` salt of the SHA-256 stage (iOS ≥ 10.2).
    pub sha256_salt: Option<Vec<u8>>,
    /// `DPIC` iterations of the SHA-256 stage (iOS ≥ 10.2).
    pub sha256_iterations: Option<u32>,
    /// The protection classes.
    pub class_keys: Vec<ClassKeyRecord>,
}

/// Class number → unwrapped class key.
#[derive(Clone, Default)]
pub struct ClassKeys(BTreeMap<u32, Key>);

impl std::fmt::Debug for ClassKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print key material.
        f.debug_struct("ClassKeys")
            .field("classes", &self.0.keys().collect::<Vec<_>>())
            .finish()
    }
}

impl Drop for ClassKeys {
    fn drop(&mut self) {
        for key in self.0.values_mut() {
            zeroize::Zeroize::zeroize(key);
        }
    }
}

impl ClassKeys {
    /// The key of protection class `class`.
    pub fn get(&self, class: u32) -> Option<&Key> {
        self.0.get(&class)
    }

    /// Unwraps a 4-byte little-endian class + 40-byte wrapped key (as `ManifestKey` and
    /// `MBFile.EncryptionKey` store it) into the key it protects.
    pub fn unwrap_prefixed(&self, blob: &[u8]) -> Result<Key, KeyUnwrapError> {
        if blob.len() != 4 + WRAPPED_KEY_LEN {
            return Err(KeyUnwrapError::BadLength(blob.len()));
        }
        let mut class_bytes = [0u8; 4];
        class_bytes.copy_from_slice(&blob[..4]);
        let class = u32::from_le_bytes(class_bytes);
        let class_key = self.get(class).ok_or(KeyUnwrapError::UnknownClass(class))?;
        crypto::aes_unwrap(class_key, &blob[4..]).map_err(KeyUnwrapError::Crypto)
    }
}

/// Why a file or manifest key could not be unwrapped.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum KeyUnwrapError {
    /// Not 44 bytes.
    #[error("a wrapped key is {0} bytes, expected 44")]
    BadLength(usize),
    /// A protection class the keybag does not hold.
    #[error("protection class {0} is not in the keybag")]
    UnknownClass(u32),
    /// The unwrap failed.
    #[error(transparent)]
    Crypto(CryptoError),
}

impl Keybag {
    /// Parses a keybag, applying every bound.
    pub fn parse(bytes: &[u8]) -> Result<Keybag, KeybagError> {
        if bytes.len() > MAX_KEYBAG_BYTES {
            return Err(KeybagError::TooLarge(bytes.len()));
        }
        let mut bag = Keybag::default();
        let mut current: Option<PartialClass> = None;
        let mut seen_uuid = false;
        let mut pos = 0usize;
        while pos < bytes.len() {
            let header = bytes.get(pos..pos + 8).ok_or(KeybagError::Truncated(pos))?;
            let tag: [u8; 4] = [header[0], header[1], header[2], header[3]];
            let len = u32::from_be_bytes([header[4], header[5], header[6], header[7]]) as usize;
            let value = bytes
                .get(pos + 8..pos + 8 + len)
                .ok_or(KeybagError::Truncated(pos))?;
            pos += 8 + len;
            let int =
                (len == 4).then(|| u32::from_be_bytes([value[0], value[1], value[2], value[3]]));
            match &tag {
                b"UUID" if !seen_uuid => {
                    seen_uuid = true;
                    bag.uuid = value.to_vec();
                }
                b"UUID" => {
                    if let Some(done) = current.take() {
                        bag.push_class(done)?;
                    }
                    current = Some(PartialClass::default());
                }
                _ => {
                    if let Some(class) = current.as_mut() {
                        match &tag {
                            b"CLAS" => class.class = int,
                            b"WRAP" => class.wrap = int,
                            b"KTYP" => class.key_type = int,
                            b"WPKY" => class.wrapped_key = Some(value.to_vec()),
                            _ => {}
                        }
                    } else {
                        match &tag {
                            b"VERS" => bag.version = int,
                            b"TYPE" => bag.kind = int,
                            b"SALT" => bag.salt = value.to_vec(),
                            b"ITER" => bag.sha1_iterations = int.unwrap_or(0),
                            b"DPSL" => bag.sha256_salt = Some(value.to_vec()),
                            b"DPIC" => bag.sha256_iterations = int,
                            _ => {}
                        }
                    }
                }
            }
        }
        if let Some(done) = current.take() {
            bag.push_class(done)?;
        }
        bag.check()?;
        Ok(bag)
    }

    fn push_class(&mut self, partial: PartialClass) -> Result<(), KeybagError> {
        if self.class_keys.len() >= MAX_CLASS_KEYS {
            return Err(KeybagError::TooManyClasses);
        }
        // A record without a class number or a wrapped key protects nothing we can open.
        if let (Some(class), Some(wrapped_key)) = (partial.class, partial.wrapped_key) {
            self.class_keys.push(ClassKeyRecord {
                class,
                wrap: partial.wrap.unwrap_or(0),
                key_type: partial.key_type,
                wrapped_key,
            });
        }
        Ok(())
    }

    fn check(&self) -> Result<(), KeybagError> {
        if self.salt.is_empty() {
            return Err(KeybagError::Missing("SALT"));
        }
        if self.sha1_iterations == 0 {
            return Err(KeybagError::Missing("ITER"));
        }
        if self.sha1_iterations > MAX_SHA1_ITERATIONS {
            return Err(KeybagError::TooManyIterations {
                stage: "SHA-1",
                count: self.sha1_iterations,
                limit: MAX_SHA1_ITERATIONS,
            });
        }
        match (&self.sha256_salt, self.sha256_iterations) {
            (Some(_), Some(0)) | (Some(_), None) => return Err(KeybagError::Missing("DPIC")),
            (None, Some(_)) => return Err(KeybagError::Missing("DPSL")),
            (Some(salt), _) if salt.is_empty() => return Err(KeybagError::Missing("DPSL")),
            (_, Some(count)) if count > MAX_SHA256_ITERATIONS => {
                return Err(KeybagError::TooManyIterations {
                    stage: "SHA-256",
                    count,
                    limit: MAX_SHA256_ITERATIONS,
                })
            }
            _ => {}
        }
        Ok(())
    }

    /// Turns the backup password into the key that wraps the class keys. This is the slow
    /// step (seconds, by design).
    pub fn derive_key(&self, password: &[u8]) -> Result<Key, KeybagError> {
        let key = match (&self.sha256_salt, self.sha256_iterations) {
            (Some(salt), Some(count)) => {
                let first = crypto::pbkdf2_sha256(password, salt, count)?;
                crypto::pbkdf2_sha1(&first, &self.salt, self.sha1_iterations)?
            }
            _ => crypto::pbkdf2_sha1(password, &self.salt, self.sha1_iterations)?,
        };
        Ok(key)
    }

    /// Unwraps every class key protected by the password with the derived key. One failure
    /// means the password is wrong.
    pub fn unlock(&self, derived: &Key) -> Result<ClassKeys, KeybagError> {
        let mut keys = BTreeMap::new();
        for record in &self.class_keys {
            if record.wrap & WRAP_PASSCODE == 0 || record.wrapped_key.len() != WRAPPED_KEY_LEN {
                continue;
            }
            match crypto::aes_unwrap(derived, &record.wrapped_key) {
                Ok(key) => {
                    keys.insert(record.class, key);
                }
                Err(CryptoError::UnwrapFailed) => return Err(KeybagError::WrongPassword),
                Err(other) => return Err(other.into()),
            }
        }
        if keys.is_empty() {
            return Err(KeybagError::NoPasswordKeys);
        }
        Ok(ClassKeys(keys))
    }

    /// Encodes the keybag back into its TLV form (used by the backup writer).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::new();
        let mut put = |tag: &[u8; 4], value: &[u8]| {
            out.extend_from_slice(tag);
            out.extend_from_slice(&(value.len() as u32).to_be_bytes());
            out.extend_from_slice(value);
        };
        if let Some(v) = self.version {
            put(b"VERS", &v.to_be_bytes());
        }
        if let Some(v) = self.kind {
            put(b"TYPE", &v.to_be_bytes());
        }
        put(b"UUID", &self.uuid);
        put(b"WRAP", &0u32.to_be_bytes());
        put(b"SALT", &self.salt);
        put(b"ITER", &self.sha1_iterations.to_be_bytes());
        if let (Some(salt), Some(count)) = (&self.sha256_salt, self.sha256_iterations) {
            put(b"DPWT", &1u32.to_be_bytes());
            put(b"DPIC", &count.to_be_bytes());
            put(b"DPSL", salt);
        }
        for (index, record) in self.class_keys.iter().enumerate() {
            let mut uuid = self.uuid.clone();
            if let Some(last) = uuid.last_mut() {
                *last ^= (index as u8).wrapping_add(1);
            }
            put(b"UUID", &uuid);
            put(b"CLAS", &record.class.to_be_bytes());
            put(b"WRAP", &record.wrap.to_be_bytes());
            if let Some(k) = record.key_type {
                put(b"KTYP", &k.to_be_bytes());
            }
            put(b"WPKY", &record.wrapped_key);
        }
        out
    }
}

#[derive(Default)]
struct PartialClass {
    class: Option<u32>,
    wrap: Option<u32>,
    key_type: Option<u32>,
    wrapped_key: Option<Vec<u8>>,
}

/// A new keybag protecting freshly generated class keys with `password` (backup writer).
pub fn generate(
    password: &[u8],
    iterations: (u32, u32),
    random: &dyn ring::rand::SecureRandom,
) -> Result<(Keybag, ClassKeys), KeybagError> {
    let fill = |len: usize| -> Result<Vec<u8>, KeybagError> {
        let mut buf = vec![0u8; len];
        random
            .fill(&mut buf)
            .map_err(|_| KeybagError::Missing("random bytes"))?;
        Ok(buf)
    };
    let mut bag = Keybag {
        version: Some(5),
        kind: Some(1),
        uuid: fill(16)?,
        salt: fill(20)?,
        sha1_iterations: iterations.1,
        sha256_salt: Some(fill(20)?),
        sha256_iterations: Some(iterations.0),
        class_keys: Vec::new(),
    };
    bag.check()?;
    let derived = bag.derive_key(password)?;
    let mut keys = BTreeMap::new();
    // iOS backup keybags carry the data-protection classes 1 to 11.
    for class in 1..=11u32 {
        let raw = fill(32)?;
        let mut key = [0u8; 32];
        key.copy_from_slice(&raw);
        bag.class_keys.push(ClassKeyRecord {
            class,
            wrap: WRAP_PASSCODE,
            key_type: Some(0),
            wrapped_key: crypto::aes_wrap(&derived, &key)?.to_vec(),
        });
        keys.insert(class, key);
    }
    Ok((bag, ClassKeys(keys)))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn small_bag(password: &[u8]) -> (Keybag, ClassKeys) {
        generate(password, (10, 10), &ring::rand::SystemRandom::new()).unwrap()
    }

    #[test]
    fn round_trips_and_unlocks() {
        let (bag, keys) = small_bag(b"secret");
        let parsed = Keybag::parse(&bag.to_bytes()).unwrap();
        assert_eq!(parsed, bag);
        let derived = parsed.derive_key(b"secret").unwrap();
        let unlocked = parsed.unlock(&derived).unwrap();
        assert_eq!(unlocked.get(3), keys.get(3));
        let wrong = parsed.derive_key(b"Secret").unwrap();
        assert_eq!(
            parsed.unlock(&wrong).unwrap_err(),
            KeybagError::WrongPassword
        );
    }

    #[test]
    fn bounds_iterations_before_deriving() {
        let (mut bag, _) = small_bag(b"x");
        bag.sha256_iterations = Some(MAX_SHA256_ITERATIONS + 1);
        assert!(matches!(
            Keybag::parse(&bag.to_bytes()),
            Err(KeybagError::TooManyIterations {
                stage: "SHA-256",
                ..
            })
        ));
        bag.sha256_iterations = Some(10);
        bag.sha1_iterations = u32::MAX;
        assert!(matches!(
            Keybag::parse(&bag.to_bytes()),
            Err(KeybagError::TooManyIterations { stage: "SHA-1", .. })
        ));
    }

    #[test]
    fn truncation_and_garbage_are_errors() {
        let (bag, _) = small_bag(b"x");
        let bytes = bag.to_bytes();
        for cut in [1usize, 7, 9, 30, bytes.len() - 1] {
            assert!(Keybag::parse(&bytes[..cut]).is_err(), "cut at {cut}");
        }
        assert_eq!(Keybag::parse(b""), Err(KeybagError::Missing("SALT")));
        let mut huge_len = b"SALT".to_vec();
        huge_len.extend_from_slice(&u32::MAX.to_be_bytes());
        assert_eq!(Keybag::parse(&huge_len), Err(KeybagError::Truncated(0)));
    }

    #[test]
    fn prefixed_keys_name_their_class() {
        let (_, keys) = small_bag(b"x");
        let file_key = [9u8; 32];
        let mut blob = 4u32.to_le_bytes().to_vec();
        blob.extend_from_slice(&crypto::aes_wrap(keys.get(4).unwrap(), &file_key).unwrap());
        assert_eq!(keys.unwrap_prefixed(&blob).unwrap(), file_key);
        blob[0] = 99;
        assert_eq!(
            keys.unwrap_prefixed(&blob),
            Err(KeyUnwrapError::UnknownClass(99))
        );
        assert_eq!(
            keys.unwrap_prefixed(&blob[..10]),
            Err(KeyUnwrapError::BadLength(10))
        );
    }
}
