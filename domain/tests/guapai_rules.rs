//! The 挂牌督导 monthly-round template (`templates/guapai.toml`): it validates, its sections are
//! the eight routine areas of the 2013 办法 in order, every item cites its basis and reads in both
//! languages, items reach exactly the schools they concern, show-if follow-ups open on their
//! trigger, and every threshold is judged correctly on and around its limit, for each band and
//! each stage.

mod common;

use common::{answers, school, school_with};
use dudao_domain::builtin;
use dudao_domain::checklist::Answers;
use dudao_domain::rule::Band;
use dudao_domain::template::{AnswerKind, EvidenceRule, NotApplicable, Severity, YesNoCompliant};
use dudao_domain::{
    AnswerValue, Checklist, Compliance, Facility, GradeRange, Item, Outcome, School, Stage,
    Template, Verdict,
};
use std::collections::HashSet;

// ---- builders ----

const SRC: &str = include_str!("../../templates/guapai.toml");

fn guapai() -> Template {
    Template::from_toml(SRC).unwrap_or_else(|e| panic!("templates/guapai.toml is invalid:\n{e}"))
}

fn day(stage: Stage) -> School {
    school(stage)
}

fn boarding(stage: Stage) -> School {
    let g = stage.default_grades();
    school_with(stage, [g.from, g.to], true, 800)
}

/// Every stage, as a day school and as a boarding school.
fn all_schools() -> Vec<School> {
    Stage::ALL
        .into_iter()
        .flat_map(|s| [day(s), boarding(s)])
        .collect()
}

