//! Photo uploads as the stores keep them (`migrations/*/0007_photo_uploads.sql`): how far the
//! bytes of each photo got. The bytes themselves are in [`crate::photos::PhotoStorage`].

use super::{StoreError, StoreFuture};

/// One photo's upload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhotoUpload {
    /// The photo's UUID, lower-case and hyphenated.
    pub photo_id: String,
    /// Who created the upload; only they may send its bytes.
    pub user_id: String,
    /// Lower-case hex SHA-256 of the whole file.
    pub sha256: String,
    pub size: u64,
    pub mime: String,
    /// Bytes stored durably so far: the upload offset.
    pub offset: u64,
    /// All bytes arrived and their SHA-256 matched.
    pub complete: bool,
    /// Unix milliseconds.
    pub created_at: i64,
    pub updated_at: i64,
}

/// What the server keeps about photo uploads. A supertrait of [`super::Store`].
pub trait PhotoStore {
    /// Ids of unfinished uploads untouched (no byte stored, not created) since `before` (Unix
    /// ms): abandoned, for the sweep (`crate::photos::sweep`).
    fn stale_photo_uploads(&self, before: i64) -> StoreFuture<'_, Vec<String>>;

    /// Deletes the upload if it is still unfinished and untouched since `before`; whether it
    /// did. Checked in the same statement, so an upload that moved meanwhile stays.
    fn delete_stale_photo_upload<'a>(
        &'a self,
        photo_id: &'a str,
        before: i64,
    ) -> StoreFuture<'a, bool>;

    /// Stores `upload` unless an upload with its id exists, and returns the stored one either way
    /// with whether it is new. The database decides, so two requests creating the same id at
    /// once make one row. `None` when there is no upload and the photo's record (entity
    /// `photo`) was pushed by another user than `upload.user_id`: a photo belongs to the user
    /// who made it, so nobody else's bytes can be put under a record (issue 13, item 5). On
    /// PostgreSQL this holds the record's push lock (the advisory lock of `photo/<id>`), so a
    /// push of the record and the upload cannot both pass their check.
    fn create_photo_upload<'a>(
        &'a self,
        upload: &'a PhotoUpload,
    ) -> StoreFuture<'a, Option<(PhotoUpload, bool)>>;

    /// The upload with this id.
    fn photo_upload<'a>(&'a self, photo_id: &'a str) -> StoreFuture<'a, Option<PhotoUpload>>;

    /// Moves the offset of an unfinished upload from `from` to `to`, only if it is still `from`;
    /// whether it moved. Compare-and-set, so two servers appending to one upload cannot both
    /// advance it.
    fn move_photo_offset<'a>(
        &'a self,
        photo_id: &'a str,
        from: u64,
        to: u64,
        now: i64,
    ) -> StoreFuture<'a, bool>;

    /// Marks the upload complete if all its bytes are in (`offset = size`); whether it did.
    fn complete_photo_upload<'a>(&'a self, photo_id: &'a str, now: i64) -> StoreFuture<'a, bool>;

    /// The school of the photo's record (entity `photo`, pushed through sync: its visit's
    /// school), if the record has arrived. It decides who besides the uploader may see the photo.
    fn photo_record_school<'a>(&'a self, photo_id: &'a str) -> StoreFuture<'a, Option<String>>;
}

/// A `photo_uploads` row as both backends read it.
#[derive(sqlx::FromRow)]
pub(super) struct PhotoUploadRow {
    photo_id: String,
    user_id: String,
    sha256: String,
    size: i64,
    mime: String,
    received: i64,
    complete: bool,
    created_at: i64,
    updated_at: i64,
}

/// The columns [`PhotoUploadRow`] reads, in a `SELECT`.
pub(super) const COLUMNS: &str =
    "photo_id, user_id, sha256, size, mime, received, complete, created_at, updated_at";

impl TryFrom<PhotoUploadRow> for PhotoUpload {
    type Error = StoreError;

    fn try_from(row: PhotoUploadRow) -> Result<Self, StoreError> {
        let invalid = |reason: String| StoreError::InvalidRow {
            table: "photo_uploads",
            id: row.photo_id.clone(),
            reason,
        };
        let size = u64::try_from(row.size).map_err(|_| invalid(format!("size {}", row.size)))?;
        let offset = u64::try_from(row.received)
            .map_err(|_| invalid(format!("received {}", row.received)))?;
        Ok(PhotoUpload {
            photo_id: row.photo_id,
            user_id: row.user_id,
            sha256: row.sha256,
            size,
            mime: row.mime,
            offset,
            complete: row.complete,
            created_at: row.created_at,
            updated_at: row.updated_at,
        })
    }
}

/// A size or offset as the databases store it (BIGINT / INTEGER). Photos are at most 20 MiB,
/// so this never saturates in practice.
pub(super) fn db_int(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}
