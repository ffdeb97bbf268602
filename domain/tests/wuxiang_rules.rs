//! The built-in 五项管理 template (`templates/wuxiang.toml`): it validates, every item cites its
//! basis, items reach exactly the schools they concern, show-if follow-ups open on their trigger,
//! and every threshold is judged correctly on and around its limit, for each band and each stage.

use dudao_domain::builtin;
use dudao_domain::checklist::Answers;
use dudao_domain::rule::Band;
use dudao_domain::template::{AnswerKind, EvidenceRule, Severity, YesNoCompliant};
use dudao_domain::visit::Answer;
use dudao_domain::{
    AnswerValue, Checklist, Compliance, GradeRange, Item, Outcome, School, Stage, Template,
    TimeOfDay, Verdict,
};
use std::collections::HashSet;

// ---- builders ----

fn wuxiang() -> Template {
    builtin::templates()
        .unwrap_or_else(|(name, e)| panic!("built-in template {name} is invalid:\n{e}"))
        .into_iter()
        .find(|t| t.id == "wuxiang")
        .expect("the 五项管理 template is built in")
}

fn school(stage: Stage) -> School {
    School {
        id: format!("s-{}", stage.zh()),
        code: "3201150001".into(),
        name: format!("测试{}", stage.zh()),
        district: "江宁区".into(),
        stage,
        grades: stage.default_grades(),
        enrolment: 800,
        boarding: false,
        address: String::new(),
        contact: String::new(),
        facilities: Default::default(),
    }
}

fn boarding(stage: Stage) -> School {
    School {
        boarding: true,
        ..school(stage)
    }
}

/// Every stage, as a day school and as a boarding school.
fn all_schools() -> Vec<School> {
    Stage::ALL
        .into_iter()
        .flat_map(|s| [school(s), boarding(s)])
        .collect()
}

fn answer(v: AnswerValue) -> Answer {
    Answer {
        value: Some(v),
        updated_at: 1,
        ..Answer::default()
    }
}

