//! [`PhotoStore`] on PostgreSQL.

use super::photos::{db_int, PhotoStore, PhotoUpload, PhotoUploadRow, COLUMNS};
use super::postgres::PostgresStore;
use super::StoreFuture;

impl PhotoStore for PostgresStore {
    fn stale_photo_uploads(&self, before: i64) -> StoreFuture<'_, Vec<String>> {
        Box::pin(async move {
            Ok(sqlx::query_scalar(
                "SELECT photo_id FROM photo_uploads WHERE complete = FALSE AND updated_at < $1 \
                 ORDER BY photo_id",
            )
            .bind(before)
            .fetch_all(&self.pool)
            .await?)
        })
    }

    fn delete_stale_photo_upload<'a>(
        &'a self,
        photo_id: &'a str,
        before: i64,
    ) -> StoreFuture<'a, bool> {
        Box::pin(async move {
            let deleted = sqlx::query(
                "DELETE FROM photo_uploads WHERE photo_id = $1 AND complete = FALSE \
                 AND updated_at < $2",
            )
            .bind(photo_id)
            .bind(before)
            .execute(&self.pool)
            .await?
            .rows_affected();
            Ok(deleted == 1)
        })
    }

    fn create_photo_upload<'a>(
        &'a self,
        u: &'a PhotoUpload,
    ) -> StoreFuture<'a, Option<(PhotoUpload, bool)>> {
        Box::pin(async move {
            let mut tx = self.pool.begin().await?;
            // The lock a push of the photo's record takes (`PgPushTx::lock_record`): the record
            // is either committed before this reads it or waits until this commits.
            sqlx::query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))")
                .bind(format!("photo/{}", u.photo_id))
                .execute(&mut *tx)
                .await?;
            let created = sqlx::query(
                "INSERT INTO photo_uploads (photo_id, user_id, sha256, size, mime, received, \
                 complete, created_at, updated_at) SELECT $1, $2, $3, $4, $5, 0, FALSE, $6, $7 \
                 WHERE NOT EXISTS (SELECT 1 FROM records WHERE entity = 'photo' \
                 AND entity_id = $1 AND created_by <> $2) \
                 ON CONFLICT (photo_id) DO NOTHING",
            )
            .bind(&u.photo_id)
            .bind(&u.user_id)
            .bind(&u.sha256)
            .bind(db_int(u.size))
            .bind(&u.mime)
            .bind(u.created_at)
            .bind(u.updated_at)
            .execute(&mut *tx)
            .await?
            .rows_affected()
                == 1;
            let row: Option<PhotoUploadRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "SELECT {COLUMNS} FROM photo_uploads WHERE photo_id = $1"
            )))
            .bind(&u.photo_id)
            .fetch_optional(&mut *tx)
            .await?;
            tx.commit().await?;
            row.map(|row| Ok((row.try_into()?, created))).transpose()
        })
    }

    fn photo_upload<'a>(&'a self, photo_id: &'a str) -> StoreFuture<'a, Option<PhotoUpload>> {
        Box::pin(async move {
            let row: Option<PhotoUploadRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "SELECT {COLUMNS} FROM photo_uploads WHERE photo_id = $1"
            )))
            .bind(photo_id)
            .fetch_optional(&self.pool)
            .await?;
            row.map(PhotoUpload::try_from).transpose()
        })
    }

    fn move_photo_offset<'a>(
        &'a self,
        photo_id: &'a str,
        from: u64,
        to: u64,
        now: i64,
    ) -> StoreFuture<'a, bool> {
        Box::pin(async move {
            let moved = sqlx::query(
                "UPDATE photo_uploads SET received = $1, updated_at = $2 \
                 WHERE photo_id = $3 AND received = $4 AND complete = FALSE",
            )
            .bind(db_int(to))
            .bind(now)
            .bind(photo_id)
            .bind(db_int(from))
            .execute(&self.pool)
            .await?
            .rows_affected();
            Ok(moved == 1)
        })
    }

    fn complete_photo_upload<'a>(&'a self, photo_id: &'a str, now: i64) -> StoreFuture<'a, bool> {
        Box::pin(async move {
            let done = sqlx::query(
                "UPDATE photo_uploads SET complete = TRUE, updated_at = $1, completed_at = $2 \
                 WHERE photo_id = $3 AND received = size AND complete = FALSE",
            )
            .bind(now)
            .bind(now)
            .bind(photo_id)
            .execute(&self.pool)
            .await?
            .rows_affected();
            Ok(done == 1)
        })
    }

    fn photo_record_school<'a>(&'a self, photo_id: &'a str) -> StoreFuture<'a, Option<String>> {
        Box::pin(async move {
            Ok(sqlx::query_scalar(
                "SELECT school_id FROM records WHERE entity = 'photo' AND entity_id = $1",
            )
            .bind(photo_id)
            .fetch_optional(&self.pool)
            .await?)
        })
    }
}
