//! The “双减”及课后服务 template (`templates/shuangjian.toml`): it validates, local rules are
//! marked local, items reach exactly the schools they concern (课后服务 for grades 1–9, the
//! paid-tutoring and advertising bans up to senior high, nothing for kindergartens), every
//! threshold is judged correctly on and around its limit for each band and stage, and follow-ups
//! open on their trigger. What every built-in template must do is checked in `library.rs`.

mod common;

use common::template::{
    assert_basis_years, assert_edge, assert_edge_after, assert_finishes_clean,
    assert_full_width_punctuation, assert_help_at_least,
    assert_one_band_per_item_and_every_band_used, assert_opens_on, assert_sees_nothing,
    builtin_template, check_every_edge, counts_by_stage, fill_compliant, item_codes, judge,
    judge_after, limits, missing, outcome, requirement_zh, section_codes, sees, shows, visible,
    yes_no,
};
use common::{
    all_schools, answer, answers, boarding, comp, count, no, num, school, school_with, time, yes,
};
use dudao_domain::checklist::Answers;
use dudao_domain::template::{AnswerKind, EvidenceRule, Severity, YesNoCompliant};
use dudao_domain::{
    AnswerValue, Checklist, Compliance, GradeRange, Outcome, School, Stage, Template,
};
use std::collections::BTreeSet;

fn tpl() -> Template {
    builtin_template("shuangjian")
}

/// Every stage, as a day school and as a boarding school, plus a 村小 with grades 1–4.
fn schools_and_a_village_school() -> Vec<School> {
    let mut v = all_schools();
    v.push(school_with(Stage::Primary, [1, 4], false, 120));
    v
}

/// The answers that open every follow-up hiding a rule-bearing item.
fn open_triggers() -> Vec<(&'static str, AnswerValue)> {
    vec![
        ("SX-WZ-01", yes()),
        ("SX-TB-03", yes()),
        ("SX-SF-01", yes()),
    ]
}

// ---- the template as a whole ----

#[test]
fn template_validates() {
    let t = tpl();
    assert_eq!(t.id, "shuangjian");
    assert_eq!(t.version, 1);
    assert_eq!(t.kind, "双减");
    assert!(t.title.zh.contains("“双减”") && t.title.zh.contains("课后服务"));
    assert!(!t.description.zh.is_empty() && !t.description.en.is_empty());
}

#[test]
fn six_sections_with_sequential_prefixed_codes() {
    let t = tpl();
    let codes: Vec<&str> = t.sections.iter().map(|s| s.code.as_str()).collect();
    assert_eq!(codes, ["KH", "SF", "WZ", "PX", "KS", "TB"]);
    let sizes: Vec<usize> = t.sections.iter().map(|s| s.items.len()).collect();
    assert_eq!(sizes, [13, 6, 5, 7, 6, 5]);
    for s in &t.sections {
        for (i, item) in s.items.iter().enumerate() {
            assert_eq!(item.code, format!("SX-{}-{:02}", s.code, i + 1));
        }
    }
    assert_eq!(t.items().count(), 42);
}

