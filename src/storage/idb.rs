//! A thin IndexedDB wrapper: open with forward migrations, read, and write in one transaction
//! that is only reported done when the browser says `complete`.
//!
//! Records are stored as plain JS objects (JSON round-trip), so they are readable in DevTools.

use super::error::StorageError;
use js_sys::{Array, Promise};
use serde::{de::DeserializeOwned, Serialize};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    IdbDatabase, IdbObjectStore, IdbObjectStoreParameters, IdbOpenDbRequest, IdbRequest,
    IdbTransaction, IdbTransactionMode, IdbVersionChangeEvent,
};

pub const DB_NAME: &str = "dudao";
/// Raise by one for every schema change and add a step to `migrate`.
pub const DB_VERSION: u32 = 2;

pub const VISITS: &str = "visits";
pub const SCHOOLS: &str = "schools";
pub const TEMPLATES: &str = "templates";
pub const OUTBOX: &str = "outbox";
pub const META: &str = "meta";
/// Photo evidence: `PhotoMeta` fields plus the JPEG and its thumbnail as Blobs, by `visit_id`.
pub const PHOTOS: &str = "photos";

#[derive(Clone)]
pub struct Db {
    db: IdbDatabase,
}

/// Creates or upgrades object stores. Each step runs once, in order, inside the upgrade
/// transaction, so existing records (and the unsynced outbox) are carried forward.
fn migrate(db: &IdbDatabase, old_version: u32) -> Result<(), JsValue> {
    if old_version < 1 {
        let by_id = IdbObjectStoreParameters::new();
        by_id.set_key_path(&JsValue::from_str("id"));
        db.create_object_store_with_optional_parameters(VISITS, &by_id)?;
        db.create_object_store_with_optional_parameters(SCHOOLS, &by_id)?;
        let by_key = IdbObjectStoreParameters::new();
        by_key.set_key_path(&JsValue::from_str("key"));
        db.create_object_store_with_optional_parameters(TEMPLATES, &by_key)?;
        db.create_object_store_with_optional_parameters(META, &by_key)?;
        let outbox = IdbObjectStoreParameters::new();
        outbox.set_key_path(&JsValue::from_str("seq"));
        outbox.set_auto_increment(true);
        db.create_object_store_with_optional_parameters(OUTBOX, &outbox)?;
    }
    if old_version < 2 {
        let by_id = IdbObjectStoreParameters::new();
        by_id.set_key_path(&JsValue::from_str("id"));
        let photos = db.create_object_store_with_optional_parameters(PHOTOS, &by_id)?;
        photos.create_index_with_str("visit_id", "visit_id")?;
    }
    Ok(())
}

/// Resolves when the request succeeds, rejects with its error otherwise.
async fn request(req: &IdbRequest) -> Result<JsValue, StorageError> {
    let req2 = req.clone();
    let promise = Promise::new(&mut |resolve, reject| {
        let r = req2.clone();
        let ok = Closure::once_into_js(move |_: web_sys::Event| {
            let _ = resolve.call1(&JsValue::NULL, &r.result().unwrap_or(JsValue::UNDEFINED));
        });
        let r = req2.clone();
        let err = Closure::once_into_js(move |_: web_sys::Event| {
            let e = r
                .error()
                .ok()
                .flatten()
                .map(JsValue::from)
                .unwrap_or(JsValue::UNDEFINED);
            let _ = reject.call1(&JsValue::NULL, &e);
        });
        req2.set_onsuccess(Some(ok.unchecked_ref()));
        req2.set_onerror(Some(err.unchecked_ref()));
    });
    JsFuture::from(promise).await.map_err(StorageError::from_js)
}

/// Resolves when the transaction commits; rejects with the reason when it aborts.
fn completion(tx: &IdbTransaction) -> JsFuture {
    let tx2 = tx.clone();
    let promise = Promise::new(&mut |resolve, reject| {
        let ok = Closure::once_into_js(move |_: web_sys::Event| {
            let _ = resolve.call0(&JsValue::NULL);
        });
        let t = tx2.clone();
        let reject2 = reject.clone();
        let aborted = Closure::once_into_js(move |_: web_sys::Event| {
            let e = t
                .error()
                .map(JsValue::from)
                .unwrap_or_else(|| JsValue::from_str("AbortError"));
            let _ = reject2.call1(&JsValue::NULL, &e);
        });
        tx2.set_oncomplete(Some(ok.unchecked_ref()));
        tx2.set_onabort(Some(aborted.unchecked_ref()));
    });
    JsFuture::from(promise)
}

