//! Abandoned uploads: a phone that started a photo and never came back (reset, lost, the visit
//! deleted) would otherwise keep its partial file and its upload row forever. The server sweeps
//! at start and every hour; an unfinished upload untouched for [`DEFAULT_PARTIAL_DAYS`] days
//! (`--partial-upload-days`) loses its row and its partial file together, and a partial file
//! that no unfinished upload owns is removed once it is as old. A phone that comes back later
//! loses nothing: every sync creates its uploads again (`POST /api/photos`) and sends the bytes
//! from 0.

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::db::{Store, StoreError};
use crate::error::error_chain;

use super::{Photos, Stage};

/// Days an unfinished upload may sit untouched before it is swept.
pub const DEFAULT_PARTIAL_DAYS: u64 = 7;

/// How often the server sweeps after the sweep at start.
pub const SWEEP_EVERY: Duration = Duration::from_secs(60 * 60);

#[derive(Debug, thiserror::Error)]
pub enum SweepError {
    #[error("cannot read the photo uploads")]
    Store(#[from] StoreError),
    #[error("cannot read or remove partial photo files")]
    Io(#[from] std::io::Error),
}

/// What one sweep removed.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Swept {
    /// Unfinished uploads removed with their partial file.
    pub uploads: usize,
    /// Partial files no unfinished upload owned.
    pub orphan_files: usize,
}

/// Removes what was untouched since `now - max_age`.
pub async fn sweep(
    store: &dyn Store,
    photos: &Photos,
    max_age: Duration,
    now: SystemTime,
) -> Result<Swept, SweepError> {
    let cutoff = now.checked_sub(max_age).unwrap_or(UNIX_EPOCH);
    let before_ms = cutoff
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX));
    let mut swept = Swept::default();
    for id in store.stale_photo_uploads(before_ms).await? {
        // A request still on it (a stalled PATCH) is asked to stop first, so no bytes are
        // written to a file being removed.
        let Some(_lane) = photos.lanes.take_over(&id).await else {
            continue;
        };
        if store.delete_stale_photo_upload(&id, before_ms).await? {
            photos.storage.remove(&id, Stage::Partial).await?;
            tracing::info!(photo_id = %id, "removed an abandoned photo upload");
            swept.uploads += 1;
        }
    }
    for (id, modified) in photos.storage.partials().await? {
        if modified >= cutoff {
            continue;
        }
        let Some(_lane) = photos.lanes.take_over(&id).await else {
            continue;
        };
        let owned = store
            .photo_upload(&id)
            .await?
            .is_some_and(|upload| !upload.complete);
        if !owned {
            photos.storage.remove(&id, Stage::Partial).await?;
            tracing::info!(photo_id = %id, "removed a partial photo file no upload owns");
            swept.orphan_files += 1;
        }
    }
    Ok(swept)
}

/// Sweeps now and then every [`SWEEP_EVERY`], for as long as the server runs.
pub async fn sweep_forever(store: Arc<dyn Store>, photos: Photos, max_age: Duration) {
    let mut every = tokio::time::interval(SWEEP_EVERY);
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        every.tick().await;
        match sweep(store.as_ref(), &photos, max_age, SystemTime::now()).await {
            Ok(Swept {
                uploads: 0,
                orphan_files: 0,
            }) => {}
            Ok(swept) => tracing::info!(
                uploads = swept.uploads,
                orphan_files = swept.orphan_files,
                "swept abandoned photo uploads"
            ),
            Err(e) => tracing::warn!(error = %error_chain(&e), "photo upload sweep failed"),
        }
    }
}
