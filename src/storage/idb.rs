//! A thin IndexedDB wrapper: open with forward migrations, read, and write in one transaction
//! that is only reported done when the browser says `complete`.
//!
//! Records are stored as plain JS objects (JSON round-trip), so they are readable in DevTools.

use super::error::StorageError;
use js_sys::{Array, Promise};
use serde::{de::DeserializeOwned, Serialize};
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    IdbDatabase, IdbObjectStore, IdbObjectStoreParameters, IdbOpenDbRequest, IdbRequest,
    IdbTransaction, IdbTransactionMode, IdbVersionChangeEvent,
};

pub const DB_NAME: &str = "dudao";
/// Raise by one for every schema change and add a step to `migrate`.
pub const DB_VERSION: u32 = 3;

pub const VISITS: &str = "visits";
pub const SCHOOLS: &str = "schools";
pub const TEMPLATES: &str = "templates";
pub const OUTBOX: &str = "outbox";
pub const META: &str = "meta";
/// Photo evidence: `PhotoMeta` fields plus the JPEG and its thumbnail as Blobs, by `visit_id`.
pub const PHOTOS: &str = "photos";
/// Sync state per record (`RecordSync`), keyed `visit/<id>` or `photo/<id>` (version 3).
pub const SYNC_RECORDS: &str = "sync_records";
/// Mutations made from the outbox, keyed by their device `seq`, indexed by `status`. Acknowledged
/// ones are kept, to be sent again if the server is restored from an older backup (version 3).
pub const MUTATIONS: &str = "mutations";

/// A connection that survives another tab's schema upgrade: when the browser closes it
/// (`versionchange`, or the user clearing site data) the next call opens it again.
#[derive(Clone)]
pub struct Db {
    db: Rc<RefCell<IdbDatabase>>,
    name: Rc<str>,
    version: u32,
    closed: Rc<Cell<bool>>,
}

/// Window events the UI listens for (see `storage::durability`): another tab upgraded the
/// schema and this page runs older code; this page's upgrade waits for other tabs to close.
pub const EVENT_VERSION_CHANGE: &str = "dudao-db-versionchange";
pub const EVENT_UPGRADE_BLOCKED: &str = "dudao-db-upgrade-blocked";
pub const EVENT_OPENED: &str = "dudao-db-opened";

fn announce(name: &str) {
    if let Some(w) = web_sys::window() {
        if let Ok(ev) = web_sys::Event::new(name) {
            let _ = w.dispatch_event(&ev);
        }
    }
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
    if old_version < 3 {
        // Sync: only stores are added; the outbox stays as it is and becomes mutations on the
        // first sync.
        let by_key = IdbObjectStoreParameters::new();
        by_key.set_key_path(&JsValue::from_str("key"));
        db.create_object_store_with_optional_parameters(SYNC_RECORDS, &by_key)?;
        let by_seq = IdbObjectStoreParameters::new();
        by_seq.set_key_path(&JsValue::from_str("seq"));
        let mutations = db.create_object_store_with_optional_parameters(MUTATIONS, &by_seq)?;
        mutations.create_index_with_str("status", "status")?;
    }
    Ok(())
}

