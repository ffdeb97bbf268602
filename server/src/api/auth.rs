//! `POST /api/login`, `POST /api/logout`, `GET /api/me`.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};

use crate::auth::{self, Auth, ClientAddr, TOKEN_LIFETIME_MS};
use crate::clock::now_ms;
use crate::db::{NewSession, User};
use crate::error::AppError;
use crate::json::ValidJson;
use crate::state::AppState;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    pub username: String,
    pub password: String,
    /// The UUID the device made for itself.
    pub device_id: String,
    /// What the device calls itself (`王建华的手机`), shown to the office.
    #[serde(default)]
    pub device_name: String,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct LoginReply {
    /// Send as `Authorization: Bearer <token>`. Shown once; the server keeps only its hash.
    pub token: String,
    /// Unix milliseconds.
    pub expires_at: i64,
    pub user: User,
    /// The device id this session is registered under: the one sent, or a new one when that
    /// id belongs to another account. The device uses it from now on.
    pub device_id: String,
}

const MAX_DEVICE_NAME: usize = 100;

pub async fn login(
    State(state): State<AppState>,
    ClientAddr(addr): ClientAddr,
    ValidJson(req): ValidJson<LoginRequest>,
) -> Result<Json<LoginReply>, AppError> {
    let username = req.username.trim().to_owned();
    if username.is_empty() {
        return Err(AppError::InvalidRequest("username is empty".into()));
    }
    let device_id = uuid::Uuid::try_parse(req.device_id.trim())
        .map_err(|_| {
            AppError::InvalidRequest(format!(
                "device_id {:?} is not a UUID (like 0190a6e2-5b7c-7d1e-9f00-1a2b3c4d5e6f)",
                req.device_id
            ))
        })?
        .hyphenated()
        .to_string();
    let device_name = req.device_name.trim().to_owned();
    if device_name.chars().count() > MAX_DEVICE_NAME {
        return Err(AppError::InvalidRequest(format!(
            "device_name is longer than {MAX_DEVICE_NAME} characters"
        )));
    }

    let now = now_ms();
    // Counted before the password is checked, so parallel guesses cannot outrun the count.
    if let Err(retry_after) =
        auth::reserve_login_attempt(state.store.as_ref(), &username, &addr, now).await?
    {
        tracing::warn!(%username, %addr, "login refused: too many failures");
        return Err(AppError::RateLimited { retry_after });
    }
    let record = state.store.user_by_username(&username).await?;
    let password = req.password;
    // Argon2 takes tens of milliseconds of CPU: off the async workers.
    let verified = tokio::task::spawn_blocking(move || match record {
        Some(r) if auth::verify_password(&password, &r.password_hash) => Some(r.user),
        Some(_) => None,
        None => {
            auth::burn_time_as_verify(&password);
            None
        }
    })
    .await
    .unwrap_or(None);
    let Some(user) = verified else {
        tracing::info!(%username, %addr, "login failed");
        return Err(AppError::BadCredentials);
    };
    auth::login_succeeded(state.store.as_ref(), &username, &addr).await?;

    let token = auth::new_token();
    let expires_at = now + TOKEN_LIFETIME_MS;
    let mut session = NewSession {
        token_hash: auth::token_hash(&token),
        user_id: user.id.clone(),
        device_id: device_id.clone(),
        device_name,
        seq_from: None,
        created_at: now,
        expires_at,
    };
    if !state.store.create_session(&session).await? {
        // Device ids are not secret (every pulled change carries one), so a device never
        // changes hands: its sequence numbers and unsent changes stay its user's. This user
        // gets a device of their own, counting on from where the phone stands (a phone
        // handed on keeps numbering; someone presenting another's id takes nothing from it).
        let fresh = uuid::Uuid::now_v7().to_string();
        tracing::info!(%username, %device_id, new_device = %fresh,
            "device id registered to another account: a new device id is given");
        session.seq_from = Some(device_id);
        session.device_id = fresh;
        if !state.store.create_session(&session).await? {
            // A fresh UUIDv7 taken already: never in practice; the phone may simply retry.
            return Err(AppError::DeviceTaken(format!(
                "the new device id {} could not be registered; sign in again",
                session.device_id
            )));
        }
    }
    tracing::info!(%username, role = %user.role, "signed in");
    Ok(Json(LoginReply {
        token,
        expires_at,
        user,
        device_id: session.device_id,
    }))
}

/// Ends the session of the token sent; the token no longer works. 204.
pub async fn logout(State(state): State<AppState>, auth: Auth) -> Result<StatusCode, AppError> {
    state.store.delete_session(&auth.token_hash).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Who the token belongs to.
pub async fn me(auth: Auth) -> Json<User> {
    Json(auth.user)
}
