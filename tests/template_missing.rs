//! A visit whose checklist version is not on this phone (pinned to a version neither stored nor
//! built in) cannot be opened, but its screen is no dead end: it says how the checklist may
//! still come and leads back to 督导记录, where the visit is still listed. In headless Chromium.
#![cfg(target_arch = "wasm32")]

use dudao::storage::repo;
use dudao_domain::Visit;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

mod common;
use common::{appears, body_text, click, query, school, template, until};

const VISIT: &str = "0190a0b0-0000-7000-8000-00000000tm01";

#[wasm_bindgen_test]
async fn a_visit_without_its_checklist_leads_back_to_the_visits_list() {
    // Version 99 of 五项管理: not built in, and never stored on this phone.
    let mut t = template();
    t.version = 99;
    let v = Visit::new(VISIT.into(), &school(), "王建国".into(), &[&t], 1);
    repo::save_visit(None, &v).await.unwrap();

    let history = js_sys::Reflect::get(&web_sys::window().unwrap(), &"history".into()).unwrap();
    let push: js_sys::Function = js_sys::Reflect::get(&history, &"pushState".into())
        .unwrap()
        .unchecked_into();
    push.call3(
        &history,
        &JsValue::NULL,
        &"".into(),
        &format!("/visits/{VISIT}").into(),
    )
    .unwrap();
    leptos::mount::mount_to_body(dudao::app::App);

    let error = appears("[data-testid=visit-load-error]").await;
    assert_eq!(
        error.text_content().unwrap(),
        dudao::i18n::ZH.err_template_missing
    );
    let hint = appears("[data-testid=template-missing-hint]").await;
    assert!(hint.text_content().unwrap().contains("同步"));
    let back = appears("[data-testid=back-to-visits]").await;
    assert_eq!(back.text_content().unwrap(), "返回督导记录");

    click(&back);
    until("the visits list is shown", || {
        query("[data-testid=visit-row]").is_some()
    })
    .await;
    let path = web_sys::window().unwrap().location().pathname().unwrap();
    assert_eq!(path, "/visits");
    assert!(body_text().contains("督导记录"), "{}", body_text());
}
