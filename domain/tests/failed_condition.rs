//! `failed(CODE)` / `不符合(CODE)`: a follow-up that opens on an item's verdict rather than on a
//! number copied from its rule, so it follows a district's local thresholds.

mod common;

use common::template::{builtin_template, library, shows};
use common::{answers, school, Facts};
use dudao_domain::condition::{Condition, Env, Literal, Op, Subject};
use dudao_domain::local::LocalThresholds;
use dudao_domain::validate::Location;
use dudao_domain::{
    AnswerValue, Checklist, Compliance, Outcome, School, Stage, Template, TimeOfDay,
};
use std::collections::HashMap;

fn parse(src: &str) -> Condition {
    Condition::parse(src).unwrap_or_else(|e| panic!("{src:?} does not parse: {e}"))
}

fn failed(code: &str) -> Condition {
    Condition::Failed(code.into())
}

// ---- The language ----

#[test]
fn both_spellings_and_full_width_parentheses_parse() {
    for src in [
        "failed(ZG-ZL-03)",
        "FAILED(ZG-ZL-03)",
        "Failed (ZG-ZL-03)",
        "不符合(ZG-ZL-03)",
        "不符合（ZG-ZL-03）",
        " 不符合 （ ZG-ZL-03 ） ",
    ] {
        assert_eq!(parse(src), failed("ZG-ZL-03"), "{src}");
    }
    assert_eq!(
        parse("非 不符合（A-1） 且 B = 不符合"),
        Condition::And(vec![
            Condition::Not(Box::new(failed("A-1"))),
            Condition::Compare {
                subject: Subject::Item("B".into()),
                op: Op::Eq,
                value: Literal::Word("不符合".into()),
            },
        ])
    );
}

#[test]
fn it_prints_as_failed_and_parses_back() {
    for src in [
        "failed(A-1)",
        "不符合（A-1）",
        "not failed(A-1) or (failed(B-2) and C in [不符合, 基本符合])",
    ] {
        let c = parse(src);
        let printed = c.to_string();
        assert_eq!(parse(&printed), c, "{src} printed as {printed}");
    }
    assert_eq!(parse("不符合（A-1）").to_string(), "failed(A-1)");
}

/// `不符合` is still a compliance value and `failed` may still be an item code: only a
/// following '(' makes either the verdict form.
#[test]
fn the_words_keep_their_old_meanings_elsewhere() {
    assert_eq!(
        parse("A-1 = 不符合"),
        Condition::Compare {
            subject: Subject::Item("A-1".into()),
            op: Op::Eq,
            value: Literal::Word("不符合".into()),
        }
    );
    assert_eq!(
        parse("A-1 in [不符合, 基本符合]").to_string(),
        "A-1 in [不符合, 基本符合]"
    );
    let c = parse("failed = 3");
    assert_eq!(
        c,
        Condition::Compare {
            subject: Subject::Item("failed".into()),
            op: Op::Eq,
            value: Literal::Number(3.0),
        }
    );
    assert_eq!(parse(&c.to_string()), c);
    assert!(matches!(parse("failed in [a, b]"), Condition::In { .. }));
}

#[test]
fn mistakes_give_errors_that_say_where() {
    let e = Condition::parse("failed A-1").unwrap_err();
    assert_eq!(e.position, 7);
    assert!(e.message.contains("expected '(' after failed"), "{e}");
    let e = Condition::parse("A-1 = 是 and 不符合").unwrap_err();
    assert_eq!(e.position, 15);
    assert!(e.message.contains("'(' after 不符合"), "{e}");
    assert!(e.message.contains("found the end"), "{e}");
    let e = Condition::parse("failed()").unwrap_err();
    assert!(e.message.contains("expected an item code"), "{e}");
    let e = Condition::parse("不符合（A-1").unwrap_err();
    assert!(e.message.contains("')' after the item code"), "{e}");
    let e = Condition::parse("failed(A-1) = 是").unwrap_err();
    assert!(e.message.contains("unexpected '='"), "{e}");
}

/// An environment that knows verdicts.
struct Judged {
    facts: Facts,
    outcomes: HashMap<String, Outcome>,
}

impl Env for Judged {
    fn answer(&self, item: &str) -> Option<&AnswerValue> {
        self.facts.answer(item)
    }
    fn school(&self) -> &School {
        self.facts.school()
    }
    fn outcome(&self, item: &str) -> Option<Outcome> {
        self.outcomes.get(item).copied()
    }
}

