//! One sync cycle (DESIGN.md "Sync protocol"), step by step:
//!
//! - (0) `GET /api/me`: the sign-in still works. A 401 stops the cycle before anything on the
//!   phone is touched (the outbox stays exactly as it is), and the account's name is refreshed;
//! - (a) the outbox becomes mutations, in one transaction ([`store::coalesce`]);
//! - (b) pending mutations are pushed in `seq` order, in batches; a 409 `seq_gap` means the
//!   server lost what it had acknowledged (restored), so the retained mutations from `expected`
//!   on are sent again; each answer is applied in one transaction ([`store::apply_push`]);
//! - (c) pages are pulled until `has_more` is false, each applied with its cursor in one
//!   transaction; a new `server_epoch`, or a `device_last_seq` below what was acknowledged,
//!   means a restored server: the retained mutations after `device_last_seq` are sent again and
//!   everything is pulled again from 0, rebasing;
//! - (d) the open conflicts are fetched;
//! - (e) photo bytes are uploaded in 256 KiB chunks from the server's offset; only when the
//!   server says `complete` is the full-size copy freed.
//!
//! Nothing is deleted before the server confirmed it, so a failure anywhere (no network, the
//! tab killed, a 500) leaves everything to the next cycle.

use super::store::{self, PhotoToUpload};
use crate::api::{self, ApiError, Body};
use crate::clock::now_ms;
use crate::storage::idb::Db;
use crate::storage::StorageError;
use dudao_domain::sync::wire::{
    Conflict, ConflictsResponse, CreateUpload, PullResponse, PushRequest, PushResponse, SeqGap,
    UploadStatus,
};

/// Mutations per push, and their JSON size at most (a visit's creation carries every field).
const BATCH: usize = 50;
const BATCH_BYTES: usize = 512 * 1024;
/// Changes per pulled page.
const PULL_LIMIT: usize = 200;
/// Photo bytes per PATCH.
pub const CHUNK: u64 = 256 * 1024;

/// Why a cycle stopped. Each is shown in words that say what to do.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SyncError {
    #[error("no network")]
    Offline,
    #[error("server unreachable: {0}")]
    Unreachable(String),
    /// The token expired or was revoked (401), or the device is not registered to the user.
    #[error("sign in again")]
    NeedsLogin,
    #[error("server error {0}")]
    Server(u16),
    #[error("refused ({status}): {message}")]
    Refused { status: u16, message: String },
    /// The server asks for mutations this phone no longer has.
    #[error("the server expects seq {expected}, which this phone does not have")]
    Gap { expected: i64 },
    #[error(transparent)]
    Storage(#[from] StorageError),
}

impl SyncError {
    /// What happened and what to do, in the current language.
    pub fn user_message(&self, t: &crate::i18n::Strings) -> String {
        let s = t.sync;
        match self {
            SyncError::Offline => s.err_offline.into(),
            SyncError::Unreachable(_) => s.err_unreachable.into(),
            SyncError::NeedsLogin => s.err_needs_login.into(),
            SyncError::Server(code) => (s.err_server)(*code),
            SyncError::Refused { status, message } => (s.err_refused)(*status, message),
            SyncError::Gap { .. } => s.err_gap.into(),
            SyncError::Storage(StorageError::QuotaExceeded) => t.err_quota.into(),
            SyncError::Storage(_) => s.err_storage.into(),
        }
    }
}

impl From<ApiError> for SyncError {
    fn from(e: ApiError) -> Self {
        match e {
            ApiError::Offline => SyncError::Offline,
            ApiError::Unreachable(m) => SyncError::Unreachable(m),
            ApiError::Unauthorized | ApiError::BadCredentials => SyncError::NeedsLogin,
            ApiError::Refused {
                status: 403, code, ..
            } if code == "device_not_registered" => SyncError::NeedsLogin,
            ApiError::Server(s) => SyncError::Server(s),
            ApiError::RateLimited { .. } => SyncError::Server(429),
            ApiError::Refused {
                status, message, ..
            } => SyncError::Refused { status, message },
            ApiError::BadAnswer(m) => SyncError::Refused {
                status: 200,
                message: m,
            },
        }
    }
}

/// Where a cycle is, for the progress line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Pushing { done: usize, total: usize },
    Pulling,
    Photos { done: usize, total: usize },
}

/// What a cycle did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Report {
    pub made: usize,
    pub acked: usize,
    pub rejected: usize,
    pub visits_changed: usize,
    /// Finding records pulled new or moved (the 整改 list reads them again).
    pub findings_changed: usize,
    /// Visits on the phone that took values from the server (an open editor reloads them).
    pub changed_visits: Vec<String>,
    pub restored: bool,
    pub conflicts: Vec<Conflict>,
    pub photos_uploaded: usize,
    /// Photos the server refused (e.g. the same id with other bytes), by id with the reason;
    /// the others were still uploaded.
    pub photos_refused: Vec<(String, String)>,
    /// The signed-in user as the server knows them now.
    pub user: Option<super::account::User>,
}

