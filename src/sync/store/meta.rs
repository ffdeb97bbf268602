//! Small values under IndexedDB `meta` (`{key, value}`): the keys the sync engine keeps, and this
//! phone's device id.

use crate::storage::idb::{from_js_opt, Db, Writer, META};
use crate::storage::StorageError;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use wasm_bindgen::JsValue;

pub const DEVICE_ID: &str = "device_id";
pub const NEXT_SEQ: &str = "next_seq";
pub const HLC: &str = "hlc";
pub const CURSOR: &str = "cursor";
pub const SERVER_EPOCH: &str = "server_epoch";
pub const ACKED_SEQ: &str = "acked_seq";
pub const LAST_SYNC: &str = "last_sync";
/// The user whose changes the cursor has pulled: another user signing in pulls from 0.
pub const CURSOR_USER: &str = "cursor_user";

/// A small value under `meta`: `{key, value}`.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct MetaValue<T> {
    key: String,
    value: T,
}

pub(super) fn meta_value<T: DeserializeOwned>(raw: &JsValue) -> Result<Option<T>, StorageError> {
    Ok(from_js_opt::<MetaValue<T>>(raw)?.map(|m| m.value))
}

/// Pulls everything again from the start on the next cycle (changes already known are skipped).
pub fn restart_pull(w: &Writer) -> Result<(), StorageError> {
    put_meta(w, CURSOR, &0i64)
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
