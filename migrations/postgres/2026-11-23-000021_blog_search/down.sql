DROP INDEX blog_posts_search;
