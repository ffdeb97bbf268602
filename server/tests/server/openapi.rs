//! The OpenAPI document (issue 6, item 7) is served, is OpenAPI 3.1, and describes exactly the
//! routes the router has: a route added without documenting it, or documented without existing,
//! fails here.

use std::collections::BTreeSet;

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use serde_json::Value;

use crate::common::{get, send, test_app};

/// `api::router()` as written: the routes are read from the source, so the list cannot drift
/// from the code.
const ROUTER_SOURCE: &str = include_str!("../../src/api/mod.rs");

const METHODS: [&str; 7] = ["get", "put", "post", "delete", "options", "head", "patch"];

/// `(method, path)` of every `.route(…)` in `router()`, paths under `/api`.
fn routes_in_router() -> BTreeSet<(String, String)> {
    let start = ROUTER_SOURCE
        .find("pub fn router()")
        .expect("api::router in api/mod.rs");
    let mut rest = &ROUTER_SOURCE[start..];
    let mut routes = BTreeSet::new();
    while let Some(at) = rest.find(".route(") {
        rest = &rest[at + ".route(".len()..];
        // The arguments, up to the parenthesis closing `.route(`.
        let mut depth = 1;
        let end = rest
            .char_indices()
            .find(|&(_, c)| {
                depth += match c {
                    '(' => 1,
                    ')' => -1,
                    _ => 0,
                };
                depth == 0
            })
            .map(|(i, _)| i)
            .expect("balanced .route(…)");
        let args = &rest[..end];
        let path = args.split('"').nth(1).expect("a path literal");
        for method in METHODS {
            let called = args.match_indices(&format!("{method}(")).any(|(i, _)| {
                // `get(` or `.head(`, not the end of a name like `budget(`.
                !args[..i]
                    .chars()
                    .next_back()
                    .is_some_and(|c| c.is_alphanumeric() || c == '_')
            });
            if called {
                routes.insert((method.to_owned(), format!("/api{path}")));
            }
        }
        rest = &rest[end..];
    }
    routes
}

fn document() -> Value {
    serde_json::from_str(dudao_server::api::openapi::DOCUMENT).expect("openapi.json is JSON")
}

/// `(method, path)` of every operation in the document.
fn routes_in_document(doc: &Value) -> BTreeSet<(String, String)> {
    let paths = doc["paths"].as_object().expect("paths");
    paths
        .iter()
        .flat_map(|(path, item)| {
            item.as_object()
                .expect("path item")
                .keys()
                .filter(|k| METHODS.contains(&k.as_str()))
                .map(move |method| (method.clone(), path.clone()))
        })
        .collect()
}

#[test]
fn the_route_table_is_read_from_the_source() {
    let routes = routes_in_router();
    // A few that must be there, whatever their formatting in the source.
    for (method, path) in [
        ("get", "/api/health"),
        ("post", "/api/login"),
        ("head", "/api/photos/{id}"),
        ("patch", "/api/photos/{id}"),
        ("get", "/api/photos/{id}"),
    ] {
        assert!(
            routes.contains(&(method.to_owned(), path.to_owned())),
            "{method} {path} not found in {routes:?}"
        );
    }
}

#[test]
fn the_document_lists_exactly_the_routes_of_the_router() {
    let in_router = routes_in_router();
    let in_document = routes_in_document(&document());
    let undocumented: Vec<_> = in_router.difference(&in_document).collect();
    let absent: Vec<_> = in_document.difference(&in_router).collect();
    assert!(
        undocumented.is_empty() && absent.is_empty(),
        "routes missing from openapi.json: {undocumented:?}; documented but not routed: {absent:?}"
    );
}

#[test]
fn the_document_is_openapi_3_1_with_every_reference_resolved() {
    let doc = document();
    let version = doc["openapi"].as_str().expect("openapi");
    assert!(version.starts_with("3.1."), "{version}");
    assert!(doc["info"]["title"].is_string() && doc["info"]["version"].is_string());

    // Every `$ref` points into the document.
    fn refs<'a>(v: &'a Value, out: &mut Vec<&'a str>) {
        match v {
            Value::Object(map) => {
                if let Some(Value::String(r)) = map.get("$ref") {
                    out.push(r);
                }
                map.values().for_each(|v| refs(v, out));
            }
            Value::Array(items) => items.iter().for_each(|v| refs(v, out)),
            _ => {}
        }
    }
    let mut found = Vec::new();
    refs(&doc, &mut found);
    assert!(!found.is_empty());
    for r in found {
        let pointer = r.strip_prefix('#').expect("a local reference");
        assert!(doc.pointer(pointer).is_some(), "{r} does not resolve");
    }

    // Every operation has an id (unique) and answers; every error answer is the Error shape.
    let mut ids = BTreeSet::new();
    for (method, path) in routes_in_document(&doc) {
        let op = &doc["paths"][&path][&method];
        let id = op["operationId"].as_str().expect("operationId");
        assert!(ids.insert(id.to_owned()), "operationId {id} twice");
        let responses = op["responses"].as_object().expect("responses");
        assert!(!responses.is_empty(), "{method} {path}");
        for (code, answer) in responses {
            let schema = &answer["content"]["application/json"]["schema"]["$ref"];
            if code.starts_with('4') && method != "head" && answer.get("$ref").is_none() {
                assert_eq!(
                    schema, "#/components/schemas/Error",
                    "{method} {path} {code}"
                );
            }
        }
    }
}

