DROP INDEX communities_search;
DROP INDEX comments_search;
DROP INDEX posts_search;
