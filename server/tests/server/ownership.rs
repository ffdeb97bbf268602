//! Issue 13, items 1, 4 and 5: a device stays with the user who registered it, parallel wrong
//! passwords get no more password checks than the lockout allows, and a photo belongs to the
//! user who took it.

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use dudao_domain::sync::Hlc;
use dudao_server::demo;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use dudao_server::clock::now_ms;

use crate::common::{
    device_of, get_as, post_json as post, send, test_app_on, token_of, uuid, Backend, Reply,
    TestApp,
};

fn op(field: &str, value: Value) -> Value {
    json!({"field": field, "value": value, "base_rev": 0})
}

/// A new visit at the demo school `code`, as mutation `seq`.
fn new_visit(seq: i64, visit: &str, code: &str, supervisor: &str) -> Value {
    let school = demo::schools()
        .into_iter()
        .find(|s| s.code == code)
        .expect("demo school");
    let header = json!({"school_id": school.id, "school": school, "supervisor": supervisor,
                        "templates": [{"id": "wuxiang", "version": 1}], "started_at": now_ms()});
    json!({"seq": seq, "entity": "visit", "entity_id": visit, "hlc": Hlc::new(now_ms(), 0),
           "ops": [op("header", header), op("state", json!("finished"))]})
}

/// The record of photo `photo` (of `bytes`) on `visit`, as mutation `seq`.
fn photo_record(seq: i64, photo: &str, visit: &str, bytes: &[u8]) -> Value {
    let meta = json!({"id": photo, "visit_id": visit, "item_code": "JC-01",
                      "sha256": sha256_hex(bytes), "size": bytes.len(), "width": 1600,
                      "height": 1200, "mime": "image/jpeg", "taken_at": now_ms()});
    json!({"seq": seq, "entity": "photo", "entity_id": photo, "hlc": Hlc::new(now_ms(), 0),
           "ops": [op("meta", meta), op("deleted", json!(false))]})
}

async fn login(router: &Router, username: &str, password: &str, device: &str) -> Reply {
    post(
        router,
        "/api/login",
        &json!({"username": username, "password": password, "device_id": device,
                "device_name": "测试手机"}),
        None,
    )
    .await
}

async fn token(router: &Router, username: &str, device: &str) -> String {
    let reply = login(router, username, demo::DEMO_PASSWORD, device).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    reply.json()["token"].as_str().expect("token").to_owned()
}

async fn push(router: &Router, token: &str, device: &str, mutations: Vec<Value>) -> Reply {
    post(
        router,
        "/api/sync/push",
        &json!({"device_id": device, "mutations": mutations}),
        Some(token),
    )
    .await
}

/// A push that must be answered 200 with every mutation applied; returns `last_seq`.
async fn push_applied(router: &Router, token: &str, device: &str, mutations: Vec<Value>) -> i64 {
    let reply = push(router, token, device, mutations).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    let body = reply.json();
    for result in body["results"].as_array().expect("results") {
        assert_eq!(result["status"], "applied", "{result}");
    }
    body["last_seq"].as_i64().expect("last_seq")
}

/// How many rows `table` has, on both backends (an UPDATE that changes nothing counts them).
async fn count(t: &TestApp, table: &str, column: &str) -> u64 {
    t.db.execute(&format!("UPDATE {table} SET {column} = {column}"))
        .await
        .expect("count")
}

// Item 1.

