//! `POST /api/sync/push`, step by step as DESIGN.md ("Sync protocol") describes it.
//!
//! Each mutation is one transaction ([`crate::db::sync::PushTx`]), not the whole batch: a
//! batch of a hundred edits does not hold the write lock (SQLite) or the change-log counter
//! (PostgreSQL) for all of them, and what was committed stays committed if the connection
//! drops halfway; the phone learns it from `last_seq` or from the duplicates of its retry.
//!
//! Who may write what (issue 6, "Accounts and scope"):
//! - a supervisor writes visits (every field) and photos of the schools assigned to them, and
//!   creates them there;
//! - office staff write only the rectification workflow fields ([`fields::is_workflow`]: a
//!   finding record's `status`, `deadline` and history, a visit's `findings.{id}.status`) of
//!   records already on the server, of schools in their district;
//! - an admin, the same as office staff, in every school.
//!
//! The office never creates a visit or edits what the supervisor saw: those are the
//! supervisor's record. An answer's value must be one its item can take, within the item's
//! plausible range (issue 12): a phone running old code, or a client of its own, cannot store a
//! count of 99999 guards. A mutation that breaks a rule is `rejected` with an English reason; its
//! `seq` still counts, so the device's queue moves on.
//!
//! A finding record's origin and 整改 moves are checked in [`super::finding_moves`].

use std::collections::HashSet;

use dudao_domain::answer::AnswerValue;
use dudao_domain::photo::PhotoMeta;
use dudao_domain::sync::fields::{self, FieldPath, VisitHeader};
use dudao_domain::sync::{
    decide, Decision, FieldOutcome, FieldResult, FieldState, Mutation, MutationResult,
    MutationStatus, ENTITY_FINDING, ENTITY_PHOTO, ENTITY_VISIT,
};
use dudao_domain::visit::{TemplateRef, VisitState};
use dudao_domain::Template;

use crate::db::sync::{
    author, ConflictSide, FieldWrite, MutationWrite, NewConflict, NewRecord, PushTx, Record,
};
use crate::db::{Role, Store, StoreError, User};
use crate::error::AppError;
use crate::library::Library;

use super::finding_moves::{self, Moves};
use super::not_registered;

/// Most ops in one mutation (a new visit sends all its fields at once: a few hundred).
pub const MAX_OPS: usize = 5_000;

/// What `post_push` reads once per request, for every mutation of it.
pub struct Context {
    /// The schools the user may write.
    pub schools: HashSet<String>,
    /// The template library, to check answers' values against their items; `None` when no
    /// mutation of the push sets one ([`sets_answer_value`]).
    pub library: Option<std::sync::Arc<Library>>,
}

/// What the push of one mutation came to.
pub enum Pushed {
    Result(MutationResult),
    /// Step 2b: `seq > last_seq + 1`; nothing was written.
    Gap {
        expected: i64,
    },
}

/// Steps 1–5 for one mutation of `device_id`, in its own transaction.
pub async fn push_one(
    store: &dyn Store,
    user: &User,
    device_id: &str,
    ctx: &Context,
    m: &Mutation,
    now: i64,
) -> Result<Pushed, AppError> {
    // 1. Lock the device (and, on SQLite, the database) and read its last accepted seq.
    let mut tx = store
        .begin_push(device_id, &user.id)
        .await?
        .ok_or_else(|| not_registered(device_id, user))?;
    let last_seq = tx.last_seq();

    // 2a. seq <= last_seq: a duplicate. Give back the first answer; write nothing.
    if m.seq <= last_seq {
        let first = tx.stored_result(m.seq).await?;
        return Ok(Pushed::Result(MutationResult {
            seq: m.seq,
            status: MutationStatus::Duplicate,
            reason: first.as_ref().and_then(|f| f.reason.clone()),
            fields: first.map(|f| f.fields).unwrap_or_default(),
        }));
    }
    // 2b. seq > last_seq + 1: a gap. The transaction rolls back when dropped.
    if m.seq > last_seq + 1 {
        return Ok(Pushed::Gap {
            expected: last_seq + 1,
        });
    }

    // 3. Validate and decide, reading only; 4. write it all and advance last_seq.
    let mut write = MutationWrite {
        device_id: device_id.to_owned(),
        seq: m.seq,
        user_id: user.id.clone(),
        role: user.role,
        entity: m.entity.clone(),
        entity_id: m.entity_id.clone(),
        school_id: String::new(),
        new_record: None,
        fields: Vec::new(),
        conflicts: Vec::new(),
        status: MutationStatus::Applied,
        reason: None,
        results: Vec::new(),
        now,
    };
    match plan(&mut *tx, user, device_id, ctx, m, now, &mut write).await? {
        Ok(()) => {}
        Err(reason) => {
            // A rejected mutation writes nothing but its answer and the new last_seq.
            tracing::info!(
                device = device_id,
                seq = m.seq,
                user = %user.username,
                %reason,
                "sync mutation rejected"
            );
            write = MutationWrite {
                status: MutationStatus::Rejected,
                reason: Some(reason),
                new_record: None,
                fields: Vec::new(),
                conflicts: Vec::new(),
                results: Vec::new(),
                ..write
            };
        }
    }
    let result = MutationResult {
        seq: m.seq,
        status: write.status,
        reason: write.reason.clone(),
        fields: write.results.clone(),
    };
    // 5. Commit; the answer is stored with it for duplicates.
    tx.commit(write).await?;
    Ok(Pushed::Result(result))
}

