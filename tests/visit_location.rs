//! In a real browser (headless Chromium), with the browser's geolocation replaced by a
//! scripted one (the only stand-in here; IndexedDB is the real one):
//! - 本节全部符合 asks once, sets 符合 on the section's unanswered 符合/不符合 items only, and
//!   saves them as one write with one outbox entry;
//! - the visit's location is asked for when the editor opens a draft without one, and a fix
//!   that arrives after answers were given is saved without losing them;
//! - refusing, no fix, or no geolocation at all are recorded as such.
#![cfg(target_arch = "wasm32")]

use dudao::geo;
use dudao::i18n::{I18n, Lang};
use dudao::state::AppState;
use dudao::storage::repo;
use dudao::sync::store::{self, StoredMutation};
use dudao::visit_edit::VisitEdit;
use dudao_domain::location::{Location, NoFix};
use dudao_domain::{
    AnswerValue, Checklist, Compliance, GradeRange, School, Stage, Template, Visit,
};
use leptos::prelude::*;
use std::cell::RefCell;
use std::rc::Rc;
use std::sync::Arc;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

mod common;
use common::tick;

/// 2026-11-22 14:05 in Beijing.
const T0: i64 = 1_795_327_500_000;

fn school() -> School {
    School {
        id: "s1".into(),
        code: "QH0101".into(),
        name: "清河县实验小学".into(),
        district: "城关镇".into(),
        stage: Stage::Primary,
        grades: GradeRange::new(1, 6),
        enrolment: 1800,
        boarding: false,
        address: String::new(),
        contact: String::new(),
        supervisor: "韩立新".into(),
        county: String::new(),
        facilities: Default::default(),
    }
}

fn wuxiang() -> dudao_domain::Template {
    dudao::templates::builtin()
        .expect("built-in templates")
        .iter()
        .find(|t| t.id == "wuxiang")
        .expect("五项管理 is built in")
        .clone()
}

/// Replaces `navigator.geolocation` with a scripted one. `script` is the body of
/// `getCurrentPosition(ok, err, opts)`.
fn fake_geolocation(script: &str) {
    js_sys::eval(&format!(
        "Object.defineProperty(navigator, 'geolocation', {{ configurable: true, value: {{ \
           getCurrentPosition(ok, err, opts) {{ window.__geoOpts = opts; {script} }} }} }});"
    ))
    .expect("fake geolocation");
}

fn window_get(key: &str) -> JsValue {
    js_sys::Reflect::get(&web_sys::window().unwrap(), &key.into()).unwrap()
}

fn query(sel: &str) -> Option<web_sys::HtmlElement> {
    web_sys::window()?
        .document()?
        .query_selector(sel)
        .ok()
        .flatten()?
        .dyn_into()
        .ok()
}

/// Waits (a bounded number of render turns, not a clock) until `sel` is on the page.
async fn appears(sel: &str) -> web_sys::HtmlElement {
    for _ in 0..500 {
        if let Some(e) = query(sel) {
            return e;
        }
        tick().await;
    }
    panic!("{sel} never appeared");
}

async fn stored(id: &str) -> Visit {
    repo::load_visit(id).await.unwrap().expect("stored visit")
}

/// What is on its way to the server: the outbox made into mutations, as the sync engine
/// does, then every pending mutation, oldest first.
async fn sent() -> Vec<StoredMutation> {
    let db = repo::db().await.unwrap();
    store::coalesce(&db, T0).await.unwrap();
    store::pending_mutations(&db).await.unwrap()
}

/// The fields a mutation sends.
fn fields(m: &StoredMutation) -> Vec<&str> {
    m.ops.iter().map(|o| o.field.as_str()).collect()
}

/// The open editor of `v`, as `VisitEditor` makes it, owned by `owner`.
fn open_editor(owner: &Owner, app: AppState, v: &Visit, t: &Template) -> VisitEdit {
    owner.with(|| {
        VisitEdit::new(
            v.clone(),
            Arc::new(vec![t.clone()]),
            app,
            I18n {
                lang: RwSignal::new(Lang::Zh),
            },
        )
    })
}

fn compliance(v: &Visit, code: &str) -> Option<AnswerValue> {
    v.answers.get(code).and_then(|a| a.value.clone())
}

