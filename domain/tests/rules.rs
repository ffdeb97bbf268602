//! The rule engine at its boundaries: a supervisor must be able to trust that 60 minutes is
//! within "≤ 60 分钟" and that 08:19 is before "不早于 08:20".

mod common;

use common::{school, school_with};
use dudao_domain::rule::{Band, Rule};
use dudao_domain::template::{AnswerKind, YesNoCompliant};
use dudao_domain::{
    AnswerValue, Basis, Compliance, GradeRange, Outcome, Stage, Template, Text, TimeOfDay, Verdict,
};

fn minutes() -> Text {
    Text::new("分钟", "min")
}

fn basis(document: &str, year: u16) -> Basis {
    Basis {
        document: document.into(),
        number: None,
        year,
        article: None,
        local: false,
        unconfirmed: false,
    }
}

fn band(grades: [u8; 2], zh: &str, en: &str) -> Band {
    Band {
        grades: GradeRange::new(grades[0], grades[1]),
        enrolment: None,
        label: Text::new(zh, en),
        max: None,
        min: None,
        step: None,
        not_before: None,
        not_after: None,
    }
}

fn rule(bands: Vec<Band>) -> Rule {
    Rule {
        id: "r".into(),
        measure: Text::new("测量", "measure"),
        basis: vec![basis(
            "关于进一步减轻义务教育阶段学生作业负担和校外培训负担的意见",
            2021,
        )],
        bands,
    }
}

/// Written homework (双减意见 2021): 一二年级 none, 三至六年级 ≤ 60, 初中 ≤ 90.
fn homework() -> Rule {
    rule(vec![
        Band {
            max: Some(0.0),
            ..band([1, 2], "一二年级", "Grades 1–2")
        },
        Band {
            max: Some(60.0),
            ..band([3, 6], "三至六年级", "Grades 3–6")
        },
        Band {
            max: Some(90.0),
            ..band([7, 9], "初中", "Junior high")
        },
    ])
}

fn at(h: u8, m: u8) -> AnswerValue {
    AnswerValue::Time(TimeOfDay::new(h, m).unwrap())
}

fn n(v: f64) -> AnswerValue {
    AnswerValue::Number(v)
}

fn outcome(r: &Rule, v: AnswerValue, grades: [u8; 2]) -> Option<Outcome> {
    r.evaluate(
        &v,
        GradeRange::new(grades[0], grades[1]),
        800,
        Some(&minutes()),
    )
    .map(|v| v.outcome)
}

fn requirement(r: &Rule, v: AnswerValue, grades: [u8; 2]) -> String {
    r.evaluate(
        &v,
        GradeRange::new(grades[0], grades[1]),
        800,
        Some(&minutes()),
    )
    .and_then(|v| v.requirement)
    .map(|t| t.zh)
    .unwrap_or_default()
}

const OK: Option<Outcome> = Some(Outcome::Compliant);
const FAIL: Option<Outcome> = Some(Outcome::NonCompliant);

#[test]
fn max_is_inclusive() {
    let r = homework();
    assert_eq!(outcome(&r, n(60.0), [3, 6]), OK);
    assert_eq!(outcome(&r, n(59.5), [3, 6]), OK);
    assert_eq!(outcome(&r, n(60.5), [3, 6]), FAIL);
    assert_eq!(outcome(&r, n(61.0), [3, 6]), FAIL);
    assert_eq!(outcome(&r, n(90.0), [7, 9]), OK);
    assert_eq!(outcome(&r, n(91.0), [7, 9]), FAIL);
}

#[test]
fn min_is_inclusive() {
    // 大课间 30 minutes every day (体质健康管理通知 2021).
    let r = rule(vec![Band {
        min: Some(30.0),
        ..band([1, 12], "中小学", "All")
    }]);
    assert_eq!(outcome(&r, n(30.0), [1, 6]), OK);
    assert_eq!(outcome(&r, n(45.0), [1, 6]), OK);
    assert_eq!(outcome(&r, n(29.5), [1, 6]), FAIL);
    assert_eq!(outcome(&r, n(29.0), [1, 6]), FAIL);
    assert_eq!(requirement(&r, n(29.0), [1, 6]), "中小学 ≥ 30 分钟");
}