/// Fills `write` with what the mutation stores, or answers why it is rejected.
async fn plan(
    tx: &mut dyn PushTx,
    user: &User,
    device_id: &str,
    ctx: &Context,
    m: &Mutation,
    now: i64,
    write: &mut MutationWrite,
) -> Result<Result<(), String>, StoreError> {
    // 3a. The mutation on its own: kind, id, ops, each value's type.
    if let Err(reason) = check_shape(m) {
        return Ok(Err(reason));
    }
    if user.role != Role::Supervisor {
        if m.entity == ENTITY_PHOTO {
            return Ok(Err(format!(
                "{} ({}) may only change the rectification of findings, not a {}",
                user.username, user.role, m.entity
            )));
        }
        if let Some(op) = m
            .ops
            .iter()
            .find(|op| !fields::is_workflow(&m.entity, &op.field))
        {
            return Ok(Err(format!(
                "{} ({}) may only change the rectification of findings (a finding's status, \
                 deadline and history; a visit's findings.<id>.status); {} is the supervisor's",
                user.username, user.role, op.field
            )));
        }
    }

    // 3b. The record: its school decides who may write it. A new one needs its first field.
    let record = tx.lock_record(&m.entity, &m.entity_id).await?;
    let school_id = match &record {
        Some(r) => r.school_id.clone(),
        None => match new_record(tx, user, m).await? {
            Ok(new) => {
                let school = new.school_id.clone();
                write.new_record = Some(new);
                school
            }
            Err(reason) => return Ok(Err(reason)),
        },
    };
    if !ctx.schools.contains(&school_id) {
        return Ok(Err(out_of_scope(user, &m.entity, &m.entity_id, &school_id)));
    }
    write.school_id = school_id;
    if let (Some(r), ENTITY_PHOTO) = (&record, m.entity.as_str()) {
        if let Some(reason) = photo_moves(r, m) {
            return Ok(Err(reason));
        }
    }
    // 3b'. A finding's origin is set once; its 整改 moves must follow from where it stands.
    let moves = if m.entity == ENTITY_FINDING {
        match finding_moves::check_moves(tx, user, m, record.is_some(), now).await? {
            Ok(moves) => moves,
            Err(reason) => return Ok(Err(reason)),
        }
    } else {
        Moves::Follow
    };
    // The status a stale move lost to, kept next to each of its workflow values.
    let kept_status = match moves {
        Moves::Stale => tx.field(&m.entity, &m.entity_id, "status").await?,
        Moves::Follow => None,
    };

    // 3c. Each answer's value: one its item can take, within the item's range.
    if let Some(library) = &ctx.library {
        if let Some(reason) = check_answers(tx, library, record.is_some(), m).await? {
            return Ok(Err(reason));
        }
    }

    // 3d. Each field: the domain's rule decides; the loser goes to the conflicts table.
    let hlc = m.hlc.capped(now);
    for op in &m.ops {
        let current = tx.field(&m.entity, &m.entity_id, &op.field).await?;
        if op.field == "header" && current.as_ref().is_some_and(|c| c.state.value != op.value) {
            return Ok(Err(format!(
                "visit {} already has a header; it is set once and cannot change",
                m.entity_id
            )));
        }
        let incoming = FieldState {
            value: op.value.clone(),
            rev: op.base_rev,
            hlc,
            device_id: device_id.to_owned(),
            author: author(user.role),
        };
        let workflow = fields::is_workflow(&m.entity, &op.field);
        let record_workflow = workflow && m.entity == ENTITY_FINDING;
        let decision = match (&moves, &current) {
            // A move checked against the stored status: it follows, whatever base it saw.
            (Moves::Follow, Some(c)) if record_workflow && c.state.value != op.value => {
                Decision::Apply { conflict: false }
            }
            (Moves::Stale, Some(c)) if record_workflow && c.state.value == op.value => {
                Decision::Unchanged
            }
            (Moves::Stale, _) if record_workflow => Decision::Keep,
            _ => decide(current.as_ref().map(|c| &c.state), &incoming, workflow),
        };
        let current_rev = current.as_ref().map_or(0, |c| c.state.rev);
        let mine = ConflictSide {
            value: op.value.clone(),
            hlc,
            device_id: device_id.to_owned(),
            user_id: user.id.clone(),
            role: user.role,
        };
        // A stale move is kept once, as its history entry next to the status that won (its
        // status and deadline follow from the entry and are only answered `lost`).
        let stale_entry = matches!(moves, Moves::Stale)
            && record_workflow
            && op.field.starts_with("history.")
            && current.is_none();
        let stale_other = matches!(moves, Moves::Stale) && record_workflow && !stale_entry;
        let current = if stale_entry {
            kept_status.clone()
        } else {
            current
        };
        let theirs = current.map(|c| ConflictSide {
            value: c.state.value,
            hlc: c.state.hlc,
            device_id: c.state.device_id,
            user_id: c.user_id,
            role: c.role,
        });
        let (rev, outcome, won) = match decision {
            Decision::Apply { conflict } => {
                let rev = current_rev + 1;
                write.fields.push(FieldWrite {
                    field: op.field.clone(),
                    value: op.value.clone(),
                    rev,
                    hlc,
                });
                if let (true, Some(lost)) = (conflict, theirs) {
                    write.conflicts.push(NewConflict {
                        field: op.field.clone(),
                        kept: mine,
                        lost,
                    });
                }
                (rev, FieldOutcome::Applied, None)
            }
            Decision::Unchanged => (current_rev, FieldOutcome::Unchanged, None),
            Decision::Keep => {
                // The answer carries the value that won, so the phone can show it at once.
                // A stale move's entry is not on the server: no value tells the phone to let
                // it go from the finding's history (the conflicts table keeps it).
                let won = if stale_entry {
                    None
                } else {
                    theirs.as_ref().map(|t| t.value.clone())
                };
                if let Some(kept) = theirs.filter(|_| !stale_other) {
                    write.conflicts.push(NewConflict {
                        field: op.field.clone(),
                        kept,
                        lost: mine,
                    });
                }
                (current_rev, FieldOutcome::Lost, won)
            }
        };
        write.results.push(FieldResult {
            field: op.field.clone(),
            rev,
            outcome,
            value: won,
        });
    }
    Ok(Ok(()))
}