#[wasm_bindgen_test]
async fn section_all_compliant_and_a_late_fix_keep_every_answer() {
    const ID: &str = "0190a0b0-0000-7000-8000-0000000geo01";
    // The fix is held until the test releases it, so answers are given first.
    fake_geolocation("window.__geoOk = ok;");
    let t = wuxiang();
    let s = school();
    let cl = Checklist::new(&[&t], &s);
    let mut v = Visit::new(ID.into(), &s, "韩立新".into(), &[&t], T0);
    let first: Vec<String> = cl.sections(&v.answers)[0]
        .items
        .iter()
        .map(|i| i.code.clone())
        .collect();
    let before = v.unanswered_compliance(&cl, &first);
    assert!(
        before.len() >= 2,
        "the first section has 符合 items: {first:?}"
    );
    // One answered 不符合 already: it must stay.
    let kept = before[0].clone();
    let bad = Some(AnswerValue::Compliance(Compliance::NonCompliant));
    v.set_value(&cl, &kept, bad.clone(), T0 + 1).unwrap();
    let to_set = v.unanswered_compliance(&cl, &first);
    repo::pin_templates(std::slice::from_ref(&t)).await.unwrap();
    repo::save_visit(None, &v).await.unwrap();

    let history = window_get("history");
    let push: js_sys::Function = js_sys::Reflect::get(&history, &"pushState".into())
        .unwrap()
        .unchecked_into();
    push.call3(
        &history,
        &JsValue::NULL,
        &"".into(),
        &format!("/visits/{ID}").into(),
    )
    .unwrap();
    leptos::mount::mount_to_body(dudao::app::App);

    // Opening the draft asked for the position, with the agreed options.
    let button = appears("[data-testid=section-all-ok]").await;
    let opts = window_get("__geoOpts");
    let opt = |k: &str| js_sys::Reflect::get(&opts, &k.into()).unwrap();
    assert_eq!(opt("enableHighAccuracy").as_bool(), Some(true));
    assert_eq!(opt("timeout").as_f64(), Some(15_000.0));
    assert_eq!(opt("maximumAge").as_f64(), Some(300_000.0));
    assert_eq!(
        button.get_attribute("data-count").unwrap(),
        to_set.len().to_string()
    );

    // Cancelling changes nothing.
    let queued = sent().await.len();
    button.click();
    let sheet = appears(".ask-sheet").await;
    let ask = sheet.text_content().unwrap();
    assert!(
        ask.contains(&format!("{} 个尚未作答", to_set.len()))
            && ask.contains("已作答的题目保持不变"),
        "{ask}"
    );
    appears("[data-testid=confirm-no]").await.click();
    for _ in 0..5 {
        tick().await;
    }
    assert!(query(".ask-sheet").is_none());
    assert_eq!(sent().await.len(), queued);
    assert_eq!(stored(ID).await.answers.len(), 1);

    // Confirming sets them all in one write: one change to send, with every value.
    button.click();
    appears("[data-testid=confirm-yes]").await.click();
    let ok = Some(AnswerValue::Compliance(Compliance::Compliant));
    for _ in 0..500 {
        let v = stored(ID).await;
        if to_set.iter().all(|c| compliance(&v, c) == ok) {
            break;
        }
        tick().await;
    }
    let entries = sent().await;
    assert_eq!(entries.len(), queued + 1, "one change to send");
    let mut values: Vec<&str> = fields(&entries[queued])
        .into_iter()
        .filter(|f| f.starts_with("answers.") && f.ends_with(".value"))
        .collect();
    values.sort();
    let mut expected: Vec<String> = to_set
        .iter()
        .map(|c| format!("answers.{c}.value"))
        .collect();
    expected.sort();
    assert_eq!(values, expected);
    let saved = stored(ID).await;
    for code in &to_set {
        assert_eq!(compliance(&saved, code), ok, "{code}");
    }
    assert_eq!(
        compliance(&saved, &kept),
        bad,
        "an answer given is left alone"
    );
    assert_eq!(saved.location, None, "no fix yet");
    assert_eq!(button.get_attribute("data-count").unwrap(), "0");
    assert!(button.has_attribute("disabled"));

    // The fix arrives late: it is stored with the visit, and no answer is lost.
    let ok_cb: js_sys::Function = window_get("__geoOk").unchecked_into();
    let pos = js_sys::eval(
        "({ coords: { latitude: 37.0503, longitude: 115.6693, accuracy: 18.4 }, timestamp: 1795327600000 })",
    )
    .unwrap();
    ok_cb.call1(&JsValue::NULL, &pos).unwrap();
    let mut located = None;
    for _ in 0..500 {
        let v = stored(ID).await;
        if v.location.is_some() {
            located = Some(v);
            break;
        }
        tick().await;
    }
    let located = located.expect("the location was stored");
    assert_eq!(
        located.location,
        Some(Location::Fix {
            latitude: 37.0503,
            longitude: 115.6693,
            accuracy_m: 18.4,
            at: 1_795_327_600_000,
        })
    );
    assert_eq!(located.answers, saved.answers, "every answer kept");
    let last = sent().await.pop().unwrap();
    assert_eq!(fields(&last), ["location"], "only the location is new");
    assert_eq!(last.ops[0].value["kind"], "fix");

    // The next answer's snapshot carries the location too.
    let gap = cl.sections(&located.answers)[0]
        .items
        .iter()
        .find(|i| !located.answers.contains_key(&i.code))
        .map(|i| i.code.clone());
    if let Some(code) = gap {
        let card = appears(&format!("#item-{code}")).await;
        if let Some(choice) = card
            .query_selector(".choice")
            .ok()
            .flatten()
            .and_then(|b| b.dyn_into::<web_sys::HtmlElement>().ok())
        {
            let n = sent().await.len();
            choice.click();
            for _ in 0..500 {
                if sent().await.len() > n {
                    break;
                }
                tick().await;
            }
            assert!(stored(ID).await.location.is_some());
        }
    }
}

