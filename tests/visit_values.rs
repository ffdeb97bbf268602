//! Values typed into the visit editor are read by the item's own range (issue 12), in a real
//! browser (headless Chromium) with the real IndexedDB:
//! - a count field refuses -1 and 3.5 with a message naming the range, saves nothing and keeps
//!   what was typed; 5 is saved and clears the message;
//! - a value outside its range stored by other means (old data, a backup, sync) is flagged
//!   数值超出范围 and never judged;
//! - a rule resting only on unconfirmed bases is shown as a 参考标准 (待核实), and so is its
//!   verdict.
#![cfg(target_arch = "wasm32")]

use dudao::storage::repo;
use dudao::sync::store;
use dudao_domain::visit::Answer;
use dudao_domain::{AnswerValue, Template, Visit};
use std::cell::Cell;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

mod common;
use common::{all, appears, click, query, school, tick, until};

/// 2026-11-22 14:05 in Beijing.
const T0: i64 = 1_795_327_500_000;
/// 小学每周开展课后服务天数: a count of 0–7 days, judged ≥ 5 at a primary school.
const DAYS: &str = "SX-KH-02";
const DAYS_RANGE: &str = "请输入 0–7 之间的整数（天）";

fn builtin(id: &str) -> Template {
    dudao::templates::builtin()
        .expect("built-in templates")
        .iter()
        .find(|t| t.id == id)
        .unwrap_or_else(|| panic!("{id} is built in"))
        .clone()
}

/// A draft at 清河县实验小学 on `template`, opened at the section of `at`.
async fn draft(id: &str, template: &Template, at: &str, edit: impl FnOnce(&mut Visit)) {
    let s = school();
    let mut v = Visit::new(id.into(), &s, "王建国".into(), &[template], T0);
    v.position = Some(at.into());
    edit(&mut v);
    repo::pin_templates(std::slice::from_ref(template))
        .await
        .unwrap();
    repo::save_visit(None, &v).await.unwrap();
}

thread_local! {
    static MOUNTED: Cell<bool> = const { Cell::new(false) };
}

fn go(path: &str) {
    let f = js_sys::Function::new_with_args(
        "path",
        "history.pushState(null, '', path); dispatchEvent(new PopStateEvent('popstate', { state: null }))",
    );
    f.call1(&JsValue::NULL, &path.into()).unwrap();
}

/// Opens the editor of visit `id`: the app is mounted once for the file's tests, and each test
/// leaves the editor it found (through the visits list) before opening its own.
async fn open_editor(id: &str) {
    // A position fix never comes: the visit is only changed by what the test types.
    js_sys::eval(
        "Object.defineProperty(navigator, 'geolocation', { configurable: true, \
           value: { getCurrentPosition() {} } });",
    )
    .unwrap();
    if MOUNTED.with(|m| m.replace(true)) {
        go("/visits");
        until("the editor is left", || {
            query("[data-testid=visit-editor]").is_none()
        })
        .await;
        go(&format!("/visits/{id}"));
    } else {
        let history = js_sys::Reflect::get(&web_sys::window().unwrap(), &"history".into()).unwrap();
        let push: js_sys::Function = js_sys::Reflect::get(&history, &"pushState".into())
            .unwrap()
            .unchecked_into();
        push.call3(
            &history,
            &JsValue::NULL,
            &"".into(),
            &format!("/visits/{id}").into(),
        )
        .unwrap();
        leptos::mount::mount_to_body(dudao::app::App);
    }
    appears("[data-testid=visit-editor]").await;
}

/// The card of item `code`.
fn card(code: &str) -> String {
    format!("[data-testid=item][data-code=\"{code}\"]")
}

fn text(sel: &str) -> String {
    query(sel)
        .and_then(|e| e.text_content())
        .unwrap_or_default()
}

/// Sets the field's value and fires the input event typing fires.
fn type_into(el: &web_sys::Element, value: &str) {
    js_sys::Reflect::set(el, &"value".into(), &value.into()).unwrap();
    let f = js_sys::Function::new_with_args(
        "el",
        "el.dispatchEvent(new Event('input', { bubbles: true }))",
    );
    f.call1(&JsValue::NULL, el).unwrap();
}

fn field_value(el: &web_sys::Element) -> String {
    js_sys::Reflect::get(el, &"value".into())
        .unwrap()
        .as_string()
        .unwrap_or_default()
}

async fn stored(id: &str) -> Visit {
    repo::load_visit(id).await.unwrap().expect("stored visit")
}

fn value_of(v: &Visit, code: &str) -> Option<AnswerValue> {
    v.answers.get(code).and_then(|a| a.value.clone())
}

