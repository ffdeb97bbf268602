//! Template validation: whoever edits a template (an office clerk, not a developer) must be
//! told which item, rule or line is wrong and which field, for every mistake at once.

use dudao_domain::validate::{Location, TemplateError};
use dudao_domain::Template;

const HEAD: &str = r#"
id = "v-test"
version = 1
kind = "测试"
title = { zh = "校验测试", en = "Validation test" }

[[rules]]
id = "homework"
measure = { zh = "书面作业平均完成时间" }
basis = [{ document = "关于进一步减轻义务教育阶段学生作业负担和校外培训负担的意见", year = 2021 }]
bands = [
  { grades = [3, 6], label = { zh = "三至六年级" }, max = 60 },
  { grades = [7, 9], label = { zh = "初中" }, max = 90 },
]

[[rules]]
id = "start"
measure = { zh = "上午上课时间" }
basis = [{ document = "关于进一步加强中小学生睡眠管理工作的通知", year = 2021 }]
bands = [{ grades = [1, 6], label = { zh = "小学" }, not_before = "08:20" }]
"#;

const SECTION: &str = r#"
[[sections]]
code = "A"
title = { zh = "综合" }

[[sections.items]]
code = "A-1"
prompt = { zh = "制度健全" }
basis = [{ document = "中小学校责任督学挂牌督导办法", year = 2013 }]
answer = { kind = "compliance" }

[[sections.items]]
code = "A-2"
prompt = { zh = "作业时间" }
basis = [{ document = "双减意见", year = 2021 }]
answer = { kind = "number", unit = { zh = "分钟" }, min = 0, max = 1000 }
rule = "homework"
"#;

/// A valid template with extra rules (TOML `[[rules]]` blocks) and extra items for section A.
fn template(rules: &str, items: &str) -> String {
    format!("{HEAD}{rules}{SECTION}{items}")
}

/// One more item in section A, with the given extra lines.
fn item(code: &str, lines: &str) -> String {
    format!(
        r#"
[[sections.items]]
code = "{code}"
prompt = {{ zh = "检查项 {code}" }}
basis = [{{ document = "测试依据", year = 2021 }}]
{lines}
"#
    )
}

fn errors(src: &str) -> Vec<TemplateError> {
    match Template::from_toml(src) {
        Ok(_) => Vec::new(),
        Err(e) => e.0,
    }
}

/// The one error for this location and field, checking its message mentions `needle`.
#[track_caller]
fn expect(errs: &[TemplateError], location: Location, field: &str, needle: &str) {
    let found: Vec<&TemplateError> = errs
        .iter()
        .filter(|e| e.location == location && e.field == field)
        .collect();
    assert_eq!(
        found.len(),
        1,
        "want one error at {location}, field `{field}`; got {errs:#?}"
    );
    assert!(
        found[0].message.contains(needle),
        "{:?} should mention {needle:?}",
        found[0].message
    );
}

/// Exactly one error, at this location and field.
#[track_caller]
fn only(src: &str, location: Location, field: &str, needle: &str) {
    let errs = errors(src);
    assert_eq!(errs.len(), 1, "{errs:#?}");
    expect(&errs, location, field, needle);
}

fn at_item(code: &str) -> Location {
    Location::Item(code.into())
}

fn at_rule(id: &str) -> Location {
    Location::Rule(id.into())
}

#[test]
fn the_base_template_is_valid() {
    let src = template("", "");
    let t = Template::from_toml(&src).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(t.key(), "v-test@1");
    assert_eq!(t.items().count(), 2);
}

#[test]
fn unknown_rule_names_the_item_and_field_rule() {
    only(
        &template(
            "",
            &item(
                "X",
                "answer = { kind = \"number\", unit = { zh = \"分钟\" }, min = 0, max = 1000 }\nrule = \"homwork\"",
            ),
        ),
        at_item("X"),
        "rule",
        "unknown rule homwork",
    );
}

#[test]
fn a_rule_on_an_answer_it_cannot_judge() {
    only(
        &template(
            "",
            &item(
                "X",
                "answer = { kind = \"compliance\" }\nrule = \"homework\"",
            ),
        ),
        at_item("X"),
        "rule",
        "cannot judge a compliance answer",
    );
    // A minutes rule on a time of day: the bands have no not_before/not_after.
    only(
        &template(
            "",
            &item("X", "answer = { kind = \"time\" }\nrule = \"homework\""),
        ),
        at_item("X"),
        "rule",
        "not_before/not_after",
    );
    only(
        &template(
            "",
            &item(
                "X",
                "answer = { kind = \"count\", unit = { zh = \"人\" }, min = 0, max = 1000 }\nrule = \"start\"",
            ),
        ),
        at_item("X"),
        "rule",
        "max/min",
    );
}

