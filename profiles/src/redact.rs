//! Secret redaction: passwords, shared secrets, pre-shared keys, private keys, PKCS#12 blobs,
//! tokens and SCEP/ACME challenges are replaced by `redacted:<hex SHA-256(salt ‖ value)>`
//! before anything is shown, signed or sent. The salt is the agent's own (kept on the
//! official's computer), so the server cannot guess short passwords from the hashes, yet a
//! changed secret still shows as a changed hash in a diff.
//!
//! Secrets are found by where they are and by what they are:
//! - values at key paths the catalogue lists as secret for their payload type
//!   ([`Catalog::is_secret_key_path`](crate::catalog::Catalog::is_secret_key_path):
//!   Exchange's `Certificate`, a relay's `AdditionalHTTPHeaderFields`, ACME's
//!   `ClientIdentifier`…), and everything under them;
//! - values of keys whose name says they hold a secret ([`is_secret_key`]), at any depth, in
//!   any payload, including unknown ones: `…Password`, `…Secret`, `…Token`, `…Challenge`;
//! - HTTP header values carrying credentials (`Authorization`, `Cookie`, `X-Api-Key`…),
//!   inside any dictionary of headers;
//! - by content, under any key: PKCS#12 identities and private keys (DER, or base64 text of
//!   DER), PEM private-key blocks, `Bearer`/`Basic` credentials, JSON Web Tokens, and the
//!   `PrivateKey = …` lines of configuration text (WireGuard's `WgQuickConfig`);
//! - by content, under the vendor-defined dictionaries the catalogue calls opaque
//!   (`VendorConfig`, `ExtensionData`…): any value that looks like a random token;
//! - whole payloads that are secrets (`com.apple.security.pkcs12` content: a private key).
//!
//! Booleans are never redacted: `OneTimeUserPassword = true` is a setting, not a secret; nor
//! are empty strings, which hold no secret (templates leave them empty). Certificates are
//! public and stay readable: the analysis reads them.

use serde_json::{Map, Value};

use crate::catalog::{catalog, key_path_covers, normalise_key_path};
use crate::profile::{Payload, Profile};
use crate::snapshot::Snapshot;
use crate::value;

/// Prefix of every redacted value.
pub const REDACTED_PREFIX: &str = "redacted:";

/// Payload types whose whole `PayloadContent` is a secret.
const SECRET_PAYLOAD_TYPES: &[&str] = &["com.apple.security.pkcs12"];

/// Words in configuration text that introduce a secret on the same line (`Name = value`).
const SECRET_LINE_NAMES: &[&str] = &["privatekey", "presharedkey", "password", "secret", "psk"];

/// HTTP headers whose value is a credential.
const CREDENTIAL_HEADERS: &[&str] = &[
    "authorization",
    "proxyauthorization",
    "cookie",
    "setcookie",
    "xapikey",
    "apikey",
    "xauthtoken",
    "xaccesstoken",
];

/// Schemes of an `Authorization` value (RFC 9110 and common ones): the credential follows.
const AUTH_SCHEMES: &[&str] = &["bearer", "basic", "digest", "token", "negotiate", "apikey"];

/// Deepest nesting walked (values below are hashed whole).
const MAX_DEPTH: usize = 64;

/// `key` lower-cased without separators (`X-Api-Key` → `xapikey`).
fn squash(key: &str) -> String {
    key.chars()
        .filter(|c| !matches!(c, '-' | '_' | ' ' | '.'))
        .flat_map(char::to_lowercase)
        .collect()
}

/// Whether a key's name says its value is a secret.
pub fn is_secret_key(key: &str) -> bool {
    let k = squash(key);
    k.ends_with("password")
        || k.ends_with("passphrase")
        || k.ends_with("passcode")
        || k.contains("secret")
        || k.contains("privatekey")
        || k.contains("presharedkey")
        || k == "psk"
        || k.ends_with("psk")
        || k.ends_with("challenge")
        || k.ends_with("token")
        || k.ends_with("apikey")
        || k.ends_with("credential")
        || k.ends_with("credentials")
        || k == "pkcs12"
        || k == "keydata"
}

