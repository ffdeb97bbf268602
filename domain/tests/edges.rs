//! Issue 12: judged right at every edge. A verdict of 符合 that should be 不符合 goes into a
//! signed 督导意见书, so every built-in rule is checked at and just beyond each limit, times
//! across midnight, values outside an item's plausible range, and limits that cannot be NaN.

mod common;

use common::school_with;
use common::template::library;
use dudao_domain::answer::NIGHT_ENDS;
use dudao_domain::rule::Band;
use dudao_domain::{
    AnswerKind, AnswerValue, Item, Outcome, School, Stage, Template, TimeOfDay, Verdict,
};
use proptest::prelude::*;

type Case = (Template, Item, Band, School);

/// Every rule-bearing item of the built-in templates with each band of its rule that concerns
/// it, and a school that falls in exactly that band. Built once for all the tests.
fn cases() -> &'static [Case] {
    static CASES: std::sync::OnceLock<Vec<Case>> = std::sync::OnceLock::new();
    CASES.get_or_init(build_cases)
}

fn build_cases() -> Vec<Case> {
    let mut out = Vec::new();
    for t in library() {
        for (_, item) in t.items() {
            let Some(rule) = item.rule.as_deref().and_then(|r| t.rule(r)) else {
                continue;
            };
            for band in &rule.bands {
                let scope = item.grades.unwrap_or(band.grades);
                let Some(grades) = band.grades.intersect(scope) else {
                    continue;
                };
                let enrolment = band.enrolment.map_or(800, |e| {
                    e.from.unwrap_or(0).max(e.to.map_or(0, |t| t.min(800)))
                });
                let enrolment = band.enrolment.map_or(enrolment, |e| {
                    if e.contains(enrolment) {
                        enrolment
                    } else {
                        e.from.unwrap_or(0)
                    }
                });
                let stage = item
                    .stages
                    .as_ref()
                    .and_then(|s| s.first().copied())
                    .unwrap_or(match (grades.from, grades.to) {
                        (0, 0) => Stage::Kindergarten,
                        (_, 0..=6) => Stage::Primary,
                        (7.., 7..=9) => Stage::Junior,
                        (10.., _) => Stage::Senior,
                        (_, 7..=9) => Stage::NineYear,
                        _ => Stage::CompleteSecondary,
                    });
                let school = school_with(
                    stage,
                    [grades.from, grades.to],
                    item.boarding.unwrap_or(false),
                    enrolment,
                );
                let touched = rule.bands_for(grades, enrolment).count();
                assert_eq!(touched, 1, "{} at {:?}", item.code, school.grades);
                out.push((t.clone(), item.clone(), band.clone(), school));
            }
        }
    }
    assert!(out.len() > 60, "only {} cases", out.len());
    out
}

fn outcome(t: &Template, item: &Item, school: &School, v: AnswerValue) -> Option<Outcome> {
    Verdict::for_item(t, item, &v, school).map(|v| v.outcome)
}

/// The verdict a value should get: `None` outside the item's range, otherwise 符合 exactly
/// when it meets the band.
fn expected(item: &Item, band: &Band, school: &School, v: &AnswerValue) -> Option<Outcome> {
    item.answer.check(v).ok()?;
    let ok = match v {
        AnswerValue::Number(n) => {
            band.max.is_none_or(|m| *n <= m)
                && band.min_at(school.enrolment).is_none_or(|m| *n >= m)
        }
        AnswerValue::Count(c) => {
            let n = f64::from(*c);
            band.max.is_none_or(|m| n <= m) && band.min_at(school.enrolment).is_none_or(|m| n >= m)
        }
        AnswerValue::Time(t) => {
            band.not_before
                .is_none_or(|b| t.day_minutes() >= b.day_minutes())
                && band
                    .not_after
                    .is_none_or(|a| t.day_minutes() <= a.day_minutes())
        }
        _ => unreachable!(),
    };
    Some(if ok {
        Outcome::Compliant
    } else {
        Outcome::NonCompliant
    })
}

fn minute_after(t: TimeOfDay, delta: i32) -> TimeOfDay {
    let m = (i32::from(t.minutes()) + delta).rem_euclid(1440) as u16;
    TimeOfDay::new((m / 60) as u8, (m % 60) as u8).unwrap()
}

