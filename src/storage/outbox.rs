//! The outbox: which records changed on this phone since the sync engine last made mutations.
//! An entry is a marker, "record `visit/<id>` changed", written in the change's own
//! transaction; what changed is derived from the stored record in one place
//! (`sync::store::coalesce`, against the record's `RecordSync`).
//!
//! Markers are put under the record's key (`visit/<id>`, `photo/<id>`), so a record changed 300
//! times leaves one row. The store is the one schema version 1 made (key path `seq`,
//! auto-increment): a string key is taken as given, so no schema change was needed. Entries an
//! earlier build wrote are keyed by a rising number and carry hand-written `ops`; they are read
//! as markers of their record (the ops were never used) and consumed the same way, so updating
//! with unsynced work loses nothing.

use super::idb::{Db, Writer, OUTBOX};
use super::StorageError;
use dudao_domain::sync::client::record_key;
use serde::{Deserialize, Serialize};
use wasm_bindgen::JsValue;

/// Where an entry is kept in the store.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum OutboxKey {
    /// An entry of an earlier build: one per change, numbered by IndexedDB.
    Seq(u64),
    /// A marker: the record's key, `visit/<id>`.
    Record(String),
}

impl OutboxKey {
    pub fn to_js(&self) -> JsValue {
        match self {
            OutboxKey::Seq(n) => JsValue::from_f64(*n as f64),
            OutboxKey::Record(k) => JsValue::from_str(k),
        }
    }
}

/// "This record changed": the sync engine makes its next mutation from what is stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutboxEntry {
    #[serde(rename = "seq")]
    pub key: OutboxKey,
    /// `visit` or `photo`.
    pub entity: String,
    pub entity_id: String,
    /// Unix milliseconds of the record's latest change on the device.
    pub at: i64,
}

impl OutboxEntry {
    pub fn marker(entity: &str, entity_id: &str, at: i64) -> OutboxEntry {
        OutboxEntry {
            key: OutboxKey::Record(record_key(entity, entity_id)),
            entity: entity.to_owned(),
            entity_id: entity_id.to_owned(),
            at,
        }
    }
}

/// Marks the record changed, inside the transaction that changes it.
pub fn mark(w: &Writer, entity: &str, entity_id: &str, at: i64) -> Result<(), StorageError> {
    w.put(OUTBOX, &OutboxEntry::marker(entity, entity_id, at))
}

/// Every entry, earlier builds' numbered ones first, then the markers by record key.
pub async fn entries_in(db: &Db) -> Result<Vec<OutboxEntry>, StorageError> {
    db.all(OUTBOX).await
}

/// How many entries there are (records changed, plus any entries of an earlier build).
pub async fn count_in(db: &Db) -> Result<u32, StorageError> {
    db.count(OUTBOX).await
}

pub async fn count() -> Result<u32, StorageError> {
    count_in(&super::repo::db().await?).await
}