/// Whether a key names an HTTP header that carries a credential.
fn is_credential_header(key: &str) -> bool {
    let k = squash(key);
    CREDENTIAL_HEADERS.contains(&k.as_str()) || is_secret_key(key)
}

/// Whether a key holds HTTP headers (`AdditionalHTTPHeaderFields`, `Headers`…).
fn holds_headers(key: &str) -> bool {
    squash(key).contains("header")
}

/// Where a value lies, for the rules that depend on it.
#[derive(Clone, Copy)]
struct Place<'a> {
    payload_type: &'a str,
    /// Under a dictionary the catalogue calls opaque (keys chosen by a vendor).
    opaque: bool,
    /// Inside a dictionary of HTTP headers.
    headers: bool,
    depth: usize,
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
                if !is_redacted(content) {
                    *content = Value::String(self.hash_value(content));
                }
            }
        }
        let place = Place {
            payload_type: &payload.payload_type,
            opaque: false,
            headers: false,
            depth: 0,
        };
        self.map(&mut payload.content, "", place);
    }

    /// Redacts every profile of a snapshot in place.
    pub fn snapshot(&self, snapshot: &mut Snapshot) {
        for installed in &mut snapshot.profiles {
            self.profile(&mut installed.profile);
        }
    }

    fn map(&self, map: &mut Map<String, Value>, path: &str, place: Place<'_>) {
        for (key, value) in map.iter_mut() {
            let child = if path.is_empty() {
                key.clone()
            } else {
                format!("{path}/{key}")
            };
            let normalised = normalise_key_path(&child);
            let c = catalog();
            let secret = is_secret_key(key)
                || c.is_secret_key_path(place.payload_type, &normalised)
                || (place.headers && is_credential_header(key));
            if secret {
                self.hide(value, place.depth);
                continue;
            }
            let inner = Place {
                opaque: place.opaque
                    || c.opaque_keys(place.payload_type)
                        .iter()
                        .any(|listed| key_path_covers(listed, &normalised)),
                headers: holds_headers(key),
                depth: place.depth + 1,
                ..place
            };
            self.value(value, &child, inner);
        }
    }

    fn value(&self, value: &mut Value, path: &str, place: Place<'_>) {
        if place.depth > MAX_DEPTH {
            self.hide(value, place.depth);
            return;
        }
        if let Some(bytes) = value::as_bytes(value) {
            if is_private_der(&bytes) {
                *value = Value::String(self.hash(&bytes));
            }
            return;
        }
        match value {
            Value::Object(map) if !map.contains_key(value::DATE_KEY) => self.map(map, path, place),
            Value::Array(items) => {
                for (i, item) in items.iter_mut().enumerate() {
                    self.value(item, &format!("{path}[{i}]"), place);
                }
            }
            Value::String(text) if !text.starts_with(REDACTED_PREFIX) => {
                if is_secret_text(text) || (place.opaque && looks_like_token(text)) {
                    *text = self.hash(text.as_bytes());
                } else if let Some(clean) = self.embedded(text) {
                    *text = clean;
                }
            }
            _ => {}
        }
    }

    /// Hides a secret value: every leaf under it is hashed, keeping the structure (the names
    /// of headers, the number of entries) readable. Booleans, nulls and empty strings stay.
    fn hide(&self, value: &mut Value, depth: usize) {
        if is_redacted(value) {
            return;
        }
        match value {
            Value::Bool(_) | Value::Null => {}
            Value::String(s) if s.is_empty() => {}
            Value::Object(map)
                if depth < MAX_DEPTH
                    && !map.contains_key(value::DATA_KEY)
                    && !map.contains_key(value::DATE_KEY) =>
            {
                map.values_mut().for_each(|v| self.hide(v, depth + 1));
            }
            Value::Array(items) if depth < MAX_DEPTH => {
                items.iter_mut().for_each(|v| self.hide(v, depth + 1));
            }
            other => *other = Value::String(self.hash_value(other)),
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
            if trimmed.starts_with("-----BEGIN")
                && (trimmed.contains("PRIVATE KEY") || trimmed.contains("PKCS12"))
            {
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

/// Whether text is a credential whatever key holds it: an `Authorization` value with its
/// scheme, a JSON Web Token, or base64 of a PKCS#12 identity or a private key.
fn is_secret_text(text: &str) -> bool {
    let t = text.trim();
    if let Some((scheme, rest)) = t.split_once(' ') {
        let rest = rest.trim();
        // A credential is a long word: "Basic Authentication" is a label, not one.
        if AUTH_SCHEMES.contains(&scheme.to_ascii_lowercase().as_str())
            && rest.len() >= 8
            && !rest.contains(' ')
            && (rest
                .chars()
                .any(|c| c.is_ascii_digit() || "+/=._-".contains(c))
                || (rest.chars().any(|c| c.is_ascii_uppercase())
                    && rest.chars().any(|c| c.is_ascii_lowercase())))
        {
            return true;
        }
    }
    if is_jwt(t) {
        return true;
    }
    // Base64 of DER: long, and only base64 characters once whitespace is set aside.
    t.len() >= 64
        && t.chars().all(|c| {
            c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '=') || c.is_ascii_whitespace()
        })
        && value::decode_base64_lenient(t).is_some_and(|bytes| is_private_der(&bytes))
}

/// `xxx.yyy.zzz` with base64url parts, the first two JSON objects (`eyJ`…).
fn is_jwt(text: &str) -> bool {
    let parts: Vec<&str> = text.split('.').collect();
    parts.len() == 3
        && parts[0].starts_with("eyJ")
        && parts[1].starts_with("eyJ")
        && parts.iter().all(|p| {
            !p.is_empty()
                && p.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '=')
        })
}

/// Whether text under a vendor's dictionary looks like a random token: long enough, no
/// spaces, not a URL, host, bundle id or UUID, mixing letters and digits, with many distinct
/// characters.
fn looks_like_token(text: &str) -> bool {
    let t = text.trim();
    let len = t.chars().count();
    if !(12..=8192).contains(&len) || t.chars().any(char::is_whitespace) {
        return false;
    }
    if t.contains("://") || t.contains('.') || is_uuid(t) {
        return false;
    }
    let letters = t.chars().any(|c| c.is_ascii_alphabetic());
    let digits = t.chars().any(|c| c.is_ascii_digit());
    if !(letters && digits) {
        return false;
    }
    let mut distinct: Vec<char> = t.chars().collect();
    distinct.sort_unstable();
    distinct.dedup();
    distinct.len() * 2 >= len.min(32)
}

fn is_uuid(text: &str) -> bool {
    let groups: Vec<&str> = text.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(g, n)| g.len() == n && g.chars().all(|c| c.is_ascii_hexdigit()))
}

