//! The “双减”及课后服务 template (`templates/shuangjian.toml`): it validates, every item and rule
//! cites its basis (local rules marked local), items reach exactly the schools they concern
//! (课后服务 for grades 1–9, the paid-tutoring and advertising bans up to senior high, nothing
//! for kindergartens), every threshold is judged correctly on and around its limit for each band and
//! stage, and follow-ups open on their trigger.

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

const SRC: &str = include_str!("../../templates/shuangjian.toml");

// ---- builders ----

fn tpl() -> Template {
    Template::from_toml(SRC).unwrap_or_else(|e| panic!("shuangjian.toml is invalid:\n{e}"))
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

/// The answers that open every follow-up hiding a rule-bearing item.
fn open_triggers() -> Answers {
    answers(&[
        ("SX-WZ-01", yes()),
        ("SX-TB-03", yes()),
        ("SX-SF-01", yes()),
    ])
}

// ---- the template as a whole ----

#[test]
fn template_validates() {
    let t = tpl();
    assert_eq!(t.id, "shuangjian");
    assert_eq!(t.version, 1);
    assert_eq!(t.kind, "双减");
    assert!(t.title.zh.contains("“双减”") && t.title.zh.contains("课后服务"));
    assert!(!t.title.en.is_empty() && !t.description.zh.is_empty());
    assert!(!t.description.en.is_empty());
}

#[test]
fn six_sections_with_sequential_prefixed_codes() {
    let t = tpl();
    let codes: Vec<&str> = t.sections.iter().map(|s| s.code.as_str()).collect();
    assert_eq!(codes, ["KH", "SF", "WZ", "PX", "KS", "TB"]);
    let sizes: Vec<usize> = t.sections.iter().map(|s| s.items.len()).collect();
    assert_eq!(sizes, [13, 6, 5, 7, 6, 5]);
    let mut seen = HashSet::new();
    for s in &t.sections {
        assert!(!s.title.en.is_empty(), "section {}", s.code);
        for (i, item) in s.items.iter().enumerate() {
            assert_eq!(item.code, format!("SX-{}-{:02}", s.code, i + 1));
            assert!(seen.insert(item.code.clone()), "{} twice", item.code);
        }
    }
    assert_eq!(seen.len(), 42);
}

#[test]
fn item_codes_do_not_clash_with_the_built_in_library_or_the_homework_template() {
    let ours: HashSet<String> = tpl().items().map(|(_, i)| i.code.clone()).collect();
    let mut others = builtin::templates()
        .unwrap_or_else(|(name, e)| panic!("built-in template {name} is invalid:\n{e}"));
    others.retain(|t| t.id != "shuangjian");
    if !others.iter().any(|t| t.id == "zuoye_gongshi") {
        others.push(
            Template::from_toml(include_str!("../../templates/zuoye_gongshi.toml"))
                .unwrap_or_else(|e| panic!("zuoye_gongshi.toml is invalid:\n{e}")),
        );
    }
    for t in &others {
        for (_, item) in t.items() {
            assert!(
                !ours.contains(&item.code),
                "{} is also in {}",
                item.code,
                t.id
            );
            assert!(
                !item.code.starts_with("SX-"),
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
            assert!((2013..=2021).contains(&b.year), "{c}: year {}", b.year);
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
            assert!((2013..=2021).contains(&b.year), "rule {}: {}", r.id, b.year);
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
            "evening_study_end",
            "evening_study_hours",
            "service_end_time"
        ])
    );
    for id in [
        "service_days_per_week",
        "service_hours_per_day",
        "exams_per_term",
        "overloaded_classes",
        "service_shortfall_grades",
        "overdue_leads",
    ] {
        assert!(t.rule(id).unwrap().basis.iter().all(|b| !b.local), "{id}");
    }
    // The 5+2 rules rest on 双减意见 art. 9; the end time also names the national principle.
    for id in [
        "service_days_per_week",
        "service_hours_per_day",
        "service_end_time",
    ] {
        let b = &t.rule(id).unwrap().basis[0];
        assert!(b.document.contains("作业负担和校外培训负担"), "{id}");
        assert_eq!(b.article.as_deref(), Some("第九条"), "{id}");
    }
    // An item judged by a local rule says so in its help and cites the local source itself.
    for (_, item) in t.items() {
        let Some(rule) = item.rule.as_deref() else {
            continue;
        };
        if local.contains(rule) {
            assert!(
                item.help.zh.contains("本地标准") && item.help.zh.contains("督导部门"),
                "{}: help must say the limit is local and adjustable",
                item.code
            );
            assert!(item.basis.iter().any(|b| b.local), "{}", item.code);
        }
    }
    // The 17:30 default is said to be unverified.
    for code in ["SX-KH-06", "SX-KH-07"] {
        assert!(t.item(code).unwrap().help.zh.contains("未经核实"), "{code}");
    }
}

#[test]
fn no_photo_requirements_and_only_paid_tutoring_is_major() {
    let t = tpl();
    for (_, item) in t.items() {
        assert_eq!(item.evidence, EvidenceRule::None, "{}", item.code);
    }
    let major: Vec<&str> = t
        .items()
        .filter(|(_, i)| i.severity == Severity::Major)
        .map(|(_, i)| i.code.as_str())
        .collect();
    assert_eq!(major, ["SX-PX-02"]);
    // A proven case becomes a 重大 finding.
    let s = school(Stage::Junior);
    let given = answers(&[
        ("SX-PX-02", yes()),
        (
            "SX-PX-03",
            AnswerValue::Text("数学教师1名在家中有偿补课".into()),
        ),
    ]);
    let findings = Checklist::new(&[&t], &s).proposed_findings(&given);
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0].item_code, "SX-PX-02");
    assert_eq!(findings[0].severity, Severity::Major);
}

