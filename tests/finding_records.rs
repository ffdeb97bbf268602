//! Findings as records of their own on the phone (issue 17, items 1 and 9), in a real browser
//! (headless Chromium, real IndexedDB): signing a visit stores its findings' records with their
//! outbox markers in the same transaction, and they go to the server after the visit; the
//! office's move pulled from the server lands in the record; a move the server did not take is
//! let go from the history; a phone with visits signed before records gets theirs once.
#![cfg(target_arch = "wasm32")]

use dudao::storage::findings;
use dudao::storage::idb::{Db, FINDINGS, VISITS};
use dudao::storage::outbox;
use dudao::storage::photos::{self, StoredPhoto};
use dudao::storage::repo;
use dudao::sync::store;
use dudao_domain::datetime::Date;
use dudao_domain::finding::{Disposition, Finding, FindingStatus};
use dudao_domain::finding_record::FindingRecord;
use dudao_domain::photo::PhotoMeta;
use dudao_domain::rectify::{Action, Actor, Move, RectifyError};
use dudao_domain::review::Signature;
use dudao_domain::sync::wire::{
    Change, FieldOutcome, FieldResult, MutationResult, MutationStatus, PullResponse, PushResponse,
};
use dudao_domain::sync::Hlc;
use dudao_domain::template::Severity;
use dudao_domain::text::Text;
use dudao_domain::{Visit, VisitState};
use serde_json::json;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

mod common;
use common::{blob_of, fresh_db, school, template};

fn finding(visit: &str, code: &str, severity: Severity) -> Finding {
    Finding {
        id: format!("{visit}:{code}"),
        item_codes: vec![code.into()],
        section: Text::new("消防安全", "Fire safety"),
        description: "教学楼二楼消防通道堆放课桌椅，影响疏散。".into(),
        requirement: "立即清理，确保通道畅通。".into(),
        severity,
        disposition: Disposition::ByDeadline,
        deadline: dudao_domain::datetime::Date::new(2026, 12, 20),
        owner: "总务处 李明".into(),
        basis: Vec::new(),
        status: FindingStatus::Pending,
    }
}

/// A finished visit with two findings, ready to sign.
fn finished(id: &str) -> Visit {
    let t = template();
    let mut v = Visit::new(id.into(), &school(), "韩立新".into(), &[&t], 1);
    v.state = VisitState::Finished;
    v.finished_at = Some(2);
    v.findings = vec![
        finding(id, "AQ-03", Severity::Major),
        finding(id, "AQ-07", Severity::General),
    ];
    v
}

fn signature() -> Signature {
    Signature {
        name: "王校长".into(),
        role: "校长".into(),
        image: "data:image/png;base64,iVBORw0KGgo=".into(),
        signed_at: 1_795_327_500_000,
    }
}

async fn record(db: &Db, id: &str) -> Option<FindingRecord> {
    db.get(FINDINGS, id).await.unwrap()
}

fn change(id: i64, entity_id: &str, field: &str, value: serde_json::Value, rev: i64) -> Change {
    Change {
        id,
        entity: "finding".into(),
        entity_id: entity_id.into(),
        school_id: school().id,
        field: field.into(),
        value,
        rev,
        hlc: Hlc::new(1_795_400_000_000, 0),
        device_id: None,
        seq: None,
    }
}

/// The server's answer to `sent`: every mutation applied, each field as `outcome` says.
fn answer(
    sent: &[store::StoredMutation],
    outcome: impl Fn(&str) -> (FieldOutcome, Option<serde_json::Value>),
) -> PushResponse {
    PushResponse {
        server_epoch: "e1".into(),
        last_seq: sent.iter().map(|m| m.seq).max().unwrap_or(0),
        results: sent
            .iter()
            .map(|m| MutationResult {
                seq: m.seq,
                status: MutationStatus::Applied,
                reason: None,
                fields: m
                    .ops
                    .iter()
                    .map(|o| {
                        let (outcome, value) = outcome(&o.field);
                        FieldResult {
                            field: o.field.clone(),
                            rev: 1,
                            outcome,
                            value,
                        }
                    })
                    .collect(),
            })
            .collect(),
    }
}

