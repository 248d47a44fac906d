//! Member blogs: posts on a member's profile, federated as `Article` from their `Person`
//! to their followers, and comments on them from members here and people elsewhere.

use crate::db::blogs::BlogPostChanges;
use crate::db::models::{
    DbBlogComment, DbBlogPost, DbPerson, NewBlogComment, NewBlogPost, NewNotification,
};
use crate::db::{self, DbConn};
use crate::error::{AppError, AppResult};
use crate::federation::content::ContentDoc;
use crate::federation::urls::Urls;
use crate::markdown;
use crate::pagination::{Page, PageParams, page};
use crate::services::federation::{Change, Signer, enqueue};
use crate::services::posts::{BODY_MAX, TITLE_MAX};
use crate::services::{Actor, text_field};
use crate::state::AppState;

/// A blog post with its author.
#[derive(Debug)]
pub struct BlogPostDetail {
    pub post: DbBlogPost,
    pub author: DbPerson,
}

/// A comment on a blog post with its author.
#[derive(Debug)]
pub struct BlogCommentDetail {
    pub comment: DbBlogComment,
    pub author: DbPerson,
}

fn load_post(conn: &mut DbConn, id: i64) -> AppResult<DbBlogPost> {
    let post = db::blogs::post(conn, id)?.ok_or(AppError::NotFound("blog post"))?;
    if post.deleted {
        return Err(AppError::Gone("this blog post has been deleted".into()));
    }
    Ok(post)
}

fn detail(conn: &mut DbConn, id: i64) -> AppResult<BlogPostDetail> {
    let post = load_post(conn, id)?;
    let author = db::persons::person(conn, post.author_id)?;
    Ok(BlogPostDetail { post, author })
}

fn require_author(author_id: i64, actor: &Actor) -> AppResult<()> {
    if author_id == actor.person_id {
        Ok(())
    } else {
        Err(AppError::denied(
            "not_author",
            "only the author can do that",
        ))
    }
}

/// Publishes a blog post on the member's profile.
#[tracing::instrument(skip_all)]
pub async fn create(
    state: &AppState,
    actor: &Actor,
    title: &str,
    body: &str,
) -> AppResult<BlogPostDetail> {
    let title = text_field("title", title, 1, TITLE_MAX)?;
    let body = text_field("body", body, 1, BODY_MAX)?;
    let body_html = markdown::render(&body);
    let actor = actor.clone();
    let urls = Urls::new(&state.config);
    state
        .write_and_deliver(move |conn| {
            let id = db::blogs::insert_post(
                conn,
                &NewBlogPost {
                    author_id: actor.person_id,
                    ap_id: None,
                    title: &title,
                    body: &body,
                    body_html: &body_html,
                    created_at: db::now(),
                },
            )?;
            federate_post(conn, &urls, id, Change::Create)?;
            detail(conn, id)
        })
        .await
}

/// Edits a blog post. Only its author may.
pub async fn edit(
    state: &AppState,
    actor: &Actor,
    id: i64,
    title: Option<&str>,
    body: Option<&str>,
) -> AppResult<BlogPostDetail> {
    let title = title
        .map(|t| text_field("title", t, 1, TITLE_MAX))
        .transpose()?;
    let body = body
        .map(|b| text_field("body", b, 1, BODY_MAX))
        .transpose()?;
    let changes = BlogPostChanges {
        title,
        body_html: body.as_deref().map(markdown::render),
        body,
        updated_at: Some(db::now()),
        ..Default::default()
    };
    let actor = actor.clone();
    let urls = Urls::new(&state.config);
    state
        .write_and_deliver(move |conn| {
            let post = load_post(conn, id)?;
            require_author(post.author_id, &actor)?;
            db::blogs::update_post(conn, id, &changes)?;
            federate_post(conn, &urls, id, Change::Update)?;
            detail(conn, id)
        })
        .await
}

/// Deletes a blog post. Only its author may; followers' servers are told.
pub async fn delete(state: &AppState, actor: &Actor, id: i64) -> AppResult<()> {
    let actor = actor.clone();
    let urls = Urls::new(&state.config);
    state
        .write_and_deliver(move |conn| {
            let post = load_post(conn, id)?;
            require_author(post.author_id, &actor)?;
            let changes = BlogPostChanges {
                deleted: Some(true),
                updated_at: Some(db::now()),
                ..Default::default()
            };
            db::blogs::update_post(conn, id, &changes)?;
            federate_post(conn, &urls, id, Change::Delete)
        })
        .await
}

