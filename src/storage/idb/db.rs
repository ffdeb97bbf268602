//! [`Db`]: opening, reads, and the one write transaction that reports done only on `complete`.

use super::lifecycle::{self, Live};
use super::open::open_at_least;
use super::settle::{answer, completion};
use super::*;
use js_sys::Array;
use web_sys::{IdbTransaction, IdbTransactionMode};

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
        let db = Rc::new(RefCell::new(open_at_least(name, version, &closed).await?));
        lifecycle::register(&db, &closed);
        Ok(Db {
            db,
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
    /// It is tracked while the returned guard lives (let go when the page is hidden, see
    /// [`lifecycle`]).
    async fn tx(
        &self,
        stores: &[&str],
        mode: IdbTransactionMode,
    ) -> Result<(IdbTransaction, Live), StorageError> {
        lifecycle::check_awake()?;
        if self.closed.get() {
            self.reopen().await?;
        }
        let tx = self.tx_now(stores, mode);
        let tx = match tx {
            Ok(tx) => Ok(tx),
            Err(e)
                if e.dyn_ref::<web_sys::DomException>()
                    .is_some_and(|d| d.name() == "InvalidStateError") =>
            {
                self.reopen().await?;
                self.tx_now(stores, mode).map_err(StorageError::from_js)
            }
            Err(e) => Err(StorageError::from_js(e)),
        }?;
        let live = lifecycle::track(&tx);
        Ok((tx, live))
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
        let (tx, _live) = self.tx(&[store], IdbTransactionMode::Readonly).await?;
        let req = tx
            .object_store(store)
            .map_err(StorageError::from_js)?
            .get(&JsValue::from_str(key))
            .map_err(StorageError::from_js)?;
        from_js_opt(&answer(&req).await?)
    }

    pub async fn all<T: DeserializeOwned>(&self, store: &str) -> Result<Vec<T>, StorageError> {
        let (tx, _live) = self.tx(&[store], IdbTransactionMode::Readonly).await?;
        let req = tx
            .object_store(store)
            .map_err(StorageError::from_js)?
            .get_all()
            .map_err(StorageError::from_js)?;
        let arr: Array = answer(&req).await?.unchecked_into();
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
        let (tx, _live) = self.tx(&stores, IdbTransactionMode::Readonly).await?;
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
            out.push(answer(req).await?);
        }
        Ok(out)
    }

    /// Every record of `store` as the browser stores it (Blobs intact), in key order.
    pub async fn all_raw(&self, store: &str) -> Result<Vec<JsValue>, StorageError> {
        let (tx, _live) = self.tx(&[store], IdbTransactionMode::Readonly).await?;
        let req = tx
            .object_store(store)
            .map_err(StorageError::from_js)?
            .get_all()
            .map_err(StorageError::from_js)?;
        let arr: Array = answer(&req).await?.unchecked_into();
        Ok(arr.iter().collect())
    }

    pub async fn count(&self, store: &str) -> Result<u32, StorageError> {
        let (tx, _live) = self.tx(&[store], IdbTransactionMode::Readonly).await?;
        let req = tx
            .object_store(store)
            .map_err(StorageError::from_js)?
            .count()
            .map_err(StorageError::from_js)?;
        Ok(answer(&req).await?.as_f64().unwrap_or(0.0) as u32)
    }

    /// Runs `f` in one read-write transaction over `stores` and waits for the commit. If `f`
    /// fails or the browser aborts (quota exceeded, I/O error), nothing of it is kept. An error
    /// returned by a read's callback (`get_then`, `read_then`) is the error returned here.
    pub async fn write(
        &self,
        stores: &[&str],
        f: impl FnOnce(&Writer) -> Result<(), StorageError>,
    ) -> Result<(), StorageError> {
        let (tx, live) = self.tx(stores, IdbTransactionMode::Readwrite).await?;
        let done = completion(&tx);
        let writer = Writer {
            tx: tx.clone(),
            reads: Rc::new(Cell::new(false)),
            failure: Rc::default(),
            handlers: Rc::default(),
            pending: Rc::default(),
            committing: live.flag(),
            raw: Rc::default(),
        };
        if let Err(e) = f(&writer) {
            let _ = tx.abort();
            let _ = done.await;
            return Err(e);
        }
        // Everything is queued: commit now (see `Writer::commit`). Not when a read's callback
        // will queue more writes: that commits when the last callback has run.
        if !writer.reads.get() {
            writer.commit();
        }
        let result = done.await.map(|_| ()).map_err(StorageError::from_js);
        drop(live);
        let failure = writer.failure.borrow_mut().take();
        match (result, failure) {
            (Err(_), Some(e)) => Err(e),
            (r, _) => r,
        }
    }

    /// A record as the browser stores it (Blobs intact), or `None`.
    pub async fn get_raw(&self, store: &str, key: &str) -> Result<Option<JsValue>, StorageError> {
        let (tx, _live) = self.tx(&[store], IdbTransactionMode::Readonly).await?;
        let req = tx
            .object_store(store)
            .map_err(StorageError::from_js)?
            .get(&JsValue::from_str(key))
            .map_err(StorageError::from_js)?;
        let v = answer(&req).await?;
        Ok((!v.is_undefined() && !v.is_null()).then_some(v))
    }

    /// The records whose `index` equals `key`, as the browser stores them.
    pub async fn by_index_raw(
        &self,
        store: &str,
        index: &str,
        key: &str,
    ) -> Result<Vec<JsValue>, StorageError> {
        let (tx, _live) = self.tx(&[store], IdbTransactionMode::Readonly).await?;
        let req = tx
            .object_store(store)
            .and_then(|s| s.index(index))
            .and_then(|i| i.get_all_with_key(&JsValue::from_str(key)))
            .map_err(StorageError::from_js)?;
        let arr: Array = answer(&req).await?.unchecked_into();
        Ok(arr.iter().collect())
    }

    /// Closes the connection; the next call opens it again.
    pub fn close(&self) {
        self.db.borrow().close();
        self.closed.set(true);
    }
}
