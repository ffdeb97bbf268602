//! Findings followed through 整改, as records of their own (`FindingRecord`, issue 17 item 1):
//! made when a visit is signed on this phone (in the signing's own transaction, each with its
//! outbox marker), or pulled from the server (which makes them too, from the same visit, so
//! both are the same record). Visits signed before this schema get theirs once, at start.

use super::idb::{from_js, Db, Read, Writer, FINDINGS, META, VISITS};
use super::{outbox, StorageError};
use dudao_domain::finding_record::{records_of, FindingRecord};
use dudao_domain::sync::wire::ENTITY_FINDING;
use dudao_domain::{Visit, VisitState};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

/// The findings of a visit just signed, stored and marked for the server.
pub fn write_records_of(w: &Writer, visit: &Visit) -> Result<(), StorageError> {
    for r in records_of(visit) {
        w.put(FINDINGS, &r)?;
        outbox::mark(w, ENTITY_FINDING, &r.id, visit.updated_at)?;
    }
    Ok(())
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
