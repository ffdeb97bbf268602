//! The 作业公示专项检查 template (`templates/zuoye_gongshi.toml`): it validates, local rules are
//! marked local, items reach exactly the compulsory-education grades they concern, every
//! threshold is judged correctly on and around its limit for each band and stage, and follow-ups
//! open on their trigger. What every built-in template must do is checked in `library.rs`.

mod common;

use common::template::{
    assert_basis_years, assert_edge, assert_finishes_clean, assert_full_width_punctuation,
    assert_help_at_least, assert_one_band_per_item_and_every_band_used, assert_opens_on,
    assert_sees_nothing, builtin_template, check_every_edge, counts_by_stage, fill_compliant,
    item_codes, judge, limits, missing, outcome, requirement_zh, sees, shows, visible, yes_no,
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
    builtin_template("zuoye_gongshi")
}

/// Every stage, as a day school and as a boarding school, plus a 村小 with grades 1–4.
fn schools_and_a_village_school() -> Vec<School> {
    let mut v = all_schools();
    v.push(school_with(Stage::Primary, [1, 4], false, 120));
    v
}

// ---- the template as a whole ----

#[test]
fn template_validates() {
    let t = tpl();
    assert_eq!(t.id, "zuoye_gongshi");
    assert_eq!(t.version, 1);
    assert_eq!(t.kind, "作业公示");
    assert!(t.title.zh.contains("作业公示"), "{}", t.title.zh);
    assert!(!t.description.zh.is_empty() && !t.description.en.is_empty());
}

#[test]
fn five_sections_with_sequential_prefixed_codes() {
    let t = tpl();
    let codes: Vec<&str> = t.sections.iter().map(|s| s.code.as_str()).collect();
    assert_eq!(codes, ["GS", "SQ", "ZL", "FS", "TC"]);
    let sizes: Vec<usize> = t.sections.iter().map(|s| s.items.len()).collect();
    assert_eq!(sizes, [5, 3, 10, 5, 6]);
    for s in &t.sections {
        for (i, item) in s.items.iter().enumerate() {
            assert_eq!(item.code, format!("ZG-{}-{:02}", s.code, i + 1));
        }
    }
    assert_eq!(t.items().count(), 29);
}

#[test]
fn bases_are_dated_help_is_ample_and_punctuation_full_width() {
    let t = tpl();
    assert_basis_years(&t, 2021..=2024);
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
    let yn = |c: &str| yes_no(&t, c);
    assert_eq!(yn("ZG-TC-04"), None, "a trigger is not judged");
    assert_eq!(yn("ZG-SQ-02"), Some(YesNoCompliant::Yes));
    for c in ["ZG-GS-04", "ZG-ZL-01", "ZG-FS-01", "ZG-FS-02", "ZG-FS-03"] {
        assert_eq!(yn(c), Some(YesNoCompliant::No), "{c}");
    }
    assert!(matches!(kind("ZG-GS-03"), AnswerKind::Time { .. }));
    for c in ["ZG-ZL-02", "ZG-ZL-03", "ZG-ZL-04", "ZG-ZL-05", "ZG-ZL-06"] {
        assert!(matches!(kind(c), AnswerKind::Number { .. }), "{c}");
    }
    for c in ["ZG-ZL-07", "ZG-ZL-08"] {
        assert!(matches!(kind(c), AnswerKind::Count { .. }), "{c}");
    }
    // Every item has grades within 1–9.
    for (_, item) in t.items() {
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

#[test]
fn every_rule_item_sits_in_exactly_one_band_and_every_band_is_used() {
    assert_one_band_per_item_and_every_band_used(&tpl());
}

#[test]
fn the_threshold_values() {
    let t = tpl();
    let limits = |id: &str| limits(&t, id);
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

/// Every rule-bearing item at every school that sees it, on its limit and one step beyond.
#[test]
fn every_threshold_holds_at_its_edge_for_every_stage() {
    let checked = check_every_edge(&tpl(), &schools_and_a_village_school(), &[]);
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
        assert_eq!(
            assert_edge(&t, &s, "ZG-ZL-03", num(60.0), num(60.5)),
            "三至六年级 ≤ 60 分钟"
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
            assert_eq!(
                assert_edge(&t, &s, "ZG-ZL-04", num(90.0), num(91.0)),
                "初中 ≤ 90 分钟"
            );
            assert_eq!(outcome(&t, &s, "ZG-ZL-04", num(75.0)), Outcome::Compliant);
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
        assert_eq!(
            assert_edge(&t, &s, "ZG-GS-03", time(9, 0), time(9, 1)),
            "义务教育阶段 不晚于 09:00"
        );
        let v = judge(&t, &s, "ZG-GS-03", time(9, 1));
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
        assert_eq!(assert_edge(&t, &s, code, num(15.0), num(16.0)), req);
        assert_eq!(outcome(&t, &s, code, num(10.0)), Outcome::Compliant);
        let v = judge(&t, &s, code, num(16.0));
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
        assert_eq!(assert_edge(&t, &s, code, count(3), count(4)), req);
        let v = judge(&t, &s, code, count(4));
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
            assert_sees_nothing(&t, &s, &triggers);
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
    // (stage, day, boarding): boarding changes nothing here.
    assert_eq!(
        counts_by_stage(&t, &Answers::new()),
        [
            (Stage::Kindergarten, 0, 0),
            (Stage::Primary, 20, 20),
            (Stage::Junior, 18, 18),
            (Stage::Senior, 0, 0),
            (Stage::NineYear, 23, 23),
            (Stage::CompleteSecondary, 18, 18),
        ]
    );
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

#[test]
fn follow_ups_are_exactly_these() {
    assert_eq!(
        item_codes(&tpl(), |i| i.show_if.is_some()),
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
    let missing =
        |v: AnswerValue| missing(&t, &s, &answers(&[("ZG-GS-04", v)])).contains(&f.to_owned());
    assert!(!missing(no()));
    assert!(missing(yes()));
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
        assert_edge(&t, &nine, code, ok, over);
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
    assert_opens_on(&t, &s, "ZG-TC-04", &["ZG-TC-05", "ZG-TC-06"]);
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

#[test]
fn a_fully_compliant_visit_finishes_with_no_findings() {
    let t = tpl();
    for s in schools_and_a_village_school()
        .into_iter()
        .filter(|s| !matches!(s.stage, Stage::Kindergarten | Stage::Senior))
    {
        for complaints in [no(), yes()] {
            assert_finishes_clean(&t, &s, &[("ZG-TC-04", complaints)]);
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
