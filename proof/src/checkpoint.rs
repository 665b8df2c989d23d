//! Signed checkpoints of the server's transparency log (C2SP `tlog-checkpoint` inside a C2SP
//! `signed-note`).
//!
//! A checkpoint commits the server to one tree: its origin (the log's name), its size and its
//! root hash. The agent learns the log's origin and verifier key once, at registration, and from
//! then on accepts only checkpoints signed by that key for that origin. Offline verification of
//! evidence uses the same function with the key written in the export.
//!
//! Format (c2sp.org/tlog-checkpoint; byte by byte in [`crate::formats`] §5): the note text is
//! `origin\nsize\nbase64(root)\n`, optionally followed by extension lines; the size is decimal
//! without leading zeros. The signed note is the text, an empty line, and signature lines
//! `— <key name> <base64(4-byte key id || 64-byte Ed25519 signature over the text)>`; the key id
//! is the first 4 bytes of `SHA-256(key name || 0x0A || 0x01 || public key)`.
//!
//! Why the `signed_note` crate is reused here although the server signs with it too: unlike
//! the Merkle checks (see [`crate::merkle`]), there is little room in a signed note for a
//! shared misreading to hide. What it does for this module is small and fully specified by
//! C2SP: split the note at its last empty line, decode each signature line, find the line of
//! the verifier key's name and key id, and check one Ed25519 signature over the text bytes.
//! The part that carries meaning, the checkpoint text (origin, size, root), is parsed here, not
//! by `tlog_tiles`, which builds it on the server. And the tests do not trust the crate's own
//! round trip: they verify a note built by hand from the spec (key id, verifier key, signature
//! line, with `ring` signing), check by hand that a note signed by `signed_note`'s signer has
//! the spec's bytes, and refuse each field tampered with. The size is bounded before the crate
//! sees the bytes.

use base64::Engine as _;
use signed_note::{Note, StandardVerifier, VerifierList};

use crate::merkle::Hash;

/// Largest checkpoint note accepted, signatures included.
pub const MAX_CHECKPOINT_BYTES: usize = 64 * 1024;
/// Most extension lines accepted after the root hash.
pub const MAX_EXTENSION_LINES: usize = 16;

/// What the agent knows of a log from its registration: the only log whose checkpoints it trusts.
#[derive(
    Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, schemars::JsonSchema,
)]
pub struct LogIdentity {
    /// The checkpoint origin line, e.g. `lucarne.example.org/log`.
    pub origin: String,
    /// The signed-note verifier key, `name+hexid+base64(0x01 || public key)`.
    pub verifier_key: String,
}

impl LogIdentity {
    /// Checks that the verifier key is a well-formed signed-note Ed25519 key.
    pub fn validate(&self) -> Result<(), CheckpointError> {
        if self.origin.is_empty() || self.origin.contains('\n') {
            return Err(CheckpointError::Malformed("empty or multi-line origin"));
        }
        StandardVerifier::new(&self.verifier_key)
            .map(|_| ())
            .map_err(|e| CheckpointError::VerifierKey(e.to_string()))
    }
}

/// A checkpoint whose signature was verified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkpoint {
    /// Origin line.
    pub origin: String,
    /// Number of leaves in the tree.
    pub size: u64,
    /// Root hash of the tree.
    pub root: Hash,
}

/// Why a checkpoint was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CheckpointError {
    /// The verifier key recorded at registration cannot be read.
    #[error("the log's verifier key is not a valid signed-note Ed25519 key: {0}")]
    VerifierKey(String),
    /// Larger than [`MAX_CHECKPOINT_BYTES`].
    #[error("the checkpoint is {0} bytes, more than the {MAX_CHECKPOINT_BYTES} accepted")]
    TooLarge(usize),
    /// Not a signed note.
    #[error("the checkpoint is not a well-formed signed note: {0}")]
    MalformedNote(String),
    /// The note carries a signature by the log's key that does not verify.
    #[error("the checkpoint's signature by the log key does not verify")]
    BadSignature,
    /// The note carries no signature by the log's key.
    #[error("the checkpoint is not signed by the log key")]
    NotSigned,
    /// The signed text is not a checkpoint.
    #[error("the checkpoint text is malformed: {0}")]
    Malformed(&'static str),
    /// Signed by the right key but for another log.
    #[error("the checkpoint is for log `{found}`, expected `{expected}`")]
    WrongOrigin {
        /// Origin recorded at registration.
        expected: String,
        /// Origin in the checkpoint.
        found: String,
    },
}

