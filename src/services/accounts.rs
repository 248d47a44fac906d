//! Accounts: sign-up under the instance's rules, sign-in, tokens, approval, invites,
//! profiles, and a member's own data export and account deletion.

use argon2::Argon2;
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{NaiveDateTime, TimeDelta};
use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::config::SignupMode;
use crate::db::models::{
    DbBlogComment, DbBlogPost, DbComment, DbLocalUser, DbMembership, DbPerson, DbPost,
    NewLocalUser, NewPerson,
};
use crate::db::{self, DbConn};
use crate::error::{AppError, AppResult};
use crate::markdown;
use crate::pagination::{Page, PageParams, page};
use crate::services::{Actor, text_field};
use crate::state::AppState;
use crate::types::{Email, Name, Password, Role};

/// How long a browser session lasts.
const SESSION_DAYS: i64 = 30;

/// What someone signing up sends.
#[derive(Debug)]
pub struct SignUp {
    pub name: String,
    pub email: String,
    pub password: String,
    pub invite_code: Option<String>,
    /// Why they want to join, for instances that approve accounts.
    pub application: Option<String>,
}

/// A new account; `approved` is false while it waits for an admin.
#[derive(Debug)]
pub struct NewAccount {
    pub person: DbPerson,
    pub approved: bool,
    /// False while the e-mail address waits to be confirmed by its link.
    pub email_verified: bool,
}

/// How long an e-mail verification link works.
const VERIFICATION_HOURS: i64 = 48;

/// Signs up under the instance's sign-up mode and e-mail domain rules.
#[tracing::instrument(skip_all, fields(name = %input.name))]
pub async fn sign_up(state: &AppState, input: SignUp) -> AppResult<NewAccount> {
    let rules = state.settings.current();
    let name = Name::parse(&input.name)?;
    let email = Email::parse(&input.email)?;
    let password = Password::parse(&input.password)?;
    let application = input
        .application
        .as_deref()
        .map(|a| text_field("application", a, 0, 2000))
        .transpose()?;
    let approved = match rules.signup_mode {
        SignupMode::Closed => {
            return Err(AppError::denied(
                "signup_closed",
                "this instance is not accepting sign-ups",
            ));
        }
        SignupMode::Invite if input.invite_code.as_deref().unwrap_or("").is_empty() => {
            return Err(AppError::bad_request(
                "invite_required",
                "sign-up on this instance needs an invite code",
            ));
        }
        // An invite vouches for the applicant, so approval mode lets them straight in.
        SignupMode::Approval => input
            .invite_code
            .as_deref()
            .is_some_and(|c| !c.trim().is_empty()),
        SignupMode::Open | SignupMode::Invite => true,
    };
    if !email.allowed_by(&rules.allowed_email_domains) {
        return Err(AppError::denied(
            "email_domain_not_allowed",
            "sign-up on this instance is limited to certain e-mail domains",
        ));
    }
    let hash = hash_password(password).await?;
    let invite = input
        .invite_code
        .filter(|c| !c.trim().is_empty())
        .map(|code| token_hash(code.trim()));
    // Only an instance that can send e-mail asks people to prove their address.
    let email_verified = !crate::services::email::enabled(state);
    let address = email.as_str().to_owned();
    let account = state
        .db
        .write(move |conn| {
            let person = insert_account(
                conn,
                &name,
                &email,
                &hash,
                Role::Member,
                approved,
                application.as_deref(),
            )?;
            if !email_verified {
                db::persons::set_email_verified(conn, person.id, false)?;
            }
            if let Some(invite) = invite {
                let user = db::persons::local_user_by_person(conn, person.id)?
                    .ok_or(AppError::NotFound("account"))?;
                if !db::persons::use_invite(conn, &invite, user.id, db::now())? {
                    return Err(AppError::bad_request(
                        "invalid_invite",
                        "that invite code is not valid or has been used",
                    ));
                }
            }
            Ok(NewAccount {
                person,
                approved,
                email_verified,
            })
        })
        .await?;
    if !account.email_verified {
        // The account stands even if the mail server is down: the member can ask again.
        if let Err(e) = send_verification(state, account.person.id, &address).await {
            tracing::warn!(error = %e, "could not send the verification e-mail");
        }
    }
    Ok(account)
}

