//! Secret redaction: passwords, shared secrets, pre-shared keys, private keys, PKCS#12 blobs
//! and SCEP/ACME challenges are replaced by `redacted:<hex SHA-256(salt ‖ value)>` before
//! anything is shown, signed or sent. The salt is the agent's own (kept on the official's
//! computer), so the server cannot guess short passwords from the hashes, yet a changed secret
//! still shows as a changed hash in a diff.
//!
//! Three kinds of secrets are found:
//! - values of keys whose name says they hold a secret ([`is_secret_key`]), at any depth;
//! - whole payloads that are secrets (`com.apple.security.pkcs12` content: a private key);
//! - secrets embedded in configuration text (`PrivateKey = …` lines of a WireGuard
//!   `WgQuickConfig`, PEM private-key blocks).
//!
//! Booleans are never redacted: `OneTimeUserPassword = true` is a setting, not a secret; nor
//! are empty strings, which hold no secret (templates leave them empty).

use serde_json::{Map, Value};

use crate::profile::{Payload, Profile};
use crate::snapshot::Snapshot;
use crate::value;

/// Prefix of every redacted value.
pub const REDACTED_PREFIX: &str = "redacted:";

/// Payload types whose whole `PayloadContent` is a secret.
const SECRET_PAYLOAD_TYPES: &[&str] = &["com.apple.security.pkcs12"];

/// Words in configuration text that introduce a secret on the same line (`Name = value`).
const SECRET_LINE_NAMES: &[&str] = &["privatekey", "presharedkey", "password", "secret", "psk"];

/// Whether a key's name says its value is a secret.
pub fn is_secret_key(key: &str) -> bool {
    let k = key.to_ascii_lowercase();
    k.ends_with("password")
        || k.ends_with("passphrase")
        || k.ends_with("passcode")
        || k.contains("secret")
        || k.contains("privatekey")
        || k.contains("presharedkey")
        || k == "psk"
        || k.ends_with("psk")
        || k.ends_with("challenge")
        || k == "pkcs12"
        || k == "keydata"
}

/// Replaces secrets with salted hashes.
#[derive(Debug, Clone)]
pub struct Redactor {
    salt: Vec<u8>,
}

impl Redactor {
    /// A redactor with the agent's salt.
    pub fn new(salt: &[u8]) -> Self {
        Redactor {
            salt: salt.to_vec(),
        }
    }

    /// The redacted form of some secret bytes.
    pub fn hash(&self, secret: &[u8]) -> String {
        let mut ctx = ring::digest::Context::new(&ring::digest::SHA256);
        ctx.update(&self.salt);
        ctx.update(secret);
        format!("{REDACTED_PREFIX}{}", hex::encode(ctx.finish()))
    }

    /// Redacts every secret of a profile in place.
    pub fn profile(&self, profile: &mut Profile) {
        for payload in &mut profile.payloads {
            self.payload(payload);
        }
    }

    /// Redacts every secret of a payload in place.
    pub fn payload(&self, payload: &mut Payload) {
        if SECRET_PAYLOAD_TYPES.contains(&payload.payload_type.as_str()) {
            if let Some(content) = payload.content.get_mut("PayloadContent") {
                *content = Value::String(self.hash_value(content));
            }
        }
        self.map(&mut payload.content);
    }

    /// Redacts every profile of a snapshot in place.
    pub fn snapshot(&self, snapshot: &mut Snapshot) {
        for installed in &mut snapshot.profiles {
            self.profile(&mut installed.profile);
        }
    }

    fn map(&self, map: &mut Map<String, Value>) {
        for (key, value) in map.iter_mut() {
            let empty = value.as_str().is_some_and(str::is_empty);
            if is_secret_key(key) && !empty && !matches!(value, Value::Bool(_) | Value::Null) {
                if !is_redacted(value) {
                    *value = Value::String(self.hash_value(value));
                }
            } else {
                self.value(value);
            }
        }
    }

    fn value(&self, value: &mut Value) {
        match value {
            Value::Object(map) if !map.contains_key(value::DATA_KEY) => self.map(map),
            Value::Array(items) => items.iter_mut().for_each(|v| self.value(v)),
            Value::String(text) => {
                if let Some(clean) = self.embedded(text) {
                    *text = clean;
                }
            }
            _ => {}
        }
    }

    fn hash_value(&self, value: &Value) -> String {
        match value {
            Value::String(s) => self.hash(s.as_bytes()),
            other => match value::as_bytes(other) {
                Some(bytes) => self.hash(&bytes),
                None => self.hash(other.to_string().as_bytes()),
            },
        }
    }

