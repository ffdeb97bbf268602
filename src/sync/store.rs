//! The sync engine's side of IndexedDB (DESIGN.md "Sync protocol"): the outbox becomes
//! mutations, push answers and pulled pages are applied, each step in one transaction so that a
//! tab killed anywhere leaves a state the next cycle simply continues from.
//!
//! - `sync_records`: one [`RecordSync`] per record (`visit/<id>`, `photo/<id>`).
//! - `mutations`: keyed by `seq`; `pending` until the server answers, then `acked` or
//!   `rejected`. Answered ones are kept: a server restored from an older backup asks for them
//!   again (409 with `expected`, or a pull's `device_last_seq` below `acked_seq`).
//! - `meta`: `device_id`, `next_seq`, `hlc`, `cursor`, `server_epoch`, `acked_seq`,
//!   `last_sync`, `token` (see [`super::account`]).

use crate::storage::idb::{
    from_js, from_js_opt, Db, Read, Writer, META, MUTATIONS, OUTBOX, PHOTOS, SYNC_RECORDS, VISITS,
};
use crate::storage::outbox::{OutboxEntry, OutboxKey};
use crate::storage::StorageError;
use dudao_domain::photo::PhotoMeta;
use dudao_domain::sync::client::{record_key, RecordSync};
use dudao_domain::sync::fields::{photo_fields, visit_fields, visit_from_fields, Fields};
use dudao_domain::sync::wire::{
    Change, Mutation, MutationStatus, Op, PullResponse, PushResponse, ENTITY_PHOTO, ENTITY_VISIT,
};
use dudao_domain::sync::Hlc;
use dudao_domain::Visit;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::cell::Cell;
use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;
use wasm_bindgen::{JsCast, JsValue};

pub const DEVICE_ID: &str = "device_id";
pub const NEXT_SEQ: &str = "next_seq";
pub const HLC: &str = "hlc";
pub const CURSOR: &str = "cursor";
pub const SERVER_EPOCH: &str = "server_epoch";
pub const ACKED_SEQ: &str = "acked_seq";
pub const LAST_SYNC: &str = "last_sync";
/// The user whose changes the cursor has pulled: another user signing in pulls from 0.
pub const CURSOR_USER: &str = "cursor_user";

/// A photo record's property set when the server confirmed its bytes (the full-size Blob is
/// gone then; the thumbnail stays).
pub const UPLOADED_AT: &str = "uploaded_at";

/// A small value under `meta`: `{key, value}`.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct MetaValue<T> {
    key: String,
    value: T,
}

fn meta_value<T: DeserializeOwned>(raw: &JsValue) -> Result<Option<T>, StorageError> {
    Ok(from_js_opt::<MetaValue<T>>(raw)?.map(|m| m.value))
}

pub fn put_meta<T: Serialize>(w: &Writer, key: &str, value: &T) -> Result<(), StorageError> {
    w.put(
        META,
        &MetaValue {
            key: key.to_owned(),
            value,
        },
    )
}

pub async fn get_meta<T: DeserializeOwned>(db: &Db, key: &str) -> Result<Option<T>, StorageError> {
    Ok(db.get::<MetaValue<T>>(META, key).await?.map(|m| m.value))
}

pub async fn set_meta<T: Serialize>(db: &Db, key: &str, value: &T) -> Result<(), StorageError> {
    db.write(&[META], |w| put_meta(w, key, value)).await
}

pub async fn delete_meta(db: &Db, key: &str) -> Result<(), StorageError> {
    db.write(&[META], |w| w.delete(META, key)).await
}

