//! The database and the page's life (issue 16, item 2), in a real browser: a read held up by a
//! transaction that never ends is reported as stalled (the page says so) instead of waiting for
//! ever on an empty screen; hiding the page cuts off unfinished transactions (nothing of them is
//! kept), lets committing ones finish, refuses new ones until the page is shown again, and the
//! next read opens the database again.
#![cfg(target_arch = "wasm32")]

use dudao::storage::idb::lifecycle::{self, EVENT_ANSWERING, EVENT_STALLED};
use dudao::storage::idb::{Db, META};
use dudao::storage::StorageError;
use serde_json::{json, Value};
use std::cell::Cell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

mod common;
use common::tick;

fn poll_once<F: Future>(fut: Pin<&mut F>) -> Poll<F::Output> {
    fut.poll(&mut Context::from_waker(Waker::noop()))
}

async fn sleep(ms: i32) {
    let p = js_sys::Promise::new(&mut |resolve, _| {
        web_sys::window()
            .unwrap()
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms)
            .unwrap();
    });
    JsFuture::from(p).await.unwrap();
}

type Listener = Closure<dyn FnMut(web_sys::Event)>;

/// Counts the window events named `name` from now on.
fn count_events(name: &str) -> (Rc<Cell<u32>>, Listener) {
    let n = Rc::new(Cell::new(0));
    let c = n.clone();
    let listener =
        Closure::<dyn FnMut(web_sys::Event)>::new(move |_: web_sys::Event| c.set(c.get() + 1));
    web_sys::window()
        .unwrap()
        .add_event_listener_with_callback(name, listener.as_ref().unchecked_ref())
        .unwrap();
    (n, listener)
}

/// Another connection (as a page left in WebKit's back/forward cache had) holds a read-write
/// transaction over `meta` open for `ms`, by asking for one record after another.
async fn hold_meta(name: &str, ms: u32) {
    let hold = js_sys::Function::new_with_args(
        "name, ms",
        "return new Promise((resolve, reject) => {
            const open = indexedDB.open(name);
            open.onerror = () => reject(open.error);
            open.onsuccess = () => {
                const tx = open.result.transaction(['meta'], 'readwrite');
                const store = tx.objectStore('meta');
                const until = Date.now() + ms;
                const spin = () => { if (Date.now() < until) store.get('k').onsuccess = spin; };
                spin();
                tx.oncomplete = () => open.result.close();
                resolve();
            };
        })",
    );
    let p: js_sys::Promise = hold
        .call2(&JsValue::NULL, &name.into(), &ms.into())
        .unwrap()
        .unchecked_into();
    JsFuture::from(p).await.unwrap();
}

#[wasm_bindgen_test]
async fn a_read_held_up_for_ever_is_reported_as_stalled_and_reads_answer_again_after() {
    let name = format!("idb-lifecycle-stall-{}", js_sys::Math::random());
    let db = Db::open_named(&name).await.unwrap();
    db.write(&[META], |w| w.put(META, &json!({"key": "k", "n": 7})))
        .await
        .unwrap();
    let (stalled, l1) = count_events(EVENT_STALLED);
    let (answering, l2) = count_events(EVENT_ANSWERING);

    lifecycle::set_stall_ms(300);
    hold_meta(&name, 1500).await;
    let got = db.get::<Value>(META, "k").await;
    assert_eq!(
        got,
        Err(StorageError::Stalled),
        "a stalled read is an error"
    );
    assert_eq!(stalled.get(), 1, "the page is told");
    assert_eq!(answering.get(), 0);

    // Once the other transaction ends, reads answer, and the page is told that too.
    lifecycle::set_stall_ms(lifecycle::STALL_MS);
    sleep(1600).await;
    let got: Option<Value> = db.get(META, "k").await.unwrap();
    assert_eq!(got.unwrap()["n"], 7, "the record was there all along");
    assert_eq!(answering.get(), 1);
    drop((l1, l2));
}

#[wasm_bindgen_test]
async fn hiding_the_page_cuts_off_unfinished_work_keeps_committing_work_and_reopens_after() {
    let name = format!("idb-lifecycle-hide-{}", js_sys::Math::random());
    let db = Db::open_named(&name).await.unwrap();
    db.write(&[META], |w| w.put(META, &json!({"key": "counter", "n": 1})))
        .await
        .unwrap();

    // A read-modify-write whose read has not answered yet, and a plain write that is already
    // committing, when the page is hidden.
    let mut rmw = Box::pin(db.write(&[META], |w| {
        w.get_then(META, "counter", |w, got: Option<Value>| {
            let n = got.and_then(|v| v["n"].as_i64()).unwrap_or(0);
            w.put(META, &json!({"key": "counter", "n": n + 10}))
        })
    }));
    assert!(poll_once(rmw.as_mut()).is_pending());
    let mut plain = Box::pin(db.write(&[META], |w| w.put(META, &json!({"key": "plain", "n": 1}))));
    assert!(poll_once(plain.as_mut()).is_pending());
    assert_eq!(lifecycle::live_count(), 2);

    assert_eq!(
        lifecycle::release(),
        1,
        "only the unfinished one is cut off"
    );
    assert!(
        rmw.await.is_err(),
        "the cut-off write reports that it failed"
    );
    plain.await.expect("the committing write finishes");
    // While hidden, nothing new begins.
    assert!(db.get::<Value>(META, "counter").await.is_err());

    assert!(
        lifecycle::wake(),
        "shown again, the page learns work was cut off"
    );
    assert!(!lifecycle::wake(), "and only once");
    let counter: Option<Value> = db.get(META, "counter").await.unwrap();
    assert_eq!(
        counter.unwrap()["n"],
        1,
        "nothing of the cut-off write was kept"
    );
    let plain: Option<Value> = db.get(META, "plain").await.unwrap();
    assert!(plain.is_some(), "the committing write was kept");
    for _ in 0..3 {
        tick().await;
    }
    assert_eq!(lifecycle::live_count(), 0, "no transaction is left tracked");

    // Hidden with nothing unfinished: shown again, nothing to reload for.
    assert_eq!(lifecycle::release(), 0);
    assert!(!lifecycle::wake());
    db.write(&[META], |w| {
        w.get_then(META, "counter", |w, got: Option<Value>| {
            let n = got.and_then(|v| v["n"].as_i64()).unwrap_or(0);
            w.put(META, &json!({"key": "counter", "n": n + 1}))
        })
    })
    .await
    .unwrap();
    let counter: Option<Value> = db.get(META, "counter").await.unwrap();
    assert_eq!(
        counter.unwrap()["n"],
        2,
        "the reopened connection reads and writes"
    );
}
