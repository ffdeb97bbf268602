//! The 挂牌督导 monthly-round template (`templates/guapai.toml`): it validates, its sections are
//! the eight routine areas of the 2013 办法 in order, local numbers are marked, items reach
//! exactly the schools they concern, show-if follow-ups open on their trigger, and every
//! threshold is judged correctly on and around its limit, for each band and each stage. What
//! every built-in template must do is checked in `library.rs`.

mod common;

use common::template::{
    assert_basis_years, assert_edge, assert_finishes_clean, assert_full_width_punctuation,
    assert_help_at_least, assert_one_band_per_item_and_every_band_used, assert_opens_on,
    assert_sees_nothing, bases, builtin_template, check_every_edge, counts_by_stage,
    fill_compliant, item_codes, judge, limits, missing, not_applicable, outcome, section_codes,
    sees, visible, yes_no,
};
use common::{
    all_schools, answers, boarding, count, no, num, school, school_stages, school_with, yes,
};
use dudao_domain::checklist::Answers;
use dudao_domain::template::{AnswerKind, EvidenceRule, NotApplicable, Severity, YesNoCompliant};
use dudao_domain::{
    AnswerValue, Checklist, Compliance, Facility, GradeRange, Outcome, Stage, Template,
};
use std::collections::HashSet;

fn guapai() -> Template {
    builtin_template("guapai")
}

// ---- the template as a whole ----

#[test]
fn template_validates() {
    let t = guapai();
    assert_eq!(t.id, "guapai");
    assert_eq!(t.version, 1);
    assert_eq!(t.kind, "挂牌督导");
    assert_eq!(t.title.zh, "责任督学挂牌督导月度例行督导");
    assert!(t.description.zh.contains("幼儿园不适用"));
    assert!(!t.description.en.is_empty());
}

#[test]
fn the_eight_routine_areas_in_the_order_of_article_four() {
    let t = guapai();
    let titles: Vec<&str> = t.sections.iter().map(|s| s.title.zh.as_str()).collect();
    assert_eq!(
        titles,
        [
            "校务管理和制度执行",
            "招生、收费、择校",
            "课程开设和课堂教学",
            "学生学习、体育锻炼和课业负担",
            "教师师德和专业发展",
            "校园及周边安全、学生交通安全",
            "食堂、食品、饮水及宿舍卫生",
            "校风、教风、学风",
        ]
    );
    let codes: Vec<&str> = t.sections.iter().map(|s| s.code.as_str()).collect();
    assert_eq!(codes, ["XW", "ZS", "KC", "XX", "JS", "AQ", "WS", "XF"]);
    for s in &t.sections {
        assert!(
            s.code.len() == 2 && s.code.chars().all(|c| c.is_ascii_uppercase()),
            "section code {}",
            s.code
        );
        // 4–7 checks per area; follow-up questions come on top.
        let checks = s.items.iter().filter(|i| i.show_if.is_none()).count();
        assert!(
            (4..=7).contains(&checks),
            "section {} has {checks} checks",
            s.code
        );
        for (i, item) in s.items.iter().enumerate() {
            assert_eq!(item.code, format!("GP-{}-{:02}", s.code, i + 1));
        }
    }
    let total = t.items().count();
    let checks = t.items().filter(|(_, i)| i.show_if.is_none()).count();
    assert!((40..=50).contains(&total), "{total} items");
    assert!((38..=46).contains(&checks), "{checks} checks");
}

#[test]
fn bases_are_dated_help_is_ample_and_punctuation_full_width() {
    let t = guapai();
    assert_basis_years(&t, 1990..=2022);
    // Help a new supervisor can act on: more than a sentence.
    assert_help_at_least(&t, 50, 1);
    assert_full_width_punctuation(&t);
}

