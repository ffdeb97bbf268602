//! A record as a flat map of fields, the unit that syncs and conflicts.
//!
//! A visit becomes:
//! - `header`: who, where and with which template versions it started (set once);
//! - `state`, `finished_at`, `location`, `signature`, `opinion_no`, `amendments`, `dropped`;
//! - `answers.{code}.value` / `.note` / `.photos`, one field each, so a note typed on one phone
//!   and a value set on another both survive;
//! - `findings`: the order of the findings shown (merge and drop change it), and
//!   `findings.{id}.{description|requirement|severity|…|status}` for each finding. A finding's
//!   fields stay on the server when it leaves the list, so a dropped finding can come back.
//!
//! A photo's metadata is `meta` and `deleted`; its bytes travel separately.
//!
//! A finding record (`crate::finding_record`) is `origin`, the supervisor's `description`,
//! `requirement`, `severity`, `disposition`, `owner`, `basis`, the workflow's `status` and
//! `deadline`, and `history.{entry id}`, one field per move.
//!
//! Item codes and finding ids may contain dots, so a path is read as a known prefix, the middle,
//! and the known last segment.

use crate::answer::AnswerValue;
use crate::finding::{Disposition, Finding, FindingStatus};
use crate::finding_record::{valid_entry_id, Origin};
use crate::location::Location;
use crate::photo::PhotoMeta;
use crate::rectify::Entry;
use crate::review::{Amendment, Signature};
use crate::school::School;
use crate::sync::wire::{ENTITY_FINDING, ENTITY_PHOTO, ENTITY_VISIT};
use crate::template::Severity;
use crate::text::Text;
use crate::visit::{Answer, TemplateRef, Visit, VisitState};
use crate::{basis::Basis, datetime::Date};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;

pub type Fields = BTreeMap<String, Value>;

/// The last segment of a finding field that belongs to the office's rectification workflow.
pub const WORKFLOW_FINDING_FIELDS: &[&str] = &["status"];

const ANSWER_FIELDS: &[&str] = &["value", "note", "photos"];
const FINDING_FIELDS: &[&str] = &[
    "item_codes",
    "section",
    "description",
    "requirement",
    "severity",
    "disposition",
    "deadline",
    "owner",
    "basis",
    "status",
];

/// Longest field path accepted.
pub const MAX_FIELD_LEN: usize = 200;

/// What a visit is created with and never changes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VisitHeader {
    pub school_id: String,
    pub school: School,
    pub supervisor: String,
    pub templates: Vec<TemplateRef>,
    pub started_at: i64,
}

