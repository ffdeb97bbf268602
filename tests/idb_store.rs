//! The IndexedDB store in a real browser (headless Chromium): what a supervisor relies on when
//! the tab is killed — a change and its outbox entry are saved together or not at all.
#![cfg(target_arch = "wasm32")]

use dudao::storage::idb::{Db, OUTBOX, VISITS};
use dudao::storage::outbox;
use dudao::storage::repo;
use dudao::storage::StorageError;
use dudao_domain::{AnswerValue, Checklist, GradeRange, School, Stage, Template, Visit};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

mod common;
use common::{fresh_db, template};

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
        address: String::new(),
        contact: String::new(),
        supervisor: String::new(),
        county: String::new(),
        facilities: Default::default(),
    }
}

/// The grades 3–6 written-homework item (minutes), the check supervisors enter most often.
fn homework_item(t: &Template, school: &School) -> String {
    let refs = [t];
    let cl = Checklist::new(&refs, school);
    cl.visible(&Default::default())
        .into_iter()
        .find(|e| {
            e.item.rule.as_deref() == Some("homework_written_minutes")
                && e.item.grades.is_some_and(|g| g.contains(4))
        })
        .map(|e| e.item.code.clone())
        .expect("the 五项管理 template asks a primary school for grade 3–6 homework minutes")
}

#[wasm_bindgen_test]
async fn an_answer_is_stored_with_its_outbox_entry_and_survives_reopening() {
    let t = template();
    let s = school();
    let name = format!("answer-{}", js_sys::Math::random());
    let db = Db::open_named(&name).await.unwrap();
    let mut v = Visit::new("v1".into(), &s, "李督学".into(), &[&t], 1);
    let code = homework_item(&t, &s);
    let refs = [&t];
    v.set_value(
        &Checklist::new(&refs, &s),
        &code,
        Some(AnswerValue::Number(75.0)),
        2,
    )
    .unwrap();
    repo::save_visit_in(&db, None, &v).await.unwrap();
    db.close();

    // A new connection, as after a reload or a killed tab.
    let db = Db::open_named(&name).await.unwrap();
    let back: Visit = db
        .get(VISITS, "v1")
        .await
        .unwrap()
        .expect("visit is stored");
    assert_eq!(back, v);
    assert_eq!(back.answers[&code].value, Some(AnswerValue::Number(75.0)));
    let outbox = outbox::entries_in(&db).await.unwrap();
    assert_eq!(outbox.len(), 1);
    assert_eq!(
        (outbox[0].entity.as_str(), outbox[0].entity_id.as_str()),
        ("visit", "v1")
    );
    // What the sync engine makes of it carries the answer.
    assert_eq!(dudao::sync::store::coalesce(&db, 3).await.unwrap(), 1);
    let sent = dudao::sync::store::pending_mutations(&db).await.unwrap();
    let field = format!("answers.{code}.value");
    let value = sent[0]
        .ops
        .iter()
        .find(|o| o.field == field)
        .unwrap()
        .value
        .clone();
    // JS numbers do not tell 75 from 75.0; what matters is that it decodes to the same answer.
    let decoded: AnswerValue = serde_json::from_value(value).unwrap();
    assert_eq!(decoded, AnswerValue::Number(75.0));
}

/// A record changed many times before a sync leaves one marker, as of its latest change: the
/// outbox (and every count of it) stays as small as the number of records changed.
#[wasm_bindgen_test]
async fn a_record_changed_many_times_is_marked_once_as_of_its_latest_change() {
    let t = template();
    let s = school();
    let db = fresh_db("seq").await;
    let mut v = Visit::new("v2".into(), &s, "李督学".into(), &[&t], 1);
    for i in 0..5 {
        v.updated_at = 10 + i;
        v.position = Some(format!("item {i}"));
        repo::save_visit_in(&db, None, &v).await.unwrap();
    }
    let other = Visit::new("v2b".into(), &s, "李督学".into(), &[&t], 20);
    repo::save_visit_in(&db, None, &other).await.unwrap();
    let marked: Vec<(String, i64)> = outbox::entries_in(&db)
        .await
        .unwrap()
        .into_iter()
        .map(|e| (e.entity_id, e.at))
        .collect();
    assert_eq!(marked, vec![("v2".into(), 14), ("v2b".into(), 20)]);
    assert_eq!(outbox::count_in(&db).await.unwrap(), 2);
}

#[wasm_bindgen_test]
async fn a_failed_write_keeps_nothing_of_itself_and_leaves_earlier_records_intact() {
    let t = template();
    let s = school();
    let db = fresh_db("rollback").await;
    let v1 = Visit::new("v3".into(), &s, "李督学".into(), &[&t], 1);
    repo::save_visit_in(&db, None, &v1).await.unwrap();

    // The visit is written, then the outbox write fails: the transaction must roll back whole.
    let mut v2 = v1.clone();
    v2.supervisor = "changed".into();
    let result = db
        .write(&[VISITS, OUTBOX], |w| {
            w.put(VISITS, &v2)?;
            Err(StorageError::QuotaExceeded)
        })
        .await;
    assert_eq!(result, Err(StorageError::QuotaExceeded));
    let back: Visit = db.get(VISITS, "v3").await.unwrap().unwrap();
    assert_eq!(
        back.supervisor, "李督学",
        "the earlier saved visit is untouched"
    );
    assert_eq!(
        db.count(OUTBOX).await.unwrap(),
        1,
        "no outbox entry without its change"
    );
}