#[test]
fn answer_kinds_fit_what_is_asked() {
    let t = tpl();
    let kind = |c: &str| t.item(c).unwrap().answer.clone();
    let yn = |c: &str| match kind(c) {
        AnswerKind::YesNo { compliant } => compliant,
        k => panic!("{c} is {}", k.name()),
    };
    for trigger in ["SX-SF-01", "SX-WZ-01", "SX-TB-03"] {
        assert_eq!(yn(trigger), None, "{trigger} is a trigger, not judged");
    }
    for c in [
        "SX-KH-11", "SX-SF-05", "SX-PX-02", "SX-PX-04", "SX-PX-05", "SX-KS-04", "SX-KS-05",
    ] {
        assert_eq!(yn(c), Some(YesNoCompliant::No), "{c}");
    }
    for c in ["SX-KH-06", "SX-KH-07", "SX-WZ-02"] {
        assert_eq!(kind(c), AnswerKind::Time, "{c}");
    }
    for c in ["SX-KH-04", "SX-KH-05", "SX-WZ-03"] {
        assert!(matches!(kind(c), AnswerKind::Number { .. }), "{c}");
    }
    for c in [
        "SX-KH-02", "SX-KH-03", "SX-KS-01", "SX-KS-02", "SX-KS-03", "SX-TB-01", "SX-TB-02",
        "SX-TB-04",
    ] {
        assert!(matches!(kind(c), AnswerKind::Count { .. }), "{c}");
    }
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
        assert!(g.to <= 12, "{}", item.code);
        assert!(
            item.stages.is_none() && item.boarding.is_none(),
            "{}",
            item.code
        );
    }
    let s = school(Stage::Primary);
    assert_eq!(outcome(&t, &s, "SX-KH-11", yes()), Outcome::NonCompliant);
    assert_eq!(outcome(&t, &s, "SX-KH-11", no()), Outcome::Compliant);
    assert_eq!(
        outcome(&t, &s, "SX-KH-09", comp(Compliance::NotApplicable)),
        Outcome::NotApplicable
    );
    assert!(Checklist::new(&[&t], &s)
        .verdict("SX-SF-01", &answers(&[("SX-SF-01", yes())]))
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
    let s = |x: &str| Some(x.to_owned());
    assert_eq!(
        limits("service_days_per_week"),
        [
            (g(1, 6), Some(5.0), None, None, None),
            (g(7, 9), Some(5.0), None, None, None)
        ]
    );
    assert_eq!(
        limits("service_hours_per_day"),
        [
            (g(1, 6), Some(2.0), None, None, None),
            (g(7, 9), Some(2.0), None, None, None)
        ]
    );
    assert_eq!(
        limits("service_end_time"),
        [
            (g(1, 6), None, None, s("17:30"), None),
            (g(7, 9), None, None, s("17:30"), None)
        ]
    );
    assert_eq!(
        limits("evening_study_end"),
        [(g(7, 9), None, None, None, s("20:30"))]
    );
    assert_eq!(
        limits("evening_study_hours"),
        [(g(7, 9), None, Some(2.0), None, None)]
    );
    assert_eq!(
        limits("exams_per_term"),
        [
            (g(1, 2), None, Some(0.0), None, None),
            (g(3, 6), None, Some(1.0), None, None),
            (g(7, 9), None, Some(2.0), None, None)
        ]
    );
    for id in [
        "overloaded_classes",
        "service_shortfall_grades",
        "overdue_leads",
    ] {
        assert_eq!(limits(id), [(g(1, 9), None, Some(0.0), None, None)], "{id}");
    }
}

