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
pub mod db;
pub mod demo;
pub mod error;
pub mod json;
pub mod library;
pub mod photos;
pub mod school_cmd;
pub mod serve;
pub mod restore;
pub mod state;
pub mod static_files;
pub mod template_cmd;
pub mod user_cmd;

use axum::http::{header, StatusCode};
use axum::middleware;
use axum::response::{IntoResponse, Response};
use axum::Router;
use tower_http::compression::CompressionLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::trace::TraceLayer;

pub use error::AppError;
pub use state::AppState;

/// The whole HTTP application. Tests call this in-process; `serve` puts it on a socket.
pub fn app(state: AppState) -> Router {
    let limit = state.body_limit;
    Router::new()
        .nest("/api", api::router())
        .fallback(static_files::serve_app)
        .with_state(state)
        .layer(RequestBodyLimitLayer::new(limit))
        .layer(middleware::map_response(
            move |response: Response| async move { json_payload_too_large(response, limit) },
        ))
        .layer(CompressionLayer::new())
        .layer(TraceLayer::new_for_http())
}

/// The limit layer answers 413 in plain text before any handler runs; clients get the same
/// JSON error shape as every other API error instead.
fn json_payload_too_large(response: Response, limit: usize) -> Response {
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
