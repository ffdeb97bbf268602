//! Property tests for the show-if language: what an office writes in a template must print,
//! parse and evaluate consistently, and no cell of an Excel sheet may crash the parser.

mod common;

use common::{school_with, Facts};
use dudao_domain::condition::{Condition, Env, Literal, Op, Subject};
use dudao_domain::{AnswerValue, Compliance, Outcome, School, Stage, TimeOfDay};
use proptest::prelude::*;
use std::collections::HashMap;

// ---- Generators ----

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        Just(Op::Eq),
        Just(Op::Ne),
        Just(Op::Lt),
        Just(Op::Le),
        Just(Op::Gt),
        Just(Op::Ge),
    ]
}

/// Item codes as validation allows them; mostly with a dash so they are never a keyword or
/// a school fact (`stage`, `in`, `or` …), sometimes `failed`, which is a valid code: only
/// `failed(` is the verdict form.
fn code() -> BoxedStrategy<String> {
    prop_oneof![
        20 => "[A-Z]{1,3}-[A-Z0-9]{1,4}(-[0-9]{2})?",
        1 => prop::sample::select(vec!["failed", "Failed", "FAILED"]).prop_map(str::to_owned),
    ]
    .boxed()
}

fn time() -> impl Strategy<Value = TimeOfDay> {
    (0u8..24, 0u8..60).prop_map(|(h, m)| TimeOfDay::new(h, m).unwrap())
}

/// Any word a template could compare with, including CJK, full-width punctuation, spaces,
/// keywords, numbers and times written as words. A word holding both kinds of ASCII quote
/// cannot be written in the language at all, so it is left out.
fn word() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "是",
            "否",
            "符合",
            "基本符合",
            "不符合",
            "不适用",
            "小学",
            "初中",
            "且",
            "或",
            "非",
            "and",
            "OR",
            "in",
            "属于",
            "answered",
            "已答",
            "&&",
            "||",
            "08:20",
            "8：20",
            "25:00",
            "60",
            "-1",
            "1e3",
            "inf",
            "NaN",
            "",
            " ",
            "不 符合",
            "a:b",
            "≤60",
            "≥",
            "≠",
            "（括号）",
            "【】",
            "“引号”",
            "it's",
            "say \"hi\"",
            "a,b",
            "stage",
            "boarding",
        ])
        .prop_map(str::to_owned),
        "[a-z\u{4e00}-\u{4e20}]{1,6}",
        any::<String>(),
    ]
    .prop_filter("both quote kinds", |w| {
        !(w.contains('"') && w.contains('\''))
    })
}

fn number() -> impl Strategy<Value = f64> {
    prop_oneof![
        (-1000i32..1000).prop_map(f64::from),
        (-100_000i32..100_000).prop_map(|n| f64::from(n) / 1000.0),
        any::<f64>().prop_filter("finite", |n| n.is_finite()),
    ]
}

fn literal() -> BoxedStrategy<Literal> {
    prop_oneof![
        number().prop_map(Literal::Number),
        time().prop_map(Literal::Time),
        word().prop_map(Literal::Word),
    ]
    .boxed()
}

fn subject() -> BoxedStrategy<Subject> {
    prop_oneof![
        4 => code().prop_map(Subject::Item),
        1 => Just(Subject::Stage),
        1 => Just(Subject::Boarding),
        1 => Just(Subject::Enrolment),
    ]
    .boxed()
}

fn condition_from(
    subject: impl Strategy<Value = Subject> + Clone + 'static,
    code: impl Strategy<Value = String> + Clone + 'static,
    literal: impl Strategy<Value = Literal> + Clone + 'static,
) -> impl Strategy<Value = Condition> {
    let leaf = prop_oneof![
        code.clone().prop_map(Condition::Answered),
        code.prop_map(Condition::Failed),
        (subject.clone(), op(), literal.clone())
            .prop_map(|(subject, op, value)| Condition::Compare { subject, op, value }),
        (subject, prop::collection::vec(literal, 1..4))
            .prop_map(|(subject, values)| Condition::In { subject, values }),
    ];
    leaf.prop_recursive(4, 32, 4, |inner| {
        prop_oneof![
            inner.clone().prop_map(|c| Condition::Not(Box::new(c))),
            prop::collection::vec(inner.clone(), 2..4).prop_map(Condition::And),
            prop::collection::vec(inner, 2..4).prop_map(Condition::Or),
        ]
    })
}