/// The header (tag, length) of the DER element at `at`: `(tag, content start, content end)`.
fn der_element(bytes: &[u8], at: usize) -> Option<(u8, usize, usize)> {
    let tag = *bytes.get(at)?;
    let first = *bytes.get(at + 1)?;
    let (len, start) = if first < 0x80 {
        (first as usize, at + 2)
    } else {
        let n = (first & 0x7f) as usize;
        if n == 0 || n > 4 {
            return None;
        }
        let mut len = 0usize;
        for i in 0..n {
            len = (len << 8) | *bytes.get(at + 2 + i)? as usize;
        }
        (len, at + 2 + n)
    };
    let end = start.checked_add(len)?;
    (end <= bytes.len()).then_some((tag, start, end))
}

/// OIDs, as DER content bytes, that open a PKCS#12 `authSafe` or an encrypted private key.
const PKCS7_DATA: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x01];
const PKCS7_SIGNED: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02];
const PBES2: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x05, 0x0d];
const PKCS12_PBE: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x0c, 0x01];

/// Whether DER bytes are a PKCS#12 identity (`PFX`: version 3, then `ContentInfo`) or a
/// private key (PKCS#8, encrypted PKCS#8, PKCS#1 RSA, SEC 1 EC). A certificate (whose first
/// element is itself a sequence) is none of these.
pub fn is_private_der(bytes: &[u8]) -> bool {
    let Some((0x30, start, _)) = der_element(bytes, 0) else {
        return false;
    };
    let Some((tag, inner, inner_end)) = der_element(bytes, start) else {
        return false;
    };
    match tag {
        // INTEGER version first: PFX (3), PKCS#8 (0 or 1), PKCS#1 (0), SEC 1 (1).
        0x02 => {
            let version = match bytes.get(inner..inner_end) {
                Some([v]) => *v,
                _ => return false,
            };
            let Some((next, next_start, next_end)) = der_element(bytes, inner_end) else {
                return false;
            };
            match (version, next) {
                // PFX: version 3, then ContentInfo { data | signedData }.
                (3, 0x30) => der_element(bytes, next_start).is_some_and(|(t, s, e)| {
                    t == 0x06 && matches!(bytes.get(s..e), Some(o) if o == PKCS7_DATA || o == PKCS7_SIGNED)
                }),
                // PKCS#8: version, AlgorithmIdentifier, OCTET STRING.
                (0 | 1, 0x30) => der_element(bytes, next_end).is_some_and(|(t, ..)| t == 0x04),
                // PKCS#1 RSA: version 0, modulus, exponent, private exponent…
                (0, 0x02) => next_end - next_start >= 64,
                // SEC 1 EC: version 1, OCTET STRING private key.
                (1, 0x04) => true,
                _ => false,
            }
        }
        // EncryptedPrivateKeyInfo: AlgorithmIdentifier { PBES2 | PKCS#12 PBE }, OCTET STRING.
        0x30 => {
            der_element(bytes, inner).is_some_and(|(t, s, e)| {
                t == 0x06
                    && bytes
                        .get(s..e)
                        .is_some_and(|o| o == PBES2 || o.starts_with(PKCS12_PBE))
            }) && der_element(bytes, inner_end).is_some_and(|(t, ..)| t == 0x04)
        }
        _ => false,
    }
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

    fn fixture_payload(file: &str, index: usize, key: &str) -> Vec<u8> {
        let bytes = std::fs::read(format!("{}/{file}", env!("CARGO_MANIFEST_DIR"))).unwrap();
        let p = crate::parse_profile(&bytes).unwrap();
        value::as_bytes(p.payloads[index].get(key).unwrap()).unwrap()
    }

    #[test]
    fn identities_and_private_keys_are_found_by_content_under_any_key() {
        let p12 = fixture_payload(
            "tests/fixtures/truth/secrets-by-content.mobileconfig",
            0,
            "Certificate",
        );
        let cert = fixture_payload(
            "tests/fixtures/truth/ca-root.mobileconfig",
            0,
            "PayloadContent",
        );
        let rng = ring::rand::SystemRandom::new();
        let pkcs8 = ring::signature::EcdsaKeyPair::generate_pkcs8(
            &ring::signature::ECDSA_P256_SHA256_ASN1_SIGNING,
            &rng,
        )
        .unwrap();
        let key_b64 =
            base64::Engine::encode(&base64::engine::general_purpose::STANDARD, pkcs8.as_ref());
        assert!(is_private_der(&p12) && is_private_der(pkcs8.as_ref()));
        assert!(!is_private_der(&cert));
        let r = Redactor::new(b"salt");
        let mut p = payload(
            "com.example.unknown",
            json!({"Blob": value::data(&p12), "Anchor": value::data(&cert),
                   "Nested": [{"Text": key_b64}]}),
        );
        r.payload(&mut p);
        assert_eq!(p.content["Blob"], json!(r.hash(&p12)));
        // A certificate is public: the analysis reads it.
        assert_eq!(p.content["Anchor"], value::data(&cert));
        assert!(p.content["Nested"][0]["Text"]
            .as_str()
            .unwrap()
            .starts_with(REDACTED_PREFIX));
    }

    #[test]
    fn credentials_in_headers_and_tokens_are_hashed_the_rest_stays() {
        let r = Redactor::new(b"salt");
        let mut p = payload(
            "com.example.unknown",
            json!({"Headers": {"Authorization": "Basic ZWx1OnNlY3JldA==", "X-Api-Key": "k-123456",
                               "X-Trace": "visible"},
                   "Note": "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln",
                   "Auth": "Bearer abc123def456ghi",
                   "SessionToken": "t-1", "TokenType": "JWT",
                   "Label": "Basic"}),
        );
        r.payload(&mut p);
        let c = &p.content;
        for hidden in [
            &c["Headers"]["Authorization"],
            &c["Headers"]["X-Api-Key"],
            &c["Note"],
            &c["Auth"],
            &c["SessionToken"],
        ] {
            assert!(
                hidden.as_str().unwrap().starts_with(REDACTED_PREFIX),
                "{hidden}"
            );
        }
        assert_eq!(c["Headers"]["X-Trace"], "visible");
        assert_eq!(c["TokenType"], "JWT");
        assert_eq!(c["Label"], "Basic");
    }

    #[test]
    fn catalogue_paths_and_opaque_dictionaries() {
        let r = Redactor::new(b"salt");
        let mut p = payload(
            "com.apple.vpn.managed",
            json!({"VPNType": "VPN", "VPN": {"RemoteAddress": "vpn.example.org"},
                   "VendorConfig": {"Group": "elus", "Realm": "EXAMPLE",
                                    "session": "vt_9f3b27c1d8e44a0b",
                                    "Server": "gw.example.org",
                                    "Id": "FC7B0E71-3E09-51B7-94C9-01B204C1158B"}}),
        );
        r.payload(&mut p);
        let v = &p.content["VendorConfig"];
        assert!(v["session"].as_str().unwrap().starts_with(REDACTED_PREFIX));
        for (k, kept) in [
            ("Group", "elus"),
            ("Realm", "EXAMPLE"),
            ("Server", "gw.example.org"),
        ] {
            assert_eq!(v[k], kept);
        }
        assert_eq!(p.content["VPN"]["RemoteAddress"], "vpn.example.org");
        // ACME's client identifier is a credential by the catalogue, whatever its name says;
        // a relay's header values too, while their names stay readable.
        let mut acme = payload(
            "com.apple.security.acme",
            json!({"ClientIdentifier": "client-1", "DirectoryURL": "https://acme.example.org"}),
        );
        r.payload(&mut acme);
        assert_eq!(acme.content["ClientIdentifier"], json!(r.hash(b"client-1")));
        assert_eq!(acme.content["DirectoryURL"], "https://acme.example.org");
        let mut relay = payload(
            "com.apple.relay.managed",
            json!({"Relays": [{"HTTP3RelayURL": "https://relay.example.org",
                               "AdditionalHTTPHeaderFields": {"X-Custom": "v-1"}}]}),
        );
        r.payload(&mut relay);
        assert_eq!(
            relay.content["Relays"][0]["AdditionalHTTPHeaderFields"]["X-Custom"],
            json!(r.hash(b"v-1"))
        );
        assert_eq!(
            relay.content["Relays"][0]["HTTP3RelayURL"],
            "https://relay.example.org"
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
