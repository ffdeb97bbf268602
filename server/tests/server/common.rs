use std::path::{Path, PathBuf};
use std::sync::Arc;

use axum::body::Body;
use axum::http::{header, HeaderMap, Method, Request, StatusCode};
use axum::Router;
use std::sync::atomic::{AtomicU32, Ordering};

use dudao_server::db::{Database, Store};
use dudao_server::{app, demo, AppState};
use tempfile::TempDir;
use tower::ServiceExt;

/// Which database a test runs against. Tests of what the store keeps run on both (see
/// `both_backends!` in `main.rs`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The PostgreSQL server the tests use, from `DUDAO_TEST_PG` (`scripts/test` starts one with
/// `scripts/pg-test-server` and sets it). Unset, a PostgreSQL test fails when `CI` is set and is
/// skipped with a notice otherwise, so `cargo test` still works on a machine without PostgreSQL.
pub fn pg_url() -> Option<String> {
    match std::env::var("DUDAO_TEST_PG") {
        Ok(url) if !url.is_empty() => Some(url),
        _ if std::env::var_os("CI").is_some() => panic!(
            "DUDAO_TEST_PG is not set, and CI is: the PostgreSQL tests must run \
             (scripts/test sets it from scripts/pg-test-server)"
        ),
        _ => {
            eprintln!(
                "skipped on PostgreSQL: DUDAO_TEST_PG is not set \
                 (export DUDAO_TEST_PG=$(scripts/pg-test-server))"
            );
            None
        }
    }
}

/// A fresh, empty database of one backend: a SQLite file in `dir`, or a new schema in the
/// `DUDAO_TEST_PG` database (the URL sets `search_path`, so every table, the migrations' too,
/// lives in it).
pub struct TestDb {
    pub database: Database,
}

impl TestDb {
    pub async fn new(backend: Backend, dir: &Path) -> TestDb {
        let database = match backend {
            Backend::Sqlite => Database::Sqlite(database_path(dir)),
            Backend::Postgres => Database::Postgres(fresh_pg_schema().await),
        };
        TestDb { database }
    }

    /// Opens the store (migrating it); call again to reopen the same database.
    pub async fn open(&self) -> Arc<dyn Store> {
        self.database.open().await.expect("open the test database")
    }

    /// Runs SQL outside the store, as someone with a SQL shell would.
    pub async fn execute(&self, sql: &str) -> Result<u64, sqlx::Error> {
        match &self.database {
            Database::Sqlite(path) => {
                let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", path.display()))
                    .await
                    .expect("connect");
                let done = sqlx::query(sqlx::AssertSqlSafe(sql)).execute(&pool).await;
                pool.close().await;
                Ok(done?.rows_affected())
            }
            Database::Postgres(url) => {
                let pool = sqlx::PgPool::connect(url).await.expect("connect");
                let done = sqlx::query(sqlx::AssertSqlSafe(sql)).execute(&pool).await;
                pool.close().await;
                Ok(done?.rows_affected())
            }
        }
    }
}

