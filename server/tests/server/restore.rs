//! Issue 13, item 2: a database restored from a backup is told (new epoch), and devices that
//! replay the phone's rules (`src/sync/engine.rs`, `dudao_domain::sync::client`) end with every
//! change, the office's pulling-only device as much as the pushing phone; a cursor past the
//! head is refused. Item 7: text fields bounded, a header's school is the roster's, pull pages
//! bounded by bytes. On SQLite and PostgreSQL.

use std::collections::BTreeMap;

use axum::http::StatusCode;
use axum::Router;
use dudao_domain::sync::client::{record_key, RecordSync};
use dudao_domain::sync::fields::Fields;
use dudao_domain::sync::{Hlc, MutationStatus, PullResponse, PushResponse};
use dudao_server::{app, demo, AppState};
use serde_json::{json, Value};

use dudao_server::clock::now_ms;

use crate::common::{
    demo_school, get_as as get, post_json as post, test_app_on, uuid, Backend, Reply, TestApp,
};

fn header_with(s: &Value, supervisor: &str) -> Value {
    json!({"school_id": s["id"], "school": s, "supervisor": supervisor,
           "templates": [{"id": "wuxiang", "version": 1}], "started_at": now_ms()})
}

fn op(field: &str, value: Value, base_rev: i64) -> Value {
    json!({"field": field, "value": value, "base_rev": base_rev})
}

fn mutation(seq: i64, entity_id: &str, ops: Vec<Value>) -> Value {
    let hlc = Hlc::new(now_ms(), seq as u32);
    json!({"seq": seq, "entity": "visit", "entity_id": entity_id, "ops": ops, "hlc": hlc})
}

fn new_visit(seq: i64, id: &str, code: &str) -> Value {
    let s = serde_json::to_value(demo_school(code)).expect("school");
    mutation(
        seq,
        id,
        vec![
            op("header", header_with(&s, "韩立新"), 0),
            op("state", json!("finished"), 0),
        ],
    )
}

fn note(seq: i64, visit: &str, code: &str, text: &str) -> Value {
    mutation(
        seq,
        visit,
        vec![op(&format!("answers.{code}.note"), json!(text), 0)],
    )
}

