-- A poll on a thread (federated as a `Question`). For a remote thread the counts are
-- the ones its server last published; for ours they are counted here.
CREATE TABLE polls (
    post_id BIGINT PRIMARY KEY NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    multiple BOOLEAN NOT NULL DEFAULT 0,
    closes_at TIMESTAMP,
    voters_count INTEGER NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL
);
CREATE TABLE poll_options (
    id INTEGER PRIMARY KEY NOT NULL,
    post_id BIGINT NOT NULL REFERENCES polls (post_id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    name TEXT NOT NULL,
    votes INTEGER NOT NULL DEFAULT 0,
    UNIQUE (post_id, position)
);
-- One row per person and chosen option. `ap_id` is the id of a vote's `Note` when it
-- came from (or went to) another server, so that a vote received twice counts once.
CREATE TABLE poll_votes (
    option_id BIGINT NOT NULL REFERENCES poll_options (id) ON DELETE CASCADE,
    person_id BIGINT NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
    post_id BIGINT NOT NULL REFERENCES polls (post_id) ON DELETE CASCADE,
    ap_id TEXT UNIQUE,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (option_id, person_id)
);
CREATE INDEX poll_votes_post_person ON poll_votes (post_id, person_id);
