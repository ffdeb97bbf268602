//! Push, pull, conflicts and the server epoch (issue 6, items 3 and 8), on SQLite and
//! PostgreSQL: no mutation lost, none applied twice, no change skipped by a pull.

use std::collections::BTreeSet;

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use axum::Router;
use dudao_domain::sync::hlc::MAX_SKEW_MS;
use dudao_domain::sync::{
    ConflictsResponse, FieldOutcome, Hlc, MutationStatus, PullResponse, PushResponse,
};
use dudao_server::{app, demo, AppState};
use serde_json::{json, Value};

use dudao_server::clock::now_ms;

use crate::common::{
    demo_school, get_as as get, post_json as post, send, test_app_on, uuid, Backend, Reply, TestApp,
};

fn header_of(code: &str, supervisor: &str) -> Value {
    let s = demo_school(code);
    json!({"school_id": s.id, "school": s, "supervisor": supervisor,
           "templates": [{"id": "wuxiang", "version": 1}], "started_at": now_ms()})
}

fn op(field: &str, value: Value, base_rev: i64) -> Value {
    json!({"field": field, "value": value, "base_rev": base_rev})
}

fn mutation(seq: i64, entity_id: &str, ops: Vec<Value>, hlc: Hlc) -> Value {
    json!({"seq": seq, "entity": "visit", "entity_id": entity_id, "ops": ops, "hlc": hlc})
}

/// A new visit at a school: header, state and one finding with its status.
fn new_visit(seq: i64, id: &str, code: &str, supervisor: &str, hlc: Hlc) -> Value {
    mutation(
        seq,
        id,
        vec![
            op("header", header_of(code, supervisor), 0),
            op("state", json!("finished"), 0),
            op("findings", json!([format!("{id}:F1")]), 0),
            op(
                &format!("findings.{id}:F1.description"),
                json!("消防通道堆放杂物"),
                0,
            ),
            op(&format!("findings.{id}:F1.status"), json!("pending"), 0),
        ],
        hlc,
    )
}

fn at(ms: i64) -> Hlc {
    Hlc::new(ms, 0)
}

/// A signed-in device.
#[derive(Clone)]
struct Device {
    id: String,
    token: String,
}

async fn login(router: &Router, user: &str, n: u64) -> Device {
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
    }
}

async fn push_raw(router: &Router, d: &Device, mutations: Vec<Value>) -> Reply {
    post(
        router,
        "/api/sync/push",
        &json!({"device_id": d.id, "mutations": mutations}),
        Some(&d.token),
    )
    .await
}

async fn push(router: &Router, d: &Device, mutations: Vec<Value>) -> PushResponse {
    let reply = push_raw(router, d, mutations).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    serde_json::from_slice(&reply.body).expect("push response")
}

async fn pull_page(router: &Router, d: &Device, cursor: i64, limit: i64) -> PullResponse {
    let uri = format!("/api/sync/pull?cursor={cursor}&limit={limit}");
    let reply = get(router, &uri, &d.token).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    serde_json::from_slice(&reply.body).expect("pull response")
}

/// Every change the device may see, from the start of the log.
async fn pull_all(router: &Router, d: &Device) -> PullResponse {
    let mut all = pull_page(router, d, 0, 1000).await;
    while all.has_more {
        let next = pull_page(router, d, all.cursor, 1000).await;
        all.changes.extend(next.changes);
        all.cursor = next.cursor;
        all.has_more = next.has_more;
    }
    all
}

/// The latest value of a field in the change log.
fn value_of(pull: &PullResponse, entity_id: &str, field: &str) -> Option<Value> {
    pull.changes
        .iter()
        .rev()
        .find(|c| c.entity_id == entity_id && c.field == field)
        .map(|c| c.value.clone())
}

async fn conflicts(router: &Router, d: &Device, all: bool) -> ConflictsResponse {
    let uri = if all {
        "/api/sync/conflicts?all=1"
    } else {
        "/api/sync/conflicts"
    };
    let reply = get(router, uri, &d.token).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    serde_json::from_slice(&reply.body).expect("conflicts")
}

async fn count(t: &TestApp, table: &str) -> u64 {
    // An UPDATE that changes nothing counts the rows, on both backends.
    let column = match table {
        "changes" | "conflicts" => "id",
        "fields" | "records" | "mutations" => "entity_id",
        _ => panic!("{table}"),
    };
    t.db.execute(&format!("UPDATE {table} SET {column} = {column}"))
        .await
        .expect("count")
}

async fn a_duplicate_push_gets_the_first_answer_and_writes_nothing(backend: Backend) {
    let t = test_app_on(backend).await;
    let phone = login(&t.router, "hanlixin", 1).await;
    let v = uuid(0x100);
    let now = now_ms();
    let batch = vec![
        new_visit(1, &v, "QH0101", "韩立新", at(now)),
        mutation(
            2,
            &v,
            vec![op("answers.JC-01.note", json!("台账不全"), 0)],
            at(now + 1),
        ),
    ];
    let first = push(&t.router, &phone, batch.clone()).await;
    assert_eq!(first.last_seq, 2);
    assert!(first
        .results
        .iter()
        .all(|r| r.status == MutationStatus::Applied));
    let changes = count(&t, "changes").await;
    assert_eq!(changes, 6);

    let again = push(&t.router, &phone, batch).await;
    assert_eq!(again.last_seq, 2);
    assert_eq!(again.server_epoch, first.server_epoch);
    for (a, f) in again.results.iter().zip(&first.results) {
        assert_eq!(a.status, MutationStatus::Duplicate);
        assert_eq!((a.seq, &a.fields, &a.reason), (f.seq, &f.fields, &f.reason));
    }
    assert_eq!(count(&t, "changes").await, changes);
    assert_eq!(count(&t, "mutations").await, 2);
}
both_backends!(a_duplicate_push_gets_the_first_answer_and_writes_nothing);

