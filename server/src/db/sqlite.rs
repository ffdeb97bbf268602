//! The SQLite [`Store`]: one file, WAL mode, migrations from `migrations/sqlite` embedded in the
//! binary and run when the store opens.

use std::future::Future;
use std::path::Path;
use std::pin::Pin;
use std::time::Duration;

use dudao_domain::School;
use sqlx::migrate::Migrator;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};

use super::accounts::{LoginAttempts, UserRow};
use super::rows::{facilities_json, template_json, PublishedRow, SchoolRow, ThresholdsRow};
use super::{
    LibraryStamp, NewSession, PublishedTemplate, Store, StoreError, StoreFuture, ThresholdsFile,
    User, UserRecord,
};

static MIGRATOR: Migrator = sqlx::migrate!("migrations/sqlite");

#[derive(Debug, Clone)]
pub struct SqliteStore {
    pub(super) pool: SqlitePool,
}

impl SqliteStore {
    /// Opens (creating if needed) the database file and its directory, then migrates it.
    pub async fn open(path: &Path) -> Result<Self, StoreError> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|source| StoreError::CreateDir {
                path: dir.to_owned(),
                source,
            })?;
        }
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            // WAL lets the health check and readers run while a sync writes.
            .journal_mode(SqliteJournalMode::Wal)
            // NORMAL is durable in WAL mode except on power loss, where the last commits may roll
            // back; the phones keep their outbox until a pull confirms, so nothing is lost.
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(5));
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            // A stuck database should fail the health check quickly, not hang it.
            .acquire_timeout(Duration::from_secs(5))
            .connect_with(options)
            .await?;
        MIGRATOR.run(&pool).await?;
        Ok(SqliteStore { pool })
    }
}