/// Makes a fresh verification link for an account and mails it.
async fn send_verification(state: &AppState, person_id: i64, address: &str) -> AppResult<()> {
    let token = new_token();
    let hash = token_hash(&token);
    let expires = db::now() + TimeDelta::hours(VERIFICATION_HOURS);
    state
        .db
        .write(move |conn| {
            let user = db::persons::local_user_by_person(conn, person_id)?
                .ok_or(AppError::NotFound("account"))?;
            db::persons::put_email_verification(conn, user.id, &hash, expires)
        })
        .await?;
    let link = format!("{}/verify-email?token={token}", state.config.base_url());
    let instance = state.settings.current().name.clone();
    let email = crate::services::email::Email {
        to: address.to_owned(),
        subject: format!("Confirm your e-mail address for {instance}"),
        text: format!(
            "Someone, probably you, made an account on {instance} with this e-mail address.\n\n\
             To confirm it, open this link within {VERIFICATION_HOURS} hours:\n\n{link}\n\n\
             If it was not you, ignore this message and no account will be usable.\n"
        ),
        html: format!(
            "<p>Someone, probably you, made an account on {} with this e-mail address.</p>\
             <p><a href=\"{}\">Confirm your e-mail address</a> within {VERIFICATION_HOURS} hours.</p>\
             <p>If it was not you, ignore this message and no account will be usable.</p>",
            crate::services::email::escape(&instance),
            crate::services::email::escape(&link)
        ),
    };
    crate::services::email::send(state, email).await?;
    Ok(())
}

/// Confirms an e-mail address with the token from its link.
pub async fn verify_email(state: &AppState, token: &str) -> AppResult<()> {
    let hash = token_hash(token.trim());
    state
        .db
        .write(move |conn| {
            let Some(user_id) = db::persons::take_email_verification(conn, &hash, db::now())?
            else {
                return Err(AppError::bad_request(
                    "invalid_token",
                    "that confirmation link is not valid or has expired; ask for a new one",
                ));
            };
            db::persons::set_user_email_verified(conn, user_id)
        })
        .await
}

/// Sends a new verification link to an account that is waiting for one. Says nothing
/// about whether the account exists, so nobody can probe for addresses.
pub async fn resend_verification(state: &AppState, login: &str) -> AppResult<()> {
    if !crate::services::email::enabled(state) {
        return Ok(());
    }
    let login = login.trim().to_lowercase();
    let found = state
        .db
        .read(move |conn| db::persons::local_user_by_login(conn, &login))
        .await?;
    if let Some((user, person)) = found
        && !user.email_verified
        && !person.deleted
        && let Err(e) = send_verification(state, person.id, &user.email).await
    {
        tracing::warn!(error = %e, "could not resend the verification e-mail");
    }
    Ok(())
}

/// Creates an account directly, bypassing the sign-up mode: for admins and first-run set-up.
pub async fn create_account(
    state: &AppState,
    name: &str,
    email: &str,
    password: &str,
    role: Role,
) -> AppResult<DbPerson> {
    let name = Name::parse(name)?;
    let email = Email::parse(email)?;
    let hash = hash_password(Password::parse(password)?).await?;
    state
        .db
        .write(move |conn| insert_account(conn, &name, &email, &hash, role, true, None))
        .await
}

/// Inserts the person and account rows, claiming the name in the shared name space.
pub(crate) fn insert_account(
    conn: &mut DbConn,
    name: &Name,
    email: &Email,
    password_hash: &str,
    role: Role,
    approved: bool,
    application: Option<&str>,
) -> AppResult<DbPerson> {
    if db::persons::name_taken(conn, name.as_str())? {
        return Err(AppError::conflict_code(
            "name_taken",
            "that name is already taken",
        ));
    }
    if db::persons::email_taken(conn, email.as_str())? {
        return Err(AppError::conflict_code(
            "email_taken",
            "an account with that e-mail address already exists",
        ));
    }
    db::persons::claim_name(conn, name.as_str(), "person")?;
    let now = db::now();
    let person_id = db::persons::insert_person(
        conn,
        &NewPerson {
            name: name.as_str(),
            domain: None,
            ap_id: None,
            display_name: None,
            bio: "",
            bio_html: "",
            created_at: now,
        },
    )?;
    db::persons::insert_local_user(
        conn,
        &NewLocalUser {
            person_id,
            email: email.as_str(),
            password_hash,
            role: role.as_str(),
            approved,
            application,
            created_at: now,
            email_verified: true,
        },
    )?;
    db::persons::person(conn, person_id)
}