#[test]
fn show_if_referencing_an_unknown_item() {
    only(
        &template(
            "",
            &item(
                "X",
                "answer = { kind = \"text\" }\nshow_if = \"A-9 = 不符合\"",
            ),
        ),
        at_item("X"),
        "show_if",
        "unknown item A-9",
    );
}

#[test]
fn show_if_comparing_a_compliance_item_with_a_number() {
    only(
        &template(
            "",
            &item("X", "answer = { kind = \"text\" }\nshow_if = \"A-1 > 60\""),
        ),
        at_item("X"),
        "show_if",
        "compliance",
    );
    // And the other way round: a number item compared with a word.
    only(
        &template(
            "",
            &item(
                "X",
                "answer = { kind = \"text\" }\nshow_if = \"A-2 = 不符合\"",
            ),
        ),
        at_item("X"),
        "show_if",
        "a number",
    );
}

#[test]
fn show_if_that_does_not_parse_says_where() {
    only(
        &template(
            "",
            &item("X", "answer = { kind = \"text\" }\nshow_if = \"A-1 = \""),
        ),
        at_item("X"),
        "show_if",
        "at character 6",
    );
    only(
        &template(
            "",
            &item(
                "X",
                "answer = { kind = \"text\" }\nshow_if = \"A-2 < 25:00\"",
            ),
        ),
        at_item("X"),
        "show_if",
        "not a valid time",
    );
}

#[test]
fn show_if_referring_to_the_item_itself() {
    // Reported once, as a self reference, not a second time as a cycle.
    only(
        &template(
            "",
            &item("X", "answer = { kind = \"yes_no\" }\nshow_if = \"X = 是\""),
        ),
        at_item("X"),
        "show_if",
        "itself",
    );
}

#[test]
fn a_cycle_of_show_if_conditions_names_every_item_in_it() {
    let items = item("X", "answer = { kind = \"yes_no\" }\nshow_if = \"Y = 是\"")
        + &item(
            "Y",
            "answer = { kind = \"yes_no\" }\nshow_if = \"answered(X)\"",
        );
    let errs = errors(&template("", &items));
    assert_eq!(errs.len(), 2, "{errs:#?}");
    expect(&errs, at_item("X"), "show_if", "cycle");
    expect(&errs, at_item("Y"), "show_if", "cycle");

    let items = item("X", "answer = { kind = \"yes_no\" }\nshow_if = \"Y = 是\"")
        + &item("Y", "answer = { kind = \"yes_no\" }\nshow_if = \"Z = 是\"")
        + &item(
            "Z",
            "answer = { kind = \"yes_no\" }\nshow_if = \"X = 否 or A-1 = 符合\"",
        )
        + &item("W", "answer = { kind = \"yes_no\" }\nshow_if = \"X = 是\"");
    let errs = errors(&template("", &items));
    assert_eq!(
        errs.len(),
        3,
        "W depends on the cycle but is not in it: {errs:#?}"
    );
    for code in ["X", "Y", "Z"] {
        expect(&errs, at_item(code), "show_if", "cycle");
    }
}

#[test]
fn a_chain_of_show_if_conditions_is_fine() {
    let items = item(
        "X",
        "answer = { kind = \"yes_no\" }\nshow_if = \"A-1 = 不符合\"",
    ) + &item(
        "Y",
        "answer = { kind = \"yes_no\" }\nshow_if = \"X = 是 and A-2 > 60\"",
    ) + &item(
        "Z",
        "answer = { kind = \"text\" }\nshow_if = \"answered(X) and Y = 否\"",
    );
    assert_eq!(errors(&template("", &items)), vec![]);
}

#[test]
fn duplicate_item_codes() {
    only(
        &template("", &item("A-1", "answer = { kind = \"text\" }")),
        at_item("A-1"),
        "code",
        "another item",
    );
}

