//! The 督导意见书 page in a real browser (headless Chromium): a signed visit stored on the phone
//! opens at /visits/:id/opinion as the document the school keeps — 文号, numbered findings with
//! their terms, the signature, the 回执 — and 附照片 adds the stored photos as an appendix.
#![cfg(target_arch = "wasm32")]

use dudao::storage::photos::{save_photo, StoredPhoto};
use dudao::storage::repo;
use dudao_domain::datetime::Date;
use dudao_domain::finding::{Disposition, Finding};
use dudao_domain::photo::PhotoMeta;
use dudao_domain::review::{opinion_number, Signature};
use dudao_domain::template::Severity;
use dudao_domain::{Answer, Text, Visit, VisitState};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

mod common;
use common::{body_text, school, tick};

/// 2026-11-22 14:05 in Beijing.
const T0: i64 = 1_795_327_500_000;
const VISIT: &str = "0190a0b0-0000-7000-8000-00000000op01";

fn finding(code: &str, desc: &str, severity: Severity, deadline: Option<Date>) -> Finding {
    Finding {
        id: format!("{VISIT}:{code}"),
        item_codes: vec![code.into()],
        section: Text::new("手机管理", "Mobile phones"),
        description: desc.into(),
        requirement: "严格落实有关规定，整改到位。".into(),
        severity,
        disposition: if deadline.is_some() {
            Disposition::ByDeadline
        } else {
            Disposition::Immediate
        },
        deadline,
        owner: if deadline.is_some() {
            "德育处 王主任".into()
        } else {
            String::new()
        },
        basis: vec![],
        status: Default::default(),
    }
}

/// A 五项管理 visit signed by the principal, with two findings and one photo on WX-SJ-01.
fn signed_visit() -> Visit {
    let t = dudao::templates::builtin()
        .expect("built-in templates")
        .iter()
        .find(|t| t.id == "wuxiang")
        .expect("五项管理 is built in")
        .clone();
    let mut v = Visit::new(VISIT.into(), &school(), "王建华".into(), &[&t], T0);
    v.answers.insert(
        "WX-SJ-01".into(),
        Answer {
            value: Some(dudao_domain::AnswerValue::Compliance(
                dudao_domain::Compliance::NonCompliant,
            )),
            photos: vec!["p-policy".into()],
            updated_at: T0 + 1,
            ..Answer::default()
        },
    );
    v.findings = vec![
        finding(
            "WX-SJ-01",
            "未制定学生手机管理办法：不符合。",
            Severity::General,
            Date::new(2026, 12, 22),
        ),
        finding("WX-DW-04", "图书角发现问题读物3册。", Severity::Major, None),
    ];
    // One basis confirmed, one not (⚠️): the document says what （待核实） means.
    v.findings[0].basis = vec![dudao_domain::Basis {
        document: "教育部办公厅关于加强中小学生手机管理工作的通知".into(),
        number: None,
        year: 2021,
        article: None,
        local: false,
        unconfirmed: false,
    }];
    v.findings[1].basis = vec![dudao_domain::Basis {
        document: "中小学幼儿园安全防范工作规范（试行）".into(),
        number: Some("公治〔2015〕168号".into()),
        year: 2015,
        article: None,
        local: false,
        unconfirmed: true,
    }];
    v.state = VisitState::Signed;
    v.finished_at = Some(T0 + 3_600_000);
    v.signature = Some(Signature {
        name: "李红梅".into(),
        role: "校长".into(),
        image: "data:image/svg+xml;base64,PHN2ZyB4bWxucz0iaHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmciIHdpZHRoPSIyMDAiIGhlaWdodD0iODAiPjxwYXRoIGQ9Ik0xMCA2MCBRIDYwIDEwIDEwMCA1MCBUIDE5MCA0MCIgc3Ryb2tlPSIjMDAwIiBzdHJva2Utd2lkdGg9IjMiIGZpbGw9Im5vbmUiLz48L3N2Zz4=".into(),
        signed_at: T0 + 7_200_000,
    });
    v.opinion_no = Some(opinion_number("清河县", 2026, 3));
    v
}

fn photo_blob() -> web_sys::Blob {
    let svg = r##"<svg xmlns="http://www.w3.org/2000/svg" width="800" height="600"><rect width="800" height="600" fill="#ccd"/><text x="40" y="560" font-size="28">清河县实验小学 · 2026年11月22日 14:10 · 督学 王建华</text></svg>"##;
    let parts = js_sys::Array::of1(&JsValue::from_str(svg));
    let opts = web_sys::BlobPropertyBag::new();
    opts.set_type("image/svg+xml");
    web_sys::Blob::new_with_str_sequence_and_options(&parts, &opts).unwrap()
}

fn query(sel: &str) -> Option<web_sys::Element> {
    web_sys::window()?
        .document()?
        .query_selector(sel)
        .ok()
        .flatten()
}

/// Waits (a bounded number of render turns, not a clock) until `sel` is on the page.
async fn appears(sel: &str) -> web_sys::Element {
    for _ in 0..500 {
        if let Some(e) = query(sel) {
            return e;
        }
        tick().await;
    }
    panic!("{sel} never appeared; page: {}", body_text());
}

