//! The 学校 page of a phone whose sign-in the server no longer accepts (headless Chromium, the
//! server's answers stubbed in `fetch`): every call is 401, and the page asks to sign in again
//! while the schools stored on the phone stay listed and stored — a 401 never wipes them.
#![cfg(target_arch = "wasm32")]

use dudao::storage::repo;
use dudao::sync::account::{self, Account, User};
use dudao_domain::Stage;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

mod common;
use common::{all, body_text, click, query, school, until};

/// Replaces `window.fetch`: every call is answered 401 `unauthorized`, and its URL and
/// `Authorization` header are recorded in `window.calls`.
fn server_refuses_every_token() {
    let stub = js_sys::Function::new_with_args(
        "input, init",
        "const auth = init && init.headers ? init.headers.get('Authorization') : null;
         (window.calls = window.calls || []).push([String(input), auth]);
         return Promise.resolve(new Response(
           JSON.stringify({error: 'unauthorized', message: 'The token is unknown, expired or signed out'}),
           {status: 401, headers: {'Content-Type': 'application/json'}}));",
    );
    let window = web_sys::window().unwrap();
    js_sys::Reflect::set(&window, &"fetch".into(), &stub).unwrap();
}

/// `[url, authorization]` of every call made so far.
fn calls() -> Vec<(String, Option<String>)> {
    let window = web_sys::window().unwrap();
    let calls = js_sys::Reflect::get(&window, &"calls".into()).unwrap();
    if calls.is_undefined() {
        return Vec::new();
    }
    js_sys::Array::from(&calls)
        .iter()
        .map(|c| {
            let c = js_sys::Array::from(&c);
            (c.get(0).as_string().unwrap(), c.get(1).as_string())
        })
        .collect()
}

fn attr(sel: &str, name: &str) -> Option<String> {
    query(sel).and_then(|e| e.get_attribute(name))
}

#[wasm_bindgen_test]
async fn a_refused_sign_in_asks_to_sign_in_again_and_keeps_the_stored_schools() {
    let mut second = school();
    second.id = "s2".into();
    second.code = "QH0102".into();
    second.name = "清河县城关第二小学".into();
    second.stage = Stage::Primary;
    let schools = vec![school(), second];
    repo::save_schools(&schools).await.expect("schools stored");
    let db = repo::db().await.expect("db");
    account::save(
        &db,
        &Account {
            token: "revoked-token".into(),
            expires_at: js_sys::Date::now() as i64 + 30 * 86_400_000,
            user: User {
                id: "u1".into(),
                username: "hanlixin".into(),
                display_name: "韩立新".into(),
                role: "supervisor".into(),
                district: String::new(),
            },
            device_id: None,
        },
    )
    .await
    .expect("account stored");
    server_refuses_every_token();

    leptos::mount::mount_to_body(dudao::app::App);

    until("the prompt to sign in again", || {
        attr("[data-testid=schools-sign-in]", "data-reason").as_deref() == Some("expired")
    })
    .await;
    // The list was asked for with the stored token (not before it was read), and refused.
    let asked: Vec<_> = calls()
        .into_iter()
        .filter(|(url, _)| url == "/api/schools")
        .collect();
    assert!(!asked.is_empty(), "{:?}", calls());
    assert!(
        asked
            .iter()
            .all(|(_, auth)| auth.as_deref() == Some("Bearer revoked-token")),
        "{asked:?}"
    );

    let text = body_text();
    assert!(text.contains("登录后可获取您负责的学校"), "{text}");
    assert!(text.contains("登录已过期或已在别处退出"), "{text}");
    assert_eq!(
        attr("[data-testid=schools-sign-in-button]", "href").as_deref(),
        Some("/login?next=/")
    );
    // The stored schools are still listed, and still stored.
    let cards: Vec<String> = all("[data-testid=school-card]")
        .iter()
        .filter_map(|c| c.get_attribute("data-code"))
        .collect();
    assert_eq!(cards, ["QH0101", "QH0102"]);
    assert_eq!(repo::list_schools().await.expect("list"), schools);

    // The button leads to 登录, which comes back to 学校.
    click(&query("[data-testid=schools-sign-in-button]").unwrap());
    until("the sign-in screen", || {
        query("[data-testid=login-username]").is_some()
    })
    .await;
    let location = web_sys::window().unwrap().location();
    assert_eq!(location.pathname().unwrap(), "/login");
    assert_eq!(location.search().unwrap(), "?next=/");
}
