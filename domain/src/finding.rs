//! Findings (问题) raised from a visit. The full rectification workflow (整改 → 复查 → 销号)
//! builds on these.

use crate::answer::AnswerValue;
use crate::basis::Basis;
use crate::datetime::Date;
use crate::rule::Verdict;
use crate::template::{AnswerKind, Item, Section, Severity};
use crate::text::Text;
use crate::visit::Answer;
use serde::{Deserialize, Serialize};

/// A finding the app proposes from an answer judged 不符合; the supervisor edits it before
/// signing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProposedFinding {
    pub item_code: String,
    pub section: Text,
    pub description: Text,
    pub severity: Severity,
    pub basis: Vec<Basis>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requirement: Option<Text>,
}

impl ProposedFinding {
    pub fn from_item(section: &Section, item: &Item, answer: &Answer, verdict: Verdict) -> Self {
        let prompt = &item.prompt;
        let (unit_zh, unit_en) = item
            .answer
            .unit()
            .map(|u| (format!(" {}", u.zh), format!(" {}", u.get(true))))
            .unwrap_or_default();
        let value = answer.value.as_ref();
        let reference = verdict.is_reference();
        let (mut zh, mut en) = match (&item.answer, value, &verdict.requirement) {
            // A threshold whose basis is unconfirmed (⚠️) is cited as a 参考标准, never as a
            // requirement the school is bound by.
            (
                AnswerKind::Number { .. } | AnswerKind::Count { .. } | AnswerKind::Time { .. },
                Some(v),
                Some(req),
            ) if reference => (
                format!(
                    "{}：实测 {}{}，未达到参考标准“{}”（该标准的依据待核实，仅供参考）。",
                    prompt.zh,
                    v.display(false),
                    unit_zh,
                    req.zh
                ),
                format!(
                    "{}: observed {}{}, outside the reference standard \"{}\" (its basis is \
                     unconfirmed; for reference only).",
                    prompt.get(true),
                    v.display(true),
                    unit_en,
                    req.get(true)
                ),
            ),
            (
                AnswerKind::Number { .. } | AnswerKind::Count { .. } | AnswerKind::Time { .. },
                Some(v),
                Some(req),
            ) => (
                format!(
                    "{}：实测 {}{}，不符合“{}”的要求。",
                    prompt.zh,
                    v.display(false),
                    unit_zh,
                    req.zh
                ),
                format!(
                    "{}: observed {}{}, which does not meet \"{}\".",
                    prompt.get(true),
                    v.display(true),
                    unit_en,
                    req.get(true)
                ),
            ),
            (AnswerKind::Compliance, _, _) | (_, None, _) if reference => (
                format!("{}：不符合（参考要求，依据待核实）。", prompt.zh),
                format!(
                    "{}: non-compliant (a reference requirement; its basis is unconfirmed).",
                    prompt.get(true)
                ),
            ),
            (AnswerKind::Compliance, _, _) | (_, None, _) => (
                format!("{}：不符合。", prompt.zh),
                format!("{}: non-compliant.", prompt.get(true)),
            ),
            (AnswerKind::Choice { options, .. }, Some(AnswerValue::Choice(chosen)), _) => {
                let labels = |en: bool| {
                    chosen
                        .iter()
                        .filter_map(|c| options.iter().find(|o| &o.code == c))
                        .map(|o| o.label.get(en).to_owned())
                        .collect::<Vec<_>>()
                        .join(if en { ", " } else { "、" })
                };
                (
                    format!("{}：{}，不符合要求。", prompt.zh, labels(false)),
                    format!(
                        "{}: {}, which does not meet the requirement.",
                        prompt.get(true),
                        labels(true)
                    ),
                )
            }
            (_, Some(v), _) => (
                format!("{}：{}，不符合要求。", prompt.zh, v.display(false)),
                format!(
                    "{}: {}, which does not meet the requirement.",
                    prompt.get(true),
                    v.display(true)
                ),
            ),
        };
        if !answer.note.trim().is_empty() {
            zh.push_str(&format!("现场记录：{}", answer.note.trim()));
            en.push_str(&format!(" Note: {}", answer.note.trim()));
        }
        ProposedFinding {
            item_code: item.code.clone(),
            section: section.title.clone(),
            description: Text::new(zh, en),
            severity: item.severity,
            basis: verdict.basis,
            requirement: verdict.requirement,
        }
    }
}