fn any_condition() -> impl Strategy<Value = Condition> {
    condition_from(subject(), code(), literal())
}

// A small world for evaluation: five items, values of every kind, literals that often match.

const CODES: [&str; 5] = ["Q-1", "Q-2", "Q-3", "Q-4", "Q-5"];

fn world_code() -> impl Strategy<Value = String> + Clone {
    prop::sample::select(CODES.to_vec()).prop_map(str::to_owned)
}

fn world_subject() -> BoxedStrategy<Subject> {
    prop_oneof![
        6 => world_code().prop_map(Subject::Item),
        1 => Just(Subject::Stage),
        1 => Just(Subject::Boarding),
        1 => Just(Subject::Enrolment),
    ]
    .boxed()
}

fn world_literal() -> BoxedStrategy<Literal> {
    prop_oneof![
        (0i32..5).prop_map(|n| Literal::Number(f64::from(n) * 30.0)),
        prop::sample::select(vec![(7, 50), (8, 0), (8, 20), (21, 20)])
            .prop_map(|(h, m)| Literal::Time(TimeOfDay::new(h, m).unwrap())),
        prop::sample::select(vec![
            "是",
            "否",
            "符合",
            "不符合",
            "基本符合",
            "a",
            "b",
            "小学",
            "初中",
            "九年一贯制",
            "文本",
        ])
        .prop_map(|w| Literal::Word(w.to_owned())),
    ]
    .boxed()
}

fn world_condition() -> impl Strategy<Value = Condition> {
    condition_from(world_subject(), world_code(), world_literal())
}

fn answer_value() -> impl Strategy<Value = AnswerValue> {
    prop_oneof![
        prop::sample::select(Compliance::ALL.to_vec()).prop_map(AnswerValue::Compliance),
        any::<bool>().prop_map(AnswerValue::YesNo),
        (0i32..5).prop_map(|n| AnswerValue::Number(f64::from(n) * 30.0)),
        (0u32..150).prop_map(AnswerValue::Count),
        prop::sample::select(vec![(7, 50), (8, 0), (8, 20), (21, 20)])
            .prop_map(|(h, m)| AnswerValue::Time(TimeOfDay::new(h, m).unwrap())),
        prop::collection::vec(prop::sample::select(vec!["a", "b", "c"]), 0..3)
            .prop_map(|v| AnswerValue::Choice(v.into_iter().map(str::to_owned).collect())),
        prop::sample::select(vec!["文本", "", "  ", "a"])
            .prop_map(|t| AnswerValue::Text(t.to_owned())),
    ]
}

/// Answers and school facts, plus verdicts so that `failed(…)` is exercised too. Verdicts are
/// drawn apart from the answers, also for unanswered items, where `failed` must stay false.
#[derive(Debug, Clone)]
struct World {
    facts: Facts,
    outcomes: HashMap<String, Outcome>,
}