fn test_app() -> AppState {
    AppState {
        schools: RwSignal::new(Vec::new()),
        schools_loaded: RwSignal::new(true),
        schools_fetch: RwSignal::new(Default::default()),
        library: RwSignal::new(Vec::new()),
        online: RwSignal::new(false),
        pending: RwSignal::new(0),
        photos_pending: RwSignal::new(0),
        message: RwSignal::new(None),
    }
}

async fn outcome() -> Location {
    let got: Rc<RefCell<Option<Location>>> = Rc::default();
    let g = got.clone();
    geo::current_position(move |l| *g.borrow_mut() = Some(l));
    for _ in 0..500 {
        if let Some(l) = got.borrow_mut().take() {
            return l;
        }
        tick().await;
    }
    panic!("no outcome");
}

fn reason(l: Location) -> NoFix {
    match l {
        Location::Unavailable { reason, .. } => reason,
        other => panic!("expected no fix, got {other:?}"),
    }
}

#[wasm_bindgen_test]
async fn refusal_no_fix_and_no_geolocation_are_recorded_as_such() {
    fake_geolocation("setTimeout(() => err({ code: 1, message: 'User denied' }), 0);");
    assert_eq!(reason(outcome().await), NoFix::Denied);
    fake_geolocation("setTimeout(() => err({ code: 3, message: 'Timeout expired' }), 0);");
    assert_eq!(reason(outcome().await), NoFix::NoSignal);
    fake_geolocation("setTimeout(() => err({ code: 2, message: 'Unavailable' }), 0);");
    assert_eq!(reason(outcome().await), NoFix::NoSignal);
    js_sys::eval(
        "Object.defineProperty(navigator, 'geolocation', { configurable: true, value: undefined });",
    )
    .unwrap();
    assert_eq!(reason(outcome().await), NoFix::Unsupported);
}