pub async fn get(state: &AppState, id: i64) -> AppResult<BlogPostDetail> {
    state.db.read(move |conn| detail(conn, id)).await
}

/// A page of a member's blog posts, newest first.
pub async fn list(
    state: &AppState,
    member: &str,
    params: PageParams,
) -> AppResult<(DbPerson, Page<DbBlogPost>)> {
    let limit = params.limit()?;
    let before = params.key::<1>()?.map(|[id]| id);
    let name = member.trim().to_lowercase();
    let (author, rows) = state
        .db
        .read(move |conn| {
            let author = db::persons::local_person_by_name(conn, &name)?
                .filter(|p| !p.deleted)
                .ok_or(AppError::NotFound("member"))?;
            let rows = db::blogs::list_by_author(conn, author.id, before, limit + 1)?;
            Ok((author, rows))
        })
        .await?;
    Ok((author, page(rows, limit, |p: &DbBlogPost| [p.id])))
}

/// A page of a blog post's comments, oldest first. Deleted ones keep their place blank.
pub async fn comments(
    state: &AppState,
    id: i64,
    params: PageParams,
) -> AppResult<Page<BlogCommentDetail>> {
    let limit = params.limit()?;
    let after = params.key::<1>()?.map_or(0, |[id]| id);
    let rows = state
        .db
        .read(move |conn| {
            load_post(conn, id)?;
            db::blogs::list_comments(conn, id, after, limit + 1)
        })
        .await?;
    let rows = rows
        .into_iter()
        .map(|(comment, author)| BlogCommentDetail { comment, author })
        .collect();
    Ok(page(rows, limit, |d: &BlogCommentDetail| [d.comment.id]))
}

/// Comments on a blog post; its author hears of it.
pub async fn comment(
    state: &AppState,
    actor: &Actor,
    id: i64,
    body: &str,
) -> AppResult<BlogCommentDetail> {
    let body = text_field("body", body, 1, BODY_MAX)?;
    let body_html = markdown::render(&body);
    let actor = actor.clone();
    let urls = Urls::new(&state.config);
    state
        .write_and_deliver(move |conn| {
            let post = load_post(conn, id)?;
            let comment_id = db::blogs::insert_comment(
                conn,
                &NewBlogComment {
                    blog_post_id: post.id,
                    author_id: actor.person_id,
                    ap_id: None,
                    body: &body,
                    body_html: &body_html,
                    created_at: db::now(),
                },
            )?;
            let comment =
                db::blogs::comment(conn, comment_id)?.ok_or(AppError::NotFound("comment"))?;
            let author = db::persons::person(conn, actor.person_id)?;
            notify_author(conn, &post, &comment, &author)?;
            federate_comment(conn, &urls, &comment, &author, &post)?;
            Ok(BlogCommentDetail { comment, author })
        })
        .await
}

/// Deletes a comment: its author may, and so may the blog post's author.
pub async fn delete_comment(state: &AppState, actor: &Actor, comment_id: i64) -> AppResult<()> {
    let actor = actor.clone();
    state
        .db
        .write(move |conn| {
            let comment = db::blogs::comment(conn, comment_id)?
                .filter(|c| !c.deleted)
                .ok_or(AppError::NotFound("comment"))?;
            let post = load_post(conn, comment.blog_post_id)?;
            if comment.author_id != actor.person_id && post.author_id != actor.person_id {
                return Err(AppError::denied(
                    "not_author",
                    "only the comment's author or the blog's author can delete it",
                ));
            }
            db::blogs::delete_comment(conn, comment_id, db::now())
        })
        .await
}

fn notify_author(
    conn: &mut DbConn,
    post: &DbBlogPost,
    comment: &DbBlogComment,
    commenter: &DbPerson,
) -> AppResult<()> {
    crate::services::notifications::notify(
        conn,
        NewNotification {
            recipient_id: post.author_id,
            kind: crate::services::notifications::Kind::Reply.as_str().into(),
            actor_id: Some(commenter.id),
            summary: format!(
                "{} commented on your blog post “{}”",
                crate::services::notifications::handle(commenter),
                post.title
            ),
            link: format!("/blog/{}#comment-{}", post.id, comment.id),
            blog_post_id: Some(post.id),
            ..Default::default()
        },
    )?;
    Ok(())
}

