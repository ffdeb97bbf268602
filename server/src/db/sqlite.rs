//! The SQLite [`Store`]: one file, WAL mode, migrations from `migrations/sqlite` embedded in the
//! binary and run when the store opens.

use std::future::Future;
use std::path::Path;
use std::pin::Pin;
use std::time::Duration;

use std::collections::BTreeMap;

use dudao_domain::{Facility, GradeRange, School, Stage, Template};
use sqlx::migrate::Migrator;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};

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

#[derive(sqlx::FromRow)]
struct SchoolRow {
    id: String,
    code: String,
    name: String,
    district: String,
    stage: String,
    grade_from: i64,
    grade_to: i64,
    enrolment: i64,
    boarding: bool,
    address: String,
    contact: String,
    supervisor: String,
    county: String,
    facilities: String,
}

impl TryFrom<SchoolRow> for School {
    type Error = StoreError;

    fn try_from(row: SchoolRow) -> Result<Self, StoreError> {
        let invalid = |reason: String| StoreError::InvalidRow {
            table: "schools",
            id: row.id.clone(),
            reason,
        };
        let stage = Stage::parse(&row.stage)
            .ok_or_else(|| invalid(format!("unknown stage {:?}", row.stage)))?;
        let grade =
            |g: i64| u8::try_from(g).map_err(|_| invalid(format!("grade {g} out of range")));
        let grades = GradeRange::new(grade(row.grade_from)?, grade(row.grade_to)?);
        let enrolment = u32::try_from(row.enrolment)
            .map_err(|_| invalid(format!("enrolment {} out of range", row.enrolment)))?;
        let facilities: BTreeMap<Facility, bool> = serde_json::from_str(&row.facilities)
            .map_err(|e| invalid(format!("facilities {:?}: {e}", row.facilities)))?;
        Ok(School {
            id: row.id,
            code: row.code,
            name: row.name,
            district: row.district,
            stage,
            grades,
            enrolment,
            boarding: row.boarding,
            address: row.address,
            contact: row.contact,
            supervisor: row.supervisor,
            county: row.county,
            facilities,
        })
    }
}

fn facilities_json(school: &School) -> Result<String, StoreError> {
    // A map of unit enums to booleans always encodes; the error is kept typed all the same.
    serde_json::to_string(&school.facilities).map_err(|e| StoreError::InvalidRow {
        table: "schools",
        id: school.id.clone(),
        reason: format!("cannot encode facilities: {e}"),
    })
}

#[derive(sqlx::FromRow)]
struct PublishedRow {
    id: String,
    version: i64,
    body: String,
    source: String,
    published_at: i64,
}

impl TryFrom<PublishedRow> for PublishedTemplate {
    type Error = StoreError;

    fn try_from(row: PublishedRow) -> Result<Self, StoreError> {
        let invalid = |reason: String| StoreError::InvalidRow {
            table: "published_templates",
            id: format!("{}@{}", row.id, row.version),
            reason,
        };
        let template: Template =
            serde_json::from_str(&row.body).map_err(|e| invalid(format!("body: {e}")))?;
        if template.id != row.id || i64::from(template.version) != row.version {
            return Err(invalid(format!(
                "the body holds {}@{}",
                template.id, template.version
            )));
        }
        Ok(PublishedTemplate {
            template,
            source: row.source,
            published_at: row.published_at,
        })
    }
}

#[derive(sqlx::FromRow)]
struct ThresholdsRow {
    template_id: String,
    district: String,
    edition: i64,
    body: String,
    source: String,
    created_at: i64,
}

impl TryFrom<ThresholdsRow> for ThresholdsFile {
    type Error = StoreError;

    fn try_from(row: ThresholdsRow) -> Result<Self, StoreError> {
        let edition = u32::try_from(row.edition).map_err(|_| StoreError::InvalidRow {
            table: "local_thresholds",
            id: format!("{}/{}/{}", row.template_id, row.district, row.edition),
            reason: format!("edition {} out of range", row.edition),
        })?;
        Ok(ThresholdsFile {
            template_id: row.template_id,
            district: row.district,
            edition,
            body: row.body,
            source: row.source,
            created_at: row.created_at,
        })
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
            let body = serde_json::to_string(t).map_err(|e| StoreError::InvalidRow {
                table: "published_templates",
                id: format!("{}@{}", t.id, t.version),
                reason: format!("cannot encode the template: {e}"),
            })?;
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
