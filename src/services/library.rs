//! The document library: members file documents into their community's folders, upload
//! new versions while the old ones stay, and download them. Each document is a thread,
//! so its discussion, search, moderation and federation are the thread's.

use crate::db::documents::{DocumentRow, InFolder, NewVersion};
use crate::db::models::{
    DbCommunity, DbDocument, DbDocumentVersion, DbFolder, DbPerson, DbPost, NewPost,
};
use crate::db::{self, DbConn};
use crate::error::{AppError, AppResult};
use crate::federation::urls::Urls;
use crate::markdown;
use crate::pagination::{Page, PageParams, page};
use crate::services::communities::access;
use crate::services::federation::{Change, federate_post};
use crate::services::permissions::Access;
use crate::services::posts::{BODY_MAX, TITLE_MAX, require_visible};
use crate::services::{Actor, text_field};
use crate::state::AppState;

/// The longest folder name.
pub const FOLDER_NAME_MAX: usize = 100;
/// The longest file name kept.
const FILE_NAME_MAX: usize = 150;

/// A document as its viewer sees it.
#[derive(Debug, Clone)]
pub struct Document {
    pub document: DbDocument,
    /// Its thread: the title, and the description as the body.
    pub post: DbPost,
    pub current: DbDocumentVersion,
    pub uploader: DbPerson,
    pub community: DbCommunity,
    /// Whether the viewer may upload versions, move or delete it.
    pub can_manage: bool,
}

/// A file as uploaded: its name as the client gave it, and its bytes, waiting in the
/// storage's incoming directory.
#[derive(Debug)]
pub struct Upload {
    pub file_name: String,
    pub file: crate::storage::Received,
}

/// What a new document holds besides its file.
#[derive(Debug, Default)]
pub struct DocumentInput {
    pub title: String,
    pub description: String,
    pub folder_id: Option<i64>,
}

/// An upload that passed the checks and was stored, as its version records it.
struct Recorded {
    hash: String,
    media_type: &'static str,
    file_name: String,
    size: i64,
}

/// Refuses empty files, files over `limits.upload_max_bytes`, and types outside
/// `uploads.allowed_types`, judged from the bytes; stores the rest.
async fn store_upload(state: &AppState, upload: Upload) -> AppResult<Recorded> {
    let max = state.config.limits.upload_max_bytes;
    let file = upload.file;
    if file.size == 0 {
        return Err(AppError::bad_request("empty_file", "the file is empty"));
    }
    if file.size > max {
        return Err(too_large(max));
    }
    let media_type = crate::sniff::media_type_of(&file.head, file.text, &upload.file_name);
    if !state
        .config
        .uploads
        .allowed_types
        .iter()
        .any(|t| t == media_type)
    {
        return Err(AppError::Rejected {
            status: axum::http::StatusCode::UNSUPPORTED_MEDIA_TYPE,
            code: "unsupported_type",
            message: format!(
                "this file's contents are {media_type}, which this library does not accept; \
                 it takes PDF, office documents, images, CSV and plain text"
            ),
        });
    }
    let recorded = Recorded {
        hash: file.hash.clone(),
        file_name: safe_file_name(&upload.file_name, media_type),
        media_type,
        size: i64::try_from(file.size).unwrap_or(i64::MAX),
    };
    state.files.put_received(file).await?;
    Ok(recorded)
}

/// The 413 for a file over the limit, naming the limit.
pub fn too_large(max: u64) -> AppError {
    AppError::Rejected {
        status: axum::http::StatusCode::PAYLOAD_TOO_LARGE,
        code: "too_large",
        message: format!(
            "the file is larger than this instance's limit of {}",
            size_label(max)
        ),
    }
}

/// A size for people: "840 bytes", "12.5 KB", "3.1 MB".
pub fn size_label(bytes: u64) -> String {
    #[expect(clippy::cast_precision_loss, reason = "a rounded size for display")]
    let value = bytes as f64;
    if bytes < 1024 {
        format!("{bytes} bytes")
    } else if bytes < 1024 * 1024 {
        format!("{:.1} KB", value / 1024.0)
    } else {
        format!("{:.1} MB", value / (1024.0 * 1024.0))
    }
}