/// Another writer holds SQLite's write lock past the server's busy wait (a long import, a clerk
/// with a SQL shell): the push is told to come back (503 with `Retry-After`), not that the server
/// failed, and nothing of it is stored; sent again once the lock is free, it is applied once.
#[tokio::test]
async fn a_push_that_meets_a_held_sqlite_write_lock_is_503_retry_and_writes_nothing() {
    use sqlx::Connection;
    let t = test_app_on(Backend::Sqlite).await;
    let phone = login(&t.router, "hanlixin", 1).await;
    let v = uuid(0x150);
    let batch = vec![new_visit(1, &v, "QH0101", "韩立新", at(now_ms()))];
    let dudao_server::db::Database::Sqlite(path) = &t.db.database else {
        unreachable!("a SQLite test app")
    };
    let mut holder = sqlx::SqliteConnection::connect(&format!("sqlite://{}", path.display()))
        .await
        .expect("a second connection");
    sqlx::query("BEGIN IMMEDIATE")
        .execute(&mut holder)
        .await
        .expect("take the write lock");

    let busy = push_raw(&t.router, &phone, batch.clone()).await;
    assert_eq!(
        busy.status,
        StatusCode::SERVICE_UNAVAILABLE,
        "{}",
        busy.text()
    );
    assert_eq!(busy.json()["error"], "database_busy");
    assert_eq!(busy.headers[header::RETRY_AFTER], "5");
    assert!(busy.json()["message"]
        .as_str()
        .is_some_and(|m| m.contains("nothing of this request was stored")));

    sqlx::query("ROLLBACK")
        .execute(&mut holder)
        .await
        .expect("free the lock");
    assert_eq!(
        count(&t, "changes").await,
        0,
        "the refused push wrote nothing"
    );
    let again = push(&t.router, &phone, batch).await;
    assert_eq!(again.last_seq, 1);
    assert_eq!(again.results[0].status, MutationStatus::Applied);
    assert_eq!(count(&t, "mutations").await, 1);
}

/// The server commits a batch and the answer never reaches the phone (the connection drops, the
/// tab is killed): the phone sends the same batch again, plus what it queued meanwhile.
async fn a_reply_lost_after_commit_is_answered_again_without_writing_twice(backend: Backend) {
    let t = test_app_on(backend).await;
    let a = login(&t.router, "hanlixin", 1).await;
    let b = login(&t.router, "hanlixin", 2).await;
    let v = uuid(0x100);
    let now = now_ms();
    push(
        &t.router,
        &a,
        vec![new_visit(1, &v, "QH0101", "韩立新", at(now))],
    )
    .await;
    // Phone B's batch: a plain edit, a value that loses to phone A's newer one, a bad value.
    push(
        &t.router,
        &a,
        vec![mutation(
            2,
            &v,
            vec![op(
                &format!("findings.{v}:F1.description"),
                json!("A 的描述"),
                1,
            )],
            at(now + 5_000),
        )],
    )
    .await;
    let batch = vec![
        mutation(
            1,
            &v,
            vec![op("answers.JC-02.note", json!("B 的备注"), 0)],
            at(now + 1),
        ),
        mutation(
            2,
            &v,
            vec![op(
                &format!("findings.{v}:F1.description"),
                json!("B 的描述"),
                1,
            )],
            at(now + 2),
        ),
        mutation(3, &v, vec![op("state", json!("lost"), 0)], at(now + 3)),
    ];
    let first = push(&t.router, &b, batch.clone()).await; // …and the answer is dropped.
    let (changes, conflicts_n) = (count(&t, "changes").await, count(&t, "conflicts").await);
    assert_eq!(
        first.results.iter().map(|r| r.status).collect::<Vec<_>>(),
        [
            MutationStatus::Applied,
            MutationStatus::Applied,
            MutationStatus::Rejected
        ]
    );
    assert_eq!(first.results[1].fields[0].outcome, FieldOutcome::Lost);

    let mut retry = batch;
    retry.push(mutation(
        4,
        &v,
        vec![op("answers.JC-03.note", json!("新的"), 0)],
        at(now + 4),
    ));
    let again = push(&t.router, &b, retry).await;
    assert_eq!(again.last_seq, 4);
    for (a, f) in again.results.iter().zip(&first.results) {
        assert_eq!(a.status, MutationStatus::Duplicate, "{a:?}");
        assert_eq!(a.fields, f.fields, "the first answer, field by field");
        assert_eq!(a.reason, f.reason);
    }
    // The lost field's answer still names the value that won.
    assert_eq!(again.results[1].fields[0].value, Some(json!("A 的描述")));
    assert!(again.results[2]
        .reason
        .as_deref()
        .is_some_and(|r| r.contains("state")));
    assert_eq!(again.results[3].status, MutationStatus::Applied);
    // Only seq 4 wrote anything: one change, no new conflict.
    assert_eq!(count(&t, "changes").await, changes + 1);
    assert_eq!(count(&t, "conflicts").await, conflicts_n);
}
both_backends!(a_reply_lost_after_commit_is_answered_again_without_writing_twice);

async fn a_seq_gap_is_409_with_the_expected_seq_and_writes_nothing(backend: Backend) {
    let t = test_app_on(backend).await;
    let phone = login(&t.router, "hanlixin", 1).await;
    let v = uuid(0x100);
    let now = now_ms();
    let first = push(
        &t.router,
        &phone,
        vec![new_visit(1, &v, "QH0101", "韩立新", at(now))],
    )
    .await;
    let changes = count(&t, "changes").await;

    let reply = push_raw(
        &t.router,
        &phone,
        vec![
            mutation(3, &v, vec![op("state", json!("signed"), 1)], at(now + 1)),
            mutation(
                4,
                &v,
                vec![op("answers.JC-01.note", json!("x"), 0)],
                at(now + 2),
            ),
        ],
    )
    .await;
    assert_eq!(reply.status, StatusCode::CONFLICT, "{}", reply.text());
    let body = reply.json();
    assert_eq!(body["error"], "seq_gap");
    assert_eq!(body["expected"], 2);
    assert_eq!(body["server_epoch"], json!(first.server_epoch));
    assert!(body["message"].as_str().expect("message").contains("seq 2"));
    // It matches the wire type the app decodes.
    let gap: dudao_domain::sync::SeqGap = serde_json::from_value(body).expect("SeqGap");
    assert_eq!(gap.expected, 2);

    assert_eq!(count(&t, "changes").await, changes);
    assert_eq!(count(&t, "mutations").await, 1);
    let pulled = pull_all(&t.router, &phone).await;
    assert_eq!(pulled.device_last_seq, 1);
    assert_eq!(value_of(&pulled, &v, "state"), Some(json!("finished")));

    // Sending from the expected seq goes through.
    let ok = push(
        &t.router,
        &phone,
        vec![mutation(
            2,
            &v,
            vec![op("state", json!("signed"), 1)],
            at(now + 1),
        )],
    )
    .await;
    assert_eq!(ok.last_seq, 2);
}
both_backends!(a_seq_gap_is_409_with_the_expected_seq_and_writes_nothing);

