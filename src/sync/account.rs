//! The server account on this phone: signing in (`POST /api/login` with this phone's device id),
//! the token kept, and signing out.
//!
//! The token and the user are kept in IndexedDB `meta` (key `token`), next to the records they
//! sync, rather than in localStorage: clearing the site's data clears both together (never a
//! token without the outbox it would push, nor the reverse), the engine reads both in one place,
//! and localStorage's synchronous reads buy nothing here since the engine is async anyway. A
//! token is an opaque bearer secret for this phone only; the server stores only its hash.

use super::store::{device_id, get_meta, set_meta, CURSOR, CURSOR_USER, SERVER_EPOCH};
use crate::api::{self, ApiError};
use crate::storage::idb::{Db, META};
use crate::storage::StorageError;
use serde::{Deserialize, Serialize};

pub const TOKEN: &str = "token";

/// The signed-in user, as `/api/login` and `/api/me` give it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct User {
    pub id: String,
    pub username: String,
    pub display_name: String,
    /// `supervisor`, `office` or `admin`.
    pub role: String,
    #[serde(default)]
    pub district: String,
}

/// What signing in gave this phone.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Account {
    pub token: String,
    /// Unix ms; after it the server answers 401 and the supervisor signs in again.
    pub expires_at: i64,
    pub user: User,
    /// The device id the server registered this sign-in under. A device belongs to the user
    /// who registered it: when another user signs in on a phone (a phone handed on, or a
    /// device id someone else presented first), the server gives a new id, which the phone
    /// takes from then on, with the same sequence numbering.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_id: Option<String>,
}

impl Account {
    pub fn expired(&self, now: i64) -> bool {
        now >= self.expires_at
    }
}

#[derive(Serialize)]
struct LoginRequest<'a> {
    username: &'a str,
    password: &'a str,
    device_id: &'a str,
}

/// The account kept on this phone, if any; the API sends its token from now on.
pub async fn load(db: &Db) -> Result<Option<Account>, StorageError> {
    let account = get_meta::<Account>(db, TOKEN).await?;
    api::set_token(account.as_ref().map(|a| a.token.clone()));
    Ok(account)
}

/// Why signing in failed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum LoginError {
    #[error(transparent)]
    Api(#[from] ApiError),
    #[error(transparent)]
    Storage(#[from] StorageError),
}

/// Signs in with this phone's device id and keeps the account. When a different user than the
/// one whose changes were pulled signs in, the pull starts again from the beginning (their
/// scope is different; the cursor was the other user's). Nothing else is touched: the outbox,
/// the mutations and every visit stay as they are.
pub async fn login(db: &Db, username: &str, password: &str) -> Result<Account, LoginError> {
    let device = device_id(db).await?;
    let account: Account = api::post_json(
        "/api/login",
        &LoginRequest {
            username: username.trim(),
            password,
            device_id: &device,
        },
    )
    .await?;
    let before = get_meta::<String>(db, CURSOR_USER).await?;
    let user_id = account.user.id.clone();
    let a = account.clone();
    // The id the server registered, when it is not the one the phone sent: kept with the token
    // in one transaction, so the token is never used with the other user's device.
    let renamed = account.device_id.clone().filter(|d| *d != device);
    db.write(&[META], move |w| {
        if let Some(d) = &renamed {
            super::store::put_meta(w, super::store::DEVICE_ID, d)?;
        }
        super::store::put_meta(w, TOKEN, &a)?;
        if before.as_deref() != Some(user_id.as_str()) {
            super::store::put_meta(w, CURSOR, &0i64)?;
            super::store::put_meta(w, CURSOR_USER, &user_id)?;
            w.delete(META, SERVER_EPOCH)?;
        }
        Ok(())
    })
    .await?;
    api::set_token(Some(account.token.clone()));
    Ok(account)
}

/// Ends the session on the server (best effort: without a network the token is still
/// forgotten here, and expires on the server) and forgets it on the phone. The caller checks
/// first that nothing is unsynced.
pub async fn logout(db: &Db) -> Result<(), StorageError> {
    if api::has_token() {
        match api::send("POST", "/api/logout", api::Body::None, &[]).await {
            Ok(_) | Err(ApiError::Unauthorized) => {}
            Err(e) => leptos::logging::log!("logout not confirmed by the server: {e}"),
        }
    }
    db.write(&[META], |w| w.delete(META, TOKEN)).await?;
    api::set_token(None);
    Ok(())
}

/// Keeps an account (tests, and a refreshed user).
pub async fn save(db: &Db, account: &Account) -> Result<(), StorageError> {
    set_meta(db, TOKEN, account).await
}
