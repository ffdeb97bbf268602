//! The sync engine's IndexedDB side in a real browser (headless Chromium): what a supervisor
//! relies on when the network comes and goes — 70 keystrokes in a note go to the office as one
//! change, a visit's creation before its photos; a push that fails leaves every change to send
//! again; an answer from the server is kept, refused changes included; a pulled page and its
//! cursor are saved together or not at all; a photo's full-size copy goes only once the server
//! has it.
#![cfg(target_arch = "wasm32")]

use dudao::storage::idb::{Db, MUTATIONS, OUTBOX, PHOTOS, SYNC_RECORDS, VISITS};
use dudao::storage::outbox;
use dudao::storage::photos::{self, StoredPhoto};
use dudao::storage::repo;
use dudao::sync::store::{self, MutationState, StoredMutation};
use dudao_domain::backup::sha256_hex;
use dudao_domain::photo::PhotoMeta;
use dudao_domain::sync::fields::visit_fields;
use dudao_domain::sync::wire::{
    Change, FieldOutcome, FieldResult, MutationResult, MutationStatus, PullResponse, PushResponse,
};
use dudao_domain::sync::Hlc;
use dudao_domain::{AnswerKind, Checklist, Template, Visit};
use serde_json::json;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

mod common;
use common::{blob_of, bytes, fresh_db, school, template};

/// The first compliance item of 五项管理 at the test school.
fn item(t: &Template) -> String {
    two_items(t).0
}

/// A visit started on this phone, saved with its creation entry, as the schools page does.
async fn started(db: &Db, id: &str) -> (Visit, Template) {
    let t = template();
    let v = Visit::new(id.into(), &school(), "韩立新".into(), &[&t], 1_000);
    repo::save_visit_in(db, None, &v).await.unwrap();
    (v, t)
}

/// Types `text` into the item's note key by key, each keystroke saved with its outbox entry.
async fn type_note(db: &Db, v: &mut Visit, t: &Template, code: &str, text: &str) {
    let s = school();
    let refs = [t];
    let cl = Checklist::new(&refs, &s);
    let mut typed = String::new();
    for (i, ch) in text.chars().enumerate() {
        typed.push(ch);
        v.set_note(&cl, code, typed.clone(), 2_000 + i as i64)
            .unwrap();
        repo::save_visit_in(db, None, v).await.unwrap();
    }
}

async fn add_photo(db: &Db, v: &mut Visit, t: &Template, code: &str, id: &str) -> Vec<u8> {
    let s = school();
    let refs = [t];
    let cl = Checklist::new(&refs, &s);
    let jpeg: Vec<u8> = (0..3000u32).map(|i| (i * 13 % 251) as u8).collect();
    let meta = PhotoMeta {
        id: id.into(),
        visit_id: v.id.clone(),
        item_code: code.into(),
        sha256: sha256_hex(&jpeg),
        size: jpeg.len() as u64,
        width: 1600,
        height: 1200,
        mime: "image/jpeg".into(),
        taken_at: 3_000,
    };
    v.attach_photo(&cl, code, id.into(), 3_000).unwrap();
    photos::save_photo_in(
        db,
        None,
        v,
        &StoredPhoto {
            meta,
            blob: blob_of(&jpeg, "image/jpeg"),
            thumb: blob_of(&[1, 2, 3], "image/jpeg"),
            on_server: false,
        },
    )
    .await
    .unwrap();
    jpeg
}

fn applied(m: &StoredMutation, rev: i64) -> MutationResult {
    MutationResult {
        seq: m.seq,
        status: MutationStatus::Applied,
        reason: None,
        fields: m
            .ops
            .iter()
            .map(|o| FieldResult {
                field: o.field.clone(),
                rev,
                outcome: FieldOutcome::Applied,
                value: None,
            })
            .collect(),
    }
}

