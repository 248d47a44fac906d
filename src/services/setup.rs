//! First run: a one-time link lets the first visitor create the admin account.

use crate::db;
use crate::error::{AppError, AppResult};
use crate::services::accounts::{self, new_token, token_hash};
use crate::state::AppState;
use crate::types::{Email, Name, Password, Role};

const SETUP_KEY: &str = "setup_token_hash";

/// If no admin exists yet, makes a fresh one-time set-up link and returns it.
pub async fn setup_link(state: &AppState) -> AppResult<Option<String>> {
    let token = new_token();
    let hash = token_hash(&token);
    let needed = state
        .db
        .write(move |conn| {
            if db::persons::admin_exists(conn)? {
                db::persons::delete_setting(conn, SETUP_KEY)?;
                return Ok(false);
            }
            db::persons::set_setting(conn, SETUP_KEY, &hash)?;
            Ok(true)
        })
        .await?;
    Ok(needed.then(|| format!("{}/setup?token={token}", state.config.base_url())))
}

/// Creates the first admin with the one-time token; the token then stops working.
pub async fn complete(
    state: &AppState,
    token: &str,
    name: &str,
    email: &str,
    password: &str,
) -> AppResult<()> {
    let name = Name::parse(name)?;
    let email = Email::parse(email)?;
    let password = Password::parse(password)?;
    let hash = token_hash(token.trim());
    let password_hash = accounts::hash_password(password).await?;
    state
        .db
        .write(move |conn| {
            if !db::persons::take_setting(conn, SETUP_KEY, &hash)?
                || db::persons::admin_exists(conn)?
            {
                return Err(AppError::denied(
                    "invalid_setup_token",
                    "this set-up link is not valid or has already been used",
                ));
            }
            accounts::insert_account(conn, &name, &email, &password_hash, Role::Admin, true, None)?;
            Ok(())
        })
        .await
}