/// Verifies a signed checkpoint note against the log's identity and returns its content.
pub fn verify_checkpoint(note: &[u8], log: &LogIdentity) -> Result<Checkpoint, CheckpointError> {
    if note.len() > MAX_CHECKPOINT_BYTES {
        return Err(CheckpointError::TooLarge(note.len()));
    }
    let verifier = StandardVerifier::new(&log.verifier_key)
        .map_err(|e| CheckpointError::VerifierKey(e.to_string()))?;
    let parsed =
        Note::from_bytes(note).map_err(|e| CheckpointError::MalformedNote(e.to_string()))?;
    parsed
        .verify(&VerifierList::new(vec![Box::new(verifier)]))
        .map_err(|e| match e {
            signed_note::NoteError::UnverifiedNote => CheckpointError::NotSigned,
            signed_note::NoteError::InvalidSignature { .. } => CheckpointError::BadSignature,
            other => CheckpointError::MalformedNote(other.to_string()),
        })?;
    let checkpoint = parse_text(parsed.text())?;
    if checkpoint.origin != log.origin {
        return Err(CheckpointError::WrongOrigin {
            expected: log.origin.clone(),
            found: checkpoint.origin,
        });
    }
    Ok(checkpoint)
}

/// Parses the (already verified) text of a checkpoint note.
fn parse_text(text: &[u8]) -> Result<Checkpoint, CheckpointError> {
    let text = std::str::from_utf8(text).map_err(|_| CheckpointError::Malformed("not UTF-8"))?;
    let body = text
        .strip_suffix('\n')
        .ok_or(CheckpointError::Malformed("no final newline"))?;
    let mut lines = body.split('\n');
    let origin = lines
        .next()
        .filter(|l| !l.is_empty())
        .ok_or(CheckpointError::Malformed("empty origin line"))?;
    let size_line = lines
        .next()
        .ok_or(CheckpointError::Malformed("no tree size line"))?;
    let size: u64 = size_line
        .parse()
        .map_err(|_| CheckpointError::Malformed("tree size is not a decimal number"))?;
    if size.to_string() != size_line {
        return Err(CheckpointError::Malformed(
            "tree size is not in canonical form",
        ));
    }
    let root_line = lines
        .next()
        .ok_or(CheckpointError::Malformed("no root hash line"))?;
    let root = base64::engine::general_purpose::STANDARD
        .decode(root_line)
        .ok()
        .and_then(|b| Hash::try_from(b.as_slice()).ok())
        .ok_or(CheckpointError::Malformed(
            "root hash is not 32 bytes of base64",
        ))?;
    let mut extensions = 0;
    for line in lines {
        extensions += 1;
        if line.is_empty() {
            return Err(CheckpointError::Malformed("empty extension line"));
        }
        if extensions > MAX_EXTENSION_LINES {
            return Err(CheckpointError::Malformed("too many extension lines"));
        }
    }
    Ok(Checkpoint {
        origin: origin.to_string(),
        size,
        root,
    })
}

/// Test support: a log signing key, to build checkpoints the verifiers must accept or refuse.
#[cfg(any(test, feature = "test-log"))]
pub mod test_log {
    use base64::Engine as _;
    use ring::signature::KeyPair as _;
    use signed_note::{Note, StandardSigner};

    use super::LogIdentity;
    use crate::merkle::Hash;

    /// A log key derived from a fixed seed.
    pub struct TestLog {
        signer: StandardSigner,
        /// Origin and verifier key of the log.
        pub identity: LogIdentity,
    }

