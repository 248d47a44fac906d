-- A community's thread list, newest first with pinned threads on top, walks this index
-- and reads only the threads it shows, rather than sorting every thread of the community.
CREATE INDEX posts_community_pinned_new ON posts (community_id, pinned, id);
DROP INDEX posts_community_new;
-- Counting a community's members reads this index alone, not every membership row.
CREATE INDEX community_members_state ON community_members (community_id, state);
