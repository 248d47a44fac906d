DROP TRIGGER community_members_count_update;
DROP TRIGGER community_members_count_delete;
DROP TRIGGER community_members_count_insert;
ALTER TABLE communities DROP COLUMN member_count;