/// Sends a change to a local member's blog post to everyone following them elsewhere.
fn federate_post(conn: &mut DbConn, urls: &Urls, id: i64, change: Change) -> AppResult<()> {
    let post = db::blogs::post(conn, id)?.ok_or(AppError::NotFound("blog post"))?;
    let author = db::persons::person(conn, post.author_id)?;
    if author.domain.is_some() {
        return Ok(());
    }
    let object = match change {
        Change::Delete => serde_json::json!({"id": urls.blog_post(id)?, "type": "Tombstone"}),
        _ => crate::federation::objects::article(urls, &post, &author)?,
    };
    let inboxes = db::federation::person_follower_inboxes(conn, author.id)?;
    send(conn, urls, change, &author, object, &inboxes)
}

/// Sends a local member's comment to the blog author's followers elsewhere, and to the
/// blog author's own server if they are remote, so the conversation is seen there.
fn federate_comment(
    conn: &mut DbConn,
    urls: &Urls,
    comment: &DbBlogComment,
    author: &DbPerson,
    post: &DbBlogPost,
) -> AppResult<()> {
    let post_author = db::persons::person(conn, post.author_id)?;
    let mut inboxes = db::federation::person_follower_inboxes(conn, post_author.id)?;
    if post_author.domain.is_some()
        && let Some(inbox) = post_author
            .shared_inbox_url
            .clone()
            .or(post_author.inbox_url.clone())
    {
        inboxes.push(inbox);
    }
    inboxes.sort();
    inboxes.dedup();
    let object = crate::federation::objects::blog_note(urls, comment, author, post, &post_author)?;
    send(conn, urls, Change::Create, author, object, &inboxes)
}

/// Queues `Create`/`Update`/`Delete` of `object` by a local member to `inboxes`,
/// addressed to the public and the member's followers.
fn send(
    conn: &mut DbConn,
    urls: &Urls,
    change: Change,
    author: &DbPerson,
    object: serde_json::Value,
    inboxes: &[String],
) -> AppResult<()> {
    if inboxes.is_empty() {
        return Ok(());
    }
    let kind = match change {
        Change::Create => "Create",
        Change::Update => "Update",
        Change::Delete => "Delete",
    };
    let id = crate::federation::activities::new_activity_id(urls, &kind.to_lowercase())
        .map_err(|e| AppError::Internal(anyhow::anyhow!("activity id: {e}")))?;
    let mut object = object;
    if let Some(o) = object.as_object_mut() {
        o.remove("@context");
    }
    let mut cc = vec![serde_json::json!(
        urls.person_part(&author.name, "followers")?
    )];
    if let Some(extra) = object.get("cc").and_then(|c| c.as_array()) {
        cc.extend(extra.iter().cloned());
    }
    cc.dedup();
    let activity = serde_json::json!({
        "@context": crate::federation::objects::context(),
        "id": id,
        "type": kind,
        "actor": urls.person(&author.name)?,
        "object": object,
        "to": [crate::federation::objects::PUBLIC],
        "cc": cc,
    });
    for inbox in inboxes {
        let inbox = url::Url::parse(inbox).map_err(|e| AppError::Internal(e.into()))?;
        enqueue(conn, &id, &activity, &inbox, Signer::Person(author.id))?;
    }
    Ok(())
}

/// Whether `url` names a blog post or blog comment stored here.
pub fn is_blog_target(
    conn: &mut DbConn,
    urls: &Urls,
    url: &url::Url,
) -> AppResult<Option<DbBlogPost>> {
    if urls.is_local(url) {
        let path = url.path();
        if let Some(id) = path.strip_prefix("/blog/").and_then(|id| id.parse().ok()) {
            return db::blogs::post(conn, id);
        }
        if let Some(id) = path
            .strip_prefix("/blog-comment/")
            .and_then(|id| id.parse::<i64>().ok())
        {
            return match db::blogs::comment(conn, id)? {
                Some(c) => db::blogs::post(conn, c.blog_post_id),
                None => Ok(None),
            };
        }
        return Ok(None);
    }
    if let Some(post) = db::blogs::post_by_ap_id(conn, url.as_str())? {
        return Ok(Some(post));
    }
    match db::blogs::comment_by_ap_id(conn, url.as_str())? {
        Some(c) => db::blogs::post(conn, c.blog_post_id),
        None => Ok(None),
    }
}

/// Whether a reply from elsewhere answers a blog post (or a comment on one) stored here.
pub async fn replies_to_blog(state: &AppState, url: &url::Url) -> AppResult<bool> {
    let urls = Urls::new(&state.config);
    let url = url.clone();
    state
        .db
        .read(move |conn| Ok(is_blog_target(conn, &urls, &url)?.is_some()))
        .await
}

