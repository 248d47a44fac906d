-- Members' blog posts join full-text search. They take the one key class the index had
-- free: rowid id * 4 (threads are id * 4 + 1, comments + 2, communities + 3). Deleted
-- posts, and those of deleted accounts, leave the index.
INSERT INTO search_index (rowid, title, body)
    SELECT id * 4, title, body FROM blog_posts WHERE NOT deleted;

CREATE TRIGGER blog_posts_search_insert AFTER INSERT ON blog_posts
WHEN NOT new.deleted BEGIN
    INSERT INTO search_index (rowid, title, body) VALUES (new.id * 4, new.title, new.body);
END;
CREATE TRIGGER blog_posts_search_update AFTER UPDATE OF title, body, deleted ON blog_posts BEGIN
    DELETE FROM search_index WHERE rowid = old.id * 4;
    INSERT INTO search_index (rowid, title, body)
        SELECT new.id * 4, new.title, new.body WHERE NOT new.deleted;
END;
CREATE TRIGGER blog_posts_search_delete AFTER DELETE ON blog_posts BEGIN
    DELETE FROM search_index WHERE rowid = old.id * 4;
END;
