//! Passwords, tokens, the login rate limit and the extractors that tell handlers who is asking.
//!
//! - Passwords are hashed with Argon2id (the crate's default parameters, a fresh random salt);
//!   only the PHC string is stored.
//! - A token is 32 random bytes, base64url without padding, handed to the client once; the store
//!   keeps only its SHA-256, with an expiry [`TOKEN_LIFETIME_MS`] after login.
//! - Login attempts are counted per username and client address in the store
//!   (`login_attempts`), before the password is checked: the count is one atomic upsert, so
//!   parallel guesses each get their own number, and only the first [`MAX_FAILURES`] within
//!   [`FAILURE_WINDOW_MS`] of the first have their password checked. The rest are refused with
//!   429 and `retry_after` until the window ends; a successful login clears the count. Every
//!   server instance and a restart see the same count (DESIGN.md "Server").

use std::net::SocketAddr;

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use sha2::{Digest, Sha256};

use crate::clock::now_ms;
use crate::db::{Store, StoreError, User};
use crate::error::{AppError, Unauthorized};
use crate::state::AppState;

/// 30 days.
pub const TOKEN_LIFETIME_MS: i64 = 30 * 24 * 60 * 60 * 1000;
/// Password checks allowed per username and address within [`FAILURE_WINDOW_MS`] without a
/// successful login.
pub const MAX_FAILURES: i64 = 5;
/// 15 minutes.
pub const FAILURE_WINDOW_MS: i64 = 15 * 60 * 1000;

/// `n` bytes from the operating system's random source.
pub fn random_bytes<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    // Without a working OS random source no token or salt is safe; there is nothing to fall
    // back to.
    getrandom::fill(&mut bytes).expect("the operating system's random source failed");
    bytes
}

/// A random (version 4) UUID, for user ids.
pub fn new_id() -> String {
    uuid::Builder::from_random_bytes(random_bytes())
        .into_uuid()
        .to_string()
}

/// Argon2id PHC string of `password` with a fresh salt.
pub fn hash_password(password: &str) -> String {
    hash_password_with(&Argon2::default(), password)
}

/// As [`hash_password`] with given parameters (tests use cheaper ones).
pub fn hash_password_with(argon2: &Argon2<'_>, password: &str) -> String {
    let salt = SaltString::encode_b64(&random_bytes::<16>()).expect("16 bytes is a valid salt");
    argon2
        .hash_password(password.as_bytes(), &salt)
        .expect("Argon2 accepts any password with a valid salt")
        .to_string()
}

/// Whether `password` matches the PHC string; a malformed hash never matches.
pub fn verify_password(password: &str, hash: &str) -> bool {
    match PasswordHash::new(hash) {
        // The parameters come from the hash itself, so cheaper test hashes verify too.
        Ok(parsed) => Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok(),
        Err(e) => {
            tracing::error!(error = %e, "a stored password hash is not a PHC string");
            false
        }
    }
}

/// Verifies `password` against a hash of a random string, for unknown usernames, so that a
/// wrong username takes as long as a wrong password.
pub fn burn_time_as_verify(password: &str) {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let hash = DUMMY.get_or_init(|| hash_password(&new_token()));
    let _ = verify_password(password, hash);
}

/// A new opaque token (what the client keeps).
pub fn new_token() -> String {
    URL_SAFE_NO_PAD.encode(random_bytes::<32>())
}

/// What the store keeps of a token: its SHA-256, hex.
pub fn token_hash(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Counts a login attempt of `username` from `addr` before its password is checked:
/// `Ok(Err(seconds))` to wait when [`MAX_FAILURES`] attempts were already counted in this
/// window, so the password must not be checked. A successful login calls
/// [`login_succeeded`]; a failed one has nothing more to do (it was counted here).
pub async fn reserve_login_attempt(
    store: &dyn Store,
    username: &str,
    addr: &str,
    now: i64,
) -> Result<Result<(), u64>, StoreError> {
    let counted = store
        .count_login_attempt(username, addr, now, FAILURE_WINDOW_MS)
        .await?;
    Ok(retry_after(counted.attempts, counted.window_start, now).map_or(Ok(()), Err))
}

/// Forgets the attempts of `username` from `addr`: the password was right.
pub async fn login_succeeded(
    store: &dyn Store,
    username: &str,
    addr: &str,
) -> Result<(), StoreError> {
    store.clear_login_attempts(username, addr).await
}

/// Seconds until the window that began at `window_start` ends, when `attempts` (the one being
/// made included) is more than [`MAX_FAILURES`]; at least 1.
fn retry_after(attempts: i64, window_start: i64, now: i64) -> Option<u64> {
    if attempts <= MAX_FAILURES {
        return None;
    }
    let wait_ms = (window_start + FAILURE_WINDOW_MS - now).max(1000);
    Some(u64::try_from((wait_ms + 999) / 1000).unwrap_or(1))
}

/// The client's address as the socket reports it; `"unknown"` in-process (tests).
pub struct ClientAddr(pub String);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(ClientAddr(
            parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map_or_else(|| "unknown".to_owned(), |c| c.0.ip().to_string()),
        ))
    }
}

/// The signed-in user; 401 `unauthorized` without a valid, unexpired bearer token, saying
/// which of the three it is ([`Unauthorized`]). Every route but health, login, the OpenAPI
/// document and the template library takes it.
pub struct Auth {
    pub user: User,
    pub token_hash: String,
}

impl FromRequestParts<AppState> for Auth {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let value = parts
            .headers
            .get(AUTHORIZATION)
            .ok_or(AppError::Unauthorized(Unauthorized::Missing))?;
        let token = value
            .to_str()
            .ok()
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or(AppError::Unauthorized(Unauthorized::Malformed))?;
        let token_hash = token_hash(token);
        let user = state
            .store
            .session_user(&token_hash, now_ms())
            .await?
            .ok_or(AppError::Unauthorized(Unauthorized::Invalid))?;
        Ok(Auth { user, token_hash })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_is_43_base64url_characters_and_only_its_hash_is_kept() {
        let token = new_token();
        assert_eq!(token.len(), 43);
        assert!(token
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'));
        assert_ne!(token, new_token());
        let hash = token_hash(&token);
        assert_eq!(hash.len(), 64);
        assert!(!hash.contains(&token));
    }

    #[test]
    fn a_password_verifies_against_its_hash_only() {
        let cheap = Argon2::new(
            argon2::Algorithm::Argon2id,
            argon2::Version::V0x13,
            argon2::Params::new(8, 1, 1, None).expect("params"),
        );
        let hash = hash_password_with(&cheap, "清河-2026");
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("清河-2026", &hash));
        assert!(!verify_password("清河-2027", &hash));
        assert!(!verify_password("清河-2026", "not a hash"));
    }

    #[test]
    fn a_sixth_attempt_within_the_window_waits_for_its_end() {
        for attempts in 1..=MAX_FAILURES {
            assert_eq!(retry_after(attempts, 0, 10), None);
        }
        assert_eq!(retry_after(MAX_FAILURES + 1, 0, 10), Some(900));
        assert_eq!(retry_after(50, 0, FAILURE_WINDOW_MS - 61_000), Some(61));
        // Never "retry in 0 seconds".
        assert_eq!(retry_after(6, 0, FAILURE_WINDOW_MS), Some(1));
    }
}
