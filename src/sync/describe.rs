//! Sync fields and values in words a supervisor reads: `answers.WX-ZY-01.note` is
//! 「作业公示栏」的备注, `"rectifying"` on a finding's status is 整改中.

use crate::i18n::sync::SyncStrings;
use crate::i18n::Strings;
use dudao_domain::answer::AnswerValue;
use dudao_domain::finding::FindingStatus;
use dudao_domain::rectify::Entry;
use dudao_domain::sync::fields::{parse, FieldPath};
use dudao_domain::sync::wire::{ENTITY_FINDING, ENTITY_PHOTO, ENTITY_VISIT};
use dudao_domain::template::Severity;
use dudao_domain::visit::VisitState;
use dudao_domain::Template;
use serde_json::Value;

/// The prompt of item `code` in any of `templates`, shortened for a label.
pub fn prompt_of(templates: &[Template], code: &str, en: bool) -> Option<String> {
    templates
        .iter()
        .flat_map(|t| t.items())
        .find(|(_, item)| item.code == code)
        .map(|(_, item)| short(item.prompt.get(en), 24))
}

fn short(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_owned()
    } else {
        format!("{}…", s.chars().take(max).collect::<String>())
    }
}

/// A field of a record, named.
pub fn field_label(
    t: &SyncStrings,
    entity: &str,
    field: &str,
    templates: &[Template],
    en: bool,
) -> String {
    let Ok(path) = parse(entity, field) else {
        return field.to_owned();
    };
    match path {
        FieldPath::VisitHeader => t.f_header.into(),
        FieldPath::Visit(f) => match f {
            "state" => t.f_state,
            "finished_at" => t.f_finished_at,
            "location" => t.f_location,
            "signature" => t.f_signature,
            "opinion_no" => t.f_opinion_no,
            "amendments" => t.f_amendments,
            _ => t.f_dropped,
        }
        .into(),
        FieldPath::Answer { code, part } => {
            let p = prompt_of(templates, code, en).unwrap_or_else(|| code.to_owned());
            match part {
                "value" => (t.f_answer)(&p),
                "note" => (t.f_note)(&p),
                _ => (t.f_photos)(&p),
            }
        }
        FieldPath::FindingOrder => t.f_findings.into(),
        FieldPath::Finding { part, .. } | FieldPath::FindingRecord(part) => {
            (t.f_finding)(match part {
                "description" => t.f_description,
                "requirement" => t.f_requirement,
                "severity" => t.f_severity,
                "disposition" => t.f_disposition,
                "deadline" => t.f_deadline,
                "owner" => t.f_owner,
                "basis" => t.f_basis,
                "status" => t.f_status,
                "item_codes" => t.f_item_codes,
                _ => t.f_section,
            })
        }
        FieldPath::PhotoMeta => t.f_photo_meta.into(),
        FieldPath::PhotoDeleted => t.f_photo_deleted.into(),
        FieldPath::FindingOrigin => t.f_origin.into(),
        FieldPath::FindingHistory { .. } => t.f_history.into(),
    }
}

/// The fields of a change, named and joined: 「…」的答案、「…」的备注.
pub fn fields_label(
    t: &SyncStrings,
    entity: &str,
    fields: &[&str],
    templates: &[Template],
    en: bool,
) -> String {
    if fields.contains(&"header") || fields.contains(&"meta") {
        return t.whole_record.into();
    }
    let mut names: Vec<String> = Vec::new();
    for f in fields {
        let n = field_label(t, entity, f, templates, en);
        if !names.contains(&n) {
            names.push(n);
        }
    }
    let more = names.len().saturating_sub(3);
    names.truncate(3);
    let sep = if en { ", " } else { "、" };
    let mut s = names.join(sep);
    if more > 0 {
        s.push_str(&if en {
            format!(" and {more} more")
        } else {
            format!(" 等 {} 项", more + 3)
        });
    }
    s
}