/// Checks a password and opens a session. Failures say nothing about which part was wrong.
#[tracing::instrument(skip_all)]
pub async fn log_in(state: &AppState, login: &str, password: &str) -> AppResult<(String, Actor)> {
    let login = login.trim().to_lowercase();
    let found = state
        .db
        .read(move |conn| db::persons::local_user_by_login(conn, &login))
        .await?;
    let (hash, found) = match found {
        Some((user, person)) => (user.password_hash.clone(), Some((user, person))),
        // Verify against a dummy hash so a wrong name takes as long as a wrong password.
        None => (dummy_hash().to_owned(), None),
    };
    let password = password.to_owned();
    let ok = tokio::task::spawn_blocking(move || verify_password(&password, &hash))
        .await
        .map_err(|e| AppError::Internal(e.into()))?;
    let (user, person) = match found {
        Some(found) if ok => found,
        _ => {
            return Err(AppError::unauthenticated_code(
                "invalid_credentials",
                "the name or password is not right",
            ));
        }
    };
    if !user.email_verified {
        return Err(AppError::denied(
            "email_unverified",
            "confirm your e-mail address first: follow the link we sent you, or ask for a new one",
        ));
    }
    if !user.approved {
        return Err(AppError::denied(
            "awaiting_approval",
            "your account is waiting for an administrator's approval",
        ));
    }
    if person.deleted {
        return Err(AppError::unauthenticated_code(
            "invalid_credentials",
            "the name or password is not right",
        ));
    }
    let person_id = person.id;
    let ban = state
        .db
        .read(move |conn| db::moderation::active_instance_ban(conn, person_id, db::now()))
        .await?;
    if let Some(ban) = ban {
        let until = ban
            .expires_at
            .map(|e| format!(" until {}", e.and_utc().format("%Y-%m-%d %H:%M UTC")))
            .unwrap_or_default();
        return Err(AppError::denied(
            "suspended",
            format!("your account is suspended{until}: {}", ban.reason),
        ));
    }
    let token = new_token();
    let expires = db::now() + TimeDelta::days(SESSION_DAYS);
    let hash = token_hash(&token);
    let user_id = user.id;
    state
        .db
        .write(move |conn| {
            db::persons::insert_token(conn, &hash, user_id, "session", None, Some(expires))
        })
        .await?;
    Ok((token, actor(user, person)?))
}

/// Issues a long-lived API token for scripts and apps.
pub async fn create_api_token(state: &AppState, actor: &Actor, label: &str) -> AppResult<String> {
    let label = text_field("label", label, 1, 100)?;
    let token = new_token();
    let hash = token_hash(&token);
    let user_id = actor.user_id;
    state
        .db
        .write(move |conn| {
            db::persons::insert_token(conn, &hash, user_id, "api", Some(&label), None)
        })
        .await?;
    Ok(token)
}

/// The member a session or API token belongs to, if it is live.
pub async fn authenticate(state: &AppState, token: &str) -> AppResult<Option<Actor>> {
    let hash = token_hash(token);
    let found = state
        .db
        .read(move |conn| db::persons::user_by_token(conn, &hash, db::now()))
        .await?;
    match found {
        Some((user, person)) if user.approved && user.email_verified && !person.deleted => {
            Ok(Some(actor(user, person)?))
        }
        _ => Ok(None),
    }
}

pub async fn log_out(state: &AppState, token: &str) -> AppResult<()> {
    let hash = token_hash(token);
    state
        .db
        .write(move |conn| db::persons::delete_token(conn, &hash))
        .await
}

/// The signed-in member's account, once they have given its password again.
async fn confirm_password(
    state: &AppState,
    actor: &Actor,
    password: &str,
) -> AppResult<DbLocalUser> {
    let person_id = actor.person_id;
    let user = state
        .db
        .read(move |conn| db::persons::local_user_by_person(conn, person_id))
        .await?
        .ok_or(AppError::NotFound("account"))?;
    let (password, hash) = (password.to_owned(), user.password_hash.clone());
    let ok = tokio::task::spawn_blocking(move || verify_password(&password, &hash))
        .await
        .map_err(|e| AppError::Internal(e.into()))?;
    if ok {
        Ok(user)
    } else {
        Err(AppError::bad_request(
            "wrong_password",
            "the password is not right",
        ))
    }
}

