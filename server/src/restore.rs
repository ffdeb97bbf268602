//! Telling that the database was restored from a backup (issue 13, item 2).
//!
//! A backup holds `server_meta` too, so the epoch stored in the database survives a restore,
//! and a device that only pulls would keep its cursor and miss what the restored database
//! numbers again. What a restore does change is the change log's head (`server_meta.last_change`,
//! the highest change id handed out): it goes back. So the server remembers, outside the
//! database, the highest head it has served (in memory, and in the file `sync-head` in the data
//! directory, so a restart remembers it too). When the database's head is below it, the database
//! was restored: the epoch is rotated (a new random one) and the change counter is moved up to
//! what was served, so no change id a device has seen is handed out again. Every device then sees
//! a new epoch on its next pull or push, re-sends its retained outbox and pulls again from 0.
//!
//! Checked when the server starts and on every pull and push, so a PostgreSQL dump restored
//! under a running server is caught too. Reading the remembered head before the database's makes
//! concurrent requests safe: a head read later is never below one remembered earlier, unless the
//! database went back. Several instances on one PostgreSQL each remember their own; the first
//! to notice rotates, and the rotation moves the counter past what it served.
//!
//! A backup restored together with `sync-head` (the whole data directory) is not noticed: the
//! operator then runs `dudao-server rotate-epoch` (README, "Restoring a backup").

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Mutex;

use crate::db::{Store, StoreError};

/// The file, in the data directory, holding the highest change-log head served.
pub const HEAD_FILE: &str = "sync-head";

/// How far `rotate-epoch` moves the change counter past the head it finds: further than the
/// changes a county makes between a backup and its restore, so a device whose cursor was past
/// the restored head (the head file was restored too) is behind it again and sees the new epoch.
pub const MANUAL_ROTATION_GAP: i64 = 1_000_000;

/// The highest change-log head this server has served.
#[derive(Debug, Default)]
pub struct SyncHead {
    file: Option<PathBuf>,
    seen: AtomicI64,
    /// One writer of the file at a time.
    writing: Mutex<()>,
}

impl SyncHead {
    /// Remembered in memory only (tests, tools).
    pub fn in_memory() -> SyncHead {
        SyncHead::default()
    }

    /// Remembered in `<dir>/sync-head` as well; starts from what the file holds.
    pub fn in_data_dir(dir: &Path) -> SyncHead {
        let file = dir.join(HEAD_FILE);
        let seen = read_head_file(&file);
        SyncHead {
            file: Some(file),
            seen: AtomicI64::new(seen),
            writing: Mutex::new(()),
        }
    }

    /// The highest head served so far.
    pub fn seen(&self) -> i64 {
        self.seen.load(Ordering::SeqCst)
    }

    /// The epoch and head to answer with, after rotating the epoch if the database went back.
    pub async fn current(&self, store: &dyn Store) -> Result<(String, i64), StoreError> {
        let seen = self.seen();
        let (mut epoch, mut head) = store.sync_head().await?;
        if head < seen {
            let (new_epoch, new_head, rotated) = store.rotate_epoch(seen, false).await?;
            if rotated {
                tracing::warn!(
                    database_head = head,
                    served_head = seen,
                    old_epoch = %epoch,
                    new_epoch = %new_epoch,
                    "the database's change log is behind what this server served: it was \
                     restored from a backup; new server epoch, every device re-sends what it \
                     kept and pulls again"
                );
            }
            epoch = new_epoch;
            head = new_head;
        }
        self.observe(head);
        Ok((epoch, head))
    }

    /// Remembers `head` if it is the highest yet.
    pub fn observe(&self, head: i64) {
        if self.seen.fetch_max(head, Ordering::SeqCst) >= head {
            return;
        }
        let Some(file) = &self.file else { return };
        let _one = self.writing.lock().unwrap_or_else(|e| e.into_inner());
        // Another writer may have written a higher head while this one waited.
        let head = self.seen();
        if let Err(e) = write_head_file(file, head) {
            tracing::warn!(file = %file.display(), error = %e, "cannot record the change-log head");
        }
    }
}

fn read_head_file(file: &Path) -> i64 {
    match std::fs::read_to_string(file) {
        Ok(text) => text.trim().parse::<i64>().unwrap_or_else(|_| {
            tracing::warn!(file = %file.display(), "not a change id; ignored");
            0
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => 0,
        Err(e) => {
            tracing::warn!(file = %file.display(), error = %e, "cannot read the change-log head");
            0
        }
    }
}

/// Written beside and renamed over, so a crash leaves the old head or the new one.
fn write_head_file(file: &Path, head: i64) -> std::io::Result<()> {
    if let Some(dir) = file.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let tmp = file.with_extension("tmp");
    std::fs::write(&tmp, format!("{head}\n"))?;
    std::fs::rename(&tmp, file)
}

/// `dudao-server rotate-epoch`: a new epoch whatever the heads say, with the change counter
/// moved [`MANUAL_ROTATION_GAP`] past the higher of the database's head and the data
/// directory's. Returns the new epoch and head.
pub async fn rotate_by_hand(
    store: &dyn Store,
    data_dir: &Path,
) -> Result<(String, i64), StoreError> {
    let served = read_head_file(&data_dir.join(HEAD_FILE));
    let (old_epoch, head) = store.sync_head().await?;
    let at_least = head.max(served).saturating_add(MANUAL_ROTATION_GAP);
    let (epoch, head, _) = store.rotate_epoch(at_least, true).await?;
    tracing::warn!(%old_epoch, new_epoch = %epoch, head, "server epoch rotated by hand");
    SyncHead::in_data_dir(data_dir).observe(head);
    Ok((epoch, head))
}

/// `dudao-server rotate-epoch`: prints the new epoch and head.
pub async fn rotate_epoch_cmd(
    args: crate::cli::RotateEpochArgs,
) -> Result<(), crate::serve::StartError> {
    let store = args.db.database().open().await?;
    let rotated = rotate_by_hand(store.as_ref(), &args.data_dir()).await;
    store.close().await;
    let (epoch, head) = rotated?;
    println!(
        "New server epoch {epoch}; change ids continue after {head}. Every phone re-sends what \
         it kept and pulls everything again at its next sync."
    );
    Ok(())
}
