//! The built-in 五项管理 template (`templates/wuxiang.toml`): it validates, its bases are
//! national, items reach exactly the schools they concern, show-if follow-ups open on their
//! trigger, and every threshold is judged correctly on and around its limit, for each band and
//! each stage. What every built-in template must do is checked in `library.rs`.

mod common;

use common::template::{
    assert_basis_years, assert_edge, assert_finishes_clean,
    assert_one_band_per_item_and_every_band_used, assert_opens_on, assert_sees_nothing, bases,
    builtin_template, check_every_edge, fill_compliant, item_codes, judge, limits, missing,
    outcome, requirement_zh, section_codes, sees, visible, yes_no,
};
use common::{
    all_schools, answer, answers, boarding, count, no, num, school, school_stages, time, yes,
};
use dudao_domain::builtin;
use dudao_domain::checklist::Answers;
use dudao_domain::template::{AnswerKind, EvidenceRule, Severity, YesNoCompliant};
use dudao_domain::{
    AnswerValue, Checklist, Compliance, GradeRange, Outcome, School, Stage, Template, TimeOfDay,
};

fn wuxiang() -> Template {
    builtin_template("wuxiang")
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
fn every_basis_dates_from_2014_to_2021() {
    assert_basis_years(&wuxiang(), 2014..=2021);
}

#[test]
fn documents_with_a_known_number_always_carry_it() {
    let t = wuxiang();
    let mut sleep = 0;
    let mut reading = 0;
    for b in bases(&t) {
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
    let major = item_codes(&wuxiang(), |i| i.severity == Severity::Major);
    assert_eq!(major, ["WX-DW-04"]);
}

#[test]
fn answer_kinds_fit_what_is_asked() {
    let t = wuxiang();
    let kind = |c: &str| t.item(c).unwrap().answer.clone();
    let yn = |c: &str| yes_no(&t, c);
    assert_eq!(yn("WX-SJ-02"), None, "a trigger is not judged");
    assert_eq!(yn("WX-DW-07"), None, "a trigger is not judged");
    assert_eq!(yn("WX-SJ-06"), Some(YesNoCompliant::Yes));
    assert_eq!(yn("WX-SJ-07"), Some(YesNoCompliant::No));
    assert_eq!(yn("WX-SM-04"), Some(YesNoCompliant::No));
    assert_eq!(yn("WX-ZY-10"), Some(YesNoCompliant::No));
    assert_eq!(kind("WX-SJ-01"), AnswerKind::Compliance);
    assert_eq!(kind("WX-ZY-01"), AnswerKind::Compliance);
    assert!(matches!(kind("WX-SM-02"), AnswerKind::Time { .. }));
    assert!(matches!(kind("WX-TZ-01"), AnswerKind::Count { .. }));
    assert!(matches!(kind("WX-ZY-04"), AnswerKind::Number { .. }));

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

#[test]
fn every_rule_item_sits_in_exactly_one_band_and_every_band_is_used() {
    assert_one_band_per_item_and_every_band_used(&wuxiang());
}

#[test]
fn the_threshold_values_are_the_national_ones() {
    let t = wuxiang();
    let limits = |id: &str| limits(&t, id);
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
    let checked = check_every_edge(&wuxiang(), &all_schools(), &[]);
    assert!(checked > 300, "only {checked} cases ran");
}

// ---- thresholds, case by case ----

#[test]
fn homework_minutes_grades_three_to_six() {
    let t = wuxiang();
    for stage in [Stage::Primary, Stage::NineYear] {
        let s = school(stage);
        assert_eq!(outcome(&t, &s, "WX-ZY-04", num(0.0)), Outcome::Compliant);
        assert_eq!(
            assert_edge(&t, &s, "WX-ZY-04", num(60.0), num(61.0)),
            "三至六年级 ≤ 60 分钟"
        );
        let v = judge(&t, &s, "WX-ZY-04", num(75.0));
        assert_eq!(v.outcome, Outcome::NonCompliant);
        assert_eq!(requirement_zh(&v), "三至六年级 ≤ 60 分钟");
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
        assert_eq!(
            assert_edge(&t, &s, "WX-ZY-05", num(90.0), num(91.0)),
            "初中 ≤ 90 分钟"
        );
        assert_eq!(outcome(&t, &s, "WX-ZY-05", num(89.5)), Outcome::Compliant);
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
        assert_eq!(
            assert_edge(&t, &s, "WX-SM-02", time(8, 20), time(8, 19)),
            "小学 不早于 08:20"
        );
        assert_eq!(
            outcome(&t, &s, "WX-SM-02", time(7, 50)),
            Outcome::NonCompliant
        );
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
        assert_eq!(
            assert_edge(&t, &s, "WX-SM-03", time(8, 0), time(7, 59)),
            "中学 不早于 08:00"
        );
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
            let late = TimeOfDay::new(h, m).unwrap().minutes() + 1;
            let late = time((late / 60) as u8, (late % 60) as u8);
            assert_eq!(assert_edge(&t, &s, code, time(h, m), late), req);
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
        assert_eq!(assert_edge(&t, &s, code, num(min), num(min - 0.1)), req);
        assert_eq!(outcome(&t, &s, code, num(min + 0.5)), Outcome::Compliant);
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
            assert_eq!(assert_edge(&t, &s, code, count(min), count(min - 1)), req);
            assert_eq!(outcome(&t, &s, code, count(min + 1)), Outcome::Compliant);
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
        assert_eq!(
            assert_edge(&t, &s, "WX-TZ-06", num(30.0), num(29.0)),
            "中小学 ≥ 30 分钟"
        );
        assert_eq!(
            outcome(&t, &s, "WX-TZ-06", num(20.0)),
            Outcome::NonCompliant
        );

        assert_eq!(
            assert_edge(&t, &s, "WX-TZ-07", num(60.0), num(59.0)),
            "中小学 ≥ 60 分钟"
        );

        assert_eq!(
            assert_edge(&t, &s, "WX-TZ-09", count(2), count(1)),
            "中小学 ≥ 2 次"
        );
        assert_eq!(outcome(&t, &s, "WX-TZ-09", count(3)), Outcome::Compliant);
        assert_eq!(outcome(&t, &s, "WX-TZ-09", count(0)), Outcome::NonCompliant);

        assert_eq!(
            assert_edge(&t, &s, "WX-TZ-11", num(30.0), num(30.5)),
            "中小学 ≤ 30 %"
        );
        assert_eq!(
            outcome(&t, &s, "WX-TZ-11", num(31.0)),
            Outcome::NonCompliant
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
    assert_eq!(section_codes(&t, &s), ["SJ", "SM", "DW", "TZ"]);
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
    // Not even with every possible trigger answered.
    let all_yes = answers(&[
        ("WX-SJ-02", yes()),
        ("WX-DW-07", yes()),
        ("WX-TZ-04", yes()),
    ]);
    for s in [school(Stage::Kindergarten), boarding(Stage::Kindergarten)] {
        assert_sees_nothing(&t, &s, &all_yes);
    }
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
    assert_opens_on(&t, &s, "WX-SJ-02", &follow);
    // They are required once shown, and only then.
    for c in follow {
        assert!(t.item(c).unwrap().required, "{c}");
    }
    let m = missing(&t, &s, &answers(&[("WX-SJ-02", yes())]));
    assert!(follow.iter().all(|c| m.iter().any(|x| x == c)), "{m:?}");

    // Judged once answered.
    let given = answers(&[("WX-SJ-02", yes()), ("WX-SJ-03", no())]);
    assert_eq!(
        Checklist::new(&[&t], &s)
            .verdict("WX-SJ-03", &given)
            .unwrap()
            .outcome,
        Outcome::NonCompliant
    );
}

#[test]
fn donated_book_and_pe_follow_ups_open_on_their_trigger() {
    let t = wuxiang();
    let s = school(Stage::Primary);
    for (trigger, follow) in [("WX-DW-07", "WX-DW-08"), ("WX-TZ-04", "WX-TZ-05")] {
        assert_opens_on(&t, &s, trigger, &[follow]);
    }
    assert_eq!(
        item_codes(&t, |i| i.show_if.is_some()),
        ["WX-SJ-03", "WX-SJ-04", "WX-DW-08", "WX-TZ-05"]
    );
}

// ---- a whole visit ----

#[test]
fn a_fully_compliant_visit_finishes_with_no_findings() {
    let t = wuxiang();
    for s in school_stages() {
        for trig in [no(), yes()] {
            let triggers = [
                ("WX-SJ-02", trig.clone()),
                ("WX-DW-07", trig.clone()),
                ("WX-TZ-04", no()),
            ];
            assert_finishes_clean(&t, &s, &triggers);
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
