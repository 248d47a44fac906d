//! Queries about people, their accounts, sign-in tokens, invites and instance settings.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::models::*;
use super::schema::*;
use super::{DbConn, last_insert_id};
use crate::error::AppResult;

/// Reserves `name` in the shared member/community name space. Fails with a unique
/// violation if a member or community already holds it.
pub fn claim_name(conn: &mut DbConn, name: &str, kind: &str) -> AppResult<()> {
    diesel::insert_into(local_names::table)
        .values((local_names::name.eq(name), local_names::kind.eq(kind)))
        .execute(conn)?;
    Ok(())
}

pub fn release_name(conn: &mut DbConn, name: &str) -> AppResult<()> {
    diesel::delete(local_names::table.find(name)).execute(conn)?;
    Ok(())
}

pub fn name_taken(conn: &mut DbConn, name: &str) -> AppResult<bool> {
    Ok(diesel::select(diesel::dsl::exists(local_names::table.find(name))).get_result(conn)?)
}

pub fn insert_person(conn: &mut DbConn, person: &NewPerson) -> AppResult<i64> {
    diesel::insert_into(persons::table)
        .values(person)
        .execute(conn)?;
    last_insert_id(conn)
}

pub fn person(conn: &mut DbConn, id: i64) -> AppResult<DbPerson> {
    Ok(persons::table
        .find(id)
        .select(DbPerson::as_select())
        .first(conn)?)
}

/// The names of the given people, for display.
pub fn names(conn: &mut DbConn, ids: &[i64]) -> AppResult<Vec<(i64, String)>> {
    Ok(persons::table
        .filter(persons::id.eq_any(ids))
        .select((persons::id, persons::name))
        .load(conn)?)
}

pub fn local_person_by_name(conn: &mut DbConn, name: &str) -> AppResult<Option<DbPerson>> {
    Ok(persons::table
        .filter(persons::name.eq(name))
        .filter(persons::domain.is_null())
        .select(DbPerson::as_select())
        .first(conn)
        .optional()?)
}

/// Profile fields a member edits; `None` leaves a field as it is.
#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = persons)]
pub struct PersonChanges {
    pub display_name: Option<Option<String>>,
    pub job_title: Option<Option<String>>,
    pub organisation: Option<Option<String>>,
    pub region: Option<Option<String>>,
    pub interests: Option<Option<String>>,
    pub in_directory: Option<bool>,
    pub bio: Option<String>,
    pub bio_html: Option<String>,
    pub updated_at: Option<NaiveDateTime>,
}

pub fn update_person(conn: &mut DbConn, id: i64, changes: &PersonChanges) -> AppResult<()> {
    diesel::update(persons::table.find(id))
        .set(changes)
        .execute(conn)?;
    Ok(())
}

pub fn delete_person(conn: &mut DbConn, id: i64) -> AppResult<()> {
    diesel::delete(persons::table.find(id)).execute(conn)?;
    Ok(())
}

pub fn insert_local_user(conn: &mut DbConn, user: &NewLocalUser) -> AppResult<i64> {
    diesel::insert_into(local_users::table)
        .values(user)
        .execute(conn)?;
    last_insert_id(conn)
}

pub fn email_taken(conn: &mut DbConn, email: &str) -> AppResult<bool> {
    Ok(diesel::select(diesel::dsl::exists(
        local_users::table.filter(local_users::email.eq(email)),
    ))
    .get_result(conn)?)
}

/// A local account with its person, found by member name or e-mail address.
pub fn local_user_by_login(
    conn: &mut DbConn,
    login: &str,
) -> AppResult<Option<(DbLocalUser, DbPerson)>> {
    Ok(local_users::table
        .inner_join(persons::table)
        .filter(persons::name.eq(login).or(local_users::email.eq(login)))
        .filter(persons::domain.is_null())
        .select((DbLocalUser::as_select(), DbPerson::as_select()))
        .first(conn)
        .optional()?)
}

pub fn local_user_by_person(conn: &mut DbConn, person_id: i64) -> AppResult<Option<DbLocalUser>> {
    Ok(local_users::table
        .filter(local_users::person_id.eq(person_id))
        .select(DbLocalUser::as_select())
        .first(conn)
        .optional()?)
}

