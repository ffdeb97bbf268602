//! A visit's checklist: the pinned templates seen from one school. Decides which items show,
//! progress, what is still missing, each item's verdict and the proposed findings.

use crate::answer::AnswerValue;
use crate::condition::{Condition, Env};
use crate::finding::ProposedFinding;
use crate::rule::{Outcome, Verdict};
use crate::school::School;
use crate::template::{AnswerKind, EvidenceRule, Item, NotApplicable, Section, Template};
use crate::text::Text;
use crate::visit::Answer;
use std::collections::{BTreeMap, HashMap};

pub type Answers = BTreeMap<String, Answer>;

/// One item in context.
#[derive(Debug, Clone, Copy)]
pub struct Entry<'a> {
    pub template: &'a Template,
    pub section: &'a Section,
    pub item: &'a Item,
}

/// A section with the items that currently show.
#[derive(Debug, Clone)]
pub struct SectionView<'a> {
    pub template: &'a Template,
    pub section: &'a Section,
    pub items: Vec<&'a Item>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    pub answered: usize,
    pub total: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MissingReason {
    /// A required item has no answer.
    Required,
    /// The evidence rule asks for a photo and there is none.
    Photo,
    /// The stored value is outside the item's plausible range (old data, or a value that
    /// came by sync or backup): it is not judged until corrected.
    OutOfRange,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Missing {
    pub item_code: String,
    pub section: Text,
    pub prompt: Text,
    pub reason: MissingReason,
}

pub struct Checklist<'a> {
    pub school: &'a School,
    entries: Vec<Entry<'a>>,
    /// Items left out because they do not concern this school, with the reason.
    not_applicable: Vec<(Entry<'a>, NotApplicable)>,
    conditions: HashMap<&'a str, Condition>,
}

/// What a show-if condition sees: the answers, the school, and the checklist's items so that
/// `failed(…)` gets the same verdict as [`Checklist::verdict`].
struct AnswerEnv<'a> {
    answers: &'a Answers,
    school: &'a School,
    entries: &'a [Entry<'a>],
}

impl Env for AnswerEnv<'_> {
    /// A value outside its item's range opens no follow-up: it is a typing error, not a fact.
    fn answer(&self, item: &str) -> Option<&AnswerValue> {
        let value = self.answers.get(item).and_then(|a| a.value.as_ref())?;
        match self.entries.iter().find(|e| e.item.code == item) {
            Some(e) if e.item.answer.check(value).is_err() => None,
            _ => Some(value),
        }
    }
    fn school(&self) -> &School {
        self.school
    }
    fn outcome(&self, item: &str) -> Option<Outcome> {
        let e = self.entries.iter().find(|e| e.item.code == item)?;
        verdict_of(e, self.answers, self.school).map(|v| v.outcome)
    }
}

/// The verdict of an entry's given answer at the school.
fn verdict_of(e: &Entry<'_>, answers: &Answers, school: &School) -> Option<Verdict> {
    item_verdict(e.template, e.item, answers, school)
}

/// The verdict of one item's current answer, without building a whole checklist: what an item
/// card shows as the value is typed.
pub fn item_verdict(
    template: &Template,
    item: &Item,
    answers: &Answers,
    school: &School,
) -> Option<Verdict> {
    let value = answers
        .get(&item.code)?
        .value
        .as_ref()
        .filter(|v| v.is_given())?;
    Verdict::for_item(template, item, value, school)
}

impl<'a> Checklist<'a> {
    /// Items that do not apply to the school (its stage, grades, boarding, facilities) are left
    /// out, and listed by [`Checklist::not_applicable`].
    pub fn new(templates: &[&'a Template], school: &'a School) -> Checklist<'a> {
        let mut entries = Vec::new();
        let mut not_applicable = Vec::new();
        let mut conditions = HashMap::new();
        for t in templates {
            for s in &t.sections {
                for item in &s.items {
                    let entry = Entry {
                        template: t,
                        section: s,
                        item,
                    };
                    if let Some(why) = item.not_applicable(school) {
                        not_applicable.push((entry, why));
                        continue;
                    }
                    entries.push(entry);
                    // Templates are validated on load; a condition that still fails to parse
                    // leaves its item always shown rather than hiding a question.
                    if let Some(c) = item
                        .show_if
                        .as_deref()
                        .and_then(|c| Condition::parse(c).ok())
                    {
                        conditions.insert(item.code.as_str(), c);
                    }
                }
            }
        }
        Checklist {
            school,
            entries,
            not_applicable,
            conditions,
        }
    }

    /// The items of the templates that were left out for this school (不适用), and why.
    /// Follow-up items (with `show_if`) are not listed: they never show on their own.
    pub fn not_applicable(&self) -> impl Iterator<Item = (&Entry<'a>, NotApplicable)> {
        self.not_applicable
            .iter()
            .filter(|(e, _)| e.item.show_if.is_none())
            .map(|(e, why)| (e, *why))
    }

