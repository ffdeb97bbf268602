use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use dudao_domain::{Facility, GradeRange, School, Stage};
use dudao_server::db::{SqliteStore, Store, StoreError};
use dudao_server::demo;
use serde_json::json;

use crate::common::{fresh_store, get, get_as, send, test_app, test_app_on, token_of, Backend};

async fn health_is_ok_and_names_the_database(backend: Backend) {
    let t = test_app_on(backend).await;
    let reply = get(&t.router, "/api/health").await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(reply.header("content-type").starts_with("application/json"));
    assert_eq!(
        reply.json(),
        json!({"status": "ok", "version": env!("CARGO_PKG_VERSION"), "database": match backend {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }})
    );
}
both_backends!(health_is_ok_and_names_the_database);

async fn health_is_503_json_when_the_database_is_gone(backend: Backend) {
    let t = test_app_on(backend).await;
    t.state.store.close().await;
    let reply = get(&t.router, "/api/health").await;
    assert_eq!(reply.status, StatusCode::SERVICE_UNAVAILABLE);
    let body = reply.json();
    assert_eq!(body["error"], "database_unavailable");
    let message = body["message"].as_str().expect("message");
    assert!(
        !message.to_lowercase().contains("pool"),
        "leaks internals: {message}"
    );
}
both_backends!(health_is_503_json_when_the_database_is_gone);

async fn schools_lists_the_demo_county_by_district_then_code(backend: Backend) {
    let t = test_app_on(backend).await;
    // The administrator sees every school.
    let admin = token_of(&t.router, "admin").await;
    let reply = get_as(&t.router, "/api/schools", &admin).await;
    assert_eq!(reply.status, StatusCode::OK);
    let schools: Vec<School> = serde_json::from_slice(&reply.body).expect("schools");
    assert_eq!(schools.len(), 10);

    let mut expected = demo::schools();
    expected.sort_by(|a, b| (&a.district, &a.code).cmp(&(&b.district, &b.code)));
    assert_eq!(schools, expected);

    let by_code = |code: &str| schools.iter().find(|s| s.code == code).expect(code);
    let village = by_code("QH0202");
    assert_eq!(village.stage, Stage::Primary);
    assert_eq!(village.grades, GradeRange::new(1, 4));
    assert_eq!(village.enrolment, 78);
    let senior = by_code("QH0104");
    assert_eq!(
        (senior.stage, senior.enrolment, senior.boarding),
        (Stage::Senior, 2518, true)
    );
    let nine = by_code("QH0301");
    assert_eq!(
        (nine.stage, nine.grades, nine.boarding),
        (Stage::NineYear, GradeRange::new(1, 9), true)
    );
    let kindergarten = by_code("QH0105");
    assert_eq!(kindergarten.grades, GradeRange::new(0, 0));

    // The wire format the app reads: stages by their Chinese names.
    let raw = reply.json();
    let stages: Vec<&str> = raw
        .as_array()
        .expect("array")
        .iter()
        .map(|s| s["stage"].as_str().expect("stage"))
        .collect();
    for stage in ["幼儿园", "小学", "初中", "高中", "九年一贯制", "完全中学"] {
        assert!(stages.contains(&stage), "no {stage} in {stages:?}");
    }
}
both_backends!(schools_lists_the_demo_county_by_district_then_code);