pub fn set_approved(conn: &mut DbConn, user_id: i64) -> AppResult<()> {
    diesel::update(local_users::table.find(user_id))
        .set(local_users::approved.eq(true))
        .execute(conn)?;
    Ok(())
}

pub fn set_password_hash(conn: &mut DbConn, user_id: i64, hash: &str) -> AppResult<()> {
    diesel::update(local_users::table.find(user_id))
        .set(local_users::password_hash.eq(hash))
        .execute(conn)?;
    Ok(())
}

pub fn admin_exists(conn: &mut DbConn) -> AppResult<bool> {
    Ok(diesel::select(diesel::dsl::exists(
        local_users::table.filter(local_users::role.eq("admin")),
    ))
    .get_result(conn)?)
}

/// Accounts waiting for approval, oldest first, after the cursor's user id.
pub fn pending_users(
    conn: &mut DbConn,
    after: i64,
    limit: i64,
) -> AppResult<Vec<(DbLocalUser, DbPerson)>> {
    Ok(local_users::table
        .inner_join(persons::table)
        .filter(local_users::approved.eq(false))
        .filter(local_users::id.gt(after))
        .order(local_users::id.asc())
        .limit(limit)
        .select((DbLocalUser::as_select(), DbPerson::as_select()))
        .load(conn)?)
}

pub fn insert_token(
    conn: &mut DbConn,
    token_hash: &str,
    user_id: i64,
    kind: &str,
    label: Option<&str>,
    expires_at: Option<NaiveDateTime>,
) -> AppResult<()> {
    diesel::insert_into(auth_tokens::table)
        .values((
            auth_tokens::token_hash.eq(token_hash),
            auth_tokens::user_id.eq(user_id),
            auth_tokens::kind.eq(kind),
            auth_tokens::label.eq(label),
            auth_tokens::created_at.eq(super::now()),
            auth_tokens::expires_at.eq(expires_at),
        ))
        .execute(conn)?;
    Ok(())
}

/// The account a live token belongs to.
pub fn user_by_token(
    conn: &mut DbConn,
    token_hash: &str,
    now: NaiveDateTime,
) -> AppResult<Option<(DbLocalUser, DbPerson)>> {
    Ok(auth_tokens::table
        .inner_join(local_users::table.inner_join(persons::table))
        .filter(auth_tokens::token_hash.eq(token_hash))
        .filter(
            auth_tokens::expires_at
                .is_null()
                .or(auth_tokens::expires_at.gt(now)),
        )
        .select((DbLocalUser::as_select(), DbPerson::as_select()))
        .first(conn)
        .optional()?)
}

pub fn delete_token(conn: &mut DbConn, token_hash: &str) -> AppResult<()> {
    diesel::delete(auth_tokens::table.filter(auth_tokens::token_hash.eq(token_hash)))
        .execute(conn)?;
    Ok(())
}

pub fn delete_tokens_of(conn: &mut DbConn, user_id: i64) -> AppResult<()> {
    diesel::delete(auth_tokens::table.filter(auth_tokens::user_id.eq(user_id))).execute(conn)?;
    Ok(())
}

pub fn insert_invite(
    conn: &mut DbConn,
    code_hash: &str,
    created_by: i64,
    expires_at: NaiveDateTime,
) -> AppResult<()> {
    diesel::insert_into(invites::table)
        .values((
            invites::code_hash.eq(code_hash),
            invites::created_by.eq(created_by),
            invites::created_at.eq(super::now()),
            invites::expires_at.eq(expires_at),
        ))
        .execute(conn)?;
    Ok(())
}

/// Marks an unused, unexpired invite as used by `user_id`; false if there is none.
pub fn use_invite(
    conn: &mut DbConn,
    code_hash: &str,
    user_id: i64,
    now: NaiveDateTime,
) -> AppResult<bool> {
    let updated = diesel::update(
        invites::table
            .filter(invites::code_hash.eq(code_hash))
            .filter(invites::used_by.is_null())
            .filter(invites::expires_at.gt(now)),
    )
    .set(invites::used_by.eq(user_id))
    .execute(conn)?;
    Ok(updated == 1)
}

pub fn setting(conn: &mut DbConn, key: &str) -> AppResult<Option<String>> {
    Ok(site_settings::table
        .find(key)
        .select(site_settings::value)
        .first(conn)
        .optional()?)
}

