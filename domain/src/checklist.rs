//! A visit's checklist: the pinned templates seen from one school. Decides which items show,
//! progress, what is still missing, each item's verdict and the proposed findings.
//!
//! Two ways to hold one:
//! - [`CompiledChecklist`]: owned, `'static` and cheap to clone (an `Arc`). Built once when a
//!   visit opens: which items apply to the school is decided, every show-if condition parsed and
//!   every item indexed by code. The app keeps it for as long as the visit is open and asks it
//!   about each new set of answers without parsing or scanning again.
//! - [`Checklist`]: a borrowed view with the same questions. [`CompiledChecklist::checklist`]
//!   gives one for free; [`Checklist::new`] compiles on the spot from borrowed templates (for a
//!   one-off question, the server and tests).
//!
//! Both answer from the same compiled core, so they cannot disagree.

use crate::answer::AnswerValue;
use crate::condition::{Condition, Env};
use crate::finding::ProposedFinding;
use crate::rule::{Outcome, Verdict};
use crate::school::School;
use crate::template::{AnswerKind, Item, NotApplicable, Section, Template};
use crate::text::Text;
use crate::visit::Answer;
use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

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
    /// How many of `items` have an answer ([`is_answered`]).
    pub answered: usize,
}

impl SectionView<'_> {
    /// `template-id/section-code`: names the section across the visit's templates.
    pub fn key(&self) -> String {
        format!("{}/{}", self.template.id, self.section.code)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    pub answered: usize,
    pub total: usize,
}

/// What a screen of the editor needs about a set of answers, from one visibility pass:
/// [`Checklist::overview`].
#[derive(Debug, Clone)]
pub struct Overview<'a> {
    /// Sections in template order, each with its visible items and how many are answered;
    /// empty sections are left out. The same as [`Checklist::sections`].
    pub sections: Vec<SectionView<'a>>,
    /// The same as [`Checklist::progress`].
    pub progress: Progress,
}

impl<'a> Overview<'a> {
    /// The first visible unanswered item after `from` (wrapping around), as
    /// [`Checklist::next_unanswered`] finds it, without evaluating visibility again.
    /// `answers` must be the ones the overview was made from.
    pub fn next_unanswered(&self, answers: &Answers, from: Option<&str>) -> Option<&'a Item> {
        let visible: Vec<&'a Item> = self
            .sections
            .iter()
            .flat_map(|s| s.items.iter().copied())
            .collect();
        next_unanswered_in(&visible, answers, from)
    }

    /// The index in [`Overview::sections`] of the section showing the item, if it shows.
    pub fn section_of(&self, code: &str) -> Option<usize> {
        self.sections
            .iter()
            .position(|s| s.items.iter().any(|i| i.code == code))
    }
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

/// Whether the item has an answer that counts (a value, not only a note or photos): what
/// progress, "下一个未答" and the required-item check all count.
pub fn is_answered(answers: &Answers, code: &str) -> bool {
    answers.get(code).is_some_and(Answer::has_value)
}

/// Whether the item's evidence rule asks for a photo given its current verdict: always, or
/// once the item is judged 不符合. Whether one is attached is [`photo_missing`]'s question.
pub fn needs_photo(item: &Item, verdict: Option<&Verdict>) -> bool {
    item.evidence.needs_photo(verdict.map(|v| v.outcome))
}

/// Whether the item lacks the photo its evidence rule asks for (完成督导 is refused with
/// [`MissingReason::Photo`]).
pub fn photo_missing(item: &Item, answer: Option<&Answer>, verdict: Option<&Verdict>) -> bool {
    needs_photo(item, verdict) && answer.is_none_or(|a| a.photos.is_empty())
}

/// Where an item sits: indices of its template, section and item.
#[derive(Debug, Clone, Copy)]
struct Slot {
    template: usize,
    section: usize,
    item: usize,
}

/// What compiling a checklist decides once, by position, so that it borrows nothing: a
/// [`CompiledChecklist`] owns it next to its templates, and [`Checklist::new`] next to borrowed
/// ones.
#[derive(Debug, Clone, Default)]
struct Core {
    /// The items that apply to the school, in template order.
    entries: Vec<Slot>,
    /// Each entry's parsed show-if condition (same index as `entries`).
    conditions: Vec<Option<Condition>>,
    /// Item code → index in `entries`; the first entry wins should a code repeat.
    index: HashMap<String, usize>,
    /// Items left out because they do not concern this school, with the reason.
    not_applicable: Vec<(Slot, NotApplicable)>,
}

