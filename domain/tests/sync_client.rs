//! The phone's side of sync for one record: what it sends, what it keeps when the server
//! answers, and what it takes from a pull. Each case is a situation a supervisor meets.

use dudao_domain::sync::client::{Known, RecordSync};
use dudao_domain::sync::fields::Fields;
use dudao_domain::sync::wire::{
    Change, FieldOutcome, FieldResult, Mutation, MutationResult, MutationStatus, Op,
};
use dudao_domain::sync::Hlc;
use serde_json::{json, Value};

const NOTE: &str = "answers.JC-01.note";
const VALUE: &str = "answers.JC-01.value";

fn fields(pairs: &[(&str, Value)]) -> Fields {
    pairs
        .iter()
        .map(|(f, v)| (f.to_string(), v.clone()))
        .collect()
}

fn mutation(seq: i64, ops: Vec<Op>) -> Mutation {
    Mutation {
        seq,
        entity: "visit".into(),
        entity_id: "v1".into(),
        ops,
        hlc: Hlc::new(1_000 + seq, 0),
    }
}

fn applied(m: &Mutation, revs: &[i64]) -> MutationResult {
    MutationResult {
        seq: m.seq,
        status: MutationStatus::Applied,
        reason: None,
        fields: m
            .ops
            .iter()
            .zip(revs)
            .map(|(o, rev)| FieldResult {
                field: o.field.clone(),
                rev: *rev,
                outcome: FieldOutcome::Applied,
                value: None,
            })
            .collect(),
    }
}

fn change(id: i64, field: &str, value: Value, rev: i64) -> Change {
    Change {
        id,
        entity: "visit".into(),
        entity_id: "v1".into(),
        school_id: "s1".into(),
        field: field.into(),
        value,
        rev,
        hlc: Hlc::new(5_000, 0),
        device_id: Some("other".into()),
        seq: Some(1),
    }
}

#[test]
fn many_keystrokes_become_one_op_with_the_last_text() {
    let rs = RecordSync::new("visit", "v1");
    // The outbox held 12 entries for this note; only the record's current fields matter.
    let local = fields(&[
        (NOTE, json!("制度未上墙，班主任不知情")),
        ("state", json!("draft")),
    ]);
    let ops = rs.ops(&local);
    assert_eq!(ops.len(), 2);
    let note = ops.iter().find(|o| o.field == NOTE).unwrap();
    assert_eq!(note.value, json!("制度未上墙，班主任不知情"));
    assert_eq!(note.base_rev, 0);
}

#[test]
fn a_sent_value_is_not_sent_again_but_a_newer_edit_is() {
    let mut rs = RecordSync::new("visit", "v1");
    let local = fields(&[(NOTE, json!("A"))]);
    let m1 = mutation(1, rs.ops(&local));
    rs.sent(&m1.ops);
    assert!(rs.ops(&local).is_empty(), "in flight: nothing new to send");
    let local = fields(&[(NOTE, json!("AB"))]);
    let m2 = mutation(2, rs.ops(&local));
    assert_eq!(m2.ops.len(), 1);
    assert_eq!(m2.ops[0].base_rev, 0, "the first one is not answered yet");
    rs.sent(&m2.ops);
    // The first answer must not make the second look answered.
    rs.answered(&m1, &applied(&m1, &[1]), &local);
    assert_eq!(rs.pending.get(NOTE), Some(&json!("AB")));
    rs.answered(&m2, &applied(&m2, &[2]), &local);
    assert!(rs.pending.is_empty());
    assert_eq!(
        rs.base[NOTE],
        Known {
            value: json!("AB"),
            rev: 2
        }
    );
    assert!(rs.ops(&local).is_empty());
}

#[test]
fn the_next_edit_after_an_answer_carries_the_servers_revision() {
    let mut rs = RecordSync::new("visit", "v1");
    let local = fields(&[(NOTE, json!("A"))]);
    let m = mutation(1, rs.ops(&local));
    rs.sent(&m.ops);
    rs.answered(&m, &applied(&m, &[7]), &local);
    let ops = rs.ops(&fields(&[(NOTE, json!("B"))]));
    assert_eq!(ops[0].base_rev, 7);
}

