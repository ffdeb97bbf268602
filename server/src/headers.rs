//! Security headers on every answer (issue 13, item 6).
//!
//! - `Content-Security-Policy`. The app: scripts only from the server itself plus Trunk's inline
//!   `<script type="module">` bootstrap, allowed by its SHA-256, computed from the `index.html`
//!   being served (again whenever the file changes, so a new build needs no restart); no other
//!   inline script, no `eval` (`'wasm-unsafe-eval'` only lets WebAssembly compile). Images
//!   also from `blob:` and `data:` (photos and the signature are drawn from memory). Inline
//!   *styles* stay allowed: the app sets a few `style` attributes (the storage bar), and a
//!   style cannot run code. The API: `default-src 'none'`, it serves no documents.
//! - `frame-ancestors 'none'` and `X-Frame-Options: DENY`: no page may frame the app.
//! - `X-Content-Type-Options: nosniff`, `Referrer-Policy: no-referrer`.
//! - `Cache-Control: no-store` on API answers that set no caching of their own: they carry
//!   records of schools and people, which no shared or disk cache should keep. (Auth answers
//!   are `no-store` explicitly, `crate::api::router`.)

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use axum::extract::Request;
use axum::http::{header, HeaderMap, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use sha2::{Digest, Sha256};

/// The policy of everything under `/api`.
pub const API_CSP: &str = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; \
                           form-action 'none'";

/// The app's policy without the inline scripts' hashes (`{hashes}` is replaced).
const APP_CSP: &str = "default-src 'self'; \
     script-src 'self' 'wasm-unsafe-eval'{hashes}; \
     style-src 'self' 'unsafe-inline'; \
     img-src 'self' blob: data:; \
     connect-src 'self'; \
     worker-src 'self'; \
     manifest-src 'self'; \
     font-src 'self'; \
     object-src 'none'; \
     base-uri 'none'; \
     form-action 'self'; \
     frame-ancestors 'none'";

/// `index.html`'s modification time and size, `None` when it is missing.
type Stamp = Option<(SystemTime, u64)>;

/// The app's policy, rebuilt when `index.html` changes (size or modification time).
#[derive(Debug)]
pub struct AppPolicy {
    index: PathBuf,
    cached: Mutex<Option<(Stamp, HeaderValue)>>,
}

impl AppPolicy {
    pub fn new(dist: &Path) -> Arc<Self> {
        Arc::new(AppPolicy {
            index: dist.join("index.html"),
            cached: Mutex::new(None),
        })
    }

    /// The policy for the `index.html` on disk now.
    pub async fn header(&self) -> HeaderValue {
        let stamp = tokio::fs::metadata(&self.index)
            .await
            .ok()
            .and_then(|m| Some((m.modified().ok()?, m.len())));
        if let Some((at, value)) = &*self.cached.lock().unwrap_or_else(|e| e.into_inner()) {
            if *at == stamp {
                return value.clone();
            }
        }
        let html = tokio::fs::read_to_string(&self.index)
            .await
            .unwrap_or_default();
        let value = app_csp(&html);
        *self.cached.lock().unwrap_or_else(|e| e.into_inner()) = Some((stamp, value.clone()));
        value
    }
}

/// The app's policy allowing exactly the inline scripts of `html`.
pub fn app_csp(html: &str) -> HeaderValue {
    let hashes: String = inline_scripts(html)
        .iter()
        .map(|script| format!(" 'sha256-{}'", STANDARD.encode(Sha256::digest(script))))
        .collect();
    let policy = APP_CSP.replace("{hashes}", &hashes);
    HeaderValue::from_str(&policy).expect("the policy is ASCII")
}

/// The text of every `<script>` without `src` in `html`, exactly as the browser hashes it.
pub fn inline_scripts(html: &str) -> Vec<&str> {
    let mut found = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find("<script") {
        let after = &rest[start..];
        let Some(tag_end) = after.find('>') else {
            break;
        };
        let tag = &after[..tag_end];
        let body = &after[tag_end + 1..];
        let Some(close) = body.find("</script") else {
            break;
        };
        if !tag.contains(" src=") && !tag.contains("\tsrc=") && !tag.contains("\nsrc=") {
            found.push(&body[..close]);
        }
        rest = &body[close..];
    }
    found
}

/// The middleware: adds the headers to every answer that does not already have them.
pub async fn security_headers(policy: Arc<AppPolicy>, request: Request, next: Next) -> Response {
    let api = request.uri().path().starts_with("/api/") || request.uri().path() == "/api";
    let mut response = next.run(request).await;
    let csp = if api {
        HeaderValue::from_static(API_CSP)
    } else {
        policy.header().await
    };
    let headers = response.headers_mut();
    set_default(headers, header::CONTENT_SECURITY_POLICY, csp);
    set_default(
        headers,
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    set_default(
        headers,
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    set_default(
        headers,
        header::X_FRAME_OPTIONS,
        HeaderValue::from_static("DENY"),
    );
    if api {
        set_default(
            headers,
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        );
    }
    response
}

fn set_default(headers: &mut HeaderMap, name: header::HeaderName, value: HeaderValue) {
    headers.entry(name).or_insert(value);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_inline_scripts_are_hashed() {
        let html = "<head><script type=\"module\">\nimport init from '/a.js';\n</script>\
                    <script src=\"/b.js\"></script><script>x()</script></head>";
        assert_eq!(
            inline_scripts(html),
            vec!["\nimport init from '/a.js';\n", "x()"]
        );
    }

    #[test]
    fn the_policy_names_each_inline_script_by_hash() {
        // echo -n 'x()' | openssl dgst -sha256 -binary | base64
        let csp = app_csp("<script>x()</script>");
        let csp = csp.to_str().unwrap();
        assert!(
            csp.contains("script-src 'self' 'wasm-unsafe-eval' 'sha256-"),
            "{csp}"
        );
        assert!(!csp.contains("'unsafe-inline' 'sha256"), "{csp}");
        assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    }
}
