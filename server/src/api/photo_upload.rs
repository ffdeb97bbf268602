//! Step 3 of [`super::photos`]: `PATCH /api/photos/{id}`, the bytes of a photo from an offset.
//!
//! a. Headers first: `Content-Type: application/offset+octet-stream` (else 415), `Upload-Offset`
//!    (400 without it), an optional `Upload-Checksum: sha256 <base64>` of this chunk, a
//!    `Content-Length` within [`MAX_CHUNK`] (413). Only the uploader sends bytes (403).
//! b. The rest runs in a task of its own, so a dropped connection cannot stop it halfway: take
//!    the upload's lane (an older request still running is asked to stop and keeps its bytes),
//!    [`settle`] it, and compare offsets: another offset is 409 with the server's in the body and
//!    in `Upload-Offset`.
//! c. The body streams to the partial file. Without a checksum, the offset moves every
//!    [`COMMIT_EVERY`] bytes once they are synced to disk, and when the body stops early (the
//!    connection was cut, or a newer request took over) what arrived is kept. With a checksum,
//!    the chunk counts only whole and matching: otherwise it is cut off again (460) and the
//!    offset stays.
//! d. A byte past the photo's size or the chunk limit: everything this request wrote is cut off
//!    again and the answer is 413.
//! e. The last byte in: the SHA-256 of the whole file must be the one the upload was created
//!    with. It is: the file moves to its final place and the upload is complete. It is not: the
//!    bytes are thrown away, the offset goes back to 0, and the answer is 422.

use std::pin::Pin;

use axum::body::{Body, Bytes, HttpBody};
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderName, StatusCode};
use axum::response::Response;
use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use sha2::{Digest, Sha256};

use crate::auth::Auth;
use crate::clock::now_ms;
use crate::db::PhotoUpload;
use crate::error::{AppError, UPLOAD_OFFSET};
use crate::photos::{hex, parse_photo_id, Appender, LaneGuard, Stage, MAX_CHUNK};
use crate::state::AppState;

use super::photos::{newer_request, status_response};

/// The body type of a `PATCH`, as in tus.
pub const OFFSET_OCTET_STREAM: &str = "application/offset+octet-stream";
/// tus: `sha256 <base64 of the chunk's SHA-256>`.
pub const UPLOAD_CHECKSUM: HeaderName = HeaderName::from_static("upload-checksum");
/// How many bytes may arrive before they are synced and the offset moves past them: what a cut
/// connection can cost at most, against one `fsync` and one database write per step.
pub const COMMIT_EVERY: u64 = 256 * 1024;

/// Step 3.
pub async fn patch_upload(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, AppError> {
    // a.
    let photo_id = parse_photo_id(&id).map_err(AppError::InvalidRequest)?;
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if content_type != OFFSET_OCTET_STREAM {
        return Err(AppError::UnsupportedMediaType(format!(
            "Send photo bytes with Content-Type: {OFFSET_OCTET_STREAM}, not {content_type:?}"
        )));
    }
    let sent = header_u64(&headers, &UPLOAD_OFFSET)?.ok_or_else(|| {
        AppError::InvalidRequest(
            "The Upload-Offset header is missing: send where these bytes start".into(),
        )
    })?;
    let checksum = upload_checksum(&headers)?;
    let declared = header_u64(&headers, &header::CONTENT_LENGTH)?;
    if declared.is_some_and(|n| n > MAX_CHUNK as u64) {
        return Err(too_large_chunk());
    }
    let upload = state
        .store
        .photo_upload(&photo_id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("No photo upload with id {photo_id}")))?;
    if upload.user_id != auth.user.id {
        return Err(AppError::Forbidden(format!(
            "Photo {photo_id} is uploaded by another account; only its uploader sends its bytes"
        )));
    }
    // b.
    let chunk = Chunk {
        photo_id,
        sent,
        checksum,
        declared,
        body,
    };
    tokio::spawn(append(state, chunk))
        .await
        .map_err(|e| AppError::PhotoStorage(std::io::Error::other(e)))?
}