#[test]
fn max_zero_fails_any_positive_value() {
    let r = homework();
    assert_eq!(outcome(&r, n(0.0), [1, 2]), OK);
    assert_eq!(outcome(&r, n(0.5), [1, 2]), FAIL);
    assert_eq!(outcome(&r, n(1.0), [1, 2]), FAIL);
    assert_eq!(outcome(&r, AnswerValue::Count(1), [1, 2]), FAIL);
    assert_eq!(requirement(&r, n(10.0), [1, 2]), "一二年级 应为 0 分钟");
}

#[test]
fn min_and_max_make_a_range() {
    // 睡眠: junior high 9 hours; a local rule may set a window.
    let r = rule(vec![Band {
        min: Some(9.0),
        max: Some(10.0),
        ..band([7, 9], "初中", "Junior high")
    }]);
    let hours = Text::new("小时", "h");
    let judge = |v: f64| {
        r.evaluate(&n(v), GradeRange::new(7, 9), 800, Some(&hours))
            .unwrap()
            .outcome
    };
    assert_eq!(judge(9.0), Outcome::Compliant);
    assert_eq!(judge(9.5), Outcome::Compliant);
    assert_eq!(judge(10.0), Outcome::Compliant);
    assert_eq!(judge(8.9), Outcome::NonCompliant);
    assert_eq!(judge(10.1), Outcome::NonCompliant);
    let v = r
        .evaluate(&n(8.0), GradeRange::new(7, 9), 800, Some(&hours))
        .unwrap();
    assert_eq!(
        v.requirement.unwrap(),
        Text::new("初中 9–10 小时", "Junior high 9–10 h")
    );
}

#[test]
fn not_before_at_the_limit_and_a_minute_either_side() {
    // 上午上课时间: 小学 不早于 08:20, 中学 不早于 08:00 (教基厅函〔2021〕11号).
    let r = rule(vec![
        Band {
            not_before: TimeOfDay::new(8, 20),
            ..band([1, 6], "小学", "Primary")
        },
        Band {
            not_before: TimeOfDay::new(8, 0),
            ..band([7, 12], "中学", "Secondary")
        },
    ]);
    assert_eq!(outcome(&r, at(8, 20), [1, 6]), OK);
    assert_eq!(outcome(&r, at(8, 21), [1, 6]), OK);
    assert_eq!(outcome(&r, at(8, 19), [1, 6]), FAIL);
    assert_eq!(outcome(&r, at(8, 0), [7, 9]), OK);
    assert_eq!(outcome(&r, at(7, 59), [7, 9]), FAIL);
    assert_eq!(outcome(&r, at(8, 1), [7, 9]), OK);
    assert_eq!(requirement(&r, at(8, 19), [1, 6]), "小学 不早于 08:20");
}

#[test]
fn not_after_at_the_limit_and_a_minute_either_side() {
    // 就寝时间: 小学 21:20, 初中 22:00, 高中 23:00.
    let r = rule(vec![
        Band {
            not_after: TimeOfDay::new(21, 20),
            ..band([1, 6], "小学", "Primary")
        },
        Band {
            not_after: TimeOfDay::new(22, 0),
            ..band([7, 9], "初中", "Junior high")
        },
        Band {
            not_after: TimeOfDay::new(23, 0),
            ..band([10, 12], "高中", "Senior high")
        },
    ]);
    assert_eq!(outcome(&r, at(21, 20), [1, 6]), OK);
    assert_eq!(outcome(&r, at(21, 19), [1, 6]), OK);
    assert_eq!(outcome(&r, at(21, 21), [1, 6]), FAIL);
    assert_eq!(outcome(&r, at(22, 0), [7, 9]), OK);
    assert_eq!(outcome(&r, at(22, 1), [7, 9]), FAIL);
    assert_eq!(outcome(&r, at(23, 0), [10, 12]), OK);
    assert_eq!(outcome(&r, at(23, 1), [10, 12]), FAIL);
    assert_eq!(requirement(&r, at(22, 30), [7, 9]), "初中 不晚于 22:00");
}

