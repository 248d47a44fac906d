//! The thread form shared by starting and editing a thread, with a server-side preview.

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
}

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
    /// `preview` to see the result, anything else to save.
    #[serde(default)]
    pub action: String,
}

impl ThreadForm {
    pub fn wants_preview(&self) -> bool {
        self.action == "preview"
    }

    pub fn input(&self) -> crate::services::posts::PostInput {
        crate::services::posts::PostInput {
            title: Some(self.title.clone()),
            body: Some(self.body.clone()),
            url: Some(Some(self.link.clone())),
            content_warning: Some(Some(self.content_warning.clone())),
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
        }
    }
}
