//! The show-if parser as office staff use it: Chinese keywords, full-width punctuation from a
//! Chinese keyboard, quoted values, and errors that say where the mistake is.

mod common;

use common::{school, school_with, Facts};
use dudao_domain::condition::{Condition, ConditionError, Literal, Op, Subject};
use dudao_domain::template::{AnswerKind, ChoiceOption};
use dudao_domain::{AnswerValue, Compliance, Stage, Text, TimeOfDay};

fn item(code: &str) -> Subject {
    Subject::Item(code.into())
}

fn word(w: &str) -> Literal {
    Literal::Word(w.into())
}

fn cmp(code: &str, op: Op, value: Literal) -> Condition {
    Condition::Compare {
        subject: item(code),
        op,
        value,
    }
}

fn parse(src: &str) -> Condition {
    Condition::parse(src).unwrap_or_else(|e| panic!("{src:?} does not parse: {e}"))
}

fn error(src: &str) -> ConditionError {
    match Condition::parse(src) {
        Ok(c) => panic!("{src:?} parsed as {c:?}, expected an error"),
        Err(e) => e,
    }
}

#[test]
fn chinese_keywords_work_like_english_ones() {
    assert_eq!(
        parse("WX-SJ-01 = 否 且 WX-SJ-02 = 是"),
        Condition::And(vec![
            cmp("WX-SJ-01", Op::Eq, word("否")),
            cmp("WX-SJ-02", Op::Eq, word("是"))
        ])
    );
    assert_eq!(parse("A = 是 或 B = 是"), parse("A = 是 or B = 是"));
    assert_eq!(
        parse("非 A = 是"),
        Condition::Not(Box::new(cmp("A", Op::Eq, word("是"))))
    );
    assert_eq!(
        parse("A 属于 [符合, 基本符合]"),
        parse("A in [符合, 基本符合]")
    );
    assert_eq!(
        parse("已答(WX-SM-01)"),
        Condition::Answered("WX-SM-01".into())
    );
    assert_eq!(parse("A = 1 AND B = 2"), parse("A = 1 and B = 2"));
}

#[test]
fn full_width_punctuation_from_a_chinese_keyboard() {
    assert_eq!(
        parse("（A = 是 或 B = 是）且 C = 否"),
        parse("(A = 是 or B = 是) and C = 否")
    );
    assert_eq!(parse("非（A = 是）"), parse("not (A = 是)"));
    assert_eq!(
        parse("已答（WX-SM-01）"),
        Condition::Answered("WX-SM-01".into())
    );
    assert_eq!(
        parse("A in 【不符合，基本符合】"),
        parse("A in [不符合, 基本符合]")
    );
    assert_eq!(
        parse("WX-SM-03 < 08：20"),
        cmp(
            "WX-SM-03",
            Op::Lt,
            Literal::Time(TimeOfDay::new(8, 20).unwrap())
        )
    );
    assert_eq!(parse("A = “不 符合”"), cmp("A", Op::Eq, word("不 符合")));
    // The ideographic space separates words like an ASCII one.
    assert_eq!(parse("A\u{3000}=\u{3000}是"), cmp("A", Op::Eq, word("是")));
}

#[test]
fn operators_in_every_spelling() {
    let n = Literal::Number(60.0);
    assert_eq!(parse("A == 60"), cmp("A", Op::Eq, n.clone()));
    assert_eq!(parse("A<>60"), cmp("A", Op::Ne, n.clone()));
    assert_eq!(parse("A ≠ 60"), cmp("A", Op::Ne, n.clone()));
    assert_eq!(parse("A≤60"), cmp("A", Op::Le, n.clone()));
    assert_eq!(parse("A ≥ 60"), cmp("A", Op::Ge, n.clone()));
    assert_eq!(parse("A>=60"), cmp("A", Op::Ge, n.clone()));
    assert_eq!(parse("A > -1.5"), cmp("A", Op::Gt, Literal::Number(-1.5)));
    assert_eq!(parse("!(A = 1)"), parse("not A = 1"));
    assert_eq!(
        parse("A = 1 && B = 1 || C = 1"),
        parse("(A = 1 and B = 1) or C = 1")
    );
}

#[test]
fn and_binds_tighter_than_or() {
    assert_eq!(
        parse("A = 1 or B = 1 and C = 1"),
        Condition::Or(vec![
            cmp("A", Op::Eq, Literal::Number(1.0)),
            Condition::And(vec![
                cmp("B", Op::Eq, Literal::Number(1.0)),
                cmp("C", Op::Eq, Literal::Number(1.0)),
            ]),
        ])
    );
    assert_eq!(
        parse("not A = 1 and B = 1"),
        Condition::And(vec![
            Condition::Not(Box::new(cmp("A", Op::Eq, Literal::Number(1.0)))),
            cmp("B", Op::Eq, Literal::Number(1.0)),
        ])
    );
}

