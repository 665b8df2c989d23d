//! The HTTP API's bodies, defined once: the server answers with these types, the agent reads
//! them, and the server's OpenAPI document is generated from their schemas. The upload's
//! request is an [`Envelope`](crate::envelope::Envelope) and its answer a
//! [`Receipt`](crate::receipt::Receipt); the other bodies are here, with every refusal code.
//!
//! Only shapes and codes live here, no HTTP: the HTTP status of each refusal is a number, so
//! that a verifier or another client can use this crate without an HTTP stack.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::checkpoint::LogIdentity;

/// `POST /api/v1/register`: a computer's key joins the server with a one-time code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RegisterRequest {
    /// The one-time registration code given by the server's operator or a group admin.
    pub code: String,
    /// Base64 of the 32-byte Ed25519 public key.
    pub public_key: String,
    /// Name of the computer, shown to the official in their list of keys.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
}

/// The answer to a registration: the key the server registered and the only log whose
/// checkpoints the agent will trust from then on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct RegisterResponse {
    /// Hex SHA-256 of the registered public key.
    pub key_id: String,
    /// The server's transparency log.
    pub log: LogIdentity,
    /// Which account the key joined (absent from servers older than this field: a new one).
    #[serde(default)]
    pub joined: Joined,
}

/// Which account a registered key belongs to, as its registration code decided.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Joined {
    /// A new account of its own (a code from the server's operator).
    #[default]
    NewAccount,
    /// An existing account, whose other computers' devices it now shares (a code from
    /// `lucarne add-computer`).
    ExistingAccount,
    /// A new account, member of a group (a code from the group's admin).
    Group {
        /// The group's name, as its creator wrote it (outside text: neutralise before
        /// showing).
        name: String,
    },
}

/// `POST /api/v1/computer-codes`: a single-use registration code that adds the computer
/// registering with it to the caller's account (`lucarne add-computer`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ComputerCode {
    /// The code, to type on the other computer in `lucarne register --code`.
    pub code: String,
    /// Seconds it stays valid.
    pub expires_in: i64,
}

/// `GET /api/v1/log/inclusion` query: the leaf and the tree it is proved in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct InclusionQuery {
    /// Index of the leaf.
    pub leaf_index: u64,
    /// Size of the tree, at most the log's current size.
    pub tree_size: u64,
}

/// An inclusion proof (RFC 9162 §2.1.3).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct InclusionProof {
    /// The proof's hashes, hex, from the leaf up.
    pub proof: Vec<String>,
}

/// `GET /api/v1/log/consistency` query: the two tree sizes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ConsistencyQuery {
    /// Older tree size.
    pub from: u64,
    /// Newer tree size, at most the log's current size.
    pub to: u64,
}

/// A consistency proof (RFC 9162 §2.1.4) with the sizes it links.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ConsistencyProof {
    /// Older tree size.
    pub from: u64,
    /// Newer tree size.
    pub to: u64,
    /// The proof's hashes, hex.
    pub proof: Vec<String>,
}

/// One device of `GET /api/v1/devices`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct DeviceItem {
    /// The opaque handle naming it in URLs.
    pub handle: String,
    /// Its UDID (the caller's own device).
    pub device_id: String,
}

/// `GET /api/v1/devices`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct DeviceList {
    /// The account's devices.
    pub devices: Vec<DeviceItem>,
}

/// One accepted snapshot in a device's timeline. The server fills `events` and `alerts` with
/// its typed change events and alerts (`lucarne-profiles`); a client may read them as plain
/// JSON (the defaults), so that a newer server's kinds never make it refuse a page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(bound(deserialize = "E: serde::de::DeserializeOwned, A: serde::de::DeserializeOwned"))]
#[schemars(rename = "TimelineEntry")]
pub struct TimelineEntry<E = Value, A = Value> {
    /// The agent key (one per computer of the account) that signed it: each key has its own
    /// sequence numbers and hash chain.
    pub key_id: String,
    /// Sequence number (per key).
    pub sequence: u64,
    /// Leaf index in the log (the timeline's order and cursor).
    pub leaf_index: u64,
    /// Hex SHA-256 of the envelope.
    pub envelope_sha256: String,
    /// When the server received it, Unix seconds.
    pub received_at: i64,
    /// Nothing changed on the device since the previous one.
    pub duplicate_content: bool,
    /// What changed.
    pub events: Vec<E>,
    /// Alerts the changes raised.
    pub alerts: Vec<A>,
}