/// A field path, understood.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldPath<'a> {
    VisitHeader,
    /// `state`, `finished_at`, …
    Visit(&'static str),
    Answer {
        code: &'a str,
        part: &'static str,
    },
    FindingOrder,
    Finding {
        id: &'a str,
        part: &'static str,
    },
    PhotoMeta,
    PhotoDeleted,
    /// A finding record's `origin` (set once).
    FindingOrigin,
    /// A finding record's `description`, `status`, …
    FindingRecord(&'static str),
    /// A move in a finding record's history.
    FindingHistory {
        entry_id: &'a str,
    },
}

const FINDING_RECORD_FIELDS: &[&str] = &[
    "description",
    "requirement",
    "severity",
    "disposition",
    "owner",
    "basis",
    "status",
    "deadline",
];

/// A finding record's fields that belong to the office's rectification workflow.
pub const WORKFLOW_RECORD_FIELDS: &[&str] = &["status", "deadline"];

const VISIT_FIELDS: &[&str] = &[
    "state",
    "finished_at",
    "location",
    "signature",
    "opinion_no",
    "amendments",
    "dropped",
];

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FieldError {
    #[error("unknown record kind {0:?}: expected \"visit\", \"photo\" or \"finding\"")]
    UnknownEntity(String),
    #[error("unknown field {field:?} for a {entity}")]
    UnknownField { entity: String, field: String },
    #[error("bad value for {field}: {message}")]
    BadValue { field: String, message: String },
    #[error("a {entity} record needs its {field} field before anything else")]
    Missing { entity: String, field: String },
}

fn split_known<'a>(rest: &'a str, parts: &[&'static str]) -> Option<(&'a str, &'static str)> {
    let (mid, last) = rest.rsplit_once('.')?;
    let part = parts.iter().find(|p| **p == last)?;
    (!mid.is_empty()).then_some((mid, *part))
}

/// Reads a field path of a record kind.
pub fn parse<'a>(entity: &str, field: &'a str) -> Result<FieldPath<'a>, FieldError> {
    let unknown = || FieldError::UnknownField {
        entity: entity.to_owned(),
        field: field.chars().take(MAX_FIELD_LEN).collect(),
    };
    if field.len() > MAX_FIELD_LEN || field.chars().any(char::is_control) {
        return Err(unknown());
    }
    match entity {
        ENTITY_VISIT => {
            if field == "header" {
                return Ok(FieldPath::VisitHeader);
            }
            if field == "findings" {
                return Ok(FieldPath::FindingOrder);
            }
            if let Some(f) = VISIT_FIELDS.iter().find(|f| **f == field) {
                return Ok(FieldPath::Visit(f));
            }
            if let Some(rest) = field.strip_prefix("answers.") {
                let (code, part) = split_known(rest, ANSWER_FIELDS).ok_or_else(unknown)?;
                return Ok(FieldPath::Answer { code, part });
            }
            if let Some(rest) = field.strip_prefix("findings.") {
                let (id, part) = split_known(rest, FINDING_FIELDS).ok_or_else(unknown)?;
                return Ok(FieldPath::Finding { id, part });
            }
            Err(unknown())
        }
        ENTITY_PHOTO => match field {
            "meta" => Ok(FieldPath::PhotoMeta),
            "deleted" => Ok(FieldPath::PhotoDeleted),
            _ => Err(unknown()),
        },
        ENTITY_FINDING => {
            if field == "origin" {
                return Ok(FieldPath::FindingOrigin);
            }
            if let Some(f) = FINDING_RECORD_FIELDS.iter().find(|f| **f == field) {
                return Ok(FieldPath::FindingRecord(f));
            }
            match field.strip_prefix("history.") {
                Some(entry_id) if valid_entry_id(entry_id) => {
                    Ok(FieldPath::FindingHistory { entry_id })
                }
                _ => Err(unknown()),
            }
        }
        other => Err(FieldError::UnknownEntity(other.chars().take(40).collect())),
    }
}

/// Whether the field belongs to the office's rectification workflow: the office may write it,
/// and its value wins a conflict.
pub fn is_workflow(entity: &str, field: &str) -> bool {
    match parse(entity, field) {
        Ok(FieldPath::Finding { part, .. }) => WORKFLOW_FINDING_FIELDS.contains(&part),
        Ok(FieldPath::FindingRecord(f)) => WORKFLOW_RECORD_FIELDS.contains(&f),
        Ok(FieldPath::FindingHistory { .. }) => true,
        _ => false,
    }
}

/// Longest description of a refused value. serde quotes an unknown word whole, and a refusal
/// goes back in the push answer and into the server's log: a megabyte sent as a visit's `state`
/// must not come back as a megabyte (found by `fuzz_decoders.rs`).
const MAX_MESSAGE_CHARS: usize = 300;

pub(crate) fn check<T: DeserializeOwned>(field: &str, value: &Value) -> Result<T, FieldError> {
    T::deserialize(value).map_err(|e| {
        let message = e.to_string();
        let message = if message.chars().count() > MAX_MESSAGE_CHARS {
            let cut: String = message.chars().take(MAX_MESSAGE_CHARS).collect();
            format!("{cut}…")
        } else {
            message
        };
        FieldError::BadValue {
            field: field.chars().take(MAX_FIELD_LEN).collect(),
            message,
        }
    })
}

