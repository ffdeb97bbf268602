//! The 校园安全隐患排查 template (`templates/anquan.toml`): it validates, unverified and local
//! numbers are marked, items reach exactly the schools they concern (stage, boarding,
//! facilities), follow-ups open on their trigger, and every computed threshold is judged
//! correctly on and around its limits for each band, stage and enrolment. What every built-in
//! template must do is checked in `library.rs`.

mod common;

use common::template::{
    assert_basis_years, assert_edge_after, assert_finishes_clean, assert_full_width_punctuation,
    assert_help_at_least, assert_opens_on, bases, builtin_template, check_every_edge,
    counts_by_stage, fill_compliant, item_codes, judge_after, not_applicable, requirement_en,
    requirement_zh, section_codes, sees, visible, yes_no,
};
use common::{answer, answers, boarding, chosen, count, no, num, school, school_with, yes};
use dudao_domain::checklist::Answers;
use dudao_domain::template::{AnswerKind, EvidenceRule, NotApplicable, Severity, YesNoCompliant};
use dudao_domain::{AnswerValue, Checklist, Facility, Outcome, School, Stage, Template, Verdict};
use std::collections::{BTreeSet, HashSet};

/// The phrase every threshold or requirement of unconfirmed national origin (⚠️) carries.
const UNVERIFIED_NUMBER: &str = "该数值待核实，可由督导部门按本地规定调整";
const UNVERIFIED_REQUIREMENT: &str = "该要求待核实，可由督导部门按本地规定调整";

fn anquan() -> Template {
    builtin_template("anquan")
}

/// A day school of the stage with the given enrolment.
fn sized(stage: Stage, enrolment: u32) -> School {
    let g = stage.default_grades();
    school_with(stage, [g.from, g.to], false, enrolment)
}

/// The school as the office records it: `facts` says which facilities it has or lacks.
fn with_facilities(mut s: School, facts: &[(Facility, bool)]) -> School {
    for (f, has) in facts {
        s.facilities.insert(*f, *has);
    }
    s
}

fn lacking(s: School, f: Facility) -> School {
    with_facilities(s, &[(f, false)])
}

fn lacking_all(s: School) -> School {
    with_facilities(s, &Facility::ALL.map(|f| (f, false)))
}

fn having_all(s: School) -> School {
    with_facilities(s, &Facility::ALL.map(|f| (f, true)))
}

/// The triggers: each records a fact and, answered 是, opens its follow-ups.
const TRIGGERS: [&str; 6] = [
    "AQ-JF-03", "AQ-XF-11", "AQ-SP-09", "AQ-CR-04", "AQ-ZB-01", "AQ-ZB-04",
];

/// The trigger answers that open a follow-up, so a follow-up can be judged as it is seen.
fn opening(code: &str) -> Vec<(&'static str, AnswerValue)> {
    match code {
        "AQ-JF-04" => vec![("AQ-JF-03", yes())],
        "AQ-XF-12" => vec![("AQ-XF-11", yes())],
        "AQ-SP-03" | "AQ-SP-04" | "AQ-SP-05" => vec![("AQ-SP-02", yes())],
        "AQ-SP-10" => vec![("AQ-SP-09", yes())],
        "AQ-CR-05" => vec![("AQ-CR-04", yes())],
        "AQ-ZB-02" => vec![("AQ-ZB-01", yes())],
        "AQ-ZB-05" => vec![("AQ-ZB-04", yes())],
        _ => vec![],
    }
}

/// The answers that open every follow-up.
fn all_open() -> Vec<(&'static str, AnswerValue)> {
    let mut v: Vec<_> = TRIGGERS.iter().map(|c| (*c, yes())).collect();
    v.push(("AQ-SP-02", yes()));
    v
}

/// The verdict for one answer, with the item's trigger answered (see `judge_after`).
#[track_caller]
fn judge(t: &Template, s: &School, code: &str, value: AnswerValue) -> Verdict {
    judge_after(t, s, &opening(code), code, value)
}

#[track_caller]
fn outcome(t: &Template, s: &School, code: &str, value: AnswerValue) -> Outcome {
    judge(t, s, code, value).outcome
}

/// At the limit 符合, one step beyond 不符合, with the item's trigger answered; returns the
/// requirement the failing verdict states.
#[track_caller]
fn assert_edge(
    t: &Template,
    s: &School,
    code: &str,
    at: AnswerValue,
    beyond: AnswerValue,
) -> String {
    assert_edge_after(t, s, &opening(code), code, at, beyond)
}

// ---- the template as a whole ----

#[test]
fn template_validates_with_its_identity() {
    let t = anquan();
    assert_eq!(t.id, "anquan");
    assert_eq!(t.version, 2);
    assert_eq!(t.kind, "校园安全");
    assert!(t.title.zh.contains("校园安全隐患排查"), "{}", t.title.zh);
    assert!(!t.description.zh.is_empty() && !t.description.en.is_empty());
}

