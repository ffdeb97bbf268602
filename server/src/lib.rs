//! Dudao's server: the JSON API under `/api` and the built app for everything else.
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use std::sync::Arc;
//! use dudao_server::{app, db::SqliteStore, demo, AppState};
//!
//! let store = Arc::new(SqliteStore::open("data/dudao.sqlite".as_ref()).await?);
//! demo::seed(store.as_ref()).await?;
//! let router = app(AppState::new(store, "dist"));
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:8080").await?;
//! axum::serve(listener, router).await?;
//! # Ok(()) }
//! ```

pub mod api;
pub mod auth;
pub mod cli;
pub mod clock;
pub mod db;
pub mod demo;
pub mod error;
pub mod findings_backfill;
pub mod headers;
pub mod json;
pub mod library;
pub mod listen;
pub mod photos;
pub mod restore;
pub mod school_cmd;
pub mod serve;
pub mod state;
pub mod static_files;
pub mod template_cmd;
pub mod user_cmd;

use axum::body::Body;
use axum::extract::Request;
use axum::http::{header, StatusCode};
use axum::middleware;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Router;
use http_body_util::Limited;
use tower_http::compression::CompressionLayer;
use tower_http::trace::TraceLayer;

pub use error::AppError;
pub use state::AppState;

/// The whole HTTP application. Tests call this in-process; `serve` puts it on a socket.
pub fn app(state: AppState) -> Router {
    let limit = state.body_limit;
    let policy = headers::AppPolicy::new(&state.dist);
    Router::new()
        .nest("/api", api::router())
        .fallback(static_files::serve_app)
        .with_state(state)
        .layer(middleware::from_fn(move |request: Request, next: Next| {
            server_body_limit(limit, request, next)
        }))
        .layer(middleware::map_response(
            move |response: Response| async move { json_payload_too_large(response, limit) },
        ))
        .layer(CompressionLayer::new())
        .layer(middleware::from_fn(move |request, next| {
            headers::security_headers(policy.clone(), request, next)
        }))
        .layer(TraceLayer::new_for_http())
}

/// The server-wide body limit: no handler reads more than `limit` bytes of any body. A declared
/// `Content-Length` above it is first left to the route: every API route refuses it with its
/// own, lower limit (`crate::json::limited`), so the 413 quotes the limit of the route that was
/// asked (issue 13: a 20 MB push was told "16777216 bytes", the push's limit being 4 MiB). Only
/// what no route refused (a fallback, which reads no body) is refused with this limit.
async fn server_body_limit(limit: usize, request: Request, next: Next) -> Response {
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    let request = request.map(|body| Body::new(Limited::new(body, limit)));
    let response = next.run(request).await;
    if declared.is_some_and(|n| n > limit as u64)
        && response.status() != StatusCode::PAYLOAD_TOO_LARGE
    {
        return AppError::PayloadTooLarge { limit }.into_response();
    }
    response
}

/// A plain-text 413 from anywhere else gets the JSON error shape of every other API error.
pub(crate) fn json_payload_too_large(response: Response, limit: usize) -> Response {
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    if response.status() == StatusCode::PAYLOAD_TOO_LARGE && !is_json {
        AppError::PayloadTooLarge { limit }.into_response()
    } else {
        response
    }
}
