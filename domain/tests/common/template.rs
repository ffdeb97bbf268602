//! What the tests of the built-in templates (`*_rules.rs`) share: loading a template, what a
//! school sees, judging an answer as the app does, checking a limit on and around its edge, and
//! filling in a whole visit.
//!
//! The properties every built-in template must have (unique codes, a basis, English, …) are
//! checked once for the whole library in `library.rs`, not here.

use super::{answer, answers, comp, count, no, num, time, yes};
use dudao_domain::checklist::Answers;
use dudao_domain::rule::Band;
use dudao_domain::template::{NotApplicable, YesNoCompliant};
use dudao_domain::{
    builtin, AnswerKind, AnswerValue, Basis, Checklist, Compliance, GradeRange, Item, Outcome,
    School, Stage, Template, TimeOfDay, Verdict,
};
use std::collections::HashSet;
use std::ops::RangeInclusive;

// ---- loading ----

/// Every built-in template, panicking with the validation errors of one that is invalid.
pub fn library() -> Vec<Template> {
    builtin::templates().unwrap_or_else(|(name, e)| panic!("{name} is invalid:\n{e}"))
}

/// The built-in template with this id.
#[track_caller]
pub fn builtin_template(id: &str) -> Template {
    library()
        .into_iter()
        .find(|t| t.id == id)
        .unwrap_or_else(|| panic!("no built-in template {id}"))
}

/// The codes of the template's items that match `pred`, in template order.
pub fn item_codes(t: &Template, pred: impl Fn(&Item) -> bool) -> Vec<String> {
    t.items()
        .filter(|(_, i)| pred(i))
        .map(|(_, i)| i.code.clone())
        .collect()
}

/// Every basis the template cites, on its items and on its rules.
pub fn bases(t: &Template) -> impl Iterator<Item = &Basis> {
    t.items()
        .flat_map(|(_, i)| i.basis.iter())
        .chain(t.rules.iter().flat_map(|r| r.basis.iter()))
}

/// How a yes/no item is judged; panics if the item is not a yes/no question.
#[track_caller]
pub fn yes_no(t: &Template, code: &str) -> Option<YesNoCompliant> {
    match &t.item(code).unwrap().answer {
        AnswerKind::YesNo { compliant } => *compliant,
        k => panic!("{code} is {}", k.name()),
    }
}

// ---- what a school sees ----

/// The codes a school sees, in checklist order, given these answers.
pub fn visible(t: &Template, s: &School, given: &Answers) -> Vec<String> {
    Checklist::new(&[t], s)
        .visible(given)
        .iter()
        .map(|e| e.item.code.clone())
        .collect()
}

/// Whether the school sees the item before anything is answered.
pub fn sees(t: &Template, s: &School, code: &str) -> bool {
    shows(t, s, code, &[])
}

/// Whether the school sees the item once these answers are given.
pub fn shows(t: &Template, s: &School, code: &str, given: &[(&str, AnswerValue)]) -> bool {
    visible(t, s, &answers(given)).iter().any(|c| c == code)
}

/// How many items a day school and a boarding school of each stage see, given these answers.
pub fn counts_by_stage(t: &Template, given: &Answers) -> Vec<(Stage, usize, usize)> {
    Stage::ALL
        .into_iter()
        .map(|st| {
            (
                st,
                visible(t, &super::school(st), given).len(),
                visible(t, &super::boarding(st), given).len(),
            )
        })
        .collect()
}

/// The codes of the sections a school sees before anything is answered.
pub fn section_codes(t: &Template, s: &School) -> Vec<String> {
    Checklist::new(&[t], s)
        .sections(&Answers::new())
        .iter()
        .map(|v| v.section.code.clone())
        .collect()
}

/// The items left out for the school (不适用), with the reason.
pub fn not_applicable(t: &Template, s: &School) -> Vec<(String, NotApplicable)> {
    Checklist::new(&[t], s)
        .not_applicable()
        .map(|(e, why)| (e.item.code.clone(), why))
        .collect()
}