/// This phone's id, a UUIDv7 made the first time it is asked for and kept. Made inside a
/// read-modify-write, so two tabs asking at once still agree on one id.
pub async fn device_id(db: &Db) -> Result<String, StorageError> {
    if let Some(id) = get_meta::<String>(db, DEVICE_ID).await? {
        return Ok(id);
    }
    let fresh = uuid::Uuid::now_v7().to_string();
    db.write(&[META], move |w| {
        w.get_then(
            META,
            DEVICE_ID,
            move |w, have: Option<MetaValue<String>>| {
                if have.is_none() {
                    put_meta(w, DEVICE_ID, &fresh)?;
                }
                Ok(())
            },
        )
    })
    .await?;
    get_meta::<String>(db, DEVICE_ID)
        .await?
        .ok_or_else(|| StorageError::Failed("device id was not kept".into()))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MutationState {
    /// Made, not yet answered by the server.
    Pending,
    /// The server stored it (or had already).
    Acked,
    /// The server refused it; `reason` says why. The queue moved on.
    Rejected,
}

impl MutationState {
    pub fn as_str(self) -> &'static str {
        match self {
            MutationState::Pending => "pending",
            MutationState::Acked => "acked",
            MutationState::Rejected => "rejected",
        }
    }
}

/// A mutation as the phone keeps it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredMutation {
    pub seq: i64,
    pub entity: String,
    pub entity_id: String,
    pub ops: Vec<Op>,
    pub hlc: Hlc,
    pub status: MutationState,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Unix ms when it was made from the outbox.
    pub created_at: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answered_at: Option<i64>,
    /// A rejected change the supervisor has seen (知道了): no longer listed.
    #[serde(default)]
    pub dismissed: bool,
}

impl StoredMutation {
    pub fn wire(&self) -> Mutation {
        Mutation {
            seq: self.seq,
            entity: self.entity.clone(),
            entity_id: self.entity_id.clone(),
            ops: self.ops.clone(),
            hlc: self.hlc,
        }
    }

    pub fn key(&self) -> String {
        record_key(&self.entity, &self.entity_id)
    }
}

/// A `RecordSync` as stored, with its key.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct StoredRecord {
    key: String,
    #[serde(flatten)]
    rs: RecordSync,
}

fn put_record(w: &Writer, rs: &RecordSync) -> Result<(), StorageError> {
    w.put(
        SYNC_RECORDS,
        &StoredRecord {
            key: rs.key(),
            rs: rs.clone(),
        },
    )
}

fn record_of(raw: &JsValue, entity: &str, id: &str) -> Result<RecordSync, StorageError> {
    Ok(from_js_opt::<StoredRecord>(raw)?.map_or_else(|| RecordSync::new(entity, id), |r| r.rs))
}

pub async fn record_sync(
    db: &Db,
    entity: &str,
    id: &str,
) -> Result<Option<RecordSync>, StorageError> {
    Ok(db
        .get::<StoredRecord>(SYNC_RECORDS, &record_key(entity, id))
        .await?
        .map(|s| s.rs))
}

/// The store a record kind lives in on the phone.
fn record_store(entity: &str) -> Option<&'static str> {
    match entity {
        ENTITY_VISIT => Some(VISITS),
        ENTITY_PHOTO => Some(PHOTOS),
        _ => None,
    }
}

fn is_absent(raw: &JsValue) -> bool {
    raw.is_undefined() || raw.is_null()
}

/// What the phone holds of a record, as sync fields; `None` when there is nothing to send.
/// A deleted photo has no record any more: it is `{deleted: true}` if the server ever heard of
/// it, and nothing at all if it never left the phone.
fn local_fields(
    entity: &str,
    raw: &JsValue,
    rs: &RecordSync,
) -> Result<Option<Fields>, StorageError> {
    match entity {
        ENTITY_VISIT if !is_absent(raw) => Ok(Some(visit_fields(&from_js::<Visit>(raw)?))),
        ENTITY_PHOTO if !is_absent(raw) => {
            Ok(Some(photo_fields(&from_js::<PhotoMeta>(raw)?, false)))
        }
        ENTITY_PHOTO if rs.base.contains_key("meta") || rs.pending.contains_key("meta") => {
            let mut f = Fields::new();
            f.insert("deleted".into(), serde_json::Value::Bool(true));
            Ok(Some(f))
        }
        _ => Ok(None),
    }
}