#[wasm_bindgen_test]
async fn seventy_keystrokes_and_a_photo_become_two_mutations_in_one_transaction() {
    let db = fresh_db("sync-coalesce").await;
    let (mut v, t) = started(&db, "v-keys").await;
    let code = item(&t);
    // 70 characters typed one by one, each saved: the visit is marked changed, once.
    let note = "作业公示栏内容与实际布置不一致，三年级二班语文作业超出六十分钟，需要整改并在下周复查落实情况。".repeat(2);
    let note: String = note.chars().take(70).collect();
    type_note(&db, &mut v, &t, &code, &note).await;
    add_photo(&db, &mut v, &t, &code, "p-keys").await;
    assert_eq!(
        db.count(OUTBOX).await.unwrap(),
        2,
        "one marker per record changed: the visit and its photo"
    );
    assert_eq!(
        store::unsynced(&db).await.unwrap().total,
        2,
        "the count is per record: the visit and its photo"
    );

    let made = store::coalesce(&db, 10_000).await.unwrap();
    assert_eq!(made, 2);
    assert_eq!(db.count(OUTBOX).await.unwrap(), 0, "every entry consumed");
    let ms = store::all_mutations(&db).await.unwrap();
    assert_eq!(
        ms.iter()
            .map(|m| (m.seq, m.entity.as_str()))
            .collect::<Vec<_>>(),
        vec![(1, "visit"), (2, "photo")],
        "the visit's creation precedes its photo"
    );
    assert!(ms.iter().all(|m| m.status == MutationState::Pending));
    assert!(ms[0].hlc < ms[1].hlc, "each mutation ticks the clock");
    let note_ops: Vec<_> = ms[0]
        .ops
        .iter()
        .filter(|o| o.field == format!("answers.{code}.note"))
        .collect();
    assert_eq!(note_ops.len(), 1, "one op for the note, not 70");
    assert_eq!(note_ops[0].value, json!(note), "carrying the last text");
    assert!(ms[0].ops.iter().any(|o| o.field == "header"));
    let photo_fields: Vec<&str> = ms[1].ops.iter().map(|o| o.field.as_str()).collect();
    assert_eq!(photo_fields, vec!["deleted", "meta"]);
    assert_eq!(store::unsynced(&db).await.unwrap().total, 2);

    // One more keystroke: the next mutation carries only that field, with the next seq.
    type_note(&db, &mut v, &t, &code, &format!("{note}。")).await;
    let before = db.count(OUTBOX).await.unwrap();
    assert!(before > 0);
    assert_eq!(store::coalesce(&db, 11_000).await.unwrap(), 1);
    let ms = store::all_mutations(&db).await.unwrap();
    assert_eq!(ms.len(), 3);
    assert_eq!(ms[2].seq, 3);
    assert_eq!(
        ms[2]
            .ops
            .iter()
            .map(|o| o.field.clone())
            .collect::<Vec<_>>(),
        vec![format!("answers.{code}.note")]
    );
    // Nothing changed since: the outbox being empty, a cycle makes nothing.
    assert_eq!(store::coalesce(&db, 12_000).await.unwrap(), 0);
}

