//! Signed API requests: what an agent signs to call the server's API with its key.
//!
//! A request is bound to everything that gives it meaning, so that a signature seen once
//! (in a proxy's log, a browser's history) opens nothing else: the method, the server's
//! host, the path with its query, the SHA-256 of the body, a timestamp and a single-use
//! nonce. The message signed (Ed25519) is these fields, one per line, after a context line:
//!
//! ```text
//! lucarne-request-v1\n
//! <METHOD>\n
//! <host, lower case, with :port when not the default>\n
//! <path and query, exactly as sent>\n
//! <hex SHA-256 of the body (of no bytes for a GET)>\n
//! <unix seconds>\n
//! <nonce: 32 to 64 lower-case hex digits>\n
//! ```
//!
//! The headers carrying them are [`AUTHORIZATION`] (`Lucarne <key_id>`), [`TIMESTAMP`],
//! [`NONCE`] and [`SIGNATURE`] (base64 of the 64-byte signature). The server refuses a nonce
//! it has already seen for that key while the timestamp is within its window, so a request
//! cannot be played twice.

use crate::envelope::sha256_hex;

/// First line of every signed request message.
pub const REQUEST_CONTEXT: &str = "lucarne-request-v1";
/// Header naming the key: `Lucarne <key_id>`.
pub const AUTHORIZATION: &str = "authorization";
/// Header with the Unix time of signing.
pub const TIMESTAMP: &str = "x-lucarne-timestamp";
/// Header with the single-use nonce.
pub const NONCE: &str = "x-lucarne-nonce";
/// Header with the base64 signature.
pub const SIGNATURE: &str = "x-lucarne-signature";
/// Longest path and query accepted in a signed request.
pub const MAX_TARGET_LEN: usize = 4096;
/// Longest host accepted.
pub const MAX_HOST_LEN: usize = 255;

/// Why a request's fields cannot be signed or checked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RequestError {
    /// The method is not an upper-case token.
    #[error("the method is not an upper-case HTTP token")]
    Method,
    /// The host is empty, too long or has characters a host cannot have.
    #[error("the host is empty, longer than {MAX_HOST_LEN} bytes or not a host name")]
    Host,
    /// The path is not absolute, too long, or has spaces or control characters.
    #[error("the path is not an absolute path of at most {MAX_TARGET_LEN} printable bytes")]
    Target,
    /// The nonce is not 32 to 64 lower-case hex digits.
    #[error("the nonce is not 32 to 64 lower-case hex digits")]
    Nonce,
}

/// The fields of one signed request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedRequest<'a> {
    /// `GET`, `POST`…
    pub method: &'a str,
    /// The server's host as the client addressed it (`host[:port]`).
    pub host: &'a str,
    /// Path and query, exactly as sent (`/api/v1/devices?page=2`).
    pub target: &'a str,
    /// The request body (empty for a GET).
    pub body: &'a [u8],
    /// Unix seconds.
    pub timestamp: i64,
    /// Single-use random value, hex.
    pub nonce: &'a str,
}

/// Whether `nonce` has the form a nonce must have.
pub fn valid_nonce(nonce: &str) -> bool {
    (32..=64).contains(&nonce.len())
        && nonce
            .bytes()
            .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

impl SignedRequest<'_> {
    /// The exact bytes signed, or which field cannot be signed.
    pub fn message(&self) -> Result<Vec<u8>, RequestError> {
        if self.method.is_empty()
            || self.method.len() > 16
            || !self.method.bytes().all(|b| b.is_ascii_uppercase())
        {
            return Err(RequestError::Method);
        }
        if self.host.is_empty()
            || self.host.len() > MAX_HOST_LEN
            || !self
                .host
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b':' | b'[' | b']'))
        {
            return Err(RequestError::Host);
        }
        if !self.target.starts_with('/')
            || self.target.len() > MAX_TARGET_LEN
            || !self.target.bytes().all(|b| b.is_ascii_graphic())
        {
            return Err(RequestError::Target);
        }
        if !valid_nonce(self.nonce) {
            return Err(RequestError::Nonce);
        }
        Ok(format!(
            "{REQUEST_CONTEXT}\n{}\n{}\n{}\n{}\n{}\n{}\n",
            self.method,
            self.host.to_ascii_lowercase(),
            self.target,
            sha256_hex(self.body),
            self.timestamp,
            self.nonce
        )
        .into_bytes())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn request<'a>() -> SignedRequest<'a> {
        SignedRequest {
            method: "GET",
            host: "Lucarne.Example:8443",
            target: "/api/v1/devices?page=2",
            body: b"",
            timestamp: 1_700_000_000,
            nonce: "0123456789abcdef0123456789abcdef",
        }
    }

    #[test]
    fn message_is_the_fields_line_by_line() {
        let text = String::from_utf8(request().message().unwrap()).unwrap();
        assert_eq!(
            text,
            "lucarne-request-v1\nGET\nlucarne.example:8443\n/api/v1/devices?page=2\n\
             e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n1700000000\n\
             0123456789abcdef0123456789abcdef\n"
        );
    }

    #[test]
    fn every_field_changes_the_message() {
        let base = request().message().unwrap();
        let variants = [
            SignedRequest {
                method: "POST",
                ..request()
            },
            SignedRequest {
                host: "other.example:8443",
                ..request()
            },
            SignedRequest {
                target: "/api/v1/devices?page=3",
                ..request()
            },
            SignedRequest {
                body: b"x",
                ..request()
            },
            SignedRequest {
                timestamp: 1_700_000_001,
                ..request()
            },
            SignedRequest {
                nonce: "1123456789abcdef0123456789abcdef",
                ..request()
            },
        ];
        for v in variants {
            assert_ne!(v.message().unwrap(), base, "{v:?}");
        }
    }

    #[test]
    fn hostile_fields_are_refused() {
        let newline = SignedRequest {
            target: "/a\nGET",
            ..request()
        };
        assert_eq!(newline.message(), Err(RequestError::Target));
        let host = SignedRequest {
            host: "a b",
            ..request()
        };
        assert_eq!(host.message(), Err(RequestError::Host));
        let nonce = SignedRequest {
            nonce: "XYZ",
            ..request()
        };
        assert_eq!(nonce.message(), Err(RequestError::Nonce));
        let method = SignedRequest {
            method: "get",
            ..request()
        };
        assert_eq!(method.message(), Err(RequestError::Method));
    }
}