async fn a_rejected_mutation_advances_the_queue_and_says_why(backend: Backend) {
    let t = test_app_on(backend).await;
    let phone = login(&t.router, "hanlixin", 1).await;
    let v = uuid(0x100);
    let w = uuid(0x101);
    let now = now_ms();
    let reply = push(
        &t.router,
        &phone,
        vec![
            new_visit(1, &v, "QH0101", "韩立新", at(now)),
            // A value of the wrong type…
            mutation(2, &v, vec![op("state", json!("bogus"), 1)], at(now + 1)),
            // …a new visit without its header…
            mutation(3, &w, vec![op("state", json!("draft"), 0)], at(now + 2)),
            // …and the queue still moves on.
            mutation(
                4,
                &v,
                vec![op("answers.JC-01.note", json!("已整改"), 0)],
                at(now + 3),
            ),
        ],
    )
    .await;
    assert_eq!(reply.last_seq, 4);
    let statuses: Vec<_> = reply.results.iter().map(|r| r.status).collect();
    assert_eq!(
        statuses,
        [
            MutationStatus::Applied,
            MutationStatus::Rejected,
            MutationStatus::Rejected,
            MutationStatus::Applied
        ]
    );
    let reason = reply.results[1].reason.as_deref().expect("reason");
    assert!(reason.contains("state"), "{reason}");
    let reason = reply.results[2].reason.as_deref().expect("reason");
    assert!(reason.contains("header"), "{reason}");
    assert!(reply.results[1].fields.is_empty());

    let pulled = pull_all(&t.router, &phone).await;
    assert_eq!(pulled.device_last_seq, 4);
    assert_eq!(value_of(&pulled, &v, "state"), Some(json!("finished")));
    assert_eq!(
        value_of(&pulled, &v, "answers.JC-01.note"),
        Some(json!("已整改"))
    );
    assert!(pulled.changes.iter().all(|c| c.entity_id != w));
    assert_eq!(count(&t, "records").await, 1);
}
both_backends!(a_rejected_mutation_advances_the_queue_and_says_why);

/// A header pinning `templates` (id, version) instead of wuxiang@1 alone.
fn header_pinning(code: &str, supervisor: &str, templates: &[(&str, u32)]) -> Value {
    let mut h = header_of(code, supervisor);
    h["templates"] = templates
        .iter()
        .map(|(id, version)| json!({"id": id, "version": version}))
        .collect();
    h
}

/// An answer's value as the phone sends it (`AnswerValue`).
fn answer(kind: &str, value: Value) -> Value {
    json!({"kind": kind, "value": value})
}

fn reasons(reply: &PushResponse) -> Vec<Option<&str>> {
    reply.results.iter().map(|r| r.reason.as_deref()).collect()
}

/// Issue 12: a value the item cannot take (a typing slip on an old phone, a client of its own)
/// never reaches the office. 99999 guards, 8 service days a week and −5 minutes of homework are
/// refused with the item's range, and nothing of their mutation is stored; a value in range, the
/// next mutation, is; so is clearing an answer.
async fn an_answer_outside_its_items_range_is_rejected_with_the_range(backend: Backend) {
    let t = test_app_on(backend).await;
    let han = login(&t.router, "hanlixin", 1).await;
    let office = login(&t.router, "zhouli", 2).await;
    let (v, w) = (uuid(0x100), uuid(0x101));
    let templates = [("wuxiang", 1), ("anquan", 2), ("shuangjian", 1)];
    let header = header_pinning("QH0101", "韩立新", &templates);
    let now = now_ms();
    let value =
        |code: &str, kind: &str, v: Value| op(&format!("answers.{code}.value"), answer(kind, v), 0);
    let reply = push(
        &t.router,
        &han,
        vec![
            mutation(1, &v, vec![op("header", header.clone(), 0)], at(now)),
            // 门卫 AQ-MW-04 counts 0–200 guards; its note goes down with the value.
            mutation(
                2,
                &v,
                vec![
                    op("answers.AQ-MW-04.note", json!("门卫室两人值守"), 0),
                    value("AQ-MW-04", "count", json!(99999)),
                ],
                at(now + 1),
            ),
            // 课后服务 SX-KH-02 counts 0–7 days a week.
            mutation(
                3,
                &v,
                vec![value("SX-KH-02", "count", json!(8))],
                at(now + 2),
            ),
            // 书面作业 WX-ZY-04 is 0–600 minutes.
            mutation(
                4,
                &v,
                vec![value("WX-ZY-04", "number", json!(-5))],
                at(now + 3),
            ),
            // In range, all three at once.
            mutation(
                5,
                &v,
                vec![
                    value("AQ-MW-04", "count", json!(2)),
                    value("SX-KH-02", "count", json!(5)),
                    value("WX-ZY-04", "number", json!(45)),
                ],
                at(now + 4),
            ),
            // A text where a count is asked for.
            mutation(
                6,
                &v,
                vec![value("AQ-MW-04", "text", json!("两人"))],
                at(now + 5),
            ),
            // Clearing an answer.
            mutation(
                7,
                &v,
                vec![op("answers.AQ-MW-04.value", Value::Null, 1)],
                at(now + 6),
            ),
            // A new visit whose first mutation carries a bad value is not created at all.
            mutation(
                8,
                &w,
                vec![
                    op("header", header, 0),
                    value("AQ-MW-04", "count", json!(201)),
                ],
                at(now + 7),
            ),
        ],
    )
    .await;
    assert_eq!(reply.last_seq, 8);
    use MutationStatus::{Applied, Rejected};
    assert_eq!(
        reply.results.iter().map(|r| r.status).collect::<Vec<_>>(),
        [Applied, Rejected, Rejected, Rejected, Applied, Rejected, Applied, Rejected]
    );
    assert_eq!(
        reasons(&reply),
        [
            None,
            Some(
                "answers.AQ-MW-04.value: 99999 is outside the item's range: Enter a whole \
                 number from 0 to 200 (guards)"
            ),
            Some(
                "answers.SX-KH-02.value: 8 is outside the item's range: Enter a whole number \
                 from 0 to 7 (days)"
            ),
            Some(
                "answers.WX-ZY-04.value: -5 is outside the item's range: Enter a number from 0 \
                 to 600 (min)"
            ),
            None,
            Some("answers.AQ-MW-04.value: the item expects a count answer, not a text one"),
            None,
            Some(
                "answers.AQ-MW-04.value: 201 is outside the item's range: Enter a whole number \
                 from 0 to 200 (guards)"
            ),
        ]
    );
    assert!(reply.results[1].fields.is_empty());

    // What the office sees: the values in range, the cleared one, nothing of the rest.
    let pulled = pull_all(&t.router, &office).await;
    let field = |code: &str, part: &str| value_of(&pulled, &v, &format!("answers.{code}.{part}"));
    assert_eq!(field("AQ-MW-04", "value"), Some(Value::Null));
    assert_eq!(field("SX-KH-02", "value"), Some(answer("count", json!(5))));
    assert_eq!(
        field("WX-ZY-04", "value"),
        Some(answer("number", json!(45)))
    );
    assert_eq!(field("AQ-MW-04", "note"), None);
    let values: Vec<&Value> = pulled.changes.iter().map(|c| &c.value).collect();
    for refused in [
        answer("count", json!(99999)),
        answer("count", json!(8)),
        answer("number", json!(-5)),
        answer("text", json!("两人")),
    ] {
        assert!(!values.contains(&&refused), "{refused} was stored");
    }
    assert!(pulled.changes.iter().all(|c| c.entity_id != w));
    assert_eq!(count(&t, "records").await, 1);
}
both_backends!(an_answer_outside_its_items_range_is_rejected_with_the_range);

