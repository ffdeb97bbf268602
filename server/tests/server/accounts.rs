//! Accounts, login, sessions and the scope of `/api/schools` (issue 6, item 2: a supervisor
//! reads only the schools assigned to them, office staff only their district, every denial a
//! 401/403/404 with a clear message), on SQLite and PostgreSQL.

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use dudao_domain::School;
use dudao_server::demo;
use serde_json::json;

use crate::common::{
    get, get_as, post_json, send, test_app_on, token_of, Backend, Reply, TEST_DEVICE,
};

const DEVICE: &str = TEST_DEVICE;

async fn login(router: &Router, username: &str, password: &str) -> Reply {
    post_json(
        router,
        "/api/login",
        &json!({"username": username, "password": password,
               "device_id": DEVICE, "device_name": "韩立新的手机"}),
        None,
    )
    .await
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
    let in_30_days = dudao_server::clock::now_ms() + 30 * 24 * 3600 * 1000;
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

    let out = post_json(&t.router, "/api/logout", &json!({}), Some(token)).await;
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
        &json!({"username": "hanlixin", "password": demo::DEMO_PASSWORD,
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
    let missing = post_json(&t.router, "/api/login", &json!({"username": "x"}), None).await;
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

/// The error body of a 401, checked to list no school.
fn assert_unauthorized(reply: &Reply, message: &str, what: &str) {
    assert_eq!(
        reply.status,
        StatusCode::UNAUTHORIZED,
        "{what}: {}",
        reply.text()
    );
    assert_eq!(
        reply.json(),
        json!({"error": "unauthorized", "message": message}),
        "{what}"
    );
    for school in demo::schools() {
        assert!(
            !reply.text().contains(&school.code),
            "{what} names {}",
            school.code
        );
    }
}

const NO_TOKEN: &str = "Sign in first: this request needs the token from POST /api/login, sent \
                        as `Authorization: Bearer <token>`";
const NOT_BEARER: &str =
    "The Authorization header must be `Bearer <token>`, with the token from POST /api/login";
const BAD_TOKEN: &str =
    "The token is unknown, expired or signed out: sign in again with POST /api/login";

async fn without_a_token_no_school_is_listed_or_shown(backend: Backend) {
    let t = test_app_on(backend).await;
    let known = &demo::schools()[0];
    // A school that exists and one that does not get the same 401: nothing is given away
    // before the user is known.
    for uri in [
        "/api/schools".to_owned(),
        format!("/api/schools/{}", known.id),
        "/api/schools/no-such-school".to_owned(),
    ] {
        assert_unauthorized(&get(&t.router, &uri).await, NO_TOKEN, &uri);

        for value in ["Basic aGFubGl4aW46ZHVkYW8tZGVtbw==", "Bearer ", "token abc"] {
            let request = Request::builder()
                .uri(&uri)
                .header(header::AUTHORIZATION, value)
                .body(Body::empty())
                .expect("request");
            let reply = send(&t.router, request).await;
            assert_unauthorized(&reply, NOT_BEARER, &format!("{uri} with {value:?}"));
        }
        let reply = get_as(&t.router, &uri, "not-a-token").await;
        assert_unauthorized(&reply, BAD_TOKEN, &format!("{uri} with an unknown token"));
    }

    // Signed out, the same token no longer lists anything.
    let han = token_of(&t.router, "hanlixin").await;
    assert_eq!(
        codes(&get_as(&t.router, "/api/schools", &han).await).len(),
        3
    );
    let out = post_json(&t.router, "/api/logout", &json!({}), Some(&han)).await;
    assert_eq!(out.status, StatusCode::NO_CONTENT);
    assert_unauthorized(
        &get_as(&t.router, "/api/schools", &han).await,
        BAD_TOKEN,
        "after logout",
    );
}
both_backends!(without_a_token_no_school_is_listed_or_shown);

async fn each_supervisor_sees_exactly_the_schools_named_on_their_plaques(backend: Backend) {
    let t = test_app_on(backend).await;
    let mut seen = Vec::new();
    for (username, name, ..) in demo::USERS
        .iter()
        .filter(|u| u.2 == dudao_server::db::Role::Supervisor)
    {
        let token = token_of(&t.router, username).await;
        let reply = get_as(&t.router, "/api/schools", &token).await;
        let listed = codes(&reply);
        let schools: Vec<School> = serde_json::from_slice(&reply.body).expect("schools");
        assert!(
            schools.iter().all(|s| s.supervisor == *name),
            "{username} is shown a school of another supervisor: {listed:?}"
        );
        let mut assigned: Vec<String> = demo::schools()
            .into_iter()
            .filter(|s| s.supervisor == *name)
            .map(|s| s.code)
            .collect();
        assigned.sort();
        let mut sorted = listed.clone();
        sorted.sort();
        assert_eq!(sorted, assigned, "{username}");
        seen.extend(listed);
    }
    // Between them the four supervisors cover the county, each school once.
    seen.sort();
    let mut all: Vec<String> = demo::schools().into_iter().map(|s| s.code).collect();
    all.sort();
    assert_eq!(seen, all);
}
both_backends!(each_supervisor_sees_exactly_the_schools_named_on_their_plaques);

async fn another_supervisors_school_and_another_districts_are_403_with_the_reason(
    backend: Backend,
) {
    let t = test_app_on(backend).await;
    let schools = demo::schools();
    let hans = schools.iter().find(|s| s.code == "QH0101").expect("QH0101");

    // 马淑芬 asks for 韩立新's school by id: refused, saying whose it is not.
    let ma = token_of(&t.router, "mashufen").await;
    let reply = get_as(&t.router, &format!("/api/schools/{}", hans.id), &ma).await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN, "{}", reply.text());
    assert_eq!(
        reply.json(),
        json!({"error": "forbidden",
               "message": "School QH0101 (清河县实验小学) is not assigned to mashufen"})
    );
    // …and an id that names no school is 404, for her as for anyone.
    let reply = get_as(&t.router, "/api/schools/qh-9999", &ma).await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    assert_eq!(
        reply.json(),
        json!({"error": "not_found", "message": "No school with id qh-9999"})
    );

    // Office staff of one town are refused a school of another town.
    t.db.execute("UPDATE users SET district = '桃园镇' WHERE username = 'zhouli'")
        .await
        .expect("move");
    let office = token_of(&t.router, "zhouli").await;
    let reply = get_as(&t.router, &format!("/api/schools/{}", hans.id), &office).await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN, "{}", reply.text());
    assert_eq!(
        reply.json()["message"],
        "School QH0101 (清河县实验小学) is not in zhouli's district 桃园镇"
    );
    assert_eq!(
        codes(&get_as(&t.router, "/api/schools", &office).await),
        ["QH0201", "QH0202"]
    );
}
both_backends!(another_supervisors_school_and_another_districts_are_403_with_the_reason);
