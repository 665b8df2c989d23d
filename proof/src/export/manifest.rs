//! The manifest of an export and its signature.
//!
//! `MANIFEST` lists every other file of the export with its SHA-256, one line each,
//! `<hex sha256>  <path>\n`, sorted by path (bytewise), each path once. `MANIFEST.sig` is a
//! C2SP signed note whose text is the line `lucarne.export/1` followed by the manifest's
//! bytes; its signature lines are those of checkpoints (§5 of [`crate::formats`]).
//!
//! Why the note is read here rather than with the `signed_note` crate, as checkpoints are:
//! that crate refuses notes above 1 MB, and the manifest of several devices over years is
//! bigger. The note grammar is the same and small: the text ends at the last `\n\n`, each
//! signature line is `— <name> <base64(4-byte key id || 64-byte signature)>\n`. The tests
//! check a note signed here against the `signed_note` crate's verifier.

use base64::Engine as _;
use ring::signature::{Ed25519KeyPair, KeyPair as _, UnparsedPublicKey, ED25519};

use super::zip::check_name;
use crate::envelope::sha256_hex;

/// The first line of the manifest note's text: what the signature is about.
pub const EXPORT_ORIGIN: &str = "lucarne.export/1";
/// Largest manifest accepted (16 MiB: about 150,000 files).
pub const MAX_MANIFEST_BYTES: usize = 16 * 1024 * 1024;
/// Most signature lines read from a note.
pub const MAX_SIGNATURES: usize = 16;

/// Why a manifest or its note is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ManifestError {
    /// A manifest line is malformed.
    #[error("line {line}: {problem}")]
    Line {
        /// Line number, from 1.
        line: usize,
        /// What is wrong.
        problem: String,
    },
    /// The manifest is larger than [`MAX_MANIFEST_BYTES`] or empty.
    #[error("the manifest is empty or larger than {MAX_MANIFEST_BYTES} bytes")]
    Size,
    /// The note is malformed.
    #[error("malformed signed note: {0}")]
    Note(&'static str),
    /// The note's text is not `lucarne.export/1` followed by the manifest.
    #[error("the signed text is not `lucarne.export/1` followed by this MANIFEST")]
    OtherText,
    /// No signature line by any of the keys given.
    #[error("no signature by a known key (signers: {0})")]
    UnknownSigner(String),
    /// The signature line of a known key does not verify.
    #[error("the signature of {0} does not verify")]
    BadSignature(String),
    /// A verifier key is malformed.
    #[error("malformed verifier key: {0}")]
    VerifierKey(String),
}

/// One line of a manifest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManifestLine {
    /// Hex SHA-256 of the file (lowercase).
    pub sha256: String,
    /// Its path in the export.
    pub path: String,
}

/// The manifest of `files` (path, bytes): their lines, sorted by path.
pub fn build<'a>(files: impl IntoIterator<Item = (&'a str, &'a [u8])>) -> Vec<u8> {
    let mut lines: Vec<(&str, String)> = files
        .into_iter()
        .map(|(path, bytes)| (path, sha256_hex(bytes)))
        .collect();
    lines.sort_unstable_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
    let mut out = Vec::new();
    for (path, hash) in lines {
        out.extend_from_slice(hash.as_bytes());
        out.extend_from_slice(b"  ");
        out.extend_from_slice(path.as_bytes());
        out.push(b'\n');
    }
    out
}

