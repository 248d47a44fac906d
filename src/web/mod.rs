//! Server-rendered pages: askama templates (checked at build time, escaping by default),
//! our own style sheet, no JavaScript. Every page calls the services, as the JSON API
//! does. Forms carry a CSRF token (see `session`); every HTML response carries a
//! Content-Security-Policy (see `render`). `/`, `/c/{name}`, `/u/{name}` and
//! `/post/{id}` are routed in `federation::actor_routes`, which negotiates between these
//! pages and ActivityPub JSON.

mod admin;
mod answer_event;
mod blog;
mod calendars;
mod communities;
mod community;
mod compose;
mod delete_comment;
mod delete_thread;
mod download_document;
mod edit_comment;
mod edit_thread;
mod email_links;
mod event_form;
mod events;
mod feeds;
mod home;
mod join_community;
mod leave_community;
mod library;
mod log_in;
mod log_out;
mod manage;
mod members;
mod moderate_thread;
mod new_thread;
mod notifications;
mod profile;
mod remote_file;
mod remove_content;
pub mod render;
mod reply;
mod report;
mod search;
pub mod session;
mod settings;
mod setup;
mod sign_up;
mod thread;
mod views;
mod vote;
mod vote_poll;

use axum::Router;
use axum::routing::{get, post};

pub use blog::show_blog_post;
pub use community::show_community;
pub use home::show_home;
pub use profile::show_member;
pub use render::{WebError, finish_pages, not_found};
pub use session::Viewer;
pub use thread::{show_comment, show_thread};

use axum::extract::DefaultBodyLimit;