/// An answer to an item none of the visit's checklists has is refused; a visit pinned to a
/// template version the server never had (a phone ahead of it) keeps syncing its answers, checked
/// for their type only.
async fn an_answer_is_checked_against_the_visits_own_checklists(backend: Backend) {
    let t = test_app_on(backend).await;
    let han = login(&t.router, "hanlixin", 1).await;
    let (v, w) = (uuid(0x100), uuid(0x101));
    let now = now_ms();
    let guards = |n: u32| op("answers.AQ-MW-04.value", answer("count", json!(n)), 0);
    let ahead = header_pinning("QH0101", "韩立新", &[("wuxiang", 1), ("anquan", 99)]);
    let reply = push(
        &t.router,
        &han,
        vec![
            new_visit(1, &v, "QH0101", "韩立新", at(now)),
            // v pins wuxiang@1 only: 门卫 is not on its checklist.
            mutation(2, &v, vec![guards(2)], at(now + 1)),
            mutation(3, &w, vec![op("header", ahead, 0)], at(now + 2)),
            mutation(4, &w, vec![guards(300)], at(now + 3)),
            // Still one of the kinds an answer can be.
            mutation(
                5,
                &w,
                vec![op("answers.AQ-MW-04.value", json!({"kind": "many"}), 0)],
                at(now + 4),
            ),
        ],
    )
    .await;
    use MutationStatus::{Applied, Rejected};
    assert_eq!(
        reply.results.iter().map(|r| r.status).collect::<Vec<_>>(),
        [Applied, Rejected, Applied, Applied, Rejected]
    );
    assert_eq!(
        reply.results[1].reason.as_deref(),
        Some("answers.AQ-MW-04.value: item AQ-MW-04 is not in the visit's checklists (wuxiang@1)")
    );
    let pulled = pull_all(&t.router, &han).await;
    assert_eq!(value_of(&pulled, &v, "answers.AQ-MW-04.value"), None);
    assert_eq!(
        value_of(&pulled, &w, "answers.AQ-MW-04.value"),
        Some(answer("count", json!(300)))
    );
}
both_backends!(an_answer_is_checked_against_the_visits_own_checklists);

async fn two_devices_on_one_field_one_wins_by_clock_and_the_other_is_kept(backend: Backend) {
    let t = test_app_on(backend).await;
    let a = login(&t.router, "hanlixin", 1).await;
    let b = login(&t.router, "hanlixin", 2).await;
    let v = uuid(0x100);
    let note = "answers.JC-01.note";
    let now = now_ms();
    push(
        &t.router,
        &a,
        vec![
            new_visit(1, &v, "QH0101", "韩立新", at(now)),
            mutation(2, &v, vec![op(note, json!("原始"), 0)], at(now + 1)),
        ],
    )
    .await;
    // Both phones saw rev 1 and edit the note offline; A's clock says later.
    let from_a = push(
        &t.router,
        &a,
        vec![mutation(
            3,
            &v,
            vec![op(note, json!("A 的备注"), 1)],
            at(now + 20),
        )],
    )
    .await;
    assert_eq!(from_a.results[0].fields[0].outcome, FieldOutcome::Applied);
    assert_eq!(from_a.results[0].fields[0].rev, 2);
    let from_b = push(
        &t.router,
        &b,
        vec![mutation(
            1,
            &v,
            vec![op(note, json!("B 的备注"), 1)],
            at(now + 10),
        )],
    )
    .await;
    let r = &from_b.results[0].fields[0];
    assert_eq!(r.outcome, FieldOutcome::Lost);
    assert_eq!((r.rev, r.value.clone()), (2, Some(json!("A 的备注"))));

    // Both values are visible: the winner in the log, the loser in the conflicts.
    let pulled = pull_all(&t.router, &b).await;
    assert_eq!(value_of(&pulled, &v, note), Some(json!("A 的备注")));
    let open = conflicts(&t.router, &b, false).await.conflicts;
    assert_eq!(open.len(), 1);
    let c = &open[0];
    assert_eq!((c.entity_id.as_str(), c.field.as_str()), (v.as_str(), note));
    assert_eq!(c.kept_value, json!("A 的备注"));
    assert_eq!(c.lost_value, json!("B 的备注"));
    assert_eq!(c.kept_hlc, at(now + 20));
    assert_eq!(c.lost_hlc, at(now + 10));
    assert_eq!(c.lost_device_id.as_deref(), Some(b.id.as_str()));
    assert_eq!(c.lost_by, "韩立新 (supervisor)");
    assert_eq!(c.school_id, demo_school("QH0101").id);

    // The other way round: a newer concurrent value replaces the current one, which is kept.
    let later = push(
        &t.router,
        &b,
        vec![mutation(
            2,
            &v,
            vec![op("answers.JC-09.note", json!("b"), 0)],
            at(now + 30),
        )],
    )
    .await;
    assert_eq!(later.results[0].fields[0].outcome, FieldOutcome::Applied);
    let older = push(
        &t.router,
        &a,
        vec![mutation(
            4,
            &v,
            vec![op("answers.JC-09.note", json!("a"), 0)],
            at(now + 40),
        )],
    )
    .await;
    assert_eq!(older.results[0].fields[0].outcome, FieldOutcome::Applied);
    let pulled = pull_all(&t.router, &a).await;
    assert_eq!(
        value_of(&pulled, &v, "answers.JC-09.note"),
        Some(json!("a"))
    );
    let open = conflicts(&t.router, &a, false).await.conflicts;
    assert_eq!(open.len(), 2);
    assert_eq!(
        (open[1].kept_value.clone(), open[1].lost_value.clone()),
        (json!("a"), json!("b"))
    );
}
both_backends!(two_devices_on_one_field_one_wins_by_clock_and_the_other_is_kept);