/// Checks that `value` has the type the field holds: the server refuses anything else.
pub fn validate(entity: &str, field: &str, value: &Value) -> Result<(), FieldError> {
    match parse(entity, field)? {
        FieldPath::VisitHeader => check::<VisitHeader>(field, value).map(drop),
        FieldPath::Visit(f) => match f {
            "state" => check::<VisitState>(field, value).map(drop),
            "finished_at" => check::<Option<i64>>(field, value).map(drop),
            "location" => check::<Option<Location>>(field, value).map(drop),
            "signature" => check::<Option<Signature>>(field, value).map(drop),
            "opinion_no" => check::<Option<String>>(field, value).map(drop),
            "amendments" => check::<Vec<Amendment>>(field, value).map(drop),
            _ => check::<Vec<String>>(field, value).map(drop),
        },
        FieldPath::Answer { part, .. } => match part {
            "value" => check::<Option<AnswerValue>>(field, value).map(drop),
            "note" => check::<String>(field, value).map(drop),
            _ => check::<Vec<String>>(field, value).map(drop),
        },
        FieldPath::FindingOrder => check::<Vec<String>>(field, value).map(drop),
        FieldPath::Finding { part, .. } => match part {
            "item_codes" => check::<Vec<String>>(field, value).map(drop),
            "section" => check::<Text>(field, value).map(drop),
            "severity" => check::<Severity>(field, value).map(drop),
            "disposition" => check::<Disposition>(field, value).map(drop),
            "deadline" => check::<Option<Date>>(field, value).map(drop),
            "basis" => check::<Vec<Basis>>(field, value).map(drop),
            "status" => check::<FindingStatus>(field, value).map(drop),
            _ => check::<String>(field, value).map(drop),
        },
        FieldPath::PhotoMeta => check::<PhotoMeta>(field, value).map(drop),
        FieldPath::PhotoDeleted => check::<bool>(field, value).map(drop),
        FieldPath::FindingOrigin => check::<Origin>(field, value).map(drop),
        FieldPath::FindingRecord(f) => match f {
            "severity" => check::<Severity>(field, value).map(drop),
            "disposition" => check::<Disposition>(field, value).map(drop),
            "deadline" => check::<Option<Date>>(field, value).map(drop),
            "basis" => check::<Vec<Basis>>(field, value).map(drop),
            "status" => check::<FindingStatus>(field, value).map(drop),
            _ => check::<String>(field, value).map(drop),
        },
        FieldPath::FindingHistory { entry_id } => {
            let e: Entry = check(field, value)?;
            if e.id != entry_id {
                return Err(FieldError::BadValue {
                    field: field.to_owned(),
                    message: format!("the entry's id {:?} is not {entry_id:?}", e.id),
                });
            }
            Ok(())
        }
    }
}

fn json<T: Serialize>(v: &T) -> Value {
    serde_json::to_value(v).expect("domain types serialize")
}

/// A visit as fields. Local-only state (`position`, `updated_at`, answer timestamps) is left out.
pub fn visit_fields(v: &Visit) -> Fields {
    let mut m = Fields::new();
    m.insert(
        "header".into(),
        json(&VisitHeader {
            school_id: v.school_id.clone(),
            school: v.school.clone(),
            supervisor: v.supervisor.clone(),
            templates: v.templates.clone(),
            started_at: v.started_at,
        }),
    );
    m.insert("state".into(), json(&v.state));
    m.insert("finished_at".into(), json(&v.finished_at));
    m.insert("location".into(), json(&v.location));
    m.insert("signature".into(), json(&v.signature));
    m.insert("opinion_no".into(), json(&v.opinion_no));
    m.insert("amendments".into(), json(&v.amendments));
    m.insert("dropped".into(), json(&v.dropped));
    for (code, a) in &v.answers {
        m.insert(format!("answers.{code}.value"), json(&a.value));
        m.insert(format!("answers.{code}.note"), json(&a.note));
        m.insert(format!("answers.{code}.photos"), json(&a.photos));
    }
    let order: Vec<&str> = v.findings.iter().map(|f| f.id.as_str()).collect();
    m.insert("findings".into(), json(&order));
    for f in &v.findings {
        let p = |part: &str| format!("findings.{}.{part}", f.id);
        m.insert(p("item_codes"), json(&f.item_codes));
        m.insert(p("section"), json(&f.section));
        m.insert(p("description"), json(&f.description));
        m.insert(p("requirement"), json(&f.requirement));
        m.insert(p("severity"), json(&f.severity));
        m.insert(p("disposition"), json(&f.disposition));
        m.insert(p("deadline"), json(&f.deadline));
        m.insert(p("owner"), json(&f.owner));
        m.insert(p("basis"), json(&f.basis));
        m.insert(p("status"), json(&f.status));
    }
    m
}

