//! Queries about threads (posts), comments and votes.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::models::*;
use super::schema::*;
use super::{DbConn, last_insert_id, now};
use crate::error::AppResult;

pub fn insert_post(conn: &mut DbConn, post: &NewPost) -> AppResult<i64> {
    diesel::insert_into(posts::table)
        .values(post)
        .execute(conn)?;
    last_insert_id(conn)
}

pub fn post(conn: &mut DbConn, id: i64) -> AppResult<Option<DbPost>> {
    Ok(posts::table
        .find(id)
        .select(DbPost::as_select())
        .first(conn)
        .optional()?)
}

/// How a community's threads are ordered. Pinned threads always come first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PostSort {
    New,
    Top,
    /// Latest activity first: the newest reply, or the thread itself if it has none.
    Active,
}

/// Where the previous page ended: the sort key of its last thread.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PostKey {
    pub pinned: bool,
    pub score: i32,
    /// The thread's latest activity, for [`PostSort::Active`].
    pub active_at: Option<NaiveDateTime>,
    pub id: i64,
}

/// A thread's latest activity: its newest reply's time, or its own, as the database's
/// triggers keep it (migration 000020).
fn active_at() -> posts::active_at {
    posts::active_at
}

/// One page of a community's threads with their authors and latest activity. Removed
/// and deleted threads are left out unless `include_removed` (for moderators).
pub fn list_posts(
    conn: &mut DbConn,
    community_id: i64,
    sort: PostSort,
    after: Option<PostKey>,
    include_removed: bool,
    limit: i64,
) -> AppResult<Vec<(DbPost, DbPerson, NaiveDateTime)>> {
    let score = posts::upvotes - posts::downvotes;
    let mut query = posts::table
        .inner_join(persons::table)
        .filter(posts::community_id.eq(community_id))
        .filter(posts::deleted.eq(false))
        .select((DbPost::as_select(), DbPerson::as_select(), active_at()))
        .limit(limit)
        .into_boxed();
    if !include_removed {
        query = query.filter(posts::removed.eq(false));
    }
    match sort {
        PostSort::New => {
            if let Some(k) = after {
                query = query.filter(
                    posts::pinned
                        .lt(k.pinned)
                        .or(posts::pinned.eq(k.pinned).and(posts::id.lt(k.id))),
                );
            }
            query = query.order((posts::pinned.desc(), posts::id.desc()));
        }
        PostSort::Top => {
            if let Some(k) = after {
                query = query.filter(
                    posts::pinned
                        .lt(k.pinned)
                        .or(posts::pinned.eq(k.pinned).and(
                            score
                                .lt(k.score)
                                .or(score.eq(k.score).and(posts::id.lt(k.id))),
                        )),
                );
            }
            query = query.order((posts::pinned.desc(), score.desc(), posts::id.desc()));
        }
        PostSort::Active => {
            if let Some(k) = after {
                let at = k.active_at.unwrap_or_default();
                query = query.filter(
                    posts::pinned
                        .lt(k.pinned)
                        .or(posts::pinned.eq(k.pinned).and(
                            active_at()
                                .lt(at)
                                .or(active_at().eq(at).and(posts::id.lt(k.id))),
                        )),
                );
            }
            query = query.order((posts::pinned.desc(), active_at().desc(), posts::id.desc()));
        }
    }
    Ok(query.load(conn)?)
}

/// The newest live threads of the communities `person_id` is an accepted member of,
/// with their authors and communities, newest first, after thread `before` if given.
pub fn feed_posts(
    conn: &mut DbConn,
    person_id: i64,
    before: Option<i64>,
    limit: i64,
) -> AppResult<Vec<(DbPost, DbPerson, DbCommunity)>> {
    let mine = community_members::table
        .filter(community_members::person_id.eq(person_id))
        .filter(community_members::state.eq("accepted"))
        .select(community_members::community_id);
    let mut query = posts::table
        .inner_join(persons::table)
        .inner_join(communities::table)
        .filter(posts::community_id.eq_any(mine))
        .filter(posts::deleted.eq(false))
        .filter(posts::removed.eq(false))
        .filter(communities::deleted.eq(false))
        .select((
            DbPost::as_select(),
            DbPerson::as_select(),
            DbCommunity::as_select(),
        ))
        .order(posts::id.desc())
        .limit(limit)
        .into_boxed();
    if let Some(before) = before {
        query = query.filter(posts::id.lt(before));
    }
    Ok(query.load(conn)?)
}

#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = posts)]
pub struct PostChanges {
    pub title: Option<String>,
    pub url: Option<Option<String>>,
    pub body: Option<String>,
    pub body_html: Option<String>,
    pub content_warning: Option<Option<String>>,
    pub pinned: Option<bool>,
    pub locked: Option<bool>,
    pub removed: Option<bool>,
    pub deleted: Option<bool>,
    pub updated_at: Option<NaiveDateTime>,
}

