//! A photo's bytes in its IndexedDB record: a Blob where the engine stores Blobs, an
//! ArrayBuffer where it refuses them.
//!
//! WebKit in a session that keeps nothing on disk (private browsing, some in-app browsers, the
//! WebDriver session of our WebKit walk) refuses every record holding a Blob with `UnknownError:
//! Error preparing Blob/File data to be stored in object store`, and stores the same bytes as an
//! ArrayBuffer without complaint (issue 16, item 3). Worse, when the refused record follows
//! other writes in its transaction (a photo is written with its visit and outbox markers),
//! that transaction never ends: no `complete`, no `abort`, and every later read of those stores
//! waits for ever (measured in WebKitGTK 2.50.6). So before the first photo of a page is
//! written, WebKit (only: see [`is_webkit_ua`]) is asked with a one-byte Blob put alone in a
//! database of its own; where that is refused (or
//! does not answer), photos are stored as bytes. A refusal met anyway is answered the same way.
//! Readers accept either.

use super::StorageError;
use std::cell::Cell;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::Blob;

/// The record fields holding bytes: the photo (freed once on the server) and its thumbnail.
pub const FIELDS: [&str; 2] = ["blob", "thumb"];

thread_local! {
    static REFUSED: Cell<bool> = const { Cell::new(false) };
    static PROBED: Cell<bool> = const { Cell::new(false) };
}

/// The database the probe writes to, apart from the app's (a hang there holds nothing).
const PROBE_DB: &str = "dudao-blob-probe";
/// How long the probe may take before Blobs are taken as refused.
const PROBE_MS: i32 = 5_000;

/// Whether this engine is WebKit (every iPhone browser, WebKitGTK), the one that may refuse
/// Blobs. Chromium (Android, WeChat's Android browser, desktop) is not probed: there a write on
/// a completely full disk fails in LevelDB and closes every IndexedDB connection of the page,
/// the app's too (seen in storage.spec's full disk), which the probe must never cause.
pub fn is_webkit_ua(ua: &str) -> bool {
    ua.contains("AppleWebKit")
        && !["Chrome/", "Chromium/", "Edg/", "OPR/"]
            .iter()
            .any(|c| ua.contains(c))
}

/// Finds out once per page whether this engine stores Blobs (see the module's notes). Only
/// WebKit is asked ([`is_webkit_ua`]).
pub async fn probe() {
    let ua = web_sys::window()
        .and_then(|w| w.navigator().user_agent().ok())
        .unwrap_or_default();
    if !is_webkit_ua(&ua) || PROBED.with(|p| p.replace(true)) {
        return;
    }
    let write = async {
        let db = super::idb::Db::open_named(PROBE_DB).await?;
        let rec = js_sys::Object::new();
        js_sys::Reflect::set(&rec, &"key".into(), &"blob-probe".into())
            .map_err(StorageError::from_js)?;
        let blob = Blob::new_with_str_sequence(&js_sys::Array::of1(&"1".into()))
            .map_err(StorageError::from_js)?;
        js_sys::Reflect::set(&rec, &"b".into(), &blob).map_err(StorageError::from_js)?;
        let rec: JsValue = rec.into();
        db.write(&[super::idb::META], move |w| {
            w.put_raw(super::idb::META, &rec)
        })
        .await?;
        db.close();
        Ok::<_, StorageError>(())
    };
    // Resolves with true (stored), "refused: …" (the engine refuses Blobs) or "failed: …"
    // (anything else: a full disk, no quota); the timer with "no answer".
    let write = wasm_bindgen_futures::future_to_promise(async move {
        Ok(match write.await {
            Ok(()) => JsValue::TRUE,
            Err(e) if refuses_blobs(&e) => JsValue::from_str(&format!("refused: {e}")),
            Err(e) => JsValue::from_str(&format!("failed: {e}")),
        })
    });
    let late = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(w) = web_sys::window() {
            let _ = w.set_timeout_with_callback_and_timeout_and_arguments_1(
                &resolve,
                PROBE_MS,
                &JsValue::from_str("no answer"),
            );
        }
    });
    let outcome = JsFuture::from(js_sys::Promise::race(&js_sys::Array::of2(&write, &late)))
        .await
        .unwrap_or_else(|e| e);
    if outcome == JsValue::TRUE {
        return;
    }
    let why = outcome.as_string().unwrap_or_default();
    if why.starts_with("failed") {
        // Says nothing about Blobs (a full disk fails every write): the photo is written as it
        // is and meets the real error (said as no room), and the next photo asks again.
        leptos::logging::warn!("the Blob probe failed ({why}); asking again with the next photo");
        PROBED.with(|p| p.set(false));
        return;
    }
    leptos::logging::warn!(
        "this browser does not store Blobs in IndexedDB ({why}): photos are stored as bytes"
    );
    set_blobs_refused(true);
}

/// Whether this page met an engine that refuses Blobs (then photos are stored as bytes).
pub fn blobs_refused() -> bool {
    REFUSED.with(Cell::get)
}

/// Remembers that Blobs are refused here (tests set it to play such an engine).
pub fn set_blobs_refused(refused: bool) {
    REFUSED.with(|r| r.set(refused));
}

/// The engine refused to store a record because it holds a Blob.
pub fn refuses_blobs(e: &StorageError) -> bool {
    matches!(e, StorageError::Failed(m) if m.starts_with("UnknownError") && m.contains("Blob"))
}

/// The Blob in `field` of a stored record, made from its bytes if it was stored as an
/// ArrayBuffer (with `mime` as its type). `None` when the field holds neither.
pub fn blob_field(record: &JsValue, field: &str, mime: &str) -> Option<Blob> {
    let v = js_sys::Reflect::get(record, &field.into()).ok()?;
    if let Some(b) = v.dyn_ref::<Blob>() {
        return Some(b.clone());
    }
    let buf = v.dyn_into::<js_sys::ArrayBuffer>().ok()?;
    let opts = web_sys::BlobPropertyBag::new();
    opts.set_type(mime);
    Blob::new_with_buffer_source_sequence_and_options(&js_sys::Array::of1(&buf), &opts).ok()
}

/// Puts the bytes of every Blob field of `record` in place of the Blob, for an engine that
/// refuses Blobs. Reads the Blobs (from memory: they were just made or read).
pub async fn to_bytes(record: &JsValue) -> Result<(), StorageError> {
    for field in FIELDS {
        let v = js_sys::Reflect::get(record, &field.into()).map_err(StorageError::from_js)?;
        if let Some(b) = v.dyn_ref::<Blob>() {
            let buf = JsFuture::from(b.array_buffer())
                .await
                .map_err(StorageError::from_js)?;
            js_sys::Reflect::set(record, &field.into(), &buf).map_err(StorageError::from_js)?;
        }
    }
    Ok(())
}

/// Writes photo records with `write`: as they are, or as bytes where Blobs are refused (found
/// out by the probe, or by a refusal, after which `write` runs again with bytes; the refused
/// attempt wrote nothing).
pub async fn write_photos<T, F, Fut>(records: &[JsValue], write: F) -> Result<T, StorageError>
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = Result<T, StorageError>>,
{
    if !records.is_empty() {
        probe().await;
    }
    if blobs_refused() {
        for r in records {
            to_bytes(r).await?;
        }
        return write().await;
    }
    match write().await {
        Err(e) if !records.is_empty() && refuses_blobs(&e) => {
            leptos::logging::warn!(
                "this browser refuses Blobs in IndexedDB ({e}): photos are stored as bytes"
            );
            set_blobs_refused(true);
            for r in records {
                to_bytes(r).await?;
            }
            write().await
        }
        r => r,
    }
}
