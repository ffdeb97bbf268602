//! A thin IndexedDB wrapper: open with forward migrations, read, and write in one transaction
//! that is only reported done when the browser says `complete`.
//!
//! Records are stored as plain JS objects (JSON round-trip), so they are readable in DevTools.
//!
//! - `open`: opening with forward migrations (`migrate` holds every schema step);
//! - `settle`: a request's or a transaction's outcome as a future, its handlers freed with it;
//! - `db`: [`Db`], reads and the write transaction;
//! - `writer`: [`Writer`], what a write transaction can do, and [`Read`];
//! - `lifecycle`: letting go of the database when the page is hidden; reads that stall.

mod db;
pub mod lifecycle;
mod open;
mod settle;
mod writer;

pub use lifecycle::{EVENT_ANSWERING, EVENT_STALLED};
pub use writer::{Read, Writer};

use super::error::StorageError;
use serde::{de::DeserializeOwned, Serialize};
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use web_sys::IdbDatabase;

pub const DB_NAME: &str = "dudao";
/// Raise by one for every schema change and add a step to `migrate`.
pub const DB_VERSION: u32 = 4;

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
/// Findings followed through 整改 (`dudao_domain::finding_record::FindingRecord`), by `id`: made
/// when a visit is signed here, or pulled (version 4).
pub const FINDINGS: &str = "findings";

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