/// What a mutation must be before the server looks at any record.
fn check_shape(m: &Mutation) -> Result<(), String> {
    if ![ENTITY_VISIT, ENTITY_PHOTO, ENTITY_FINDING].contains(&m.entity.as_str()) {
        return Err(format!(
            "unknown record kind {:?}: expected \"visit\", \"photo\" or \"finding\"",
            m.entity.chars().take(40).collect::<String>()
        ));
    }
    if !valid_entity_id(&m.entity_id) {
        return Err(format!(
            "{} id {:?} is neither a UUID in lower-case hyphenated form \
             (0190a6e2-5b7c-7d1e-9f00-1a2b3c4d5e6f) nor a finding id (<visit UUID>:<item code>)",
            m.entity,
            m.entity_id.chars().take(80).collect::<String>()
        ));
    }
    if m.ops.is_empty() {
        return Err("the mutation has no ops: it changes nothing".to_owned());
    }
    if m.ops.len() > MAX_OPS {
        return Err(format!(
            "the mutation has {} ops; at most {MAX_OPS} are accepted in one",
            m.ops.len()
        ));
    }
    let mut seen = HashSet::new();
    for op in &m.ops {
        if !seen.insert(op.field.as_str()) {
            return Err(format!("field {} is set twice in one mutation", op.field));
        }
        if op.base_rev < 0 {
            return Err(format!(
                "base_rev {} of {} is negative",
                op.base_rev, op.field
            ));
        }
        fields::validate(&m.entity, &op.field, &op.value).map_err(|e| e.to_string())?;
        if let Some(reason) = super::limits::oversized_text(&op.field, &op.value) {
            return Err(reason);
        }
    }
    Ok(())
}

