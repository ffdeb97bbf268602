//! Findings (问题) raised from a visit. The full rectification workflow (整改 → 复查 → 销号)
//! builds on these.

use crate::answer::AnswerValue;
use crate::basis::Basis;
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
        let (mut zh, mut en) = match (&item.answer, value, &verdict.requirement) {
            (
                AnswerKind::Number { .. } | AnswerKind::Count { .. } | AnswerKind::Time,
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
