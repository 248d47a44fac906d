-- A thread's latest activity (its newest reply's time, or its own), stored so that the
-- Active sort walks an index instead of finding every thread's newest reply on every
-- page. Triggers keep it: a new thread starts at its own time, and each new reply
-- moves it on. A reply that is later deleted leaves it where it was, as forums do.
ALTER TABLE posts ADD COLUMN active_at TIMESTAMP NOT NULL DEFAULT '1970-01-01 00:00:00';
UPDATE posts SET active_at = COALESCE(
    (SELECT MAX(c.created_at) FROM comments c WHERE c.post_id = posts.id),
    posts.created_at
);
CREATE TRIGGER posts_active_at_insert AFTER INSERT ON posts
WHEN NEW.active_at < NEW.created_at
BEGIN
    UPDATE posts SET active_at = NEW.created_at WHERE id = NEW.id;
END;
CREATE TRIGGER comments_active_at_insert AFTER INSERT ON comments
BEGIN
    UPDATE posts SET active_at = NEW.created_at
    WHERE id = NEW.post_id AND active_at < NEW.created_at;
END;
CREATE INDEX posts_community_pinned_active ON posts (community_id, pinned, active_at, id);
