//! The checklist as a supervisor walks it at one school: which questions show, how far along
//! the visit is, what still stops it from being finished, and which findings it proposes.

mod common;

use common::{answers, checklist_template, school, school_with};
use dudao_domain::checklist::{fits, Answers};
use dudao_domain::template::{AnswerKind, ChoiceOption, Severity};
use dudao_domain::{
    AnswerValue, Checklist, Compliance, MissingReason, Outcome, Progress, School, Stage, Text,
    TimeOfDay,
};

fn codes(cl: &Checklist, a: &Answers) -> Vec<String> {
    cl.visible(a).iter().map(|e| e.item.code.clone()).collect()
}

fn primary() -> School {
    school(Stage::Primary)
}

fn junior_boarding() -> School {
    school_with(Stage::Junior, [7, 9], true, 900)
}

fn c(v: Compliance) -> AnswerValue {
    AnswerValue::Compliance(v)
}

fn yes(b: bool) -> AnswerValue {
    AnswerValue::YesNo(b)
}

fn minutes(n: f64) -> AnswerValue {
    AnswerValue::Number(n)
}

fn choice(c: &[&str]) -> AnswerValue {
    AnswerValue::Choice(c.iter().map(|s| s.to_string()).collect())
}

fn text(s: &str) -> AnswerValue {
    AnswerValue::Text(s.into())
}

/// Adds a note and photos to an answer already in the map (or creates one without a value).
fn annotate(a: &mut Answers, code: &str, note: &str, photos: &[&str]) {
    let e = a.entry(code.into()).or_default();
    e.note = note.into();
    e.photos = photos.iter().map(|p| p.to_string()).collect();
}

#[test]
fn items_for_other_stages_grades_or_boarding_are_left_out() {
    let t = checklist_template();
    let none = Answers::new();

    let s = primary();
    let cl = Checklist::new(&[&t], &s);
    assert_eq!(
        codes(&cl, &none),
        ["JC-01", "JC-02", "JC-04", "XD-02", "XD-03", "XD-05"]
    );
    assert!(
        cl.item("ZS-01").is_none(),
        "a day school has no bedtime check"
    );
    assert!(
        cl.item("XD-01").is_none(),
        "a primary school has no 初中 item"
    );
    assert!(
        cl.item("JC-03").is_some(),
        "hidden by show_if, but part of the checklist"
    );

    let s = junior_boarding();
    let cl = Checklist::new(&[&t], &s);
    assert_eq!(
        codes(&cl, &none),
        ["JC-01", "JC-02", "ZS-01", "XD-01", "XD-03", "XD-05"]
    );
    assert!(
        cl.item("JC-04").is_none(),
        "grades 3–6 item at a junior high"
    );
    assert!(
        cl.item("XD-02").is_none(),
        "day-school item at a boarding school"
    );

    let s = school(Stage::Kindergarten);
    let cl = Checklist::new(&[&t], &s);
    assert_eq!(
        codes(&cl, &none),
        ["JC-01", "JC-02", "XD-02", "XD-03", "XD-05"]
    );

    // A nine-year boarding school has grades 3–6 and is a 九年一贯制: both items apply.
    let s = school_with(Stage::NineYear, [1, 9], true, 1500);
    let cl = Checklist::new(&[&t], &s);
    assert_eq!(
        codes(&cl, &none),
        ["JC-01", "JC-02", "JC-04", "ZS-01", "XD-01", "XD-03", "XD-05"]
    );
}

#[test]
fn show_if_hides_and_reveals_follow_up_questions() {
    let t = checklist_template();
    let s = primary();
    let cl = Checklist::new(&[&t], &s);
    let follow_up = cl.item("JC-03").unwrap();

    assert!(
        !cl.is_visible(follow_up, &Answers::new()),
        "hidden until JC-02 is answered"
    );
    let a = answers(&[("JC-02", yes(false))]);
    assert!(cl.is_visible(follow_up, &a));
    assert_eq!(
        codes(&cl, &a),
        ["JC-01", "JC-02", "JC-03", "JC-04", "JC-05", "XD-02", "XD-03", "XD-05"]
    );
    let a = answers(&[("JC-02", yes(true))]);
    assert!(!cl.is_visible(follow_up, &a));
    // Clearing the answer hides the follow-up again.
    let mut a = answers(&[("JC-02", yes(false))]);
    a.get_mut("JC-02").unwrap().value = None;
    assert!(!cl.is_visible(follow_up, &a));
}