/// Opens `name` at `version` (or whatever version it has, for `None`), migrating forward. The
/// connection closes itself when another tab needs to upgrade (so that tab is not blocked) and
/// sets `closed`; the page is told through `EVENT_VERSION_CHANGE`.
async fn open_db(
    name: &str,
    version: Option<u32>,
    closed: &Rc<Cell<bool>>,
) -> Result<IdbDatabase, StorageError> {
    let factory = web_sys::window()
        .ok_or_else(|| StorageError::Unavailable("no window".into()))?
        .indexed_db()
        .map_err(StorageError::from_js)?
        .ok_or_else(|| StorageError::Unavailable("IndexedDB is not available".into()))?;
    let open: IdbOpenDbRequest = match version {
        Some(v) => factory.open_with_u32(name, v),
        None => factory.open(name),
    }
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
    let was_blocked = Rc::new(Cell::new(false));
    let flag = was_blocked.clone();
    let blocked = Closure::<dyn FnMut()>::new(move || {
        web_sys::console::warn_1(&"IndexedDB upgrade is blocked by another open tab".into());
        flag.set(true);
        announce(EVENT_UPGRADE_BLOCKED);
    });
    open.set_onblocked(Some(blocked.as_ref().unchecked_ref()));
    let result = request(&open).await;
    open.set_onupgradeneeded(None);
    open.set_onblocked(None);
    drop((upgrade, blocked));
    if was_blocked.get() {
        announce(EVENT_OPENED);
    }
    let db: IdbDatabase = result?.unchecked_into();
    // Another tab upgrading the schema asks us to let go; close so it is not blocked, and
    // remember, so the next call reopens instead of failing with InvalidStateError.
    let db2 = db.clone();
    let flag = closed.clone();
    let on_version_change = Closure::<dyn FnMut()>::new(move || {
        db2.close();
        flag.set(true);
        announce(EVENT_VERSION_CHANGE);
    });
    db.set_onversionchange(Some(on_version_change.as_ref().unchecked_ref()));
    on_version_change.forget();
    // The browser closed it (site data cleared, storage failure).
    let flag = closed.clone();
    let on_close = Closure::<dyn FnMut()>::new(move || flag.set(true));
    db.set_onclose(Some(on_close.as_ref().unchecked_ref()));
    on_close.forget();
    Ok(db)
}

/// Opens at `version`, or at the database's own version when a newer build (another tab, or
/// one cached before a rollback) has already upgraded it: stores are only ever added, so every
/// store this build knows is there.
async fn open_at_least(
    name: &str,
    version: u32,
    closed: &Rc<Cell<bool>>,
) -> Result<IdbDatabase, StorageError> {
    match open_db(name, Some(version), closed).await {
        Err(StorageError::Failed(m)) if m.starts_with("VersionError") => {
            leptos::logging::log!("IndexedDB {name} is newer than version {version}: {m}");
            open_db(name, None, closed).await
        }
        r => r,
    }
}

/// The `success`/`error` (or `complete`/`abort`) handlers set on one request or transaction,
/// owned here for as long as it is awaited. Dropping this (settled, or the future dropped before)
/// clears the handlers and frees the closures with everything they hold (the request, its
/// result, the promise's functions). (`Closure::once_into_js` would free a closure only when it
/// is called: the handler that never fires, and all it holds, would live as long as the page.)
struct Handlers {
    clear: Box<dyn Fn()>,
    _closures: Vec<Closure<dyn FnMut(web_sys::Event)>>,
}

impl Drop for Handlers {
    fn drop(&mut self) {
        // First, so no handler is left pointing at a dropped closure (calling one throws).
        (self.clear)();
    }
}

/// Resolves when the request succeeds, rejects with its error otherwise.
async fn request(req: &IdbRequest) -> Result<JsValue, StorageError> {
    let mut handlers = None;
    let promise = Promise::new(&mut |resolve, reject| {
        let r = req.clone();
        let ok = Closure::<dyn FnMut(web_sys::Event)>::new(move |_: web_sys::Event| {
            let _ = resolve.call1(&JsValue::NULL, &r.result().unwrap_or(JsValue::UNDEFINED));
        });
        let r = req.clone();
        let err = Closure::<dyn FnMut(web_sys::Event)>::new(move |_: web_sys::Event| {
            let e = r
                .error()
                .ok()
                .flatten()
                .map(JsValue::from)
                .unwrap_or(JsValue::UNDEFINED);
            let _ = reject.call1(&JsValue::NULL, &e);
        });
        req.set_onsuccess(Some(ok.as_ref().unchecked_ref()));
        req.set_onerror(Some(err.as_ref().unchecked_ref()));
        let r = req.clone();
        handlers = Some(Handlers {
            clear: Box::new(move || {
                r.set_onsuccess(None);
                r.set_onerror(None);
            }),
            _closures: vec![ok, err],
        });
    });
    let result = JsFuture::from(promise).await;
    drop(handlers);
    result.map_err(StorageError::from_js)
}

