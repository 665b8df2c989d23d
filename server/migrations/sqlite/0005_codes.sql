-- Registration codes that say where the new key goes (issue 10), SQLite dialect. Keep in
-- step with migrations/postgres/0005_codes.sql.
--
-- A code of the server's operator (both NULL) creates a new account. A code asked for by
-- `lucarne add-computer` (account_id set) adds the key to that account: a second computer of
-- the same official. A code a group's admin issued (group_id set) creates a new account and
-- makes it a member of the group. Only the code's SHA-256 is stored, as for every code.
ALTER TABLE invites ADD COLUMN account_id TEXT REFERENCES accounts(account_id);
ALTER TABLE invites ADD COLUMN group_id TEXT REFERENCES official_groups(group_id);
-- The account that asked for the code (an account's computer, a group's admin).
ALTER TABLE invites ADD COLUMN issued_by TEXT REFERENCES accounts(account_id);
CREATE INDEX invites_by_issuer ON invites (issued_by, expires_at);