/// How the school is to put a finding right.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Disposition {
    /// 立行立改: fixed on the spot or within days, no deadline set.
    Immediate,
    /// 限期整改: fixed by a deadline.
    #[default]
    ByDeadline,
}

impl Disposition {
    pub fn zh(self) -> &'static str {
        match self {
            Disposition::Immediate => "立行立改",
            Disposition::ByDeadline => "限期整改",
        }
    }
    pub fn en(self) -> &'static str {
        match self {
            Disposition::Immediate => "Fix at once",
            Disposition::ByDeadline => "Fix by deadline",
        }
    }
}

/// Days from the visit to the default deadline: a 重大 finding is given less time.
pub fn default_deadline_days(severity: Severity) -> i64 {
    match severity {
        Severity::General => 30,
        Severity::Major => 15,
    }
}

/// A finding (问题) as the supervisor settles it before the school signs: what is wrong, how
/// serious, how and by when it is to be put right, and who at the school answers for it.
///
/// The text is Chinese: it goes into the 督导意见书 and the 整改台账.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    /// Client-generated UUIDv7.
    pub id: String,
    /// The items it came from: one, or several once merged.
    pub item_codes: Vec<String>,
    pub section: Text,
    /// 问题描述.
    pub description: String,
    /// 整改要求.
    pub requirement: String,
    pub severity: Severity,
    pub disposition: Disposition,
    /// 整改期限, set for 限期整改.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deadline: Option<Date>,
    /// 责任部门/责任人 at the school.
    #[serde(default)]
    pub owner: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub basis: Vec<Basis>,
    /// Where 整改 stands. The office moves it (the workflow field that wins conflicts).
    #[serde(default)]
    pub status: FindingStatus,
}

/// 整改 progress: 待整改 → 整改中 → 待复查 → 已销号 (复查未通过 goes back to 整改中; where the
/// office signs off, 复查通过 is 待销号 first); 已撤销 by the office. Who may move it where:
/// `crate::rectify`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FindingStatus {
    /// 待整改.
    #[default]
    Pending,
    /// 整改中.
    Rectifying,
    /// 待复查.
    AwaitingRecheck,
    /// 已销号.
    Closed,
    /// 待销号: the 复查 passed; the office signs it off (`rectify::CloseRule::ByOffice`).
    AwaitingClose,
    /// 已撤销 by the office, with a reason.
    Withdrawn,
}

impl FindingStatus {
    /// As stored and synced (`pending`, `awaiting_recheck` …): for filters and tests.
    pub fn key(self) -> &'static str {
        match self {
            FindingStatus::Pending => "pending",
            FindingStatus::Rectifying => "rectifying",
            FindingStatus::AwaitingRecheck => "awaiting_recheck",
            FindingStatus::Closed => "closed",
            FindingStatus::AwaitingClose => "awaiting_close",
            FindingStatus::Withdrawn => "withdrawn",
        }
    }

    pub fn zh(self) -> &'static str {
        match self {
            FindingStatus::Pending => "待整改",
            FindingStatus::Rectifying => "整改中",
            FindingStatus::AwaitingRecheck => "待复查",
            FindingStatus::Closed => "已销号",
            FindingStatus::AwaitingClose => "待销号",
            FindingStatus::Withdrawn => "已撤销",
        }
    }

    pub fn en(self) -> &'static str {
        match self {
            FindingStatus::Pending => "To rectify",
            FindingStatus::Rectifying => "Rectifying",
            FindingStatus::AwaitingRecheck => "Awaiting recheck",
            FindingStatus::Closed => "Closed",
            FindingStatus::AwaitingClose => "Awaiting sign-off",
            FindingStatus::Withdrawn => "Withdrawn",
        }
    }
}

