//! "本节全部符合": one tap sets 符合 on the section's unanswered 符合/不符合 items, and nothing
//! else — not answered items, not other kinds of item, not items that appear because of it.

use dudao_domain::visit::VisitError;
use dudao_domain::{
    AnswerValue, Checklist, Compliance, GradeRange, School, Stage, Template, Visit,
};

const T0: i64 = 1_795_327_500_000;

const TOML: &str = r#"
id = "section-all"
version = 1
kind = "挂牌督导"
title = { zh = "测试", en = "Test" }

[[sections]]
code = "A"
title = { zh = "安全", en = "Safety" }

[[sections.items]]
code = "A-01"
prompt = { zh = "门卫制度健全", en = "Gate rules" }
basis = [{ document = "中小学幼儿园安全防范工作规范（试行）", year = 2015 }]
answer = { kind = "compliance" }

[[sections.items]]
code = "A-02"
prompt = { zh = "消防通道畅通", en = "Fire lanes clear" }
basis = [{ document = "中小学幼儿园安全防范工作规范（试行）", year = 2015 }]
answer = { kind = "compliance" }

[[sections.items]]
code = "A-03"
prompt = { zh = "设有校内公共电话", en = "Public phone" }
basis = [{ document = "中小学幼儿园安全防范工作规范（试行）", year = 2015 }]
answer = { kind = "yes_no", compliant = "yes" }

[[sections.items]]
code = "A-04"
prompt = { zh = "门卫登记完整", en = "Gate log complete" }
basis = [{ document = "中小学幼儿园安全防范工作规范（试行）", year = 2015 }]
answer = { kind = "compliance" }
show_if = "A-01 = 符合"

[[sections.items]]
code = "A-05"
prompt = { zh = "整改计划", en = "Plan" }
basis = [{ document = "中小学幼儿园安全防范工作规范（试行）", year = 2015 }]
answer = { kind = "compliance" }
show_if = "A-01 = 不符合"

[[sections.items]]
code = "A-06"
prompt = { zh = "安全教育记录", en = "Safety lessons" }
basis = [{ document = "中小学幼儿园安全防范工作规范（试行）", year = 2015 }]
answer = { kind = "compliance" }
"#;

fn school() -> School {
    School {
        id: "s1".into(),
        code: "QH0101".into(),
        name: "清河县实验小学".into(),
        district: "城关镇".into(),
        stage: Stage::Primary,
        grades: GradeRange::new(1, 6),
        enrolment: 800,
        boarding: false,
        address: String::new(),
        contact: String::new(),
        supervisor: String::new(),
        county: String::new(),
        facilities: Default::default(),
    }
}

fn ok() -> Option<AnswerValue> {
    Some(AnswerValue::Compliance(Compliance::Compliant))
}

/// The codes of the section as the screen shows them now.
fn on_screen(cl: &Checklist, v: &Visit) -> Vec<String> {
    cl.sections(&v.answers)[0]
        .items
        .iter()
        .map(|i| i.code.clone())
        .collect()
}

fn setup() -> (Template, School) {
    (Template::from_toml(TOML).unwrap(), school())
}

#[test]
fn sets_only_unanswered_compliance_items_and_keeps_answers_and_notes() {
    let (t, s) = setup();
    let cl = Checklist::new(&[&t], &s);
    let mut v = Visit::new("v1".into(), &s, "韩立新".into(), &[&t], T0);
    let bad = Some(AnswerValue::Compliance(Compliance::NonCompliant));
    v.set_value(&cl, "A-02", bad.clone(), T0 + 1).unwrap();
    v.set_note(&cl, "A-06", "抽查两个班".into(), T0 + 2)
        .unwrap();

    let codes = on_screen(&cl, &v);
    assert_eq!(codes, ["A-01", "A-02", "A-03", "A-06"]);
    // What the confirmation counts is exactly what is set.
    assert_eq!(v.unanswered_compliance(&cl, &codes), ["A-01", "A-06"]);
    let set = v.mark_compliant(&cl, &codes, T0 + 10).unwrap();
    assert_eq!(set, ["A-01", "A-06"]);

    assert_eq!(v.answers["A-01"].value, ok());
    assert_eq!(v.answers["A-01"].updated_at, T0 + 10);
    assert_eq!(
        v.answers["A-02"].value, bad,
        "an answer given is left alone"
    );
    assert!(
        !v.answers.contains_key("A-03"),
        "a 是/否 item is not a 符合 item"
    );
    assert_eq!(v.answers["A-06"].value, ok());
    assert_eq!(v.answers["A-06"].note, "抽查两个班", "the note stays");
    assert_eq!(v.updated_at, T0 + 10);
}

#[test]
fn an_item_that_appears_because_of_the_answers_is_not_answered_blindly() {
    let (t, s) = setup();
    let cl = Checklist::new(&[&t], &s);
    let mut v = Visit::new("v1".into(), &s, "韩立新".into(), &[&t], T0);
    let codes = on_screen(&cl, &v);
    // A-04 shows once A-01 is 符合; it was not on screen when the supervisor confirmed.
    v.mark_compliant(&cl, &codes, T0 + 10).unwrap();
    assert!(on_screen(&cl, &v).contains(&"A-04".to_owned()));
    assert!(!v.answers.contains_key("A-04"));
    assert!(!v.answers.contains_key("A-05"));
    // Even if the screen's list named it, a hidden item is not set.
    let mut w = Visit::new("v2".into(), &s, "韩立新".into(), &[&t], T0);
    let all: Vec<String> = ["A-01", "A-04", "A-05"].map(String::from).into();
    w.mark_compliant(&cl, &all, T0 + 10).unwrap();
    assert_eq!(w.answers.keys().collect::<Vec<_>>(), ["A-01"]);
}

#[test]
fn nothing_left_to_set_changes_nothing() {
    let (t, s) = setup();
    let cl = Checklist::new(&[&t], &s);
    let mut v = Visit::new("v1".into(), &s, "韩立新".into(), &[&t], T0);
    let codes = on_screen(&cl, &v);
    v.mark_compliant(&cl, &codes, T0 + 10).unwrap();
    let before = v.clone();
    let codes = on_screen(&cl, &v);
    assert_eq!(v.unanswered_compliance(&cl, &codes), ["A-04"]);
    v.mark_compliant(&cl, &codes, T0 + 20).unwrap();
    let codes = on_screen(&cl, &v);
    assert!(v.unanswered_compliance(&cl, &codes).is_empty());
    let again = v.clone();
    assert_eq!(
        v.mark_compliant(&cl, &codes, T0 + 30).unwrap(),
        Vec::<String>::new()
    );
    assert_eq!(v, again, "no change, not even the time");
    assert_ne!(before, again);
}

#[test]
fn a_finished_visit_is_not_changed() {
    let (t, s) = setup();
    let cl = Checklist::new(&[&t], &s);
    let mut v = Visit::new("v1".into(), &s, "韩立新".into(), &[&t], T0);
    let codes = on_screen(&cl, &v);
    v.mark_compliant(&cl, &codes, T0 + 1).unwrap();
    let codes = on_screen(&cl, &v);
    v.mark_compliant(&cl, &codes, T0 + 2).unwrap();
    v.set_value(&cl, "A-03", Some(AnswerValue::YesNo(true)), T0 + 3)
        .unwrap();
    v.finish(&cl, T0 + 4).unwrap();
    let finished = v.clone();
    assert!(matches!(
        v.mark_compliant(&cl, &codes, T0 + 5),
        Err(VisitError::ReadOnly(_))
    ));
    assert_eq!(v, finished);
}
