DROP TRIGGER blog_posts_search_delete;
DROP TRIGGER blog_posts_search_update;
DROP TRIGGER blog_posts_search_insert;
DELETE FROM search_index WHERE rowid % 4 = 0;