#[test]
fn it_is_true_only_for_an_answered_item_judged_non_compliant() {
    let facts = Facts::new(school(Stage::Primary))
        .with("A-1", AnswerValue::Number(75.0))
        .with("B-2", AnswerValue::Number(30.0))
        .with("C-3", AnswerValue::Text("  ".into()));
    let env = Judged {
        facts: facts.clone(),
        outcomes: HashMap::from([
            ("A-1".to_owned(), Outcome::NonCompliant),
            ("B-2".to_owned(), Outcome::Compliant),
            // A stale verdict on a blank answer does not count.
            ("C-3".to_owned(), Outcome::NonCompliant),
            ("D-4".to_owned(), Outcome::NonCompliant),
        ]),
    };
    assert!(failed("A-1").eval(&env));
    assert!(!failed("B-2").eval(&env));
    assert!(!failed("C-3").eval(&env), "a blank answer is not answered");
    assert!(!failed("D-4").eval(&env), "an unanswered item never fails");
    assert!(parse("not failed(B-2)").eval(&env));
    // An environment that knows no verdicts (the default) never opens it.
    assert!(!failed("A-1").eval(&facts));
}

// ---- Validation ----

const HEAD: &str = r#"
id = "t"
version = 1
kind = "测试"
title = { zh = "测试" }

[[rules]]
id = "minutes"
measure = { zh = "时长" }
basis = [{ document = "文件", year = 2021 }]
bands = [{ grades = [1, 9], label = { zh = "义务教育" }, max = 60 }]

[[sections]]
code = "S"
title = { zh = "节" }
"#;

fn item(code: &str, rest: &str) -> String {
    format!(
        "\n[[sections.items]]\ncode = \"{code}\"\nprompt = {{ zh = \"题\" }}\n\
         basis = [{{ document = \"文件\", year = 2021 }}]\n{rest}\n"
    )
}

/// Items of every kind that can and cannot fail, and a follow-up `X` with the given condition.
fn template_with(show_if: &str) -> String {
    let mut s = HEAD.to_owned();
    for (code, answer) in [
        ("C", "answer = { kind = \"compliance\" }"),
        ("Y", "answer = { kind = \"yes_no\", compliant = \"yes\" }"),
        ("Q", "answer = { kind = \"yes_no\" }"),
        (
            "N",
            "answer = { kind = \"number\", unit = { zh = \"分钟\" }, min = 0, max = 1000 }\nrule = \"minutes\"",
        ),
        (
            "R",
            "answer = { kind = \"number\", unit = { zh = \"分钟\" }, min = 0, max = 1000 }",
        ),
        ("K", "answer = { kind = \"count\", unit = { zh = \"人\" }, min = 0, max = 1000 }"),
        ("T", "answer = { kind = \"time\" }"),
        (
            "M",
            "answer = { kind = \"choice\", options = [{ code = \"a\", label = { zh = \"甲\" } }, \
             { code = \"b\", label = { zh = \"乙\" }, noncompliant = true }] }",
        ),
        (
            "L",
            "answer = { kind = \"choice\", options = [{ code = \"a\", label = { zh = \"甲\" } }, \
             { code = \"b\", label = { zh = \"乙\" } }] }",
        ),
        ("W", "answer = { kind = \"text\" }"),
        ("P", "answer = { kind = \"photo\" }"),
    ] {
        s += &item(code, answer);
    }
    s += &item(
        "X",
        &format!("answer = {{ kind = \"text\" }}\nshow_if = {show_if:?}"),
    );
    s
}

fn show_if_errors(show_if: &str) -> Vec<(Location, String, String)> {
    match Template::from_toml(&template_with(show_if)) {
        Ok(_) => Vec::new(),
        Err(errs) => errs
            .0
            .into_iter()
            .map(|e| (e.location, e.field, e.message))
            .collect(),
    }
}

#[test]
fn failed_is_valid_on_every_item_that_can_be_non_compliant() {
    for code in ["C", "Y", "N", "M"] {
        let src = format!("failed({code})");
        assert_eq!(show_if_errors(&src), [], "{src}");
    }
    assert_eq!(
        show_if_errors("不符合（N） or failed(C) and not failed(M)"),
        []
    );
}

