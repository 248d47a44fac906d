-- Foundation schema: members, communities, threads, comments, votes, moderation.
CREATE TABLE site_settings (
    key TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
);

-- One name space for local members and communities: `acct:name@domain` is always one actor.
CREATE TABLE local_names (
    name TEXT PRIMARY KEY NOT NULL,
    kind TEXT NOT NULL
);

CREATE TABLE persons (
    id INTEGER PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    domain TEXT,
    ap_id TEXT UNIQUE,
    display_name TEXT,
    job_title TEXT,
    organisation TEXT,
    region TEXT,
    bio TEXT NOT NULL DEFAULT '',
    bio_html TEXT NOT NULL DEFAULT '',
    deleted BOOLEAN NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP
);
CREATE UNIQUE INDEX persons_local_name ON persons (name) WHERE domain IS NULL;
CREATE UNIQUE INDEX persons_remote_name ON persons (name, domain) WHERE domain IS NOT NULL;

CREATE TABLE local_users (
    id INTEGER PRIMARY KEY NOT NULL,
    person_id BIGINT NOT NULL UNIQUE REFERENCES persons (id) ON DELETE CASCADE,
    email TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL,
    approved BOOLEAN NOT NULL,
    application TEXT,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE auth_tokens (
    id INTEGER PRIMARY KEY NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    user_id BIGINT NOT NULL REFERENCES local_users (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    label TEXT,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP
);
CREATE INDEX auth_tokens_user ON auth_tokens (user_id);

CREATE TABLE invites (
    id INTEGER PRIMARY KEY NOT NULL,
    code_hash TEXT NOT NULL UNIQUE,
    created_by BIGINT NOT NULL REFERENCES local_users (id) ON DELETE CASCADE,
    used_by BIGINT REFERENCES local_users (id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL
);

CREATE TABLE communities (
    id INTEGER PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    domain TEXT,
    ap_id TEXT UNIQUE,
    title TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    description_html TEXT NOT NULL DEFAULT '',
    visibility TEXT NOT NULL,
    posting_restricted BOOLEAN NOT NULL DEFAULT 0,
    deleted BOOLEAN NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP
);
CREATE UNIQUE INDEX communities_local_name ON communities (name) WHERE domain IS NULL;
CREATE UNIQUE INDEX communities_remote_name ON communities (name, domain) WHERE domain IS NOT NULL;

CREATE TABLE community_moderators (
    community_id BIGINT NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
    person_id BIGINT NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (community_id, person_id)
);

CREATE TABLE community_members (
    community_id BIGINT NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
    person_id BIGINT NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
    state TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (community_id, person_id)
);
CREATE INDEX community_members_person ON community_members (person_id);

CREATE TABLE community_bans (
    community_id BIGINT NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
    person_id BIGINT NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
    banned_by BIGINT NOT NULL REFERENCES persons (id),
    reason TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP,
    PRIMARY KEY (community_id, person_id)
);

CREATE TABLE posts (
    id INTEGER PRIMARY KEY NOT NULL,
    community_id BIGINT NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
    author_id BIGINT NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
    ap_id TEXT UNIQUE,
    title TEXT NOT NULL,
    url TEXT,
    body TEXT NOT NULL,
    body_html TEXT NOT NULL,
    pinned BOOLEAN NOT NULL DEFAULT 0,
    locked BOOLEAN NOT NULL DEFAULT 0,
    removed BOOLEAN NOT NULL DEFAULT 0,
    deleted BOOLEAN NOT NULL DEFAULT 0,
    upvotes INTEGER NOT NULL DEFAULT 0,
    downvotes INTEGER NOT NULL DEFAULT 0,
    comment_count INTEGER NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP
);
CREATE INDEX posts_community_new ON posts (community_id, id);
CREATE INDEX posts_author ON posts (author_id);

CREATE TABLE comments (
    id INTEGER PRIMARY KEY NOT NULL,
    post_id BIGINT NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    parent_id BIGINT REFERENCES comments (id) ON DELETE CASCADE,
    author_id BIGINT NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
    ap_id TEXT UNIQUE,
    body TEXT NOT NULL,
    body_html TEXT NOT NULL,
    depth INTEGER NOT NULL,
    removed BOOLEAN NOT NULL DEFAULT 0,
    deleted BOOLEAN NOT NULL DEFAULT 0,
    upvotes INTEGER NOT NULL DEFAULT 0,
    downvotes INTEGER NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP
);
CREATE INDEX comments_post ON comments (post_id, id);

CREATE TABLE post_votes (
    post_id BIGINT NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    person_id BIGINT NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
    score INTEGER NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (post_id, person_id)
);

CREATE TABLE comment_votes (
    comment_id BIGINT NOT NULL REFERENCES comments (id) ON DELETE CASCADE,
    person_id BIGINT NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
    score INTEGER NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (comment_id, person_id)
);

CREATE TABLE reports (
    id INTEGER PRIMARY KEY NOT NULL,
    community_id BIGINT NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
    reporter_id BIGINT NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
    post_id BIGINT REFERENCES posts (id) ON DELETE CASCADE,
    comment_id BIGINT REFERENCES comments (id) ON DELETE CASCADE,
    reason TEXT NOT NULL,
    resolved BOOLEAN NOT NULL DEFAULT 0,
    resolved_by BIGINT REFERENCES persons (id),
    created_at TIMESTAMP NOT NULL,
    resolved_at TIMESTAMP
);
CREATE INDEX reports_community ON reports (community_id, resolved, id);

CREATE TABLE mod_log (
    id INTEGER PRIMARY KEY NOT NULL,
    community_id BIGINT REFERENCES communities (id) ON DELETE CASCADE,
    moderator_id BIGINT NOT NULL REFERENCES persons (id),
    action TEXT NOT NULL,
    target_person_id BIGINT REFERENCES persons (id),
    post_id BIGINT REFERENCES posts (id) ON DELETE SET NULL,
    comment_id BIGINT REFERENCES comments (id) ON DELETE SET NULL,
    reason TEXT,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX mod_log_community ON mod_log (community_id, id);