#[test]
fn compliance_items_say_how_to_tell_the_levels_apart() {
    let t = guapai();
    for (_, item) in t.items() {
        if item.answer == AnswerKind::Compliance {
            for level in ["“符合”", "“基本符合”"] {
                assert!(
                    item.help.zh.contains(level) || item.help.zh.contains("“不适用”"),
                    "{}: help does not say when it is {level}",
                    item.code
                );
            }
            assert!(item.help.zh.contains("“不符合”"), "{}", item.code);
        }
    }
}

#[test]
fn local_and_unverified_numbers_are_marked() {
    let t = guapai();
    // 📍 The only local number: 进校园活动 per term (缙云县). Its rule and item say so.
    let local_rules: Vec<&str> = t
        .rules
        .iter()
        .filter(|r| r.basis.iter().any(|b| b.local))
        .map(|r| r.id.as_str())
        .collect();
    assert_eq!(local_rules, ["campus_activities_per_term"]);
    let rule = t.rule("campus_activities_per_term").unwrap();
    assert!(rule.basis[0].local, "the local document is cited first");
    assert!(rule.basis[0].document.contains("缙云县"));
    let item = t.item("GP-XW-05").unwrap();
    assert!(item.basis.iter().any(|b| b.local));
    assert!(item.help.zh.contains("本地标准"), "{}", item.help.zh);

    // Every item citing a local document says in its help text that the number is local.
    for (_, item) in t.items() {
        if item.basis.iter().any(|b| b.local) {
            assert!(item.help.zh.contains("本地标准"), "{}", item.code);
        }
    }

    // ⚠️ The senior-high class size is not confirmed nationally: the help text says so.
    let senior = t.item("GP-KC-06").unwrap();
    assert!(senior.help.zh.contains("⚠️"), "{}", senior.help.zh);
    assert!(senior.help.zh.contains("本地标准"), "{}", senior.help.zh);
    assert!(senior.help.en.contains("unverified"), "{}", senior.help.en);

    // The 收费“八条禁令” are local wording: the help text says so.
    assert!(t.item("GP-ZS-06").unwrap().help.zh.contains("本地标准"));
}

#[test]
fn documents_with_a_known_number_always_carry_it() {
    let t = guapai();
    let mut paid_tutoring = 0;
    for b in bases(&t) {
        if b.document.contains("有偿补课的规定") {
            paid_tutoring += 1;
            assert_eq!(b.number.as_deref(), Some("教师〔2015〕5号"));
            assert_eq!(b.year, 2015);
        }
        if b.document == "中小学校责任督学挂牌督导办法" {
            assert_eq!(b.year, 2013);
        }
        if let Some(n) = &b.number {
            assert!(!n.contains('[') && !n.contains('('), "{n}: use 〔〕");
        }
    }
    assert!(paid_tutoring >= 3);
    let first = &t.item("GP-XW-01").unwrap().basis[0];
    assert_eq!(
        first.citation(),
        "《中小学校责任督学挂牌督导办法》（2013年）第一条"
    );
}

#[test]
fn no_item_requires_a_photo_yet() {
    for (_, item) in guapai().items() {
        assert_eq!(item.evidence, EvidenceRule::None, "{}", item.code);
    }
}

#[test]
fn only_serious_hazards_paid_tutoring_and_punishment_are_major() {
    let t = guapai();
    let major = item_codes(&t, |i| i.severity == Severity::Major);
    assert_eq!(major, ["GP-JS-03", "GP-JS-04", "GP-AQ-05"]);
    // Each is a yes/no where 是 is the finding.
    for code in &major {
        assert_eq!(
            t.item(code).unwrap().answer,
            AnswerKind::YesNo {
                compliant: Some(YesNoCompliant::No)
            },
            "{code}"
        );
    }
    // A finding raised from one carries the severity.
    let s = school(Stage::Junior);
    let mut given = fill_compliant(&t, &s, &[("GP-XF-06", no())]);
    given.extend(answers(&[("GP-JS-04", yes())]));
    let findings = Checklist::new(&[&t], &s).proposed_findings(&given);
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0].item_code, "GP-JS-04");
    assert_eq!(findings[0].severity, Severity::Major);
}

