//! The built-in library as a whole: every template validates, item codes are unique across all
//! templates (answers are keyed by code, so two templates in one visit must never collide),
//! every item and rule cites a basis, every text has its English, and any combination of
//! templates makes one checklist in which each school sees only what concerns it. What is
//! particular to one template is in its own `*_rules.rs`.

mod common;

use common::school_with;
use common::template::library;
use dudao_domain::{AnswerKind, Checklist, Facility, Stage, Template};
use std::collections::HashMap;

#[test]
fn the_library_has_every_kind_of_inspection() {
    let ids: Vec<String> = library().into_iter().map(|t| t.id).collect();
    for want in ["guapai", "wuxiang", "zuoye_gongshi", "anquan", "shuangjian"] {
        assert!(
            ids.contains(&want.to_owned()),
            "{want} missing from {ids:?}"
        );
    }
}

#[test]
fn template_ids_and_item_codes_are_unique_across_the_library() {
    let mut ids = HashMap::new();
    let mut codes: HashMap<String, String> = HashMap::new();
    for t in library() {
        assert!(
            ids.insert(t.id.clone(), ()).is_none(),
            "template id {} twice",
            t.id
        );
        for (_, item) in t.items() {
            if let Some(other) = codes.insert(item.code.clone(), t.id.clone()) {
                panic!("item code {} is in both {other} and {}", item.code, t.id);
            }
        }
    }
}

#[test]
fn each_template_keeps_to_its_own_code_prefix() {
    let mut prefixes: HashMap<String, String> = HashMap::new();
    for t in library() {
        for (_, item) in t.items() {
            let prefix = item.code.split('-').next().unwrap().to_owned();
            let owner = prefixes
                .entry(prefix.clone())
                .or_insert_with(|| t.id.clone());
            assert_eq!(
                owner, &t.id,
                "prefix {prefix} is used by {owner} and {}",
                t.id
            );
        }
    }
}

#[test]
fn every_item_and_rule_cites_a_basis_with_a_document_and_year() {
    for t in library() {
        for (_, item) in t.items() {
            assert!(!item.basis.is_empty(), "{} has no basis", item.code);
            for b in &item.basis {
                assert!(!b.document.trim().is_empty(), "{}", item.code);
                assert!(
                    (1949..=2030).contains(&b.year),
                    "{}: year {}",
                    item.code,
                    b.year
                );
                // A title is written without 《》: the citation adds them.
                assert!(
                    !b.citation().contains("《《"),
                    "{}: {}",
                    item.code,
                    b.citation()
                );
            }
        }
        for r in &t.rules {
            assert!(!r.basis.is_empty(), "{}: rule {} has no basis", t.id, r.id);
            for b in &r.basis {
                assert!(
                    !b.citation().contains("《《"),
                    "rule {}: {}",
                    r.id,
                    b.citation()
                );
            }
        }
    }
}

#[test]
fn every_text_has_english_and_every_item_has_help() {
    for t in library() {
        assert!(!t.title.en.is_empty(), "{} title", t.id);
        for s in &t.sections {
            assert!(!s.title.en.is_empty(), "{} section {}", t.id, s.code);
        }
        for (_, item) in t.items() {
            assert!(!item.prompt.en.is_empty(), "{} prompt.en", item.code);
            assert!(!item.help.zh.is_empty(), "{} help.zh", item.code);
            assert!(!item.help.en.is_empty(), "{} help.en", item.code);
            if let Some(unit) = item.answer.unit() {
                assert!(!unit.en.is_empty(), "{} unit.en", item.code);
            }
        }
        for r in &t.rules {
            assert!(
                !r.measure.en.is_empty(),
                "{}: rule {} measure.en",
                t.id,
                r.id
            );
            for b in &r.bands {
                assert!(!b.label.en.is_empty(), "{}: rule {} label.en", t.id, r.id);
            }
        }
    }
}

#[test]
fn every_rule_is_used_and_every_measured_item_has_a_rule() {
    for t in library() {
        for (_, item) in t.items() {
            let measured = matches!(
                item.answer,
                AnswerKind::Time { .. } | AnswerKind::Number { .. } | AnswerKind::Count { .. }
            );
            assert!(
                !measured || item.rule.is_some(),
                "{} measures something but has no rule",
                item.code
            );
        }
        for r in &t.rules {
            assert!(
                t.items()
                    .any(|(_, i)| i.rule.as_deref() == Some(r.id.as_str())),
                "{}: rule {} is used by no item",
                t.id,
                r.id
            );
        }
    }
}

#[test]
fn the_monthly_round_and_the_safety_check_combine_into_one_checklist() {
    let lib = library();
    let pick = |id: &str| lib.iter().find(|t| t.id == id).unwrap();
    let (guapai, anquan) = (pick("guapai"), pick("anquan"));
    let s = school_with(Stage::Primary, [1, 6], false, 2136);
    let both = Checklist::new(&[guapai, anquan], &s);
    let alone = |t: &Template| Checklist::new(&[t], &s).visible(&Default::default()).len();
    let shown = both.visible(&Default::default());
    assert_eq!(shown.len(), alone(guapai) + alone(anquan));
    // The monthly round comes first, then the safety check, each in its own order.
    let first_safety = shown
        .iter()
        .position(|e| e.template.id == "anquan")
        .unwrap();
    assert!(shown[..first_safety]
        .iter()
        .all(|e| e.template.id == "guapai"));
    assert!(shown[first_safety..]
        .iter()
        .all(|e| e.template.id == "anquan"));
}

#[test]
fn a_kindergarten_sees_no_homework_or_after_school_items_but_does_see_safety() {
    let lib = library();
    let k = school_with(Stage::Kindergarten, [0, 0], false, 240);
    let count = |id: &str| {
        let t = lib.iter().find(|t| t.id == id).unwrap();
        Checklist::new(&[t], &k).visible(&Default::default()).len()
    };
    assert_eq!(count("wuxiang"), 0);
    assert_eq!(count("zuoye_gongshi"), 0);
    assert_eq!(count("shuangjian"), 0);
    assert!(count("anquan") > 10, "safety applies to kindergartens");
}

#[test]
fn a_day_school_without_bus_or_canteen_is_spared_those_items_and_told_why() {
    let lib = library();
    let anquan = lib.iter().find(|t| t.id == "anquan").unwrap();
    let mut s = school_with(Stage::Primary, [1, 6], false, 640);
    let before = Checklist::new(&[anquan], &s)
        .visible(&Default::default())
        .len();
    s.facilities.insert(Facility::SchoolBus, false);
    s.facilities.insert(Facility::Canteen, false);
    let cl = Checklist::new(&[anquan], &s);
    let after = cl.visible(&Default::default()).len();
    assert!(after < before, "bus and canteen items are hidden");
    let reasons: Vec<String> = cl
        .not_applicable()
        .map(|(_, why)| why.describe(false))
        .collect();
    assert!(reasons.iter().any(|r| r == "本校无校车"), "{reasons:?}");
    assert!(reasons.iter().any(|r| r == "本校无食堂"), "{reasons:?}");
    assert!(
        reasons.iter().any(|r| r == "仅涉及寄宿制学校"),
        "{reasons:?}"
    );
}