pub fn to_js<T: Serialize>(value: &T) -> Result<JsValue, StorageError> {
    let json = serde_json::to_string(value).map_err(|e| StorageError::Data(e.to_string()))?;
    js_sys::JSON::parse(&json).map_err(StorageError::from_js)
}

pub fn from_js<T: DeserializeOwned>(value: &JsValue) -> Result<T, StorageError> {
    let json: String = js_sys::JSON::stringify(value)
        .map_err(StorageError::from_js)?
        .into();
    serde_json::from_str(&json).map_err(|e| StorageError::Data(e.to_string()))
}

impl Db {
    pub async fn open() -> Result<Db, StorageError> {
        Self::open_named(DB_NAME).await
    }

    /// Opens (creating or upgrading) a database; tests use their own names.
    pub async fn open_named(name: &str) -> Result<Db, StorageError> {
        let factory = web_sys::window()
            .ok_or_else(|| StorageError::Unavailable("no window".into()))?
            .indexed_db()
            .map_err(StorageError::from_js)?
            .ok_or_else(|| StorageError::Unavailable("IndexedDB is not available".into()))?;
        let open: IdbOpenDbRequest = factory
            .open_with_u32(name, DB_VERSION)
            .map_err(StorageError::from_js)?;
        let upgrade =
            Closure::<dyn FnMut(IdbVersionChangeEvent)>::new(move |ev: IdbVersionChangeEvent| {
                let target: IdbOpenDbRequest = ev
                    .target()
                    .expect("upgrade event has a target")
                    .unchecked_into();
                let db: IdbDatabase = target
                    .result()
                    .expect("upgrade has a database")
                    .unchecked_into();
                if let Err(e) = migrate(&db, ev.old_version() as u32) {
                    web_sys::console::error_2(&"IndexedDB migration failed".into(), &e);
                    if let Some(tx) = target.transaction() {
                        let _ = tx.abort();
                    }
                }
            });
        open.set_onupgradeneeded(Some(upgrade.as_ref().unchecked_ref()));
        let blocked = Closure::<dyn FnMut()>::new(|| {
            web_sys::console::warn_1(&"IndexedDB upgrade is blocked by another open tab".into());
        });
        open.set_onblocked(Some(blocked.as_ref().unchecked_ref()));
        let result = request(&open).await;
        open.set_onupgradeneeded(None);
        open.set_onblocked(None);
        drop((upgrade, blocked));
        let db: IdbDatabase = result?.unchecked_into();
        // Another tab upgrading the schema asks us to let go; close so it is not blocked.
        let db2 = db.clone();
        let on_version_change = Closure::<dyn FnMut()>::new(move || db2.close());
        db.set_onversionchange(Some(on_version_change.as_ref().unchecked_ref()));
        on_version_change.forget();
        Ok(Db { db })
    }

    fn tx(
        &self,
        stores: &[&str],
        mode: IdbTransactionMode,
    ) -> Result<IdbTransaction, StorageError> {
        let names = Array::new();
        for s in stores {
            names.push(&JsValue::from_str(s));
        }
        self.db
            .transaction_with_str_sequence_and_mode(&names, mode)
            .map_err(StorageError::from_js)
    }

    pub async fn get<T: DeserializeOwned>(
        &self,
        store: &str,
        key: &str,
    ) -> Result<Option<T>, StorageError> {
        let tx = self.tx(&[store], IdbTransactionMode::Readonly)?;
        let req = tx
            .object_store(store)
            .map_err(StorageError::from_js)?
            .get(&JsValue::from_str(key))
            .map_err(StorageError::from_js)?;
        let v = request(&req).await?;
        if v.is_undefined() || v.is_null() {
            Ok(None)
        } else {
            from_js(&v).map(Some)
        }
    }

    pub async fn all<T: DeserializeOwned>(&self, store: &str) -> Result<Vec<T>, StorageError> {
        let tx = self.tx(&[store], IdbTransactionMode::Readonly)?;
        let req = tx
            .object_store(store)
            .map_err(StorageError::from_js)?
            .get_all()
            .map_err(StorageError::from_js)?;
        let arr: Array = request(&req).await?.unchecked_into();
        arr.iter().map(|v| from_js(&v)).collect()
    }

    pub async fn count(&self, store: &str) -> Result<u32, StorageError> {
        let tx = self.tx(&[store], IdbTransactionMode::Readonly)?;
        let req = tx
            .object_store(store)
            .map_err(StorageError::from_js)?
            .count()
            .map_err(StorageError::from_js)?;
        Ok(request(&req).await?.as_f64().unwrap_or(0.0) as u32)
    }