/// One `PATCH`, checked and ready to append.
struct Chunk {
    photo_id: String,
    sent: u64,
    checksum: Option<[u8; 32]>,
    declared: Option<u64>,
    body: Body,
}

/// How the body stopped.
enum End {
    /// All of it arrived.
    Whole,
    /// It stopped early: the connection was cut.
    Cut,
    /// A newer request for this upload asked this one to stop.
    Superseded,
    /// A byte past the photo's size or the chunk limit.
    TooMuch,
}

/// Steps b to e, in their own task.
async fn append(state: AppState, mut chunk: Chunk) -> Result<Response, AppError> {
    let id = chunk.photo_id.clone();
    let Some(lane) = state.photos.lanes.take_over(&id).await else {
        return Err(newer_request(&id));
    };
    let (upload, reset) = settle(&state, &lane, &id).await?;
    if let Some(error) = reset {
        return Err(error);
    }
    if upload.complete {
        if chunk.sent == upload.size && chunk.declared.unwrap_or(0) == 0 {
            return Ok(status_response(StatusCode::OK, &upload));
        }
        return Err(AppError::UploadOffset {
            sent: chunk.sent,
            offset: upload.size,
        });
    }
    if chunk.sent != upload.offset {
        return Err(AppError::UploadOffset {
            sent: chunk.sent,
            offset: upload.offset,
        });
    }
    let start = upload.offset;
    let room = upload.size - start;
    if chunk.declared.is_some_and(|n| n > room) {
        return Err(past_the_end(&upload));
    }
    let limit = room.min(MAX_CHUNK as u64);

    // c.
    let storage = &state.photos.storage;
    let mut file = storage
        .append_at(&id, start)
        .await
        .map_err(AppError::PhotoStorage)?;
    let mut hasher = chunk.checksum.map(|_| Sha256::new());
    let mut written = 0u64;
    let mut committed = start;
    let end = loop {
        let frame = tokio::select! {
            // Bytes already here are taken before a newer request is heard.
            biased;
            frame = next_data(&mut chunk.body) => frame,
            () = lane.superseded() => break End::Superseded,
        };
        let data = match frame {
            None if chunk.declared.is_some_and(|n| n != written) => break End::Cut,
            None => break End::Whole,
            Some(Err(e)) if is_length_limit(&e) => break End::TooMuch,
            Some(Err(e)) => {
                tracing::info!(photo_id = %id, error = %e, written, "photo upload cut");
                break End::Cut;
            }
            Some(Ok(data)) => data,
        };
        if written + data.len() as u64 > limit {
            break End::TooMuch;
        }
        file.write(&data).await.map_err(AppError::PhotoStorage)?;
        written += data.len() as u64;
        match &mut hasher {
            Some(h) => h.update(&data),
            None if start + written - committed >= COMMIT_EVERY => {
                committed = commit(&state, file.as_mut(), &id, committed, start + written).await?;
            }
            None => {}
        }
    };

    let after = start + written;
    match end {
        // d.
        End::TooMuch => {
            drop(file);
            roll_back(&state, &id, committed, start).await?;
            Err(if upload.size - start < MAX_CHUNK as u64 {
                past_the_end(&upload)
            } else {
                too_large_chunk()
            })
        }
        End::Cut | End::Superseded if chunk.checksum.is_some() => {
            drop(file);
            roll_back(&state, &id, committed, start).await?;
            Err(AppError::InvalidRequest(format!(
                "The body stopped after {written} bytes; a chunk with Upload-Checksum counts only \
                 whole, so none was kept: send it again from offset {start}"
            )))
        }
        End::Cut | End::Superseded => {
            commit(&state, file.as_mut(), &id, committed, after).await?;
            tracing::info!(photo_id = %id, kept = written, offset = after, "kept a cut chunk");
            Err(match end {
                End::Superseded => AppError::Conflict(format!(
                    "A newer request for photo {id} took over; the {written} bytes that arrived \
                     are kept: the upload continues from offset {after}"
                )),
                _ => AppError::InvalidRequest(format!(
                    "The body stopped after {written} bytes; they are kept: send the rest from \
                     offset {after}"
                )),
            })
        }
        End::Whole => {
            if let (Some(expected), Some(h)) = (chunk.checksum, hasher) {
                let got: [u8; 32] = h.finalize().into();
                if got != expected {
                    drop(file);
                    roll_back(&state, &id, committed, start).await?;
                    return Err(AppError::ChecksumMismatch(format!(
                        "Upload-Checksum says SHA-256 {} but the {written} bytes received have \
                         {}; they were discarded: send them again from offset {start}",
                        hex(&expected),
                        hex(&got)
                    )));
                }
            }
            commit(&state, file.as_mut(), &id, committed, after).await?;
            drop(file);
            // e.
            let (upload, reset) = settle(&state, &lane, &id).await?;
            match reset {
                Some(error) => Err(error),
                None => Ok(status_response(StatusCode::OK, &upload)),
            }
        }
    }
}

