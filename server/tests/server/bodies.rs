//! Bad request bodies (issue 6, item 7): every route has a size limit answered with the JSON
//! error shape, and a JSON body that is malformed, of the wrong type or missing a field gets a
//! 4xx naming the problem, and writes nothing.

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use axum::Router;
use dudao_server::demo;
use serde_json::{json, Value};

use crate::common::{send, test_app_on, Backend, Reply, TestApp};

const DEVICE: &str = "0190a6e2-5b7c-7d1e-9f00-1a2b3c4d5e6f";
const PHOTO: &str = "0190a6e2-0000-7000-8000-00000000ca11";

/// Every route with its body limit. The declared length alone is checked first, so the body
/// need not be sent.
const LIMITS: [(Method, &str, usize); 17] = [
    (Method::POST, "/api/sync/push", 4 * 1024 * 1024),
    (Method::GET, "/api/sync/pull", 1024),
    (Method::GET, "/api/sync/conflicts", 1024),
    (Method::POST, "/api/sync/conflicts/1/resolve", 1024),
    (Method::GET, "/api/health", 1024),
    (Method::GET, "/api/openapi.json", 1024),
    (Method::POST, "/api/login", 16 * 1024),
    (Method::POST, "/api/logout", 1024),
    (Method::GET, "/api/me", 1024),
    (Method::GET, "/api/schools", 1024),
    (Method::GET, "/api/schools/qh-0101", 1024),
    (Method::GET, "/api/templates", 1024),
    (Method::POST, "/api/photos", 16 * 1024),
    (
        Method::HEAD,
        "/api/photos/0190a6e2-0000-7000-8000-00000000ca11",
        8 * 1024 * 1024,
    ),
    (
        Method::PATCH,
        "/api/photos/0190a6e2-0000-7000-8000-00000000ca11",
        8 * 1024 * 1024,
    ),
    (
        Method::GET,
        "/api/photos/0190a6e2-0000-7000-8000-00000000ca11",
        8 * 1024 * 1024,
    ),
    (
        Method::GET,
        "/api/photos/0190a6e2-0000-7000-8000-00000000ca11/status",
        1024,
    ),
];

fn request(method: Method, uri: &str, content_type: Option<&str>, body: Body) -> Request<Body> {
    let mut request = Request::builder().method(method).uri(uri);
    if let Some(content_type) = content_type {
        request = request.header(header::CONTENT_TYPE, content_type);
    }
    request.body(body).expect("request")
}

fn with_token(mut request: Request<Body>, token: &str) -> Request<Body> {
    let value = format!("Bearer {token}").parse().expect("header");
    request.headers_mut().insert(header::AUTHORIZATION, value);
    request
}

