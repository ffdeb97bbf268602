//! The one error type every handler returns. It logs what went wrong inside and answers clients
//! with `{"error": code, "message": text}`, never with internals.

use axum::http::{header, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;

use crate::db::StoreError;
use crate::library::LibraryError;

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
    #[error("missing, unknown or expired token")]
    Unauthorized,
    #[error("invalid request: {0}")]
    InvalidRequest(String),
    #[error("forbidden: {0}")]
    Forbidden(String),
    #[error("not found: {0}")]
    NotFound(String),
    #[error("database unavailable")]
    DatabaseUnavailable(#[source] StoreError),
    #[error("storage failed")]
    Store(#[from] StoreError),
    #[error("the template library cannot be built")]
    Library(#[from] LibraryError),
    #[error("the response cannot be serialised")]
    Serialize(#[from] serde_json::Error),
}

/// The JSON body of every API error.
#[derive(Debug, Serialize)]
pub struct ErrorBody {
    pub error: &'static str,
    pub message: String,
    /// Seconds to wait, on 429 only (also sent as `Retry-After`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry_after: Option<u64>,
}

impl AppError {
    pub fn status(&self) -> StatusCode {
        match self {
            AppError::NoRoute { .. } => StatusCode::NOT_FOUND,
            AppError::MethodNotAllowed { .. } => StatusCode::METHOD_NOT_ALLOWED,
            AppError::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::BadCredentials | AppError::Unauthorized => StatusCode::UNAUTHORIZED,
            AppError::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            AppError::InvalidRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Forbidden(_) => StatusCode::FORBIDDEN,
            AppError::NotFound(_) => StatusCode::NOT_FOUND,
            AppError::DatabaseUnavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Store(_) | AppError::Library(_) | AppError::Serialize(_) => {
                StatusCode::INTERNAL_SERVER_ERROR
            }
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
            AppError::Unauthorized => "unauthorized",
            AppError::InvalidRequest(_) => "invalid_request",
            AppError::Forbidden(_) => "forbidden",
            AppError::NotFound(_) => "not_found",
            AppError::DatabaseUnavailable(_) => "database_unavailable",
            AppError::Store(_) | AppError::Library(_) | AppError::Serialize(_) => "internal",
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
            AppError::Unauthorized => {
                "Sign in first: the token is missing, unknown or expired".to_owned()
            }
            AppError::InvalidRequest(m) | AppError::Forbidden(m) | AppError::NotFound(m) => {
                m.clone()
            }
            AppError::DatabaseUnavailable(_) => {
                "The database is not reachable; try again shortly".to_owned()
            }
            AppError::Store(_) | AppError::Library(_) | AppError::Serialize(_) => {
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
            _ => None,
        };
        let body = ErrorBody {
            error: self.code(),
            message: self.message(),
            retry_after,
        };
        let mut response = (status, Json(body)).into_response();
        if let Some(seconds) = retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, header::HeaderValue::from(seconds));
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
