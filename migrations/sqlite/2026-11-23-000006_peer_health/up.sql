-- Whether each peer answers our deliveries: a peer failing for long enough is dead, and
-- new deliveries to it wait until it answers again.
CREATE TABLE peer_health (
    host TEXT PRIMARY KEY NOT NULL,
    failing_since TIMESTAMP,
    dead BOOLEAN NOT NULL,
    last_success_at TIMESTAMP
);