#[test]
fn answer_kinds_fit_what_is_asked() {
    let t = guapai();
    let kind = |c: &str| t.item(c).unwrap().answer.clone();
    let yn = |c: &str| yes_no(&t, c);
    assert_eq!(yn("GP-XF-06"), None, "a trigger is not judged");
    assert_eq!(yn("GP-JS-02"), Some(YesNoCompliant::Yes));
    for code in [
        "GP-XW-06", "GP-ZS-02", "GP-ZS-03", "GP-ZS-04", "GP-ZS-06", "GP-ZS-07", "GP-KC-03",
        "GP-XX-02", "GP-XX-03", "GP-JS-03", "GP-JS-04", "GP-AQ-02", "GP-AQ-05", "GP-XF-04",
    ] {
        assert_eq!(yn(code), Some(YesNoCompliant::No), "{code}");
    }
    assert_eq!(kind("GP-XW-01"), AnswerKind::Compliance);
    assert!(matches!(kind("GP-XW-05"), AnswerKind::Count { .. }));
    assert!(matches!(kind("GP-KC-02"), AnswerKind::Number { .. }));
    assert!(matches!(kind("GP-KC-05"), AnswerKind::Count { .. }));
    assert!(matches!(kind("GP-WS-01"), AnswerKind::Count { .. }));
    for code in ["GP-KC-04", "GP-JS-05", "GP-AQ-06", "GP-XF-07"] {
        assert_eq!(kind(code), AnswerKind::Text, "{code}");
    }

    // Yes/no checkpoints are judged the way round they are written.
    let s = school(Stage::Primary);
    assert_eq!(outcome(&t, &s, "GP-ZS-02", yes()), Outcome::NonCompliant);
    assert_eq!(outcome(&t, &s, "GP-ZS-02", no()), Outcome::Compliant);
    assert_eq!(outcome(&t, &s, "GP-JS-02", yes()), Outcome::Compliant);
    assert_eq!(outcome(&t, &s, "GP-JS-02", no()), Outcome::NonCompliant);
    assert_eq!(
        outcome(
            &t,
            &s,
            "GP-XW-03",
            AnswerValue::Compliance(Compliance::Partial)
        ),
        Outcome::Partial
    );
    assert_eq!(
        outcome(
            &t,
            &s,
            "GP-XW-02",
            AnswerValue::Compliance(Compliance::NotApplicable)
        ),
        Outcome::NotApplicable
    );
    let checklist = Checklist::new(&[&t], &s);
    assert!(checklist
        .verdict("GP-XF-06", &answers(&[("GP-XF-06", yes())]))
        .is_none());
    assert!(checklist
        .verdict("GP-XF-06", &answers(&[("GP-XF-06", no())]))
        .is_none());
}

// ---- rules as data ----

#[test]
fn every_rule_item_sits_in_exactly_one_band_and_every_band_is_used() {
    let t = guapai();
    assert_one_band_per_item_and_every_band_used(&t);
    for r in &t.rules {
        assert!(r
            .bands
            .iter()
            .all(|b| b.enrolment.is_none() && b.step.is_none()));
    }
}