async fn facilities_round_trip_through_the_store_and_the_api(backend: Backend) {
    let t = test_app_on(backend).await;
    // The administrator sees every school.
    let admin = token_of(&t.router, "admin").await;
    let reply = get_as(&t.router, "/api/schools", &admin).await;
    assert_eq!(reply.status, StatusCode::OK);
    let raw = reply.json();
    let by_code = |code: &str| {
        raw.as_array()
            .expect("array")
            .iter()
            .find(|s| s["code"] == code)
            .unwrap_or_else(|| panic!("{code}"))
            .clone()
    };
    // Known to have, known to lack, and unknown (left out) all survive, by their Chinese names.
    assert_eq!(
        by_code("QH0202")["facilities"],
        json!({"食堂": false, "危化品": false, "周边水域": true})
    );
    assert_eq!(
        by_code("QH0401")["facilities"],
        json!({"校车": true, "食堂": true, "危化品": true, "周边水域": true})
    );

    let schools: Vec<School> = serde_json::from_slice(&reply.body).expect("schools");
    let village = schools.iter().find(|s| s.code == "QH0202").expect("村小");
    assert_eq!(village.has(Facility::Canteen), Some(false));
    assert_eq!(village.has(Facility::WaterNearby), Some(true));
    assert_eq!(village.has(Facility::SchoolBus), None);

    // A school with no facilities recorded reads back with none.
    let (_dir, _db, store) = fresh_store(backend).await;
    let mut unknown = demo::schools().remove(0);
    unknown.facilities.clear();
    store.seed_schools(&[unknown.clone()]).await.expect("seed");
    assert_eq!(store.list_schools().await.expect("list"), vec![unknown]);
}
both_backends!(facilities_round_trip_through_the_store_and_the_api);