/// Every rule-bearing item at every school that sees it, on its limit and one step beyond,
/// judged both through the checklist and with `Verdict::for_item`.
#[test]
fn every_threshold_holds_at_its_edge_for_every_stage() {
    let t = tpl();
    let mut checked = 0;
    for s in all_schools() {
        let checklist = Checklist::new(&[&t], &s);
        for e in checklist.visible(&open_triggers()) {
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
                cases.push((numeric(min + 1.0), Outcome::Compliant));
                cases.push((numeric(min - 1.0), Outcome::NonCompliant));
                if matches!(item.answer, AnswerKind::Number { .. }) {
                    cases.push((num(min - 0.1), Outcome::NonCompliant));
                }
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
                cases.push((shift(b, 1), Outcome::Compliant));
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
    assert!(checked > 200, "only {checked} cases ran");
}

// ---- thresholds, case by case ----

#[test]
fn five_days_a_week() {
    let t = tpl();
    let cases = [
        ("SX-KH-02", Stage::Primary, "小学 ≥ 5 天"),
        ("SX-KH-02", Stage::NineYear, "小学 ≥ 5 天"),
        ("SX-KH-03", Stage::Junior, "初中 ≥ 5 天"),
        ("SX-KH-03", Stage::NineYear, "初中 ≥ 5 天"),
        ("SX-KH-03", Stage::CompleteSecondary, "初中 ≥ 5 天"),
    ];
    for (code, stage, req) in cases {
        let s = school(stage);
        assert_eq!(
            outcome(&t, &s, code, count(5)),
            Outcome::Compliant,
            "{code}"
        );
        let v = judge(&t, &s, code, count(4));
        assert_eq!(v.outcome, Outcome::NonCompliant, "{code} {}", stage.zh());
        assert_eq!(requirement_zh(&v), req);
        assert_eq!(outcome(&t, &s, code, count(0)), Outcome::NonCompliant);
    }
}

#[test]
fn two_hours_a_day() {
    let t = tpl();
    let cases = [
        ("SX-KH-04", Stage::Primary, "小学 ≥ 2 小时", "Primary ≥ 2 h"),
        (
            "SX-KH-04",
            Stage::NineYear,
            "小学 ≥ 2 小时",
            "Primary ≥ 2 h",
        ),
        (
            "SX-KH-05",
            Stage::Junior,
            "初中 ≥ 2 小时",
            "Junior high ≥ 2 h",
        ),
        (
            "SX-KH-05",
            Stage::NineYear,
            "初中 ≥ 2 小时",
            "Junior high ≥ 2 h",
        ),
        (
            "SX-KH-05",
            Stage::CompleteSecondary,
            "初中 ≥ 2 小时",
            "Junior high ≥ 2 h",
        ),
    ];
    for (code, stage, req, req_en) in cases {
        let s = school(stage);
        assert_eq!(outcome(&t, &s, code, num(2.0)), Outcome::Compliant);
        assert_eq!(outcome(&t, &s, code, num(2.5)), Outcome::Compliant);
        for short in [1.9, 1.5, 1.0] {
            let v = judge(&t, &s, code, num(short));
            assert_eq!(v.outcome, Outcome::NonCompliant, "{code} = {short}");
            assert_eq!(requirement_zh(&v), req);
            assert_eq!(v.requirement.unwrap().en, req_en);
        }
    }
}

#[test]
fn service_ends_no_earlier_than_half_past_five() {
    let t = tpl();
    let cases = [
        ("SX-KH-06", Stage::Primary, "小学 不早于 17:30"),
        ("SX-KH-06", Stage::NineYear, "小学 不早于 17:30"),
        ("SX-KH-07", Stage::Junior, "初中 不早于 17:30"),
        ("SX-KH-07", Stage::NineYear, "初中 不早于 17:30"),
        ("SX-KH-07", Stage::CompleteSecondary, "初中 不早于 17:30"),
    ];
    for (code, stage, req) in cases {
        for s in [school(stage), boarding(stage)] {
            assert_eq!(outcome(&t, &s, code, time(17, 30)), Outcome::Compliant);
            assert_eq!(outcome(&t, &s, code, time(18, 0)), Outcome::Compliant);
            let v = judge(&t, &s, code, time(17, 29));
            assert_eq!(v.outcome, Outcome::NonCompliant, "{code} at {}", s.name);
            assert_eq!(requirement_zh(&v), req);
            assert!(v.basis.iter().any(|b| b.local));
            assert_eq!(outcome(&t, &s, code, time(16, 30)), Outcome::NonCompliant);
        }
    }
}

#[test]
fn evening_study_ends_by_half_past_eight_and_lasts_two_hours_at_most() {
    let t = tpl();
    for stage in [Stage::Junior, Stage::NineYear, Stage::CompleteSecondary] {
        for s in [school(stage), boarding(stage)] {
            let checklist = Checklist::new(&[&t], &s);
            let on = |code: &str, v: AnswerValue| {
                checklist
                    .verdict(code, &answers(&[("SX-WZ-01", yes()), (code, v)]))
                    .unwrap()
            };
            assert_eq!(on("SX-WZ-02", time(20, 30)).outcome, Outcome::Compliant);
            assert_eq!(on("SX-WZ-02", time(20, 0)).outcome, Outcome::Compliant);
            let v = on("SX-WZ-02", time(20, 31));
            assert_eq!(v.outcome, Outcome::NonCompliant, "{}", s.name);
            assert_eq!(requirement_zh(&v), "初中 不晚于 20:30");
            assert!(v.basis.iter().all(|b| b.local));

            assert_eq!(on("SX-WZ-03", num(2.0)).outcome, Outcome::Compliant);
            assert_eq!(on("SX-WZ-03", num(1.5)).outcome, Outcome::Compliant);
            let v = on("SX-WZ-03", num(2.5));
            assert_eq!(v.outcome, Outcome::NonCompliant);
            assert_eq!(requirement_zh(&v), "初中 ≤ 2 小时");
        }
    }
}

#[test]
fn exams_per_term_by_band() {
    let t = tpl();
    let cases = [
        (
            "SX-KS-01",
            vec![Stage::Primary, Stage::NineYear],
            0,
            "一二年级 应为 0 次",
        ),
        (
            "SX-KS-02",
            vec![Stage::Primary, Stage::NineYear],
            1,
            "三至六年级 ≤ 1 次",
        ),
        (
            "SX-KS-03",
            vec![Stage::Junior, Stage::NineYear, Stage::CompleteSecondary],
            2,
            "初中 ≤ 2 次",
        ),
    ];
    for (code, stages, max, req) in cases {
        for stage in stages {
            let s = school(stage);
            assert_eq!(
                outcome(&t, &s, code, count(max)),
                Outcome::Compliant,
                "{code}"
            );
            let v = judge(&t, &s, code, count(max + 1));
            assert_eq!(v.outcome, Outcome::NonCompliant, "{code} {}", stage.zh());
            assert_eq!(requirement_zh(&v), req);
            assert!(v.basis[0].document.contains("考试管理"));
        }
    }
    // A 九年一贯制 school: two exams are fine for 初中, one too many for 三至六年级.
    let s = school(Stage::NineYear);
    assert_eq!(outcome(&t, &s, "SX-KS-02", count(2)), Outcome::NonCompliant);
    assert_eq!(outcome(&t, &s, "SX-KS-03", count(2)), Outcome::Compliant);
}

#[test]
fn half_monthly_figures_must_be_zero() {
    let t = tpl();
    for stage in [
        Stage::Primary,
        Stage::Junior,
        Stage::NineYear,
        Stage::CompleteSecondary,
    ] {
        let s = school(stage);
        let checklist = Checklist::new(&[&t], &s);
        let cases = [
            ("SX-TB-01", "义务教育阶段 应为 0 个"),
            ("SX-TB-02", "义务教育阶段 应为 0 个"),
            ("SX-TB-04", "义务教育阶段 应为 0 条"),
        ];
        for (code, req) in cases {
            let given = |n: u32| answers(&[("SX-TB-03", yes()), (code, count(n))]);
            let ok = checklist.verdict(code, &given(0)).unwrap();
            assert_eq!(ok.outcome, Outcome::Compliant, "{code}");
            let bad = checklist.verdict(code, &given(1)).unwrap();
            assert_eq!(bad.outcome, Outcome::NonCompliant, "{code}");
            assert_eq!(requirement_zh(&bad), req);
        }
    }
}

// ---- which school sees what ----

#[test]
fn a_kindergarten_sees_nothing() {
    let t = tpl();
    for s in [school(Stage::Kindergarten), boarding(Stage::Kindergarten)] {
        let checklist = Checklist::new(&[&t], &s);
        assert!(checklist.visible(&Answers::new()).is_empty());
        assert!(checklist.sections(&Answers::new()).is_empty());
        assert!(checklist.missing(&Answers::new()).is_empty());
        // Even with every trigger answered the way that opens follow-ups.
        let mut all = open_triggers();
        all.extend(answers(&[
            ("SX-PX-02", yes()),
            ("SX-PX-05", yes()),
            ("SX-KH-11", yes()),
            ("SX-KS-05", yes()),
        ]));
        assert!(visible(&t, &s, &all).is_empty());
    }
    // Every item concerns school grades only.
    for (_, item) in t.items() {
        assert!(item.grades.unwrap().from >= 1, "{}", item.code);
    }
}

#[test]
fn a_senior_high_school_sees_only_the_paid_tutoring_and_advertising_checks() {
    let t = tpl();
    for s in [school(Stage::Senior), boarding(Stage::Senior)] {
        assert_eq!(
            visible(&t, &s, &open_triggers()),
            ["SX-PX-01", "SX-PX-02", "SX-PX-04", "SX-PX-05"]
        );
        let sections: Vec<String> = Checklist::new(&[&t], &s)
            .sections(&Answers::new())
            .iter()
            .map(|v| v.section.code.clone())
            .collect();
        assert_eq!(sections, ["PX"]);
    }
}

#[test]
fn each_stage_sees_its_own_bands() {
    let t = tpl();
    let primary = ["SX-KH-02", "SX-KH-04", "SX-KH-06", "SX-KS-01", "SX-KS-02"];
    let junior = ["SX-KH-03", "SX-KH-05", "SX-KH-07", "SX-KS-03", "SX-WZ-01"];
    let shared = [
        "SX-KH-01", "SX-KH-09", "SX-SF-01", "SX-PX-01", "SX-PX-07", "SX-KS-05", "SX-TB-01",
    ];
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
            for c in shared {
                assert!(sees(&t, &s, c), "{c} at {}", s.name);
            }
        }
    }
    // A 村小 with grades 1–4 has the primary items; one with grades 3–6 no 一二年级 exam item.
    let small = school_with(Stage::Primary, [1, 4], false, 120);
    for c in primary {
        assert!(sees(&t, &small, c), "{c}");
    }
    let upper = school_with(Stage::Primary, [3, 6], false, 300);
    assert!(!sees(&t, &upper, "SX-KS-01") && sees(&t, &upper, "SX-KS-02"));
    // Evening-study follow-ups appear only at junior schools that hold it.
    let j = school(Stage::Junior);
    assert!(!sees(&t, &j, "SX-WZ-02"));
    assert!(visible(&t, &j, &open_triggers())
        .iter()
        .any(|c| c == "SX-WZ-02"));
    let p = school(Stage::Primary);
    assert!(!visible(&t, &p, &open_triggers())
        .iter()
        .any(|c| c.starts_with("SX-WZ-")));
}