#[test]
fn the_threshold_values() {
    let t = guapai();
    let limits = |id: &str| limits(&t, id);
    let labels = |id: &str| -> Vec<String> {
        let rule = t.rule(id).unwrap();
        rule.bands.iter().map(|b| b.label.zh.clone()).collect()
    };
    let g = GradeRange::new;
    assert_eq!(
        limits("campus_activities_per_term"),
        [(g(1, 12), None, Some(3.0), None, None)]
    );
    assert_eq!(labels("campus_activities_per_term"), ["中小学"]);
    assert_eq!(
        limits("labour_periods_per_week"),
        [(g(1, 9), Some(1.0), None, None, None)]
    );
    assert_eq!(labels("labour_periods_per_week"), ["义务教育"]);
    assert_eq!(
        limits("class_size_compulsory"),
        [(g(1, 9), None, Some(55.0), None, None)]
    );
    assert_eq!(labels("class_size_compulsory"), ["义务教育"]);
    assert_eq!(
        limits("class_size_senior"),
        [(g(10, 12), None, Some(55.0), None, None)]
    );
    assert_eq!(labels("class_size_senior"), ["高中"]);
    assert_eq!(
        limits("exams_per_term"),
        [
            (g(1, 2), None, Some(0.0), None, None),
            (g(3, 6), None, Some(1.0), None, None),
            (g(7, 9), None, Some(2.0), None, None),
        ]
    );
    assert_eq!(labels("exams_per_term"), ["一二年级", "三至六年级", "初中"]);
    assert_eq!(
        limits("meals_without_leader"),
        [(g(1, 12), None, Some(0.0), None, None)]
    );
    assert_eq!(labels("meals_without_leader"), ["中小学"]);
    assert_eq!(t.rules.len(), 6);
}

/// Every rule-bearing item at every school that sees it, on its limit and one step beyond.
#[test]
fn every_threshold_holds_at_its_edge_for_every_stage() {
    let checked = check_every_edge(&guapai(), &all_schools(), &[]);
    assert!(checked > 100, "only {checked} cases ran");
}

// ---- thresholds, case by case ----

#[test]
fn class_size_compulsory_55_passes_56_is_a_large_class() {
    let t = guapai();
    for s in [
        school(Stage::Primary),
        school(Stage::Junior),
        school(Stage::NineYear),
        school(Stage::CompleteSecondary),
        boarding(Stage::NineYear),
    ] {
        assert_eq!(outcome(&t, &s, "GP-KC-05", count(45)), Outcome::Compliant);
        assert_eq!(
            assert_edge(&t, &s, "GP-KC-05", count(55), count(56)),
            "义务教育 ≤ 55 人"
        );
        let v = judge(&t, &s, "GP-KC-05", count(56));
        assert_eq!(
            v.requirement.unwrap().en,
            "Compulsory education ≤ 55 students"
        );
        assert!(v.basis[0].document.contains("城乡义务教育一体化"));
        assert_eq!(v.basis[0].number.as_deref(), Some("国发〔2016〕40号"));
        assert_eq!(
            outcome(&t, &s, "GP-KC-05", count(66)),
            Outcome::NonCompliant
        );
    }
    for stage in [Stage::Senior, Stage::Kindergarten] {
        assert!(!sees(&t, &school(stage), "GP-KC-05"), "{}", stage.zh());
    }
}

#[test]
fn class_size_senior_55_passes_56_fails() {
    let t = guapai();
    for s in [
        school(Stage::Senior),
        school(Stage::CompleteSecondary),
        boarding(Stage::Senior),
    ] {
        assert_eq!(
            assert_edge(&t, &s, "GP-KC-06", count(55), count(56)),
            "高中 ≤ 55 人"
        );
        assert_eq!(
            outcome(&t, &s, "GP-KC-06", count(61)),
            Outcome::NonCompliant
        );
    }
    for stage in [Stage::Primary, Stage::Junior, Stage::NineYear] {
        assert!(!sees(&t, &school(stage), "GP-KC-06"), "{}", stage.zh());
    }
    // A 完全中学 reports its junior and senior sections separately, each against its own rule.
    let s = school(Stage::CompleteSecondary);
    assert!(sees(&t, &s, "GP-KC-05") && sees(&t, &s, "GP-KC-06"));
}

