//! The salt used to redact secrets when nothing is kept or sent (`lucarne inspect`): a fresh
//! random one per run, so no hash of a secret can be compared across runs or machines.

use crate::failure::Explain as _;
use ring::rand::{SecureRandom as _, SystemRandom};

/// A fresh 32-byte random salt.
pub fn session_salt() -> anyhow::Result<[u8; 32]> {
    let mut salt = [0u8; 32];
    SystemRandom::new()
        .fill(&mut salt)
        .map_err(|_| anyhow::Error::msg("ring::rand::SystemRandom"))
        .explain("error-random")?;
    Ok(salt)
}
