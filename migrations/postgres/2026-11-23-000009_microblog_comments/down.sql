ALTER TABLE communities DROP COLUMN microblog_comments;
