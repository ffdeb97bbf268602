//! The sync endpoints (DESIGN.md, "Sync protocol"; wire types in `dudao_domain::sync::wire`).
//! Every one needs a signed-in user.
//!
//! - `POST /api/sync/push`: a device's mutations, in `seq` order ([`push`]). 200
//!   [`PushResponse`]; 409 `seq_gap` with `expected` when a mutation skips a `seq` (nothing from
//!   it on is written); 403 `device_not_registered` when `device_id` is not the caller's.
//! - `GET /api/sync/pull?cursor=&limit=&device_id=`: the change log after `cursor`, scoped to the
//!   schools the user may see, `limit` (default 500, at most 1000) at a time and at most about
//!   1 MiB of them (always at least one), with the server's epoch and the device's `last_seq`
//!   (the device named, or the session's). A cursor past the log's head is a 400 naming the
//!   head; a restored database gets a new epoch first (`crate::restore`).
//! - `GET /api/sync/conflicts[?all=1]`: the open conflicts in scope (`all`: settled ones too).
//! - `POST /api/sync/conflicts/{id}/resolve`: marks one settled; 404 outside scope.

pub mod finding_moves;
pub mod limits;
pub mod push;

use std::collections::HashSet;

use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::Json;
use dudao_domain::sync::{
    Conflict, ConflictsResponse, MutationStatus, PullResponse, PushRequest, PushResponse,
};
use serde::Deserialize;

use crate::auth::Auth;
use crate::clock::now_ms;
use crate::db::{Scope, User};
use crate::error::{AppError, Unauthorized};
use crate::json::ValidJson;
use crate::state::AppState;
use push::Pushed;

/// Most mutations in one push; the phone sends its outbox in batches of this size or less.
pub const MAX_MUTATIONS: usize = 1_000;
/// Body limit of a push: a new visit with every answer, note and finding is well under 1 MiB;
/// a batch of several such visits fits.
pub const MAX_PUSH_BYTES: usize = 4 * 1024 * 1024;
pub const DEFAULT_PULL_LIMIT: i64 = 500;
pub const MAX_PULL_LIMIT: i64 = 1_000;

/// `device_id` as login stored it (lower-case hyphenated), or 400.
fn device_uuid(id: &str) -> Result<String, AppError> {
    uuid::Uuid::try_parse(id.trim())
        .map(|u| u.hyphenated().to_string())
        .map_err(|_| {
            AppError::InvalidRequest(format!(
                "device_id {:?} is not a UUID (like 0190a6e2-5b7c-7d1e-9f00-1a2b3c4d5e6f)",
                id.chars().take(80).collect::<String>()
            ))
        })
}

fn not_registered(device_id: &str, user: &User) -> AppError {
    AppError::DeviceNotRegistered(format!(
        "Device {device_id} is not registered to {}: sign in on this device again",
        user.username
    ))
}

pub async fn post_push(
    State(state): State<AppState>,
    auth: Auth,
    ValidJson(mut req): ValidJson<PushRequest>,
) -> Result<Json<PushResponse>, AppError> {
    let user = &auth.user;
    let device_id = device_uuid(&req.device_id)?;
    // Request-level checks: a 400 here writes nothing.
    if req.mutations.len() > MAX_MUTATIONS {
        return Err(AppError::InvalidRequest(format!(
            "{} mutations in one push; send at most {MAX_MUTATIONS} at a time",
            req.mutations.len()
        )));
    }
    if let Some(m) = req.mutations.iter().find(|m| m.seq < 1) {
        return Err(AppError::InvalidRequest(format!(
            "seq {} is not a sequence number: a device numbers its mutations from 1",
            m.seq
        )));
    }
    let store = state.store.as_ref();
    if store.device_last_seq(&device_id, &user.id).await?.is_none() {
        return Err(not_registered(&device_id, user));
    }
    let (server_epoch, _) = state.sync_head.current(store).await?;
    // A visit header's school is the roster's (issue 13): read only when a header is pushed.
    if req
        .mutations
        .iter()
        .any(|m| m.ops.iter().any(|op| op.field == "header"))
    {
        let roster = store
            .list_schools()
            .await?
            .into_iter()
            .map(|s| (s.id.clone(), s))
            .collect();
        limits::headers_from_roster(&mut req.mutations, &roster);
    }
    // Where this user may write; read once per push (assignments change rarely, and a push
    // that raced a new assignment is simply answered by the old one).
    let schools: HashSet<String> = store
        .scope_school_ids(&Scope::of(user))
        .await?
        .into_iter()
        .collect();
    // The template library, to check answers' values against their items (issue 12): read
    // once, and only when some mutation sets one (most pushes are notes, findings and states).
    let library = if req.mutations.iter().any(push::sets_answer_value) {
        Some(state.library().await?.0)
    } else {
        None
    };
    let ctx = push::Context { schools, library };

    let mut results = Vec::with_capacity(req.mutations.len());
    for m in &req.mutations {
        match push::push_one(store, user, &device_id, &ctx, m, now_ms()).await? {
            Pushed::Result(r) => {
                // A visit signed now hands its findings on to 整改, whatever release the phone
                // runs (a phone that makes the records itself then finds them unchanged).
                if r.status == MutationStatus::Applied && push::signs_visit(m) {
                    crate::findings_backfill::backfill(store, Some(&m.entity_id), now_ms()).await?;
                }
                if r.status != MutationStatus::Duplicate {
                    tracing::debug!(device = %device_id, seq = r.seq, status = ?r.status, "pushed");
                }
                results.push(r);
            }
            Pushed::Gap { expected } => {
                return Err(AppError::SeqGap {
                    got: m.seq,
                    expected,
                    server_epoch,
                })
            }
        }
    }
    let last_seq = store
        .device_last_seq(&device_id, &user.id)
        .await?
        .ok_or_else(|| not_registered(&device_id, user))?;
    // What was just stored counts as served: a restore that loses it is told too.
    state.sync_head.observe(store.sync_head().await?.1);
    Ok(Json(PushResponse {
        server_epoch,
        last_seq,
        results,
    }))
}

