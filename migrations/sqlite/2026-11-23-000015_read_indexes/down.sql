DROP INDEX community_members_state;
CREATE INDEX posts_community_new ON posts (community_id, id);
DROP INDEX posts_community_pinned_new;