async fn different_fields_edited_concurrently_both_survive(backend: Backend) {
    let t = test_app_on(backend).await;
    let a = login(&t.router, "hanlixin", 1).await;
    let b = login(&t.router, "hanlixin", 2).await;
    let v = uuid(0x100);
    let now = now_ms();
    push(
        &t.router,
        &a,
        vec![new_visit(1, &v, "QH0101", "韩立新", at(now))],
    )
    .await;
    let desc = format!("findings.{v}:F1.description");
    let ra = push(
        &t.router,
        &a,
        vec![mutation(
            2,
            &v,
            vec![op("answers.JC-01.note", json!("甲"), 0)],
            at(now + 1),
        )],
    )
    .await;
    let rb = push(
        &t.router,
        &b,
        vec![mutation(
            1,
            &v,
            vec![
                op("answers.JC-02.note", json!("乙"), 0),
                op(&desc, json!("乙的描述"), 1),
            ],
            at(now),
        )],
    )
    .await;
    assert!(ra.results[0].fields[0].outcome == FieldOutcome::Applied);
    assert!(rb.results[0]
        .fields
        .iter()
        .all(|f| f.outcome == FieldOutcome::Applied));
    let pulled = pull_all(&t.router, &a).await;
    assert_eq!(
        value_of(&pulled, &v, "answers.JC-01.note"),
        Some(json!("甲"))
    );
    assert_eq!(
        value_of(&pulled, &v, "answers.JC-02.note"),
        Some(json!("乙"))
    );
    assert_eq!(value_of(&pulled, &v, &desc), Some(json!("乙的描述")));
    assert!(conflicts(&t.router, &a, true).await.conflicts.is_empty());
}
both_backends!(different_fields_edited_concurrently_both_survive);

/// 销号 is the office's call: on a finding's status the office's value wins whichever clock is
/// later and whichever arrives first; the supervisor's is kept as a conflict.
async fn the_office_wins_a_findings_status_whatever_the_clocks(backend: Backend) {
    let t = test_app_on(backend).await;
    let phone = login(&t.router, "hanlixin", 1).await;
    let office = login(&t.router, "zhouli", 2).await;
    let (v, w) = (uuid(0x100), uuid(0x101));
    let now = now_ms();
    push(
        &t.router,
        &phone,
        vec![
            new_visit(1, &v, "QH0101", "韩立新", at(now)),
            new_visit(2, &w, "QH0102", "韩立新", at(now)),
        ],
    )
    .await;
    let status = |id: &str| format!("findings.{id}:F1.status");
    let an_hour_ago = at(now - 3_600_000);

    // Office first, then the supervisor with a later clock: the supervisor's value loses.
    let o = push(
        &t.router,
        &office,
        vec![mutation(
            1,
            &v,
            vec![op(&status(&v), json!("closed"), 1)],
            an_hour_ago,
        )],
    )
    .await;
    assert_eq!(o.results[0].status, MutationStatus::Applied, "{o:?}");
    let s = push(
        &t.router,
        &phone,
        vec![mutation(
            3,
            &v,
            vec![op(&status(&v), json!("rectifying"), 1)],
            at(now + 60_000),
        )],
    )
    .await;
    assert_eq!(s.results[0].fields[0].outcome, FieldOutcome::Lost);
    assert_eq!(s.results[0].fields[0].value, Some(json!("closed")));

    // Supervisor first, then the office with an older clock: the office's value replaces it.
    push(
        &t.router,
        &phone,
        vec![mutation(
            4,
            &w,
            vec![op(&status(&w), json!("rectifying"), 1)],
            at(now + 60_000),
        )],
    )
    .await;
    let o = push(
        &t.router,
        &office,
        vec![mutation(
            2,
            &w,
            vec![op(&status(&w), json!("closed"), 1)],
            an_hour_ago,
        )],
    )
    .await;
    assert_eq!(o.results[0].fields[0].outcome, FieldOutcome::Applied);

    let pulled = pull_all(&t.router, &office).await;
    for id in [&v, &w] {
        assert_eq!(value_of(&pulled, id, &status(id)), Some(json!("closed")));
    }
    let open = conflicts(&t.router, &phone, false).await.conflicts;
    assert_eq!(open.len(), 2);
    for c in &open {
        assert_eq!(c.kept_value, json!("closed"));
        assert_eq!(c.kept_by, "周丽 (office)");
        assert_eq!(c.lost_value, json!("rectifying"));
        assert_eq!(c.lost_by, "韩立新 (supervisor)");
    }

    // The office writes only the workflow: anything else of the visit is the supervisor's.
    let other = push(
        &t.router,
        &office,
        vec![mutation(
            3,
            &v,
            vec![op(
                &format!("findings.{v}:F1.description"),
                json!("改写"),
                1,
            )],
            at(now),
        )],
    )
    .await;
    assert_eq!(other.results[0].status, MutationStatus::Rejected);
    assert!(other.results[0]
        .reason
        .as_deref()
        .is_some_and(|r| r.contains("description")));
    // Nor does it start visits.
    let new = push(
        &t.router,
        &office,
        vec![new_visit(4, &uuid(0x102), "QH0101", "周丽", at(now))],
    )
    .await;
    assert_eq!(new.results[0].status, MutationStatus::Rejected);
}
both_backends!(the_office_wins_a_findings_status_whatever_the_clocks);