#[test]
fn a_window_of_times() {
    let r = rule(vec![Band {
        not_before: TimeOfDay::new(11, 30),
        not_after: TimeOfDay::new(12, 30),
        ..band([1, 6], "小学", "Primary")
    }]);
    assert_eq!(outcome(&r, at(11, 29), [1, 6]), FAIL);
    assert_eq!(outcome(&r, at(11, 30), [1, 6]), OK);
    assert_eq!(outcome(&r, at(12, 30), [1, 6]), OK);
    assert_eq!(outcome(&r, at(12, 31), [1, 6]), FAIL);
    assert_eq!(
        requirement(&r, at(13, 0), [1, 6]),
        "小学 不早于 11:30，不晚于 12:30"
    );
}

#[test]
fn counts_are_judged_against_number_limits() {
    let r = rule(vec![Band {
        max: Some(60.0),
        ..band([1, 12], "全校", "Whole school")
    }]);
    assert_eq!(outcome(&r, AnswerValue::Count(60), [1, 6]), OK);
    assert_eq!(outcome(&r, AnswerValue::Count(61), [1, 6]), FAIL);
    assert_eq!(outcome(&r, AnswerValue::Count(0), [1, 6]), OK);
}

#[test]
fn a_value_of_the_wrong_kind_gets_no_verdict() {
    let minutes_rule = homework();
    assert_eq!(outcome(&minutes_rule, at(8, 0), [3, 6]), None);
    assert_eq!(
        outcome(
            &minutes_rule,
            AnswerValue::Compliance(Compliance::Compliant),
            [3, 6]
        ),
        None
    );
    let time_rule = rule(vec![Band {
        not_before: TimeOfDay::new(8, 20),
        ..band([1, 6], "小学", "")
    }]);
    assert_eq!(outcome(&time_rule, n(820.0), [1, 6]), None);
    assert_eq!(outcome(&time_rule, AnswerValue::Count(8), [1, 6]), None);
}

#[test]
fn only_bands_for_the_schools_grades_count() {
    let r = homework();
    // A primary item for grades 3–6 is never held to the 一二年级 "none" band.
    assert_eq!(outcome(&r, n(45.0), [3, 6]), OK);
    assert_eq!(requirement(&r, n(45.0), [3, 6]), "三至六年级 ≤ 60 分钟");
    // A junior high is held to 90, not 60.
    assert_eq!(outcome(&r, n(75.0), [7, 9]), OK);
    assert_eq!(requirement(&r, n(75.0), [7, 9]), "初中 ≤ 90 分钟");
}

#[test]
fn a_school_spanning_bands_is_held_to_the_strictest_violated_one() {
    let r = homework();
    // Grades 5–8 touch 三至六年级 (≤ 60) and 初中 (≤ 90): 75 breaks only the first.
    let v = r
        .evaluate(&n(75.0), GradeRange::new(5, 8), 800, Some(&minutes()))
        .unwrap();
    assert_eq!(v.outcome, Outcome::NonCompliant);
    assert_eq!(
        v.requirement.unwrap(),
        Text::new("三至六年级 ≤ 60 分钟", "Grades 3–6 ≤ 60 min")
    );
    // Within both, the requirement lists both bands.
    let v = r
        .evaluate(&n(60.0), GradeRange::new(5, 8), 800, Some(&minutes()))
        .unwrap();
    assert_eq!(v.outcome, Outcome::Compliant);
    assert_eq!(
        v.requirement.unwrap().zh,
        "三至六年级 ≤ 60 分钟；初中 ≤ 90 分钟"
    );
    // 九年一贯制 answering one number for grades 1–9: 95 breaks all three bands.
    let v = r
        .evaluate(&n(95.0), GradeRange::new(1, 9), 800, Some(&minutes()))
        .unwrap();
    assert_eq!(v.outcome, Outcome::NonCompliant);
    assert_eq!(
        v.requirement.unwrap().zh,
        "一二年级 应为 0 分钟；三至六年级 ≤ 60 分钟；初中 ≤ 90 分钟"
    );
}