fn t(s: &str) -> TimeOfDay {
    TimeOfDay::parse(s).unwrap()
}

/// Values at and just beyond each limit of the band, as a supervisor could enter them.
fn edges(item: &Item, band: &Band, school: &School) -> Vec<AnswerValue> {
    let mut out = Vec::new();
    match &item.answer {
        AnswerKind::Number { .. } => {
            for limit in [band.max, band.min_at(school.enrolment)]
                .into_iter()
                .flatten()
            {
                for d in [0.0, 0.001, 0.004, 0.01, 0.5, 1.0] {
                    out.push(AnswerValue::Number(limit + d));
                    out.push(AnswerValue::Number(limit - d));
                }
            }
        }
        AnswerKind::Count { .. } => {
            for limit in [band.max, band.min_at(school.enrolment)]
                .into_iter()
                .flatten()
            {
                let l = limit as i64;
                for n in [l - 1, l, l + 1] {
                    if let Ok(n) = u32::try_from(n) {
                        out.push(AnswerValue::Count(n));
                    }
                }
            }
        }
        AnswerKind::Time { .. } => {
            for limit in [band.not_before, band.not_after].into_iter().flatten() {
                for d in [-1, 0, 1] {
                    out.push(AnswerValue::Time(minute_after(limit, d)));
                }
            }
            for s in ["23:59", "00:00", "00:30", "04:59", "05:00"] {
                out.push(AnswerValue::Time(t(s)));
            }
        }
        k => panic!("{} has a rule but is a {} item", item.code, k.name()),
    }
    out
}

#[test]
fn every_built_in_rule_is_right_at_and_just_beyond_each_limit() {
    let mut judged = 0;
    for (tpl, item, band, school) in cases() {
        for v in edges(item, band, school) {
            let want = expected(item, band, school, &v);
            assert_eq!(
                outcome(tpl, item, school, v.clone()),
                want,
                "{} = {v:?} at grades {:?}, {} pupils, band {}",
                item.code,
                school.grades,
                school.enrolment,
                band.label.zh
            );
            judged += usize::from(want.is_some());
        }
        // At each limit itself the answer passes (limits are inclusive).
        for v in edges(item, band, school) {
            let at_limit = match (&v, &item.answer) {
                (AnswerValue::Number(n), _) => {
                    band.max == Some(*n) || band.min_at(school.enrolment) == Some(*n)
                }
                (AnswerValue::Count(c), _) => {
                    band.max == Some(f64::from(*c))
                        || band.min_at(school.enrolment) == Some(f64::from(*c))
                }
                (AnswerValue::Time(x), _) => {
                    band.not_before == Some(*x) || band.not_after == Some(*x)
                }
                _ => false,
            };
            if at_limit && item.answer.check(&v).is_ok() {
                assert_eq!(
                    outcome(tpl, item, school, v.clone()),
                    Some(Outcome::Compliant),
                    "{} = {v:?} is the limit",
                    item.code
                );
            }
        }
    }
    assert!(judged > 300, "only {judged} values judged");
}

