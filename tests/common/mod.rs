//! What the browser tests (`tests/*.rs`, each its own crate) share: the demo school, built-in
//! templates, a fresh IndexedDB, Blob bytes, and reading and clicking the mounted app.
//! Not every test uses every helper.
#![allow(dead_code)]

use dudao::storage::idb::Db;
use dudao_domain::{GradeRange, School, Stage, Template};
use js_sys::{Array, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Blob, BlobPropertyBag};

pub fn school() -> School {
    School {
        id: "s1".into(),
        code: "QH0101".into(),
        name: "清河县实验小学".into(),
        district: "清河县".into(),
        stage: Stage::Primary,
        grades: GradeRange::new(1, 6),
        enrolment: 1800,
        boarding: false,
        address: String::new(),
        contact: String::new(),
        supervisor: String::new(),
        county: String::new(),
        facilities: Default::default(),
    }
}

pub async fn tick() {
    let p = js_sys::Promise::new(&mut |resolve, _| {
        web_sys::window()
            .unwrap()
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 20)
            .unwrap();
    });
    wasm_bindgen_futures::JsFuture::from(p).await.unwrap();
}

/// Waits (up to 1000 turns of 20 ms) until `ok`, or fails saying what never happened.
pub async fn until(what: &str, ok: impl Fn() -> bool) {
    for _ in 0..1000 {
        if ok() {
            return;
        }
        tick().await;
    }
    panic!("{what} never happened; page: {}", body_text());
}

pub fn body_text() -> String {
    query("body")
        .and_then(|b| b.dyn_into::<web_sys::HtmlElement>().ok())
        .map(|b| b.inner_text())
        .unwrap_or_default()
}

pub fn template() -> Template {
    dudao_domain::builtin::templates()
        .expect("built-in templates validate")
        .into_iter()
        .find(|t| t.id == "wuxiang")
        .expect("五项管理 is built in")
}

pub async fn fresh_db(name: &str) -> Db {
    let name = format!("{name}-{}", js_sys::Math::random());
    Db::open_named(&name)
        .await
        .expect("IndexedDB opens in Chromium")
}

pub fn blob_of(bytes: &[u8], kind: &str) -> Blob {
    let parts = Array::of1(&Uint8Array::from(bytes));
    let opts = BlobPropertyBag::new();
    opts.set_type(kind);
    Blob::new_with_u8_array_sequence_and_options(&parts, &opts).unwrap()
}

pub async fn bytes(blob: &Blob) -> Vec<u8> {
    let buf = JsFuture::from(blob.array_buffer()).await.unwrap();
    Uint8Array::new(&buf).to_vec()
}

pub fn click(el: &web_sys::Element) {
    el.dyn_ref::<web_sys::HtmlElement>().unwrap().click();
}

pub fn query(sel: &str) -> Option<web_sys::Element> {
    all(sel).into_iter().next()
}

pub async fn appears(sel: &str) -> web_sys::Element {
    until(sel, || query(sel).is_some()).await;
    query(sel).unwrap()
}

pub fn all(sel: &str) -> Vec<web_sys::Element> {
    let f =
        js_sys::Function::new_with_args("sel", "return Array.from(document.querySelectorAll(sel))");
    let list: js_sys::Array = f
        .call1(&JsValue::NULL, &sel.into())
        .unwrap()
        .unchecked_into();
    list.iter().map(|e| e.unchecked_into()).collect()
}