/// An answer's value field (`answers.{code}.value`): its item code.
fn answer_value_code<'a>(entity: &str, field: &'a str) -> Option<&'a str> {
    match fields::parse(entity, field) {
        Ok(FieldPath::Answer {
            code,
            part: "value",
        }) => Some(code),
        _ => None,
    }
}

/// Whether `m` sets a visit's state to signed.
pub fn signs_visit(m: &Mutation) -> bool {
    m.entity == ENTITY_VISIT
        && m.ops.iter().any(|op| {
            op.field == "state"
                && matches!(
                    serde_json::from_value::<VisitState>(op.value.clone()),
                    Ok(VisitState::Signed | VisitState::Synced)
                )
        })
}

/// Whether `m` gives an answer a value (clearing one needs no check).
pub fn sets_answer_value(m: &Mutation) -> bool {
    m.entity == ENTITY_VISIT
        && m.ops
            .iter()
            .any(|op| !op.value.is_null() && answer_value_code(&m.entity, &op.field).is_some())
}

/// Why a value `m` gives an answer cannot be that item's answer: of another kind, outside the
/// item's plausible range (`AnswerKind::check`), or of an item not in the visit's checklists.
/// The checklists are the template versions the visit's header pins: the header `m` creates
/// the visit with, else the stored one. A version the server does not know (a template it never
/// had) leaves its items' values to the type check `check_shape` made.
async fn check_answers(
    tx: &mut dyn PushTx,
    library: &Library,
    existing: bool,
    m: &Mutation,
) -> Result<Option<String>, StoreError> {
    if !sets_answer_value(m) {
        return Ok(None);
    }
    let header = if existing {
        let stored = tx.field(ENTITY_VISIT, &m.entity_id, "header").await?;
        stored.map(|f| f.state.value)
    } else {
        let op = m.ops.iter().find(|op| op.field == "header");
        op.map(|op| op.value.clone())
    };
    // Both were validated as headers (check_shape, and before they were stored).
    let Some(header) = header.and_then(|h| serde_json::from_value::<VisitHeader>(h).ok()) else {
        return Ok(None);
    };
    let known: Vec<&Template> = header
        .templates
        .iter()
        .filter_map(|r| library.version(&r.id, r.version))
        .collect();
    let unknown: Vec<String> = header
        .templates
        .iter()
        .filter(|r| library.version(&r.id, r.version).is_none())
        .map(TemplateRef::key)
        .collect();
    for op in &m.ops {
        let Some(code) = answer_value_code(&m.entity, &op.field) else {
            continue;
        };
        // Validated in check_shape; null clears the answer.
        let Ok(Some(value)) = serde_json::from_value::<Option<AnswerValue>>(op.value.clone())
        else {
            continue;
        };
        match known.iter().find_map(|t| t.item(code)) {
            Some(item) => {
                if let Err(e) = item.answer.check(&value) {
                    return Ok(Some(format!("{}: {e}", op.field)));
                }
            }
            None if unknown.is_empty() => {
                let pinned: Vec<String> = header.templates.iter().map(TemplateRef::key).collect();
                return Ok(Some(format!(
                    "{}: item {code} is not in the visit's checklists ({})",
                    op.field,
                    pinned.join(", ")
                )));
            }
            None => tracing::info!(
                visit = %m.entity_id,
                field = %op.field,
                templates = %unknown.join(", "),
                "answer value not checked against its item: the server does not know the \
                 visit's template version"
            ),
        }
    }
    Ok(None)
}

/// A client UUID in canonical form (one spelling per id, so one record per id), or a finding's
/// id `<visit UUID>:<item code>` (`dudao_domain::review`).
pub fn valid_entity_id(id: &str) -> bool {
    let canonical =
        |s: &str| uuid::Uuid::try_parse(s).is_ok_and(|u| u.hyphenated().to_string() == s);
    match id.split_once(':') {
        None => canonical(id),
        Some((visit, code)) => {
            canonical(visit)
                && !code.is_empty()
                && code.len() <= 100
                && !code.chars().any(|c| c.is_control() || c.is_whitespace())
        }
    }
}

