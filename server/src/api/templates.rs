//! `GET /api/templates`: the template library phones cache for offline visits.
//!
//! `{"templates": [Template…]}`, one per template id: the newest version, as the office's local
//! edition where its thresholds apply (with the `local` record of every change). Built-in
//! templates come first in the order they ship, then the office's own in the order it first
//! published them. Each template has the domain's serde shape, as the app stores it in IndexedDB.

use axum::extract::State;
use axum::Json;
use dudao_domain::Template;
use serde::Serialize;

use crate::error::AppError;
use crate::library::Library;
use crate::state::AppState;

#[derive(Debug, Serialize)]
pub struct TemplateLibrary {
    pub templates: Vec<Template>,
}

pub async fn list_templates(
    State(state): State<AppState>,
) -> Result<Json<TemplateLibrary>, AppError> {
    let library = Library::load(state.store.as_ref()).await?;
    Ok(Json(TemplateLibrary {
        templates: library.templates().cloned().collect(),
    }))
}