#[test]
fn show_if_on_school_facts() {
    let t = checklist_template();
    let big = school_with(Stage::Primary, [1, 6], false, 1200);
    let cl = Checklist::new(&[&t], &big);
    assert!(codes(&cl, &Answers::new()).contains(&"XD-04".to_owned()));
    let small = school_with(Stage::Primary, [1, 6], false, 999);
    let cl = Checklist::new(&[&t], &small);
    assert!(!codes(&cl, &Answers::new()).contains(&"XD-04".to_owned()));
    let big_junior = school_with(Stage::Junior, [7, 9], false, 3000);
    let cl = Checklist::new(&[&t], &big_junior);
    assert!(!codes(&cl, &Answers::new()).contains(&"XD-04".to_owned()));
}

#[test]
fn sections_leave_out_those_with_nothing_to_show() {
    let t = checklist_template();
    let s = primary();
    let cl = Checklist::new(&[&t], &s);
    let sections: Vec<&str> = cl
        .sections(&Answers::new())
        .iter()
        .map(|v| v.section.code.as_str())
        .collect();
    assert_eq!(sections, ["JC", "XD"], "no 住宿 section at a day school");

    let s = junior_boarding();
    let cl = Checklist::new(&[&t], &s);
    let views = cl.sections(&Answers::new());
    let shown: Vec<(&str, usize)> = views
        .iter()
        .map(|v| (v.section.code.as_str(), v.items.len()))
        .collect();
    assert_eq!(shown, [("JC", 2), ("ZS", 1), ("XD", 3)]);
}

#[test]
fn progress_counts_only_visible_items() {
    let t = checklist_template();
    let s = primary();
    let cl = Checklist::new(&[&t], &s);
    assert_eq!(
        cl.progress(&Answers::new()),
        Progress {
            answered: 0,
            total: 6
        }
    );

    // An answer to a hidden follow-up (left from before JC-02 was changed) does not count.
    let a = answers(&[
        ("JC-01", c(Compliance::Compliant)),
        ("JC-02", yes(true)),
        ("JC-03", text("旧答案")),
    ]);
    assert_eq!(
        cl.progress(&a),
        Progress {
            answered: 2,
            total: 6
        }
    );

    // Revealing the follow-ups grows the total.
    let a = answers(&[("JC-01", c(Compliance::Compliant)), ("JC-02", yes(false))]);
    assert_eq!(
        cl.progress(&a),
        Progress {
            answered: 2,
            total: 8
        }
    );

    // A blank text or an empty choice is no answer.
    let a = answers(&[("XD-05", text("  ")), ("XD-03", choice(&[]))]);
    assert_eq!(
        cl.progress(&a),
        Progress {
            answered: 0,
            total: 6
        }
    );

    // Answers to items that do not apply to the school do not count either.
    let a = answers(&[("ZS-01", AnswerValue::Time(TimeOfDay::new(21, 0).unwrap()))]);
    assert_eq!(
        cl.progress(&a),
        Progress {
            answered: 0,
            total: 6
        }
    );
}

#[test]
fn next_unanswered_goes_forward_and_wraps_around() {
    let t = checklist_template();
    let s = primary();
    let cl = Checklist::new(&[&t], &s);
    let next =
        |a: &Answers, from: Option<&str>| cl.next_unanswered(a, from).map(|i| i.code.clone());

    let none = Answers::new();
    assert_eq!(next(&none, None).as_deref(), Some("JC-01"));
    assert_eq!(next(&none, Some("JC-01")).as_deref(), Some("JC-02"));
    // From the last item it wraps to the first.
    assert_eq!(next(&none, Some("XD-05")).as_deref(), Some("JC-01"));

    // Skips answered items, and wraps past the end to the ones skipped earlier.
    let a = answers(&[
        ("JC-02", yes(true)),
        ("XD-02", c(Compliance::Compliant)),
        ("XD-03", choice(&["box"])),
    ]);
    assert_eq!(next(&a, Some("JC-01")).as_deref(), Some("JC-04"));
    assert_eq!(next(&a, Some("JC-04")).as_deref(), Some("XD-05"));
    let a = answers(&[
        ("JC-02", yes(true)),
        ("JC-04", minutes(30.0)),
        ("XD-02", c(Compliance::Compliant)),
        ("XD-03", choice(&["box"])),
        ("XD-05", text("已拍")),
    ]);
    assert_eq!(next(&a, Some("XD-02")).as_deref(), Some("JC-01"));
    // The current item itself comes last, when it is the only one left.
    assert_eq!(next(&a, Some("JC-01")).as_deref(), Some("JC-01"));

    // A revealed follow-up comes right after its question.
    let a = answers(&[("JC-01", c(Compliance::Compliant)), ("JC-02", yes(false))]);
    assert_eq!(next(&a, Some("JC-02")).as_deref(), Some("JC-03"));

    // From an item that is hidden or unknown, start at the top.
    assert_eq!(next(&a, Some("ZS-01")).as_deref(), Some("JC-03"));
    assert_eq!(next(&a, Some("nonsense")).as_deref(), Some("JC-03"));

    // Everything answered: nothing next.
    let all = answers(&[
        ("JC-01", c(Compliance::Compliant)),
        ("JC-02", yes(true)),
        ("JC-04", minutes(30.0)),
        ("XD-02", c(Compliance::Compliant)),
        ("XD-03", choice(&["box"])),
        ("XD-05", text("已拍")),
    ]);
    assert_eq!(next(&all, None), None);
    assert_eq!(next(&all, Some("JC-02")), None);
}