    impl TestLog {
        /// A log named `origin` whose key comes from `seed`.
        pub fn new(origin: &str, seed: [u8; 32]) -> TestLog {
            let b64 = base64::engine::general_purpose::STANDARD;
            let pair = ring::signature::Ed25519KeyPair::from_seed_unchecked(&seed)
                .expect("a 32-byte seed is a valid Ed25519 seed");
            let mut public = vec![0x01];
            public.extend_from_slice(pair.public_key().as_ref());
            let id = signed_note::key_id(origin, &public);
            let mut private = vec![0x01];
            private.extend_from_slice(&seed);
            let skey = format!("PRIVATE+KEY+{origin}+{id:08x}+{}", b64.encode(private));
            TestLog {
                signer: StandardSigner::new(&skey).expect("well-formed signer key"),
                identity: LogIdentity {
                    origin: origin.to_string(),
                    verifier_key: format!("{origin}+{id:08x}+{}", b64.encode(public)),
                },
            }
        }

        /// A signed note over a checkpoint body `text`.
        pub fn sign_text(&self, text: &str) -> String {
            let mut note = Note::new(text.as_bytes(), &[]).expect("well-formed note text");
            note.add_sigs(&[&self.signer]).expect("signing works");
            String::from_utf8(note.to_bytes()).expect("notes are UTF-8")
        }

