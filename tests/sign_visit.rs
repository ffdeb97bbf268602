//! Signing in a real browser (headless Chromium): the 督导意见书 number counter, the signed visit
//! and its outbox entry are written in one transaction, so a number is never given twice and a
//! refused or failed signing leaves everything as it was.
#![cfg(target_arch = "wasm32")]

use dudao::storage::idb::{Db, META, OUTBOX, VISITS};
use dudao::storage::outbox;
use dudao::storage::repo::{self, SignError};
use dudao::storage::StorageError;
use dudao_domain::review::{ReviewError, Signature};
use dudao_domain::{Visit, VisitState};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

mod common;
use common::{fresh_db, school, template};

/// A finished visit with no findings, ready to sign.
fn finished(id: &str) -> Visit {
    let t = template();
    let mut v = Visit::new(id.into(), &school(), "王建国".into(), &[&t], 1);
    v.state = VisitState::Finished;
    v.finished_at = Some(2);
    v
}

fn signature(name: &str) -> Signature {
    Signature {
        name: name.into(),
        role: "校长".into(),
        image: "data:image/png;base64,iVBORw0KGgo=".into(),
        signed_at: 1_795_327_500_000,
    }
}

async fn counter(db: &Db, year: i32) -> Option<u64> {
    db.get::<serde_json::Value>(META, &format!("opinion-seq-{year}"))
        .await
        .unwrap()
        .and_then(|v| v["seq"].as_u64())
}

#[wasm_bindgen_test]
async fn each_signed_visit_takes_the_next_number_of_the_year_with_its_outbox_entry() {
    let db = fresh_db("sign").await;
    let a = repo::sign_visit_in(&db, &finished("va"), signature("李明"), 2026)
        .await
        .unwrap();
    let b = repo::sign_visit_in(&db, &finished("vb"), signature("张华"), 2026)
        .await
        .unwrap();
    assert_eq!(a.opinion_no.as_deref(), Some("清督意〔2026〕1号"));
    assert_eq!(b.opinion_no.as_deref(), Some("清督意〔2026〕2号"));
    assert_eq!(counter(&db, 2026).await, Some(2));

    // A new year starts again at 1.
    let c = repo::sign_visit_in(&db, &finished("vc"), signature("赵敏"), 2027)
        .await
        .unwrap();
    assert_eq!(c.opinion_no.as_deref(), Some("清督意〔2027〕1号"));
    assert_eq!(counter(&db, 2026).await, Some(2));

    // Stored signed and read-only, with the signature.
    let stored: Visit = db.get(VISITS, "va").await.unwrap().unwrap();
    assert_eq!(stored, a);
    assert_eq!(stored.state, VisitState::Signed);
    assert_eq!(stored.signature.as_ref().unwrap().name, "李明");

    // Each signed visit is marked changed, and what the sync engine sends of it carries the
    // signature, the number and the state.
    let outbox = outbox::entries_in(&db).await.unwrap();
    let mut marked: Vec<&str> = outbox.iter().map(|e| e.entity_id.as_str()).collect();
    marked.sort();
    assert_eq!(marked, ["va", "vb", "vc"]);
    assert_eq!(dudao::sync::store::coalesce(&db, 3).await.unwrap(), 3);
    let sent = dudao::sync::store::pending_mutations(&db).await.unwrap();
    let va = sent.iter().find(|m| m.entity_id == "va").unwrap();
    let op = |f: &str| {
        va.ops
            .iter()
            .find(|o| o.field == f)
            .map(|o| o.value.clone())
    };
    assert_eq!(op("signature").unwrap()["name"], "李明");
    assert_eq!(
        op("opinion_no"),
        Some(serde_json::json!("清督意〔2026〕1号"))
    );
    assert_eq!(op("state"), Some(serde_json::json!("signed")));
}

#[wasm_bindgen_test]
async fn a_refused_signature_stores_nothing_and_uses_no_number() {
    let db = fresh_db("refuse").await;
    let v = finished("vr");
    repo::save_visit_in(&db, None, &v).await.unwrap();
    let marked = outbox::entries_in(&db).await.unwrap();

    let err = repo::sign_visit_in(&db, &v, signature("  "), 2026).await;
    assert_eq!(err, Err(SignError::Review(ReviewError::NoName)));
    let mut no_image = signature("李明");
    no_image.image = String::new();
    let err = repo::sign_visit_in(&db, &v, no_image, 2026).await;
    assert_eq!(err, Err(SignError::Review(ReviewError::NoSignature)));

    assert_eq!(counter(&db, 2026).await, None);
    assert_eq!(
        outbox::entries_in(&db).await.unwrap(),
        marked,
        "the outbox as it was"
    );
    let stored: Visit = db.get(VISITS, "vr").await.unwrap().unwrap();
    assert_eq!(stored.state, VisitState::Finished);

    // Signing what is already signed is refused too, and the number stays used once.
    let signed = repo::sign_visit_in(&db, &v, signature("李明"), 2026)
        .await
        .unwrap();
    let again = repo::sign_visit_in(&db, &signed, signature("李明"), 2026).await;
    assert!(
        matches!(again, Err(SignError::Review(ReviewError::Visit(_)))),
        "{again:?}"
    );
    assert_eq!(counter(&db, 2026).await, Some(1));
    assert_eq!(db.count(OUTBOX).await.unwrap(), 1);
}