/// A file name safe to store and show: the last path component, without control
/// characters or quotes, cut to length, and ending in the extension of its real type.
pub fn safe_file_name(name: &str, media_type: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = base
        .chars()
        .filter(|c| !c.is_control() && !matches!(c, '"' | '\\' | '/'))
        .collect();
    let cleaned = cleaned.trim().trim_start_matches('.').trim();
    let extension = crate::sniff::extension(media_type);
    let (stem, ext) = match cleaned.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() => (stem, ext),
        _ => (cleaned, ""),
    };
    let stem = if stem.is_empty() { "file" } else { stem };
    let keep_ext = ext.eq_ignore_ascii_case(extension)
        || (extension == "jpg" && ext.eq_ignore_ascii_case("jpeg"));
    let ext = if keep_ext { ext } else { extension };
    let room = FILE_NAME_MAX.saturating_sub(ext.chars().count() + 1);
    let stem: String = stem.chars().take(room).collect();
    format!("{stem}.{ext}")
}

/// Loads a document and the viewer's standing; private communities' documents only
/// for members, and deleted or removed ones not at all (removed ones for facilitators).
fn load(conn: &mut DbConn, id: i64, viewer: Option<&Actor>) -> AppResult<(DocumentRow, Access)> {
    load_with(conn, id, |conn, community| {
        Access::load(conn, community, viewer)
    })
}

/// A readable document with its reader's standing, worked out by `standing`.
fn load_with(
    conn: &mut DbConn,
    id: i64,
    standing: impl FnOnce(&mut DbConn, DbCommunity) -> AppResult<Access>,
) -> AppResult<(DocumentRow, Access)> {
    let row = db::documents::document(conn, id)?.ok_or(AppError::NotFound("document"))?;
    let community = db::communities::by_id(conn, row.0.community_id)?;
    let access = standing(conn, community)?;
    access.require_read()?;
    require_visible(&row.1, &access)?;
    Ok((row, access))
}

fn view(row: DocumentRow, access: &Access) -> Document {
    let (document, post, current, uploader) = row;
    let can_manage = access.moderator || access.person_id == Some(document.uploader_id);
    Document {
        document,
        post,
        current,
        uploader,
        community: access.community.clone(),
        can_manage,
    }
}

fn require_manage(document: &Document) -> AppResult<()> {
    if document.can_manage {
        Ok(())
    } else {
        Err(AppError::denied(
            "not_uploader",
            "only the member who shared this document, or a facilitator, can do that",
        ))
    }
}

/// The library belongs to the community's own server.
fn require_local(community: &DbCommunity) -> AppResult<()> {
    if community.domain.is_some() {
        return Err(AppError::bad_request(
            "remote_community",
            "this community's library is on its own server",
        ));
    }
    Ok(())
}

/// A folder of this community, or a 400.
fn check_folder(conn: &mut DbConn, community_id: i64, folder_id: Option<i64>) -> AppResult<()> {
    if let Some(id) = folder_id {
        match db::documents::folder(conn, id)? {
            Some(folder) if folder.community_id == community_id => {}
            _ => {
                return Err(AppError::bad_request(
                    "invalid_folder",
                    "that folder is not in this community's library",
                ));
            }
        }
    }
    Ok(())
}