/// Resolves when the transaction commits; rejects with the reason when it aborts. The handlers
/// are set now (before the caller queues anything), and cleared when the returned future
/// finishes or is dropped.
fn completion(tx: &IdbTransaction) -> impl std::future::Future<Output = Result<JsValue, JsValue>> {
    let mut handlers = None;
    let promise = Promise::new(&mut |resolve, reject| {
        let ok = Closure::<dyn FnMut(web_sys::Event)>::new(move |_: web_sys::Event| {
            let _ = resolve.call0(&JsValue::NULL);
        });
        let t = tx.clone();
        let aborted = Closure::<dyn FnMut(web_sys::Event)>::new(move |_: web_sys::Event| {
            let e = t
                .error()
                .map(JsValue::from)
                .unwrap_or_else(|| JsValue::from_str("AbortError"));
            let _ = reject.call1(&JsValue::NULL, &e);
        });
        tx.set_oncomplete(Some(ok.as_ref().unchecked_ref()));
        tx.set_onabort(Some(aborted.as_ref().unchecked_ref()));
        let t = tx.clone();
        handlers = Some(Handlers {
            clear: Box::new(move || {
                t.set_oncomplete(None);
                t.set_onabort(None);
            }),
            _closures: vec![ok, aborted],
        });
    });
    let done = JsFuture::from(promise);
    async move {
        let result = done.await;
        drop(handlers);
        result
    }
}

/// The `success` handlers of the reads queued by `Writer::read_then` in one transaction.
type ReadHandlerList = RefCell<Vec<(IdbRequest, Closure<dyn FnMut(web_sys::Event)>)>>;

