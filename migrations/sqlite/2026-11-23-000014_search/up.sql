-- Full-text search over threads, comments and communities: one FTS5 index, kept in step
-- by triggers. Each entry's rowid encodes what it indexes: id * 4 + 1 for a thread,
-- + 2 for a comment, + 3 for a community, so an entry is found and replaced by rowid.
-- Deleted and removed content leaves the index. Porter stemming finds "planning" for
-- "plan"; unicode61 folds case and accents.
CREATE VIRTUAL TABLE search_index USING fts5(
    title,
    body,
    tokenize = 'porter unicode61 remove_diacritics 2'
);

INSERT INTO search_index (rowid, title, body)
    SELECT id * 4 + 1, title, body FROM posts WHERE NOT deleted AND NOT removed;
INSERT INTO search_index (rowid, title, body)
    SELECT id * 4 + 2, '', body FROM comments WHERE NOT deleted AND NOT removed;
INSERT INTO search_index (rowid, title, body)
    SELECT id * 4 + 3, title, name || ' ' || description FROM communities WHERE NOT deleted;

CREATE TRIGGER posts_search_insert AFTER INSERT ON posts
WHEN NOT new.deleted AND NOT new.removed BEGIN
    INSERT INTO search_index (rowid, title, body) VALUES (new.id * 4 + 1, new.title, new.body);
END;
CREATE TRIGGER posts_search_update AFTER UPDATE OF title, body, deleted, removed ON posts BEGIN
    DELETE FROM search_index WHERE rowid = old.id * 4 + 1;
    INSERT INTO search_index (rowid, title, body)
        SELECT new.id * 4 + 1, new.title, new.body WHERE NOT new.deleted AND NOT new.removed;
END;
CREATE TRIGGER posts_search_delete AFTER DELETE ON posts BEGIN
    DELETE FROM search_index WHERE rowid = old.id * 4 + 1;
END;

CREATE TRIGGER comments_search_insert AFTER INSERT ON comments
WHEN NOT new.deleted AND NOT new.removed BEGIN
    INSERT INTO search_index (rowid, title, body) VALUES (new.id * 4 + 2, '', new.body);
END;
CREATE TRIGGER comments_search_update AFTER UPDATE OF body, deleted, removed ON comments BEGIN
    DELETE FROM search_index WHERE rowid = old.id * 4 + 2;
    INSERT INTO search_index (rowid, title, body)
        SELECT new.id * 4 + 2, '', new.body WHERE NOT new.deleted AND NOT new.removed;
END;
CREATE TRIGGER comments_search_delete AFTER DELETE ON comments BEGIN
    DELETE FROM search_index WHERE rowid = old.id * 4 + 2;
END;

CREATE TRIGGER communities_search_insert AFTER INSERT ON communities
WHEN NOT new.deleted BEGIN
    INSERT INTO search_index (rowid, title, body)
        VALUES (new.id * 4 + 3, new.title, new.name || ' ' || new.description);
END;
CREATE TRIGGER communities_search_update AFTER UPDATE OF name, title, description, deleted ON communities BEGIN
    DELETE FROM search_index WHERE rowid = old.id * 4 + 3;
    INSERT INTO search_index (rowid, title, body)
        SELECT new.id * 4 + 3, new.title, new.name || ' ' || new.description WHERE NOT new.deleted;
END;
CREATE TRIGGER communities_search_delete AFTER DELETE ON communities BEGIN
    DELETE FROM search_index WHERE rowid = old.id * 4 + 3;
END;