#[tokio::test]
async fn the_document_is_served_and_every_operation_in_it_is_routed() {
    let t = test_app().await;
    let reply = get(&t.router, "/api/openapi.json").await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.header("content-type"), "application/json");
    assert_eq!(reply.json(), document());

    // Without a token, with made-up ids: every documented operation reaches a handler (which
    // may refuse it), none falls through to "no route" or "method not allowed".
    for (method, path) in routes_in_document(&document()) {
        let uri = path
            .replace(
                "/photos/{id}",
                "/photos/0190a6e2-0000-7000-8000-00000000ca11",
            )
            .replace("{id}", "1");
        let method: Method = method.to_uppercase().parse().expect("method");
        let mut request = Request::builder().method(method.clone()).uri(&uri);
        if method == Method::POST {
            request = request.header(header::CONTENT_TYPE, "application/json");
        }
        let reply = send(&t.router, request.body(Body::from("{}")).expect("request")).await;
        assert_ne!(
            reply.status,
            StatusCode::METHOD_NOT_ALLOWED,
            "{method} {uri}"
        );
        if method == Method::HEAD {
            // No body to tell a handler's 404 from the router's.
            assert_ne!(reply.status, StatusCode::NOT_FOUND, "{method} {uri}");
        } else if reply.status == StatusCode::NOT_FOUND {
            assert!(
                !reply.text().contains("No API route"),
                "{method} {uri}: {}",
                reply.text()
            );
        }
    }
}

/// The security each operation declares (its own, else the document's), as the app and other
/// clients read it, is the one the router applies: an operation that needs a bearer token
/// answers 401 `unauthorized` without one and documents that 401; an open one (`security: []`)
/// is answered without a token. Only health, the document itself, login and the template
/// library (published policy the phone needs to start a visit offline) are open.
#[tokio::test]
async fn the_documented_security_is_the_one_the_router_applies() {
    let t = test_app().await;
    let doc = document();
    let mut open = BTreeSet::new();
    for (method, path) in routes_in_document(&doc) {
        let op = &doc["paths"][&path][&method];
        let security = op.get("security").unwrap_or(&doc["security"]);
        let requirements = security.as_array().expect("security is a list");
        // `{}` in the list would make the token optional: no route is like that.
        assert!(
            requirements
                .iter()
                .all(|r| r.as_object().is_some_and(|o| !o.is_empty())),
            "{method} {path}: optional security {security}"
        );
        let needs_token = !requirements.is_empty();
        if needs_token {
            assert_eq!(
                security,
                &serde_json::json!([{"bearer": []}]),
                "{method} {path}"
            );
            assert!(
                op["responses"].get("401").is_some(),
                "{method} {path} needs a token but documents no 401"
            );
        } else {
            open.insert(format!("{} {path}", method.to_uppercase()));
        }

        let uri = path
            .replace(
                "/photos/{id}",
                "/photos/0190a6e2-0000-7000-8000-00000000ca11",
            )
            .replace("{id}", "1");
        let method: Method = method.to_uppercase().parse().expect("method");
        let mut request = Request::builder().method(method.clone()).uri(&uri);
        if method == Method::POST {
            request = request.header(header::CONTENT_TYPE, "application/json");
        }
        let reply = send(&t.router, request.body(Body::from("{}")).expect("request")).await;
        if needs_token {
            assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "{method} {uri}");
            if method != Method::HEAD {
                assert_eq!(reply.json()["error"], "unauthorized", "{method} {uri}");
            }
        } else {
            assert_ne!(reply.status, StatusCode::UNAUTHORIZED, "{method} {uri}");
        }
    }
    assert_eq!(
        open.into_iter().collect::<Vec<_>>(),
        [
            "GET /api/health",
            "GET /api/openapi.json",
            "GET /api/templates",
            "POST /api/login"
        ]
    );
}