fn answers(pairs: &[(&str, AnswerValue)]) -> Answers {
    pairs
        .iter()
        .map(|(c, v)| ((*c).to_owned(), answer(v.clone())))
        .collect()
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

/// The verdict for one answer, going through the checklist as the app does. Panics if the item
/// does not show at the school, so a test never judges an item the supervisor would not see.
fn judge(t: &Template, s: &School, code: &str, value: AnswerValue) -> Verdict {
    let checklist = Checklist::new(&[t], s);
    assert!(
        checklist.item(code).is_some(),
        "{code} should show at a {}",
        s.stage.zh()
    );
    checklist
        .verdict(code, &answers(&[(code, value.clone())]))
        .unwrap_or_else(|| panic!("{code} = {value:?} at a {} gave no verdict", s.stage.zh()))
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
fn template_validates_and_is_built_in() {
    let t = wuxiang();
    assert_eq!(t.version, 1);
    assert_eq!(t.kind, "五项管理");
    let (_, src) = builtin::SOURCES
        .iter()
        .find(|(name, _)| *name == "wuxiang.toml")
        .expect("wuxiang.toml is in builtin::SOURCES");
    assert_eq!(Template::from_toml(src).unwrap(), t);
}

#[test]
fn five_sections_in_national_order_with_sequential_codes() {
    let t = wuxiang();
    let codes: Vec<&str> = t.sections.iter().map(|s| s.code.as_str()).collect();
    assert_eq!(codes, ["SJ", "SM", "DW", "ZY", "TZ"]);
    let titles: Vec<&str> = t.sections.iter().map(|s| s.title.zh.as_str()).collect();
    assert_eq!(
        titles,
        ["手机管理", "睡眠管理", "读物管理", "作业管理", "体质管理"]
    );
    for s in &t.sections {
        assert!(
            (6..=13).contains(&s.items.len()),
            "section {} has {} items",
            s.code,
            s.items.len()
        );
        for (i, item) in s.items.iter().enumerate() {
            assert_eq!(item.code, format!("WX-{}-{:02}", s.code, i + 1));
        }
    }
    let total: usize = t.sections.iter().map(|s| s.items.len()).sum();
    assert!((40..=55).contains(&total), "{total} items");
}

#[test]
fn item_codes_are_unique_across_the_built_in_library() {
    let all = builtin::templates().unwrap();
    let mut seen = HashSet::new();
    for t in &all {
        for (_, item) in t.items() {
            assert!(
                seen.insert(item.code.clone()),
                "{} is used twice",
                item.code
            );
        }
    }
}

#[test]
fn every_item_cites_its_basis_and_reads_in_both_languages() {
    let t = wuxiang();
    for (_, item) in t.items() {
        let c = &item.code;
        assert!(!item.basis.is_empty(), "{c} has no basis");
        for b in &item.basis {
            assert!(!b.document.trim().is_empty(), "{c}: empty document");
            assert!((2014..=2021).contains(&b.year), "{c}: year {}", b.year);
            assert!(!b.citation().contains("《《"), "{c}: {}", b.citation());
        }
        assert!(
            !item.prompt.zh.trim().is_empty() && !item.prompt.en.trim().is_empty(),
            "{c}: prompt"
        );
        assert!(
            !item.help.zh.trim().is_empty() && !item.help.en.trim().is_empty(),
            "{c}: help"
        );
        if let Some(unit) = item.answer.unit() {
            assert!(!unit.zh.is_empty() && !unit.en.is_empty(), "{c}: unit");
        }
    }
    for r in &t.rules {
        assert!(!r.basis.is_empty(), "rule {} has no basis", r.id);
        assert!(!r.measure.en.is_empty(), "rule {}", r.id);
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
fn documents_with_a_known_number_always_carry_it() {
    let t = wuxiang();
    let bases = t
        .items()
        .flat_map(|(_, i)| i.basis.iter())
        .chain(t.rules.iter().flat_map(|r| r.basis.iter()));
    let mut sleep = 0;
    let mut reading = 0;
    for b in bases {
        if b.document.contains("睡眠管理") {
            sleep += 1;
            assert_eq!(b.number.as_deref(), Some("教基厅函〔2021〕11号"));
        }
        if b.document.contains("课外读物进校园管理办法") {
            reading += 1;
            assert_eq!(b.number.as_deref(), Some("教材〔2021〕2号"));
        }
        assert!(
            !b.local,
            "{}: the template rests on national documents only",
            b.document
        );
    }
    assert!(sleep > 0 && reading > 0);
    let first = &t.item("WX-SM-02").unwrap().basis[0];
    assert_eq!(
        first.citation(),
        "《教育部办公厅关于进一步加强中小学生睡眠管理工作的通知》（教基厅函〔2021〕11号，2021年）"
    );
}

#[test]
fn no_item_requires_a_photo_yet() {
    for (_, item) in wuxiang().items() {
        assert_eq!(item.evidence, EvidenceRule::None, "{}", item.code);
    }
}

#[test]
fn only_the_problem_book_finding_is_major() {
    let t = wuxiang();
    let major: Vec<&str> = t
        .items()
        .filter(|(_, i)| i.severity == Severity::Major)
        .map(|(_, i)| i.code.as_str())
        .collect();
    assert_eq!(major, ["WX-DW-04"]);
}

#[test]
fn answer_kinds_fit_what_is_asked() {
    let t = wuxiang();
    let kind = |c: &str| t.item(c).unwrap().answer.clone();
    let yn = |c: &str| match kind(c) {
        AnswerKind::YesNo { compliant } => compliant,
        k => panic!("{c} is {}", k.name()),
    };
    assert_eq!(yn("WX-SJ-02"), None, "a trigger is not judged");
    assert_eq!(yn("WX-DW-07"), None, "a trigger is not judged");
    assert_eq!(yn("WX-SJ-06"), Some(YesNoCompliant::Yes));
    assert_eq!(yn("WX-SJ-07"), Some(YesNoCompliant::No));
    assert_eq!(yn("WX-SM-04"), Some(YesNoCompliant::No));
    assert_eq!(yn("WX-ZY-10"), Some(YesNoCompliant::No));
    assert_eq!(kind("WX-SJ-01"), AnswerKind::Compliance);
    assert_eq!(kind("WX-ZY-01"), AnswerKind::Compliance);
    assert_eq!(kind("WX-SM-02"), AnswerKind::Time);
    assert!(matches!(kind("WX-TZ-01"), AnswerKind::Count { .. }));
    assert!(matches!(kind("WX-ZY-04"), AnswerKind::Number { .. }));

    // Every time, number or count item is judged by a rule.
    for (_, item) in t.items() {
        if matches!(
            item.answer,
            AnswerKind::Time | AnswerKind::Number { .. } | AnswerKind::Count { .. }
        ) {
            assert!(
                item.rule.is_some(),
                "{} measures something but has no rule",
                item.code
            );
        }
    }

    // Yes/no checkpoints are judged the way round they are written.
    let s = school(Stage::Primary);
    assert_eq!(outcome(&t, &s, "WX-SJ-07", yes()), Outcome::NonCompliant);
    assert_eq!(outcome(&t, &s, "WX-SJ-07", no()), Outcome::Compliant);
    assert_eq!(outcome(&t, &s, "WX-SJ-06", yes()), Outcome::Compliant);
    assert_eq!(outcome(&t, &s, "WX-SJ-06", no()), Outcome::NonCompliant);
    assert_eq!(
        outcome(
            &t,
            &s,
            "WX-ZY-01",
            AnswerValue::Compliance(Compliance::Partial)
        ),
        Outcome::Partial
    );
    assert!(Checklist::new(&[&t], &s)
        .verdict("WX-SJ-02", &answers(&[("WX-SJ-02", yes())]))
        .is_none());
}

// ---- rules as data ----

/// The band a rule-bearing item is judged against at a school. Items are split per band, so
/// there is exactly one.
fn band_at<'a>(t: &'a Template, item: &Item, s: &School) -> &'a Band {
    let rule = t.rule(item.rule.as_deref().unwrap()).unwrap();
    let grades = item.grades_at(s).unwrap();
    let bands: Vec<&Band> = rule.bands_for(grades, 800).collect();
    assert_eq!(
        bands.len(),
        1,
        "{} at a {} touches {} bands",
        item.code,
        s.stage.zh(),
        bands.len()
    );
    bands[0]
}

#[test]
fn every_rule_item_sits_in_exactly_one_band_and_every_band_is_used() {
    let t = wuxiang();
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

/// A band as (grades, min, max, not_before, not_after).
type BandLimits = (
    GradeRange,
    Option<f64>,
    Option<f64>,
    Option<String>,
    Option<String>,
);

#[test]
fn the_threshold_values_are_the_national_ones() {
    let t = wuxiang();
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
        limits("homework_written_minutes"),
        [
            (g(1, 2), None, Some(0.0), None, None),
            (g(3, 6), None, Some(60.0), None, None),
            (g(7, 9), None, Some(90.0), None, None)
        ]
    );
    assert_eq!(
        limits("morning_class_start"),
        [
            (g(1, 6), None, None, s("08:20"), None),
            (g(7, 12), None, None, s("08:00"), None)
        ]
    );
    assert_eq!(
        limits("bedtime"),
        [
            (g(1, 6), None, None, None, s("21:20")),
            (g(7, 9), None, None, None, s("22:00")),
            (g(10, 12), None, None, None, s("23:00"))
        ]
    );
    assert_eq!(
        limits("sleep_hours"),
        [
            (g(1, 6), Some(10.0), None, None, None),
            (g(7, 9), Some(9.0), None, None, None),
            (g(10, 12), Some(8.0), None, None, None)
        ]
    );
    assert_eq!(
        limits("pe_periods_per_week"),
        [
            (g(1, 2), Some(4.0), None, None, None),
            (g(3, 9), Some(3.0), None, None, None),
            (g(10, 12), Some(2.0), None, None, None)
        ]
    );
    assert_eq!(
        limits("long_break_minutes"),
        [(g(1, 12), Some(30.0), None, None, None)]
    );
    assert_eq!(
        limits("daily_activity_minutes"),
        [(g(1, 12), Some(60.0), None, None, None)]
    );
    assert_eq!(
        limits("vision_screenings_per_term"),
        [(g(1, 12), Some(2.0), None, None, None)]
    );
    assert_eq!(
        limits("screen_teaching_share"),
        [(g(1, 12), None, Some(30.0), None, None)]
    );
}

/// Every rule-bearing item at every school that sees it, on its limit and one step beyond.
#[test]
fn every_threshold_holds_at_its_edge_for_every_stage() {
    let t = wuxiang();
    let mut checked = 0;
    for s in all_schools() {
        let checklist = Checklist::new(&[&t], &s);
        for e in checklist.visible(&Answers::new()) {
            let item = e.item;
            if item.rule.is_none() {
                continue;
            }
            let band = band_at(&t, item, &s);
            let mut cases: Vec<(AnswerValue, Outcome)> = Vec::new();
            let numeric = |n: f64| match item.answer {
                AnswerKind::Count { .. } => count(n as u32),
                _ => num(n),
            };
            if let Some(max) = band.max {
                cases.push((numeric(max), Outcome::Compliant));
                cases.push((numeric(max + 1.0), Outcome::NonCompliant));
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
            if let Some(b) = band.not_before {
                cases.push((shift(b, 0), Outcome::Compliant));
                cases.push((shift(b, 1), Outcome::Compliant));
                cases.push((shift(b, -1), Outcome::NonCompliant));
            }
            if let Some(a) = band.not_after {
                cases.push((shift(a, 0), Outcome::Compliant));
                cases.push((shift(a, -1), Outcome::Compliant));
                cases.push((shift(a, 1), Outcome::NonCompliant));
            }
            assert!(!cases.is_empty(), "{}", item.code);
            for (value, want) in cases {
                let v = checklist
                    .verdict(&item.code, &answers(&[(&item.code, value.clone())]))
                    .unwrap_or_else(|| {
                        panic!("{} = {value:?} at {} gave no verdict", item.code, s.name)
                    });
                assert_eq!(
                    v.outcome,
                    want,
                    "{} = {value:?} at a {}",
                    item.code,
                    s.stage.zh()
                );
                assert!(
                    requirement_zh(&v).starts_with(&band.label.zh),
                    "{}: {}",
                    item.code,
                    requirement_zh(&v)
                );
                assert_eq!(v.rule_id.as_deref(), item.rule.as_deref());
                assert!(!v.basis.is_empty());
                checked += 1;
            }
        }
    }
    assert!(checked > 300, "only {checked} cases ran");
}

// ---- thresholds, case by case ----

#[test]
fn homework_minutes_grades_three_to_six() {
    let t = wuxiang();
    for stage in [Stage::Primary, Stage::NineYear] {
        let s = school(stage);
        assert_eq!(outcome(&t, &s, "WX-ZY-04", num(0.0)), Outcome::Compliant);
        assert_eq!(outcome(&t, &s, "WX-ZY-04", num(60.0)), Outcome::Compliant);
        assert_eq!(
            outcome(&t, &s, "WX-ZY-04", num(61.0)),
            Outcome::NonCompliant
        );
        let v = judge(&t, &s, "WX-ZY-04", num(75.0));
        assert_eq!(v.outcome, Outcome::NonCompliant);
        let req = requirement_zh(&v);
        assert!(req.contains("三至六年级") && req.contains("60"), "{req}");
        assert_eq!(req, "三至六年级 ≤ 60 分钟");
        assert_eq!(v.requirement.unwrap().en, "Grades 3–6 ≤ 60 min");
        assert!(v.basis[0].document.contains("作业负担"));
    }
    // A school with only some of the grades (a 村小 with grades 1–4) still sees and judges it.
    let small = School {
        grades: GradeRange::new(1, 4),
        ..school(Stage::Primary)
    };
    assert_eq!(
        outcome(&t, &small, "WX-ZY-04", num(61.0)),
        Outcome::NonCompliant
    );
}

#[test]
fn grades_one_and_two_have_no_written_homework_at_home() {
    let t = wuxiang();
    for stage in [Stage::Primary, Stage::NineYear] {
        let s = school(stage);
        assert_eq!(outcome(&t, &s, "WX-ZY-03", num(0.0)), Outcome::Compliant);
        for minutes in [0.5, 1.0, 10.0, 30.0] {
            let v = judge(&t, &s, "WX-ZY-03", num(minutes));
            assert_eq!(v.outcome, Outcome::NonCompliant, "{minutes} min");
            assert_eq!(requirement_zh(&v), "一二年级 应为 0 分钟");
        }
    }
}

#[test]
fn homework_minutes_junior_high() {
    let t = wuxiang();
    for stage in [Stage::Junior, Stage::NineYear, Stage::CompleteSecondary] {
        let s = school(stage);
        assert_eq!(outcome(&t, &s, "WX-ZY-05", num(90.0)), Outcome::Compliant);
        assert_eq!(outcome(&t, &s, "WX-ZY-05", num(89.5)), Outcome::Compliant);
        assert_eq!(
            outcome(&t, &s, "WX-ZY-05", num(91.0)),
            Outcome::NonCompliant
        );
        let v = judge(&t, &s, "WX-ZY-05", num(120.0));
        assert_eq!(requirement_zh(&v), "初中 ≤ 90 分钟");
    }
}

#[test]
fn a_mixed_band_would_be_held_to_the_strictest_limit_which_is_why_items_are_split() {
    let t = wuxiang();
    let rule = t.rule("homework_written_minutes").unwrap();
    let unit = t.item("WX-ZY-04").unwrap().answer.unit().cloned();
    // Grades 3–9 judged as one: 75 minutes passes 初中 but fails 三至六年级.
    let v = rule
        .evaluate(&num(75.0), GradeRange::new(3, 9), 800, unit.as_ref())
        .unwrap();
    assert_eq!(v.outcome, Outcome::NonCompliant);
    assert_eq!(requirement_zh(&v), "三至六年级 ≤ 60 分钟");
    // Judged per item, a 九年一贯制 school's junior section is held to its own 90 minutes.
    assert_eq!(
        outcome(&t, &school(Stage::NineYear), "WX-ZY-05", num(75.0)),
        Outcome::Compliant
    );
    assert_eq!(
        outcome(&t, &school(Stage::NineYear), "WX-ZY-04", num(75.0)),
        Outcome::NonCompliant
    );
    // No band covers senior high: nothing to judge.
    assert!(rule
        .evaluate(&num(75.0), GradeRange::new(10, 12), 800, unit.as_ref())
        .is_none());
}

#[test]
fn morning_class_start_primary_not_before_0820() {
    let t = wuxiang();
    for stage in [Stage::Primary, Stage::NineYear] {
        let s = school(stage);
        let v = judge(&t, &s, "WX-SM-02", time(8, 19));
        assert_eq!(v.outcome, Outcome::NonCompliant);
        assert_eq!(requirement_zh(&v), "小学 不早于 08:20");
        assert_eq!(
            outcome(&t, &s, "WX-SM-02", time(7, 50)),
            Outcome::NonCompliant
        );
        assert_eq!(outcome(&t, &s, "WX-SM-02", time(8, 20)), Outcome::Compliant);
        assert_eq!(outcome(&t, &s, "WX-SM-02", time(8, 30)), Outcome::Compliant);
    }
}

#[test]
fn morning_class_start_secondary_not_before_0800() {
    let t = wuxiang();
    for stage in [
        Stage::Junior,
        Stage::Senior,
        Stage::NineYear,
        Stage::CompleteSecondary,
    ] {
        let s = school(stage);
        let v = judge(&t, &s, "WX-SM-03", time(7, 59));
        assert_eq!(v.outcome, Outcome::NonCompliant, "{}", stage.zh());
        assert_eq!(requirement_zh(&v), "中学 不早于 08:00");
        assert_eq!(outcome(&t, &s, "WX-SM-03", time(8, 0)), Outcome::Compliant);
        // 08:10 is fine for a secondary school though it would be early for a primary one.
        assert_eq!(outcome(&t, &s, "WX-SM-03", time(8, 10)), Outcome::Compliant);
    }
}

#[test]
fn boarding_bedtime_by_stage() {
    let t = wuxiang();
    let cases = [
        (
            "WX-SM-11",
            vec![Stage::Primary, Stage::NineYear],
            (21, 20),
            "小学 不晚于 21:20",
        ),
        (
            "WX-SM-12",
            vec![Stage::Junior, Stage::NineYear, Stage::CompleteSecondary],
            (22, 0),
            "初中 不晚于 22:00",
        ),
        (
            "WX-SM-13",
            vec![Stage::Senior, Stage::CompleteSecondary],
            (23, 0),
            "高中 不晚于 23:00",
        ),
    ];
    for (code, stages, (h, m), req) in cases {
        for stage in stages {
            let s = boarding(stage);
            assert_eq!(
                outcome(&t, &s, code, time(h, m)),
                Outcome::Compliant,
                "{code} {}",
                stage.zh()
            );
            let late = TimeOfDay::new(h, m).unwrap().minutes() + 1;
            let v = judge(&t, &s, code, time((late / 60) as u8, (late % 60) as u8));
            assert_eq!(v.outcome, Outcome::NonCompliant, "{code} {}", stage.zh());
            assert_eq!(requirement_zh(&v), req);
            assert_eq!(outcome(&t, &s, code, time(21, 0)), Outcome::Compliant);
            // A day school is not asked about lights-out at all.
            assert!(
                !sees(&t, &school(stage), code),
                "{code} at a day {}",
                stage.zh()
            );
        }
    }
}

#[test]
fn sleep_hours_by_stage() {
    let t = wuxiang();
    let cases = [
        ("WX-SM-08", Stage::Primary, 10.0, "小学 ≥ 10 小时"),
        ("WX-SM-09", Stage::Junior, 9.0, "初中 ≥ 9 小时"),
        ("WX-SM-10", Stage::Senior, 8.0, "高中 ≥ 8 小时"),
    ];
    for (code, stage, min, req) in cases {
        let s = school(stage);
        assert_eq!(outcome(&t, &s, code, num(min)), Outcome::Compliant);
        assert_eq!(outcome(&t, &s, code, num(min + 0.5)), Outcome::Compliant);
        let v = judge(&t, &s, code, num(min - 0.1));
        assert_eq!(v.outcome, Outcome::NonCompliant);
        assert_eq!(requirement_zh(&v), req);
    }
}

#[test]
fn pe_periods_per_week_by_band() {
    let t = wuxiang();
    let cases = [
        (
            "WX-TZ-01",
            vec![Stage::Primary, Stage::NineYear],
            4,
            "一二年级 ≥ 4 课时",
        ),
        (
            "WX-TZ-02",
            vec![
                Stage::Primary,
                Stage::Junior,
                Stage::NineYear,
                Stage::CompleteSecondary,
            ],
            3,
            "三至六年级和初中 ≥ 3 课时",
        ),
        (
            "WX-TZ-03",
            vec![Stage::Senior, Stage::CompleteSecondary],
            2,
            "高中 ≥ 2 课时",
        ),
    ];
    for (code, stages, min, req) in cases {
        for stage in stages {
            let s = school(stage);
            assert_eq!(
                outcome(&t, &s, code, count(min)),
                Outcome::Compliant,
                "{code} {}",
                stage.zh()
            );
            assert_eq!(outcome(&t, &s, code, count(min + 1)), Outcome::Compliant);
            let v = judge(&t, &s, code, count(min - 1));
            assert_eq!(v.outcome, Outcome::NonCompliant, "{code} {}", stage.zh());
            assert_eq!(requirement_zh(&v), req);
        }
    }
}

#[test]
fn long_break_activity_eye_screenings_and_screen_time() {
    let t = wuxiang();
    for stage in [
        Stage::Primary,
        Stage::Junior,
        Stage::Senior,
        Stage::NineYear,
        Stage::CompleteSecondary,
    ] {
        let s = school(stage);
        assert_eq!(outcome(&t, &s, "WX-TZ-06", num(30.0)), Outcome::Compliant);
        assert_eq!(
            outcome(&t, &s, "WX-TZ-06", num(29.0)),
            Outcome::NonCompliant
        );
        assert_eq!(
            requirement_zh(&judge(&t, &s, "WX-TZ-06", num(20.0))),
            "中小学 ≥ 30 分钟"
        );

        assert_eq!(outcome(&t, &s, "WX-TZ-07", num(60.0)), Outcome::Compliant);
        assert_eq!(
            outcome(&t, &s, "WX-TZ-07", num(59.0)),
            Outcome::NonCompliant
        );

        assert_eq!(outcome(&t, &s, "WX-TZ-09", count(2)), Outcome::Compliant);
        assert_eq!(outcome(&t, &s, "WX-TZ-09", count(3)), Outcome::Compliant);
        assert_eq!(outcome(&t, &s, "WX-TZ-09", count(1)), Outcome::NonCompliant);
        assert_eq!(outcome(&t, &s, "WX-TZ-09", count(0)), Outcome::NonCompliant);
        assert_eq!(
            requirement_zh(&judge(&t, &s, "WX-TZ-09", count(1))),
            "中小学 ≥ 2 次"
        );

        assert_eq!(outcome(&t, &s, "WX-TZ-11", num(30.0)), Outcome::Compliant);
        assert_eq!(
            outcome(&t, &s, "WX-TZ-11", num(30.5)),
            Outcome::NonCompliant
        );
        assert_eq!(
            outcome(&t, &s, "WX-TZ-11", num(31.0)),
            Outcome::NonCompliant
        );
        assert_eq!(
            requirement_zh(&judge(&t, &s, "WX-TZ-11", num(40.0))),
            "中小学 ≤ 30 %"
        );
    }
}

// ---- which school sees what ----

#[test]
fn a_primary_school_sees_no_secondary_item() {
    let t = wuxiang();
    let s = school(Stage::Primary);
    for code in [
        "WX-ZY-03", "WX-ZY-04", "WX-SM-02", "WX-SM-08", "WX-TZ-01", "WX-TZ-02",
    ] {
        assert!(sees(&t, &s, code), "{code}");
    }
    for code in [
        "WX-ZY-05", "WX-SM-03", "WX-SM-09", "WX-SM-10", "WX-TZ-03", "WX-SM-11", "WX-SM-12",
        "WX-SM-13",
    ] {
        assert!(!sees(&t, &s, code), "{code}");
    }
    // A boarding primary school is asked about its own lights-out only.
    let b = boarding(Stage::Primary);
    assert!(sees(&t, &b, "WX-SM-11"));
    assert!(!sees(&t, &b, "WX-SM-12") && !sees(&t, &b, "WX-SM-13"));
}

#[test]
fn a_junior_school_sees_only_the_junior_bands() {
    let t = wuxiang();
    let s = school(Stage::Junior);
    for code in ["WX-ZY-05", "WX-SM-03", "WX-SM-09", "WX-TZ-02"] {
        assert!(sees(&t, &s, code), "{code}");
    }
    for code in [
        "WX-ZY-03", "WX-ZY-04", "WX-SM-02", "WX-SM-08", "WX-SM-10", "WX-TZ-01", "WX-TZ-03",
    ] {
        assert!(!sees(&t, &s, code), "{code}");
    }
}

#[test]
fn a_nine_year_school_sees_both_primary_and_junior_items() {
    let t = wuxiang();
    let s = boarding(Stage::NineYear);
    for code in [
        "WX-ZY-03", "WX-ZY-04", "WX-ZY-05", "WX-SM-02", "WX-SM-03", "WX-SM-08", "WX-SM-09",
        "WX-SM-11", "WX-SM-12", "WX-TZ-01", "WX-TZ-02",
    ] {
        assert!(sees(&t, &s, code), "{code}");
    }
    for code in ["WX-SM-10", "WX-SM-13", "WX-TZ-03"] {
        assert!(!sees(&t, &s, code), "{code}");
    }
    // Each is judged against its own band: 70 minutes is over for 三至六年级, fine for 初中.
    assert_eq!(
        outcome(&t, &s, "WX-ZY-04", num(70.0)),
        Outcome::NonCompliant
    );
    assert_eq!(outcome(&t, &s, "WX-ZY-05", num(70.0)), Outcome::Compliant);
    // Lights-out at 21:40: late for the primary boarders, fine for the junior ones.
    assert_eq!(
        outcome(&t, &s, "WX-SM-11", time(21, 40)),
        Outcome::NonCompliant
    );
    assert_eq!(
        outcome(&t, &s, "WX-SM-12", time(21, 40)),
        Outcome::Compliant
    );
}

#[test]
fn a_senior_high_school_sees_no_homework_item() {
    let t = wuxiang();
    let s = school(Stage::Senior);
    let codes = visible(&t, &s, &Answers::new());
    assert!(codes.iter().all(|c| !c.starts_with("WX-ZY-")), "{codes:?}");
    for code in [
        "WX-SM-03", "WX-SM-10", "WX-TZ-03", "WX-SJ-01", "WX-DW-01", "WX-TZ-06",
    ] {
        assert!(sees(&t, &s, code), "{code}");
    }
    for code in ["WX-SM-02", "WX-SM-08", "WX-SM-09", "WX-TZ-01", "WX-TZ-02"] {
        assert!(!sees(&t, &s, code), "{code}");
    }
    let sections: Vec<String> = Checklist::new(&[&t], &s)
        .sections(&Answers::new())
        .iter()
        .map(|v| v.section.code.clone())
        .collect();
    assert_eq!(sections, ["SJ", "SM", "DW", "TZ"]);
}

#[test]
fn a_complete_secondary_school_sees_junior_and_senior_items() {
    let t = wuxiang();
    let s = school(Stage::CompleteSecondary);
    for code in [
        "WX-ZY-05", "WX-SM-03", "WX-SM-09", "WX-SM-10", "WX-TZ-02", "WX-TZ-03",
    ] {
        assert!(sees(&t, &s, code), "{code}");
    }
    for code in ["WX-ZY-03", "WX-ZY-04", "WX-SM-02", "WX-SM-08", "WX-TZ-01"] {
        assert!(!sees(&t, &s, code), "{code}");
    }
}

#[test]
fn a_kindergarten_sees_nothing() {
    let t = wuxiang();
    for s in [school(Stage::Kindergarten), boarding(Stage::Kindergarten)] {
        let checklist = Checklist::new(&[&t], &s);
        assert!(checklist.visible(&Answers::new()).is_empty());
        assert!(checklist.sections(&Answers::new()).is_empty());
        assert!(checklist.missing(&Answers::new()).is_empty());
    }
    // Even with every possible trigger answered.
    let all_yes: Vec<(&str, AnswerValue)> = vec![
        ("WX-SJ-02", yes()),
        ("WX-DW-07", yes()),
        ("WX-TZ-04", yes()),
    ];
    assert!(visible(&t, &school(Stage::Kindergarten), &answers(&all_yes)).is_empty());
}

#[test]
fn every_item_concerns_school_grades_only() {
    for (_, item) in wuxiang().items() {
        let g = item
            .grades
            .unwrap_or_else(|| panic!("{} has no grades", item.code));
        assert!(g.from >= 1 && g.to <= 12, "{}", item.code);
    }
}

#[test]
fn each_stage_sees_a_workable_checklist() {
    let t = wuxiang();
    for stage in [
        Stage::Primary,
        Stage::Junior,
        Stage::Senior,
        Stage::NineYear,
        Stage::CompleteSecondary,
    ] {
        let n = visible(&t, &school(stage), &Answers::new()).len();
        assert!((25..=50).contains(&n), "a {} sees {n} items", stage.zh());
        assert!(
            visible(&t, &boarding(stage), &Answers::new()).len() > n,
            "boarding adds lights-out"
        );
    }
}

// ---- show-if follow-ups ----

#[test]
fn phone_follow_ups_open_only_when_phones_are_allowed() {
    let t = wuxiang();
    let s = school(Stage::Junior);
    let follow = ["WX-SJ-03", "WX-SJ-04"];
    let shown = |given: &Answers| {
        let v = visible(&t, &s, given);
        follow.map(|c| v.iter().any(|x| x == c))
    };
    assert_eq!(
        shown(&Answers::new()),
        [false, false],
        "hidden until the trigger is answered"
    );
    assert_eq!(shown(&answers(&[("WX-SJ-02", no())])), [false, false]);
    assert_eq!(shown(&answers(&[("WX-SJ-02", yes())])), [true, true]);

    // They are required once shown, and only then.
    let checklist = Checklist::new(&[&t], &s);
    let missing = |given: &Answers| -> Vec<String> {
        checklist
            .missing(given)
            .into_iter()
            .map(|m| m.item_code)
            .collect()
    };
    assert!(!missing(&answers(&[("WX-SJ-02", no())]))
        .iter()
        .any(|c| follow.contains(&c.as_str())));
    let m = missing(&answers(&[("WX-SJ-02", yes())]));
    assert!(follow.iter().all(|c| m.iter().any(|x| x == c)), "{m:?}");

    // Judged once answered.
    let given = answers(&[("WX-SJ-02", yes()), ("WX-SJ-03", no())]);
    assert_eq!(
        checklist.verdict("WX-SJ-03", &given).unwrap().outcome,
        Outcome::NonCompliant
    );
}

#[test]
fn donated_book_and_pe_follow_ups_open_on_their_trigger() {
    let t = wuxiang();
    let s = school(Stage::Primary);
    for (trigger, follow) in [("WX-DW-07", "WX-DW-08"), ("WX-TZ-04", "WX-TZ-05")] {
        let has = |given: &Answers| visible(&t, &s, given).iter().any(|c| c == follow);
        assert!(!has(&Answers::new()), "{follow}");
        assert!(!has(&answers(&[(trigger, no())])), "{follow}");
        assert!(has(&answers(&[(trigger, yes())])), "{follow}");
    }
    let items_with_show_if: Vec<&str> = t
        .items()
        .filter(|(_, i)| i.show_if.is_some())
        .map(|(_, i)| i.code.as_str())
        .collect();
    assert_eq!(
        items_with_show_if,
        ["WX-SJ-03", "WX-SJ-04", "WX-DW-08", "WX-TZ-05"]
    );
}

// ---- a whole visit ----

/// A compliant answer for every item that shows, choosing the trigger answers given.
fn fill_compliant(t: &Template, s: &School, triggers: &[(&str, AnswerValue)]) -> Answers {
    let mut given = answers(triggers);
    // Two passes: follow-ups appear once their trigger is in.
    for _ in 0..2 {
        for e in Checklist::new(&[t], s).visible(&given) {
            let item = e.item;
            if given.contains_key(&item.code) {
                continue;
            }
            let v = match &item.answer {
                AnswerKind::Compliance => AnswerValue::Compliance(Compliance::Compliant),
                AnswerKind::YesNo { compliant } => {
                    AnswerValue::YesNo(compliant != &Some(YesNoCompliant::No))
                }
                AnswerKind::Text => {
                    AnswerValue::Text("初三年级期末考试前两周体育课改上数学".into())
                }
                AnswerKind::Number { .. } | AnswerKind::Count { .. } | AnswerKind::Time => {
                    let band = band_at(t, item, s);
                    match (&item.answer, band) {
                        (AnswerKind::Time, b) => {
                            AnswerValue::Time(b.not_before.or(b.not_after).unwrap())
                        }
                        (AnswerKind::Count { .. }, b) => count(b.min.or(b.max).unwrap() as u32),
                        (_, b) => num(b.min.or(b.max).unwrap()),
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
    let t = wuxiang();
    for s in all_schools()
        .into_iter()
        .filter(|s| s.stage != Stage::Kindergarten)
    {
        for trig in [no(), yes()] {
            let triggers = [
                ("WX-SJ-02", trig.clone()),
                ("WX-DW-07", trig.clone()),
                ("WX-TZ-04", no()),
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
            assert_eq!(p.answered, p.total);
        }
    }
}

#[test]
fn over_long_homework_becomes_a_finding_with_its_requirement() {
    let t = wuxiang();
    let s = school(Stage::Primary);
    let mut given = fill_compliant(
        &t,
        &s,
        &[("WX-SJ-02", no()), ("WX-DW-07", no()), ("WX-TZ-04", no())],
    );
    given.insert("WX-ZY-04".into(), answer(num(75.0)));
    given.insert("WX-SM-02".into(), answer(time(8, 0)));
    let findings = Checklist::new(&[&t], &s).proposed_findings(&given);
    let codes: Vec<&str> = findings.iter().map(|f| f.item_code.as_str()).collect();
    assert_eq!(codes, ["WX-SM-02", "WX-ZY-04"]);
    let hw = &findings[1];
    assert_eq!(hw.section.zh, "作业管理");
    assert!(
        hw.description.zh.contains("实测 75 分钟"),
        "{}",
        hw.description.zh
    );
    assert!(
        hw.description.zh.contains("三至六年级 ≤ 60 分钟"),
        "{}",
        hw.description.zh
    );
    assert_eq!(hw.severity, Severity::General);
}
