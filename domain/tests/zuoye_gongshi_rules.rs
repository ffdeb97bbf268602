//! The 作业公示专项检查 template (`templates/zuoye_gongshi.toml`): it validates, every item and
//! rule cites its basis (local rules marked local), items reach exactly the compulsory-education
//! grades they concern, every threshold is judged correctly on and around its limit for each band
//! and stage, and follow-ups open on their trigger.

mod common;

use common::{answers, school, school_with};
use dudao_domain::builtin;
use dudao_domain::checklist::Answers;
use dudao_domain::rule::Band;
use dudao_domain::template::{AnswerKind, EvidenceRule, Severity, YesNoCompliant};
use dudao_domain::{
    Answer, AnswerValue, Checklist, Compliance, GradeRange, Item, Outcome, School, Stage, Template,
    TimeOfDay, Verdict,
};
use std::collections::{BTreeSet, HashSet};

const SRC: &str = include_str!("../../templates/zuoye_gongshi.toml");

// ---- builders ----

fn tpl() -> Template {
    Template::from_toml(SRC).unwrap_or_else(|e| panic!("zuoye_gongshi.toml is invalid:\n{e}"))
}

fn boarding(stage: Stage) -> School {
    let g = stage.default_grades();
    school_with(stage, [g.from, g.to], true, 800)
}

/// Every stage, as a day school and as a boarding school, plus a 村小 with grades 1–4.
fn all_schools() -> Vec<School> {
    let mut v: Vec<School> = Stage::ALL
        .into_iter()
        .flat_map(|s| [school(s), boarding(s)])
        .collect();
    v.push(school_with(Stage::Primary, [1, 4], false, 120));
    v
}

fn answer(v: AnswerValue) -> Answer {
    Answer {
        value: Some(v),
        updated_at: 1,
        ..Answer::default()
    }
}

fn time(h: u8, m: u8) -> AnswerValue {
    AnswerValue::Time(TimeOfDay::new(h, m).unwrap())
}

fn num(n: f64) -> AnswerValue {
    AnswerValue::Number(n)
}

fn count(n: u32) -> AnswerValue {
    AnswerValue::Count(n)
}

fn yes() -> AnswerValue {
    AnswerValue::YesNo(true)
}

fn no() -> AnswerValue {
    AnswerValue::YesNo(false)
}

fn comp(c: Compliance) -> AnswerValue {
    AnswerValue::Compliance(c)
}

fn visible(t: &Template, s: &School, given: &Answers) -> Vec<String> {
    Checklist::new(&[t], s)
        .visible(given)
        .iter()
        .map(|e| e.item.code.clone())
        .collect()
}

fn sees(t: &Template, s: &School, code: &str) -> bool {
    visible(t, s, &Answers::new()).iter().any(|c| c == code)
}

/// The verdict for one answer, through the checklist as the app does it. Panics if the item does
/// not show at the school, so a test never judges an item the supervisor would not see.
fn judge(t: &Template, s: &School, code: &str, value: AnswerValue) -> Verdict {
    let checklist = Checklist::new(&[t], s);
    assert!(
        checklist.item(code).is_some(),
        "{code} should show at {}",
        s.name
    );
    checklist
        .verdict(code, &answers(&[(code, value.clone())]))
        .unwrap_or_else(|| panic!("{code} = {value:?} at {} gave no verdict", s.name))
}

fn outcome(t: &Template, s: &School, code: &str, value: AnswerValue) -> Outcome {
    judge(t, s, code, value).outcome
}

fn requirement_zh(v: &Verdict) -> String {
    v.requirement
        .as_ref()
        .map(|r| r.zh.clone())
        .unwrap_or_default()
}

// ---- the template as a whole ----

#[test]
fn template_validates() {
    let t = tpl();
    assert_eq!(t.id, "zuoye_gongshi");
    assert_eq!(t.version, 1);
    assert_eq!(t.kind, "作业公示");
    assert!(t.title.zh.contains("作业公示"), "{}", t.title.zh);
    assert!(!t.title.en.is_empty() && !t.description.zh.is_empty());
    assert!(!t.description.en.is_empty());
}

#[test]
fn five_sections_with_sequential_prefixed_codes() {
    let t = tpl();
    let codes: Vec<&str> = t.sections.iter().map(|s| s.code.as_str()).collect();
    assert_eq!(codes, ["GS", "SQ", "ZL", "FS", "TC"]);
    let sizes: Vec<usize> = t.sections.iter().map(|s| s.items.len()).collect();
    assert_eq!(sizes, [5, 3, 10, 5, 6]);
    let mut seen = HashSet::new();
    for s in &t.sections {
        assert!(!s.title.en.is_empty(), "section {}", s.code);
        for (i, item) in s.items.iter().enumerate() {
            assert_eq!(item.code, format!("ZG-{}-{:02}", s.code, i + 1));
            assert!(seen.insert(item.code.clone()), "{} twice", item.code);
        }
    }
    assert_eq!(seen.len(), 29);
}