/// A value as a person reads it.
pub fn value_text(all: &Strings, entity: &str, field: &str, value: &Value, en: bool) -> String {
    let t = all.sync;
    if value.is_null() {
        return t.empty_value.into();
    }
    let path = parse(entity, field).ok();
    let typed = match path {
        Some(FieldPath::Answer { part: "value", .. }) => {
            serde_json::from_value::<AnswerValue>(value.clone())
                .ok()
                .map(|a| a.display(en))
        }
        Some(FieldPath::Finding { part: "status", .. } | FieldPath::FindingRecord("status")) => {
            serde_json::from_value::<FindingStatus>(value.clone())
                .ok()
                .map(|s| if en { s.en() } else { s.zh() }.to_owned())
        }
        Some(
            FieldPath::Finding {
                part: "severity", ..
            }
            | FieldPath::FindingRecord("severity"),
        ) => serde_json::from_value::<Severity>(value.clone())
            .ok()
            .map(|s| if en { s.en() } else { s.zh() }.to_owned()),
        // A move: 复查通过（待复查 → 已销号）：已清理
        Some(FieldPath::FindingHistory { .. }) => serde_json::from_value::<Entry>(value.clone())
            .ok()
            .map(|e| {
                let (action, from, to) = if en {
                    (e.action.en(), e.from.en(), e.to.en())
                } else {
                    (e.action.zh(), e.from.zh(), e.to.zh())
                };
                let note = e.note.trim();
                match (en, note.is_empty()) {
                    (false, true) => format!("{action}（{from} → {to}）"),
                    (false, false) => format!("{action}（{from} → {to}）：{note}"),
                    (true, true) => format!("{action} ({from} → {to})"),
                    (true, false) => format!("{action} ({from} → {to}): {note}"),
                }
            })
            // What a lost move is kept against: the status the office gave the finding.
            .or_else(|| {
                serde_json::from_value::<FindingStatus>(value.clone())
                    .ok()
                    .map(|s| (t.finding_now)(if en { s.en() } else { s.zh() }))
            }),
        Some(FieldPath::Visit("state")) => serde_json::from_value::<VisitState>(value.clone())
            .ok()
            .map(|s| {
                match s {
                    VisitState::Draft => all.state_draft,
                    VisitState::Finished => all.state_finished,
                    VisitState::Signed => all.state_signed,
                    VisitState::Synced => all.state_synced,
                }
                .to_owned()
            }),
        _ => None,
    };
    if let Some(s) = typed {
        return s;
    }
    match value {
        Value::String(s) if s.is_empty() => t.empty_value.into(),
        Value::String(s) => short(s, 200),
        Value::Bool(b) => match (b, en) {
            (true, false) => "是".into(),
            (false, false) => "否".into(),
            (true, true) => "Yes".into(),
            (false, true) => "No".into(),
        },
        Value::Array(a) if a.is_empty() => t.empty_value.into(),
        Value::Array(a) if a.iter().all(Value::is_string) => a
            .iter()
            .filter_map(Value::as_str)
            .collect::<Vec<_>>()
            .join(if en { ", " } else { "、" }),
        other => short(&other.to_string(), 200),
    }
}

/// What kind of record a change is about.
pub fn record_kind(t: &SyncStrings, entity: &str) -> &'static str {
    match entity {
        ENTITY_PHOTO => t.record_photo,
        ENTITY_VISIT => t.record_visit,
        ENTITY_FINDING => t.record_finding,
        _ => t.record_visit,
    }
}

/// Why the server refused a mutation, in the user's words: the server's reason is English for
/// the log, so only its kind is told, and the text itself is under 详情.
pub fn reason_text(t: &SyncStrings, reason: &str) -> &'static str {
    let r = reason.to_lowercase();
    if r.contains("scope")
        || r.contains("forbidden")
        || r.contains("not assigned")
        || r.contains("may not")
    {
        t.reason_scope
    } else {
        t.reason_invalid
    }
}