#[test]
fn sections_in_order_with_sequential_prefixed_codes() {
    let t = anquan();
    let sections: Vec<&str> = t.sections.iter().map(|s| s.code.as_str()).collect();
    assert_eq!(
        sections,
        ["MW", "JF", "YJ", "XF", "SP", "XC", "FN", "WH", "QL", "XL", "CR", "ZB", "ZT"]
    );
    let titles: Vec<&str> = t.sections.iter().map(|s| s.title.zh.as_str()).collect();
    assert_eq!(
        titles,
        [
            "门卫与封闭管理",
            "技防物防",
            "应急演练",
            "消防安全",
            "食品安全",
            "校车安全",
            "防溺水",
            "危险化学品",
            "学生欺凌防治",
            "心理健康",
            "传染病防控",
            "周边环境",
            "值班与交通",
        ]
    );
    for s in &t.sections {
        for (i, item) in s.items.iter().enumerate() {
            assert_eq!(item.code, format!("AQ-{}-{:02}", s.code, i + 1));
        }
    }
    let total = t.items().count();
    let follow_ups = t.items().filter(|(_, i)| i.show_if.is_some()).count();
    assert_eq!((total, follow_ups), (68, 9));
    assert_eq!(t.rules.len(), 20);
}

#[test]
fn bases_are_dated_help_is_ample_and_punctuation_full_width() {
    let t = anquan();
    assert_basis_years(&t, 2002..=2024);
    // Help a new supervisor can act on.
    assert_help_at_least(&t, 60, 80);
    assert_full_width_punctuation(&t);
    for (_, item) in t.items() {
        assert!(item.grades.is_some(), "{} has no grades", item.code);
    }
    for r in &t.rules {
        // Local threshold files name a band by its Chinese label.
        let mut labels = HashSet::new();
        for b in &r.bands {
            assert!(labels.insert(b.label.zh.clone()), "rule {}", r.id);
        }
    }
}

#[test]
fn local_documents_are_marked_local_and_only_they() {
    let t = anquan();
    let mut local = BTreeSet::new();
    for b in bases(&t) {
        if b.local {
            local.insert(b.document.clone());
        }
        if b.document.contains("售烟（含电子烟）网点距离")
            || b.document.contains("民办学校（幼儿园）技防")
        {
            assert!(b.local, "{} is a city or district document", b.document);
        }
    }
    assert_eq!(
        local.into_iter().collect::<Vec<_>>(),
        [
            "关于加强民办学校（幼儿园）技防建设工作的通知",
            "关于进一步明确在全市学校、幼儿园校园周边设置售烟（含电子烟）网点距离的通告",
        ]
    );
    // The tobacco distances are local; the guard bands carry the local text that states them.
    let rule_local = |id: &str| t.rule(id).unwrap().basis.iter().any(|b| b.local);
    assert!(rule_local("tobacco_outlet_distance"));
    assert!(rule_local("security_guards"));
    for id in ["food_sample_grams", "bus_driver_age", "drills_per_month"] {
        assert!(!rule_local(id), "{id} is national");
    }
    let fire = &t.rule("exits_per_floor").unwrap().basis[0];
    assert_eq!(
        fire.citation(),
        "《中小学校、幼儿园消防安全十项规定》（教发厅〔2024〕1号，2024年）"
    );
    let bus = &t.rule("bus_driver_age").unwrap().basis[0];
    assert_eq!(
        bus.citation(),
        "《校车安全管理条例》（国务院令第617号，2012年）第二十三条"
    );
}

#[test]
fn unverified_thresholds_say_so_in_their_help() {
    let t = anquan();
    for code in [
        "AQ-MW-04", "AQ-JF-02", "AQ-JF-04", "AQ-XC-06", "AQ-QL-02", "AQ-XL-03",
    ] {
        let help = &t.item(code).unwrap().help;
        assert!(help.zh.contains(UNVERIFIED_NUMBER), "{code}: {}", help.zh);
        assert!(help.en.contains("unconfirmed"), "{code}");
    }
    for code in ["AQ-SP-07", "AQ-SP-08"] {
        let help = &t.item(code).unwrap().help;
        assert!(
            help.zh.contains(UNVERIFIED_REQUIREMENT),
            "{code}: {}",
            help.zh
        );
        assert!(help.en.contains("unconfirmed"), "{code}");
    }
    // The guard help names the stricter GB/T variant, and the counsellor help says the rule
    // counts pupils where the documents count staff and students.
    let guards = &t.item("AQ-MW-04").unwrap().help.zh;
    assert!(guards.contains("GB/T 29315-2022") && guards.contains("只计在校生"));
    assert!(t.item("AQ-XL-03").unwrap().help.zh.contains("只计在校生"));
}

#[test]
fn only_visible_hazards_require_a_photo_and_only_when_non_compliant() {
    let with_photo = item_codes(&anquan(), |i| i.evidence != EvidenceRule::None);
    assert_eq!(
        with_photo,
        [
            "AQ-MW-01", "AQ-JF-05", "AQ-XF-02", "AQ-XF-03", "AQ-XF-04", "AQ-XF-09", "AQ-SP-07",
            "AQ-FN-03", "AQ-ZB-06"
        ]
    );
    for (_, item) in anquan().items() {
        assert_ne!(item.evidence, EvidenceRule::PhotoAlways, "{}", item.code);
    }
}

#[test]
fn serious_hazards_are_major() {
    let t = anquan();
    let major = item_codes(&t, |i| i.severity == Severity::Major);
    assert_eq!(
        major,
        [
            "AQ-XF-03", "AQ-XF-04", "AQ-XF-06", "AQ-XF-08", "AQ-XF-09", "AQ-SP-02", "AQ-SP-06",
            "AQ-XC-02", "AQ-XC-03", "AQ-XC-04", "AQ-CR-05",
        ]
    );
}

