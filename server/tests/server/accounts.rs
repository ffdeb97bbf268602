//! Accounts, login, sessions and the scope of `/api/schools`, on SQLite and PostgreSQL.

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use axum::Router;
use dudao_domain::School;
use dudao_server::demo;
use serde_json::{json, Value};

use crate::common::{get, send, test_app_on, Backend, Reply};

const DEVICE: &str = "0190a6e2-5b7c-7d1e-9f00-1a2b3c4d5e6f";

async fn post_json(router: &Router, uri: &str, body: Value, token: Option<&str>) -> Reply {
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

async fn get_as(router: &Router, uri: &str, token: &str) -> Reply {
    let request = Request::builder()
        .uri(uri)
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .body(Body::empty())
        .expect("request");
    send(router, request).await
}

async fn login(router: &Router, username: &str, password: &str) -> Reply {
    post_json(
        router,
        "/api/login",
        json!({"username": username, "password": password,
               "device_id": DEVICE, "device_name": "韩立新的手机"}),
        None,
    )
    .await
}

async fn token_of(router: &Router, username: &str) -> String {
    let reply = login(router, username, demo::DEMO_PASSWORD).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    reply.json()["token"].as_str().expect("token").to_owned()
}

fn codes(reply: &Reply) -> Vec<String> {
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    let schools: Vec<School> = serde_json::from_slice(&reply.body).expect("schools");
    schools.into_iter().map(|s| s.code).collect()
}

async fn login_gives_a_token_that_me_accepts_until_logout(backend: Backend) {
    let t = test_app_on(backend).await;
    let reply = login(&t.router, "hanlixin", demo::DEMO_PASSWORD).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    let body = reply.json();
    let token = body["token"].as_str().expect("token");
    assert_eq!(token.len(), 43);
    let expires_at = body["expires_at"].as_i64().expect("expires_at");
    let in_30_days = dudao_server::library::now_ms() + 30 * 24 * 3600 * 1000;
    assert!((in_30_days - expires_at).abs() < 60_000, "{expires_at}");
    assert_eq!(body["user"]["username"], "hanlixin");
    assert_eq!(body["user"]["display_name"], "韩立新");
    assert_eq!(body["user"]["role"], "supervisor");
    assert!(body["user"].get("password_hash").is_none());

    // Only the hash of the token is stored, and the device is registered.
    let hash = dudao_server::auth::token_hash(token);
    assert_eq!(
        t.db.execute(&format!(
            "UPDATE sessions SET user_id = user_id WHERE token_hash = '{hash}'"
        ))
        .await
        .expect("hashed token"),
        1
    );
    assert_eq!(
        t.db.execute(&format!(
            "UPDATE devices SET name = name WHERE id = '{DEVICE}'"
        ))
        .await
        .expect("device"),
        1
    );
    assert_eq!(
        t.db.execute(&format!(
            "UPDATE sessions SET user_id = user_id WHERE token_hash = '{token}'"
        ))
        .await
        .expect("plain token"),
        0,
        "the plain token must not be stored"
    );

    let me = get_as(&t.router, "/api/me", token).await;
    assert_eq!(me.status, StatusCode::OK, "{}", me.text());
    assert_eq!(me.json()["username"], "hanlixin");

    let out = post_json(&t.router, "/api/logout", json!({}), Some(token)).await;
    assert_eq!(out.status, StatusCode::NO_CONTENT);
    let me = get_as(&t.router, "/api/me", token).await;
    assert_eq!(me.status, StatusCode::UNAUTHORIZED);
    assert_eq!(me.json()["error"], "unauthorized");
}
both_backends!(login_gives_a_token_that_me_accepts_until_logout);

async fn a_wrong_password_and_an_unknown_user_get_the_same_401(backend: Backend) {
    let t = test_app_on(backend).await;
    let wrong = login(&t.router, "hanlixin", "not-the-password").await;
    let unknown = login(&t.router, "nobody", demo::DEMO_PASSWORD).await;
    for reply in [&wrong, &unknown] {
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
        assert_eq!(
            reply.json(),
            json!({"error": "bad_credentials", "message": "Wrong username or password"})
        );
    }
    assert_eq!(
        t.db.execute("UPDATE sessions SET user_id = user_id")
            .await
            .expect("sessions"),
        0
    );
}
both_backends!(a_wrong_password_and_an_unknown_user_get_the_same_401);

async fn a_sixth_try_after_five_failures_is_429_even_with_the_right_password(backend: Backend) {
    let t = test_app_on(backend).await;
    for _ in 0..5 {
        let reply = login(&t.router, "mashufen", "guess").await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    }
    let reply = login(&t.router, "mashufen", demo::DEMO_PASSWORD).await;
    assert_eq!(reply.status, StatusCode::TOO_MANY_REQUESTS);
    let body = reply.json();
    assert_eq!(body["error"], "rate_limited");
    let retry_after = body["retry_after"].as_u64().expect("retry_after");
    assert!((890..=900).contains(&retry_after), "{retry_after}");
    assert_eq!(reply.header("retry-after"), retry_after.to_string());
    // Another username from the same address still signs in.
    let other = login(&t.router, "hanlixin", demo::DEMO_PASSWORD).await;
    assert_eq!(other.status, StatusCode::OK);
}
both_backends!(a_sixth_try_after_five_failures_is_429_even_with_the_right_password);

async fn an_expired_or_unknown_token_is_401(backend: Backend) {
    let t = test_app_on(backend).await;
    let token = token_of(&t.router, "caodeming").await;
    assert_eq!(
        get_as(&t.router, "/api/me", &token).await.status,
        StatusCode::OK
    );
    t.db.execute("UPDATE sessions SET expires_at = 1")
        .await
        .expect("expire");
    for token in [token.as_str(), "not-a-token"] {
        for uri in ["/api/me", "/api/schools"] {
            let reply = get_as(&t.router, uri, token).await;
            assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "{uri}");
            assert_eq!(reply.json()["error"], "unauthorized");
        }
    }
    let request = Request::builder()
        .uri("/api/me")
        .body(Body::empty())
        .expect("request");
    assert_eq!(
        send(&t.router, request).await.status,
        StatusCode::UNAUTHORIZED
    );
}
both_backends!(an_expired_or_unknown_token_is_401);