async fn login(router: &Router, user: &str, n: u64) -> (String, String) {
    let id = uuid(n);
    let reply = post(
        router,
        "/api/login",
        &json!({"username": user, "password": demo::DEMO_PASSWORD, "device_id": id}),
        None,
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    (
        id,
        reply.json()["token"].as_str().expect("token").to_owned(),
    )
}

async fn push_raw(router: &Router, device: &str, token: &str, mutations: &[Value]) -> Reply {
    post(
        router,
        "/api/sync/push",
        &json!({"device_id": device, "mutations": mutations}),
        Some(token),
    )
    .await
}

async fn pull_raw(router: &Router, token: &str, cursor: &str, limit: i64) -> Reply {
    get(
        router,
        &format!("/api/sync/pull?cursor={cursor}&limit={limit}"),
        token,
    )
    .await
}

async fn pull_page(router: &Router, token: &str, cursor: i64, limit: i64) -> PullResponse {
    let reply = pull_raw(router, token, &cursor.to_string(), limit).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    serde_json::from_slice(&reply.body).expect("pull response")
}

/// A device as the phone's sync engine drives it: every mutation retained until the end of
/// the test, the highest `seq` acknowledged, the epoch and cursor it knows, and its records as
/// `RecordSync` plus local fields. `pushes`: false for the office, which only pulls.
struct Device {
    id: String,
    token: String,
    outbox: Vec<Value>,
    acked: i64,
    epoch: Option<String>,
    cursor: i64,
    records: BTreeMap<String, (RecordSync, Fields)>,
    /// Epochs seen that made it start over.
    resyncs: u32,
}

impl Device {
    async fn new(router: &Router, user: &str, n: u64) -> Device {
        let (id, token) = login(router, user, n).await;
        Device {
            id,
            token,
            outbox: Vec::new(),
            acked: 0,
            epoch: None,
            cursor: 0,
            records: BTreeMap::new(),
            resyncs: 0,
        }
    }

    fn local(&self, visit: &str, field: &str) -> Option<&Value> {
        self.records
            .get(&record_key("visit", visit))
            .and_then(|(_, local)| local.get(field))
    }

    /// (b) Push what was not acknowledged; on 409 re-send the retained ones from `expected`.
    async fn push_from(&mut self, router: &Router, after: i64) {
        let mut after = after;
        loop {
            let batch: Vec<Value> = self
                .outbox
                .iter()
                .filter(|m| m["seq"].as_i64().expect("seq") > after)
                .cloned()
                .collect();
            if batch.is_empty() {
                return;
            }
            let reply = push_raw(router, &self.id, &self.token, &batch).await;
            if reply.status == StatusCode::CONFLICT {
                after = reply.json()["expected"].as_i64().expect("expected") - 1;
                continue;
            }
            assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
            let r: PushResponse = serde_json::from_slice(&reply.body).expect("push");
            assert!(
                r.results
                    .iter()
                    .all(|r| r.status != MutationStatus::Rejected),
                "{:?}",
                r.results
            );
            self.acked = r.last_seq;
            return;
        }
    }

    /// One sync cycle as `src/sync/engine.rs` runs it: push, then pull until `has_more` is
    /// false; a new epoch or a `device_last_seq` below what was acknowledged means a restored
    /// server: re-send the retained mutations after `device_last_seq`, pull again from 0.
    async fn sync(&mut self, router: &Router) {
        let acked = self.acked;
        self.push_from(router, acked).await;
        let mut rebase = false;
        let mut cursor = self.cursor;
        let mut first = true;
        loop {
            let page = pull_page(router, &self.token, cursor, 200).await;
            if first && !rebase {
                let new_epoch = self.epoch.as_ref().is_some_and(|e| *e != page.server_epoch);
                if new_epoch || page.device_last_seq < self.acked {
                    self.resyncs += 1;
                    self.push_from(router, page.device_last_seq).await;
                    rebase = true;
                    cursor = 0;
                    continue;
                }
            }
            first = false;
            for change in &page.changes {
                let key = record_key(&change.entity, &change.entity_id);
                let (record, local) = self.records.entry(key).or_insert_with(|| {
                    (
                        RecordSync::new(&change.entity, &change.entity_id),
                        Fields::new(),
                    )
                });
                if let Some(value) = record.pulled(change, local, rebase) {
                    local.insert(change.field.clone(), value);
                }
            }
            cursor = page.cursor;
            if !page.has_more {
                self.epoch = Some(page.server_epoch);
                self.cursor = cursor;
                return;
            }
        }
    }
}

/// Copies the sync tables (and the devices' `last_seq`) as a backup would hold them.
async fn back_up(t: &TestApp, backend: Backend, name: &str) {
    match backend {
        Backend::Sqlite => {
            let file = t._dir.path().join(format!("{name}.sqlite"));
            t.db.execute(&format!("VACUUM INTO '{}'", file.display()))
                .await
                .expect("back up");
        }
        Backend::Postgres => {
            for table in SYNC_TABLES {
                t.db.execute(&format!("CREATE TABLE {name}_{table} AS TABLE {table}"))
                    .await
                    .expect("back up");
            }
            t.db.execute(&format!(
                "CREATE TABLE {name}_devices AS SELECT id, last_seq FROM devices"
            ))
            .await
            .expect("back up");
        }
    }
}

const SYNC_TABLES: [&str; 6] = [
    "server_meta",
    "mutations",
    "records",
    "fields",
    "changes",
    "conflicts",
];

/// Puts the backup back. SQLite: the server is stopped, the file copied over the live one,
/// and the server started again on the same data directory. PostgreSQL: the tables are
/// restored under the running server, as a `pg_restore --clean` would.
async fn restore(t: &mut TestApp, backend: Backend, name: &str) {
    match backend {
        Backend::Sqlite => {
            t.state.store.close().await;
            let live = match &t.db.database {
                dudao_server::db::Database::Sqlite(path) => path.clone(),
                other => panic!("not a file: {other}"),
            };
            for suffix in ["-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", live.display()));
            }
            std::fs::copy(t._dir.path().join(format!("{name}.sqlite")), &live).expect("restore");
            let store = t.db.open().await;
            let state = AppState::new(store, t._dir.path().join("dist"))
                .with_data_dir(&t._dir.path().join("data"));
            // What `dudao-server serve` does when it starts.
            state
                .sync_head
                .current(state.store.as_ref())
                .await
                .expect("start");
            t.router = app(state.clone());
            t.state = state;
        }
        Backend::Postgres => {
            for table in SYNC_TABLES {
                t.db.execute(&format!("DELETE FROM {table}"))
                    .await
                    .expect("restore");
                t.db.execute(&format!("INSERT INTO {table} SELECT * FROM {name}_{table}"))
                    .await
                    .expect("restore");
            }
            t.db.execute(&format!(
                "UPDATE devices SET last_seq = b.last_seq FROM {name}_devices b \
                 WHERE b.id = devices.id"
            ))
            .await
            .expect("restore");
        }
    }
}