#[test]
fn answer_kinds_fit_what_is_asked() {
    let t = anquan();
    let yn = |c: &str| yes_no(&t, c);
    // Triggers record a fact and open follow-ups; they are not judged.
    let unjudged = item_codes(&t, |i| {
        matches!(i.answer, AnswerKind::YesNo { compliant: None })
    });
    assert_eq!(unjudged, TRIGGERS);
    // A hazard found is 是 = 不符合.
    for c in [
        "AQ-XF-03", "AQ-XF-04", "AQ-XF-06", "AQ-XF-08", "AQ-XF-09", "AQ-ZB-03", "AQ-ZB-06",
        "AQ-ZT-02",
    ] {
        assert_eq!(yn(c), Some(YesNoCompliant::No), "{c}");
    }
    for c in [
        "AQ-MW-02", "AQ-MW-06", "AQ-JF-05", "AQ-XF-05", "AQ-XF-07", "AQ-SP-02", "AQ-XC-05",
        "AQ-CR-03",
    ] {
        assert_eq!(yn(c), Some(YesNoCompliant::Yes), "{c}");
    }
    let kind = |c: &str| t.item(c).unwrap().answer.clone();
    assert!(matches!(kind("AQ-MW-04"), AnswerKind::Count { .. }));
    assert!(matches!(kind("AQ-YJ-03"), AnswerKind::Number { .. }));
    assert!(matches!(kind("AQ-SP-03"), AnswerKind::Number { .. }));
    assert!(matches!(kind("AQ-XC-03"), AnswerKind::Number { .. }));
    assert_eq!(kind("AQ-MW-01"), AnswerKind::Compliance);
}

#[test]
fn banned_foods_are_each_noncompliant_and_none_found_is_compliant() {
    let t = anquan();
    let AnswerKind::Choice { options, multiple } = &t.item("AQ-SP-06").unwrap().answer else {
        panic!("AQ-SP-06 is a choice");
    };
    assert!(*multiple);
    let bad: Vec<&str> = options
        .iter()
        .filter(|o| o.noncompliant)
        .map(|o| o.label.zh.as_str())
        .collect();
    assert_eq!(
        bad,
        [
            "冷荤类食品",
            "生食类食品",
            "裱花蛋糕",
            "四季豆",
            "鲜黄花菜",
            "野生蘑菇",
            "发芽土豆"
        ]
    );
    let good: Vec<&str> = options
        .iter()
        .filter(|o| !o.noncompliant)
        .map(|o| o.code.as_str())
        .collect();
    assert_eq!(good, ["weifaxian"]);

    let s = school(Stage::Primary);
    assert_eq!(
        outcome(&t, &s, "AQ-SP-06", chosen(&["weifaxian"])),
        Outcome::Compliant
    );
    for o in options.iter().filter(|o| o.noncompliant) {
        assert_eq!(
            outcome(&t, &s, "AQ-SP-06", chosen(&[&o.code])),
            Outcome::NonCompliant,
            "{}",
            o.code
        );
    }
    assert_eq!(
        outcome(&t, &s, "AQ-SP-06", chosen(&["sijidou", "yemogu"])),
        Outcome::NonCompliant
    );
    // Ticking 未发现 beside a banned food does not hide it.
    assert_eq!(
        outcome(&t, &s, "AQ-SP-06", chosen(&["weifaxian", "biaohua"])),
        Outcome::NonCompliant
    );
}

// ---- which schools see what ----

/// Items before any follow-up opens, for a day school and a boarding school of each stage
/// whose facilities are unknown.
#[test]
fn each_stage_sees_its_items() {
    let t = anquan();
    assert_eq!(
        counts_by_stage(&t, &Answers::new()),
        [
            (Stage::Kindergarten, 45, 47),
            (Stage::Primary, 54, 56),
            (Stage::Junior, 54, 56),
            (Stage::Senior, 54, 56),
            (Stage::NineYear, 54, 56),
            (Stage::CompleteSecondary, 54, 56),
        ]
    );
    // A primary school with a 学前班 (grades 0–6) sees the kindergarten items too.
    let mixed = school_with(Stage::Primary, [0, 6], false, 800);
    assert_eq!(visible(&t, &mixed, &Answers::new()).len(), 57);
}

#[test]
fn kindergartens_see_their_own_items_and_no_school_only_ones() {
    let t = anquan();
    let k = school(Stage::Kindergarten);
    for code in [
        "AQ-MW-04", "AQ-YJ-02", "AQ-YJ-03", "AQ-XF-07", "AQ-XF-08", "AQ-SP-02", "AQ-XC-03",
        "AQ-FN-01", "AQ-FN-03", "AQ-CR-01", "AQ-ZB-04", "AQ-ZT-01",
    ] {
        assert!(sees(&t, &k, code), "{code}");
    }
    for code in [
        "AQ-YJ-01", "AQ-FN-02", "AQ-WH-01", "AQ-WH-02", "AQ-QL-01", "AQ-QL-02", "AQ-XL-03",
        "AQ-ZB-01", "AQ-ZT-02",
    ] {
        assert!(!sees(&t, &k, code), "{code}");
    }
    assert_eq!(
        section_codes(&t, &k),
        ["MW", "JF", "YJ", "XF", "SP", "XC", "FN", "CR", "ZB", "ZT"]
    );
    // No school-only item is judged at a kindergarten, even when its trigger is answered.
    let given = answers(&[("AQ-ZB-01", yes())]);
    assert!(!visible(&t, &k, &given).iter().any(|c| c == "AQ-ZB-02"));
}