/// The codes that stop the visit from being finished.
pub fn missing(t: &Template, s: &School, given: &Answers) -> Vec<String> {
    Checklist::new(&[t], s)
        .missing(given)
        .into_iter()
        .map(|m| m.item_code)
        .collect()
}

/// The school sees nothing of the template, before anything is answered and with `given`.
#[track_caller]
pub fn assert_sees_nothing(t: &Template, s: &School, given: &Answers) {
    let checklist = Checklist::new(&[t], s);
    for a in [&Answers::new(), given] {
        assert!(checklist.visible(a).is_empty(), "{} sees items", s.name);
        assert!(checklist.sections(a).is_empty(), "{} sees sections", s.name);
        assert!(checklist.missing(a).is_empty(), "{} misses items", s.name);
    }
}

/// The follow-ups are hidden until `trigger` is answered 是 and stay hidden on 否; once shown
/// they are missing exactly when required, and no longer once answered.
#[track_caller]
pub fn assert_opens_on(t: &Template, s: &School, trigger: &str, follow: &[&str]) {
    let shown = |given: &Answers| -> Vec<bool> {
        let v = visible(t, s, given);
        follow.iter().map(|c| v.iter().any(|x| x == c)).collect()
    };
    let closed = answers(&[(trigger, no())]);
    let open = answers(&[(trigger, yes())]);
    let at = &s.name;
    let hidden = vec![false; follow.len()];
    assert_eq!(
        shown(&Answers::new()),
        hidden,
        "{trigger} unanswered at {at}"
    );
    assert_eq!(shown(&closed), hidden, "{trigger} = 否 at {at}");
    assert_eq!(
        shown(&open),
        vec![true; follow.len()],
        "{trigger} = 是 at {at}"
    );
    let m = missing(t, s, &closed);
    assert!(follow.iter().all(|c| !m.iter().any(|x| x == c)), "{m:?}");
    let m = missing(t, s, &open);
    for c in follow {
        let required = t.item(c).unwrap().required;
        assert_eq!(m.iter().any(|x| x == c), required, "{c} missing at {at}");
    }
    let m = missing(t, s, &fill_compliant(t, s, &[(trigger, yes())]));
    assert!(follow.iter().all(|c| !m.iter().any(|x| x == c)), "{m:?}");
}

// ---- judging ----

/// The verdict for one answer, going through the checklist as the app does, after the answers
/// `opened` (which open a follow-up). Panics if the item does not show, so a test never judges
/// an item the supervisor would not see. The checklist and `Verdict::for_item` must agree.
#[track_caller]
pub fn judge_after(
    t: &Template,
    s: &School,
    opened: &[(&str, AnswerValue)],
    code: &str,
    value: AnswerValue,
) -> Verdict {
    let mut pairs = opened.to_vec();
    pairs.push((code, value.clone()));
    let given = answers(&pairs);
    let checklist = Checklist::new(&[t], s);
    let at = format!("{} ({} pupils)", s.name, s.enrolment);
    assert!(
        checklist
            .visible(&given)
            .iter()
            .any(|e| e.item.code == code),
        "{code} should show at {at}"
    );
    let v = checklist
        .verdict(code, &given)
        .unwrap_or_else(|| panic!("{code} = {value:?} at {at} gave no verdict"));
    let direct = Verdict::for_item(t, t.item(code).unwrap(), &value, s);
    assert_eq!(direct.as_ref(), Some(&v), "{code} = {value:?} at {at}");
    v
}

/// [`judge_after`] for an item that shows without any other answer.
#[track_caller]
pub fn judge(t: &Template, s: &School, code: &str, value: AnswerValue) -> Verdict {
    judge_after(t, s, &[], code, value)
}

#[track_caller]
pub fn outcome(t: &Template, s: &School, code: &str, value: AnswerValue) -> Outcome {
    judge(t, s, code, value).outcome
}

pub fn requirement_zh(v: &Verdict) -> String {
    v.requirement
        .as_ref()
        .map(|r| r.zh.clone())
        .unwrap_or_default()
}