#[test]
fn bases_are_dated_help_is_ample_and_punctuation_full_width() {
    let t = tpl();
    assert_basis_years(&t, 2013..=2021);
    // Help a new supervisor can act on.
    assert_help_at_least(&t, 60, 100);
    assert_full_width_punctuation(&t);
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
    let major = item_codes(&t, |i| i.severity == Severity::Major);
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
    let yn = |c: &str| yes_no(&t, c);
    for trigger in ["SX-SF-01", "SX-WZ-01", "SX-TB-03"] {
        assert_eq!(yn(trigger), None, "{trigger} is a trigger, not judged");
    }
    for c in [
        "SX-KH-11", "SX-SF-05", "SX-PX-02", "SX-PX-04", "SX-PX-05", "SX-KS-04", "SX-KS-05",
    ] {
        assert_eq!(yn(c), Some(YesNoCompliant::No), "{c}");
    }
    for c in ["SX-KH-06", "SX-KH-07", "SX-WZ-02"] {
        assert!(matches!(kind(c), AnswerKind::Time { .. }), "{c}");
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

#[test]
fn every_rule_item_sits_in_exactly_one_band_and_every_band_is_used() {
    assert_one_band_per_item_and_every_band_used(&tpl());
}

#[test]
fn the_threshold_values() {
    let t = tpl();
    let limits = |id: &str| limits(&t, id);
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

/// Every rule-bearing item at every school that sees it once the follow-ups are open, on its
/// limit and one step beyond.
#[test]
fn every_threshold_holds_at_its_edge_for_every_stage() {
    let checked = check_every_edge(&tpl(), &schools_and_a_village_school(), &open_triggers());
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
        assert_eq!(assert_edge(&t, &s, code, count(5), count(4)), req);
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
        assert_eq!(assert_edge(&t, &s, code, num(2.0), num(1.9)), req);
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
            assert_eq!(assert_edge(&t, &s, code, time(17, 30), time(17, 29)), req);
            assert_eq!(outcome(&t, &s, code, time(18, 0)), Outcome::Compliant);
            let v = judge(&t, &s, code, time(17, 29));
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
            let held = [("SX-WZ-01", yes())];
            let on = |code: &str, v: AnswerValue| judge_after(&t, &s, &held, code, v);
            let edge = |code: &str, at, beyond| assert_edge_after(&t, &s, &held, code, at, beyond);
            assert_eq!(
                edge("SX-WZ-02", time(20, 30), time(20, 31)),
                "初中 不晚于 20:30"
            );
            assert_eq!(on("SX-WZ-02", time(20, 0)).outcome, Outcome::Compliant);
            let v = on("SX-WZ-02", time(20, 31));
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
            assert_eq!(assert_edge(&t, &s, code, count(max), count(max + 1)), req);
            let v = judge(&t, &s, code, count(max + 1));
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
        let cases = [
            ("SX-TB-01", "义务教育阶段 应为 0 个"),
            ("SX-TB-02", "义务教育阶段 应为 0 个"),
            ("SX-TB-04", "义务教育阶段 应为 0 条"),
        ];
        let leads = [("SX-TB-03", yes())];
        for (code, req) in cases {
            assert_eq!(
                assert_edge_after(&t, &s, &leads, code, count(0), count(1)),
                req
            );
        }
    }
}

// ---- which school sees what ----

#[test]
fn a_kindergarten_sees_nothing() {
    let t = tpl();
    // Not even with every trigger answered the way that opens follow-ups.
    let mut all = open_triggers();
    all.extend([
        ("SX-PX-02", yes()),
        ("SX-PX-05", yes()),
        ("SX-KH-11", yes()),
        ("SX-KS-05", yes()),
    ]);
    for s in [school(Stage::Kindergarten), boarding(Stage::Kindergarten)] {
        assert_sees_nothing(&t, &s, &answers(&all));
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
            visible(&t, &s, &answers(&open_triggers())),
            ["SX-PX-01", "SX-PX-02", "SX-PX-04", "SX-PX-05"]
        );
        assert_eq!(section_codes(&t, &s), ["PX"]);
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
    assert!(visible(&t, &j, &answers(&open_triggers()))
        .iter()
        .any(|c| c == "SX-WZ-02"));
    let p = school(Stage::Primary);
    assert!(!visible(&t, &p, &answers(&open_triggers()))
        .iter()
        .any(|c| c.starts_with("SX-WZ-")));
}

/// (stage, day, boarding), before any follow-up and with the triggers answered 是: boarding
/// changes nothing.
#[test]
fn how_many_items_each_stage_sees() {
    let t = tpl();
    assert_eq!(
        counts_by_stage(&t, &Answers::new()),
        [
            (Stage::Kindergarten, 0, 0),
            (Stage::Primary, 22, 22),
            (Stage::Junior, 22, 22),
            (Stage::Senior, 4, 4),
            (Stage::NineYear, 27, 27),
            (Stage::CompleteSecondary, 22, 22),
        ]
    );
    assert_eq!(
        counts_by_stage(&t, &answers(&open_triggers())),
        [
            (Stage::Kindergarten, 0, 0),
            (Stage::Primary, 27, 27),
            (Stage::Junior, 30, 30),
            (Stage::Senior, 4, 4),
            (Stage::NineYear, 35, 35),
            (Stage::CompleteSecondary, 30, 30),
        ]
    );
}

// ---- show-if follow-ups ----

#[test]
fn follow_ups_are_exactly_these() {
    assert_eq!(
        item_codes(&tpl(), |i| i.show_if.is_some()),
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
        assert_edge(&t, &s, code, ok, short);
    }
    // Required once open.
    assert!(missing(&t, &s, &answers(&[("SX-KH-06", time(16, 50))])).contains(&f.to_owned()));
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
    assert_opens_on(&t, &s, "SX-SF-01", &["SX-SF-02", "SX-SF-03", "SX-SF-04"]);
    assert!(
        sees(&t, &s, "SX-SF-05"),
        "乱收费 is asked whatever the answer"
    );
    assert_opens_on(&t, &s, "SX-SF-05", &["SX-SF-06"]);
}

#[test]
fn evening_study_checks_open_when_it_is_held() {
    let t = tpl();
    let s = school(Stage::Junior);
    assert_opens_on(&t, &s, "SX-WZ-01", &["SX-WZ-02", "SX-WZ-03", "SX-WZ-04"]);
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
    assert_opens_on(&t, &s, "SX-PX-02", &["SX-PX-03"]);
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
    assert_opens_on(&t, &s, "SX-TB-03", &["SX-TB-04", "SX-TB-05"]);
}

// ---- a whole visit ----

#[test]
fn a_fully_compliant_visit_finishes_with_no_findings() {
    let t = tpl();
    for s in schools_and_a_village_school() {
        for trig in [no(), yes()] {
            let triggers = [
                ("SX-SF-01", trig.clone()),
                ("SX-WZ-01", trig.clone()),
                ("SX-TB-03", trig.clone()),
            ];
            assert_finishes_clean(&t, &s, &triggers);
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