/// Changes a password after checking the current one, and ends every other session.
pub async fn change_password(
    state: &AppState,
    actor: &Actor,
    current: &str,
    new: &str,
) -> AppResult<()> {
    let new = Password::parse(new)?;
    let user = confirm_password(state, actor, current).await?;
    let hash = hash_password(new).await?;
    state
        .db
        .write(move |conn| {
            db::persons::set_password_hash(conn, user.id, &hash)?;
            db::persons::delete_tokens_of(conn, user.id)
        })
        .await
}

/// Accounts waiting for approval. Admins only.
pub async fn pending_accounts(
    state: &AppState,
    actor: &Actor,
    params: PageParams,
) -> AppResult<Page<(DbLocalUser, DbPerson)>> {
    require_admin(actor)?;
    let limit = params.limit()?;
    let after = params.key::<1>()?.map_or(0, |[id]| id);
    let rows = state
        .db
        .read(move |conn| db::persons::pending_users(conn, after, limit + 1))
        .await?;
    Ok(page(rows, limit, |(user, _)| [user.id]))
}

/// Approves a waiting account so it can sign in. `actor` is `None` for the CLI.
pub async fn approve_account(state: &AppState, actor: Option<&Actor>, name: &str) -> AppResult<()> {
    if let Some(actor) = actor {
        require_admin(actor)?;
    }
    let name = Name::parse(name)?;
    state
        .db
        .write(move |conn| {
            let (user, _) = local_account(conn, &name)?;
            if user.approved {
                return Err(AppError::conflict_code(
                    "already_approved",
                    "that account is already approved",
                ));
            }
            db::persons::set_approved(conn, user.id)
        })
        .await
}

/// Refuses a waiting account: it is deleted and its name and e-mail are free again.
pub async fn reject_account(state: &AppState, actor: &Actor, name: &str) -> AppResult<()> {
    require_admin(actor)?;
    let name = Name::parse(name)?;
    state
        .db
        .write(move |conn| {
            let (user, person) = local_account(conn, &name)?;
            if user.approved {
                return Err(AppError::conflict_code(
                    "already_approved",
                    "only accounts waiting for approval can be rejected",
                ));
            }
            db::persons::delete_person(conn, person.id)?;
            db::persons::release_name(conn, &person.name)
        })
        .await
}

/// Creates an invite code. Admins may always invite; members may when sign-up is by invite.
pub async fn create_invite(state: &AppState, actor: &Actor) -> AppResult<String> {
    if !actor.is_admin() && state.settings.current().signup_mode != SignupMode::Invite {
        // Members invite only where invites are how people join; admins always may,
        // and in approval mode an admin's invite skips the wait.
        return Err(AppError::denied(
            "not_admin",
            "only administrators can invite people to this instance",
        ));
    }
    let code = new_token();
    let hash = token_hash(&code);
    let expires = db::now() + TimeDelta::hours(state.config.registration.invite_ttl_hours.into());
    let user_id = actor.user_id;
    state
        .db
        .write(move |conn| db::persons::insert_invite(conn, &hash, user_id, expires))
        .await?;
    Ok(code)
}

/// A member's public profile.
pub async fn profile(state: &AppState, name: &str) -> AppResult<DbPerson> {
    let name = Name::parse(name).map_err(|_| AppError::NotFound("member"))?;
    let person = state
        .db
        .read(move |conn| db::persons::local_person_by_name(conn, name.as_str()))
        .await?
        .ok_or(AppError::NotFound("member"))?;
    if person.deleted {
        return Err(AppError::Gone("this account has been deleted".into()));
    }
    Ok(person)
}

/// Profile fields to change; `None` leaves a field alone, an empty string clears it.
#[derive(Debug, Default)]
pub struct ProfileEdit {
    pub display_name: Option<String>,
    pub job_title: Option<String>,
    pub organisation: Option<String>,
    pub region: Option<String>,
    /// Free text, such as "housing, planning enforcement".
    pub interests: Option<String>,
    /// Whether the member appears in the member directory.
    pub in_directory: Option<bool>,
    pub bio: Option<String>,
}

