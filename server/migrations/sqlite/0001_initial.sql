-- Lucarne server schema, SQLite dialect. Keep in step with migrations/postgres.
CREATE TABLE invites (
    code_sha256 TEXT PRIMARY KEY,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at INTEGER,
    used_by TEXT
);

CREATE TABLE agent_keys (
    key_id TEXT PRIMARY KEY,
    public_key BLOB NOT NULL,
    label TEXT,
    enrolled_at INTEGER NOT NULL,
    revoked_at INTEGER
);

-- Content-addressed pieces of snapshots (sections shared between snapshots).
CREATE TABLE blobs (
    sha256 TEXT PRIMARY KEY,
    bytes BLOB NOT NULL
);

-- One row per distinct snapshot content: the bytes outside the shared sections, and where
-- each section goes back in.
CREATE TABLE snapshot_bodies (
    sha256 TEXT PRIMARY KEY,
    skeleton BLOB NOT NULL,
    sections TEXT NOT NULL
);

-- One row per accepted envelope, in log order.
CREATE TABLE snapshots (
    leaf_index INTEGER PRIMARY KEY,
    key_id TEXT NOT NULL REFERENCES agent_keys(key_id),
    device_id TEXT NOT NULL,
    sequence INTEGER NOT NULL,
    envelope_sha256 TEXT NOT NULL,
    snapshot_sha256 TEXT NOT NULL REFERENCES snapshot_bodies(sha256),
    state_sha256 TEXT NOT NULL,
    signature TEXT NOT NULL,
    envelope_raw BLOB,
    received_at INTEGER NOT NULL,
    duplicate_content INTEGER NOT NULL,
    events TEXT NOT NULL,
    alerts TEXT NOT NULL,
    UNIQUE (key_id, device_id, sequence)
);

CREATE TABLE devices (
    key_id TEXT NOT NULL REFERENCES agent_keys(key_id),
    device_id TEXT NOT NULL,
    last_sequence INTEGER NOT NULL,
    last_leaf_index INTEGER NOT NULL,
    last_snapshot_sha256 TEXT NOT NULL,
    last_state_sha256 TEXT NOT NULL,
    PRIMARY KEY (key_id, device_id)
);

-- Refused uploads that say something about the device (replay, rollback, fork).
CREATE TABLE device_alerts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    key_id TEXT NOT NULL,
    device_id TEXT NOT NULL,
    at INTEGER NOT NULL,
    alert TEXT NOT NULL
);
CREATE INDEX device_alerts_by_device ON device_alerts (key_id, device_id);

-- The log: its single state row (the sequencer's lock), its leaves and stored hashes.
CREATE TABLE log_state (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    tree_size INTEGER NOT NULL,
    checkpoint TEXT NOT NULL
);
CREATE TABLE log_entries (
    leaf_index INTEGER PRIMARY KEY,
    leaf_data BLOB NOT NULL
);
CREATE TABLE log_hashes (
    hash_index INTEGER PRIMARY KEY,
    hash BLOB NOT NULL
);
