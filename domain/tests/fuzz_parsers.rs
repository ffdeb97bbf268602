//! Fuzzing (issue 13, item 9) of what an office writes and the domain parses: checklist
//! templates, local thresholds files and show-if conditions. A template or thresholds file comes
//! from a clerk's editor or an Excel export and a condition from a spreadsheet cell; whatever
//! they hold, parsing answers `Ok` or `Err` and never panics, and what parses can be used — a
//! checklist built for every kind of school, every item judged with hostile numbers — without a
//! panic either.
//!
//! Inputs are the built-in templates (and a real thresholds file) mutated as a damaged or
//! hand-edited file would be: bytes flipped, the text cut short, numbers replaced by NaN, inf,
//! huge or negative values, random keys and table headers inserted, lines dropped or doubled.
//! Case counts keep this file to a few seconds in a debug build on two cores.

mod common;

use common::{all_schools, Facts};
use dudao_domain::checklist::Answers;
use dudao_domain::condition::Condition;
use dudao_domain::local::LocalThresholds;
use dudao_domain::template::ChoiceOption;
use dudao_domain::visit::Answer;
use dudao_domain::{
    builtin, AnswerKind, AnswerValue, Checklist, Compliance, Template, Text, TimeOfDay,
};
use proptest::prelude::*;
use proptest::sample::Index;

// ---- Mutating a file's text ----

/// Values a clerk (or a corrupted file) puts where a number belongs.
const HOSTILE_VALUES: &[&str] = &[
    "nan",
    "+nan",
    "-nan",
    "inf",
    "+inf",
    "-inf",
    "1e309",
    "-1e309",
    "1.7976931348623157e308",
    "5e-324",
    "99999999999999999999999999",
    "9223372036854775807",
    "-9223372036854775808",
    "18446744073709551616",
    "4294967296",
    "65536",
    "256",
    "-1",
    "-0.0",
    "0",
    "0x7fffffff",
    "0o777",
    "1_000",
    "\"60\"",
    "\"\"",
    "[]",
    "[1, 2, 3]",
    "{}",
    "true",
    "1979-05-27T07:32:00Z",
    "\"08:00\"",
    "\"25:61\"",
    "\"非\"",
];

/// Keys of templates and thresholds files, and table headers, to insert at random lines.
const KEYS: &[&str] = &[
    "id",
    "version",
    "code",
    "kind",
    "unit",
    "min",
    "max",
    "earliest",
    "latest",
    "not_before",
    "not_after",
    "show_if",
    "applies_to",
    "stages",
    "grades",
    "boarding",
    "severity",
    "evidence",
    "options",
    "multiple",
    "rule",
    "band",
    "basis",
    "template",
    "district",
    "edition",
    "changes",
    "sections",
    "items",
    "rules",
    "zh",
    "en",
];

const HEADERS: &[&str] = &[
    "[[sections]]",
    "[[sections.items]]",
    "[[rules]]",
    "[[rules.bands]]",
    "[[changes]]",
    "[sections]",
    "[[items]]",
    "[basis]",
];

