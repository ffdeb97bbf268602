//! A pushed finding record (`dudao_domain::finding_record`): where it may come from, and
//! whether the 整改 moves it brings follow from where the finding stands (issue 17, items 2
//! and 6). The table of moves is the domain's (`dudao_domain::rectify`): the phone and the
//! server go by the same one.
//!
//! - A finding record is created by a supervisor, for a finding listed in a signed visit the
//!   server has, of that visit's school; its `origin` never changes.
//! - `status` and `deadline` move only with history entries (`history.{id}`), each set once.
//!   The new entries of a push are taken, oldest first, onto the stored workflow
//!   (`Workflow::accept`): each must start where the finding stands, be allowed to the pusher's
//!   role, lead where the table says and carry its note or photo; its `role` and `by` (and
//!   `by_name`, when given) must be
//!   the pusher's. The office may also set a new `deadline` (延期) without a move.
//! - A move made on a finding that moved meanwhile (the office withdrew it while the phone was
//!   offline) is not applied and not dropped: its entry, status and deadline go to the
//!   conflicts table, next to the status that won, and the phone is told (`lost`).
//! - Anything else that breaks the table is rejected with the reason.

use dudao_domain::datetime::Date;
use dudao_domain::finding::{Disposition, FindingStatus};
use dudao_domain::finding_record::Origin;
use dudao_domain::rectify::{Action, Actor, CloseRule, Entry, Facts, RectifyError, Workflow};
use dudao_domain::sync::fields::{self, FieldPath};
use dudao_domain::sync::{Mutation, ENTITY_FINDING, ENTITY_VISIT};
use dudao_domain::template::Severity;
use dudao_domain::visit::VisitState;
use serde::de::DeserializeOwned;

use crate::db::sync::{NewRecord, PushTx};
use crate::db::{Role, StoreError, User};

/// How a passed 复查 ends in this county. The office's setting for it comes with the office's
/// settings (issue 19); until then every county closes on a passed 复查.
pub const CLOSE_RULE: CloseRule = CloseRule::OnRecheck;

/// What the workflow part of a finding mutation comes to.
#[derive(Debug, Clone, PartialEq)]
pub enum Moves {
    /// No move, no status or deadline change, or every move follows: apply the ops.
    Follow,
    /// A move started from a status the finding has left: keep its workflow ops as conflicts.
    Stale,
}

pub fn actor(role: Role) -> Actor {
    match role {
        Role::Supervisor => Actor::Supervisor,
        Role::Office => Actor::Office,
        Role::Admin => Actor::Admin,
    }
}

fn op_value<T: DeserializeOwned>(m: &Mutation, field: &str) -> Option<T> {
    m.ops
        .iter()
        .find(|op| op.field == field)
        .and_then(|op| serde_json::from_value(op.value.clone()).ok())
}

/// The record a finding mutation creates, with its school; or why it cannot.
pub async fn new_finding(
    tx: &mut dyn PushTx,
    m: &Mutation,
) -> Result<Result<NewRecord, String>, StoreError> {
    // Validated in check_shape.
    let Some(origin) = op_value::<Origin>(m, "origin") else {
        return Ok(Err(format!(
            "finding {} is new to the server: its first mutation must set origin",
            m.entity_id
        )));
    };
    let Some(visit) = tx.record(ENTITY_VISIT, &origin.visit_id).await? else {
        return Ok(Err(format!(
            "finding {} comes from visit {}, which the server has not received: sync the visit \
             first",
            m.entity_id, origin.visit_id
        )));
    };
    if origin.school_id != visit.school_id {
        return Ok(Err(format!(
            "finding {} names school {}, but its visit {} is of school {}",
            m.entity_id, origin.school_id, origin.visit_id, visit.school_id
        )));
    }
    let listed = tx
        .field(ENTITY_VISIT, &origin.visit_id, "findings")
        .await?
        .and_then(|f| serde_json::from_value::<Vec<String>>(f.state.value).ok())
        .is_some_and(|ids| ids.contains(&m.entity_id));
    if !listed {
        return Ok(Err(format!(
            "visit {} lists no finding {}: a finding record is made from a finding of its visit",
            origin.visit_id, m.entity_id
        )));
    }
    let state = tx
        .field(ENTITY_VISIT, &origin.visit_id, "state")
        .await?
        .and_then(|f| serde_json::from_value::<VisitState>(f.state.value).ok());
    if !matches!(state, Some(VisitState::Signed | VisitState::Synced)) {
        return Ok(Err(format!(
            "visit {} is not signed: its findings go on to 整改 once the school has signed",
            origin.visit_id
        )));
    }
    Ok(Ok(NewRecord {
        school_id: visit.school_id,
        visit_id: Some(origin.visit_id),
    }))
}