/// Shares a document: checks the file, stores its bytes, and starts its thread.
#[tracing::instrument(skip_all, fields(community = %community))]
pub async fn create(
    state: &AppState,
    actor: &Actor,
    community: &str,
    input: DocumentInput,
    upload: Upload,
) -> AppResult<Document> {
    let title = text_field("title", &input.title, 1, TITLE_MAX)?;
    let body = text_field("description", &input.description, 0, BODY_MAX)?;
    // Who may share is settled before the bytes are stored: an outsider's upload goes no
    // further than `incoming`, and is deleted from there when it is dropped.
    let (name, who) = (community.to_owned(), actor.clone());
    state
        .db
        .read(move |conn| {
            let access = access(conn, &name, Some(&who))?;
            require_local(&access.community)?;
            access.require_start_thread()
        })
        .await?;
    let file = store_upload(state, upload).await?;
    let (community, actor) = (community.to_owned(), actor.clone());
    let urls = Urls::new(&state.config);
    let body_html = markdown::render(&body);
    state
        .write_and_deliver(move |conn| {
            let access = access(conn, &community, Some(&actor))?;
            require_local(&access.community)?;
            access.require_start_thread()?;
            check_folder(conn, access.community.id, input.folder_id)?;
            let post_id = db::content::insert_post(
                conn,
                &NewPost {
                    community_id: access.community.id,
                    author_id: actor.person_id,
                    ap_id: None,
                    title: &title,
                    url: None,
                    body: &body,
                    body_html: &body_html,
                    content_warning: None,
                    created_at: db::now(),
                },
            )?;
            let id = db::documents::insert_document(
                conn,
                access.community.id,
                post_id,
                input.folder_id,
                actor.person_id,
            )?;
            db::documents::add_version(
                conn,
                id,
                &NewVersion {
                    content_hash: &file.hash,
                    size_bytes: file.size,
                    media_type: file.media_type,
                    file_name: &file.file_name,
                    uploader_id: actor.person_id,
                },
            )?;
            federate_post(conn, &urls, post_id, Change::Create)?;
            let (row, access) = load(conn, id, Some(&actor))?;
            Ok(view(row, &access))
        })
        .await
}

/// Uploads a new version of a document; the earlier versions stay downloadable.
#[tracing::instrument(skip_all, fields(document = id))]
pub async fn add_version(
    state: &AppState,
    actor: &Actor,
    id: i64,
    upload: Upload,
) -> AppResult<Document> {
    let who = actor.clone();
    state
        .db
        .read(move |conn| {
            let (row, access) = load(conn, id, Some(&who))?;
            require_manage(&view(row, &access))
        })
        .await?;
    let file = store_upload(state, upload).await?;
    let actor = actor.clone();
    let urls = Urls::new(&state.config);
    state
        .write_and_deliver(move |conn| {
            let (row, access) = load(conn, id, Some(&actor))?;
            let document = view(row, &access);
            require_manage(&document)?;
            db::documents::add_version(
                conn,
                id,
                &NewVersion {
                    content_hash: &file.hash,
                    size_bytes: file.size,
                    media_type: file.media_type,
                    file_name: &file.file_name,
                    uploader_id: actor.person_id,
                },
            )?;
            // The thread changes with its attachment, so peers hear of the new version.
            db::content::update_post(
                conn,
                document.post.id,
                &db::content::PostChanges {
                    updated_at: Some(db::now()),
                    ..Default::default()
                },
            )?;
            federate_post(conn, &urls, document.post.id, Change::Update)?;
            let (row, access) = load(conn, id, Some(&actor))?;
            Ok(view(row, &access))
        })
        .await
}

pub async fn get(state: &AppState, viewer: Option<&Actor>, id: i64) -> AppResult<Document> {
    let viewer = viewer.cloned();
    state
        .db
        .read(move |conn| {
            let (row, access) = load(conn, id, viewer.as_ref())?;
            Ok(view(row, &access))
        })
        .await
}

/// The document a thread carries, if it is one the viewer may see.
pub async fn for_post(
    state: &AppState,
    viewer: Option<&Actor>,
    post_id: i64,
) -> AppResult<Option<Document>> {
    let viewer = viewer.cloned();
    state
        .db
        .read(move |conn| {
            let Some(row) = db::documents::by_post(conn, post_id)? else {
                return Ok(None);
            };
            let (row, access) = load(conn, row.0.id, viewer.as_ref())?;
            Ok(Some(view(row, &access)))
        })
        .await
}

/// Every version of a document, newest first.
pub async fn versions(
    state: &AppState,
    viewer: Option<&Actor>,
    id: i64,
) -> AppResult<(Document, Vec<DbDocumentVersion>)> {
    let viewer = viewer.cloned();
    state
        .db
        .read(move |conn| {
            let (row, access) = load(conn, id, viewer.as_ref())?;
            let versions = db::documents::versions(conn, id)?;
            Ok((view(row, &access), versions))
        })
        .await
}

