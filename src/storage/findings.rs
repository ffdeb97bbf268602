//! Findings followed through 整改, as records of their own (`FindingRecord`, issue 17 item 1):
//! made when a visit is signed on this phone (in the signing's own transaction, each with its
//! outbox marker), or pulled from the server (which makes them too, from the same visit, so
//! both are the same record). Visits signed before this schema get theirs once, at start.

use super::idb::{from_js, from_js_opt, Db, Read, Writer, FINDINGS, META, OUTBOX, PHOTOS, VISITS};
use super::photos::{self, StoredPhoto};
use super::{outbox, photo_bytes, StorageError};
use dudao_domain::datetime::Date;
use dudao_domain::finding_record::{records_of, FindingRecord};
use dudao_domain::rectify::{CloseRule, Move, RectifyError};
use dudao_domain::sync::wire::{ENTITY_FINDING, ENTITY_PHOTO};
use dudao_domain::{Visit, VisitState};
use serde::{Deserialize, Serialize};
use std::cell::RefCell;
use std::collections::HashSet;
use std::rc::Rc;

/// The findings of a visit just signed, stored and marked for the server.
pub fn write_records_of(w: &Writer, visit: &Visit) -> Result<(), StorageError> {
    for r in records_of(visit) {
        w.put(FINDINGS, &r)?;
        outbox::mark(w, ENTITY_FINDING, &r.id, visit.updated_at)?;
    }
    Ok(())
}

/// One finding record, or `None`.
pub async fn get_in(db: &Db, id: &str) -> Result<Option<FindingRecord>, StorageError> {
    db.get(FINDINGS, id).await
}

/// Why a move on a finding was not stored.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum MoveError {
    /// The workflow refuses it (the finding moved meanwhile, a photo or note is missing).
    #[error("move refused: {0}")]
    Refused(RectifyError),
    #[error("finding {0} is not on this phone")]
    Missing(String),
    #[error(transparent)]
    Storage(#[from] StorageError),
}

/// The county's rule for a passed 复查. The office's setting once it has one (issue 19); until
/// then the server's and the phone's default, 复查通过即销号.
pub const CLOSE_RULE: CloseRule = CloseRule::OnRecheck;

/// Makes `m` on the finding `id` as stored now (not a screen's older copy) and stores it with its
/// photos (`m.photos` names them) and the outbox markers of all, in one transaction: a move is
/// never kept without its photos, nor a photo without the move that shows it. A refused move
/// writes nothing. Returns the record as written.
pub async fn record_move_in(
    db: &Db,
    id: &str,
    m: Move,
    photos: &[StoredPhoto],
    today: Date,
) -> Result<FindingRecord, MoveError> {
    let ids: Vec<&str> = photos.iter().map(|p| p.meta.id.as_str()).collect();
    if ids != m.photos.iter().map(String::as_str).collect::<Vec<_>>() {
        return Err(StorageError::Data(format!(
            "the move names photos {:?} but brings {ids:?}",
            m.photos
        ))
        .into());
    }
    let visits: Vec<&str> = photos.iter().map(|p| p.meta.visit_id.as_str()).collect();
    let records = photos
        .iter()
        .map(photos::record)
        .collect::<Result<Vec<_>, _>>()?;
    let refused: Rc<RefCell<Option<MoveError>>> = Rc::default();
    let written: Rc<RefCell<Option<FindingRecord>>> = Rc::default();
    let result = photo_bytes::write_photos(&records, || {
        let (records, refused, written) = (records.clone(), refused.clone(), written.clone());
        let visits: Vec<String> = visits.iter().map(|v| v.to_string()).collect();
        let (id, m) = (id.to_owned(), m.clone());
        let at = m.at;
        db.write(&[FINDINGS, PHOTOS, OUTBOX], move |w| {
            w.read_then(vec![Read::get(FINDINGS, &id)], move |w, got| {
                let Some(mut r) = from_js_opt::<FindingRecord>(&got[0])? else {
                    *refused.borrow_mut() = Some(MoveError::Missing(id.clone()));
                    return Err(StorageError::Data(format!("finding {id} missing")));
                };
                if let Some(v) = visits.iter().find(|v| **v != r.origin.visit_id) {
                    return Err(StorageError::Data(format!(
                        "a photo of visit {v} cannot show finding {id} of visit {}",
                        r.origin.visit_id
                    )));
                }
                let facts = r.facts(CLOSE_RULE, today);
                if let Err(e) = r.workflow.apply(m, &facts) {
                    *refused.borrow_mut() = Some(MoveError::Refused(e.clone()));
                    return Err(StorageError::Data(e.to_string()));
                }
                w.put(FINDINGS, &r)?;
                outbox::mark(w, ENTITY_FINDING, &r.id, at)?;
                for rec in &records {
                    w.put_raw(PHOTOS, rec)?;
                    let pid = js_sys::Reflect::get(rec, &"id".into())
                        .ok()
                        .and_then(|v| v.as_string())
                        .unwrap_or_default();
                    outbox::mark(w, ENTITY_PHOTO, &pid, at)?;
                }
                *written.borrow_mut() = Some(r);
                Ok(())
            })
        })
    })
    .await;
    match result {
        Ok(()) => written
            .borrow_mut()
            .take()
            .ok_or_else(|| MoveError::Missing(id.to_owned())),
        Err(e) => Err(refused.borrow_mut().take().unwrap_or(MoveError::Storage(e))),
    }
}

pub async fn record_move(
    id: &str,
    m: Move,
    photos: &[StoredPhoto],
    today: Date,
) -> Result<FindingRecord, MoveError> {
    record_move_in(&super::repo::db().await?, id, m, photos, today).await
}

/// Every finding record on the phone.
pub async fn list_in(db: &Db) -> Result<Vec<FindingRecord>, StorageError> {
    db.all(FINDINGS).await
}

pub async fn list() -> Result<Vec<FindingRecord>, StorageError> {
    list_in(&super::repo::db().await?).await
}

/// Meta key: set once the visits signed before finding records have theirs.
const MADE: &str = "finding-records-made";

#[derive(Serialize, Deserialize)]
struct Made {
    key: String,
    at: i64,
}

/// Makes the records of visits signed before this schema (once per phone), and pulls again from
/// the start, since an older build skipped the records the server sent. Not marked for the
/// server: it makes the same records from the same visits. Returns how many were made.
pub async fn ensure_records_in(db: &Db, now: i64) -> Result<usize, StorageError> {
    if db.get::<Made>(META, MADE).await?.is_some() {
        return Ok(0);
    }
    let made = std::rc::Rc::new(std::cell::Cell::new(0));
    let count = made.clone();
    db.write(&[VISITS, FINDINGS, META], move |w| {
        w.read_then(
            vec![Read::All(VISITS), Read::All(FINDINGS)],
            move |w, got| {
                let visits: Vec<Visit> = from_js(&got[0])?;
                let have: HashSet<String> = from_js::<Vec<FindingRecord>>(&got[1])?
                    .into_iter()
                    .map(|r| r.id)
                    .collect();
                for v in visits
                    .iter()
                    .filter(|v| matches!(v.state, VisitState::Signed | VisitState::Synced))
                {
                    for r in records_of(v).into_iter().filter(|r| !have.contains(&r.id)) {
                        w.put(FINDINGS, &r)?;
                        count.set(count.get() + 1);
                    }
                }
                crate::sync::store::restart_pull(w)?;
                w.put(
                    META,
                    &Made {
                        key: MADE.into(),
                        at: now,
                    },
                )
            },
        )
    })
    .await?;
    Ok(made.get())
}
