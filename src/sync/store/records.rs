//! One `RecordSync` per record in `sync_records`, and what the phone holds of each record as
//! sync fields.

use crate::storage::idb::{
    from_js, from_js_opt, Db, Writer, FINDINGS, PHOTOS, SYNC_RECORDS, VISITS,
};
use crate::storage::StorageError;
use dudao_domain::finding_record::FindingRecord;
use dudao_domain::photo::PhotoMeta;
use dudao_domain::sync::client::{record_key, RecordSync};
use dudao_domain::sync::fields::{photo_fields, visit_fields, Fields};
use dudao_domain::sync::wire::{ENTITY_FINDING, ENTITY_PHOTO, ENTITY_VISIT};
use dudao_domain::Visit;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use wasm_bindgen::JsValue;

/// A `RecordSync` as stored, with its key.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct StoredRecord {
    key: String,
    #[serde(flatten)]
    rs: RecordSync,
}

pub(super) fn put_record(w: &Writer, rs: &RecordSync) -> Result<(), StorageError> {
    w.put(
        SYNC_RECORDS,
        &StoredRecord {
            key: rs.key(),
            rs: rs.clone(),
        },
    )
}

pub(super) fn record_of(raw: &JsValue, entity: &str, id: &str) -> Result<RecordSync, StorageError> {
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
pub(super) fn record_store(entity: &str) -> Option<&'static str> {
    match entity {
        ENTITY_VISIT => Some(VISITS),
        ENTITY_PHOTO => Some(PHOTOS),
        ENTITY_FINDING => Some(FINDINGS),
        _ => None,
    }
}

pub(super) fn is_absent(raw: &JsValue) -> bool {
    raw.is_undefined() || raw.is_null()
}

/// What the phone holds of a record, as sync fields; `None` when there is nothing to send.
/// A deleted photo has no record any more: it is `{deleted: true}` if the server ever heard of
/// it, and nothing at all if it never left the phone.
pub(super) fn local_fields(
    entity: &str,
    raw: &JsValue,
    rs: &RecordSync,
) -> Result<Option<Fields>, StorageError> {
    match entity {
        ENTITY_VISIT if !is_absent(raw) => Ok(Some(visit_fields(&from_js::<Visit>(raw)?))),
        ENTITY_FINDING if !is_absent(raw) => Ok(Some(from_js::<FindingRecord>(raw)?.fields())),
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
pub(super) fn by_record<T>(
    items: &[T],
    key: impl Fn(&T) -> (&str, &str),
) -> Vec<(String, String, Vec<&T>)> {
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

/// Stores the finding record that the server's values (`rs`) under the phone's `fields` make.
/// `false` when they make none yet (its origin is on a later pulled page): it is built then.
pub(super) fn put_finding(
    w: &Writer,
    id: &str,
    rs: &RecordSync,
    fields: &Fields,
) -> Result<bool, StorageError> {
    match FindingRecord::from_fields(id, &rs.merged(fields, &Fields::new())) {
        Ok(r) => w.put(FINDINGS, &r).map(|()| true),
        Err(e) => {
            leptos::logging::log!("finding {id} not built yet: {e}");
            Ok(false)
        }
    }
}