impl Store for SqliteStore {
    fn backend(&self) -> &'static str {
        "sqlite"
    }

    fn ping(&self) -> StoreFuture<'_, ()> {
        Box::pin(async move {
            sqlx::query("SELECT 1").execute(&self.pool).await?;
            Ok(())
        })
    }

    fn list_schools(&self) -> StoreFuture<'_, Vec<School>> {
        Box::pin(async move {
            let rows: Vec<SchoolRow> = sqlx::query_as(
                "SELECT id, code, name, district, stage, grade_from, grade_to, enrolment, \
                 boarding, address, contact, supervisor, county, facilities FROM schools \
                 ORDER BY district, code",
            )
            .fetch_all(&self.pool)
            .await?;
            rows.into_iter().map(School::try_from).collect()
        })
    }

    fn seed_schools<'a>(&'a self, schools: &'a [School]) -> StoreFuture<'a, u64> {
        Box::pin(async move {
            let mut tx = self.pool.begin().await?;
            let existing: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM schools")
                .fetch_one(&mut *tx)
                .await?;
            if existing > 0 {
                return Ok(0);
            }
            let mut inserted = 0;
            for s in schools {
                inserted += sqlx::query(
                    "INSERT INTO schools (id, code, name, district, stage, grade_from, grade_to, \
                     enrolment, boarding, address, contact, supervisor, county, facilities) \
                     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                )
                .bind(&s.id)
                .bind(&s.code)
                .bind(&s.name)
                .bind(&s.district)
                .bind(s.stage.zh())
                .bind(i64::from(s.grades.from))
                .bind(i64::from(s.grades.to))
                .bind(i64::from(s.enrolment))
                .bind(s.boarding)
                .bind(&s.address)
                .bind(&s.contact)
                .bind(&s.supervisor)
                .bind(&s.county)
                .bind(facilities_json(s)?)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            }
            tx.commit().await?;
            Ok(inserted)
        })
    }

    fn publish_template<'a>(&'a self, published: &'a PublishedTemplate) -> StoreFuture<'a, ()> {
        Box::pin(async move {
            let t = &published.template;
            let body = template_json(t)?;
            let inserted = sqlx::query(
                "INSERT INTO published_templates (id, version, body, source, published_at) \
                 VALUES (?, ?, ?, ?, ?)",
            )
            .bind(&t.id)
            .bind(i64::from(t.version))
            .bind(body)
            .bind(&published.source)
            .bind(published.published_at)
            .execute(&self.pool)
            .await;
            match inserted {
                Ok(_) => Ok(()),
                Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
                    Err(StoreError::TemplateExists {
                        id: t.id.clone(),
                        version: t.version,
                    })
                }
                Err(e) => Err(e.into()),
            }
        })
    }

    fn list_published_templates(&self) -> StoreFuture<'_, Vec<PublishedTemplate>> {
        Box::pin(async move {
            let rows: Vec<PublishedRow> = sqlx::query_as(
                "SELECT id, version, body, source, published_at FROM published_templates \
                 ORDER BY id, version",
            )
            .fetch_all(&self.pool)
            .await?;
            rows.into_iter().map(PublishedTemplate::try_from).collect()
        })
    }

    fn save_local_thresholds<'a>(&'a self, file: &'a ThresholdsFile) -> StoreFuture<'a, ()> {
        Box::pin(async move {
            // One statement, so the "only a higher edition" check and the insert cannot be
            // separated by another writer; the primary key backs it up.
            let inserted = sqlx::query(
                "INSERT INTO local_thresholds \
                 (template_id, district, edition, body, source, created_at) \
                 SELECT ?1, ?2, ?3, ?4, ?5, ?6 WHERE NOT EXISTS (SELECT 1 FROM local_thresholds \
                 WHERE template_id = ?1 AND district = ?2 AND edition >= ?3)",
            )
            .bind(&file.template_id)
            .bind(&file.district)
            .bind(i64::from(file.edition))
            .bind(&file.body)
            .bind(&file.source)
            .bind(file.created_at)
            .execute(&self.pool)
            .await;
            let refused = match inserted {
                Ok(done) => done.rows_affected() == 0,
                Err(sqlx::Error::Database(e)) if e.is_unique_violation() => true,
                Err(e) => return Err(e.into()),
            };
            if !refused {
                return Ok(());
            }
            let latest: Option<i64> = sqlx::query_scalar(
                "SELECT MAX(edition) FROM local_thresholds WHERE template_id = ? AND district = ?",
            )
            .bind(&file.template_id)
            .bind(&file.district)
            .fetch_one(&self.pool)
            .await?;
            Err(StoreError::ThresholdsNotNewer {
                template: file.template_id.clone(),
                district: file.district.clone(),
                edition: file.edition,
                latest: latest
                    .and_then(|e| u32::try_from(e).ok())
                    .unwrap_or(file.edition),
            })
        })
    }

    fn library_stamp(&self) -> StoreFuture<'_, LibraryStamp> {
        Box::pin(async move {
            let (templates, templates_at, thresholds, thresholds_at): (i64, i64, i64, i64) =
                sqlx::query_as(
                    "SELECT (SELECT COUNT(*) FROM published_templates), \
                     (SELECT COALESCE(MAX(published_at), 0) FROM published_templates), \
                     (SELECT COUNT(*) FROM local_thresholds), \
                     (SELECT COALESCE(MAX(created_at), 0) FROM local_thresholds)",
                )
                .fetch_one(&self.pool)
                .await?;
            Ok(LibraryStamp {
                templates,
                templates_at,
                thresholds,
                thresholds_at,
            })
        })
    }

    fn latest_local_thresholds(&self) -> StoreFuture<'_, Vec<ThresholdsFile>> {
        Box::pin(async move {
            let rows: Vec<ThresholdsRow> = sqlx::query_as(
                "SELECT template_id, district, edition, body, source, created_at \
                 FROM local_thresholds t WHERE edition = (SELECT MAX(edition) \
                 FROM local_thresholds m \
                 WHERE m.template_id = t.template_id AND m.district = t.district) \
                 ORDER BY template_id, district",
            )
            .fetch_all(&self.pool)
            .await?;
            rows.into_iter().map(ThresholdsFile::try_from).collect()
        })
    }

    fn create_user<'a>(&'a self, record: &'a UserRecord) -> StoreFuture<'a, ()> {
        Box::pin(async move {
            let u = &record.user;
            let inserted = sqlx::query(
                "INSERT INTO users (id, username, display_name, role, district, password_hash, \
                 created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )
            .bind(&u.id)
            .bind(&u.username)
            .bind(&u.display_name)
            .bind(u.role.as_str())
            .bind(&u.district)
            .bind(&record.password_hash)
            .bind(u.created_at)
            .execute(&self.pool)
            .await;
            match inserted {
                Ok(_) => Ok(()),
                Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
                    Err(StoreError::UserExists(u.username.clone()))
                }
                Err(e) => Err(e.into()),
            }
        })
    }

    fn user_by_username<'a>(&'a self, username: &'a str) -> StoreFuture<'a, Option<UserRecord>> {
        Box::pin(async move {
            let row: Option<UserRow> = sqlx::query_as(
                "SELECT id, username, display_name, role, district, password_hash, created_at \
                 FROM users WHERE username = ?1",
            )
            .bind(username)
            .fetch_optional(&self.pool)
            .await?;
            row.map(UserRecord::try_from).transpose()
        })
    }

    fn count_users(&self) -> StoreFuture<'_, i64> {
        Box::pin(async move {
            Ok(sqlx::query_scalar("SELECT COUNT(*) FROM users")
                .fetch_one(&self.pool)
                .await?)
        })
    }

    fn assign_schools<'a>(&'a self, user_id: &'a str, codes: &'a [String]) -> StoreFuture<'a, u64> {
        Box::pin(async move {
            let mut tx = self.pool.begin().await?;
            let mut ids = Vec::new();
            let mut unknown = Vec::new();
            for code in codes {
                let id: Option<String> =
                    sqlx::query_scalar("SELECT id FROM schools WHERE code = ?1")
                        .bind(code)
                        .fetch_optional(&mut *tx)
                        .await?;
                match id {
                    Some(id) => ids.push(id),
                    None => unknown.push(code.clone()),
                }
            }
            if !unknown.is_empty() {
                return Err(StoreError::UnknownSchools(unknown));
            }
            let mut added = 0;
            for id in ids {
                added += sqlx::query(
                    "INSERT INTO assignments (user_id, school_id) VALUES (?1, ?2) \
                     ON CONFLICT DO NOTHING",
                )
                .bind(user_id)
                .bind(id)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            }
            tx.commit().await?;
            Ok(added)
        })
    }

    fn assigned_school_ids<'a>(&'a self, user_id: &'a str) -> StoreFuture<'a, Vec<String>> {
        Box::pin(async move {
            Ok(sqlx::query_scalar(
                "SELECT school_id FROM assignments WHERE user_id = ?1 ORDER BY school_id",
            )
            .bind(user_id)
            .fetch_all(&self.pool)
            .await?)
        })
    }

    fn create_session<'a>(&'a self, s: &'a NewSession) -> StoreFuture<'a, bool> {
        Box::pin(async move {
            let mut tx = self.pool.begin().await?;
            // A device stays with the user who registered it: the upsert touches the row only
            // when it is already this user's, in one statement, so two sign-ins racing for a
            // new id cannot both get it.
            let registered = sqlx::query(
                "INSERT INTO devices (id, user_id, name, registered_at, last_seq) \
                 VALUES (?1, ?2, ?3, ?4, \
                 COALESCE((SELECT d.last_seq FROM devices d WHERE d.id = ?5), 0)) \
                 ON CONFLICT (id) DO UPDATE SET name = excluded.name \
                 WHERE devices.user_id = excluded.user_id",
            )
            .bind(&s.device_id)
            .bind(&s.user_id)
            .bind(&s.device_name)
            .bind(s.created_at)
            .bind(&s.seq_from)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if registered == 0 {
                tx.rollback().await?;
                return Ok(false);
            }
            sqlx::query(
                "INSERT INTO sessions (token_hash, user_id, device_id, created_at, expires_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )
            .bind(&s.token_hash)
            .bind(&s.user_id)
            .bind(&s.device_id)
            .bind(s.created_at)
            .bind(s.expires_at)
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            Ok(true)
        })
    }

    fn count_login_attempt<'a>(
        &'a self,
        username: &'a str,
        address: &'a str,
        now: i64,
        window_ms: i64,
    ) -> StoreFuture<'a, LoginAttempts> {
        Box::pin(async move {
            let ended = now - window_ms;
            sqlx::query("DELETE FROM login_attempts WHERE window_start <= ?1")
                .bind(ended)
                .execute(&self.pool)
                .await?;
            // One statement: parallel attempts each get their own count. SET reads the row as
            // it was, so both columns see the same window.
            Ok(sqlx::query_as(
                "INSERT INTO login_attempts (username, address, attempts, window_start) \
                 VALUES (?1, ?2, 1, ?3) \
                 ON CONFLICT (username, address) DO UPDATE SET \
                 attempts = CASE WHEN login_attempts.window_start <= ?4 THEN 1 \
                 ELSE login_attempts.attempts + 1 END, \
                 window_start = CASE WHEN login_attempts.window_start <= ?4 THEN ?3 \
                 ELSE login_attempts.window_start END \
                 RETURNING attempts, window_start",
            )
            .bind(username)
            .bind(address)
            .bind(now)
            .bind(ended)
            .fetch_one(&self.pool)
            .await?)
        })
    }

    fn clear_login_attempts<'a>(
        &'a self,
        username: &'a str,
        address: &'a str,
    ) -> StoreFuture<'a, ()> {
        Box::pin(async move {
            sqlx::query("DELETE FROM login_attempts WHERE username = ?1 AND address = ?2")
                .bind(username)
                .bind(address)
                .execute(&self.pool)
                .await?;
            Ok(())
        })
    }

    fn session_user<'a>(&'a self, token_hash: &'a str, now: i64) -> StoreFuture<'a, Option<User>> {
        Box::pin(async move {
            let row: Option<UserRow> = sqlx::query_as(
                "SELECT u.id, u.username, u.display_name, u.role, u.district, u.password_hash, \
                 u.created_at FROM sessions s JOIN users u ON u.id = s.user_id \
                 WHERE s.token_hash = ?1 AND s.expires_at > ?2",
            )
            .bind(token_hash)
            .bind(now)
            .fetch_optional(&self.pool)
            .await?;
            Ok(row.map(UserRecord::try_from).transpose()?.map(|r| r.user))
        })
    }

    fn delete_session<'a>(&'a self, token_hash: &'a str) -> StoreFuture<'a, bool> {
        Box::pin(async move {
            let done = sqlx::query("DELETE FROM sessions WHERE token_hash = ?1")
                .bind(token_hash)
                .execute(&self.pool)
                .await?;
            Ok(done.rows_affected() > 0)
        })
    }

    fn close(&self) -> Pin<Box<dyn Future<Output = ()> + Send + '_>> {
        Box::pin(self.pool.close())
    }
}
