//! The one error type every handler returns. It logs what went wrong inside and answers clients
//! with `{"error": code, "message": text}`, never with internals.

use axum::http::{header, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;

use crate::db::StoreError;
use crate::library::LibraryError;

/// tus's header for where an upload's bytes end (`crate::api::photos`).
pub const UPLOAD_OFFSET: header::HeaderName = header::HeaderName::from_static("upload-offset");

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("no API route {method} {path}")]
    NoRoute { method: Method, path: String },
    #[error("method {method} not allowed on {path}")]
    MethodNotAllowed { method: Method, path: String },
    #[error("request body larger than {limit} bytes")]
    PayloadTooLarge { limit: usize },
    #[error("wrong username or password")]
    BadCredentials,
    #[error("too many failed logins; retry after {retry_after} s")]
    RateLimited { retry_after: u64 },
    #[error("not signed in: {0}")]
    Unauthorized(Unauthorized),
    #[error("invalid request: {0}")]
    InvalidRequest(String),
    #[error("forbidden: {0}")]
    Forbidden(String),
    #[error("not found: {0}")]
    NotFound(String),
    #[error("conflict: {0}")]
    Conflict(String),
    /// A `PATCH` of a photo that does not start where the server's bytes end.
    #[error("upload offset {sent} is not the server's {offset}")]
    UploadOffset { sent: u64, offset: u64 },
    #[error("too large: {0}")]
    TooLarge(String),
    #[error("unsupported media type: {0}")]
    UnsupportedMediaType(String),
    /// A chunk whose `Upload-Checksum` does not match its bytes.
    #[error("checksum mismatch: {0}")]
    ChecksumMismatch(String),
    /// A whole photo whose SHA-256 is not the one it was created with.
    #[error("hash mismatch: {0}")]
    HashMismatch(String),
    /// A push whose next mutation skips sequence numbers (`crate::api::sync`): nothing from it
    /// on was written; the body says which `seq` to send next.
    #[error("seq {got} skips ahead; expected {expected}")]
    SeqGap {
        got: i64,
        expected: i64,
        server_epoch: String,
    },
    /// A sync request naming a device that is not registered to the signed-in user.
    #[error("device not registered: {0}")]
    DeviceNotRegistered(String),
    /// A login whose new device id could not be registered (a fresh UUIDv7 already taken:
    /// never in practice). A device id of another user gets a new id instead (issue 13).
    #[error("device registered to another user: {0}")]
    DeviceTaken(String),
    #[error("database unavailable")]
    DatabaseUnavailable(#[source] StoreError),
    /// The database's write lock or connections stayed taken past the wait (SQLite busy, a
    /// PostgreSQL serialisation failure or deadlock): nothing of the request was written and
    /// the same request can be sent again.
    #[error("database busy")]
    DatabaseBusy(#[source] StoreError),
    #[error("storage failed")]
    Store(#[source] StoreError),
    #[error("the template library cannot be built")]
    Library(#[from] LibraryError),
    #[error("the response cannot be serialised")]
    Serialize(#[from] serde_json::Error),
    #[error("photo storage failed")]
    PhotoStorage(#[source] std::io::Error),
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        if e.is_busy() {
            AppError::DatabaseBusy(e)
        } else {
            AppError::Store(e)
        }
    }
}

/// Seconds a client is asked to wait before sending a request the busy database refused.
pub const BUSY_RETRY_AFTER: u64 = 5;

/// Why a request that needs a signed-in user is 401 `unauthorized`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Unauthorized {
    /// No `Authorization` header at all.
    #[error("no token")]
    Missing,
    /// An `Authorization` header that is not `Bearer <token>`.
    #[error("not a bearer token")]
    Malformed,
    /// A token the server does not know, or whose session expired or was signed out.
    #[error("unknown or expired token")]
    Invalid,
}

impl Unauthorized {
    /// What the client is told: what is wrong with the request and how to put it right.
    pub fn message(self) -> &'static str {
        match self {
            Unauthorized::Missing => {
                "Sign in first: this request needs the token from POST /api/login, sent as \
                 `Authorization: Bearer <token>`"
            }
            Unauthorized::Malformed => {
                "The Authorization header must be `Bearer <token>`, with the token from \
                 POST /api/login"
            }
            Unauthorized::Invalid => {
                "The token is unknown, expired or signed out: sign in again with POST /api/login"
            }
        }
    }
}

/// tus's status for a chunk whose checksum does not match (`Upload-Checksum`).
pub const CHECKSUM_MISMATCH: u16 = 460;

/// The JSON body of every API error.
#[derive(Debug, Serialize)]
pub struct ErrorBody {
    pub error: &'static str,
    pub message: String,
    /// Seconds to wait, on 429 and on 503 `database_busy` (also sent as `Retry-After`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry_after: Option<u64>,
    /// The bytes of the photo the server holds, on 409 `offset_mismatch` only (also sent as
    /// `Upload-Offset`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub offset: Option<u64>,
    /// The `seq` the server expects next, on 409 `seq_gap` only (`dudao_domain::sync::SeqGap`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expected: Option<i64>,
    /// On 409 `seq_gap` only: the server's epoch, so the phone can tell a restored server.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub server_epoch: Option<String>,
}

impl AppError {
    pub fn status(&self) -> StatusCode {
        match self {
            AppError::NoRoute { .. } => StatusCode::NOT_FOUND,
            AppError::MethodNotAllowed { .. } => StatusCode::METHOD_NOT_ALLOWED,
            AppError::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::BadCredentials | AppError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            AppError::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            AppError::InvalidRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Forbidden(_) => StatusCode::FORBIDDEN,
            AppError::NotFound(_) => StatusCode::NOT_FOUND,
            AppError::Conflict(_) | AppError::UploadOffset { .. } | AppError::SeqGap { .. } => {
                StatusCode::CONFLICT
            }
            AppError::DeviceNotRegistered(_) => StatusCode::FORBIDDEN,
            AppError::DeviceTaken(_) => StatusCode::CONFLICT,
            AppError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            AppError::ChecksumMismatch(_) => {
                StatusCode::from_u16(CHECKSUM_MISMATCH).expect("460 is a valid status code")
            }
            AppError::HashMismatch(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::DatabaseUnavailable(_) | AppError::DatabaseBusy(_) => {
                StatusCode::SERVICE_UNAVAILABLE
            }
            AppError::Store(_)
            | AppError::Library(_)
            | AppError::Serialize(_)
            | AppError::PhotoStorage(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// A stable, machine-readable code the app can switch on.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::NoRoute { .. } => "not_found",
            AppError::MethodNotAllowed { .. } => "method_not_allowed",
            AppError::PayloadTooLarge { .. } => "payload_too_large",
            AppError::BadCredentials => "bad_credentials",
            AppError::RateLimited { .. } => "rate_limited",
            AppError::Unauthorized(_) => "unauthorized",
            AppError::InvalidRequest(_) => "invalid_request",
            AppError::Forbidden(_) => "forbidden",
            AppError::NotFound(_) => "not_found",
            AppError::Conflict(_) => "conflict",
            AppError::UploadOffset { .. } => "offset_mismatch",
            AppError::TooLarge(_) => "payload_too_large",
            AppError::UnsupportedMediaType(_) => "unsupported_media_type",
            AppError::ChecksumMismatch(_) => "checksum_mismatch",
            AppError::HashMismatch(_) => "hash_mismatch",
            AppError::SeqGap { .. } => "seq_gap",
            AppError::DeviceNotRegistered(_) => "device_not_registered",
            AppError::DeviceTaken(_) => "device_taken",
            AppError::DatabaseUnavailable(_) => "database_unavailable",
            AppError::DatabaseBusy(_) => "database_busy",
            AppError::Store(_)
            | AppError::Library(_)
            | AppError::Serialize(_)
            | AppError::PhotoStorage(_) => "internal",
        }
    }

    /// What the client is told: specific about its own request, silent about the server's.
    pub fn message(&self) -> String {
        match self {
            AppError::NoRoute { method, path } => format!("No API route {method} {path}"),
            AppError::MethodNotAllowed { method, path } => {
                format!("{path} does not accept {method}")
            }
            AppError::PayloadTooLarge { limit } => {
                format!("The request body is larger than the {limit} bytes this server accepts")
            }
            AppError::BadCredentials => "Wrong username or password".to_owned(),
            AppError::RateLimited { retry_after } => format!(
                "Too many failed logins for this username; try again in {retry_after} seconds"
            ),
            AppError::Unauthorized(why) => why.message().to_owned(),
            AppError::InvalidRequest(m)
            | AppError::Forbidden(m)
            | AppError::NotFound(m)
            | AppError::Conflict(m)
            | AppError::TooLarge(m)
            | AppError::UnsupportedMediaType(m)
            | AppError::ChecksumMismatch(m)
            | AppError::HashMismatch(m)
            | AppError::DeviceNotRegistered(m)
            | AppError::DeviceTaken(m) => m.clone(),
            AppError::SeqGap { got, expected, .. } => format!(
                "Mutation seq {got} skips ahead: the server has accepted this device's changes up \
                 to seq {} and expects seq {expected} next; nothing from seq {got} on was \
                 stored, so send the outbox again from seq {expected}",
                expected - 1
            ),
            AppError::UploadOffset { sent, offset } => format!(
                "Upload-Offset is {sent}, but the server holds {offset} bytes of this photo: \
                 send the bytes from offset {offset}"
            ),
            AppError::DatabaseUnavailable(_) => {
                "The database is not reachable; try again shortly".to_owned()
            }
            AppError::DatabaseBusy(_) => format!(
                "The database is busy with other writes and nothing of this request was stored; \
                 send it again in {BUSY_RETRY_AFTER} seconds"
            ),
            AppError::Store(_)
            | AppError::Library(_)
            | AppError::Serialize(_)
            | AppError::PhotoStorage(_) => {
                "The server could not complete the request; the error has been logged".to_owned()
            }
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let status = self.status();
        if status.is_server_error() {
            tracing::error!(code = self.code(), error = %error_chain(&self), "request failed");
        } else {
            tracing::debug!(code = self.code(), error = %self, "request rejected");
        }
        let retry_after = match self {
            AppError::RateLimited { retry_after } => Some(retry_after),
            AppError::DatabaseBusy(_) => Some(BUSY_RETRY_AFTER),
            _ => None,
        };
        let offset = match self {
            AppError::UploadOffset { offset, .. } => Some(offset),
            _ => None,
        };
        let (expected, server_epoch) = match &self {
            AppError::SeqGap {
                expected,
                server_epoch,
                ..
            } => (Some(*expected), Some(server_epoch.clone())),
            _ => (None, None),
        };
        let body = ErrorBody {
            error: self.code(),
            message: self.message(),
            retry_after,
            offset,
            expected,
            server_epoch,
        };
        let mut response = (status, Json(body)).into_response();
        if let Some(seconds) = retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, header::HeaderValue::from(seconds));
        }
        if let Some(offset) = offset {
            response
                .headers_mut()
                .insert(UPLOAD_OFFSET, header::HeaderValue::from(offset));
        }
        response
    }
}

/// `error: cause: cause…`, so one log line says why, down to the driver's message.
pub fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}