#[test]
fn how_many_items_each_stage_sees() {
    let t = tpl();
    let n = |s: &School, given: &Answers| visible(&t, s, given).len();
    let none = Answers::new();
    let counts: Vec<(Stage, usize, usize)> = Stage::ALL
        .into_iter()
        .map(|st| (st, n(&school(st), &none), n(&school(st), &open_triggers())))
        .collect();
    for (stage, before, triggered) in counts {
        let (want_before, want_triggered) = match stage {
            Stage::Kindergarten => (0, 0),
            Stage::Primary => (22, 27),
            Stage::Junior => (22, 30),
            Stage::Senior => (4, 4),
            Stage::NineYear => (27, 35),
            Stage::CompleteSecondary => (22, 30),
        };
        assert_eq!(before, want_before, "{} before any follow-up", stage.zh());
        assert_eq!(
            triggered,
            want_triggered,
            "{} with triggers = 是",
            stage.zh()
        );
        assert_eq!(
            before,
            n(&boarding(stage), &none),
            "boarding changes nothing"
        );
    }
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
        [
            "SX-KH-08", "SX-KH-13", "SX-SF-02", "SX-SF-03", "SX-SF-04", "SX-SF-06", "SX-WZ-02",
            "SX-WZ-03", "SX-WZ-04", "SX-WZ-05", "SX-PX-03", "SX-PX-06", "SX-KS-06", "SX-TB-04",
            "SX-TB-05"
        ]
    );
}

