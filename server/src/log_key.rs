//! The log's signing key: an Ed25519 key in the C2SP signed-note private key encoding
//! (`PRIVATE+KEY+<name>+<id>+<base64(0x01 || seed)>`), created on first start with mode 0600
//! and read again on every later start, so a restarted server keeps signing with the same key.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use base64::Engine as _;
use ring::rand::SecureRandom as _;
use ring::signature::KeyPair as _;
use signed_note::{Signer as _, StandardSigner};

/// Algorithm byte of Ed25519 keys in signed-note encodings.
const ALG_ED25519: u8 = 0x01;

/// The log's note signer and the public verifier key that goes with it.
#[derive(Clone)]
pub struct LogKey {
    signer: StandardSigner,
    verifier_key: String,
    /// The same key, to sign export manifests (`lucarne.export/1` notes).
    pair: std::sync::Arc<ring::signature::Ed25519KeyPair>,
}

impl std::fmt::Debug for LogKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LogKey")
            .field("verifier_key", &self.verifier_key)
            .finish_non_exhaustive()
    }
}

/// Where the key lives in a data directory.
pub fn key_path(data_dir: &Path) -> PathBuf {
    data_dir.join("log-signing.key")
}

impl LogKey {
    /// Reads the key of `name` from `data_dir`, creating it when absent.
    pub fn load_or_create(data_dir: &Path, name: &str) -> anyhow::Result<LogKey> {
        let path = key_path(data_dir);
        std::fs::create_dir_all(data_dir)
            .with_context(|| format!("creating data directory {}", data_dir.display()))?;
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let text = new_private_key(name)?;
                match write_private(&path, &text) {
                    Ok(()) => {
                        tracing::info!(path = %path.display(), "created the log signing key");
                        text
                    }
                    // Another instance sharing the directory created it first: use theirs.
                    Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                        std::fs::read_to_string(&path)
                            .with_context(|| format!("reading {}", path.display()))?
                    }
                    Err(e) => {
                        return Err(e).with_context(|| format!("creating {}", path.display()))
                    }
                }
            }
            Err(e) => return Err(e).with_context(|| format!("reading {}", path.display())),
        };
        Self::from_private_key(text.trim(), name)
            .with_context(|| format!("loading the log signing key {}", path.display()))
    }

    /// Parses a signed-note private key and checks that it is named `name`.
    pub fn from_private_key(text: &str, name: &str) -> anyhow::Result<LogKey> {
        let signer = StandardSigner::new(text)
            .map_err(|e| anyhow::anyhow!("not a signed-note private key: {e}"))?;
        if signer.name() != name {
            anyhow::bail!(
                "the key is named `{}` but the log origin is `{name}`",
                signer.name()
            );
        }
        let seed_b64 = text.splitn(5, '+').nth(4).unwrap_or_default();
        let seed = base64::engine::general_purpose::STANDARD
            .decode(seed_b64)
            .context("key encoding")?;
        let pair =
            ring::signature::Ed25519KeyPair::from_seed_unchecked(seed.get(1..).unwrap_or(&[]))
                .map_err(|_| anyhow::anyhow!("not an Ed25519 seed"))?;
        let verifier_key = verifier_key(name, pair.public_key().as_ref());
        Ok(LogKey {
            signer,
            verifier_key,
            pair: std::sync::Arc::new(pair),
        })
    }

    /// The note signer.
    pub fn signer(&self) -> &StandardSigner {
        &self.signer
    }

    /// Signs an export's manifest with the log's key: a signed note whose text is
    /// `lucarne.export/1` and the manifest (a distinct origin, so it can never pass for a
    /// checkpoint), signed under the log's name (`lucarne_proof::export::manifest::sign`).
    pub fn sign_export_manifest(&self, manifest: &[u8]) -> Vec<u8> {
        lucarne_proof::export::manifest::sign(manifest, self.signer.name(), &self.pair)
    }

    /// The C2SP verifier key string: `<name>+<id>+<base64(0x01 || public key)>`.
    pub fn verifier_key(&self) -> &str {
        &self.verifier_key
    }
}

fn verifier_key(name: &str, public_key: &[u8]) -> String {
    let mut encoded = vec![ALG_ED25519];
    encoded.extend_from_slice(public_key);
    let id = signed_note::key_id(name, &encoded);
    format!(
        "{name}+{id:08x}+{}",
        base64::engine::general_purpose::STANDARD.encode(&encoded)
    )
}

fn new_private_key(name: &str) -> anyhow::Result<String> {
    if !signed_note::is_key_name_valid(name) {
        anyhow::bail!("`{name}` is not a valid key name (no spaces, no `+`)");
    }
    let mut seed = [0u8; 32];
    ring::rand::SystemRandom::new()
        .fill(&mut seed)
        .map_err(|_| anyhow::anyhow!("no system randomness"))?;
    let pair = ring::signature::Ed25519KeyPair::from_seed_unchecked(&seed)
        .map_err(|_| anyhow::anyhow!("Ed25519 key from seed"))?;
    let mut public = vec![ALG_ED25519];
    public.extend_from_slice(pair.public_key().as_ref());
    let mut private = vec![ALG_ED25519];
    private.extend_from_slice(&seed);
    Ok(format!(
        "PRIVATE+KEY+{name}+{:08x}+{}",
        signed_note::key_id(name, &public),
        base64::engine::general_purpose::STANDARD.encode(private)
    ))
}

fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    file.write_all(text.as_bytes())?;
    file.sync_all()
}