/// Who downloads a file.
pub enum Reader {
    /// One of our members, or a visitor.
    Member(Option<Actor>),
    /// Whoever signed the request. A person of another server reads as themselves (a
    /// private community's file needs them to be an accepted member); any other signer
    /// (a server's own actor, say) reads as a visitor. See `services::remote_files` for
    /// the other side.
    Signer(url::Url),
}

/// A version's record and its bytes, for a reader who may read the community; with
/// `community`, only if the document is in the community of that name.
pub async fn download(
    state: &AppState,
    reader: Reader,
    community: Option<&str>,
    id: i64,
    version: i32,
) -> AppResult<(DbDocumentVersion, axum::body::Body)> {
    let community = community.map(str::to_owned);
    let found = state
        .db
        .read(move |conn| {
            let person = match &reader {
                Reader::Signer(signer) => db::federation::person_by_ap_id(conn, signer.as_str())?,
                Reader::Member(_) => None,
            };
            let (_, access) = load_with(conn, id, |conn, found| match (&reader, person) {
                (Reader::Member(viewer), _) => Access::load(conn, found, viewer.as_ref()),
                (Reader::Signer(_), Some(person)) => Access::for_person(conn, found, person.id),
                (Reader::Signer(_), None) => Access::load(conn, found, None),
            })?;
            if community.is_some_and(|name| name != access.community.name) {
                return Err(AppError::NotFound("document"));
            }
            db::documents::version(conn, id, version)?.ok_or(AppError::NotFound("version"))
        })
        .await?;
    let body = state.files.get(&found.content_hash).await?;
    Ok((found, body))
}

/// A community's library: its folders, and a page of its documents (in one folder, in
/// none, or all).
pub async fn list(
    state: &AppState,
    viewer: Option<&Actor>,
    community: &str,
    folder: InFolder,
    params: PageParams,
) -> AppResult<(Vec<DbFolder>, Page<Document>)> {
    let limit = params.limit()?;
    let before = params.key::<1>()?.map(|[id]| id);
    let (community, viewer) = (community.to_owned(), viewer.cloned());
    let (folders, rows) = state
        .db
        .read(move |conn| {
            let access = access(conn, &community, viewer.as_ref())?;
            access.require_read()?;
            if let InFolder::Folder(id) = folder {
                check_folder(conn, access.community.id, Some(id))?;
            }
            let folders = db::documents::folders(conn, access.community.id)?;
            let rows = db::documents::list(conn, access.community.id, folder, before, limit + 1)?;
            let documents: Vec<Document> = rows.into_iter().map(|r| view(r, &access)).collect();
            Ok((folders, documents))
        })
        .await?;
    Ok((folders, page(rows, limit, |d| [d.document.id])))
}

/// A community library's folders, by name.
pub async fn folders(
    state: &AppState,
    viewer: Option<&Actor>,
    community: &str,
) -> AppResult<Vec<DbFolder>> {
    let (community, viewer) = (community.to_owned(), viewer.cloned());
    state
        .db
        .read(move |conn| {
            let access = access(conn, &community, viewer.as_ref())?;
            access.require_read()?;
            db::documents::folders(conn, access.community.id)
        })
        .await
}

/// Adds a folder, at the top of the library or inside another; anyone who may share
/// documents may file them.
pub async fn create_folder(
    state: &AppState,
    actor: &Actor,
    community: &str,
    name: &str,
    parent_id: Option<i64>,
) -> AppResult<DbFolder> {
    let name = text_field("folder name", name, 1, FOLDER_NAME_MAX)?;
    let (community, actor) = (community.to_owned(), actor.clone());
    state
        .db
        .write(move |conn| {
            let access = access(conn, &community, Some(&actor))?;
            require_local(&access.community)?;
            access.require_start_thread()?;
            check_folder(conn, access.community.id, parent_id)?;
            let taken = db::documents::folders(conn, access.community.id)?
                .iter()
                .any(|f| f.parent_id == parent_id && f.name.eq_ignore_ascii_case(&name));
            if taken {
                return Err(AppError::conflict_code(
                    "folder_exists",
                    "a folder with that name is already there",
                ));
            }
            let id = db::documents::insert_folder(conn, access.community.id, parent_id, &name)?;
            db::documents::folder(conn, id)?.ok_or(AppError::NotFound("folder"))
        })
        .await
}

