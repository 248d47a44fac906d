-- A community's accepted members, counted as memberships change rather than on every
-- view of the community: a big community's page no longer walks its memberships. The
-- trigger keeps it right whatever changes a membership, cascades from deleted accounts
-- included.
ALTER TABLE communities ADD COLUMN member_count BIGINT NOT NULL DEFAULT 0;
UPDATE communities SET member_count = (
    SELECT COUNT(*) FROM community_members m
    WHERE m.community_id = communities.id AND m.state = 'accepted'
);
CREATE FUNCTION community_members_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.state = NEW.state AND OLD.community_id = NEW.community_id THEN
        RETURN NULL;
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.state = 'accepted' THEN
        UPDATE communities SET member_count = member_count - 1 WHERE id = OLD.community_id;
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') AND NEW.state = 'accepted' THEN
        UPDATE communities SET member_count = member_count + 1 WHERE id = NEW.community_id;
    END IF;
    RETURN NULL;
END;
$$;
CREATE TRIGGER community_members_count AFTER INSERT OR UPDATE OR DELETE ON community_members
FOR EACH ROW EXECUTE FUNCTION community_members_count();