pub fn update_post(conn: &mut DbConn, id: i64, changes: &PostChanges) -> AppResult<()> {
    diesel::update(posts::table.find(id))
        .set(changes)
        .execute(conn)?;
    Ok(())
}

pub fn insert_comment(conn: &mut DbConn, comment: &NewComment) -> AppResult<i64> {
    diesel::insert_into(comments::table)
        .values(comment)
        .execute(conn)?;
    let id = last_insert_id(conn)?;
    diesel::update(posts::table.find(comment.post_id))
        .set(posts::comment_count.eq(posts::comment_count + 1))
        .execute(conn)?;
    Ok(id)
}

pub fn comment(conn: &mut DbConn, id: i64) -> AppResult<Option<DbComment>> {
    Ok(comments::table
        .find(id)
        .select(DbComment::as_select())
        .first(conn)
        .optional()?)
}

/// A thread's comments in the order they were written, with their authors.
pub fn list_comments(
    conn: &mut DbConn,
    post_id: i64,
    after: i64,
    limit: i64,
) -> AppResult<Vec<(DbComment, DbPerson)>> {
    Ok(comments::table
        .inner_join(persons::table)
        .filter(comments::post_id.eq(post_id))
        .filter(comments::id.gt(after))
        .order(comments::id.asc())
        .limit(limit)
        .select((DbComment::as_select(), DbPerson::as_select()))
        .load(conn)?)
}

#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = comments)]
pub struct CommentChanges {
    pub body: Option<String>,
    pub body_html: Option<String>,
    pub removed: Option<bool>,
    pub deleted: Option<bool>,
    pub updated_at: Option<NaiveDateTime>,
}

pub fn update_comment(conn: &mut DbConn, id: i64, changes: &CommentChanges) -> AppResult<()> {
    diesel::update(comments::table.find(id))
        .set(changes)
        .execute(conn)?;
    Ok(())
}

/// Records a person's vote on a thread (0 withdraws it) and recounts the thread's score.
pub fn set_post_vote(conn: &mut DbConn, post_id: i64, person_id: i64, score: i32) -> AppResult<()> {
    // Lock the thread's row first, so concurrent voters recount one after another and
    // each recount sees the votes committed before it (PostgreSQL runs READ COMMITTED).
    diesel::update(posts::table.find(post_id))
        .set(posts::upvotes.eq(posts::upvotes))
        .execute(conn)?;
    diesel::delete(post_votes::table.find((post_id, person_id))).execute(conn)?;
    if score != 0 {
        diesel::insert_into(post_votes::table)
            .values((
                post_votes::post_id.eq(post_id),
                post_votes::person_id.eq(person_id),
                post_votes::score.eq(score),
                post_votes::created_at.eq(now()),
            ))
            .execute(conn)?;
    }
    let count = |conn: &mut DbConn, s: i32| -> QueryResult<i64> {
        post_votes::table
            .filter(post_votes::post_id.eq(post_id))
            .filter(post_votes::score.eq(s))
            .count()
            .get_result(conn)
    };
    let (up, down) = (count(conn, 1)?, count(conn, -1)?);
    diesel::update(posts::table.find(post_id))
        .set((
            posts::upvotes.eq(i32::try_from(up).unwrap_or(i32::MAX)),
            posts::downvotes.eq(i32::try_from(down).unwrap_or(i32::MAX)),
        ))
        .execute(conn)?;
    Ok(())
}

/// Records a person's vote on a comment (0 withdraws it) and recounts its score.
pub fn set_comment_vote(
    conn: &mut DbConn,
    comment_id: i64,
    person_id: i64,
    score: i32,
) -> AppResult<()> {
    // As for threads: lock the row, then recount.
    diesel::update(comments::table.find(comment_id))
        .set(comments::upvotes.eq(comments::upvotes))
        .execute(conn)?;
    diesel::delete(comment_votes::table.find((comment_id, person_id))).execute(conn)?;
    if score != 0 {
        diesel::insert_into(comment_votes::table)
            .values((
                comment_votes::comment_id.eq(comment_id),
                comment_votes::person_id.eq(person_id),
                comment_votes::score.eq(score),
                comment_votes::created_at.eq(now()),
            ))
            .execute(conn)?;
    }
    let count = |conn: &mut DbConn, s: i32| -> QueryResult<i64> {
        comment_votes::table
            .filter(comment_votes::comment_id.eq(comment_id))
            .filter(comment_votes::score.eq(s))
            .count()
            .get_result(conn)
    };
    let (up, down) = (count(conn, 1)?, count(conn, -1)?);
    diesel::update(comments::table.find(comment_id))
        .set((
            comments::upvotes.eq(i32::try_from(up).unwrap_or(i32::MAX)),
            comments::downvotes.eq(i32::try_from(down).unwrap_or(i32::MAX)),
        ))
        .execute(conn)?;
    Ok(())
}

