//! A finding as a record of its own (issue 17, item 1): made when its visit is signed, it
//! points to the visit and the items that raised it and moves on through 整改 while the visit
//! stays read-only.
//!
//! As fields (the unit that syncs, `crate::sync::fields`), a finding is:
//! - `origin`: the visit, school, items and signing that raised it (set once);
//! - `description`, `requirement`, `severity`, `disposition`, `owner`, `basis`: the
//!   supervisor's, as signed;
//! - `status`, `deadline`: the workflow's, where the office wins a conflict;
//! - `history.{entry id}`: one field per move, set once, so two devices' moves merge by id and
//!   the history only grows. The status is what the history replays to (`crate::rectify`).

use crate::basis::Basis;
use crate::datetime::Date;
use crate::finding::{Disposition, Finding, FindingStatus};
use crate::rectify::{CloseRule, Entry, Facts, Workflow};
use crate::sync::fields::{check, FieldError, Fields};
use crate::sync::wire::ENTITY_FINDING;
use crate::template::Severity;
use crate::text::Text;
use crate::visit::Visit;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Where a finding comes from. Set when its visit is signed; never changes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Origin {
    pub visit_id: String,
    pub school_id: String,
    /// The school's name when the visit was signed, for lists read without the roster.
    pub school_name: String,
    /// The items it came from: one, or several once merged.
    pub item_codes: Vec<String>,
    pub section: Text,
    /// The 督导意见书 that raised it (督意〔2026〕12号).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub opinion_no: Option<String>,
    /// The supervisor as the visit names them (韩立新): derived from the visit alone, so a
    /// record made on the phone and one the server makes from the same visit are the same.
    pub raised_by: String,
    /// When the school signed (Unix ms).
    pub raised_at: i64,
}

/// A finding followed through 整改.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FindingRecord {
    /// The finding's id in its visit (`<visit id>:<item code>`).
    pub id: String,
    pub origin: Origin,
    /// 问题描述.
    pub description: String,
    /// 整改要求.
    pub requirement: String,
    pub severity: Severity,
    pub disposition: Disposition,
    /// 责任部门/责任人 at the school.
    #[serde(default)]
    pub owner: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub basis: Vec<Basis>,
    /// Status, deadline (a failed 复查 sets a new one) and history, oldest move first.
    pub workflow: Workflow,
}

/// A history entry's id: what a device makes (a UUID) and nothing a field path could trip on.
pub fn valid_entry_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 64
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

fn json<T: Serialize>(v: &T) -> Value {
    serde_json::to_value(v).expect("finding fields serialize")
}

impl FindingRecord {
    /// The record a signed visit's finding becomes: its status and deadline as the visit holds
    /// them (待整改 when just signed; a status the office set in a visit signed before records
    /// existed is kept), no history yet.
    pub fn from_visit(visit: &Visit, f: &Finding) -> FindingRecord {
        FindingRecord {
            id: f.id.clone(),
            origin: Origin {
                visit_id: visit.id.clone(),
                school_id: visit.school_id.clone(),
                school_name: visit.school.name.clone(),
                item_codes: f.item_codes.clone(),
                section: f.section.clone(),
                opinion_no: visit.opinion_no.clone(),
                raised_by: visit.supervisor.clone(),
                raised_at: visit
                    .signature
                    .as_ref()
                    .map_or(visit.updated_at, |s| s.signed_at),
            },
            description: f.description.clone(),
            requirement: f.requirement.clone(),
            severity: f.severity,
            disposition: f.disposition,
            owner: f.owner.clone(),
            basis: f.basis.clone(),
            workflow: Workflow {
                status: f.status,
                ..Workflow::new(f.deadline)
            },
        }
    }

    /// What a move on this finding is judged by, on `today` under the county's `rule`.
    pub fn facts(&self, rule: CloseRule, today: Date) -> Facts {
        Facts {
            severity: self.severity,
            disposition: self.disposition,
            rule,
            today,
        }
    }

    /// The finding as a visit holds it, standing where this record does (for lists and
    /// documents that show both kinds).
    pub fn finding(&self) -> Finding {
        Finding {
            id: self.id.clone(),
            item_codes: self.origin.item_codes.clone(),
            section: self.origin.section.clone(),
            description: self.description.clone(),
            requirement: self.requirement.clone(),
            severity: self.severity,
            disposition: self.disposition,
            deadline: self.workflow.deadline,
            owner: self.owner.clone(),
            basis: self.basis.clone(),
            status: self.workflow.status,
        }
    }

    pub fn status(&self) -> FindingStatus {
        self.workflow.status
    }

    pub fn deadline(&self) -> Option<Date> {
        self.workflow.deadline
    }

    /// Every field, as a new record is pushed.
    pub fn fields(&self) -> Fields {
        let mut m = Fields::new();
        m.insert("origin".into(), json(&self.origin));
        m.insert("description".into(), json(&self.description));
        m.insert("requirement".into(), json(&self.requirement));
        m.insert("severity".into(), json(&self.severity));
        m.insert("disposition".into(), json(&self.disposition));
        m.insert("owner".into(), json(&self.owner));
        m.insert("basis".into(), json(&self.basis));
        m.insert("status".into(), json(&self.workflow.status));
        m.insert("deadline".into(), json(&self.workflow.deadline));
        for e in &self.workflow.history {
            m.insert(format!("history.{}", e.id), json(e));
        }
        m
    }

