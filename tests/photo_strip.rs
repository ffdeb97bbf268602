//! The photo strip on an item card in a real browser (headless Chromium), driven as a supervisor
//! would: an item judged 不符合 asks for a photo; picking one shows "处理中…", then its
//! thumbnail, and the hint goes; the thumbnail opens full size; deleting asks once and takes the
//! photo off the answer and out of the store; a file that is not a photo is refused plainly.
#![cfg(target_arch = "wasm32")]

use dudao::storage::outbox;
use dudao::storage::{photos, repo};
use dudao_domain::template::EvidenceRule;
use dudao_domain::{AnswerKind, AnswerValue, Checklist, Compliance, Visit};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

mod common;
use common::{appears, body_text, click, query, school, tick, until};

/// 2026-11-22 14:05 in Beijing.
const T0: i64 = 1_795_327_500_000;
const VISIT: &str = "0190a0b0-0000-7000-8000-0000000ph001";

/// A draft 校园安全 visit with one photo-when-不符合 item answered 不符合; its code.
fn draft_visit() -> (Visit, String) {
    let t = dudao::templates::builtin()
        .expect("built-in templates")
        .iter()
        .find(|t| t.id == "anquan")
        .expect("校园安全 is built in")
        .clone();
    let s = school();
    let refs = [&t];
    let cl = Checklist::new(&refs, &s);
    let mut v = Visit::new(VISIT.into(), &s, "王建国".into(), &[&t], T0);
    let code = cl
        .visible(&Default::default())
        .into_iter()
        .find(|e| {
            e.item.evidence == EvidenceRule::PhotoWhenNoncompliant
                && matches!(e.item.answer, AnswerKind::Compliance)
        })
        .map(|e| e.item.code.clone())
        .expect("校园安全 asks for a photo when a compliance item fails");
    v.set_value(
        &cl,
        &code,
        Some(AnswerValue::Compliance(Compliance::NonCompliant)),
        T0 + 1,
    )
    .unwrap();
    (v, code)
}

/// Puts a file in a file input as picking it would, and fires `change`.
fn pick(input: &web_sys::Element, blob: &JsValue, name: &str, kind: &str) {
    let f = js_sys::Function::new_with_args(
        "input, blob, name, type",
        "const dt = new DataTransfer(); dt.items.add(new File([blob], name, { type })); \
         input.files = dt.files; input.dispatchEvent(new Event('change', { bubbles: true }));",
    );
    f.call4(&JsValue::NULL, input, blob, &name.into(), &kind.into())
        .unwrap();
}

/// A camera-sized JPEG, as a phone's camera hands it over.
async fn camera_jpeg() -> JsValue {
    let f = js_sys::Function::new_no_args(
        "const c = document.createElement('canvas'); c.width = 4000; c.height = 3000; \
         const x = c.getContext('2d'); x.fillStyle = '#3a6'; x.fillRect(0, 0, 4000, 3000); \
         x.fillStyle = '#a33'; x.fillRect(0, 0, 2000, 1500); \
         return new Promise(r => c.toBlob(r, 'image/jpeg', 0.9));",
    );
    JsFuture::from(
        f.call0(&JsValue::NULL)
            .unwrap()
            .unchecked_into::<js_sys::Promise>(),
    )
    .await
    .unwrap()
}

async fn stored() -> Visit {
    repo::load_visit(VISIT).await.unwrap().unwrap()
}