/// A phone whose clock is a year ahead is capped to five minutes ahead of the server, so it
/// loses to an honest edit stamped later than that cap. Uncapped, it would win every conflict
/// for a year. The honest phone's stamp is the latest one the server accepts uncapped (its own
/// clock plus five minutes) with a higher counter, so it is above the capped value whichever
/// millisecond each push lands in, with no waiting.
async fn a_clock_a_year_ahead_is_capped(backend: Backend) {
    let t = test_app_on(backend).await;
    let ahead = login(&t.router, "hanlixin", 1).await;
    let honest = login(&t.router, "hanlixin", 2).await;
    let v = uuid(0x100);
    let year = 365 * 24 * 3600 * 1000;
    let note = "answers.JC-01.note";
    let before = now_ms();
    push(
        &t.router,
        &ahead,
        vec![
            new_visit(1, &v, "QH0101", "韩立新", Hlc::new(before + year, 0)),
            mutation(
                2,
                &v,
                vec![op(note, json!("未来"), 0)],
                Hlc::new(before + year, 1),
            ),
        ],
    )
    .await;
    let after = now_ms();
    let pulled = pull_all(&t.router, &honest).await;
    let stamped = pulled
        .changes
        .iter()
        .find(|c| c.field == note)
        .expect("note")
        .hlc;
    assert!(
        stamped.ms >= before + MAX_SKEW_MS && stamped.ms <= after + MAX_SKEW_MS,
        "capped to the server's clock + 5 min: {stamped}"
    );

    let honest_stamp = Hlc::new(now_ms() + MAX_SKEW_MS, 1);
    let r = push(
        &t.router,
        &honest,
        vec![mutation(
            1,
            &v,
            vec![op(note, json!("现在"), 0)],
            honest_stamp,
        )],
    )
    .await;
    assert_eq!(r.results[0].fields[0].outcome, FieldOutcome::Applied);
    let pulled = pull_all(&t.router, &honest).await;
    assert_eq!(value_of(&pulled, &v, note), Some(json!("现在")));
    let open = conflicts(&t.router, &honest, false).await.conflicts;
    assert_eq!(open.len(), 1);
    assert_eq!(open[0].lost_value, json!("未来"));
    assert!(open[0].lost_hlc.ms <= after + MAX_SKEW_MS);
}
both_backends!(a_clock_a_year_ahead_is_capped);

const SYNC_TABLES: [&str; 6] = [
    "server_meta",
    "mutations",
    "records",
    "fields",
    "changes",
    "conflicts",
];

/// The server's database goes back to a backup taken after seq 2: the phone learns from
/// `device_last_seq` that the server lost what it had acknowledged, a push of its next seq is
/// 409 with `expected` right after the backup, and re-sending its outbox from there restores
/// the data.
async fn a_server_restored_from_an_older_backup_asks_for_the_lost_seqs(backend: Backend) {
    let mut t = test_app_on(backend).await;
    let phone = login(&t.router, "hanlixin", 1).await;
    let v = uuid(0x100);
    let now = now_ms();
    let outbox = [
        new_visit(1, &v, "QH0101", "韩立新", at(now)),
        mutation(
            2,
            &v,
            vec![op("answers.JC-01.note", json!("一"), 0)],
            at(now + 1),
        ),
        mutation(
            3,
            &v,
            vec![op("answers.JC-02.note", json!("二"), 0)],
            at(now + 2),
        ),
        mutation(
            4,
            &v,
            vec![op("answers.JC-03.note", json!("三"), 0)],
            at(now + 3),
        ),
    ];
    let epoch = push(&t.router, &phone, outbox[..2].to_vec())
        .await
        .server_epoch;

    // Back up.
    let backup = t._dir.path().join("backup.sqlite");
    match backend {
        Backend::Sqlite => {
            let sql = format!("VACUUM INTO '{}'", backup.display());
            t.db.execute(&sql).await.expect("back up");
        }
        Backend::Postgres => {
            for table in SYNC_TABLES {
                t.db.execute(&format!("CREATE TABLE backup_{table} AS TABLE {table}"))
                    .await
                    .expect("back up");
            }
            t.db.execute("CREATE TABLE backup_devices AS SELECT id, last_seq FROM devices")
                .await
                .expect("back up");
        }
    }

    let acknowledged = push(&t.router, &phone, outbox[2..].to_vec()).await.last_seq;
    assert_eq!(acknowledged, 4);

    // Restore.
    match backend {
        Backend::Sqlite => {
            t.state.store.close().await;
            let live = db_file(&t);
            for suffix in ["-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", live.display()));
            }
            std::fs::copy(&backup, &live).expect("restore");
            let state = AppState::new(t.db.open().await, t._dir.path().join("dist"))
                .with_data_dir(&t._dir.path().join("data"));
            t.router = app(state.clone());
            t.state = state;
        }
        Backend::Postgres => {
            for table in SYNC_TABLES {
                t.db.execute(&format!("DELETE FROM {table}"))
                    .await
                    .expect("restore");
                t.db.execute(&format!("INSERT INTO {table} SELECT * FROM backup_{table}"))
                    .await
                    .expect("restore");
            }
            t.db.execute(
                "UPDATE devices SET last_seq = b.last_seq FROM backup_devices b \
                 WHERE b.id = devices.id",
            )
            .await
            .expect("restore");
        }
    }

    let pulled = pull_all(&t.router, &phone).await;
    assert_ne!(
        pulled.server_epoch, epoch,
        "a restore is told (issue 13): new epoch"
    );
    assert_eq!(pulled.device_last_seq, 2);
    assert!(pulled.device_last_seq < acknowledged);
    assert_eq!(value_of(&pulled, &v, "answers.JC-02.note"), None);

    let reply = push_raw(
        &t.router,
        &phone,
        vec![mutation(
            5,
            &v,
            vec![op("state", json!("signed"), 1)],
            at(now + 5),
        )],
    )
    .await;
    assert_eq!(reply.status, StatusCode::CONFLICT, "{}", reply.text());
    assert_eq!(reply.json()["expected"], 3);

    // The phone re-sends its retained outbox from the expected seq.
    let mut resend = outbox[2..].to_vec();
    resend.push(mutation(
        5,
        &v,
        vec![op("state", json!("signed"), 1)],
        at(now + 5),
    ));
    let r = push(&t.router, &phone, resend).await;
    assert_eq!(r.last_seq, 5);
    let pulled = pull_all(&t.router, &phone).await;
    assert_eq!(
        value_of(&pulled, &v, "answers.JC-02.note"),
        Some(json!("二"))
    );
    assert_eq!(
        value_of(&pulled, &v, "answers.JC-03.note"),
        Some(json!("三"))
    );
    assert_eq!(value_of(&pulled, &v, "state"), Some(json!("signed")));
}
both_backends!(a_server_restored_from_an_older_backup_asks_for_the_lost_seqs);

fn db_file(t: &TestApp) -> std::path::PathBuf {
    match &t.db.database {
        dudao_server::db::Database::Sqlite(path) => path.clone(),
        other => panic!("not a file: {other}"),
    }
}