/// A reply from another server to a blog post here: a comment, or an edit of one by its
/// author. Private replies stay private.
pub async fn receive_comment(state: &AppState, author: DbPerson, doc: ContentDoc) -> AppResult<()> {
    let urls = Urls::new(&state.config);
    state
        .write_and_deliver(move |conn| {
            let parent = doc
                .in_reply_to
                .clone()
                .ok_or(AppError::NotFound("parent"))?;
            let post =
                is_blog_target(conn, &urls, &parent)?.ok_or(AppError::NotFound("blog post"))?;
            if post.deleted {
                return Err(AppError::Gone("that blog post is gone".into()));
            }
            if !doc.is_public() {
                return Err(AppError::denied(
                    "refused",
                    "a reply that is not public does not become a comment",
                ));
            }
            let (body, body_html) = (doc.markdown(), doc.html_with_warning());
            match db::blogs::comment_by_ap_id(conn, doc.id.as_str())? {
                Some(existing) => {
                    if existing.author_id != author.id {
                        return Err(AppError::denied(
                            "refused",
                            "only the author may change a comment",
                        ));
                    }
                    db::blogs::update_comment(conn, existing.id, &body, &body_html, db::now())
                }
                None => {
                    let id = db::blogs::insert_comment(
                        conn,
                        &NewBlogComment {
                            blog_post_id: post.id,
                            author_id: author.id,
                            ap_id: Some(doc.id.as_str()),
                            body: &body,
                            body_html: &body_html,
                            created_at: doc
                                .published
                                .map(|t| t.naive_utc())
                                .unwrap_or_else(db::now),
                        },
                    )?;
                    let comment =
                        db::blogs::comment(conn, id)?.ok_or(AppError::NotFound("comment"))?;
                    notify_author(conn, &post, &comment, &author)
                }
            }
        })
        .await
}

/// An `Article` from someone elsewhere that addresses no community: kept as their blog
/// post (or an edit of it) so replies to it have something to hang on.
pub async fn receive_article(state: &AppState, author: DbPerson, doc: ContentDoc) -> AppResult<()> {
    if !doc.is_public() {
        // Kept only when everyone may read it; a private one is accepted and dropped.
        return Ok(());
    }
    state
        .db
        .write(move |conn| {
            let title = doc.title(TITLE_MAX);
            let (body, body_html) = (doc.markdown(), doc.html());
            match db::blogs::post_by_ap_id(conn, doc.id.as_str())? {
                Some(existing) => {
                    if existing.author_id != author.id {
                        return Err(AppError::denied(
                            "refused",
                            "only the author may change an article",
                        ));
                    }
                    let changes = BlogPostChanges {
                        title: Some(title),
                        body: Some(body),
                        body_html: Some(body_html),
                        updated_at: Some(db::now()),
                        ..Default::default()
                    };
                    db::blogs::update_post(conn, existing.id, &changes)
                }
                None => {
                    db::blogs::insert_post(
                        conn,
                        &NewBlogPost {
                            author_id: author.id,
                            ap_id: Some(doc.id.as_str()),
                            title: &title,
                            body: &body,
                            body_html: &body_html,
                            created_at: doc
                                .published
                                .map(|t| t.naive_utc())
                                .unwrap_or_else(db::now),
                        },
                    )?;
                    Ok(())
                }
            }
        })
        .await
}

/// The blog post a comment belongs to.
pub async fn comment_post(state: &AppState, comment_id: i64) -> AppResult<i64> {
    state
        .db
        .read(move |conn| {
            db::blogs::comment(conn, comment_id)?
                .map(|c| c.blog_post_id)
                .ok_or(AppError::NotFound("comment"))
        })
        .await
}

/// A comment with its author, its blog post and the post's author, as its `Note` needs.
pub struct BlogCommentContext {
    pub comment: DbBlogComment,
    pub author: DbPerson,
    pub post: DbBlogPost,
    pub post_author: DbPerson,
}

pub async fn comment_detail(state: &AppState, comment_id: i64) -> AppResult<BlogCommentContext> {
    state
        .db
        .read(move |conn| {
            let comment =
                db::blogs::comment(conn, comment_id)?.ok_or(AppError::NotFound("comment"))?;
            let post = load_post(conn, comment.blog_post_id)?;
            let author = db::persons::person(conn, comment.author_id)?;
            let post_author = db::persons::person(conn, post.author_id)?;
            Ok(BlogCommentContext {
                comment,
                author,
                post,
                post_author,
            })
        })
        .await
}