#[test]
fn item_codes_do_not_clash_with_the_built_in_library() {
    let ours: HashSet<String> = tpl().items().map(|(_, i)| i.code.clone()).collect();
    let library = builtin::templates()
        .unwrap_or_else(|(name, e)| panic!("built-in template {name} is invalid:\n{e}"));
    for t in &library {
        if t.id == "zuoye_gongshi" {
            continue;
        }
        for (_, item) in t.items() {
            assert!(
                !ours.contains(&item.code),
                "{} is also in {}",
                item.code,
                t.id
            );
            assert!(
                !item.code.starts_with("ZG-"),
                "{} uses our prefix",
                item.code
            );
        }
    }
}

#[test]
fn every_item_cites_its_basis_and_reads_in_both_languages() {
    let t = tpl();
    for (_, item) in t.items() {
        let c = &item.code;
        assert!(!item.basis.is_empty(), "{c} has no basis");
        for b in &item.basis {
            assert!(!b.document.trim().is_empty(), "{c}: empty document");
            assert!((2021..=2024).contains(&b.year), "{c}: year {}", b.year);
            assert!(!b.citation().contains("《《"), "{c}: {}", b.citation());
        }
        assert!(
            !item.prompt.zh.trim().is_empty() && !item.prompt.en.trim().is_empty(),
            "{c}: prompt"
        );
        assert!(
            item.help.zh.chars().count() >= 60 && item.help.en.len() >= 100,
            "{c}: help too short to act on"
        );
        if let Some(unit) = item.answer.unit() {
            assert!(!unit.zh.is_empty() && !unit.en.is_empty(), "{c}: unit");
        }
        // Chinese text uses full-width punctuation.
        for zh in [&item.prompt.zh, &item.help.zh] {
            for bad in [",", ";", "(", ")", "?"] {
                assert!(!zh.contains(bad), "{c}: half-width {bad:?} in {zh}");
            }
        }
    }
    for r in &t.rules {
        assert!(!r.basis.is_empty(), "rule {} has no basis", r.id);
        assert!(!r.measure.zh.is_empty() && !r.measure.en.is_empty());
        for b in &r.basis {
            assert!((2021..=2024).contains(&b.year), "rule {}: {}", r.id, b.year);
        }
        for b in &r.bands {
            assert!(
                !b.label.zh.is_empty() && !b.label.en.is_empty(),
                "rule {}",
                r.id
            );
        }
    }
}

#[test]
fn local_rules_are_marked_local_and_national_ones_are_not() {
    let t = tpl();
    let local: BTreeSet<&str> = t
        .rules
        .iter()
        .filter(|r| r.basis.iter().any(|b| b.local))
        .map(|r| r.id.as_str())
        .collect();
    assert_eq!(
        local,
        BTreeSet::from([
            "board_update_time",
            "subject_written_minutes",
            "written_subjects_per_day"
        ])
    );
    // The grade-band totals rest on the national 双减 opinions only.
    let total = t.rule("written_total_minutes").unwrap();
    assert!(total.basis.iter().all(|b| !b.local));
    assert_eq!(total.basis[0].article.as_deref(), Some("第五条"));
    assert!(total.basis[0].document.contains("作业负担和校外培训负担"));
    // An item judged by a local rule says so in its help, and cites the local source itself.
    for (_, item) in t.items() {
        let Some(rule) = item.rule.as_deref() else {
            continue;
        };
        if local.contains(rule) {
            assert!(
                item.help.zh.contains("本地标准") && item.help.zh.contains("督导部门调整"),
                "{}: help must say the limit is local and adjustable",
                item.code
            );
            assert!(item.basis.iter().any(|b| b.local), "{}", item.code);
        }
    }
}

#[test]
fn no_photo_requirements_and_no_major_severity() {
    for (_, item) in tpl().items() {
        assert_eq!(item.evidence, EvidenceRule::None, "{}", item.code);
        assert_eq!(item.severity, Severity::General, "{}", item.code);
    }
}