#[wasm_bindgen_test]
async fn a_photo_is_taken_into_an_item_viewed_and_deleted_after_one_confirmation() {
    let (v, code) = draft_visit();
    repo::save_visit(None, &v).await.expect("visit stored");
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

    let card = format!("[data-testid=item][data-code=\"{code}\"]");
    appears(&card).await;
    let within = |sel: &str| format!("{card} [data-testid={sel}]");
    appears(&within("photo-needed")).await;
    assert!(query(&within("photo-thumb")).is_none());
    let take = appears(&within("photo-take")).await;
    assert_eq!(
        take.get_attribute("capture").as_deref(),
        Some("environment")
    );
    assert_eq!(take.get_attribute("accept").as_deref(), Some("image/*"));
    let pick_input = appears(&within("photo-pick")).await;
    assert!(pick_input.has_attribute("multiple"));

    // Picking a 12-megapixel photo: "处理中…" at once, then the thumbnail.
    let before = outbox::count().await.unwrap();
    pick(
        &pick_input,
        &camera_jpeg().await,
        "IMG_0001.jpg",
        "image/jpeg",
    );
    let busy = appears(&within("photo-busy")).await;
    assert!(busy.text_content().unwrap_or_default().contains("处理中"));
    appears(&within("photo-thumb")).await;
    until("processing ends", || query(&within("photo-busy")).is_none()).await;
    until("the hint goes", || query(&within("photo-needed")).is_none()).await;
    assert_eq!(
        query(&within("photo-count"))
            .unwrap()
            .text_content()
            .as_deref(),
        Some("照片 1 张")
    );
    for _ in 0..200 {
        if !stored().await.answers[&code].photos.is_empty() {
            break;
        }
        tick().await;
    }
    let ids = stored().await.answers[&code].photos.clone();
    assert_eq!(ids.len(), 1, "the answer lists the photo");
    let saved = photos::photos_for_visit(VISIT).await.unwrap();
    assert_eq!(saved.len(), 1);
    assert_eq!(saved[0].meta.id, ids[0]);
    assert_eq!((saved[0].meta.width, saved[0].meta.height), (1600, 1200));
    assert!(outbox::count().await.unwrap() > before);
    let thumb_src = query(&format!("{} img", within("photo-thumb")))
        .unwrap()
        .get_attribute("src")
        .unwrap();
    assert!(thumb_src.starts_with("blob:"), "{thumb_src}");

    // Full size, then closed.
    click(&query(&within("photo-thumb")).unwrap());
    let viewer = appears("[data-testid=photo-viewer]").await;
    let full = viewer.query_selector("img").unwrap().unwrap();
    assert!(full.get_attribute("src").unwrap().starts_with("blob:"));
    click(&appears("[data-testid=photo-close]").await);
    until("the viewer closes", || {
        query("[data-testid=photo-viewer]").is_none()
    })
    .await;

    // From the keyboard: the viewer takes the focus and Escape closes it.
    click(&query(&within("photo-thumb")).unwrap());
    appears("[data-testid=photo-viewer]").await;
    let focused = || {
        web_sys::window()
            .unwrap()
            .document()
            .unwrap()
            .active_element()
            .and_then(|e| e.get_attribute("data-testid"))
    };
    until("the close button has the focus", || {
        focused().as_deref() == Some("photo-close")
    })
    .await;
    js_sys::Function::new_no_args(
        "document.activeElement.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }))",
    )
    .call0(&JsValue::NULL)
    .unwrap();
    until("Escape closes the viewer", || {
        query("[data-testid=photo-viewer]").is_none()
    })
    .await;

    // Delete asks once; cancelling keeps it.
    click(&query(&within("photo-thumb")).unwrap());
    click(&appears("[data-testid=photo-delete]").await);
    appears("[data-testid=photo-delete-confirm]").await;
    click(&appears("[data-testid=photo-delete-cancel]").await);
    until("the question goes", || {
        query("[data-testid=photo-delete-confirm]").is_none()
    })
    .await;
    assert_eq!(stored().await.answers[&code].photos.len(), 1);
    click(&appears("[data-testid=photo-delete]").await);
    click(&appears("[data-testid=photo-delete-confirm]").await);
    until("the viewer closes", || {
        query("[data-testid=photo-viewer]").is_none()
    })
    .await;
    until("the thumbnail goes", || {
        query(&within("photo-thumb")).is_none()
    })
    .await;
    appears(&within("photo-needed")).await;
    for _ in 0..200 {
        if photos::photos_for_visit(VISIT).await.unwrap().is_empty() {
            break;
        }
        tick().await;
    }
    assert!(photos::photos_for_visit(VISIT).await.unwrap().is_empty());
    assert!(stored().await.answers[&code].photos.is_empty());

    // Not a photo: said plainly, nothing stored.
    let text =
        js_sys::Function::new_no_args("return new Blob(['这不是照片'], { type: 'text/plain' })")
            .call0(&JsValue::NULL)
            .unwrap();
    pick(
        &query(&within("photo-pick")).unwrap(),
        &text,
        "notes.txt",
        "text/plain",
    );
    until("the error is shown", || {
        body_text().contains("无法读取这张照片：文件不是图片或已损坏")
    })
    .await;
    until("processing ends", || query(&within("photo-busy")).is_none()).await;
    assert!(query(&within("photo-thumb")).is_none());
    assert!(photos::photos_for_visit(VISIT).await.unwrap().is_empty());
    assert!(stored().await.answers[&code].photos.is_empty());
}