async fn token_of(router: &Router, username: &str) -> String {
    let body = json!({"username": username, "password": demo::DEMO_PASSWORD,
                      "device_id": DEVICE, "device_name": "测试手机"});
    let reply = send(
        router,
        request(
            Method::POST,
            "/api/login",
            Some("application/json"),
            Body::from(body.to_string()),
        ),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    reply.json()["token"].as_str().expect("token").to_owned()
}

fn assert_too_large(reply: &Reply, limit: usize, what: &str) {
    assert_eq!(reply.status, StatusCode::PAYLOAD_TOO_LARGE, "{what}");
    assert_eq!(
        reply.json(),
        json!({"error": "payload_too_large",
               "message": format!("The request body is larger than the {limit} bytes this \
                                   server accepts")}),
        "{what}"
    );
}

fn assert_invalid(reply: &Reply, status: StatusCode, code: &str, says: &[&str], what: &str) {
    assert_eq!(reply.status, status, "{what}: {}", reply.text());
    let body = reply.json();
    assert_eq!(body["error"], code, "{what}");
    let message = body["message"].as_str().expect("message");
    for part in says {
        assert!(message.contains(part), "{what}: {message:?} lacks {part:?}");
    }
}

/// How many rows `table` has, by a statement every backend answers with a row count.
async fn rows(t: &TestApp, table: &str) -> u64 {
    t.db.execute(&format!("UPDATE {table} SET created_at = created_at"))
        .await
        .expect(table)
}

async fn every_route_refuses_a_body_over_its_limit(backend: Backend) {
    let t = test_app_on(backend).await;
    let token = token_of(&t.router, "hanlixin").await;
    for (method, uri, limit) in LIMITS {
        let what = format!("{method} {uri}");
        let mut over = with_token(request(method.clone(), uri, None, Body::empty()), &token);
        over.headers_mut()
            .insert(header::CONTENT_LENGTH, (limit + 1).into());
        let reply = send(&t.router, over).await;
        if method == Method::HEAD {
            assert_eq!(reply.status, StatusCode::PAYLOAD_TOO_LARGE, "{what}");
        } else {
            assert_too_large(&reply, limit, &what);
        }
    }

    // A body streamed without a length is stopped at the limit as it is read.
    let padded = format!(
        r#"{{"username": "hanlixin", "password": "{}", "device_id": "{DEVICE}", "device_name": "{}"}}"#,
        demo::DEMO_PASSWORD,
        " ".repeat(16 * 1024)
    );
    let streamed = Body::from_stream(tokio_util::io::ReaderStream::with_capacity(
        std::io::Cursor::new(padded.into_bytes()),
        1000,
    ));
    let reply = send(
        &t.router,
        request(
            Method::POST,
            "/api/login",
            Some("application/json"),
            streamed,
        ),
    )
    .await;
    assert_too_large(&reply, 16 * 1024, "streamed login");
    // Only the first login's session was stored.
    assert_eq!(rows(&t, "sessions").await, 1);

    // Just under the limit is read and answered on its merits.
    let body = json!({"photo_id": PHOTO, "sha256": "ab".repeat(32), "size": 10,
                      "mime": format!("image/jpeg{}", " ".repeat(15 * 1024))});
    let reply = send(
        &t.router,
        with_token(
            request(
                Method::POST,
                "/api/photos",
                Some("application/json"),
                Body::from(body.to_string()),
            ),
            &token,
        ),
    )
    .await;
    assert_invalid(
        &reply,
        StatusCode::BAD_REQUEST,
        "invalid_request",
        &["mime"],
        "padded mime",
    );
}

/// Bodies that are not what the route takes, with what the answer must name.
fn bad_bodies(good: &Value) -> Vec<(String, &'static [&'static str])> {
    let object = good.as_object().expect("object");
    let first = object.keys().next().expect("a field").clone();
    let mut out: Vec<(String, &'static [&'static str])> = vec![
        (format!("{{\"{first}\": "), &["not valid JSON", "EOF"]),
        (
            "not json at all".into(),
            &["not valid JSON", "at line 1 column"],
        ),
        ("\"a photo\"".into(), &["invalid type: string \"a photo\""]),
        ("null".into(), &["invalid type: null"]),
    ];
    let mut missing = good.clone();
    missing.as_object_mut().expect("object").remove(&first);
    out.push((
        missing.to_string(),
        leak(format!("missing field `{first}`")),
    ));
    let mut wrong = good.clone();
    wrong[&first] = json!({"nested": true});
    out.push((
        wrong.to_string(),
        leak(format!("{first}: invalid type: map")),
    ));
    let mut extra = good.clone();
    extra["favourite_colour"] = json!("red");
    out.push((extra.to_string(), &["unknown field `favourite_colour`"]));
    out
}

fn leak(s: String) -> &'static [&'static str] {
    Box::leak(vec![&*Box::leak(s.into_boxed_str())].into_boxed_slice())
}

async fn a_malformed_json_body_is_400_naming_the_problem_and_writes_nothing(backend: Backend) {
    let t = test_app_on(backend).await;
    let token = token_of(&t.router, "hanlixin").await;
    let login = json!({"username": "hanlixin", "password": demo::DEMO_PASSWORD,
                       "device_id": "0190a6e2-5b7c-7d1e-9f00-00000000beef"});
    let photo = json!({"photo_id": PHOTO, "sha256": "ab".repeat(32), "size": 10,
                       "mime": "image/jpeg"});
    for (uri, good) in [("/api/login", &login), ("/api/photos", &photo)] {
        for (body, says) in bad_bodies(good) {
            let what = format!("{uri} {body}");
            let sent = request(
                Method::POST,
                uri,
                Some("application/json"),
                Body::from(body),
            );
            let reply = send(&t.router, with_token(sent, &token)).await;
            assert_invalid(
                &reply,
                StatusCode::BAD_REQUEST,
                "invalid_request",
                says,
                &what,
            );
        }
        // The right JSON without saying it is JSON.
        for content_type in [None, Some("text/plain")] {
            let sent = request(
                Method::POST,
                uri,
                content_type,
                Body::from(good.to_string()),
            );
            let reply = send(&t.router, with_token(sent, &token)).await;
            assert_invalid(
                &reply,
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                &["Content-Type: application/json"],
                &format!("{uri} as {content_type:?}"),
            );
        }
    }
    // Only the first login's session and device; no photo upload.
    assert_eq!(rows(&t, "sessions").await, 1);
    assert_eq!(
        t.db.execute("UPDATE devices SET name = name")
            .await
            .expect("devices"),
        1
    );
    assert_eq!(rows(&t, "photo_uploads").await, 0);
}

both_backends!(
    every_route_refuses_a_body_over_its_limit,
    a_malformed_json_body_is_400_naming_the_problem_and_writes_nothing,
);