#[test]
fn schools_do_not_see_kindergarten_items() {
    let t = anquan();
    for stage in [
        Stage::Primary,
        Stage::Junior,
        Stage::Senior,
        Stage::NineYear,
        Stage::CompleteSecondary,
    ] {
        let s = school(stage);
        for code in ["AQ-YJ-02", "AQ-XF-07", "AQ-XF-08"] {
            assert!(!sees(&t, &s, code), "{code} at a {}", stage.zh());
        }
        for code in [
            "AQ-YJ-01", "AQ-WH-01", "AQ-QL-02", "AQ-XL-03", "AQ-ZB-01", "AQ-ZT-02", "AQ-FN-02",
        ] {
            assert!(sees(&t, &s, code), "{code} at a {}", stage.zh());
        }
    }
}

#[test]
fn dormitory_items_only_at_boarding_schools() {
    let t = anquan();
    let dorm = item_codes(&t, |i| i.boarding == Some(true));
    assert_eq!(dorm, ["AQ-XF-05", "AQ-XF-06"]);
    assert!(item_codes(&t, |i| i.boarding == Some(false)).is_empty());
    for stage in Stage::ALL {
        for code in &dorm {
            assert!(
                !sees(&t, &school(stage), code),
                "{code} at a day {}",
                stage.zh()
            );
            assert!(
                sees(&t, &boarding(stage), code),
                "{code} at a boarding {}",
                stage.zh()
            );
        }
    }
    let why: Vec<(String, NotApplicable)> = not_applicable(&t, &school(Stage::Junior))
        .into_iter()
        .filter(|(c, _)| dorm.contains(c))
        .collect();
    assert_eq!(
        why,
        [
            ("AQ-XF-05".to_owned(), NotApplicable::Boarding),
            ("AQ-XF-06".to_owned(), NotApplicable::Boarding),
        ]
    );
}

/// The items that concern each facility.
fn facility_items(t: &Template, f: Facility) -> Vec<String> {
    item_codes(t, |i| i.facilities.contains(&f))
}

#[test]
fn facility_items_are_the_expected_ones() {
    let t = anquan();
    assert_eq!(
        facility_items(&t, Facility::Canteen),
        [
            "AQ-SP-01", "AQ-SP-02", "AQ-SP-03", "AQ-SP-04", "AQ-SP-05", "AQ-SP-06", "AQ-SP-07",
            "AQ-SP-08",
        ]
    );
    assert_eq!(
        facility_items(&t, Facility::SchoolBus),
        ["AQ-XC-01", "AQ-XC-02", "AQ-XC-03", "AQ-XC-04", "AQ-XC-05", "AQ-XC-06"]
    );
    assert_eq!(
        facility_items(&t, Facility::LabChemicals),
        ["AQ-WH-01", "AQ-WH-02"]
    );
    assert_eq!(facility_items(&t, Facility::WaterNearby), ["AQ-FN-03"]);
    // Every item names at most one facility.
    for (_, i) in t.items() {
        assert!(i.facilities.len() <= 1, "{}", i.code);
    }
}

#[test]
fn facility_items_hide_only_where_the_school_is_known_to_lack_the_facility() {
    let t = anquan();
    for stage in [
        Stage::Kindergarten,
        Stage::Primary,
        Stage::CompleteSecondary,
    ] {
        for f in Facility::ALL {
            // Only items that reach this stage at all.
            let items: Vec<String> = facility_items(&t, f)
                .into_iter()
                .filter(|c| t.item(c).unwrap().grades_at(&school(stage)).is_some())
                .collect();
            let open: Vec<(&str, AnswerValue)> = vec![("AQ-SP-02", yes())];
            let given = answers(&open);
            let shown = |s: &School| -> Vec<String> {
                let v = visible(&t, s, &given);
                items.iter().filter(|c| v.contains(c)).cloned().collect()
            };
            assert_eq!(
                shown(&school(stage)),
                items,
                "{} unknown {}",
                f.zh(),
                stage.zh()
            );
            assert_eq!(
                shown(&with_facilities(school(stage), &[(f, true)])),
                items,
                "{} present {}",
                f.zh(),
                stage.zh()
            );
            assert!(
                shown(&lacking(school(stage), f)).is_empty(),
                "{} lacking {}",
                f.zh(),
                stage.zh()
            );
            // Lacking one facility hides nothing of the others.
            for other in Facility::ALL.into_iter().filter(|o| *o != f) {
                for c in facility_items(&t, other) {
                    if t.item(&c).unwrap().grades_at(&school(stage)).is_some() {
                        assert!(
                            visible(&t, &lacking(school(stage), f), &given).contains(&c),
                            "{c} hidden by lacking {}",
                            f.zh()
                        );
                    }
                }
            }
        }
    }
}

