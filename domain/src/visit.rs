//! A visit (督导记录): one supervisor at one school, answering pinned template versions.

use crate::answer::AnswerValue;
use crate::checklist::{Checklist, Missing};
use crate::datetime::Date;
use crate::finding::Finding;
use crate::location::Location;
pub use crate::review::{Amendment, Signature};
use crate::school::School;
use crate::template::Template;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A template pinned by id and version: a visit never changes meaning when a template is revised.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct TemplateRef {
    pub id: String,
    pub version: u32,
    /// The local edition's tag (`清河县.2`) when the district adjusted thresholds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub local: Option<String>,
}

impl TemplateRef {
    pub fn of(t: &Template) -> Self {
        TemplateRef {
            id: t.id.clone(),
            version: t.version,
            local: t.local.as_ref().map(|l| l.tag()),
        }
    }

    /// `wuxiang@1`, or `wuxiang@1+清河县.2` for a local edition.
    pub fn key(&self) -> String {
        match &self.local {
            Some(tag) => format!("{}@{}+{}", self.id, self.version, tag),
            None => format!("{}@{}", self.id, self.version),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VisitState {
    Draft,
    Finished,
    Signed,
    Synced,
}

/// One item's answer. Kept even when the value is cleared, so a note is never lost.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Answer {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<AnswerValue>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
    /// Ids of photos attached as evidence.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub photos: Vec<String>,
    /// Unix milliseconds of the last change.
    pub updated_at: i64,
}

impl Answer {
    pub fn has_value(&self) -> bool {
        self.value.as_ref().is_some_and(AnswerValue::is_given)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Visit {
    /// Client-generated UUIDv7.
    pub id: String,
    pub school_id: String,
    /// The school as it was when the visit started: its stage, grades and boarding decide which
    /// items apply, so, like the templates, it is pinned.
    pub school: School,
    pub supervisor: String,
    pub templates: Vec<TemplateRef>,
    pub state: VisitState,
    pub started_at: i64,
    pub updated_at: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub finished_at: Option<i64>,
    #[serde(default)]
    pub answers: BTreeMap<String, Answer>,
    /// The item the supervisor was last on, to resume there.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub position: Option<String>,
    /// Where the visit took place, or why that is not known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
    /// The findings as the supervisor settled them, drafted from the 不符合 answers on finishing.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub findings: Vec<Finding>,
    /// Items whose proposed finding the supervisor dropped: not proposed again.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dropped: Vec<String>,
    /// The school representative's signature; once given, the visit is read-only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature: Option<Signature>,
    /// 督导意见书 number (文号), given at signing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub opinion_no: Option<String>,
    /// Changes made after signing, each with its reason: a signed record is never edited
    /// silently.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub amendments: Vec<Amendment>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VisitError {
    #[error("the visit is {0:?} and can no longer be edited")]
    ReadOnly(VisitState),
    #[error("item {0} is not part of this visit's templates")]
    UnknownItem(String),
    #[error("the value does not fit item {0}: {1}")]
    WrongValue(String, crate::ValueError),
}

impl Visit {
    pub fn new(
        id: String,
        school: &School,
        supervisor: String,
        templates: &[&Template],
        now: i64,
    ) -> Visit {
        Visit {
            id,
            school_id: school.id.clone(),
            school: school.clone(),
            supervisor,
            templates: templates.iter().map(|t| TemplateRef::of(t)).collect(),
            state: VisitState::Draft,
            started_at: now,
            updated_at: now,
            finished_at: None,
            answers: BTreeMap::new(),
            position: None,
            location: None,
            findings: Vec::new(),
            dropped: Vec::new(),
            signature: None,
            opinion_no: None,
            amendments: Vec::new(),
        }
    }

    fn editable(&self) -> Result<(), VisitError> {
        match self.state {
            VisitState::Draft => Ok(()),
            s => Err(VisitError::ReadOnly(s)),
        }
    }

    /// Sets or clears an item's value, checking the value fits the item's answer kind.
    pub fn set_value(
        &mut self,
        checklist: &Checklist,
        code: &str,
        value: Option<AnswerValue>,
        now: i64,
    ) -> Result<(), VisitError> {
        self.editable()?;
        let item = checklist
            .item(code)
            .ok_or_else(|| VisitError::UnknownItem(code.into()))?;
        if let Some(v) = &value {
            item.answer
                .check(v)
                .map_err(|e| VisitError::WrongValue(code.into(), e))?;
        }
        let a = self.answers.entry(code.to_owned()).or_default();
        a.value = value;
        a.updated_at = now;
        self.position = Some(code.to_owned());
        self.updated_at = now;
        Ok(())
    }

    pub fn set_note(
        &mut self,
        checklist: &Checklist,
        code: &str,
        note: String,
        now: i64,
    ) -> Result<(), VisitError> {
        self.editable()?;
        checklist
            .item(code)
            .ok_or_else(|| VisitError::UnknownItem(code.into()))?;
        let a = self.answers.entry(code.to_owned()).or_default();
        a.note = note;
        a.updated_at = now;
        self.position = Some(code.to_owned());
        self.updated_at = now;
        Ok(())
    }

    /// Attaches a stored photo to an item as evidence.
    pub fn attach_photo(
        &mut self,
        checklist: &Checklist,
        code: &str,
        photo_id: String,
        now: i64,
    ) -> Result<(), VisitError> {
        self.editable()?;
        checklist
            .item(code)
            .ok_or_else(|| VisitError::UnknownItem(code.into()))?;
        let a = self.answers.entry(code.to_owned()).or_default();
        if !a.photos.contains(&photo_id) {
            a.photos.push(photo_id);
        }
        a.updated_at = now;
        self.position = Some(code.to_owned());
        self.updated_at = now;
        Ok(())
    }

    /// Takes a photo off an item; `false` when it was not there.
    pub fn detach_photo(
        &mut self,
        code: &str,
        photo_id: &str,
        now: i64,
    ) -> Result<bool, VisitError> {
        self.editable()?;
        let Some(a) = self.answers.get_mut(code) else {
            return Ok(false);
        };
        let before = a.photos.len();
        a.photos.retain(|p| p != photo_id);
        if a.photos.len() == before {
            return Ok(false);
        }
        a.updated_at = now;
        self.updated_at = now;
        Ok(true)
    }

    /// Records where the visit is (or why that is unknown). Allowed until signing: the fix
    /// often arrives after the first answers, sometimes after 完成督导; it is not part of what
    /// the school signs ([`Visit::holds_what_was_reviewed`]).
    pub fn set_location(&mut self, location: Location, now: i64) -> Result<(), VisitError> {
        if matches!(self.state, VisitState::Signed | VisitState::Synced) {
            return Err(VisitError::ReadOnly(self.state));
        }
        self.location = Some(location);
        self.updated_at = now;
        Ok(())
    }

    /// The day of the visit in China.
    pub fn day(&self) -> Date {
        Date::of_ms(self.started_at)
    }

    /// Findings still to be put right. Until the office's workflow (整改 → 销号) arrives with
    /// sync, every finding of a finished or signed visit is open.
    pub fn open_findings(&self) -> usize {
        match self.state {
            VisitState::Draft => 0,
            _ => self.findings.len(),
        }
    }

    /// Of `codes` (the items on screen), the 符合/不符合 items that are visible and have no
    /// answer yet: what "本节全部符合" would set. Other kinds of item, and answered ones, are
    /// left to the supervisor.
    pub fn unanswered_compliance(&self, checklist: &Checklist, codes: &[String]) -> Vec<String> {
        codes
            .iter()
            .filter(|code| {
                checklist.item(code).is_some_and(|item| {
                    matches!(item.answer, crate::template::AnswerKind::Compliance)
                        && checklist.is_visible(item, &self.answers)
                })
            })
            .filter(|code| !self.answers.get(*code).is_some_and(Answer::has_value))
            .cloned()
            .collect()
    }

    /// Sets 符合 on every item [`Visit::unanswered_compliance`] names, all at `now`, and
    /// returns their codes. Which items is decided before any is set, so an item that only
    /// appears because of these answers is not answered blindly.
    pub fn mark_compliant(
        &mut self,
        checklist: &Checklist,
        codes: &[String],
        now: i64,
    ) -> Result<Vec<String>, VisitError> {
        self.editable()?;
        let set = self.unanswered_compliance(checklist, codes);
        for code in &set {
            let value = Some(AnswerValue::Compliance(
                crate::answer::Compliance::Compliant,
            ));
            self.set_value(checklist, code, value, now)?;
        }
        Ok(set)
    }

    /// Finishes the visit if nothing required is missing; otherwise says what is.
    pub fn finish(&mut self, checklist: &Checklist, now: i64) -> Result<(), FinishError> {
        self.editable().map_err(FinishError::Visit)?;
        let missing = checklist.missing(&self.answers);
        if !missing.is_empty() {
            return Err(FinishError::Missing(missing));
        }
        self.state = VisitState::Finished;
        self.finished_at = Some(now);
        self.updated_at = now;
        self.draft_findings(checklist);
        Ok(())
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum FinishError {
    Visit(VisitError),
    Missing(Vec<Missing>),
}
