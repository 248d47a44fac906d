//! The thread form shared by starting and editing a thread, with a server-side preview.

use std::collections::HashMap;

use askama::Template;
use serde::Deserialize;

use super::render::Layout;
use super::views::{CommunityView, Errors};

#[derive(Template)]
#[template(path = "compose.html")]
pub struct ComposePage {
    pub layout: Layout,
    pub errors: Errors,
    pub community: CommunityView,
    pub action: String,
    pub submit: &'static str,
    pub title: String,
    pub body: String,
    pub link: String,
    pub content_warning: String,
    /// The body rendered (and sanitised) by the same Markdown code that stores it.
    pub preview: Option<String>,
    /// The poll section, on new threads only.
    pub poll: Option<PollFields>,
}

/// A new thread's optional poll, as the form holds it.
pub struct PollFields {
    /// The option fields shown, filled or not.
    pub options: Vec<OptionField>,
    pub multiple: bool,
    pub closes_at: String,
    /// Whether another option field may be added.
    pub can_add: bool,
}

/// One poll option's field: its name (and id), its label and what it holds.
pub struct OptionField {
    pub field: String,
    pub label: String,
    pub value: String,
}

/// How many option fields a new form shows; more are added one at a time.
const OPTION_FIELDS: usize = 4;

#[derive(Deserialize, Default)]
pub struct ThreadForm {
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub body: String,
    #[serde(default)]
    pub link: String,
    #[serde(default)]
    pub content_warning: String,
    /// `preview` to see the result, `add_option` for one more poll option, anything
    /// else to save.
    #[serde(default)]
    pub action: String,
    /// `yes` for a poll that takes several choices.
    #[serde(default)]
    pub poll_multiple: String,
    /// The closing time, as a `datetime-local` field sends it, in UTC.
    #[serde(default)]
    pub poll_closes_at: String,
    /// The poll's options (`poll_option_0`, `poll_option_1`, …) and anything else.
    #[serde(flatten)]
    pub fields: HashMap<String, String>,
}

impl ThreadForm {
    /// Whether the form is to be shown again rather than saved.
    pub fn wants_preview(&self) -> bool {
        matches!(self.action.as_str(), "preview" | "add_option")
    }

    /// The poll option fields as sent, in order, empty ones included.
    fn poll_options(&self) -> Vec<String> {
        let mut options: Vec<(usize, String)> = self
            .fields
            .iter()
            .filter_map(|(k, v)| {
                let n = k.strip_prefix("poll_option_")?.parse().ok()?;
                Some((n, v.clone()))
            })
            .filter(|(n, _)| *n < crate::services::polls::OPTIONS_MAX)
            .collect();
        options.sort();
        options.into_iter().map(|(_, v)| v).collect()
    }

    /// What the service is asked to create. A poll is asked for when any option is
    /// filled in; a closing time the form cannot read is reported.
    pub fn input(&self) -> Result<crate::services::posts::PostInput, crate::error::AppError> {
        let options = self.poll_options();
        let poll = if options.iter().any(|o| !o.trim().is_empty()) {
            Some(crate::services::polls::PollInput {
                options,
                multiple: self.poll_multiple == "yes",
                closes_at: parse_local_time(&self.poll_closes_at)?,
            })
        } else {
            None
        };
        Ok(crate::services::posts::PostInput {
            title: Some(self.title.clone()),
            body: Some(self.body.clone()),
            url: Some(Some(self.link.clone())),
            content_warning: Some(Some(self.content_warning.clone())),
            poll,
        })
    }

    /// The poll section to show again, with one more option field if asked.
    pub fn poll_fields(&self) -> PollFields {
        let mut options = self.poll_options();
        let max = crate::services::polls::OPTIONS_MAX;
        let shown = options.len().max(OPTION_FIELDS);
        let wanted = if self.action == "add_option" {
            shown + 1
        } else {
            shown
        };
        while options.len() < wanted.min(max) {
            options.push(String::new());
        }
        PollFields {
            can_add: options.len() < max,
            options: options
                .into_iter()
                .enumerate()
                .map(|(i, value)| OptionField {
                    field: format!("poll_option_{i}"),
                    label: format!("Option {}", i + 1),
                    value,
                })
                .collect(),
            multiple: self.poll_multiple == "yes",
            closes_at: self.poll_closes_at.clone(),
        }
    }

    pub fn into_page(
        self,
        layout: Layout,
        community: CommunityView,
        action: String,
        submit: &'static str,
        errors: Errors,
    ) -> ComposePage {
        let preview = self
            .wants_preview()
            .then(|| crate::markdown::render(&self.body));
        ComposePage {
            layout,
            errors,
            community,
            action,
            submit,
            title: self.title,
            body: self.body,
            link: self.link,
            content_warning: self.content_warning,
            preview,
            poll: None,
        }
    }
}

/// A `datetime-local` value (`2026-12-01T17:30`, seconds optional), taken as UTC.
fn parse_local_time(
    value: &str,
) -> Result<Option<chrono::DateTime<chrono::Utc>>, crate::error::AppError> {
    let value = value.trim();
    if value.is_empty() {
        return Ok(None);
    }
    ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]
        .iter()
        .find_map(|f| chrono::NaiveDateTime::parse_from_str(value, f).ok())
        .map(|t| Some(t.and_utc()))
        .ok_or_else(|| {
            crate::error::AppError::bad_request(
                "invalid_closing_time",
                "enter the closing time as a date and time, for example 2026-12-01T17:30",
            )
        })
}