async fn head(t: &TestApp) -> (String, i64) {
    t.state.store.sync_head().await.expect("head")
}

/// The phone keeps working through a backup and a restore; the office only pulls. After the
/// restore both see a new epoch, start over, and end with every change the phone made; no
/// change id a device has seen is handed out again.
async fn after_a_restore_every_device_gets_every_change(backend: Backend) {
    let mut t = test_app_on(backend).await;
    let mut phone = Device::new(&t.router, "hanlixin", 1).await;
    let mut office = Device::new(&t.router, "zhouli", 2).await;
    let v = uuid(0x100);
    let w = uuid(0x200);

    phone.outbox = vec![new_visit(1, &v, "QH0101"), note(2, &v, "JC-01", "一")];
    phone.sync(&t.router).await;
    office.sync(&t.router).await;
    let epoch = office.epoch.clone().expect("epoch");
    assert_eq!(office.local(&v, "answers.JC-01.note"), Some(&json!("一")));

    back_up(&t, backend, "nightly").await;

    phone.outbox.push(note(3, &v, "JC-02", "二"));
    phone.outbox.push(note(4, &v, "JC-03", "三"));
    phone.sync(&t.router).await;
    assert_eq!(phone.acked, 4);
    office.sync(&t.router).await;
    assert_eq!(office.local(&v, "answers.JC-03.note"), Some(&json!("三")));
    let served = office.cursor;
    assert_eq!(head(&t).await.1, served);

    restore(&mut t, backend, "nightly").await;
    let (new_epoch, new_head) = head(&t).await;
    if backend == Backend::Sqlite {
        // Told when the server started.
        assert_ne!(
            new_epoch, epoch,
            "a restored file gets a new epoch at start"
        );
        assert!(
            new_head >= served,
            "change ids continue after {served}: {new_head}"
        );
    }

    // The phone works on: a new visit, before anyone pulls.
    phone.outbox.push(new_visit(5, &w, "QH0101"));
    phone.outbox.push(note(6, &w, "JC-01", "新"));
    phone.sync(&t.router).await;
    assert_eq!(phone.resyncs, 1, "the phone saw the restore");
    assert_eq!(phone.acked, 6);

    office.sync(&t.router).await;
    assert_eq!(office.resyncs, 1, "the office saw the restore");
    assert_ne!(office.epoch.as_deref(), Some(epoch.as_str()));
    office.sync(&t.router).await;
    phone.sync(&t.router).await;
    assert_eq!(office.resyncs, 1);
    assert_eq!(phone.resyncs, 1);

    for device in [&office, &phone] {
        for (visit, field, value) in [
            (&v, "answers.JC-01.note", "一"),
            (&v, "answers.JC-02.note", "二"),
            (&v, "answers.JC-03.note", "三"),
            (&w, "answers.JC-01.note", "新"),
            (&w, "state", "finished"),
        ] {
            assert_eq!(
                device.local(visit, field),
                Some(&json!(value)),
                "{} has {visit} {field}",
                device.id
            );
        }
    }
    // The server holds them all: a device new to it pulls them from 0.
    let fresh = Device::new(&t.router, "zhouli", 3).await;
    let everything = pull_page(&t.router, &fresh.token, 0, 1000).await;
    for (visit, field) in [
        (&v, "answers.JC-02.note"),
        (&v, "answers.JC-03.note"),
        (&w, "answers.JC-01.note"),
    ] {
        assert!(
            everything
                .changes
                .iter()
                .any(|c| &c.entity_id == visit && c.field == field),
            "{visit} {field} on the server"
        );
    }
    // Every change id after the restore is new to the devices.
    let all = pull_page(&t.router, &office.token, served, 1000).await;
    assert!(
        !all.changes.is_empty(),
        "the re-sent and new changes come after {served}"
    );
    assert!(all.changes.iter().any(|c| c.field == "answers.JC-02.note"));
}
both_backends!(after_a_restore_every_device_gets_every_change);