async fn each_user_writes_and_sees_only_their_schools(backend: Backend) {
    let t = test_app_on(backend).await;
    let han = login(&t.router, "hanlixin", 1).await;
    let ma = login(&t.router, "mashufen", 2).await;
    let office = login(&t.router, "zhouli", 3).await;
    let (v_han, v_ma, v_stray) = (uuid(0x100), uuid(0x101), uuid(0x102));
    let now = now_ms();

    // QH0103 is 马淑芬's, not 韩立新's.
    let r = push(
        &t.router,
        &han,
        vec![
            new_visit(1, &v_han, "QH0101", "韩立新", at(now)),
            new_visit(2, &v_stray, "QH0103", "韩立新", at(now)),
        ],
    )
    .await;
    assert_eq!(r.results[0].status, MutationStatus::Applied);
    assert_eq!(r.results[1].status, MutationStatus::Rejected);
    let reason = r.results[1].reason.as_deref().expect("reason");
    assert!(reason.contains("not assigned to hanlixin"), "{reason}");
    push(
        &t.router,
        &ma,
        vec![new_visit(1, &v_ma, "QH0103", "马淑芬", at(now))],
    )
    .await;
    // Nor may he edit her visit once it exists.
    let r = push(
        &t.router,
        &han,
        vec![mutation(
            3,
            &v_ma,
            vec![op("state", json!("draft"), 1)],
            at(now + 1),
        )],
    )
    .await;
    assert_eq!(r.results[0].status, MutationStatus::Rejected);

    let ids = |p: &PullResponse| {
        p.changes
            .iter()
            .map(|c| c.entity_id.clone())
            .collect::<BTreeSet<_>>()
    };
    assert_eq!(
        ids(&pull_all(&t.router, &han).await),
        [v_han.clone()].into()
    );
    assert_eq!(ids(&pull_all(&t.router, &ma).await), [v_ma.clone()].into());
    assert_eq!(
        ids(&pull_all(&t.router, &office).await),
        [v_han.clone(), v_ma.clone()].into()
    );

    // A conflict in 马淑芬's school: hers and the office's to see and settle, not his.
    let status = format!("findings.{v_ma}:F1.status");
    push(
        &t.router,
        &office,
        vec![mutation(
            1,
            &v_ma,
            vec![op(&status, json!("closed"), 1)],
            at(now),
        )],
    )
    .await;
    push(
        &t.router,
        &ma,
        vec![mutation(
            2,
            &v_ma,
            vec![op(&status, json!("rectifying"), 1)],
            at(now + 1),
        )],
    )
    .await;
    assert!(conflicts(&t.router, &han, true).await.conflicts.is_empty());
    let open = conflicts(&t.router, &ma, false).await.conflicts;
    assert_eq!(open.len(), 1);
    let id = open[0].id;
    let uri = format!("/api/sync/conflicts/{id}/resolve");
    let denied = post(&t.router, &uri, &json!({}), Some(&han.token)).await;
    assert_eq!(denied.status, StatusCode::NOT_FOUND, "{}", denied.text());
    assert_eq!(denied.json()["error"], "not_found");
    let missing = post(
        &t.router,
        "/api/sync/conflicts/999999/resolve",
        &json!({}),
        Some(&ma.token),
    )
    .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);

    let settled = post(&t.router, &uri, &json!({}), Some(&office.token)).await;
    assert_eq!(settled.status, StatusCode::OK, "{}", settled.text());
    let resolved_at = settled.json()["resolved_at"].as_i64().expect("resolved_at");
    assert!(resolved_at >= now);
    // Settling again keeps the first settlement.
    let again = post(&t.router, &uri, &json!({}), Some(&ma.token)).await;
    assert_eq!(again.json()["resolved_at"], json!(resolved_at));
    assert!(conflicts(&t.router, &ma, false).await.conflicts.is_empty());
    let all = conflicts(&t.router, &ma, true).await.conflicts;
    assert_eq!(all.len(), 1);
    assert_eq!(all[0].resolved_at, Some(resolved_at));
}
both_backends!(each_user_writes_and_sees_only_their_schools);

async fn a_photo_needs_its_visit_on_the_server_first(backend: Backend) {
    let t = test_app_on(backend).await;
    let phone = login(&t.router, "hanlixin", 1).await;
    let (v, p) = (uuid(0x100), uuid(0x200));
    let now = now_ms();
    let meta = json!({"id": p, "visit_id": v, "item_code": "JC-01", "sha256": "ab".repeat(32),
                      "size": 1000, "width": 1600, "height": 1200, "mime": "image/jpeg",
                      "taken_at": now});
    let photo = |seq: i64| {
        json!({"seq": seq, "entity": "photo", "entity_id": p,
               "ops": [op("meta", meta.clone(), 0), op("deleted", json!(false), 0)],
               "hlc": at(now)})
    };
    let r = push(&t.router, &phone, vec![photo(1)]).await;
    assert_eq!(r.results[0].status, MutationStatus::Rejected);
    let reason = r.results[0].reason.as_deref().expect("reason");
    assert!(reason.contains("has not received"), "{reason}");

    let r = push(
        &t.router,
        &phone,
        vec![new_visit(2, &v, "QH0101", "韩立新", at(now)), photo(3)],
    )
    .await;
    assert!(
        r.results
            .iter()
            .all(|r| r.status == MutationStatus::Applied),
        "{r:?}"
    );
    let pulled = pull_all(&t.router, &phone).await;
    let meta_change = pulled
        .changes
        .iter()
        .find(|c| c.entity == "photo" && c.field == "meta")
        .expect("photo meta");
    assert_eq!(meta_change.school_id, demo_school("QH0101").id);
    assert_eq!(meta_change.value, meta);
}
both_backends!(a_photo_needs_its_visit_on_the_server_first);