/// Brings an upload's bytes and its record into line, with its lane held: bytes past the offset
/// (written but never acknowledged, the server stopped) are cut off; a partial file shorter than
/// the offset moves the offset back; an upload with all its bytes is verified and completed (or
/// reset, with the 422 to answer). Safe to repeat.
pub(super) async fn settle(
    state: &AppState,
    _lane: &LaneGuard,
    id: &str,
) -> Result<(PhotoUpload, Option<AppError>), AppError> {
    let mut upload = state
        .store
        .photo_upload(id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("No photo upload with id {id}")))?;
    if upload.complete {
        return Ok((upload, None));
    }
    let storage = &state.photos.storage;
    let io = AppError::PhotoStorage;
    if upload.offset == upload.size
        && storage
            .len(id, Stage::Complete)
            .await
            .map_err(io)?
            .is_some()
    {
        // Moved into place, and the server stopped before recording it.
        return verify(state, upload, Stage::Complete).await;
    }
    let held = storage
        .len(id, Stage::Partial)
        .await
        .map_err(io)?
        .unwrap_or(0);
    if held > upload.offset {
        storage.truncate(id, upload.offset).await.map_err(io)?;
    } else if held < upload.offset {
        tracing::error!(photo_id = %id, held, offset = upload.offset, "partial photo file lost bytes");
        if !state
            .store
            .move_photo_offset(id, upload.offset, held, now_ms())
            .await?
        {
            return Err(moved_elsewhere(id));
        }
        upload.offset = held;
    }
    if upload.offset == upload.size {
        return verify(state, upload, Stage::Partial).await;
    }
    Ok((upload, None))
}

/// Step e: all bytes are in; complete the upload if their SHA-256 is right, else start over.
async fn verify(
    state: &AppState,
    mut upload: PhotoUpload,
    stage: Stage,
) -> Result<(PhotoUpload, Option<AppError>), AppError> {
    let storage = &state.photos.storage;
    let id = upload.photo_id.clone();
    let got = hex(&storage
        .sha256(&id, stage)
        .await
        .map_err(AppError::PhotoStorage)?);
    if got != upload.sha256 {
        tracing::warn!(photo_id = %id, expected = %upload.sha256, %got, "photo hash mismatch");
        if stage == Stage::Complete {
            storage
                .remove(&id, Stage::Complete)
                .await
                .map_err(AppError::PhotoStorage)?;
        }
        storage
            .truncate(&id, 0)
            .await
            .map_err(AppError::PhotoStorage)?;
        if !state
            .store
            .move_photo_offset(&id, upload.offset, 0, now_ms())
            .await?
        {
            return Err(moved_elsewhere(&id));
        }
        upload.offset = 0;
        let error = AppError::HashMismatch(format!(
            "The {} bytes received have SHA-256 {got}, not {} as the upload was created with; \
             they were discarded: upload the photo again from offset 0",
            upload.size, upload.sha256
        ));
        return Ok((upload, Some(error)));
    }
    if stage == Stage::Partial {
        storage.finish(&id).await.map_err(AppError::PhotoStorage)?;
    }
    state.store.complete_photo_upload(&id, now_ms()).await?;
    tracing::info!(photo_id = %id, size = upload.size, "photo complete");
    upload.complete = true;
    Ok((upload, None))
}