#[test]
fn a_school_with_no_matching_band_gets_no_verdict() {
    let r = homework();
    assert_eq!(outcome(&r, n(200.0), [10, 12]), None);
    assert_eq!(outcome(&r, n(0.0), [0, 0]), None);
    assert_eq!(r.bands_for(GradeRange::new(10, 12), 800).count(), 0);
    assert_eq!(r.bands_for(GradeRange::new(6, 7), 800).count(), 2);
}

#[test]
fn the_verdict_carries_the_rule_and_its_basis() {
    let r = homework();
    let v = r
        .evaluate(&n(75.0), GradeRange::new(3, 6), 800, Some(&minutes()))
        .unwrap();
    assert_eq!(v.rule_id.as_deref(), Some("r"));
    assert_eq!(v.basis, r.basis);
    assert_eq!(v.basis[0].year, 2021);
}

#[test]
fn requirement_text_reads_as_written_beside_the_field() {
    let r = homework();
    let v = r
        .evaluate(&n(75.0), GradeRange::new(3, 6), 800, Some(&minutes()))
        .unwrap();
    assert_eq!(
        v.requirement.unwrap(),
        Text::new("三至六年级 ≤ 60 分钟", "Grades 3–6 ≤ 60 min")
    );
    // Without a unit, nothing dangles.
    let v = r
        .evaluate(&n(75.0), GradeRange::new(3, 6), 800, None)
        .unwrap();
    assert_eq!(v.requirement.unwrap().zh, "三至六年级 ≤ 60");
    // English falls back to the Chinese label when no translation is given.
    let bare = rule(vec![Band {
        max: Some(2.0),
        ..band([1, 6], "小学", "")
    }]);
    let v = bare
        .evaluate(
            &n(3.0),
            GradeRange::new(1, 6),
            800,
            Some(&Text::new("小时", "")),
        )
        .unwrap();
    assert_eq!(
        v.requirement.unwrap(),
        Text::new("小学 ≤ 2 小时", "小学 ≤ 2 小时")
    );
}

// ---- Through the template: item grades ∩ school grades ----

const TEMPLATE: &str = r#"
id = "rules-test"
version = 1
kind = "五项管理"
title = { zh = "规则测试" }

[[rules]]
id = "homework"
measure = { zh = "书面作业平均完成时间" }
basis = [{ document = "关于进一步减轻义务教育阶段学生作业负担和校外培训负担的意见", year = 2021, article = "第五条" }]
bands = [
  { grades = [1, 2], label = { zh = "一二年级", en = "Grades 1–2" }, max = 0 },
  { grades = [3, 6], label = { zh = "三至六年级", en = "Grades 3–6" }, max = 60 },
  { grades = [7, 9], label = { zh = "初中", en = "Junior high" }, max = 90 },
]

[[rules]]
id = "start"
measure = { zh = "上午第一节课上课时间" }
basis = [{ document = "关于进一步加强中小学生睡眠管理工作的通知", number = "教基厅函〔2021〕11号", year = 2021 }]
bands = [
  { grades = [1, 6], label = { zh = "小学" }, not_before = "08:20" },
  { grades = [7, 12], label = { zh = "中学" }, not_before = "08:00" },
]

[[sections]]
code = "ZY"
title = { zh = "作业" }

