//! Templates as data: publishing, local thresholds, the effective library and
//! `GET /api/templates`, against a real SQLite file.

use axum::http::StatusCode;
use dudao_domain::builtin;
use dudao_domain::{AnswerKind, Template};
use dudao_server::db::{PublishedTemplate, StoreError, ThresholdsFile};
use dudao_server::demo;
use dudao_server::library::{self, Library, PublishError, ThresholdsError};

use crate::common::{fresh_store, get, test_app_on, Backend};

/// The built-in 五项管理 template, as the server parses it.
pub fn wuxiang() -> Template {
    library::builtins()
        .expect("built-ins")
        .iter()
        .find(|(_, t)| t.id == "wuxiang")
        .map(|(_, t)| t.clone())
        .expect("wuxiang is built in")
}

/// `wuxiang` at another version.
fn wuxiang_v(version: u32) -> Template {
    Template {
        version,
        ..wuxiang()
    }
}

/// A template of the office's own, made from wuxiang's source with another id and item-code
/// prefix (QHZX: 清河专项, used by no built-in template).
pub fn own_template_src() -> String {
    let (_, src) = builtin::SOURCES
        .iter()
        .find(|(file, _)| *file == "wuxiang.toml")
        .expect("wuxiang.toml");
    src.replace("id = \"wuxiang\"", "id = \"qinghe_zhuanxiang\"")
        .replace("WX-", "QHZX-")
}

fn own_template() -> Template {
    Template::from_toml(&own_template_src()).unwrap_or_else(|e| panic!("{e}"))
}

/// 清河县's thresholds with another edition, band or version.
fn thresholds(edition: u32, band: &str, version: u32) -> String {
    demo::THRESHOLDS
        .replace("edition = 1", &format!("edition = {edition}"))
        .replace("band = \"中小学\"", &format!("band = \"{band}\""))
        .replace("version = 1", &format!("version = {version}"))
}

fn served<'a>(templates: &'a [Template], id: &str) -> &'a Template {
    templates
        .iter()
        .find(|t| t.id == id)
        .unwrap_or_else(|| panic!("{id} is not served"))
}

fn daily_activity_min(t: &Template) -> Option<f64> {
    t.rule("daily_activity_minutes").expect("rule").bands[0].min
}

// --- the store ------------------------------------------------------------------------------

async fn a_published_version_is_stored_once_and_read_back_whole(backend: Backend) {
    let (_dir, _db, store) = fresh_store(backend).await;
    let published = PublishedTemplate {
        template: wuxiang_v(2),
        source: "wuxiang-v2.xlsx".into(),
        published_at: 1_790_000_000_000,
    };
    store.publish_template(&published).await.expect("publish");
    assert_eq!(
        store.list_published_templates().await.expect("list"),
        vec![published.clone()]
    );

    let again = store.publish_template(&published).await;
    assert!(
        matches!(&again, Err(StoreError::TemplateExists { id, version: 2 }) if id == "wuxiang"),
        "{again:?}"
    );
}
both_backends!(a_published_version_is_stored_once_and_read_back_whole);

async fn only_a_higher_thresholds_edition_is_stored_per_template_and_district(backend: Backend) {
    let (_dir, _db, store) = fresh_store(backend).await;
    let file = |district: &str, edition: u32| ThresholdsFile {
        template_id: "wuxiang".into(),
        district: district.into(),
        edition,
        body: thresholds(edition, "中小学", 1),
        source: format!("{district}-{edition}.toml"),
        created_at: 1_790_000_000_000 + i64::from(edition),
    };
    store
        .save_local_thresholds(&file("清河县", 2))
        .await
        .expect("edition 2");
    for edition in [1, 2] {
        let refused = store.save_local_thresholds(&file("清河县", edition)).await;
        assert!(
            matches!(
                refused,
                Err(StoreError::ThresholdsNotNewer { latest: 2, .. })
            ),
            "edition {edition}: {refused:?}"
        );
    }
    // Editions count per district.
    store
        .save_local_thresholds(&file("江宁区", 1))
        .await
        .expect("another district");
    store
        .save_local_thresholds(&file("清河县", 3))
        .await
        .expect("edition 3");

    let latest = store.latest_local_thresholds().await.expect("latest");
    let keys: Vec<(&str, u32)> = latest
        .iter()
        .map(|f| (f.district.as_str(), f.edition))
        .collect();
    assert_eq!(keys, [("江宁区", 1), ("清河县", 3)]);
    assert_eq!(latest[1], file("清河县", 3));
}
both_backends!(only_a_higher_thresholds_edition_is_stored_per_template_and_district);

