-- Instance-wide bans (suspensions): the person takes part in no community here. For a
-- person of another server, a ban their own server announced is recorded here too.
CREATE TABLE instance_bans (
    person_id BIGINT NOT NULL PRIMARY KEY REFERENCES persons (id) ON DELETE CASCADE,
    banned_by BIGINT REFERENCES persons (id) ON DELETE SET NULL,
    reason TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP
);