/// Stores a setting unless it is already set; true if this call stored it.
pub fn put_setting_if_absent(conn: &mut DbConn, key: &str, value: &str) -> AppResult<bool> {
    if setting(conn, key)?.is_some() {
        return Ok(false);
    }
    diesel::insert_into(site_settings::table)
        .values((site_settings::key.eq(key), site_settings::value.eq(value)))
        .execute(conn)?;
    Ok(true)
}

/// Gives a local person signing keys unless another request already did.
pub fn set_keys_if_missing(
    conn: &mut DbConn,
    id: i64,
    public_key: &str,
    private_key: &str,
) -> AppResult<()> {
    diesel::update(
        persons::table
            .find(id)
            .filter(persons::private_key.is_null()),
    )
    .set((
        persons::public_key.eq(public_key),
        persons::private_key.eq(private_key),
    ))
    .execute(conn)?;
    Ok(())
}

/// How many local members and content items there are, for NodeInfo.
pub fn local_counts(conn: &mut DbConn) -> AppResult<(i64, i64, i64)> {
    let users = local_users::table
        .filter(local_users::approved.eq(true))
        .count()
        .get_result(conn)?;
    let posts = posts::table
        .inner_join(persons::table)
        .filter(persons::domain.is_null())
        .filter(posts::deleted.eq(false))
        .count()
        .get_result(conn)?;
    let comments = comments::table
        .inner_join(persons::table)
        .filter(persons::domain.is_null())
        .filter(comments::deleted.eq(false))
        .count()
        .get_result(conn)?;
    Ok((users, posts, comments))
}

pub fn set_setting(conn: &mut DbConn, key: &str, value: &str) -> AppResult<()> {
    delete_setting(conn, key)?;
    diesel::insert_into(site_settings::table)
        .values((site_settings::key.eq(key), site_settings::value.eq(value)))
        .execute(conn)?;
    Ok(())
}

/// Deletes a setting only if it still holds `value`; true if this call deleted it.
/// Concurrent callers cannot both succeed.
pub fn take_setting(conn: &mut DbConn, key: &str, value: &str) -> AppResult<bool> {
    let deleted = diesel::delete(
        site_settings::table
            .filter(site_settings::key.eq(key))
            .filter(site_settings::value.eq(value)),
    )
    .execute(conn)?;
    Ok(deleted == 1)
}

pub fn delete_setting(conn: &mut DbConn, key: &str) -> AppResult<()> {
    diesel::delete(site_settings::table.find(key)).execute(conn)?;
    Ok(())
}

/// Marks a person deleted and blanks what their profile said. The row stays, so their
/// threads and comments keep an author and their name stays reserved.
pub fn erase_person(conn: &mut DbConn, id: i64, at: NaiveDateTime) -> AppResult<()> {
    diesel::update(persons::table.find(id))
        .set((
            persons::deleted.eq(true),
            persons::display_name.eq(None::<String>),
            persons::job_title.eq(None::<String>),
            persons::organisation.eq(None::<String>),
            persons::region.eq(None::<String>),
            persons::interests.eq(None::<String>),
            persons::bio.eq(""),
            persons::bio_html.eq(""),
            persons::updated_at.eq(Some(at)),
        ))
        .execute(conn)?;
    Ok(())
}

/// Deletes a local account (its tokens and invites go with it), which frees its e-mail
/// address. The person row and the reserved name stay.
pub fn delete_local_user(conn: &mut DbConn, user_id: i64) -> AppResult<()> {
    diesel::delete(local_users::table.find(user_id)).execute(conn)?;
    Ok(())
}

diesel::define_sql_function!(fn lower(x: diesel::sql_types::Text) -> diesel::sql_types::Text);
diesel::define_sql_function!(
    #[sql_name = "lower"]
    fn lower_nullable(x: diesel::sql_types::Nullable<diesel::sql_types::Text>) -> diesel::sql_types::Nullable<diesel::sql_types::Text>
);

