//! 督导记录 lists every visit on this phone, newest first, thirty at a time, with how far each
//! has got: the pinned templates are read once for all of them, visits of the same templates at
//! the same school share one compiled checklist, and a visit whose checklist version is not here
//! still lists, without a count. In headless Chromium, with real IndexedDB.
#![cfg(target_arch = "wasm32")]

use dudao::opened_visit::ProgressBook;
use dudao::storage::repo;
use dudao_domain::{AnswerValue, Checklist, Compliance, Visit};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

mod common;
use common::{all, appears, click, query, school, template, until};

#[wasm_bindgen_test]
async fn every_visit_lists_with_its_progress() {
    let t = template();
    let s = school();
    repo::pin_templates(std::slice::from_ref(&t)).await.unwrap();
    let refs = [&t];
    let cl = Checklist::new(&refs, &s);
    let codes: Vec<String> = cl
        .visible(&Default::default())
        .iter()
        .map(|e| e.item.code.clone())
        .collect();

    // Two drafts of the same checklist at the same school, answered 2 and 0 items.
    let mut a = Visit::new("vl-a".into(), &s, "王建国".into(), &[&t], 10);
    for (i, code) in codes.iter().take(2).enumerate() {
        let ok = Some(AnswerValue::Compliance(Compliance::Compliant));
        let _ = a.set_value(&cl, code, ok.clone(), 11 + i as i64);
        if !a.answers.contains_key(code) {
            a.set_value(&cl, code, Some(AnswerValue::YesNo(true)), 11 + i as i64)
                .unwrap();
        }
    }
    let b = Visit::new("vl-b".into(), &s, "王建国".into(), &[&t], 20);
    // One pinned to a version this phone does not have.
    let mut gone = t.clone();
    gone.version = 99;
    let c = Visit::new("vl-c".into(), &s, "王建国".into(), &[&gone], 30);
    for v in [&a, &b, &c] {
        repo::save_visit(None, v).await.unwrap();
    }
    // Thirty older ones: a phone after a term of visits.
    for i in 0..30 {
        let old = Visit::new(format!("vl-old-{i:02}"), &s, "王建国".into(), &[&t], 1);
        repo::save_visit(None, &old).await.unwrap();
    }

    let want_a = cl.progress(&a.answers);
    assert_eq!(want_a.answered, 2);
    let mut book = ProgressBook::load().await.unwrap();
    let got: Vec<_> = [&a, &b, &c].iter().map(|v| book.progress(v)).collect();
    assert_eq!(got, vec![Some(want_a), Some(cl.progress(&b.answers)), None]);

    let history = js_sys::Reflect::get(&web_sys::window().unwrap(), &"history".into()).unwrap();
    let push: js_sys::Function = js_sys::Reflect::get(&history, &"pushState".into())
        .unwrap()
        .unchecked_into();
    push.call3(&history, &JsValue::NULL, &"".into(), &"/visits".into())
        .unwrap();
    leptos::mount::mount_to_body(dudao::app::App);

    // The newest thirty at first, and the rest one tap away.
    appears("[data-testid=visit-row]").await;
    until("the first page listed", || {
        all("[data-testid=visit-row]").len() == 30
    })
    .await;
    let more = appears("[data-testid=visits-more]").await;
    assert_eq!(more.text_content().unwrap(), "显示更多（还有 3 条）");
    click(&more);
    until("all 33 visits listed", || {
        all("[data-testid=visit-row]").len() == 33
    })
    .await;
    assert!(query("[data-testid=visits-more]").is_none());
    let rows: Vec<String> = all("[data-testid=visit-row]")
        .iter()
        .map(|r| r.text_content().unwrap_or_default())
        .collect();
    // Most recently changed first: c, b, a.
    let answered = dudao::i18n::ZH.answered;
    let want_b = cl.progress(&b.answers);
    assert!(
        !rows[0].contains("已答"),
        "no count without its checklist: {}",
        rows[0]
    );
    assert!(rows[1].ends_with(&answered(0, want_b.total)), "{}", rows[1]);
    assert!(rows[2].ends_with(&answered(2, want_a.total)), "{}", rows[2]);
}