#[test]
fn an_item_code_that_cannot_be_written_in_a_condition() {
    only(
        &template("", &item("A 3", "answer = { kind = \"text\" }")),
        at_item("A 3"),
        "code",
        "not a valid code",
    );
    only(
        &template("", &item("作业", "answer = { kind = \"text\" }")),
        at_item("作业"),
        "code",
        "not a valid code",
    );
}

#[test]
fn an_item_without_basis() {
    let no_basis = r#"
[[sections.items]]
code = "X"
prompt = { zh = "无依据" }
basis = []
answer = { kind = "compliance" }
"#;
    only(
        &template("", no_basis),
        at_item("X"),
        "basis",
        "policy basis",
    );
    // Leaving the field out is the same mistake.
    only(
        &template("", &no_basis.replace("basis = []\n", "")),
        at_item("X"),
        "basis",
        "policy basis",
    );
}

#[test]
fn a_basis_without_document_or_a_plausible_year() {
    let src = template(
        "",
        r#"
[[sections.items]]
code = "X"
prompt = { zh = "依据不全" }
basis = [{ document = "办法", year = 2013 }, { document = " ", year = 21 }]
answer = { kind = "compliance" }
"#,
    );
    let errs = errors(&src);
    assert_eq!(errs.len(), 2, "{errs:#?}");
    expect(&errs, at_item("X"), "basis[1].document", "empty");
    expect(&errs, at_item("X"), "basis[1].year", "21");
}

#[test]
fn a_blank_prompt() {
    let src = template(
        "",
        &item("X", "answer = { kind = \"text\" }").replace("检查项 X", " "),
    );
    only(&src, at_item("X"), "prompt.zh", "empty");
}

#[test]
fn a_number_or_count_without_unit() {
    only(
        &template(
            "",
            &item(
                "X",
                "answer = { kind = \"number\", unit = { zh = \"\" }, min = 0, max = 1000 }",
            ),
        ),
        at_item("X"),
        "answer.unit",
        "unit",
    );
    only(
        &template(
            "",
            &item(
                "X",
                "answer = { kind = \"count\", unit = { zh = \" \", en = \"people\" }, min = 0, max = 1000 }",
            ),
        ),
        at_item("X"),
        "answer.unit",
        "unit",
    );
}

#[test]
fn number_input_bounds_the_wrong_way_round() {
    only(
        &template(
            "",
            &item(
                "X",
                "answer = { kind = \"number\", unit = { zh = \"小时\" }, min = 24, max = 0 }",
            ),
        ),
        at_item("X"),
        "answer.min",
        "above max",
    );
}

#[test]
fn a_choice_with_one_option() {
    only(
        &template(
            "",
            &item("X", "answer = { kind = \"choice\", options = [{ code = \"a\", label = { zh = \"甲\" } }] }"),
        ),
        at_item("X"),
        "answer.options",
        "at least two",
    );
}

#[test]
fn choice_options_with_repeated_codes_or_blank_labels() {
    let src = template(
        "",
        &item(
            "X",
            r#"answer = { kind = "choice", options = [
  { code = "a", label = { zh = "甲" } },
  { code = "a", label = { zh = "乙" } },
  { code = "b", label = { zh = "" } },
] }"#,
        ),
    );
    let errs = errors(&src);
    assert_eq!(errs.len(), 2, "{errs:#?}");
    expect(
        &errs,
        at_item("X"),
        "answer.options[1].code",
        "another option",
    );
    expect(&errs, at_item("X"), "answer.options[2].label.zh", "empty");
}

#[test]
fn photo_when_noncompliant_on_an_item_that_cannot_fail() {
    only(
        &template(
            "",
            &item(
                "X",
                "answer = { kind = \"text\" }\nevidence = \"photo_when_noncompliant\"",
            ),
        ),
        at_item("X"),
        "evidence",
        "never be 不符合",
    );
    // A number can only fail through a rule.
    only(
        &template(
            "",
            &item("X", "answer = { kind = \"number\", unit = { zh = \"分钟\" }, min = 0, max = 1000 }\nevidence = \"photo_when_noncompliant\""),
        ),
        at_item("X"),
        "evidence",
        "never be 不符合",
    );
    // Always requiring a photo is fine for any item.
    assert_eq!(
        errors(&template(
            "",
            &item(
                "X",
                "answer = { kind = \"text\" }\nevidence = \"photo_always\""
            )
        )),
        vec![]
    );
}