/// Query parameters as text, so a bad one gets a specific 400 rather than axum's plain text.
#[derive(Debug, Deserialize)]
pub struct PullParams {
    cursor: Option<String>,
    limit: Option<String>,
    device_id: Option<String>,
}

pub async fn get_pull(
    State(state): State<AppState>,
    auth: Auth,
    params: Result<Query<PullParams>, QueryRejection>,
) -> Result<Json<PullResponse>, AppError> {
    let Query(params) = params.map_err(|e| AppError::InvalidRequest(e.body_text()))?;
    let cursor = match params.cursor.as_deref() {
        None | Some("") => 0,
        Some(c) => c.parse::<i64>().ok().filter(|c| *c >= 0).ok_or_else(|| {
            AppError::InvalidRequest(format!(
                "cursor {c:?} is not a change id: send 0 or the cursor of the last page"
            ))
        })?,
    };
    let limit = match params.limit.as_deref() {
        None | Some("") => DEFAULT_PULL_LIMIT,
        Some(l) => l
            .parse::<i64>()
            .ok()
            .filter(|l| (1..=MAX_PULL_LIMIT).contains(l))
            .ok_or_else(|| {
                AppError::InvalidRequest(format!(
                    "limit {l:?} must be a whole number from 1 to {MAX_PULL_LIMIT}"
                ))
            })?,
    };
    let user = &auth.user;
    let store = state.store.as_ref();
    let device_id = match params.device_id.as_deref() {
        Some(d) => device_uuid(d)?,
        None => store
            .session_device(&auth.token_hash)
            .await?
            .ok_or(AppError::Unauthorized(Unauthorized::Invalid))?,
    };
    let device_last_seq = store
        .device_last_seq(&device_id, &user.id)
        .await?
        .ok_or_else(|| not_registered(&device_id, user))?;
    let (server_epoch, head) = state.sync_head.current(store).await?;
    // Only a device of another epoch (a restored or replaced database the server could not
    // tell, see `crate::restore`) or a made-up cursor can be past the head: an empty page with
    // the same cursor would leave it waiting for changes it will never get.
    if cursor > head {
        return Err(AppError::InvalidRequest(format!(
            "cursor {cursor} is past the end of the change log (the last change is {head}, \
             server epoch {server_epoch}): this server's data was restored or replaced; pull \
             again from cursor 0"
        )));
    }
    let mut changes = store
        .changes_after(&Scope::of(user), cursor, limit + 1)
        .await?;
    // At most `limit` changes, and at most about 1 MiB of them.
    let fit = limits::page_len(&changes[..changes.len().min(limit as usize)]);
    let has_more = changes.len() > fit;
    changes.truncate(fit);
    Ok(Json(PullResponse {
        cursor: changes.last().map_or(cursor, |c| c.id),
        has_more,
        changes,
        server_epoch,
        device_last_seq,
    }))
}

#[derive(Debug, Deserialize)]
pub struct ConflictParams {
    all: Option<String>,
}

pub async fn list_conflicts(
    State(state): State<AppState>,
    auth: Auth,
    params: Result<Query<ConflictParams>, QueryRejection>,
) -> Result<Json<ConflictsResponse>, AppError> {
    let Query(params) = params.map_err(|e| AppError::InvalidRequest(e.body_text()))?;
    let all = match params.all.as_deref() {
        None | Some("" | "0" | "false") => false,
        Some("1" | "true") => true,
        Some(other) => {
            return Err(AppError::InvalidRequest(format!(
                "all={other:?}: use all=1 to include settled conflicts"
            )))
        }
    };
    let conflicts = state
        .store
        .list_conflicts(&Scope::of(&auth.user), all)
        .await?;
    Ok(Json(ConflictsResponse { conflicts }))
}

/// Marks a conflict settled by the caller; settling it again changes nothing. 404 when there
/// is no such conflict or it is of a school the caller may not see.
pub async fn resolve_conflict(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Json<Conflict>, AppError> {
    let not_found = || AppError::NotFound(format!("No conflict {id} among the ones you can see"));
    let Some(n) = id.parse::<i64>().ok().filter(|n| *n > 0) else {
        return Err(not_found());
    };
    let conflict = state
        .store
        .resolve_conflict(&Scope::of(&auth.user), n, &auth.user.id, now_ms())
        .await?
        .ok_or_else(not_found)?;
    tracing::info!(conflict = n, user = %auth.user.username, "conflict settled");
    Ok(Json(conflict))
}
