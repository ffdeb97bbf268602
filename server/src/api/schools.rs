//! `GET /api/schools`: the schools a supervisor can visit.
//!
//! Every school for now; scoping by role (a supervisor's assigned schools, an office clerk's
//! district) comes with authentication.

use axum::extract::State;
use axum::Json;
use dudao_domain::School;

use crate::error::AppError;
use crate::state::AppState;

pub async fn list_schools(State(state): State<AppState>) -> Result<Json<Vec<School>>, AppError> {
    Ok(Json(state.store.list_schools().await?))
}
