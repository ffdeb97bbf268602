use std::path::{Path, PathBuf};
use std::sync::Arc;

use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode};
use axum::Router;
use dudao_server::db::SqliteStore;
use dudao_server::{app, demo, AppState};
use tempfile::TempDir;
use tower::ServiceExt;

/// A seeded database and an app dist directory, both in a temp dir removed on drop.
pub struct TestApp {
    pub dir: TempDir,
    pub state: AppState,
    pub router: Router,
}

impl TestApp {
    pub fn database(&self) -> PathBuf {
        database_path(self.dir.path())
    }
}

pub fn database_path(dir: &Path) -> PathBuf {
    // A nested directory, so opening also proves the parent directory is created.
    dir.join("data").join("dudao.sqlite")
}

pub async fn test_app() -> TestApp {
    let dir = tempfile::tempdir().expect("temp dir");
    let dist = dir.path().join("dist");
    test_app_with_dist(dir, dist).await
}

pub async fn test_app_with_dist(dir: TempDir, dist: PathBuf) -> TestApp {
    let store = SqliteStore::open(&database_path(dir.path()))
        .await
        .expect("open sqlite");
    demo::seed(&store).await.expect("seed demo");
    let state = AppState::new(Arc::new(store), dist);
    let router = app(state.clone());
    TestApp { dir, state, router }
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
