//! Step (a) of a cycle: the outbox becomes mutations, in one transaction.

use super::meta::{meta_value, put_meta, HLC, NEXT_SEQ};
use super::mutations::{MutationState, StoredMutation};
use super::records::{by_record, local_fields, put_record, record_of, record_store};
use crate::storage::idb::{
    from_js, Db, Read, FINDINGS, META, MUTATIONS, OUTBOX, PHOTOS, SYNC_RECORDS, VISITS,
};
use crate::storage::outbox::{OutboxEntry, OutboxKey};
use crate::storage::StorageError;
use dudao_domain::sync::client::record_key;
use dudao_domain::sync::wire::ENTITY_VISIT;
use dudao_domain::sync::Hlc;
use std::cell::Cell;
use std::rc::Rc;

/// Step (a) of a cycle, in ONE transaction: the outbox becomes mutations. Entries are grouped by
/// record in the order each record first appears (a visit's creation before its photos); each
/// record's current fields are compared with what the server has or was sent, and whatever
/// differs becomes one mutation with the next `seq` and a clock tick. The entries consumed are
/// deleted in the same transaction, so 70 keystrokes in a note become one mutation carrying
/// the last text, and a crash leaves either the outbox or the mutations, never neither.
/// Returns the number of mutations made.
pub async fn coalesce(db: &Db, now: i64) -> Result<usize, StorageError> {
    let made = Rc::new(Cell::new(0usize));
    let count = made.clone();
    db.write(
        &[
            OUTBOX,
            VISITS,
            PHOTOS,
            FINDINGS,
            SYNC_RECORDS,
            MUTATIONS,
            META,
        ],
        move |w| {
            w.read_then(
                vec![
                    Read::All(OUTBOX),
                    Read::get(META, NEXT_SEQ),
                    Read::get(META, HLC),
                ],
                move |w, got| {
                    let entries: Vec<OutboxEntry> = from_js(&got[0])?;
                    if entries.is_empty() {
                        return Ok(());
                    }
                    let mut seq = meta_value::<i64>(&got[1])?.unwrap_or(1);
                    let mut hlc = meta_value::<Hlc>(&got[2])?.unwrap_or_default();
                    let mut groups: Vec<(String, String, Vec<OutboxKey>)> =
                        by_record(&entries, |e| (e.entity.as_str(), e.entity_id.as_str()))
                            .into_iter()
                            // A kind this build does not know stays in the outbox for a newer one.
                            .filter(|(entity, _, _)| record_store(entity).is_some())
                            .map(|(entity, id, es)| {
                                (entity, id, es.iter().map(|e| e.key.clone()).collect())
                            })
                            .collect();
                    // Markers come back by record key (`photo/…` before `visit/…`): a visit is
                    // sent before its photos, which the server checks against it. The sort is
                    // stable, so each kind keeps its order.
                    groups.sort_by_key(|(entity, _, _)| entity != ENTITY_VISIT);
                    let mut reads = Vec::with_capacity(groups.len() * 2);
                    for (entity, id, _) in &groups {
                        reads.push(Read::get(record_store(entity).unwrap_or(VISITS), id));
                        reads.push(Read::get(SYNC_RECORDS, &record_key(entity, id)));
                    }
                    w.read_then(reads, move |w, got| {
                        for (i, (entity, id, keys)) in groups.iter().enumerate() {
                            let mut rs = record_of(&got[2 * i + 1], entity, id)?;
                            if let Some(fields) = local_fields(entity, &got[2 * i], &rs)? {
                                let ops = rs.ops(&fields);
                                if !ops.is_empty() {
                                    hlc = hlc.tick(now);
                                    rs.sent(&ops);
                                    w.put(
                                        MUTATIONS,
                                        &StoredMutation {
                                            seq,
                                            entity: entity.clone(),
                                            entity_id: id.clone(),
                                            ops,
                                            hlc,
                                            status: MutationState::Pending,
                                            reason: None,
                                            created_at: now,
                                            answered_at: None,
                                            dismissed: false,
                                        },
                                    )?;
                                    put_record(w, &rs)?;
                                    seq += 1;
                                    count.set(count.get() + 1);
                                }
                            }
                            for key in keys {
                                w.delete_key(OUTBOX, &key.to_js())?;
                            }
                        }
                        put_meta(w, NEXT_SEQ, &seq)?;
                        put_meta(w, HLC, &hlc)
                    })
                },
            )
        },
    )
    .await?;
    Ok(made.get())
}
