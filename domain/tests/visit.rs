//! A visit (督导记录) from first answer to finish: values must fit their items, a finished
//! visit is read-only, and a visit survives being stored and synced as JSON.

mod common;

use common::{checklist_template, school, school_with};
use dudao_domain::checklist::MissingReason;
use dudao_domain::visit::{FinishError, VisitError};
use dudao_domain::{AnswerValue, Checklist, Compliance, Stage, TimeOfDay, Visit, VisitState};

const T0: i64 = 1_795_327_500_000;

fn c(v: Compliance) -> Option<AnswerValue> {
    Some(AnswerValue::Compliance(v))
}

fn new_visit(t: &dudao_domain::Template, s: &dudao_domain::School) -> Visit {
    Visit::new(
        "0190a0b0-0000-7000-8000-000000000001".into(),
        s,
        "王督学".into(),
        &[t],
        T0,
    )
}

#[test]
fn a_new_visit_pins_the_template_version_and_starts_as_a_draft() {
    let t = checklist_template();
    let s = school(Stage::Primary);
    let v = new_visit(&t, &s);
    assert_eq!(v.state, VisitState::Draft);
    assert_eq!(v.templates.len(), 1);
    assert_eq!(v.templates[0].key(), "cl-test@3");
    assert_eq!(v.school_id, s.id);
    assert_eq!((v.started_at, v.updated_at, v.finished_at), (T0, T0, None));
    assert!(v.answers.is_empty());
}

#[test]
fn set_value_stores_the_answer_and_where_the_supervisor_is() {
    let t = checklist_template();
    let s = school(Stage::Primary);
    let cl = Checklist::new(&[&t], &s);
    let mut v = new_visit(&t, &s);
    v.set_value(&cl, "JC-04", Some(AnswerValue::Number(45.0)), T0 + 1000)
        .unwrap();
    let a = &v.answers["JC-04"];
    assert_eq!(a.value, Some(AnswerValue::Number(45.0)));
    assert_eq!(a.updated_at, T0 + 1000);
    assert_eq!(v.updated_at, T0 + 1000);
    assert_eq!(v.position.as_deref(), Some("JC-04"));
}

#[test]
fn clearing_a_value_keeps_the_note() {
    let t = checklist_template();
    let s = school(Stage::Primary);
    let cl = Checklist::new(&[&t], &s);
    let mut v = new_visit(&t, &s);
    v.set_value(&cl, "JC-01", c(Compliance::NonCompliant), T0 + 1)
        .unwrap();
    v.set_note(&cl, "JC-01", "制度未上墙".into(), T0 + 2)
        .unwrap();
    v.set_value(&cl, "JC-01", None, T0 + 3).unwrap();
    let a = &v.answers["JC-01"];
    assert_eq!(a.value, None);
    assert_eq!(a.note, "制度未上墙");
    assert_eq!(a.updated_at, T0 + 3);
    // A note can come before any value.
    v.set_note(&cl, "XD-05", "门卫在岗".into(), T0 + 4).unwrap();
    assert_eq!(v.answers["XD-05"].value, None);
    assert_eq!(v.position.as_deref(), Some("XD-05"));
}

#[test]
fn set_value_rejects_what_does_not_fit_and_changes_nothing() {
    let t = checklist_template();
    let s = school(Stage::Primary);
    let cl = Checklist::new(&[&t], &s);
    let mut v = new_visit(&t, &s);
    v.set_value(&cl, "JC-04", Some(AnswerValue::Number(45.0)), T0 + 1)
        .unwrap();
    let before = v.clone();

    // A value the item cannot take: the error names the item (and says why, checked below).
    let wrong = |code: &str| VisitError::UnknownItem(format!("wrong value for {code}"));
    let cases: Vec<(&str, AnswerValue, VisitError)> = vec![
        // The wrong kind of value.
        ("JC-01", AnswerValue::YesNo(true), wrong("JC-01")),
        (
            "JC-02",
            AnswerValue::Compliance(Compliance::Compliant),
            wrong("JC-02"),
        ),
        ("JC-04", AnswerValue::Count(45), wrong("JC-04")),
        ("JC-04", AnswerValue::Text("45".into()), wrong("JC-04")),
        (
            "XD-03",
            AnswerValue::Choice(vec!["drawer".into()]),
            wrong("XD-03"),
        ),
        // Outside the item's input bounds (0–600 分钟), or not a number at all.
        ("JC-04", AnswerValue::Number(-5.0), wrong("JC-04")),
        ("JC-04", AnswerValue::Number(601.0), wrong("JC-04")),
        ("JC-04", AnswerValue::Number(f64::NAN), wrong("JC-04")),
        // Items not in the template, or not for this school (a day school has no bedtime).
        (
            "JC-99",
            AnswerValue::Text("x".into()),
            VisitError::UnknownItem("JC-99".into()),
        ),
        (
            "ZS-01",
            AnswerValue::Time(TimeOfDay::new(21, 0).unwrap()),
            VisitError::UnknownItem("ZS-01".into()),
        ),
    ];
    for (code, value, err) in cases {
        let got = v
            .set_value(&cl, code, Some(value.clone()), T0 + 99)
            .map_err(|e| match e {
                VisitError::WrongValue(c, _) => wrong(&c),
                e => e,
            });
        assert_eq!(got, Err(err), "{code} {value:?}");
        assert_eq!(
            v, before,
            "a rejected {value:?} for {code} changed the visit"
        );
    }
    assert_eq!(
        v.set_note(&cl, "JC-99", "x".into(), T0 + 99),
        Err(VisitError::UnknownItem("JC-99".into()))
    );
    assert_eq!(v, before);
}