        /// A signed checkpoint of this log.
        pub fn sign(&self, size: u64, root: &Hash) -> String {
            let b64 = base64::engine::general_purpose::STANDARD;
            self.sign_text(&format!(
                "{}\n{size}\n{}\n",
                self.identity.origin,
                b64.encode(root)
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::test_log::TestLog;
    use super::*;

    const ORIGIN: &str = "lucarne.test/log";

    #[test]
    fn a_signed_checkpoint_verifies() {
        let log = TestLog::new(ORIGIN, [7; 32]);
        let note = log.sign(42, &[9; 32]);
        let cp = verify_checkpoint(note.as_bytes(), &log.identity).unwrap();
        assert_eq!(
            cp,
            Checkpoint {
                origin: ORIGIN.into(),
                size: 42,
                root: [9; 32]
            }
        );
        // Extension lines are allowed.
        let b64 = base64::engine::general_purpose::STANDARD;
        let note = log.sign_text(&format!("{ORIGIN}\n3\n{}\next one\n", b64.encode([1; 32])));
        assert_eq!(
            verify_checkpoint(note.as_bytes(), &log.identity)
                .unwrap()
                .size,
            3
        );
    }

    #[test]
    fn every_tampered_part_is_refused() {
        let log = TestLog::new(ORIGIN, [7; 32]);
        let note = log.sign(42, &[9; 32]);
        let b64 = base64::engine::general_purpose::STANDARD;

        // Size, root and origin changed after signing.
        let bad = note.replacen("\n42\n", "\n43\n", 1);
        assert_eq!(
            verify_checkpoint(bad.as_bytes(), &log.identity),
            Err(CheckpointError::BadSignature)
        );
        let bad = note.replacen(&b64.encode([9; 32]), &b64.encode([8; 32]), 1);
        assert_eq!(
            verify_checkpoint(bad.as_bytes(), &log.identity),
            Err(CheckpointError::BadSignature)
        );
        let bad = note.replacen(ORIGIN, "lucarne.test/loh", 1);
        assert_eq!(
            verify_checkpoint(bad.as_bytes(), &log.identity),
            Err(CheckpointError::BadSignature)
        );

        // The signature bytes changed.
        let sig_line = note.lines().last().unwrap();
        let sig_b64 = sig_line.rsplit(' ').next().unwrap();
        let mut sig = b64.decode(sig_b64).unwrap();
        let last = sig.len() - 1;
        sig[last] ^= 1;
        let bad = note.replace(sig_b64, &b64.encode(&sig));
        assert_eq!(
            verify_checkpoint(bad.as_bytes(), &log.identity),
            Err(CheckpointError::BadSignature)
        );

        // Signed by another key with the same name: not signed by the log key.
        let impostor = TestLog::new(ORIGIN, [8; 32]);
        let bad = impostor.sign(42, &[9; 32]);
        assert_eq!(
            verify_checkpoint(bad.as_bytes(), &log.identity),
            Err(CheckpointError::NotSigned)
        );

        // Signed by the log key but for another origin.
        let other = TestLog::new("other.test/log", [7; 32]);
        let renamed = LogIdentity {
            origin: ORIGIN.into(),
            verifier_key: other.identity.verifier_key.clone(),
        };
        let bad = other.sign(42, &[9; 32]);
        assert!(matches!(
            verify_checkpoint(bad.as_bytes(), &renamed),
            Err(CheckpointError::WrongOrigin { .. })
        ));

        // No signature at all, garbage, oversized.
        let unsigned = format!("{ORIGIN}\n42\n{}\n", b64.encode([9; 32]));
        assert!(matches!(
            verify_checkpoint(unsigned.as_bytes(), &log.identity),
            Err(CheckpointError::MalformedNote(_))
        ));
        assert!(verify_checkpoint(b"\xff\xfe", &log.identity).is_err());
        let huge = vec![b'a'; MAX_CHECKPOINT_BYTES + 1];
        assert_eq!(
            verify_checkpoint(&huge, &log.identity),
            Err(CheckpointError::TooLarge(MAX_CHECKPOINT_BYTES + 1))
        );
        let broken_key = LogIdentity {
            origin: ORIGIN.into(),
            verifier_key: "not a key".into(),
        };
        assert!(log.identity.validate().is_ok());
        assert!(broken_key.validate().is_err());
        assert!(matches!(
            verify_checkpoint(note.as_bytes(), &broken_key),
            Err(CheckpointError::VerifierKey(_))
        ));
    }

    #[test]
    fn malformed_signed_texts_are_refused() {
        let log = TestLog::new(ORIGIN, [7; 32]);
        let b64 = base64::engine::general_purpose::STANDARD;
        let root = b64.encode([1; 32]);
        let cases = [
            format!("{ORIGIN}\n042\n{root}\n"),
            format!("{ORIGIN}\n-1\n{root}\n"),
            format!("{ORIGIN}\n18446744073709551616\n{root}\n"),
            format!("{ORIGIN}\n1\n{}\n", b64.encode([1; 31])),
            format!("{ORIGIN}\n1\nnot base64!\n"),
            format!("{ORIGIN}\n1\n"),
            format!("{ORIGIN}\n1\n{root}\n\n"),
            format!(
                "{ORIGIN}\n1\n{root}\n{}",
                "x\n".repeat(MAX_EXTENSION_LINES + 1)
            ),
        ];
        for text in cases {
            let note = log.sign_text(&text);
            assert!(
                verify_checkpoint(note.as_bytes(), &log.identity).is_err(),
                "accepted {text:?}"
            );
        }
    }

    /// The signed-note key id, computed by hand from the C2SP spec: the first 4 bytes of
    /// SHA-256(name || 0x0A || 0x01 || public key).
    fn hand_key_id(name: &str, public: &[u8]) -> [u8; 4] {
        let mut input = name.as_bytes().to_vec();
        input.push(0x0A);
        input.push(0x01);
        input.extend_from_slice(public);
        let digest = ring::digest::digest(&ring::digest::SHA256, &input);
        let mut id = [0u8; 4];
        id.copy_from_slice(&digest.as_ref()[..4]);
        id
    }

    /// A signature line built by hand: `— name base64(key id || signature)`.
    fn hand_signature_line(name: &str, id: [u8; 4], signature: &[u8]) -> String {
        let b64 = base64::engine::general_purpose::STANDARD;
        format!(
            "\u{2014} {name} {}\n",
            b64.encode([&id[..], signature].concat())
        )
    }

    #[test]
    fn a_note_built_by_hand_from_the_spec_verifies() {
        use ring::signature::KeyPair as _;
        let b64 = base64::engine::general_purpose::STANDARD;
        let pair = ring::signature::Ed25519KeyPair::from_seed_unchecked(&[5; 32]).unwrap();
        let public = pair.public_key().as_ref();
        let id = hand_key_id(ORIGIN, public);
        let log = LogIdentity {
            origin: ORIGIN.into(),
            verifier_key: format!(
                "{ORIGIN}+{}+{}",
                hex::encode(id),
                b64.encode([&[0x01][..], public].concat())
            ),
        };
        let root = [0xAB; 32];
        let text = format!("{ORIGIN}\n5\n{}\n", b64.encode(root));
        let signature = pair.sign(text.as_bytes());
        let note = format!(
            "{text}\n{}",
            hand_signature_line(ORIGIN, id, signature.as_ref())
        );
        let expected = Checkpoint {
            origin: ORIGIN.into(),
            size: 5,
            root,
        };
        assert_eq!(
            verify_checkpoint(note.as_bytes(), &log),
            Ok(expected.clone())
        );

        // A cosignature by another key (a witness) is ignored, before or after.
        let witness = hand_signature_line("witness.test", [1, 2, 3, 4], &[7; 64]);
        let cosigned = format!("{note}{witness}");
        assert_eq!(
            verify_checkpoint(cosigned.as_bytes(), &log),
            Ok(expected.clone())
        );
        let cosigned = format!(
            "{text}\n{witness}{}",
            hand_signature_line(ORIGIN, id, signature.as_ref())
        );
        assert_eq!(verify_checkpoint(cosigned.as_bytes(), &log), Ok(expected));

        // The log's name with another key id is another key: not signed by the log.
        let mut other_id = id;
        other_id[3] ^= 1;
        let note = format!(
            "{text}\n{}",
            hand_signature_line(ORIGIN, other_id, signature.as_ref())
        );
        assert_eq!(
            verify_checkpoint(note.as_bytes(), &log),
            Err(CheckpointError::NotSigned)
        );
        // The signature over the text without its final newline does not verify.
        let short = pair.sign(text.trim_end().as_bytes());
        let note = format!(
            "{text}\n{}",
            hand_signature_line(ORIGIN, id, short.as_ref())
        );
        assert_eq!(
            verify_checkpoint(note.as_bytes(), &log),
            Err(CheckpointError::BadSignature)
        );
    }

    #[test]
    fn notes_signed_by_signed_note_follow_the_spec() {
        // What the server signs with (signed_note's signer, as in TestLog), checked by hand.
        use ring::signature::KeyPair as _;
        let b64 = base64::engine::general_purpose::STANDARD;
        let log = TestLog::new(ORIGIN, [7; 32]);
        let pair = ring::signature::Ed25519KeyPair::from_seed_unchecked(&[7; 32]).unwrap();
        let public = pair.public_key().as_ref();
        let id = hand_key_id(ORIGIN, public);
        assert_eq!(
            log.identity.verifier_key,
            format!(
                "{ORIGIN}+{}+{}",
                hex::encode(id),
                b64.encode([&[0x01][..], public].concat())
            )
        );
        let root = [0x42; 32];
        let note = log.sign(3, &root);
        let text = format!("{ORIGIN}\n3\n{}\n", b64.encode(root));
        let signature_line = note
            .strip_prefix(&format!("{text}\n"))
            .unwrap()
            .strip_suffix('\n')
            .unwrap();
        let encoded = signature_line
            .strip_prefix(&format!("\u{2014} {ORIGIN} "))
            .unwrap();
        let decoded = b64.decode(encoded).unwrap();
        assert_eq!(decoded.len(), 4 + 64);
        assert_eq!(decoded[..4], id);
        ring::signature::UnparsedPublicKey::new(&ring::signature::ED25519, public)
            .verify(text.as_bytes(), &decoded[4..])
            .unwrap();
    }
}