/// Parses a manifest strictly: lines `<64 lowercase hex>  <path>\n`, paths valid
/// ([`check_name`]), strictly increasing bytewise (sorted, no repeat), not empty.
pub fn parse(manifest: &[u8]) -> Result<Vec<ManifestLine>, ManifestError> {
    if manifest.is_empty() || manifest.len() > MAX_MANIFEST_BYTES {
        return Err(ManifestError::Size);
    }
    let text = std::str::from_utf8(manifest).map_err(|_| ManifestError::Line {
        line: 1 + manifest
            .iter()
            .take(
                std::str::from_utf8(manifest)
                    .err()
                    .map_or(0, |e| e.valid_up_to()),
            )
            .filter(|b| **b == b'\n')
            .count(),
        problem: "not UTF-8".into(),
    })?;
    let body = text.strip_suffix('\n').ok_or(ManifestError::Line {
        line: text.lines().count(),
        problem: "the last line does not end with a newline".into(),
    })?;
    let mut out: Vec<ManifestLine> = Vec::new();
    for (index, line) in body.split('\n').enumerate() {
        let number = index + 1;
        let bad = |problem: String| ManifestError::Line {
            line: number,
            problem,
        };
        let (hash, path) = line
            .split_once("  ")
            .ok_or_else(|| bad("not `<sha256>  <path>`".into()))?;
        if hash.len() != 64
            || !hash
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        {
            return Err(bad("the hash is not 64 lowercase hex digits".into()));
        }
        check_name(path).map_err(|e| bad(e.to_string()))?;
        if let Some(previous) = out.last() {
            if previous.path.as_bytes() >= path.as_bytes() {
                return Err(bad(format!(
                    "{path} is not after {}: the lines are not sorted or repeat a path",
                    previous.path
                )));
            }
        }
        out.push(ManifestLine {
            sha256: hash.to_string(),
            path: path.to_string(),
        });
    }
    Ok(out)
}

/// The text a manifest note signs.
pub fn note_text(manifest: &[u8]) -> Vec<u8> {
    let mut text = Vec::with_capacity(EXPORT_ORIGIN.len() + 1 + manifest.len());
    text.extend_from_slice(EXPORT_ORIGIN.as_bytes());
    text.push(b'\n');
    text.extend_from_slice(manifest);
    text
}

/// The signed-note key id of an Ed25519 key named `name`.
fn note_key_id(name: &str, public_key: &[u8]) -> [u8; 4] {
    let mut data = Vec::with_capacity(name.len() + 2 + public_key.len());
    data.extend_from_slice(name.as_bytes());
    data.push(b'\n');
    data.push(0x01);
    data.extend_from_slice(public_key);
    let digest = ring::digest::digest(&ring::digest::SHA256, &data);
    let mut id = [0; 4];
    id.copy_from_slice(&digest.as_ref()[..4]);
    id
}

/// The signed-note verifier key of an Ed25519 public key named `name`:
/// `<name>+<key id, 8 hex>+<base64(0x01 || public key)>`.
pub fn verifier_key(name: &str, public_key: &[u8]) -> String {
    let mut encoded = vec![0x01];
    encoded.extend_from_slice(public_key);
    format!(
        "{name}+{}+{}",
        hex::encode(note_key_id(name, public_key)),
        base64::engine::general_purpose::STANDARD.encode(encoded)
    )
}

/// A verifier key read back: name, key id, public key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifierKey {
    /// The key's name.
    pub name: String,
    /// The 32-byte Ed25519 public key.
    pub public_key: [u8; 32],
}

/// Parses a verifier key (see [`verifier_key`]) and checks its key id.
pub fn parse_verifier_key(text: &str) -> Result<VerifierKey, ManifestError> {
    let bad = |problem: &str| ManifestError::VerifierKey(problem.to_string());
    // The base64 key may itself hold `+`: only the first two separate fields.
    let mut parts = text.splitn(3, '+');
    let (Some(name), Some(id), Some(key)) = (parts.next(), parts.next(), parts.next()) else {
        return Err(bad("not `<name>+<id>+<key>`"));
    };
    if name.is_empty() || name.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(bad("the name is empty or has spaces"));
    }
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(key)
        .map_err(|_| bad("the key is not base64"))?;
    let (Some(&0x01), Ok(public_key)) = (decoded.first(), <[u8; 32]>::try_from(&decoded[1..]))
    else {
        return Err(bad("not an Ed25519 key (0x01 and 32 bytes)"));
    };
    if id != hex::encode(note_key_id(name, &public_key)) {
        return Err(bad("the key id does not match the name and key"));
    }
    Ok(VerifierKey {
        name: name.to_string(),
        public_key,
    })
}

