-- Issue 12 (evidence export), PostgreSQL dialect. Keep in step with
-- migrations/sqlite/0007_timestamps.sql.

-- Every checkpoint the log signed (one per batch), by tree size: an export gives each
-- snapshot the receipt it was given, in the checkpoint of its batch.
CREATE TABLE log_checkpoints (
    tree_size BIGINT PRIMARY KEY,
    checkpoint TEXT NOT NULL
);

-- RFC 3161 timestamp tokens over checkpoints (the exact signed note bytes), verified when
-- they came: a snapshot in a checkpoint consistent with a timestamped one existed no later
-- than the token's time.
CREATE TABLE checkpoint_timestamps (
    tree_size BIGINT PRIMARY KEY,
    checkpoint TEXT NOT NULL,
    token BYTEA NOT NULL,
    gen_time TEXT NOT NULL,
    tsa_subject TEXT NOT NULL,
    stored_at BIGINT NOT NULL
);
