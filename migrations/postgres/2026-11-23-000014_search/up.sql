-- Full-text search over threads, comments and communities: GIN indexes over the same
-- tsvector expressions the search query uses (English stemming finds "planning" for
-- "plan"), so there is nothing to keep in step.
CREATE INDEX posts_search ON posts
    USING GIN (to_tsvector('english', title || ' ' || body));
CREATE INDEX comments_search ON comments
    USING GIN (to_tsvector('english', body));
CREATE INDEX communities_search ON communities
    USING GIN (to_tsvector('english', title || ' ' || name || ' ' || description));