async fn a_device_id_that_is_not_a_uuid_is_400_and_signs_nobody_in(backend: Backend) {
    let t = test_app_on(backend).await;
    let reply = post_json(
        &t.router,
        "/api/login",
        json!({"username": "hanlixin", "password": demo::DEMO_PASSWORD,
               "device_id": "phone-1", "device_name": "x"}),
        None,
    )
    .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    let body = reply.json();
    assert_eq!(body["error"], "invalid_request");
    assert!(
        body["message"]
            .as_str()
            .expect("message")
            .contains("device_id \"phone-1\" is not a UUID"),
        "{body}"
    );
    let missing = post_json(&t.router, "/api/login", json!({"username": "x"}), None).await;
    assert_eq!(missing.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        t.db.execute("UPDATE devices SET name = name")
            .await
            .expect("devices"),
        0
    );
}
both_backends!(a_device_id_that_is_not_a_uuid_is_400_and_signs_nobody_in);

async fn schools_are_scoped_by_role(backend: Backend) {
    let t = test_app_on(backend).await;
    // Without a token: every school, until the app signs in (temporary).
    assert_eq!(codes(&get(&t.router, "/api/schools").await).len(), 10);

    let han = token_of(&t.router, "hanlixin").await;
    assert_eq!(
        codes(&get_as(&t.router, "/api/schools", &han).await),
        ["QH0101", "QH0102", "QH0105"]
    );
    let ma = token_of(&t.router, "mashufen").await;
    assert_eq!(
        codes(&get_as(&t.router, "/api/schools", &ma).await),
        ["QH0103", "QH0104"]
    );
    let admin = token_of(&t.router, "admin").await;
    assert_eq!(
        codes(&get_as(&t.router, "/api/schools", &admin).await).len(),
        10
    );
    // The county office sees its county.
    let office = token_of(&t.router, "zhouli").await;
    assert_eq!(
        codes(&get_as(&t.router, "/api/schools", &office).await).len(),
        10
    );

    // A town office sees its town only; another county's office sees nothing of 清河县.
    t.db.execute("UPDATE users SET district = '城关镇' WHERE username = 'zhouli'")
        .await
        .expect("move");
    let town = codes(&get_as(&t.router, "/api/schools", &office).await);
    assert_eq!(town, ["QH0101", "QH0102", "QH0103", "QH0104", "QH0105"]);
    t.db.execute("UPDATE users SET district = '别的县' WHERE username = 'zhouli'")
        .await
        .expect("move");
    assert!(codes(&get_as(&t.router, "/api/schools", &office).await).is_empty());
}
both_backends!(schools_are_scoped_by_role);

async fn a_school_outside_the_scope_is_403_with_the_reason_and_an_unknown_one_404(
    backend: Backend,
) {
    let t = test_app_on(backend).await;
    let han = token_of(&t.router, "hanlixin").await;
    let schools = demo::schools();
    let own = schools.iter().find(|s| s.code == "QH0101").expect("own");
    let other = schools.iter().find(|s| s.code == "QH0201").expect("other");

    let reply = get_as(&t.router, &format!("/api/schools/{}", own.id), &han).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.json()["code"], "QH0101");

    let reply = get_as(&t.router, &format!("/api/schools/{}", other.id), &han).await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    let body = reply.json();
    assert_eq!(body["error"], "forbidden");
    assert_eq!(
        body["message"],
        format!("School QH0201 ({}) is not assigned to hanlixin", other.name)
    );

    let reply = get_as(&t.router, "/api/schools/no-such-school", &han).await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    assert_eq!(reply.json()["error"], "not_found");

    let admin = token_of(&t.router, "admin").await;
    let reply = get_as(&t.router, &format!("/api/schools/{}", other.id), &admin).await;
    assert_eq!(reply.status, StatusCode::OK);
}
both_backends!(a_school_outside_the_scope_is_403_with_the_reason_and_an_unknown_one_404);
