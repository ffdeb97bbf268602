//! Photos whose full-size copy lives only on the office server once it confirmed them (the
//! phone keeps the thumbnail): fetched with the token when a screen needs the full photo.

use crate::api::{self, ApiError};
use crate::storage::photos::StoredPhoto;
use web_sys::Blob;

/// The full photo from the server (`GET /api/photos/{id}`).
pub async fn full_photo(id: &str) -> Result<Blob, ApiError> {
    api::get_blob(&format!("/api/photos/{id}")).await
}

/// The best copy there is: the stored JPEG, or for a photo freed after upload the server's
/// copy, or failing that (offline, signed out) the thumbnail. `true` when it is the full photo.
pub async fn best_copy(p: &StoredPhoto) -> (Blob, bool) {
    if !p.on_server {
        return (p.blob.clone(), true);
    }
    match full_photo(&p.meta.id).await {
        Ok(b) => (b, true),
        Err(e) => {
            leptos::logging::log!("photo {} not fetched from the server: {e}", p.meta.id);
            (p.thumb.clone(), false)
        }
    }
}