/// Keeps the reads' handlers for as long as `tx` runs: when it commits or aborts (it always
/// does one or the other, whether or not anyone still awaits it) the handlers are cleared and
/// the closures freed, also those of reads that failed and so were never answered. (The
/// closures hold `Writer`s, which hold the list: emptying it breaks that cycle.) The listener is
/// one function for both events, so it runs once and `once_into_js` frees it then.
fn free_when_done(tx: &IdbTransaction, handlers: &Rc<ReadHandlerList>) {
    let list = handlers.clone();
    let done = Closure::once_into_js(move |_: web_sys::Event| {
        let handlers = std::mem::take(&mut *list.borrow_mut());
        for (req, _) in &handlers {
            req.set_onsuccess(None);
        }
    });
    for event in ["complete", "abort"] {
        let _ = tx.add_event_listener_with_callback(event, done.unchecked_ref());
    }
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

/// A record as read, or `None` when the store has none under the key.
pub fn from_js_opt<T: DeserializeOwned>(value: &JsValue) -> Result<Option<T>, StorageError> {
    if value.is_undefined() || value.is_null() {
        Ok(None)
    } else {
        from_js(value).map(Some)
    }
}

impl Db {
    pub async fn open() -> Result<Db, StorageError> {
        Self::open_named(DB_NAME).await
    }

    /// Opens (creating or upgrading) a database; tests use their own names.
    pub async fn open_named(name: &str) -> Result<Db, StorageError> {
        Self::open_named_at(name, DB_VERSION).await
    }

    /// Opens `name` at `version` (tests: a newer build's version, as another tab would).
    pub async fn open_named_at(name: &str, version: u32) -> Result<Db, StorageError> {
        let closed = Rc::new(Cell::new(false));
        let db = open_at_least(name, version, &closed).await?;
        Ok(Db {
            db: Rc::new(RefCell::new(db)),
            name: name.into(),
            version,
            closed,
        })
    }

    /// Opens the connection again after the browser closed it (at the newer version when
    /// another tab upgraded the schema; the UI then asks for a reload).
    async fn reopen(&self) -> Result<(), StorageError> {
        let db = open_at_least(&self.name, self.version, &self.closed).await?;
        *self.db.borrow_mut() = db;
        self.closed.set(false);
        Ok(())
    }

    fn tx_now(&self, stores: &[&str], mode: IdbTransactionMode) -> Result<IdbTransaction, JsValue> {
        let names = Array::new();
        for s in stores {
            names.push(&JsValue::from_str(s));
        }
        self.db
            .borrow()
            .transaction_with_str_sequence_and_mode(&names, mode)
    }

    /// A new transaction, reopening first if the connection was closed under us. The
    /// transaction is created after the last await, so the caller uses it while it is active.
    async fn tx(
        &self,
        stores: &[&str],
        mode: IdbTransactionMode,
    ) -> Result<IdbTransaction, StorageError> {
        if self.closed.get() {
            self.reopen().await?;
        }
        match self.tx_now(stores, mode) {
            Ok(tx) => Ok(tx),
            Err(e)
                if e.dyn_ref::<web_sys::DomException>()
                    .is_some_and(|d| d.name() == "InvalidStateError") =>
            {
                self.reopen().await?;
                self.tx_now(stores, mode).map_err(StorageError::from_js)
            }
            Err(e) => Err(StorageError::from_js(e)),
        }
    }

    /// The version of the schema this connection sees (higher than `DB_VERSION` once a newer
    /// build in another tab has upgraded it).
    pub fn version(&self) -> u32 {
        self.db.borrow().version() as u32
    }

    pub async fn get<T: DeserializeOwned>(
        &self,
        store: &str,
        key: &str,
    ) -> Result<Option<T>, StorageError> {
        let tx = self.tx(&[store], IdbTransactionMode::Readonly).await?;
        let req = tx
            .object_store(store)
            .map_err(StorageError::from_js)?
            .get(&JsValue::from_str(key))
            .map_err(StorageError::from_js)?;
        from_js_opt(&request(&req).await?)
    }

    pub async fn all<T: DeserializeOwned>(&self, store: &str) -> Result<Vec<T>, StorageError> {
        let tx = self.tx(&[store], IdbTransactionMode::Readonly).await?;
        let req = tx
            .object_store(store)
            .map_err(StorageError::from_js)?
            .get_all()
            .map_err(StorageError::from_js)?;
        let arr: Array = request(&req).await?.unchecked_into();
        arr.iter().map(|v| from_js(&v)).collect()
    }

    /// Several reads in one read-only transaction, so they see one instant: the raw results in
    /// the order asked (see [`Read`]).
    pub async fn read(&self, reads: Vec<Read>) -> Result<Vec<JsValue>, StorageError> {
        let mut stores: Vec<&str> = reads
            .iter()
            .map(|r| match r {
                Read::Get(s, _) | Read::All(s) | Read::Index(s, _, _) => *s,
            })
            .collect();
        stores.sort_unstable();
        stores.dedup();
        if stores.is_empty() {
            return Ok(Vec::new());
        }
        let tx = self.tx(&stores, IdbTransactionMode::Readonly).await?;
        // Every request is queued before the first await: the transaction is still active.
        let mut reqs = Vec::with_capacity(reads.len());
        for read in &reads {
            let store = |name: &str| tx.object_store(name).map_err(StorageError::from_js);
            reqs.push(
                match read {
                    Read::Get(s, key) => store(s)?.get(key),
                    Read::All(s) => store(s)?.get_all(),
                    Read::Index(s, index, key) => store(s)?
                        .index(index)
                        .and_then(|ix| ix.get_all_with_key(key)),
                }
                .map_err(StorageError::from_js)?,
            );
        }
        let mut out = Vec::with_capacity(reqs.len());
        for req in &reqs {
            out.push(request(req).await?);
        }
        Ok(out)
    }

    /// Every record of `store` as the browser stores it (Blobs intact), in key order.
    pub async fn all_raw(&self, store: &str) -> Result<Vec<JsValue>, StorageError> {
        let tx = self.tx(&[store], IdbTransactionMode::Readonly).await?;
        let req = tx
            .object_store(store)
            .map_err(StorageError::from_js)?
            .get_all()
            .map_err(StorageError::from_js)?;
        let arr: Array = request(&req).await?.unchecked_into();
        Ok(arr.iter().collect())
    }

    pub async fn count(&self, store: &str) -> Result<u32, StorageError> {
        let tx = self.tx(&[store], IdbTransactionMode::Readonly).await?;
        let req = tx
            .object_store(store)
            .map_err(StorageError::from_js)?
            .count()
            .map_err(StorageError::from_js)?;
        Ok(request(&req).await?.as_f64().unwrap_or(0.0) as u32)
    }

    /// Runs `f` in one read-write transaction over `stores` and waits for the commit. If `f`
    /// fails or the browser aborts (quota exceeded, I/O error), nothing of it is kept. An error
    /// returned by a read's callback (`get_then`, `read_then`) is the error returned here.
    pub async fn write(
        &self,
        stores: &[&str],
        f: impl FnOnce(&Writer) -> Result<(), StorageError>,
    ) -> Result<(), StorageError> {
        let tx = self.tx(stores, IdbTransactionMode::Readwrite).await?;
        let done = completion(&tx);
        let writer = Writer {
            tx: tx.clone(),
            reads: Rc::new(Cell::new(false)),
            failure: Rc::default(),
            handlers: Rc::default(),
        };
        if let Err(e) = f(&writer) {
            let _ = tx.abort();
            let _ = done.await;
            return Err(e);
        }
        // Everything is queued: ask the browser to commit now rather than when the event loop
        // gets round to it, so a tab killed right after a keystroke still keeps it. Not when a
        // read's callback will queue more writes (they would find the transaction committing).
        // (Called through Reflect: web-sys marks `commit` deprecated, and Safari before 15
        // lacks it, in which case the transaction commits on its own as before.)
        if !writer.reads.get() {
            if let Ok(commit) = js_sys::Reflect::get(&tx, &JsValue::from_str("commit")) {
                if let Some(commit) = commit.dyn_ref::<js_sys::Function>() {
                    let _ = commit.call0(&tx);
                }
            }
        }
        let result = done.await.map(|_| ()).map_err(StorageError::from_js);
        let failure = writer.failure.borrow_mut().take();
        match (result, failure) {
            (Err(_), Some(e)) => Err(e),
            (r, _) => r,
        }
    }

    /// A record as the browser stores it (Blobs intact), or `None`.
    pub async fn get_raw(&self, store: &str, key: &str) -> Result<Option<JsValue>, StorageError> {
        let tx = self.tx(&[store], IdbTransactionMode::Readonly).await?;
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
        let tx = self.tx(&[store], IdbTransactionMode::Readonly).await?;
        let req = tx
            .object_store(store)
            .and_then(|s| s.index(index))
            .and_then(|i| i.get_all_with_key(&JsValue::from_str(key)))
            .map_err(StorageError::from_js)?;
        let arr: Array = request(&req).await?.unchecked_into();
        Ok(arr.iter().collect())
    }

    /// Closes the connection; the next call opens it again.
    pub fn close(&self) {
        self.db.borrow().close();
        self.closed.set(true);
    }
}

/// Write access inside one transaction.
pub struct Writer {
    tx: IdbTransaction,
    /// A read was queued whose callback writes more (`get_then`): no early commit.
    reads: Rc<Cell<bool>>,
    /// Why a read's callback aborted the transaction, for `Db::write` to return.
    failure: Rc<RefCell<Option<StorageError>>>,
    /// The reads' `success` handlers, cleared when the transaction ends (`free_when_done`).
    handlers: Rc<ReadHandlerList>,
}

/// What `read_then` hands the results to.
type ReadThen = dyn FnOnce(&Writer, Vec<JsValue>) -> Result<(), StorageError>;

/// One read queued inside a read-write transaction (`Writer::read_then`).
#[derive(Debug, Clone)]
pub enum Read {
    /// One record by key (`undefined` when there is none).
    Get(&'static str, JsValue),
    /// Every record of a store, in key order (an Array).
    All(&'static str),
    /// The records whose index equals the key (an Array).
    Index(&'static str, &'static str, JsValue),
}

impl Read {
    pub fn get(store: &'static str, key: &str) -> Read {
        Read::Get(store, JsValue::from_str(key))
    }
}

impl Writer {
    fn store(&self, name: &str) -> Result<IdbObjectStore, StorageError> {
        self.tx.object_store(name).map_err(StorageError::from_js)
    }

    fn inner(&self) -> Writer {
        Writer {
            tx: self.tx.clone(),
            reads: self.reads.clone(),
            failure: self.failure.clone(),
            handlers: self.handlers.clone(),
        }
    }

    /// Aborts the transaction because of `e`, which `Db::write` then returns.
    fn fail(&self, e: StorageError) {
        web_sys::console::error_1(&format!("read-modify-write aborted: {e}").into());
        self.failure.borrow_mut().get_or_insert(e);
        let _ = self.tx.abort();
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
        self.delete_key(store, &JsValue::from_str(key))
    }

    /// Deletes by a key of any type (the outbox's keys are numbers).
    pub fn delete_key(&self, store: &str, key: &JsValue) -> Result<(), StorageError> {
        self.store(store)?
            .delete(key)
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
        store: &'static str,
        key: &str,
        then: impl FnOnce(&Writer, Option<T>) -> Result<(), StorageError> + 'static,
    ) -> Result<(), StorageError> {
        self.read_then(vec![Read::get(store, key)], move |w, got| {
            then(w, from_js_opt(&got[0])?)
        })
    }

    /// Queues `reads` inside this transaction and, once all have answered, hands their raw
    /// results (in the order asked) to `then`, which may read and write more in the same
    /// transaction. Nothing another tab writes can come between. If a read fails or `then`
    /// fails, the whole transaction is aborted and `Db::write` returns the error.
    pub fn read_then(
        &self,
        reads: Vec<Read>,
        then: impl FnOnce(&Writer, Vec<JsValue>) -> Result<(), StorageError> + 'static,
    ) -> Result<(), StorageError> {
        if !self.reads.replace(true) {
            free_when_done(&self.tx, &self.handlers);
        }
        let n = reads.len();
        let results: Rc<RefCell<Vec<JsValue>>> = Rc::new(RefCell::new(vec![JsValue::UNDEFINED; n]));
        let left = Rc::new(Cell::new(n));
        let then: Rc<RefCell<Option<Box<ReadThen>>>> = Rc::new(RefCell::new(Some(Box::new(then))));
        let finish = {
            let w = self.inner();
            let results = results.clone();
            let then = then.clone();
            move || {
                let Some(then) = then.borrow_mut().take() else {
                    return;
                };
                let got = std::mem::take(&mut *results.borrow_mut());
                if let Err(e) = then(&w, got) {
                    w.fail(e);
                }
            }
        };
        if n == 0 {
            finish();
            return Ok(());
        }
        let finish = Rc::new(finish);
        for (i, read) in reads.into_iter().enumerate() {
            let req = match &read {
                Read::Get(store, key) => self.store(store)?.get(key),
                Read::All(store) => self.store(store)?.get_all(),
                Read::Index(store, index, key) => self
                    .store(store)?
                    .index(index)
                    .and_then(|ix| ix.get_all_with_key(key)),
            }
            .map_err(StorageError::from_js)?;
            let (r, results, left, finish) =
                (req.clone(), results.clone(), left.clone(), finish.clone());
            let ok = Closure::<dyn FnMut(web_sys::Event)>::new(move |_: web_sys::Event| {
                results.borrow_mut()[i] = r.result().unwrap_or(JsValue::UNDEFINED);
                left.set(left.get() - 1);
                if left.get() == 0 {
                    finish();
                }
            });
            req.set_onsuccess(Some(ok.as_ref().unchecked_ref()));
            self.handlers.borrow_mut().push((req, ok));
        }
        Ok(())
    }
}
