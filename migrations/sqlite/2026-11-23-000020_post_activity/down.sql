DROP INDEX posts_community_pinned_active;
DROP TRIGGER comments_active_at_insert;
DROP TRIGGER posts_active_at_insert;
ALTER TABLE posts DROP COLUMN active_at;