/// A cursor past the change log's head is a 400 naming the head, not an empty page.
async fn a_cursor_past_the_head_is_refused_naming_the_head(backend: Backend) {
    let t = test_app_on(backend).await;
    let (device, token) = login(&t.router, "hanlixin", 1).await;
    let v = uuid(0x100);
    let reply = push_raw(&t.router, &device, &token, &[new_visit(1, &v, "QH0101")]).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    let (_, last) = head(&t).await;
    assert!(last > 0);

    let at_head = pull_page(&t.router, &token, last, 10).await;
    assert!(at_head.changes.is_empty());
    assert_eq!(at_head.cursor, last);

    for cursor in [(last + 1).to_string(), i64::MAX.to_string()] {
        let reply = pull_raw(&t.router, &token, &cursor, 10).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{}", reply.text());
        let body = reply.json();
        assert_eq!(body["error"], "invalid_request");
        let message = body["message"].as_str().expect("message");
        assert!(
            message.contains(&format!("the last change is {last}")),
            "{message}"
        );
        assert!(message.contains(&cursor), "{message}");
    }
}
both_backends!(a_cursor_past_the_head_is_refused_naming_the_head);

/// A restore the server cannot tell (the data directory's `sync-head` restored with the
/// database): the office's cursor is past the head and refused, until the operator runs
/// `dudao-server rotate-epoch`; then it sees a new epoch and gets everything again.
async fn rotate_epoch_by_hand_recovers_a_restore_the_server_missed(backend: Backend) {
    let mut t = test_app_on(backend).await;
    let mut phone = Device::new(&t.router, "hanlixin", 1).await;
    let mut office = Device::new(&t.router, "zhouli", 2).await;
    let v = uuid(0x100);
    phone.outbox = vec![new_visit(1, &v, "QH0101")];
    phone.sync(&t.router).await;
    office.sync(&t.router).await;
    back_up(&t, backend, "whole").await;
    let data = t._dir.path().join("data");
    let head_file = std::fs::read(data.join(dudao_server::restore::HEAD_FILE)).expect("sync-head");

    phone.outbox.push(note(2, &v, "JC-01", "一"));
    phone.sync(&t.router).await;
    office.sync(&t.router).await;
    let epoch = office.epoch.clone();

    // The head file goes back too, and a fresh server remembers nothing else.
    std::fs::write(data.join(dudao_server::restore::HEAD_FILE), head_file).expect("restore");
    restore(&mut t, backend, "whole").await;
    if backend == Backend::Postgres {
        let state =
            AppState::new(t.state.store.clone(), t._dir.path().join("dist")).with_data_dir(&data);
        t.router = app(state.clone());
        t.state = state;
    }
    let reply = pull_raw(&t.router, &office.token, &office.cursor.to_string(), 200).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{}", reply.text());

    let (new_epoch, new_head) =
        dudao_server::restore::rotate_by_hand(t.state.store.as_ref(), &data)
            .await
            .expect("rotate-epoch");
    assert_ne!(Some(new_epoch), epoch);
    assert!(new_head > office.cursor);

    office.sync(&t.router).await;
    phone.sync(&t.router).await;
    office.sync(&t.router).await;
    assert_eq!(office.resyncs, 1);
    assert_eq!(phone.resyncs, 1);
    assert_eq!(office.local(&v, "answers.JC-01.note"), Some(&json!("一")));
}
both_backends!(rotate_epoch_by_hand_recovers_a_restore_the_server_missed);

