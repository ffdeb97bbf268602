//! Users, assignments, devices and sessions as the stores keep them (`migrations/*/0005`).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::StoreError;

/// What a user may see and change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// 责任督学: only the schools assigned to them.
    Supervisor,
    /// Office staff: every school of their district.
    Office,
    /// Everything.
    Admin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Supervisor => "supervisor",
            Role::Office => "office",
            Role::Admin => "admin",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "supervisor" => Ok(Role::Supervisor),
            "office" => Ok(Role::Office),
            "admin" => Ok(Role::Admin),
            other => Err(format!(
                "unknown role {other:?}: use supervisor, office or admin"
            )),
        }
    }
}

/// A user as the API shows them (never with the password hash).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    pub id: String,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    /// The 区县 or 乡镇 an office user answers for; empty otherwise.
    pub district: String,
    /// Unix milliseconds.
    pub created_at: i64,
}

/// A user with their Argon2id password hash (PHC string), as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserRecord {
    pub user: User,
    pub password_hash: String,
}

/// A session to store at login, with the device it was made on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSession {
    /// SHA-256 of the token, hex.
    pub token_hash: String,
    pub user_id: String,
    pub device_id: String,
    pub device_name: String,
    /// For a device new to the server: start its sequence numbering where this other device's
    /// stands. A phone handed from one user to another gets a device id of its own for the new
    /// user and keeps counting, so its next push is not a gap.
    pub seq_from: Option<String>,
    /// Unix milliseconds.
    pub created_at: i64,
    pub expires_at: i64,
}

/// The login attempts of one username from one address in the current window
/// (`migrations/*/0008_login_attempts.sql`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::FromRow)]
pub struct LoginAttempts {
    /// Attempts counted in this window, the one just made included.
    pub attempts: i64,
    /// Unix milliseconds of the window's first attempt.
    pub window_start: i64,
}

#[derive(sqlx::FromRow)]
pub(super) struct UserRow {
    id: String,
    username: String,
    display_name: String,
    role: String,
    district: String,
    password_hash: String,
    created_at: i64,
}

impl TryFrom<UserRow> for UserRecord {
    type Error = StoreError;

    fn try_from(row: UserRow) -> Result<Self, StoreError> {
        let role = row.role.parse().map_err(|reason| StoreError::InvalidRow {
            table: "users",
            id: row.id.clone(),
            reason,
        })?;
        Ok(UserRecord {
            user: User {
                id: row.id,
                username: row.username,
                display_name: row.display_name,
                role,
                district: row.district,
                created_at: row.created_at,
            },
            password_hash: row.password_hash,
        })
    }
}
