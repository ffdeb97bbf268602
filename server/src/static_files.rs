//! The built app: files from the dist directory, with `index.html` for every path that is not a
//! file, so deep links such as `/visits/<id>` open the app, which routes on the client.
//!
//! Caching: names with a content hash (Trunk's `dudao-<hash>_bg.wasm`, `style-<hash>.css`) never
//! change content, so browsers may keep them for a year. Everything else, `index.html` and the
//! service worker above all, is `no-cache`: the browser revalidates it on each load, which is
//! how a new release reaches a phone.
//!
//! Compression: a release build writes `NAME.br` (brotli, quality 11) and `NAME.gz` (gzip -9)
//! next to every text file (`public/gen-sw.sh`). A browser that accepts brotli gets the `.br`,
//! one that accepts only gzip the `.gz`, any other the file itself, each with
//! `Vary: Accept-Encoding`; a file without precompressed copies (a dev build, the icons) is
//! compressed on the fly by the server-wide gzip layer when that pays.

use std::path::Path;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use tower::ServiceExt;
use tower_http::services::{ServeDir, ServeFile};

use crate::state::AppState;

const IMMUTABLE: &str = "public, max-age=31536000, immutable";
const REVALIDATE: &str = "no-cache";

pub async fn serve_app(State(state): State<AppState>, request: Request) -> Response {
    let path = request.uri().path().to_owned();
    if !is_file_name_ok(&path) {
        return not_found();
    }
    let (parts, body) = request.into_parts();
    let retry = parts.clone();

    let Ok(response) = ServeDir::new(&*state.dist)
        .precompressed_br()
        .precompressed_gzip()
        .oneshot(Request::from_parts(parts, body))
        .await;
    if response.status() != StatusCode::NOT_FOUND || !is_app_route(&path) {
        let cache = cache_control(&path);
        return with_cache_control(response.map(Body::new), cache);
    }

    let index = state.dist.join("index.html");
    if !tokio::fs::metadata(&index).await.is_ok_and(|m| m.is_file()) {
        return not_built(&state.dist);
    }
    let Ok(response) = ServeFile::new(index)
        .precompressed_br()
        .precompressed_gzip()
        .oneshot(Request::from_parts(retry, Body::empty()))
        .await;
    with_cache_control(response.map(Body::new), REVALIDATE)
}

/// Longest name of one file and of a whole path the server's file systems take (`NAME_MAX`,
/// `PATH_MAX` on Linux).
const NAME_MAX: usize = 255;
const PATH_MAX: usize = 4096;

/// Whether `path` (as sent, percent-encoded) can name a file at all. A longer name makes the
/// file system answer ENAMETOOLONG, which the file service turned into a 500 (issue 13, item
/// 7): no such file can exist, so the answer is 404.
fn is_file_name_ok(path: &str) -> bool {
    decoded_len(path) <= PATH_MAX && path.split('/').all(|s| decoded_len(s) <= NAME_MAX)
}

/// Bytes of `s` once percent-decoded (`%41` is one byte).
fn decoded_len(s: &str) -> usize {
    let bytes = s.as_bytes();
    let (mut i, mut n) = (0, 0);
    while i < bytes.len() {
        let escaped = bytes[i] == b'%'
            && bytes.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
            && bytes.get(i + 2).is_some_and(u8::is_ascii_hexdigit);
        i += if escaped { 3 } else { 1 };
        n += 1;
    }
    n
}

fn not_found() -> Response {
    (
        StatusCode::NOT_FOUND,
        [
            (header::CONTENT_TYPE, "text/plain; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        "没有这个文件或页面。\nNo such file or page.\n",
    )
        .into_response()
}

/// A path whose last segment has no extension is a page of the app, not a missing file: a
/// missing `/app-1234.js` must stay a 404, or the browser would run `index.html` as script.
fn is_app_route(path: &str) -> bool {
    let last = path.rsplit('/').next().unwrap_or_default();
    !last.contains('.')
}

fn cache_control(path: &str) -> &'static str {
    let name = path.rsplit('/').next().unwrap_or_default();
    if is_content_hashed(name) {
        IMMUTABLE
    } else {
        REVALIDATE
    }
}

/// Trunk names hashed files `<stem>-<hash>.<ext>` or `<hash>-<name>`, the hash being a u64 in
/// lowercase hex without padding. Twelve or more hex digits rule out words and version numbers;
/// a real hash is shorter than that once in 65,536 builds, and then only loses the long cache.
fn is_content_hashed(name: &str) -> bool {
    let stem = name.split('.').next().unwrap_or_default();
    stem.split(['-', '_']).any(|part| {
        (12..=16).contains(&part.len())
            && part
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    })
}

fn with_cache_control(mut response: Response, value: &'static str) -> Response {
    let status = response.status();
    if status.is_success() || status == StatusCode::NOT_MODIFIED {
        response
            .headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static(value));
    }
    response
}

fn not_built(dist: &Path) -> Response {
    let text = format!(
        "Dudao 应用尚未构建：{dist}/index.html 不存在。请运行 scripts/run 构建并启动。\n\
         The Dudao app is not built: {dist}/index.html is missing. Run scripts/run to build \
         and start it, then reload this page.\n",
        dist = dist.display()
    );
    (
        StatusCode::SERVICE_UNAVAILABLE,
        [
            (header::CONTENT_TYPE, "text/plain; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        text,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trunk_hashed_names_are_recognised() {
        assert!(is_content_hashed("dudao-3f8a9c2e1b7d6a54_bg.wasm"));
        assert!(is_content_hashed("dudao-3f8a9c2e1b7d6a54.js"));
        assert!(is_content_hashed("style-9d0c1e2f3a4b5c6.css"));
        assert!(is_content_hashed("e4d3c2b1a0f9e8d7-inline0.js"));
    }

    #[test]
    fn plain_names_are_not_hashed() {
        for name in [
            "index.html",
            "sw.js",
            "manifest.webmanifest",
            "icon-192.png",
            "app-1.2.3.js",
        ] {
            assert!(!is_content_hashed(name), "{name}");
        }
    }

    #[test]
    fn names_longer_than_the_file_system_takes_are_refused() {
        assert!(is_file_name_ok(
            "/visits/01890000-0000-7000-8000-000000000001"
        ));
        assert!(is_file_name_ok(&format!("/{}", "a".repeat(255))));
        assert!(!is_file_name_ok(&format!("/{}", "a".repeat(256))));
        // Percent-encoded bytes count once: 255 UTF-8 bytes sent as %XX are still one name.
        assert!(is_file_name_ok(&format!("/{}", "%E7".repeat(255))));
        assert!(!is_file_name_ok(&format!("/{}.js", "%E7".repeat(255))));
        assert!(!is_file_name_ok(&"/a".repeat(2100)));
    }

    #[test]
    fn app_routes_have_no_extension() {
        assert!(is_app_route("/"));
        assert!(is_app_route("/visits/01890000-0000-7000-8000-000000000001"));
        assert!(!is_app_route("/dudao-3f8a9c2e1b7d6a54.js"));
    }
}