fn reasons(reply: &PushResponse) -> Vec<Option<&str>> {
    reply.results.iter().map(|r| r.reason.as_deref()).collect()
}

/// A text field over 64 KiB is rejected with the field and the limit; 64 KiB is kept.
async fn a_text_field_over_64_kib_is_rejected_naming_the_field(backend: Backend) {
    let t = test_app_on(backend).await;
    let (device, token) = login(&t.router, "hanlixin", 1).await;
    let v = uuid(0x100);
    let limit = dudao_server::api::sync::limits::MAX_TEXT_BYTES;
    let fits = "a".repeat(limit);
    let over = "字".repeat(limit / 3 + 1);
    let s = serde_json::to_value(demo_school("QH0101")).expect("school");
    let reply = push_raw(
        &t.router,
        &device,
        &token,
        &[
            new_visit(1, &v, "QH0101"),
            note(2, &v, "JC-01", &fits),
            note(3, &v, "JC-02", &over),
            mutation(
                4,
                &uuid(0x200),
                vec![op("header", header_with(&s, &over), 0)],
            ),
            mutation(
                5,
                &v,
                vec![op(
                    &format!("findings.{v}:JC-02.description"),
                    json!(over),
                    0,
                )],
            ),
        ],
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    let r: PushResponse = serde_json::from_slice(&reply.body).expect("push");
    let statuses: Vec<MutationStatus> = r.results.iter().map(|r| r.status).collect();
    assert_eq!(
        statuses,
        [
            MutationStatus::Applied,
            MutationStatus::Applied,
            MutationStatus::Rejected,
            MutationStatus::Rejected,
            MutationStatus::Rejected,
        ]
    );
    let reasons = reasons(&r);
    for (reason, field) in [
        (reasons[2], "answers.JC-02.note"),
        (reasons[3], "header.supervisor"),
        (reasons[4], &format!("findings.{v}:JC-02.description")),
    ] {
        let reason = reason.expect("reason");
        assert!(reason.starts_with(field), "{reason}");
        assert!(reason.contains("65536"), "{reason}");
        assert!(reason.contains(&(over.len()).to_string()), "{reason}");
    }
    let pulled = pull_page(&t.router, &token, 0, 1000).await;
    let kept = pulled
        .changes
        .iter()
        .find(|c| c.field == "answers.JC-01.note")
        .expect("the 64 KiB note is kept");
    assert_eq!(kept.value.as_str().map(str::len), Some(limit));
    assert!(!pulled
        .changes
        .iter()
        .any(|c| c.field == "answers.JC-02.note"));
}
both_backends!(a_text_field_over_64_kib_is_rejected_naming_the_field);

/// A header's school is the roster's: a made-up name and county are replaced by the roster's
/// (the visit is kept); a school the roster does not have is refused.
async fn a_visit_headers_school_is_the_rosters(backend: Backend) {
    let t = test_app_on(backend).await;
    let (device, token) = login(&t.router, "hanlixin", 1).await;
    let roster = demo_school("QH0101");
    let mut stale = serde_json::to_value(&roster).expect("school");
    stale["name"] = json!("假冒学校");
    stale["county"] = json!("别的县");
    stale["district"] = json!("别的镇");
    stale["code"] = json!("XX9999");
    let mut unknown = serde_json::to_value(&roster).expect("school");
    unknown["id"] = json!(uuid(0xdead));
    let v = uuid(0x100);
    let reply = push_raw(
        &t.router,
        &device,
        &token,
        &[
            mutation(1, &v, vec![op("header", header_with(&stale, "韩立新"), 0)]),
            mutation(
                2,
                &uuid(0x200),
                vec![op("header", header_with(&unknown, "韩立新"), 0)],
            ),
        ],
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    let r: PushResponse = serde_json::from_slice(&reply.body).expect("push");
    assert_eq!(
        r.results[0].status,
        MutationStatus::Applied,
        "{:?}",
        r.results
    );
    assert_eq!(r.results[1].status, MutationStatus::Rejected);
    assert!(
        r.results[1]
            .reason
            .as_deref()
            .is_some_and(|m| m.contains(&uuid(0xdead))),
        "{:?}",
        r.results[1]
    );

    // The office sees the roster's school on the record.
    let (_, office) = login(&t.router, "zhouli", 2).await;
    let pulled = pull_page(&t.router, &office, 0, 1000).await;
    let header = &pulled
        .changes
        .iter()
        .find(|c| c.entity_id == v && c.field == "header")
        .expect("header")
        .value;
    assert_eq!(header["school"]["name"], json!(roster.name));
    assert_eq!(header["school"]["county"], json!(roster.county));
    assert_eq!(header["school"]["district"], json!(roster.district));
    assert_eq!(header["school"]["code"], json!(roster.code));
    assert!(!pulled.changes.iter().any(|c| c.entity_id == uuid(0x200)));
}
both_backends!(a_visit_headers_school_is_the_rosters);

/// Changes of 60 KiB each: a page asked for 1,000 stops near 1 MiB, has more, and paging
/// brings every change.
async fn pull_pages_are_bounded_by_bytes(backend: Backend) {
    let t = test_app_on(backend).await;
    let (device, token) = login(&t.router, "hanlixin", 1).await;
    let v = uuid(0x100);
    let text = "b".repeat(60 * 1024);
    let mut seq = 1;
    let mut first = vec![new_visit(seq, &v, "QH0101")];
    for batch in 0..2 {
        let mut mutations = std::mem::take(&mut first);
        for i in 0..20 {
            seq += 1;
            mutations.push(note(seq, &v, &format!("JC-{batch}{i:02}"), &text));
        }
        let reply = push_raw(&t.router, &device, &token, &mutations).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    }
    let page = pull_raw(&t.router, &token, "0", 1000).await;
    assert_eq!(page.status, StatusCode::OK);
    let limit = dudao_server::api::sync::limits::MAX_PULL_PAGE_BYTES;
    assert!(
        page.body.len() < limit + 100 * 1024,
        "{} bytes",
        page.body.len()
    );
    let first: PullResponse = serde_json::from_slice(&page.body).expect("pull");
    assert!(first.has_more);
    assert!(!first.changes.is_empty());

    let mut notes = 0;
    let mut cursor = 0;
    loop {
        let page = pull_page(&t.router, &token, cursor, 1000).await;
        notes += page
            .changes
            .iter()
            .filter(|c| c.field.ends_with(".note"))
            .count();
        assert!(page.cursor > cursor || !page.has_more);
        cursor = page.cursor;
        if !page.has_more {
            break;
        }
    }
    assert_eq!(notes, 40);
}
both_backends!(pull_pages_are_bounded_by_bytes);
