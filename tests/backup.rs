//! Backup and restore in a real browser (headless Chromium, real IndexedDB): what a supervisor
//! relies on when carrying the phone's records to another one by hand — the file brings back
//! every visit, photo and pending change exactly; importing it again adds nothing; a damaged or
//! foreign file is refused and changes nothing.
#![cfg(target_arch = "wasm32")]

use dudao::storage::backup::{export_in, import_in, ImportError};
use dudao::storage::idb::{Db, META, OUTBOX, PHOTOS, SCHOOLS, TEMPLATES, VISITS};
use dudao::storage::outbox;
use dudao::storage::outbox::OutboxEntry;
use dudao::storage::photos::{self, StoredPhoto};
use dudao::storage::repo;
use dudao_domain::backup::{sha256_hex, BackupError, ImportReport};
use dudao_domain::photo::PhotoMeta;
use dudao_domain::review::Signature;
use dudao_domain::{
    AnswerKind, AnswerValue, Checklist, Compliance, GradeRange, School, Stage, Template, Visit,
    VisitState,
};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

mod common;
use common::{blob_of, bytes, fresh_db, template};

const ALL: [&str; 6] = [VISITS, SCHOOLS, TEMPLATES, OUTBOX, META, PHOTOS];

fn school() -> School {
    School {
        id: "s1".into(),
        code: "QH0101".into(),
        name: "清河县实验小学".into(),
        district: "城关镇".into(),
        stage: Stage::Primary,
        grades: GradeRange::new(1, 6),
        enrolment: 1800,
        boarding: false,
        address: "清河县城关镇建设路 1 号".into(),
        contact: "李校长 13800000000".into(),
        supervisor: "王建国".into(),
        county: "清河县".into(),
        facilities: Default::default(),
    }
}

/// The first two visible 符合/不符合 items of 五项管理 at a primary school.
fn compliance_items(t: &Template, s: &School) -> (String, String) {
    let refs = [t];
    let cl = Checklist::new(&refs, s);
    let codes: Vec<String> = cl
        .visible(&Default::default())
        .iter()
        .filter(|e| matches!(e.item.answer, AnswerKind::Compliance))
        .map(|e| e.item.code.clone())
        .take(2)
        .collect();
    (codes[0].clone(), codes[1].clone())
}

/// A phone with two visits: a draft with a 不符合 answer, a note and a photo (each saved with
/// its outbox entry), and a signed one with a finding; the pinned template and a 意见书 counter.
async fn seed(db: &Db) {
    let t = template();
    let s = school();
    let refs = [&t];
    let cl = Checklist::new(&refs, &s);
    let (a, b) = compliance_items(&t, &s);
    repo::pin_templates_in(db, std::slice::from_ref(&t))
        .await
        .unwrap();

    let mut draft = Visit::new("v-draft".into(), &s, "王建国".into(), &[&t], 1_000);
    let bad = Some(AnswerValue::Compliance(Compliance::NonCompliant));
    draft.set_value(&cl, &a, bad.clone(), 2_000).unwrap();
    draft
        .set_note(&cl, &a, "作业公示栏三周未更新".into(), 2_100)
        .unwrap();
    repo::save_visit_in(db, None, &draft).await.unwrap();
    let jpeg: Vec<u8> = (0..5000u32).map(|i| (i * 7 % 251) as u8).collect();
    let thumb: Vec<u8> = (0..600u32).map(|i| (i * 3 % 253) as u8).collect();
    let meta = PhotoMeta {
        id: "p-1".into(),
        visit_id: draft.id.clone(),
        item_code: a.clone(),
        sha256: sha256_hex(&jpeg),
        size: jpeg.len() as u64,
        width: 1600,
        height: 1200,
        mime: "image/jpeg".into(),
        taken_at: 2_200,
    };
    draft.attach_photo(&cl, &a, meta.id.clone(), 2_200).unwrap();
    photos::save_photo_in(
        db,
        None,
        &draft,
        &StoredPhoto {
            meta,
            blob: blob_of(&jpeg, "image/jpeg"),
            thumb: blob_of(&thumb, "image/jpeg"),
            on_server: false,
        },
    )
    .await
    .unwrap();

    let mut signed = Visit::new("v-signed".into(), &s, "王建国".into(), &[&t], 3_000);
    signed.set_value(&cl, &b, bad.clone(), 3_100).unwrap();
    signed.state = VisitState::Finished;
    signed.finished_at = Some(3_200);
    signed.draft_findings(&cl);
    assert!(
        !signed.findings.is_empty(),
        "a 不符合 answer drafts a finding"
    );
    signed.state = VisitState::Signed;
    signed.signature = Some(Signature {
        name: "李校长".into(),
        role: "校长".into(),
        image: "data:image/png;base64,iVBORw0KGgo=".into(),
        signed_at: 3_300,
    });
    signed.opinion_no = Some("清督意〔2026〕1号".into());
    signed.updated_at = 3_300;
    repo::save_visit_in(db, None, &signed).await.unwrap();
    db.write(&[META], |w| {
        w.put(
            META,
            &serde_json::json!({"key": "opinion-seq-2026", "seq": 1}),
        )
    })
    .await
    .unwrap();
}