pub fn requirement_en(v: &Verdict) -> String {
    v.requirement
        .as_ref()
        .map(|r| r.en.clone())
        .unwrap_or_default()
}

/// At the limit 符合, one step beyond 不符合: `at` must pass and `beyond` fail. Returns the
/// requirement the failing verdict states, for the caller to compare with the text it expects.
#[track_caller]
pub fn assert_edge_after(
    t: &Template,
    s: &School,
    opened: &[(&str, AnswerValue)],
    code: &str,
    at: AnswerValue,
    beyond: AnswerValue,
) -> String {
    let ok = judge_after(t, s, opened, code, at.clone());
    assert_eq!(
        ok.outcome,
        Outcome::Compliant,
        "{code} = {at:?} at {}",
        s.name
    );
    let bad = judge_after(t, s, opened, code, beyond.clone());
    assert_eq!(
        bad.outcome,
        Outcome::NonCompliant,
        "{code} = {beyond:?} at {}",
        s.name
    );
    requirement_zh(&bad)
}

/// [`assert_edge_after`] for an item that shows without any other answer.
#[track_caller]
pub fn assert_edge(
    t: &Template,
    s: &School,
    code: &str,
    at: AnswerValue,
    beyond: AnswerValue,
) -> String {
    assert_edge_after(t, s, &[], code, at, beyond)
}

// ---- rules ----

/// The band a rule-bearing item is judged against at a school. Items are split per band, so
/// there is exactly one.
#[track_caller]
pub fn band_at<'a>(t: &'a Template, item: &Item, s: &School) -> &'a Band {
    let rule = t.rule(item.rule.as_deref().unwrap()).unwrap();
    let grades = item.grades_at(s).unwrap();
    let bands: Vec<&Band> = rule.bands_for(grades, s.enrolment).collect();
    assert_eq!(
        bands.len(),
        1,
        "{} at {} ({} pupils) touches {:?}",
        item.code,
        s.name,
        s.enrolment,
        bands
    );
    bands[0]
}

/// A band as (grades, min, max, not_before, not_after).
pub type BandLimits = (
    GradeRange,
    Option<f64>,
    Option<f64>,
    Option<String>,
    Option<String>,
);

/// The limits of each band of a rule, in order.
pub fn limits(t: &Template, rule: &str) -> Vec<BandLimits> {
    t.rule(rule)
        .unwrap_or_else(|| panic!("no rule {rule}"))
        .bands
        .iter()
        .map(|b| {
            (
                b.grades,
                b.min,
                b.max,
                b.not_before.map(|x| x.to_string()),
                b.not_after.map(|x| x.to_string()),
            )
        })
        .collect()
}

/// Every rule-bearing item lies within one band of its rule, and every band judges some item.
/// (Not for rules whose bands split by enrolment rather than grades.)
#[track_caller]
pub fn assert_one_band_per_item_and_every_band_used(t: &Template) {
    let mut used: HashSet<(String, usize)> = HashSet::new();
    for (_, item) in t.items() {
        let Some(rule_id) = &item.rule else { continue };
        let rule = t.rule(rule_id).unwrap();
        let scope = item
            .grades
            .unwrap_or_else(|| panic!("{} has a rule but no grades", item.code));
        let touched: Vec<usize> = rule
            .bands
            .iter()
            .enumerate()
            .filter(|(_, b)| b.grades.intersect(scope).is_some())
            .map(|(i, _)| i)
            .collect();
        assert_eq!(
            touched.len(),
            1,
            "{} spans bands {touched:?} of {rule_id}",
            item.code
        );
        assert!(
            rule.bands[touched[0]].grades.covers(scope),
            "{} reaches outside its band",
            item.code
        );
        used.insert((rule_id.clone(), touched[0]));
    }
    for r in &t.rules {
        for (i, b) in r.bands.iter().enumerate() {
            assert!(
                used.contains(&(r.id.clone(), i)),
                "rule {} band {} ({}) has no item",
                r.id,
                i,
                b.label.zh
            );
        }
    }
}