/// Records in the order they first appear in `items`, each with its items.
fn by_record<T>(items: &[T], key: impl Fn(&T) -> (&str, &str)) -> Vec<(String, String, Vec<&T>)> {
    let mut order: Vec<(String, String, Vec<&T>)> = Vec::new();
    let mut at: BTreeMap<(String, String), usize> = BTreeMap::new();
    for item in items {
        let (entity, id) = key(item);
        let k = (entity.to_owned(), id.to_owned());
        match at.get(&k) {
            Some(&i) => order[i].2.push(item),
            None => {
                at.insert(k.clone(), order.len());
                order.push((k.0, k.1, vec![item]));
            }
        }
    }
    order
}

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
        &[OUTBOX, VISITS, PHOTOS, SYNC_RECORDS, MUTATIONS, META],
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

fn sorted(mut v: Vec<StoredMutation>) -> Vec<StoredMutation> {
    v.sort_by_key(|m| m.seq);
    v
}

fn decode_all<T: DeserializeOwned>(raw: Vec<JsValue>) -> Result<Vec<T>, StorageError> {
    raw.iter().map(from_js).collect()
}

/// Mutations not yet answered, in `seq` order.
pub async fn pending_mutations(db: &Db) -> Result<Vec<StoredMutation>, StorageError> {
    let raw = db
        .by_index_raw(MUTATIONS, "status", MutationState::Pending.as_str())
        .await?;
    Ok(sorted(decode_all(raw)?))
}

/// Refused mutations the supervisor has not dismissed, newest first.
pub async fn rejected_mutations(db: &Db) -> Result<Vec<StoredMutation>, StorageError> {
    let raw = db
        .by_index_raw(MUTATIONS, "status", MutationState::Rejected.as_str())
        .await?;
    let mut v: Vec<StoredMutation> = decode_all(raw)?;
    v.retain(|m| !m.dismissed);
    v.sort_by_key(|m| std::cmp::Reverse(m.seq));
    Ok(v)
}

pub async fn all_mutations(db: &Db) -> Result<Vec<StoredMutation>, StorageError> {
    Ok(sorted(db.all(MUTATIONS).await?))
}

/// 知道了 on a refused change: it is no longer listed (it stays stored).
pub async fn dismiss_rejected(db: &Db, seq: i64) -> Result<(), StorageError> {
    db.write(&[MUTATIONS], move |w| {
        w.read_then(
            vec![Read::Get(MUTATIONS, JsValue::from_f64(seq as f64))],
            move |w, got| {
                if is_absent(&got[0]) {
                    return Ok(());
                }
                let mut m: StoredMutation = from_js(&got[0])?;
                m.dismissed = true;
                w.put(MUTATIONS, &m)
            },
        )
    })
    .await
}

/// The server lost mutations it had acknowledged (restored from a backup): every mutation
/// from `from_seq` on is pending again, to be sent in order with its original `seq`, and
/// `acked_seq` goes back to what the server has.
pub async fn requeue_from(db: &Db, from_seq: i64) -> Result<usize, StorageError> {
    let n = Rc::new(Cell::new(0usize));
    let count = n.clone();
    db.write(&[MUTATIONS, META], move |w| {
        w.read_then(vec![Read::All(MUTATIONS)], move |w, got| {
            let all: Vec<StoredMutation> = from_js(&got[0])?;
            for mut m in all.into_iter().filter(|m| m.seq >= from_seq) {
                if m.status != MutationState::Pending {
                    m.status = MutationState::Pending;
                    m.reason = None;
                    m.answered_at = None;
                    m.dismissed = false;
                    w.put(MUTATIONS, &m)?;
                    count.set(count.get() + 1);
                }
            }
            put_meta(w, ACKED_SEQ, &(from_seq - 1).max(0))
        })
    })
    .await?;
    Ok(n.get())
}

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
    db.write(&[MUTATIONS, SYNC_RECORDS, VISITS, PHOTOS, META], move |w| {
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
                                leptos::logging::error!("visit {id} not rebuilt after push: {e}")
                            }
                        }
                    }
                }
            }
            put_meta(w, ACKED_SEQ, &acked_seq.max(answer.last_seq))?;
            *report.borrow_mut() = applied;
            Ok(())
        })
    })
    .await?;
    let applied = out.borrow().clone();
    Ok(applied)
}