/// The issue's cases, by hand, for every time rule of the built-in templates: a lights-out
/// or an evening study that ends after midnight is later than the limit, never 符合; a first
/// lesson or a service end in the small hours is not a plausible entry and is not judged.
#[test]
fn times_past_midnight_are_the_same_night() {
    use Outcome::{Compliant as Ok_, NonCompliant as No};
    let lib = library();
    let find = |code: &str| {
        lib.iter()
            .find_map(|t| t.item(code).map(|i| (t.clone(), i.clone())))
            .unwrap_or_else(|| panic!("no item {code}"))
    };
    // (item, stage, boarding, [23:59, 00:00, 00:30, 04:59, 05:00])
    let table: &[(&str, Stage, bool, [Option<Outcome>; 5])] = &[
        // 熄灯就寝 不晚于 21:20 / 22:00 / 23:00; range 18:00 to 04:59 the next morning.
        (
            "WX-SM-11",
            Stage::Primary,
            true,
            [Some(No), Some(No), Some(No), Some(No), None],
        ),
        (
            "WX-SM-12",
            Stage::Junior,
            true,
            [Some(No), Some(No), Some(No), Some(No), None],
        ),
        (
            "WX-SM-13",
            Stage::Senior,
            true,
            [Some(No), Some(No), Some(No), Some(No), None],
        ),
        // 晚自习结束 不晚于 20:30; range 17:00 to 04:59.
        (
            "SX-WZ-02",
            Stage::Junior,
            false,
            [Some(No), Some(No), Some(No), Some(No), None],
        ),
        // 第一节课 不早于 08:20 / 08:00; range 05:00–12:00: 05:00 is early, the night is no entry.
        (
            "WX-SM-02",
            Stage::Primary,
            false,
            [None, None, None, None, Some(No)],
        ),
        (
            "WX-SM-03",
            Stage::Junior,
            false,
            [None, None, None, None, Some(No)],
        ),
        // 课后服务结束 不早于 17:30; range 12:00–22:59.
        (
            "SX-KH-06",
            Stage::Primary,
            false,
            [None, None, None, None, None],
        ),
        (
            "SX-KH-07",
            Stage::Junior,
            false,
            [None, None, None, None, None],
        ),
        // 作业公示更新 不晚于 09:00; range 05:00–23:59: 23:59 is late, 05:00 in time.
        (
            "ZG-GS-03",
            Stage::Primary,
            false,
            [Some(No), None, None, None, Some(Ok_)],
        ),
    ];
    let times = ["23:59", "00:00", "00:30", "04:59", "05:00"];
    for (code, stage, boarding, want) in table {
        let (tpl, item) = find(code);
        let mut school = common::school(*stage);
        school.boarding = *boarding;
        for (s, want) in times.iter().zip(want) {
            assert_eq!(
                outcome(&tpl, &item, &school, AnswerValue::Time(t(s))),
                *want,
                "{code} = {s}"
            );
        }
    }
    // The lights-out the issue reported: a 高中 boarding school at 00:30, 02:00 and 00:00.
    let (tpl, item) = find("WX-SM-13");
    let mut school = common::school(Stage::Senior);
    school.boarding = true;
    for s in ["00:30", "02:00", "00:00", "23:01"] {
        assert_eq!(
            outcome(&tpl, &item, &school, AnswerValue::Time(t(s))),
            Some(No),
            "{s}"
        );
    }
    assert_eq!(
        outcome(&tpl, &item, &school, AnswerValue::Time(t("23:00"))),
        Some(Ok_)
    );
    // A first lesson at 23:59 is not "不早于 08:20": it is no plausible start at all.
    let (tpl, item) = find("WX-SM-02");
    let school = common::school(Stage::Primary);
    assert_eq!(
        outcome(&tpl, &item, &school, AnswerValue::Time(t("23:59"))),
        None
    );
    assert!(item.answer.check(&AnswerValue::Time(t("23:59"))).is_err());
}

/// The rule engine on its own (a template without input ranges): the school-day clock still
/// puts the small hours after the evening, for both kinds of time limit.
#[test]
fn the_engine_reads_times_on_the_school_day_clock() {
    let band = |before: Option<&str>, after: Option<&str>| Band {
        grades: dudao_domain::GradeRange::new(0, 12),
        enrolment: None,
        label: dudao_domain::Text::new("中小学", "Schools"),
        max: None,
        min: None,
        step: None,
        not_before: before.map(t),
        not_after: after.map(t),
    };
    let judge = |b: &Band, s: &str| {
        let rule = dudao_domain::rule::Rule {
            id: "r".into(),
            measure: dudao_domain::Text::new("时间", "Time"),
            basis: vec![],
            bands: vec![b.clone()],
        };
        rule.evaluate(
            &AnswerValue::Time(t(s)),
            dudao_domain::GradeRange::new(1, 6),
            500,
            None,
        )
        .unwrap()
        .outcome
    };
    let not_after = band(None, Some("23:00"));
    let not_before = band(Some("08:20"), None);
    for (s, late, early) in [
        ("23:59", Outcome::NonCompliant, Outcome::Compliant),
        ("00:00", Outcome::NonCompliant, Outcome::Compliant),
        ("00:30", Outcome::NonCompliant, Outcome::Compliant),
        ("04:59", Outcome::NonCompliant, Outcome::Compliant),
        ("05:00", Outcome::Compliant, Outcome::NonCompliant),
        ("08:19", Outcome::Compliant, Outcome::NonCompliant),
        ("08:20", Outcome::Compliant, Outcome::Compliant),
        ("23:00", Outcome::Compliant, Outcome::Compliant),
    ] {
        assert_eq!(judge(&not_after, s), late, "不晚于 23:00 at {s}");
        assert_eq!(judge(&not_before, s), early, "不早于 08:20 at {s}");
    }
    assert_eq!(NIGHT_ENDS, t("05:00"));
}