/// The templates a view reads: a compiled checklist's own, or the ones [`Checklist::new`] was
/// given.
#[derive(Debug, Clone)]
enum Templates<'a> {
    Slice(&'a [Template]),
    Refs(Vec<&'a Template>),
}

impl<'a> Templates<'a> {
    fn len(&self) -> usize {
        match self {
            Templates::Slice(t) => t.len(),
            Templates::Refs(t) => t.len(),
        }
    }

    fn get(&self, i: usize) -> &'a Template {
        match self {
            Templates::Slice(t) => &t[i],
            Templates::Refs(t) => t[i],
        }
    }

    fn entry(&self, slot: Slot) -> Entry<'a> {
        let template = self.get(slot.template);
        let section = &template.sections[slot.section];
        Entry {
            template,
            section,
            item: &section.items[slot.item],
        }
    }
}

impl Core {
    fn compile(templates: &Templates<'_>, school: &School) -> Core {
        let mut core = Core::default();
        for ti in 0..templates.len() {
            let t = templates.get(ti);
            for (si, s) in t.sections.iter().enumerate() {
                for (ii, item) in s.items.iter().enumerate() {
                    let slot = Slot {
                        template: ti,
                        section: si,
                        item: ii,
                    };
                    if let Some(why) = item.not_applicable(school) {
                        core.not_applicable.push((slot, why));
                        continue;
                    }
                    core.index
                        .entry(item.code.clone())
                        .or_insert(core.entries.len());
                    core.entries.push(slot);
                    // Templates are validated on load; a condition that still fails to parse
                    // leaves its item always shown rather than hiding a question.
                    core.conditions.push(
                        item.show_if
                            .as_deref()
                            .and_then(|c| Condition::parse(c).ok()),
                    );
                }
            }
        }
        core
    }
}

/// The pinned templates of an open visit compiled for its school, owned and cheap to clone.
///
/// Build it once when the visit opens and keep it (in a `StoredValue` or a signal) while the
/// visit is open: which items apply, every parsed show-if condition and an index of the items by
/// code are computed here and never again, so a keystroke costs one visibility pass
/// ([`Checklist::overview`] of [`CompiledChecklist::checklist`]) and no condition is parsed.
/// Clones share everything.
///
/// ```
/// # use dudao_domain::{checklist::CompiledChecklist, School, Template};
/// # use std::sync::Arc;
/// # fn open(templates: Arc<Vec<Template>>, mut visit: dudao_domain::Visit) {
/// let compiled = CompiledChecklist::new(templates, visit.school.clone());
/// let value = Some(dudao_domain::AnswerValue::YesNo(true));
/// let _ = visit.set_value(&compiled.checklist(), "WX-SJ-01", value, 0);
/// let overview = compiled.checklist().overview(&visit.answers); // sections, counts, progress
/// # let _ = overview;
/// # }
/// ```
#[derive(Clone)]
pub struct CompiledChecklist {
    inner: Arc<Compiled>,
}

struct Compiled {
    templates: Arc<Vec<Template>>,
    school: School,
    core: Core,
}

impl std::fmt::Debug for CompiledChecklist {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CompiledChecklist")
            .field(
                "templates",
                &self
                    .inner
                    .templates
                    .iter()
                    .map(Template::key)
                    .collect::<Vec<_>>(),
            )
            .field("school", &self.inner.school.id)
            .field("items", &self.inner.core.entries.len())
            .finish()
    }
}

/// Two handles are equal when they share one compilation (what a `Memo` needs to tell that
/// nothing changed); a checklist compiled again from the same templates is a different one.
impl PartialEq for CompiledChecklist {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.inner, &other.inner)
    }
}

impl CompiledChecklist {
    /// Compiles `templates` (a visit's pinned versions, in the visit's order) for `school` (the
    /// visit's pinned school).
    pub fn new(templates: Arc<Vec<Template>>, school: School) -> CompiledChecklist {
        let core = Core::compile(&Templates::Slice(&templates), &school);
        CompiledChecklist {
            inner: Arc::new(Compiled {
                templates,
                school,
                core,
            }),
        }
    }

    /// The checklist as a borrowed view, for [`crate::Visit::set_value`] and the other calls
    /// that take a `&Checklist`. Costs nothing: no allocation, no parsing.
    pub fn checklist(&self) -> Checklist<'_> {
        Checklist {
            school: &self.inner.school,
            templates: Templates::Slice(&self.inner.templates),
            core: Cow::Borrowed(&self.inner.core),
        }
    }

    /// The templates it was compiled from.
    pub fn templates(&self) -> &Arc<Vec<Template>> {
        &self.inner.templates
    }

    /// The school it was compiled for.
    pub fn school(&self) -> &School {
        &self.inner.school
    }
}

