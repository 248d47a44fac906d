//! A community's library in the browser: its folders and documents, sharing a document,
//! a document's page with its versions, and filing, replacing and taking documents out.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{StatusCode, Uri};
use axum::response::Response;
use serde::Deserialize;

use super::render::{Layout, WebError, render, see_other, upper_first};
use super::session::{CheckedForm, Viewer};
use super::views::{CommunityView, Errors, FieldError, PersonView, Time, query};
use crate::api::extract::{ApiMultipart, UploadForm, read_upload};
use crate::db::documents::InFolder;
use crate::db::models::{DbDocumentVersion, DbFolder};
use crate::error::AppError;
use crate::pagination::PageParams;
use crate::services;
use crate::services::library::{Document, size_label};
use crate::state::AppState;

/// A folder as a page lists it.
struct FolderItem {
    id: i64,
    name: String,
    selected: bool,
}

/// A version as a page shows it.
struct VersionItem {
    version: i32,
    kind: &'static str,
    size: String,
    file_name: String,
    created: Time,
    href: String,
}

impl VersionItem {
    fn new(community: &str, v: &DbDocumentVersion) -> VersionItem {
        VersionItem {
            version: v.version,
            kind: crate::sniff::label(&v.media_type),
            size: size_label(u64::try_from(v.size_bytes).unwrap_or_default()),
            file_name: v.file_name.clone(),
            created: Time::new(v.created_at),
            href: format!("/c/{community}/files/{}/v/{}", v.document_id, v.version),
        }
    }
}

/// A document as the library lists it.
struct DocumentItem {
    href: String,
    title: String,
    current: VersionItem,
    uploader: PersonView,
}

impl DocumentItem {
    fn new(d: &Document) -> DocumentItem {
        DocumentItem {
            href: format!("/c/{}/library/{}", d.community.name, d.document.id),
            title: d.post.title.clone(),
            current: VersionItem::new(&d.community.name, &d.current),
            uploader: PersonView::new(&d.uploader),
        }
    }
}

fn folder_items(folders: &[DbFolder], selected: Option<i64>) -> Vec<FolderItem> {
    folders
        .iter()
        .map(|f| FolderItem {
            id: f.id,
            name: f.name.clone(),
            selected: Some(f.id) == selected,
        })
        .collect()
}

#[derive(Template)]
#[template(path = "library.html")]
struct LibraryPage {
    layout: Layout,
    community: CommunityView,
    folders: Vec<FolderItem>,
    /// The folder shown, if one is.
    folder: Option<String>,
    documents: Vec<DocumentItem>,
    next: Option<String>,
    can_share: bool,
    errors: Errors,
    folder_name: String,
}

#[derive(Deserialize, Default)]
struct LibraryQuery {
    folder: Option<i64>,
    cursor: Option<String>,
}

/// `GET /c/{name}/library`
pub async fn show_library(
    State(state): State<AppState>,
    Path(name): Path<String>,
    viewer: Viewer,
    uri: Uri,
) -> Result<Response, WebError> {
    let q: LibraryQuery = query(&uri);
    library_page(
        &state,
        &viewer,
        &name,
        q,
        StatusCode::OK,
        Errors::default(),
        String::new(),
    )
    .await
}

async fn library_page(
    state: &AppState,
    viewer: &Viewer,
    name: &str,
    q: LibraryQuery,
    status: StatusCode,
    errors: Errors,
    folder_name: String,
) -> Result<Response, WebError> {
    let actor = viewer.actor.as_ref();
    let d = services::communities::get(state, actor, name).await?;
    let folder = q.folder.map_or(InFolder::Any, InFolder::Folder);
    let params = PageParams {
        cursor: q.cursor,
        limit: None,
    };
    let (folders, page) = services::library::list(state, actor, name, folder, params).await?;
    let shown = q
        .folder
        .and_then(|id| folders.iter().find(|f| f.id == id))
        .map(|f| f.name.clone());
    let title = match &shown {
        Some(folder) => format!("{folder}: library of {}", d.community.title),
        None => format!("Library of {}", d.community.title),
    };
    let layout = Layout::new(state, viewer, title).in_section("communities");
    let page = LibraryPage {
        layout,
        community: CommunityView::new(&d.community),
        folders: folder_items(&folders, q.folder),
        folder: shown,
        documents: page.items.iter().map(DocumentItem::new).collect(),
        next: page.next_cursor,
        can_share: actor.is_some() && d.community.domain.is_none(),
        errors,
        folder_name,
    };
    Ok(render(state, viewer, status, &page))
}

#[derive(Deserialize)]
pub struct FolderForm {
    folder_name: String,
}