#[test]
fn exams_per_term_by_band() {
    let t = guapai();
    let cases = [
        (
            "GP-XF-01",
            vec![Stage::Primary, Stage::NineYear],
            0,
            "一二年级 应为 0 次",
        ),
        (
            "GP-XF-02",
            vec![Stage::Primary, Stage::NineYear],
            1,
            "三至六年级 ≤ 1 次",
        ),
        (
            "GP-XF-03",
            vec![Stage::Junior, Stage::NineYear, Stage::CompleteSecondary],
            2,
            "初中 ≤ 2 次",
        ),
    ];
    for (code, stages, max, req) in cases {
        for stage in stages {
            for s in [school(stage), boarding(stage)] {
                assert_eq!(assert_edge(&t, &s, code, count(max), count(max + 1)), req);
                let v = judge(&t, &s, code, count(max + 1));
                assert!(v.basis[0].document.contains("考试管理"));
            }
        }
    }
    // A 九年一贯制 school's bands are judged apart: 2 exams is fine for 初中, over for 三至六年级.
    let s = school(Stage::NineYear);
    assert_eq!(outcome(&t, &s, "GP-XF-03", count(2)), Outcome::Compliant);
    assert_eq!(outcome(&t, &s, "GP-XF-02", count(2)), Outcome::NonCompliant);
    // No band for senior high: a 高中 is not asked.
    for code in ["GP-XF-01", "GP-XF-02", "GP-XF-03", "GP-XF-04"] {
        assert!(!sees(&t, &school(Stage::Senior), code), "{code}");
    }
    let rule = t.rule("exams_per_term").unwrap();
    assert!(rule
        .evaluate(&count(3), GradeRange::new(10, 12), 800, None)
        .is_none());
    // Grades 3–9 judged as one would be held to the primary limit: why the items are split.
    let v = rule
        .evaluate(&count(2), GradeRange::new(3, 9), 800, None)
        .unwrap();
    assert_eq!(v.outcome, Outcome::NonCompliant);
}

#[test]
fn campus_activities_at_most_three_a_term_everywhere() {
    let t = guapai();
    for s in school_stages() {
        assert_eq!(outcome(&t, &s, "GP-XW-05", count(0)), Outcome::Compliant);
        assert_eq!(
            assert_edge(&t, &s, "GP-XW-05", count(3), count(4)),
            "中小学 ≤ 3 项"
        );
        let v = judge(&t, &s, "GP-XW-05", count(4));
        assert!(v.basis[0].local, "the verdict cites the local rule first");
    }
}

#[test]
fn labour_lessons_at_least_one_a_week_in_compulsory_education() {
    let t = guapai();
    for stage in [
        Stage::Primary,
        Stage::Junior,
        Stage::NineYear,
        Stage::CompleteSecondary,
    ] {
        let s = school(stage);
        // Every other week is short.
        assert_eq!(
            assert_edge(&t, &s, "GP-KC-02", num(1.0), num(0.5)),
            "义务教育 ≥ 1 课时"
        );
        assert_eq!(outcome(&t, &s, "GP-KC-02", num(2.0)), Outcome::Compliant);
        assert_eq!(outcome(&t, &s, "GP-KC-02", num(0.0)), Outcome::NonCompliant);
    }
    assert!(!sees(&t, &school(Stage::Senior), "GP-KC-02"));
}

#[test]
fn every_meal_needs_a_leader_eating_with_students() {
    let t = guapai();
    for s in school_stages() {
        assert_eq!(
            assert_edge(&t, &s, "GP-WS-01", count(0), count(1)),
            "中小学 应为 0 餐次"
        );
        let v = judge(&t, &s, "GP-WS-01", count(1));
        assert!(v.basis[0].document.contains("学校食品安全"));
    }
}

// ---- which school sees what ----

#[test]
fn a_kindergarten_sees_nothing() {
    let t = guapai();
    // Not even with every trigger answered.
    let all_yes = answers(&[
        ("GP-KC-03", yes()),
        ("GP-JS-03", yes()),
        ("GP-JS-04", yes()),
        ("GP-AQ-05", yes()),
        ("GP-XF-06", yes()),
    ]);
    for s in [school(Stage::Kindergarten), boarding(Stage::Kindergarten)] {
        assert_sees_nothing(&t, &s, &all_yes);
        // Every check is listed as 不适用, for want of grades.
        assert!(not_applicable(&t, &s)
            .iter()
            .all(|(_, why)| *why == NotApplicable::Grades));
    }
}

