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

use super::rows::{facilities_json, template_json, PublishedRow, SchoolRow, ThresholdsRow};
use super::{LibraryStamp, PublishedTemplate, Store, StoreError, StoreFuture, ThresholdsFile};

static MIGRATOR: Migrator = sqlx::migrate!("migrations/sqlite");

#[derive(Debug, Clone)]
pub struct SqliteStore {
    pool: SqlitePool,
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

    fn close(&self) -> Pin<Box<dyn Future<Output = ()> + Send + '_>> {
        Box::pin(self.pool.close())
    }
}