[[sections.items]]
code = "ZY-36"
prompt = { zh = "三至六年级书面作业平均完成时间" }
basis = [{ document = "作业管理通知", year = 2021 }]
answer = { kind = "number", unit = { zh = "分钟", en = "min" }, min = 0, max = 1000 }
grades = [3, 6]
rule = "homework"

[[sections.items]]
code = "ZY-ALL"
prompt = { zh = "书面作业平均完成时间" }
basis = [{ document = "作业管理通知", year = 2021 }]
answer = { kind = "number", unit = { zh = "分钟", en = "min" }, min = 0, max = 1000 }
rule = "homework"

[[sections.items]]
code = "ZY-NORULE"
prompt = { zh = "作业种类数" }
basis = [{ document = "作业管理通知", year = 2021 }]
answer = { kind = "count", unit = { zh = "种" }, min = 0, max = 1000 }

[[sections.items]]
code = "SM-START"
prompt = { zh = "上午第一节课上课时间" }
basis = [{ document = "睡眠管理通知", year = 2021 }]
answer = { kind = "time" }
rule = "start"

[[sections.items]]
code = "SJ-PHONE"
prompt = { zh = "是否有校内公共电话" }
basis = [{ document = "手机管理通知", year = 2021 }]
answer = { kind = "yes_no", compliant = "yes" }

[[sections.items]]
code = "SJ-HW"
prompt = { zh = "是否用手机布置作业" }
basis = [{ document = "手机管理通知", year = 2021 }]
answer = { kind = "yes_no", compliant = "no" }

[[sections.items]]
code = "SJ-INFO"
prompt = { zh = "学生是否带手机" }
basis = [{ document = "手机管理通知", year = 2021 }]
answer = { kind = "yes_no" }

[[sections.items]]
code = "SJ-STORE"
prompt = { zh = "手机保管方式" }
basis = [{ document = "手机管理通知", year = 2021 }]
answer = { kind = "choice", options = [
  { code = "box", label = { zh = "统一保管" } },
  { code = "none", label = { zh = "未保管" }, noncompliant = true },
] }

[[sections.items]]
code = "SJ-MANAGE"
prompt = { zh = "手机管理制度" }
basis = [{ document = "手机管理通知", year = 2021 }]
answer = { kind = "compliance" }

[[sections.items]]
code = "SJ-NOTE"
prompt = { zh = "其他情况" }
basis = [{ document = "手机管理通知", year = 2021 }]
answer = { kind = "text" }
"#;

fn template() -> Template {
    Template::from_toml(TEMPLATE).unwrap_or_else(|e| panic!("{e}"))
}

fn verdict(t: &Template, code: &str, v: AnswerValue, stage: Stage) -> Option<Verdict> {
    Verdict::for_item(t, t.item(code).unwrap(), &v, &school(stage))
}

#[test]
fn an_item_is_judged_for_its_grades_within_the_school() {
    let t = template();
    // A 九年一贯制 school has grades 1–9, but the item concerns grades 3–6 only: 45 minutes is
    // fine, and the 一二年级 "none" band does not apply.
    let v = verdict(&t, "ZY-36", n(45.0), Stage::NineYear).unwrap();
    assert_eq!(v.outcome, Outcome::Compliant);
    assert_eq!(v.requirement.unwrap().zh, "三至六年级 ≤ 60 分钟");
    let v = verdict(&t, "ZY-36", n(61.0), Stage::Primary).unwrap();
    assert_eq!(v.outcome, Outcome::NonCompliant);
    // The same item at a junior high has no grades in common: no verdict.
    assert_eq!(verdict(&t, "ZY-36", n(61.0), Stage::Junior), None);
    // An item without grades is judged for all the school's grades.
    assert_eq!(
        verdict(&t, "ZY-ALL", n(75.0), Stage::Junior)
            .unwrap()
            .outcome,
        Outcome::Compliant
    );
    assert_eq!(
        verdict(&t, "ZY-ALL", n(75.0), Stage::NineYear)
            .unwrap()
            .outcome,
        Outcome::NonCompliant
    );
    // 高中 has no homework band at all.
    assert_eq!(verdict(&t, "ZY-ALL", n(200.0), Stage::Senior), None);
    // A school with unusual grades: 5–8 (a 完全中学 that kept two primary grades).
    let odd = school_with(Stage::CompleteSecondary, [5, 8], false, 600);
    let item = t.item("ZY-ALL").unwrap();
    let v = Verdict::for_item(&t, item, &n(75.0), &odd).unwrap();
    assert_eq!(v.outcome, Outcome::NonCompliant);
    assert_eq!(v.requirement.unwrap().zh, "三至六年级 ≤ 60 分钟");
}