#[test]
fn every_item_concerns_school_grades_only() {
    for (_, item) in guapai().items() {
        let g = item
            .grades
            .unwrap_or_else(|| panic!("{} has no grades", item.code));
        assert!(g.from >= 1 && g.to <= 12, "{}", item.code);
        assert!(item.stages.is_none(), "{}: prefer grades", item.code);
    }
}

/// How many items each school sees before any follow-up opens: (stage, day, boarding).
#[test]
fn how_many_items_each_stage_sees() {
    assert_eq!(
        counts_by_stage(&guapai(), &Answers::new()),
        [
            (Stage::Kindergarten, 0, 0),
            (Stage::Primary, 41, 43),
            (Stage::Junior, 40, 42),
            (Stage::Senior, 32, 34),
            (Stage::NineYear, 42, 44),
            (Stage::CompleteSecondary, 41, 43),
        ]
    );
}

#[test]
fn boarding_adds_the_dormitory_items_only() {
    let t = guapai();
    for stage in [
        Stage::Primary,
        Stage::Junior,
        Stage::Senior,
        Stage::NineYear,
        Stage::CompleteSecondary,
    ] {
        let d: HashSet<String> = visible(&t, &school(stage), &Answers::new())
            .into_iter()
            .collect();
        let b: HashSet<String> = visible(&t, &boarding(stage), &Answers::new())
            .into_iter()
            .collect();
        let mut extra: Vec<&String> = b.difference(&d).collect();
        extra.sort();
        assert_eq!(extra, ["GP-WS-04", "GP-WS-05"], "{}", stage.zh());
        assert!(d.is_subset(&b));
    }
    let why: Vec<(String, NotApplicable)> = not_applicable(&t, &school(Stage::Junior))
        .into_iter()
        .filter(|(c, _)| c.starts_with("GP-WS-"))
        .collect();
    assert_eq!(
        why,
        [
            ("GP-WS-04".to_owned(), NotApplicable::Boarding),
            ("GP-WS-05".to_owned(), NotApplicable::Boarding)
        ]
    );
}

#[test]
fn a_primary_school_sees_no_secondary_item() {
    let t = guapai();
    let s = school(Stage::Primary);
    for code in [
        "GP-XF-01", "GP-XF-02", "GP-XF-04", "GP-KC-02", "GP-KC-05", "GP-ZS-01", "GP-XX-01",
    ] {
        assert!(sees(&t, &s, code), "{code}");
    }
    for code in ["GP-XF-03", "GP-KC-06", "GP-WS-04", "GP-WS-05"] {
        assert!(!sees(&t, &s, code), "{code}");
    }
}

#[test]
fn a_junior_school_sees_only_the_junior_bands() {
    let t = guapai();
    let s = school(Stage::Junior);
    for code in ["GP-XF-03", "GP-XF-04", "GP-KC-02", "GP-KC-05", "GP-ZS-04"] {
        assert!(sees(&t, &s, code), "{code}");
    }
    for code in ["GP-XF-01", "GP-XF-02", "GP-KC-06"] {
        assert!(!sees(&t, &s, code), "{code}");
    }
}

#[test]
fn a_senior_high_school_sees_no_compulsory_education_item() {
    let t = guapai();
    let s = school(Stage::Senior);
    let codes = visible(&t, &s, &Answers::new());
    for code in [
        "GP-ZS-01", "GP-ZS-02", "GP-ZS-03", "GP-ZS-04", "GP-KC-02", "GP-KC-05", "GP-XX-01",
        "GP-XF-01", "GP-XF-02", "GP-XF-03", "GP-XF-04",
    ] {
        assert!(!codes.iter().any(|c| c == code), "{code}");
    }
    for code in [
        "GP-XW-01", "GP-ZS-05", "GP-ZS-06", "GP-ZS-07", "GP-KC-01", "GP-KC-06", "GP-JS-04",
        "GP-AQ-02", "GP-WS-01", "GP-XF-05", "GP-XF-06",
    ] {
        assert!(sees(&t, &s, code), "{code}");
    }
    // Still all eight areas.
    assert_eq!(
        section_codes(&t, &s),
        ["XW", "ZS", "KC", "XX", "JS", "AQ", "WS", "XF"]
    );
}