async fn a_corrupt_published_row_is_an_invalid_row_error_not_a_panic(backend: Backend) {
    let t = test_app_on(backend).await;
    t.db.execute(
        "INSERT INTO published_templates (id, version, body, source, published_at) \
         VALUES ('wuxiang', 2, '{\"id\": \"wuxiang\"}', 'broken.toml', 0)",
    )
    .await
    .expect("insert");

    let read = t.state.store.list_published_templates().await;
    assert!(
        matches!(&read, Err(StoreError::InvalidRow { table: "published_templates", id, .. }) if id == "wuxiang@2"),
        "{read:?}"
    );
    let reply = get(&t.router, "/api/templates").await;
    assert_eq!(reply.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(reply.json()["error"], "internal");
}
both_backends!(a_corrupt_published_row_is_an_invalid_row_error_not_a_panic);

// --- publishing -----------------------------------------------------------------------------

async fn publishing_a_newer_version_serves_it_instead_of_the_built_in_one(backend: Backend) {
    let (_dir, _db, store) = fresh_store(backend).await;
    let library = library::publish(store.as_ref(), "wuxiang-v2.xlsx", wuxiang_v(2))
        .await
        .expect("publish");
    let entry = library.entry("wuxiang").expect("entry");
    assert_eq!(entry.national, wuxiang_v(2));
    assert_eq!(entry.origin.to_string(), "published from wuxiang-v2.xlsx");
    // Both versions stay known, so codes and versions are checked against both.
    let versions: Vec<u32> = library
        .versions()
        .iter()
        .filter(|v| v.template.id == "wuxiang")
        .map(|v| v.template.version)
        .collect();
    assert_eq!(versions, [1, 2]);

    let own = library::publish(store.as_ref(), "qinghe.toml", own_template())
        .await
        .expect("own");
    assert_eq!(
        own.entry("qinghe_zhuanxiang")
            .expect("own")
            .national
            .version,
        1
    );
}
both_backends!(publishing_a_newer_version_serves_it_instead_of_the_built_in_one);

async fn publishing_the_same_version_again_is_refused(backend: Backend) {
    let (_dir, _db, store) = fresh_store(backend).await;
    library::publish(store.as_ref(), "a.toml", wuxiang_v(2))
        .await
        .expect("first");
    let again = library::publish(store.as_ref(), "b.toml", wuxiang_v(2)).await;
    match again {
        Err(PublishError::Exists {
            id,
            version,
            origin,
        }) => {
            assert_eq!((id.as_str(), version), ("wuxiang", 2));
            assert_eq!(origin, "published from a.toml");
        }
        other => panic!("{other:?}"),
    }
    // The built-in version counts as taken too.
    let builtin = library::publish(store.as_ref(), "c.toml", wuxiang()).await;
    assert!(
        matches!(&builtin, Err(PublishError::Exists { origin, .. }) if origin == "built-in wuxiang.toml"),
        "{builtin:?}"
    );
}
both_backends!(publishing_the_same_version_again_is_refused);

async fn publishing_a_lower_version_is_refused_with_the_latest_named(backend: Backend) {
    let (_dir, _db, store) = fresh_store(backend).await;
    library::publish(store.as_ref(), "v3.toml", wuxiang_v(3))
        .await
        .expect("v3");
    let lower = library::publish(store.as_ref(), "v2.toml", wuxiang_v(2)).await;
    let Err(e @ PublishError::NotNewer { latest: 3, .. }) = lower else {
        panic!("{lower:?}");
    };
    assert_eq!(
        e.to_string(),
        "template wuxiang version 2 is not above version 3 already in the library; raise \
         `version` to 4 or more"
    );
    let published = store.list_published_templates().await.expect("list");
    assert_eq!(published.len(), 1, "nothing was written");
}
both_backends!(publishing_a_lower_version_is_refused_with_the_latest_named);

async fn publishing_item_codes_another_template_uses_is_refused_code_by_code(backend: Backend) {
    let (_dir, _db, store) = fresh_store(backend).await;
    // Two items keep wuxiang's codes.
    let src = own_template_src()
        .replace("code = \"QHZX-SJ-01\"", "code = \"WX-SJ-01\"")
        .replace("code = \"QHZX-TZ-07\"", "code = \"WX-TZ-07\"");
    let template = Template::from_toml(&src).unwrap_or_else(|e| panic!("{e}"));
    let refused = library::publish(store.as_ref(), "qinghe.toml", template).await;
    let Err(PublishError::CodeCollision(collisions)) = &refused else {
        panic!("{refused:?}");
    };
    let codes: Vec<(&str, &str, u32)> = collisions
        .iter()
        .map(|c| (c.code.as_str(), c.template_id.as_str(), c.version))
        .collect();
    assert_eq!(
        codes,
        [("WX-SJ-01", "wuxiang", 1), ("WX-TZ-07", "wuxiang", 1)]
    );
    let message = refused.expect_err("refused").to_string();
    assert!(
        message.starts_with(
            "item WX-SJ-01, field `code`: is already used by template wuxiang version 1"
        ),
        "{message}"
    );
    assert!(store
        .list_published_templates()
        .await
        .expect("list")
        .is_empty());

    // A new version of the same template keeps its own codes, of course.
    library::publish(store.as_ref(), "v2.toml", wuxiang_v(2))
        .await
        .expect("v2 keeps WX- codes");
}
both_backends!(publishing_item_codes_another_template_uses_is_refused_code_by_code);

async fn publishing_an_invalid_template_lists_every_error(backend: Backend) {
    let (_dir, _db, store) = fresh_store(backend).await;
    let mut template = wuxiang_v(2);
    template.sections[0].items[0].prompt.zh = " ".into();
    template.sections[4].items[6].rule = Some("daily_minutes".into());
    let refused = library::publish(store.as_ref(), "broken.toml", template).await;
    let Err(e @ PublishError::Invalid(_)) = refused else {
        panic!("{refused:?}");
    };
    assert_eq!(
        e.to_string(),
        "item WX-SJ-01, field `prompt.zh`: is empty\n\
         item WX-TZ-07, field `rule`: refers to unknown rule daily_minutes"
    );
}
both_backends!(publishing_an_invalid_template_lists_every_error);

/// Issue 12: a limit that is NaN or infinite judges nothing, and min above max passes no school.
/// A template or thresholds file with one is refused naming the rule (or change) and field, and
/// nothing is stored.
async fn non_finite_and_contradictory_limits_are_refused_and_nothing_is_stored(backend: Backend) {
    let (_dir, _db, store) = fresh_store(backend).await;
    let mut template = wuxiang_v(2);
    for rule in &mut template.rules {
        match rule.id.as_str() {
            "homework_written_minutes" => {
                rule.bands[1].max = Some(f64::NAN);
                rule.bands[2].min = Some(100.0);
            }
            "daily_activity_minutes" => rule.bands[0].min = Some(f64::INFINITY),
            _ => {}
        }
    }
    for section in &mut template.sections {
        for item in section.items.iter_mut().filter(|i| i.code == "WX-ZY-04") {
            let AnswerKind::Number { max, .. } = &mut item.answer else {
                panic!("WX-ZY-04 is a number");
            };
            *max = Some(f64::INFINITY);
        }
    }
    let refused = library::publish(store.as_ref(), "limits.toml", template).await;
    let Err(e @ PublishError::Invalid(_)) = refused else {
        panic!("{refused:?}");
    };
    let not_finite = "is not a finite number; NaN and infinity never judge anything";
    assert_eq!(
        e.to_string(),
        format!(
            "rule homework_written_minutes, field `bands[1].max`: NaN {not_finite}\n\
             rule homework_written_minutes, field `bands[2].min`: min 100 is above max 90\n\
             rule daily_activity_minutes, field `bands[0].min`: inf {not_finite}\n\
             item WX-ZY-04, field `answer.max`: inf {not_finite}"
        )
    );
    assert!(store
        .list_published_templates()
        .await
        .expect("list")
        .is_empty());

    let src = demo::THRESHOLDS.replace("min = 120", "max = inf");
    let refused = library::store_thresholds(store.as_ref(), "q.toml", &src).await;
    let Err(e @ ThresholdsError::DoesNotApply { .. }) = refused else {
        panic!("{refused:?}");
    };
    assert_eq!(
        e.to_string(),
        "changes[0], field `max`: inf for rule daily_activity_minutes band 中小学 is not a number a \
         limit can be (NaN and infinity never judge anything); write a finite number"
    );
    assert!(store
        .latest_local_thresholds()
        .await
        .expect("latest")
        .is_empty());
}
both_backends!(non_finite_and_contradictory_limits_are_refused_and_nothing_is_stored);

async fn a_local_edition_cannot_be_published_as_a_template(backend: Backend) {
    let (_dir, _db, store) = fresh_store(backend).await;
    let parsed = dudao_domain::local::LocalThresholds::from_toml(&thresholds(1, "中小学", 2))
        .expect("parse");
    let edition = parsed.apply(&wuxiang_v(2)).expect("apply");
    let refused = library::publish(store.as_ref(), "edition.toml", edition).await;
    assert!(
        matches!(&refused, Err(PublishError::LocalEdition { tag, .. }) if tag == "清河县.1"),
        "{refused:?}"
    );
}
both_backends!(a_local_edition_cannot_be_published_as_a_template);

#[tokio::test]
async fn a_published_version_keeps_its_key_when_a_built_in_one_arrives_with_the_same_version() {
    // The office published its own wuxiang@1 before the server shipped one (simulated: the
    // store would refuse it today, so the library is built from rows directly).
    let mut own = wuxiang();
    own.title.zh = "清河县五项管理督查".into();
    let published = PublishedTemplate {
        template: own.clone(),
        source: "own.toml".into(),
        published_at: 0,
    };
    let library = Library::build(vec![published], Vec::new()).expect("library");
    assert_eq!(library.entry("wuxiang").expect("entry").national, own);
    let warnings = library.warnings();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(
        warnings[0].message.starts_with(
            "built-in wuxiang.toml has version 1 of template wuxiang, which the office already \
             published (published from own.toml)"
        ),
        "{}",
        warnings[0].message
    );

    // The same template published as it ships is no conflict.
    let same = PublishedTemplate {
        template: wuxiang(),
        source: "same.toml".into(),
        published_at: 0,
    };
    let library = Library::build(vec![same], Vec::new()).expect("library");
    assert!(library.warnings().is_empty());
}

// --- local thresholds -----------------------------------------------------------------------

async fn thresholds_that_apply_are_stored_and_served_as_the_local_edition(backend: Backend) {
    let (_dir, _db, store) = fresh_store(backend).await;
    let edition = library::store_thresholds(store.as_ref(), "qinghe.toml", demo::THRESHOLDS)
        .await
        .expect("store");
    assert_eq!(edition.key(), "wuxiang@1+清河县.1");
    assert_eq!(daily_activity_min(&edition), Some(120.0));

    let library = Library::load(store.as_ref()).await.expect("library");
    let entry = library.entry("wuxiang").expect("entry");
    assert_eq!(entry.effective(), &edition);
    assert_eq!(
        entry.local.as_ref().expect("local").file.source,
        "qinghe.toml"
    );
    assert!(library.warnings().is_empty(), "{:?}", library.warnings());
}
both_backends!(thresholds_that_apply_are_stored_and_served_as_the_local_edition);

async fn thresholds_for_a_band_the_rule_lacks_are_refused_naming_its_bands(backend: Backend) {
    let (_dir, _db, store) = fresh_store(backend).await;
    let refused =
        library::store_thresholds(store.as_ref(), "q.toml", &thresholds(1, "小学", 1)).await;
    let Err(e @ ThresholdsError::DoesNotApply { version: 1, .. }) = refused else {
        panic!("{refused:?}");
    };
    assert_eq!(
        e.to_string(),
        "changes[0], field `band`: rule daily_activity_minutes has no band \"小学\"; its bands \
         are 中小学"
    );
    assert!(store
        .latest_local_thresholds()
        .await
        .expect("latest")
        .is_empty());
}
both_backends!(thresholds_for_a_band_the_rule_lacks_are_refused_naming_its_bands);

async fn thresholds_for_an_unknown_template_name_the_library(backend: Backend) {
    let (_dir, _db, store) = fresh_store(backend).await;
    let src = demo::THRESHOLDS.replace("template = \"wuxiang\"", "template = \"wuxing\"");
    let refused = library::store_thresholds(store.as_ref(), "q.toml", &src).await;
    let Err(e @ ThresholdsError::UnknownTemplate { .. }) = refused else {
        panic!("{refused:?}");
    };
    let message = e.to_string();
    assert!(
        message.starts_with("the file adjusts template wuxing, which is not in the library"),
        "{message}"
    );
    assert!(message.contains("wuxiang"), "{message}");
}
both_backends!(thresholds_for_an_unknown_template_name_the_library);

async fn a_thresholds_edition_at_or_below_the_stored_one_is_refused(backend: Backend) {
    let (_dir, _db, store) = fresh_store(backend).await;
    library::store_thresholds(store.as_ref(), "q2.toml", &thresholds(2, "中小学", 1))
        .await
        .expect("edition 2");
    for edition in [1, 2] {
        let refused =
            library::store_thresholds(store.as_ref(), "q.toml", &thresholds(edition, "中小学", 1))
                .await;
        let Err(e @ ThresholdsError::NotNewer { latest: 2, .. }) = refused else {
            panic!("edition {edition}: {refused:?}");
        };
        assert_eq!(
            e.to_string(),
            "清河县 already has edition 2 of its thresholds for template wuxiang; set `edition` \
             to 3 or more"
        );
    }
}
both_backends!(a_thresholds_edition_at_or_below_the_stored_one_is_refused);

async fn a_syntax_error_in_a_thresholds_file_names_its_line(backend: Backend) {
    let (_dir, _db, store) = fresh_store(backend).await;
    let src = demo::THRESHOLDS.replace("min = 120", "min = 一百二十");
    let refused = library::store_thresholds(store.as_ref(), "q.toml", &src).await;
    let Err(e @ ThresholdsError::Parse(_)) = refused else {
        panic!("{refused:?}");
    };
    // `min = 一百二十` is on line 21 of the demo file.
    assert!(e.to_string().starts_with("line 21, column 7: "), "{e}");
}
both_backends!(a_syntax_error_in_a_thresholds_file_names_its_line);

async fn thresholds_for_an_older_version_fall_back_to_the_national_template_with_a_warning(
    backend: Backend,
) {
    let (_dir, _db, store) = fresh_store(backend).await;
    library::store_thresholds(store.as_ref(), "qinghe-thresholds.toml", demo::THRESHOLDS)
        .await
        .expect("thresholds for v1");
    let library = library::publish(store.as_ref(), "wuxiang-v2.toml", wuxiang_v(2))
        .await
        .expect("v2");

    let entry = library.entry("wuxiang").expect("entry");
    assert!(entry.local.is_none());
    assert_eq!(entry.effective(), &wuxiang_v(2));
    let warnings = library.warnings();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    let message = &warnings[0].message;
    assert!(
        message.starts_with(
            "local thresholds qinghe-thresholds.toml (清河县 edition 1) do not apply to \
             template wuxiang version 2, so phones get the national thresholds: field `version`: \
             the file was written for version 1"
        ),
        "{message}"
    );

    // The office updates the file for version 2 and the local edition is back.
    library::store_thresholds(store.as_ref(), "q.toml", &thresholds(2, "中小学", 2))
        .await
        .expect("thresholds for v2");
    let library = Library::load(store.as_ref()).await.expect("library");
    assert_eq!(
        library.entry("wuxiang").expect("entry").effective().key(),
        "wuxiang@2+清河县.2"
    );
    assert!(library.warnings().is_empty());
}
both_backends!(thresholds_for_an_older_version_fall_back_to_the_national_template_with_a_warning);

// --- GET /api/templates ---------------------------------------------------------------------

#[derive(serde::Deserialize)]
struct TemplateLibrary {
    templates: Vec<Template>,
}

async fn the_api_serves_the_demo_countys_local_edition_with_its_record(backend: Backend) {
    let t = test_app_on(backend).await;
    let reply = get(&t.router, "/api/templates").await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(reply.header("content-type").starts_with("application/json"));
    let TemplateLibrary { templates } = serde_json::from_slice(&reply.body).expect("library");

    // Every built-in template, once, in the order they ship (the order a supervisor is offered).
    let ids: Vec<&str> = templates.iter().map(|t| t.id.as_str()).collect();
    let expected: Vec<&str> = library::builtins()
        .expect("built-ins")
        .iter()
        .map(|(_, t)| t.id.as_str())
        .collect();
    assert_eq!(ids, expected);

    let wuxiang_served = served(&templates, "wuxiang");
    assert_eq!(wuxiang_served.key(), "wuxiang@1+清河县.1");
    assert_eq!(daily_activity_min(wuxiang_served), Some(120.0));
    assert_eq!(daily_activity_min(&wuxiang()), Some(60.0));

    // The wire shape the app reads: the `local` record with before, after, basis and reason.
    let raw = reply.json();
    let json = raw["templates"]
        .as_array()
        .expect("array")
        .iter()
        .find(|t| t["id"] == "wuxiang")
        .expect("wuxiang");
    let local = &json["local"];
    assert_eq!(local["district"], "清河县");
    assert_eq!(local["edition"], 1);
    let change = &local["changes"][0];
    assert_eq!(change["rule"], "daily_activity_minutes");
    assert_eq!(change["band"]["zh"], "中小学");
    assert_eq!(change["before"]["min"], 60.0);
    assert_eq!(change["after"]["min"], 120.0);
    assert_eq!(change["basis"]["number"], "清教体〔2025〕7号");
    assert_eq!(change["basis"]["year"], 2025);
    assert_eq!(change["basis"]["local"], true);
    assert_eq!(change["reason"], "落实每天综合体育活动不低于2小时的要求");
    let rule = json["rules"]
        .as_array()
        .expect("rules")
        .iter()
        .find(|r| r["id"] == "daily_activity_minutes")
        .expect("rule");
    assert_eq!(rule["bands"][0]["min"], 120.0);
    assert_eq!(
        rule["basis"][0]["local"], true,
        "the local basis is cited first"
    );
}
both_backends!(the_api_serves_the_demo_countys_local_edition_with_its_record);

async fn the_api_serves_the_newest_version_and_the_offices_own_templates(backend: Backend) {
    let t = test_app_on(backend).await;
    let store = t.state.store.as_ref();
    library::publish(store, "wuxiang-v2.toml", wuxiang_v(2))
        .await
        .expect("v2");
    library::publish(store, "qinghe.toml", own_template())
        .await
        .expect("own");

    let reply = get(&t.router, "/api/templates").await;
    assert_eq!(reply.status, StatusCode::OK);
    let TemplateLibrary { templates } = serde_json::from_slice(&reply.body).expect("library");
    // The demo thresholds were written for version 1: version 2 is served national.
    assert_eq!(served(&templates, "wuxiang"), &wuxiang_v(2));
    assert_eq!(served(&templates, "qinghe_zhuanxiang"), &own_template());
    assert_eq!(
        templates.iter().filter(|t| t.id == "wuxiang").count(),
        1,
        "one version per id"
    );
    // The office's own template comes after the built-in ones.
    assert_eq!(
        templates.last().map(|t| t.id.as_str()),
        Some("qinghe_zhuanxiang")
    );

    library::store_thresholds(store, "q.toml", &thresholds(2, "中小学", 2))
        .await
        .expect("thresholds for v2");
    let reply = get(&t.router, "/api/templates").await;
    let TemplateLibrary { templates } = serde_json::from_slice(&reply.body).expect("library");
    let wuxiang_served = served(&templates, "wuxiang");
    assert_eq!(wuxiang_served.key(), "wuxiang@2+清河县.2");
    assert_eq!(daily_activity_min(wuxiang_served), Some(120.0));
}
both_backends!(the_api_serves_the_newest_version_and_the_offices_own_templates);

async fn the_served_library_is_kept_until_the_office_publishes_again(backend: Backend) {
    let t = test_app_on(backend).await;
    let first = get(&t.router, "/api/templates").await;
    let again = get(&t.router, "/api/templates").await;
    assert_eq!(first.body, again.body);
    assert_eq!(
        t.state
            .library
            .lock()
            .unwrap()
            .as_ref()
            .map(|c| c.json.len()),
        Some(first.body.len()),
        "the reply is kept"
    );

    // Published by the CLI into the same database while the server runs.
    library::publish(t.state.store.as_ref(), "qinghe.toml", own_template())
        .await
        .expect("own");
    let after = get(&t.router, "/api/templates").await;
    let TemplateLibrary { templates } = serde_json::from_slice(&after.body).expect("library");
    assert_eq!(served(&templates, "qinghe_zhuanxiang"), &own_template());
}
both_backends!(the_served_library_is_kept_until_the_office_publishes_again);

// --- demo seeding ---------------------------------------------------------------------------

async fn seeding_the_demo_stores_its_thresholds_once(backend: Backend) {
    let (_dir, db, store) = fresh_store(backend).await;
    assert_eq!(demo::seed(store.as_ref()).await.expect("seed"), 10);
    assert_eq!(demo::seed(store.as_ref()).await.expect("seed again"), 0);
    store.close().await;
    let reopened = db.open().await;
    assert_eq!(
        demo::seed(reopened.as_ref())
            .await
            .expect("seed a third time"),
        0
    );

    let stored = reopened.latest_local_thresholds().await.expect("latest");
    assert_eq!(stored.len(), 1, "{stored:?}");
    let file = &stored[0];
    assert_eq!(
        (
            file.template_id.as_str(),
            file.district.as_str(),
            file.edition
        ),
        ("wuxiang", "清河县", 1)
    );
    assert_eq!(file.body, demo::THRESHOLDS);
    assert_eq!(file.source, demo::THRESHOLDS_FILE);
}
both_backends!(seeding_the_demo_stores_its_thresholds_once);

async fn a_county_with_its_own_schools_does_not_get_the_demo_thresholds(backend: Backend) {
    let (_dir, _db, store) = fresh_store(backend).await;
    let mut school = demo::schools().remove(0);
    school.id = "01890000-0000-7000-8000-999999999999".into();
    school.code = "JN0001".into();
    school.district = "江宁区".into();
    assert_eq!(store.seed_schools(&[school]).await.expect("own school"), 1);

    assert_eq!(demo::seed(store.as_ref()).await.expect("seed"), 0);
    assert!(store
        .latest_local_thresholds()
        .await
        .expect("latest")
        .is_empty());
}
both_backends!(a_county_with_its_own_schools_does_not_get_the_demo_thresholds);

#[tokio::test]
async fn the_demo_thresholds_apply_to_the_built_in_template() {
    let parsed = dudao_domain::local::LocalThresholds::from_toml(demo::THRESHOLDS)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        (
            parsed.template.as_str(),
            parsed.version,
            parsed.district.as_str(),
            parsed.edition
        ),
        ("wuxiang", 1, demo::COUNTY, 1)
    );
    let edition = parsed.apply(&wuxiang()).unwrap_or_else(|e| panic!("{e}"));
    let local = edition.local.as_ref().expect("local");
    assert_eq!(local.changes.len(), 1);
    let change = &local.changes[0];
    assert_eq!(
        change.basis.document,
        "清河县教育局关于保障中小学生每天综合体育活动时间不低于2小时的通知"
    );
    assert_eq!(
        (change.before.min, change.after.min),
        (Some(60.0), Some(120.0))
    );
}