#[wasm_bindgen_test]
async fn a_refusal_after_the_editor_closed_is_added_to_the_stored_visit() {
    const ID: &str = "0190a0b0-0000-7000-8000-0000000geo02";
    fake_geolocation("window.__geoErr = err;");
    let t = wuxiang();
    let s = school();
    let cl = Checklist::new(&[&t], &s);
    let v = Visit::new(ID.into(), &s, "韩立新".into(), &[&t], T0);
    repo::save_visit(None, &v).await.unwrap();

    let app_owner = Owner::new();
    let app = app_owner.with(test_app);
    let editor = Owner::new();
    let edit = open_editor(&editor, app, &v, &t);
    editor.with(|| geo::record_location(app, edit));
    // Asked once only, however often the editor opens meanwhile.
    editor.with(|| geo::record_location(app, edit));

    // An answer is stored, then the editor closes, then the refusal arrives.
    let mut answered = v.clone();
    let code = answered.unanswered_compliance(
        &cl,
        &cl.sections(&v.answers)[0]
            .items
            .iter()
            .map(|i| i.code.clone())
            .collect::<Vec<_>>(),
    )[0]
    .clone();
    answered
        .set_value(
            &cl,
            &code,
            Some(AnswerValue::Compliance(Compliance::Compliant)),
            T0 + 5,
        )
        .unwrap();
    repo::save_visit(None, &answered).await.unwrap();
    editor.cleanup();
    drop(editor);

    let err: js_sys::Function = window_get("__geoErr").unchecked_into();
    err.call1(&JsValue::NULL, &js_sys::eval("({ code: 1 })").unwrap())
        .unwrap();
    let mut done = None;
    for _ in 0..500 {
        let s = stored(ID).await;
        if s.location.is_some() {
            done = Some(s);
            break;
        }
        tick().await;
    }
    let done = done.expect("the refusal was stored");
    assert!(matches!(
        done.location,
        Some(Location::Unavailable {
            reason: NoFix::Denied,
            ..
        })
    ));
    assert_eq!(
        done.answers, answered.answers,
        "the answer given meanwhile is kept"
    );
    let last = sent().await.pop().unwrap();
    let location = last.ops.iter().find(|o| o.field == "location").unwrap();
    assert_eq!(location.value["reason"], "denied");
}

/// The fix comes after 完成督导: the editor is gone, the review screen holds the finished visit
/// as it was read. The fix is stored with the visit, and signing from that review copy goes
/// ahead (a location is not something the school signs) and keeps it.
#[wasm_bindgen_test]
async fn a_fix_after_finishing_does_not_make_signing_refuse() {
    const ID: &str = "0190a0b0-0000-7000-8000-0000000geo03";
    fake_geolocation("window.__geoLate = ok;");
    let t = wuxiang();
    let s = school();
    let v = Visit::new(ID.into(), &s, "韩立新".into(), &[&t], T0);
    repo::save_visit(None, &v).await.unwrap();

    let app_owner = Owner::new();
    let app = app_owner.with(test_app);
    let editor = Owner::new();
    let edit = open_editor(&editor, app, &v, &t);
    editor.with(|| geo::record_location(app, edit));

    // 完成督导 (no 不符合 answer, so no finding to settle), and the editor closes.
    let mut finished = v.clone();
    finished.state = dudao_domain::VisitState::Finished;
    finished.finished_at = Some(T0 + 10);
    finished.updated_at = T0 + 10;
    let shown = repo::save_visit(Some(&v), &finished).await.unwrap();
    editor.cleanup();
    drop(editor);

    // The fix arrives while the review screen shows `shown`.
    let ok: js_sys::Function = window_get("__geoLate").unchecked_into();
    let pos = js_sys::eval(
        "({ coords: { latitude: 37.0503, longitude: 115.6693, accuracy: 18.4 }, timestamp: 1795327600000 })",
    )
    .unwrap();
    ok.call1(&JsValue::NULL, &pos).unwrap();
    let mut located = None;
    for _ in 0..500 {
        let s = stored(ID).await;
        if s.location.is_some() {
            located = Some(s);
            break;
        }
        tick().await;
    }
    let located = located.expect("the late fix was stored");
    assert_eq!(located.state, dudao_domain::VisitState::Finished);
    assert_eq!(shown.location, None, "the review read it before the fix");

    let signature = dudao_domain::review::Signature {
        name: "李明".into(),
        role: "校长".into(),
        image: "data:image/png;base64,iVBORw0KGgo=".into(),
        signed_at: T0 + 3_600_000,
    };
    let signed = repo::sign_visit(&shown, signature, 2026)
        .await
        .expect("signing is not refused");
    assert_eq!(signed.state, dudao_domain::VisitState::Signed);
    assert!(signed.opinion_no.is_some());
    assert_eq!(signed.location, located.location, "the fix is kept");
    assert_eq!(stored(ID).await, signed);
}