#[test]
fn next_unanswered_on_an_empty_checklist() {
    let t = checklist_template();
    let s = primary();
    let cl = Checklist::new(&[], &s);
    assert_eq!(
        cl.next_unanswered(&Answers::new(), None).map(|i| &i.code),
        None
    );
    assert_eq!(
        cl.progress(&Answers::new()),
        Progress {
            answered: 0,
            total: 0
        }
    );
    assert!(Checklist::new(&[&t], &s)
        .next_unanswered(&Answers::new(), Some("JC-01"))
        .is_some());
}

fn missing(cl: &Checklist, a: &Answers) -> Vec<(String, MissingReason)> {
    cl.missing(a)
        .into_iter()
        .map(|m| (m.item_code, m.reason))
        .collect()
}

fn m(code: &str, reason: MissingReason) -> (String, MissingReason) {
    (code.to_owned(), reason)
}

#[test]
fn missing_lists_required_unanswered_items_in_order() {
    use MissingReason::{Photo, Required};
    let t = checklist_template();
    let s = primary();
    let cl = Checklist::new(&[&t], &s);

    assert_eq!(
        missing(&cl, &Answers::new()),
        [
            m("JC-01", Required),
            m("JC-02", Required),
            m("JC-04", Required),
            m("XD-05", Photo)
        ]
    );
    let first = &cl.missing(&Answers::new())[0];
    assert_eq!(first.section, Text::new("基础管理", "Basics"));
    assert_eq!(first.prompt.zh, "手机管理制度健全");

    // A revealed required follow-up is missing too; a hidden one is not.
    let a = answers(&[
        ("JC-01", c(Compliance::Compliant)),
        ("JC-02", yes(false)),
        ("JC-04", minutes(30.0)),
    ]);
    assert_eq!(missing(&cl, &a), [m("JC-03", Required), m("XD-05", Photo)]);
    let a = answers(&[
        ("JC-01", c(Compliance::Compliant)),
        ("JC-02", yes(true)),
        ("JC-04", minutes(30.0)),
    ]);
    assert_eq!(missing(&cl, &a), [m("XD-05", Photo)]);

    // A blank text does not answer a required question.
    let a = answers(&[
        ("JC-01", c(Compliance::Compliant)),
        ("JC-02", yes(false)),
        ("JC-03", text("   ")),
        ("JC-04", minutes(30.0)),
    ]);
    assert_eq!(missing(&cl, &a)[0], m("JC-03", Required));
}

#[test]
fn missing_asks_for_a_photo_when_an_item_is_noncompliant() {
    use MissingReason::Photo;
    let t = checklist_template();
    let s = primary();
    let cl = Checklist::new(&[&t], &s);
    let mut a = answers(&[
        ("JC-01", c(Compliance::NonCompliant)),
        ("JC-02", yes(true)),
        ("JC-04", minutes(75.0)),
    ]);
    annotate(&mut a, "XD-05", "", &["p-gate"]);
    assert_eq!(missing(&cl, &a), [m("JC-01", Photo), m("JC-04", Photo)]);

    // 基本符合 or within the limit needs no photo.
    a.insert(
        "JC-01".into(),
        answers(&[("JC-01", c(Compliance::Partial))])["JC-01"].clone(),
    );
    a.get_mut("JC-04").unwrap().value = Some(minutes(60.0));
    assert_eq!(missing(&cl, &a), []);

    // With photos attached, nothing is missing.
    a.get_mut("JC-01").unwrap().value = Some(c(Compliance::NonCompliant));
    a.get_mut("JC-04").unwrap().value = Some(minutes(61.0));
    annotate(&mut a, "JC-01", "", &["p1"]);
    annotate(&mut a, "JC-04", "", &["p2", "p3"]);
    assert_eq!(missing(&cl, &a), []);
}

