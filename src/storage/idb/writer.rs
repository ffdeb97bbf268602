//! [`Writer`]: what a write transaction can do (put, delete, reads whose answers write more).

use super::settle::{free_when_done, ReadHandlerList};
use super::*;
use web_sys::{IdbObjectStore, IdbTransaction};

/// Write access inside one transaction.
pub struct Writer {
    pub(super) tx: IdbTransaction,
    /// A read was queued whose callback writes more (`get_then`): no early commit.
    pub(super) reads: Rc<Cell<bool>>,
    /// Why a read's callback aborted the transaction, for `Db::write` to return.
    pub(super) failure: Rc<RefCell<Option<StorageError>>>,
    /// The reads' `success` handlers, cleared when the transaction ends (`free_when_done`).
    pub(super) handlers: Rc<ReadHandlerList>,
    /// `read_then` groups whose callback has not run yet.
    pub(super) pending: Rc<Cell<usize>>,
    /// Set once the transaction is asked to commit (see `lifecycle`).
    pub(super) committing: Rc<Cell<bool>>,
    /// A record was put as it is (`put_raw`, Blobs): the transaction commits on its own.
    pub(super) raw: Rc<Cell<bool>>,
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
            pending: self.pending.clone(),
            committing: self.committing.clone(),
            raw: self.raw.clone(),
        }
    }

    /// Everything is queued: asks the browser to commit now rather than when the event loop
    /// gets round to it, so a tab killed right after a keystroke still keeps it, and hiding
    /// the page no longer cuts it off. (Called through Reflect: web-sys marks `commit`
    /// deprecated, and Safari before 15 lacks it, in which case the transaction commits on
    /// its own as before.)
    ///
    /// Not when a record was put as it is (`put_raw`): WebKit, asked to commit, reports a
    /// transaction whose Blob it could not store as complete, the record silently missing
    /// (seen in the WebKit walk); left to commit on its own, it aborts with the error, and
    /// the photo is stored another way (`storage::photo_bytes`).
    pub(super) fn commit(&self) {
        if self.raw.get() || self.failure.borrow().is_some() || self.committing.replace(true) {
            return;
        }
        if let Ok(commit) = js_sys::Reflect::get(&self.tx, &JsValue::from_str("commit")) {
            if let Some(commit) = commit.dyn_ref::<js_sys::Function>() {
                let _ = commit.call0(&self.tx);
            }
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
        self.raw.set(true);
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
        self.pending.set(self.pending.get() + 1);
        let finish = {
            let w = self.inner();
            let results = results.clone();
            let then = then.clone();
            move || {
                let Some(then) = then.borrow_mut().take() else {
                    return;
                };
                let got = std::mem::take(&mut *results.borrow_mut());
                match then(&w, got) {
                    Err(e) => w.fail(e),
                    // The last callback has queued its writes: nothing more will come.
                    Ok(()) => {
                        w.pending.set(w.pending.get() - 1);
                        if w.pending.get() == 0 {
                            w.commit();
                        }
                    }
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