/// Everything the phone holds that a backup must bring back, in a comparable form.
#[derive(Debug, PartialEq)]
struct Snapshot {
    visits: Vec<Visit>,
    photos: Vec<(PhotoMeta, Vec<u8>, Vec<u8>)>,
    outbox: Vec<OutboxEntry>,
    templates: Vec<serde_json::Value>,
    meta: Vec<serde_json::Value>,
}

async fn snapshot(db: &Db) -> Snapshot {
    let mut visits: Vec<Visit> = db.all(VISITS).await.unwrap();
    visits.sort_by(|a, b| a.id.cmp(&b.id));
    let mut photos = Vec::new();
    for v in &visits {
        for p in photos::photos_for_visit_in(db, &v.id).await.unwrap() {
            photos.push((p.meta, bytes(&p.blob).await, bytes(&p.thumb).await));
        }
    }
    // One marker per record changed, keyed by the record: the same on any phone.
    let outbox = outbox::entries_in(db).await.unwrap();
    Snapshot {
        visits,
        photos,
        outbox,
        templates: db.all(TEMPLATES).await.unwrap(),
        meta: db.all(META).await.unwrap(),
    }
}

async fn counts(db: &Db) -> Vec<u32> {
    let mut out = Vec::new();
    for s in ALL {
        out.push(db.count(s).await.unwrap());
    }
    out
}

/// As "clear site data" leaves it.
async fn clear(db: &Db) {
    db.write(&ALL, |w| ALL.iter().try_for_each(|s| w.clear(s)))
        .await
        .unwrap();
    assert_eq!(counts(db).await, vec![0; 6]);
}

async fn export(db: &Db) -> String {
    export_in(db, 1_796_110_200_000, 480, |_, _| {})
        .await
        .expect("export reads every store")
        .json
}

#[wasm_bindgen_test]
async fn export_clear_import_brings_back_identical_records() {
    let db = fresh_db("backup-roundtrip").await;
    seed(&db).await;
    let before = snapshot(&db).await;
    assert_eq!(before.visits.len(), 2);
    assert_eq!(before.photos.len(), 1);
    assert_eq!(
        before.outbox.len(),
        3,
        "both visits and the photo are marked changed"
    );

    let file = export_in(&db, 1_796_110_200_000, 480, |_, _| {})
        .await
        .unwrap();
    assert_eq!(file.name, "督导备份-清河县-2026年12月1日-1530.json");
    assert_eq!((file.visits, file.photos), (2, 1));

    clear(&db).await;
    let report = import_in(&db, &file.json).await.unwrap();
    assert_eq!(
        report,
        ImportReport {
            added: 2,
            photos_added: 1,
            ..Default::default()
        }
    );
    let after = snapshot(&db).await;
    assert_eq!(after.visits, before.visits, "visits deep-equal");
    assert_eq!(after.photos, before.photos, "photo meta and bytes equal");
    assert_eq!(after.outbox, before.outbox, "pending changes queued again");
    assert_eq!(after.templates, before.templates);
    assert_eq!(after.meta, before.meta, "the 意见书 counter carried over");
    let signed = after.visits.iter().find(|v| v.id == "v-signed").unwrap();
    assert!(signed.signature.is_some() && !signed.findings.is_empty());

    // Another browser: a new database of its own gets the same.
    let other = fresh_db("backup-other-phone").await;
    import_in(&other, &file.json).await.unwrap();
    assert_eq!(snapshot(&other).await, before);
}