/// Every stage but the kindergarten, day and boarding.
fn school_stages() -> Vec<School> {
    all_schools()
        .into_iter()
        .filter(|s| s.stage != Stage::Kindergarten)
        .collect()
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
    let v = checklist
        .verdict(code, &answers(&[(code, value.clone())]))
        .unwrap_or_else(|| panic!("{code} = {value:?} at a {} gave no verdict", s.stage.zh()));
    // The checklist and the item-level entry point agree.
    let direct = Verdict::for_item(t, t.item(code).unwrap(), &value, s);
    assert_eq!(direct.as_ref(), Some(&v), "{code} = {value:?}");
    v
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
    let t = match Template::from_toml(SRC) {
        Ok(t) => t,
        Err(e) => panic!("templates/guapai.toml is invalid:\n{e}"),
    };
    assert_eq!(t.id, "guapai");
    assert_eq!(t.version, 1);
    assert_eq!(t.kind, "挂牌督导");
    assert_eq!(t.title.zh, "责任督学挂牌督导月度例行督导");
    assert!(!t.title.en.is_empty());
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
        assert!(!s.title.en.is_empty(), "section {}", s.code);
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
fn item_codes_are_unique_and_prefixed() {
    let t = guapai();
    let mut seen = HashSet::new();
    for (_, item) in t.items() {
        assert!(item.code.starts_with("GP-"), "{}", item.code);
        assert!(
            seen.insert(item.code.clone()),
            "{} is used twice",
            item.code
        );
    }
    // No clash with the other templates built in (this one may be among them).
    let library = builtin::templates().unwrap_or_else(|(name, e)| panic!("{name}: {e}"));
    for other in library.iter().filter(|o| o.id != t.id) {
        if other.id == t.id {
            continue;
        }
        for (_, item) in other.items() {
            assert!(
                !seen.contains(&item.code),
                "{} is also used by {}",
                item.code,
                other.id
            );
        }
    }
}

#[test]
fn every_item_cites_its_basis_and_reads_in_both_languages() {
    let t = guapai();
    for (_, item) in t.items() {
        let c = &item.code;
        assert!(!item.basis.is_empty(), "{c} has no basis");
        for b in &item.basis {
            assert!(!b.document.trim().is_empty(), "{c}: empty document");
            assert!(
                !b.document.starts_with('《'),
                "{c}: write the title without 《》"
            );
            assert!((1990..=2022).contains(&b.year), "{c}: year {}", b.year);
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
        // Help a new supervisor can act on: more than a sentence.
        assert!(item.help.zh.chars().count() >= 50, "{c}: help too short");
        if let Some(unit) = item.answer.unit() {
            assert!(!unit.zh.is_empty() && !unit.en.is_empty(), "{c}: unit");
        }
        // Full-width punctuation in Chinese text.
        for text in [&item.prompt.zh, &item.help.zh] {
            for bad in [',', ';', '(', ')', '"'] {
                assert!(!text.contains(bad), "{c}: half-width {bad:?} in {text}");
            }
        }
    }
    for r in &t.rules {
        assert!(!r.basis.is_empty(), "rule {} has no basis", r.id);
        assert!(
            !r.measure.zh.is_empty() && !r.measure.en.is_empty(),
            "rule {}",
            r.id
        );
        for b in &r.basis {
            assert!((1990..=2022).contains(&b.year), "rule {}: {}", r.id, b.year);
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
    let bases = t
        .items()
        .flat_map(|(_, i)| i.basis.iter())
        .chain(t.rules.iter().flat_map(|r| r.basis.iter()));
    let mut paid_tutoring = 0;
    for b in bases {
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
    let major: Vec<&str> = t
        .items()
        .filter(|(_, i)| i.severity == Severity::Major)
        .map(|(_, i)| i.code.as_str())
        .collect();
    assert_eq!(major, ["GP-JS-03", "GP-JS-04", "GP-AQ-05"]);
    // Each is a yes/no where 是 is the finding.
    for code in major {
        assert_eq!(
            t.item(code).unwrap().answer,
            AnswerKind::YesNo {
                compliant: Some(YesNoCompliant::No)
            },
            "{code}"
        );
    }
    // A finding raised from one carries the severity.
    let s = day(Stage::Junior);
    let mut given = fill_compliant(&t, &s, &[]);
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
    let yn = |c: &str| match kind(c) {
        AnswerKind::YesNo { compliant } => compliant,
        k => panic!("{c} is {}", k.name()),
    };
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

    // Every measured item is judged by a rule, and only measured items have one.
    for (_, item) in t.items() {
        let measured = matches!(
            item.answer,
            AnswerKind::Time | AnswerKind::Number { .. } | AnswerKind::Count { .. }
        );
        assert_eq!(measured, item.rule.is_some(), "{}", item.code);
    }

    // Yes/no checkpoints are judged the way round they are written.
    let s = day(Stage::Primary);
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

/// The band a rule-bearing item is judged against at a school. Items are split per band, so
/// there is exactly one.
fn band_at<'a>(t: &'a Template, item: &Item, s: &School) -> &'a Band {
    let rule = t.rule(item.rule.as_deref().unwrap()).unwrap();
    let grades = item.grades_at(s).unwrap();
    let bands: Vec<&Band> = rule.bands_for(grades, s.enrolment).collect();
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
    let t = guapai();
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
        assert!(r
            .bands
            .iter()
            .all(|b| b.enrolment.is_none() && b.step.is_none()));
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

/// A band as (grades, label, min, max).
type BandLimits = (GradeRange, String, Option<f64>, Option<f64>);

#[test]
fn the_threshold_values() {
    let t = guapai();
    let limits = |id: &str| -> Vec<BandLimits> {
        t.rule(id)
            .unwrap_or_else(|| panic!("no rule {id}"))
            .bands
            .iter()
            .map(|b| {
                assert!(b.not_before.is_none() && b.not_after.is_none());
                (b.grades, b.label.zh.clone(), b.min, b.max)
            })
            .collect()
    };
    let g = GradeRange::new;
    let l = |s: &str| s.to_owned();
    assert_eq!(
        limits("campus_activities_per_term"),
        [(g(1, 12), l("中小学"), None, Some(3.0))]
    );
    assert_eq!(
        limits("labour_periods_per_week"),
        [(g(1, 9), l("义务教育"), Some(1.0), None)]
    );
    assert_eq!(
        limits("class_size_compulsory"),
        [(g(1, 9), l("义务教育"), None, Some(55.0))]
    );
    assert_eq!(
        limits("class_size_senior"),
        [(g(10, 12), l("高中"), None, Some(55.0))]
    );
    assert_eq!(
        limits("exams_per_term"),
        [
            (g(1, 2), l("一二年级"), None, Some(0.0)),
            (g(3, 6), l("三至六年级"), None, Some(1.0)),
            (g(7, 9), l("初中"), None, Some(2.0)),
        ]
    );
    assert_eq!(
        limits("meals_without_leader"),
        [(g(1, 12), l("中小学"), None, Some(0.0))]
    );
    assert_eq!(t.rules.len(), 6);
}

/// Every rule-bearing item at every school that sees it, on its limit and one step beyond.
#[test]
fn every_threshold_holds_at_its_edge_for_every_stage() {
    let t = guapai();
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
                cases.push((numeric(min + 1.0), Outcome::Compliant));
                cases.push((numeric(min - 1.0), Outcome::NonCompliant));
                if matches!(item.answer, AnswerKind::Number { .. }) {
                    cases.push((num(min - 0.5), Outcome::NonCompliant));
                }
            }
            assert!(!cases.is_empty(), "{}", item.code);
            for (value, want) in cases {
                let v = judge(&t, &s, &item.code, value.clone());
                assert_eq!(
                    v.outcome,
                    want,
                    "{} = {value:?} at a {}",
                    item.code,
                    s.stage.zh()
                );
                let req = requirement_zh(&v);
                assert!(req.starts_with(&band.label.zh), "{}: {req}", item.code);
                assert_eq!(v.rule_id.as_deref(), item.rule.as_deref());
                assert_eq!(
                    &v.basis,
                    &t.rule(item.rule.as_deref().unwrap()).unwrap().basis
                );
                checked += 1;
            }
        }
    }
    assert!(checked > 100, "only {checked} cases ran");
}

// ---- thresholds, case by case ----

#[test]
fn class_size_compulsory_55_passes_56_is_a_large_class() {
    let t = guapai();
    for s in [
        day(Stage::Primary),
        day(Stage::Junior),
        day(Stage::NineYear),
        day(Stage::CompleteSecondary),
        boarding(Stage::NineYear),
    ] {
        assert_eq!(outcome(&t, &s, "GP-KC-05", count(45)), Outcome::Compliant);
        assert_eq!(outcome(&t, &s, "GP-KC-05", count(55)), Outcome::Compliant);
        let v = judge(&t, &s, "GP-KC-05", count(56));
        assert_eq!(v.outcome, Outcome::NonCompliant, "{}", s.stage.zh());
        assert_eq!(requirement_zh(&v), "义务教育 ≤ 55 人");
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
        assert!(!sees(&t, &day(stage), "GP-KC-05"), "{}", stage.zh());
    }
}

#[test]
fn class_size_senior_55_passes_56_fails() {
    let t = guapai();
    for s in [
        day(Stage::Senior),
        day(Stage::CompleteSecondary),
        boarding(Stage::Senior),
    ] {
        assert_eq!(outcome(&t, &s, "GP-KC-06", count(55)), Outcome::Compliant);
        let v = judge(&t, &s, "GP-KC-06", count(56));
        assert_eq!(v.outcome, Outcome::NonCompliant);
        assert_eq!(requirement_zh(&v), "高中 ≤ 55 人");
        assert_eq!(
            outcome(&t, &s, "GP-KC-06", count(61)),
            Outcome::NonCompliant
        );
    }
    for stage in [Stage::Primary, Stage::Junior, Stage::NineYear] {
        assert!(!sees(&t, &day(stage), "GP-KC-06"), "{}", stage.zh());
    }
    // A 完全中学 reports its junior and senior sections separately, each against its own rule.
    let s = day(Stage::CompleteSecondary);
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
            for s in [day(stage), boarding(stage)] {
                assert_eq!(
                    outcome(&t, &s, code, count(max)),
                    Outcome::Compliant,
                    "{code} {}",
                    stage.zh()
                );
                let v = judge(&t, &s, code, count(max + 1));
                assert_eq!(v.outcome, Outcome::NonCompliant, "{code} {}", stage.zh());
                assert_eq!(requirement_zh(&v), req);
                assert!(v.basis[0].document.contains("考试管理"));
            }
        }
    }
    // A 九年一贯制 school's bands are judged apart: 2 exams is fine for 初中, over for 三至六年级.
    let s = day(Stage::NineYear);
    assert_eq!(outcome(&t, &s, "GP-XF-03", count(2)), Outcome::Compliant);
    assert_eq!(outcome(&t, &s, "GP-XF-02", count(2)), Outcome::NonCompliant);
    // No band for senior high: a 高中 is not asked.
    for code in ["GP-XF-01", "GP-XF-02", "GP-XF-03", "GP-XF-04"] {
        assert!(!sees(&t, &day(Stage::Senior), code), "{code}");
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
        assert_eq!(outcome(&t, &s, "GP-XW-05", count(3)), Outcome::Compliant);
        let v = judge(&t, &s, "GP-XW-05", count(4));
        assert_eq!(v.outcome, Outcome::NonCompliant, "{}", s.stage.zh());
        assert_eq!(requirement_zh(&v), "中小学 ≤ 3 项");
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
        let s = day(stage);
        assert_eq!(outcome(&t, &s, "GP-KC-02", num(1.0)), Outcome::Compliant);
        assert_eq!(outcome(&t, &s, "GP-KC-02", num(2.0)), Outcome::Compliant);
        let v = judge(&t, &s, "GP-KC-02", num(0.5));
        assert_eq!(
            v.outcome,
            Outcome::NonCompliant,
            "every other week is short"
        );
        assert_eq!(requirement_zh(&v), "义务教育 ≥ 1 课时");
        assert_eq!(outcome(&t, &s, "GP-KC-02", num(0.0)), Outcome::NonCompliant);
    }
    assert!(!sees(&t, &day(Stage::Senior), "GP-KC-02"));
}

