//! Member blogs: a blog post with its comments, and the forms to write, edit, delete and
//! comment. `/blog/{id}` is routed in `federation::actor_routes`, which serves the
//! `Article` to peers and this page to browsers.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use super::render::{Layout, WebError, render, see_other};
use super::session::{CheckedForm, Viewer};
use super::views::{Errors, FieldError, PersonView, Time};
use crate::pagination::PageParams;
use crate::services;
use crate::state::AppState;

struct BlogCommentItem {
    id: i64,
    author: PersonView,
    body_html: String,
    created: Time,
    deleted: bool,
    can_delete: bool,
}

#[derive(Template)]
#[template(path = "blog_post.html")]
struct BlogPostPage {
    layout: Layout,
    errors: Errors,
    id: i64,
    title: String,
    body_html: String,
    author: PersonView,
    created: Time,
    edited: Option<Time>,
    own: bool,
    comments: Vec<BlogCommentItem>,
    body: String,
}

async fn post_page(
    state: &AppState,
    viewer: &Viewer,
    id: i64,
    errors: Errors,
    body: String,
) -> Result<BlogPostPage, WebError> {
    let d = services::blogs::get(state, id).await?;
    let params = PageParams {
        cursor: None,
        limit: Some(100),
    };
    let comments = services::blogs::comments(state, id, params).await?;
    let me = viewer.actor.as_ref().map(|a| a.person_id);
    let own = me == Some(d.post.author_id);
    let comments = comments
        .items
        .iter()
        .map(|c| BlogCommentItem {
            id: c.comment.id,
            author: PersonView::new(&c.author),
            // Sanitised when stored.
            body_html: c.comment.body_html.clone(),
            created: Time::new(c.comment.created_at),
            deleted: c.comment.deleted,
            can_delete: !c.comment.deleted && (own || me == Some(c.comment.author_id)),
        })
        .collect();
    Ok(BlogPostPage {
        layout: Layout::new(state, viewer, d.post.title.clone()),
        errors,
        id,
        title: d.post.title,
        body_html: d.post.body_html,
        author: PersonView::new(&d.author),
        created: Time::new(d.post.created_at),
        edited: d.post.updated_at.map(Time::new),
        own,
        comments,
        body,
    })
}

/// `GET /blog/{id}` for browsers.
pub async fn show_blog_post(
    state: &AppState,
    viewer: Viewer,
    id: i64,
) -> Result<Response, WebError> {
    let page = post_page(state, &viewer, id, Errors::default(), String::new()).await?;
    Ok(render(state, &viewer, StatusCode::OK, &page))
}

#[derive(Template)]
#[template(path = "blog_compose.html")]
struct ComposePage {
    layout: Layout,
    errors: Errors,
    /// The post being edited; absent for a new one.
    id: Option<i64>,
    title: String,
    body: String,
}

/// `GET /blog/new`
pub async fn new_blog_post_form(
    State(state): State<AppState>,
    viewer: Viewer,
) -> Result<Response, WebError> {
    viewer.member()?;
    let page = ComposePage {
        layout: Layout::new(&state, &viewer, "Write a blog post").in_section("account"),
        errors: Errors::default(),
        id: None,
        title: String::new(),
        body: String::new(),
    };
    Ok(render(&state, &viewer, StatusCode::OK, &page))
}

#[derive(Deserialize)]
pub struct BlogForm {
    #[serde(default)]
    title: String,
    #[serde(default)]
    body: String,
}

fn form_errors(e: &crate::error::AppError) -> Errors {
    let field = if e.to_string().starts_with("title") {
        "title"
    } else {
        "body"
    };
    Errors::one(FieldError::from_app(e, field))
}

/// `POST /blog/new`
pub async fn submit_blog_post(
    State(state): State<AppState>,
    CheckedForm(viewer, form): CheckedForm<BlogForm>,
) -> Result<Response, WebError> {
    let actor = viewer.member()?;
    match services::blogs::create(&state, actor, &form.title, &form.body).await {
        Ok(d) => Ok(see_other(&format!("/blog/{}", d.post.id))),
        Err(e) if e.status() == StatusCode::BAD_REQUEST => {
            let page = ComposePage {
                layout: Layout::new(&state, &viewer, "Write a blog post").in_section("account"),
                errors: form_errors(&e),
                id: None,
                title: form.title,
                body: form.body,
            };
            Ok(render(&state, &viewer, e.status(), &page))
        }
        Err(e) => Err(e.into()),
    }
}

/// `GET /blog/{id}/edit`
pub async fn edit_blog_post_form(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    viewer: Viewer,
) -> Result<Response, WebError> {
    let actor = viewer.member()?;
    let d = services::blogs::get(&state, id).await?;
    if d.post.author_id != actor.person_id {
        return Err(
            crate::error::AppError::denied("not_author", "only the author can do that").into(),
        );
    }
    let page = ComposePage {
        layout: Layout::new(&state, &viewer, "Edit your blog post").in_section("account"),
        errors: Errors::default(),
        id: Some(id),
        title: d.post.title,
        body: d.post.body,
    };
    Ok(render(&state, &viewer, StatusCode::OK, &page))
}

/// `POST /blog/{id}/edit`
pub async fn submit_blog_edit(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    CheckedForm(viewer, form): CheckedForm<BlogForm>,
) -> Result<Response, WebError> {
    let actor = viewer.member()?;
    match services::blogs::edit(&state, actor, id, Some(&form.title), Some(&form.body)).await {
        Ok(_) => Ok(see_other(&format!("/blog/{id}"))),
        Err(e) if e.status() == StatusCode::BAD_REQUEST => {
            let page = ComposePage {
                layout: Layout::new(&state, &viewer, "Edit your blog post").in_section("account"),
                errors: form_errors(&e),
                id: Some(id),
                title: form.title,
                body: form.body,
            };
            Ok(render(&state, &viewer, e.status(), &page))
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub struct NoFields {}

/// `POST /blog/{id}/delete`
pub async fn delete_blog_post(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    CheckedForm(viewer, NoFields {}): CheckedForm<NoFields>,
) -> Result<Response, WebError> {
    let actor = viewer.member()?;
    services::blogs::delete(&state, actor, id).await?;
    Ok(see_other(&format!("/u/{}", actor.name)))
}

#[derive(Deserialize)]
pub struct CommentForm {
    #[serde(default)]
    body: String,
}

/// `POST /blog/{id}/comment`
pub async fn submit_blog_comment(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    CheckedForm(viewer, form): CheckedForm<CommentForm>,
) -> Result<Response, WebError> {
    let actor = viewer.member()?;
    match services::blogs::comment(&state, actor, id, &form.body).await {
        Ok(c) => Ok(see_other(&format!("/blog/{id}#comment-{}", c.comment.id))),
        Err(e) if e.status() == StatusCode::BAD_REQUEST => {
            let errors = Errors::one(FieldError::from_app(&e, "body"));
            let page = post_page(&state, &viewer, id, errors, form.body).await?;
            Ok(render(&state, &viewer, e.status(), &page))
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /blog-comment/{id}/delete`
pub async fn delete_blog_comment(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    CheckedForm(viewer, NoFields {}): CheckedForm<NoFields>,
) -> Result<Response, WebError> {
    let actor = viewer.member()?;
    let post = services::blogs::comment_post(&state, id).await?;
    services::blogs::delete_comment(&state, actor, id).await?;
    Ok(see_other(&format!("/blog/{post}")))
}