#[derive(Debug, Clone)]
enum Edit {
    /// XOR one byte with a mask (the text is then read back lossily, as a damaged file is).
    FlipByte(Index, u8),
    /// Keep only the first part of the file.
    Truncate(Index),
    /// Replace one number in the file by a hostile value.
    ReplaceNumber(Index, &'static str),
    /// Insert `key = value` at the start of a line.
    InsertKey(Index, String, &'static str),
    /// Insert a table header at the start of a line.
    InsertHeader(Index, &'static str),
    DropLine(Index),
    DoubleLine(Index),
}

fn edit() -> impl Strategy<Value = Edit> {
    let key = prop_oneof![
        3 => prop::sample::select(KEYS).prop_map(str::to_owned),
        1 => "[a-z_]{1,12}",
        1 => "\\PC{1,6}".prop_map(|s| format!("\"{}\"", s.replace(['"', '\\'], ""))),
    ];
    prop_oneof![
        1 => (any::<Index>(), 1u8..=255).prop_map(|(i, m)| Edit::FlipByte(i, m)),
        1 => any::<Index>().prop_map(Edit::Truncate),
        4 => (any::<Index>(), prop::sample::select(HOSTILE_VALUES))
            .prop_map(|(i, v)| Edit::ReplaceNumber(i, v)),
        2 => (any::<Index>(), key, prop::sample::select(HOSTILE_VALUES))
            .prop_map(|(i, k, v)| Edit::InsertKey(i, k, v)),
        1 => (any::<Index>(), prop::sample::select(HEADERS))
            .prop_map(|(i, h)| Edit::InsertHeader(i, h)),
        1 => any::<Index>().prop_map(Edit::DropLine),
        1 => any::<Index>().prop_map(Edit::DoubleLine),
    ]
}

/// Byte offsets where a line starts.
fn line_starts(text: &str) -> Vec<usize> {
    std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .filter(|&i| i < text.len())
        .collect()
}

/// Byte ranges of the numbers written as values (`= 60`, `[7, 9]`, `min = -1.5`).
fn numbers(text: &str) -> Vec<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let starts = (bytes[i].is_ascii_digit() || bytes[i] == b'-')
            && i > 0
            && matches!(bytes[i - 1], b' ' | b'=' | b'[' | b',');
        if starts {
            let end = (i + 1..bytes.len())
                .find(|&j| {
                    !matches!(
                        bytes[j],
                        b'0'..=b'9' | b'.' | b'e' | b'E' | b'_' | b'+' | b'-'
                    )
                })
                .unwrap_or(bytes.len());
            out.push((i, end));
            i = end;
        } else {
            i += 1;
        }
    }
    out
}

fn apply_edits(source: &str, edits: &[Edit]) -> String {
    let mut text = source.to_owned();
    for e in edits {
        if text.is_empty() {
            break;
        }
        match e {
            Edit::FlipByte(i, mask) => {
                let mut bytes = text.into_bytes();
                let at = i.index(bytes.len());
                bytes[at] ^= mask;
                text = String::from_utf8_lossy(&bytes).into_owned();
            }
            Edit::Truncate(i) => {
                let mut at = i.index(text.len());
                while !text.is_char_boundary(at) {
                    at -= 1;
                }
                text.truncate(at);
            }
            Edit::ReplaceNumber(i, v) => {
                let spans = numbers(&text);
                if !spans.is_empty() {
                    let (a, b) = spans[i.index(spans.len())];
                    text.replace_range(a..b, v);
                }
            }
            Edit::InsertKey(i, k, v) => {
                let starts = line_starts(&text);
                let at = starts[i.index(starts.len())];
                text.insert_str(at, &format!("{k} = {v}\n"));
            }
            Edit::InsertHeader(i, h) => {
                let starts = line_starts(&text);
                let at = starts[i.index(starts.len())];
                text.insert_str(at, &format!("{h}\n"));
            }
            Edit::DropLine(i) | Edit::DoubleLine(i) => {
                let starts = line_starts(&text);
                let n = i.index(starts.len());
                let (a, b) = (starts[n], starts.get(n + 1).copied().unwrap_or(text.len()));
                if matches!(e, Edit::DropLine(_)) {
                    text.replace_range(a..b, "");
                } else {
                    let line = text[a..b].to_owned();
                    text.insert_str(b, &line);
                }
            }
        }
    }
    text
}

// ---- Using what parsed ----

/// Answer values a phone (or an attacker's push) can hold, hostile numbers included.
fn hostile_value(kind: &AnswerKind, pick: usize) -> AnswerValue {
    const NUMBERS: [f64; 9] = [
        f64::NAN,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::MAX,
        f64::MIN,
        -0.0,
        0.5,
        1e-300,
        120.0,
    ];
    match kind {
        AnswerKind::Number { .. } => AnswerValue::Number(NUMBERS[pick % NUMBERS.len()]),
        AnswerKind::Count { .. } => AnswerValue::Count([0, 1, 7, 200, u32::MAX][pick % 5]),
        AnswerKind::Time { .. } => {
            AnswerValue::Time(TimeOfDay::new((pick % 24) as u8, (pick % 60) as u8).unwrap())
        }
        AnswerKind::YesNo { .. } => AnswerValue::YesNo(pick.is_multiple_of(2)),
        AnswerKind::Choice { options, .. } => AnswerValue::Choice(
            options
                .iter()
                .take(pick % 3)
                .map(|o: &ChoiceOption| o.code.clone())
                .chain(pick.is_multiple_of(5).then(|| "NOT-AN-OPTION".to_owned()))
                .collect(),
        ),
        AnswerKind::Text | AnswerKind::Photo => {
            AnswerValue::Text("\u{0}\u{202e}非 ".repeat(pick % 4))
        }
        AnswerKind::Compliance => AnswerValue::Compliance(
            [
                Compliance::Compliant,
                Compliance::Partial,
                Compliance::NonCompliant,
                Compliance::NotApplicable,
            ][pick % 4],
        ),
    }
}

/// Builds a checklist of `t` for every kind of school and walks it as the app does: empty, then
/// with every item answered by a hostile value.
fn use_template(t: &Template, pick: usize) {
    let mut answers = Answers::new();
    for (n, (_, item)) in t.items().enumerate() {
        answers.insert(
            item.code.clone(),
            Answer {
                value: Some(hostile_value(&item.answer, pick + n)),
                ..Answer::default()
            },
        );
    }
    for school in all_schools() {
        let checklist = Checklist::new(&[t], &school);
        for a in [&Answers::new(), &answers] {
            let _ = checklist.progress(a);
            let _ = checklist.sections(a);
            let _ = checklist.missing(a);
            let _ = checklist.proposed_findings(a);
            let _ = checklist.tally(a);
            for (_, item) in t.items() {
                let _ = checklist.verdict(&item.code, a);
                let _ = checklist.invalid_value(&item.code, a);
            }
        }
    }
}

fn source(name: &str) -> &'static str {
    builtin::SOURCES
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, s)| *s)
        .unwrap()
}

