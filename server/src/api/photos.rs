//! Photos upload separately from records, resumably (DESIGN.md "Sync protocol", photos; issue 6,
//! item 4). Every route needs a token.
//!
//! 1. `POST /api/photos` with a [`CreateUpload`] `{photo_id, sha256, size, mime}`: 201 and an
//!    [`UploadStatus`]. The same id again with the same `sha256` and `size` answers 200 and how
//!    far it got; with another, 409.
//! 2. `HEAD /api/photos/{id}` (or `GET /api/photos/{id}/status` for the same as JSON): where the
//!    bytes end, in `Upload-Offset`, and the size in `Upload-Length`.
//! 3. `PATCH /api/photos/{id}` with `Upload-Offset` and the bytes that follow
//!    (`Content-Type: application/offset+octet-stream`, optionally `Upload-Checksum: sha256
//!    <base64>`): see [`super::photo_upload`]. The last byte in makes the server check the SHA-256
//!    of the whole file: 200 `complete` or 422 and back to offset 0.
//! 4. `GET /api/photos/{id}`: the photo, once complete.
//!
//! A photo's record (entity `photo`, pushed through sync) and its bytes arrive in either order:
//! nothing here needs the record.
//!
//! Who may do what: any signed-in user creates uploads, except for a photo whose record another
//! user pushed (403: a photo belongs to the user who made it, issue 13, item 5); only the one
//! who created an upload sends its bytes. Status and download: the uploader and admins always; anyone else whose scope holds
//! the school of the photo's record (office staff of its district, the supervisors assigned to
//! it), once that record has arrived. Before it, the server cannot tell whose photo it is.

use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use dudao_domain::sync::{CreateUpload, UploadStatus};

use crate::auth::Auth;
use crate::clock::now_ms;
use crate::db::{PhotoUpload, Role, Scope, User};
use crate::error::{AppError, UPLOAD_OFFSET};
use crate::json::ValidJson;
use crate::photos::{is_sha256_hex, parse_photo_id, LaneGuard, MAX_PHOTO_SIZE, MIME_TYPES};
use crate::state::AppState;

use super::photo_upload::settle;

/// tus: the whole size of the upload.
pub const UPLOAD_LENGTH: HeaderName = HeaderName::from_static("upload-length");
/// Not tus: whether all bytes are in and their SHA-256 matched, `true` or `false`.
pub const UPLOAD_COMPLETE: HeaderName = HeaderName::from_static("upload-complete");

/// Step 1: create an upload, or say how far an existing one got.
pub async fn create_upload(
    State(state): State<AppState>,
    auth: Auth,
    ValidJson(req): ValidJson<CreateUpload>,
) -> Result<Response, AppError> {
    let photo_id = parse_photo_id(&req.photo_id).map_err(AppError::InvalidRequest)?;
    if !is_sha256_hex(&req.sha256) {
        return Err(AppError::InvalidRequest(format!(
            "sha256 {:?} is not 64 lower-case hex digits (the SHA-256 of the whole file)",
            req.sha256
        )));
    }
    if req.size == 0 {
        return Err(AppError::InvalidRequest(
            "size is 0: a photo has at least one byte".into(),
        ));
    }
    if req.size > MAX_PHOTO_SIZE {
        return Err(AppError::TooLarge(format!(
            "The photo is {} bytes; photos may be at most {MAX_PHOTO_SIZE} bytes (20 MiB)",
            req.size
        )));
    }
    if !MIME_TYPES.contains(&req.mime.as_str()) {
        return Err(AppError::InvalidRequest(format!(
            "mime {:?} is not a photo type this server keeps: use {}",
            req.mime,
            MIME_TYPES.join(", ")
        )));
    }
    let now = now_ms();
    let new = PhotoUpload {
        photo_id: photo_id.clone(),
        user_id: auth.user.id.clone(),
        sha256: req.sha256.clone(),
        size: req.size,
        mime: req.mime.clone(),
        offset: 0,
        complete: false,
        created_at: now,
        updated_at: now,
    };
    let Some((upload, created)) = state.store.create_photo_upload(&new).await? else {
        tracing::warn!(%photo_id, user = %auth.user.username, "upload refused: the photo's record is another user's");
        return Err(AppError::Forbidden(format!(
            "Photo {photo_id} is recorded on the server as another account's photo; only the \
             account that took it uploads its bytes. Give this photo a new id"
        )));
    };
    if !created {
        if upload.sha256 != req.sha256 || upload.size != req.size {
            return Err(AppError::Conflict(format!(
                "Photo {photo_id} was created with SHA-256 {} and {} bytes, not {} and {} bytes: \
                 a photo id names one file; give another file a new id",
                upload.sha256, upload.size, req.sha256, req.size
            )));
        }
        if upload.user_id != auth.user.id && !upload.complete {
            return Err(AppError::Conflict(format!(
                "Photo {photo_id} is being uploaded by another account"
            )));
        }
        tracing::debug!(%photo_id, offset = upload.offset, "upload created again");
    } else {
        tracing::info!(%photo_id, size = upload.size, user = %auth.user.username, "upload created");
    }
    let code = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    let mut response = status_response(code, &upload);
    response.headers_mut().insert(
        header::LOCATION,
        HeaderValue::try_from(format!("/api/photos/{photo_id}")).expect("a UUID is ASCII"),
    );
    Ok(response)
}

