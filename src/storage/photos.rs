//! Photo evidence on the phone: each photo is one record in the `photos` store holding its
//! `PhotoMeta` fields plus the JPEG and its thumbnail as real Blobs. A photo is saved or deleted
//! in one transaction with the visit that lists it and the outbox entries that sync it, so a
//! photo never exists without its answer knowing, nor an answer pointing at nothing.

use super::idb::{from_js, to_js, Db, OUTBOX, PHOTOS, VISITS};
use super::repo::{self, db};
use super::{outbox, photo_bytes, StorageError};
use dudao_domain::photo::PhotoMeta;
use dudao_domain::sync::wire::ENTITY_PHOTO;
use dudao_domain::Visit;
use wasm_bindgen::JsValue;
use web_sys::Blob;

/// A photo as stored: what is known about it, the stored JPEG and its thumbnail.
#[derive(Debug, Clone)]
pub struct StoredPhoto {
    pub meta: PhotoMeta,
    /// The stored JPEG; the thumbnail once `on_server`.
    pub blob: Blob,
    pub thumb: Blob,
    /// The office server confirmed the bytes and the phone freed its full-size copy: `blob` is
    /// the thumbnail, and the full photo is fetched from the server (`sync::remote`).
    pub on_server: bool,
}

pub(super) fn record(photo: &StoredPhoto) -> Result<JsValue, StorageError> {
    let obj = to_js(&photo.meta)?;
    js_sys::Reflect::set(&obj, &"blob".into(), &photo.blob).map_err(StorageError::from_js)?;
    js_sys::Reflect::set(&obj, &"thumb".into(), &photo.thumb).map_err(StorageError::from_js)?;
    Ok(obj)
}

fn from_record(v: &JsValue) -> Result<StoredPhoto, StorageError> {
    // JSON leaves the Blobs out (as `{}`), which PhotoMeta ignores.
    let meta: PhotoMeta = from_js(v)?;
    let blob = |name: &str, mime: &str| -> Result<Blob, StorageError> {
        photo_bytes::blob_field(v, name, mime)
            .ok_or_else(|| StorageError::Data(format!("photo record without its {name} Blob")))
    };
    let thumb = blob("thumb", "image/jpeg")?;
    let on_server = crate::sync::store::is_uploaded(v);
    Ok(StoredPhoto {
        blob: if on_server {
            thumb.clone()
        } else {
            blob("blob", &meta.mime)?
        },
        meta,
        thumb,
        on_server,
    })
}

/// Stores a photo with the visit that already lists it (`Visit::attach_photo`) and the outbox
/// markers of both (the photo's for its upload), in one transaction. `before` is the copy the
/// screen attached it to: the attachment is laid onto the visit as stored now
/// (`repo::save_visit`). Returns the visit as written. Screens attach photos through
/// `crate::visit_edit`.
pub async fn save_photo(
    before: Option<&Visit>,
    visit: &Visit,
    photo: &StoredPhoto,
) -> Result<Visit, StorageError> {
    save_photo_in(&db().await?, before, visit, photo).await
}

pub async fn save_photo_in(
    db: &Db,
    before: Option<&Visit>,
    visit: &Visit,
    photo: &StoredPhoto,
) -> Result<Visit, StorageError> {
    let m = &photo.meta;
    if m.visit_id != visit.id {
        return Err(StorageError::Data(format!(
            "photo {} belongs to visit {}, not {}",
            m.id, m.visit_id, visit.id
        )));
    }
    if !visit
        .answers
        .get(&m.item_code)
        .is_some_and(|a| a.photos.contains(&m.id))
    {
        return Err(StorageError::Data(format!(
            "photo {} is not attached to item {}",
            m.id, m.item_code
        )));
    }
    let rec = record(photo)?;
    let (id, at) = (m.id.clone(), visit.updated_at);
    photo_bytes::write_photos(std::slice::from_ref(&rec), || {
        let (rec, id) = (rec.clone(), id.clone());
        repo::write_edit(db, &[PHOTOS, VISITS, OUTBOX], before, visit, move |w| {
            w.put_raw(PHOTOS, &rec)?;
            outbox::mark(w, ENTITY_PHOTO, &id, at)
        })
    })
    .await
}

/// Takes a photo off its item and deletes it, with the visit and the outbox markers, in one
/// transaction. The detachment (`next`, made from `before`) is laid onto the visit as stored now
/// (`repo::save_visit`). Returns the visit as written.
pub async fn delete_photo(
    before: &Visit,
    next: &Visit,
    photo_id: &str,
) -> Result<Visit, StorageError> {
    delete_photo_in(&db().await?, before, next, photo_id).await
}

pub async fn delete_photo_in(
    db: &Db,
    before: &Visit,
    next: &Visit,
    photo_id: &str,
) -> Result<Visit, StorageError> {
    let (photo_id, at) = (photo_id.to_owned(), next.updated_at);
    repo::write_edit(
        db,
        &[PHOTOS, VISITS, OUTBOX],
        Some(before),
        next,
        move |w| {
            w.delete(PHOTOS, &photo_id)?;
            // The sync engine sends `deleted` for a photo the server has heard of.
            outbox::mark(w, ENTITY_PHOTO, &photo_id, at)
        },
    )
    .await
}

/// The visit's photos, oldest first.
pub async fn photos_for_visit(visit_id: &str) -> Result<Vec<StoredPhoto>, StorageError> {
    photos_for_visit_in(&db().await?, visit_id).await
}

pub async fn photos_for_visit_in(
    db: &Db,
    visit_id: &str,
) -> Result<Vec<StoredPhoto>, StorageError> {
    let mut out = db
        .by_index_raw(PHOTOS, "visit_id", visit_id)
        .await?
        .iter()
        .map(from_record)
        .collect::<Result<Vec<_>, _>>()?;
    out.sort_by(|a, b| (a.meta.taken_at, &a.meta.id).cmp(&(b.meta.taken_at, &b.meta.id)));
    Ok(out)
}

/// One photo, or `None`.
pub async fn photo_in(db: &Db, id: &str) -> Result<Option<StoredPhoto>, StorageError> {
    db.get_raw(PHOTOS, id)
        .await?
        .map(|v| from_record(&v))
        .transpose()
}

/// A `blob:` URL for showing a stored Blob in `<img>`; give it back with `revoke_object_url`.
pub fn object_url(blob: &Blob) -> String {
    web_sys::Url::create_object_url_with_blob(blob).unwrap_or_default()
}

pub fn revoke_object_url(url: &str) {
    if !url.is_empty() {
        let _ = web_sys::Url::revoke_object_url(url);
    }
}
