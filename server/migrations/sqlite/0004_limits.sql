-- Issue 11 (limits). Keep in step with migrations/postgres.

-- A refused upload leaves its alert once per envelope (a replayed copy adds nothing).
ALTER TABLE device_alerts ADD COLUMN envelope_sha256 TEXT;
CREATE UNIQUE INDEX device_alerts_once ON device_alerts (key_id, device_id, envelope_sha256);

-- Bytes of snapshot content each key added, for its quota.
ALTER TABLE agent_keys ADD COLUMN stored_bytes INTEGER NOT NULL DEFAULT 0;

-- The row /healthz writes to prove the database takes writes.
CREATE TABLE health (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    checked_at INTEGER NOT NULL
);
