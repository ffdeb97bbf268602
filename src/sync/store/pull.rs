//! Step (c) of a cycle: one pulled page applied, with its cursor, in one transaction.

use super::meta::{meta_value, put_meta, CURSOR, HLC};
use super::records::{
    by_record, is_absent, local_fields, put_finding, put_record, record_of, record_store,
};
use crate::storage::idb::{from_js, Db, Read, FINDINGS, META, PHOTOS, SYNC_RECORDS, VISITS};
use crate::storage::StorageError;
use dudao_domain::sync::client::record_key;
use dudao_domain::sync::fields::{visit_fields, visit_from_fields, Fields};
use dudao_domain::sync::wire::{Change, PullResponse, ENTITY_FINDING, ENTITY_PHOTO, ENTITY_VISIT};
use dudao_domain::sync::Hlc;
use dudao_domain::Visit;
use std::rc::Rc;

/// What a pulled page changed on the phone.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PullApplied {
    /// Visits created or changed on the phone.
    pub visits_changed: usize,
    pub visit_ids: Vec<String>,
    /// Finding records created or changed on the phone (the office moved them, or they are new).
    pub findings_changed: usize,
}

/// Step (c): applies one pulled page and saves its cursor in the same transaction, so a page is
/// never applied twice nor skipped. A value replaces the local one only where the supervisor has
/// not changed that field since (their value goes to the server, which settles it); a visit
/// made on another device is created here once its header has arrived. `rebase`: the server was
/// restored and this is the re-pull from 0.
pub async fn apply_pull(
    db: &Db,
    page: &PullResponse,
    rebase: bool,
    now: i64,
) -> Result<PullApplied, StorageError> {
    let out = Rc::new(std::cell::RefCell::new(PullApplied::default()));
    let report = out.clone();
    let page = page.clone();
    db.write(&[VISITS, PHOTOS, FINDINGS, SYNC_RECORDS, META], move |w| {
        let groups: Vec<(String, String, Vec<Change>)> =
            by_record(&page.changes, |c| (c.entity.as_str(), c.entity_id.as_str()))
                .into_iter()
                .filter(|(e, _, _)| record_store(e).is_some())
                .map(|(e, id, cs)| (e, id, cs.into_iter().cloned().collect()))
                .collect();
        let mut reads = vec![Read::get(META, HLC)];
        for (entity, id, _) in &groups {
            reads.push(Read::get(record_store(entity).unwrap_or(VISITS), id));
            reads.push(Read::get(SYNC_RECORDS, &record_key(entity, id)));
        }
        w.read_then(reads, move |w, got| {
            let mut hlc = meta_value::<Hlc>(&got[0])?.unwrap_or_default();
            let mut applied = PullApplied::default();
            for (i, (entity, id, changes)) in groups.iter().enumerate() {
                let raw = &got[1 + 2 * i];
                let mut rs = record_of(&got[2 + 2 * i], entity, id)?;
                let local_visit: Option<Visit> = if entity == ENTITY_VISIT && !is_absent(raw) {
                    Some(from_js(raw)?)
                } else {
                    None
                };
                let mut fields = match (&local_visit, entity.as_str()) {
                    (Some(v), _) => visit_fields(v),
                    (None, ENTITY_PHOTO | ENTITY_FINDING) => {
                        local_fields(entity, raw, &rs)?.unwrap_or_default()
                    }
                    _ => Fields::new(),
                };
                let mut took = false;
                let mut latest = 0i64;
                for c in changes {
                    hlc = hlc.recv(c.hlc, now);
                    if let Some(v) = rs.pulled(c, &fields, rebase) {
                        fields.insert(c.field.clone(), v);
                        took = true;
                        latest = latest.max(c.hlc.ms.min(now));
                    }
                }
                put_record(w, &rs)?;
                if took && entity == ENTITY_FINDING && put_finding(w, id, &rs, &fields)? {
                    applied.findings_changed += 1;
                }
                if took && entity == ENTITY_VISIT {
                    let updated_at = local_visit
                        .as_ref()
                        .map_or(latest, |l| l.updated_at.max(latest));
                    match visit_from_fields(
                        id,
                        &rs.merged(&fields, &Fields::new()),
                        local_visit.as_ref(),
                        updated_at,
                    ) {
                        Ok(v) => {
                            w.put(VISITS, &v)?;
                            applied.visits_changed += 1;
                            applied.visit_ids.push(id.clone());
                        }
                        // Fields of a visit whose header is on a later page: built then.
                        Err(e) => leptos::logging::log!("visit {id} not built from this page: {e}"),
                    }
                }
            }
            put_meta(w, HLC, &hlc)?;
            put_meta(w, CURSOR, &page.cursor)?;
            *report.borrow_mut() = applied;
            Ok(())
        })
    })
    .await?;
    let applied = out.borrow().clone();
    Ok(applied)
}
