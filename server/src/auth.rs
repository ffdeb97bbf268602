//! Passwords, tokens, the login rate limit and the extractors that tell handlers who is asking.
//!
//! - Passwords are hashed with Argon2id (the crate's default parameters, a fresh random salt);
//!   only the PHC string is stored.
//! - A token is 32 random bytes, base64url without padding, handed to the client once; the store
//!   keeps only its SHA-256, with an expiry [`TOKEN_LIFETIME_MS`] after login.
//! - Login failures are counted per username and client address in memory: more than
//!   [`MAX_FAILURES`] in [`FAILURE_WINDOW_MS`] and the next attempt is refused with 429 and
//!   `retry_after`. The count is per server process (a restart forgets it), which is enough for
//!   one county office server; several instances would each allow their own five.

use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;
use std::sync::Mutex;

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use sha2::{Digest, Sha256};

use crate::db::User;
use crate::error::{AppError, Unauthorized};
use crate::library::now_ms;
use crate::state::AppState;

/// 30 days.
pub const TOKEN_LIFETIME_MS: i64 = 30 * 24 * 60 * 60 * 1000;
/// Failed logins allowed per username and address within [`FAILURE_WINDOW_MS`].
pub const MAX_FAILURES: usize = 5;
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

/// Failed logins per (username, address), in memory.
#[derive(Debug, Default)]
pub struct LoginLimiter {
    failures: Mutex<HashMap<(String, String), VecDeque<i64>>>,
}

impl LoginLimiter {
    /// `Err(seconds)` to wait when this username and address already failed too often.
    pub fn check(&self, username: &str, addr: &str, now: i64) -> Result<(), u64> {
        let mut map = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        let Some(times) = map.get_mut(&(username.to_owned(), addr.to_owned())) else {
            return Ok(());
        };
        times.retain(|&t| now - t < FAILURE_WINDOW_MS);
        if times.len() >= MAX_FAILURES {
            let oldest = times.front().copied().unwrap_or(now);
            let wait_ms = (oldest + FAILURE_WINDOW_MS - now).max(1000);
            return Err(u64::try_from((wait_ms + 999) / 1000).unwrap_or(1));
        }
        Ok(())
    }

    pub fn failed(&self, username: &str, addr: &str, now: i64) {
        let mut map = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        // Forget stale entries now and then, so a flood of usernames cannot grow this forever.
        if map.len() > 10_000 {
            map.retain(|_, times| times.back().is_some_and(|&t| now - t < FAILURE_WINDOW_MS));
        }
        map.entry((username.to_owned(), addr.to_owned()))
            .or_default()
            .push_back(now);
    }

    pub fn succeeded(&self, username: &str, addr: &str) {
        let mut map = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        map.remove(&(username.to_owned(), addr.to_owned()));
    }
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
    fn five_failures_lock_the_username_and_address_for_fifteen_minutes() {
        let limiter = LoginLimiter::default();
        for i in 0..5 {
            assert_eq!(limiter.check("han", "10.0.0.1", i), Ok(()));
            limiter.failed("han", "10.0.0.1", i);
        }
        assert_eq!(limiter.check("han", "10.0.0.1", 10), Err(900));
        // Other addresses and other usernames are not affected.
        assert_eq!(limiter.check("han", "10.0.0.2", 10), Ok(()));
        assert_eq!(limiter.check("ma", "10.0.0.1", 10), Ok(()));
        // Once the first failure is 15 minutes old, one more try is allowed.
        assert_eq!(limiter.check("han", "10.0.0.1", FAILURE_WINDOW_MS), Ok(()));
        limiter.succeeded("han", "10.0.0.1");
        assert_eq!(limiter.check("han", "10.0.0.1", 11), Ok(()));
    }
}
