//! A request's or a transaction's outcome as a future. The handlers are owned by the future
//! and freed with it, whether it settles or is dropped.

use super::*;
use js_sys::Promise;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{IdbRequest, IdbTransaction};

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
pub(super) async fn request(req: &IdbRequest) -> Result<JsValue, StorageError> {
    settle(req, None).await
}

/// What a timed-out read rejects with.
const STALLED: &str = "dudao:stalled";

/// A read's answer: as [`request`], but a read that does not answer within
/// [`lifecycle::stall_ms`](super::lifecycle) is [`StorageError::Stalled`] (the page says so)
/// rather than a page waiting for ever with nothing on it.
pub(super) async fn answer(req: &IdbRequest) -> Result<JsValue, StorageError> {
    let result = settle(req, Some(super::lifecycle::stall_ms())).await;
    match &result {
        Err(StorageError::Stalled) => super::lifecycle::stalled(),
        Ok(_) => super::lifecycle::answered(),
        Err(_) => {}
    }
    result
}

async fn settle(req: &IdbRequest, within_ms: Option<i32>) -> Result<JsValue, StorageError> {
    let mut handlers = None;
    let promise = Promise::new(&mut |resolve, reject| {
        let r = req.clone();
        let ok = Closure::<dyn FnMut(web_sys::Event)>::new(move |_: web_sys::Event| {
            let _ = resolve.call1(&JsValue::NULL, &r.result().unwrap_or(JsValue::UNDEFINED));
        });
        let r = req.clone();
        let rej = reject.clone();
        let err = Closure::<dyn FnMut(web_sys::Event)>::new(move |_: web_sys::Event| {
            let e = r
                .error()
                .ok()
                .flatten()
                .map(JsValue::from)
                .unwrap_or(JsValue::UNDEFINED);
            let _ = rej.call1(&JsValue::NULL, &e);
        });
        req.set_onsuccess(Some(ok.as_ref().unchecked_ref()));
        req.set_onerror(Some(err.as_ref().unchecked_ref()));
        let mut closures = vec![ok, err];
        let mut timer = None;
        if let (Some(ms), Some(w)) = (within_ms, web_sys::window()) {
            let late = Closure::<dyn FnMut(web_sys::Event)>::new(move |_: web_sys::Event| {
                let _ = reject.call1(&JsValue::NULL, &JsValue::from_str(STALLED));
            });
            timer = w
                .set_timeout_with_callback_and_timeout_and_arguments_0(
                    late.as_ref().unchecked_ref(),
                    ms,
                )
                .ok();
            closures.push(late);
        }
        let r = req.clone();
        handlers = Some(Handlers {
            clear: Box::new(move || {
                r.set_onsuccess(None);
                r.set_onerror(None);
                if let (Some(t), Some(w)) = (timer, web_sys::window()) {
                    w.clear_timeout_with_handle(t);
                }
            }),
            _closures: closures,
        });
    });
    let result = JsFuture::from(promise).await;
    drop(handlers);
    result.map_err(|e| {
        if e.as_string().as_deref() == Some(STALLED) {
            StorageError::Stalled
        } else {
            StorageError::from_js(e)
        }
    })
}

/// Resolves when the transaction commits; rejects with the reason when it aborts. The handlers
/// are set now (before the caller queues anything), and cleared when the returned future
/// finishes or is dropped.
pub(super) fn completion(
    tx: &IdbTransaction,
) -> impl std::future::Future<Output = Result<JsValue, JsValue>> {
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
pub(super) type ReadHandlerList = RefCell<Vec<(IdbRequest, Closure<dyn FnMut(web_sys::Event)>)>>;

/// Keeps the reads' handlers for as long as `tx` runs: when it commits or aborts (it always
/// does one or the other, whether or not anyone still awaits it) the handlers are cleared and
/// the closures freed, also those of reads that failed and so were never answered. (The
/// closures hold `Writer`s, which hold the list: emptying it breaks that cycle.) The listener is
/// one function for both events, so it runs once and `once_into_js` frees it then.
pub(super) fn free_when_done(tx: &IdbTransaction, handlers: &Rc<ReadHandlerList>) {
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