#[test]
fn proposed_findings_only_for_noncompliant_items() {
    let t = checklist_template();
    let s = primary();
    let cl = Checklist::new(&[&t], &s);
    let a = answers(&[
        ("JC-01", c(Compliance::Partial)),
        ("JC-02", yes(true)),
        ("JC-04", minutes(60.0)),
        ("XD-02", c(Compliance::NotApplicable)),
        ("XD-03", choice(&["box", "class"])),
        ("XD-05", text("校门整洁")),
    ]);
    assert_eq!(cl.proposed_findings(&a), []);
    assert_eq!(
        cl.tally(&a),
        [3, 1, 0, 1],
        "符合 (JC-02, JC-04, XD-03), 基本符合, 不符合, 不适用"
    );
}

#[test]
fn a_finding_describes_the_observed_value_the_requirement_and_the_note() {
    let t = checklist_template();
    let s = primary();
    let cl = Checklist::new(&[&t], &s);
    let mut a = answers(&[
        ("JC-01", c(Compliance::Compliant)),
        ("JC-04", minutes(75.5)),
    ]);
    annotate(&mut a, "JC-04", "  抽查四年级二班作业公示栏  ", &[]);
    let findings = cl.proposed_findings(&a);
    assert_eq!(findings.len(), 1);
    let f = &findings[0];
    assert_eq!(f.item_code, "JC-04");
    assert_eq!(f.section.zh, "基础管理");
    assert_eq!(
        f.description.zh,
        "三至六年级书面作业平均完成时间：实测 75.5 分钟，不符合“三至六年级 ≤ 60 分钟”的要求。现场记录：抽查四年级二班作业公示栏"
    );
    assert!(
        f.description.en.contains("observed 75.5 min"),
        "{}",
        f.description.en
    );
    assert!(
        f.description.en.contains("Grades 3–6 ≤ 60 min"),
        "{}",
        f.description.en
    );
    assert!(
        f.description.en.ends_with("Note: 抽查四年级二班作业公示栏"),
        "{}",
        f.description.en
    );
    assert_eq!(f.requirement.as_ref().unwrap().zh, "三至六年级 ≤ 60 分钟");
    assert_eq!(
        f.basis,
        t.rule("homework").unwrap().basis,
        "the threshold's basis"
    );
    assert_eq!(f.severity, Severity::General);
}

#[test]
fn findings_for_each_kind_of_answer_in_checklist_order() {
    let t = checklist_template();
    let s = junior_boarding();
    let cl = Checklist::new(&[&t], &s);
    let mut a = answers(&[
        ("JC-01", c(Compliance::NonCompliant)),
        ("JC-02", yes(false)),
        ("JC-05", c(Compliance::NonCompliant)),
        ("ZS-01", AnswerValue::Time(TimeOfDay::new(22, 30).unwrap())),
        ("XD-03", choice(&["class", "pocket"])),
    ]);
    annotate(&mut a, "JC-01", "制度未上墙", &["p1"]);
    let findings = cl.proposed_findings(&a);
    let order: Vec<&str> = findings.iter().map(|f| f.item_code.as_str()).collect();
    assert_eq!(order, ["JC-01", "JC-02", "JC-05", "ZS-01", "XD-03"]);
    let zh: Vec<&str> = findings.iter().map(|f| f.description.zh.as_str()).collect();
    assert_eq!(zh[0], "手机管理制度健全：不符合。现场记录：制度未上墙");
    assert_eq!(zh[1], "设有校内公共电话：否，不符合要求。");
    assert_eq!(zh[2], "学生联系家长渠道畅通：不符合。");
    assert_eq!(
        zh[3],
        "学生就寝时间：实测 22:30，不符合“初中 不晚于 22:00”的要求。"
    );
    assert_eq!(zh[4], "手机保管方式：班级保管、学生自带，不符合要求。");
    assert_eq!(findings[4].description.en, "How phones are kept: Kept by class, Pupils keep them, which does not meet the requirement.");
    assert_eq!(
        findings[0].severity,
        Severity::Major,
        "the item's default severity"
    );
    assert_eq!(findings[0].basis, t.item("JC-01").unwrap().basis);
    assert_eq!(findings[0].requirement, None);
    assert_eq!(cl.tally(&a), [0, 0, 5, 0]);
}

#[test]
fn a_hidden_item_raises_no_finding() {
    let t = checklist_template();
    let s = primary();
    let cl = Checklist::new(&[&t], &s);
    // JC-05 was judged 不符合, then JC-02 changed to 是 and hid it.
    let a = answers(&[("JC-02", yes(true)), ("JC-05", c(Compliance::NonCompliant))]);
    assert_eq!(cl.proposed_findings(&a), []);
    assert_eq!(
        cl.missing(&a)
            .iter()
            .filter(|m| m.item_code == "JC-05")
            .count(),
        0
    );
}