#[test]
fn time_items_are_judged_by_stage() {
    let t = template();
    assert_eq!(
        verdict(&t, "SM-START", at(8, 10), Stage::Primary)
            .unwrap()
            .outcome,
        Outcome::NonCompliant
    );
    assert_eq!(
        verdict(&t, "SM-START", at(8, 10), Stage::Junior)
            .unwrap()
            .outcome,
        Outcome::Compliant
    );
    // A nine-year school must meet the primary start time as well.
    let v = verdict(&t, "SM-START", at(8, 10), Stage::NineYear).unwrap();
    assert_eq!(v.outcome, Outcome::NonCompliant);
    assert_eq!(v.requirement.unwrap().zh, "小学 不早于 08:20");
}

#[test]
fn the_rule_basis_is_carried_into_the_verdict() {
    let t = template();
    let v = verdict(&t, "ZY-36", n(75.0), Stage::Primary).unwrap();
    assert_eq!(v.rule_id.as_deref(), Some("homework"));
    assert_eq!(v.basis, t.rule("homework").unwrap().basis);
    assert_eq!(v.basis[0].article.as_deref(), Some("第五条"));
    let v = verdict(&t, "SM-START", at(7, 50), Stage::Primary).unwrap();
    assert_eq!(v.basis[0].number.as_deref(), Some("教基厅函〔2021〕11号"));
}

#[test]
fn a_rule_without_basis_falls_back_to_the_items() {
    let mut t = template();
    t.rules[0].basis.clear();
    let v = verdict(&t, "ZY-36", n(75.0), Stage::Primary).unwrap();
    assert_eq!(v.basis, t.item("ZY-36").unwrap().basis);
}

#[test]
fn items_without_a_rule_are_judged_by_their_answer_kind() {
    let t = template();
    let p = Stage::Primary;
    let yes = AnswerValue::YesNo(true);
    let no = AnswerValue::YesNo(false);
    assert_eq!(
        verdict(&t, "SJ-PHONE", yes.clone(), p).unwrap().outcome,
        Outcome::Compliant
    );
    assert_eq!(
        verdict(&t, "SJ-PHONE", no.clone(), p).unwrap().outcome,
        Outcome::NonCompliant
    );
    assert_eq!(
        verdict(&t, "SJ-HW", yes.clone(), p).unwrap().outcome,
        Outcome::NonCompliant
    );
    assert_eq!(
        verdict(&t, "SJ-HW", no, p).unwrap().outcome,
        Outcome::Compliant
    );
    // A yes/no without a compliant answer is informational.
    assert_eq!(verdict(&t, "SJ-INFO", yes, p), None);
    let choice = |c: &[&str]| AnswerValue::Choice(c.iter().map(|s| s.to_string()).collect());
    assert_eq!(
        verdict(&t, "SJ-STORE", choice(&["box"]), p)
            .unwrap()
            .outcome,
        Outcome::Compliant
    );
    assert_eq!(
        verdict(&t, "SJ-STORE", choice(&["none"]), p)
            .unwrap()
            .outcome,
        Outcome::NonCompliant
    );
    for c in Compliance::ALL {
        let v = verdict(&t, "SJ-MANAGE", AnswerValue::Compliance(c), p).unwrap();
        assert_eq!(Compliance::from(v.outcome), c);
        assert_eq!(v.basis, t.item("SJ-MANAGE").unwrap().basis);
        assert_eq!(v.requirement, None);
    }
    assert_eq!(
        verdict(&t, "SJ-NOTE", AnswerValue::Text("无".into()), p),
        None
    );
    // A number without a rule is a measurement, not a judgement.
    assert_eq!(verdict(&t, "ZY-NORULE", AnswerValue::Count(5), p), None);
}