#[wasm_bindgen_test]
async fn signing_stores_each_findings_record_and_sends_it_after_the_visit() {
    let db = fresh_db("finding-records-sign").await;
    let signed = repo::sign_visit_in(&db, &finished("v1"), signature(), 2026)
        .await
        .unwrap();
    for code in ["AQ-03", "AQ-07"] {
        let r = record(&db, &format!("v1:{code}")).await.expect("a record");
        assert_eq!(r.status(), FindingStatus::Pending);
        assert_eq!(r.origin.visit_id, "v1");
        assert_eq!(r.origin.raised_by, "韩立新");
        assert_eq!(r.origin.raised_at, signature().signed_at);
        assert_eq!(r.origin.opinion_no, signed.opinion_no);
        assert_eq!(
            r.deadline(),
            dudao_domain::datetime::Date::new(2026, 12, 20)
        );
    }
    let mut marked: Vec<String> = outbox::entries_in(&db)
        .await
        .unwrap()
        .into_iter()
        .map(|e| format!("{}/{}", e.entity, e.entity_id))
        .collect();
    marked.sort();
    assert_eq!(marked, ["finding/v1:AQ-03", "finding/v1:AQ-07", "visit/v1"]);
    // As the supervisor counts: one visit to send.
    assert_eq!(store::unsynced(&db).await.unwrap().total, 1);

    // To the server: the visit first (the server checks a finding against its signed visit),
    // then each finding with every field of its record.
    assert_eq!(store::coalesce(&db, 3).await.unwrap(), 3);
    let sent = store::pending_mutations(&db).await.unwrap();
    let order: Vec<&str> = sent.iter().map(|m| m.entity.as_str()).collect();
    assert_eq!(order, ["visit", "finding", "finding"]);
    assert_eq!(store::unsynced(&db).await.unwrap().total, 1);
    let fields: Vec<&str> = sent[1].ops.iter().map(|o| o.field.as_str()).collect();
    for f in ["origin", "description", "severity", "status", "deadline"] {
        assert!(fields.contains(&f), "{f} in {fields:?}");
    }
}

#[wasm_bindgen_test]
async fn the_offices_move_pulled_from_the_server_lands_in_the_record() {
    let db = fresh_db("finding-records-pull").await;
    repo::sign_visit_in(&db, &finished("v2"), signature(), 2026)
        .await
        .unwrap();
    let id = "v2:AQ-07";
    // Pushed first, as every cycle does: the server had made the same records (unchanged).
    store::coalesce(&db, 3).await.unwrap();
    let sent = store::pending_mutations(&db).await.unwrap();
    let answer = answer(&sent, |_| (FieldOutcome::Unchanged, None));
    store::apply_push(&db, &sent, &answer, 4).await.unwrap();
    let entry = json!({"id": "e-office", "at": 1_795_400_000_000_i64, "by": "zhouli",
                       "role": "office", "from": "pending", "to": "awaiting_recheck",
                       "action": {"kind": "report_done"}, "note": "学校报送整改报告"});
    let page = PullResponse {
        changes: vec![
            change(1, id, "history.e-office", entry, 1),
            change(2, id, "status", json!("awaiting_recheck"), 2),
        ],
        cursor: 2,
        has_more: false,
        server_epoch: "e1".into(),
        device_last_seq: 0,
    };
    let applied = store::apply_pull(&db, &page, false, 1_795_400_000_000)
        .await
        .unwrap();
    assert_eq!(applied.findings_changed, 1);
    let r = record(&db, id).await.unwrap();
    assert_eq!(r.status(), FindingStatus::AwaitingRecheck);
    assert_eq!(r.workflow.history.len(), 1);
    assert_eq!(r.workflow.history[0].by, "zhouli");
    // The other finding is as it was.
    assert_eq!(
        record(&db, "v2:AQ-03").await.unwrap().status(),
        FindingStatus::Pending
    );
    // And the 整改 list reads it: the stored visit still says 待整改, the record 待复查.
    let visit: Visit = db.get(VISITS, "v2").await.unwrap().unwrap();
    assert_eq!(visit.findings[1].status, FindingStatus::Pending);
    let listed = findings::list_in(&db).await.unwrap();
    assert_eq!(listed.len(), 2);
}