use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/setup", get(setup::setup_form).post(setup::submit_setup))
        .route(
            "/c/{name}/files/{id}/v/{version}",
            get(download_document::download_document),
        )
        .route("/remote-file", get(remote_file::remote_file))
        .route("/c/{name}/library", get(library::show_library))
        .route("/c/{name}/library/folders", post(library::create_folder))
        .route(
            "/c/{name}/library/upload",
            // `read_upload` bounds an upload by `limits.upload_max_bytes` as it reads.
            get(library::upload_form)
                .post(library::submit_upload)
                .layer(DefaultBodyLimit::disable()),
        )
        .route("/c/{name}/library/{id}", get(library::show_document))
        .route(
            "/c/{name}/library/{id}/versions",
            post(library::submit_version).layer(DefaultBodyLimit::disable()),
        )
        .route("/c/{name}/library/{id}/move", post(library::move_document))
        .route(
            "/c/{name}/library/{id}/delete",
            post(library::delete_document),
        )
        .route("/static/guildhall.css", get(render::style_sheet))
        .route("/static/local-time.js", get(render::local_time_script))
        .route("/admin", get(admin::overview::show_admin))
        .route("/admin/settings", post(admin::overview::save_settings))
        .route("/admin/accounts", get(admin::accounts::show_accounts))
        .route(
            "/admin/accounts/{name}/approve",
            post(admin::accounts::approve_account),
        )
        .route(
            "/admin/accounts/{name}/reject",
            post(admin::accounts::reject_account),
        )
        .route("/admin/invites", post(admin::accounts::create_invite))
        .route(
            "/admin/federation",
            get(admin::federation::show_federation).post(admin::federation::set_peer),
        )
        .route(
            "/admin/federation/remove",
            post(admin::federation::remove_peer),
        )
        .route(
            "/admin/bans",
            get(admin::bans::show_bans).post(admin::bans::ban_member),
        )
        .route("/admin/bans/remove", post(admin::bans::unban_member))
        .route(
            "/signup",
            get(sign_up::sign_up_form).post(sign_up::submit_sign_up),
        )
        .route(
            "/login",
            get(log_in::log_in_form).post(log_in::submit_log_in),
        )
        .route("/logout", post(log_out::log_out))
        .route("/settings", get(settings::settings))
        .route("/settings/profile", post(settings::save_profile))
        .route("/settings/password", post(settings::change_password))
        .route("/settings/delete", post(settings::delete_account))
        .route("/verify-email", get(email_links::verify_email))
        .route(
            "/verify-email/resend",
            post(email_links::resend_verification),
        )
        .route(
            "/digest/unsubscribe",
            get(email_links::unsubscribe_form).post(email_links::unsubscribe),
        )
        .route("/settings/digest", post(settings::save_digest))
        .route("/notifications", get(notifications::show_notifications))
        .route("/notifications/read", post(notifications::mark_all_read))
        .route("/notifications/{id}/read", post(notifications::mark_read))
        .route(
            "/blog/new",
            get(blog::new_blog_post_form).post(blog::submit_blog_post),
        )
        .route(
            "/blog/{id}/edit",
            get(blog::edit_blog_post_form).post(blog::submit_blog_edit),
        )
        .route("/blog/{id}/delete", post(blog::delete_blog_post))
        .route("/blog/{id}/comment", post(blog::submit_blog_comment))
        .route("/blog-comment/{id}/delete", post(blog::delete_blog_comment))
        .route("/communities", get(communities::list_communities))
        .route("/members", get(members::list_members))
        .route("/search", get(search::search))
        .route("/c/{name}/feed", get(feeds::community_feed))
        .route("/u/{name}/feed", get(feeds::member_feed))
        .route("/c/{name}/events.ics", get(calendars::community_calendar))
        .route("/c/{name}/events", get(events::show_events))
        .route(
            "/c/{name}/events/new",
            get(event_form::new_event_form).post(event_form::submit_new_event),
        )
        .route("/events/{id}", get(events::show_event))
        .route(
            "/events/{id}/edit",
            get(event_form::edit_event_form).post(event_form::submit_edit_event),
        )
        .route("/events/{id}/rsvp", post(answer_event::answer_event))
        .route("/events/{id}/cancel", post(answer_event::cancel_event))
        .route("/events/{id}/sessions", post(answer_event::add_session))
        .route("/u/{name}/events.ics", get(calendars::member_calendar))
        .route(
            "/c/{name}/manage",
            get(manage::overview::show_manage).post(manage::overview::save_community),
        )
        .route(
            "/c/{name}/manage/members",
            get(manage::members::show_members),
        )
        .route(
            "/c/{name}/manage/members/approve",
            post(manage::members::approve_member),
        )
        .route(
            "/c/{name}/manage/members/reject",
            post(manage::members::reject_member),
        )
        .route(
            "/c/{name}/manage/facilitators/add",
            post(manage::members::add_facilitator),
        )
        .route(
            "/c/{name}/manage/facilitators/remove",
            post(manage::members::remove_facilitator),
        )
        .route(
            "/c/{name}/manage/reports",
            get(manage::reports::show_reports),
        )
        .route(
            "/c/{name}/manage/reports/resolve",
            post(manage::reports::resolve_report),
        )
        .route(
            "/c/{name}/manage/bans",
            get(manage::bans::show_bans).post(manage::bans::ban_member),
        )
        .route(
            "/c/{name}/manage/bans/remove",
            post(manage::bans::unban_member),
        )
        .route("/c/{name}/manage/log", get(manage::log::show_log))
        .route(
            "/post/{id}/remove",
            get(remove_content::remove_thread_form).post(remove_content::remove_thread),
        )
        .route(
            "/comment/{id}/remove",
            get(remove_content::remove_comment_form).post(remove_content::remove_comment),
        )
        .route("/post/{id}/pin", post(moderate_thread::pin_thread))
        .route("/post/{id}/lock", post(moderate_thread::lock_thread))
        .route("/post/{id}/restore", post(moderate_thread::restore_thread))
        .route(
            "/comment/{id}/restore",
            post(moderate_thread::restore_comment),
        )
        .route("/c/{name}/join", post(join_community::join_community))
        .route("/c/{name}/leave", post(leave_community::leave_community))
        .route(
            "/c/{name}/new",
            get(new_thread::new_thread_form).post(new_thread::submit_new_thread),
        )
        .route(
            "/post/{id}/edit",
            get(edit_thread::edit_thread_form).post(edit_thread::submit_edit_thread),
        )
        .route("/post/{id}/delete", post(delete_thread::delete_thread))
        .route("/post/{id}/vote", post(vote::vote_post))
        .route("/post/{id}/poll", post(vote_poll::vote_poll))
        .route("/comment/{id}/vote", post(vote::vote_comment))
        .route(
            "/comment/{id}/edit",
            get(edit_comment::edit_comment_form).post(edit_comment::submit_edit_comment),
        )
        .route("/comment/{id}/delete", post(delete_comment::delete_comment))
        .route(
            "/post/{id}/reply",
            get(reply::reply_form).post(reply::submit_reply),
        )
        .route(
            "/post/{id}/report",
            get(report::report_post_form).post(report::submit_post_report),
        )
        .route(
            "/comment/{id}/report",
            get(report::report_comment_form).post(report::submit_comment_report),
        )
}