#[test]
fn service_time_follow_up_opens_just_beyond_each_limit() {
    let t = tpl();
    let f = "SX-KH-08";
    let s = school(Stage::NineYear);
    assert!(!shows(&t, &s, f, &[]));
    let edges: [(&str, AnswerValue, AnswerValue); 6] = [
        ("SX-KH-02", count(5), count(4)),
        ("SX-KH-03", count(5), count(4)),
        ("SX-KH-04", num(2.0), num(1.9)),
        ("SX-KH-05", num(2.0), num(1.9)),
        ("SX-KH-06", time(17, 30), time(17, 29)),
        ("SX-KH-07", time(17, 30), time(17, 29)),
    ];
    for (code, ok, short) in edges {
        assert!(!shows(&t, &s, f, &[(code, ok.clone())]), "{code} = {ok:?}");
        assert!(
            shows(&t, &s, f, &[(code, short.clone())]),
            "{code} = {short:?}"
        );
        // The follow-up opens exactly when the rule says 不符合.
        assert_eq!(outcome(&t, &s, code, ok), Outcome::Compliant);
        assert_eq!(outcome(&t, &s, code, short), Outcome::NonCompliant);
    }
    // Required once open.
    let checklist = Checklist::new(&[&t], &s);
    assert!(checklist
        .missing(&answers(&[("SX-KH-06", time(16, 50))]))
        .iter()
        .any(|m| m.item_code == f));
}

