//! The JSON API under `/api/v1`, with its OpenAPI document generated from the handlers
//! themselves, so the two cannot drift apart.

pub mod extract;
pub mod prelude;
pub mod views;

mod accounts;
mod admin;
mod auth;
mod blogs;
mod comments;
mod communities;
pub mod documents;
mod events;
mod federation;
mod me;
mod members;
mod notifications;
mod posts;
mod reports;
mod search;
mod setup;

use axum::Router;
use axum::routing::get;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::error::AppError;
use crate::state::AppState;

#[derive(OpenApi)]
#[openapi(
    info(title = "Guildhall API", description = "Members, communities, threads, comments, votes and events.", license(name = "AGPL-3.0-only")),
    modifiers(&Security),
    security(("bearer" = []), ("session" = [])),
    components(schemas(crate::error::ErrorBody))
)]
struct ApiDoc;

struct Security;

impl Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new(extract::SESSION_COOKIE))),
        );
    }
}

/// The API's routes and its OpenAPI document.
fn api() -> (Router<AppState>, utoipa::openapi::OpenApi) {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(setup::complete_setup::complete_setup))
        .routes(routes!(accounts::sign_up::sign_up))
        .routes(routes!(accounts::verify_email::verify_email))
        .routes(routes!(accounts::resend_verification::resend_verification))
        .routes(routes!(
            me::set_digest::get_digest,
            me::set_digest::set_digest
        ))
        .routes(routes!(blogs::list_blog_posts::list_blog_posts))
        .routes(routes!(blogs::create_blog_post::create_blog_post))
        .routes(routes!(
            blogs::get_blog_post::get_blog_post,
            blogs::edit_blog_post::edit_blog_post,
            blogs::delete_blog_post::delete_blog_post
        ))
        .routes(routes!(
            blogs::list_blog_comments::list_blog_comments,
            blogs::comment_blog_post::comment_blog_post
        ))
        .routes(routes!(blogs::delete_blog_comment::delete_blog_comment))
        .routes(routes!(auth::log_in::log_in))
        .routes(routes!(auth::log_out::log_out))
        .routes(routes!(auth::create_token::create_token))
        .routes(routes!(
            me::get_me::get_me,
            me::update_profile::update_profile,
            me::delete_account::delete_account
        ))
        .routes(routes!(me::change_password::change_password))
        .routes(routes!(me::export_data::export_data))
        .routes(routes!(members::get_member::get_member))
        .routes(routes!(members::list_members::list_members))
        .routes(routes!(search::search_content::search_content))
        .routes(routes!(
            notifications::list_notifications::list_notifications
        ))
        .routes(routes!(notifications::count_unread::count_unread))
        .routes(routes!(notifications::mark_read::mark_read))
        .routes(routes!(notifications::mark_all_read::mark_all_read))
        .routes(routes!(admin::list_pending_accounts::list_pending_accounts))
        .routes(routes!(admin::approve_account::approve_account))
        .routes(routes!(admin::reject_account::reject_account))
        .routes(routes!(admin::create_invite::create_invite))
        .routes(routes!(
            admin::list_bans::list_bans,
            admin::ban_member::ban_member
        ))
        .routes(routes!(admin::unban_member::unban_member))
        .routes(routes!(admin::list_peers::list_peers))
        .routes(routes!(admin::list_deliveries::list_deliveries))
        .routes(routes!(
            admin::get_settings::get_settings,
            admin::update_settings::update_settings
        ))
        .routes(routes!(
            admin::set_peer::set_peer,
            admin::remove_peer::remove_peer
        ))
        .routes(routes!(
            communities::list_communities::list_communities,
            communities::create_community::create_community
        ))
        .routes(routes!(
            communities::get_community::get_community,
            communities::update_community::update_community
        ))
        .routes(routes!(communities::join_community::join_community))
        .routes(routes!(communities::leave_community::leave_community))
        .routes(routes!(communities::list_members::list_members))
        .routes(routes!(communities::approve_member::approve_member))
        .routes(routes!(communities::reject_member::reject_member))
        .routes(routes!(communities::add_moderator::add_moderator))
        .routes(routes!(communities::remove_moderator::remove_moderator))
        .routes(routes!(
            communities::ban_member::ban_member,
            communities::list_bans::list_bans
        ))
        .routes(routes!(communities::unban_member::unban_member))
        .routes(routes!(communities::list_reports::list_reports))
        .routes(routes!(communities::get_mod_log::get_mod_log))
        .routes(routes!(
            posts::list_posts::list_posts,
            posts::create_post::create_post
        ))
        .routes(routes!(
            posts::get_post::get_post,
            posts::edit_post::edit_post,
            posts::delete_post::delete_post
        ))
        .routes(routes!(posts::pin_post::pin_post))
        .routes(routes!(posts::lock_post::lock_post))
        .routes(routes!(posts::remove_post::remove_post))
        .routes(routes!(posts::vote_post::vote_post))
        .routes(routes!(
            posts::vote_poll::vote_poll,
            posts::withdraw_poll_vote::withdraw_poll_vote
        ))
        .routes(routes!(posts::report_post::report_post))
        .routes(routes!(
            events::list_events::list_events,
            events::create_event::create_event
        ))
        .routes(routes!(
            events::get_event::get_event,
            events::edit_event::edit_event
        ))
        .routes(routes!(events::cancel_event::cancel_event))
        .routes(routes!(
            events::rsvp_event::rsvp_event,
            events::withdraw_rsvp::withdraw_rsvp
        ))
        .routes(routes!(events::list_attendees::list_attendees))
        .routes(routes!(events::add_session::add_session))
        .routes(routes!(
            events::edit_session::edit_session,
            events::remove_session::remove_session
        ))
        .routes(routes!(
            comments::list_comments::list_comments,
            comments::create_comment::create_comment
        ))
        .routes(routes!(
            comments::get_comment::get_comment,
            comments::edit_comment::edit_comment,
            comments::delete_comment::delete_comment
        ))
        .routes(routes!(comments::remove_comment::remove_comment))
        .routes(routes!(comments::vote_comment::vote_comment))
        .routes(routes!(comments::report_comment::report_comment))
        .routes(routes!(
            documents::list_folders::list_folders,
            documents::create_folder::create_folder
        ))
        .routes(routes!(
            documents::get_document::get_document,
            documents::move_document::move_document,
            documents::delete_document::delete_document
        ))
        .routes(routes!(documents::download_version::download_version))
        .routes(routes!(
            documents::download_remote_file::download_remote_file
        ))
        .merge(
            // Uploads carry files up to `limits.upload_max_bytes`, larger than the usual
            // body limit: `extract::read_upload` enforces that limit as it reads.
            OpenApiRouter::new()
                .routes(routes!(
                    documents::list_documents::list_documents,
                    documents::upload_document::upload_document
                ))
                .routes(routes!(
                    documents::list_versions::list_versions,
                    documents::upload_version::upload_version
                ))
                .layer(axum::extract::DefaultBodyLimit::disable()),
        )
        .routes(routes!(reports::resolve_report::resolve_report))
        .routes(routes!(federation::resolve::resolve))
        .routes(routes!(federation::resolve_member::resolve_member))
        .split_for_parts()
}

/// The OpenAPI document, for `/api/v1/openapi.json` and for tests.
pub fn openapi() -> utoipa::openapi::OpenApi {
    let mut doc = api().1;
    doc.servers = Some(vec![utoipa::openapi::Server::new("/api/v1")]);
    doc
}

/// The router mounted at `/api/v1`.
pub fn router() -> Router<AppState> {
    let (router, _) = api();
    let doc = serde_json::to_value(openapi()).unwrap_or_default();
    router
        .route("/openapi.json", get(move || async move { axum::Json(doc) }))
        .fallback(|| async { AppError::NotFound("endpoint") })
}