/// An alert left by a refused upload (replay, rollback, fork).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(bound(deserialize = "A: serde::de::DeserializeOwned"))]
#[schemars(rename = "RefusalAlert")]
pub struct RefusalAlert<A = Value> {
    /// When, Unix seconds.
    pub at: i64,
    /// The alert.
    pub alert: A,
}

/// `GET /api/v1/devices/{handle}/timeline`: a page of a device's timeline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(bound(deserialize = "E: serde::de::DeserializeOwned, A: serde::de::DeserializeOwned"))]
#[schemars(rename = "Timeline")]
pub struct Timeline<E = Value, A = Value> {
    /// The device's handle.
    pub handle: String,
    /// Accepted snapshots, newest first.
    pub entries: Vec<TimelineEntry<E, A>>,
    /// Pass as `before` for the next (older) page; absent on the last page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_before: Option<u64>,
    /// Alerts of refused uploads, newest first (on the first page only).
    pub refusals: Vec<RefusalAlert<A>>,
}

/// Every refusal the server answers, as the `error.code` of [`ErrorBody`].
///
/// A client must accept codes it does not know (a newer server may add some): they read as
/// [`Refusal::Other`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Refusal {
    /// The body is larger than the endpoint accepts.
    TooLarge,
    /// The request's JSON or query is not of the expected shape.
    MalformedRequest,
    /// The upload is not a well-formed envelope.
    MalformedEnvelope,
    /// The envelope's snapshot is not a well-formed snapshot.
    MalformedSnapshot,
    /// The snapshot's schema is not one this server reads.
    UnsupportedSchema,
    /// The envelope's signature does not verify with its key.
    BadSignature,
    /// The envelope names a key this server does not know.
    UnknownKey,
    /// The envelope's key has been revoked.
    RevokedKey,
    /// A signed read could not be authenticated.
    Unauthenticated,
    /// The registration code is unknown.
    InvalidCode,
    /// The registration code was already used.
    UsedCode,
    /// The registration code has expired.
    ExpiredCode,
    /// The key is already registered.
    AlreadyRegistered,
    /// This sequence number was already accepted for this device.
    Replay,
    /// The sequence number is lower than one already accepted.
    Rollback,
    /// The previous hash does not match the device's last accepted snapshot.
    Fork,
    /// A proof was asked for sizes the log does not have.
    OutOfRange,
    /// No such endpoint or log resource.
    NotFound,
    /// No such device for this key.
    UnknownDevice,
    /// The server failed; the request may succeed later.
    Internal,
    /// Too many requests from this address or for this key; try again after `Retry-After`.
    RateLimited,
    /// The server is receiving too much at once; try again after `Retry-After`.
    Busy,
    /// The request was not completed in the time allowed.
    Timeout,
    /// The key's stored snapshots reached their quota; the operator can raise it.
    QuotaExceeded,
    /// The server's database does not take writes (`/healthz`).
    Unhealthy,
    /// A code this version does not know (sent by a newer server).
    #[serde(other)]
    Other,
}

impl Refusal {
    /// Every code a server sends (all but [`Refusal::Other`]).
    pub const ALL: [Refusal; 25] = [
        Refusal::TooLarge,
        Refusal::MalformedRequest,
        Refusal::MalformedEnvelope,
        Refusal::MalformedSnapshot,
        Refusal::UnsupportedSchema,
        Refusal::BadSignature,
        Refusal::UnknownKey,
        Refusal::RevokedKey,
        Refusal::Unauthenticated,
        Refusal::InvalidCode,
        Refusal::UsedCode,
        Refusal::ExpiredCode,
        Refusal::AlreadyRegistered,
        Refusal::Replay,
        Refusal::Rollback,
        Refusal::Fork,
        Refusal::OutOfRange,
        Refusal::NotFound,
        Refusal::UnknownDevice,
        Refusal::Internal,
        Refusal::RateLimited,
        Refusal::Busy,
        Refusal::Timeout,
        Refusal::QuotaExceeded,
        Refusal::Unhealthy,
    ];

