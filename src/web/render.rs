//! Turning templates into responses: the shared layout, the friendly error pages, and the
//! security headers every page carries.

use askama::Template;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};

use super::session::Viewer;
use crate::error::AppError;
use crate::state::AppState;

/// Forbids inline script and every other site's resources; forms post only to us.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; \
     style-src 'self'; img-src 'self' https: data:; font-src 'self'; object-src 'none'; \
     form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// What the shared layout shows around every page.
pub struct Layout {
    pub title: String,
    pub instance: String,
    /// The signed-in member's name.
    pub member: Option<String>,
    /// Whether the signed-in member administers this instance: the header links to `/admin`.
    pub admin: bool,
    pub csrf: String,
    /// Which navigation item is the current page: `home`, `communities`, `account` or `admin`.
    pub section: &'static str,
    /// The page's Atom feed, announced to browsers and feed readers.
    pub feed: Option<String>,
    /// The signed-in member's unread notifications.
    pub unread: i64,
}

impl Layout {
    pub fn new(state: &AppState, viewer: &Viewer, title: impl Into<String>) -> Layout {
        Layout {
            title: title.into(),
            instance: state.settings.current().name.clone(),
            member: viewer.actor.as_ref().map(|a| a.name.clone()),
            admin: viewer.actor.as_ref().is_some_and(|a| a.is_admin()),
            csrf: viewer.csrf.clone(),
            section: "",
            feed: None,
            unread: viewer.unread,
        }
    }

    pub fn with_feed(mut self, href: String) -> Layout {
        self.feed = Some(href);
        self
    }

    pub fn in_section(mut self, section: &'static str) -> Layout {
        self.section = section;
        self
    }
}

/// Renders a page with `status`, setting the visitor's form cookie if they need one.
pub fn render<T: Template>(
    state: &AppState,
    viewer: &Viewer,
    status: StatusCode,
    page: &T,
) -> Response {
    match page.render() {
        Ok(html) => {
            let mut response = (status, Html(html)).into_response();
            viewer.finish(state, &mut response);
            response
        }
        Err(e) => WebError::App(AppError::Internal(e.into())).into_response(),
    }
}

/// A 303 to `to`: where a form goes after it has changed something.
pub fn see_other(to: &str) -> Response {
    let location = HeaderValue::from_str(to).unwrap_or(HeaderValue::from_static("/"));
    (StatusCode::SEE_OTHER, [(header::LOCATION, location)]).into_response()
}

/// Why a page could not be shown. Rendered by [`finish_pages`] as a full page with the
/// navigation, never as a stack trace.
#[derive(Debug, thiserror::Error)]
pub enum WebError {
    #[error(transparent)]
    App(#[from] AppError),
    #[error("the form was out of date or came from another site")]
    Csrf,
    #[error("the form could not be read")]
    BadForm,
    #[error("sign in first")]
    SignInFirst,
    #[error("page not found")]
    NotFound,
}

/// The error page [`finish_pages`] renders in place of a response that carries it.
#[derive(Clone)]
struct ErrorPage {
    status: StatusCode,
    heading: &'static str,
    message: String,
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        let (status, heading, message) = match self {
            WebError::SignInFirst | WebError::App(AppError::Unauthenticated) => {
                return see_other("/login");
            }
            WebError::Csrf => (
                StatusCode::FORBIDDEN,
                "This form has expired",
                "The form was out of date or did not come from this site, so nothing was \
                 changed. Go back, reload the page and try again."
                    .to_owned(),
            ),
            WebError::BadForm => (
                StatusCode::BAD_REQUEST,
                "There is a problem with the form",
                "The form could not be read. Go back and try again.".to_owned(),
            ),
            WebError::NotFound | WebError::App(AppError::NotFound(_)) => (
                StatusCode::NOT_FOUND,
                "Page not found",
                "If you typed the web address, check it is correct. If you pasted it, check \
                 you copied the entire address."
                    .to_owned(),
            ),
            WebError::App(e) => {
                let status = e.status();
                if status.is_server_error() {
                    // Logs the cause; the page shows none of it.
                    drop(e.into_response());
                    (
                        status,
                        "Sorry, there is a problem with the service",
                        "Try again later.".to_owned(),
                    )
                } else {
                    let heading = match status {
                        StatusCode::FORBIDDEN => "You cannot do that",
                        StatusCode::GONE => "This has been removed",
                        _ => "There is a problem",
                    };
                    (status, heading, upper_first(&e.to_string()))
                }
            }
        };
        let mut response = status.into_response();
        response.extensions_mut().insert(ErrorPage {
            status,
            heading,
            message,
        });
        response
    }
}

/// Capitalises a service's message for a page: services write "that name is taken".
pub fn upper_first(message: &str) -> String {
    let mut chars = message.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorTemplate {
    layout: Layout,
    heading: &'static str,
    message: String,
}

/// The page for any unknown address.
pub async fn not_found() -> WebError {
    WebError::NotFound
}

/// Renders error pages with the visitor's navigation, and adds the security headers to
/// every HTML and CSS response, including those from the federation routes.
pub async fn finish_pages(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let mut cookies = HeaderMap::new();
    for value in request.headers().get_all(header::COOKIE) {
        cookies.append(header::COOKIE, value.clone());
    }
    let mut response = next.run(request).await;
    if let Some(page) = response.extensions_mut().remove::<ErrorPage>() {
        response = match Viewer::load(&state, &cookies).await {
            Ok(viewer) => {
                let layout = Layout::new(&state, &viewer, page.heading);
                let template = ErrorTemplate {
                    layout,
                    heading: page.heading,
                    message: page.message,
                };
                render(&state, &viewer, page.status, &template)
            }
            Err(_) => (
                page.status,
                Html(format!(
                    "<!DOCTYPE html><html lang=\"en-GB\"><head><meta charset=\"utf-8\">\
                     <title>{0}</title></head><body><main><h1>{0}</h1></main></body></html>",
                    page.heading
                )),
            )
                .into_response(),
        };
    }
    let is_page = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html") || v.starts_with("text/css"));
    if is_page {
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CONTENT_SECURITY_POLICY),
        );
        headers.insert(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        );
        headers.insert(
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        );
    }
    response
}

/// The script that shows times in the reader's time zone, built into the binary.
pub async fn local_time_script() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../../static/local-time.js"),
    )
        .into_response()
}

/// Our own style sheet, built into the binary.
pub async fn style_sheet() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../../static/guildhall.css"),
    )
        .into_response()
}
