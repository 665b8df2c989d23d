-- Display names and the facts a group comparison reads (issue 10), SQLite dialect. Keep in
-- step with migrations/postgres/0006_names.sql.

-- The name an official chooses for the members of their groups to see (NULL: none chosen;
-- pages then show the start of the account id).
ALTER TABLE accounts ADD COLUMN display_name TEXT;

-- What a group comparison needs of a device state (`profiles::group::DeviceItems` as JSON),
-- stored at ingest beside the analysis: a fraction of its size. NULL for states stored
-- before this column: filled from the stored analysis on first read.
ALTER TABLE device_facts ADD COLUMN group_items TEXT;
