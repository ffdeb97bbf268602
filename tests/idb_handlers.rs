//! The IndexedDB wrapper's event handlers in a real browser (headless Chromium), issue 15: they
//! are freed once their request or transaction has settled, and a future dropped before that
//! leaves no handler behind that would call a freed closure (which throws inside the browser's
//! event dispatch, and an exception in a `success` handler aborts the transaction).
//! The counts of live requests and transactions are e2e/tests/leak.spec.ts.
#![cfg(target_arch = "wasm32")]

use dudao::storage::idb::{Read, META};
use serde_json::{json, Value};
use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

mod common;
use common::{fresh_db, tick};

/// Polls once, as an executor would before the browser answers; the caller then drops it.
fn poll_once<F: Future>(fut: Pin<&mut F>) -> Poll<F::Output> {
    fut.poll(&mut Context::from_waker(Waker::noop()))
}

/// Every uncaught exception the page reports from now on (a handler that threw).
type Listener = Closure<dyn FnMut(web_sys::Event)>;

fn uncaught() -> (Rc<RefCell<Vec<String>>>, Listener) {
    let seen = Rc::new(RefCell::new(Vec::new()));
    let s = seen.clone();
    let listener = Listener::new(move |e: web_sys::Event| {
        // An ErrorEvent (web-sys is built without that feature here): its `message`.
        let message = js_sys::Reflect::get(&e, &"message".into()).unwrap_or_default();
        s.borrow_mut().push(message.as_string().unwrap_or_default());
    });
    web_sys::window()
        .unwrap()
        .add_event_listener_with_callback("error", listener.as_ref().unchecked_ref())
        .unwrap();
    (seen, listener)
}

fn stop(listener: Listener) {
    web_sys::window()
        .unwrap()
        .remove_event_listener_with_callback("error", listener.as_ref().unchecked_ref())
        .unwrap();
}

async fn counter(db: &dudao::storage::idb::Db) -> i64 {
    let v: Option<Value> = db.get(META, "counter").await.unwrap();
    v.and_then(|v| v["n"].as_i64()).unwrap_or(0)
}

#[wasm_bindgen_test]
async fn futures_dropped_before_the_browser_answers_leave_no_handler_behind() {
    let db = fresh_db("idb-handlers-dropped").await;
    let (errors, listener) = uncaught();
    db.write(&[META], |w| w.put(META, &json!({"key": "counter", "n": 1})))
        .await
        .unwrap();

    // A read whose future is dropped while its request is pending.
    let mut get = Box::pin(db.get::<Value>(META, "counter"));
    assert!(poll_once(get.as_mut()).is_pending());
    drop(get);

    // A read-modify-write whose future is dropped before the read has answered: the browser
    // still runs the callback and commits, as it did before (nobody awaits the commit).
    let mut write = Box::pin(db.write(&[META], |w| {
        w.get_then(META, "counter", |w, got: Option<Value>| {
            let n = got.and_then(|v| v["n"].as_i64()).unwrap_or(0);
            w.put(META, &json!({"key": "counter", "n": n + 1}))
        })
    }));
    assert!(poll_once(write.as_mut()).is_pending());
    drop(write);

    for _ in 0..5 {
        tick().await;
    }
    assert_eq!(
        counter(&db).await,
        2,
        "the dropped write's read-modify-write committed"
    );
    // And the connection keeps working, awaited as usual.
    db.write(&[META], |w| {
        w.get_then(META, "counter", |w, got: Option<Value>| {
            let n = got.and_then(|v| v["n"].as_i64()).unwrap_or(0);
            w.put(META, &json!({"key": "counter", "n": n + 1}))
        })
    })
    .await
    .unwrap();
    assert_eq!(counter(&db).await, 3);
    stop(listener);
    assert_eq!(*errors.borrow(), Vec::<String>::new(), "no handler threw");
}

#[wasm_bindgen_test]
async fn a_batch_read_that_fails_aborts_the_write_and_the_next_one_works() {
    let db = fresh_db("idb-handlers-failed-read").await;
    let (errors, listener) = uncaught();
    db.write(&[META], |w| w.put(META, &json!({"key": "counter", "n": 1})))
        .await
        .unwrap();

    // The first read is queued (its handler set), the second cannot be (META has no such
    // index): the write is aborted and returns the error; the first read never answers.
    let failed = db
        .write(&[META], |w| {
            w.read_then(
                vec![
                    Read::get(META, "counter"),
                    Read::Index(META, "no-such-index", JsValue::from_str("x")),
                ],
                |w, _| w.put(META, &json!({"key": "counter", "n": 100})),
            )
        })
        .await;
    assert!(
        failed.is_err(),
        "a read that cannot be made fails the write"
    );
    assert_eq!(counter(&db).await, 1, "nothing of the failed write is kept");

    db.write(&[META], |w| {
        w.get_then(META, "counter", |w, got: Option<Value>| {
            let n = got.and_then(|v| v["n"].as_i64()).unwrap_or(0);
            w.put(META, &json!({"key": "counter", "n": n + 1}))
        })
    })
    .await
    .unwrap();
    assert_eq!(counter(&db).await, 2);
    for _ in 0..3 {
        tick().await;
    }
    stop(listener);
    assert_eq!(*errors.borrow(), Vec::<String>::new(), "no handler threw");
}