#[test]
fn content_and_voluntariness_follow_up() {
    let t = tpl();
    let s = school(Stage::Primary);
    let f = "SX-KH-13";
    assert!(!shows(
        &t,
        &s,
        f,
        &[("SX-KH-11", no()), ("SX-KH-12", comp(Compliance::Partial))]
    ));
    assert!(shows(&t, &s, f, &[("SX-KH-11", yes())]));
    assert!(shows(
        &t,
        &s,
        f,
        &[("SX-KH-12", comp(Compliance::NonCompliant))]
    ));
}

#[test]
fn fee_checks_open_only_when_parents_pay() {
    let t = tpl();
    let s = school(Stage::Primary);
    for f in ["SX-SF-02", "SX-SF-03", "SX-SF-04"] {
        assert!(!shows(&t, &s, f, &[]), "{f}");
        assert!(!shows(&t, &s, f, &[("SX-SF-01", no())]), "{f}");
        assert!(shows(&t, &s, f, &[("SX-SF-01", yes())]), "{f}");
    }
    assert!(
        sees(&t, &s, "SX-SF-05"),
        "乱收费 is asked whatever the answer"
    );
    assert!(!shows(&t, &s, "SX-SF-06", &[("SX-SF-05", no())]));
    assert!(shows(&t, &s, "SX-SF-06", &[("SX-SF-05", yes())]));
}