impl Env for World {
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

fn outcome() -> impl Strategy<Value = Outcome> {
    prop::sample::select(vec![
        Outcome::Compliant,
        Outcome::Partial,
        Outcome::NonCompliant,
        Outcome::NotApplicable,
    ])
}

fn facts() -> impl Strategy<Value = World> {
    (
        prop::collection::vec(prop::option::of(answer_value()), CODES.len()),
        prop::collection::vec(prop::option::of(outcome()), CODES.len()),
        prop::sample::select(Stage::ALL.to_vec()),
        any::<bool>(),
        0u32..3000,
    )
        .prop_map(|(values, verdicts, stage, boarding, enrolment)| {
            let g = stage.default_grades();
            let mut f = Facts::new(school_with(stage, [g.from, g.to], boarding, enrolment));
            for (code, v) in CODES.iter().zip(values) {
                if let Some(v) = v {
                    f = f.with(code, v);
                }
            }
            let outcomes = CODES
                .iter()
                .zip(verdicts)
                .filter_map(|(code, o)| Some((code.to_string(), o?)))
                .collect();
            World { facts: f, outcomes }
        })
}

/// Mostly tokens of the language (so the parser gets deep), with CJK and full-width noise.
fn token_soup() -> impl Strategy<Value = String> {
    let token = prop_oneof![
        prop::sample::select(vec![
            "(",
            ")",
            "（",
            "）",
            "[",
            "]",
            "【",
            "】",
            ",",
            "，",
            "=",
            "==",
            "!=",
            "<>",
            "<",
            "<=",
            ">",
            ">=",
            "≤",
            "≥",
            "≠",
            "!",
            "\"",
            "“",
            "”",
            "'",
            "and",
            "or",
            "not",
            "in",
            "且",
            "或",
            "非",
            "属于",
            "answered",
            "已答",
            "failed",
            "FAILED",
            "stage",
            "学段",
            "boarding",
            "寄宿",
            "enrolment",
            "在校生",
            "WX-SJ-01",
            "是",
            "否",
            "不符合",
            "08:20",
            "08：20",
            "25:00",
            "60",
            "-1.5",
            "：",
            "。",
            "、",
            " ",
            "\t",
            "\u{3000}",
        ])
        .prop_map(str::to_owned),
        "\\PC{0,3}",
    ];
    prop::collection::vec(token, 0..24).prop_map(|t| t.concat())
}

// ---- Properties ----

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// The canonical printed form is what the template editor writes back; it must mean the
    /// same condition, or an office edit would silently change which questions show.
    #[test]
    fn display_parses_back_to_the_same_condition(c in any_condition()) {
        let printed = c.to_string();
        let parsed = Condition::parse(&printed)
            .map_err(|e| TestCaseError::fail(format!("{printed:?} does not parse: {e}")))?;
        prop_assert_eq!(&parsed, &c, "printed as {:?}", printed);
    }

    #[test]
    fn not_is_the_negation(c in world_condition(), f in facts()) {
        prop_assert_eq!(Condition::Not(Box::new(c.clone())).eval(&f), !c.eval(&f));
    }

    #[test]
    fn and_or_are_all_and_any_of_their_parts(
        parts in prop::collection::vec(world_condition(), 2..5),
        f in facts(),
    ) {
        let each: Vec<bool> = parts.iter().map(|c| c.eval(&f)).collect();
        prop_assert_eq!(Condition::And(parts.clone()).eval(&f), each.iter().all(|b| *b));
        prop_assert_eq!(Condition::Or(parts).eval(&f), each.iter().any(|b| *b));
    }

    #[test]
    fn in_is_an_or_of_equalities(
        subject in world_subject(),
        values in prop::collection::vec(world_literal(), 1..4),
        f in facts(),
    ) {
        let or = Condition::Or(
            values
                .iter()
                .map(|v| Condition::Compare { subject: subject.clone(), op: Op::Eq, value: v.clone() })
                .collect(),
        );
        let within = Condition::In { subject, values };
        prop_assert_eq!(within.eval(&f), or.eval(&f));
    }

    /// `x in [a, b]` written by hand means the same as `x = a or x = b` written by hand.
    #[test]
    fn written_in_equals_written_or(
        code in world_code(),
        a in world_literal(),
        b in world_literal(),
        f in facts(),
    ) {
        let within = Condition::parse(&format!("{code} in [{a}, {b}]")).unwrap();
        let or = Condition::parse(&format!("{code} = {a} or {code} = {b}")).unwrap();
        prop_assert_eq!(within.eval(&f), or.eval(&f));
    }