fn get<T: DeserializeOwned + Default>(m: &Fields, field: &str) -> Result<T, FieldError> {
    match m.get(field) {
        None => Ok(T::default()),
        Some(v) => check(field, v),
    }
}

/// Builds a visit from its fields. `local` supplies what does not sync (the position the
/// supervisor was on, answer timestamps); `updated_at` is the caller's. Fields of findings not in
/// the `findings` order are kept in the map but not shown.
pub fn visit_from_fields(
    id: &str,
    m: &Fields,
    local: Option<&Visit>,
    updated_at: i64,
) -> Result<Visit, FieldError> {
    let header: VisitHeader = match m.get("header") {
        Some(h) => check("header", h)?,
        None => {
            return Err(FieldError::Missing {
                entity: ENTITY_VISIT.into(),
                field: "header".into(),
            })
        }
    };
    let mut answers: BTreeMap<String, Answer> = BTreeMap::new();
    for (field, value) in m.range("answers.".to_owned()..) {
        if !field.starts_with("answers.") {
            break;
        }
        let Ok(FieldPath::Answer { code, part }) = parse(ENTITY_VISIT, field) else {
            continue;
        };
        let a = answers.entry(code.to_owned()).or_insert_with(|| Answer {
            updated_at: local
                .and_then(|l| l.answers.get(code))
                .map_or(updated_at, |a| a.updated_at),
            ..Answer::default()
        });
        match part {
            "value" => a.value = check(field, value)?,
            "note" => a.note = check(field, value)?,
            _ => a.photos = check(field, value)?,
        }
    }
    let order: Vec<String> = get(m, "findings")?;
    let mut findings = Vec::with_capacity(order.len());
    for fid in &order {
        let p = |part: &str| format!("findings.{fid}.{part}");
        let Some(description) = m.get(&p("description")) else {
            // Its fields have not arrived yet (they come in the same mutation normally).
            continue;
        };
        findings.push(Finding {
            id: fid.clone(),
            item_codes: get(m, &p("item_codes"))?,
            section: match m.get(&p("section")) {
                Some(s) => check(&p("section"), s)?,
                None => Text::default(),
            },
            description: check(&p("description"), description)?,
            requirement: get(m, &p("requirement"))?,
            severity: get(m, &p("severity"))?,
            disposition: get(m, &p("disposition"))?,
            deadline: get(m, &p("deadline"))?,
            owner: get(m, &p("owner"))?,
            basis: get(m, &p("basis"))?,
            status: get(m, &p("status"))?,
        });
    }
    Ok(Visit {
        id: id.to_owned(),
        school_id: header.school_id,
        school: header.school,
        supervisor: header.supervisor,
        templates: header.templates,
        state: match m.get("state") {
            Some(s) => check("state", s)?,
            None => VisitState::Draft,
        },
        started_at: header.started_at,
        updated_at,
        finished_at: get(m, "finished_at")?,
        answers,
        position: local.and_then(|l| l.position.clone()),
        location: get(m, "location")?,
        findings,
        dropped: get(m, "dropped")?,
        signature: get(m, "signature")?,
        opinion_no: get(m, "opinion_no")?,
        amendments: get(m, "amendments")?,
    })
}

/// A photo's metadata as fields.
pub fn photo_fields(meta: &PhotoMeta, deleted: bool) -> Fields {
    let mut m = Fields::new();
    m.insert("meta".into(), json(meta));
    m.insert("deleted".into(), Value::Bool(deleted));
    m
}