/// How many changes of `code`'s value of visit `id` are on their way to the server: the
/// outbox made into mutations, as the sync engine does, then their ops counted.
async fn value_ops(id: &str, code: &str) -> usize {
    let field = format!("answers.{code}.value");
    let db = repo::db().await.unwrap();
    store::coalesce(&db, 1).await.unwrap();
    store::pending_mutations(&db)
        .await
        .unwrap()
        .iter()
        .filter(|m| m.entity_id == id)
        .flat_map(|m| m.ops.iter())
        .filter(|o| o.field == field)
        .count()
}

async fn turns(n: usize) {
    for _ in 0..n {
        tick().await;
    }
}

#[wasm_bindgen_test]
async fn a_count_refuses_what_is_outside_its_range_and_keeps_it_to_correct() {
    const ID: &str = "0190a0b0-0000-7000-8000-0000000val01";
    draft(ID, &builtin("shuangjian"), DAYS, |_| {}).await;
    open_editor(ID).await;
    let card = card(DAYS);
    let input = appears(&format!("{card} [data-testid=number-input]")).await;
    // The field's attributes come from the range: whole days, 0 to 7, a numeric keypad.
    for (attr, want) in [
        ("min", "0"),
        ("max", "7"),
        ("step", "1"),
        ("inputmode", "numeric"),
    ] {
        assert_eq!(input.get_attribute(attr).as_deref(), Some(want), "{attr}");
    }
    let error = format!("{card} [data-testid=value-error]");
    assert!(query(&error).is_none());

    for typed in ["-1", "3.5"] {
        type_into(&input, typed);
        until(&format!("the message for {typed}"), || {
            text(&error) == DAYS_RANGE
        })
        .await;
        let p = query(&error).unwrap();
        assert_eq!(p.get_attribute("role").as_deref(), Some("alert"));
        assert!(p.class_list().contains("field-error"));
        assert_eq!(input.get_attribute("aria-invalid").as_deref(), Some("true"));
        // What was typed stays to be corrected; nothing is judged or saved.
        assert_eq!(field_value(&input), typed);
        assert!(query(&format!("{card} [data-testid=verdict]")).is_none());
        turns(10).await;
        assert_eq!(value_of(&stored(ID).await, DAYS), None, "{typed}");
        assert_eq!(value_ops(ID, DAYS).await, 0, "{typed}");
    }

    // The message follows the language.
    click(&appears("[data-testid=lang-switch]").await);
    until("the English message", || {
        text(&error) == "Enter a whole number from 0 to 7 (days)"
    })
    .await;
    click(&appears("[data-testid=lang-switch]").await);
    until("the Chinese message again", || text(&error) == DAYS_RANGE).await;

    // 5 is a value the item takes: saved with its outbox entry, the message gone, judged.
    type_into(&input, "5");
    for _ in 0..200 {
        if value_of(&stored(ID).await, DAYS).is_some() {
            break;
        }
        tick().await;
    }
    assert_eq!(
        value_of(&stored(ID).await, DAYS),
        Some(AnswerValue::Count(5))
    );
    assert_eq!(value_ops(ID, DAYS).await, 1);
    until("the message clears", || query(&error).is_none()).await;
    assert_eq!(
        input.get_attribute("aria-invalid").as_deref(),
        Some("false")
    );
    let verdict = appears(&format!("{card} [data-testid=verdict]")).await;
    assert!(
        verdict.text_content().unwrap().contains("符合"),
        "{:?}",
        verdict.text_content()
    );
    assert!(!verdict.text_content().unwrap().contains("参考标准"));

    // Too many days: refused again, the saved 5 stays, and no verdict is shown for 8.
    type_into(&input, "8");
    until("the message for 8", || text(&error) == DAYS_RANGE).await;
    assert!(query(&format!("{card} [data-testid=verdict]")).is_none());
    turns(10).await;
    assert_eq!(
        value_of(&stored(ID).await, DAYS),
        Some(AnswerValue::Count(5))
    );

    // Emptying the field clears the answer and the message.
    type_into(&input, "");
    for _ in 0..200 {
        if value_of(&stored(ID).await, DAYS).is_none() {
            break;
        }
        tick().await;
    }
    assert_eq!(value_of(&stored(ID).await, DAYS), None);
    until("the message clears when emptied", || {
        query(&error).is_none()
    })
    .await;
}