/// Runs one cycle. `progress` is told where it is.
pub async fn run(db: &Db, progress: &dyn Fn(Step)) -> Result<Report, SyncError> {
    let user: super::account::User = api::get_json("/api/me").await?;
    let device = store::device_id(db).await?;
    let mut report = Report {
        user: Some(user),
        made: store::coalesce(db, now_ms()).await?,
        ..Report::default()
    };
    push_all(db, &device, &mut report, progress).await?;
    progress(Step::Pulling);
    if let Some(device_last_seq) = pull_all(db, &device, false, &mut report).await? {
        // The server was restored from an older backup: it lost what it had acknowledged
        // after `device_last_seq`. Send it again, then pull everything again, rebasing.
        report.restored = true;
        store::requeue_from(db, device_last_seq + 1).await?;
        push_all(db, &device, &mut report, progress).await?;
        pull_all(db, &device, true, &mut report).await?;
    }
    let conflicts: ConflictsResponse = api::get_json("/api/sync/conflicts").await?;
    report.conflicts = conflicts
        .conflicts
        .into_iter()
        .filter(|c| c.resolved_at.is_none())
        .collect();
    upload_photos(db, &mut report, progress).await?;
    store::set_meta(db, store::LAST_SYNC, &now_ms()).await?;
    Ok(report)
}

/// The next batch: in `seq` order, at most `BATCH` mutations and about `BATCH_BYTES` of JSON
/// (always at least one).
fn batch(pending: &[store::StoredMutation]) -> &[store::StoredMutation] {
    let mut bytes = 0;
    let mut n = 0;
    for m in pending.iter().take(BATCH) {
        bytes += serde_json::to_string(&m.ops).map_or(0, |s| s.len());
        if n > 0 && bytes > BATCH_BYTES {
            break;
        }
        n += 1;
    }
    &pending[..n]
}

/// Step (b) alone: sends every pending mutation (tests; the cycle runs it after (a)).
pub async fn push_pending(db: &Db) -> Result<Report, SyncError> {
    let device = store::device_id(db).await?;
    let mut report = Report::default();
    push_all(db, &device, &mut report, &|_| {}).await?;
    Ok(report)
}

/// Step (b).
async fn push_all(
    db: &Db,
    device: &str,
    report: &mut Report,
    progress: &dyn Fn(Step),
) -> Result<(), SyncError> {
    let mut gaps = 0;
    let mut done = 0;
    loop {
        let pending = store::pending_mutations(db).await?;
        let Some(first) = pending.first() else {
            return Ok(());
        };
        progress(Step::Pushing {
            done,
            total: done + pending.len(),
        });
        let sent = batch(&pending);
        let request = PushRequest {
            device_id: device.to_owned(),
            mutations: sent.iter().map(|m| m.wire()).collect(),
        };
        match api::post_json::<_, PushResponse>("/api/sync/push", &request).await {
            Ok(answer) => {
                let applied = store::apply_push(db, sent, &answer, now_ms()).await?;
                if applied.acked + applied.rejected == 0 {
                    // Nothing of the batch was answered: sending it again would loop.
                    return Err(SyncError::Refused {
                        status: 200,
                        message: "the push answer covers none of the mutations sent".into(),
                    });
                }
                report.acked += applied.acked;
                report.rejected += applied.rejected;
                report.visits_changed += applied.records_changed;
                report.changed_visits.extend(applied.visit_ids);
                done += applied.acked + applied.rejected;
            }
            Err(ApiError::Refused {
                status: 409, body, ..
            }) => {
                let gap: SeqGap = serde_json::from_str(&body).map_err(|e| SyncError::Refused {
                    status: 409,
                    message: e.to_string(),
                })?;
                gaps += 1;
                if gaps > 3 {
                    return Err(SyncError::Gap {
                        expected: gap.expected,
                    });
                }
                // Restored server: what it expects next was acknowledged before and is kept.
                let requeued = store::requeue_from(db, gap.expected).await?;
                if requeued == 0 && first.seq > gap.expected {
                    return Err(SyncError::Gap {
                        expected: gap.expected,
                    });
                }
                report.restored = true;
            }
            Err(e) => return Err(e.into()),
        }
    }
}

