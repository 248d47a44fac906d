DROP INDEX posts_community_pinned_active;
DROP TRIGGER comments_active_at_insert ON comments;
DROP FUNCTION comments_active_at_move();
DROP TRIGGER posts_active_at_insert ON posts;
DROP FUNCTION posts_active_at_start();
ALTER TABLE posts DROP COLUMN active_at;