#[test]
fn evening_study_checks_open_when_it_is_held() {
    let t = tpl();
    let s = school(Stage::Junior);
    for f in ["SX-WZ-02", "SX-WZ-03", "SX-WZ-04"] {
        assert!(!shows(&t, &s, f, &[]), "{f}");
        assert!(!shows(&t, &s, f, &[("SX-WZ-01", no())]), "{f}");
        assert!(shows(&t, &s, f, &[("SX-WZ-01", yes())]), "{f}");
    }
    let f = "SX-WZ-05";
    let held = ("SX-WZ-01", yes());
    assert!(!shows(
        &t,
        &s,
        f,
        &[
            held.clone(),
            ("SX-WZ-02", time(20, 30)),
            ("SX-WZ-03", num(2.0))
        ]
    ));
    assert!(shows(
        &t,
        &s,
        f,
        &[held.clone(), ("SX-WZ-02", time(20, 31))]
    ));
    assert!(shows(&t, &s, f, &[held.clone(), ("SX-WZ-03", num(2.5))]));
    assert!(shows(
        &t,
        &s,
        f,
        &[held.clone(), ("SX-WZ-04", comp(Compliance::NonCompliant))]
    ));
    // A stale late time does not open it once evening study is answered 否.
    assert!(!shows(
        &t,
        &s,
        f,
        &[("SX-WZ-01", no()), ("SX-WZ-02", time(21, 30))]
    ));
}