/// The answers on and around a band's limits with the outcome each must get: on the limit and
/// a step inside 符合, a step beyond 不符合 (a minute for times, one and a fraction for numbers).
/// Derived from the band, so they show the band is applied as written; whether its numbers are
/// the right ones is for each template's own tests, written out.
fn edge_cases(item: &Item, band: &Band, enrolment: u32) -> Vec<(AnswerValue, Outcome)> {
    use Outcome::{Compliant as Ok, NonCompliant as Bad};
    let is_number = matches!(item.answer, AnswerKind::Number { .. });
    let value = |n: f64| if is_number { num(n) } else { count(n as u32) };
    let min = band.min_at(enrolment);
    let mut cases = Vec::new();
    if let Some(max) = band.max {
        cases.push((value(max), Ok));
        cases.push((value(max + 1.0), Bad));
        if max >= 1.0 && min.is_none_or(|m| max - 1.0 >= m) {
            cases.push((value(max - 1.0), Ok));
        }
        if is_number {
            cases.push((num(max + 0.1), Bad));
            cases.push((num(max + 0.5), Bad));
        }
    }
    if let Some(min) = min {
        cases.push((value(min), Ok));
        if band.max.is_none_or(|m| min + 1.0 <= m) {
            cases.push((value(min + 1.0), Ok));
        }
        if min >= 1.0 {
            cases.push((value(min - 1.0), Bad));
        }
        if is_number {
            cases.push((num(min - 0.1), Bad));
            cases.push((num(min - 0.5), Bad));
        }
    }
    let shift = |t: TimeOfDay, d: i32| {
        let m = t.minutes() as i32 + d;
        time((m / 60) as u8, (m % 60) as u8)
    };
    if let Some(b) = band.not_before {
        cases.push((shift(b, 0), Ok));
        if band.not_after.is_none_or(|a| b.minutes() < a.minutes()) {
            cases.push((shift(b, 1), Ok));
        }
        cases.push((shift(b, -1), Bad));
    }
    if let Some(a) = band.not_after {
        cases.push((shift(a, 0), Ok));
        if band.not_before.is_none_or(|b| b.minutes() < a.minutes()) {
            cases.push((shift(a, -1), Ok));
        }
        cases.push((shift(a, 1), Bad));
    }
    cases
}

/// Judges a rule-bearing item at a school on and around its limits (see [`edge_cases`]), after
/// the answers `opened`. Each verdict names the band, the rule and the rule's basis. Returns
/// how many answers were judged.
#[track_caller]
pub fn check_edges(t: &Template, s: &School, opened: &[(&str, AnswerValue)], item: &Item) -> usize {
    let rule = t.rule(item.rule.as_deref().unwrap()).unwrap();
    let band = band_at(t, item, s);
    let cases = edge_cases(item, band, s.enrolment);
    assert!(!cases.is_empty(), "{}: no limit to check", item.code);
    for (value, want) in &cases {
        let v = judge_after(t, s, opened, &item.code, value.clone());
        assert_eq!(
            v.outcome, *want,
            "{} = {value:?} at {} ({} pupils)",
            item.code, s.name, s.enrolment
        );
        let req = requirement_zh(&v);
        assert!(req.starts_with(&band.label.zh), "{}: {req}", item.code);
        assert_eq!(v.rule_id.as_deref(), Some(rule.id.as_str()));
        assert_eq!(v.basis, rule.basis, "{}", item.code);
    }
    cases.len()
}

/// [`check_edges`] for every rule-bearing item each school sees once `opened` is answered.
/// Returns how many answers were judged.
#[track_caller]
pub fn check_every_edge(t: &Template, schools: &[School], opened: &[(&str, AnswerValue)]) -> usize {
    let given = answers(opened);
    let mut checked = 0;
    for s in schools {
        for e in Checklist::new(&[t], s).visible(&given) {
            if e.item.rule.is_some() {
                checked += check_edges(t, s, opened, e.item);
            }
        }
    }
    checked
}

