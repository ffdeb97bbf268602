//! `GET /api/schools` and `GET /api/schools/{id}`: the schools a user may visit.
//!
//! Both need a signed-in user ([`Auth`]): without a token, or with one that is malformed,
//! unknown or expired, the answer is 401 `unauthorized` and lists nothing. With one they are
//! scoped by role: a supervisor gets the schools assigned to them, office staff the schools of
//! their district (a 区县 matching `county` or a 乡镇 matching `district`), an admin every
//! school. One school outside that scope is 403 `forbidden` with the reason; an unknown id is
//! 404. (Which schools exist, their enrolment and who supervises them is not public: a phone
//! that has not signed in keeps the list it last fetched, see the app's `state.rs`.)

use std::collections::HashSet;

use axum::extract::{Path, State};
use axum::Json;
use dudao_domain::School;

use crate::auth::Auth;
use crate::db::Role;
use crate::error::AppError;
use crate::state::AppState;

pub async fn list_schools(
    State(state): State<AppState>,
    auth: Auth,
) -> Result<Json<Vec<School>>, AppError> {
    let schools = state.store.list_schools().await?;
    Ok(Json(visible(&state, &auth, schools).await?))
}

/// One school by id: 404 if there is none, 403 (with the reason) if the user may not see it.
pub async fn get_school(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Json<School>, AppError> {
    let school = state
        .store
        .list_schools()
        .await?
        .into_iter()
        .find(|s| s.id == id)
        .ok_or_else(|| AppError::NotFound(format!("No school with id {id}")))?;
    if visible(&state, &auth, vec![school.clone()])
        .await?
        .is_empty()
    {
        let why = match auth.user.role {
            Role::Supervisor => format!(
                "School {} ({}) is not assigned to {}",
                school.code, school.name, auth.user.username
            ),
            _ => format!(
                "School {} ({}) is not in {}'s district {}",
                school.code, school.name, auth.user.username, auth.user.district
            ),
        };
        return Err(AppError::Forbidden(why));
    }
    Ok(Json(school))
}

/// The schools of `schools` the user may see, in the same order.
async fn visible(
    state: &AppState,
    auth: &Auth,
    schools: Vec<School>,
) -> Result<Vec<School>, AppError> {
    let user = &auth.user;
    Ok(match user.role {
        Role::Admin => schools,
        Role::Office => schools
            .into_iter()
            .filter(|s| {
                !user.district.is_empty()
                    && (s.county == user.district || s.district == user.district)
            })
            .collect(),
        Role::Supervisor => {
            let assigned: HashSet<String> = state
                .store
                .assigned_school_ids(&user.id)
                .await?
                .into_iter()
                .collect();
            schools
                .into_iter()
                .filter(|s| assigned.contains(&s.id))
                .collect()
        }
    })
}
