//! The cryptography of encrypted backups, as Apple's backup format uses it: PBKDF2 key
//! derivation (through `ring`), AES key wrap (RFC 3394, RustCrypto's `aes-kw`) and
//! AES-256-CBC with a zero IV (RustCrypto's `cbc`).

use std::num::NonZeroU32;

use aes::Aes256;
use aes_kw::KekAes256;
use cbc::cipher::block_padding::{NoPadding, Pkcs7};
use cbc::cipher::{BlockDecryptMut, BlockEncryptMut, KeyIvInit};

/// Length of every key in the format: AES-256.
pub const KEY_LEN: usize = 32;
/// Length of a wrapped 32-byte key (RFC 3394 adds one 8-byte block).
pub const WRAPPED_KEY_LEN: usize = 40;
/// The RFC 3394 default initial value.
/// The IV Apple uses for every CBC encryption in a backup.
const ZERO_IV: [u8; 16] = [0; 16];

/// What went wrong in a cryptographic step.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CryptoError {
    /// A wrapped key did not unwrap: wrong key (for class keys: wrong password) or damage.
    #[error("the key did not unwrap (integrity check failed)")]
    UnwrapFailed,
    /// A key or wrapped key has the wrong length.
    #[error("{what} is {len} bytes, expected {expected}")]
    BadLength {
        /// Which value.
        what: &'static str,
        /// Its length.
        len: usize,
        /// The expected length.
        expected: usize,
    },
    /// Ciphertext is not a whole number of blocks, or its padding is wrong.
    #[error("the encrypted data is damaged (length or padding)")]
    BadCiphertext,
    /// A PBKDF2 iteration count of zero.
    #[error("an iteration count of zero")]
    ZeroIterations,
}

/// A 32-byte AES key.
pub type Key = [u8; KEY_LEN];

/// PBKDF2-HMAC-SHA256.
pub fn pbkdf2_sha256(secret: &[u8], salt: &[u8], iterations: u32) -> Result<Key, CryptoError> {
    pbkdf2(ring::pbkdf2::PBKDF2_HMAC_SHA256, secret, salt, iterations)
}

/// PBKDF2-HMAC-SHA1.
pub fn pbkdf2_sha1(secret: &[u8], salt: &[u8], iterations: u32) -> Result<Key, CryptoError> {
    pbkdf2(ring::pbkdf2::PBKDF2_HMAC_SHA1, secret, salt, iterations)
}

fn pbkdf2(
    algorithm: ring::pbkdf2::Algorithm,
    secret: &[u8],
    salt: &[u8],
    iterations: u32,
) -> Result<Key, CryptoError> {
    let iterations = NonZeroU32::new(iterations).ok_or(CryptoError::ZeroIterations)?;
    let mut out = [0u8; KEY_LEN];
    ring::pbkdf2::derive(algorithm, iterations, salt, secret, &mut out);
    Ok(out)
}

/// Unwraps a 40-byte RFC 3394 wrapped key with `kek`.
pub fn aes_unwrap(kek: &Key, wrapped: &[u8]) -> Result<Key, CryptoError> {
    if wrapped.len() != WRAPPED_KEY_LEN {
        return Err(CryptoError::BadLength {
            what: "wrapped key",
            len: wrapped.len(),
            expected: WRAPPED_KEY_LEN,
        });
    }
    let mut key = [0u8; KEY_LEN];
    KekAes256::from(*kek)
        .unwrap(wrapped, &mut key)
        .map_err(|_| CryptoError::UnwrapFailed)?;
    Ok(key)
}

/// Wraps a 32-byte key with `kek` (RFC 3394), giving 40 bytes.
pub fn aes_wrap(kek: &Key, key: &Key) -> Result<[u8; WRAPPED_KEY_LEN], CryptoError> {
    let mut out = [0u8; WRAPPED_KEY_LEN];
    KekAes256::from(*kek)
        .wrap(key, &mut out)
        .map_err(|_| CryptoError::BadLength {
            what: "key to wrap",
            len: key.len(),
            expected: KEY_LEN,
        })?;
    Ok(out)
}

type Encryptor = cbc::Encryptor<Aes256>;
type Decryptor = cbc::Decryptor<Aes256>;

