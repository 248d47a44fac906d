DROP TRIGGER community_members_count ON community_members;
DROP FUNCTION community_members_count();
ALTER TABLE communities DROP COLUMN member_count;