    /// Runs `f` in one read-write transaction over `stores` and waits for the commit. If `f`
    /// fails or the browser aborts (quota exceeded, I/O error), nothing of it is kept.
    pub async fn write(
        &self,
        stores: &[&str],
        f: impl FnOnce(&Writer) -> Result<(), StorageError>,
    ) -> Result<(), StorageError> {
        let tx = self.tx(stores, IdbTransactionMode::Readwrite)?;
        let done = completion(&tx);
        if let Err(e) = f(&Writer { tx: tx.clone() }) {
            let _ = tx.abort();
            let _ = done.await;
            return Err(e);
        }
        done.await.map(|_| ()).map_err(StorageError::from_js)
    }

    /// A record as the browser stores it (Blobs intact), or `None`.
    pub async fn get_raw(&self, store: &str, key: &str) -> Result<Option<JsValue>, StorageError> {
        let tx = self.tx(&[store], IdbTransactionMode::Readonly)?;
        let req = tx
            .object_store(store)
            .map_err(StorageError::from_js)?
            .get(&JsValue::from_str(key))
            .map_err(StorageError::from_js)?;
        let v = request(&req).await?;
        Ok((!v.is_undefined() && !v.is_null()).then_some(v))
    }

    /// The records whose `index` equals `key`, as the browser stores them.
    pub async fn by_index_raw(
        &self,
        store: &str,
        index: &str,
        key: &str,
    ) -> Result<Vec<JsValue>, StorageError> {
        let tx = self.tx(&[store], IdbTransactionMode::Readonly)?;
        let req = tx
            .object_store(store)
            .and_then(|s| s.index(index))
            .and_then(|i| i.get_all_with_key(&JsValue::from_str(key)))
            .map_err(StorageError::from_js)?;
        let arr: Array = request(&req).await?.unchecked_into();
        Ok(arr.iter().collect())
    }

    pub fn close(&self) {
        self.db.close();
    }
}

/// Write access inside one transaction.
pub struct Writer {
    tx: IdbTransaction,
}

impl Writer {
    fn store(&self, name: &str) -> Result<IdbObjectStore, StorageError> {
        self.tx.object_store(name).map_err(StorageError::from_js)
    }

    pub fn put<T: Serialize>(&self, store: &str, value: &T) -> Result<(), StorageError> {
        self.store(store)?
            .put(&to_js(value)?)
            .map(|_| ())
            .map_err(StorageError::from_js)
    }

    /// Puts a JS object as it is (for records holding Blobs, which JSON cannot carry).
    pub fn put_raw(&self, store: &str, value: &JsValue) -> Result<(), StorageError> {
        self.store(store)?
            .put(value)
            .map(|_| ())
            .map_err(StorageError::from_js)
    }

    pub fn delete(&self, store: &str, key: &str) -> Result<(), StorageError> {
        self.store(store)?
            .delete(&JsValue::from_str(key))
            .map(|_| ())
            .map_err(StorageError::from_js)
    }

    pub fn clear(&self, store: &str) -> Result<(), StorageError> {
        self.store(store)?
            .clear()
            .map(|_| ())
            .map_err(StorageError::from_js)
    }

    /// Reads one record inside this transaction and hands it to `then`, which may write in the
    /// same transaction: a read-modify-write (a counter) no other tab can interleave. If the
    /// record does not decode or `then` fails, the whole transaction is aborted.
    pub fn get_then<T: DeserializeOwned + 'static>(
        &self,
        store: &str,
        key: &str,
        then: impl FnOnce(&Writer, Option<T>) -> Result<(), StorageError> + 'static,
    ) -> Result<(), StorageError> {
        let req = self
            .store(store)?
            .get(&JsValue::from_str(key))
            .map_err(StorageError::from_js)?;
        let tx = self.tx.clone();
        let r = req.clone();
        let ok = Closure::once_into_js(move |_: web_sys::Event| {
            let v = r.result().unwrap_or(JsValue::UNDEFINED);
            let value = if v.is_undefined() || v.is_null() {
                Ok(None)
            } else {
                from_js(&v).map(Some)
            };
            if let Err(e) = value.and_then(|value| then(&Writer { tx: tx.clone() }, value)) {
                web_sys::console::error_1(&format!("read-modify-write aborted: {e}").into());
                let _ = tx.abort();
            }
        });
        req.set_onsuccess(Some(ok.unchecked_ref()));
        Ok(())
    }
}
