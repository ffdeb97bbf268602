//! Step (b) of a cycle: the server's answer to a push, applied in one transaction.

use super::meta::{meta_value, put_meta, ACKED_SEQ, SERVER_EPOCH};
use super::mutations::{MutationState, StoredMutation};
use super::records::{local_fields, put_finding, put_record, record_of, record_store};
use crate::storage::idb::{
    from_js, Db, Read, FINDINGS, META, MUTATIONS, PHOTOS, SYNC_RECORDS, VISITS,
};
use crate::storage::StorageError;
use dudao_domain::sync::client::{record_key, RecordSync};
use dudao_domain::sync::fields::{visit_from_fields, Fields};
use dudao_domain::sync::wire::{MutationStatus, PushResponse, ENTITY_FINDING, ENTITY_VISIT};
use dudao_domain::Visit;
use std::collections::BTreeMap;
use std::rc::Rc;
use wasm_bindgen::JsValue;

/// A record while a push answer is applied: as stored, its sync state, its fields, and
/// whether it took a value.
type Held = (JsValue, RecordSync, Option<Fields>, bool);

/// What a push answer changed on the phone.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PushApplied {
    pub acked: usize,
    pub rejected: usize,
    /// Local records that took a value that won a conflict.
    pub records_changed: usize,
    /// The visits among them.
    pub visit_ids: Vec<String>,
}

/// Step (b): applies the server's answer to `sent` in one transaction: each mutation acked or
/// rejected (kept either way), its record's `RecordSync` updated, and a field whose value lost
/// a conflict set to the winner on the local record (unless the supervisor changed it again
/// meanwhile). `acked_seq` rises to the server's `last_seq`.
pub async fn apply_push(
    db: &Db,
    sent: &[StoredMutation],
    answer: &PushResponse,
    now: i64,
) -> Result<PushApplied, StorageError> {
    let out = Rc::new(std::cell::RefCell::new(PushApplied::default()));
    let report = out.clone();
    let sent: BTreeMap<i64, StoredMutation> = sent.iter().map(|m| (m.seq, m.clone())).collect();
    let answer = answer.clone();
    let mut groups: Vec<(String, String)> = Vec::new();
    for r in &answer.results {
        if let Some(m) = sent.get(&r.seq) {
            let k = (m.entity.clone(), m.entity_id.clone());
            if record_store(&k.0).is_some() && !groups.contains(&k) {
                groups.push(k);
            }
        }
    }
    db.write(
        &[MUTATIONS, SYNC_RECORDS, VISITS, PHOTOS, FINDINGS, META],
        move |w| {
            let mut reads = vec![Read::get(META, ACKED_SEQ), Read::get(META, SERVER_EPOCH)];
            for (entity, id) in &groups {
                reads.push(Read::get(record_store(entity).unwrap_or(VISITS), id));
                reads.push(Read::get(SYNC_RECORDS, &record_key(entity, id)));
            }
            w.read_then(reads, move |w, got| {
                let acked_seq = meta_value::<i64>(&got[0])?.unwrap_or(0);
                if meta_value::<String>(&got[1])?.is_none() {
                    put_meta(w, SERVER_EPOCH, &answer.server_epoch)?;
                }
                let mut records: BTreeMap<(String, String), Held> = BTreeMap::new();
                for (i, (entity, id)) in groups.iter().enumerate() {
                    let raw = got[2 + 2 * i].clone();
                    let rs = record_of(&got[3 + 2 * i], entity, id)?;
                    let fields = local_fields(entity, &raw, &rs)?;
                    records.insert((entity.clone(), id.clone()), (raw, rs, fields, false));
                }
                let mut applied = PushApplied::default();
                for result in &answer.results {
                    let Some(m) = sent.get(&result.seq) else {
                        continue;
                    };
                    let mut m = m.clone();
                    if let Some((_, rs, fields, changed)) =
                        records.get_mut(&(m.entity.clone(), m.entity_id.clone()))
                    {
                        let local = fields.clone().unwrap_or_default();
                        let take = rs.answered(&m.wire(), result, &local);
                        if !take.is_empty() {
                            if let Some(f) = fields.as_mut() {
                                f.extend(take);
                                *changed = true;
                            }
                        }
                    }
                    if result.status == MutationStatus::Rejected {
                        m.status = MutationState::Rejected;
                        m.reason = Some(result.reason.clone().unwrap_or_default());
                        applied.rejected += 1;
                    } else {
                        m.status = MutationState::Acked;
                        m.reason = None;
                        applied.acked += 1;
                    }
                    m.answered_at = Some(now);
                    w.put(MUTATIONS, &m)?;
                }
                for ((entity, id), (raw, rs, fields, changed)) in &records {
                    put_record(w, rs)?;
                    // A move that lost to the office's (null: let go) or a value that lost.
                    if let (true, ENTITY_FINDING, Some(f)) = (*changed, entity.as_str(), fields) {
                        put_finding(w, id, rs, f)?;
                    }
                    if *changed && entity == ENTITY_VISIT {
                        if let Some(f) = fields {
                            let local: Visit = from_js(raw)?;
                            match visit_from_fields(
                                id,
                                &rs.merged(f, &Fields::new()),
                                Some(&local),
                                local.updated_at,
                            ) {
                                Ok(v) => {
                                    w.put(VISITS, &v)?;
                                    applied.records_changed += 1;
                                    applied.visit_ids.push(id.clone());
                                }
                                Err(e) => {
                                    leptos::logging::error!(
                                        "visit {id} not rebuilt after push: {e}"
                                    )
                                }
                            }
                        }
                    }
                }
                put_meta(w, ACKED_SEQ, &acked_seq.max(answer.last_seq))?;
                *report.borrow_mut() = applied;
                Ok(())
            })
        },
    )
    .await?;
    let applied = out.borrow().clone();
    Ok(applied)
}