/// Step 2: `HEAD`, the offset in headers and no body.
pub async fn head_upload(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let upload = current_status(&state, &auth.user, &id).await?;
    let mut response = status_response(StatusCode::OK, &upload);
    *response.body_mut() = axum::body::Body::empty();
    Ok(response)
}

/// Step 2, as JSON.
pub async fn get_upload_status(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let upload = current_status(&state, &auth.user, &id).await?;
    Ok(status_response(StatusCode::OK, &upload))
}

/// Step 4: the photo's bytes, once complete.
pub async fn download_photo(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let upload = visible_upload(&state, &auth.user, &id).await?;
    if !upload.complete {
        return Err(AppError::NotFound(format!(
            "Photo {} has not fully arrived: {} of {} bytes so far",
            upload.photo_id, upload.offset, upload.size
        )));
    }
    let Some((len, reader)) = state
        .photos
        .storage
        .open(&upload.photo_id)
        .await
        .map_err(AppError::PhotoStorage)?
    else {
        tracing::error!(photo_id = %upload.photo_id, "a complete photo's file is missing");
        return Err(AppError::NotFound(format!(
            "Photo {} is recorded as complete but its file is missing on the server; \
             the phone must upload it again",
            upload.photo_id
        )));
    };
    let body = axum::body::Body::from_stream(tokio_util::io::ReaderStream::new(reader));
    let headers = [
        (header::CONTENT_TYPE, upload.mime.clone()),
        (header::CONTENT_LENGTH, len.to_string()),
        (header::ETAG, format!("\"{}\"", upload.sha256)),
        // A photo id names one file forever (its hash was checked), so it never changes.
        (
            header::CACHE_CONTROL,
            "private, max-age=31536000, immutable".to_owned(),
        ),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_owned()),
        // Shown, not run or saved under a name the client chose: the id is a checked UUID.
        (
            header::CONTENT_DISPOSITION,
            format!(
                "inline; filename=\"{}.{}\"",
                upload.photo_id,
                photo_extension(&upload.mime)
            ),
        ),
    ];
    Ok((headers, body).into_response())
}

/// The upload as the caller may see it. The uploader's own status request first settles the
/// upload: it stops an older `PATCH` still waiting on a lost connection (keeping its bytes) so
/// the offset it answers is the one to resume from.
async fn current_status(state: &AppState, user: &User, id: &str) -> Result<PhotoUpload, AppError> {
    let upload = visible_upload(state, user, id).await?;
    if upload.complete || upload.user_id != user.id {
        return Ok(upload);
    }
    let Some(lane) = state.photos.lanes.take_over(&upload.photo_id).await else {
        return Err(newer_request(&upload.photo_id));
    };
    let (upload, _) = settle(state, &lane, &upload.photo_id).await?;
    drop::<LaneGuard>(lane);
    Ok(upload)
}

/// The upload with id `id`, if `user` may see it: 400 for an id that is not a UUID, 404 when
/// there is none, 403 when it is someone else's.
pub(super) async fn visible_upload(
    state: &AppState,
    user: &User,
    id: &str,
) -> Result<PhotoUpload, AppError> {
    let photo_id = parse_photo_id(id).map_err(AppError::InvalidRequest)?;
    let upload = state
        .store
        .photo_upload(&photo_id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("No photo upload with id {photo_id}")))?;
    if upload.user_id == user.id || user.role == Role::Admin {
        return Ok(upload);
    }
    let Some(school) = state.store.photo_record_school(&photo_id).await? else {
        return Err(AppError::Forbidden(format!(
            "Photo {photo_id} was uploaded by another account and its record (which visit it \
             belongs to) has not reached the server yet; try again after the next sync"
        )));
    };
    let scope = state.store.scope_school_ids(&Scope::of(user)).await?;
    if scope.contains(&school) {
        return Ok(upload);
    }
    Err(AppError::Forbidden(format!(
        "Photo {photo_id} is of a school outside what {} may see",
        user.username
    )))
}

pub(super) fn newer_request(photo_id: &str) -> AppError {
    AppError::Conflict(format!(
        "A newer request for photo {photo_id} arrived while this one waited; it goes first"
    ))
}

/// What the API says about an upload.
pub(super) fn upload_status(upload: &PhotoUpload) -> UploadStatus {
    UploadStatus {
        photo_id: upload.photo_id.clone(),
        offset: upload.offset,
        size: upload.size,
        complete: upload.complete,
    }
}

/// An [`UploadStatus`] as JSON, with the tus headers.
pub(super) fn status_response(code: StatusCode, upload: &PhotoUpload) -> Response {
    let mut response = (code, Json(upload_status(upload))).into_response();
    let headers: &mut HeaderMap = response.headers_mut();
    headers.insert(UPLOAD_OFFSET, HeaderValue::from(upload.offset));
    headers.insert(UPLOAD_LENGTH, HeaderValue::from(upload.size));
    headers.insert(
        UPLOAD_COMPLETE,
        HeaderValue::from_static(if upload.complete { "true" } else { "false" }),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// The file extension of a photo's type (`crate::photos::MIME_TYPES`).
fn photo_extension(mime: &str) -> &'static str {
    match mime {
        "image/png" => "png",
        "image/webp" => "webp",
        _ => "jpg",
    }
}