fn wuxiang() -> Template {
    Template::from_toml(source("wuxiang.toml")).unwrap()
}

/// A thresholds file that applies cleanly to the built-in 五项管理 template.
const THRESHOLDS: &str = r#"
template = "wuxiang"
version = 1
district = "清河县"
edition = 2

[[changes]]
rule = "daily_activity_minutes"
band = "中小学"
min = 120
basis = { document = "清河县教育局关于保障中小学生每天综合体育活动时间不低于2小时的通知", number = "清教体〔2025〕7号", year = 2025 }
reason = "落实每天综合体育活动不低于2小时的要求"

[[changes]]
rule = "morning_class_start"
band = "中学"
not_before = "08:10"
basis = { document = "清河县中小学作息时间管理规定", year = 2024 }
"#;

#[test]
fn the_seeds_are_valid_and_have_numbers_to_mutate() {
    for (name, src) in builtin::SOURCES {
        assert!(Template::from_toml(src).is_ok(), "{name}");
        assert!(numbers(src).len() > 10, "{name}");
    }
    let edition = LocalThresholds::from_toml(THRESHOLDS)
        .unwrap()
        .apply(&wuxiang())
        .unwrap();
    assert!(edition.local.is_some());
    assert!(!numbers(THRESHOLDS).is_empty());
}

// ---- Templates ----