/// Impossible counts the issue found judged 符合 are now refused, and a stored one is neither
/// 符合 nor 不符合.
#[test]
fn impossible_values_are_never_judged() {
    let lib = library();
    let find = |code: &str| {
        lib.iter()
            .find_map(|t| t.item(code).map(|i| (t.clone(), i.clone())))
            .unwrap()
    };
    let primary = common::school(Stage::Primary);
    for (code, v) in [
        ("AQ-MW-04", AnswerValue::Count(99_999)),
        ("WX-TZ-02", AnswerValue::Count(99_999)),
        ("SX-KH-02", AnswerValue::Count(8)),
        ("WX-ZY-04", AnswerValue::Number(-5.0)),
        ("WX-ZY-04", AnswerValue::Number(f64::NAN)),
        ("WX-ZY-04", AnswerValue::Number(f64::INFINITY)),
        ("WX-ZY-04", AnswerValue::Number(6000.0)),
    ] {
        let (tpl, item) = find(code);
        assert_eq!(
            outcome(&tpl, &item, &primary, v.clone()),
            None,
            "{code} = {v:?}"
        );
        let e = item.answer.check(&v).unwrap_err();
        assert!(
            e.message(false).starts_with("请输入 "),
            "{}",
            e.message(false)
        );
    }
    let (_, days) = find("SX-KH-02");
    assert_eq!(
        days.answer.read_typed("8").unwrap_err().message(false),
        "请输入 0–7 之间的整数（天）"
    );
    assert_eq!(
        days.answer.read_typed("8").unwrap_err().message(true),
        "Enter a whole number from 0 to 7 (days)"
    );
}

/// 60.004 minutes against ≤ 60 is 不符合, and the finding says 60.004, not 60.
#[test]
fn a_finding_prints_the_value_as_judged() {
    use dudao_domain::checklist::Checklist;
    let lib = library();
    let tpl = lib.iter().find(|t| t.id == "wuxiang").unwrap();
    let school = common::school(Stage::Primary);
    let given = common::answers(&[("WX-ZY-04", AnswerValue::Number(60.004))]);
    let checklist = Checklist::new(&[tpl], &school);
    let f = checklist
        .proposed_findings(&given)
        .into_iter()
        .find(|f| f.item_code == "WX-ZY-04")
        .expect("60.004 minutes is 不符合 ≤ 60");
    assert!(
        f.description.zh.contains("实测 60.004 分钟"),
        "{}",
        f.description.zh
    );
    assert!(
        checklist
            .proposed_findings(&common::answers(&[("WX-ZY-04", AnswerValue::Number(60.0))]))
            .iter()
            .all(|f| f.item_code != "WX-ZY-04"),
        "60 is within ≤ 60"
    );
}

