//! [`SyncStore`] on SQLite. A push transaction starts with `BEGIN IMMEDIATE`: it holds the
//! database's one write lock from its first read to its commit, so what it decided on cannot
//! change under it and change ids are handed out in commit order.

use dudao_domain::sync::{Change, Conflict, MutationStatus};
use sqlx::{Sqlite, Transaction};

use super::sync::{
    conflict_columns, record_fields_sql, scope_filter, status_str, to_json, ChangeRow, ConflictRow,
    FieldRow, MutationWrite, PushTx, Record, RecordField, RecordFieldRow, ResultRow, Scope,
    StoredField, StoredResult, SyncStore, SERVER_DEVICE,
};
use super::{SqliteStore, StoreFuture};

impl SyncStore for SqliteStore {
    fn server_epoch(&self) -> StoreFuture<'_, String> {
        Box::pin(async move {
            Ok(
                sqlx::query_scalar("SELECT server_epoch FROM server_meta WHERE id = 1")
                    .fetch_one(&self.pool)
                    .await?,
            )
        })
    }

    fn sync_head(&self) -> StoreFuture<'_, (String, i64)> {
        Box::pin(async move {
            Ok(
                sqlx::query_as("SELECT server_epoch, last_change FROM server_meta WHERE id = 1")
                    .fetch_one(&self.pool)
                    .await?,
            )
        })
    }

    fn rotate_epoch(&self, at_least: i64, force: bool) -> StoreFuture<'_, (String, i64, bool)> {
        Box::pin(async move {
            let rotated = sqlx::query(
                "UPDATE server_meta SET server_epoch = lower(hex(randomblob(16))), \
                 last_change = max(last_change, ?1) \
                 WHERE id = 1 AND (last_change < ?1 OR ?2)",
            )
            .bind(at_least)
            .bind(force)
            .execute(&self.pool)
            .await?
            .rows_affected()
                > 0;
            let (epoch, head) = self.sync_head().await?;
            Ok((epoch, head, rotated))
        })
    }

    fn session_device<'a>(&'a self, token_hash: &'a str) -> StoreFuture<'a, Option<String>> {
        Box::pin(async move {
            Ok(
                sqlx::query_scalar("SELECT device_id FROM sessions WHERE token_hash = ?1")
                    .bind(token_hash)
                    .fetch_optional(&self.pool)
                    .await?,
            )
        })
    }

    fn device_last_seq<'a>(
        &'a self,
        device_id: &'a str,
        user_id: &'a str,
    ) -> StoreFuture<'a, Option<i64>> {
        Box::pin(async move {
            Ok(
                sqlx::query_scalar("SELECT last_seq FROM devices WHERE id = ?1 AND user_id = ?2")
                    .bind(device_id)
                    .bind(user_id)
                    .fetch_optional(&self.pool)
                    .await?,
            )
        })
    }

    fn scope_school_ids<'a>(&'a self, scope: &'a Scope) -> StoreFuture<'a, Vec<String>> {
        Box::pin(async move {
            let (filter, bind) = scope_filter(scope, "id", '?', 1);
            let sql = format!("SELECT id FROM schools WHERE {filter} ORDER BY id");
            let mut query = sqlx::query_scalar(sqlx::AssertSqlSafe(sql));
            if let Some(bind) = bind {
                query = query.bind(bind);
            }
            Ok(query.fetch_all(&self.pool).await?)
        })
    }

    fn begin_push<'a>(
        &'a self,
        device_id: &'a str,
        user_id: &'a str,
    ) -> StoreFuture<'a, Option<Box<dyn PushTx>>> {
        Box::pin(async move {
            let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
            let last_seq: Option<i64> =
                sqlx::query_scalar("SELECT last_seq FROM devices WHERE id = ?1 AND user_id = ?2")
                    .bind(device_id)
                    .bind(user_id)
                    .fetch_optional(&mut *tx)
                    .await?;
            Ok(last_seq.map(|last_seq| {
                Box::new(SqlitePushTx {
                    tx,
                    device_id: device_id.to_owned(),
                    last_seq,
                }) as Box<dyn PushTx>
            }))
        })
    }

    fn begin_server_write(&self) -> StoreFuture<'_, Box<dyn PushTx>> {
        Box::pin(async move {
            let tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
            Ok(Box::new(SqlitePushTx {
                tx,
                device_id: SERVER_DEVICE.to_owned(),
                last_seq: 0,
            }) as Box<dyn PushTx>)
        })
    }

    fn changes_after<'a>(
        &'a self,
        scope: &'a Scope,
        cursor: i64,
        limit: i64,
    ) -> StoreFuture<'a, Vec<Change>> {
        Box::pin(async move {
            let (filter, bind) = scope_filter(scope, "school_id", '?', 3);
            let sql = format!(
                "SELECT id, entity, entity_id, school_id, field, value, rev, hlc, device_id, seq \
                 FROM changes WHERE id > ?1 AND {filter} ORDER BY id LIMIT ?2"
            );
            let mut query = sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(cursor)
                .bind(limit);
            if let Some(bind) = bind {
                query = query.bind(bind);
            }
            let rows: Vec<ChangeRow> = query.fetch_all(&self.pool).await?;
            rows.into_iter().map(Change::try_from).collect()
        })
    }

    fn record_fields<'a>(
        &'a self,
        entity: &'a str,
        scope: &'a Scope,
        entity_id: Option<&'a str>,
        field: Option<&'a str>,
    ) -> StoreFuture<'a, Vec<RecordField>> {
        Box::pin(async move {
            let (filter, bind) = scope_filter(scope, "r.school_id", '?', 4);
            let sql = record_fields_sql("", "", &filter, '?');
            let mut query = sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(entity)
                .bind(entity_id)
                .bind(field);
            if let Some(bind) = bind {
                query = query.bind(bind);
            }
            let rows: Vec<RecordFieldRow> = query.fetch_all(&self.pool).await?;
            rows.into_iter().map(RecordField::try_from).collect()
        })
    }

    fn list_conflicts<'a>(
        &'a self,
        scope: &'a Scope,
        resolved: bool,
    ) -> StoreFuture<'a, Vec<Conflict>> {
        Box::pin(async move {
            let (filter, bind) = scope_filter(scope, "c.school_id", '?', 2);
            let sql = format!(
                "SELECT {} WHERE (?1 OR c.resolved_at IS NULL) AND {filter} ORDER BY c.id",
                conflict_columns("")
            );
            let mut query = sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(resolved);
            if let Some(bind) = bind {
                query = query.bind(bind);
            }
            let rows: Vec<ConflictRow> = query.fetch_all(&self.pool).await?;
            rows.into_iter().map(Conflict::try_from).collect()
        })
    }

    fn resolve_conflict<'a>(
        &'a self,
        scope: &'a Scope,
        id: i64,
        user_id: &'a str,
        now: i64,
    ) -> StoreFuture<'a, Option<Conflict>> {
        Box::pin(async move {
            let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
            let (filter, bind) = scope_filter(scope, "c.school_id", '?', 2);
            let sql = format!("SELECT c.id FROM conflicts c WHERE c.id = ?1 AND {filter}");
            let mut query = sqlx::query_scalar(sqlx::AssertSqlSafe(sql)).bind(id);
            if let Some(bind) = bind {
                query = query.bind(bind);
            }
            let found: Option<i64> = query.fetch_optional(&mut *tx).await?;
            if found.is_none() {
                return Ok(None);
            }
            sqlx::query(
                "UPDATE conflicts SET resolved_at = ?2, resolved_by = ?3 \
                 WHERE id = ?1 AND resolved_at IS NULL",
            )
            .bind(id)
            .bind(now)
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
            let sql = format!("SELECT {} WHERE c.id = ?1", conflict_columns(""));
            let row: ConflictRow = sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(id)
                .fetch_one(&mut *tx)
                .await?;
            tx.commit().await?;
            Ok(Some(Conflict::try_from(row)?))
        })
    }
}

