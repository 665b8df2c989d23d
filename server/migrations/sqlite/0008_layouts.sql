-- Issue 11 (storage per unchanged snapshot). Keep in step with migrations/postgres.

-- A snapshot body stored by layout: `layout` is the SHA-256 (32 bytes) of the blob that holds
-- the snapshot's frame and where its sections and holes go; `skeleton` then holds only the
-- holes (time, sequence, previous hash) and `sections` is empty. Rows from before keep a NULL
-- layout and are read as they were written (skeleton and JSON list of sections).
ALTER TABLE snapshot_bodies ADD COLUMN layout BLOB;