    /// Redacts secrets inside configuration text; `None` when there were none.
    fn embedded(&self, text: &str) -> Option<String> {
        let mut changed = false;
        let mut out = String::with_capacity(text.len());
        let mut in_pem_key = false;
        let mut pem_body = String::new();
        for line in text.split_inclusive('\n') {
            let trimmed = line.trim();
            if in_pem_key {
                if trimmed.starts_with("-----END") {
                    in_pem_key = false;
                    out.push_str(&self.hash(pem_body.as_bytes()));
                    out.push('\n');
                    out.push_str(line);
                    pem_body.clear();
                } else {
                    pem_body.push_str(trimmed);
                }
                continue;
            }
            if trimmed.starts_with("-----BEGIN") && trimmed.contains("PRIVATE KEY") {
                in_pem_key = true;
                changed = true;
                out.push_str(line);
                continue;
            }
            if let Some((name, secret)) = trimmed.split_once('=') {
                let name_l = name.trim().to_ascii_lowercase();
                let secret = secret.trim();
                if !secret.is_empty()
                    && !secret.starts_with(REDACTED_PREFIX)
                    && SECRET_LINE_NAMES.iter().any(|n| name_l.ends_with(n))
                {
                    let indent = &line[..line.len() - line.trim_start().len()];
                    let ending = if line.ends_with('\n') { "\n" } else { "" };
                    out.push_str(&format!(
                        "{indent}{} = {}{ending}",
                        name.trim(),
                        self.hash(secret.as_bytes())
                    ));
                    changed = true;
                    continue;
                }
            }
            out.push_str(line);
        }
        if in_pem_key {
            // An unterminated private key block: hide the rest entirely.
            out.push_str(&self.hash(pem_body.as_bytes()));
        }
        changed.then_some(out)
    }
}

fn is_redacted(value: &Value) -> bool {
    value
        .as_str()
        .is_some_and(|s| s.starts_with(REDACTED_PREFIX))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use serde_json::json;

    fn payload(payload_type: &str, content: Value) -> Payload {
        Payload {
            payload_type: payload_type.into(),
            content: content.as_object().cloned().unwrap_or_default(),
            ..Default::default()
        }
    }

    #[test]
    fn named_secrets_are_hashed_at_any_depth_but_booleans_stay() {
        let r = Redactor::new(b"salt");
        let mut p = payload(
            "com.apple.wifi.managed",
            json!({"Password": "hunter2", "EAPClientConfiguration":
                   {"UserPassword": "s3cret", "OneTimeUserPassword": true},
                   "SSID_STR": "Mairie"}),
        );
        r.payload(&mut p);
        let text = serde_json::to_string(&p).unwrap();
        assert!(!text.contains("hunter2") && !text.contains("s3cret"));
        assert_eq!(p.content["SSID_STR"], "Mairie");
        assert_eq!(
            p.content["EAPClientConfiguration"]["OneTimeUserPassword"],
            true
        );
        assert_eq!(p.content["Password"], json!(r.hash(b"hunter2")));
    }

    #[test]
    fn same_secret_same_hash_other_salt_other_hash() {
        let a = Redactor::new(b"one");
        let b = Redactor::new(b"two");
        assert_eq!(a.hash(b"x"), a.hash(b"x"));
        assert_ne!(a.hash(b"x"), b.hash(b"x"));
        assert_ne!(a.hash(b"x"), a.hash(b"y"));
    }

    #[test]
    fn embedded_wireguard_and_pem_keys_are_hashed() {
        let r = Redactor::new(b"salt");
        let config =
            "[Interface]\nPrivateKey = AAAA\nAddress = 10.0.0.2\n[Peer]\nPresharedKey = BBBB\n";
        let pem = "-----BEGIN PRIVATE KEY-----\nCCCC\n-----END PRIVATE KEY-----\n";
        let mut p = payload(
            "com.apple.vpn.managed",
            json!({"VendorConfig": {"WgQuickConfig": config}, "Note": pem}),
        );
        r.payload(&mut p);
        let text = serde_json::to_string(&p).unwrap();
        for secret in ["AAAA", "BBBB", "CCCC"] {
            assert!(!text.contains(secret), "{secret} survived: {text}");
        }
        assert!(text.contains("Address = 10.0.0.2"));
    }

    #[test]
    fn pkcs12_content_is_hashed_whole() {
        let r = Redactor::new(b"salt");
        let mut p = payload(
            "com.apple.security.pkcs12",
            json!({"PayloadContent": value::data(b"private key bytes")}),
        );
        r.payload(&mut p);
        assert_eq!(
            p.content["PayloadContent"],
            json!(r.hash(b"private key bytes"))
        );
    }

    #[test]
    fn redaction_is_idempotent() {
        let r = Redactor::new(b"salt");
        let mut p = payload("x", json!({"Password": "hunter2"}));
        r.payload(&mut p);
        let once = p.clone();
        r.payload(&mut p);
        assert_eq!(p, once);
    }
}