#[wasm_bindgen_test]
async fn a_stored_value_outside_its_range_is_flagged_never_judged() {
    const ID: &str = "0190a0b0-0000-7000-8000-0000000val02";
    // Nine service days a week, as an old backup could hold it: put straight into the record,
    // past `Visit::set_value`, which would refuse it.
    draft(ID, &builtin("shuangjian"), DAYS, |v| {
        v.answers.insert(
            DAYS.into(),
            Answer {
                value: Some(AnswerValue::Count(9)),
                updated_at: T0 + 1,
                ..Default::default()
            },
        );
    })
    .await;
    open_editor(ID).await;
    let card = card(DAYS);
    let flagged = format!("{card}[data-outcome=out_of_range]");
    until("the card is flagged", || query(&flagged).is_some()).await;
    let flag = appears(&format!("{card} [data-testid=out-of-range]")).await;
    assert_eq!(
        flag.text_content().unwrap(),
        format!("⚠ 数值超出范围：{DAYS_RANGE}")
    );
    assert!(query(&format!("{card} [data-testid=verdict]")).is_none());
    let input = appears(&format!("{card} [data-testid=number-input]")).await;
    assert_eq!(field_value(&input), "9");
    // Nothing outside the card says 符合 or 不符合 of it either.
    let card_text = text(&card);
    assert!(
        !card_text.contains('✓') && !card_text.contains('✗'),
        "{card_text}"
    );

    // Finishing is blocked by it, in plain words, and the entry jumps back to it.
    click(&appears(".section-tabs .chip:last-child").await);
    click(&appears("[data-testid=finish-visit]").await);
    appears("[data-testid=missing]").await;
    let entry = all("[data-testid=missing] button")
        .into_iter()
        .find(|b| {
            b.text_content()
                .unwrap_or_default()
                .contains("数值超出范围，请更正")
        })
        .unwrap_or_else(|| panic!("no 数值超出范围 entry: {}", text("[data-testid=missing]")));
    assert!(entry
        .text_content()
        .unwrap()
        .contains("小学每周开展课后服务天数"));
    click(&entry);
    let input = appears(&format!("{card} [data-testid=number-input]")).await;
    assert_eq!(field_value(&input), "9");

    // Correcting it saves the value and the card is judged again.
    type_into(&input, "5");
    until("the card is judged", || {
        query(&format!("{card}[data-outcome=compliant]")).is_some()
    })
    .await;
    assert!(query(&format!("{card} [data-testid=out-of-range]")).is_none());
    for _ in 0..200 {
        if value_of(&stored(ID).await, DAYS) == Some(AnswerValue::Count(5)) {
            break;
        }
        tick().await;
    }
    assert_eq!(
        value_of(&stored(ID).await, DAYS),
        Some(AnswerValue::Count(5))
    );
}

#[wasm_bindgen_test]
async fn a_rule_on_unconfirmed_bases_is_a_reference_standard() {
    const ID: &str = "0190a0b0-0000-7000-8000-0000000val03";
    /// 视频监控图像保存天数: ≥ 30 days, on GB/T 29315-2012 alone, which is unconfirmed (⚠️).
    const CCTV: &str = "AQ-JF-02";
    draft(ID, &builtin("anquan"), CCTV, |_| {}).await;
    open_editor(ID).await;
    let card = card(CCTV);
    let requirement = appears(&format!("{card} [data-testid=requirement]")).await;
    let req = requirement.text_content().unwrap();
    assert!(req.starts_with("参考标准（待核实）："), "{req}");
    assert!(req.contains("30"), "{req}");

    // The basis list marks the unconfirmed document with a badge, not a doubled suffix.
    let badges = all(&format!("{card} [data-testid=unconfirmed-basis]"));
    assert!(!badges.is_empty());
    for b in &badges {
        assert_eq!(b.text_content().unwrap(), "待核实");
        let line = b.parent_element().unwrap().text_content().unwrap();
        assert!(line.contains("GB/T 29315-2012"), "{line}");
        assert!(!line.contains("（待核实）"), "{line}");
    }

    // 20 days is short of it: 不符合, as against a reference standard.
    let input = appears(&format!("{card} [data-testid=number-input]")).await;
    type_into(&input, "20");
    let verdict = appears(&format!("{card} [data-testid=verdict]")).await;
    let v = verdict.text_content().unwrap();
    assert!(v.starts_with("✗ 不符合（参考标准："), "{v}");
    assert!(v.ends_with("30 天）"), "{v}");

    // And a typing error there says its range too.
    type_into(&input, "400");
    until("the message for 400", || {
        text(&format!("{card} [data-testid=value-error]")) == "请输入 0–365 之间的数（天）"
    })
    .await;
}
