-- Member tools: blog posts and their comments, in-app notifications, e-mail
-- verification and the activity digest.

-- A member's blog posts, federated as Article from their Person actor. Remote people's
-- Articles are kept here too when one of our members follows them.
CREATE TABLE blog_posts (
    id INTEGER PRIMARY KEY NOT NULL,
    author_id BIGINT NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
    ap_id TEXT UNIQUE,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    body_html TEXT NOT NULL,
    deleted BOOLEAN NOT NULL DEFAULT 0,
    comment_count INTEGER NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP
);
CREATE INDEX blog_posts_author ON blog_posts (author_id, id);

-- Comments on blog posts: their own table because a thread's comments belong to a
-- community (permissions, moderation, the group's Announce) and a blog post has none.
CREATE TABLE blog_comments (
    id INTEGER PRIMARY KEY NOT NULL,
    blog_post_id BIGINT NOT NULL REFERENCES blog_posts (id) ON DELETE CASCADE,
    author_id BIGINT NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
    ap_id TEXT UNIQUE,
    body TEXT NOT NULL,
    body_html TEXT NOT NULL,
    deleted BOOLEAN NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP
);
CREATE INDEX blog_comments_post ON blog_comments (blog_post_id, id);

-- What a member is told about in the app. The subject ids say what to link to; an
-- event's id has no foreign key because events live in their own part of the schema.
CREATE TABLE notifications (
    id INTEGER PRIMARY KEY NOT NULL,
    recipient_id BIGINT NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    actor_id BIGINT REFERENCES persons (id) ON DELETE SET NULL,
    summary TEXT NOT NULL,
    link TEXT NOT NULL,
    community_id BIGINT REFERENCES communities (id) ON DELETE CASCADE,
    post_id BIGINT REFERENCES posts (id) ON DELETE CASCADE,
    comment_id BIGINT REFERENCES comments (id) ON DELETE CASCADE,
    blog_post_id BIGINT REFERENCES blog_posts (id) ON DELETE CASCADE,
    event_id BIGINT,
    created_at TIMESTAMP NOT NULL,
    read_at TIMESTAMP
);
CREATE INDEX notifications_recipient ON notifications (recipient_id, id);
CREATE INDEX notifications_unread ON notifications (recipient_id) WHERE read_at IS NULL;
-- One reminder per member and event, however often the hourly task runs.
CREATE UNIQUE INDEX notifications_event_reminder ON notifications (recipient_id, event_id)
    WHERE kind = 'event_reminder';

-- Accounts made before e-mail verification existed count as verified.
ALTER TABLE local_users ADD COLUMN email_verified BOOLEAN NOT NULL DEFAULT 1;
ALTER TABLE local_users ADD COLUMN digest TEXT NOT NULL DEFAULT 'off';
ALTER TABLE local_users ADD COLUMN last_digest_at TIMESTAMP;

-- One outstanding verification link per account, stored hashed.
CREATE TABLE email_verifications (
    user_id BIGINT PRIMARY KEY NOT NULL REFERENCES local_users (id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL
);