#[wasm_bindgen_test]
async fn importing_the_same_file_twice_creates_no_duplicates() {
    let db = fresh_db("backup-twice").await;
    seed(&db).await;
    let json = export(&db).await;
    clear(&db).await;
    import_in(&db, &json).await.unwrap();
    let once = snapshot(&db).await;
    let n = counts(&db).await;

    let again = import_in(&db, &json).await.unwrap();
    assert_eq!(
        again,
        ImportReport {
            skipped: 2,
            photos_skipped: 1,
            ..Default::default()
        }
    );
    assert_eq!(again.zh(), "新增 0 条，更新 0 条，跳过 2 条");
    assert_eq!(counts(&db).await, n);
    assert_eq!(snapshot(&db).await, once);

    // And into the phone it came from, nothing is added either.
    let source = fresh_db("backup-source").await;
    seed(&source).await;
    let before = snapshot(&source).await;
    let report = import_in(&source, &export(&source).await).await.unwrap();
    assert!(report.is_noop(), "{report:?}");
    assert_eq!(snapshot(&source).await, before);
}

#[wasm_bindgen_test]
async fn a_newer_visit_in_the_file_updates_the_older_one_here() {
    let db = fresh_db("backup-newer").await;
    seed(&db).await;
    let mut v: Visit = db.get(VISITS, "v-draft").await.unwrap().unwrap();
    let t = template();
    let refs = [&t];
    let code = v.answers.keys().next().unwrap().clone();
    v.set_note(
        &Checklist::new(&refs, &v.school.clone()),
        &code,
        "已补拍照片".into(),
        9_000,
    )
    .unwrap();
    let newer = fresh_db("backup-newer-source").await;
    seed(&newer).await;
    repo::save_visit_in(&newer, None, &v).await.unwrap();
    let report = import_in(&db, &export(&newer).await).await.unwrap();
    assert_eq!((report.added, report.updated, report.skipped), (0, 1, 1));
    let here: Visit = db.get(VISITS, "v-draft").await.unwrap().unwrap();
    assert_eq!(here, v);
}

async fn refused(db: &Db, text: &str) -> BackupError {
    match import_in(db, text).await {
        Err(ImportError::Backup(e)) => e,
        other => panic!("expected the file to be refused, got {other:?}"),
    }
}

#[wasm_bindgen_test]
async fn a_corrupt_foreign_or_tampered_file_is_refused_and_changes_nothing() {
    let source = fresh_db("backup-bad-source").await;
    seed(&source).await;
    let json = export(&source).await;

    // A phone with its own records, and an empty one.
    let here = fresh_db("backup-bad-here").await;
    seed(&here).await;
    let before = snapshot(&here).await;
    let empty = fresh_db("backup-bad-empty").await;

    let half = String::from_utf8_lossy(&json.as_bytes()[..json.len() / 2]).into_owned();
    let mut tampered: serde_json::Value = serde_json::from_str(&json).unwrap();
    let other_bytes = dudao_domain::backup::encode_base64(b"a different picture");
    tampered["photos"][0]["jpeg"] = serde_json::Value::String(other_bytes);
    let mut newer: serde_json::Value = serde_json::from_str(&json).unwrap();
    newer["version"] = serde_json::json!(2);
    let mut no_template: serde_json::Value = serde_json::from_str(&json).unwrap();
    no_template["templates"] = serde_json::json!([]);

    for db in [&here, &empty] {
        assert!(matches!(refused(db, &half).await, BackupError::NotJson(_)));
        assert_eq!(
            refused(db, r#"{"name":"班级名单","rows":[]}"#).await,
            BackupError::Foreign
        );
        assert_eq!(
            refused(db, &tampered.to_string()).await,
            BackupError::HashMismatch("p-1".into())
        );
        let e = refused(db, &newer.to_string()).await;
        assert_eq!(e.zh(), "备份文件版本较新，请先更新应用");
        assert!(matches!(
            refused(db, &no_template.to_string()).await,
            BackupError::MissingTemplate { .. }
        ));
    }
    assert_eq!(snapshot(&here).await, before);
    assert_eq!(counts(&empty).await, vec![0; 6]);
}
