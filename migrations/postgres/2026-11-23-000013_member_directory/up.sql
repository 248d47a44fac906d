-- What a member works on, for peers to find them by, and whether they appear in the
-- member directory at all.
ALTER TABLE persons ADD COLUMN interests TEXT;
ALTER TABLE persons ADD COLUMN in_directory BOOLEAN NOT NULL DEFAULT TRUE;