    /// The code as sent on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Refusal::TooLarge => "too_large",
            Refusal::MalformedRequest => "malformed_request",
            Refusal::MalformedEnvelope => "malformed_envelope",
            Refusal::MalformedSnapshot => "malformed_snapshot",
            Refusal::UnsupportedSchema => "unsupported_schema",
            Refusal::BadSignature => "bad_signature",
            Refusal::UnknownKey => "unknown_key",
            Refusal::RevokedKey => "revoked_key",
            Refusal::Unauthenticated => "unauthenticated",
            Refusal::InvalidCode => "invalid_code",
            Refusal::UsedCode => "used_code",
            Refusal::ExpiredCode => "expired_code",
            Refusal::AlreadyRegistered => "already_registered",
            Refusal::Replay => "replay",
            Refusal::Rollback => "rollback",
            Refusal::Fork => "fork",
            Refusal::OutOfRange => "out_of_range",
            Refusal::NotFound => "not_found",
            Refusal::UnknownDevice => "unknown_device",
            Refusal::Internal => "internal",
            Refusal::RateLimited => "rate_limited",
            Refusal::Busy => "busy",
            Refusal::Timeout => "timeout",
            Refusal::QuotaExceeded => "quota_exceeded",
            Refusal::Unhealthy => "unhealthy",
            Refusal::Other => "other",
        }
    }

    /// The HTTP status the server answers it with.
    pub fn http_status(self) -> u16 {
        match self {
            Refusal::TooLarge => 413,
            Refusal::UnknownKey | Refusal::Unauthenticated => 401,
            Refusal::RevokedKey => 403,
            Refusal::NotFound | Refusal::UnknownDevice => 404,
            Refusal::AlreadyRegistered | Refusal::Replay | Refusal::Rollback | Refusal::Fork => 409,
            Refusal::Internal => 500,
            Refusal::RateLimited => 429,
            Refusal::Busy | Refusal::Unhealthy => 503,
            Refusal::Timeout => 408,
            Refusal::QuotaExceeded => 507,
            Refusal::MalformedRequest
            | Refusal::MalformedEnvelope
            | Refusal::MalformedSnapshot
            | Refusal::UnsupportedSchema
            | Refusal::BadSignature
            | Refusal::InvalidCode
            | Refusal::UsedCode
            | Refusal::ExpiredCode
            | Refusal::OutOfRange
            | Refusal::Other => 400,
        }
    }

    /// Refused for good: sending the same request again cannot succeed. The others (a server
    /// failure, a limit of time, rate, room or storage) may succeed later.
    pub fn is_final(self) -> bool {
        !matches!(
            self,
            Refusal::Internal
                | Refusal::RateLimited
                | Refusal::Busy
                | Refusal::Timeout
                | Refusal::QuotaExceeded
                | Refusal::Unhealthy
        )
    }
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The body of every refusal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ErrorBody {
    /// What was refused.
    pub error: ErrorDetail,
}

/// A refusal's code and a message safe to show (English, for operators; agents say the
/// code in the official's language).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ErrorDetail {
    /// The machine code.
    pub code: Refusal,
    /// A short explanation.
    #[serde(default)]
    pub message: String,
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn every_code_round_trips_and_unknown_ones_are_other() {
        for refusal in Refusal::ALL {
            let json = serde_json::to_string(&refusal).unwrap();
            assert_eq!(json, format!("\"{}\"", refusal.as_str()));
            assert_eq!(serde_json::from_str::<Refusal>(&json).unwrap(), refusal);
        }
        let later: ErrorBody =
            serde_json::from_str(r#"{"error":{"code":"slow_down","message":"m"}}"#).unwrap();
        assert_eq!(later.error.code, Refusal::Other);
    }

    #[test]
    fn a_registration_request_refuses_unknown_fields() {
        let err = serde_json::from_str::<RegisterRequest>(
            r#"{"code":"c","public_key":"k","admin":true}"#,
        );
        assert!(err.is_err());
    }
}