/// Syncs what was written and moves the offset from `from` to `to`; returns `to`.
async fn commit(
    state: &AppState,
    file: &mut dyn Appender,
    id: &str,
    from: u64,
    to: u64,
) -> Result<u64, AppError> {
    if to == from {
        return Ok(to);
    }
    file.sync().await.map_err(AppError::PhotoStorage)?;
    if !state
        .store
        .move_photo_offset(id, from, to, now_ms())
        .await?
    {
        return Err(moved_elsewhere(id));
    }
    Ok(to)
}

/// Cuts off what this request wrote and puts the offset back to where it started.
async fn roll_back(state: &AppState, id: &str, committed: u64, start: u64) -> Result<(), AppError> {
    state
        .photos
        .storage
        .truncate(id, start)
        .await
        .map_err(AppError::PhotoStorage)?;
    if committed != start
        && !state
            .store
            .move_photo_offset(id, committed, start, now_ms())
            .await?
    {
        return Err(moved_elsewhere(id));
    }
    Ok(())
}

/// The next bytes of the body; trailers are skipped. Cancel-safe.
async fn next_data(body: &mut Body) -> Option<Result<Bytes, axum::Error>> {
    loop {
        match std::future::poll_fn(|cx| Pin::new(&mut *body).poll_frame(cx)).await? {
            Ok(frame) => match frame.into_data() {
                Ok(data) if !data.is_empty() => return Some(Ok(data)),
                _ => continue,
            },
            Err(e) => return Some(Err(e)),
        }
    }
}

/// Whether the server-wide body limit (`RequestBodyLimitLayer`) stopped the body.
fn is_length_limit(error: &axum::Error) -> bool {
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(e) = cause {
        if e.is::<http_body_util::LengthLimitError>() {
            return true;
        }
        cause = e.source();
    }
    false
}

fn header_u64(headers: &HeaderMap, name: &HeaderName) -> Result<Option<u64>, AppError> {
    let Some(value) = headers.get(name) else {
        return Ok(None);
    };
    value
        .to_str()
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .map(Some)
        .ok_or_else(|| {
            AppError::InvalidRequest(format!(
                "The {name} header {value:?} is not a whole number of bytes"
            ))
        })
}

/// `Upload-Checksum: sha256 <base64>`, decoded.
fn upload_checksum(headers: &HeaderMap) -> Result<Option<[u8; 32]>, AppError> {
    let Some(value) = headers.get(&UPLOAD_CHECKSUM) else {
        return Ok(None);
    };
    let bad = || {
        AppError::InvalidRequest(format!(
            "Upload-Checksum {value:?} is not \"sha256 <base64 of the chunk's SHA-256>\""
        ))
    };
    let text = value.to_str().map_err(|_| bad())?;
    let (algorithm, digest) = text.trim().split_once(' ').ok_or_else(bad)?;
    if !algorithm.eq_ignore_ascii_case("sha256") {
        return Err(AppError::InvalidRequest(format!(
            "Upload-Checksum algorithm {algorithm:?} is not supported: use sha256"
        )));
    }
    let bytes = STANDARD.decode(digest.trim()).map_err(|_| bad())?;
    bytes.try_into().map(Some).map_err(|_| bad())
}

fn too_large_chunk() -> AppError {
    AppError::TooLarge(format!(
        "One PATCH may carry at most {MAX_CHUNK} bytes; send the photo in smaller chunks"
    ))
}

fn past_the_end(upload: &PhotoUpload) -> AppError {
    AppError::TooLarge(format!(
        "Photo {} is {} bytes and {} are in: these bytes would go past its end; nothing was \
         written",
        upload.photo_id, upload.size, upload.offset
    ))
}

fn moved_elsewhere(id: &str) -> AppError {
    AppError::Conflict(format!(
        "The offset of photo {id} was moved by another request meanwhile; ask for it again \
         (HEAD) and continue from there"
    ))
}
