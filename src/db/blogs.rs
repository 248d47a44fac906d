//! Queries about members' blog posts and their comments.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::models::*;
use super::schema::*;
use super::{DbConn, last_insert_id};
use crate::error::AppResult;

pub fn insert_post(conn: &mut DbConn, post: &NewBlogPost) -> AppResult<i64> {
    diesel::insert_into(blog_posts::table)
        .values(post)
        .execute(conn)?;
    last_insert_id(conn)
}

pub fn post(conn: &mut DbConn, id: i64) -> AppResult<Option<DbBlogPost>> {
    Ok(blog_posts::table
        .find(id)
        .select(DbBlogPost::as_select())
        .first(conn)
        .optional()?)
}

pub fn post_by_ap_id(conn: &mut DbConn, ap_id: &str) -> AppResult<Option<DbBlogPost>> {
    Ok(blog_posts::table
        .filter(blog_posts::ap_id.eq(ap_id))
        .select(DbBlogPost::as_select())
        .first(conn)
        .optional()?)
}

/// A page of an author's live blog posts, newest first.
pub fn list_by_author(
    conn: &mut DbConn,
    author_id: i64,
    before: Option<i64>,
    limit: i64,
) -> AppResult<Vec<DbBlogPost>> {
    let mut query = blog_posts::table
        .filter(blog_posts::author_id.eq(author_id))
        .filter(blog_posts::deleted.eq(false))
        .order(blog_posts::id.desc())
        .limit(limit)
        .select(DbBlogPost::as_select())
        .into_boxed();
    if let Some(before) = before {
        query = query.filter(blog_posts::id.lt(before));
    }
    Ok(query.load(conn)?)
}

/// Every blog post of an author, deleted ones too, oldest first: for their data export.
pub fn all_by_author(conn: &mut DbConn, author_id: i64) -> AppResult<Vec<DbBlogPost>> {
    Ok(blog_posts::table
        .filter(blog_posts::author_id.eq(author_id))
        .order(blog_posts::id.asc())
        .select(DbBlogPost::as_select())
        .load(conn)?)
}

/// Every comment an author left on blogs, deleted ones too, oldest first.
pub fn comments_by_author(conn: &mut DbConn, author_id: i64) -> AppResult<Vec<DbBlogComment>> {
    Ok(blog_comments::table
        .filter(blog_comments::author_id.eq(author_id))
        .order(blog_comments::id.asc())
        .select(DbBlogComment::as_select())
        .load(conn)?)
}

/// Blog fields that change; `None` leaves a field as it is.
#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = blog_posts)]
pub struct BlogPostChanges {
    pub title: Option<String>,
    pub body: Option<String>,
    pub body_html: Option<String>,
    pub deleted: Option<bool>,
    pub updated_at: Option<NaiveDateTime>,
}

pub fn update_post(conn: &mut DbConn, id: i64, changes: &BlogPostChanges) -> AppResult<()> {
    diesel::update(blog_posts::table.find(id))
        .set(changes)
        .execute(conn)?;
    Ok(())
}

pub fn insert_comment(conn: &mut DbConn, comment: &NewBlogComment) -> AppResult<i64> {
    diesel::insert_into(blog_comments::table)
        .values(comment)
        .execute(conn)?;
    let id = last_insert_id(conn)?;
    diesel::update(blog_posts::table.find(comment.blog_post_id))
        .set(blog_posts::comment_count.eq(blog_posts::comment_count + 1))
        .execute(conn)?;
    Ok(id)
}

pub fn comment(conn: &mut DbConn, id: i64) -> AppResult<Option<DbBlogComment>> {
    Ok(blog_comments::table
        .find(id)
        .select(DbBlogComment::as_select())
        .first(conn)
        .optional()?)
}

pub fn comment_by_ap_id(conn: &mut DbConn, ap_id: &str) -> AppResult<Option<DbBlogComment>> {
    Ok(blog_comments::table
        .filter(blog_comments::ap_id.eq(ap_id))
        .select(DbBlogComment::as_select())
        .first(conn)
        .optional()?)
}

/// A page of a blog post's comments with their authors, oldest first.
pub fn list_comments(
    conn: &mut DbConn,
    blog_post_id: i64,
    after: i64,
    limit: i64,
) -> AppResult<Vec<(DbBlogComment, DbPerson)>> {
    Ok(blog_comments::table
        .inner_join(persons::table)
        .filter(blog_comments::blog_post_id.eq(blog_post_id))
        .filter(blog_comments::id.gt(after))
        .order(blog_comments::id.asc())
        .limit(limit)
        .select((DbBlogComment::as_select(), DbPerson::as_select()))
        .load(conn)?)
}

pub fn update_comment(
    conn: &mut DbConn,
    id: i64,
    body: &str,
    body_html: &str,
    at: NaiveDateTime,
) -> AppResult<()> {
    diesel::update(blog_comments::table.find(id))
        .set((
            blog_comments::body.eq(body),
            blog_comments::body_html.eq(body_html),
            blog_comments::updated_at.eq(at),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn delete_comment(conn: &mut DbConn, id: i64, at: NaiveDateTime) -> AppResult<()> {
    diesel::update(blog_comments::table.find(id))
        .set((
            blog_comments::deleted.eq(true),
            blog_comments::body.eq(""),
            blog_comments::body_html.eq(""),
            blog_comments::updated_at.eq(at),
        ))
        .execute(conn)?;
    Ok(())
}

/// Takes everything an author wrote on blogs out of view, for a deleted account: their
/// posts are marked deleted, and their comments lose their text as a deleted comment does.
pub fn delete_all_by_author(conn: &mut DbConn, author_id: i64, at: NaiveDateTime) -> AppResult<()> {
    diesel::update(
        blog_posts::table
            .filter(blog_posts::author_id.eq(author_id))
            .filter(blog_posts::deleted.eq(false)),
    )
    .set((
        blog_posts::deleted.eq(true),
        blog_posts::updated_at.eq(Some(at)),
    ))
    .execute(conn)?;
    diesel::update(
        blog_comments::table
            .filter(blog_comments::author_id.eq(author_id))
            .filter(blog_comments::deleted.eq(false)),
    )
    .set((
        blog_comments::deleted.eq(true),
        blog_comments::body.eq(""),
        blog_comments::body_html.eq(""),
        blog_comments::updated_at.eq(at),
    ))
    .execute(conn)?;
    Ok(())
}
