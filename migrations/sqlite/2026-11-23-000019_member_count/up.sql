-- A community's accepted members, counted as memberships change rather than on every
-- view of the community: a big community's page no longer walks its memberships. The
-- triggers keep it right whatever changes a membership, cascades from deleted accounts
-- included.
ALTER TABLE communities ADD COLUMN member_count BIGINT NOT NULL DEFAULT 0;
UPDATE communities SET member_count = (
    SELECT COUNT(*) FROM community_members m
    WHERE m.community_id = communities.id AND m.state = 'accepted'
);
CREATE TRIGGER community_members_count_insert AFTER INSERT ON community_members
WHEN NEW.state = 'accepted'
BEGIN
    UPDATE communities SET member_count = member_count + 1 WHERE id = NEW.community_id;
END;
CREATE TRIGGER community_members_count_delete AFTER DELETE ON community_members
WHEN OLD.state = 'accepted'
BEGIN
    UPDATE communities SET member_count = member_count - 1 WHERE id = OLD.community_id;
END;
CREATE TRIGGER community_members_count_update AFTER UPDATE OF state, community_id ON community_members
WHEN (OLD.state = 'accepted') <> (NEW.state = 'accepted') OR OLD.community_id <> NEW.community_id
BEGIN
    UPDATE communities SET member_count = member_count - 1
    WHERE id = OLD.community_id AND OLD.state = 'accepted';
    UPDATE communities SET member_count = member_count + 1
    WHERE id = NEW.community_id AND NEW.state = 'accepted';
END;