proptest! {
    #![proptest_config(ProptestConfig { cases: 160, ..ProptestConfig::default() })]

    /// A damaged or hand-edited template is refused with errors that say where, or accepted and
    /// then usable for every school.
    #[test]
    fn a_mutated_template_is_refused_or_usable(
        name in prop::sample::select(builtin::SOURCES.iter().map(|(n, _)| *n).collect::<Vec<_>>()),
        edits in prop::collection::vec(edit(), 1..4),
        pick in 0usize..1000,
    ) {
        let text = apply_edits(source(name), &edits);
        match Template::from_toml(&text) {
            Ok(t) => use_template(&t, pick),
            Err(e) => prop_assert!(!e.0.is_empty(), "an error without a message"),
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1024, ..ProptestConfig::default() })]

    #[test]
    fn any_text_as_a_template_is_refused_without_a_panic(src in "\\PC{0,400}") {
        let _ = Template::from_toml(&src);
    }

    /// Small templates in the right shape, with hostile values in every numeric slot.
    #[test]
    fn a_small_template_with_hostile_limits_is_refused_or_usable(
        kind in prop::sample::select(vec!["number", "count", "time", "choice", "yes_no"]),
        a in prop::sample::select(HOSTILE_VALUES),
        b in prop::sample::select(HOSTILE_VALUES),
        grades in prop::sample::select(HOSTILE_VALUES),
        show_if in prop_oneof![Just(String::new()), "\\PC{0,20}"],
        pick in 0usize..1000,
    ) {
        let show_if = show_if.replace(['"', '\\'], "");
        let unit = r#"unit = { zh = "分钟", en = "min" }"#;
        let (answer, limits) = match kind {
            "number" | "count" => (format!("{{ kind = \"{kind}\", {unit}, min = {a}, max = {b} }}"), format!("min = {a}, max = {b}")),
            "time" => (format!("{{ kind = \"time\", earliest = {a}, latest = {b} }}"), format!("not_before = {a}, not_after = {b}")),
            "choice" => (r#"{ kind = "choice", options = [{ code = "A", label = { zh = "甲", en = "A" } }] }"#.to_owned(), format!("max = {a}")),
            _ => (r#"{ kind = "yes_no", compliant = "yes" }"#.to_owned(), format!("min = {a}")),
        };
        let src = format!(
            r#"
id = "fuzz"
version = 1
kind = "挂牌督导"
title = {{ zh = "模糊", en = "Fuzz" }}

[[rules]]
id = "limit"
measure = {{ zh = "时长" }}
basis = [{{ document = "文件", year = 2021 }}]
bands = [{{ grades = [{grades}, {b}], label = {{ zh = "段", en = "Band" }}, {limits} }}]

[[sections]]
code = "FZ"
title = {{ zh = "节", en = "Section" }}

[[sections.items]]
code = "FZ-01"
prompt = {{ zh = "问题", en = "Question" }}
basis = [{{ document = "文件", year = 2021 }}]
answer = {answer}
required = true
rule = "limit"
grades = [{grades}, {b}]

[[sections.items]]
code = "FZ-02"
prompt = {{ zh = "追问", en = "Follow-up" }}
basis = [{{ document = "文件", year = 2021 }}]
answer = {{ kind = "text" }}
show_if = "{show_if}"
"#
        );
        if let Ok(t) = Template::from_toml(&src) {
            use_template(&t, pick);
        }
    }
}

// ---- Local thresholds ----

proptest! {
    #![proptest_config(ProptestConfig { cases: 1024, ..ProptestConfig::default() })]

    /// A damaged thresholds file is refused, or makes an edition that passes validation and
    /// judges hostile answers without a panic. Nothing half-applied: an error means no edition.
    #[test]
    fn a_mutated_thresholds_file_is_refused_or_makes_a_valid_edition(
        edits in prop::collection::vec(edit(), 1..4),
        pick in 0usize..1000,
    ) {
        let text = apply_edits(THRESHOLDS, &edits);
        let national = wuxiang();
        match LocalThresholds::from_toml(&text) {
            Err(e) => prop_assert!(!e.0.is_empty()),
            Ok(file) => match file.apply(&national) {
                Err(e) => prop_assert!(!e.0.is_empty()),
                Ok(edition) => {
                    prop_assert!(dudao_domain::validate::validate(&edition).is_ok());
                    use_template(&edition, pick);
                }
            },
        }
    }

    #[test]
    fn any_text_as_a_thresholds_file_is_refused_without_a_panic(src in "\\PC{0,300}") {
        if let Ok(file) = LocalThresholds::from_toml(&src) {
            let _ = file.apply(&wuxiang());
        }
    }

    /// Every limit slot of a change, with every hostile value.
    #[test]
    fn hostile_limits_in_a_change_are_refused_or_valid(
        slot in prop::sample::select(vec!["min", "max", "not_before", "not_after", "edition", "version"]),
        value in prop::sample::select(HOSTILE_VALUES),
        rule in prop::sample::select(vec!["daily_activity_minutes", "morning_class_start", "", "no_such_rule"]),
        band in prop::sample::select(vec!["中小学", "中学", "小学", "", "幼儿园"]),
    ) {
        let (edition, version) = match slot {
            "edition" => (value, "1"),
            "version" => ("2", value),
            _ => ("2", "1"),
        };
        let limit = if matches!(slot, "edition" | "version") { String::new() } else { format!("{slot} = {value}") };
        let src = format!(
            "template = \"wuxiang\"\nversion = {version}\ndistrict = \"清河县\"\nedition = {edition}\n\n\
             [[changes]]\nrule = \"{rule}\"\nband = \"{band}\"\n{limit}\n\
             basis = {{ document = \"文件\", year = 2025 }}\n"
        );
        if let Ok(file) = LocalThresholds::from_toml(&src) {
            if let Ok(edition) = file.apply(&wuxiang()) {
                prop_assert!(dudao_domain::validate::validate(&edition).is_ok());
                use_template(&edition, 0);
            }
        }
    }
}

// ---- The show-if language (beyond condition_props.rs) ----

/// Characters a Chinese office's spreadsheet cell may hold: full-width ASCII (＝＜＞！（）０-９Ａ-ｚ),
/// CJK punctuation and ideographs, invisible and direction marks, combining marks, emoji.
fn wide_char() -> impl Strategy<Value = char> {
    prop_oneof![
        3 => prop::char::range('\u{FF01}', '\u{FF5E}'),
        2 => prop::char::range('\u{3000}', '\u{303F}'),
        2 => prop::char::range('\u{4E00}', '\u{4E40}'),
        1 => prop::sample::select(vec![
            '\u{200B}', '\u{200C}', '\u{200D}', '\u{FEFF}', '\u{202E}', '\u{2066}', '\u{00A0}',
            '\u{0301}', '\u{20E3}', '\u{1F600}', '\u{10FFFF}', '\u{2028}', '\u{0085}', 'İ',
            'ß', 'ﬁ', '≤', '≥', '≠', '“', '”', '‘', '’', '【', '】',
        ]),
        3 => prop::char::range(' ', '~'),
    ]
}

fn wide_text() -> impl Strategy<Value = String> {
    prop::collection::vec(wide_char(), 0..40).prop_map(|c| c.into_iter().collect())
}

/// What a template checker can say an item is.
fn answer_kind() -> impl Strategy<Value = Option<AnswerKind>> {
    let unit = || Text {
        zh: "分钟".into(),
        en: "min".into(),
    };
    prop::option::of(prop::sample::select(vec![
        AnswerKind::Compliance,
        AnswerKind::YesNo { compliant: None },
        AnswerKind::Number {
            unit: unit(),
            min: Some(f64::NAN),
            max: None,
        },
        AnswerKind::Count {
            unit: unit(),
            min: None,
            max: Some(0),
        },
        AnswerKind::Time {
            earliest: None,
            latest: None,
        },
        AnswerKind::Choice {
            options: vec![],
            multiple: true,
        },
        AnswerKind::Text,
        AnswerKind::Photo,
    ]))
}

/// Answers of every kind to whatever codes the condition names.
fn facts_for(c: &Condition, pick: usize) -> Vec<Facts> {
    all_schools()
        .into_iter()
        .map(|school| {
            let mut f = Facts::new(school);
            for (n, code) in c.items().into_iter().enumerate() {
                let kind = [
                    AnswerKind::Compliance,
                    AnswerKind::YesNo { compliant: None },
                    AnswerKind::Number {
                        unit: Text::default(),
                        min: None,
                        max: None,
                    },
                    AnswerKind::Count {
                        unit: Text::default(),
                        min: None,
                        max: None,
                    },
                    AnswerKind::Time {
                        earliest: None,
                        latest: None,
                    },
                    AnswerKind::Text,
                ][(pick + n) % 6]
                    .clone();
                f = f.with(code, hostile_value(&kind, pick + n));
            }
            f
        })
        .collect()
}

/// Parses, checks against any item kinds, evaluates for every kind of school and prints back.
fn exercise(src: &str, kind: &Option<AnswerKind>, pick: usize) -> Result<(), TestCaseError> {
    match Condition::parse(src) {
        Err(e) => {
            prop_assert!(e.position <= src.chars().count(), "{e} for {src:?}");
            prop_assert!(!e.message.is_empty());
        }
        Ok(c) => {
            let _ = c.check(&|_| kind.clone());
            let _ = c.failed_items();
            for f in facts_for(&c, pick) {
                let _ = c.eval(&f);
            }
            let printed = c.to_string();
            prop_assert_eq!(
                Condition::parse(&printed),
                Ok(c),
                "printed as {:?}",
                printed
            );
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1024, ..ProptestConfig::default() })]

    /// Full-width and invisible characters anywhere: an error that points inside the input, or
    /// a condition that checks, evaluates and prints back to itself.
    #[test]
    fn wide_and_invisible_characters_parse_check_and_evaluate(
        src in wide_text(),
        kind in answer_kind(),
        pick in 0usize..1000,
    ) {
        exercise(&src, &kind, pick)?;
    }

    /// A well-formed condition with full-width or invisible characters spliced in.
    #[test]
    fn a_condition_with_characters_spliced_in_is_refused_or_consistent(
        base in prop::sample::select(vec![
            "WX-SJ-01 = 是",
            "（WX-SJ-01 ≥ 60）且 非 failed(WX-ZY-01)",
            "stage in [小学, 初中] or boarding = 是",
            "在校生 ＞ 1000 且 已答（WX-SJ-02）",
            "WX-SJ-03 <= 08:20 and WX-SJ-03 != \"8：20\"",
            "不符合（WX-ZY-01）",
            "!(enrolment < 100) || stage = 幼儿园",
        ]),
        at in any::<Index>(),
        insert in prop::collection::vec(wide_char(), 1..4),
        kind in answer_kind(),
        pick in 0usize..1000,
    ) {
        let chars: Vec<char> = base.chars().collect();
        let at = at.index(chars.len() + 1);
        let src: String = chars[..at].iter().chain(&insert).chain(&chars[at..]).collect();
        exercise(&src, &kind, pick)?;
    }

    /// Nesting of every kind mixed, around and far beyond the parser's depth limit: an error
    /// or a condition, never a stack overflow, also when evaluating and printing what parsed.
    #[test]
    fn mixed_deep_nesting_is_an_error_or_a_condition(
        opens in prop::collection::vec(
            prop::sample::select(vec!["(", "（", "not ", "非 ", "!", "not (", "非（", "! ("]),
            0..200,
        ),
        inner in prop::sample::select(vec!["A-1 = 1", "failed(A-1)", "answered(A-1)", "A-1 in [1, 2]", "stage = 小学"]),
        close_all in any::<bool>(),
        kind in answer_kind(),
    ) {
        let mut src: String = opens.concat();
        src.push_str(inner);
        if close_all {
            for o in opens.iter().rev() {
                if o.ends_with('(') {
                    src.push(')');
                } else if o.ends_with('（') {
                    src.push('）');
                }
            }
        }
        exercise(&src, &kind, 0)?;
    }
}

/// Long flat chains (a pasted list of 10,000 alternatives) parse or are refused, and what parses
/// evaluates, prints and drops without recursing per term.
#[test]
fn long_flat_chains_do_not_overflow_the_stack() {
    for (join, term) in [
        (" or ", "A-1 = 1"),
        (" and ", "A-1 = 1"),
        (" 或 ", "failed(A-1)"),
        (" 且 ", "answered（A-1）"),
        (" || ", "(A-1 = 1)"),
    ] {
        let src = vec![term; 10_000].join(join);
        exercise(&src, &Some(AnswerKind::Compliance), 1).unwrap();
    }
    let list = format!("A-1 in [{}]", vec!["1"; 10_000].join(", "));
    exercise(&list, &None, 1).unwrap();
}