#[test]
fn failed_on_an_item_that_can_never_fail_names_the_item_and_field() {
    for (code, needle) in [
        ("Q", "a yes/no answer without `compliant`"),
        ("R", "a number answer without a `rule`"),
        ("K", "a count answer without a `rule`"),
        ("T", "a time answer without a `rule`"),
        ("L", "a choice without a `noncompliant` option"),
        ("W", "a text answer"),
        ("P", "a photo answer"),
    ] {
        let src = format!("Y = 是 or failed({code})");
        let errs = show_if_errors(&src);
        assert_eq!(errs.len(), 1, "{src}: {errs:?}");
        let (location, field, message) = &errs[0];
        assert_eq!(location, &Location::Item("X".into()), "{src}");
        assert_eq!(field, "show_if");
        assert!(
            message.contains(&format!("failed({code})")) && message.contains(needle),
            "{src}: {message}"
        );
        assert!(message.contains("never judged 不符合"), "{message}");
    }
    // The full error as a template author reads it.
    let e = Template::from_toml(&template_with("failed(R)")).unwrap_err();
    assert_eq!(
        e.to_string(),
        "item X, field `show_if`: failed(R) asks whether R is 不符合, but R is a number answer \
         without a `rule`, which is never judged 不符合"
    );
}

#[test]
fn failed_on_an_unknown_item_or_the_item_itself_is_an_error() {
    let errs = show_if_errors("failed(Z-9)");
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert!(errs[0].2.contains("unknown item Z-9"), "{errs:?}");

    // A rule-judged item whose follow-up asks for its own verdict.
    let src = HEAD.to_owned()
        + &item(
            "N",
            "answer = { kind = \"number\", unit = { zh = \"分钟\" }, min = 0, max = 1000 }\nrule = \"minutes\"\n\
             show_if = \"failed(N)\"",
        );
    let e = Template::from_toml(&src).unwrap_err();
    assert!(
        e.0.iter().any(|e| e.location == Location::Item("N".into())
            && e.field == "show_if"
            && e.message.contains("itself")),
        "{e}"
    );
}

#[test]
fn failed_counts_as_a_dependency_for_the_cycle_check() {
    let src = HEAD.to_owned()
        + &item(
            "A",
            "answer = { kind = \"compliance\" }\nshow_if = \"failed(B)\"",
        )
        + &item(
            "B",
            "answer = { kind = \"yes_no\", compliant = \"no\" }\nshow_if = \"不符合(A)\"",
        );
    let e = Template::from_toml(&src).unwrap_err();
    for code in ["A", "B"] {
        assert!(
            e.0.iter().any(|e| e.location == Location::Item(code.into())
                && e.field == "show_if"
                && e.message.contains("cycle")),
            "{code}: {e}"
        );
    }
}

// ---- In a checklist ----

#[test]
fn it_follows_each_kind_of_verdict_in_a_checklist() {
    let t = builtin_template("zuoye_gongshi");
    let s = school(Stage::NineYear);
    // ZG-ZL-10 opens on ZG-ZL-01 = 是 or a failed amount in any band.
    let f = "ZG-ZL-10";
    assert!(!shows(&t, &s, f, &[]));
    assert!(shows(&t, &s, f, &[("ZG-ZL-04", AnswerValue::Number(91.0))]));
    assert!(!shows(
        &t,
        &s,
        f,
        &[("ZG-ZL-04", AnswerValue::Number(90.0))]
    ));
    assert!(shows(&t, &s, f, &[("ZG-ZL-07", AnswerValue::Count(4))]));
    // ZG-GS-05 opens on a late board by the rule's not_after 09:00.
    let late = TimeOfDay::new(9, 1).unwrap();
    let on_time = TimeOfDay::new(9, 0).unwrap();
    assert!(shows(
        &t,
        &s,
        "ZG-GS-05",
        &[("ZG-GS-03", AnswerValue::Time(late))]
    ));
    assert!(!shows(
        &t,
        &s,
        "ZG-GS-05",
        &[("ZG-GS-03", AnswerValue::Time(on_time))]
    ));

    // And the same verdict as `Checklist::verdict` on every item it is used on.
    let checklist = Checklist::new(&[&t], &s);
    let given = answers(&[
        ("ZG-ZL-03", AnswerValue::Number(61.0)),
        (
            "ZG-GS-02",
            AnswerValue::Compliance(Compliance::NonCompliant),
        ),
    ]);
    for code in ["ZG-ZL-03", "ZG-GS-02"] {
        assert_eq!(
            checklist.verdict(code, &given).map(|v| v.outcome),
            Some(Outcome::NonCompliant)
        );
    }
}