#[test]
fn a_lost_conflict_shows_the_winning_value_unless_edited_again() {
    let mut rs = RecordSync::new("visit", "v1");
    let local = fields(&[(NOTE, json!("mine"))]);
    let m = mutation(1, rs.ops(&local));
    rs.sent(&m.ops);
    let lost = MutationResult {
        seq: 1,
        status: MutationStatus::Applied,
        reason: None,
        fields: vec![FieldResult {
            field: NOTE.into(),
            rev: 3,
            outcome: FieldOutcome::Lost,
            value: Some(json!("theirs")),
        }],
    };
    let take = rs.answered(&m, &lost, &local);
    assert_eq!(take.get(NOTE), Some(&json!("theirs")));
    assert_eq!(
        rs.base[NOTE],
        Known {
            value: json!("theirs"),
            rev: 3
        }
    );
    // Edited again while the push was out: the newer local text stays and will be sent.
    let mut rs2 = RecordSync::new("visit", "v1");
    rs2.sent(&m.ops);
    let newer = fields(&[(NOTE, json!("mine, longer"))]);
    assert!(rs2.answered(&m, &lost, &newer).is_empty());
    assert_eq!(rs2.ops(&newer)[0].base_rev, 3);
}

/// A 复查 made offline on a finding the office had moved meanwhile: the server keeps the move
/// in its conflicts table and answers it lost to nothing. The phone lets the entry go (null,
/// which the finding's history skips) and does not send it again.
#[test]
fn a_move_lost_to_nothing_is_let_go_and_not_resent() {
    const ENTRY: &str = "history.e1";
    let mut rs = RecordSync::new("finding", "v1:A1");
    let local = fields(&[(ENTRY, json!({"id": "e1", "note": "已清理"}))]);
    let m = mutation(1, rs.ops(&local));
    rs.sent(&m.ops);
    let lost = MutationResult {
        seq: 1,
        status: MutationStatus::Applied,
        reason: None,
        fields: vec![FieldResult {
            field: ENTRY.into(),
            rev: 0,
            outcome: FieldOutcome::Lost,
            value: None,
        }],
    };
    let take = rs.answered(&m, &lost, &local);
    assert_eq!(take.get(ENTRY), Some(&Value::Null));
    let now = fields(&[(ENTRY, Value::Null)]);
    assert!(rs.ops(&now).is_empty(), "nothing to send again");
}

#[test]
fn a_rejected_value_is_not_resent_until_the_field_changes() {
    let mut rs = RecordSync::new("visit", "v1");
    let local = fields(&[(VALUE, json!({"bad": true}))]);
    let m = mutation(1, rs.ops(&local));
    rs.sent(&m.ops);
    let rejected = MutationResult {
        seq: 1,
        status: MutationStatus::Rejected,
        reason: Some("bad value".into()),
        fields: vec![],
    };
    assert!(rs.answered(&m, &rejected, &local).is_empty());
    assert!(rs.pending.is_empty());
    assert!(
        rs.ops(&local).is_empty(),
        "a refused value would be refused forever"
    );
    let fixed = fields(&[(VALUE, json!({"compliance": "compliant"}))]);
    assert_eq!(rs.ops(&fixed).len(), 1);
    // The same refusal replayed as a duplicate after a lost answer.
    let mut rs2 = RecordSync::new("visit", "v1");
    rs2.sent(&m.ops);
    let replayed = MutationResult {
        status: MutationStatus::Duplicate,
        ..rejected
    };
    rs2.answered(&m, &replayed, &local);
    assert!(rs2.pending.is_empty() && rs2.ops(&local).is_empty());
    assert_eq!(rs.ops(&fixed).len(), 1);
}

#[test]
fn a_pulled_value_replaces_an_untouched_field_only() {
    let mut rs = RecordSync::new("visit", "v1");
    rs.base.insert(
        NOTE.into(),
        Known {
            value: json!("A"),
            rev: 1,
        },
    );
    rs.base.insert(
        "owner".into(),
        Known {
            value: json!("x"),
            rev: 1,
        },
    );
    let local = fields(&[(NOTE, json!("A")), ("owner", json!("changed here"))]);
    assert_eq!(
        rs.pulled(&change(9, NOTE, json!("B"), 2), &local, false),
        Some(json!("B"))
    );
    assert_eq!(rs.base[NOTE].rev, 2);
    // The supervisor changed this one: kept, and the old base goes with the push.
    assert_eq!(
        rs.pulled(&change(10, "owner", json!("office"), 2), &local, false),
        None
    );
    assert_eq!(
        rs.base["owner"],
        Known {
            value: json!("x"),
            rev: 1
        }
    );
    let local = fields(&[(NOTE, json!("B")), ("owner", json!("changed here"))]);
    let ops = rs.ops(&local);
    assert_eq!(ops.len(), 1);
    assert_eq!((ops[0].field.as_str(), ops[0].base_rev), ("owner", 1));
}