pub async fn update_profile(
    state: &AppState,
    actor: &Actor,
    edit: ProfileEdit,
) -> AppResult<DbPerson> {
    let optional = |field, value: Option<String>| -> AppResult<Option<Option<String>>> {
        value
            .map(|v| text_field(field, &v, 0, 100).map(|v| (!v.is_empty()).then_some(v)))
            .transpose()
    };
    let bio = edit
        .bio
        .map(|b| text_field("bio", &b, 0, 5000))
        .transpose()?;
    let changes = db::persons::PersonChanges {
        display_name: optional("display_name", edit.display_name)?,
        job_title: optional("job_title", edit.job_title)?,
        organisation: optional("organisation", edit.organisation)?,
        region: optional("region", edit.region)?,
        interests: edit
            .interests
            .map(|v| text_field("interests", &v, 0, 500).map(|v| (!v.is_empty()).then_some(v)))
            .transpose()?,
        in_directory: edit.in_directory,
        bio_html: bio.as_deref().map(markdown::render),
        bio,
        updated_at: Some(db::now()),
    };
    let person_id = actor.person_id;
    state
        .db
        .write(move |conn| {
            db::persons::update_person(conn, person_id, &changes)?;
            db::persons::person(conn, person_id)
        })
        .await
}

fn local_account(conn: &mut DbConn, name: &Name) -> AppResult<(DbLocalUser, DbPerson)> {
    let person = db::persons::local_person_by_name(conn, name.as_str())?
        .ok_or(AppError::NotFound("member"))?;
    let user =
        db::persons::local_user_by_person(conn, person.id)?.ok_or(AppError::NotFound("member"))?;
    Ok((user, person))
}

pub(crate) fn require_admin(actor: &Actor) -> AppResult<()> {
    if actor.is_admin() {
        Ok(())
    } else {
        Err(AppError::denied(
            "not_admin",
            "only administrators can do that",
        ))
    }
}

fn actor(user: DbLocalUser, person: DbPerson) -> AppResult<Actor> {
    Ok(Actor {
        user_id: user.id,
        person_id: person.id,
        name: person.name,
        role: Role::from_db(&user.role)?,
    })
}

/// A new random secret, URL-safe.
pub(crate) fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Tokens are stored only as their SHA-256, so a database leak does not leak sessions.
pub(crate) fn token_hash(token: &str) -> String {
    let digest = Sha256::digest(token.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// The hash every member made by `guildhall admin seed` gets: their password is
/// "seeded password".
pub async fn seeded_password_hash() -> AppResult<String> {
    hash_password(Password::parse("seeded password")?).await
}

pub(crate) async fn hash_password(password: Password) -> AppResult<String> {
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(password.expose().as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| AppError::Internal(anyhow::anyhow!("hashing password: {e}")))
    })
    .await
    .map_err(|e| AppError::Internal(e.into()))?
}

fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|h| {
        Argon2::default()
            .verify_password(password.as_bytes(), &h)
            .is_ok()
    })
}

fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(b"not a real password", &salt)
            .map(|h| h.to_string())
            .unwrap_or_default()
    });
    &DUMMY
}

/// Everything the instance holds about one member, for them to take away.
#[derive(Debug)]
pub struct DataExport {
    pub person: DbPerson,
    pub account: DbLocalUser,
    /// Memberships and requests to join, with each community's name.
    pub memberships: Vec<(DbMembership, String)>,
    /// Names of the communities they facilitate.
    pub facilitates: Vec<String>,
    /// Their threads with each community's name, deleted and removed ones included.
    pub posts: Vec<(DbPost, String)>,
    /// Their comments, deleted and removed ones included.
    pub comments: Vec<DbComment>,
    /// Their votes on threads, as (thread id, score).
    pub post_votes: Vec<(i64, i32)>,
    /// Their votes on comments, as (comment id, score).
    pub comment_votes: Vec<(i64, i32)>,
    /// Their choices in polls, as (thread id, option position, option text).
    pub poll_votes: Vec<(i64, i32, String)>,
    /// Their blog posts, deleted ones included.
    pub blog_posts: Vec<DbBlogPost>,
    /// Their comments on blogs, deleted ones included.
    pub blog_comments: Vec<DbBlogComment>,
    /// Their answers to events, as (event thread id, answer, when).
    pub rsvps: Vec<(i64, String, NaiveDateTime)>,
}

