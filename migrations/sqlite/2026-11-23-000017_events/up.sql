-- An event is a thread with a time and a place: the thread carries its title,
-- description, discussion and federation id; this row the rest. For a remote event the
-- counts are the ones its server last published; for ours they are counted here.
CREATE TABLE events (
    post_id BIGINT PRIMARY KEY NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    community_id BIGINT NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
    starts_at TIMESTAMP NOT NULL,
    ends_at TIMESTAMP NOT NULL,
    timezone TEXT NOT NULL,
    address TEXT,
    online_link TEXT,
    capacity INTEGER,
    join_mode TEXT NOT NULL DEFAULT 'free',
    going_count INTEGER NOT NULL DEFAULT 0,
    maybe_count INTEGER NOT NULL DEFAULT 0,
    cancelled BOOLEAN NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX events_community_starts ON events (community_id, starts_at);
CREATE INDEX events_starts ON events (starts_at);
-- One answer per person and event. `ap_id` is the id of the `Join` (or
-- `TentativeAccept`) when it came from, or went to, another server.
CREATE TABLE event_rsvps (
    post_id BIGINT NOT NULL REFERENCES events (post_id) ON DELETE CASCADE,
    person_id BIGINT NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
    status TEXT NOT NULL,
    ap_id TEXT UNIQUE,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (post_id, person_id)
);
CREATE INDEX event_rsvps_person ON event_rsvps (person_id);
-- An online conference's programme: each session is a thread of its own in the
-- community, which stays open after the event ends.
CREATE TABLE event_sessions (
    id INTEGER PRIMARY KEY NOT NULL,
    event_id BIGINT NOT NULL REFERENCES events (post_id) ON DELETE CASCADE,
    post_id BIGINT NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    speaker TEXT,
    starts_at TIMESTAMP NOT NULL,
    ends_at TIMESTAMP NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX event_sessions_event ON event_sessions (event_id, starts_at);