/// Creates an empty schema in the `DUDAO_TEST_PG` database and returns a URL whose connections
/// use it. Names are unique per process and test; a schema left by an earlier run with the same
/// name is dropped first. (The cluster is throw-away: `rm -rf target/pg-test` clears it.)
async fn fresh_pg_schema() -> String {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let base = pg_url().expect("DUDAO_TEST_PG");
    let schema = format!(
        "test_{}_{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    );
    let pool = sqlx::PgPool::connect(&base)
        .await
        .unwrap_or_else(|e| panic!("cannot connect to DUDAO_TEST_PG={base}: {e}"));
    for sql in [
        format!("DROP SCHEMA IF EXISTS {schema} CASCADE"),
        format!("CREATE SCHEMA {schema}"),
    ] {
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .execute(&pool)
            .await
            .expect("create the test schema");
    }
    pool.close().await;
    let join = if base.contains('?') { '&' } else { '?' };
    format!("{base}{join}options%5Bsearch_path%5D={schema}")
}

/// A seeded database and an app dist directory, both in a temp dir removed on drop.
pub struct TestApp {
    /// Holds the SQLite file and the dist directory until the test ends.
    pub _dir: TempDir,
    pub db: TestDb,
    pub state: AppState,
    pub router: Router,
}

fn database_path(dir: &Path) -> PathBuf {
    // A nested directory, so opening also proves the parent directory is created.
    dir.join("data").join("dudao.sqlite")
}

pub async fn test_app() -> TestApp {
    test_app_on(Backend::Sqlite).await
}

pub async fn test_app_on(backend: Backend) -> TestApp {
    let dir = tempfile::tempdir().expect("temp dir");
    let dist = dir.path().join("dist");
    test_app_with_dist_on(backend, dir, dist).await
}

pub async fn test_app_with_dist(dir: TempDir, dist: PathBuf) -> TestApp {
    test_app_with_dist_on(Backend::Sqlite, dir, dist).await
}

pub async fn test_app_with_dist_on(backend: Backend, dir: TempDir, dist: PathBuf) -> TestApp {
    let db = TestDb::new(backend, dir.path()).await;
    let store = db.open().await;
    demo::seed(store.as_ref()).await.expect("seed demo");
    // Photos next to the SQLite file, as `dudao-server` keeps them by default.
    let state = AppState::new(store, dist).with_data_dir(&dir.path().join("data"));
    let router = app(state.clone());
    TestApp {
        _dir: dir,
        db,
        state,
        router,
    }
}

/// A fresh, empty store of one backend, and the temp dir holding it if it is a file.
pub async fn fresh_store(backend: Backend) -> (TempDir, TestDb, Arc<dyn Store>) {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = TestDb::new(backend, dir.path()).await;
    let store = db.open().await;
    (dir, db, store)
}

pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "body is not JSON ({e}): {}",
                String::from_utf8_lossy(&self.body)
            )
        })
    }

    pub fn text(&self) -> String {
        String::from_utf8(self.body.clone()).expect("UTF-8 body")
    }

    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .unwrap_or_else(|| panic!("no {name} header in {:?}", self.headers))
            .to_str()
            .expect("ASCII header")
    }
}

pub async fn send(router: &Router, request: Request<Body>) -> Reply {
    let response = router.clone().oneshot(request).await.expect("infallible");
    let status = response.status();
    let headers = response.headers().clone();
    let body = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .expect("read body")
        .to_vec();
    Reply {
        status,
        headers,
        body,
    }
}

pub async fn get(router: &Router, uri: &str) -> Reply {
    let request = Request::builder()
        .method(Method::GET)
        .uri(uri)
        .body(Body::empty())
        .expect("request");
    send(router, request).await
}

/// A GET with `Authorization: Bearer <token>`.
pub async fn get_as(router: &Router, uri: &str, token: &str) -> Reply {
    let request = Request::builder()
        .method(Method::GET)
        .uri(uri)
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .body(Body::empty())
        .expect("request");
    send(router, request).await
}

/// A device id for tests that sign one user in. A device belongs to the user who registered
/// it, so tests signing in several users give each their own ([`device_of`]).
pub const TEST_DEVICE: &str = "0190a6e2-5b7c-7d1e-9f00-1a2b3c4d5e6f";

/// The device the shared sign-in helper registers for `username`: one per user (FNV-1a of the
/// name), the same every time.
pub fn device_of(username: &str) -> String {
    let hash = username.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    });
    format!("0190a6e2-5b7c-7d1e-9f01-{:012x}", hash & 0xffff_ffff_ffff)
}

/// Signs a demo user in (`demo::DEMO_PASSWORD`) on their own device ([`device_of`]) and returns
/// the token.
pub async fn token_of(router: &Router, username: &str) -> String {
    let body = serde_json::json!({"username": username, "password": demo::DEMO_PASSWORD,
                                  "device_id": device_of(username), "device_name": "测试手机"});
    let request = Request::builder()
        .method(Method::POST)
        .uri("/api/login")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_string()))
        .expect("request");
    let reply = send(router, request).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    reply.json()["token"].as_str().expect("token").to_owned()
}

/// `POST uri` with a JSON body, signed in with `token` when given.
pub async fn post_json(
    router: &Router,
    uri: &str,
    body: &serde_json::Value,
    token: Option<&str>,
) -> Reply {
    let mut request = Request::builder()
        .method(Method::POST)
        .uri(uri)
        .header(header::CONTENT_TYPE, "application/json");
    if let Some(token) = token {
        request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
    }
    send(
        router,
        request.body(Body::from(body.to_string())).expect("request"),
    )
    .await
}

/// A client-made UUID in canonical form; `n` tells a test's devices, visits and photos apart.
pub fn uuid(n: u64) -> String {
    format!("0190a6e2-5b7c-7d1e-9f00-{n:012x}")
}

/// A school of the demo county, by its 学校代码.
pub fn demo_school(code: &str) -> dudao_domain::School {
    dudao_server::demo::schools()
        .into_iter()
        .find(|s| s.code == code)
        .expect("demo school")
}