#[wasm_bindgen_test]
async fn a_read_modify_write_that_fails_keeps_nothing_of_itself() {
    let db = fresh_db("rmw").await;
    repo::sign_visit_in(&db, &finished("v1"), signature("李明"), 2026)
        .await
        .unwrap();
    // The counter is read and raised, then a later write in the same transaction fails.
    let v2 = finished("v2");
    let result = db
        .write(&[META, VISITS], move |w| {
            w.get_then(
                META,
                "opinion-seq-2026",
                move |w, c: Option<serde_json::Value>| {
                    let seq = c.and_then(|c| c["seq"].as_u64()).unwrap_or(0) + 1;
                    w.put(
                        META,
                        &serde_json::json!({"key": "opinion-seq-2026", "seq": seq}),
                    )?;
                    w.put(VISITS, &v2)?;
                    Err(StorageError::QuotaExceeded)
                },
            )
        })
        .await;
    assert!(result.is_err(), "the transaction is aborted");
    assert_eq!(
        counter(&db, 2026).await,
        Some(1),
        "the counter is not raised"
    );
    assert!(db.get::<Visit>(VISITS, "v2").await.unwrap().is_none());
}

/// The review screen read the visit; then a sync cycle stored a value from the supervisor's other
/// phone (here a note on an answer). The representative would sign content they were not shown:
/// nothing is signed, no number is used, and the stored visit is as the sync left it.
#[wasm_bindgen_test]
async fn a_visit_changed_by_a_sync_since_review_is_not_signed_and_uses_no_number() {
    let db = fresh_db("sign-changed").await;
    let shown = finished("v-changed");
    repo::save_visit_in(&db, None, &shown).await.unwrap();
    let mut synced = shown.clone();
    let code = template().sections[0].items[0].code.clone();
    synced.answers.entry(code).or_default().note = "另一台手机补充的说明".into();
    repo::save_visit_in(&db, None, &synced).await.unwrap();
    let outbox = db.count(OUTBOX).await.unwrap();

    let refused = repo::sign_visit_in(&db, &shown, signature("李明"), 2026).await;
    assert!(matches!(refused, Err(SignError::Changed)), "{refused:?}");
    assert_eq!(counter(&db, 2026).await, None, "no number was used");
    let stored: Visit = db.get(VISITS, "v-changed").await.unwrap().unwrap();
    assert_eq!(stored, synced);
    assert_eq!(db.count(OUTBOX).await.unwrap(), outbox);

    // Reviewed again (the screen now shows what is stored), it signs with the first number.
    let signed = repo::sign_visit_in(&db, &stored, signature("李明"), 2026)
        .await
        .unwrap();
    assert_eq!(signed.opinion_no.as_deref(), Some("清督意〔2026〕1号"));
    assert_eq!(signed.answers, synced.answers);
}

/// A position fix stored after the review screen read the visit (it arrived after 完成督导, or a
/// sync brought it) is not something the school signs: signing goes ahead, and the signed visit
/// keeps the location.
#[wasm_bindgen_test]
async fn a_location_stored_since_review_does_not_stop_signing_and_is_kept() {
    let db = fresh_db("sign-located").await;
    let shown = finished("v-located");
    repo::save_visit_in(&db, None, &shown).await.unwrap();
    let mut located = shown.clone();
    let fix = dudao_domain::location::Location::Fix {
        latitude: 37.05,
        longitude: 115.67,
        accuracy_m: 20.0,
        at: 3,
    };
    located.set_location(fix.clone(), 3).unwrap();
    repo::save_visit_in(&db, Some(&shown), &located)
        .await
        .unwrap();

    let signed = repo::sign_visit_in(&db, &shown, signature("李明"), 2026)
        .await
        .unwrap();
    assert_eq!(signed.opinion_no.as_deref(), Some("清督意〔2026〕1号"));
    assert_eq!(signed.location, Some(fix));
    let stored: Visit = db.get(VISITS, "v-located").await.unwrap().unwrap();
    assert_eq!(stored, signed);
    assert_eq!(stored.state, VisitState::Signed);
}