/// What a pulled page changed on the phone.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PullApplied {
    /// Visits created or changed on the phone.
    pub visits_changed: usize,
    pub visit_ids: Vec<String>,
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
    db.write(&[VISITS, PHOTOS, SYNC_RECORDS, META], move |w| {
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
                    (None, ENTITY_PHOTO) => local_fields(entity, raw, &rs)?.unwrap_or_default(),
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

/// What is not yet on the server, counted once per record: a visit or photo with changes in
/// the outbox or in pending mutations, and a photo whose bytes the server has not confirmed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Unsynced {
    pub total: usize,
    /// Photos whose bytes are not yet confirmed by the server.
    pub photos: usize,
}

pub async fn unsynced(db: &Db) -> Result<Unsynced, StorageError> {
    let got = db
        .read(vec![
            Read::All(OUTBOX),
            Read::Index(
                MUTATIONS,
                "status",
                JsValue::from_str(MutationState::Pending.as_str()),
            ),
            Read::All(PHOTOS),
        ])
        .await?;
    let mut keys = BTreeSet::new();
    for e in from_js::<Vec<OutboxEntry>>(&got[0])? {
        keys.insert(record_key(&e.entity, &e.entity_id));
    }
    for m in from_js::<Vec<StoredMutation>>(&got[1])? {
        keys.insert(m.key());
    }
    let mut photos = 0;
    let list: js_sys::Array = got[2].clone().unchecked_into();
    for p in list.iter() {
        if !is_uploaded(&p) {
            photos += 1;
            let id = js_sys::Reflect::get(&p, &"id".into())
                .ok()
                .and_then(|v| v.as_string())
                .unwrap_or_default();
            keys.insert(record_key(ENTITY_PHOTO, &id));
        }
    }
    Ok(Unsynced {
        total: keys.len(),
        photos,
    })
}

/// Whether a stored photo record's bytes were confirmed by the server.
pub fn is_uploaded(record: &JsValue) -> bool {
    js_sys::Reflect::get(record, &UPLOADED_AT.into())
        .map(|v| !v.is_undefined() && !v.is_null())
        .unwrap_or(false)
}

/// A photo whose bytes are still to upload.
#[derive(Debug, Clone)]
pub struct PhotoToUpload {
    pub meta: PhotoMeta,
    pub blob: web_sys::Blob,
}

/// Photos on this phone whose bytes the server has not confirmed, oldest first.
pub async fn photos_to_upload(db: &Db) -> Result<Vec<PhotoToUpload>, StorageError> {
    let mut out = Vec::new();
    for raw in db.all_raw(PHOTOS).await? {
        if is_uploaded(&raw) {
            continue;
        }
        let Some(blob) = js_sys::Reflect::get(&raw, &"blob".into())
            .ok()
            .and_then(|b| b.dyn_into::<web_sys::Blob>().ok())
        else {
            continue;
        };
        out.push(PhotoToUpload {
            meta: from_js(&raw)?,
            blob,
        });
    }
    out.sort_by(|a, b| (a.meta.taken_at, &a.meta.id).cmp(&(b.meta.taken_at, &b.meta.id)));
    Ok(out)
}

/// The server confirmed the photo's bytes (complete, hash checked): the full-size Blob is freed
/// and the thumbnail kept, in one transaction. Screens then show the thumbnail or fetch the
/// photo from the server.
pub async fn photo_uploaded(db: &Db, id: &str, now: i64) -> Result<(), StorageError> {
    let id = id.to_owned();
    db.write(&[PHOTOS], move |w| {
        w.read_then(vec![Read::get(PHOTOS, &id)], move |w, got| {
            let rec = &got[0];
            if is_absent(rec) {
                return Ok(());
            }
            js_sys::Reflect::delete_property(rec.unchecked_ref::<js_sys::Object>(), &"blob".into())
                .map_err(StorageError::from_js)?;
            js_sys::Reflect::set(rec, &UPLOADED_AT.into(), &JsValue::from_f64(now as f64))
                .map_err(StorageError::from_js)?;
            w.put_raw(PHOTOS, rec)
        })
    })
    .await
}