#[test]
fn a_school_without_a_canteen_is_still_asked_about_a_tuck_shop() {
    let t = anquan();
    let s = lacking(school(Stage::Primary), Facility::Canteen);
    assert!(sees(&t, &s, "AQ-SP-09"));
    let given = answers(&[("AQ-SP-09", yes())]);
    assert!(visible(&t, &s, &given).iter().any(|c| c == "AQ-SP-10"));
    // The 食品安全 section stays, with the tuck-shop question only.
    let sp: Vec<String> = Checklist::new(&[&t], &s)
        .sections(&Answers::new())
        .into_iter()
        .find(|v| v.section.code == "SP")
        .expect("SP still shows")
        .items
        .iter()
        .map(|i| i.code.clone())
        .collect();
    assert_eq!(sp, ["AQ-SP-09"]);
}

#[test]
fn sections_vanish_where_the_facility_is_lacking() {
    let t = anquan();
    let s = lacking_all(school(Stage::Junior));
    assert_eq!(
        section_codes(&t, &s),
        ["MW", "JF", "YJ", "XF", "SP", "FN", "QL", "XL", "CR", "ZB", "ZT"]
    );
    assert_eq!(visible(&t, &s, &Answers::new()).len(), 54 - 14);
    assert_eq!(
        visible(&t, &having_all(school(Stage::Junior)), &Answers::new()).len(),
        54
    );
}

#[test]
fn not_applicable_lists_the_facility_items_with_their_reason() {
    let t = anquan();
    let s = lacking_all(school(Stage::Primary));
    let listed = not_applicable(&t, &s);
    let by_facility = |f: Facility| -> Vec<String> {
        listed
            .iter()
            .filter(|(_, why)| *why == NotApplicable::Facility(f))
            .map(|(c, _)| c.clone())
            .collect()
    };
    // Follow-ups (AQ-SP-03/04/05) never show on their own, so they are not listed.
    assert_eq!(
        by_facility(Facility::Canteen),
        ["AQ-SP-01", "AQ-SP-02", "AQ-SP-06", "AQ-SP-07", "AQ-SP-08"]
    );
    assert_eq!(
        by_facility(Facility::SchoolBus),
        ["AQ-XC-01", "AQ-XC-02", "AQ-XC-03", "AQ-XC-04", "AQ-XC-05", "AQ-XC-06"]
    );
    assert_eq!(
        by_facility(Facility::LabChemicals),
        ["AQ-WH-01", "AQ-WH-02"]
    );
    assert_eq!(by_facility(Facility::WaterNearby), ["AQ-FN-03"]);
    // The rest are the kindergarten and dormitory items, for their own reasons.
    let others: Vec<(String, NotApplicable)> = listed
        .iter()
        .filter(|(_, why)| !matches!(why, NotApplicable::Facility(_)))
        .cloned()
        .collect();
    assert_eq!(
        others,
        [
            ("AQ-YJ-02".to_owned(), NotApplicable::Grades),
            ("AQ-XF-05".to_owned(), NotApplicable::Boarding),
            ("AQ-XF-06".to_owned(), NotApplicable::Boarding),
            ("AQ-XF-07".to_owned(), NotApplicable::Grades),
            ("AQ-XF-08".to_owned(), NotApplicable::Grades),
        ]
    );
    assert_eq!(
        NotApplicable::Facility(Facility::SchoolBus).describe(false),
        "本校无校车"
    );
    assert_eq!(
        NotApplicable::Facility(Facility::Canteen).describe(false),
        "本校无食堂"
    );
    // A school whose record says nothing about its facilities has no facility item left out.
    let unknown = not_applicable(&t, &school(Stage::Primary))
        .into_iter()
        .filter(|(_, why)| matches!(why, NotApplicable::Facility(_)))
        .count();
    assert_eq!(unknown, 0);
    // A school lacking only its school bus lists only the bus items for that reason.
    let no_bus = lacking(school(Stage::Senior), Facility::SchoolBus);
    let reasons: BTreeSet<String> = not_applicable(&t, &no_bus)
        .into_iter()
        .filter(|(_, why)| matches!(why, NotApplicable::Facility(_)))
        .map(|(_, why)| why.describe(false))
        .collect();
    assert_eq!(reasons.into_iter().collect::<Vec<_>>(), ["本校无校车"]);
}

// ---- computed thresholds, rule by rule ----

#[test]
fn security_guards_by_enrolment() {
    let t = anquan();
    // (enrolment, required guards, requirement text)
    let cases = [
        (0, 1, "在校生不足100人 ≥ 1 人"),
        (99, 1, "在校生不足100人 ≥ 1 人"),
        (100, 2, "在校生100至1000人 ≥ 2 人"),
        (800, 2, "在校生100至1000人 ≥ 2 人"),
        (1000, 2, "在校生100至1000人 ≥ 2 人"),
        (
            1001,
            3,
            "在校生1000人以上 ≥ 3 人（超出1000人后每500人增加1人，本校1001人）",
        ),
        (
            1500,
            3,
            "在校生1000人以上 ≥ 3 人（超出1000人后每500人增加1人，本校1500人）",
        ),
        (
            1501,
            4,
            "在校生1000人以上 ≥ 4 人（超出1000人后每500人增加1人，本校1501人）",
        ),
        (
            2136,
            5,
            "在校生1000人以上 ≥ 5 人（超出1000人后每500人增加1人，本校2136人）",
        ),
    ];
    for stage in Stage::ALL {
        for (enrolment, need, req) in cases {
            let s = sized(stage, enrolment);
            let below = assert_edge(&t, &s, "AQ-MW-04", count(need), count(need - 1));
            assert_eq!(below, req, "{} {enrolment}", stage.zh());
            let at = judge(&t, &s, "AQ-MW-04", count(need));
            assert_eq!(requirement_zh(&at), req, "{enrolment}");
            assert_eq!(at.rule_id.as_deref(), Some("security_guards"));
            assert_eq!(
                outcome(&t, &s, "AQ-MW-04", count(need + 1)),
                Outcome::Compliant
            );
        }
    }
    let v = judge(&t, &sized(Stage::Junior, 2136), "AQ-MW-04", count(4));
    assert_eq!(
        requirement_en(&v),
        "Over 1,000 pupils ≥ 5 guards (+1 per 500 pupils above 1000; this school has 2136)"
    );
    assert!(v
        .basis
        .iter()
        .any(|b| b.number.as_deref() == Some("公治〔2015〕168号")));
    // The requirement shows beside the field before anything is entered.
    let rule = t.rule("security_guards").unwrap();
    let unit = t.item("AQ-MW-04").unwrap().answer.unit().cloned();
    let k = sized(Stage::Kindergarten, 60);
    let hint = rule
        .requirement_for(k.grades, k.enrolment, unit.as_ref())
        .unwrap();
    assert_eq!(hint.zh, "在校生不足100人 ≥ 1 人");
}

