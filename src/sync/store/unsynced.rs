//! What is not yet on the server, counted once per record (the unsynced count).

use super::mutations::{MutationState, StoredMutation};
use super::photos::is_uploaded;
use crate::storage::idb::{from_js, Db, Read, MUTATIONS, OUTBOX, PHOTOS};
use crate::storage::outbox::OutboxEntry;
use crate::storage::StorageError;
use dudao_domain::sync::client::record_key;
use dudao_domain::sync::wire::{ENTITY_FINDING, ENTITY_PHOTO, ENTITY_VISIT};
use std::collections::BTreeSet;
use wasm_bindgen::{JsCast, JsValue};

/// What is not yet on the server, counted once per record: a visit or photo with changes in
/// the outbox or in pending mutations, and a photo whose bytes the server has not confirmed. A
/// finding's record counts as its visit (`<visit id>:<item>`): signing a visit with three
/// findings is one change to send, as the supervisor sees it, not four.
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
    let counted = |entity: &str, id: &str| match (entity, id.split_once(':')) {
        (ENTITY_FINDING, Some((visit, _))) => record_key(ENTITY_VISIT, visit),
        _ => record_key(entity, id),
    };
    let mut keys = BTreeSet::new();
    for e in from_js::<Vec<OutboxEntry>>(&got[0])? {
        keys.insert(counted(&e.entity, &e.entity_id));
    }
    for m in from_js::<Vec<StoredMutation>>(&got[1])? {
        keys.insert(counted(&m.entity, &m.entity_id));
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