#[wasm_bindgen_test]
async fn a_signed_visit_opens_as_its_opinion_and_adds_photos_on_request() {
    let v = signed_visit();
    repo::save_visit(None, &v).await.expect("visit stored");
    let photo = StoredPhoto {
        meta: PhotoMeta {
            id: "p-policy".into(),
            visit_id: VISIT.into(),
            item_code: "WX-SJ-01".into(),
            sha256: "0".repeat(64),
            size: 300,
            width: 800,
            height: 600,
            mime: "image/svg+xml".into(),
            taken_at: T0 + 300_000,
        },
        blob: photo_blob(),
        thumb: photo_blob(),
        on_server: false,
    };
    save_photo(None, &v, &photo).await.expect("photo stored");

    // Open the page as the router would after signing.
    let history = js_sys::Reflect::get(&web_sys::window().unwrap(), &"history".into()).unwrap();
    let push: js_sys::Function = js_sys::Reflect::get(&history, &"pushState".into())
        .unwrap()
        .unchecked_into();
    push.call3(
        &history,
        &JsValue::NULL,
        &"".into(),
        &format!("/visits/{VISIT}/opinion").into(),
    )
    .unwrap();
    leptos::mount::mount_to_body(dudao::app::App);

    let doc = appears("[data-testid=opinion]").await;
    let number = appears("[data-testid=opinion-number]").await;
    assert_eq!(number.text_content().unwrap(), "清督意〔2026〕3号");
    let text = doc.text_content().unwrap();
    for part in [
        "清河县人民政府教育督导室",
        "督导意见书",
        "清河县实验小学：",
        "督学王建华于2026年11月22日对你校开展了中小学“五项管理”实地督查。",
        "一、",
        "未制定学生手机管理办法",
        "2026年12月22日前",
        "德育处 王主任",
        "二、",
        "【重大问题】",
        "立行立改",
        "请于2026年12月22日前将整改情况书面报送清河县人民政府教育督导室。",
        "签字人：李红梅（校长）",
        "2026年11月22日",
    ] {
        assert!(text.contains(part), "{part} missing from: {text}");
    }
    // The basis list, and under it the note on the unconfirmed one.
    let list = js_sys::Function::new_no_args(
        "return Array.from(document.querySelectorAll('.doc-basis li'), l => l.textContent)",
    );
    let basis: Vec<String> = js_sys::Array::from(&list.call0(&JsValue::NULL).unwrap())
        .iter()
        .filter_map(|t| t.as_string())
        .collect();
    assert_eq!(basis.len(), 2, "{basis:?}");
    assert!(basis[1].ends_with("（待核实）"), "{basis:?}");
    let note = appears("[data-testid=opinion-basis-note]").await;
    let note_text = note.text_content().unwrap();
    assert!(
        note_text.starts_with("注：标注“待核实”的文件"),
        "{note_text}"
    );
    let after_list = note
        .previous_element_sibling()
        .map(|e| e.class_name())
        .unwrap_or_default();
    assert_eq!(after_list, "doc-basis", "the note follows the basis list");
    let html = doc.outer_html();
    assert_eq!(html.matches(r#"data-testid="opinion-finding""#).count(), 2);
    let receipt = appears("[data-testid=opinion-receipt]").await;
    let receipt = receipt.text_content().unwrap();
    assert!(receipt.contains("回执"), "{receipt}");
    assert!(
        receipt.contains("已收到清督意〔2026〕3号督导意见书，将按要求整改。"),
        "{receipt}"
    );
    assert!(receipt.contains("签收人"), "{receipt}");

    // No appendix until asked for.
    assert!(query("[data-testid=opinion-appendix]").is_none());
    assert!(!text.contains("附件：现场照片"));
    let photos: web_sys::HtmlElement = appears("[data-testid=opinion-photos]")
        .await
        .unchecked_into();
    photos.click();
    let img = appears("[data-testid=opinion-appendix] img").await;
    assert!(
        img.get_attribute("src").unwrap().starts_with("blob:"),
        "the stored photo is shown"
    );
    let appendix = appears("[data-testid=opinion-appendix]").await;
    let caption = appendix.text_content().unwrap();
    assert!(
        caption
            .contains("图1　WX-SJ-01　将学生手机管理纳入学校日常管理，制定具体管理办法（问题一）"),
        "{caption}"
    );
    let text = doc.text_content().unwrap();
    assert!(text.contains("附件：现场照片（共1张）"), "{text}");

    // The rendered page, for looking at its print layout outside the test.
    // (In pieces: the test runner shortens long lines.)
    let html: Vec<char> = doc.outer_html().chars().collect();
    for (i, piece) in html.chunks(1000).enumerate() {
        let piece: String = piece.iter().collect();
        leptos::logging::log!("OPINION-HTML {i:04} {piece}");
    }

    // Unticked, the appendix goes again.
    photos.click();
    for _ in 0..100 {
        if query("[data-testid=opinion-appendix]").is_none() {
            break;
        }
        tick().await;
    }
    assert!(query("[data-testid=opinion-appendix]").is_none());
}
