-- Whether a community sends its comments, not only its threads, to followers on
-- microblog servers (Mastodon and its kin).
ALTER TABLE communities ADD COLUMN microblog_comments BOOLEAN NOT NULL DEFAULT FALSE;