struct SqlitePushTx {
    tx: Transaction<'static, Sqlite>,
    device_id: String,
    last_seq: i64,
}

impl PushTx for SqlitePushTx {
    fn last_seq(&self) -> i64 {
        self.last_seq
    }

    fn stored_result(&mut self, seq: i64) -> StoreFuture<'_, Option<StoredResult>> {
        Box::pin(async move {
            let row: Option<ResultRow> = sqlx::query_as(
                "SELECT status, reason, results FROM mutations WHERE device_id = ?1 AND seq = ?2",
            )
            .bind(&self.device_id)
            .bind(seq)
            .fetch_optional(&mut *self.tx)
            .await?;
            row.map(|r| r.decode(&format!("{}#{seq}", self.device_id)))
                .transpose()
        })
    }

    fn lock_record<'a>(
        &'a mut self,
        entity: &'a str,
        entity_id: &'a str,
    ) -> StoreFuture<'a, Option<Record>> {
        // BEGIN IMMEDIATE already holds the only write lock.
        self.record(entity, entity_id)
    }

    fn record<'a>(
        &'a mut self,
        entity: &'a str,
        entity_id: &'a str,
    ) -> StoreFuture<'a, Option<Record>> {
        Box::pin(async move {
            let row: Option<(String, Option<String>)> = sqlx::query_as(
                "SELECT school_id, visit_id FROM records WHERE entity = ?1 AND entity_id = ?2",
            )
            .bind(entity)
            .bind(entity_id)
            .fetch_optional(&mut *self.tx)
            .await?;
            Ok(row.map(|(school_id, visit_id)| Record {
                school_id,
                visit_id,
            }))
        })
    }

    fn photo_uploader<'a>(&'a mut self, photo_id: &'a str) -> StoreFuture<'a, Option<String>> {
        Box::pin(async move {
            Ok(
                sqlx::query_scalar("SELECT user_id FROM photo_uploads WHERE photo_id = ?1")
                    .bind(photo_id)
                    .fetch_optional(&mut *self.tx)
                    .await?,
            )
        })
    }

    fn field<'a>(
        &'a mut self,
        entity: &'a str,
        entity_id: &'a str,
        field: &'a str,
    ) -> StoreFuture<'a, Option<StoredField>> {
        Box::pin(async move {
            let row: Option<FieldRow> = sqlx::query_as(
                "SELECT value, rev, hlc, device_id, author_role, user_id FROM fields \
                 WHERE entity = ?1 AND entity_id = ?2 AND field = ?3",
            )
            .bind(entity)
            .bind(entity_id)
            .bind(field)
            .fetch_optional(&mut *self.tx)
            .await?;
            row.map(|r| r.decode(&format!("{entity}/{entity_id}/{field}")))
                .transpose()
        })
    }

    fn commit(self: Box<Self>, w: MutationWrite) -> StoreFuture<'static, ()> {
        Box::pin(async move {
            let SqlitePushTx { mut tx, .. } = *self;
            let server_made = w.seq == 0;
            if let Some(new) = &w.new_record {
                sqlx::query(
                    "INSERT INTO records (entity, entity_id, school_id, visit_id, created_by, \
                     device_id, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                )
                .bind(&w.entity)
                .bind(&w.entity_id)
                .bind(&new.school_id)
                .bind(&new.visit_id)
                .bind(&w.user_id)
                .bind(&w.device_id)
                .bind(w.now)
                .execute(&mut *tx)
                .await?;
            }
            if !w.fields.is_empty() {
                let n = i64::try_from(w.fields.len()).unwrap_or(i64::MAX);
                let last: i64 = sqlx::query_scalar(
                    "UPDATE server_meta SET last_change = last_change + ?1 WHERE id = 1 \
                     RETURNING last_change",
                )
                .bind(n)
                .fetch_one(&mut *tx)
                .await?;
                for (id, f) in (last - n + 1..).zip(&w.fields) {
                    let value = to_json(&f.value)?;
                    let hlc = f.hlc.to_string();
                    sqlx::query(
                        "INSERT INTO fields (entity, entity_id, field, value, rev, hlc, \
                         device_id, author_role, user_id, updated_at) \
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) \
                         ON CONFLICT (entity, entity_id, field) DO UPDATE SET \
                         value = excluded.value, rev = excluded.rev, hlc = excluded.hlc, \
                         device_id = excluded.device_id, author_role = excluded.author_role, \
                         user_id = excluded.user_id, updated_at = excluded.updated_at",
                    )
                    .bind(&w.entity)
                    .bind(&w.entity_id)
                    .bind(&f.field)
                    .bind(&value)
                    .bind(f.rev)
                    .bind(&hlc)
                    .bind(&w.device_id)
                    .bind(w.role.as_str())
                    .bind(&w.user_id)
                    .bind(w.now)
                    .execute(&mut *tx)
                    .await?;
                    sqlx::query(
                        "INSERT INTO changes (id, entity, entity_id, school_id, field, value, \
                         rev, hlc, device_id, seq, created_at) \
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
                    )
                    .bind(id)
                    .bind(&w.entity)
                    .bind(&w.entity_id)
                    .bind(&w.school_id)
                    .bind(&f.field)
                    .bind(&value)
                    .bind(f.rev)
                    .bind(&hlc)
                    .bind((!server_made).then_some(&w.device_id))
                    .bind((!server_made).then_some(w.seq))
                    .bind(w.now)
                    .execute(&mut *tx)
                    .await?;
                }
            }
            for c in &w.conflicts {
                sqlx::query(
                    "INSERT INTO conflicts (entity, entity_id, school_id, field, kept_value, \
                     kept_hlc, kept_device_id, kept_user_id, kept_role, lost_value, lost_hlc, \
                     lost_device_id, lost_user_id, lost_role, created_at) \
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
                )
                .bind(&w.entity)
                .bind(&w.entity_id)
                .bind(&w.school_id)
                .bind(&c.field)
                .bind(to_json(&c.kept.value)?)
                .bind(c.kept.hlc.to_string())
                .bind(&c.kept.device_id)
                .bind(&c.kept.user_id)
                .bind(c.kept.role.as_str())
                .bind(to_json(&c.lost.value)?)
                .bind(c.lost.hlc.to_string())
                .bind(&c.lost.device_id)
                .bind(&c.lost.user_id)
                .bind(c.lost.role.as_str())
                .bind(w.now)
                .execute(&mut *tx)
                .await?;
            }
            // A change the server makes itself answers no device's mutation.
            if !server_made {
                debug_assert!(w.status != MutationStatus::Duplicate);
                sqlx::query(
                    "INSERT INTO mutations (device_id, seq, user_id, entity, entity_id, status, \
                     reason, results, received_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                )
                .bind(&w.device_id)
                .bind(w.seq)
                .bind(&w.user_id)
                .bind(&w.entity)
                .bind(&w.entity_id)
                .bind(status_str(w.status))
                .bind(&w.reason)
                .bind(to_json(&w.results)?)
                .bind(w.now)
                .execute(&mut *tx)
                .await?;
                sqlx::query("UPDATE devices SET last_seq = ?2 WHERE id = ?1")
                    .bind(&w.device_id)
                    .bind(w.seq)
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await?;
            Ok(())
        })
    }
}
