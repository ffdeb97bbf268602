use std::fs;

use axum::http::StatusCode;

use axum::body::Body;
use axum::http::Request;

use crate::common::{get, send, test_app, test_app_with_dist, Reply, TestApp};

const INDEX: &str = "<!doctype html><title>督导</title><body>app shell</body>";
const WASM_NAME: &str = "dudao-3f8a9c2e1b7d6a54_bg.wasm";
const WASM: &[u8] = b"\0asm\x01\0\0\0";
const SW: &str = "self.addEventListener('fetch', () => {});";

async fn app_with_built_dist() -> TestApp {
    let dir = tempfile::tempdir().expect("temp dir");
    let dist = dir.path().join("dist");
    fs::create_dir_all(&dist).expect("dist");
    fs::write(dist.join("index.html"), INDEX).expect("index");
    fs::write(dist.join(WASM_NAME), WASM).expect("wasm");
    fs::write(dist.join("sw.js"), SW).expect("sw");
    test_app_with_dist(dir, dist).await
}

#[tokio::test]
async fn root_serves_index_html_revalidated_on_every_load() {
    let t = app_with_built_dist().await;
    let reply = get(&t.router, "/").await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.text(), INDEX);
    assert!(reply.header("content-type").starts_with("text/html"));
    assert_eq!(reply.header("cache-control"), "no-cache");
}

#[tokio::test]
async fn deep_link_serves_index_html() {
    let t = app_with_built_dist().await;
    let reply = get(&t.router, "/visits/01890000-0000-7000-8000-000000000001").await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.text(), INDEX);
    assert_eq!(reply.header("cache-control"), "no-cache");
}

#[tokio::test]
async fn hashed_asset_is_served_with_its_content_and_cached_long() {
    let t = app_with_built_dist().await;
    let reply = get(&t.router, &format!("/{WASM_NAME}")).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.body, WASM);
    assert_eq!(reply.header("content-type"), "application/wasm");
    assert_eq!(
        reply.header("cache-control"),
        "public, max-age=31536000, immutable"
    );
}

#[tokio::test]
async fn service_worker_is_never_cached_without_revalidation() {
    let t = app_with_built_dist().await;
    let reply = get(&t.router, "/sw.js").await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.text(), SW);
    assert_eq!(reply.header("cache-control"), "no-cache");
}

#[tokio::test]
async fn missing_file_is_404_not_the_app_shell() {
    let t = app_with_built_dist().await;
    let reply = get(&t.router, "/dudao-0000000000000000.js").await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    assert_ne!(reply.text(), INDEX);
}

#[tokio::test]
async fn missing_dist_says_the_app_is_not_built() {
    // test_app() points at a dist directory that does not exist.
    let t = test_app().await;
    for uri in ["/", "/visits/abc"] {
        let reply = get(&t.router, uri).await;
        assert_eq!(reply.status, StatusCode::SERVICE_UNAVAILABLE, "{uri}");
        assert!(reply.header("content-type").starts_with("text/plain"));
        let text = reply.text();
        assert!(text.contains("not built"), "{text}");
        assert!(text.contains("scripts/run"), "{text}");
    }
    // The API does not depend on the app being built.
    assert_eq!(get(&t.router, "/api/health").await.status, StatusCode::OK);
}

/// The installable app (public/): the manifest, the icons and the service worker, as the browser
/// needs them to install the app and to find a new version.
async fn app_with_pwa_files() -> TestApp {
    let dir = tempfile::tempdir().expect("temp dir");
    let dist = dir.path().join("dist");
    fs::create_dir_all(dist.join("icons")).expect("dist/icons");
    fs::write(dist.join("index.html"), INDEX).expect("index");
    fs::write(dist.join("sw.js"), SW).expect("sw");
    fs::write(
        dist.join("manifest.webmanifest"),
        r#"{"name":"督导","start_url":"/"}"#,
    )
    .expect("manifest");
    fs::write(dist.join("icons/icon-192.png"), b"\x89PNG\r\n\x1a\n").expect("icon");
    test_app_with_dist(dir, dist).await
}

