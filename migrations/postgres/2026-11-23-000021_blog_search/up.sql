-- Members' blog posts join full-text search: a GIN index over the same tsvector
-- expression the search query uses.
CREATE INDEX blog_posts_search ON blog_posts
    USING GIN (to_tsvector('english', title || ' ' || body));