#[test]
fn a_nine_year_school_sees_every_compulsory_band() {
    let t = guapai();
    let s = boarding(Stage::NineYear);
    for code in [
        "GP-XF-01", "GP-XF-02", "GP-XF-03", "GP-KC-02", "GP-KC-05", "GP-WS-04", "GP-WS-05",
    ] {
        assert!(sees(&t, &s, code), "{code}");
    }
    assert!(!sees(&t, &s, "GP-KC-06"));
}

#[test]
fn a_school_with_some_grades_sees_its_own_bands() {
    let t = guapai();
    // A 村小 with grades 1–4, and a school with only 初一.
    let small = school_with(Stage::Primary, [1, 4], false, 60);
    assert!(sees(&t, &small, "GP-XF-01") && sees(&t, &small, "GP-XF-02"));
    assert_eq!(
        outcome(&t, &small, "GP-XF-02", count(2)),
        Outcome::NonCompliant
    );
    let first_year = school_with(Stage::Junior, [7, 7], true, 300);
    assert!(sees(&t, &first_year, "GP-XF-03"));
    assert_eq!(
        outcome(&t, &first_year, "GP-XF-03", count(2)),
        Outcome::Compliant
    );
    // A 九年一贯制 school with only its primary grades open so far sees no junior item.
    let young = school_with(Stage::NineYear, [1, 6], false, 400);
    assert!(!sees(&t, &young, "GP-XF-03"));
}

#[test]
fn a_school_known_to_have_no_canteen_is_not_asked_about_it() {
    let t = guapai();
    let mut s = school(Stage::Primary);
    assert!(
        sees(&t, &s, "GP-WS-01") && sees(&t, &s, "GP-WS-02"),
        "unknown: shown"
    );
    s.facilities.insert(Facility::Canteen, true);
    assert!(sees(&t, &s, "GP-WS-01") && sees(&t, &s, "GP-WS-02"));
    s.facilities.insert(Facility::Canteen, false);
    assert!(!sees(&t, &s, "GP-WS-01") && !sees(&t, &s, "GP-WS-02"));
    assert!(
        sees(&t, &s, "GP-WS-03"),
        "drinking water is asked everywhere"
    );
    let why: Vec<(String, NotApplicable)> = not_applicable(&t, &s)
        .into_iter()
        .filter(|(c, _)| c.starts_with("GP-WS-"))
        .collect();
    assert_eq!(
        why[..2],
        [
            (
                "GP-WS-01".to_owned(),
                NotApplicable::Facility(Facility::Canteen)
            ),
            (
                "GP-WS-02".to_owned(),
                NotApplicable::Facility(Facility::Canteen)
            ),
        ]
    );
    assert_eq!(
        NotApplicable::Facility(Facility::Canteen).describe(false),
        "本校无食堂"
    );
}

// ---- show-if follow-ups ----

#[test]
fn the_follow_ups_are_exactly_these() {
    let t = guapai();
    let follow: Vec<(&str, &str)> = t
        .items()
        .filter_map(|(_, i)| i.show_if.as_deref().map(|c| (i.code.as_str(), c)))
        .collect();
    assert_eq!(
        follow,
        [
            ("GP-KC-04", "GP-KC-03 = 是"),
            ("GP-JS-05", "GP-JS-03 = 是 or GP-JS-04 = 是"),
            ("GP-AQ-06", "GP-AQ-05 = 是"),
            ("GP-XF-07", "GP-XF-06 = 是"),
        ]
    );
    for (code, _) in follow {
        let item = t.item(code).unwrap();
        assert!(item.required, "{code} is required while it shows");
        assert_eq!(item.answer, AnswerKind::Text, "{code}");
    }
}

