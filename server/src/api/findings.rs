//! `GET /api/findings`: the findings followed through 整改 (issue 17, item 6), for the office's
//! screens and the 整改台账, scoped like visits: a supervisor sees the findings of their
//! schools, office staff those of their district, an admin all.
//!
//! Filters, all optional: `school` (id), `district` (a 区县 or a 乡镇), `status` (`open` for
//! 未销号, or a status as stored: `pending`, `rectifying`, `awaiting_recheck`, `awaiting_close`,
//! `closed`, `withdrawn`), `severity` (`general`, `major`), `overdue=1` (逾期, 挂牌督办
//! included), `supervised=1` (挂牌督办 only), `supervisor` (as the visit
//! names them: 韩立新), `from`/`to` (the day it
//! was raised, `2026-12-01`, China's calendar). A value that is not one of these is a 400
//! naming it. The answer is [`FindingsResponse`], most urgent first.

use std::collections::HashMap;

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::Json;
use dudao_domain::datetime::Date;
use dudao_domain::finding_list::{self, FindingFilter, FindingsResponse, Place, StatusFilter};
use dudao_domain::finding_record::FindingRecord;
use dudao_domain::sync::ENTITY_FINDING;
use dudao_domain::template::Severity;
use serde::Deserialize;

use crate::auth::Auth;
use crate::clock::now_ms;
use crate::db::sync::by_record;
use crate::db::Scope;
use crate::error::AppError;
use crate::state::AppState;

/// Query parameters as text, so a bad one gets a specific 400.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FindingParams {
    school: Option<String>,
    district: Option<String>,
    status: Option<String>,
    severity: Option<String>,
    overdue: Option<String>,
    supervised: Option<String>,
    supervisor: Option<String>,
    from: Option<String>,
    to: Option<String>,
}

fn text(v: Option<String>) -> Option<String> {
    v.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty())
}

fn flag(name: &str, v: Option<String>) -> Result<bool, AppError> {
    match text(v).as_deref() {
        None | Some("0") | Some("false") => Ok(false),
        Some("1") | Some("true") => Ok(true),
        Some(other) => Err(AppError::InvalidRequest(format!(
            "{name} {:?} must be 1 or 0",
            other.chars().take(40).collect::<String>()
        ))),
    }
}

fn day(name: &str, v: Option<String>) -> Result<Option<Date>, AppError> {
    text(v)
        .map(|s| {
            Date::parse(&s).ok_or_else(|| {
                AppError::InvalidRequest(format!(
                    "{name} {:?} is not a date like 2026-12-01",
                    s.chars().take(40).collect::<String>()
                ))
            })
        })
        .transpose()
}

impl FindingParams {
    fn filter(self) -> Result<FindingFilter, AppError> {
        let status = text(self.status)
            .map(|s| {
                StatusFilter::parse(&s).ok_or_else(|| {
                    AppError::InvalidRequest(format!(
                        "status {:?} is not one of open, pending, rectifying, awaiting_recheck, \
                         awaiting_close, closed, withdrawn",
                        s.chars().take(40).collect::<String>()
                    ))
                })
            })
            .transpose()?;
        let severity = text(self.severity)
            .map(|s| match s.as_str() {
                "general" => Ok(Severity::General),
                "major" => Ok(Severity::Major),
                other => Err(AppError::InvalidRequest(format!(
                    "severity {:?} is not general or major",
                    other.chars().take(40).collect::<String>()
                ))),
            })
            .transpose()?;
        Ok(FindingFilter {
            school_id: text(self.school),
            district: text(self.district),
            status,
            severity,
            overdue: flag("overdue", self.overdue)?,
            supervised: flag("supervised", self.supervised)?,
            supervisor: text(self.supervisor),
            from: day("from", self.from)?,
            to: day("to", self.to)?,
        })
    }
}

pub async fn list_findings(
    State(state): State<AppState>,
    auth: Auth,
    params: Result<Query<FindingParams>, QueryRejection>,
) -> Result<Json<FindingsResponse>, AppError> {
    let Query(params) = params.map_err(|e| AppError::InvalidRequest(e.body_text()))?;
    let filter = params.filter()?;
    let store = state.store.as_ref();
    let rows = store
        .record_fields(ENTITY_FINDING, &Scope::of(&auth.user), None, None)
        .await?;
    let places: HashMap<String, Place> = store
        .list_schools()
        .await?
        .into_iter()
        .map(|s| {
            (
                s.id,
                Place {
                    school_name: s.name,
                    district: s.district,
                    county: s.county,
                },
            )
        })
        .collect();
    let records = by_record(rows);
    let mut found = Vec::with_capacity(records.len());
    for (id, (school_id, fields)) in records {
        // Every field was validated when pushed; a record that still does not read is logged
        // and left out rather than failing the office's whole list.
        match FindingRecord::from_fields(&id, &fields) {
            Ok(record) => {
                let place = places.get(&school_id).cloned().unwrap_or_else(|| Place {
                    school_name: record.origin.school_name.clone(),
                    ..Place::default()
                });
                found.push((record, place));
            }
            Err(e) => tracing::warn!(finding = %id, error = %e, "finding record not readable"),
        }
    }
    let today = Date::of_ms(now_ms());
    Ok(Json(FindingsResponse {
        today,
        findings: finding_list::list(found, &filter, today),
    }))
}