#[wasm_bindgen_test]
async fn a_move_the_server_kept_as_a_conflict_leaves_the_records_history() {
    let db = fresh_db("finding-records-lost").await;
    repo::sign_visit_in(&db, &finished("v3"), signature(), 2026)
        .await
        .unwrap();
    let id = "v3:AQ-07";
    // The supervisor passes the 复查 on the phone (as the 复查 screen will) …
    let mut r = record(&db, id).await.unwrap();
    let entry = json!({"id": "e-han", "at": 1_795_500_000_000_i64, "by": "hanlixin",
                       "role": "supervisor", "from": "pending", "to": "closed",
                       "action": {"kind": "recheck_passed"}, "note": "已清理"});
    let mut fields = r.fields();
    fields.insert("history.e-han".into(), entry);
    fields.insert("status".into(), json!("closed"));
    r = FindingRecord::from_fields(id, &fields).unwrap();
    db.write(&[FINDINGS, dudao::storage::idb::OUTBOX], |w| {
        w.put(FINDINGS, &r)?;
        outbox::mark(w, "finding", id, 1_795_500_000_000)
    })
    .await
    .unwrap();
    assert_eq!(store::coalesce(&db, 4).await.unwrap(), 3);
    let sent = store::pending_mutations(&db).await.unwrap();
    let m = sent.iter().find(|m| m.entity_id == id).unwrap().clone();
    // … but the office had withdrawn it: the server keeps the move in its conflicts table.
    let answer = answer(std::slice::from_ref(&m), |field| match field {
        "status" => (FieldOutcome::Lost, Some(json!("withdrawn"))),
        "history.e-han" => (FieldOutcome::Lost, None),
        _ => (FieldOutcome::Applied, None),
    });
    store::apply_push(&db, &[m], &answer, 5).await.unwrap();
    let r = record(&db, id).await.unwrap();
    assert_eq!(r.status(), FindingStatus::Withdrawn, "the office's status");
    assert!(
        r.workflow.history.is_empty(),
        "the move is the server's conflict now"
    );
    // Changed again later (as any edit of the record marks it): the move is not sent again.
    db.write(&[dudao::storage::idb::OUTBOX], |w| {
        outbox::mark(w, "finding", id, 1_795_600_000_000)
    })
    .await
    .unwrap();
    store::coalesce(&db, 6).await.unwrap();
    let again = store::pending_mutations(&db).await.unwrap();
    assert!(
        !again
            .iter()
            .filter(|m| m.entity_id == id)
            .any(|m| m.ops.iter().any(|o| o.field.starts_with("history."))),
        "{again:?}"
    );
}

#[wasm_bindgen_test]
async fn visits_signed_before_records_get_theirs_once_and_everything_is_pulled_again() {
    let db = fresh_db("finding-records-made").await;
    // A phone of the last release: a visit signed, its finding moved by the office in the
    // visit, no records, the pull cursor well on.
    let mut v = finished("v4");
    v.state = VisitState::Signed;
    v.signature = Some(signature());
    v.findings[0].status = FindingStatus::Rectifying;
    db.write(&[VISITS], |w| w.put(VISITS, &v)).await.unwrap();
    store::set_meta(&db, store::CURSOR, &420i64).await.unwrap();

    assert_eq!(findings::ensure_records_in(&db, 9).await.unwrap(), 2);
    assert_eq!(
        record(&db, "v4:AQ-03").await.unwrap().status(),
        FindingStatus::Rectifying,
        "the office's status is kept"
    );
    assert_eq!(
        store::get_meta::<i64>(&db, store::CURSOR).await.unwrap(),
        Some(0)
    );
    // Not marked for the server: it makes the same records from the same visit.
    assert!(outbox::entries_in(&db).await.unwrap().is_empty());
    // Once.
    store::set_meta(&db, store::CURSOR, &421i64).await.unwrap();
    assert_eq!(findings::ensure_records_in(&db, 10).await.unwrap(), 0);
    assert_eq!(
        store::get_meta::<i64>(&db, store::CURSOR).await.unwrap(),
        Some(421)
    );
}

fn photo_of(visit: &str, id: &str) -> StoredPhoto {
    StoredPhoto {
        meta: PhotoMeta {
            id: id.into(),
            visit_id: visit.into(),
            item_code: "AQ-03".into(),
            sha256: dudao_domain::backup::sha256_hex(&[0xff, 0xd8, 0xff, 0xd9]),
            size: 4,
            width: 1600,
            height: 1200,
            mime: "image/jpeg".into(),
            taken_at: 1_795_500_000_000,
        },
        blob: blob_of(&[0xff, 0xd8, 0xff, 0xd9], "image/jpeg"),
        thumb: blob_of(&[1, 2, 3], "image/jpeg"),
        on_server: false,
    }
}

