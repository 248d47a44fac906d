//! Member blogs: posts on a member's profile and comments on them.
pub mod comment_blog_post;
pub mod create_blog_post;
pub mod delete_blog_comment;
pub mod delete_blog_post;
pub mod edit_blog_post;
pub mod get_blog_post;
pub mod list_blog_comments;
pub mod list_blog_posts;
