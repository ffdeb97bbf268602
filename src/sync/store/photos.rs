//! Photo upload state: which photos' bytes the server has confirmed, which are still to upload,
//! and marking one uploaded (the full-size Blob freed, the thumbnail kept).

use super::records::is_absent;
use crate::storage::idb::{from_js, Db, Read, PHOTOS};
use crate::storage::StorageError;
use dudao_domain::photo::PhotoMeta;
use wasm_bindgen::{JsCast, JsValue};

/// A photo record's property set when the server confirmed its bytes (the full-size Blob is
/// gone then; the thumbnail stays).
pub const UPLOADED_AT: &str = "uploaded_at";

/// Whether a stored photo record's bytes were confirmed by the server.
pub fn is_uploaded(record: &JsValue) -> bool {
    js_sys::Reflect::get(record, &UPLOADED_AT.into())
        .map(|v| !v.is_undefined() && !v.is_null())
        .unwrap_or(false)
}

/// A photo whose bytes are still to upload.
#[derive(Debug, Clone)]
pub struct PhotoToUpload {
    pub meta: PhotoMeta,
    pub blob: web_sys::Blob,
}

/// Photos on this phone whose bytes the server has not confirmed, oldest first.
pub async fn photos_to_upload(db: &Db) -> Result<Vec<PhotoToUpload>, StorageError> {
    let mut out = Vec::new();
    for raw in db.all_raw(PHOTOS).await? {
        if is_uploaded(&raw) {
            continue;
        }
        let meta: PhotoMeta = from_js(&raw)?;
        let Some(blob) = crate::storage::photo_bytes::blob_field(&raw, "blob", &meta.mime) else {
            continue;
        };
        out.push(PhotoToUpload { meta, blob });
    }
    out.sort_by(|a, b| (a.meta.taken_at, &a.meta.id).cmp(&(b.meta.taken_at, &b.meta.id)));
    Ok(out)
}

/// The server confirmed the photo's bytes (complete, hash checked): the full-size Blob is freed
/// and the thumbnail kept, in one transaction. Screens then show the thumbnail or fetch the
/// photo from the server.
pub async fn photo_uploaded(db: &Db, id: &str, now: i64) -> Result<(), StorageError> {
    let id = id.to_owned();
    db.write(&[PHOTOS], move |w| {
        w.read_then(vec![Read::get(PHOTOS, &id)], move |w, got| {
            let rec = &got[0];
            if is_absent(rec) {
                return Ok(());
            }
            js_sys::Reflect::delete_property(rec.unchecked_ref::<js_sys::Object>(), &"blob".into())
                .map_err(StorageError::from_js)?;
            js_sys::Reflect::set(rec, &UPLOADED_AT.into(), &JsValue::from_f64(now as f64))
                .map_err(StorageError::from_js)?;
            w.put_raw(PHOTOS, rec)
        })
    })
    .await
}
