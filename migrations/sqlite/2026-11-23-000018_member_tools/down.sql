DROP TABLE email_verifications;
ALTER TABLE local_users DROP COLUMN last_digest_at;
ALTER TABLE local_users DROP COLUMN digest;
ALTER TABLE local_users DROP COLUMN email_verified;
DROP TABLE notifications;
DROP TABLE blog_comments;
DROP TABLE blog_posts;