#[test]
fn mental_health_teachers_by_enrolment() {
    let t = anquan();
    for stage in [Stage::Primary, Stage::Senior, Stage::NineYear] {
        for (enrolment, req) in [
            (99, "在校生1000人及以下 ≥ 1 人"),
            (1000, "在校生1000人及以下 ≥ 1 人"),
            (1001, "在校生1000人以上 ≥ 1 人"),
            (2136, "在校生1000人以上 ≥ 1 人"),
        ] {
            let s = sized(stage, enrolment);
            let below = assert_edge(&t, &s, "AQ-XL-03", count(1), count(0));
            assert_eq!(below, req, "{enrolment}");
            assert_eq!(outcome(&t, &s, "AQ-XL-03", count(2)), Outcome::Compliant);
        }
    }
    assert!(!sees(&t, &sized(Stage::Kindergarten, 500), "AQ-XL-03"));
}

#[test]
fn food_samples_weight_and_hours() {
    let t = anquan();
    for stage in Stage::ALL {
        let s = school(stage);
        assert_eq!(
            assert_edge(&t, &s, "AQ-SP-03", num(125.0), num(124.9)),
            "每个品种 ≥ 125 克"
        );
        assert_eq!(outcome(&t, &s, "AQ-SP-03", num(150.0)), Outcome::Compliant);
        let v = judge(&t, &s, "AQ-SP-03", num(124.0));
        assert_eq!(v.outcome, Outcome::NonCompliant);
        assert_eq!(requirement_en(&v), "Each dish ≥ 125 g");

        assert_eq!(
            assert_edge(&t, &s, "AQ-SP-04", num(48.0), num(47.5)),
            "冷藏保存 ≥ 48 小时"
        );
        assert_eq!(outcome(&t, &s, "AQ-SP-04", num(72.0)), Outcome::Compliant);
        let v = judge(&t, &s, "AQ-SP-04", num(47.0));
        assert_eq!(v.outcome, Outcome::NonCompliant);
        assert!(v.basis[0]
            .document
            .contains("学校食品安全与营养健康管理规定"));
    }
}

#[test]
fn school_bus_driver_age_experience_and_speed() {
    let t = anquan();
    for stage in [Stage::Kindergarten, Stage::Primary, Stage::Senior] {
        let s = with_facilities(school(stage), &[(Facility::SchoolBus, true)]);
        for (age, want) in [
            (24.0, Outcome::NonCompliant),
            (25.0, Outcome::Compliant),
            (42.0, Outcome::Compliant),
            (60.0, Outcome::Compliant),
            (61.0, Outcome::NonCompliant),
        ] {
            let v = judge(&t, &s, "AQ-XC-03", num(age));
            assert_eq!(v.outcome, want, "age {age}");
            assert_eq!(requirement_zh(&v), "校车驾驶人 25–60 周岁");
        }
        assert_eq!(
            assert_edge(&t, &s, "AQ-XC-04", num(3.0), num(2.9)),
            "相应车型驾驶经历 ≥ 3 年"
        );
        assert_eq!(
            assert_edge(&t, &s, "AQ-XC-06", num(60.0), num(61.0)),
            "高速公路以外道路 ≤ 60 公里/小时"
        );
    }
}

#[test]
fn drills_by_stage_and_evacuation_time() {
    let t = anquan();
    for stage in [
        Stage::Primary,
        Stage::Junior,
        Stage::Senior,
        Stage::NineYear,
        Stage::CompleteSecondary,
    ] {
        let s = school(stage);
        assert_eq!(
            assert_edge(&t, &s, "AQ-YJ-01", count(1), count(0)),
            "中小学 ≥ 1 次"
        );
        assert_eq!(outcome(&t, &s, "AQ-YJ-01", count(2)), Outcome::Compliant);
    }
    let k = school(Stage::Kindergarten);
    assert_eq!(
        assert_edge(&t, &k, "AQ-YJ-02", count(1), count(0)),
        "幼儿园 ≥ 1 次"
    );
    // A primary school with a 学前班 answers both, each against its own period.
    let mixed = school_with(Stage::Primary, [0, 6], false, 800);
    assert_eq!(
        outcome(&t, &mixed, "AQ-YJ-01", count(1)),
        Outcome::Compliant
    );
    assert_eq!(
        outcome(&t, &mixed, "AQ-YJ-02", count(1)),
        Outcome::Compliant
    );

    for s in [k, school(Stage::Junior)] {
        assert_eq!(
            assert_edge(&t, &s, "AQ-YJ-03", num(2.0), num(2.1)),
            "4层及以下建筑 ≤ 2 分钟"
        );
        assert_eq!(outcome(&t, &s, "AQ-YJ-03", num(1.5)), Outcome::Compliant);
    }
}