#[test]
fn paid_tutoring_training_and_exam_follow_ups() {
    let t = tpl();
    let s = school(Stage::NineYear);
    assert!(!shows(&t, &s, "SX-PX-03", &[("SX-PX-02", no())]));
    assert!(shows(&t, &s, "SX-PX-03", &[("SX-PX-02", yes())]));
    assert!(!shows(
        &t,
        &s,
        "SX-PX-06",
        &[("SX-PX-04", no()), ("SX-PX-05", no())]
    ));
    assert!(shows(&t, &s, "SX-PX-06", &[("SX-PX-04", yes())]));
    assert!(shows(&t, &s, "SX-PX-06", &[("SX-PX-05", yes())]));
    // Senior high: the paid-tutoring follow-up opens there too.
    assert!(shows(
        &t,
        &school(Stage::Senior),
        "SX-PX-03",
        &[("SX-PX-02", yes())]
    ));

    let f = "SX-KS-06";
    let edges: [(&str, u32); 3] = [("SX-KS-01", 0), ("SX-KS-02", 1), ("SX-KS-03", 2)];
    for (code, max) in edges {
        assert!(!shows(&t, &s, f, &[(code, count(max))]), "{code}");
        assert!(shows(&t, &s, f, &[(code, count(max + 1))]), "{code}");
    }
    assert!(shows(&t, &s, f, &[("SX-KS-04", yes())]));
    assert!(shows(&t, &s, f, &[("SX-KS-05", yes())]));
    assert!(!shows(&t, &s, f, &[("SX-KS-04", no()), ("SX-KS-05", no())]));
}

#[test]
fn complaint_lead_follow_ups_open_when_there_are_leads() {
    let t = tpl();
    let s = school(Stage::Primary);
    for f in ["SX-TB-04", "SX-TB-05"] {
        assert!(!shows(&t, &s, f, &[]), "{f}");
        assert!(!shows(&t, &s, f, &[("SX-TB-03", no())]), "{f}");
        assert!(shows(&t, &s, f, &[("SX-TB-03", yes())]), "{f}");
    }
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
                    AnswerValue::Text("初二年级周三课后服务统一讲授数学新课".into())
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
    for s in all_schools() {
        for trig in [no(), yes()] {
            let triggers = [
                ("SX-SF-01", trig.clone()),
                ("SX-WZ-01", trig.clone()),
                ("SX-TB-03", trig.clone()),
            ];
            let given = fill_compliant(&t, &s, &triggers);
            let checklist = Checklist::new(&[&t], &s);
            assert!(
                checklist.missing(&given).is_empty(),
                "{}: {:?}",
                s.name,
                checklist.missing(&given)
            );
            assert!(checklist.proposed_findings(&given).is_empty(), "{}", s.name);
            let p = checklist.progress(&given);
            assert_eq!(p.answered, p.total, "{}", s.name);
        }
    }
}

#[test]
fn short_service_and_too_many_exams_become_findings_with_their_requirements() {
    let t = tpl();
    let s = school(Stage::NineYear);
    let mut given = fill_compliant(
        &t,
        &s,
        &[("SX-SF-01", no()), ("SX-WZ-01", yes()), ("SX-TB-03", no())],
    );
    let mut set = |code: &str, v: AnswerValue| {
        given.insert(code.into(), answer(v));
    };
    set("SX-KH-04", num(1.5));
    set("SX-KH-07", time(17, 0));
    set("SX-WZ-02", time(21, 0));
    set("SX-KS-02", count(2));
    let checklist = Checklist::new(&[&t], &s);
    let missing: Vec<String> = checklist
        .missing(&given)
        .into_iter()
        .map(|m| m.item_code)
        .collect();
    assert_eq!(missing, ["SX-KH-08", "SX-WZ-05", "SX-KS-06"]);
    let findings = checklist.proposed_findings(&given);
    let codes: Vec<&str> = findings.iter().map(|f| f.item_code.as_str()).collect();
    assert_eq!(codes, ["SX-KH-04", "SX-KH-07", "SX-WZ-02", "SX-KS-02"]);
    let d = |i: usize| findings[i].description.zh.clone();
    assert!(
        d(0).contains("实测 1.5 小时") && d(0).contains("小学 ≥ 2 小时"),
        "{}",
        d(0)
    );
    assert!(d(1).contains("初中 不早于 17:30"), "{}", d(1));
    assert!(d(2).contains("初中 不晚于 20:30"), "{}", d(2));
    assert!(d(3).contains("三至六年级 ≤ 1 次"), "{}", d(3));
    assert_eq!(findings[0].section.zh, "课后服务");
    assert!(findings.iter().all(|f| f.severity == Severity::General));
}
