//! Finding records the server makes from signed visits (issue 17, items 1 and 9): for visits
//! signed before findings were records of their own, and for phones still running a release
//! that does not make them. Run at start-up for every signed visit, and after a push signs one.
//!
//! A record is made from the visit alone (`FindingRecord::from_visit`), so it is the same one a
//! phone makes when it signs: when the phone's record arrives, every field is unchanged. A
//! finding the office had already moved in the visit (`findings.{id}.status`, before records)
//! keeps that status. Nothing is ever overwritten: a finding that has a record is left alone.

use std::collections::HashSet;

use dudao_domain::finding_record::{records_of, FindingRecord};
use dudao_domain::sync::fields::visit_from_fields;
use dudao_domain::sync::{
    FieldOutcome, FieldResult, Hlc, MutationStatus, ENTITY_FINDING, ENTITY_VISIT,
};
use dudao_domain::visit::VisitState;

use crate::db::sync::{by_record, FieldWrite, MutationWrite, NewRecord, SERVER_DEVICE};
use crate::db::{Scope, Store, StoreError};

/// Makes the missing finding records of the signed visits (of `visit` only, when given);
/// returns how many it made.
pub async fn backfill(
    store: &dyn Store,
    visit: Option<&str>,
    now: i64,
) -> Result<usize, StoreError> {
    let signed: Vec<String> = store
        .record_fields(ENTITY_VISIT, &Scope::All, visit, Some("state"))
        .await?
        .into_iter()
        .filter(|f| {
            matches!(
                serde_json::from_value::<VisitState>(f.value.clone()),
                Ok(VisitState::Signed | VisitState::Synced)
            )
        })
        .map(|f| f.entity_id)
        .collect();
    if signed.is_empty() {
        return Ok(0);
    }
    // The visits with a finding that has no record yet: only those are read whole. (For one
    // visit, `make` finds out under its lock.)
    let signed: Vec<String> = match visit {
        Some(_) => signed,
        None => {
            let have: HashSet<String> = store
                .record_fields(ENTITY_FINDING, &Scope::All, None, Some("origin"))
                .await?
                .into_iter()
                .map(|f| f.entity_id)
                .collect();
            let lacking: HashSet<String> = store
                .record_fields(ENTITY_VISIT, &Scope::All, None, Some("findings"))
                .await?
                .into_iter()
                .filter(|f| {
                    serde_json::from_value::<Vec<String>>(f.value.clone())
                        .is_ok_and(|ids| ids.iter().any(|id| !have.contains(id)))
                })
                .map(|f| f.entity_id)
                .collect();
            signed.into_iter().filter(|v| lacking.contains(v)).collect()
        }
    };
    let mut made = 0;
    for visit_id in signed {
        let rows = store
            .record_fields(ENTITY_VISIT, &Scope::All, Some(&visit_id), None)
            .await?;
        let Some((_, fields)) = by_record(rows).remove(&visit_id) else {
            continue;
        };
        let visit = match visit_from_fields(&visit_id, &fields, None, now) {
            Ok(v) => v,
            Err(e) => {
                tracing::warn!(visit = %visit_id, error = %e, "signed visit not readable: no finding records made from it");
                continue;
            }
        };
        for record in records_of(&visit) {
            if make(store, &visit.school_id, &record, now).await? {
                made += 1;
            }
        }
    }
    if made > 0 {
        tracing::info!(records = made, "finding records made from signed visits");
    }
    Ok(made)
}

/// Writes one record, unless it exists by now (a phone's push got there first).
async fn make(
    store: &dyn Store,
    school_id: &str,
    record: &FindingRecord,
    now: i64,
) -> Result<bool, StoreError> {
    let mut tx = store.begin_server_write().await?;
    if tx.lock_record(ENTITY_FINDING, &record.id).await?.is_some() {
        return Ok(false);
    }
    // On behalf of the supervisor whose visit it comes from: the values are theirs.
    let Some(author) = tx
        .field(ENTITY_VISIT, &record.origin.visit_id, "findings")
        .await?
    else {
        return Ok(false);
    };
    let hlc = Hlc::new(now, 0);
    let fields: Vec<FieldWrite> = record
        .fields()
        .into_iter()
        .map(|(field, value)| FieldWrite {
            field,
            value,
            rev: 1,
            hlc,
        })
        .collect();
    let results = fields
        .iter()
        .map(|f| FieldResult {
            field: f.field.clone(),
            rev: 1,
            outcome: FieldOutcome::Applied,
            value: None,
        })
        .collect();
    tx.commit(MutationWrite {
        device_id: SERVER_DEVICE.to_owned(),
        seq: 0,
        user_id: author.user_id,
        role: author.role,
        entity: ENTITY_FINDING.to_owned(),
        entity_id: record.id.clone(),
        school_id: school_id.to_owned(),
        new_record: Some(NewRecord {
            school_id: school_id.to_owned(),
            visit_id: Some(record.origin.visit_id.clone()),
        }),
        fields,
        conflicts: Vec::new(),
        status: MutationStatus::Applied,
        reason: None,
        results,
        now,
    })
    .await?;
    Ok(true)
}