#[test]
fn gate_cctv_and_fire_numbers() {
    let t = anquan();
    for stage in [Stage::Kindergarten, Stage::Junior] {
        let s = school(stage);
        let cases: [(&str, AnswerValue, AnswerValue, &str); 6] = [
            ("AQ-MW-05", count(5), count(4), "每天 ≥ 5 次"),
            ("AQ-JF-02", num(30.0), num(29.0), "视频图像保存 ≥ 30 天"),
            ("AQ-JF-04", num(24.0), num(24.5), "故障修复 ≤ 24 小时"),
            ("AQ-XF-01", count(2), count(1), "每层 ≥ 2 个"),
            ("AQ-XF-12", count(2), count(1), "每班 ≥ 2 人"),
            ("AQ-CR-05", num(24.0), num(25.0), "达到报告标准后 ≤ 24 小时"),
        ];
        for (code, ok, bad, req) in cases {
            assert_eq!(assert_edge(&t, &s, code, ok, bad), req);
        }
        assert_eq!(
            outcome(&t, &s, "AQ-JF-02", num(29.5)),
            Outcome::NonCompliant
        );
        assert_eq!(outcome(&t, &s, "AQ-JF-02", num(90.0)), Outcome::Compliant);
        assert_eq!(outcome(&t, &s, "AQ-JF-04", num(3.0)), Outcome::Compliant);
        assert_eq!(
            outcome(&t, &s, "AQ-CR-05", num(72.0)),
            Outcome::NonCompliant
        );
    }
}

#[test]
fn bullying_surveys_and_lessons_per_term() {
    let t = anquan();
    for stage in [Stage::Primary, Stage::Junior, Stage::Senior] {
        let s = school(stage);
        for code in ["AQ-QL-02", "AQ-QL-03"] {
            assert_eq!(
                assert_edge(&t, &s, code, count(1), count(0)),
                "每学期 ≥ 1 次"
            );
        }
    }
}

#[test]
fn internet_cafe_distance_at_schools() {
    let t = anquan();
    for stage in [Stage::Primary, Stage::Junior, Stage::CompleteSecondary] {
        let s = school(stage);
        assert_eq!(
            assert_edge(&t, &s, "AQ-ZB-02", num(200.0), num(199.0)),
            "中小学校园周围 ≥ 200 米"
        );
        assert_eq!(outcome(&t, &s, "AQ-ZB-02", num(350.0)), Outcome::Compliant);
        let v = judge(&t, &s, "AQ-ZB-02", num(199.0));
        assert_eq!(v.basis[0].article.as_deref(), Some("第九条"));
    }
}

#[test]
fn tobacco_outlet_distance_by_stage_with_the_limit_inclusive() {
    let t = anquan();
    let k = school(Stage::Kindergarten);
    let v = judge(&t, &k, "AQ-ZB-05", num(100.0));
    assert_eq!(v.outcome, Outcome::NonCompliant, "100 m is within 100 m");
    assert_eq!(requirement_zh(&v), "幼儿园（100米含以内禁设） ≥ 101 米");
    assert_eq!(outcome(&t, &k, "AQ-ZB-05", num(101.0)), Outcome::Compliant);
    assert_eq!(outcome(&t, &k, "AQ-ZB-05", num(150.0)), Outcome::Compliant);
    assert!(v.basis.iter().any(|b| b.local));

    for stage in [Stage::Primary, Stage::Senior, Stage::NineYear] {
        let s = school(stage);
        let v = judge(&t, &s, "AQ-ZB-05", num(200.0));
        assert_eq!(v.outcome, Outcome::NonCompliant, "200 m is within 200 m");
        assert_eq!(requirement_zh(&v), "中小学（200米含以内禁设） ≥ 201 米");
        assert_eq!(outcome(&t, &s, "AQ-ZB-05", num(201.0)), Outcome::Compliant);
        // 150 m would be fine for a kindergarten, not for a school.
        assert_eq!(
            outcome(&t, &s, "AQ-ZB-05", num(150.0)),
            Outcome::NonCompliant
        );
    }
    // A primary school with a 学前班 is held to the school distance.
    let mixed = school_with(Stage::Primary, [0, 6], false, 800);
    let v = judge(&t, &mixed, "AQ-ZB-05", num(150.0));
    assert_eq!(v.outcome, Outcome::NonCompliant);
    assert_eq!(requirement_zh(&v), "中小学（200米含以内禁设） ≥ 201 米");
    let v = judge(&t, &mixed, "AQ-ZB-05", num(300.0));
    assert_eq!(v.outcome, Outcome::Compliant);
    assert_eq!(
        requirement_zh(&v),
        "幼儿园（100米含以内禁设） ≥ 101 米；中小学（200米含以内禁设） ≥ 201 米"
    );
}