/// The takeover of issue 13, item 1: B signs in with A's device id. B gets a device id of its
/// own (never A's sequence: A's next numbers stay A's), A goes on pushing, and every change of
/// both is stored.
async fn a_device_stays_with_the_user_who_registered_it(backend: Backend) {
    let t = test_app_on(backend).await;
    let r = &t.router;
    let d = uuid(0xd);
    let a = token(r, "hanlixin", &d).await;
    let seqs: Vec<Value> = (1..=3)
        .map(|seq| new_visit(seq, &uuid(0xa00 + seq as u64), "QH0101", "韩立新"))
        .collect();
    assert_eq!(push_applied(r, &a, &d, seqs).await, 3);

    // B presents D: signed in, but under a new device id of B's own; D stays A's.
    let reply = login(r, "mashufen", demo::DEMO_PASSWORD, &d).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    let body = reply.json();
    let e = body["device_id"].as_str().expect("device_id").to_owned();
    assert_ne!(e, d, "a device never changes hands");
    assert!(uuid::Uuid::try_parse(&e).is_ok(), "{e}");
    let b = body["token"].as_str().expect("token").to_owned();
    // With that token, B cannot push to or pull as D.
    let refused = push(
        r,
        &b,
        &d,
        vec![new_visit(4, &uuid(0xb04), "QH0103", "马淑芬")],
    )
    .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.text());
    assert_eq!(refused.json()["error"], "device_not_registered");
    let pulled = get_as(r, &format!("/api/sync/pull?device_id={d}"), &b).await;
    assert_eq!(pulled.status, StatusCode::FORBIDDEN, "{}", pulled.text());
    assert_eq!(pulled.json()["error"], "device_not_registered");

    // A's token still works on D, and A goes on from seq 4.
    let next = vec![
        new_visit(4, &uuid(0xa04), "QH0101", "韩立新"),
        new_visit(5, &uuid(0xa05), "QH0101", "韩立新"),
    ];
    assert_eq!(push_applied(r, &a, &d, next).await, 5);
    // A signing in again on D keeps D and its sequence.
    let a2 = token(r, "hanlixin", &d).await;
    let pulled = get_as(r, &format!("/api/sync/pull?device_id={d}"), &a2).await;
    assert_eq!(pulled.status, StatusCode::OK, "{}", pulled.text());
    assert_eq!(pulled.json()["device_last_seq"], 5);
    let last = vec![new_visit(6, &uuid(0xa06), "QH0101", "韩立新")];
    assert_eq!(push_applied(r, &a2, &d, last).await, 6);
    // B pushes its own on its new device, numbering on from where the phone stood (a phone
    // handed on keeps counting): seq 4 and 5, while A's 4 and 5 on D were stored too.
    let own = vec![
        new_visit(4, &uuid(0xb01), "QH0103", "马淑芬"),
        new_visit(5, &uuid(0xb02), "QH0103", "马淑芬"),
    ];
    assert_eq!(push_applied(r, &b, &e, own).await, 5);

    // Every change of both: A's six visits and B's two, each once.
    assert_eq!(count(&t, "records", "entity_id").await, 8);
    assert_eq!(count(&t, "mutations", "entity_id").await, 8);
    let admin = token_of(r, "admin").await;
    let all = get_as(r, "/api/sync/pull?limit=1000", &admin).await;
    let changes = all.json()["changes"].clone();
    for n in [0xa01, 0xa02, 0xa03, 0xa04, 0xa05, 0xa06, 0xb01, 0xb02] {
        let id = uuid(n);
        assert!(
            changes
                .as_array()
                .expect("changes")
                .iter()
                .any(|c| c["entity_id"] == id.as_str() && c["field"] == "header"),
            "visit {id} missing"
        );
    }
}

both_backends!(a_device_stays_with_the_user_who_registered_it);

// Item 4.

/// 50 wrong passwords at once for one username: only 5 get their password checked (401), the
/// rest are 429 without a check; then even the right password waits for the window to end.
async fn parallel_wrong_passwords_get_at_most_five_password_checks(backend: Backend) {
    let t = test_app_on(backend).await;
    let device = device_of("hanlixin");
    let tasks: Vec<_> = (0..50)
        .map(|i| {
            let router = t.router.clone();
            let device = device.clone();
            tokio::spawn(async move {
                let body = json!({"username": "hanlixin", "password": format!("guess-{i}"),
                                  "device_id": device});
                let request = Request::post("/api/login")
                    .header(header::CONTENT_TYPE, "application/json")
                    .body(Body::from(body.to_string()))
                    .expect("request");
                send(&router, request).await
            })
        })
        .collect();
    let (mut checked, mut locked) = (0, 0);
    for task in tasks {
        let reply = task.await.expect("task");
        match reply.status {
            StatusCode::UNAUTHORIZED => {
                assert_eq!(reply.json()["error"], "bad_credentials");
                checked += 1;
            }
            StatusCode::TOO_MANY_REQUESTS => {
                assert_eq!(reply.json()["error"], "rate_limited");
                assert!(reply.header("retry-after").parse::<u64>().expect("seconds") > 0);
                locked += 1;
            }
            other => panic!("{other}: {}", reply.text()),
        }
    }
    assert_eq!((checked, locked), (5, 45));

    // The right password is refused too while the window lasts.
    let right = login(&t.router, "hanlixin", demo::DEMO_PASSWORD, &device).await;
    assert_eq!(
        right.status,
        StatusCode::TOO_MANY_REQUESTS,
        "{}",
        right.text()
    );
    // Another user from the same address is not locked.
    token(&t.router, "mashufen", &device_of("mashufen")).await;

    // The window ends (moved back 15 minutes in the store, which every instance shares).
    t.db.execute("UPDATE login_attempts SET window_start = window_start - 900000")
        .await
        .expect("age the attempts");
    let right = login(&t.router, "hanlixin", demo::DEMO_PASSWORD, &device).await;
    assert_eq!(right.status, StatusCode::OK, "{}", right.text());
    // Success cleared the count: a wrong password is checked again.
    let wrong = login(&t.router, "hanlixin", "guess", &device).await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED, "{}", wrong.text());
}

both_backends!(parallel_wrong_passwords_get_at_most_five_password_checks);

// Item 5.