/// The checklist of some templates at one school: a view over a compiled core, borrowed from a
/// [`CompiledChecklist`] ([`CompiledChecklist::checklist`]) or compiled by [`Checklist::new`].
pub struct Checklist<'a> {
    pub school: &'a School,
    templates: Templates<'a>,
    core: Cow<'a, Core>,
}

/// What a show-if condition sees: the answers, the school, and the checklist's items so that
/// `failed(…)` gets the same verdict as [`Checklist::verdict`].
struct AnswerEnv<'c, 'a> {
    answers: &'c Answers,
    checklist: &'c Checklist<'a>,
}

impl Env for AnswerEnv<'_, '_> {
    /// A value outside its item's range opens no follow-up: it is a typing error, not a fact.
    fn answer(&self, item: &str) -> Option<&AnswerValue> {
        let value = self.answers.get(item).and_then(|a| a.value.as_ref())?;
        match self.checklist.entry(item) {
            Some(e) if e.item.answer.check(value).is_err() => None,
            _ => Some(value),
        }
    }
    fn school(&self) -> &School {
        self.checklist.school
    }
    fn outcome(&self, item: &str) -> Option<Outcome> {
        let e = self.checklist.entry(item)?;
        verdict_of(&e, self.answers, self.checklist.school).map(|v| v.outcome)
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
    answer_verdict(template, item, answers.get(&item.code), school)
}

/// The item's verdict from its own answer alone (what [`item_verdict`] looks up): an item card
/// that holds only its answer asks this, and is not recomputed when another item changes.
pub fn answer_verdict(
    template: &Template,
    item: &Item,
    answer: Option<&Answer>,
    school: &School,
) -> Option<Verdict> {
    let value = answer?.value.as_ref().filter(|v| v.is_given())?;
    Verdict::for_item(template, item, value, school)
}

impl<'a> Checklist<'a> {
    /// Compiles the checklist of `templates` at `school` on the spot. Items that do not apply to
    /// the school (its stage, grades, boarding, facilities) are left out, and listed by
    /// [`Checklist::not_applicable`].
    ///
    /// This parses every show-if condition: for a visit that stays open, compile once with
    /// [`CompiledChecklist::new`] and use [`CompiledChecklist::checklist`] instead.
    pub fn new(templates: &[&'a Template], school: &'a School) -> Checklist<'a> {
        let templates = Templates::Refs(templates.to_vec());
        let core = Core::compile(&templates, school);
        Checklist {
            school,
            templates,
            core: Cow::Owned(core),
        }
    }

    fn entries(&self) -> impl Iterator<Item = (usize, Entry<'a>)> + '_ {
        self.core
            .entries
            .iter()
            .enumerate()
            .map(|(i, slot)| (i, self.templates.entry(*slot)))
    }

    /// Whether entry `i` shows with these answers: one evaluation of its condition, if any.
    fn shows(&self, i: usize, answers: &Answers) -> bool {
        self.core.conditions[i].as_ref().is_none_or(|c| {
            c.eval(&AnswerEnv {
                answers,
                checklist: self,
            })
        })
    }

    /// The items of the templates that were left out for this school (不适用), and why.
    /// Follow-up items (with `show_if`) are not listed: they never show on their own.
    pub fn not_applicable(&self) -> impl Iterator<Item = (Entry<'a>, NotApplicable)> + '_ {
        self.core
            .not_applicable
            .iter()
            .map(|(slot, why)| (self.templates.entry(*slot), *why))
            .filter(|(e, _)| e.item.show_if.is_none())
    }

    /// The item with this code in context, if it applies to the school. O(1).
    pub fn entry(&self, code: &str) -> Option<Entry<'a>> {
        let i = *self.core.index.get(code)?;
        Some(self.templates.entry(self.core.entries[i]))
    }

    /// The item with this code, if it applies to the school. O(1).
    pub fn item(&self, code: &str) -> Option<&'a Item> {
        self.entry(code).map(|e| e.item)
    }

    /// Whether the item shows with these answers. An item this checklist does not hold (not
    /// applicable, or of another template) has no condition here and shows.
    pub fn is_visible(&self, item: &Item, answers: &Answers) -> bool {
        self.core
            .index
            .get(item.code.as_str())
            .is_none_or(|&i| self.shows(i, answers))
    }

    /// The items that show with these answers, in checklist order.
    pub fn visible(&self, answers: &Answers) -> Vec<Entry<'a>> {
        self.entries()
            .filter(|(i, _)| self.shows(*i, answers))
            .map(|(_, e)| e)
            .collect()
    }