/// `POST /c/{name}/library/folders`
pub async fn create_folder(
    State(state): State<AppState>,
    Path(name): Path<String>,
    CheckedForm(viewer, form): CheckedForm<FolderForm>,
) -> Result<Response, WebError> {
    let actor = viewer.member()?;
    match services::library::create_folder(&state, actor, &name, &form.folder_name, None).await {
        Ok(folder) => Ok(see_other(&format!(
            "/c/{name}/library?folder={}",
            folder.id
        ))),
        Err(e) if matches!(e.status(), StatusCode::BAD_REQUEST | StatusCode::CONFLICT) => {
            let errors = Errors::one(FieldError {
                field: "folder_name",
                message: upper_first(&e.to_string()),
            });
            library_page(
                &state,
                &viewer,
                &name,
                LibraryQuery::default(),
                e.status(),
                errors,
                form.folder_name,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "library_upload.html")]
struct UploadPage {
    layout: Layout,
    community: CommunityView,
    folders: Vec<FolderItem>,
    errors: Errors,
    title: String,
    description: String,
    /// The file field's hint, with the size limit.
    max_size: String,
    action: String,
}

/// `GET /c/{name}/library/upload`
pub async fn upload_form(
    State(state): State<AppState>,
    Path(name): Path<String>,
    viewer: Viewer,
    uri: Uri,
) -> Result<Response, WebError> {
    viewer.member()?;
    let q: LibraryQuery = query(&uri);
    upload_page(
        &state,
        &viewer,
        &name,
        StatusCode::OK,
        Errors::default(),
        UploadForm::default(),
        q.folder,
    )
    .await
}

async fn upload_page(
    state: &AppState,
    viewer: &Viewer,
    name: &str,
    status: StatusCode,
    errors: Errors,
    form: UploadForm,
    folder: Option<i64>,
) -> Result<Response, WebError> {
    let actor = viewer.actor.as_ref();
    let d = services::communities::get(state, actor, name).await?;
    let folders = services::library::folders(state, actor, name).await?;
    let community = CommunityView::new(&d.community);
    let page = UploadPage {
        layout: Layout::new(state, viewer, "Share a document").in_section("communities"),
        action: format!("{}/library/upload", community.href),
        community,
        folders: folder_items(&folders, folder),
        errors,
        title: form.text("title").unwrap_or_default().to_owned(),
        description: form.text("description").unwrap_or_default().to_owned(),
        max_size: format!(
            "PDF, Word, Excel, PowerPoint, OpenDocument, PNG, JPEG, GIF, WebP, CSV or plain text, up to {}.",
            size_label(state.config.limits.upload_max_bytes)
        ),
    };
    Ok(render(state, viewer, status, &page))
}

/// Reads a posted upload form after checking its CSRF token.
async fn read_checked(
    state: &AppState,
    viewer: &Viewer,
    multipart: ApiMultipart,
) -> Result<Result<UploadForm, AppError>, WebError> {
    let form = match read_upload(multipart, state).await {
        Ok(form) => form,
        // The file was refused before the token was reached: say so on the form.
        Err(e) => return Ok(Err(e)),
    };
    if !viewer.accepts(
        form.fields
            .get("csrf")
            .map(String::as_str)
            .unwrap_or_default(),
    ) {
        return Err(WebError::Csrf);
    }
    Ok(Ok(form))
}

/// Which field of the upload form an error is about.
fn upload_error(e: &AppError) -> Errors {
    let field = match e.code() {
        "too_large" | "unsupported_type" | "empty_file" | "missing_file" | "invalid_multipart"
        | "payload_too_large" => "file",
        "invalid_folder" => "folder_id",
        _ if e.to_string().starts_with("description") => "description",
        _ => "title",
    };
    Errors::one(FieldError {
        field,
        message: upper_first(&e.to_string()),
    })
}

/// A refusal the member can fix on the form, rather than an error page.
fn fixable(e: &AppError) -> bool {
    matches!(
        e.status(),
        StatusCode::BAD_REQUEST
            | StatusCode::PAYLOAD_TOO_LARGE
            | StatusCode::UNSUPPORTED_MEDIA_TYPE
    )
}

/// `POST /c/{name}/library/upload`
pub async fn submit_upload(
    State(state): State<AppState>,
    Path(name): Path<String>,
    viewer: Viewer,
    multipart: ApiMultipart,
) -> Result<Response, WebError> {
    let actor = viewer.member()?.clone();
    let mut form = match read_checked(&state, &viewer, multipart).await? {
        Ok(form) => form,
        Err(e) if fixable(&e) => {
            return upload_page(
                &state,
                &viewer,
                &name,
                e.status(),
                upload_error(&e),
                UploadForm::default(),
                None,
            )
            .await;
        }
        Err(e) => return Err(e.into()),
    };
    let folder = crate::api::documents::folder_field(form.text("folder_id"));
    let result = match (form.take_file(), folder) {
        (Ok(file), Ok(folder_id)) => {
            let input = services::library::DocumentInput {
                title: form.text("title").unwrap_or_default().to_owned(),
                description: form.text("description").unwrap_or_default().to_owned(),
                folder_id,
            };
            services::library::create(&state, &actor, &name, input, file).await
        }
        (Err(e), _) | (_, Err(e)) => Err(e),
    };
    match result {
        Ok(d) => Ok(see_other(&format!("/c/{name}/library/{}", d.document.id))),
        Err(e) if fixable(&e) => {
            let folder = form.text("folder_id").and_then(|f| f.parse().ok());
            upload_page(
                &state,
                &viewer,
                &name,
                e.status(),
                upload_error(&e),
                form,
                folder,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "library_document.html")]
struct DocumentPage {
    layout: Layout,
    community: CommunityView,
    href: String,
    description_html: String,
    uploader: PersonView,
    thread: String,
    folder: Option<String>,
    folders: Vec<FolderItem>,
    current: VersionItem,
    versions: Vec<VersionItem>,
    can_manage: bool,
    errors: Errors,
    /// The file field's hint, with the size limit.
    max_size: String,
}

/// `GET /c/{name}/library/{id}`
pub async fn show_document(
    State(state): State<AppState>,
    Path((name, id)): Path<(String, i64)>,
    viewer: Viewer,
) -> Result<Response, WebError> {
    document_page(
        &state,
        &viewer,
        &name,
        id,
        StatusCode::OK,
        Errors::default(),
    )
    .await
}

async fn document_page(
    state: &AppState,
    viewer: &Viewer,
    name: &str,
    id: i64,
    status: StatusCode,
    errors: Errors,
) -> Result<Response, WebError> {
    let actor = viewer.actor.as_ref();
    let (d, versions) = services::library::versions(state, actor, id).await?;
    if d.community.name != name || d.community.domain.is_some() {
        return Err(WebError::NotFound);
    }
    let folders = services::library::folders(state, actor, name).await?;
    let folder = d
        .document
        .folder_id
        .and_then(|id| folders.iter().find(|f| f.id == id))
        .map(|f| f.name.clone());
    let page = DocumentPage {
        layout: Layout::new(state, viewer, d.post.title.clone()).in_section("communities"),
        community: CommunityView::new(&d.community),
        href: format!("/c/{name}/library/{id}"),
        description_html: d.post.body_html.clone(),
        uploader: PersonView::new(&d.uploader),
        thread: format!("/post/{}", d.post.id),
        folder,
        folders: folder_items(&folders, d.document.folder_id),
        current: VersionItem::new(name, &d.current),
        versions: versions.iter().map(|v| VersionItem::new(name, v)).collect(),
        can_manage: d.can_manage,
        errors,
        max_size: format!(
            "It becomes the current version; earlier versions stay. Up to {}.",
            size_label(state.config.limits.upload_max_bytes)
        ),
    };
    Ok(render(state, viewer, status, &page))
}

/// `POST /c/{name}/library/{id}/versions`
pub async fn submit_version(
    State(state): State<AppState>,
    Path((name, id)): Path<(String, i64)>,
    viewer: Viewer,
    multipart: ApiMultipart,
) -> Result<Response, WebError> {
    let actor = viewer.member()?.clone();
    let result = match read_checked(&state, &viewer, multipart).await? {
        Ok(mut form) => match form.take_file() {
            Ok(file) => services::library::add_version(&state, &actor, id, file)
                .await
                .map(|_| ()),
            Err(e) => Err(e),
        },
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => Ok(see_other(&format!("/c/{name}/library/{id}"))),
        Err(e) if fixable(&e) => {
            document_page(&state, &viewer, &name, id, e.status(), upload_error(&e)).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub struct MoveForm {
    folder_id: String,
}

/// `POST /c/{name}/library/{id}/move`
pub async fn move_document(
    State(state): State<AppState>,
    Path((name, id)): Path<(String, i64)>,
    CheckedForm(viewer, form): CheckedForm<MoveForm>,
) -> Result<Response, WebError> {
    let folder = crate::api::documents::folder_field(
        Some(form.folder_id.as_str()).filter(|f| !f.is_empty()),
    )?;
    services::library::move_to(&state, viewer.member()?, id, folder).await?;
    Ok(see_other(&format!("/c/{name}/library/{id}")))
}

/// `POST /c/{name}/library/{id}/delete`
pub async fn delete_document(
    State(state): State<AppState>,
    Path((name, id)): Path<(String, i64)>,
    CheckedForm(viewer, super::log_out::NoFields {}): CheckedForm<super::log_out::NoFields>,
) -> Result<Response, WebError> {
    services::library::delete(&state, viewer.member()?, id).await?;
    Ok(see_other(&format!("/c/{name}/library")))
}