/// The record a mutation creates, with its school; or why it cannot create it.
async fn new_record(
    tx: &mut dyn PushTx,
    user: &User,
    m: &Mutation,
) -> Result<Result<NewRecord, String>, StoreError> {
    if user.role != Role::Supervisor {
        return Ok(Err(format!(
            "there is no {} {} on the server: office staff can only move findings a supervisor \
             has synced",
            m.entity, m.entity_id
        )));
    }
    let first = |field: &str| m.ops.iter().find(|op| op.field == field);
    if m.entity == ENTITY_FINDING {
        return finding_moves::new_finding(tx, m).await;
    }
    if m.entity == ENTITY_VISIT {
        let Some(op) = first("header") else {
            return Ok(Err(format!(
                "visit {} is new to the server: its first mutation must set header",
                m.entity_id
            )));
        };
        // Validated in check_shape.
        let Ok(header) = serde_json::from_value::<VisitHeader>(op.value.clone()) else {
            return Ok(Err("header is not a visit header".to_owned()));
        };
        if header.school.id != header.school_id {
            return Ok(Err(format!(
                "header names school {} but carries school {}",
                header.school_id, header.school.id
            )));
        }
        return Ok(Ok(NewRecord {
            school_id: header.school_id,
            visit_id: None,
        }));
    }
    let Some(op) = first("meta") else {
        return Ok(Err(format!(
            "photo {} is new to the server: its first mutation must set meta",
            m.entity_id
        )));
    };
    let Ok(meta) = serde_json::from_value::<PhotoMeta>(op.value.clone()) else {
        return Ok(Err("meta is not a photo's metadata".to_owned()));
    };
    if meta.id != m.entity_id {
        return Ok(Err(format!(
            "meta.id {} is not the photo's id {}",
            meta.id, m.entity_id
        )));
    }
    // One device sends its visit before the visit's photos (its seq order keeps that), so a
    // photo of a visit the server does not know is a client bug, not a race.
    let Some(visit) = tx.record(ENTITY_VISIT, &meta.visit_id).await? else {
        return Ok(Err(format!(
            "photo {} belongs to visit {}, which the server has not received: sync the visit \
             first",
            m.entity_id, meta.visit_id
        )));
    };
    // A photo belongs to the user who made it: one whose bytes another account uploads cannot
    // be put on this user's visit (and so become theirs to download).
    if tx
        .photo_uploader(&m.entity_id)
        .await?
        .is_some_and(|uploader| uploader != user.id)
    {
        return Ok(Err(format!(
            "photo {} was uploaded by another account; only the account that took a photo \
             records it",
            m.entity_id
        )));
    }
    Ok(Ok(NewRecord {
        school_id: visit.school_id,
        visit_id: Some(meta.visit_id),
    }))
}

/// A photo's meta naming another visit than the one it was created in.
fn photo_moves(record: &Record, m: &Mutation) -> Option<String> {
    let op = m.ops.iter().find(|op| op.field == "meta")?;
    let meta = serde_json::from_value::<PhotoMeta>(op.value.clone()).ok()?;
    if meta.id != m.entity_id {
        return Some(format!(
            "meta.id {} is not the photo's id {}",
            meta.id, m.entity_id
        ));
    }
    (record.visit_id.as_deref() != Some(meta.visit_id.as_str())).then(|| {
        format!(
            "photo {} belongs to visit {}; it cannot move to visit {}",
            m.entity_id,
            record.visit_id.as_deref().unwrap_or("?"),
            meta.visit_id
        )
    })
}

fn out_of_scope(user: &User, entity: &str, id: &str, school_id: &str) -> String {
    match user.role {
        Role::Supervisor => format!(
            "{entity} {id} is of school {school_id}, which is not assigned to {}",
            user.username
        ),
        Role::Office => format!(
            "{entity} {id} is of school {school_id}, which is not in {}'s district {:?}",
            user.username, user.district
        ),
        Role::Admin => format!("{entity} {id} names school {school_id}, which does not exist"),
    }
}

#[cfg(test)]
mod tests {
    use super::valid_entity_id;

    #[test]
    fn entity_ids_are_canonical_uuids_or_finding_ids() {
        let v = "0190a6e2-5b7c-7d1e-9f00-1a2b3c4d5e6f";
        assert!(valid_entity_id(v));
        assert!(valid_entity_id(&format!("{v}:A1.2")));
        for bad in [
            "",
            "visit-1",
            "0190A6E2-5B7C-7D1E-9F00-1A2B3C4D5E6F",
            "0190a6e25b7c7d1e9f001a2b3c4d5e6f",
            &format!("{v}:"),
            &format!("{v}:a b"),
            &format!("x:{v}"),
        ] {
            assert!(!valid_entity_id(bad), "{bad}");
        }
    }
}