/// Every computed item, at every stage and a spread of enrolments, on and around each limit.
#[test]
fn every_rule_is_right_on_and_around_its_limits() {
    let mut schools = Vec::new();
    for stage in Stage::ALL {
        for enrolment in [40, 99, 100, 1000, 1001, 1500, 1501, 2136] {
            for boarding in [false, true] {
                let g = stage.default_grades();
                schools.push(school_with(stage, [g.from, g.to], boarding, enrolment));
            }
        }
    }
    let checked = check_every_edge(&anquan(), &schools, &all_open());
    assert!(checked > 3000, "only {checked} cases ran");
}

// ---- show-if follow-ups ----

#[test]
fn follow_ups_open_on_their_trigger_and_are_required_only_then() {
    let t = anquan();
    let cases = [
        ("AQ-JF-03", vec!["AQ-JF-04"]),
        ("AQ-XF-11", vec!["AQ-XF-12"]),
        ("AQ-SP-02", vec!["AQ-SP-03", "AQ-SP-04", "AQ-SP-05"]),
        ("AQ-SP-09", vec!["AQ-SP-10"]),
        ("AQ-CR-04", vec!["AQ-CR-05"]),
        ("AQ-ZB-01", vec!["AQ-ZB-02"]),
        ("AQ-ZB-04", vec!["AQ-ZB-05"]),
    ];
    let mut all_follow_ups: Vec<&str> = cases.iter().flat_map(|(_, f)| f.clone()).collect();
    all_follow_ups.sort();
    let mut declared = item_codes(&t, |i| i.show_if.is_some());
    declared.sort();
    assert_eq!(declared, all_follow_ups);

    let s = school(Stage::Junior);
    for (trigger, follow) in cases {
        assert_opens_on(&t, &s, trigger, &follow);
    }
}

#[test]
fn an_unreported_cluster_becomes_a_major_finding() {
    let t = anquan();
    let s = school(Stage::Primary);
    let given = answers(&[("AQ-CR-04", yes()), ("AQ-CR-05", num(72.0))]);
    let findings = Checklist::new(&[&t], &s).proposed_findings(&given);
    assert_eq!(findings.len(), 1);
    let f = &findings[0];
    assert_eq!(f.item_code, "AQ-CR-05");
    assert_eq!(f.severity, Severity::Major);
    assert_eq!(f.section.zh, "传染病防控");
    assert!(
        f.description.zh.contains("实测 72 小时"),
        "{}",
        f.description.zh
    );
    assert!(
        f.description.zh.contains("达到报告标准后 ≤ 24 小时"),
        "{}",
        f.description.zh
    );
}

// ---- a whole visit ----

#[test]
fn a_fully_compliant_visit_finishes_with_no_findings() {
    let t = anquan();
    for stage in Stage::ALL {
        for boarding in [false, true] {
            for enrolment in [60, 2136] {
                let g = stage.default_grades();
                let base = school_with(stage, [g.from, g.to], boarding, enrolment);
                for s in [base.clone(), lacking_all(base.clone()), having_all(base)] {
                    for trig in [no(), yes()] {
                        let pairs: Vec<(&str, AnswerValue)> =
                            TRIGGERS.iter().map(|c| (*c, trig.clone())).collect();
                        assert_finishes_clean(&t, &s, &pairs);
                    }
                }
            }
        }
    }
}

#[test]
fn too_few_guards_at_a_large_school_becomes_a_finding_with_its_requirement() {
    let t = anquan();
    let s = sized(Stage::CompleteSecondary, 2136);
    let mut given = fill_compliant(&t, &s, &[("AQ-XF-11", no())]);
    given.insert("AQ-MW-04".into(), answer(count(4)));
    given.insert("AQ-XF-03".into(), answer(yes()));
    let findings = Checklist::new(&[&t], &s).proposed_findings(&given);
    let codes: Vec<&str> = findings.iter().map(|f| f.item_code.as_str()).collect();
    assert_eq!(codes, ["AQ-MW-04", "AQ-XF-03"]);
    let guards = &findings[0];
    assert_eq!(guards.section.zh, "门卫与封闭管理");
    assert_eq!(guards.severity, Severity::General);
    assert_eq!(
        guards.description.zh,
        "专职保安员人数：实测 4 人，不符合“在校生1000人以上 ≥ 5 人（超出1000人后每500人增加1人，本校2136人）”的要求。"
    );
    assert_eq!(findings[1].severity, Severity::Major);
}

// ---- evidence ----

#[test]
fn a_visible_hazard_judged_non_compliant_needs_a_photo_before_finishing() {
    use dudao_domain::checklist::MissingReason;
    let t = anquan();
    let s = having_all(school(Stage::Primary));
    let mut given = fill_compliant(&t, &s, &[]);
    // Exits blocked (AQ-XF-03 asks "是否存在…堵塞", compliant answer is 否).
    given.insert("AQ-XF-03".into(), answer(yes()));
    let cl = Checklist::new(&[&t], &s);
    let missing = cl.missing(&given);
    assert!(
        missing
            .iter()
            .any(|m| m.item_code == "AQ-XF-03" && m.reason == MissingReason::Photo),
        "{missing:?}"
    );
    given.get_mut("AQ-XF-03").unwrap().photos.push("p1".into());
    assert!(Checklist::new(&[&t], &s).missing(&given).is_empty());
}