/// A value outside its range stops the visit from being finished and opens no follow-up.
#[test]
fn a_stored_out_of_range_value_is_flagged_until_corrected() {
    use dudao_domain::checklist::{Checklist, MissingReason};
    let lib = library();
    let tpl = lib.iter().find(|t| t.id == "anquan").unwrap();
    let school = common::school(Stage::Primary);
    let given = common::answers(&[("AQ-MW-04", AnswerValue::Count(99_999))]);
    let checklist = Checklist::new(&[tpl], &school);
    assert!(checklist.verdict("AQ-MW-04", &given).is_none());
    assert!(checklist.invalid_value("AQ-MW-04", &given).is_some());
    assert!(checklist
        .missing(&given)
        .iter()
        .any(|m| m.item_code == "AQ-MW-04" && m.reason == MissingReason::OutOfRange));
    assert_eq!(checklist.tally(&given), [0, 0, 0, 0]);
    assert!(checklist.proposed_findings(&given).is_empty());
    let fixed = common::answers(&[("AQ-MW-04", AnswerValue::Count(1))]);
    assert!(checklist.invalid_value("AQ-MW-04", &fixed).is_none());
    assert_eq!(
        checklist.verdict("AQ-MW-04", &fixed).map(|v| v.outcome),
        Some(Outcome::NonCompliant)
    );
}

#[test]
fn every_built_in_number_count_and_time_item_states_its_range() {
    for t in library() {
        for (_, item) in t.items() {
            match &item.answer {
                AnswerKind::Number { min, max, .. } => {
                    assert!(min.is_some() && max.is_some(), "{}", item.code)
                }
                AnswerKind::Count { max, .. } => assert!(max.is_some(), "{}", item.code),
                AnswerKind::Time { earliest, latest } => {
                    assert!(earliest.is_some() && latest.is_some(), "{}", item.code)
                }
                _ => {}
            }
        }
    }
}

/// The thresholds templates/README.md marks ⚠️ carry `unconfirmed`, and what a supervisor
/// and the school read says so: a 参考标准, never a national requirement.
#[test]
fn unconfirmed_bases_are_cited_as_such() {
    let lib = library();
    let rule = |id: &str| {
        lib.iter()
            .find_map(|t| t.rule(id).cloned())
            .unwrap_or_else(|| panic!("no rule {id}"))
    };
    for id in [
        "cctv_retention_days",
        "cctv_repair_hours",
        "bus_speed_ordinary_road",
        "class_size_senior",
        "bullying_surveys_per_term",
    ] {
        let r = rule(id);
        assert!(
            dudao_domain::basis::only_unconfirmed(&r.basis),
            "{id} should rest only on unconfirmed bases"
        );
        assert!(r.basis.iter().all(|b| b.citation().ends_with("（待核实）")));
    }
    // The guard numbers credited to 公治〔2015〕168号 are unconfirmed; the local document that
    // quotes them is not.
    let guards = rule("security_guards");
    let gongzhi = guards
        .basis
        .iter()
        .find(|b| b.number.as_deref() == Some("公治〔2015〕168号"))
        .unwrap();
    assert!(gongzhi.unconfirmed);
    assert!(guards.basis.iter().any(|b| b.local && !b.unconfirmed));
    // National rules that are confirmed stay requirements.
    assert!(!dudao_domain::basis::only_unconfirmed(
        &rule("homework_written_minutes").basis
    ));

    // A finding from a reference standard says so.
    let tpl = lib.iter().find(|t| t.id == "anquan").unwrap();
    let school = common::school(Stage::Primary);
    let checklist = dudao_domain::Checklist::new(&[tpl], &school);
    let given = common::answers(&[("AQ-JF-02", AnswerValue::Number(7.0))]);
    let v = checklist.verdict("AQ-JF-02", &given).unwrap();
    assert_eq!(v.outcome, Outcome::NonCompliant);
    assert!(v.is_reference());
    let f = checklist
        .proposed_findings(&given)
        .into_iter()
        .find(|f| f.item_code == "AQ-JF-02")
        .unwrap();
    assert!(
        f.description.zh.contains("参考标准"),
        "{}",
        f.description.zh
    );
    assert!(
        !f.description.zh.contains("不符合“"),
        "{}",
        f.description.zh
    );
    assert!(
        f.description.en.contains("reference"),
        "{}",
        f.description.en
    );
}