/// The viewer's own votes on the given threads.
pub fn my_post_votes(
    conn: &mut DbConn,
    person_id: i64,
    post_ids: &[i64],
) -> AppResult<Vec<(i64, i32)>> {
    Ok(post_votes::table
        .filter(post_votes::person_id.eq(person_id))
        .filter(post_votes::post_id.eq_any(post_ids))
        .select((post_votes::post_id, post_votes::score))
        .load(conn)?)
}

/// The viewer's own votes on the given comments.
pub fn my_comment_votes(
    conn: &mut DbConn,
    person_id: i64,
    comment_ids: &[i64],
) -> AppResult<Vec<(i64, i32)>> {
    Ok(comment_votes::table
        .filter(comment_votes::person_id.eq(person_id))
        .filter(comment_votes::comment_id.eq_any(comment_ids))
        .select((comment_votes::comment_id, comment_votes::score))
        .load(conn)?)
}

/// The newest threads a person started in public communities, for their feed; deleted
/// and removed ones are left out.
pub fn public_posts_by_author(
    conn: &mut DbConn,
    author_id: i64,
    limit: i64,
) -> AppResult<Vec<(DbPost, DbCommunity)>> {
    Ok(posts::table
        .inner_join(communities::table)
        .filter(posts::author_id.eq(author_id))
        .filter(posts::deleted.eq(false))
        .filter(posts::removed.eq(false))
        .filter(communities::deleted.eq(false))
        .filter(communities::visibility.eq("public"))
        .order(posts::id.desc())
        .limit(limit)
        .select((DbPost::as_select(), DbCommunity::as_select()))
        .load(conn)?)
}

/// Every thread a person started, deleted and removed ones too, oldest first, with
/// the community's name.
pub fn posts_by_author(conn: &mut DbConn, author_id: i64) -> AppResult<Vec<(DbPost, String)>> {
    Ok(posts::table
        .inner_join(communities::table)
        .filter(posts::author_id.eq(author_id))
        .order(posts::id.asc())
        .select((DbPost::as_select(), communities::name))
        .load(conn)?)
}

/// Every comment a person wrote, deleted and removed ones too, oldest first.
pub fn comments_by_author(conn: &mut DbConn, author_id: i64) -> AppResult<Vec<DbComment>> {
    Ok(comments::table
        .filter(comments::author_id.eq(author_id))
        .order(comments::id.asc())
        .select(DbComment::as_select())
        .load(conn)?)
}

/// Every vote a person has on threads, as (thread id, score).
pub fn post_votes_by_person(conn: &mut DbConn, person_id: i64) -> AppResult<Vec<(i64, i32)>> {
    Ok(post_votes::table
        .filter(post_votes::person_id.eq(person_id))
        .order(post_votes::post_id.asc())
        .select((post_votes::post_id, post_votes::score))
        .load(conn)?)
}

/// Every vote a person has on comments, as (comment id, score).
pub fn comment_votes_by_person(conn: &mut DbConn, person_id: i64) -> AppResult<Vec<(i64, i32)>> {
    Ok(comment_votes::table
        .filter(comment_votes::person_id.eq(person_id))
        .order(comment_votes::comment_id.asc())
        .select((comment_votes::comment_id, comment_votes::score))
        .load(conn)?)
}

/// Marks every thread of an author deleted; ones already deleted keep their time.
pub fn delete_posts_by_author(
    conn: &mut DbConn,
    author_id: i64,
    at: NaiveDateTime,
) -> AppResult<()> {
    diesel::update(
        posts::table
            .filter(posts::author_id.eq(author_id))
            .filter(posts::deleted.eq(false)),
    )
    .set((posts::deleted.eq(true), posts::updated_at.eq(Some(at))))
    .execute(conn)?;
    Ok(())
}

/// Marks every comment of an author deleted; ones already deleted keep their time.
pub fn delete_comments_by_author(
    conn: &mut DbConn,
    author_id: i64,
    at: NaiveDateTime,
) -> AppResult<()> {
    diesel::update(
        comments::table
            .filter(comments::author_id.eq(author_id))
            .filter(comments::deleted.eq(false)),
    )
    .set((
        comments::deleted.eq(true),
        comments::updated_at.eq(Some(at)),
    ))
    .execute(conn)?;
    Ok(())
}
