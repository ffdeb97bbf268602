//! `GET /api/schools` and `GET /api/schools/{id}`: the schools a user may visit.
//!
//! With a valid `Authorization: Bearer` token they are scoped by role: a supervisor gets the
//! schools assigned to them, office staff the schools of their district (a 区县 matching
//! `county` or a 乡镇 matching `district`), an admin every school. An invalid or expired token is
//! 401.
//!
//! TEMPORARY: without an `Authorization` header they still answer with every school, because
//! the app does not sign in yet. Once the client sync engine signs in (issue 6, item 6), a
//! missing token must become 401 here too.

use std::collections::HashSet;

use axum::extract::{Path, State};
use axum::Json;
use dudao_domain::School;

use crate::auth::{Auth, MaybeAuth};
use crate::db::Role;
use crate::error::AppError;
use crate::state::AppState;

pub async fn list_schools(
    State(state): State<AppState>,
    MaybeAuth(auth): MaybeAuth,
) -> Result<Json<Vec<School>>, AppError> {
    let schools = state.store.list_schools().await?;
    Ok(Json(match auth {
        None => schools,
        Some(auth) => visible(&state, &auth, schools).await?,
    }))
}

/// One school by id: 404 if there is none, 403 (with the reason) if the user may not see it.
pub async fn get_school(
    State(state): State<AppState>,
    MaybeAuth(auth): MaybeAuth,
    Path(id): Path<String>,
) -> Result<Json<School>, AppError> {
    let school = state
        .store
        .list_schools()
        .await?
        .into_iter()
        .find(|s| s.id == id)
        .ok_or_else(|| AppError::NotFound(format!("No school with id {id}")))?;
    if let Some(auth) = auth {
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
