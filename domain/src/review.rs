//! Between finishing and signing: the supervisor settles the findings (edit, merge, drop), the
//! school representative signs, and the visit becomes read-only. Anything changed after that is
//! an [`Amendment`] with its reason, never a silent edit.

use crate::checklist::Checklist;
use crate::datetime::Date;
use crate::finding::{Disposition, Finding, FindingGap};
use crate::template::Severity;
use crate::visit::{Visit, VisitError, VisitState};
use serde::{Deserialize, Serialize};

/// The school representative's signature on the visit record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Signature {
    /// 姓名.
    pub name: String,
    /// 职务: 校长, 副校长, 办公室主任 …
    pub role: String,
    /// The handwriting as a PNG data URL (`data:image/png;base64,…`).
    pub image: String,
    /// Unix milliseconds.
    pub signed_at: i64,
}

/// One change to a finding of a signed visit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Amendment {
    pub finding_id: String,
    /// What changed, in Chinese: 整改期限, 问题描述 …
    pub field: String,
    pub before: String,
    pub after: String,
    /// 更正原因.
    pub reason: String,
    pub by: String,
    pub at: i64,
}

/// A change to one field of a finding.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "field", content = "value", rename_all = "snake_case")]
pub enum FindingEdit {
    Description(String),
    Requirement(String),
    Severity(Severity),
    Disposition(Disposition),
    Deadline(Option<Date>),
    Owner(String),
}