/// This instance's approved, current members who chose to appear, in the order they
/// joined, after `after`; those whose name, display name, job title, organisation, region
/// or interests contain `text` (any case) if given.
pub fn directory(
    conn: &mut DbConn,
    text: Option<&str>,
    after: i64,
    limit: i64,
) -> AppResult<Vec<DbPerson>> {
    let mut query = persons::table
        .inner_join(local_users::table)
        .filter(persons::domain.is_null())
        .filter(persons::deleted.eq(false))
        .filter(persons::in_directory.eq(true))
        .filter(local_users::approved.eq(true))
        .filter(persons::id.gt(after))
        .into_boxed();
    if let Some(text) = text {
        let escaped = text
            .to_lowercase()
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_");
        let pattern = format!("%{escaped}%");
        query = query.filter(
            lower(persons::name)
                .like(pattern.clone())
                .escape('\\')
                .nullable()
                .or(lower_nullable(persons::display_name)
                    .like(pattern.clone())
                    .escape('\\'))
                .or(lower_nullable(persons::job_title)
                    .like(pattern.clone())
                    .escape('\\'))
                .or(lower_nullable(persons::organisation)
                    .like(pattern.clone())
                    .escape('\\'))
                .or(lower_nullable(persons::region)
                    .like(pattern.clone())
                    .escape('\\'))
                .or(lower_nullable(persons::interests)
                    .like(pattern)
                    .escape('\\')),
        );
    }
    Ok(query
        .order(persons::id.asc())
        .limit(limit)
        .select(DbPerson::as_select())
        .load(conn)?)
}

pub fn set_email_verified(conn: &mut DbConn, person_id: i64, verified: bool) -> AppResult<()> {
    diesel::update(local_users::table.filter(local_users::person_id.eq(person_id)))
        .set(local_users::email_verified.eq(verified))
        .execute(conn)?;
    Ok(())
}

pub fn set_user_email_verified(conn: &mut DbConn, user_id: i64) -> AppResult<()> {
    diesel::update(local_users::table.find(user_id))
        .set(local_users::email_verified.eq(true))
        .execute(conn)?;
    Ok(())
}

/// Replaces an account's outstanding verification link.
pub fn put_email_verification(
    conn: &mut DbConn,
    user_id: i64,
    token_hash: &str,
    expires_at: NaiveDateTime,
) -> AppResult<()> {
    diesel::delete(email_verifications::table.find(user_id)).execute(conn)?;
    diesel::insert_into(email_verifications::table)
        .values((
            email_verifications::user_id.eq(user_id),
            email_verifications::token_hash.eq(token_hash),
            email_verifications::created_at.eq(super::now()),
            email_verifications::expires_at.eq(expires_at),
        ))
        .execute(conn)?;
    Ok(())
}

/// Uses up a live verification link; returns whose it was.
pub fn take_email_verification(
    conn: &mut DbConn,
    token_hash: &str,
    now: NaiveDateTime,
) -> AppResult<Option<i64>> {
    let user_id: Option<i64> = email_verifications::table
        .filter(email_verifications::token_hash.eq(token_hash))
        .filter(email_verifications::expires_at.gt(now))
        .select(email_verifications::user_id)
        .first(conn)
        .optional()?;
    if let Some(id) = user_id {
        diesel::delete(email_verifications::table.find(id)).execute(conn)?;
    }
    Ok(user_id)
}

/// Sets how often a member gets the activity digest.
pub fn set_digest(conn: &mut DbConn, user_id: i64, digest: &str) -> AppResult<()> {
    diesel::update(local_users::table.find(user_id))
        .set(local_users::digest.eq(digest))
        .execute(conn)?;
    Ok(())
}

/// Members who get a digest at all, with their person rows.
pub fn digest_subscribers(conn: &mut DbConn) -> AppResult<Vec<(DbLocalUser, DbPerson)>> {
    Ok(local_users::table
        .inner_join(persons::table)
        .filter(local_users::digest.ne("off"))
        .filter(local_users::approved.eq(true))
        .filter(local_users::email_verified.eq(true))
        .filter(persons::deleted.eq(false))
        .select((DbLocalUser::as_select(), DbPerson::as_select()))
        .load(conn)?)
}

pub fn set_last_digest(conn: &mut DbConn, user_id: i64, at: NaiveDateTime) -> AppResult<()> {
    diesel::update(local_users::table.find(user_id))
        .set(local_users::last_digest_at.eq(at))
        .execute(conn)?;
    Ok(())
}

pub fn local_user_by_id(conn: &mut DbConn, id: i64) -> AppResult<Option<(DbLocalUser, DbPerson)>> {
    Ok(local_users::table
        .inner_join(persons::table)
        .filter(local_users::id.eq(id))
        .select((DbLocalUser::as_select(), DbPerson::as_select()))
        .first(conn)
        .optional()?)
}
