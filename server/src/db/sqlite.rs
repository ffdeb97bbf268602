//! The SQLite [`Store`]: one file, WAL mode, migrations from `migrations/sqlite` embedded in the
//! binary and run when the store opens.

use std::future::Future;
use std::path::Path;
use std::pin::Pin;
use std::time::Duration;

use dudao_domain::{GradeRange, School, Stage};
use sqlx::migrate::Migrator;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};

use super::{Store, StoreError, StoreFuture};

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
            facilities: Default::default(),
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
                 boarding, address, contact FROM schools ORDER BY district, code",
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
                     enrolment, boarding, address, contact) \
                     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
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
                .execute(&mut *tx)
                .await?
                .rows_affected();
            }
            tx.commit().await?;
            Ok(inserted)
        })
    }

    fn close(&self) -> Pin<Box<dyn Future<Output = ()> + Send + '_>> {
        Box::pin(self.pool.close())
    }
}