/// The signed-in member's own data. Nothing is paged or capped: it is all theirs.
#[tracing::instrument(skip_all, fields(member = %actor.name))]
pub async fn export_data(state: &AppState, actor: &Actor) -> AppResult<DataExport> {
    let person_id = actor.person_id;
    state
        .db
        .read(move |conn| {
            let person = db::persons::person(conn, person_id)?;
            let account = db::persons::local_user_by_person(conn, person_id)?
                .ok_or(AppError::NotFound("account"))?;
            Ok(DataExport {
                person,
                account,
                memberships: db::communities::memberships_of(conn, person_id)?,
                facilitates: db::communities::moderated_by(conn, person_id)?
                    .into_iter()
                    .map(|c| c.name)
                    .collect(),
                posts: db::content::posts_by_author(conn, person_id)?,
                comments: db::content::comments_by_author(conn, person_id)?,
                post_votes: db::content::post_votes_by_person(conn, person_id)?,
                comment_votes: db::content::comment_votes_by_person(conn, person_id)?,
                poll_votes: db::polls::votes_by_person(conn, person_id)?,
                blog_posts: db::blogs::all_by_author(conn, person_id)?,
                blog_comments: db::blogs::comments_by_author(conn, person_id)?,
                rsvps: db::events::rsvps_by_person(conn, person_id)?,
            })
        })
        .await
}

/// Deletes the signed-in member's account once their password checks out.
///
/// Their threads and comments are marked deleted, their profile is blanked, their
/// memberships, facilitator roles, tokens and account row go, which frees the e-mail
/// address. The person row stays, marked deleted, so their name stays reserved and
/// nobody can pass as them. The only facilitator of a community that still has other
/// members must hand it over first. Other servers that hold their content hear a
/// `Delete` of the person.
#[tracing::instrument(skip_all, fields(member = %actor.name))]
pub async fn delete_account(state: &AppState, actor: &Actor, password: &str) -> AppResult<()> {
    let person_id = actor.person_id;
    let user = confirm_password(state, actor, password).await?;
    let actor = actor.clone();
    let urls = crate::federation::urls::Urls::new(&state.config);
    state
        .write_and_deliver(move |conn| {
            // Locking in id order, as `moderated_by` returns them, keeps two deletions
            // from deadlocking; the lock keeps the last-facilitator check from racing.
            for community in db::communities::moderated_by(conn, person_id)? {
                db::communities::lock(conn, community.id)?;
                let only_facilitator = db::communities::moderators(conn, community.id)?.len() <= 1;
                if only_facilitator
                    && db::communities::has_other_members(conn, community.id, person_id)?
                {
                    return Err(AppError::conflict_code(
                        "last_moderator",
                        format!(
                            "you are the only facilitator of {}; hand the community to another \
                             facilitator first",
                            community.name
                        ),
                    ));
                }
                crate::services::communities::log(
                    conn,
                    &actor,
                    community.id,
                    "remove_moderator",
                    Some(person_id),
                    Some("deleted their account"),
                )?;
            }
            // Before the memberships end: they say which servers hold the member's content.
            crate::services::federation::federate_account_deletion(conn, &urls, person_id)?;
            let now = db::now();
            db::communities::remove_moderator_everywhere(conn, person_id)?;
            db::communities::delete_memberships_of(conn, person_id)?;
            db::content::delete_posts_by_author(conn, person_id, now)?;
            db::content::delete_comments_by_author(conn, person_id, now)?;
            db::blogs::delete_all_by_author(conn, person_id, now)?;
            db::persons::erase_person(conn, person_id, now)?;
            db::persons::delete_tokens_of(conn, user.id)?;
            db::persons::delete_local_user(conn, user.id)
        })
        .await
}

/// The member directory: this instance's members, optionally those matching `text` in
/// their name, display name, job title, organisation or region. For signed-in members
/// only: public servants' colleagues may find them, the whole internet need not list them.
pub async fn directory(
    state: &AppState,
    _viewer: &Actor,
    text: Option<&str>,
    params: PageParams,
) -> AppResult<Page<DbPerson>> {
    let limit = params.limit()?;
    let after = params.key::<1>()?.map_or(0, |[id]| id);
    let text = text
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(|t| text_field("search", t, 1, 100))
        .transpose()?;
    let rows = state
        .db
        .read(move |conn| db::persons::directory(conn, text.as_deref(), after, limit + 1))
        .await?;
    Ok(page(rows, limit, |p| [p.id]))
}
