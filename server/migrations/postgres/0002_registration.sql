-- The agent's joining a server is its registration ("enrolment" is the iPad's, in the MDM).
ALTER TABLE agent_keys RENAME COLUMN enrolled_at TO registered_at;
