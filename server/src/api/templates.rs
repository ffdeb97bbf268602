//! `GET /api/templates`: the template library phones cache for offline visits.
//!
//! `{"templates": [Template…]}`, one per template id: the newest version, as the office's local
//! edition where its thresholds apply (with the `local` record of every change). Built-in
//! templates come first in the order they ship, then the office's own in the order it first
//! published them. Each template has the domain's serde shape, as the app stores it in IndexedDB.
//!
//! Open to anyone, without a token, on purpose: the library is published policy (checklists
//! built on national 文件, with their citations, and the county's published local thresholds),
//! nothing about a school or a person; and a phone that has not signed in yet, or whose sign-in
//! expired in the field, must still be able to start a visit offline with the county's current
//! edition. Everything about schools, visits and photos needs a token.

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use dudao_domain::Template;
use serde::Serialize;

use crate::error::AppError;
use crate::state::AppState;

#[derive(Debug, Serialize)]
pub struct TemplateLibrary {
    pub templates: Vec<Template>,
}

pub async fn list_templates(State(state): State<AppState>) -> Result<Response, AppError> {
    let (_, body) = state.library().await?;
    Ok(([(header::CONTENT_TYPE, "application/json")], body).into_response())
}