#[wasm_bindgen_test]
async fn pinned_templates_and_school_lists_read_back_unchanged() {
    let db = fresh_db("pins").await;
    let t = template();
    repo::pin_templates_in(&db, std::slice::from_ref(&t))
        .await
        .unwrap();
    #[derive(serde::Deserialize)]
    struct Stored {
        template: Template,
    }
    let back: Stored = db
        .get(dudao::storage::idb::TEMPLATES, &t.key())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(back.template, t);
}

/// The office's library is kept for offline use: in order, local editions included, and a
/// newer download replaces the list while the old templates stay for the visits pinning them.
#[wasm_bindgen_test]
async fn the_office_library_is_cached_in_order_with_its_local_edition() {
    let mut lib = dudao_domain::builtin::templates().expect("built-in templates validate");
    let local = dudao_domain::local::LocalThresholds::from_toml(
        r#"
template = "wuxiang"
version = 1
district = "清河县"
edition = 1
[[changes]]
rule = "daily_activity_minutes"
band = "中小学"
min = 120
basis = { document = "清河县教育局关于保障中小学生每天综合体育活动时间不低于2小时的通知", year = 2025 }
"#,
    )
    .unwrap()
    .apply(&template())
    .unwrap();
    let at = lib.iter().position(|t| t.id == "wuxiang").unwrap();
    lib[at] = local.clone();

    repo::save_library(&lib).await.expect("library saved");
    let back = repo::load_library()
        .await
        .unwrap()
        .expect("a library is stored");
    assert_eq!(back, lib);
    assert_eq!(back[at].key(), "wuxiang@1+清河县.1");

    // The same versions again (the app asks at every start): nothing is written. A stored
    // template changed behind the app's back shows whether it was.
    let mut edited = lib[0].clone();
    edited.title.zh = "改过的标题".into();
    repo::pin_templates(std::slice::from_ref(&edited))
        .await
        .unwrap();
    repo::save_library(&lib).await.unwrap();
    assert_eq!(
        repo::load_template(&edited.key()).await.unwrap(),
        Some(edited),
        "an unchanged library is not written again"
    );

    // A smaller library replaces the list; the dropped template can still be loaded by key.
    repo::save_library(&lib[..1]).await.unwrap();
    assert_eq!(repo::load_library().await.unwrap().unwrap().len(), 1);
    assert_eq!(
        repo::load_template(&local.key()).await.unwrap(),
        Some(local)
    );
}

/// A visit whose pinned copy is missing falls back to the built-in template only when the
/// built-in one is exactly what it pinned: never to national numbers for a local edition.
#[wasm_bindgen_test]
async fn a_visit_never_reopens_on_another_edition_than_it_pinned() {
    let national = template();
    let local = dudao_domain::local::LocalThresholds::from_toml(
        r#"
template = "wuxiang"
version = 1
district = "柳林乡"
edition = 9
[[changes]]
rule = "daily_activity_minutes"
band = "中小学"
min = 90
basis = { document = "柳林乡中心学校体育活动安排", year = 2025 }
"#,
    )
    .unwrap()
    .apply(&national)
    .unwrap();
    let s = school();

    // Pinned to the national template, never stored: rebuilt from the built-in one.
    let v = Visit::new(
        "fallback-national".into(),
        &s,
        "王建华".into(),
        &[&national],
        1,
    );
    repo::save_visit(None, &v).await.unwrap();
    let session = dudao::opened_visit::OpenedVisit::load(v.id.clone())
        .await
        .expect("reopens")
        .expect("exists");
    assert_eq!(session.templates[0].key(), national.key());

    // Pinned to a local edition whose copy is gone: an error, not the national numbers.
    let v = Visit::new("fallback-local".into(), &s, "王建华".into(), &[&local], 1);
    repo::save_visit(None, &v).await.unwrap();
    match dudao::opened_visit::OpenedVisit::load(v.id.clone()).await {
        Err(e @ StorageError::TemplateMissing(_)) => {
            assert!(e.to_string().contains("柳林乡.9"), "{e}");
            let t = &dudao::i18n::ZH;
            assert_eq!(e.user_message(t), t.err_template_missing);
        }
        Err(e) => panic!("unexpected error {e:?}"),
        Ok(s) => panic!("reopened on {:?}", s.map(|s| s.templates[0].key())),
    }
}

/// A full disk is "手机存储空间已满" whichever way Chromium reports it: over quota, or failing to
/// write a photo's Blob file (the storage spec's 12 MB disk showed both).
#[wasm_bindgen_test]
fn a_full_disk_is_told_as_no_room_whichever_way_the_browser_reports_it() {
    let error = |message: &str, name: &str| {
        StorageError::from_js(
            web_sys::DomException::new_with_message_and_name(message, name)
                .unwrap()
                .into(),
        )
    };
    assert_eq!(
        error("The quota has been exceeded.", "QuotaExceededError"),
        StorageError::QuotaExceeded
    );
    assert_eq!(
        error("Failed to write blobs (IOError)", "DataError"),
        StorageError::QuotaExceeded
    );
    // Chromium's LevelDB out of disk while writing a record (seen in storage.spec's full disk).
    assert_eq!(
        error(
            "Connection is closing because of: IO error: .../000003.log: FILE_ERROR_NO_SPACE \
             (ChromeMethodBFE: 3::WritableFileAppend::8)",
            "UnknownError"
        ),
        StorageError::QuotaExceeded
    );
    // Other data errors are not about space.
    assert!(matches!(
        error("Failed to read large IndexedDB value", "DataError"),
        StorageError::Failed(_)
    ));
}
