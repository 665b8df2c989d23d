//! The HTTP client of the Lucarne server API (`/api/v1/…`).
//!
//! Only `https://` servers are accepted, except on the loopback interface (tests, a server on
//! the same computer): snapshots are signed, not encrypted, and describe an official's device.
//! Every answer is read with a size bound and the server's error texts are cleaned of control
//! characters before anyone prints them.

use std::time::Duration;

use lucarne_proof::wire::{ConsistencyProof, ErrorBody, RegisterRequest, RegisterResponse};

/// Largest answer read from the server.
pub const MAX_ANSWER_BYTES: usize = 2 * 1024 * 1024;
/// The wait assumed when a 429 answer has no usable `Retry-After`.
pub const DEFAULT_RETRY_AFTER_SECONDS: u64 = 60;
/// The longest wait a server can impose with `Retry-After`: a wrong or hostile header must
/// not silence the agent for days.
pub const MAX_RETRY_AFTER_SECONDS: u64 = 3600;
/// Longest server error message kept.
const MAX_MESSAGE_CHARS: usize = 500;

/// Why a request to the server failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ClientError {
    /// The server URL is unusable.
    #[error("server URL `{url}`: {reason}")]
    BadUrl {
        /// The URL given.
        url: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// No answer: offline, refused, timed out.
    #[error("cannot reach the server at {url}: {reason}")]
    Unreachable {
        /// The URL requested.
        url: String,
        /// What the network said.
        reason: String,
    },
    /// The server refused the request (4xx) and said why.
    #[error("the server refused the request (HTTP {status}, {code}): {message}")]
    Rejected {
        /// HTTP status.
        status: u16,
        /// The server's error code, e.g. `bad_signature`.
        code: String,
        /// The server's explanation.
        message: String,
    },
    /// The server asks the client to wait before its next request: too many requests
    /// (429 `rate_limited`) or too much at once (503 `busy`), with `Retry-After`.
    #[error(
        "the server asks to wait {seconds} seconds before trying again (HTTP {status}, {code}): \
         {message}"
    )]
    TryLater {
        /// HTTP status.
        status: u16,
        /// The server's error code, e.g. `rate_limited`.
        code: String,
        /// Seconds to wait: the server's `Retry-After`, bounded by [`MAX_RETRY_AFTER_SECONDS`];
        /// [`DEFAULT_RETRY_AFTER_SECONDS`] when a 429 names none.
        seconds: u64,
        /// The server's explanation.
        message: String,
    },
    /// The server failed (5xx).
    #[error("the server failed (HTTP {status}): {message}")]
    ServerFailure {
        /// HTTP status.
        status: u16,
        /// The server's explanation, if any.
        message: String,
    },
    /// The answer is not what the API promises.
    #[error("the server's answer is malformed: {0}")]
    MalformedAnswer(String),
}

/// Removes control characters (terminal escapes) and bounds the length of a server text.
pub fn clean_text(text: &str) -> String {
    let mut out: String = text
        .chars()
        .filter(|c| !c.is_control())
        .take(MAX_MESSAGE_CHARS)
        .collect();
    if text.chars().filter(|c| !c.is_control()).count() > MAX_MESSAGE_CHARS {
        out.push('…');
    }
    out
}

/// A client of one Lucarne server.
#[derive(Debug, Clone)]
pub struct ServerClient {
    base: String,
    http: reqwest::Client,
}

fn is_loopback(host: &str) -> bool {
    host == "localhost"
        || host == "[::1]"
        || host
            .parse::<std::net::Ipv4Addr>()
            .is_ok_and(|ip| ip.is_loopback())
}