/// 三至六年级 homework lowered to 45 minutes by a county: 50 minutes is 不符合 there, and the
/// follow-up asking which classes and subjects opens under the local edition only.
const LOCAL_HOMEWORK: &str = r#"
template = "zuoye_gongshi"
version = 1
district = "清河县"
edition = 1

[[changes]]
rule = "written_total_minutes"
band = "三至六年级"
max = 45
basis = { document = "清河县义务教育学校作业管理实施细则", year = 2025 }
reason = "三至六年级书面作业平均完成时间不超过45分钟"
"#;

#[test]
fn the_follow_up_follows_a_local_threshold() {
    let national = builtin_template("zuoye_gongshi");
    let local = LocalThresholds::from_toml(LOCAL_HOMEWORK)
        .unwrap()
        .apply(&national)
        .unwrap();
    let s = school(Stage::Primary);
    let f = "ZG-ZL-10";
    let fifty = [("ZG-ZL-03", AnswerValue::Number(50.0))];

    // The verdicts differ …
    let verdict = |t: &Template| {
        Checklist::new(&[t], &s)
            .verdict("ZG-ZL-03", &answers(&fifty))
            .unwrap()
            .outcome
    };
    assert_eq!(verdict(&national), Outcome::Compliant);
    assert_eq!(verdict(&local), Outcome::NonCompliant);

    // … and the follow-up goes with them.
    assert!(!shows(&national, &s, f, &fifty), "60 nationally");
    assert!(shows(&local, &s, f, &fifty), "45 in 清河县");
    // Required where it shows: the local visit cannot finish without the details.
    let missing = |t: &Template| {
        Checklist::new(&[t], &s)
            .missing(&answers(&fifty))
            .iter()
            .any(|m| m.item_code == f)
    };
    assert!(!missing(&national));
    assert!(missing(&local));

    // At the local limit it stays shut; beyond the national one both open.
    let at = [("ZG-ZL-03", AnswerValue::Number(45.0))];
    assert!(!shows(&local, &s, f, &at));
    let over = [("ZG-ZL-03", AnswerValue::Number(61.0))];
    assert!(shows(&national, &s, f, &over) && shows(&local, &s, f, &over));
}

/// The same for a time limit: a county whose working day ends at 18:00.
#[test]
fn the_service_time_follow_up_follows_a_local_end_time() {
    let national = builtin_template("shuangjian");
    let local = LocalThresholds::from_toml(
        r#"
template = "shuangjian"
version = 1
district = "清河县"
edition = 1

[[changes]]
rule = "service_end_time"
band = "小学"
not_before = "18:00"
basis = { document = "清河县中小学课后服务实施办法", year = 2025 }
"#,
    )
    .unwrap()
    .apply(&national)
    .unwrap();
    let s = school(Stage::Primary);
    let end = [(
        "SX-KH-06",
        AnswerValue::Time(TimeOfDay::new(17, 45).unwrap()),
    )];
    assert!(!shows(&national, &s, "SX-KH-08", &end));
    assert!(shows(&local, &s, "SX-KH-08", &end));
}

/// The advice in templates/README.md, held for the built-in library: a follow-up on a failed
/// threshold uses `failed(CODE)` and never repeats a rule's number.
#[test]
fn no_built_in_show_if_repeats_a_rule_limit() {
    fn restated<'a>(c: &'a Condition, ruled: &dyn Fn(&str) -> bool, out: &mut Vec<&'a str>) {
        match c {
            Condition::Compare {
                subject: Subject::Item(code),
                ..
            }
            | Condition::In {
                subject: Subject::Item(code),
                ..
            } if ruled(code) => out.push(code),
            Condition::Not(c) => restated(c, ruled, out),
            Condition::And(cs) | Condition::Or(cs) => {
                cs.iter().for_each(|c| restated(c, ruled, out))
            }
            _ => {}
        }
    }
    let mut bad = Vec::new();
    for t in library() {
        let ruled = |code: &str| t.item(code).is_some_and(|i| i.rule.is_some());
        for (_, item) in t.items() {
            let Some(src) = &item.show_if else { continue };
            let mut codes = Vec::new();
            let c = parse(src);
            restated(&c, &ruled, &mut codes);
            for code in codes {
                bad.push(format!(
                    "{}: {} compares {code}, which has a rule; write failed({code})",
                    t.id, item.code
                ));
            }
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}
