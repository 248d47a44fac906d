//! The event form for facilitators: creating an event in a community and editing one.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use super::render::{Layout, WebError, render, see_other};
use super::session::{CheckedForm, Viewer};
use super::views::{CommunityView, Errors, FieldError};
use crate::services;
use crate::services::events::{EventDetail, EventInput};
use crate::state::AppState;

#[derive(Template)]
#[template(path = "event_form.html")]
struct EventFormPage {
    layout: Layout,
    errors: Errors,
    community: CommunityView,
    action: String,
    submit: &'static str,
    form: EventForm,
    /// Every IANA zone name, for the time zone field's suggestions.
    zones: Vec<&'static str>,
}

/// The form's fields as sent; times are local to `timezone`.
#[derive(Deserialize, Default)]
pub struct EventForm {
    #[serde(default)]
    title: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    starts_at: String,
    #[serde(default)]
    ends_at: String,
    #[serde(default)]
    timezone: String,
    #[serde(default)]
    address: String,
    #[serde(default)]
    online_link: String,
    #[serde(default)]
    capacity: String,
    #[serde(default)]
    join_mode: String,
}

impl EventForm {
    fn input(&self) -> Result<EventInput, crate::error::AppError> {
        let capacity = match self.capacity.trim() {
            "" => None,
            c => Some(c.parse().map_err(|_| {
                crate::error::AppError::bad_request(
                    "invalid_capacity",
                    "the capacity must be a whole number",
                )
            })?),
        };
        Ok(EventInput {
            title: self.title.clone(),
            description: self.description.clone(),
            starts_at: self.starts_at.clone(),
            ends_at: self.ends_at.clone(),
            timezone: self.timezone.clone(),
            address: Some(self.address.clone()),
            online_link: Some(self.online_link.clone()),
            capacity,
            join_mode: Some(self.join_mode.clone()).filter(|m| !m.is_empty()),
        })
    }

    fn from_event(d: &EventDetail) -> EventForm {
        let tz = d.zone();
        let local = |t| {
            services::events::local_time(t, tz)
                .format("%Y-%m-%dT%H:%M")
                .to_string()
        };
        EventForm {
            title: d.post.title.clone(),
            description: d.post.body.clone(),
            starts_at: local(d.event.starts_at),
            ends_at: local(d.event.ends_at),
            timezone: d.event.timezone.clone(),
            address: d.event.address.clone().unwrap_or_default(),
            online_link: d.event.online_link.clone().unwrap_or_default(),
            capacity: d.event.capacity.map(|c| c.to_string()).unwrap_or_default(),
            join_mode: d.event.join_mode.clone(),
        }
    }
}

fn field_of(e: &crate::error::AppError) -> FieldError {
    let field = match e.code() {
        "invalid_timezone" => "timezone",
        "invalid_time" if e.to_string().contains("ends_at") || e.to_string().contains("end") => {
            "ends_at"
        }
        "invalid_time" => "starts_at",
        "missing_place" => "address",
        "invalid_url" => "online_link",
        "invalid_capacity" | "below_attendance" => "capacity",
        "invalid_join_mode" => "join_mode",
        _ => return FieldError::from_app(e, "title"),
    };
    FieldError {
        field,
        message: super::render::upper_first(&e.to_string()),
    }
}

#[expect(
    clippy::too_many_arguments,
    reason = "the page's parts, named at each call"
)]
fn page(
    state: &AppState,
    viewer: &Viewer,
    status: StatusCode,
    title: &str,
    community: CommunityView,
    action: String,
    submit: &'static str,
    form: EventForm,
    errors: Errors,
) -> Response {
    let layout = Layout::new(state, viewer, title).in_section("communities");
    let page = EventFormPage {
        layout,
        errors,
        community,
        action,
        submit,
        form,
        zones: chrono_tz::TZ_VARIANTS.iter().map(|z| z.name()).collect(),
    };
    render(state, viewer, status, &page)
}

/// `GET /c/{name}/events/new`
pub async fn new_event_form(
    State(state): State<AppState>,
    Path(name): Path<String>,
    viewer: Viewer,
) -> Result<Response, WebError> {
    let d = services::communities::get(&state, Some(viewer.member()?), &name).await?;
    let community = CommunityView::new(&d.community);
    let action = format!("{}/events/new", community.href);
    let form = EventForm {
        timezone: "Europe/London".into(),
        join_mode: "free".into(),
        ..EventForm::default()
    };
    Ok(page(
        &state,
        &viewer,
        StatusCode::OK,
        "Create an event",
        community,
        action,
        "Create event",
        form,
        Errors::default(),
    ))
}

/// `POST /c/{name}/events/new`
pub async fn submit_new_event(
    State(state): State<AppState>,
    Path(name): Path<String>,
    CheckedForm(viewer, form): CheckedForm<EventForm>,
) -> Result<Response, WebError> {
    let actor = viewer.member()?;
    let result = match form.input() {
        Ok(input) => services::events::create(&state, actor, &name, input).await,
        Err(e) => Err(e),
    };
    let e = match result {
        Ok(d) => return Ok(see_other(&format!("/events/{}", d.post.id))),
        Err(e) if e.status() == StatusCode::BAD_REQUEST => e,
        Err(e) => return Err(e.into()),
    };
    let d = services::communities::get(&state, Some(actor), &name).await?;
    let community = CommunityView::new(&d.community);
    let action = format!("{}/events/new", community.href);
    Ok(page(
        &state,
        &viewer,
        e.status(),
        "Create an event",
        community,
        action,
        "Create event",
        form,
        Errors::one(field_of(&e)),
    ))
}

/// `GET /events/{id}/edit`
pub async fn edit_event_form(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    viewer: Viewer,
) -> Result<Response, WebError> {
    let d = services::events::get(&state, Some(viewer.member()?), id).await?;
    if !d.facilitator {
        return Err(crate::error::AppError::denied(
            "not_moderator",
            "only this community's facilitators can do that",
        )
        .into());
    }
    Ok(page(
        &state,
        &viewer,
        StatusCode::OK,
        "Edit the event",
        CommunityView::new(&d.community),
        format!("/events/{id}/edit"),
        "Save changes",
        EventForm::from_event(&d),
        Errors::default(),
    ))
}

/// `POST /events/{id}/edit`
pub async fn submit_edit_event(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    CheckedForm(viewer, form): CheckedForm<EventForm>,
) -> Result<Response, WebError> {
    let actor = viewer.member()?;
    let result = match form.input() {
        Ok(input) => services::events::edit(&state, actor, id, input).await,
        Err(e) => Err(e),
    };
    let e = match result {
        Ok(_) => return Ok(see_other(&format!("/events/{id}"))),
        Err(e) if matches!(e.status(), StatusCode::BAD_REQUEST | StatusCode::CONFLICT) => e,
        Err(e) => return Err(e.into()),
    };
    let d = services::events::get(&state, Some(actor), id).await?;
    Ok(page(
        &state,
        &viewer,
        e.status(),
        "Edit the event",
        CommunityView::new(&d.community),
        format!("/events/{id}/edit"),
        "Save changes",
        form,
        Errors::one(field_of(&e)),
    ))
}