impl FindingEdit {
    /// The field's name as the 督导意见书 calls it.
    pub fn field_zh(&self) -> &'static str {
        match self {
            FindingEdit::Description(_) => "问题描述",
            FindingEdit::Requirement(_) => "整改要求",
            FindingEdit::Severity(_) => "严重程度",
            FindingEdit::Disposition(_) => "整改方式",
            FindingEdit::Deadline(_) => "整改期限",
            FindingEdit::Owner(_) => "责任部门/责任人",
        }
    }

    /// Applies the edit; returns the field's value before and after, as text.
    fn apply(self, f: &mut Finding, visit_day: Date) -> (String, String) {
        let deadline = |d: Option<Date>| d.map(|d| d.zh()).unwrap_or_default();
        match self {
            FindingEdit::Description(s) => (
                std::mem::replace(&mut f.description, s),
                f.description.clone(),
            ),
            FindingEdit::Requirement(s) => (
                std::mem::replace(&mut f.requirement, s),
                f.requirement.clone(),
            ),
            FindingEdit::Severity(s) => {
                let before = f.severity.zh().to_owned();
                f.severity = s;
                (before, s.zh().to_owned())
            }
            FindingEdit::Disposition(d) => {
                let before = f.term(false);
                f.disposition = d;
                if d == Disposition::ByDeadline && f.deadline.is_none() {
                    f.deadline =
                        Some(visit_day.add_days(crate::finding::default_deadline_days(f.severity)));
                }
                (before, f.term(false))
            }
            FindingEdit::Deadline(d) => {
                let before = deadline(f.deadline);
                f.deadline = d;
                (before, deadline(d))
            }
            FindingEdit::Owner(s) => (std::mem::replace(&mut f.owner, s), f.owner.clone()),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReviewError {
    #[error(transparent)]
    Visit(#[from] VisitError),
    #[error("findings are settled after the visit is finished")]
    NotFinished,
    #[error("no finding {0}")]
    UnknownFinding(String),
    #[error("merging needs at least two findings")]
    MergeNeedsTwo,
    #[error("the representative's name is missing")]
    NoName,
    #[error("the signature is missing")]
    NoSignature,
    #[error("finding {id}: {}", gap.en())]
    Incomplete { id: String, gap: FindingGap },
    #[error("an amendment needs a reason")]
    NoReason,
    #[error("only a signed visit is amended; edit it directly instead")]
    NotSigned,
    #[error("the amendment changes nothing")]
    Unchanged,
}

impl Visit {
    /// Whether this visit, as stored now, still holds what the review screen showed in `shown`:
    /// everything the school's representative signs (answers, findings, state …) is unchanged.
    /// Where the visit took place is not among it: a position fix that arrives after 完成督导
    /// is recorded ([`Visit::set_location`]) without sending the supervisor back to the review,
    /// and signing the stored visit keeps it.
    pub fn holds_what_was_reviewed(&self, shown: &Visit) -> bool {
        let signed = |v: &Visit| {
            let mut fields = crate::sync::fields::visit_fields(v);
            fields.remove("location");
            fields
        };
        self.id == shown.id && signed(self) == signed(shown)
    }

    fn reviewable(&self) -> Result<(), ReviewError> {
        match self.state {
            VisitState::Finished => Ok(()),
            VisitState::Draft => Err(ReviewError::NotFinished),
            s => Err(VisitError::ReadOnly(s).into()),
        }
    }

    fn finding_mut(&mut self, id: &str) -> Result<&mut Finding, ReviewError> {
        self.findings
            .iter_mut()
            .find(|f| f.id == id)
            .ok_or_else(|| ReviewError::UnknownFinding(id.into()))
    }

    /// Brings the findings in line with the answers: a finding stays (with the supervisor's
    /// edits) while any of its items is still 不符合; each new 不符合 item that was not dropped
    /// gets a proposed finding. Ids are `visit-id:item-code`, so drafting again changes nothing.
    pub fn draft_findings(&mut self, checklist: &Checklist) {
        let proposals = checklist.proposed_findings(&self.answers);
        let failing: Vec<&str> = proposals.iter().map(|p| p.item_code.as_str()).collect();
        self.findings
            .retain(|f| f.item_codes.iter().any(|c| failing.contains(&c.as_str())));
        for f in &mut self.findings {
            f.item_codes.retain(|c| failing.contains(&c.as_str()));
        }
        let day = self.day();
        for p in &proposals {
            let covered = self
                .findings
                .iter()
                .any(|f| f.item_codes.contains(&p.item_code));
            if covered || self.dropped.contains(&p.item_code) {
                continue;
            }
            let id = format!("{}:{}", self.id, p.item_code);
            // Keep checklist order: insert before the first finding whose item comes later.
            let pos = self
                .findings
                .iter()
                .position(|f| {
                    let first = failing.iter().position(|c| *c == f.item_codes[0]);
                    let here = failing.iter().position(|c| *c == p.item_code);
                    first > here
                })
                .unwrap_or(self.findings.len());
            self.findings
                .insert(pos, Finding::from_proposal(id, p, day));
        }
    }

    /// Sends a finished visit back to answering (before it is signed), to correct an answer.
    pub fn reopen(&mut self, now: i64) -> Result<(), ReviewError> {
        self.reviewable()?;
        self.state = VisitState::Draft;
        self.finished_at = None;
        self.updated_at = now;
        Ok(())
    }

    pub fn edit_finding(
        &mut self,
        id: &str,
        edit: FindingEdit,
        now: i64,
    ) -> Result<(), ReviewError> {
        self.reviewable()?;
        let day = self.day();
        edit.apply(self.finding_mut(id)?, day);
        self.updated_at = now;
        Ok(())
    }

    /// Merges findings into the first of them, in the order given.
    pub fn merge_findings(&mut self, ids: &[String], now: i64) -> Result<(), ReviewError> {
        self.reviewable()?;
        let mut unique: Vec<&String> = Vec::new();
        for id in ids {
            if !unique.contains(&id) {
                unique.push(id);
            }
        }
        if unique.len() < 2 {
            return Err(ReviewError::MergeNeedsTwo);
        }
        for id in &unique {
            self.finding_mut(id)?;
        }
        let mut rest = Vec::new();
        for id in &unique[1..] {
            let pos = self
                .findings
                .iter()
                .position(|f| &f.id == *id)
                .expect("checked");
            rest.push(self.findings.remove(pos));
        }
        let first = self.finding_mut(unique[0])?;
        for f in rest {
            first.absorb(f);
        }
        self.updated_at = now;
        Ok(())
    }

    /// Drops a finding; its items are not proposed again until restored.
    pub fn drop_finding(&mut self, id: &str, now: i64) -> Result<Finding, ReviewError> {
        self.reviewable()?;
        let pos = self
            .findings
            .iter()
            .position(|f| f.id == id)
            .ok_or_else(|| ReviewError::UnknownFinding(id.into()))?;
        let f = self.findings.remove(pos);
        for c in &f.item_codes {
            if !self.dropped.contains(c) {
                self.dropped.push(c.clone());
            }
        }
        self.updated_at = now;
        Ok(f)
    }

    /// Proposes again the finding of a dropped item.
    pub fn restore_finding(
        &mut self,
        checklist: &Checklist,
        item_code: &str,
        now: i64,
    ) -> Result<(), ReviewError> {
        self.reviewable()?;
        self.dropped.retain(|c| c != item_code);
        self.draft_findings(checklist);
        self.updated_at = now;
        Ok(())
    }

    /// What stops the school from signing: each incomplete finding with what it lacks.
    pub fn unsignable(&self) -> Vec<(String, FindingGap)> {
        let day = self.day();
        self.findings
            .iter()
            .filter_map(|f| f.incomplete(day).map(|g| (f.id.clone(), g)))
            .collect()
    }

    /// The school representative signs: the visit takes its 督导意见书 number and becomes
    /// read-only.
    pub fn sign(&mut self, signature: Signature, opinion_no: String) -> Result<(), ReviewError> {
        self.reviewable()?;
        if signature.name.trim().is_empty() {
            return Err(ReviewError::NoName);
        }
        if !signature.image.starts_with("data:image/") {
            return Err(ReviewError::NoSignature);
        }
        if let Some((id, gap)) = self.unsignable().into_iter().next() {
            return Err(ReviewError::Incomplete { id, gap });
        }
        self.updated_at = signature.signed_at;
        self.signature = Some(signature);
        self.opinion_no = Some(opinion_no);
        self.state = VisitState::Signed;
        Ok(())
    }

    /// Changes a finding of a signed visit, recording before, after, reason and who.
    pub fn amend_finding(
        &mut self,
        id: &str,
        edit: FindingEdit,
        reason: &str,
        by: &str,
        now: i64,
    ) -> Result<Amendment, ReviewError> {
        if !matches!(self.state, VisitState::Signed | VisitState::Synced) {
            return Err(ReviewError::NotSigned);
        }
        if reason.trim().is_empty() {
            return Err(ReviewError::NoReason);
        }
        let day = self.day();
        let field = edit.field_zh().to_owned();
        let f = self.finding_mut(id)?;
        let mut changed = f.clone();
        let (before, after) = edit.apply(&mut changed, day);
        if changed == *f {
            return Err(ReviewError::Unchanged);
        }
        if let Some(gap) = changed.incomplete(day) {
            return Err(ReviewError::Incomplete { id: id.into(), gap });
        }
        *f = changed;
        let a = Amendment {
            finding_id: id.into(),
            field,
            before,
            after,
            reason: reason.trim().into(),
            by: by.into(),
            at: now,
        };
        self.amendments.push(a.clone());
        self.updated_at = now;
        Ok(a)
    }
}

/// A 督导意见书 number in 公文 style: 机关代字〔年份〕序号号, e.g. 清督意〔2026〕7号. The 代字 is
/// the first character of the district and 督意; the sequence counts this phone's documents in
/// the year.
pub fn opinion_number(district: &str, year: i32, seq: u32) -> String {
    let first: String = district.chars().take(1).collect();
    format!("{first}督意〔{year}〕{seq}号")
}