    #[test]
    fn printing_does_not_change_the_meaning(c in world_condition(), f in facts()) {
        let reparsed = Condition::parse(&c.to_string()).unwrap();
        prop_assert_eq!(reparsed.eval(&f), c.eval(&f));
    }

    /// A follow-up question stays hidden until the question it depends on is answered: every
    /// comparison on an unanswered item is false, `!=` included.
    #[test]
    fn an_unanswered_item_makes_every_comparison_false(
        op in op(),
        value in world_literal(),
        values in prop::collection::vec(world_literal(), 1..4),
        blank in prop_oneof![
            Just(None),
            Just(Some(AnswerValue::Text("   ".into()))),
            Just(Some(AnswerValue::Choice(vec![]))),
            Just(Some(AnswerValue::Number(f64::NAN))),
        ],
        f in facts(),
    ) {
        let mut f = f;
        match blank {
            None => { f.facts.answers.remove("Q-1"); }
            Some(v) => { f.facts.answers.insert("Q-1".into(), v); }
        }
        // Even with a (stale) 不符合 verdict left over.
        f.outcomes.insert("Q-1".into(), Outcome::NonCompliant);
        let subject = Subject::Item("Q-1".into());
        let compare = Condition::Compare { subject: subject.clone(), op, value };
        prop_assert!(!compare.eval(&f), "{} was true", compare);
        let within = Condition::In { subject, values };
        prop_assert!(!within.eval(&f), "{} was true", within);
        prop_assert!(!Condition::Answered("Q-1".into()).eval(&f));
        prop_assert!(!Condition::Failed("Q-1".into()).eval(&f));
    }

    /// `failed(X)` is exactly "X is answered and judged 不符合", and `不符合（X）` written by hand
    /// means the same.
    #[test]
    fn failed_is_answered_and_judged_non_compliant(code in world_code(), f in facts()) {
        let failed = Condition::Failed(code.clone());
        let want = Condition::Answered(code.clone()).eval(&f)
            && f.outcome(&code) == Some(Outcome::NonCompliant);
        prop_assert_eq!(failed.eval(&f), want);
        prop_assert_eq!(Condition::parse(&format!("不符合（{code}）")), Ok(failed));
    }

    #[test]
    fn the_parser_never_panics_and_errors_point_inside_the_input(src in any::<String>()) {
        if let Err(e) = Condition::parse(&src) {
            prop_assert!(e.position <= src.chars().count(), "{e} for {src:?}");
            prop_assert!(!e.message.is_empty());
        }
    }

    #[test]
    fn the_parser_never_panics_on_token_soup(src in token_soup()) {
        match Condition::parse(&src) {
            Err(e) => {
                prop_assert!(e.position <= src.chars().count(), "{e} for {src:?}");
                prop_assert!(!e.message.is_empty());
            }
            // Whatever parses prints to a form that parses to the same thing.
            Ok(c) => {
                let again = Condition::parse(&c.to_string());
                prop_assert_eq!(again, Ok(c));
            }
        }
    }
}

/// A pasted cell full of brackets or negations must give an error, not overflow the stack.
#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    for src in [
        "(".repeat(100_000),
        "（".repeat(100_000),
        "not ".repeat(100_000) + "A = 1",
        "!".repeat(100_000) + "A = 1",
        "非 ".repeat(100_000) + "A = 1",
    ] {
        let e = Condition::parse(&src).unwrap_err();
        assert!(e.position <= src.chars().count());
    }
}

#[test]
fn reasonable_nesting_still_parses() {
    let src = format!("{}A = 1{}", "(".repeat(20), ")".repeat(20));
    assert!(Condition::parse(&src).is_ok());
    let src = format!("{}A = 1", "not ".repeat(20));
    assert!(Condition::parse(&src).is_ok());
}