#[test]
fn quoted_values_stay_words() {
    assert_eq!(parse(r#"A = "不 符合""#), cmp("A", Op::Eq, word("不 符合")));
    assert_eq!(parse("A = 'x y'"), cmp("A", Op::Eq, word("x y")));
    // Quoting keeps a value that looks like a number, a time or a keyword as written.
    assert_eq!(parse(r#"A = "08:20""#), cmp("A", Op::Eq, word("08:20")));
    assert_eq!(parse(r#"A = "60""#), cmp("A", Op::Eq, word("60")));
    assert_eq!(parse(r#"A = "且""#), cmp("A", Op::Eq, word("且")));
    assert_eq!(parse(r#"A = """#), cmp("A", Op::Eq, word("")));
    assert_eq!(
        parse("A in [\"a, b\", 'c']"),
        Condition::In {
            subject: item("A"),
            values: vec![word("a, b"), word("c")]
        }
    );
}

#[test]
fn school_facts_in_both_languages() {
    assert_eq!(
        parse("stage in [小学, 九年一贯制]"),
        Condition::In {
            subject: Subject::Stage,
            values: vec![word("小学"), word("九年一贯制")]
        }
    );
    assert_eq!(
        parse("学段 = 初中"),
        Condition::Compare {
            subject: Subject::Stage,
            op: Op::Eq,
            value: word("初中")
        }
    );
    assert_eq!(parse("寄宿"), parse("boarding = 是"));
    assert_eq!(
        parse("boarding and enrolment >= 1000"),
        Condition::And(vec![
            Condition::Compare {
                subject: Subject::Boarding,
                op: Op::Eq,
                value: word("是")
            },
            Condition::Compare {
                subject: Subject::Enrolment,
                op: Op::Ge,
                value: Literal::Number(1000.0)
            },
        ])
    );
    assert_eq!(parse("在校生 < 100"), parse("enrolment < 100"));

    let big_boarding = Facts::new(school_with(Stage::Junior, [7, 9], true, 1200));
    let small_day = Facts::new(school_with(Stage::Primary, [1, 6], false, 300));
    let c = parse("寄宿 且 在校生 >= 1000");
    assert!(c.eval(&big_boarding));
    assert!(!c.eval(&small_day));
    let c = parse("学段 属于 【小学，九年一贯制】");
    assert!(!c.eval(&big_boarding));
    assert!(c.eval(&small_day));
}

#[test]
fn evaluation_of_each_answer_kind() {
    let f = Facts::new(school(Stage::Primary))
        .with("C", AnswerValue::Compliance(Compliance::NonCompliant))
        .with("Y", AnswerValue::YesNo(false))
        .with("N", AnswerValue::Number(75.0))
        .with("K", AnswerValue::Count(3))
        .with("T", AnswerValue::Time(TimeOfDay::new(7, 50).unwrap()))
        .with("M", AnswerValue::Choice(vec!["a".into(), "b".into()]))
        .with("X", AnswerValue::Text(" 有 ".into()));
    let yes = |src: &str| assert!(parse(src).eval(&f), "{src} should hold");
    let no = |src: &str| assert!(!parse(src).eval(&f), "{src} should not hold");
    yes("C = 不符合");
    yes("C in [不符合, 基本符合]");
    no("C = 符合");
    yes("C != 符合");
    no("C < 符合"); // compliance has no order
    yes("Y = 否");
    yes("Y = no");
    no("Y = 是");
    yes("N > 60");
    no("N <= 60");
    yes("N = 75");
    yes("K >= 3");
    no("K > 3");
    yes("T < 08:20");
    yes("T < 8：20");
    no("T >= 08:00");
    yes("M = a");
    yes("M = b");
    no("M = c");
    yes("M != c");
    no("M != a");
    yes("X = 有"); // text is compared trimmed
    yes("answered(N)");
    no("answered(Z)");
    // A number never equals a word, and a time never equals a number.
    no("N = 七十五");
    no("T = 750");
}

#[test]
fn errors_say_where_a_value_is_missing() {
    let e = error("WX-ZY-01 >");
    assert_eq!(e.position, 10);
    assert!(e.message.contains("expected a value"), "{e}");
    let e = error("A = and B = 1");
    assert_eq!(e.position, 4);
    assert!(e.message.contains("keyword 'and'"), "{e}");
    let e = error("A");
    assert_eq!(e.position, 1);
    assert!(e.message.contains("expected ="), "{e}");
    let e = error("");
    assert_eq!(e.position, 0);
    let e = error("A = 1 and");
    assert_eq!(e.position, 9);
    assert!(e.message.contains("found the end"), "{e}");
}

#[test]
fn errors_for_unclosed_brackets_parens_and_quotes() {
    let src = "A in [符合, 基本符合";
    let e = error(src);
    assert_eq!(e.position, src.chars().count());
    assert!(e.message.contains("']'"), "{e}");

    let src = "(A = 1 or B = 2";
    let e = error(src);
    assert_eq!(e.position, src.chars().count());
    assert!(e.message.contains("')'"), "{e}");

    let e = error("A in [1 2]");
    assert_eq!(e.position, 8);
    assert!(e.message.contains("']'"), "{e}");

    let e = error(r#"A = "不符合"#);
    assert_eq!(e.position, 4, "points at the opening quote");
    assert!(e.message.contains("not closed"), "{e}");

    let e = error("A = “不符合");
    assert_eq!(e.position, 4);

    let e = error("answered(A");
    assert_eq!(e.position, 10);
    assert!(e.message.contains("')'"), "{e}");
}

#[test]
fn errors_for_impossible_times() {
    let e = error("WX-SM-03 < 25:00");
    assert_eq!(e.position, 11);
    assert!(e.message.contains("'25:00' is not a valid time"), "{e}");
    assert!(e.message.contains("HH:MM"), "{e}");
    assert_eq!(error("A = 08:60").position, 4);
    assert_eq!(error("A = 8：2").position, 4);
}

#[test]
fn errors_for_trailing_garbage() {
    let e = error("A = 1 B");
    assert_eq!(e.position, 6);
    assert!(e.message.contains("unexpected 'B'"), "{e}");
    let e = error("A = 1)");
    assert_eq!(e.position, 5);
    assert!(e.message.contains("unexpected ')'"), "{e}");
}

#[test]
fn positions_count_characters_not_bytes() {
    // 甲乙 are three bytes each in UTF-8; a position is for a person counting characters.
    let e = error("甲乙 = 是 丙");
    assert_eq!(e.position, 7);
    let e = error("（甲 = 是");
    assert_eq!(e.position, 6);
    assert_eq!(e.to_string(), format!("at character 6: {}", e.message));
}

#[test]
fn check_reports_values_that_do_not_fit_the_item() {
    let kinds = |code: &str| -> Option<AnswerKind> {
        match code {
            "C" => Some(AnswerKind::Compliance),
            "Y" => Some(AnswerKind::YesNo { compliant: None }),
            "N" => Some(AnswerKind::Number {
                unit: Text::new("分钟", "min"),
                min: None,
                max: None,
            }),
            "T" => Some(AnswerKind::Time {
                earliest: None,
                latest: None,
            }),
            "M" => Some(AnswerKind::Choice {
                options: vec![
                    ChoiceOption {
                        code: "a".into(),
                        label: Text::new("甲", ""),
                        noncompliant: false,
                    },
                    ChoiceOption {
                        code: "b".into(),
                        label: Text::new("乙", ""),
                        noncompliant: true,
                    },
                ],
                multiple: true,
            }),
            "P" => Some(AnswerKind::Photo),
            _ => None,
        }
    };
    let ok = |src: &str| assert_eq!(parse(src).check(&kinds), Ok(()), "{src}");
    let bad = |src: &str, needle: &str| {
        let e = parse(src).check(&kinds).expect_err(src);
        assert!(e.contains(needle), "{src}: {e}");
    };
    ok("C in [不符合, 基本符合] and Y = 否 and N > 60 and T < 08:20 and M = b and answered(P)");
    ok("stage in [小学, 初中] and boarding and enrolment > 100");
    bad("C > 60", "compliance");
    bad("C = 60", "compliance");
    bad("C < 符合", "compliance");
    bad("Y = 也许", "yes/no");
    bad("N = 很多", "a number");
    bad("T > 60", "time of day");
    bad("M = z", "M has no option z");
    bad("P = 有", "answered(");
    bad("Z = 1", "unknown item Z");
    bad("answered(Z)", "unknown item Z");
    bad("stage > 小学", "ordering");
    bad("stage = 大学", "school stage");
    bad("boarding = 也许", "boarding");
    bad("enrolment > 很多", "enrolment");
}

// ---- Regressions ----

/// Bug: a stray closing curly quote (”) is punctuation no token starts with; the lexer pushed
/// empty words forever and the app ran out of memory on one pasted cell.
#[test]
fn a_stray_closing_quote_is_an_error_not_a_hang() {
    let e = error("A = 是”");
    assert_eq!(e.position, 5);
    assert!(e.message.contains('”'), "{e}");
    assert_eq!(error("”").position, 0);
}

/// Bug: a condition printed its numbers with `format_number`, which rounds to two decimals, so
/// `A > 0.125` was written back as `A > 0.13`.
#[test]
fn printed_numbers_keep_every_decimal() {
    assert_eq!(parse("A > 0.125").to_string(), "A > 0.125");
    assert_eq!(parse("A <= 60").to_string(), "A <= 60");
    assert_eq!(parse("A = -1.5").to_string(), "A = -1.5");
}

/// Bug: words holding `:`, `≤`, `≥` or `≠` were printed bare and no longer parsed (`A = :` is
/// a bad time; `A = ≤60` lexes as an operator), and a double quote was silently dropped.
#[test]
fn printed_words_that_need_quotes_are_quoted() {
    for w in [
        "a:b",
        "：",
        "≤60",
        "≥",
        "≠",
        "say \"hi\"",
        "it's",
        "08:20",
        "且",
        "",
    ] {
        let c = cmp("A", Op::Eq, word(w));
        let printed = c.to_string();
        assert_eq!(
            Condition::parse(&printed),
            Ok(c),
            "{w:?} printed as {printed:?}"
        );
    }
}