#[test]
fn answer_kinds_fit_what_is_asked() {
    let t = tpl();
    let kind = |c: &str| t.item(c).unwrap().answer.clone();
    let yn = |c: &str| match kind(c) {
        AnswerKind::YesNo { compliant } => compliant,
        k => panic!("{c} is {}", k.name()),
    };
    assert_eq!(yn("ZG-TC-04"), None, "a trigger is not judged");
    assert_eq!(yn("ZG-SQ-02"), Some(YesNoCompliant::Yes));
    for c in ["ZG-GS-04", "ZG-ZL-01", "ZG-FS-01", "ZG-FS-02", "ZG-FS-03"] {
        assert_eq!(yn(c), Some(YesNoCompliant::No), "{c}");
    }
    assert_eq!(kind("ZG-GS-03"), AnswerKind::Time);
    for c in ["ZG-ZL-02", "ZG-ZL-03", "ZG-ZL-04", "ZG-ZL-05", "ZG-ZL-06"] {
        assert!(matches!(kind(c), AnswerKind::Number { .. }), "{c}");
    }
    for c in ["ZG-ZL-07", "ZG-ZL-08"] {
        assert!(matches!(kind(c), AnswerKind::Count { .. }), "{c}");
    }
    // Every time, number or count item is judged by a rule; every item has grades within 1–9.
    for (_, item) in t.items() {
        if matches!(
            item.answer,
            AnswerKind::Time | AnswerKind::Number { .. } | AnswerKind::Count { .. }
        ) {
            assert!(
                item.rule.is_some(),
                "{} measures but has no rule",
                item.code
            );
        }
        let g = item
            .grades
            .unwrap_or_else(|| panic!("{} has no grades", item.code));
        assert!(g.from >= 1 && g.to <= 9, "{}: {g:?}", item.code);
        assert!(
            item.stages.is_none() && item.boarding.is_none(),
            "{}",
            item.code
        );
    }
    // Yes/no checkpoints are judged the way round they are written.
    let s = school(Stage::Primary);
    assert_eq!(outcome(&t, &s, "ZG-FS-02", yes()), Outcome::NonCompliant);
    assert_eq!(outcome(&t, &s, "ZG-FS-02", no()), Outcome::Compliant);
    assert_eq!(outcome(&t, &s, "ZG-SQ-02", yes()), Outcome::Compliant);
    assert_eq!(outcome(&t, &s, "ZG-SQ-02", no()), Outcome::NonCompliant);
    assert_eq!(outcome(&t, &s, "ZG-ZL-01", yes()), Outcome::NonCompliant);
    assert_eq!(
        outcome(&t, &s, "ZG-GS-01", comp(Compliance::Partial)),
        Outcome::Partial
    );
    assert!(Checklist::new(&[&t], &s)
        .verdict("ZG-TC-04", &answers(&[("ZG-TC-04", yes())]))
        .is_none());
}

// ---- rules as data ----

/// The band a rule-bearing item is judged against at a school: exactly one, as items are split.
fn band_at<'a>(t: &'a Template, item: &Item, s: &School) -> &'a Band {
    let rule = t.rule(item.rule.as_deref().unwrap()).unwrap();
    let grades = item.grades_at(s).unwrap();
    let bands: Vec<&Band> = rule.bands_for(grades, s.enrolment).collect();
    assert_eq!(
        bands.len(),
        1,
        "{} at {} touches {:?}",
        item.code,
        s.name,
        bands
    );
    bands[0]
}

