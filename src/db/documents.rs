//! Queries about the document library: folders, documents and their versions.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::models::{DbDocument, DbDocumentVersion, DbFolder, DbPerson, DbPost};
use super::schema::*;
use super::{DbConn, last_insert_id, now};
use crate::error::AppResult;

/// A document with its thread, its current version and who uploaded it.
pub type DocumentRow = (DbDocument, DbPost, DbDocumentVersion, DbPerson);

pub fn insert_folder(
    conn: &mut DbConn,
    community_id: i64,
    parent_id: Option<i64>,
    name: &str,
) -> AppResult<i64> {
    diesel::insert_into(document_folders::table)
        .values((
            document_folders::community_id.eq(community_id),
            document_folders::parent_id.eq(parent_id),
            document_folders::name.eq(name),
            document_folders::created_at.eq(now()),
        ))
        .execute(conn)?;
    last_insert_id(conn)
}

pub fn folder(conn: &mut DbConn, id: i64) -> AppResult<Option<DbFolder>> {
    Ok(document_folders::table
        .find(id)
        .select(DbFolder::as_select())
        .first(conn)
        .optional()?)
}

/// Every folder of a community, by name: libraries have tens of folders, not thousands.
pub fn folders(conn: &mut DbConn, community_id: i64) -> AppResult<Vec<DbFolder>> {
    Ok(document_folders::table
        .filter(document_folders::community_id.eq(community_id))
        .order((document_folders::name.asc(), document_folders::id.asc()))
        .limit(1000)
        .select(DbFolder::as_select())
        .load(conn)?)
}

/// Records a new document and its first version.
pub fn insert_document(
    conn: &mut DbConn,
    community_id: i64,
    post_id: i64,
    folder_id: Option<i64>,
    uploader_id: i64,
) -> AppResult<i64> {
    let at = now();
    diesel::insert_into(documents::table)
        .values((
            documents::community_id.eq(community_id),
            documents::post_id.eq(post_id),
            documents::folder_id.eq(folder_id),
            documents::current_version.eq(0),
            documents::uploader_id.eq(uploader_id),
            documents::created_at.eq(at),
            documents::updated_at.eq(at),
        ))
        .execute(conn)?;
    last_insert_id(conn)
}

/// What one stored version is.
#[derive(Debug, Clone)]
pub struct NewVersion<'a> {
    pub content_hash: &'a str,
    pub size_bytes: i64,
    pub media_type: &'a str,
    pub file_name: &'a str,
    pub uploader_id: i64,
}

/// Adds the next version of a document and makes it the current one; returns its number.
pub fn add_version(conn: &mut DbConn, document_id: i64, new: &NewVersion) -> AppResult<i32> {
    // Updating the document first locks its row, so two uploads at once number in turn.
    let at: NaiveDateTime = now();
    diesel::update(documents::table.find(document_id))
        .set((
            documents::current_version.eq(documents::current_version + 1),
            documents::updated_at.eq(at),
        ))
        .execute(conn)?;
    let version: i32 = documents::table
        .find(document_id)
        .select(documents::current_version)
        .first(conn)?;
    diesel::insert_into(document_versions::table)
        .values((
            document_versions::document_id.eq(document_id),
            document_versions::version.eq(version),
            document_versions::content_hash.eq(new.content_hash),
            document_versions::size_bytes.eq(new.size_bytes),
            document_versions::media_type.eq(new.media_type),
            document_versions::file_name.eq(new.file_name),
            document_versions::uploader_id.eq(new.uploader_id),
            document_versions::created_at.eq(at),
        ))
        .execute(conn)?;
    Ok(version)
}

pub fn set_folder(conn: &mut DbConn, document_id: i64, folder_id: Option<i64>) -> AppResult<()> {
    diesel::update(documents::table.find(document_id))
        .set(documents::folder_id.eq(folder_id))
        .execute(conn)?;
    Ok(())
}