#[test]
fn an_echo_or_an_older_revision_changes_nothing() {
    let mut rs = RecordSync::new("visit", "v1");
    rs.base.insert(
        NOTE.into(),
        Known {
            value: json!("mine"),
            rev: 4,
        },
    );
    let local = fields(&[(NOTE, json!("mine"))]);
    assert_eq!(
        rs.pulled(&change(3, NOTE, json!("older"), 3), &local, false),
        None
    );
    assert_eq!(
        rs.pulled(&change(4, NOTE, json!("mine"), 4), &local, false),
        None
    );
    assert_eq!(
        rs.base[NOTE],
        Known {
            value: json!("mine"),
            rev: 4
        }
    );
}

#[test]
fn a_field_with_a_push_in_flight_is_not_overwritten_by_a_pull() {
    let mut rs = RecordSync::new("visit", "v1");
    let local = fields(&[(NOTE, json!("mine"))]);
    rs.sent(&rs.ops(&local));
    assert_eq!(
        rs.pulled(&change(1, NOTE, json!("theirs"), 1), &local, false),
        None
    );
}

#[test]
fn after_a_server_restore_values_decide_and_local_edits_survive() {
    let mut rs = RecordSync::new("visit", "v1");
    rs.base.insert(
        NOTE.into(),
        Known {
            value: json!("A"),
            rev: 9,
        },
    );
    rs.base.insert(
        "state".into(),
        Known {
            value: json!("finished"),
            rev: 9,
        },
    );
    // The restored server holds older revisions.
    let local = fields(&[(NOTE, json!("A")), ("state", json!("signed"))]);
    assert_eq!(
        rs.pulled(&change(1, NOTE, json!("A0"), 2), &local, true),
        Some(json!("A0"))
    );
    assert_eq!(
        rs.base[NOTE],
        Known {
            value: json!("A0"),
            rev: 2
        }
    );
    // Signed on the phone after the backup was taken: kept, and pushed as an update of rev 2.
    assert_eq!(
        rs.pulled(&change(2, "state", json!("draft"), 2), &local, true),
        None
    );
    let local = fields(&[(NOTE, json!("A0")), ("state", json!("signed"))]);
    let ops = rs.ops(&local);
    assert_eq!(ops.len(), 1);
    assert_eq!((ops[0].field.as_str(), ops[0].base_rev), ("state", 2));
}

#[test]
fn merged_fields_layer_server_then_in_flight_then_local_then_taken() {
    let mut rs = RecordSync::new("visit", "v1");
    rs.base.insert(
        "findings.f1.owner".into(),
        Known {
            value: json!("hidden"),
            rev: 1,
        },
    );
    rs.base.insert(
        NOTE.into(),
        Known {
            value: json!("A"),
            rev: 1,
        },
    );
    rs.pending.insert(NOTE.into(), json!("B"));
    let local = fields(&[(NOTE, json!("C"))]);
    let take = fields(&[("state", json!("signed"))]);
    let m = rs.merged(&local, &take);
    assert_eq!(m["findings.f1.owner"], json!("hidden"));
    assert_eq!(m[NOTE], json!("C"));
    assert_eq!(m["state"], json!("signed"));
}

#[test]
fn a_field_the_server_never_had_is_not_sent_while_it_is_still_empty() {
    let mut rs = RecordSync::new("visit", "v1");
    // A pull brought the note of an item (its value is on a later page); the phone's record now
    // also holds the item's empty value and photo list.
    assert!(rs
        .pulled(
            &change(1, NOTE, json!("公示栏未更新"), 1),
            &Fields::new(),
            false
        )
        .is_some());
    let local = fields(&[
        (NOTE, json!("公示栏未更新")),
        (VALUE, Value::Null),
        ("answers.JC-01.photos", json!([])),
    ]);
    assert!(
        rs.ops(&local).is_empty(),
        "nothing of the supervisor's to send"
    );
    // The later page brings the value; it is taken, not blocked by the empty local one.
    assert_eq!(
        rs.pulled(&change(2, VALUE, json!("non_compliant"), 1), &local, false),
        Some(json!("non_compliant"))
    );
    // Once the supervisor gives a value of their own, it is sent.
    let answered = fields(&[(NOTE, json!("公示栏未更新")), (VALUE, json!("compliant"))]);
    let ops = rs.ops(&answered);
    assert_eq!(ops.len(), 1);
    assert_eq!(ops[0].field, VALUE);
}