async fn sync_requests_are_checked_before_anything_is_written(backend: Backend) {
    let t = test_app_on(backend).await;
    let han = login(&t.router, "hanlixin", 1).await;
    let ma = login(&t.router, "mashufen", 2).await;
    let v = uuid(0x100);
    let one = vec![new_visit(1, &v, "QH0101", "韩立新", at(now_ms()))];

    // 马淑芬's device under 韩立新's token.
    let stolen = Device {
        id: ma.id.clone(),
        token: han.token.clone(),
    };
    let reply = push_raw(&t.router, &stolen, one.clone()).await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    assert_eq!(reply.json()["error"], "device_not_registered");
    let unknown = Device {
        id: uuid(0x999),
        token: han.token.clone(),
    };
    assert_eq!(
        push_raw(&t.router, &unknown, one.clone()).await.status,
        StatusCode::FORBIDDEN
    );
    let bad = Device {
        id: "phone-1".into(),
        token: han.token.clone(),
    };
    let reply = push_raw(&t.router, &bad, one.clone()).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(reply.json()["error"], "invalid_request");
    let anonymous = post(
        &t.router,
        "/api/sync/push",
        &json!({"device_id": han.id, "mutations": one}),
        None,
    )
    .await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);

    for body in [
        json!({"device_id": han.id}),
        json!({"device_id": han.id, "mutations": [{"seq": 1}]}),
        json!({"device_id": han.id, "mutations": [], "extra": 1}),
        json!({"device_id": han.id, "mutations": [mutation(0, &v, vec![], at(1))]}),
        json!({"device_id": han.id, "mutations": [{"seq": 1, "entity": "visit",
               "entity_id": v, "ops": [], "hlc": "tomorrow"}]}),
    ] {
        let reply = post(&t.router, "/api/sync/push", &body, Some(&han.token)).await;
        assert_eq!(
            reply.status,
            StatusCode::BAD_REQUEST,
            "{body}: {}",
            reply.text()
        );
        assert_eq!(reply.json()["error"], "invalid_request");
    }
    // Too large (declared length), and not sent as JSON.
    let big = Request::builder()
        .method(Method::POST)
        .uri("/api/sync/push")
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::CONTENT_LENGTH, 4 * 1024 * 1024 + 1)
        .header(header::AUTHORIZATION, format!("Bearer {}", han.token))
        .body(Body::empty())
        .expect("request");
    let reply = send(&t.router, big).await;
    assert_eq!(reply.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(reply.json()["error"], "payload_too_large");
    let text = Request::builder()
        .method(Method::POST)
        .uri("/api/sync/push")
        .header(header::CONTENT_TYPE, "text/plain")
        .header(header::AUTHORIZATION, format!("Bearer {}", han.token))
        .body(Body::from(
            json!({"device_id": han.id, "mutations": one}).to_string(),
        ))
        .expect("request");
    let reply = send(&t.router, text).await;
    assert_eq!(reply.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(count(&t, "mutations").await, 0);

    for uri in [
        "/api/sync/pull?cursor=-1",
        "/api/sync/pull?cursor=abc",
        "/api/sync/pull?limit=0",
        "/api/sync/pull?limit=1001",
        "/api/sync/pull?limit=ten",
        "/api/sync/pull?device_id=phone",
        "/api/sync/conflicts?all=maybe",
    ] {
        let reply = get(&t.router, uri, &han.token).await;
        assert_eq!(
            reply.status,
            StatusCode::BAD_REQUEST,
            "{uri}: {}",
            reply.text()
        );
        assert_eq!(reply.json()["error"], "invalid_request");
    }
    let uri = format!("/api/sync/pull?device_id={}", ma.id);
    let reply = get(&t.router, &uri, &han.token).await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    assert_eq!(reply.json()["error"], "device_not_registered");
    // Without device_id, the session's device answers.
    let page = pull_page(&t.router, &han, 0, 10).await;
    assert_eq!(
        (page.device_last_seq, page.cursor, page.has_more),
        (0, 0, false)
    );
    assert!(!page.server_epoch.is_empty());
}
both_backends!(sync_requests_are_checked_before_anything_is_written);

/// Several phones push at once while a reader pages through the log three changes at a time.
/// The reader must see every change exactly once, in id order: a change id is handed out only
/// once every lower one has committed, so no page can pass over one that commits later.
async fn pull_pages_never_skip_a_change_during_concurrent_pushes(backend: Backend) {
    let t = test_app_on(backend).await;
    let writers = [
        ("hanlixin", "QH0101", "韩立新"),
        ("hanlixin", "QH0102", "韩立新"),
        ("hanlixin", "QH0105", "韩立新"),
        ("mashufen", "QH0103", "马淑芬"),
        ("mashufen", "QH0104", "马淑芬"),
        ("yangzhenhua", "QH0201", "杨振华"),
    ];
    let reader = login(&t.router, "zhouli", 99).await;
    let mut tasks = Vec::new();
    for (i, (user, code, name)) in writers.into_iter().enumerate() {
        let device = login(&t.router, user, i as u64 + 1).await;
        let router = t.router.clone();
        tasks.push(tokio::spawn(async move {
            let v = uuid(0x1000 + i as u64);
            let now = now_ms();
            let mut applied = 0;
            let first = push(
                &router,
                &device,
                vec![new_visit(1, &v, code, name, at(now))],
            )
            .await;
            assert_eq!(
                first.results[0].status,
                MutationStatus::Applied,
                "{first:?}"
            );
            applied += first.results[0].fields.len();
            for seq in 2..=30 {
                let batch = vec![mutation(
                    seq,
                    &v,
                    // Long and short transactions, so a later one often commits first.
                    (0..if i % 2 == 0 { 12 } else { 1 })
                        .map(|k| {
                            op(
                                &format!("answers.JC-{seq:02}-{k}.note"),
                                json!(format!("第{seq}次")),
                                0,
                            )
                        })
                        .collect(),
                    at(now + seq),
                )];
                let r = push(&router, &device, batch).await;
                assert_eq!(r.results[0].status, MutationStatus::Applied, "{r:?}");
                applied += r.results[0]
                    .fields
                    .iter()
                    .filter(|f| f.outcome == FieldOutcome::Applied)
                    .count();
                // Pacing, not timing: slow enough that the reader keeps up and its pages reach
                // the newest ids while other pushes are still in flight. (With change ids taken
                // outside the push's transaction, this run skips a hundred changes or more.)
                tokio::time::sleep(std::time::Duration::from_millis(20)).await;
            }
            applied
        }));
    }

    let mut seen = Vec::new();
    let mut cursor = 0;
    loop {
        let done = tasks.iter().all(|t| t.is_finished());
        let page = pull_page(&t.router, &reader, cursor, 10).await;
        seen.extend(page.changes.iter().map(|c| c.id));
        cursor = page.cursor;
        // Stop only after a full pass that started once every writer had finished.
        if done && !page.has_more {
            break;
        }
        tokio::task::yield_now().await;
    }
    let mut applied = 0;
    for task in tasks {
        applied += task.await.expect("writer");
    }
    assert!(
        seen.windows(2).all(|w| w[0] < w[1]),
        "ids rise page after page"
    );
    let all: Vec<i64> = pull_all(&t.router, &reader)
        .await
        .changes
        .iter()
        .map(|c| c.id)
        .collect();
    assert_eq!(seen, all, "the pages saw every change exactly once");
    assert_eq!(all.len(), applied);
}
/// As `both_backends!`, on a multi-threaded runtime: the pushes must really run in parallel
/// (on PostgreSQL, transactions overlapping between taking a change id and committing).
mod pull_pages_never_skip_a_change_during_concurrent_pushes {
    use crate::common::{pg_url, Backend};

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn sqlite() {
        super::pull_pages_never_skip_a_change_during_concurrent_pushes(Backend::Sqlite).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn postgres() {
        if pg_url().is_some() {
            super::pull_pages_never_skip_a_change_during_concurrent_pushes(Backend::Postgres).await;
        }
    }
}
