//! One sync cycle at a time across every tab of the app.
//!
//! With the Web Locks API (`navigator.locks`, in every current browser over https and on
//! `localhost`/`127.0.0.1`) the cycle runs inside an exclusive lock requested with
//! `ifAvailable`: a tab that finds it held skips its cycle instead of queueing one. The browser
//! frees the lock when the holding tab dies. Where the API is missing (plain http on a LAN,
//! older Safari) a lease in IndexedDB `meta` stands in: taken in a read-modify-write
//! transaction, for at most [`LEASE_MS`], released at the end.
//!
//! The lock only saves work: two cycles at once would still be safe, since `seq` is the
//! server's idempotency key (a mutation sent twice is a `duplicate`), each mutation's `seq`
//! is taken inside one IndexedDB transaction, and a photo chunk at a stale offset is refused
//! and resumed from the server's offset.

use crate::storage::idb::{Db, META};
use serde::{Deserialize, Serialize};
use std::cell::{Cell, RefCell};
use std::future::Future;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::{future_to_promise, JsFuture};

const LOCK_NAME: &str = "dudao-sync";
const LEASE_KEY: &str = "sync_lease";
/// How long a lease holds if its tab dies without releasing it.
pub const LEASE_MS: i64 = 5 * 60 * 1000;

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Lease {
    key: String,
    owner: String,
    until: i64,
}

thread_local! {
    static TAB: String = uuid::Uuid::now_v7().to_string();
}

fn web_locks() -> Option<JsValue> {
    let nav = web_sys::window()?.navigator();
    let locks = js_sys::Reflect::get(&nav, &"locks".into()).ok()?;
    (!locks.is_undefined() && !locks.is_null()).then_some(locks)
}

/// Runs `f` holding the app-wide sync lock; `None` (and `f` not run) when another tab holds it.
pub async fn exclusive<R: 'static>(db: &Db, f: impl Future<Output = R> + 'static) -> Option<R> {
    match web_locks() {
        Some(locks) => with_web_lock(locks, f).await,
        None => with_lease(db, &TAB.with(Clone::clone), f).await,
    }
}

async fn with_web_lock<R: 'static>(
    locks: JsValue,
    f: impl Future<Output = R> + 'static,
) -> Option<R> {
    let slot: Rc<RefCell<Option<R>>> = Rc::default();
    let out = slot.clone();
    let callback = Closure::once_into_js(move |lock: JsValue| -> js_sys::Promise {
        if lock.is_null() {
            return js_sys::Promise::resolve(&JsValue::NULL);
        }
        future_to_promise(async move {
            *out.borrow_mut() = Some(f.await);
            Ok(JsValue::TRUE)
        })
    });
    let options = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&options, &"ifAvailable".into(), &JsValue::TRUE);
    let request = js_sys::Reflect::get(&locks, &"request".into())
        .ok()
        .and_then(|r| r.dyn_into::<js_sys::Function>().ok())?;
    let promise = request
        .call3(&locks, &LOCK_NAME.into(), &options, &callback)
        .ok()?
        .dyn_into::<js_sys::Promise>()
        .ok()?;
    if let Err(e) = JsFuture::from(promise).await {
        web_sys::console::error_2(&"sync lock failed".into(), &e);
    }
    let r = slot.borrow_mut().take();
    r
}

/// The IndexedDB lease alone, taken for the tab `me` (where Web Locks are missing; public for
/// tests, which play two tabs).
pub async fn with_lease<R: 'static>(
    db: &Db,
    me: &str,
    f: impl Future<Output = R> + 'static,
) -> Option<R> {
    let me = me.to_owned();
    let now = crate::clock::now_ms();
    let got = Rc::new(Cell::new(false));
    let flag = got.clone();
    let owner = me.clone();
    let taken = db
        .write(&[META], move |w| {
            w.get_then(META, LEASE_KEY, move |w, lease: Option<Lease>| {
                if lease.is_some_and(|l| l.until > now && l.owner != owner) {
                    return Ok(());
                }
                flag.set(true);
                w.put(
                    META,
                    &Lease {
                        key: LEASE_KEY.into(),
                        owner,
                        until: now + LEASE_MS,
                    },
                )
            })
        })
        .await;
    if let Err(e) = taken {
        leptos::logging::error!("sync lease not taken: {e}");
        return None;
    }
    if !got.get() {
        return None;
    }
    let r = f.await;
    let released = db
        .write(&[META], move |w| {
            w.get_then(META, LEASE_KEY, move |w, lease: Option<Lease>| {
                if lease.is_some_and(|l| l.owner == me) {
                    w.delete(META, LEASE_KEY)?;
                }
                Ok(())
            })
        })
        .await;
    if let Err(e) = released {
        leptos::logging::error!("sync lease not released: {e}");
    }
    Some(r)
}