async fn a_corrupt_facilities_value_is_an_invalid_row_and_a_json_500(backend: Backend) {
    let t = test_app_on(backend).await;
    // Valid JSON (the column's CHECK allows it) but not a facility.
    t.db.execute("UPDATE schools SET facilities = '{\"游泳池\": true}' WHERE code = 'QH0101'")
        .await
        .expect("update");
    // Not an object at all: the database refuses it.
    let refused =
        t.db.execute("UPDATE schools SET facilities = '[1]' WHERE code = 'QH0102'")
            .await;
    assert!(refused.is_err(), "{refused:?}");

    let listed = t.state.store.list_schools().await;
    assert!(
        matches!(&listed, Err(StoreError::InvalidRow { table: "schools", reason, .. }) if reason.contains("游泳池")),
        "{listed:?}"
    );
    let admin = token_of(&t.router, "admin").await;
    let reply = get_as(&t.router, "/api/schools", &admin).await;
    assert_eq!(reply.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(reply.json()["error"], "internal");
}
both_backends!(a_corrupt_facilities_value_is_an_invalid_row_and_a_json_500);

async fn seeding_again_after_reopening_does_not_duplicate(backend: Backend) {
    let t = test_app_on(backend).await;
    t.state.store.close().await;

    let reopened = t.db.open().await;
    assert_eq!(demo::seed(reopened.as_ref()).await.expect("seed again"), 0);
    assert_eq!(
        demo::seed(reopened.as_ref())
            .await
            .expect("seed a third time"),
        0
    );
    let schools = reopened.list_schools().await.expect("list");
    assert_eq!(schools.len(), 10);
}
both_backends!(seeding_again_after_reopening_does_not_duplicate);

async fn seeding_an_empty_database_inserts_every_demo_school(backend: Backend) {
    let (_dir, _db, store) = fresh_store(backend).await;
    assert_eq!(demo::seed(store.as_ref()).await.expect("seed"), 10);
}
both_backends!(seeding_an_empty_database_inserts_every_demo_school);

async fn every_demo_school_names_its_responsible_supervisor(backend: Backend) {
    let t = test_app_on(backend).await;
    // The administrator sees every school.
    let admin = token_of(&t.router, "admin").await;
    let reply = get_as(&t.router, "/api/schools", &admin).await;
    assert_eq!(reply.status, StatusCode::OK);
    let raw = reply.json();
    let mut per_supervisor = std::collections::BTreeMap::<String, Vec<String>>::new();
    for s in raw.as_array().expect("array") {
        // The wire name the app reads, as on the plaque: 责任督学.
        let who = s["supervisor"].as_str().expect("supervisor").to_owned();
        assert!(!who.is_empty(), "{} has no 责任督学", s["code"]);
        per_supervisor
            .entry(who)
            .or_default()
            .push(s["code"].as_str().expect("code").to_owned());
    }
    // A handful of supervisors, each responsible for two or three schools.
    assert_eq!(per_supervisor.len(), 4, "{per_supervisor:?}");
    for (who, codes) in &per_supervisor {
        assert!((2..=3).contains(&codes.len()), "{who}: {codes:?}");
    }
    assert_eq!(per_supervisor["韩立新"], ["QH0101", "QH0102", "QH0105"]);
    // Every demo school is in 清河县, whose 督导室 issues its documents; `district` is the town.
    for s in raw.as_array().expect("array") {
        assert_eq!(s["county"], "清河县", "{}", s["code"]);
    }
}
both_backends!(every_demo_school_names_its_responsible_supervisor);

async fn a_school_with_no_supervisor_reads_back_with_none(backend: Backend) {
    let (_dir, _db, store) = fresh_store(backend).await;
    let mut unassigned = demo::schools().remove(0);
    unassigned.supervisor.clear();
    store
        .seed_schools(&[unassigned.clone()])
        .await
        .expect("seed");
    assert_eq!(store.list_schools().await.expect("list"), vec![unassigned]);
}
both_backends!(a_school_with_no_supervisor_reads_back_with_none);

/// A database seeded with the demo county before schools had a 责任督学 gets the demo's
/// supervisors from the migration that adds the column; a real school is left unassigned.
#[tokio::test]
async fn migrating_a_database_seeded_before_supervisors_assigns_the_demo_ones() {
    use sqlx::migrate::Migrator;
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("old.sqlite");
    let options = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(&path)
        .create_if_missing(true);
    let pool = sqlx::SqlitePool::connect_with(options)
        .await
        .expect("connect");
    let mut before = Migrator::new(std::path::Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/migrations/sqlite"
    )))
    .await
    .expect("migrations");
    before.migrations = before
        .migrations
        .iter()
        .filter(|m| m.version < 3)
        .cloned()
        .collect::<Vec<_>>()
        .into();
    before.run(&pool).await.expect("old migrations");
    let mut real = demo::schools().remove(0);
    real.id = "real-1".into();
    real.code = "3201150001".into();
    for s in demo::schools().iter().chain([&real]) {
        sqlx::query(
            "INSERT INTO schools (id, code, name, district, stage, grade_from, grade_to, \
             enrolment, boarding) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(&s.id)
        .bind(&s.code)
        .bind(&s.name)
        .bind(&s.district)
        .bind(s.stage.zh())
        .bind(i64::from(s.grades.from))
        .bind(i64::from(s.grades.to))
        .bind(i64::from(s.enrolment))
        .bind(s.boarding)
        .execute(&pool)
        .await
        .expect("old row");
    }
    pool.close().await;

    let store = SqliteStore::open(&path).await.expect("migrate");
    let listed = store.list_schools().await.expect("list");
    for demo_school in demo::schools() {
        let got = listed.iter().find(|s| s.id == demo_school.id).expect("row");
        assert_eq!(got.supervisor, demo_school.supervisor, "{}", got.code);
        // …and its county, which heads its 督导意见书.
        assert_eq!(got.county, "清河县", "{}", got.code);
    }
    let got = listed.iter().find(|s| s.id == "real-1").expect("real row");
    assert_eq!(got.supervisor, "");
    assert_eq!(got.county, "");
}

#[tokio::test]
async fn unknown_api_route_is_json_404() {
    let t = test_app().await;
    for uri in ["/api/xyz", "/api/schools/nope/more", "/api"] {
        let reply = get(&t.router, uri).await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{uri}");
        assert_eq!(
            reply.json(),
            json!({"error": "not_found", "message": format!("No API route GET {uri}")}),
            "{uri}"
        );
    }
}

#[tokio::test]
async fn wrong_method_on_an_api_route_is_json_405() {
    let t = test_app().await;
    let request = Request::builder()
        .method(Method::DELETE)
        .uri("/api/schools")
        .body(Body::empty())
        .expect("request");
    let reply = send(&t.router, request).await;
    assert_eq!(reply.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(reply.json()["error"], "method_not_allowed");
}

#[tokio::test]
async fn body_over_the_limit_is_json_413() {
    let t = test_app().await;
    let limit = t.state.body_limit;
    let request = Request::builder()
        .method(Method::POST)
        .uri("/api/schools")
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::CONTENT_LENGTH, limit + 1)
        .body(Body::from(vec![b' '; limit + 1]))
        .expect("request");
    let reply = send(&t.router, request).await;
    assert_eq!(reply.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(reply.json()["error"], "payload_too_large");
}