    /// Sections in template order, each with its visible items; empty sections are left out.
    pub fn sections(&self, answers: &Answers) -> Vec<SectionView<'a>> {
        let mut out: Vec<SectionView<'a>> = Vec::new();
        for e in self.visible(answers) {
            let answered = usize::from(is_answered(answers, &e.item.code));
            match out.last_mut() {
                Some(v) if std::ptr::eq(v.section, e.section) => {
                    v.items.push(e.item);
                    v.answered += answered;
                }
                _ => out.push(SectionView {
                    template: e.template,
                    section: e.section,
                    items: vec![e.item],
                    answered,
                }),
            }
        }
        out
    }

    /// Everything a screen shows about these answers from one visibility pass: the sections
    /// with their visible items and answered counts, and the progress. Use it instead of
    /// [`Checklist::sections`] + [`Checklist::progress`] + [`Checklist::next_unanswered`],
    /// which each evaluate visibility again.
    pub fn overview(&self, answers: &Answers) -> Overview<'a> {
        let sections = self.sections(answers);
        let progress = Progress {
            answered: sections.iter().map(|s| s.answered).sum(),
            total: sections.iter().map(|s| s.items.len()).sum(),
        };
        Overview { sections, progress }
    }

    pub fn progress(&self, answers: &Answers) -> Progress {
        let visible = self.visible(answers);
        Progress {
            answered: visible
                .iter()
                .filter(|e| is_answered(answers, &e.item.code))
                .count(),
            total: visible.len(),
        }
    }

    /// The first visible unanswered item after `from` (wrapping around), for "下一个未答".
    pub fn next_unanswered(&self, answers: &Answers, from: Option<&str>) -> Option<&'a Item> {
        let visible: Vec<&'a Item> = self.visible(answers).iter().map(|e| e.item).collect();
        next_unanswered_in(&visible, answers, from)
    }

    pub fn verdict(&self, code: &str, answers: &Answers) -> Option<Verdict> {
        verdict_of(&self.entry(code)?, answers, self.school)
    }

    /// Everything that stops the visit from being finished, in checklist order. One visibility
    /// pass and one look at each visible item.
    pub fn missing(&self, answers: &Answers) -> Vec<Missing> {
        let mut out = Vec::new();
        for e in self.visible(answers) {
            let make = |reason| Missing {
                item_code: e.item.code.clone(),
                section: e.section.title.clone(),
                prompt: e.item.prompt.clone(),
                reason,
            };
            let answer = answers.get(&e.item.code);
            if e.item.required && !answer.is_some_and(Answer::has_value) {
                out.push(make(MissingReason::Required));
                continue;
            }
            if invalid_value_of(e.item, answer).is_some() {
                out.push(make(MissingReason::OutOfRange));
                continue;
            }
            // The verdict only matters to an evidence rule that depends on it.
            let verdict = match e.item.evidence {
                crate::template::EvidenceRule::PhotoWhenNoncompliant => {
                    verdict_of(&e, answers, self.school)
                }
                _ => None,
            };
            if photo_missing(e.item, answer, verdict.as_ref()) {
                out.push(make(MissingReason::Photo));
            }
        }
        out
    }

    /// Why the item's stored value cannot be its answer (数值超出范围), or `None` when it can
    /// or there is none. Such a value is shown flagged and never judged.
    pub fn invalid_value(&self, code: &str, answers: &Answers) -> Option<crate::ValueError> {
        invalid_value_of(self.entry(code)?.item, answers.get(code))
    }

    /// One proposed finding per visible item judged 不符合, in checklist order.
    pub fn proposed_findings(&self, answers: &Answers) -> Vec<ProposedFinding> {
        self.visible(answers)
            .into_iter()
            .filter_map(|e| {
                let verdict = verdict_of(&e, answers, self.school)?;
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
            if let Some(v) = verdict_of(&e, answers, self.school) {
                t[v.outcome as usize] += 1;
            }
        }
        t
    }
}

fn invalid_value_of(item: &Item, answer: Option<&Answer>) -> Option<crate::ValueError> {
    let value = answer?.value.as_ref()?;
    item.answer.check(value).err()
}

fn next_unanswered_in<'a>(
    visible: &[&'a Item],
    answers: &Answers,
    from: Option<&str>,
) -> Option<&'a Item> {
    let start = from
        .and_then(|c| visible.iter().position(|i| i.code == c))
        .map_or(0, |p| p + 1);
    (0..visible.len())
        .map(|i| visible[(start + i) % visible.len()])
        .find(|item| !is_answered(answers, &item.code))
}

/// Whether a value is of the kind the item asks for and within its plausible range
/// ([`AnswerKind::check`] says why not).
pub fn fits(kind: &AnswerKind, v: &AnswerValue) -> bool {
    kind.check(v).is_ok()
}