#[test]
fn every_rule_item_sits_in_exactly_one_band_and_every_band_is_used() {
    let t = tpl();
    let mut used: HashSet<(String, usize)> = HashSet::new();
    for (_, item) in t.items() {
        let Some(rule_id) = &item.rule else { continue };
        let rule = t.rule(rule_id).unwrap();
        let scope = item.grades.unwrap();
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
            "{} spans {touched:?} of {rule_id}",
            item.code
        );
        assert!(rule.bands[touched[0]].grades.covers(scope), "{}", item.code);
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

/// A band as (grades, min, max, not_before, not_after).
type BandLimits = (
    GradeRange,
    Option<f64>,
    Option<f64>,
    Option<String>,
    Option<String>,
);

#[test]
fn the_threshold_values() {
    let t = tpl();
    let limits = |id: &str| -> Vec<BandLimits> {
        t.rule(id)
            .unwrap()
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
    };
    let g = GradeRange::new;
    assert_eq!(
        limits("written_total_minutes"),
        [
            (g(1, 2), None, Some(0.0), None, None),
            (g(3, 6), None, Some(60.0), None, None),
            (g(7, 9), None, Some(90.0), None, None)
        ]
    );
    assert_eq!(
        limits("board_update_time"),
        [(g(1, 9), None, None, None, Some("09:00".to_owned()))]
    );
    assert_eq!(
        limits("subject_written_minutes"),
        [
            (g(3, 6), None, Some(15.0), None, None),
            (g(7, 9), None, Some(15.0), None, None)
        ]
    );
    assert_eq!(
        limits("written_subjects_per_day"),
        [
            (g(3, 6), None, Some(3.0), None, None),
            (g(7, 9), None, Some(3.0), None, None)
        ]
    );
}

/// Every rule-bearing item at every school that sees it, on its limit and one step beyond,
/// judged both through the checklist and with `Verdict::for_item`.
#[test]
fn every_threshold_holds_at_its_edge_for_every_stage() {
    let t = tpl();
    let mut checked = 0;
    for s in all_schools() {
        let checklist = Checklist::new(&[&t], &s);
        for e in checklist.visible(&Answers::new()) {
            let item = e.item;
            if item.rule.is_none() {
                continue;
            }
            let band = band_at(&t, item, &s);
            let numeric = |n: f64| match item.answer {
                AnswerKind::Count { .. } => count(n as u32),
                _ => num(n),
            };
            let mut cases: Vec<(AnswerValue, Outcome)> = Vec::new();
            if let Some(max) = band.max {
                cases.push((numeric(max), Outcome::Compliant));
                cases.push((numeric(max + 1.0), Outcome::NonCompliant));
                if max >= 1.0 {
                    cases.push((numeric(max - 1.0), Outcome::Compliant));
                }
                if matches!(item.answer, AnswerKind::Number { .. }) {
                    cases.push((num(max + 0.5), Outcome::NonCompliant));
                }
            }
            if let Some(min) = band.min {
                cases.push((numeric(min), Outcome::Compliant));
                cases.push((numeric(min - 1.0), Outcome::NonCompliant));
            }
            let shift = |tod: TimeOfDay, d: i32| {
                let m = tod.minutes() as i32 + d;
                time((m / 60) as u8, (m % 60) as u8)
            };
            if let Some(a) = band.not_after {
                cases.push((shift(a, 0), Outcome::Compliant));
                cases.push((shift(a, -1), Outcome::Compliant));
                cases.push((shift(a, 1), Outcome::NonCompliant));
            }
            if let Some(b) = band.not_before {
                cases.push((shift(b, 0), Outcome::Compliant));
                cases.push((shift(b, -1), Outcome::NonCompliant));
            }
            assert!(!cases.is_empty(), "{}", item.code);
            for (value, want) in cases {
                let v = checklist
                    .verdict(&item.code, &answers(&[(&item.code, value.clone())]))
                    .unwrap_or_else(|| {
                        panic!("{} = {value:?} at {}: no verdict", item.code, s.name)
                    });
                assert_eq!(v.outcome, want, "{} = {value:?} at {}", item.code, s.name);
                assert!(
                    requirement_zh(&v).starts_with(&band.label.zh),
                    "{}: {}",
                    item.code,
                    requirement_zh(&v)
                );
                assert_eq!(v.rule_id.as_deref(), item.rule.as_deref());
                assert!(!v.basis.is_empty());
                assert_eq!(Verdict::for_item(&t, item, &value, &s), Some(v));
                checked += 1;
            }
        }
    }
    assert!(checked > 150, "only {checked} cases ran");
}

// ---- thresholds, case by case ----

#[test]
fn written_total_grades_one_and_two_must_be_zero() {
    let t = tpl();
    for s in [
        school(Stage::Primary),
        school(Stage::NineYear),
        school_with(Stage::Primary, [1, 4], false, 120),
    ] {
        assert_eq!(outcome(&t, &s, "ZG-ZL-02", num(0.0)), Outcome::Compliant);
        for minutes in [0.5, 1.0, 15.0, 40.0] {
            let v = judge(&t, &s, "ZG-ZL-02", num(minutes));
            assert_eq!(v.outcome, Outcome::NonCompliant, "{minutes} min");
            assert_eq!(requirement_zh(&v), "一二年级 应为 0 分钟");
            assert_eq!(v.requirement.unwrap().en, "Grades 1–2 must be 0 min");
        }
    }
}

#[test]
fn written_total_grades_three_to_six_at_most_sixty() {
    let t = tpl();
    for s in [
        school(Stage::Primary),
        school(Stage::NineYear),
        school_with(Stage::Primary, [1, 4], false, 120),
    ] {
        assert_eq!(outcome(&t, &s, "ZG-ZL-03", num(0.0)), Outcome::Compliant);
        assert_eq!(outcome(&t, &s, "ZG-ZL-03", num(59.5)), Outcome::Compliant);
        assert_eq!(outcome(&t, &s, "ZG-ZL-03", num(60.0)), Outcome::Compliant);
        assert_eq!(
            outcome(&t, &s, "ZG-ZL-03", num(60.5)),
            Outcome::NonCompliant
        );
        let v = judge(&t, &s, "ZG-ZL-03", num(61.0));
        assert_eq!(v.outcome, Outcome::NonCompliant);
        assert_eq!(requirement_zh(&v), "三至六年级 ≤ 60 分钟");
        assert_eq!(v.requirement.unwrap().en, "Grades 3–6 ≤ 60 min");
        assert!(v.basis.iter().all(|b| !b.local));
    }
}

#[test]
fn written_total_junior_high_at_most_ninety() {
    let t = tpl();
    for stage in [Stage::Junior, Stage::NineYear, Stage::CompleteSecondary] {
        for s in [school(stage), boarding(stage)] {
            assert_eq!(outcome(&t, &s, "ZG-ZL-04", num(90.0)), Outcome::Compliant);
            assert_eq!(outcome(&t, &s, "ZG-ZL-04", num(75.0)), Outcome::Compliant);
            let v = judge(&t, &s, "ZG-ZL-04", num(91.0));
            assert_eq!(v.outcome, Outcome::NonCompliant, "{}", s.name);
            assert_eq!(requirement_zh(&v), "初中 ≤ 90 分钟");
        }
    }
    // A 九年一贯制 school: 75 minutes is over for 三至六年级 and fine for 初中.
    let s = school(Stage::NineYear);
    assert_eq!(
        outcome(&t, &s, "ZG-ZL-03", num(75.0)),
        Outcome::NonCompliant
    );
    assert_eq!(outcome(&t, &s, "ZG-ZL-04", num(75.0)), Outcome::Compliant);
}

#[test]
fn board_updated_by_nine() {
    let t = tpl();
    for stage in [
        Stage::Primary,
        Stage::Junior,
        Stage::NineYear,
        Stage::CompleteSecondary,
    ] {
        let s = school(stage);
        assert_eq!(outcome(&t, &s, "ZG-GS-03", time(7, 30)), Outcome::Compliant);
        assert_eq!(outcome(&t, &s, "ZG-GS-03", time(8, 59)), Outcome::Compliant);
        assert_eq!(outcome(&t, &s, "ZG-GS-03", time(9, 0)), Outcome::Compliant);
        let v = judge(&t, &s, "ZG-GS-03", time(9, 1));
        assert_eq!(v.outcome, Outcome::NonCompliant);
        assert_eq!(requirement_zh(&v), "义务教育阶段 不晚于 09:00");
        assert!(v.basis.iter().all(|b| b.local), "the 09:00 rule is local");
        assert_eq!(
            outcome(&t, &s, "ZG-GS-03", time(10, 30)),
            Outcome::NonCompliant
        );
    }
}

#[test]
fn single_subject_at_most_fifteen_minutes() {
    let t = tpl();
    let cases = [
        ("ZG-ZL-05", Stage::Primary, "三至六年级 ≤ 15 分钟"),
        ("ZG-ZL-05", Stage::NineYear, "三至六年级 ≤ 15 分钟"),
        ("ZG-ZL-06", Stage::Junior, "初中 ≤ 15 分钟"),
        ("ZG-ZL-06", Stage::NineYear, "初中 ≤ 15 分钟"),
        ("ZG-ZL-06", Stage::CompleteSecondary, "初中 ≤ 15 分钟"),
    ];
    for (code, stage, req) in cases {
        let s = school(stage);
        assert_eq!(outcome(&t, &s, code, num(15.0)), Outcome::Compliant);
        assert_eq!(outcome(&t, &s, code, num(10.0)), Outcome::Compliant);
        let v = judge(&t, &s, code, num(16.0));
        assert_eq!(v.outcome, Outcome::NonCompliant, "{code} {}", stage.zh());
        assert_eq!(requirement_zh(&v), req);
        assert!(v.basis.iter().any(|b| b.local));
    }
}

#[test]
fn at_most_three_written_subjects_a_day() {
    let t = tpl();
    let primary = ("三至六年级 ≤ 3 科", "Grades 3–6 ≤ 3 subjects");
    let junior = ("初中 ≤ 3 科", "Junior high ≤ 3 subjects");
    let cases = [
        ("ZG-ZL-07", Stage::Primary, primary),
        ("ZG-ZL-07", Stage::NineYear, primary),
        ("ZG-ZL-08", Stage::Junior, junior),
        ("ZG-ZL-08", Stage::NineYear, junior),
        ("ZG-ZL-08", Stage::CompleteSecondary, junior),
    ];
    for (code, stage, (req, req_en)) in cases {
        let s = school(stage);
        assert_eq!(outcome(&t, &s, code, count(0)), Outcome::Compliant);
        assert_eq!(outcome(&t, &s, code, count(3)), Outcome::Compliant);
        let v = judge(&t, &s, code, count(4));
        assert_eq!(v.outcome, Outcome::NonCompliant, "{code} {}", stage.zh());
        assert_eq!(requirement_zh(&v), req);
        assert_eq!(v.requirement.unwrap().en, req_en);
    }
}

// ---- which school sees what ----

#[test]
fn kindergartens_and_senior_high_schools_see_nothing() {
    let t = tpl();
    // Even with every trigger answered the way that opens follow-ups.
    let triggers = answers(&[
        ("ZG-GS-04", yes()),
        ("ZG-SQ-02", no()),
        ("ZG-ZL-01", yes()),
        ("ZG-FS-01", yes()),
        ("ZG-TC-04", yes()),
    ]);
    for stage in [Stage::Kindergarten, Stage::Senior] {
        for s in [school(stage), boarding(stage)] {
            let checklist = Checklist::new(&[&t], &s);
            assert!(checklist.visible(&Answers::new()).is_empty(), "{}", s.name);
            assert!(checklist.visible(&triggers).is_empty(), "{}", s.name);
            assert!(checklist.sections(&Answers::new()).is_empty());
            assert!(checklist.missing(&Answers::new()).is_empty());
        }
    }
}

#[test]
fn each_stage_sees_its_own_bands() {
    let t = tpl();
    let primary = ["ZG-ZL-01", "ZG-ZL-02", "ZG-ZL-03", "ZG-ZL-05", "ZG-ZL-07"];
    let junior = ["ZG-ZL-04", "ZG-ZL-06", "ZG-ZL-08"];
    let common_items = ["ZG-GS-01", "ZG-GS-03", "ZG-SQ-02", "ZG-FS-03", "ZG-TC-03"];
    let cases: [(Stage, bool, bool); 4] = [
        (Stage::Primary, true, false),
        (Stage::Junior, false, true),
        (Stage::NineYear, true, true),
        (Stage::CompleteSecondary, false, true),
    ];
    for (stage, has_primary, has_junior) in cases {
        for s in [school(stage), boarding(stage)] {
            for c in primary {
                assert_eq!(sees(&t, &s, c), has_primary, "{c} at {}", s.name);
            }
            for c in junior {
                assert_eq!(sees(&t, &s, c), has_junior, "{c} at {}", s.name);
            }
            for c in common_items {
                assert!(sees(&t, &s, c), "{c} at {}", s.name);
            }
        }
    }
    // A 村小 with grades 1–4 is asked about its own grades only.
    let small = school_with(Stage::Primary, [1, 4], false, 120);
    for c in primary {
        assert!(sees(&t, &small, c), "{c}");
    }
    // A school with grades 3–6 only has no 一二年级 item.
    let upper = school_with(Stage::Primary, [3, 6], false, 300);
    assert!(!sees(&t, &upper, "ZG-ZL-01") && !sees(&t, &upper, "ZG-ZL-02"));
    assert!(sees(&t, &upper, "ZG-ZL-03"));
}

#[test]
fn how_many_items_each_stage_sees_before_any_follow_up() {
    let t = tpl();
    let n = |s: &School| visible(&t, s, &Answers::new()).len();
    assert_eq!(n(&school(Stage::Primary)), 20);
    assert_eq!(n(&school(Stage::Junior)), 18);
    assert_eq!(n(&school(Stage::NineYear)), 23);
    assert_eq!(n(&school(Stage::CompleteSecondary)), 18);
    assert_eq!(n(&school(Stage::Senior)), 0);
    assert_eq!(n(&school(Stage::Kindergarten)), 0);
    // Boarding changes nothing here.
    for stage in Stage::ALL {
        assert_eq!(n(&school(stage)), n(&boarding(stage)), "{}", stage.zh());
    }
    // With every follow-up open, a 九年一贯制 school sees all 29.
    let all_open = answers(&[
        ("ZG-GS-04", yes()),
        ("ZG-SQ-02", no()),
        ("ZG-ZL-01", yes()),
        ("ZG-FS-01", yes()),
        ("ZG-TC-04", yes()),
    ]);
    assert_eq!(visible(&t, &school(Stage::NineYear), &all_open).len(), 29);
}

// ---- show-if follow-ups ----

fn shows(t: &Template, s: &School, code: &str, given: &[(&str, AnswerValue)]) -> bool {
    visible(t, s, &answers(given)).iter().any(|c| c == code)
}

#[test]
fn follow_ups_are_exactly_these() {
    let t = tpl();
    let with: Vec<&str> = t
        .items()
        .filter(|(_, i)| i.show_if.is_some())
        .map(|(_, i)| i.code.as_str())
        .collect();
    assert_eq!(
        with,
        ["ZG-GS-05", "ZG-SQ-03", "ZG-ZL-10", "ZG-FS-05", "ZG-TC-05", "ZG-TC-06"]
    );
}

#[test]
fn publication_follow_up_opens_on_a_late_weak_or_inaccurate_board() {
    let t = tpl();
    let s = school(Stage::Primary);
    let f = "ZG-GS-05";
    assert!(!shows(&t, &s, f, &[]), "hidden until something is answered");
    assert!(!shows(
        &t,
        &s,
        f,
        &[
            ("ZG-GS-02", comp(Compliance::Compliant)),
            ("ZG-GS-03", time(9, 0)),
            ("ZG-GS-04", no())
        ]
    ));
    assert!(shows(&t, &s, f, &[("ZG-GS-02", comp(Compliance::Partial))]));
    assert!(shows(
        &t,
        &s,
        f,
        &[("ZG-GS-02", comp(Compliance::NonCompliant))]
    ));
    assert!(!shows(
        &t,
        &s,
        f,
        &[("ZG-GS-02", comp(Compliance::NotApplicable))]
    ));
    assert!(shows(&t, &s, f, &[("ZG-GS-03", time(9, 1))]));
    assert!(!shows(&t, &s, f, &[("ZG-GS-03", time(8, 59))]));
    assert!(shows(&t, &s, f, &[("ZG-GS-04", yes())]));
    // Required once shown, and only then.
    let checklist = Checklist::new(&[&t], &s);
    let missing = |given: &[(&str, AnswerValue)]| -> bool {
        checklist
            .missing(&answers(given))
            .iter()
            .any(|m| m.item_code == f)
    };
    assert!(!missing(&[("ZG-GS-04", no())]));
    assert!(missing(&[("ZG-GS-04", yes())]));
}

#[test]
fn sign_off_follow_up_opens_when_a_signature_is_missing() {
    let t = tpl();
    let s = school(Stage::Junior);
    assert!(!shows(&t, &s, "ZG-SQ-03", &[]));
    assert!(!shows(&t, &s, "ZG-SQ-03", &[("ZG-SQ-02", yes())]));
    assert!(shows(&t, &s, "ZG-SQ-03", &[("ZG-SQ-02", no())]));
}

#[test]
fn overload_follow_up_opens_just_beyond_each_limit() {
    let t = tpl();
    let f = "ZG-ZL-10";
    let nine = school(Stage::NineYear);
    assert!(!shows(&t, &nine, f, &[]));
    // At the limit: closed. One step beyond: open.
    let edges: [(&str, AnswerValue, AnswerValue); 7] = [
        ("ZG-ZL-02", num(0.0), num(1.0)),
        ("ZG-ZL-03", num(60.0), num(61.0)),
        ("ZG-ZL-04", num(90.0), num(91.0)),
        ("ZG-ZL-05", num(15.0), num(16.0)),
        ("ZG-ZL-06", num(15.0), num(16.0)),
        ("ZG-ZL-07", count(3), count(4)),
        ("ZG-ZL-08", count(3), count(4)),
    ];
    for (code, ok, over) in edges {
        assert!(
            !shows(&t, &nine, f, &[(code, ok.clone())]),
            "{code} = {ok:?}"
        );
        assert!(
            shows(&t, &nine, f, &[(code, over.clone())]),
            "{code} = {over:?}"
        );
        // The follow-up opens exactly when the rule says 不符合.
        assert_eq!(outcome(&t, &nine, code, ok), Outcome::Compliant);
        assert_eq!(outcome(&t, &nine, code, over), Outcome::NonCompliant);
    }
    assert!(shows(&t, &nine, f, &[("ZG-ZL-01", yes())]));
    assert!(!shows(&t, &nine, f, &[("ZG-ZL-01", no())]));
    // A junior school opens it on its own items.
    let junior = school(Stage::Junior);
    assert!(shows(&t, &junior, f, &[("ZG-ZL-04", num(100.0))]));
    assert!(!shows(&t, &junior, f, &[("ZG-ZL-04", num(80.0))]));
}

#[test]
fn method_follow_up_opens_on_any_improper_practice() {
    let t = tpl();
    let s = school(Stage::Primary);
    let f = "ZG-FS-05";
    assert!(!shows(
        &t,
        &s,
        f,
        &[
            ("ZG-FS-01", no()),
            ("ZG-FS-02", no()),
            ("ZG-FS-03", no()),
            ("ZG-FS-04", comp(Compliance::Partial))
        ]
    ));
    for code in ["ZG-FS-01", "ZG-FS-02", "ZG-FS-03"] {
        assert!(shows(&t, &s, f, &[(code, yes())]), "{code}");
    }
    assert!(shows(
        &t,
        &s,
        f,
        &[("ZG-FS-04", comp(Compliance::NonCompliant))]
    ));
}

#[test]
fn complaint_follow_ups_open_when_complaints_came_in() {
    let t = tpl();
    let s = school(Stage::Junior);
    for f in ["ZG-TC-05", "ZG-TC-06"] {
        assert!(!shows(&t, &s, f, &[]), "{f}");
        assert!(!shows(&t, &s, f, &[("ZG-TC-04", no())]), "{f}");
        assert!(shows(&t, &s, f, &[("ZG-TC-04", yes())]), "{f}");
    }
    let given = answers(&[
        ("ZG-TC-04", yes()),
        ("ZG-TC-05", comp(Compliance::NonCompliant)),
    ]);
    assert_eq!(
        Checklist::new(&[&t], &s)
            .verdict("ZG-TC-05", &given)
            .unwrap()
            .outcome,
        Outcome::NonCompliant
    );
}

// ---- a whole visit ----

/// A compliant answer for every item that shows, given the trigger answers.
fn fill_compliant(t: &Template, s: &School, triggers: &[(&str, AnswerValue)]) -> Answers {
    let mut given = answers(triggers);
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
                AnswerKind::Text => {
                    AnswerValue::Text("家长反映五年级（2）班数学作业偏多，已核查调整".into())
                }
                AnswerKind::Number { .. } | AnswerKind::Count { .. } | AnswerKind::Time => {
                    let b = band_at(t, item, s);
                    match &item.answer {
                        AnswerKind::Time => {
                            AnswerValue::Time(b.not_before.or(b.not_after).unwrap())
                        }
                        AnswerKind::Count { .. } => count(b.min.or(b.max).unwrap() as u32),
                        _ => num(b.min.or(b.max).unwrap()),
                    }
                }
                k => panic!("{}: unexpected kind {}", item.code, k.name()),
            };
            given.insert(item.code.clone(), answer(v));
        }
    }
    given
}

