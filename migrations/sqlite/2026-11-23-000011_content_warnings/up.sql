-- A content warning shown before a thread's body (Mastodon's spoiler text; federated
-- as `summary` with `sensitive`).
ALTER TABLE posts ADD COLUMN content_warning TEXT;
