//! Opening the database: every schema step, run forward once inside the upgrade transaction.

use super::settle::request;
use super::*;
use web_sys::{IdbObjectStoreParameters, IdbOpenDbRequest, IdbVersionChangeEvent};

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
    if old_version < 4 {
        // Findings as records of their own; those of visits signed before are made on the next
        // start (`repo::ensure_finding_records`).
        let by_id = IdbObjectStoreParameters::new();
        by_id.set_key_path(&JsValue::from_str("id"));
        db.create_object_store_with_optional_parameters(FINDINGS, &by_id)?;
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
pub(super) async fn open_at_least(
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