/// Files a document in a folder, or in none.
pub async fn move_to(
    state: &AppState,
    actor: &Actor,
    id: i64,
    folder_id: Option<i64>,
) -> AppResult<Document> {
    let actor = actor.clone();
    state
        .db
        .write(move |conn| {
            let (row, access) = load(conn, id, Some(&actor))?;
            require_manage(&view(row, &access))?;
            check_folder(conn, access.community.id, folder_id)?;
            db::documents::set_folder(conn, id, folder_id)?;
            let (row, access) = load(conn, id, Some(&actor))?;
            Ok(view(row, &access))
        })
        .await
}

/// Takes a document out of the library: its sharer deletes its thread; a facilitator
/// removes it, as they would any thread, and the moderation log says so.
pub async fn delete(state: &AppState, actor: &Actor, id: i64) -> AppResult<()> {
    let document = get(state, Some(actor), id).await?;
    require_manage(&document)?;
    if document.post.author_id == actor.person_id {
        crate::services::posts::delete(state, actor, document.post.id).await
    } else {
        crate::services::posts::moderate(
            state,
            actor,
            document.post.id,
            crate::services::posts::ModAction::Remove(true),
            Some("document taken out of the library".into()),
        )
        .await
        .map(|_| ())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_lose_paths_and_quotes_and_take_their_real_extension() {
        assert_eq!(
            safe_file_name("../../etc/passwd", "text/plain"),
            "passwd.txt"
        );
        assert_eq!(
            safe_file_name("C:\\Users\\a\\Budget 2026.PDF", "application/pdf"),
            "Budget 2026.PDF"
        );
        assert_eq!(safe_file_name("evil\".exe", "application/pdf"), "evil.pdf");
        assert_eq!(safe_file_name("", "image/png"), "file.png");
        assert_eq!(safe_file_name(".htaccess", "text/plain"), "htaccess.txt");
        assert_eq!(safe_file_name("photo.jpeg", "image/jpeg"), "photo.jpeg");
        assert!(safe_file_name(&"a".repeat(500), "text/csv").chars().count() <= FILE_NAME_MAX);
    }

    #[test]
    fn sizes_read_as_people_say_them() {
        assert_eq!(size_label(840), "840 bytes");
        assert_eq!(size_label(12_800), "12.5 KB");
        assert_eq!(size_label(25 * 1024 * 1024), "25.0 MB");
    }
}

/// What pruning the file store found and did.
#[derive(Debug, Default, Clone, Copy)]
pub struct PruneReport {
    /// Files in the store.
    pub files: usize,
    /// Files no live document version holds, deleted (or, on a dry run, to delete).
    pub unused: usize,
    pub unused_bytes: u64,
    /// Unused files left because they were written within the grace period: an upload
    /// may be about to record them.
    pub recent: usize,
}

/// Deletes stored files that no document version refers to any more: those of deleted
/// documents (and of deleted accounts' documents), and any left by an upload whose
/// database write failed. Files written within `grace` are kept.
#[tracing::instrument(skip(state))]
pub async fn prune_files(
    state: &AppState,
    grace: chrono::TimeDelta,
    dry_run: bool,
) -> AppResult<PruneReport> {
    let cutoff = chrono::Utc::now() - grace;
    let mut report = PruneReport::default();
    if !dry_run {
        state.files.clear_stale_incoming().await;
    }
    for file in state.files.list().await? {
        report.files += 1;
        let hash = file.hash.clone();
        // One file at a time, each checked just before it goes, so that an upload of the
        // same bytes meanwhile keeps it.
        if state
            .db
            .read(move |conn| db::documents::hash_in_use(conn, &hash))
            .await?
        {
            continue;
        }
        if file.written_at > cutoff {
            report.recent += 1;
            continue;
        }
        if dry_run || state.files.remove_if_older(&file.hash, cutoff).await? {
            report.unused += 1;
            report.unused_bytes += file.size;
            tracing::info!(hash = %file.hash, size = file.size, dry_run, "unused file pruned");
        }
    }
    Ok(report)
}