#[test]
fn every_meal_needs_a_leader_eating_with_students() {
    let t = guapai();
    for s in school_stages() {
        assert_eq!(outcome(&t, &s, "GP-WS-01", count(0)), Outcome::Compliant);
        let v = judge(&t, &s, "GP-WS-01", count(1));
        assert_eq!(v.outcome, Outcome::NonCompliant);
        assert_eq!(requirement_zh(&v), "中小学 应为 0 餐次");
        assert!(v.basis[0].document.contains("学校食品安全"));
    }
}

// ---- which school sees what ----

#[test]
fn a_kindergarten_sees_nothing() {
    let t = guapai();
    for s in [day(Stage::Kindergarten), boarding(Stage::Kindergarten)] {
        let checklist = Checklist::new(&[&t], &s);
        assert!(checklist.visible(&Answers::new()).is_empty());
        assert!(checklist.sections(&Answers::new()).is_empty());
        assert!(checklist.missing(&Answers::new()).is_empty());
        // Every check is listed as 不适用, for want of grades.
        assert!(checklist
            .not_applicable()
            .all(|(_, why)| why == NotApplicable::Grades));
    }
    // Even with every trigger answered.
    let all_yes = answers(&[
        ("GP-KC-03", yes()),
        ("GP-JS-03", yes()),
        ("GP-JS-04", yes()),
        ("GP-AQ-05", yes()),
        ("GP-XF-06", yes()),
    ]);
    assert!(visible(&t, &day(Stage::Kindergarten), &all_yes).is_empty());
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

/// How many items each school sees before any follow-up opens.
#[test]
fn how_many_items_each_stage_sees() {
    let t = guapai();
    let n = |s: &School| visible(&t, s, &Answers::new()).len();
    let want = [
        (Stage::Primary, 41),
        (Stage::Junior, 40),
        (Stage::Senior, 32),
        (Stage::NineYear, 42),
        (Stage::CompleteSecondary, 41),
    ];
    for (stage, count) in want {
        assert_eq!(n(&day(stage)), count, "a day {}", stage.zh());
        assert_eq!(n(&boarding(stage)), count + 2, "a boarding {}", stage.zh());
    }
    assert_eq!(n(&day(Stage::Kindergarten)), 0);
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
        let d: HashSet<String> = visible(&t, &day(stage), &Answers::new())
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
    let junior = day(Stage::Junior);
    let dorm = Checklist::new(&[&t], &junior);
    let why: Vec<(String, NotApplicable)> = dorm
        .not_applicable()
        .filter(|(e, _)| e.item.code.starts_with("GP-WS-"))
        .map(|(e, why)| (e.item.code.clone(), why))
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
    let s = day(Stage::Primary);
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
    let s = day(Stage::Junior);
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
    let s = day(Stage::Senior);
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
    let sections: Vec<String> = Checklist::new(&[&t], &s)
        .sections(&Answers::new())
        .iter()
        .map(|v| v.section.code.clone())
        .collect();
    assert_eq!(sections, ["XW", "ZS", "KC", "XX", "JS", "AQ", "WS", "XF"]);
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
    let mut s = day(Stage::Primary);
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
    let checklist = Checklist::new(&[&t], &s);
    let why: Vec<(String, NotApplicable)> = checklist
        .not_applicable()
        .filter(|(e, _)| e.item.code.starts_with("GP-WS-"))
        .map(|(e, why)| (e.item.code.clone(), why))
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
        let checklist = Checklist::new(&[&t], &s);
        let missing = |given: &Answers| -> Vec<String> {
            checklist
                .missing(given)
                .into_iter()
                .map(|m| m.item_code)
                .collect()
        };
        for (trigger, follow) in [
            ("GP-KC-03", "GP-KC-04"),
            ("GP-JS-03", "GP-JS-05"),
            ("GP-JS-04", "GP-JS-05"),
            ("GP-AQ-05", "GP-AQ-06"),
            ("GP-XF-06", "GP-XF-07"),
        ] {
            let has = |given: &Answers| visible(&t, &s, given).iter().any(|c| c == follow);
            assert!(
                !has(&Answers::new()),
                "{follow} hidden until {trigger} is answered"
            );
            assert!(!has(&answers(&[(trigger, no())])), "{follow}");
            assert!(has(&answers(&[(trigger, yes())])), "{follow} at {}", s.name);
            assert!(!missing(&answers(&[(trigger, no())])).contains(&follow.to_owned()));
            assert!(missing(&answers(&[(trigger, yes())])).contains(&follow.to_owned()));
            // Answered, it is no longer missing.
            let done = answers(&[
                (trigger, yes()),
                (
                    follow,
                    AnswerValue::Text("初二（3）班期末前两周美术课改上数学".into()),
                ),
            ]);
            assert!(!missing(&done).contains(&follow.to_owned()));
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
                    AnswerValue::YesNo(compliant == &Some(YesNoCompliant::Yes))
                }
                AnswerKind::Text => AnswerValue::Text("情况已核实，学校已当场整改。".into()),
                AnswerKind::Number { .. } | AnswerKind::Count { .. } => {
                    let b = band_at(t, item, s);
                    let n = b.min.or(b.max).unwrap();
                    match item.answer {
                        AnswerKind::Count { .. } => count(n as u32),
                        _ => num(n),
                    }
                }
                k => panic!("{}: unexpected kind {}", item.code, k.name()),
            };
            given.extend(answers(&[(&item.code, v)]));
        }
    }
    given
}

#[test]
fn a_fully_compliant_visit_finishes_with_no_findings() {
    let t = guapai();
    for s in school_stages() {
        for trig in [no(), yes()] {
            // 座谈 raising something to check is not itself a finding.
            let given = fill_compliant(&t, &s, &[("GP-XF-06", trig.clone())]);
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
fn a_large_class_and_too_many_exams_become_findings_with_their_requirement() {
    let t = guapai();
    let s = day(Stage::NineYear);
    let mut given = fill_compliant(&t, &s, &[]);
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
    let mut given = fill_compliant(&t, &s, &[("GP-AQ-05", yes())]);
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