#[test]
fn finish_lists_what_is_missing_and_succeeds_once_answered() {
    let t = checklist_template();
    let s = school(Stage::Primary);
    let cl = Checklist::new(&[&t], &s);
    let mut v = new_visit(&t, &s);

    let Err(FinishError::Missing(missing)) = v.finish(&cl, T0 + 10) else {
        panic!("finished with nothing answered")
    };
    let listed: Vec<(&str, MissingReason)> = missing
        .iter()
        .map(|m| (m.item_code.as_str(), m.reason))
        .collect();
    assert_eq!(
        listed,
        [
            ("JC-01", MissingReason::Required),
            ("JC-02", MissingReason::Required),
            ("JC-04", MissingReason::Required),
            ("XD-05", MissingReason::Photo),
        ]
    );
    assert_eq!(v.state, VisitState::Draft);
    assert_eq!(v.finished_at, None);

    v.set_value(&cl, "JC-01", c(Compliance::NonCompliant), T0 + 11)
        .unwrap();
    v.set_value(&cl, "JC-02", Some(AnswerValue::YesNo(false)), T0 + 12)
        .unwrap();
    v.set_value(&cl, "JC-04", Some(AnswerValue::Number(50.0)), T0 + 13)
        .unwrap();
    // The gate photo is attached without a value (photos are attached outside set_value).
    v.answers
        .entry("XD-05".into())
        .or_default()
        .photos
        .push("p-gate".into());
    // 不符合 needs its photo, and 否 revealed a required follow-up.
    let Err(FinishError::Missing(missing)) = v.finish(&cl, T0 + 14) else {
        panic!("finished too early")
    };
    let listed: Vec<(&str, MissingReason)> = missing
        .iter()
        .map(|m| (m.item_code.as_str(), m.reason))
        .collect();
    assert_eq!(
        listed,
        [
            ("JC-01", MissingReason::Photo),
            ("JC-03", MissingReason::Required)
        ]
    );

    v.answers
        .get_mut("JC-01")
        .unwrap()
        .photos
        .push("p-rules".into());
    v.set_value(
        &cl,
        "JC-03",
        Some(AnswerValue::Text("正在安装".into())),
        T0 + 15,
    )
    .unwrap();
    assert_eq!(v.finish(&cl, T0 + 20), Ok(()));
    assert_eq!(v.state, VisitState::Finished);
    assert_eq!(v.finished_at, Some(T0 + 20));
    assert_eq!(v.updated_at, T0 + 20);
}

fn finished_visit() -> (dudao_domain::Template, dudao_domain::School, Visit) {
    let t = checklist_template();
    let s = school_with(Stage::Junior, [7, 9], true, 900);
    let mut v = new_visit(&t, &s);
    {
        let cl = Checklist::new(&[&t], &s);
        v.set_value(&cl, "JC-01", c(Compliance::Compliant), T0 + 1)
            .unwrap();
        v.set_value(&cl, "JC-02", Some(AnswerValue::YesNo(true)), T0 + 2)
            .unwrap();
        v.set_value(
            &cl,
            "ZS-01",
            Some(AnswerValue::Time(TimeOfDay::new(21, 50).unwrap())),
            T0 + 3,
        )
        .unwrap();
        v.set_note(&cl, "ZS-01", "宿管记录 21:50 熄灯".into(), T0 + 4)
            .unwrap();
        v.set_value(&cl, "XD-05", Some(AnswerValue::Text("校门".into())), T0 + 5)
            .unwrap();
        v.answers
            .get_mut("XD-05")
            .unwrap()
            .photos
            .push("p-gate".into());
        v.finish(&cl, T0 + 10).unwrap();
    }
    (t, s, v)
}

#[test]
fn a_finished_visit_is_read_only() {
    let (t, s, mut v) = finished_visit();
    let cl = Checklist::new(&[&t], &s);
    let before = v.clone();
    let ro = Err(VisitError::ReadOnly(VisitState::Finished));
    assert_eq!(
        v.set_value(&cl, "JC-01", c(Compliance::NonCompliant), T0 + 20),
        ro
    );
    assert_eq!(v.set_value(&cl, "JC-01", None, T0 + 20), ro);
    assert_eq!(v.set_note(&cl, "JC-01", "补记".into(), T0 + 20), ro);
    // Read-only comes first: even an unknown item or a bad value reports that the visit is closed.
    assert_eq!(
        v.set_value(&cl, "JC-99", c(Compliance::Compliant), T0 + 20),
        ro
    );
    assert_eq!(
        v.finish(&cl, T0 + 20),
        Err(FinishError::Visit(VisitError::ReadOnly(
            VisitState::Finished
        )))
    );
    assert_eq!(v, before, "nothing changed");
    assert_eq!(v.finished_at, Some(T0 + 10));
}

