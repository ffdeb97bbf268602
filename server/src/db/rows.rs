//! Rows as both backends read them, and the JSON both write: one decoding, so a school or a
//! template reads the same from SQLite and PostgreSQL. Queries select JSON columns as text
//! (`facilities::text` on PostgreSQL) so the fields below are the same on both.

use std::collections::BTreeMap;

use dudao_domain::{Facility, GradeRange, School, Stage, Template};

use super::{PublishedTemplate, StoreError, ThresholdsFile};

#[derive(sqlx::FromRow)]
pub(super) struct SchoolRow {
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

pub(super) fn facilities_json(school: &School) -> Result<String, StoreError> {
    // A map of unit enums to booleans always encodes; the error is kept typed all the same.
    serde_json::to_string(&school.facilities).map_err(|e| StoreError::InvalidRow {
        table: "schools",
        id: school.id.clone(),
        reason: format!("cannot encode facilities: {e}"),
    })
}

#[derive(sqlx::FromRow)]
pub(super) struct PublishedRow {
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
pub(super) struct ThresholdsRow {
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

pub(super) fn template_json(t: &Template) -> Result<String, StoreError> {
    serde_json::to_string(t).map_err(|e| StoreError::InvalidRow {
        table: "published_templates",
        id: format!("{}@{}", t.id, t.version),
        reason: format!("cannot encode the template: {e}"),
    })
}
