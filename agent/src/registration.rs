//! Registration: registering this computer's key with a Lucarne server.
//!
//! The official receives a one-time code from the server's operator or a group admin. The
//! server answers with the key id it registered and the identity of its transparency log
//! (origin and verifier key); the agent keeps both in `server.json` and from then on trusts
//! only checkpoints signed by that key. Trust on first use: the verifier key can also be
//! compared with the one the operator publishes (`lucarne register` prints it).

use serde::{Deserialize, Serialize};

use lucarne_proof::checkpoint::{verify_checkpoint, CheckpointError, LogIdentity};
use lucarne_proof::wire::Joined;

use crate::home::{read_bounded, write_atomic, Home, HomeError};
use crate::keys::{AgentKey, KeyError};
use crate::upload::client::{ClientError, ServerClient};
use crate::upload::receipt::{save_trusted, TrustedCheckpoint};

/// File name of the registration in the data directory.
pub const REGISTRATION_FILE: &str = "server.json";

/// What the agent keeps of its registration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Registration {
    /// Base URL of the server.
    pub server: String,
    /// Key id the server registered (this computer's key).
    pub key_id: String,
    /// The server's transparency log.
    pub log: LogIdentity,
    /// Which account the key joined (a new one, the official's existing one, a group's new
    /// member), as the registration code decided.
    #[serde(default)]
    pub joined: Joined,
}

/// Why registration failed or cannot be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RegistrationError {
    /// The data directory or a file cannot be used.
    #[error(transparent)]
    Home(#[from] HomeError),
    /// The key cannot be used.
    #[error(transparent)]
    Key(#[from] KeyError),
    /// The server could not be reached or refused.
    #[error(transparent)]
    Server(#[from] ClientError),
    /// This computer is already registered.
    #[error(
        "this computer is already registered with {0}; move server.json aside to register again"
    )]
    AlreadyRegistered(String),
    /// The server registered another key than ours.
    #[error("the server registered key {found} instead of this computer's key {expected}")]
    WrongKey {
        /// Our key id.
        expected: String,
        /// The key id the server answered.
        found: String,
    },
    /// The log identity the server gave is unusable, or its checkpoint does not verify.
    #[error("the server's log identity is unusable: {0}")]
    Log(#[from] CheckpointError),
    /// `server.json` is damaged.
    #[error("{0} is damaged: {1}")]
    Damaged(std::path::PathBuf, String),
}

/// The registration of `home`, if it is registered.
pub fn load(home: &Home) -> Result<Option<Registration>, RegistrationError> {
    let path = home.path(REGISTRATION_FILE);
    if !path.exists() {
        return Ok(None);
    }
    let bytes = read_bounded(&path, 64 * 1024)?;
    let registration: Registration = serde_json::from_slice(&bytes)
        .map_err(|e| RegistrationError::Damaged(path.clone(), e.to_string()))?;
    registration
        .log
        .validate()
        .map_err(|e| RegistrationError::Damaged(path, e.to_string()))?;
    Ok(Some(registration))
}

/// Registers the key of `home` (created if needed) with the server at `server` using the
/// one-time `code`; `label` names this computer for the official.
pub async fn register(
    home: &Home,
    server: &str,
    code: &str,
    label: &str,
) -> Result<Registration, RegistrationError> {
    if let Some(existing) = load(home)? {
        return Err(RegistrationError::AlreadyRegistered(existing.server));
    }
    let key = AgentKey::load_or_create(home)?;
    let client = ServerClient::new(server)?;
    let answer = client
        .register(code, &key.public_key_base64(), label)
        .await?;
    if answer.key_id != key.key_id() {
        return Err(RegistrationError::WrongKey {
            expected: key.key_id(),
            found: answer.key_id,
        });
    }
    answer.log.validate()?;
    // The log's current checkpoint is the first one trusted: later ones must extend it. A
    // server that cannot give it yet is not an error; the first receipt will do.
    if let Ok(note) = client.checkpoint().await {
        let checkpoint = verify_checkpoint(&note, &answer.log)?;
        save_trusted(home, &TrustedCheckpoint::from(&checkpoint))?;
    }
    let registration = Registration {
        server: client.base().to_string(),
        key_id: answer.key_id,
        log: answer.log,
        joined: answer.joined,
    };
    let bytes = serde_json::to_vec_pretty(&registration)
        .map_err(|e| RegistrationError::Damaged(home.path(REGISTRATION_FILE), e.to_string()))?;
    write_atomic(&home.path(REGISTRATION_FILE), &bytes)?;
    Ok(registration)
}