    /// Builds the record from its fields. The history is ordered by time, then id; the status
    /// and deadline are the stored fields (the server checked them against the history).
    pub fn from_fields(id: &str, m: &Fields) -> Result<FindingRecord, FieldError> {
        fn get<T: serde::de::DeserializeOwned + Default>(
            m: &Fields,
            field: &str,
        ) -> Result<T, FieldError> {
            m.get(field)
                .map_or_else(|| Ok(T::default()), |v| check(field, v))
        }
        let origin: Origin = match m.get("origin") {
            Some(o) => check("origin", o)?,
            None => {
                return Err(FieldError::Missing {
                    entity: ENTITY_FINDING.into(),
                    field: "origin".into(),
                })
            }
        };
        let mut history: Vec<Entry> = Vec::new();
        for (field, value) in m.range("history.".to_owned()..) {
            let Some(entry_id) = field.strip_prefix("history.") else {
                break;
            };
            // A move the server did not take (made on a finding that had moved meanwhile) is
            // null here: it is kept in the conflicts table, not in the history.
            if value.is_null() {
                continue;
            }
            let mut e: Entry = check(field, value)?;
            e.id = entry_id.to_owned();
            history.push(e);
        }
        history.sort_by(|a, b| (a.at, &a.id).cmp(&(b.at, &b.id)));
        Ok(FindingRecord {
            id: id.to_owned(),
            origin,
            description: get(m, "description")?,
            requirement: get(m, "requirement")?,
            severity: get(m, "severity")?,
            disposition: get(m, "disposition")?,
            owner: get(m, "owner")?,
            basis: get(m, "basis")?,
            workflow: Workflow {
                status: get(m, "status")?,
                deadline: get(m, "deadline")?,
                history,
            },
        })
    }
}

/// The findings a signed visit hands on to 整改: every finding it lists, as records.
pub fn records_of(visit: &Visit) -> Vec<FindingRecord> {
    visit
        .findings
        .iter()
        .map(|f| FindingRecord::from_visit(visit, f))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rectify::{Action, Actor, CloseRule, Facts, Move};
    use crate::sync::fields::validate;

    fn record() -> FindingRecord {
        FindingRecord {
            id: "0190a6e2-5b7c-7d1e-9f00-1a2b3c4d5e6f:AQ-03".into(),
            origin: Origin {
                visit_id: "0190a6e2-5b7c-7d1e-9f00-1a2b3c4d5e6f".into(),
                school_id: "s1".into(),
                school_name: "城关镇第一小学".into(),
                item_codes: vec!["AQ-03".into()],
                section: Text::new("消防安全", "Fire safety"),
                opinion_no: Some("督意〔2026〕12号".into()),
                raised_by: "韩立新".into(),
                raised_at: 1_796_000_000_000,
            },
            description: "教学楼二楼消防通道堆放课桌椅，影响疏散。".into(),
            requirement: "立即清理，确保通道畅通。".into(),
            severity: Severity::Major,
            disposition: Disposition::ByDeadline,
            owner: "总务处 李明".into(),
            basis: Vec::new(),
            workflow: Workflow::new(Date::new(2026, 12, 20)),
        }
    }

    #[test]
    fn a_record_goes_to_fields_and_back_with_its_history_in_order() {
        let mut r = record();
        let f = Facts {
            severity: r.severity,
            disposition: r.disposition,
            rule: CloseRule::OnRecheck,
            today: Date::new(2026, 12, 10).unwrap(),
        };
        r.workflow
            .apply(
                Move {
                    id: "z-1".into(),
                    at: 10,
                    by: "zhouli".into(),
                    by_name: String::new(),
                    role: Actor::Office,
                    action: Action::StartRectifying,
                    note: String::new(),
                    photos: vec![],
                },
                &f,
            )
            .unwrap();
        r.workflow
            .apply(
                Move {
                    id: "a-2".into(),
                    at: 20,
                    by: "zhouli".into(),
                    by_name: String::new(),
                    role: Actor::Office,
                    action: Action::ReportDone,
                    note: "学校报送整改报告".into(),
                    photos: vec!["p1".into()],
                },
                &f,
            )
            .unwrap();
        let fields = r.fields();
        for (field, value) in &fields {
            validate(ENTITY_FINDING, field, value).unwrap_or_else(|e| panic!("{field}: {e}"));
        }
        assert!(fields.contains_key("history.z-1") && fields.contains_key("history.a-2"));
        let back = FindingRecord::from_fields(&r.id, &fields).unwrap();
        assert_eq!(back, r, "by time, though a-2 sorts before z-1 by id");
        assert_eq!(back.status(), FindingStatus::AwaitingRecheck);
        // A move the server answered with null (it lost to the office) is not in the history.
        let mut lost = fields.clone();
        lost.insert("history.q-9".into(), Value::Null);
        assert_eq!(FindingRecord::from_fields(&r.id, &lost).unwrap(), r);
    }

    #[test]
    fn a_record_read_as_a_finding_stands_where_its_workflow_does() {
        let mut r = record();
        r.workflow.status = FindingStatus::Rectifying;
        r.workflow.deadline = Date::new(2026, 12, 31);
        let f = r.finding();
        assert_eq!(f.id, r.id);
        assert_eq!(f.item_codes, ["AQ-03"]);
        assert_eq!(f.status, FindingStatus::Rectifying);
        assert_eq!(f.term(false), "2026年12月31日前");
        assert_eq!(f.description, r.description);
    }

    #[test]
    fn a_finding_without_its_origin_is_not_a_record() {
        let mut fields = record().fields();
        fields.remove("origin");
        assert!(matches!(
            FindingRecord::from_fields("x", &fields),
            Err(FieldError::Missing { .. })
        ));
    }

    #[test]
    fn entry_ids_are_plain_tokens() {
        assert!(valid_entry_id("01a251e7-5d8c-742a-9dbf-7469ace8fa5e"));
        for bad in ["", "a.b", "a b", "x/y", &"a".repeat(65)] {
            assert!(!valid_entry_id(bad), "{bad}");
        }
    }
}
