//! Importing a county's school roster (`dudao-server schools import`): every school of the file
//! upserted by its code in one transaction, on SQLite and PostgreSQL.
//!
//! A new code gets a new UUIDv7 id. An existing code keeps its id, because visits, findings and
//! assignments refer to the id, and gets the file's values
//! ([`dudao_domain::school_import::RosterSchool::apply`]). Schools not in the file are left
//! alone: a roster of one town must not remove the others.

use std::collections::HashMap;

use dudao_domain::school_import::{changed_fields, RosterSchool};
use dudao_domain::School;

use super::postgres::PostgresStore;
use super::rows::{facilities_json, SchoolRow};
use super::sqlite::SqliteStore;
use super::StoreFuture;

/// What an import did (or, in a dry run, would do).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SchoolsImported {
    /// New schools, in file order.
    pub added: Vec<School>,
    /// Schools whose fields changed, in file order, with the English names of those fields.
    pub updated: Vec<(School, Vec<&'static str>)>,
    /// Schools already exactly as in the file.
    pub unchanged: usize,
}

/// Importing school rosters. A supertrait of [`super::Store`].
pub trait SchoolImportStore {
    /// Upserts `schools` by code in one transaction and returns what changed. With
    /// `write = false` the same work is done and rolled back, so a dry run counts exactly what
    /// an import would do. Codes must be unique within `schools` (the roster reader checks).
    fn import_schools<'a>(
        &'a self,
        schools: &'a [RosterSchool],
        write: bool,
    ) -> StoreFuture<'a, SchoolsImported>;
}

/// The columns of `schools`, in the order [`SchoolRow`] reads them and the writes bind them.
const COLUMNS: &str = "id, code, name, district, stage, grade_from, grade_to, enrolment, \
                         boarding, address, contact, supervisor, county, facilities";

/// Binds a school's columns as parameters 1 to 14, in [`COLUMNS`] order.
macro_rules! bind_school {
    ($query:expr, $s:expr) => {{
        let s: &School = $s;
        $query
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
    }};
}

/// A UUIDv7: time-ordered, as every record id in Dudao.
fn new_school_id() -> String {
    let ms = u64::try_from(crate::clock::now_ms()).unwrap_or_default();
    uuid::Builder::from_unix_timestamp_millis(ms, &crate::auth::random_bytes())
        .into_uuid()
        .to_string()
}

/// What to write: each row applied to the stored school with its code.
struct Plan {
    insert: Vec<School>,
    update: Vec<(School, Vec<&'static str>)>,
    unchanged: usize,
}

fn plan(stored: Vec<School>, rows: &[RosterSchool]) -> Plan {
    let by_code: HashMap<String, School> =
        stored.into_iter().map(|s| (s.code.clone(), s)).collect();
    let mut plan = Plan {
        insert: Vec::new(),
        update: Vec::new(),
        unchanged: 0,
    };
    for row in rows {
        let existing = by_code.get(&row.code);
        let after = row.apply(existing, new_school_id);
        match existing {
            None => plan.insert.push(after),
            Some(before) => {
                let changed = changed_fields(before, &after);
                if changed.is_empty() {
                    plan.unchanged += 1;
                } else {
                    plan.update.push((after, changed));
                }
            }
        }
    }
    plan
}

impl Plan {
    fn done(self) -> SchoolsImported {
        SchoolsImported {
            added: self.insert,
            updated: self.update,
            unchanged: self.unchanged,
        }
    }
}

impl SchoolImportStore for SqliteStore {
    fn import_schools<'a>(
        &'a self,
        schools: &'a [RosterSchool],
        write: bool,
    ) -> StoreFuture<'a, SchoolsImported> {
        Box::pin(async move {
            // The write lock before the read, so no other import or seed slips in between.
            let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
            let stored: Vec<SchoolRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "SELECT {COLUMNS} FROM schools"
            )))
            .fetch_all(&mut *tx)
            .await?;
            let stored = stored
                .into_iter()
                .map(School::try_from)
                .collect::<Result<_, _>>()?;
            let plan = plan(stored, schools);
            for s in &plan.insert {
                bind_school!(
                    sqlx::query(sqlx::AssertSqlSafe(format!(
                        "INSERT INTO schools ({COLUMNS}) \
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)"
                    ))),
                    s
                )
                .execute(&mut *tx)
                .await?;
            }
            for (s, _) in &plan.update {
                bind_school!(
                    sqlx::query(
                        "UPDATE schools SET code = ?2, name = ?3, district = ?4, stage = ?5, \
                         grade_from = ?6, grade_to = ?7, enrolment = ?8, boarding = ?9, \
                         address = ?10, contact = ?11, supervisor = ?12, county = ?13, \
                         facilities = ?14 WHERE id = ?1",
                    ),
                    s
                )
                .execute(&mut *tx)
                .await?;
            }
            if write {
                tx.commit().await?;
            } else {
                tx.rollback().await?;
            }
            Ok(plan.done())
        })
    }
}

impl SchoolImportStore for PostgresStore {
    fn import_schools<'a>(
        &'a self,
        schools: &'a [RosterSchool],
        write: bool,
    ) -> StoreFuture<'a, SchoolsImported> {
        Box::pin(async move {
            let mut tx = self.pool.begin().await?;
            // Another import (or a server seeding the demo) waits until this one ends; readers
            // do not. Without it two imports of a new code would both insert it.
            sqlx::query("LOCK TABLE schools IN SHARE ROW EXCLUSIVE MODE")
                .execute(&mut *tx)
                .await?;
            let stored: Vec<SchoolRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "SELECT {} FROM schools",
                COLUMNS.replace("facilities", "facilities::text AS facilities")
            )))
            .fetch_all(&mut *tx)
            .await?;
            let stored = stored
                .into_iter()
                .map(School::try_from)
                .collect::<Result<_, _>>()?;
            let plan = plan(stored, schools);
            for s in &plan.insert {
                bind_school!(
                    sqlx::query(sqlx::AssertSqlSafe(format!(
                        "INSERT INTO schools ({COLUMNS}) VALUES \
                         ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14::jsonb)"
                    ))),
                    s
                )
                .execute(&mut *tx)
                .await?;
            }
            for (s, _) in &plan.update {
                bind_school!(
                    sqlx::query(
                        "UPDATE schools SET code = $2, name = $3, district = $4, stage = $5, \
                         grade_from = $6, grade_to = $7, enrolment = $8, boarding = $9, \
                         address = $10, contact = $11, supervisor = $12, county = $13, \
                         facilities = $14::jsonb WHERE id = $1",
                    ),
                    s
                )
                .execute(&mut *tx)
                .await?;
            }
            if write {
                tx.commit().await?;
            } else {
                tx.rollback().await?;
            }
            Ok(plan.done())
        })
    }
}