#[test]
fn item_grades_and_stages() {
    only(
        &template(
            "",
            &item("X", "answer = { kind = \"text\" }\ngrades = [6, 3]"),
        ),
        at_item("X"),
        "grades",
        "[6, 3]",
    );
    only(
        &template(
            "",
            &item("X", "answer = { kind = \"text\" }\ngrades = [10, 13]"),
        ),
        at_item("X"),
        "grades",
        "0–12",
    );
    only(
        &template("", &item("X", "answer = { kind = \"text\" }\nstages = []")),
        at_item("X"),
        "stages",
        "empty list",
    );
}

fn rule(id: &str, bands: &str) -> String {
    format!(
        r#"
[[rules]]
id = "{id}"
measure = {{ zh = "测量" }}
basis = [{{ document = "测试依据", year = 2021 }}]
bands = [
{bands}
]
"#
    )
}

#[test]
fn a_band_with_no_limit() {
    let src = template(
        &rule("R", r#"{ grades = [1, 6], label = { zh = "小学" } }"#),
        "",
    );
    only(&src, at_rule("R"), "bands[0].max", "no limit");
}

#[test]
fn a_band_with_no_limit_also_fails_the_items_using_it() {
    let src = template(
        &rule("R", r#"{ grades = [1, 6], label = { zh = "小学" } }"#),
        &item(
            "X",
            "answer = { kind = \"number\", unit = { zh = \"分钟\" }, min = 0, max = 1000 }\nrule = \"R\"",
        ),
    );
    let errs = errors(&src);
    assert_eq!(errs.len(), 2, "{errs:#?}");
    expect(&errs, at_rule("R"), "bands[0].max", "no limit");
    expect(&errs, at_item("X"), "rule", "band without max/min");
}

#[test]
fn overlapping_bands() {
    let src = template(
        &rule(
            "R",
            r#"{ grades = [1, 6], label = { zh = "小学" }, max = 60 },
               { grades = [7, 9], label = { zh = "初中" }, max = 90 },
               { grades = [6, 8], label = { zh = "六至八年级" }, max = 70 },"#,
        ),
        "",
    );
    let errs = errors(&src);
    assert_eq!(errs.len(), 2, "{errs:#?}");
    expect(&errs, at_rule("R"), "bands[0].grades", "overlaps bands[2]");
    expect(&errs, at_rule("R"), "bands[1].grades", "overlaps bands[2]");
}

#[test]
fn band_min_above_max() {
    let src = template(
        &rule(
            "R",
            r#"{ grades = [7, 9], label = { zh = "初中" }, min = 10, max = 9 }"#,
        ),
        "",
    );
    only(&src, at_rule("R"), "bands[0].min", "min 10 is above max 9");
}

#[test]
fn band_times_the_wrong_way_round_or_mixed_with_numbers() {
    let src = template(
        &rule(
            "R",
            r#"{ grades = [1, 6], label = { zh = "小学" }, not_before = "12:30", not_after = "11:30" }"#,
        ),
        "",
    );
    only(&src, at_rule("R"), "bands[0].not_before", "after not_after");
    let src = template(
        &rule(
            "R",
            r#"{ grades = [1, 6], label = { zh = "小学" }, max = 60, not_after = "11:30" }"#,
        ),
        "",
    );
    only(&src, at_rule("R"), "bands[0].not_before", "not both");
}

#[test]
fn band_grades_label_and_empty_rules() {
    let src = template(
        &rule("R", r#"{ grades = [9, 7], label = { zh = "" }, max = 1 }"#),
        "",
    );
    let errs = errors(&src);
    assert_eq!(errs.len(), 2, "{errs:#?}");
    expect(&errs, at_rule("R"), "bands[0].grades", "[9, 7]");
    expect(&errs, at_rule("R"), "bands[0].label.zh", "empty");
    only(
        &template(&rule("R", ""), ""),
        at_rule("R"),
        "bands",
        "no bands",
    );
}

#[test]
fn rules_need_a_basis_and_a_unique_id() {
    let no_basis = rule(
        "R",
        r#"{ grades = [1, 6], label = { zh = "小学" }, max = 1 }"#,
    )
    .replace(
        "basis = [{ document = \"测试依据\", year = 2021 }]",
        "basis = []",
    );
    only(
        &template(&no_basis, ""),
        at_rule("R"),
        "basis",
        "policy basis",
    );
    only(
        &template(
            &rule(
                "homework",
                r#"{ grades = [1, 6], label = { zh = "小学" }, max = 1 }"#,
            ),
            "",
        ),
        at_rule("homework"),
        "id",
        "another rule",
    );
}

#[test]
fn template_and_section_level_mistakes() {
    let src = template("", "")
        .replace("version = 1", "version = 0")
        .replace("id = \"v-test\"", "id = \"五项\"");
    let errs = errors(&src);
    assert_eq!(errs.len(), 2, "{errs:#?}");
    expect(&errs, Location::Template, "id", "not a valid id");
    expect(&errs, Location::Template, "version", "1 or more");

    let src =
        template("", "") + "\n[[sections]]\ncode = \"A\"\ntitle = { zh = \"\" }\nitems = []\n";
    let errs = errors(&src);
    assert_eq!(errs.len(), 3, "{errs:#?}");
    let here = Location::Section("A".into());
    expect(&errs, here.clone(), "code", "another section");
    expect(&errs, here.clone(), "title.zh", "empty");
    expect(&errs, here, "items", "no items");

    // Top-level keys go before the first [[rules]] table.
    let src = HEAD.replacen("\n[[rules]]", "\nsections = []\n\n[[rules]]", 1);
    only(&src, Location::Template, "sections", "no sections");
}

#[test]
fn several_mistakes_are_all_reported_at_once() {
    let items = item(
        "X",
        "answer = { kind = \"number\", unit = { zh = \"分钟\" }, min = 0, max = 1000 }\nrule = \"nope\"",
    ) + &item(
        "Y",
        "answer = { kind = \"choice\", options = [{ code = \"a\", label = { zh = \"甲\" } }] }",
    ) + &item("Z", "answer = { kind = \"text\" }\nshow_if = \"A-1 > 60\"")
        + &item("A-2", "answer = { kind = \"text\" }");
    let src = template(
        &rule(
            "R",
            r#"{ grades = [1, 6], label = { zh = "小学" }, max = 60 },
               { grades = [6, 9], label = { zh = "中学" }, max = 90 },"#,
        ),
        &items,
    );
    let e = Template::from_toml(&src).unwrap_err();
    let errs = &e.0;
    assert_eq!(errs.len(), 5, "{errs:#?}");
    expect(errs, at_rule("R"), "bands[0].grades", "overlaps");
    expect(errs, at_item("A-2"), "code", "another item");
    expect(errs, at_item("X"), "rule", "unknown rule nope");
    expect(errs, at_item("Y"), "answer.options", "two");
    expect(errs, at_item("Z"), "show_if", "compliance");
    // One line per error, each saying where and which field.
    let text = e.to_string();
    assert_eq!(text.lines().count(), 5);
    assert!(
        text.contains("item X, field `rule`: refers to unknown rule nope"),
        "{text}"
    );
    assert!(text.contains("rule R, field `bands[0].grades`"), "{text}");
}

// ---- TOML syntax and shape errors: Location::Line ----

/// The 1-based line of the first line of `src` containing `needle`.
fn line_of(src: &str, needle: &str) -> usize {
    src.lines().position(|l| l.contains(needle)).expect(needle) + 1
}

#[test]
fn a_toml_syntax_error_gives_its_line() {
    let src = template(
        "",
        &item(
            "X",
            "answer = { kind = \"text\" }\nhelp = { zh = \"没有闭合的引号 }",
        ),
    );
    let errs = errors(&src);
    assert_eq!(errs.len(), 1, "{errs:#?}");
    let want = line_of(&src, "没有闭合的引号");
    match &errs[0].location {
        Location::Line(line, col) => {
            assert_eq!(*line, want, "{}", errs[0]);
            assert!(*col >= 1);
        }
        other => panic!("expected a line, got {other}"),
    }
    assert_eq!(errs[0].field, "");
    assert!(
        errs[0]
            .to_string()
            .starts_with(&format!("line {want}, column ")),
        "{}",
        errs[0]
    );
}

#[test]
fn a_syntax_error_on_the_first_line() {
    let errs = errors("id = \nversion = 1");
    assert!(
        matches!(errs[0].location, Location::Line(1, _)),
        "{errs:#?}"
    );
}

#[test]
fn columns_count_characters_not_bytes() {
    // The error is at `?`, after five CJK characters and the opening of the string.
    let src = "title = { zh = \"五项管理督\" ? }\n";
    let errs = errors(src);
    let Location::Line(line, col) = errs[0].location else {
        panic!("{errs:#?}")
    };
    assert_eq!(line, 1);
    assert_eq!(
        col,
        src.chars().position(|c| c == '?').unwrap() + 1,
        "{}",
        errs[0]
    );
}

#[test]
fn a_value_of_the_wrong_shape_gives_its_line() {
    // `year` must be a number; a clerk typed the Chinese form.
    let src = template(
        "",
        &item("X", "answer = { kind = \"text\" }").replace("year = 2021 }", "year = \"2021年\" }"),
    );
    let errs = errors(&src);
    assert_eq!(errs.len(), 1, "{errs:#?}");
    let Location::Line(line, _) = errs[0].location else {
        panic!("{errs:#?}")
    };
    assert_eq!(line, line_of(&src, "2021年"), "{}", errs[0]);

    // An answer kind that does not exist.
    let src = template("", &item("X", "answer = { kind = \"essay\" }"));
    let errs = errors(&src);
    let Location::Line(line, _) = errs[0].location else {
        panic!("{errs:#?}")
    };
    assert_eq!(line, line_of(&src, "essay"), "{}", errs[0]);

    // A time written with a bad hour.
    let src = template(
        &rule(
            "R",
            r#"{ grades = [1, 6], label = { zh = "小学" }, not_before = "25:00" }"#,
        ),
        "",
    );
    let errs = errors(&src);
    let Location::Line(line, _) = errs[0].location else {
        panic!("{errs:#?}")
    };
    assert_eq!(line, line_of(&src, "25:00"), "{}", errs[0]);
    assert!(errs[0].message.contains("HH:MM"), "{}", errs[0]);
}

mod props {
    use super::*;
    use dudao_domain::validate::validate;
    use proptest::prelude::*;

    fn noise() -> impl Strategy<Value = String> {
        prop_oneof![
            prop::sample::select(vec![
                "\"", "'", "[", "]", "{", "}", "=", ",", "\n", "#", "\\", "[[", "]]", "：", "“",
                "”", "（", "）", "作业", "\u{3000}", "\u{feff}", "\r\n", "\t", ".", "-1", "1e400",
            ])
            .prop_map(str::to_owned),
            "\\PC{0,4}",
        ]
    }

    proptest! {
        /// A template file damaged anywhere (a clerk's slip in a text editor) is reported with
        /// a place in the file or in the template, never a crash.
        #[test]
        fn a_damaged_template_never_panics_and_lines_are_in_the_file(
            at in any::<prop::sample::Index>(),
            cut in 0usize..6,
            insert in noise(),
        ) {
            let src = template("", &item("X", "answer = { kind = \"text\" }\nshow_if = \"A-1 = 不符合\""));
            let chars: Vec<char> = src.chars().collect();
            let i = at.index(chars.len());
            let end = (i + cut).min(chars.len());
            let damaged: String = chars[..i].iter().chain(insert.chars().collect::<Vec<_>>().iter()).chain(chars[end..].iter()).collect();
            if let Err(e) = Template::from_toml(&damaged) {
                prop_assert!(!e.0.is_empty());
                for err in &e.0 {
                    if let Location::Line(line, col) = err.location {
                        prop_assert!(line >= 1 && line <= damaged.lines().count() + 1, "{} in {:?}", err, damaged);
                        prop_assert!(col >= 1);
                    }
                    prop_assert!(!err.message.is_empty());
                }
            }
        }

        /// Whatever an office types as a show-if, validation names the item and `show_if`.
        #[test]
        fn any_show_if_is_validated_without_panicking(show_if in any::<String>()) {
            let mut t = Template::from_toml(&template("", &item("X", "answer = { kind = \"text\" }"))).unwrap();
            t.sections[0].items[2].show_if = Some(show_if);
            if let Err(e) = validate(&t) {
                for err in &e.0 {
                    prop_assert_eq!(&err.location, &Location::Item("X".into()));
                    prop_assert_eq!(err.field.as_str(), "show_if");
                }
            }
        }
    }
}

#[test]
fn a_template_must_say_what_kind_of_inspection_it_is() {
    let src = template("", "").replace("kind = \"测试\"", "kind = \" \"");
    only(
        &src,
        Location::Template,
        "kind",
        "name the kind of inspection",
    );
}

/// Issue 12: `max = nan` passed validation and the band was served with no limit, so the item
/// was silently never judged. Every non-finite limit is refused, naming the rule and field.
#[test]
fn non_finite_limits_are_refused() {
    for (limit, needle) in [
        ("max = nan", "NaN"),
        ("max = inf", "inf"),
        ("min = -inf", "inf"),
        ("min = nan", "NaN"),
    ] {
        let rule = format!(
            r#"
[[rules]]
id = "odd"
measure = {{ zh = "奇怪的阈值" }}
basis = [{{ document = "测试依据", year = 2021 }}]
bands = [{{ grades = [1, 6], label = {{ zh = "小学" }}, {limit} }}]
"#
        );
        let field = format!("bands[0].{}", &limit[..3]);
        only(&template(&rule, ""), at_rule("odd"), &field, needle);
    }
    let step = r#"
[[rules]]
id = "guards"
measure = { zh = "保安人数" }
basis = [{ document = "测试依据", year = 2021 }]
bands = [{ label = { zh = "全部" }, min = 2, step = { over = 1000, per = 500, add = nan } }]
"#;
    let errs = errors(&template(step, ""));
    assert!(
        errs.iter()
            .any(|e| e.location == at_rule("guards") && e.field == "bands[0].step.add"),
        "{errs:#?}"
    );
    // An item's input range too.
    only(
        &template(
            "",
            &item(
                "X",
                "answer = { kind = \"number\", unit = { zh = \"分钟\" }, min = 0, max = inf }",
            ),
        ),
        at_item("X"),
        "answer.max",
        "finite",
    );
}

#[test]
fn contradictory_limits_are_refused() {
    let rule = r#"
[[rules]]
id = "upside_down"
measure = { zh = "颠倒的阈值" }
basis = [{ document = "测试依据", year = 2021 }]
bands = [
  { grades = [1, 6], label = { zh = "小学" }, min = 90, max = 60 },
  { grades = [7, 9], label = { zh = "初中" } },
  { grades = [10, 12], label = { zh = "高中" }, not_before = "22:00", not_after = "21:00" },
]
"#;
    let errs = errors(&template(rule, ""));
    expect(&errs, at_rule("upside_down"), "bands[0].min", "above max");
    expect(
        &errs,
        at_rule("upside_down"),
        "bands[1].max",
        "sets no limit",
    );
    expect(
        &errs,
        at_rule("upside_down"),
        "bands[2].not_before",
        "after not_after",
    );
    // On the school-day clock 22:00–00:30 is a valid band: 00:30 is the same night.
    let night = r#"
[[rules]]
id = "night"
measure = { zh = "夜间时段" }
basis = [{ document = "测试依据", year = 2021 }]
bands = [{ grades = [10, 12], label = { zh = "高中" }, not_before = "22:00", not_after = "00:30" }]
"#;
    assert_eq!(errors(&template(night, "")), vec![]);
}

/// Every number and count item states its plausible range; a time item's range must run
/// forward on the school-day clock.
#[test]
fn number_and_count_items_need_a_plausible_range() {
    only(
        &template(
            "",
            &item(
                "X",
                "answer = { kind = \"number\", unit = { zh = \"分钟\" }, max = 600 }",
            ),
        ),
        at_item("X"),
        "answer.min",
        "plausible range",
    );
    only(
        &template(
            "",
            &item("X", "answer = { kind = \"count\", unit = { zh = \"人\" } }"),
        ),
        at_item("X"),
        "answer.max",
        "plausible",
    );
    only(
        &template(
            "",
            &item(
                "X",
                "answer = { kind = \"count\", unit = { zh = \"人\" }, min = 9, max = 3 }",
            ),
        ),
        at_item("X"),
        "answer.min",
        "above max",
    );
    only(
        &template(
            "",
            &item(
                "X",
                "answer = { kind = \"time\", earliest = \"06:00\", latest = \"05:30\" }",
            ),
        ),
        at_item("X"),
        "answer.earliest",
        "school day",
    );
    assert_eq!(
        errors(&template(
            "",
            &item(
                "X",
                "answer = { kind = \"time\", earliest = \"18:00\", latest = \"04:59\" }"
            )
        )),
        vec![]
    );
}