#[test]
fn follow_ups_open_on_their_trigger_and_are_required_only_then() {
    let t = guapai();
    for s in school_stages() {
        for (trigger, follow) in [
            ("GP-KC-03", "GP-KC-04"),
            ("GP-JS-03", "GP-JS-05"),
            ("GP-JS-04", "GP-JS-05"),
            ("GP-AQ-05", "GP-AQ-06"),
            ("GP-XF-06", "GP-XF-07"),
        ] {
            assert_opens_on(&t, &s, trigger, &[follow]);
            // Required while it shows.
            let m = missing(&t, &s, &answers(&[(trigger, yes())]));
            assert!(m.iter().any(|c| c == follow), "{follow} at {}", s.name);
        }
        // One follow-up for either of two triggers: still one question.
        let both = answers(&[("GP-JS-03", yes()), ("GP-JS-04", yes())]);
        assert_eq!(
            visible(&t, &s, &both)
                .iter()
                .filter(|c| *c == "GP-JS-05")
                .count(),
            1
        );
        let neither = answers(&[("GP-JS-03", no()), ("GP-JS-04", no())]);
        assert!(!visible(&t, &s, &neither).iter().any(|c| c == "GP-JS-05"));
    }
}

// ---- a whole visit ----

#[test]
fn a_fully_compliant_visit_finishes_with_no_findings() {
    let t = guapai();
    for s in school_stages() {
        for trig in [no(), yes()] {
            // 座谈 raising something to check is not itself a finding.
            assert_finishes_clean(&t, &s, &[("GP-XF-06", trig.clone())]);
        }
    }
}

#[test]
fn a_large_class_and_too_many_exams_become_findings_with_their_requirement() {
    let t = guapai();
    let s = school(Stage::NineYear);
    let mut given = fill_compliant(&t, &s, &[("GP-XF-06", no())]);
    given.extend(answers(&[
        ("GP-KC-05", count(58)),
        ("GP-XF-02", count(3)),
        ("GP-XW-05", count(5)),
    ]));
    let findings = Checklist::new(&[&t], &s).proposed_findings(&given);
    let codes: Vec<&str> = findings.iter().map(|f| f.item_code.as_str()).collect();
    assert_eq!(codes, ["GP-XW-05", "GP-KC-05", "GP-XF-02"]);

    let class = &findings[1];
    assert_eq!(class.section.zh, "课程开设和课堂教学");
    assert!(
        class.description.zh.contains("实测 58 人"),
        "{}",
        class.description.zh
    );
    assert!(
        class.description.zh.contains("义务教育 ≤ 55 人"),
        "{}",
        class.description.zh
    );
    assert_eq!(class.severity, Severity::General);

    let exams = &findings[2];
    assert!(
        exams.description.zh.contains("三至六年级 ≤ 1 次"),
        "{}",
        exams.description.zh
    );
    let activities = &findings[0];
    assert!(
        activities.description.zh.contains("中小学 ≤ 3 项"),
        "{}",
        activities.description.zh
    );
    assert!(activities.basis.iter().any(|b| b.local));
}

#[test]
fn a_problem_found_in_a_yes_no_check_is_a_finding_and_its_follow_up_is_asked() {
    let t = guapai();
    let s = boarding(Stage::Senior);
    let mut given = fill_compliant(&t, &s, &[("GP-AQ-05", yes()), ("GP-XF-06", no())]);
    assert!(given.contains_key("GP-AQ-06"), "the follow-up was asked");
    given.extend(answers(&[("GP-AQ-02", yes())]));
    let findings = Checklist::new(&[&t], &s).proposed_findings(&given);
    let codes: Vec<(&str, Severity)> = findings
        .iter()
        .map(|f| (f.item_code.as_str(), f.severity))
        .collect();
    assert_eq!(
        codes,
        [
            ("GP-AQ-02", Severity::General),
            ("GP-AQ-05", Severity::Major)
        ]
    );
}