/// AES-256-CBC decryption with a zero IV and PKCS#7 padding, in place; returns the plaintext
/// length.
pub fn cbc_decrypt_padded(key: &Key, data: &mut [u8]) -> Result<usize, CryptoError> {
    if data.is_empty() || !data.len().is_multiple_of(16) {
        return Err(CryptoError::BadCiphertext);
    }
    Decryptor::new(key.into(), &ZERO_IV.into())
        .decrypt_padded_mut::<Pkcs7>(data)
        .map(|plain| plain.len())
        .map_err(|_| CryptoError::BadCiphertext)
}

/// AES-256-CBC decryption with a zero IV and no padding removal (how Apple encrypts
/// `Manifest.db`), in place.
pub fn cbc_decrypt_unpadded(key: &Key, data: &mut [u8]) -> Result<(), CryptoError> {
    if !data.len().is_multiple_of(16) {
        return Err(CryptoError::BadCiphertext);
    }
    Decryptor::new(key.into(), &ZERO_IV.into())
        .decrypt_padded_mut::<NoPadding>(data)
        .map(|_| ())
        .map_err(|_| CryptoError::BadCiphertext)
}

/// The length of `data` without its PKCS#7 padding when it ends with a valid one, else its
/// whole length.
pub fn pkcs7_unpadded_len(data: &[u8]) -> usize {
    let Some(&pad) = data.last() else { return 0 };
    let n = usize::from(pad);
    if (1..=16).contains(&n) && n <= data.len() && data[data.len() - n..].iter().all(|b| *b == pad)
    {
        data.len() - n
    } else {
        data.len()
    }
}

/// AES-256-CBC encryption with a zero IV and PKCS#7 padding.
pub fn cbc_encrypt_padded(key: &Key, plain: &[u8]) -> Vec<u8> {
    let mut buf = plain.to_vec();
    let pad = 16 - plain.len() % 16;
    buf.resize(plain.len() + pad, 0);
    let len = Encryptor::new(key.into(), &ZERO_IV.into())
        .encrypt_padded_mut::<Pkcs7>(&mut buf, plain.len())
        .map(|c| c.len())
        .unwrap_or(0);
    buf.truncate(len);
    buf
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    /// RFC 3394 section 4.6: wrap 256 bits of key data with a 256-bit KEK.
    #[test]
    fn rfc3394_vector() {
        let kek: Key =
            hex::decode("000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F")
                .unwrap()
                .try_into()
                .unwrap();
        let key: Key =
            hex::decode("00112233445566778899AABBCCDDEEFF000102030405060708090A0B0C0D0E0F")
                .unwrap()
                .try_into()
                .unwrap();
        let expected = hex::decode(
            "28C9F404C4B810F4CBCCB35CFB87F8263F5786E2D80ED326CBC7F0E71A99F43BFB988B9B7A02DD21",
        )
        .unwrap();
        assert_eq!(aes_wrap(&kek, &key).unwrap().to_vec(), expected);
        assert_eq!(aes_unwrap(&kek, &expected).unwrap(), key);
        let mut bad = expected.clone();
        bad[20] ^= 1;
        assert_eq!(aes_unwrap(&kek, &bad), Err(CryptoError::UnwrapFailed));
        assert!(matches!(
            aes_unwrap(&kek, &expected[..39]),
            Err(CryptoError::BadLength { .. })
        ));
    }

    #[test]
    fn cbc_round_trips_and_rejects_bad_padding() {
        let key = [7u8; 32];
        for len in [0usize, 1, 15, 16, 17, 100] {
            let plain: Vec<u8> = (0..len as u8).collect();
            let mut c = cbc_encrypt_padded(&key, &plain);
            assert_eq!(c.len() % 16, 0);
            let n = cbc_decrypt_padded(&key, &mut c).unwrap();
            assert_eq!(&c[..n], &plain[..]);
        }
        let mut c = cbc_encrypt_padded(&key, b"hello");
        assert!(cbc_decrypt_padded(&[8u8; 32], &mut c).is_err());
        assert_eq!(
            cbc_decrypt_padded(&key, &mut [0u8; 15]),
            Err(CryptoError::BadCiphertext)
        );
    }

    /// RFC 6070 test vector for PBKDF2-HMAC-SHA1 (first 20 bytes).
    #[test]
    fn pbkdf2_vector() {
        let k = pbkdf2_sha1(b"password", b"salt", 2).unwrap();
        assert_eq!(
            hex::encode(&k[..20]),
            "ea6c014dc72d6f8ccd1ed92ace1d41f0d8de8957"
        );
        assert_eq!(pbkdf2_sha1(b"p", b"s", 0), Err(CryptoError::ZeroIterations));
    }
}