fn recheck(id: &str, action: Action, note: &str, photos: &[&str]) -> Move {
    Move {
        id: id.into(),
        at: 1_795_500_000_000,
        by: "hanlixin".into(),
        by_name: "韩立新".into(),
        role: Actor::Supervisor,
        action,
        note: note.into(),
        photos: photos.iter().map(|p| p.to_string()).collect(),
    }
}

fn today() -> Date {
    Date::new(2026, 12, 10).unwrap()
}

#[wasm_bindgen_test]
async fn a_recheck_is_stored_with_its_photo_and_both_go_to_the_server() {
    let db = fresh_db("finding-records-recheck").await;
    repo::sign_visit_in(&db, &finished("v5"), signature(), 2026)
        .await
        .unwrap();
    // Sent and answered, as a sync after signing does.
    store::coalesce(&db, 3).await.unwrap();
    let sent = store::pending_mutations(&db).await.unwrap();
    store::apply_push(
        &db,
        &sent,
        &answer(&sent, |_| (FieldOutcome::Applied, None)),
        4,
    )
    .await
    .unwrap();
    assert_eq!(store::unsynced(&db).await.unwrap().total, 0);

    // 复查通过 of the 重大 finding, with the photo of the cleared corridor.
    let id = "v5:AQ-03";
    let m = recheck("e-pass", Action::RecheckPassed, "通道已清理", &["p-fix"]);
    let r = findings::record_move_in(&db, id, m, &[photo_of("v5", "p-fix")], today())
        .await
        .unwrap();
    assert_eq!(r.status(), FindingStatus::Closed);
    let stored = record(&db, id).await.unwrap();
    assert_eq!(stored, r);
    assert_eq!(stored.workflow.history[0].photos, ["p-fix"]);
    assert_eq!(stored.workflow.history[0].from, FindingStatus::Pending);
    assert!(photos::photo_in(&db, "p-fix").await.unwrap().is_some());

    // What goes to the server: the move and the status it led to, and the photo.
    store::coalesce(&db, 5).await.unwrap();
    let sent = store::pending_mutations(&db).await.unwrap();
    let finding = sent
        .iter()
        .find(|m| m.entity == "finding")
        .expect("finding");
    let mut fields: Vec<&str> = finding.ops.iter().map(|o| o.field.as_str()).collect();
    fields.sort();
    assert_eq!(fields, ["history.e-pass", "status"]);
    assert!(sent
        .iter()
        .any(|m| m.entity == "photo" && m.entity_id == "p-fix"));

    // 复查未通过 of the other one: back to 整改中 by the new deadline.
    let other = "v5:AQ-07";
    let new_deadline = Date::new(2026, 12, 31).unwrap();
    let m = recheck(
        "e-fail",
        Action::RecheckFailed {
            deadline: new_deadline,
        },
        "仍有杂物堆放",
        &[],
    );
    let r = findings::record_move_in(&db, other, m, &[], today())
        .await
        .unwrap();
    assert_eq!(r.status(), FindingStatus::Rectifying);
    assert_eq!(r.deadline(), Some(new_deadline));
}

#[wasm_bindgen_test]
async fn a_refused_recheck_writes_nothing_and_says_why() {
    let db = fresh_db("finding-records-refused").await;
    repo::sign_visit_in(&db, &finished("v6"), signature(), 2026)
        .await
        .unwrap();
    let before_outbox = outbox::entries_in(&db).await.unwrap().len();
    let id = "v6:AQ-03";
    // A 重大 finding passed without a photo of the fix.
    let m = recheck("e-1", Action::RecheckPassed, "已整改", &[]);
    let e = findings::record_move_in(&db, id, m, &[], today())
        .await
        .unwrap_err();
    assert_eq!(
        e,
        findings::MoveError::Refused(RectifyError::NeedsPhoto),
        "{e}"
    );
    // A failed 复查 without saying what is still wrong.
    let m = recheck(
        "e-2",
        Action::RecheckFailed {
            deadline: Date::new(2026, 12, 31).unwrap(),
        },
        "  ",
        &[],
    );
    let e = findings::record_move_in(&db, id, m, &[], today())
        .await
        .unwrap_err();
    assert_eq!(e, findings::MoveError::Refused(RectifyError::NeedsNote));
    // A photo of another visit does not show this finding.
    let m = recheck("e-3", Action::RecheckPassed, "已整改", &["p-other"]);
    let e = findings::record_move_in(&db, id, m, &[photo_of("elsewhere", "p-other")], today())
        .await
        .unwrap_err();
    assert!(matches!(e, findings::MoveError::Storage(_)), "{e}");
    // Nothing of any of them was kept.
    let r = record(&db, id).await.unwrap();
    assert_eq!(r.status(), FindingStatus::Pending);
    assert!(r.workflow.history.is_empty());
    assert!(photos::photo_in(&db, "p-other").await.unwrap().is_none());
    assert_eq!(outbox::entries_in(&db).await.unwrap().len(), before_outbox);
    // A finding this phone does not hold.
    let m = recheck("e-4", Action::StartRectifying, "", &[]);
    let e = findings::record_move_in(&db, "v6:NOPE", m, &[], today())
        .await
        .unwrap_err();
    assert_eq!(e, findings::MoveError::Missing("v6:NOPE".into()));
}

