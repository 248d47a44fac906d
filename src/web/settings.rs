//! A member's own settings: profile, password, their data, and deleting the account.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use super::render::{Layout, WebError, render, see_other};
use super::session::{CheckedForm, Viewer, set_cookie};
use super::views::{Errors, FieldError};
use crate::api::extract::SESSION_COOKIE;
use crate::services;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "settings.html")]
struct SettingsPage {
    layout: Layout,
    errors: Errors,
    /// What was just saved, for the confirmation banner.
    saved: Option<&'static str>,
    name: String,
    display_name: String,
    job_title: String,
    organisation: String,
    region: String,
    interests: String,
    in_directory: bool,
    bio: String,
    /// Whether this instance sends e-mail, so the digest can be offered.
    email: bool,
    digest: &'static str,
}

#[derive(Deserialize, Default)]
struct SavedQuery {
    #[serde(default)]
    saved: Option<String>,
}

/// The settings page for the signed-in member, with `profile` as they are or as typed.
async fn page(
    state: &AppState,
    viewer: &Viewer,
    profile: Option<ProfileForm>,
    errors: Errors,
    saved: Option<&'static str>,
) -> Result<Response, WebError> {
    let member = viewer.member()?;
    let profile = match profile {
        Some(form) => form,
        None => {
            let p = services::accounts::profile(state, &member.name).await?;
            ProfileForm {
                display_name: p.display_name.unwrap_or_default(),
                job_title: p.job_title.unwrap_or_default(),
                organisation: p.organisation.unwrap_or_default(),
                region: p.region.unwrap_or_default(),
                interests: p.interests.unwrap_or_default(),
                in_directory: p.in_directory.then(|| "yes".to_owned()),
                bio: p.bio,
            }
        }
    };
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    let page = SettingsPage {
        layout: Layout::new(state, viewer, "Your settings").in_section("account"),
        errors,
        saved,
        name: member.name.clone(),
        display_name: profile.display_name,
        job_title: profile.job_title,
        organisation: profile.organisation,
        region: profile.region,
        interests: profile.interests,
        in_directory: profile.in_directory.is_some(),
        bio: profile.bio,
        email: services::email::enabled(state),
        digest: services::digest::frequency(state, member).await?.as_str(),
    };
    Ok(render(state, viewer, status, &page))
}

/// `GET /settings`
pub async fn settings(
    State(state): State<AppState>,
    viewer: Viewer,
    uri: axum::http::Uri,
) -> Result<Response, WebError> {
    let saved = match super::views::query::<SavedQuery>(&uri).saved.as_deref() {
        Some("profile") => Some("Your profile has been saved."),
        Some("digest") => Some("Your e-mail digest choice has been saved."),
        _ => None,
    };
    page(&state, &viewer, None, Errors::default(), saved).await
}

#[derive(Deserialize, Default)]
pub struct ProfileForm {
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    job_title: String,
    #[serde(default)]
    organisation: String,
    #[serde(default)]
    region: String,
    #[serde(default)]
    interests: String,
    /// Present when the box is ticked: an unticked checkbox sends nothing.
    #[serde(default)]
    in_directory: Option<String>,
    #[serde(default)]
    bio: String,
}

/// `POST /settings/profile`
pub async fn save_profile(
    State(state): State<AppState>,
    CheckedForm(viewer, form): CheckedForm<ProfileForm>,
) -> Result<Response, WebError> {
    let edit = services::accounts::ProfileEdit {
        display_name: Some(form.display_name.clone()),
        job_title: Some(form.job_title.clone()),
        organisation: Some(form.organisation.clone()),
        region: Some(form.region.clone()),
        interests: Some(form.interests.clone()),
        in_directory: Some(form.in_directory.is_some()),
        bio: Some(form.bio.clone()),
    };
    match services::accounts::update_profile(&state, viewer.member()?, edit).await {
        Ok(_) => Ok(see_other("/settings?saved=profile")),
        Err(e) if e.status().is_client_error() => {
            let errors = Errors::one(field_error(&e, "display_name"));
            page(&state, &viewer, Some(form), errors, None).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    new_password: String,
}

/// `POST /settings/password`: every session ends, this one too, so the member signs in
/// again with the new password.
pub async fn change_password(
    State(state): State<AppState>,
    CheckedForm(viewer, form): CheckedForm<PasswordForm>,
) -> Result<Response, WebError> {
    let result = services::accounts::change_password(
        &state,
        viewer.member()?,
        &form.current_password,
        &form.new_password,
    )
    .await;
    match result {
        Ok(()) => {
            let mut response = see_other("/login");
            set_cookie(&state, &mut response, SESSION_COOKIE, "", Some(0));
            Ok(response)
        }
        Err(e) if e.status().is_client_error() => {
            let errors = Errors::one(field_error(&e, "new_password"));
            page(&state, &viewer, None, errors, None).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub struct DeleteForm {
    #[serde(default, rename = "delete_password")]
    password: String,
}

/// `POST /settings/delete`
pub async fn delete_account(
    State(state): State<AppState>,
    CheckedForm(viewer, form): CheckedForm<DeleteForm>,
) -> Result<Response, WebError> {
    match services::accounts::delete_account(&state, viewer.member()?, &form.password).await {
        Ok(()) => {
            let mut response = see_other("/");
            set_cookie(&state, &mut response, SESSION_COOKIE, "", Some(0));
            Ok(response)
        }
        Err(e) if e.status().is_client_error() => {
            let errors = Errors::one(field_error(&e, "delete_password"));
            page(&state, &viewer, None, errors, None).await
        }
        Err(e) => Err(e.into()),
    }
}

/// Places a refusal on the settings field it is about.
fn field_error(e: &crate::error::AppError, fallback: &'static str) -> FieldError {
    let message = super::render::upper_first(&e.to_string());
    let field = match e.code() {
        "wrong_password" if fallback == "new_password" => "current_password",
        "weak_password" | "invalid_password" => "new_password",
        _ => {
            let text = e.to_string();
            [
                "display_name",
                "job_title",
                "organisation",
                "region",
                "interests",
                "bio",
            ]
            .into_iter()
            .find(|f| text.starts_with(f))
            .unwrap_or(fallback)
        }
    };
    FieldError { field, message }
}

#[derive(Deserialize)]
pub struct DigestForm {
    #[serde(default)]
    digest: String,
}

/// `POST /settings/digest`
pub async fn save_digest(
    State(state): State<AppState>,
    CheckedForm(viewer, form): CheckedForm<DigestForm>,
) -> Result<Response, WebError> {
    let member = viewer.member()?;
    let frequency = services::digest::Frequency::parse(&form.digest)?;
    services::digest::set_frequency(&state, member, frequency).await?;
    Ok(see_other("/settings?saved=digest"))
}