#[wasm_bindgen_test]
async fn a_record_that_cannot_be_read_leaves_the_outbox_and_mutations_untouched() {
    let db = fresh_db("sync-coalesce-atomic").await;
    let (mut v, t) = started(&db, "v-good").await;
    let code = item(&t);
    type_note(&db, &mut v, &t, &code, "好").await;
    // A second visit whose stored record is damaged (not a visit any more).
    repo::save_visit_in(
        &db,
        None,
        &Visit::new("v-bad".into(), &school(), "韩立新".into(), &[&t], 1_000),
    )
    .await
    .unwrap();
    db.write(&[VISITS], |w| {
        w.put_raw(
            VISITS,
            &js_sys::JSON::parse(r#"{"id":"v-bad","school":42}"#).unwrap(),
        )
    })
    .await
    .unwrap();
    let outbox = db.count(OUTBOX).await.unwrap();

    let failed = store::coalesce(&db, 10_000).await;
    assert!(failed.is_err(), "{failed:?}");
    assert_eq!(
        db.count(OUTBOX).await.unwrap(),
        outbox,
        "nothing consumed, not even the good visit's entries"
    );
    assert_eq!(db.count(MUTATIONS).await.unwrap(), 0);
    assert_eq!(db.count(SYNC_RECORDS).await.unwrap(), 0);
    assert_eq!(
        store::get_meta::<i64>(&db, store::NEXT_SEQ).await.unwrap(),
        None
    );
}

#[wasm_bindgen_test]
async fn a_failed_push_leaves_every_mutation_pending_and_every_photo_whole() {
    let db = fresh_db("sync-push-fails").await;
    let (mut v, t) = started(&db, "v-push").await;
    let code = item(&t);
    type_note(&db, &mut v, &t, &code, "待复查").await;
    let jpeg = add_photo(&db, &mut v, &t, &code, "p-push").await;

    // The test page's own server has no API at all: a cycle stops at its first call, before
    // anything on the phone is touched.
    let outbox = outbox::entries_in(&db).await.unwrap();
    let result = dudao::sync::engine::run(&db, &|_| {}).await;
    assert!(result.is_err(), "{result:?}");
    assert_eq!(outbox::entries_in(&db).await.unwrap(), outbox);
    assert_eq!(db.count(MUTATIONS).await.unwrap(), 0);

    // Made into mutations, then the push fails (answered 404).
    store::coalesce(&db, 10_000).await.unwrap();
    let result = dudao::sync::engine::push_pending(&db).await;
    assert!(result.is_err(), "{result:?}");
    let pending = store::pending_mutations(&db).await.unwrap();
    assert_eq!(pending.len(), 2, "made from the outbox and kept");
    assert_eq!(db.count(OUTBOX).await.unwrap(), 0);
    assert_eq!(
        store::get_meta::<i64>(&db, store::ACKED_SEQ).await.unwrap(),
        None
    );
    let p = photos::photo_in(&db, "p-push").await.unwrap().unwrap();
    assert!(!p.on_server);
    assert_eq!(bytes(&p.blob).await, jpeg, "the full-size photo is kept");
    assert_eq!(store::unsynced(&db).await.unwrap().total, 2);
    let visit: Visit = db.get(VISITS, "v-push").await.unwrap().unwrap();
    assert_eq!(visit, v, "the visit is untouched");

    // Again: the same mutations, not new ones.
    assert_eq!(store::coalesce(&db, 11_000).await.unwrap(), 0);
    let again = dudao::sync::engine::push_pending(&db).await;
    assert!(again.is_err());
    let still = store::pending_mutations(&db).await.unwrap();
    assert_eq!(still, pending);
}

#[wasm_bindgen_test]
async fn the_answer_to_a_push_is_kept_refusals_included_and_a_lost_field_takes_the_winner() {
    let db = fresh_db("sync-answer").await;
    let (mut v, t) = started(&db, "v-answer").await;
    let code = item(&t);
    type_note(&db, &mut v, &t, &code, "本机").await;
    add_photo(&db, &mut v, &t, &code, "p-answer").await;
    store::coalesce(&db, 10_000).await.unwrap();
    let sent = store::pending_mutations(&db).await.unwrap();
    let note = format!("answers.{code}.note");

    // The visit is applied except its note, which lost to the office's; the photo is refused.
    let mut visit_result = applied(&sent[0], 4);
    for f in &mut visit_result.fields {
        if f.field == note {
            f.outcome = FieldOutcome::Lost;
            f.value = Some(json!("督导室"));
        }
    }
    let answer = PushResponse {
        server_epoch: "epoch-1".into(),
        last_seq: 2,
        results: vec![
            visit_result,
            MutationResult {
                seq: 2,
                status: MutationStatus::Rejected,
                reason: Some("photo of a school outside your scope".into()),
                fields: vec![],
            },
        ],
    };
    let done = store::apply_push(&db, &sent, &answer, 20_000)
        .await
        .unwrap();
    assert_eq!((done.acked, done.rejected), (1, 1));
    assert!(store::pending_mutations(&db).await.unwrap().is_empty());
    let all = store::all_mutations(&db).await.unwrap();
    assert_eq!(all.len(), 2, "answered mutations are kept");
    assert_eq!(all[0].status, MutationState::Acked);
    assert_eq!(all[1].status, MutationState::Rejected);
    let refused = store::rejected_mutations(&db).await.unwrap();
    assert_eq!(refused.len(), 1);
    assert_eq!(
        refused[0].reason.as_deref(),
        Some("photo of a school outside your scope")
    );
    assert_eq!(
        store::get_meta::<i64>(&db, store::ACKED_SEQ).await.unwrap(),
        Some(2)
    );
    assert_eq!(
        store::get_meta::<String>(&db, store::SERVER_EPOCH)
            .await
            .unwrap()
            .as_deref(),
        Some("epoch-1")
    );
    let local: Visit = db.get(VISITS, "v-answer").await.unwrap().unwrap();
    assert_eq!(local.answers[&code].note, "督导室", "the winner is shown");
    let rs = store::record_sync(&db, "visit", "v-answer")
        .await
        .unwrap()
        .unwrap();
    assert!(rs.pending.is_empty());
    assert_eq!(rs.base[&note].rev, 4);
    // Taking the winner is not a change of the supervisor's: nothing new to send.
    assert_eq!(store::coalesce(&db, 21_000).await.unwrap(), 0);

    // 知道了 hides the refusal; it stays stored.
    store::dismiss_rejected(&db, 2).await.unwrap();
    assert!(store::rejected_mutations(&db).await.unwrap().is_empty());
    assert_eq!(store::all_mutations(&db).await.unwrap().len(), 2);

    // The server restored from an older backup lost both: they are sent again as they were.
    assert_eq!(store::requeue_from(&db, 1).await.unwrap(), 2);
    let again = store::pending_mutations(&db).await.unwrap();
    assert_eq!(again.iter().map(|m| m.seq).collect::<Vec<_>>(), vec![1, 2]);
    assert_eq!(again[0].ops, sent[0].ops);
    assert_eq!(
        store::get_meta::<i64>(&db, store::ACKED_SEQ).await.unwrap(),
        Some(0)
    );
}

fn change(id: i64, entity_id: &str, field: &str, value: serde_json::Value) -> Change {
    Change {
        id,
        entity: "visit".into(),
        entity_id: entity_id.into(),
        school_id: "s1".into(),
        field: field.into(),
        value,
        rev: 1,
        hlc: Hlc::new(5_000 + id, 0),
        device_id: Some("other-phone".into()),
        seq: Some(id),
    }
}

#[wasm_bindgen_test]
async fn a_pulled_page_and_its_cursor_are_saved_together() {
    let db = fresh_db("sync-pull").await;
    // A visit made on the supervisor's other phone, as the office server logs it.
    let t = template();
    let code = item(&t);
    let mut theirs = Visit::new("v-other".into(), &school(), "韩立新".into(), &[&t], 4_000);
    let s = school();
    let refs = [&t];
    theirs
        .set_note(
            &Checklist::new(&refs, &s),
            &code,
            "另一台手机".into(),
            4_100,
        )
        .unwrap();
    let changes: Vec<Change> = visit_fields(&theirs)
        .into_iter()
        .enumerate()
        .map(|(i, (f, value))| change(i as i64 + 1, "v-other", &f, value))
        .collect();
    let page = PullResponse {
        cursor: changes.len() as i64,
        changes: changes.clone(),
        has_more: false,
        server_epoch: "epoch-1".into(),
        device_last_seq: 0,
    };
    let done = store::apply_pull(&db, &page, false, 10_000).await.unwrap();
    assert_eq!(done.visits_changed, 1);
    let got: Visit = db
        .get(VISITS, "v-other")
        .await
        .unwrap()
        .expect("the visit is on this phone now");
    assert_eq!(got.answers[&code].note, "另一台手机");
    assert_eq!(visit_fields(&got), visit_fields(&theirs));
    assert_eq!(
        store::get_meta::<i64>(&db, store::CURSOR).await.unwrap(),
        Some(page.cursor)
    );
    assert_eq!(
        db.count(OUTBOX).await.unwrap(),
        0,
        "a pulled visit is not a change to send back"
    );
    assert_eq!(store::coalesce(&db, 11_000).await.unwrap(), 0);
    assert!(
        store::get_meta::<Hlc>(&db, store::HLC)
            .await
            .unwrap()
            .unwrap()
            > Hlc::new(5_000 + changes.len() as i64, 0),
        "the clock moved past what was received"
    );

    // A page that cannot be applied (its record's sync state is damaged) keeps nothing: the
    // cursor stays where it was, so the page is pulled again.
    db.write(&[SYNC_RECORDS], |w| {
        w.put_raw(
            SYNC_RECORDS,
            &js_sys::JSON::parse(r#"{"key":"visit/v-broken","base":7}"#).unwrap(),
        )
    })
    .await
    .unwrap();
    let mut broken = changes.clone();
    for (i, c) in broken.iter_mut().enumerate() {
        c.entity_id = "v-broken".into();
        c.id = 100 + i as i64;
    }
    let mut mixed = vec![change(
        99,
        "v-other",
        &format!("answers.{code}.note"),
        json!("改"),
    )];
    mixed[0].rev = 2;
    mixed.extend(broken);
    let bad = PullResponse {
        cursor: 500,
        changes: mixed,
        has_more: false,
        server_epoch: "epoch-1".into(),
        device_last_seq: 0,
    };
    assert!(store::apply_pull(&db, &bad, false, 12_000).await.is_err());
    assert_eq!(
        store::get_meta::<i64>(&db, store::CURSOR).await.unwrap(),
        Some(page.cursor),
        "the cursor did not move"
    );
    let same: Visit = db.get(VISITS, "v-other").await.unwrap().unwrap();
    assert_eq!(
        same.answers[&code].note, "另一台手机",
        "nothing of the page was applied"
    );
    assert!(db.get_raw(VISITS, "v-broken").await.unwrap().is_none());
}

#[wasm_bindgen_test]
async fn a_pulled_value_never_overwrites_what_the_supervisor_typed_since() {
    let db = fresh_db("sync-pull-dirty").await;
    let (mut v, t) = started(&db, "v-mine").await;
    let code = item(&t);
    let note = format!("answers.{code}.note");
    type_note(&db, &mut v, &t, &code, "甲").await;
    store::coalesce(&db, 10_000).await.unwrap();
    let sent = store::pending_mutations(&db).await.unwrap();
    let answer = PushResponse {
        server_epoch: "e".into(),
        last_seq: 1,
        results: vec![applied(&sent[0], 1)],
    };
    store::apply_push(&db, &sent, &answer, 11_000)
        .await
        .unwrap();
    // Typed again, not yet synced; meanwhile the office changed the note.
    type_note(&db, &mut v, &t, &code, "甲乙").await;
    let mut office = change(1, "v-mine", &note, json!("督导室改的"));
    office.rev = 2;
    let page = PullResponse {
        changes: vec![office],
        cursor: 1,
        has_more: false,
        server_epoch: "e".into(),
        device_last_seq: 1,
    };
    store::apply_pull(&db, &page, false, 12_000).await.unwrap();
    let local: Visit = db.get(VISITS, "v-mine").await.unwrap().unwrap();
    assert_eq!(
        local.answers[&code].note, "甲乙",
        "the supervisor's text stays"
    );
    // It goes to the server against the old revision, so the server keeps the loser.
    store::coalesce(&db, 13_000).await.unwrap();
    let next = store::pending_mutations(&db).await.unwrap();
    assert_eq!(next.len(), 1);
    assert_eq!(next[0].ops[0].field, note);
    assert_eq!(next[0].ops[0].value, json!("甲乙"));
    assert_eq!(next[0].ops[0].base_rev, 1);
}

/// The first two compliance items of 五项管理 at the test school.
fn two_items(t: &Template) -> (String, String) {
    let s = school();
    let refs = [t];
    let cl = Checklist::new(&refs, &s);
    let codes: Vec<String> = cl
        .visible(&Default::default())
        .iter()
        .filter(|e| matches!(e.item.answer, AnswerKind::Compliance))
        .map(|e| e.item.code.clone())
        .take(2)
        .collect();
    (codes[0].clone(), codes[1].clone())
}

/// A visit started here and acknowledged by the server, then a pull that stores `field` =
/// `value` from the supervisor's other phone while a screen still shows the older copy.
async fn pulled_behind_a_screen(db: &Db, id: &str, field: &str, value: serde_json::Value) -> Visit {
    let (v, _) = started(db, id).await;
    store::coalesce(db, 10_000).await.unwrap();
    let sent = store::pending_mutations(db).await.unwrap();
    let answer = PushResponse {
        server_epoch: "e".into(),
        last_seq: 1,
        results: vec![applied(&sent[0], 1)],
    };
    store::apply_push(db, &sent, &answer, 11_000).await.unwrap();
    let mut other = change(1, id, field, value);
    other.rev = 2;
    let page = PullResponse {
        changes: vec![other],
        cursor: 1,
        has_more: false,
        server_epoch: "e".into(),
        device_last_seq: 1,
    };
    let done = store::apply_pull(db, &page, false, 12_000).await.unwrap();
    assert_eq!(
        done.visits_changed, 1,
        "the pull stored the other phone's value"
    );
    v
}

#[wasm_bindgen_test]
async fn a_screen_saving_its_older_copy_keeps_what_a_pull_stored_meanwhile() {
    let db = fresh_db("sync-screen-window").await;
    let t = template();
    let (a, b) = two_items(&t);
    let note_a = format!("answers.{a}.note");
    // The editor shows the visit; meanwhile a cycle pulls item A's note from the other phone.
    let screen =
        pulled_behind_a_screen(&db, "v-window", &note_a, json!("另一台手机：公示栏未更新")).await;
    // The supervisor, still on the older copy, answers item B.
    let s = school();
    let refs = [&t];
    let cl = Checklist::new(&refs, &s);
    let mut next = screen.clone();
    next.set_value(
        &cl,
        &b,
        Some(dudao_domain::AnswerValue::Compliance(
            dudao_domain::Compliance::Compliant,
        )),
        13_000,
    )
    .unwrap();
    let saved = repo::save_visit_in(&db, Some(&screen), &next)
        .await
        .unwrap();
    let stored: Visit = db.get(VISITS, "v-window").await.unwrap().unwrap();
    assert_eq!(saved, stored, "the screen is given what was written");
    assert_eq!(stored.answers[&a].note, "另一台手机：公示栏未更新");
    assert_eq!(stored.answers[&b].value, next.answers[&b].value);
    // Only the supervisor's answer goes to the server: the pulled note is not sent back as new.
    store::coalesce(&db, 14_000).await.unwrap();
    let pending = store::pending_mutations(&db).await.unwrap();
    assert_eq!(pending.len(), 1);
    let fields: Vec<&str> = pending[0].ops.iter().map(|o| o.field.as_str()).collect();
    assert_eq!(fields, vec![format!("answers.{b}.value").as_str()]);
}

#[wasm_bindgen_test]
async fn an_answer_on_a_copy_of_a_visit_finished_elsewhere_is_refused_and_nothing_written() {
    let db = fresh_db("sync-screen-moved-on").await;
    let t = template();
    let (a, _) = two_items(&t);
    // The other phone finished the visit, and a cycle pulled that while the editor was open.
    let screen = pulled_behind_a_screen(&db, "v-moved", "state", json!("finished")).await;
    let before_save: Visit = db.get(VISITS, "v-moved").await.unwrap().unwrap();
    let outbox = db.count(OUTBOX).await.unwrap();
    let s = school();
    let refs = [&t];
    let cl = Checklist::new(&refs, &s);
    let mut next = screen.clone();
    next.set_note(&cl, &a, "迟到的备注".into(), 13_000).unwrap();
    let refused = repo::save_visit_in(&db, Some(&screen), &next).await;
    assert!(
        matches!(refused, Err(dudao::storage::StorageError::MovedOn(_))),
        "{refused:?}"
    );
    let after: Visit = db.get(VISITS, "v-moved").await.unwrap().unwrap();
    assert_eq!(after, before_save, "the finished visit is as it was");
    assert_eq!(db.count(OUTBOX).await.unwrap(), outbox);
}

#[wasm_bindgen_test]
async fn a_photo_confirmed_by_the_server_frees_its_full_copy_and_keeps_the_thumbnail() {
    let db = fresh_db("sync-photo").await;
    let (mut v, t) = started(&db, "v-photo").await;
    let code = item(&t);
    let jpeg = add_photo(&db, &mut v, &t, &code, "p-photo").await;
    let todo = store::photos_to_upload(&db).await.unwrap();
    assert_eq!(todo.len(), 1);
    assert_eq!(bytes(&todo[0].blob).await, jpeg);
    assert_eq!(store::unsynced(&db).await.unwrap().photos, 1);

    store::photo_uploaded(&db, "p-photo", 50_000).await.unwrap();
    let raw = db.get_raw(PHOTOS, "p-photo").await.unwrap().unwrap();
    assert!(js_sys::Reflect::get(&raw, &JsValue::from_str("blob"))
        .unwrap()
        .is_undefined());
    let p = photos::photo_in(&db, "p-photo").await.unwrap().unwrap();
    assert!(p.on_server);
    assert_eq!(bytes(&p.thumb).await, vec![1, 2, 3], "the thumbnail stays");
    assert_eq!(
        bytes(&p.blob).await,
        vec![1, 2, 3],
        "screens get the thumbnail"
    );
    assert!(store::photos_to_upload(&db).await.unwrap().is_empty());
    assert_eq!(store::unsynced(&db).await.unwrap().photos, 0);
    // The visit's own outbox entries are still there: only the bytes are confirmed.
    assert_eq!(store::unsynced(&db).await.unwrap().total, 2);
}

/// A promise the test resolves when it likes, and its resolve function.
fn gate() -> (js_sys::Promise, js_sys::Function) {
    let mut open = None;
    let p = js_sys::Promise::new(&mut |resolve, _| open = Some(resolve));
    (p, open.unwrap())
}

/// What a test cycle gives: `None` when it was not let run.
type Cycle = std::pin::Pin<Box<dyn std::future::Future<Output = Option<&'static str>>>>;

/// Runs a cycle that holds the lock until released, tries a second one (as tab `b`) meanwhile,
/// then a third once the first is over. `run(tab, wait)` starts a cycle that waits for `wait`.
async fn one_at_a_time(run: impl Fn(&'static str, wasm_bindgen_futures::JsFuture) -> Cycle) {
    let (held, release) = gate();
    let (started, mark_started) = gate();
    let first = wasm_bindgen_futures::future_to_promise({
        let cycle = run("a", wasm_bindgen_futures::JsFuture::from(held));
        let mark = mark_started.clone();
        async move {
            let _ = mark.call0(&JsValue::NULL);
            Ok(JsValue::from(cycle.await.unwrap_or("skipped")))
        }
    });
    wasm_bindgen_futures::JsFuture::from(started).await.unwrap();
    common::tick().await;
    // While the first cycle holds the lock, another (this tab or another one) is skipped.
    let (open_now, open) = gate();
    open.call0(&JsValue::NULL).unwrap();
    assert_eq!(
        run("b", wasm_bindgen_futures::JsFuture::from(open_now)).await,
        None,
        "a second cycle does not run while one is running"
    );
    release.call0(&JsValue::NULL).unwrap();
    let done = wasm_bindgen_futures::JsFuture::from(first).await.unwrap();
    assert_eq!(done.as_string().as_deref(), Some("ran"));
    let (open_now, open) = gate();
    open.call0(&JsValue::NULL).unwrap();
    assert_eq!(
        run("b", wasm_bindgen_futures::JsFuture::from(open_now)).await,
        Some("ran"),
        "once it is over the next one runs"
    );
}

#[wasm_bindgen_test]
async fn never_two_sync_cycles_at_once_with_web_locks() {
    let db = fresh_db("sync-lock").await;
    one_at_a_time(move |_, wait| {
        let db = db.clone();
        Box::pin(async move {
            dudao::sync::lock::exclusive(&db, async move {
                let _ = wait.await;
                "ran"
            })
            .await
        })
    })
    .await;
}

#[wasm_bindgen_test]
async fn never_two_sync_cycles_at_once_with_the_indexeddb_lease() {
    let db = fresh_db("sync-lease").await;
    one_at_a_time(move |tab, wait| {
        let db = db.clone();
        Box::pin(async move {
            dudao::sync::lock::with_lease(&db, tab, async move {
                let _ = wait.await;
                "ran"
            })
            .await
        })
    })
    .await;
}

#[wasm_bindgen_test]
fn timed_cycles_back_off_after_failures_up_to_fifteen_minutes() {
    use dudao::sync::service::delay_ms;
    let minutes: Vec<i64> = (0..7).map(|n| delay_ms(n) / 60_000).collect();
    assert_eq!(minutes, vec![1, 2, 4, 8, 15, 15, 15]);
    assert_eq!(delay_ms(u32::MAX), 15 * 60_000);
}