#[test]
fn verdicts_use_the_school_grades() {
    let t = checklist_template();
    let s = school_with(Stage::NineYear, [1, 9], false, 1200);
    let cl = Checklist::new(&[&t], &s);
    // JC-04 concerns grades 3–6 only, even at a nine-year school.
    let a = answers(&[("JC-04", minutes(75.0))]);
    let v = cl.verdict("JC-04", &a).unwrap();
    assert_eq!(v.outcome, Outcome::NonCompliant);
    assert_eq!(v.requirement.unwrap().zh, "三至六年级 ≤ 60 分钟");
    assert_eq!(cl.verdict("JC-04", &Answers::new()), None);
    assert_eq!(
        cl.verdict("ZS-01", &a),
        None,
        "not part of a day school's checklist"
    );
}

#[test]
fn fits_checks_kind_and_input_bounds() {
    let t = checklist_template();
    let kind = |code: &str| t.item(code).unwrap().answer.clone();
    let number = kind("JC-04"); // 0–600 分钟
    assert!(fits(&number, &minutes(0.0)));
    assert!(fits(&number, &minutes(600.0)));
    assert!(fits(&number, &minutes(75.5)));
    assert!(!fits(&number, &minutes(-1.0)));
    assert!(!fits(&number, &minutes(600.5)));
    assert!(!fits(&number, &minutes(f64::NAN)));
    assert!(!fits(&number, &minutes(f64::INFINITY)));
    assert!(
        !fits(&number, &AnswerValue::Count(60)),
        "a count is not a number"
    );
    assert!(!fits(&number, &text("60")));

    let choice_kind = kind("XD-03"); // multiple
    assert!(fits(&choice_kind, &choice(&["box", "pocket"])));
    assert!(fits(&choice_kind, &choice(&[])));
    assert!(!fits(&choice_kind, &choice(&["box", "drawer"])));
    let single = AnswerKind::Choice {
        options: vec![
            ChoiceOption {
                code: "a".into(),
                label: Text::new("甲", ""),
                noncompliant: false,
            },
            ChoiceOption {
                code: "b".into(),
                label: Text::new("乙", ""),
                noncompliant: false,
            },
        ],
        multiple: false,
    };
    assert!(fits(&single, &choice(&["a"])));
    assert!(
        !fits(&single, &choice(&["a", "b"])),
        "single choice takes one option"
    );

    assert!(fits(&kind("JC-01"), &c(Compliance::NotApplicable)));
    assert!(!fits(&kind("JC-01"), &yes(true)));
    assert!(fits(&kind("JC-02"), &yes(false)));
    assert!(!fits(&kind("JC-02"), &c(Compliance::Compliant)));
    assert!(fits(
        &kind("ZS-01"),
        &AnswerValue::Time(TimeOfDay::new(21, 0).unwrap())
    ));
    assert!(!fits(&kind("ZS-01"), &minutes(21.0)));
    assert!(fits(&kind("XD-04"), &AnswerValue::Count(3)));
    assert!(!fits(&kind("XD-04"), &minutes(3.0)));
    assert!(fits(&kind("XD-05"), &text("")));
    assert!(fits(
        &AnswerKind::Photo,
        &AnswerValue::Photo(vec!["p".into()])
    ));
}

#[test]
fn several_templates_make_one_checklist() {
    let a = checklist_template();
    let src = common::CHECKLIST_TOML
        .replace("id = \"cl-test\"", "id = \"cl-other\"")
        .replace("\"JC-", "\"K-JC-")
        .replace("\"XD-", "\"K-XD-")
        .replace("\"ZS-", "\"K-ZS-")
        .replace("show_if = \"JC-02", "show_if = \"K-JC-02");
    let b = dudao_domain::Template::from_toml(&src).unwrap_or_else(|e| panic!("{e}"));
    let s = primary();
    let cl = Checklist::new(&[&a, &b], &s);
    let all = codes(&cl, &Answers::new());
    assert_eq!(all.len(), 12);
    assert_eq!(all[6], "K-JC-01", "the second template follows the first");
    // A show-if in the second template reads its own items.
    let ans = answers(&[("K-JC-02", yes(false))]);
    assert!(codes(&cl, &ans).contains(&"K-JC-03".to_owned()));
    assert!(!codes(&cl, &ans).contains(&"JC-03".to_owned()));
}