/// Step (c). Returns `Some(device_last_seq)` when the server turns out to be restored (checked
/// on the first page, before anything of it is applied) and `rebase` is false.
async fn pull_all(
    db: &Db,
    device: &str,
    rebase: bool,
    report: &mut Report,
) -> Result<Option<i64>, SyncError> {
    let known_epoch = store::get_meta::<String>(db, store::SERVER_EPOCH).await?;
    let acked = store::get_meta::<i64>(db, store::ACKED_SEQ)
        .await?
        .unwrap_or(0);
    let mut cursor = if rebase {
        0
    } else {
        store::get_meta::<i64>(db, store::CURSOR)
            .await?
            .unwrap_or(0)
    };
    let mut first = true;
    loop {
        let page: PullResponse = api::get_json(&format!(
            "/api/sync/pull?cursor={cursor}&limit={PULL_LIMIT}&device_id={device}"
        ))
        .await?;
        if first && !rebase {
            let new_epoch = known_epoch
                .as_deref()
                .is_some_and(|e| e != page.server_epoch);
            if new_epoch || page.device_last_seq < acked {
                return Ok(Some(page.device_last_seq));
            }
        }
        first = false;
        let applied = store::apply_pull(db, &page, rebase, now_ms()).await?;
        report.visits_changed += applied.visits_changed;
        report.findings_changed += applied.findings_changed;
        report.changed_visits.extend(applied.visit_ids);
        let stuck = page.cursor <= cursor && page.changes.is_empty();
        cursor = page.cursor;
        if !page.has_more || stuck {
            store::set_meta(db, store::SERVER_EPOCH, &page.server_epoch).await?;
            return Ok(None);
        }
    }
}

/// Step (e).
async fn upload_photos(
    db: &Db,
    report: &mut Report,
    progress: &dyn Fn(Step),
) -> Result<(), SyncError> {
    let photos = store::photos_to_upload(db).await?;
    let total = photos.len();
    for (done, photo) in photos.iter().enumerate() {
        progress(Step::Photos { done, total });
        match upload_one(photo).await {
            Ok(()) => {
                store::photo_uploaded(db, &photo.meta.id, now_ms()).await?;
                report.photos_uploaded += 1;
            }
            // This photo is refused; the others still go. It stays on the phone, full size.
            Err(SyncError::Refused { message, .. }) => {
                leptos::logging::error!("photo {} refused: {message}", photo.meta.id);
                report.photos_refused.push((photo.meta.id.clone(), message));
            }
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

fn offset_of(reply: &api::Reply) -> Result<u64, SyncError> {
    reply
        .header("Upload-Offset")
        .and_then(|v| v.trim().parse().ok())
        .ok_or_else(|| SyncError::Refused {
            status: reply.status,
            message: "no Upload-Offset in the answer".into(),
        })
}

async fn server_offset(path: &str) -> Result<u64, SyncError> {
    offset_of(&api::send("HEAD", path, Body::None, &[]).await?)
}

/// Uploads one photo's bytes, resuming where the server's copy ends. Ok once the server has
/// every byte and their SHA-256 matched.
async fn upload_one(photo: &PhotoToUpload) -> Result<(), SyncError> {
    let m = &photo.meta;
    let create = CreateUpload {
        photo_id: m.id.clone(),
        sha256: m.sha256.clone(),
        size: m.size,
        mime: m.mime.clone(),
    };
    let status: UploadStatus = api::post_json("/api/photos", &create).await?;
    if status.complete {
        return Ok(());
    }
    let path = format!("/api/photos/{}", m.id);
    // An earlier attempt may have been cut off part-way: ask where the bytes end.
    let mut offset = server_offset(&path).await?;
    let size = m.size;
    let mut retries = 0;
    loop {
        let end = (offset + CHUNK).min(size);
        let chunk = photo
            .blob
            .slice_with_f64_and_f64(offset as f64, end as f64)
            .map_err(StorageError::from_js)?;
        let bytes = crate::storage::backup::blob_bytes(&chunk).await?;
        let checksum = format!(
            "sha256 {}",
            dudao_domain::backup::encode_base64(&sha256(&bytes))
        );
        let offset_header = offset.to_string();
        let sent = api::send(
            "PATCH",
            &path,
            Body::Bytes(&bytes, "application/offset+octet-stream"),
            &[
                ("Upload-Offset", offset_header.as_str()),
                ("Upload-Checksum", checksum.as_str()),
            ],
        )
        .await;
        match sent {
            Ok(reply) => {
                let status: UploadStatus = reply.json()?;
                if status.complete {
                    return Ok(());
                }
                if status.offset <= offset {
                    retries += 1;
                } else {
                    retries = 0;
                }
                offset = status.offset;
            }
            // Another request moved the offset, or the chunk arrived damaged (460), or the
            // whole file did not hash right (422: the server starts again from 0): ask where
            // the bytes end and go on from there, a few times.
            Err(ApiError::Refused {
                status, message, ..
            }) if matches!(status, 409 | 422 | 460) => {
                retries += 1;
                if retries > 3 {
                    return Err(SyncError::Refused { status, message });
                }
                offset = server_offset(&path).await?;
            }
            Err(e) => return Err(e.into()),
        }
        if retries > 3 {
            return Err(SyncError::Refused {
                status: 200,
                message: "the upload does not advance".into(),
            });
        }
    }
}

fn sha256(bytes: &[u8]) -> Vec<u8> {
    use sha2::{Digest, Sha256};
    Sha256::digest(bytes).to_vec()
}