// ---- content ----

/// Every basis of the template's items and rules is dated within `years`.
#[track_caller]
pub fn assert_basis_years(t: &Template, years: RangeInclusive<u16>) {
    for (_, item) in t.items() {
        for b in &item.basis {
            assert!(years.contains(&b.year), "{}: year {}", item.code, b.year);
        }
    }
    for r in &t.rules {
        for b in &r.basis {
            assert!(years.contains(&b.year), "rule {}: year {}", r.id, b.year);
        }
    }
}

/// Help a new supervisor can act on: at least this many characters in Chinese and bytes in
/// English.
#[track_caller]
pub fn assert_help_at_least(t: &Template, zh_chars: usize, en_bytes: usize) {
    for (_, item) in t.items() {
        let help = &item.help;
        assert!(
            help.zh.chars().count() >= zh_chars,
            "{}: help.zh too thin",
            item.code
        );
        assert!(help.en.len() >= en_bytes, "{}: help.en too thin", item.code);
    }
}

/// Chinese prompts and help use full-width punctuation.
#[track_caller]
pub fn assert_full_width_punctuation(t: &Template) {
    for (_, item) in t.items() {
        for text in [&item.prompt.zh, &item.help.zh] {
            for bad in [',', ';', '(', ')', '"', '?'] {
                assert!(
                    !text.contains(bad),
                    "{}: half-width {bad:?} in {text}",
                    item.code
                );
            }
        }
    }
}

// ---- a whole visit ----

/// A compliant answer for every item the school sees, with the trigger answers given.
#[track_caller]
pub fn fill_compliant(t: &Template, s: &School, triggers: &[(&str, AnswerValue)]) -> Answers {
    let mut given = answers(triggers);
    // Two passes: follow-ups appear once their trigger is in.
    for _ in 0..2 {
        for e in Checklist::new(&[t], s).visible(&given) {
            let item = e.item;
            if given.contains_key(&item.code) {
                continue;
            }
            let v = match &item.answer {
                AnswerKind::Compliance => comp(Compliance::Compliant),
                AnswerKind::YesNo { compliant } => {
                    AnswerValue::YesNo(compliant != &Some(YesNoCompliant::No))
                }
                AnswerKind::Choice { options, .. } => AnswerValue::Choice(
                    options
                        .iter()
                        .filter(|o| !o.noncompliant)
                        .map(|o| o.code.clone())
                        .collect(),
                ),
                AnswerKind::Text => AnswerValue::Text("情况已核实，学校已当场整改。".into()),
                AnswerKind::Number { .. } | AnswerKind::Count { .. } | AnswerKind::Time { .. } => {
                    let b = band_at(t, item, s);
                    let n = || b.min_at(s.enrolment).or(b.max).unwrap();
                    match &item.answer {
                        AnswerKind::Time { .. } => {
                            AnswerValue::Time(b.not_before.or(b.not_after).unwrap())
                        }
                        AnswerKind::Count { .. } => count(n() as u32),
                        _ => num(n()),
                    }
                }
                k => panic!("{}: unexpected kind {}", item.code, k.name()),
            };
            given.insert(item.code.clone(), answer(v));
        }
    }
    given
}

/// Filled in compliantly (see [`fill_compliant`]), the visit can be finished with nothing
/// missing and no finding.
#[track_caller]
pub fn assert_finishes_clean(t: &Template, s: &School, triggers: &[(&str, AnswerValue)]) {
    let given = fill_compliant(t, s, triggers);
    let checklist = Checklist::new(&[t], s);
    let missing = checklist.missing(&given);
    assert!(missing.is_empty(), "{}: {missing:?}", s.name);
    let findings = checklist.proposed_findings(&given);
    assert!(findings.is_empty(), "{}: {findings:?}", s.name);
    let p = checklist.progress(&given);
    assert_eq!(p.answered, p.total, "{}", s.name);
}