/// An office confirms a number by citing its own document in a thresholds file.
#[test]
fn a_local_edition_confirms_a_reference_standard() {
    use dudao_domain::local::LocalThresholds;
    let tpl = library().into_iter().find(|t| t.id == "anquan").unwrap();
    let file = format!(
        r#"
template = "anquan"
version = {}
district = "清河县"
edition = 1

[[changes]]
rule = "cctv_retention_days"
band = "视频图像保存"
min = 90
basis = {{ document = "清河县中小学幼儿园视频监控系统建设与管理规范", number = "清教安〔2026〕3号", year = 2026, unconfirmed = true }}
reason = "按本县规范保存90天"
"#,
        tpl.version
    );
    let local = LocalThresholds::from_toml(&file).unwrap();
    let edition = local.apply(&tpl).unwrap();
    let rule = edition.rule("cctv_retention_days").unwrap();
    assert!(!dudao_domain::basis::only_unconfirmed(&rule.basis));
    assert!(rule.basis[0].local && !rule.basis[0].unconfirmed);
}

// ---- property tests ----

/// A value outside the item's plausible range, of the item's own kind.
fn outside(item: &Item) -> BoxedStrategy<AnswerValue> {
    match item.answer.clone() {
        AnswerKind::Number { min, max, .. } => {
            let (min, max) = (min.unwrap(), max.unwrap());
            prop_oneof![
                (1e-6f64..1e9).prop_map(move |d| AnswerValue::Number(max + d)),
                (1e-6f64..1e9).prop_map(move |d| AnswerValue::Number(min - d)),
                Just(AnswerValue::Number(f64::NAN)),
                Just(AnswerValue::Number(f64::INFINITY)),
                Just(AnswerValue::Number(f64::NEG_INFINITY)),
            ]
            .boxed()
        }
        AnswerKind::Count { min, max, .. } => {
            let max = max.unwrap();
            let above = (max + 1..=u32::MAX).prop_map(AnswerValue::Count);
            match min.filter(|m| *m > 0) {
                Some(m) => prop_oneof![above, (0..m).prop_map(AnswerValue::Count)].boxed(),
                None => above.boxed(),
            }
        }
        AnswerKind::Time { earliest, latest } => {
            let (e, l) = (earliest.unwrap(), latest.unwrap());
            (0u8..24, 0u8..60)
                .prop_map(|(h, m)| TimeOfDay::new(h, m).unwrap())
                .prop_filter("outside the range", move |x| *x < e || *x > l)
                .prop_map(AnswerValue::Time)
                .boxed()
        }
        k => panic!("{} is a {} item", item.code, k.name()),
    }
}

/// A value inside the item's range.
fn inside(item: &Item) -> BoxedStrategy<AnswerValue> {
    match item.answer.clone() {
        AnswerKind::Number { min, max, .. } => (min.unwrap()..=max.unwrap())
            .prop_map(AnswerValue::Number)
            .boxed(),
        AnswerKind::Count { min, max, .. } => (min.unwrap_or(0)..=max.unwrap())
            .prop_map(AnswerValue::Count)
            .boxed(),
        AnswerKind::Time { earliest, latest } => {
            let (e, l) = (earliest.unwrap(), latest.unwrap());
            (e.day_minutes()..=l.day_minutes())
                .prop_map(|m| {
                    let m = m % 1440;
                    AnswerValue::Time(TimeOfDay::new((m / 60) as u8, (m % 60) as u8).unwrap())
                })
                .boxed()
        }
        k => panic!("{} is a {} item", item.code, k.name()),
    }
}

fn case_index() -> impl Strategy<Value = usize> {
    let n = cases().len();
    0..n
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    /// Random values outside an item's range never produce 符合 (nor any verdict).
    #[test]
    fn values_outside_the_range_never_pass(
        (i, v) in case_index().prop_flat_map(|i| (Just(i), outside(&cases()[i].1)))
    ) {
        let (tpl, item, _, school) = &cases()[i];
        prop_assert_eq!(outcome(tpl, item, school, v.clone()), None, "{} = {:?}", item.code, v);
    }

    /// Inside the range the verdict is exactly the band's limits, on the school-day clock.
    #[test]
    fn values_inside_the_range_meet_the_band_exactly(
        (i, v) in case_index().prop_flat_map(|i| (Just(i), inside(&cases()[i].1)))
    ) {
        let (tpl, item, band, school) = &cases()[i];
        prop_assert_eq!(
            outcome(tpl, item, school, v.clone()),
            expected(item, band, school, &v),
            "{} = {:?}", item.code, v
        );
    }
}