impl ServerClient {
    /// A client of the server at `url` (`https://host[:port]`, or `http://` on loopback).
    pub fn new(url: &str) -> Result<ServerClient, ClientError> {
        let bad = |reason| ClientError::BadUrl {
            url: url.to_string(),
            reason,
        };
        let base = url.trim_end_matches('/');
        let (scheme, rest) = base
            .split_once("://")
            .ok_or(bad("it must start with https://"))?;
        let authority = rest.split('/').next().unwrap_or_default();
        let host = match authority.rsplit_once(':') {
            Some((h, port)) if !h.is_empty() && port.bytes().all(|b| b.is_ascii_digit()) => h,
            _ => authority,
        };
        if host.is_empty() || base.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(bad("it names no host"));
        }
        match scheme {
            "https" => {}
            "http" if is_loopback(host) => {}
            "http" => {
                return Err(bad(
                    "plain http is only accepted on this computer; use https://",
                ))
            }
            _ => return Err(bad("it must start with https://")),
        }
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(10))
            .timeout(Duration::from_secs(60))
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("lucarne/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| ClientError::Unreachable {
                url: url.to_string(),
                reason: e.to_string(),
            })?;
        Ok(ServerClient {
            base: base.to_string(),
            http,
        })
    }

    /// The server's base URL.
    pub fn base(&self) -> &str {
        &self.base
    }

    /// Registers `public_key` (base64) with a one-time registration `code`.
    pub async fn register(
        &self,
        code: &str,
        public_key: &str,
        label: &str,
    ) -> Result<RegisterResponse, ClientError> {
        let body = serde_json::to_vec(&RegisterRequest {
            code: code.to_string(),
            public_key: public_key.to_string(),
            label: Some(label.to_string()),
        })
        .map_err(|e| ClientError::MalformedAnswer(e.to_string()))?;
        let answer = self.post("/api/v1/register", body).await?;
        serde_json::from_slice(&answer).map_err(|e| ClientError::MalformedAnswer(e.to_string()))
    }

    /// Sends one envelope (its exact bytes); returns the receipt's bytes, unverified.
    pub async fn send_envelope(&self, envelope: Vec<u8>) -> Result<Vec<u8>, ClientError> {
        self.post("/api/v1/snapshots", envelope).await
    }

    /// The log's current signed checkpoint, unverified.
    pub async fn checkpoint(&self) -> Result<Vec<u8>, ClientError> {
        self.get("/checkpoint").await
    }

    /// A consistency proof between two tree sizes, as hex hashes, unverified.
    pub async fn consistency(&self, from: u64, to: u64) -> Result<Vec<String>, ClientError> {
        let answer = self
            .get(&format!("/api/v1/log/consistency?from={from}&to={to}"))
            .await?;
        let parsed: ConsistencyProof = serde_json::from_slice(&answer)
            .map_err(|e| ClientError::MalformedAnswer(e.to_string()))?;
        Ok(parsed.proof)
    }

    /// Sends an API request signed with `key` (method, host, path and query, body hash, time
    /// and a fresh nonce: see [`lucarne_proof::request`]); returns the answer's bytes.
    pub async fn signed(
        &self,
        key: &crate::keys::AgentKey,
        method: &str,
        target: &str,
        body: Vec<u8>,
    ) -> Result<Vec<u8>, ClientError> {
        use base64::Engine as _;
        use lucarne_proof::request;
        let url = format!("{}{target}", self.base);
        let host = self
            .base
            .split_once("://")
            .map(|(_, rest)| rest.split('/').next().unwrap_or_default())
            .unwrap_or_default()
            .to_ascii_lowercase();
        let mut nonce = [0u8; 16];
        ring::rand::SecureRandom::fill(&ring::rand::SystemRandom::new(), &mut nonce).map_err(
            |_| ClientError::Unreachable {
                url: url.clone(),
                reason: "no system randomness for the request's nonce".to_string(),
            },
        )?;
        let nonce = hex::encode(nonce);
        let timestamp = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
            .unwrap_or(0);
        let message = request::SignedRequest {
            method,
            host: &host,
            target,
            body: &body,
            timestamp,
            nonce: &nonce,
        }
        .message()
        .map_err(|e| ClientError::BadUrl {
            url: url.clone(),
            reason: match e {
                request::RequestError::Host => "its host cannot be signed",
                _ => "this request cannot be signed",
            },
        })?;
        let signature =
            base64::engine::general_purpose::STANDARD.encode(key.sign_request(&message));
        let method =
            reqwest::Method::from_bytes(method.as_bytes()).map_err(|_| ClientError::BadUrl {
                url: url.clone(),
                reason: "this request cannot be signed",
            })?;
        let mut builder = self
            .http
            .request(method, &url)
            .header(request::AUTHORIZATION, format!("Lucarne {}", key.key_id()))
            .header(request::TIMESTAMP, timestamp.to_string())
            .header(request::NONCE, nonce)
            .header(request::SIGNATURE, signature);
        if !body.is_empty() {
            builder = builder
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(body);
        }
        self.send(&url, builder).await
    }

    async fn post(&self, path: &str, body: Vec<u8>) -> Result<Vec<u8>, ClientError> {
        let url = format!("{}{path}", self.base);
        let request = self
            .http
            .post(&url)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(body);
        self.send(&url, request).await
    }

    async fn get(&self, path: &str) -> Result<Vec<u8>, ClientError> {
        let url = format!("{}{path}", self.base);
        let request = self.http.get(&url);
        self.send(&url, request).await
    }

    async fn send(
        &self,
        url: &str,
        request: reqwest::RequestBuilder,
    ) -> Result<Vec<u8>, ClientError> {
        let unreachable = |e: reqwest::Error| ClientError::Unreachable {
            url: url.to_string(),
            reason: e.to_string(),
        };
        let mut response = request.send().await.map_err(unreachable)?;
        let status = response.status().as_u16();
        // Only the delta-seconds form: a server that sends an HTTP date gets the default.
        let retry_after = response
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(|s| s.min(MAX_RETRY_AFTER_SECONDS));
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(unreachable)? {
            if body.len() + chunk.len() > MAX_ANSWER_BYTES {
                return Err(ClientError::MalformedAnswer(format!(
                    "answer larger than {MAX_ANSWER_BYTES} bytes"
                )));
            }
            body.extend_from_slice(&chunk);
        }
        let error_body = || match serde_json::from_slice::<ErrorBody>(&body) {
            Ok(e) => (
                e.error.code.as_str().to_string(),
                clean_text(&e.error.message),
            ),
            Err(_) => (
                format!("http_{status}"),
                clean_text(&String::from_utf8_lossy(&body)),
            ),
        };
        match (status, retry_after) {
            (200..=299, _) => Ok(body),
            (429, _) | (503, Some(_)) => {
                let (code, message) = error_body();
                Err(ClientError::TryLater {
                    status,
                    code,
                    seconds: retry_after.unwrap_or(DEFAULT_RETRY_AFTER_SECONDS),
                    message,
                })
            }
            (400..=499, _) => {
                let (code, message) = error_body();
                Err(ClientError::Rejected {
                    status,
                    code,
                    message,
                })
            }
            _ => Err(ClientError::ServerFailure {
                status,
                message: clean_text(&String::from_utf8_lossy(&body)),
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_https_or_loopback_http_is_accepted() {
        for ok in [
            "https://lucarne.example.org",
            "https://lucarne.example.org:8443/",
            "http://127.0.0.1:8080",
            "http://localhost:3000/",
            "http://[::1]:9000",
        ] {
            assert!(ServerClient::new(ok).is_ok(), "{ok}");
        }
        for bad in [
            "http://lucarne.example.org",
            "http://10.0.0.1:80",
            "ftp://x",
            "lucarne.example.org",
            "https://",
            "https://a b",
        ] {
            assert!(
                matches!(ServerClient::new(bad), Err(ClientError::BadUrl { .. })),
                "{bad}"
            );
        }
        assert_eq!(
            ServerClient::new("https://x.org/").unwrap().base(),
            "https://x.org"
        );
    }

    #[test]
    fn server_texts_are_cleaned() {
        assert_eq!(clean_text("bad\u{1b}[31m sig\n"), "bad[31m sig");
        let long = "a".repeat(600);
        assert_eq!(clean_text(&long).chars().count(), MAX_MESSAGE_CHARS + 1);
    }
}