#[wasm_bindgen_test]
async fn a_recheck_made_offline_survives_a_backup_to_another_phone() {
    use dudao::storage::backup::{export_in, import_in};
    let db = fresh_db("finding-records-backup").await;
    repo::sign_visit_in(&db, &finished("v7"), signature(), 2026)
        .await
        .unwrap();
    let id = "v7:AQ-03";
    let m = recheck("e-bak", Action::RecheckPassed, "通道已清理", &["p-bak"]);
    findings::record_move_in(&db, id, m, &[photo_of("v7", "p-bak")], today())
        .await
        .unwrap();
    let file = export_in(&db, 1_796_110_200_000, 480, |_, _| {})
        .await
        .unwrap();

    // Another phone: the record with its 复查, the 复查's photo, and the change still to send.
    let other = fresh_db("finding-records-backup-other").await;
    let report = import_in(&other, &file.json).await.unwrap();
    assert_eq!(report.findings, 2, "{report:?}");
    let r = record(&other, id).await.unwrap();
    assert_eq!(r, record(&db, id).await.unwrap());
    assert_eq!(r.status(), FindingStatus::Closed);
    let photo = photos::photo_in(&other, "p-bak")
        .await
        .unwrap()
        .expect("the 复查's photo");
    assert_eq!(common::bytes(&photo.blob).await, [0xff, 0xd8, 0xff, 0xd9]);
    let marked: Vec<String> = outbox::entries_in(&other)
        .await
        .unwrap()
        .into_iter()
        .map(|e| format!("{}/{}", e.entity, e.entity_id))
        .collect();
    assert!(marked.contains(&format!("finding/{id}")), "{marked:?}");
    assert!(marked.contains(&"photo/p-bak".to_owned()), "{marked:?}");
    // Again: nothing more.
    let again = import_in(&other, &file.json).await.unwrap();
    assert!(again.is_noop(), "{again:?}");
}

/// A finding record's conflict or refusal, as the sync page words it.
#[wasm_bindgen_test]
fn a_findings_fields_and_moves_are_named_in_the_supervisors_words() {
    use dudao::sync::describe::{field_label, record_kind, value_text};
    let zh = &dudao::i18n::ZH;
    let t = zh.sync;
    assert_eq!(record_kind(t, "finding"), "整改问题");
    assert_eq!(
        field_label(t, "finding", "history.e1", &[], false),
        "整改记录"
    );
    assert_eq!(field_label(t, "finding", "origin", &[], false), "问题来源");
    assert_eq!(
        field_label(t, "finding", "status", &[], false),
        "问题的整改状态"
    );
    let entry = json!({"id": "e1", "at": 1, "by": "hanlixin", "role": "supervisor",
                       "from": "awaiting_recheck", "to": "closed",
                       "action": {"kind": "recheck_passed"}, "note": "已清理"});
    assert_eq!(
        value_text(zh, "finding", "history.e1", &entry, false),
        "复查通过（待复查 → 已销号）：已清理"
    );
    assert_eq!(
        value_text(&dudao::i18n::EN, "finding", "history.e1", &entry, true),
        "Recheck passed (Awaiting recheck → Closed): 已清理"
    );
    assert_eq!(
        value_text(zh, "finding", "status", &json!("withdrawn"), false),
        "已撤销"
    );
    // A lost move is kept against the status the office gave the finding.
    assert_eq!(
        value_text(zh, "finding", "history.e1", &json!("withdrawn"), false),
        "该问题已为“已撤销”"
    );
    assert_eq!(
        value_text(
            &dudao::i18n::EN,
            "finding",
            "history.e1",
            &json!("withdrawn"),
            true
        ),
        "The finding is now Withdrawn"
    );
}