#[tokio::test]
async fn service_worker_is_javascript_revalidated_on_every_load() {
    let t = app_with_pwa_files().await;
    let reply = get(&t.router, "/sw.js").await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(
        reply.header("content-type").starts_with("text/javascript"),
        "{}",
        reply.header("content-type")
    );
    assert_eq!(reply.header("cache-control"), "no-cache");
}

#[tokio::test]
async fn manifest_is_served_as_a_web_app_manifest() {
    let t = app_with_pwa_files().await;
    let reply = get(&t.router, "/manifest.webmanifest").await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.header("content-type"), "application/manifest+json");
    assert_eq!(reply.header("cache-control"), "no-cache");
    assert!(reply.text().contains("督导"));
}

#[tokio::test]
async fn icons_are_png_and_a_missing_icon_is_404() {
    let t = app_with_pwa_files().await;
    let reply = get(&t.router, "/icons/icon-192.png").await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.header("content-type"), "image/png");
    assert_eq!(reply.header("cache-control"), "no-cache");
    let missing = get(&t.router, "/icons/icon-1024.png").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_ne!(missing.text(), INDEX);
}

/// What a release build writes next to the wasm (`public/gen-sw.sh`): stand-ins, told apart by
/// content, since the server sends the file as it is stored.
const WASM_BR: &[u8] = b"brotli bytes";
const WASM_GZ: &[u8] = b"gzip bytes";

async fn app_with_precompressed_dist() -> TestApp {
    let dir = tempfile::tempdir().expect("temp dir");
    let dist = dir.path().join("dist");
    fs::create_dir_all(&dist).expect("dist");
    fs::write(dist.join("index.html"), INDEX).expect("index");
    fs::write(dist.join("index.html.br"), b"index in brotli").expect("index.br");
    fs::write(dist.join(WASM_NAME), WASM).expect("wasm");
    fs::write(dist.join(format!("{WASM_NAME}.br")), WASM_BR).expect("wasm.br");
    fs::write(dist.join(format!("{WASM_NAME}.gz")), WASM_GZ).expect("wasm.gz");
    test_app_with_dist(dir, dist).await
}

async fn get_accepting(t: &TestApp, uri: &str, accept: &str) -> Reply {
    let request = Request::builder()
        .uri(uri)
        .header("accept-encoding", accept)
        .body(Body::empty())
        .expect("request");
    send(&t.router, request).await
}

/// Every phone browser accepts brotli: it gets the build's brotli copy (about a fifth smaller
/// than gzip for the wasm), still typed and cached as the wasm it is.
#[tokio::test]
async fn a_browser_that_accepts_brotli_gets_the_precompressed_brotli_copy() {
    let t = app_with_precompressed_dist().await;
    let reply = get_accepting(&t, &format!("/{WASM_NAME}"), "gzip, deflate, br, zstd").await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.header("content-encoding"), "br");
    assert_eq!(reply.body, WASM_BR);
    assert_eq!(reply.header("content-type"), "application/wasm");
    assert_eq!(
        reply.header("cache-control"),
        "public, max-age=31536000, immutable"
    );
    assert!(reply
        .header("vary")
        .to_ascii_lowercase()
        .contains("accept-encoding"));
}

#[tokio::test]
async fn gzip_only_gets_the_gzip_copy_and_no_encoding_the_file_itself() {
    let t = app_with_precompressed_dist().await;
    let gz = get_accepting(&t, &format!("/{WASM_NAME}"), "gzip").await;
    assert_eq!(gz.header("content-encoding"), "gzip");
    assert_eq!(gz.body, WASM_GZ);

    let plain = get_accepting(&t, &format!("/{WASM_NAME}"), "identity").await;
    assert_eq!(plain.status, StatusCode::OK);
    assert!(plain.headers.get("content-encoding").is_none());
    assert_eq!(plain.body, WASM);
}

/// A deep link is answered with the app shell, precompressed like `/` itself.
#[tokio::test]
async fn the_app_shell_of_a_deep_link_comes_precompressed_too() {
    let t = app_with_precompressed_dist().await;
    let reply = get_accepting(&t, "/visits/abc", "br").await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.header("content-encoding"), "br");
    assert_eq!(reply.body, b"index in brotli");
    assert_eq!(reply.header("cache-control"), "no-cache");
    assert!(reply.header("content-type").starts_with("text/html"));
}
