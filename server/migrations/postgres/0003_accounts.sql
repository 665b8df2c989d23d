-- Accounts, sessions and the web pages (issue 10), PostgreSQL dialect. Keep in step with
-- migrations/sqlite/0003_accounts.sql.

-- An official. Holds one or more agent keys; devices are keyed by (account, UDID).
CREATE TABLE accounts (
    account_id TEXT PRIMARY KEY,
    created_at BIGINT NOT NULL
);

CREATE TABLE account_keys (
    key_id TEXT PRIMARY KEY REFERENCES agent_keys(key_id),
    account_id TEXT NOT NULL REFERENCES accounts(account_id),
    added_at BIGINT NOT NULL
);
CREATE INDEX account_keys_by_account ON account_keys (account_id);

-- Keys registered before accounts existed each become an account of their own.
INSERT INTO accounts (account_id, created_at) SELECT key_id, registered_at FROM agent_keys;
INSERT INTO account_keys (key_id, account_id, added_at) SELECT key_id, key_id, registered_at FROM agent_keys;

-- Opaque handles for devices in URLs (never the UDID).
CREATE TABLE device_handles (
    handle TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts(account_id),
    device_id TEXT NOT NULL,
    UNIQUE (account_id, device_id)
);

-- Single-use nonces of signed API requests, kept until their timestamp leaves the window.
CREATE TABLE request_nonces (
    key_id TEXT NOT NULL,
    nonce TEXT NOT NULL,
    expires_at BIGINT NOT NULL,
    PRIMARY KEY (key_id, nonce)
);
CREATE INDEX request_nonces_by_expiry ON request_nonces (expires_at);

-- Login links: only the token's SHA-256 is stored.
CREATE TABLE login_tokens (
    token_sha256 TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts(account_id),
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at BIGINT
);

-- Browser sessions: only the cookie's SHA-256 is stored; the CSRF token is per session.
CREATE TABLE sessions (
    session_sha256 TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts(account_id),
    csrf_token TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);

-- Facts computed once at ingest, by the device state's hash: an unchanged snapshot adds none.
CREATE TABLE device_facts (
    state_sha256 TEXT PRIMARY KEY,
    analysis TEXT NOT NULL
);

CREATE TABLE official_groups (
    group_id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    created_by TEXT NOT NULL REFERENCES accounts(account_id),
    created_at BIGINT NOT NULL
);

CREATE TABLE group_members (
    group_id TEXT NOT NULL REFERENCES official_groups(group_id),
    account_id TEXT NOT NULL REFERENCES accounts(account_id),
    joined_at BIGINT NOT NULL,
    PRIMARY KEY (group_id, account_id)
);

CREATE TABLE group_invitations (
    group_id TEXT NOT NULL REFERENCES official_groups(group_id),
    account_id TEXT NOT NULL REFERENCES accounts(account_id),
    invited_by TEXT NOT NULL REFERENCES accounts(account_id),
    created_at BIGINT NOT NULL,
    PRIMARY KEY (group_id, account_id)
);

CREATE TABLE device_shares (
    group_id TEXT NOT NULL REFERENCES official_groups(group_id),
    handle TEXT NOT NULL REFERENCES device_handles(handle),
    shared_at BIGINT NOT NULL,
    PRIMARY KEY (group_id, handle)
);

-- Every read of a device's data: who, when, what, through which door.
CREATE TABLE access_log (
    id BIGSERIAL PRIMARY KEY,
    handle TEXT NOT NULL REFERENCES device_handles(handle),
    reader_account_id TEXT NOT NULL,
    at BIGINT NOT NULL,
    what TEXT NOT NULL,
    via TEXT NOT NULL
);
CREATE INDEX access_log_by_device ON access_log (handle, id);