    pub fn entry(&self, code: &str) -> Option<&Entry<'a>> {
        self.entries.iter().find(|e| e.item.code == code)
    }

    pub fn item(&self, code: &str) -> Option<&'a Item> {
        self.entry(code).map(|e| e.item)
    }

    pub fn is_visible(&self, item: &Item, answers: &Answers) -> bool {
        let env = AnswerEnv {
            answers,
            school: self.school,
            entries: &self.entries,
        };
        self.conditions
            .get(item.code.as_str())
            .is_none_or(|c| c.eval(&env))
    }

    pub fn visible(&self, answers: &Answers) -> Vec<Entry<'a>> {
        self.entries
            .iter()
            .filter(|e| self.is_visible(e.item, answers))
            .copied()
            .collect()
    }

    /// Sections in template order, each with its visible items; empty sections are left out.
    pub fn sections(&self, answers: &Answers) -> Vec<SectionView<'a>> {
        let mut out: Vec<SectionView<'a>> = Vec::new();
        for e in self.visible(answers) {
            match out.last_mut() {
                Some(v) if std::ptr::eq(v.section, e.section) => v.items.push(e.item),
                _ => out.push(SectionView {
                    template: e.template,
                    section: e.section,
                    items: vec![e.item],
                }),
            }
        }
        out
    }

    pub fn progress(&self, answers: &Answers) -> Progress {
        let visible = self.visible(answers);
        Progress {
            answered: visible
                .iter()
                .filter(|e| answered(answers, &e.item.code))
                .count(),
            total: visible.len(),
        }
    }

    /// The first visible unanswered item after `from` (wrapping around), for "下一个未答".
    pub fn next_unanswered(&self, answers: &Answers, from: Option<&str>) -> Option<&'a Item> {
        let visible = self.visible(answers);
        let start = from
            .and_then(|c| visible.iter().position(|e| e.item.code == c))
            .map_or(0, |p| p + 1);
        (0..visible.len())
            .map(|i| visible[(start + i) % visible.len()].item)
            .find(|item| !answered(answers, &item.code))
    }

    pub fn verdict(&self, code: &str, answers: &Answers) -> Option<Verdict> {
        verdict_of(self.entry(code)?, answers, self.school)
    }

    /// Everything that stops the visit from being finished, in checklist order.
    pub fn missing(&self, answers: &Answers) -> Vec<Missing> {
        let mut out = Vec::new();
        for e in self.visible(answers) {
            let make = |reason| Missing {
                item_code: e.item.code.clone(),
                section: e.section.title.clone(),
                prompt: e.item.prompt.clone(),
                reason,
            };
            if e.item.required && !answered(answers, &e.item.code) {
                out.push(make(MissingReason::Required));
                continue;
            }
            if self.invalid_value(&e.item.code, answers).is_some() {
                out.push(make(MissingReason::OutOfRange));
                continue;
            }
            let has_photo = answers
                .get(&e.item.code)
                .is_some_and(|a| !a.photos.is_empty());
            let needs_photo = match e.item.evidence {
                EvidenceRule::None => false,
                EvidenceRule::PhotoAlways => true,
                EvidenceRule::PhotoWhenNoncompliant => self
                    .verdict(&e.item.code, answers)
                    .is_some_and(|v| v.outcome == Outcome::NonCompliant),
            };
            if needs_photo && !has_photo {
                out.push(make(MissingReason::Photo));
            }
        }
        out
    }

    /// Why the item's stored value cannot be its answer (数值超出范围), or `None` when it can
    /// or there is none. Such a value is shown flagged and never judged.
    pub fn invalid_value(&self, code: &str, answers: &Answers) -> Option<crate::ValueError> {
        let e = self.entry(code)?;
        let value = answers.get(code)?.value.as_ref()?;
        e.item.answer.check(value).err()
    }

    /// One proposed finding per visible item judged 不符合, in checklist order.
    pub fn proposed_findings(&self, answers: &Answers) -> Vec<ProposedFinding> {
        self.visible(answers)
            .into_iter()
            .filter_map(|e| {
                let verdict = self.verdict(&e.item.code, answers)?;
                (verdict.outcome == Outcome::NonCompliant).then(|| {
                    ProposedFinding::from_item(e.section, e.item, &answers[&e.item.code], verdict)
                })
            })
            .collect()
    }

    /// Counts of visible answered items by outcome: (符合, 基本符合, 不符合, 不适用).
    pub fn tally(&self, answers: &Answers) -> [usize; 4] {
        let mut t = [0; 4];
        for e in self.visible(answers) {
            if let Some(v) = self.verdict(&e.item.code, answers) {
                t[v.outcome as usize] += 1;
            }
        }
        t
    }
}

fn answered(answers: &Answers, code: &str) -> bool {
    answers.get(code).is_some_and(Answer::has_value)
}

/// Whether a value is of the kind the item asks for and within its plausible range
/// ([`AnswerKind::check`] says why not).
pub fn fits(kind: &AnswerKind, v: &AnswerValue) -> bool {
    kind.check(v).is_ok()
}