/// Signs the manifest: the note `lucarne.export/1\n<manifest>`, an empty line, and one
/// signature line by `key` under `name`.
pub fn sign(manifest: &[u8], name: &str, key: &Ed25519KeyPair) -> Vec<u8> {
    let text = note_text(manifest);
    let signature = key.sign(&text);
    let mut blob = note_key_id(name, key.public_key().as_ref()).to_vec();
    blob.extend_from_slice(signature.as_ref());
    let mut note = text;
    note.push(b'\n');
    note.extend_from_slice("— ".as_bytes());
    note.extend_from_slice(name.as_bytes());
    note.push(b' ');
    note.extend_from_slice(
        base64::engine::general_purpose::STANDARD
            .encode(blob)
            .as_bytes(),
    );
    note.push(b'\n');
    note
}

/// Verifies `note` as the signature of `manifest` by one of `keys`; returns the index in
/// `keys` of the key whose signature verified (the first listed in the note).
pub fn verify(note: &[u8], manifest: &[u8], keys: &[VerifierKey]) -> Result<usize, ManifestError> {
    if note.len() > MAX_MANIFEST_BYTES + 64 * 1024 {
        return Err(ManifestError::Size);
    }
    let split = note
        .windows(2)
        .rposition(|w| w == b"\n\n")
        .ok_or(ManifestError::Note("no empty line before the signatures"))?;
    let text = &note[..=split];
    let signatures = std::str::from_utf8(&note[split + 2..])
        .map_err(|_| ManifestError::Note("signature lines are not UTF-8"))?;
    if text != note_text(manifest).as_slice() {
        return Err(ManifestError::OtherText);
    }
    let body = signatures.strip_suffix('\n').ok_or(ManifestError::Note(
        "the last signature line has no newline",
    ))?;
    let mut names = Vec::new();
    for (count, line) in body.split('\n').enumerate() {
        if count >= MAX_SIGNATURES {
            return Err(ManifestError::Note("too many signature lines"));
        }
        let rest = line.strip_prefix("— ").ok_or(ManifestError::Note(
            "a signature line does not start with `— `",
        ))?;
        let (name, blob) = rest.split_once(' ').ok_or(ManifestError::Note(
            "a signature line is not `— <name> <signature>`",
        ))?;
        let blob = base64::engine::general_purpose::STANDARD
            .decode(blob)
            .map_err(|_| ManifestError::Note("a signature is not base64"))?;
        if blob.len() < 4 {
            return Err(ManifestError::Note(
                "a signature is shorter than its key id",
            ));
        }
        names.push(name.to_string());
        let Some(index) = keys
            .iter()
            .position(|k| k.name == name && note_key_id(&k.name, &k.public_key) == blob[..4])
        else {
            continue;
        };
        return UnparsedPublicKey::new(&ED25519, keys[index].public_key)
            .verify(text, &blob[4..])
            .map(|()| index)
            .map_err(|_| ManifestError::BadSignature(name.to_string()));
    }
    Err(ManifestError::UnknownSigner(names.join(", ")))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn key(seed: u8) -> Ed25519KeyPair {
        Ed25519KeyPair::from_seed_unchecked(&[seed; 32]).unwrap()
    }

    #[test]
    fn manifests_are_sorted_and_parsed_strictly() {
        let manifest = build([("b/x", &b"2"[..]), ("a", &b"1"[..]), ("B", &b""[..])]);
        let text = String::from_utf8(manifest.clone()).unwrap();
        assert_eq!(
            text,
            format!(
                "{}  B\n{}  a\n{}  b/x\n",
                sha256_hex(b""),
                sha256_hex(b"1"),
                sha256_hex(b"2")
            )
        );
        let lines = parse(&manifest).unwrap();
        assert_eq!(lines.len(), 3);
        assert_eq!(lines[1].path, "a");
        // Reordered, repeated, upper-case hex, one space, `..`, no final newline: refused.
        let swapped = format!("{}  a\n{}  B\n", sha256_hex(b"1"), sha256_hex(b""));
        for bad in [
            swapped,
            format!("{0}  a\n{0}  a\n", sha256_hex(b"1")),
            format!("{}  a\n", sha256_hex(b"1").to_uppercase()),
            format!("{} a\n", sha256_hex(b"1")),
            format!("{}  ../a\n", sha256_hex(b"1")),
            format!("{}  a", sha256_hex(b"1")),
            String::new(),
        ] {
            assert!(parse(bad.as_bytes()).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn a_signed_manifest_verifies_with_its_key_only() {
        let manifest = build([("a", &b"1"[..])]);
        let signer = key(1);
        let name = "agent-0123456789abcdef";
        let note = sign(&manifest, name, &signer);
        let vkey = verifier_key(name, signer.public_key().as_ref());
        let parsed = parse_verifier_key(&vkey).unwrap();
        let other =
            parse_verifier_key(&verifier_key("other", key(2).public_key().as_ref())).unwrap();
        assert_eq!(
            verify(&note, &manifest, &[other.clone(), parsed.clone()]).unwrap(),
            1
        );
        assert!(matches!(
            verify(&note, &manifest, std::slice::from_ref(&other)),
            Err(ManifestError::UnknownSigner(_))
        ));
        // Another manifest, or a changed note: refused.
        let changed = build([("a", &b"2"[..])]);
        assert_eq!(
            verify(&note, &changed, std::slice::from_ref(&parsed)),
            Err(ManifestError::OtherText)
        );
        let mut flipped = note.clone();
        let last = flipped.len() - 10;
        flipped[last] ^= 0x01;
        assert!(verify(&flipped, &manifest, std::slice::from_ref(&parsed)).is_err());
        // The same key under another name is not the same verifier key.
        let renamed = parse_verifier_key(&verifier_key("x", signer.public_key().as_ref())).unwrap();
        assert!(verify(&note, &manifest, &[renamed]).is_err());
        // A verifier key whose id was changed is refused.
        let mut bad = vkey.clone();
        bad.replace_range(
            name.len() + 1..name.len() + 2,
            if &vkey[name.len() + 1..name.len() + 2] == "0" {
                "1"
            } else {
                "0"
            },
        );
        assert!(parse_verifier_key(&bad).is_err());
    }

    #[test]
    fn verifier_keys_read_back_whatever_their_base64_holds() {
        // Some of these keys' base64 hold `+` or `/`.
        for seed in 0..64u8 {
            let pair = key(seed);
            let text = verifier_key("agent-x", pair.public_key().as_ref());
            let parsed = parse_verifier_key(&text).unwrap();
            assert_eq!(parsed.public_key.as_slice(), pair.public_key().as_ref());
        }
    }

    #[test]
    fn the_note_is_a_c2sp_signed_note() {
        // Checked with the `signed_note` crate, an independent reader of the grammar.
        let manifest = build([("a", &b"1"[..])]);
        let signer = key(3);
        let name = "agent-test";
        let note = sign(&manifest, name, &signer);
        let vkey = verifier_key(name, signer.public_key().as_ref());
        let verifier = signed_note::StandardVerifier::new(&vkey).unwrap();
        let parsed = signed_note::Note::from_bytes(&note).unwrap();
        parsed
            .verify(&signed_note::VerifierList::new(vec![Box::new(verifier)]))
            .unwrap();
        assert_eq!(parsed.text(), note_text(&manifest).as_slice());
    }
}
