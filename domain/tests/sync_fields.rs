//! A visit as the fields that sync: every synced part of a visit survives the trip to fields and
//! back, the server can check each field's type, and workflow fields are told apart.

mod common;

use common::{checklist_template, school};
use dudao_domain::finding::FindingStatus;
use dudao_domain::review::Signature;
use dudao_domain::sync::fields::{
    is_workflow, parse, validate, visit_fields, visit_from_fields, FieldError, FieldPath,
};
use dudao_domain::{AnswerValue, Checklist, Compliance, Stage, Visit};
use serde_json::json;

const T0: i64 = 1_795_327_500_000;
const VID: &str = "0190a0b0-0000-7000-8000-000000000001";

fn signed_visit() -> Visit {
    let t = checklist_template();
    let s = school(Stage::Primary);
    let cl = Checklist::new(&[&t], &s);
    let mut v = Visit::new(VID.into(), &s, "王建国".into(), &[&t], T0);
    v.set_value(
        &cl,
        "JC-01",
        Some(AnswerValue::Compliance(Compliance::NonCompliant)),
        T0 + 1,
    )
    .unwrap();
    v.set_note(&cl, "JC-01", "制度未上墙".into(), T0 + 2)
        .unwrap();
    v.attach_photo(&cl, "JC-01", "p-1".into(), T0 + 3).unwrap();
    v.set_value(&cl, "JC-04", Some(AnswerValue::Number(75.0)), T0 + 4)
        .unwrap();
    v.attach_photo(&cl, "JC-04", "p-2".into(), T0 + 4).unwrap();
    v.set_value(&cl, "XD-05", Some(AnswerValue::Text("校门".into())), T0 + 4)
        .unwrap();
    v.attach_photo(&cl, "XD-05", "p-3".into(), T0 + 4).unwrap();
    v.set_value(&cl, "JC-02", Some(AnswerValue::YesNo(true)), T0 + 5)
        .unwrap();
    v.position = Some("JC-04".into());
    v.finish(&cl, T0 + 100).unwrap();
    v.sign(
        Signature {
            name: "李校长".into(),
            role: "校长".into(),
            image: "data:image/png;base64,iVBORw0KGgo=".into(),
            signed_at: T0 + 200,
        },
        "清督意〔2026〕3号".into(),
    )
    .unwrap();
    v
}

#[test]
fn a_signed_visit_survives_the_trip_to_fields_and_back() {
    let v = signed_visit();
    assert!(v.findings.len() >= 2, "the fixture has findings");
    let fields = visit_fields(&v);
    for (field, value) in &fields {
        validate("visit", field, value).unwrap_or_else(|e| panic!("{field}: {e}"));
    }
    let back = visit_from_fields(VID, &fields, Some(&v), v.updated_at).unwrap();
    assert_eq!(back, v);
}

#[test]
fn without_the_local_copy_only_the_resume_position_and_times_are_missing() {
    let v = signed_visit();
    let back = visit_from_fields(VID, &visit_fields(&v), None, 7).unwrap();
    assert_eq!(back.position, None);
    assert_eq!(back.updated_at, 7);
    assert_eq!(back.findings, v.findings);
    assert_eq!(back.signature, v.signature);
    assert_eq!(
        back.answers
            .get("JC-01")
            .map(|a| (&a.value, &a.note, &a.photos)),
        v.answers
            .get("JC-01")
            .map(|a| (&a.value, &a.note, &a.photos))
    );
}

#[test]
fn a_finding_left_out_of_the_order_is_hidden_but_its_fields_can_bring_it_back() {
    let v = signed_visit();
    let mut fields = visit_fields(&v);
    let first = v.findings[0].id.clone();
    let rest: Vec<&str> = v.findings[1..].iter().map(|f| f.id.as_str()).collect();
    fields.insert("findings".into(), json!(rest));
    let hidden = visit_from_fields(VID, &fields, None, 0).unwrap();
    assert!(hidden.findings.iter().all(|f| f.id != first));
    let all: Vec<&str> = v.findings.iter().map(|f| f.id.as_str()).collect();
    fields.insert("findings".into(), json!(all));
    let back = visit_from_fields(VID, &fields, None, 0).unwrap();
    assert_eq!(back.findings, v.findings);
}

#[test]
fn paths_with_dots_in_codes_and_ids_are_read_from_both_ends() {
    assert_eq!(
        parse("visit", "answers.GP-1.2.note").unwrap(),
        FieldPath::Answer {
            code: "GP-1.2",
            part: "note"
        }
    );
    assert_eq!(
        parse("visit", "findings.v:GP-1.2.status").unwrap(),
        FieldPath::Finding {
            id: "v:GP-1.2",
            part: "status"
        }
    );
    for bad in [
        "answers.X",
        "answers..value",
        "answers.X.colour",
        "findings.x.y",
        "owner",
        "",
    ] {
        assert!(
            matches!(parse("visit", bad), Err(FieldError::UnknownField { .. })),
            "{bad}"
        );
    }
    assert!(matches!(
        parse("school", "name"),
        Err(FieldError::UnknownEntity(_))
    ));
    assert!(parse("photo", "meta").is_ok() && parse("photo", "answers.X.note").is_err());
}

#[test]
fn values_of_the_wrong_type_are_refused_with_the_field_named() {
    assert!(validate("visit", "answers.JC-01.note", &json!("照片已补")).is_ok());
    let err = validate("visit", "answers.JC-01.note", &json!(42)).unwrap_err();
    assert!(err.to_string().contains("answers.JC-01.note"), "{err}");
    assert!(validate("visit", "state", &json!("signed")).is_ok());
    assert!(validate("visit", "state", &json!("deleted")).is_err());
    assert!(validate("visit", "findings.f1.status", &json!("closed")).is_ok());
    assert!(validate("visit", "findings.f1.deadline", &json!("2026-13-40")).is_err());
    assert!(validate("visit", "header", &json!({"school_id": "x"})).is_err());
    assert!(validate("photo", "deleted", &json!("yes")).is_err());
}

#[test]
fn only_the_rectification_status_is_a_workflow_field() {
    assert!(is_workflow("visit", "findings.v:JC-01.status"));
    assert!(!is_workflow("visit", "findings.v:JC-01.description"));
    assert!(!is_workflow("visit", "answers.status.note"));
    assert!(!is_workflow("visit", "state"));
    assert!(!is_workflow("photo", "deleted"));
    assert_eq!(FindingStatus::default(), FindingStatus::Pending);
}