#[test]
fn signed_and_synced_visits_are_read_only_too() {
    let (t, s, mut v) = finished_visit();
    let cl = Checklist::new(&[&t], &s);
    for state in [VisitState::Signed, VisitState::Synced] {
        v.state = state;
        let before = v.clone();
        assert_eq!(
            v.set_value(&cl, "JC-01", c(Compliance::Partial), T0 + 30),
            Err(VisitError::ReadOnly(state))
        );
        assert_eq!(
            v.set_note(&cl, "JC-01", "x".into(), T0 + 30),
            Err(VisitError::ReadOnly(state))
        );
        assert_eq!(v, before);
    }
}

#[test]
fn a_visit_round_trips_through_json_unchanged() {
    let (t, s, mut v) = finished_visit();
    // Every kind of value, as stored on the phone and sent to the office.
    let extra = [
        ("A", AnswerValue::Compliance(Compliance::NotApplicable)),
        ("B", AnswerValue::YesNo(false)),
        ("C", AnswerValue::Number(75.5)),
        ("D", AnswerValue::Number(0.1 + 0.2)),
        ("E", AnswerValue::Time(TimeOfDay::new(7, 5).unwrap())),
        (
            "F",
            AnswerValue::Choice(vec!["box".into(), "pocket".into()]),
        ),
        ("G", AnswerValue::Text("“引号”与\"quotes\"\n换行".into())),
        ("H", AnswerValue::Count(0)),
        ("I", AnswerValue::Photo(vec!["p1".into()])),
    ];
    for (code, value) in extra {
        v.answers.insert(
            code.into(),
            dudao_domain::Answer {
                value: Some(value),
                note: "备注".into(),
                photos: vec![],
                updated_at: T0,
            },
        );
    }
    v.answers.insert(
        "J".into(),
        dudao_domain::Answer {
            updated_at: T0,
            ..Default::default()
        },
    );

    let json = serde_json::to_string(&v).unwrap();
    let back: Visit = serde_json::from_str(&json).unwrap();
    assert_eq!(back, v);
    assert_eq!(
        serde_json::to_string(&back).unwrap(),
        json,
        "stable when stored again"
    );
    assert!(json.contains(r#""state":"finished""#), "{json}");
    assert!(
        json.contains(r#"{"kind":"time","value":"07:05"}"#),
        "{json}"
    );

    // A draft round-trips too, and stays editable afterwards.
    let mut draft = new_visit(&t, &s);
    let json = serde_json::to_string(&draft).unwrap();
    let mut back: Visit = serde_json::from_str(&json).unwrap();
    assert_eq!(back, draft);
    let cl = Checklist::new(&[&t], &s);
    back.set_value(&cl, "JC-01", c(Compliance::Compliant), T0 + 1)
        .unwrap();
    draft
        .set_value(&cl, "JC-01", c(Compliance::Compliant), T0 + 1)
        .unwrap();
    assert_eq!(back, draft);
}

mod props {
    use super::*;
    use proptest::prelude::*;

    fn value() -> impl Strategy<Value = AnswerValue> {
        prop_oneof![
            prop::sample::select(Compliance::ALL.to_vec()).prop_map(AnswerValue::Compliance),
            any::<bool>().prop_map(AnswerValue::YesNo),
            // Numbers as typed on a phone: up to two decimals.
            (-100_000i64..100_000).prop_map(|n| AnswerValue::Number(n as f64 / 100.0)),
            (0u8..24, 0u8..60).prop_map(|(h, m)| AnswerValue::Time(TimeOfDay::new(h, m).unwrap())),
            prop::collection::vec("[a-z]{1,6}", 0..3).prop_map(AnswerValue::Choice),
            any::<String>().prop_map(AnswerValue::Text),
            any::<u32>().prop_map(AnswerValue::Count),
            prop::collection::vec("[a-f0-9-]{8,36}", 0..3).prop_map(AnswerValue::Photo),
        ]
    }

    proptest! {
        #[test]
        fn any_visit_round_trips_through_json(
            answers in prop::collection::btree_map(
                "[A-Z]{2}-[0-9]{2}",
                (prop::option::of(value()), any::<String>(), prop::collection::vec("[a-z0-9]{4}", 0..3), any::<i64>()),
                0..8,
            ),
            position in prop::option::of("[A-Z]{2}-[0-9]{2}"),
            finished in any::<bool>(),
        ) {
            let t = checklist_template();
            let s = school(Stage::Primary);
            let mut v = new_visit(&t, &s);
            for (code, (value, note, photos, at)) in answers {
                v.answers.insert(code, dudao_domain::Answer { value, note, photos, updated_at: at });
            }
            v.position = position;
            if finished {
                v.state = VisitState::Finished;
                v.finished_at = Some(T0 + 1);
            }
            let json = serde_json::to_string(&v).unwrap();
            let back: Visit = serde_json::from_str(&json).unwrap();
            prop_assert_eq!(back, v);
        }
    }
}
