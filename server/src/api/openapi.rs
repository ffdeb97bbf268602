//! `GET /api/openapi.json`: the OpenAPI 3.1 document of this API (`openapi.json` next to this
//! file, written by hand and embedded in the binary). `tests/server/openapi.rs` checks that it
//! lists exactly the routes of [`super::router`], and that every operation in it is answered.

use axum::http::header;
use axum::response::IntoResponse;

/// The document, as served.
pub const DOCUMENT: &str = include_str!("openapi.json");

pub async fn get_openapi() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "application/json")], DOCUMENT)
}
