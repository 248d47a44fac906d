ALTER TABLE persons DROP COLUMN in_directory;
ALTER TABLE persons DROP COLUMN interests;