pub fn document(conn: &mut DbConn, id: i64) -> AppResult<Option<DocumentRow>> {
    Ok(with_current()
        .filter(documents::id.eq(id))
        .select(<DocumentRow as SelectableHelper<_>>::as_select())
        .first(conn)
        .optional()?)
}

/// The document a thread carries, with its current version, if it is one.
pub fn by_post(conn: &mut DbConn, post_id: i64) -> AppResult<Option<DocumentRow>> {
    Ok(with_current()
        .filter(documents::post_id.eq(post_id))
        .select(<DocumentRow as SelectableHelper<_>>::as_select())
        .first(conn)
        .optional()?)
}

/// The current versions of the documents among these threads, as (thread, version).
pub fn current_of_posts(
    conn: &mut DbConn,
    post_ids: &[i64],
) -> AppResult<Vec<(i64, DbDocumentVersion)>> {
    Ok(documents::table
        .inner_join(
            document_versions::table.on(document_versions::document_id
                .eq(documents::id)
                .and(document_versions::version.eq(documents::current_version))),
        )
        .filter(documents::post_id.eq_any(post_ids))
        .select((documents::post_id, DbDocumentVersion::as_select()))
        .load(conn)?)
}

#[diesel::dsl::auto_type]
fn with_current() -> _ {
    documents::table
        .inner_join(posts::table)
        .inner_join(persons::table.on(persons::id.eq(documents::uploader_id)))
        .inner_join(
            document_versions::table.on(document_versions::document_id
                .eq(documents::id)
                .and(document_versions::version.eq(documents::current_version))),
        )
}

/// Which documents of a community to list.
#[derive(Debug, Clone, Copy)]
pub enum InFolder {
    Any,
    /// Only those filed in no folder.
    Top,
    Folder(i64),
}

/// A page of a community's visible documents, newest first, before the id `before`.
pub fn list(
    conn: &mut DbConn,
    community_id: i64,
    folder: InFolder,
    before: Option<i64>,
    limit: i64,
) -> AppResult<Vec<DocumentRow>> {
    let mut query = with_current()
        .filter(documents::community_id.eq(community_id))
        .filter(posts::deleted.eq(false))
        .filter(posts::removed.eq(false))
        .into_boxed();
    query = match folder {
        InFolder::Any => query,
        InFolder::Top => query.filter(documents::folder_id.is_null()),
        InFolder::Folder(id) => query.filter(documents::folder_id.eq(id)),
    };
    if let Some(before) = before {
        query = query.filter(documents::id.lt(before));
    }
    Ok(query
        .order(documents::id.desc())
        .limit(limit)
        .select(<DocumentRow as SelectableHelper<_>>::as_select())
        .load(conn)?)
}

/// Every version of a document, newest first.
pub fn versions(conn: &mut DbConn, document_id: i64) -> AppResult<Vec<DbDocumentVersion>> {
    Ok(document_versions::table
        .filter(document_versions::document_id.eq(document_id))
        .order(document_versions::version.desc())
        .select(DbDocumentVersion::as_select())
        .load(conn)?)
}

pub fn version(
    conn: &mut DbConn,
    document_id: i64,
    version: i32,
) -> AppResult<Option<DbDocumentVersion>> {
    Ok(document_versions::table
        .filter(document_versions::document_id.eq(document_id))
        .filter(document_versions::version.eq(version))
        .select(DbDocumentVersion::as_select())
        .first(conn)
        .optional()?)
}

/// Whether a document version whose thread is not deleted holds the file with this hash.
/// Removed threads count as in use: a facilitator may restore them.
pub fn hash_in_use(conn: &mut DbConn, hash: &str) -> AppResult<bool> {
    Ok(diesel::select(diesel::dsl::exists(
        document_versions::table
            .inner_join(documents::table.inner_join(posts::table))
            .filter(document_versions::content_hash.eq(hash))
            .filter(posts::deleted.eq(false)),
    ))
    .get_result(conn)?)
}
