//! Who is looking at a page, and the CSRF token their forms carry.
//!
//! A form's token is an HMAC, under a key only this server knows, of the member's session
//! token; before signing in, of a random "form" cookie instead. Another site can neither
//! read those cookies nor compute the token, so it cannot forge a form post.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, header};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use rand::RngCore;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use sha2::{Digest, Sha256};

use super::render::WebError;
use crate::api::extract::SESSION_COOKIE;
use crate::services::{self, Actor};
use crate::state::AppState;

/// The cookie that ties a signed-out visitor's forms (sign in, sign up) to their browser.
pub const FORM_COOKIE: &str = "guildhall_form";

/// The visitor: the signed-in member if any, and the CSRF token for their forms.
#[derive(Clone)]
pub struct Viewer {
    pub actor: Option<Actor>,
    pub csrf: String,
    /// How many unread notifications the signed-in member has, for the header.
    pub unread: i64,
    /// A form cookie to set on the response, for a visitor who had none.
    new_form_cookie: Option<String>,
}

impl Viewer {
    /// Works out the visitor from the request's cookies.
    pub async fn load(state: &AppState, headers: &HeaderMap) -> Result<Viewer, WebError> {
        let key = form_key(state).await?;
        if let Some(session) = cookie(headers, SESSION_COOKIE)
            && let Some(actor) = services::accounts::authenticate(state, &session).await?
        {
            let unread = services::notifications::unread_count(state, &actor).await?;
            return Ok(Viewer {
                unread,
                actor: Some(actor),
                csrf: token(&key, "session", &session),
                new_form_cookie: None,
            });
        }
        let (form, new_form_cookie) = match cookie(headers, FORM_COOKIE) {
            Some(form) if !form.is_empty() => (form, None),
            _ => {
                let mut bytes = [0u8; 32];
                rand::rng().fill_bytes(&mut bytes);
                let form = URL_SAFE_NO_PAD.encode(bytes);
                (form.clone(), Some(form))
            }
        };
        Ok(Viewer {
            unread: 0,
            actor: None,
            csrf: token(&key, "form", &form),
            new_form_cookie,
        })
    }

    /// The signed-in member, or a "sign in first" error.
    pub fn member(&self) -> Result<&Actor, WebError> {
        self.actor.as_ref().ok_or(WebError::SignInFirst)
    }

    /// Sets the form cookie on `response` if this visitor needed a new one.
    pub fn finish(&self, state: &AppState, response: &mut axum::response::Response) {
        if let Some(form) = &self.new_form_cookie {
            set_cookie(state, response, FORM_COOKIE, form, None);
        }
    }

    /// Whether `submitted` is this visitor's CSRF token, compared in constant time.
    pub(crate) fn accepts(&self, submitted: &str) -> bool {
        let (a, b) = (self.csrf.as_bytes(), submitted.as_bytes());
        a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
    }
}

/// Adds a `Set-Cookie` for one of our cookies: `HttpOnly`, `SameSite=Lax`, and `Secure`
/// when the instance is served over HTTPS. `max_age` of `None` is a browser-session cookie.
pub fn set_cookie(
    state: &AppState,
    response: &mut axum::response::Response,
    name: &str,
    value: &str,
    max_age: Option<i64>,
) {
    let secure = if state.config.instance.https {
        "; Secure"
    } else {
        ""
    };
    let age = max_age
        .map(|a| format!("; Max-Age={a}"))
        .unwrap_or_default();
    let cookie = format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax{age}{secure}");
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
}

fn token(key: &[u8; 32], kind: &str, value: &str) -> String {
    // HMAC takes keys of any length, so this cannot fail; fall back to a hash regardless.
    match Hmac::<Sha256>::new_from_slice(key) {
        Ok(mut mac) => {
            mac.update(kind.as_bytes());
            mac.update(b":");
            mac.update(value.as_bytes());
            URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
        }
        Err(_) => URL_SAFE_NO_PAD.encode(Sha256::digest([&key[..], value.as_bytes()].concat())),
    }
}

/// The server's key for form tokens, derived from the instance's private key so that
/// every process sharing the database agrees on it.
async fn form_key(state: &AppState) -> Result<[u8; 32], WebError> {
    if let Some(key) = state.form_key.get() {
        return Ok(*key);
    }
    let keys = services::actors::instance_keys(state).await?;
    let key: [u8; 32] = Sha256::new()
        .chain_update(b"guildhall web form key\n")
        .chain_update(keys.private_key.as_bytes())
        .finalize()
        .into();
    Ok(*state.form_key.get_or_init(|| key))
}

/// One cookie's value from the request.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(n, _)| *n == name)
        .map(|(_, value)| value.to_owned())
}

impl FromRequestParts<AppState> for Viewer {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, WebError> {
        if let Some(viewer) = parts.extensions.get::<Viewer>() {
            return Ok(viewer.clone());
        }
        let viewer = Viewer::load(state, &parts.headers).await?;
        parts.extensions.insert(viewer.clone());
        Ok(viewer)
    }
}

/// A posted form whose CSRF token matched: `T` is its other fields. A missing or wrong
/// token is refused with the "forbidden" page before the handler runs.
pub struct CheckedForm<T>(pub Viewer, pub T);

#[derive(Deserialize)]
struct CsrfField {
    csrf: Option<String>,
}

impl<T: DeserializeOwned> FromRequest<AppState> for CheckedForm<T> {
    type Rejection = WebError;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, WebError> {
        let (mut parts, body) = request.into_parts();
        let viewer = Viewer::from_request_parts(&mut parts, state).await?;
        let request = Request::from_parts(parts, body);
        let bytes = Bytes::from_request(request, state)
            .await
            .map_err(|_| WebError::BadForm)?;
        let submitted = serde_urlencoded::from_bytes::<CsrfField>(&bytes)
            .ok()
            .and_then(|f| f.csrf)
            .unwrap_or_default();
        if !viewer.accepts(&submitted) {
            return Err(WebError::Csrf);
        }
        let fields = serde_urlencoded::from_bytes::<T>(&bytes).map_err(|_| WebError::BadForm)?;
        Ok(CheckedForm(viewer, fields))
    }
}