const PHOTO: &str = "0190a6e2-0000-7000-8000-0000000013a5";

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn photo_bytes() -> Vec<u8> {
    (0..50_000u32).map(|i| (i * 31 % 251) as u8).collect()
}

async fn create_upload(router: &Router, token: &str, bytes: &[u8]) -> Reply {
    post(
        router,
        "/api/photos",
        &json!({"photo_id": PHOTO, "sha256": sha256_hex(bytes), "size": bytes.len(),
                "mime": "image/jpeg"}),
        Some(token),
    )
    .await
}

async fn upload_whole(router: &Router, token: &str, bytes: &[u8]) {
    let created = create_upload(router, token, bytes).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text());
    let request = Request::patch(format!("/api/photos/{PHOTO}"))
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, "application/offset+octet-stream")
        .header("upload-offset", "0")
        .body(Body::from(bytes.to_vec()))
        .expect("request");
    let reply = send(router, request).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    assert_eq!(reply.json()["complete"], true);
}

/// 韩立新 (QH0101) takes the photo; 马淑芬 (QH0103) knows its id.
struct PhotoScene {
    t: TestApp,
    owner: String,
    other: String,
    owner_visit: String,
    other_visit: String,
}

async fn photo_scene(backend: Backend) -> PhotoScene {
    let t = test_app_on(backend).await;
    let owner = token_of(&t.router, "hanlixin").await;
    let other = token_of(&t.router, "mashufen").await;
    let (owner_visit, other_visit) = (uuid(0x5a1), uuid(0x5b1));
    let visit = new_visit(1, &owner_visit, "QH0101", "韩立新");
    push_applied(&t.router, &owner, &device_of("hanlixin"), vec![visit]).await;
    let visit = new_visit(1, &other_visit, "QH0103", "马淑芬");
    push_applied(&t.router, &other, &device_of("mashufen"), vec![visit]).await;
    PhotoScene {
        t,
        owner,
        other,
        owner_visit,
        other_visit,
    }
}

/// The bytes first: another user's record naming them is rejected, so they cannot download
/// them; the owner's record then goes in and the office of its county sees the photo.
async fn a_record_cannot_claim_another_users_uploaded_photo(backend: Backend) {
    let s = photo_scene(backend).await;
    let r = &s.t.router;
    let bytes = photo_bytes();
    upload_whole(r, &s.owner, &bytes).await;

    let claim = photo_record(2, PHOTO, &s.other_visit, &bytes);
    let reply = push(r, &s.other, &device_of("mashufen"), vec![claim]).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    let result = &reply.json()["results"][0];
    assert_eq!(result["status"], "rejected", "{result}");
    let reason = result["reason"].as_str().expect("reason");
    assert!(reason.contains("uploaded by another account"), "{reason}");
    let download = get_as(r, &format!("/api/photos/{PHOTO}"), &s.other).await;
    assert_eq!(
        download.status,
        StatusCode::FORBIDDEN,
        "{}",
        download.text()
    );
    assert_ne!(download.body, bytes);

    let own = photo_record(2, PHOTO, &s.owner_visit, &bytes);
    push_applied(r, &s.owner, &device_of("hanlixin"), vec![own]).await;
    for who in [&s.owner, &token_of(r, "zhouli").await] {
        let download = get_as(r, &format!("/api/photos/{PHOTO}"), who).await;
        assert_eq!(download.status, StatusCode::OK, "{}", download.text());
        assert_eq!(download.body, bytes);
    }
    let download = get_as(r, &format!("/api/photos/{PHOTO}"), &s.other).await;
    assert_eq!(
        download.status,
        StatusCode::FORBIDDEN,
        "{}",
        download.text()
    );
}

both_backends!(a_record_cannot_claim_another_users_uploaded_photo);

/// The record first: once a user recorded a photo id, another user's bytes cannot be put under
/// it (403, nothing stored), so the record's author never gets them.
async fn bytes_cannot_go_under_another_users_photo_record(backend: Backend) {
    let s = photo_scene(backend).await;
    let r = &s.t.router;
    let bytes = photo_bytes();
    let claim = photo_record(2, PHOTO, &s.other_visit, &bytes);
    push_applied(r, &s.other, &device_of("mashufen"), vec![claim]).await;

    let refused = create_upload(r, &s.owner, &bytes).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.text());
    assert_eq!(refused.json()["error"], "forbidden");
    let message = refused.json()["message"]
        .as_str()
        .expect("message")
        .to_owned();
    assert!(message.contains("another account's photo"), "{message}");
    assert_eq!(count(&s.t, "photo_uploads", "photo_id").await, 0);
    let download = get_as(r, &format!("/api/photos/{PHOTO}"), &s.other).await;
    assert_eq!(
        download.status,
        StatusCode::NOT_FOUND,
        "{}",
        download.text()
    );
    assert_ne!(download.body, bytes);
}

both_backends!(bytes_cannot_go_under_another_users_photo_record);