impl Finding {
    /// The finding a proposal becomes: 限期整改 with the default deadline from the visit day.
    pub fn from_proposal(id: String, p: &ProposedFinding, visit_day: Date) -> Finding {
        let requirement = match &p.requirement {
            Some(r) => format!("严格落实“{}”的要求，整改到位。", r.zh),
            None if !p.basis.is_empty() => format!(
                "对照{}的规定整改到位。",
                p.basis
                    .iter()
                    .map(|b| b.citation())
                    .collect::<Vec<_>>()
                    .join("、")
            ),
            None => "整改到位。".to_owned(),
        };
        Finding {
            id,
            item_codes: vec![p.item_code.clone()],
            section: p.section.clone(),
            description: p.description.zh.clone(),
            requirement,
            severity: p.severity,
            disposition: Disposition::ByDeadline,
            deadline: Some(visit_day.add_days(default_deadline_days(p.severity))),
            owner: String::new(),
            basis: p.basis.clone(),
            status: FindingStatus::Pending,
        }
    }

    /// 2026年12月31日前, or 立行立改.
    pub fn term(&self, english: bool) -> String {
        match (self.disposition, self.deadline, english) {
            (Disposition::ByDeadline, Some(d), false) => format!("{}前", d.zh()),
            (Disposition::ByDeadline, Some(d), true) => format!("by {}", d.iso()),
            (d, _, false) => d.zh().to_owned(),
            (d, _, true) => d.en().to_owned(),
        }
    }

    /// Folds `other` into this finding: both items, both texts, the graver severity, the
    /// earlier deadline, every owner and basis once.
    pub fn absorb(&mut self, other: Finding) {
        for c in other.item_codes {
            if !self.item_codes.contains(&c) {
                self.item_codes.push(c);
            }
        }
        let join = |a: &mut String, b: String| {
            let b = b.trim();
            if b.is_empty() || a.contains(b) {
                return;
            }
            // One paragraph in the 督导意见书: sentences run on, a clause without its full stop
            // gets a 分号.
            if a.trim().is_empty() {
                *a = b.to_owned();
            } else {
                let t = a.trim_end().to_owned();
                *a = t;
                if !a.ends_with(['。', '；', '！', '？', '.', ';']) {
                    a.push('；');
                }
                a.push_str(b);
            }
        };
        join(&mut self.description, other.description);
        join(&mut self.requirement, other.requirement);
        if other.severity == Severity::Major {
            self.severity = Severity::Major;
        }
        if other.disposition == Disposition::ByDeadline {
            self.deadline = match (self.disposition, self.deadline, other.deadline) {
                (Disposition::ByDeadline, Some(a), Some(b)) => Some(a.min(b)),
                (Disposition::ByDeadline, Some(a), None) => Some(a),
                (_, _, b) => b,
            };
            self.disposition = Disposition::ByDeadline;
        }
        let owner = other.owner.trim();
        if !owner.is_empty() && !self.owner.split('、').any(|o| o == owner) {
            if self.owner.trim().is_empty() {
                self.owner = owner.to_owned();
            } else {
                self.owner = format!("{}、{}", self.owner.trim(), owner);
            }
        }
        for b in other.basis {
            if !self.basis.contains(&b) {
                self.basis.push(b);
            }
        }
    }

    /// What keeps this finding from going into a signed document, if anything.
    pub fn incomplete(&self, visit_day: Date) -> Option<FindingGap> {
        if self.description.trim().is_empty() {
            return Some(FindingGap::NoDescription);
        }
        if self.requirement.trim().is_empty() {
            return Some(FindingGap::NoRequirement);
        }
        if self.disposition == Disposition::ByDeadline {
            match self.deadline {
                None => return Some(FindingGap::NoDeadline),
                Some(d) if d < visit_day => return Some(FindingGap::DeadlineBeforeVisit),
                _ => {}
            }
        }
        None
    }
}

/// Why a finding cannot be signed as it stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FindingGap {
    NoDescription,
    NoRequirement,
    NoDeadline,
    DeadlineBeforeVisit,
}

impl FindingGap {
    pub fn zh(self) -> &'static str {
        match self {
            FindingGap::NoDescription => "问题描述为空",
            FindingGap::NoRequirement => "整改要求为空",
            FindingGap::NoDeadline => "限期整改须填写整改期限",
            FindingGap::DeadlineBeforeVisit => "整改期限早于督导日期",
        }
    }
    pub fn en(self) -> &'static str {
        match self {
            FindingGap::NoDescription => "the description is empty",
            FindingGap::NoRequirement => "the rectification requirement is empty",
            FindingGap::NoDeadline => "a fix-by-deadline finding needs a deadline",
            FindingGap::DeadlineBeforeVisit => "the deadline is before the visit",
        }
    }
}