/// A stored field's value, or the mutation's for a new record.
async fn stored_or_pushed<T: DeserializeOwned + Default>(
    tx: &mut dyn PushTx,
    m: &Mutation,
    exists: bool,
    field: &str,
) -> Result<T, StoreError> {
    if exists {
        if let Some(f) = tx.field(ENTITY_FINDING, &m.entity_id, field).await? {
            return Ok(serde_json::from_value(f.state.value).unwrap_or_default());
        }
    }
    Ok(op_value(m, field).unwrap_or_default())
}

/// Checks the workflow part of a finding mutation by `user` (see the module header). `Err`:
/// the reason it is rejected.
pub async fn check_moves(
    tx: &mut dyn PushTx,
    user: &User,
    m: &Mutation,
    exists: bool,
    now: i64,
) -> Result<Result<Moves, String>, StoreError> {
    if exists {
        if let Some(op) = m.ops.iter().find(|op| op.field == "origin") {
            let stored = tx.field(ENTITY_FINDING, &m.entity_id, "origin").await?;
            if stored.is_some_and(|s| s.state.value != op.value) {
                return Ok(Err(format!(
                    "finding {} already has an origin; it is set once and cannot change",
                    m.entity_id
                )));
            }
        }
    }
    // The new history entries, oldest first; one already stored must come back unchanged.
    let mut entries: Vec<Entry> = Vec::new();
    for op in &m.ops {
        let Ok(FieldPath::FindingHistory { .. }) = fields::parse(ENTITY_FINDING, &op.field) else {
            continue;
        };
        if exists {
            if let Some(stored) = tx.field(ENTITY_FINDING, &m.entity_id, &op.field).await? {
                if stored.state.value != op.value {
                    return Ok(Err(format!(
                        "{} of finding {} is already recorded; a history entry never changes",
                        op.field, m.entity_id
                    )));
                }
                continue;
            }
        }
        // Validated in check_shape.
        let Ok(e) = serde_json::from_value::<Entry>(op.value.clone()) else {
            return Ok(Err(format!("{} is not a history entry", op.field)));
        };
        if e.role != actor(user.role) || e.by != user.username {
            return Ok(Err(format!(
                "{} is recorded as made by {} ({:?}); {} ({}) can only record their own moves",
                op.field, e.by, e.role, user.username, user.role
            )));
        }
        if !e.by_name.is_empty() && e.by_name != user.display_name {
            return Ok(Err(format!(
                "{} names its maker {:?}, but {} is {:?}",
                op.field, e.by_name, user.username, user.display_name
            )));
        }
        entries.push(e);
    }
    entries.sort_by(|a, b| (a.at, &a.id).cmp(&(b.at, &b.id)));

    // Where the finding stands: as stored, or 待整改 for a new one (its moves start there).
    let status = if exists {
        stored_or_pushed(tx, m, true, "status").await?
    } else {
        FindingStatus::Pending
    };
    let deadline: Option<Date> = stored_or_pushed(tx, m, exists, "deadline").await?;
    let severity: Severity = stored_or_pushed(tx, m, exists, "severity").await?;
    let disposition: Disposition = stored_or_pushed(tx, m, exists, "disposition").await?;
    let mut w = Workflow {
        status,
        deadline,
        history: Vec::new(),
    };
    let failed_recheck = entries
        .iter()
        .any(|e| matches!(e.action, Action::RecheckFailed { .. }));
    for e in entries.iter().cloned() {
        let facts = Facts {
            severity,
            disposition,
            rule: CLOSE_RULE,
            // The day the move was made (a 复查 done offline is judged on its own day), never
            // later than today.
            today: Date::of_ms(e.at.min(now)),
        };
        let id = e.id.clone();
        match w.accept(e, &facts) {
            Ok(()) => {}
            Err(RectifyError::Stale { .. }) => return Ok(Ok(Moves::Stale)),
            Err(err) => {
                return Ok(Err(format!(
                    "history.{id} of finding {}: {err}",
                    m.entity_id
                )))
            }
        }
    }
    if let Some(pushed) = op_value::<FindingStatus>(m, "status") {
        if pushed != w.status {
            return Ok(Err(if entries.is_empty() {
                format!(
                    "finding {} is {:?}; its status moves only with a history entry saying who \
                     moved it and how",
                    m.entity_id, w.status
                )
            } else {
                format!(
                    "finding {}: its history leads to {:?}, not to the status {pushed:?} pushed \
                     with it",
                    m.entity_id, w.status
                )
            }));
        }
    } else if !entries.is_empty() {
        return Ok(Err(format!(
            "finding {}: a move must be pushed with the status it leads to",
            m.entity_id
        )));
    }
    if let Some(pushed) = op_value::<Option<Date>>(m, "deadline") {
        let office = matches!(user.role, Role::Office | Role::Admin);
        let free = !exists || (office && !failed_recheck);
        if pushed != w.deadline && !free {
            return Ok(Err(format!(
                "finding {}: its deadline changes with a failed 复查 (复查未通过, the new deadline) \
                 or by the office",
                m.entity_id
            )));
        }
    }
    Ok(Ok(Moves::Follow))
}
