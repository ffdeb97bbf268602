//! Findings as records of their own (issue 17, items 1, 2 and 6), on SQLite and PostgreSQL: a
//! signed visit's findings go on to 整改; the office and the supervisor move them only as the
//! domain's table allows; a 复查 made offline on a finding the office moved meanwhile is kept
//! as a conflict, never dropped; `GET /api/findings` lists them in scope, filtered, most urgent
//! first.

use axum::http::StatusCode;
use axum::Router;
use dudao_domain::finding_list::FindingsResponse;
use dudao_domain::finding_record::FindingRecord;
use dudao_domain::sync::fields::{visit_from_fields, Fields};
use dudao_domain::sync::{ConflictsResponse, FieldOutcome, Hlc, MutationStatus, PushResponse};
use dudao_server::clock::now_ms;
use dudao_server::db::{Role, User, UserRecord};
use dudao_server::demo;
use serde_json::{json, Value};

use crate::common::{demo_school, get_as as get, post_json as post, test_app_on, uuid, Backend};

#[derive(Clone)]
struct Device {
    id: String,
    token: String,
    user: &'static str,
    seq: i64,
}

async fn login(router: &Router, user: &'static str, n: u64) -> Device {
    let id = uuid(n);
    let reply = post(
        router,
        "/api/login",
        &json!({"username": user, "password": demo::DEMO_PASSWORD, "device_id": id}),
        None,
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    Device {
        id,
        token: reply.json()["token"].as_str().expect("token").to_owned(),
        user,
        seq: 0,
    }
}

fn op(field: &str, value: Value) -> Value {
    json!({"field": field, "value": value, "base_rev": 0})
}

/// Pushes one mutation of `entity` as the device's next, and answers its result.
async fn push1(
    router: &Router,
    d: &mut Device,
    entity: &str,
    id: &str,
    ops: Vec<Value>,
) -> dudao_domain::sync::MutationResult {
    d.seq += 1;
    let m = json!({"seq": d.seq, "entity": entity, "entity_id": id, "ops": ops,
                   "hlc": Hlc::new(now_ms(), 0)});
    let reply = post(
        router,
        "/api/sync/push",
        &json!({"device_id": d.id, "mutations": [m]}),
        Some(&d.token),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    let r: PushResponse = serde_json::from_slice(&reply.body).expect("push response");
    r.results.into_iter().next().expect("one result")
}

fn applied(r: &dudao_domain::sync::MutationResult) {
    assert_eq!(
        r.status,
        MutationStatus::Applied,
        "expected applied: {:?}",
        r.reason
    );
}

fn rejected(r: &dudao_domain::sync::MutationResult, why: &str) {
    assert_eq!(
        r.status,
        MutationStatus::Rejected,
        "expected rejected: {r:?}"
    );
    let reason = r.reason.as_deref().unwrap_or_default();
    assert!(reason.contains(why), "{reason:?} should say {why:?}");
}

/// A visit at `code` by `supervisor` (as the visit names them), in `state`, with `findings`
/// (item code, severity, deadline), each as the supervisor settled it before the school signed.
/// Returns its fields, as the phone holds them.
#[allow(clippy::too_many_arguments)]
async fn visit(
    router: &Router,
    d: &mut Device,
    v: &str,
    code: &str,
    state: &str,
    supervisor: &str,
    findings: &[(&str, &str, String)],
) -> Fields {
    let s = demo_school(code);
    let header = json!({"school_id": s.id, "school": s, "supervisor": supervisor,
                        "templates": [{"id": "wuxiang", "version": 1}], "started_at": now_ms()});
    let ids: Vec<String> = findings
        .iter()
        .map(|(f, _, _)| format!("{v}:{f}"))
        .collect();
    let mut ops = vec![
        op("header", header),
        op("state", json!(state)),
        op("findings", json!(ids)),
        op("opinion_no", json!("清督意〔2026〕3号")),
        op(
            "signature",
            json!({"name": "王校长", "role": "校长", "image": "data:image/png;base64,iVBORw0KGgo=",
                   "signed_at": now_ms()}),
        ),
    ];
    for (f, sev, deadline) in findings {
        let p = |part: &str| format!("findings.{v}:{f}.{part}");
        ops.push(op(&p("item_codes"), json!([f])));
        ops.push(op(
            &p("section"),
            json!({"zh": "消防安全", "en": "Fire safety"}),
        ));
        ops.push(op(
            &p("description"),
            json!("教学楼二楼消防通道堆放课桌椅，影响疏散。"),
        ));
        ops.push(op(&p("requirement"), json!("立即清理，确保通道畅通。")));
        ops.push(op(&p("severity"), json!(sev)));
        ops.push(op(&p("disposition"), json!("by_deadline")));
        ops.push(op(&p("deadline"), json!(deadline)));
        ops.push(op(&p("owner"), json!("总务处 李明")));
        ops.push(op(&p("basis"), json!([])));
        ops.push(op(&p("status"), json!("pending")));
    }
    let fields: Fields = ops
        .iter()
        .map(|o| (o["field"].as_str().unwrap().to_owned(), o["value"].clone()))
        .collect();
    applied(&push1(router, d, "visit", v, ops).await);
    fields
}

/// The ops a phone pushes to create the record of finding `f` of the visit `fields` hold:
/// made from the visit alone, as the server makes it.
fn phone_ops(v: &str, fields: &Fields, f: &str) -> Vec<Value> {
    let visit = visit_from_fields(v, fields, None, 0).expect("a visit");
    let finding = visit
        .findings
        .iter()
        .find(|x| x.id == format!("{v}:{f}"))
        .expect("the finding");
    FindingRecord::from_visit(&visit, finding)
        .fields()
        .into_iter()
        .map(|(field, value)| op(&field, value))
        .collect()
}

/// `ops` with `field` set to `value`.
fn with(mut ops: Vec<Value>, field: &str, value: Value) -> Vec<Value> {
    let o = ops.iter_mut().find(|o| o["field"] == field).expect(field);
    o["value"] = value;
    ops
}

/// A move as a history entry plus the status it leads to (and a new deadline if any).
#[allow(clippy::too_many_arguments)]
fn move_ops(
    entry: &str,
    by: &str,
    role: &str,
    from: &str,
    to: &str,
    action: Value,
    note: &str,
    photos: &[&str],
) -> Vec<Value> {
    let mut ops = vec![
        op(
            &format!("history.{entry}"),
            json!({"id": entry, "at": now_ms(), "by": by, "role": role, "from": from, "to": to,
                   "action": action, "note": note, "photos": photos}),
        ),
        op("status", json!(to)),
    ];
    if let Some(d) = action.get("deadline") {
        ops.push(op("deadline", d.clone()));
    }
    ops
}

async fn findings(router: &Router, d: &Device, query: &str) -> FindingsResponse {
    let reply = get(router, &format!("/api/findings{query}"), &d.token).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    serde_json::from_slice(&reply.body).expect("findings response")
}

fn future(days: i64) -> String {
    dudao_domain::datetime::Date::of_ms(now_ms() + days * 86_400_000).iso()
}

both_backends!(
    a_finding_goes_from_signing_through_recheck_to_closed_and_the_office_sees_its_history,
    a_recheck_made_offline_on_a_finding_the_office_withdrew_is_kept_as_a_conflict,
    moves_the_table_forbids_and_findings_from_nowhere_are_rejected,
    the_findings_list_is_scoped_and_filtered,
);

/// Item 8's walk, through the API: a visit raises two findings and is signed; the office marks
/// both 待复查 (the school reported); the supervisor passes one (a photo, 重大) and fails the
/// other with a new deadline; the office lists one 已销号 and one 整改中 with every step.
async fn a_finding_goes_from_signing_through_recheck_to_closed_and_the_office_sees_its_history(
    backend: Backend,
) {
    let t = test_app_on(backend).await;
    let r = &t.router;
    let mut han = login(r, "hanlixin", 1).await;
    let mut office = login(r, "zhouli", 2).await;
    let v = uuid(0x10);
    let (f1, f2) = (format!("{v}:F1"), format!("{v}:F2"));
    let deadline = future(15);
    let vf = visit(
        r,
        &mut han,
        &v,
        "QH0101",
        "signed",
        "韩立新",
        &[
            ("F1", "major", deadline.clone()),
            ("F2", "general", deadline),
        ],
    )
    .await;
    // Signed: the server made both records at once, for phones that do not make them. A phone
    // that does makes the same ones from the visit: nothing changes.
    for f in ["F1", "F2"] {
        let res = push1(
            r,
            &mut han,
            "finding",
            &format!("{v}:{f}"),
            phone_ops(&v, &vf, f),
        )
        .await;
        applied(&res);
        assert!(
            res.fields
                .iter()
                .all(|x| x.outcome == FieldOutcome::Unchanged),
            "{res:?}"
        );
    }

    // The school reported (整改报告): the office records it.
    for (f, e) in [(&f1, "e-office-1"), (&f2, "e-office-2")] {
        let ops = move_ops(
            e,
            "zhouli",
            "office",
            "pending",
            "awaiting_recheck",
            json!({"kind": "report_done"}),
            "学校报送整改报告",
            &[],
        );
        applied(&push1(r, &mut office, "finding", f, ops).await);
    }
    // The supervisor's 复查: F1 passes with a photo (under the name people read); F2 fails
    // with a new deadline.
    let mut ops = move_ops(
        "e-han-1",
        "hanlixin",
        "supervisor",
        "awaiting_recheck",
        "closed",
        json!({"kind": "recheck_passed"}),
        "已清理",
        &["p-fix-1"],
    );
    ops[0]["value"]["by_name"] = json!("韩立新");
    applied(&push1(r, &mut han, "finding", &f1, ops).await);
    let later = future(30);
    let ops = move_ops(
        "e-han-2",
        "hanlixin",
        "supervisor",
        "awaiting_recheck",
        "rectifying",
        json!({"kind": "recheck_failed", "deadline": later}),
        "仍有杂物",
        &[],
    );
    applied(&push1(r, &mut han, "finding", &f2, ops.clone()).await);
    // Sent again in a later mutation (an outbox replayed after a restore): the same entry is
    // no second move, and changes nothing.
    let again = push1(r, &mut han, "finding", &f2, ops).await;
    applied(&again);
    assert!(
        again
            .fields
            .iter()
            .all(|f| f.outcome == FieldOutcome::Unchanged),
        "{again:?}"
    );

    let list = findings(r, &office, "").await;
    assert_eq!(list.findings.len(), 2);
    let one = |id: &str| {
        list.findings
            .iter()
            .find(|f| f.record.id == id)
            .expect("listed")
    };
    let (a, b) = (one(&f1), one(&f2));
    assert_eq!(a.record.workflow.status.key(), "closed");
    assert_eq!(a.record.workflow.history[1].by_name, "韩立新");
    assert_eq!(a.standing, "done");
    let steps: Vec<_> = a
        .record
        .workflow
        .history
        .iter()
        .map(|e| (e.from.key(), e.to.key(), e.by.as_str()))
        .collect();
    assert_eq!(
        steps,
        [
            ("pending", "awaiting_recheck", "zhouli"),
            ("awaiting_recheck", "closed", "hanlixin")
        ]
    );
    assert_eq!(a.record.workflow.history[1].photos, ["p-fix-1"]);
    assert_eq!(b.record.workflow.status.key(), "rectifying");
    assert_eq!(b.record.workflow.deadline.map(|d| d.iso()), Some(later));
    assert_eq!(b.record.workflow.history.len(), 2);
    assert_eq!(b.place.school_name, demo_school("QH0101").name);
    assert_eq!(
        b.record.origin.opinion_no.as_deref(),
        Some("清督意〔2026〕3号")
    );
    // The open one first.
    assert_eq!(list.findings[0].record.id, f2);

    // The supervisor's phone pulls the office's moves as fields of the finding.
    let reply = get(r, "/api/sync/pull?cursor=0&limit=1000", &han.token).await;
    let pulled: dudao_domain::sync::PullResponse = serde_json::from_slice(&reply.body).unwrap();
    assert!(pulled
        .changes
        .iter()
        .any(|c| c.entity == "finding" && c.entity_id == f1 && c.field == "history.e-office-1"));
}

/// The supervisor passes a 复查 offline on a finding the office has meanwhile withdrawn: the
/// office wins the status, and the 复查 is kept in the conflicts table, shown to both.
async fn a_recheck_made_offline_on_a_finding_the_office_withdrew_is_kept_as_a_conflict(
    backend: Backend,
) {
    let t = test_app_on(backend).await;
    let r = &t.router;
    let mut han = login(r, "hanlixin", 1).await;
    let mut office = login(r, "zhouli", 2).await;
    let v = uuid(0x20);
    let f = format!("{v}:F2");
    visit(
        r,
        &mut han,
        &v,
        "QH0101",
        "signed",
        "韩立新",
        &[("F2", "general", future(10))],
    )
    .await;
    let ops = move_ops(
        "e-w",
        "zhouli",
        "office",
        "pending",
        "withdrawn",
        json!({"kind": "withdraw"}),
        "经核实为重复立项",
        &[],
    );
    applied(&push1(r, &mut office, "finding", &f, ops).await);

    let ops = move_ops(
        "e-r",
        "hanlixin",
        "supervisor",
        "pending",
        "closed",
        json!({"kind": "recheck_passed"}),
        "已清理",
        &[],
    );
    let res = push1(r, &mut han, "finding", &f, ops).await;
    applied(&res);
    // The status that won comes back; the 复查's entry comes back lost to nothing: the phone
    // lets it go from the finding's history (the conflicts table keeps it).
    for (field, won) in [("history.e-r", None), ("status", Some(json!("withdrawn")))] {
        let fr = res.fields.iter().find(|x| x.field == field).expect(field);
        assert_eq!(fr.outcome, FieldOutcome::Lost, "{field}");
        assert_eq!(fr.value, won, "{field}");
    }
    let list = findings(r, &office, "").await;
    assert_eq!(list.findings[0].record.workflow.status.key(), "withdrawn");
    assert_eq!(
        list.findings[0].record.workflow.history.len(),
        1,
        "the 复查 is not in the history"
    );

    for d in [&han, &office] {
        let reply = get(r, "/api/sync/conflicts", &d.token).await;
        let c: ConflictsResponse = serde_json::from_slice(&reply.body).unwrap();
        assert_eq!(c.conflicts.len(), 1, "{}: one conflict, the 复查", d.user);
        let c = &c.conflicts[0];
        assert_eq!(
            (c.entity.as_str(), c.field.as_str()),
            ("finding", "history.e-r")
        );
        assert_eq!(c.kept_value, json!("withdrawn"));
        assert_eq!(c.lost_value["note"], json!("已清理"));
        assert_eq!(c.lost_value["action"]["kind"], json!("recheck_passed"));
    }
}

async fn moves_the_table_forbids_and_findings_from_nowhere_are_rejected(backend: Backend) {
    let t = test_app_on(backend).await;
    let r = &t.router;
    let mut han = login(r, "hanlixin", 1).await;
    let mut ma = login(r, "mashufen", 2).await;
    let mut office = login(r, "zhouli", 3).await;
    let (v, draft) = (uuid(0x30), uuid(0x31));
    let f = format!("{v}:F1");
    let d = future(10);
    let vf = visit(
        r,
        &mut han,
        &v,
        "QH0101",
        "signed",
        "韩立新",
        &[("F1", "major", d.clone())],
    )
    .await;
    let df = visit(
        r,
        &mut han,
        &draft,
        "QH0102",
        "finished",
        "韩立新",
        &[("F1", "major", d)],
    )
    .await;
    let ops = || phone_ops(&v, &vf, "F1");

    // Findings from nowhere.
    let res = push1(
        r,
        &mut han,
        "finding",
        &format!("{draft}:F1"),
        phone_ops(&draft, &df, "F1"),
    )
    .await;
    rejected(&res, "is not signed");
    let mut origin = ops().into_iter().find(|o| o["field"] == "origin").unwrap()["value"].clone();
    let res = push1(
        r,
        &mut han,
        "finding",
        &format!("{v}:F9"),
        with(ops(), "origin", origin.clone()),
    )
    .await;
    rejected(&res, "lists no finding");
    origin["visit_id"] = json!(uuid(0x99));
    let res = push1(
        r,
        &mut han,
        "finding",
        &format!("{}:F1", uuid(0x99)),
        with(ops(), "origin", origin),
    )
    .await;
    rejected(&res, "has not received");
    rejected(
        &push1(r, &mut office, "finding", &f, ops()).await,
        "supervisor's",
    );
    // Another supervisor cannot touch a finding of a school not theirs.
    rejected(
        &push1(r, &mut ma, "finding", &f, ops()).await,
        "not assigned to mashufen",
    );
    // A finding that moves anywhere but 待整改 without the move that took it there.
    rejected(
        &push1(
            r,
            &mut han,
            "finding",
            &f,
            with(ops(), "status", json!("closed")),
        )
        .await,
        "moves only with a history entry",
    );
    applied(&push1(r, &mut han, "finding", &f, ops()).await);

    // Its origin is set once; the office writes only the workflow.
    let mut origin = ops().into_iter().find(|o| o["field"] == "origin").unwrap();
    origin["value"]["item_codes"] = json!(["F2"]);
    rejected(
        &push1(r, &mut han, "finding", &f, vec![origin]).await,
        "set once",
    );
    rejected(
        &push1(
            r,
            &mut office,
            "finding",
            &f,
            vec![op("description", json!("改写"))],
        )
        .await,
        "is the supervisor's",
    );

    // Status without a move, a move without its status, a status the move does not lead to.
    rejected(
        &push1(
            r,
            &mut office,
            "finding",
            &f,
            vec![op("status", json!("closed"))],
        )
        .await,
        "moves only with a history entry",
    );
    let mut ops = move_ops(
        "m1",
        "zhouli",
        "office",
        "pending",
        "rectifying",
        json!({"kind": "start_rectifying"}),
        "",
        &[],
    );
    ops.pop();
    rejected(
        &push1(r, &mut office, "finding", &f, ops).await,
        "pushed with the status",
    );
    let ops = move_ops(
        "m1",
        "zhouli",
        "office",
        "pending",
        "closed",
        json!({"kind": "start_rectifying"}),
        "",
        &[],
    );
    rejected(&push1(r, &mut office, "finding", &f, ops).await, "leads to");
    // Office only: a supervisor cannot 销号 or 撤销.
    let ops = move_ops(
        "m2",
        "hanlixin",
        "supervisor",
        "pending",
        "withdrawn",
        json!({"kind": "withdraw"}),
        "不要了",
        &[],
    );
    rejected(&push1(r, &mut han, "finding", &f, ops).await, "office only");
    // A 重大 finding passes 复查 only with a photo; a failed one needs a note and a later day.
    let ops = move_ops(
        "m3",
        "hanlixin",
        "supervisor",
        "pending",
        "closed",
        json!({"kind": "recheck_passed"}),
        "",
        &[],
    );
    rejected(&push1(r, &mut han, "finding", &f, ops).await, "photo");
    let ops = move_ops(
        "m4",
        "hanlixin",
        "supervisor",
        "pending",
        "rectifying",
        json!({"kind": "recheck_failed", "deadline": future(-1)}),
        "仍未整改",
        &[],
    );
    rejected(&push1(r, &mut han, "finding", &f, ops).await, "after today");
    // A move recorded in someone else's name.
    let ops = move_ops(
        "m5",
        "zhouli",
        "office",
        "pending",
        "rectifying",
        json!({"kind": "start_rectifying"}),
        "",
        &[],
    );
    rejected(
        &push1(r, &mut han, "finding", &f, ops).await,
        "only record their own moves",
    );
    // Their own move, but under another's name for people to read.
    let mut ops = move_ops(
        "m6",
        "hanlixin",
        "supervisor",
        "pending",
        "rectifying",
        json!({"kind": "start_rectifying"}),
        "",
        &[],
    );
    ops[0]["value"]["by_name"] = json!("周丽");
    rejected(
        &push1(r, &mut han, "finding", &f, ops).await,
        "names its maker \"周丽\"",
    );
    // The supervisor's deadline moves only with a failed 复查; the office may extend it.
    rejected(
        &push1(
            r,
            &mut han,
            "finding",
            &f,
            vec![op("deadline", json!(future(60)))],
        )
        .await,
        "deadline changes",
    );
    applied(
        &push1(
            r,
            &mut office,
            "finding",
            &f,
            vec![op("deadline", json!(future(60)))],
        )
        .await,
    );

    // A recorded move never changes.
    let ops = move_ops(
        "m6",
        "zhouli",
        "office",
        "pending",
        "rectifying",
        json!({"kind": "start_rectifying"}),
        "",
        &[],
    );
    applied(&push1(r, &mut office, "finding", &f, ops).await);
    let ops = vec![op(
        "history.m6",
        json!({"id": "m6", "at": 1, "by": "zhouli", "role": "office", "from": "pending", "to": "withdrawn", "action": {"kind": "withdraw"}, "note": "x"}),
    )];
    rejected(
        &push1(r, &mut office, "finding", &f, ops).await,
        "never changes",
    );
    // An entry whose id is not its field's, and a hostile field name.
    let ops = vec![op(
        "history.m7",
        json!({"id": "m8", "at": 1, "by": "zhouli", "role": "office", "from": "rectifying", "to": "awaiting_recheck", "action": {"kind": "report_done"}}),
    )];
    rejected(&push1(r, &mut office, "finding", &f, ops).await, "is not");
    rejected(
        &push1(
            r,
            &mut office,
            "finding",
            &f,
            vec![op("history.a.b", json!({}))],
        )
        .await,
        "unknown field",
    );

    let list = findings(r, &office, "").await;
    let w = &list.findings[0].record.workflow;
    assert_eq!(
        (w.status.key(), w.history.len()),
        ("rectifying", 1),
        "only the allowed moves"
    );
    assert_eq!(w.deadline.map(|d| d.iso()), Some(future(60)));
}

async fn the_findings_list_is_scoped_and_filtered(backend: Backend) {
    let t = test_app_on(backend).await;
    let r = &t.router;
    let mut han = login(r, "hanlixin", 1).await;
    let mut ma = login(r, "mashufen", 2).await;
    let office = login(r, "zhouli", 3).await;
    let (v, w) = (uuid(0x40), uuid(0x41));
    let findings_of_v = [("F1", "major", future(-3)), ("F2", "general", future(5))];
    visit(
        r,
        &mut han,
        &v,
        "QH0101",
        "signed",
        "韩立新",
        &findings_of_v,
    )
    .await;
    visit(
        r,
        &mut ma,
        &w,
        "QH0103",
        "signed",
        "马淑芬",
        &[("F2", "general", future(-1))],
    )
    .await;

    // An office account of another county sees none of them.
    let other = User {
        id: dudao_server::auth::new_id(),
        username: "liwei".into(),
        display_name: "李伟".into(),
        role: Role::Office,
        district: "河西县".into(),
        created_at: now_ms(),
    };
    t.state
        .store
        .create_user(&UserRecord {
            user: other,
            password_hash: dudao_server::auth::hash_password(demo::DEMO_PASSWORD),
        })
        .await
        .unwrap();
    let liwei = login(r, "liwei", 4).await;

    let ids = |l: FindingsResponse| -> Vec<String> {
        l.findings
            .iter()
            .map(|f| {
                f.record.id.rsplit(':').next().unwrap().to_owned()
                    + "@"
                    + &f.record.origin.visit_id[f.record.origin.visit_id.len() - 2..]
            })
            .collect()
    };
    assert_eq!(
        ids(findings(r, &office, "").await),
        ["F1@40", "F2@41", "F2@40"],
        "挂牌督办, then 逾期, then due"
    );
    assert_eq!(
        ids(findings(r, &han, "").await),
        ["F1@40", "F2@40"],
        "a supervisor: their schools only"
    );
    assert!(
        findings(r, &liwei, "").await.findings.is_empty(),
        "another county: nothing"
    );
    assert_eq!(ids(findings(r, &office, "?supervised=1").await), ["F1@40"]);
    assert_eq!(
        ids(findings(r, &office, "?overdue=1").await),
        ["F1@40", "F2@41"]
    );
    assert_eq!(
        ids(findings(r, &office, "?severity=general").await),
        ["F2@41", "F2@40"]
    );
    assert_eq!(
        ids(findings(r, &office, "?supervisor=%E9%A9%AC%E6%B7%91%E8%8A%AC").await),
        ["F2@41"]
    );
    let school = demo_school("QH0103").id;
    assert_eq!(
        ids(findings(r, &office, &format!("?school={school}")).await),
        ["F2@41"]
    );
    assert_eq!(
        ids(findings(
            r,
            &office,
            "?district=%E5%9F%8E%E5%85%B3%E9%95%87&status=open"
        )
        .await)
        .len(),
        3,
        "城关镇"
    );
    assert!(ids(findings(r, &office, "?status=closed").await).is_empty());
    assert!(ids(findings(r, &office, &format!("?from={}", future(1))).await).is_empty());
    let list = findings(r, &office, "?supervised=1").await;
    assert!(list.findings[0]
        .standing_zh
        .starts_with("挂牌督办 · 逾期3天"));

    for (q, says) in [
        ("?status=done", "status"),
        ("?severity=huge", "severity"),
        ("?overdue=yes", "overdue"),
        ("?from=2026-13-01", "from"),
        ("?color=red", "color"),
    ] {
        let reply = get(r, &format!("/api/findings{q}"), &office.token).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{q}");
        assert!(reply.text().contains(says), "{q}: {}", reply.text());
    }
    let reply = crate::common::send(
        r,
        axum::http::Request::get("/api/findings")
            .body(axum::body::Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
}

both_backends!(findings_of_visits_signed_before_records_are_made_once_at_start);

/// Item 9: a database made by the last release holds signed visits whose findings live only
/// inside the visit (here pushed without the new release's hook). At start-up the server makes
/// their records, keeping a status the office had set in the visit; a second start makes none.
async fn findings_of_visits_signed_before_records_are_made_once_at_start(backend: Backend) {
    use dudao_server::api::sync::push::{push_one, Context};
    use dudao_server::findings_backfill::backfill;

    let t = test_app_on(backend).await;
    let r = &t.router;
    let han = login(r, "hanlixin", 1).await;
    let office = login(r, "zhouli", 2).await;
    let store = t.state.store.as_ref();
    let user = store
        .user_by_username("hanlixin")
        .await
        .unwrap()
        .unwrap()
        .user;
    let school = demo_school("QH0101");
    let ctx = Context {
        schools: [school.id.clone()].into(),
        library: None,
    };
    let v = uuid(0x50);
    // The visit as the last release pushed it: signed, one finding 整改中 (set by the office
    // in the visit, as it could then).
    let header = json!({"school_id": school.id, "school": school, "supervisor": "韩立新",
                        "templates": [{"id": "wuxiang", "version": 1}], "started_at": now_ms()});
    let f = format!("{v}:AQ-03");
    let ops = vec![
        op("header", header),
        op("state", json!("signed")),
        op("findings", json!([f])),
        op(
            "signature",
            json!({"name": "王校长", "role": "校长", "image": "", "signed_at": 1_796_000_000_000_i64}),
        ),
        op(&format!("findings.{f}.item_codes"), json!(["AQ-03"])),
        op(
            &format!("findings.{f}.description"),
            json!("消防通道堆放杂物。"),
        ),
        op(&format!("findings.{f}.severity"), json!("major")),
        op(&format!("findings.{f}.deadline"), json!("2026-12-20")),
        op(&format!("findings.{f}.status"), json!("rectifying")),
    ];
    let m: dudao_domain::sync::Mutation = serde_json::from_value(
        json!({"seq": 1, "entity": "visit", "entity_id": v, "ops": ops, "hlc": Hlc::new(now_ms(), 0)}),
    )
    .unwrap();
    push_one(store, &user, &han.id, &ctx, &m, now_ms())
        .await
        .unwrap();
    assert!(
        findings(r, &office, "").await.findings.is_empty(),
        "no record yet"
    );

    assert_eq!(backfill(store, None, now_ms()).await.unwrap(), 1);
    assert_eq!(
        backfill(store, None, now_ms()).await.unwrap(),
        0,
        "made once"
    );
    let list = findings(r, &office, "").await;
    let rec = &list.findings[0].record;
    assert_eq!(rec.id, f);
    assert_eq!(
        rec.workflow.status.key(),
        "rectifying",
        "the office's status is kept"
    );
    assert_eq!(rec.description, "消防通道堆放杂物。");
    assert_eq!(rec.origin.raised_at, 1_796_000_000_000);
    assert_eq!(rec.origin.raised_by, "韩立新");
    // The phone pulls the record like any other change, made by no device.
    let reply = get(r, "/api/sync/pull?cursor=0&limit=1000", &han.token).await;
    let pulled: dudao_domain::sync::PullResponse = serde_json::from_slice(&reply.body).unwrap();
    let origin = pulled
        .changes
        .iter()
        .find(|c| c.entity == "finding" && c.field == "origin")
        .expect("pulled");
    assert_eq!((origin.device_id.as_deref(), origin.seq), (None, None));
}