#[test]
fn a_fully_compliant_visit_finishes_with_no_findings() {
    let t = tpl();
    for s in all_schools()
        .into_iter()
        .filter(|s| !matches!(s.stage, Stage::Kindergarten | Stage::Senior))
    {
        for complaints in [no(), yes()] {
            let given = fill_compliant(&t, &s, &[("ZG-TC-04", complaints)]);
            let checklist = Checklist::new(&[&t], &s);
            assert!(
                checklist.missing(&given).is_empty(),
                "{}: {:?}",
                s.name,
                checklist.missing(&given)
            );
            assert!(checklist.proposed_findings(&given).is_empty(), "{}", s.name);
        }
    }
}

#[test]
fn overload_and_a_late_board_become_findings_with_their_requirements() {
    let t = tpl();
    let s = school(Stage::Primary);
    let mut given = fill_compliant(&t, &s, &[("ZG-TC-04", no())]);
    let set = |given: &mut Answers, code: &str, v: AnswerValue| {
        given.insert(code.into(), answer(v));
    };
    set(&mut given, "ZG-ZL-03", num(80.0));
    set(&mut given, "ZG-GS-03", time(9, 40));
    set(&mut given, "ZG-ZL-05", num(25.0));
    let checklist = Checklist::new(&[&t], &s);
    // The follow-ups opened and are now required.
    let missing: Vec<String> = checklist
        .missing(&given)
        .into_iter()
        .map(|m| m.item_code)
        .collect();
    assert_eq!(missing, ["ZG-GS-05", "ZG-ZL-10"]);
    let findings = checklist.proposed_findings(&given);
    let codes: Vec<&str> = findings.iter().map(|f| f.item_code.as_str()).collect();
    assert_eq!(codes, ["ZG-GS-03", "ZG-ZL-03", "ZG-ZL-05"]);
    let d = |i: usize| findings[i].description.zh.clone();
    assert!(d(0).contains("义务教育阶段 不晚于 09:00"), "{}", d(0));
    assert!(
        d(1).contains("实测 80 分钟") && d(1).contains("三至六年级 ≤ 60 分钟"),
        "{}",
        d(1)
    );
    assert!(d(2).contains("三至六年级 ≤ 15 分钟"), "{}", d(2));
    assert_eq!(findings[1].section.zh, "作业总量");
    assert!(findings.iter().all(|f| f.severity == Severity::General));
    assert!(findings[0].basis.iter().all(|b| b.local));
    assert!(findings[1].basis.iter().all(|b| !b.local));
}