#[test]
fn yes_no_compliant_reads_from_the_template() {
    let t = template();
    assert_eq!(
        t.item("SJ-HW").unwrap().answer,
        AnswerKind::YesNo {
            compliant: Some(YesNoCompliant::No)
        }
    );
}

// ---- Properties ----

mod props {
    use super::*;
    use proptest::prelude::*;

    fn limit() -> impl Strategy<Value = Option<f64>> {
        prop::option::of((0i32..400).prop_map(|n| f64::from(n) / 2.0))
    }

    fn time() -> impl Strategy<Value = TimeOfDay> {
        (0u8..24, 0u8..60).prop_map(|(h, m)| TimeOfDay::new(h, m).unwrap())
    }

    proptest! {
        /// Limits are inclusive and both must hold: the verdict is exactly min ≤ v ≤ max.
        #[test]
        fn a_number_passes_exactly_when_within_its_limits(
            min in limit(),
            max in limit(),
            v in (0i32..400).prop_map(|n| f64::from(n) / 2.0),
        ) {
            prop_assume!(min.is_some() || max.is_some());
            let r = rule(vec![Band { min, max, ..band([1, 12], "全校", "") }]);
            let within = min.is_none_or(|m| v >= m) && max.is_none_or(|m| v <= m);
            let got = r.evaluate(&n(v), GradeRange::new(1, 6), 800, None).unwrap().outcome;
            prop_assert_eq!(got == Outcome::Compliant, within);
        }

        #[test]
        fn a_time_passes_exactly_when_within_its_window(
            before in prop::option::of(time()),
            after in prop::option::of(time()),
            v in time(),
        ) {
            prop_assume!(before.is_some() || after.is_some());
            let r = rule(vec![Band { not_before: before, not_after: after, ..band([1, 12], "全校", "") }]);
            let within = before.is_none_or(|b| v >= b) && after.is_none_or(|a| v <= a);
            let got = r.evaluate(&AnswerValue::Time(v), GradeRange::new(1, 6), 800, None).unwrap().outcome;
            prop_assert_eq!(got == Outcome::Compliant, within);
        }

        /// A school is held to every band its grades touch, and the requirement names exactly
        /// the bands it broke (or all it was held to when it broke none).
        #[test]
        fn a_school_is_held_to_every_band_it_touches(
            from in 0u8..13,
            len in 0u8..13,
            v in 0u32..120,
        ) {
            let grades = GradeRange::new(from, (from + len).min(12));
            let r = homework();
            let touched: Vec<&Band> = r.bands_for(grades, 800).collect();
            let got = r.evaluate(&n(f64::from(v)), grades, 800, Some(&minutes()));
            if touched.is_empty() {
                prop_assert_eq!(got, None);
                return Ok(());
            }
            let got = got.unwrap();
            let broken: Vec<&&Band> = touched.iter().filter(|b| f64::from(v) > b.max.unwrap()).collect();
            prop_assert_eq!(got.outcome == Outcome::NonCompliant, !broken.is_empty());
            let req = got.requirement.unwrap().zh;
            for b in &touched {
                let named = req.contains(b.label.zh.as_str());
                let expected = broken.is_empty() || broken.iter().any(|x| x.label == b.label);
                prop_assert_eq!(named, expected, "{} in {:?}", b.label.zh, req);
            }
        }
    }
}
