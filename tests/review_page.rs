//! The review and signing pages in a real browser (headless Chromium), driven as a supervisor
//! would: a finished visit's findings are edited (each change saved with its outbox entry),
//! merged, deleted after one confirmation and restored; an impossible deadline blocks signing
//! and says why; the school signs on the pad; the signed visit is read-only and a correction is
//! recorded as an amendment with its reason.
#![cfg(target_arch = "wasm32")]

use dudao::storage::outbox;
use dudao::storage::repo;
use dudao_domain::datetime::Date;
use dudao_domain::{AnswerKind, AnswerValue, Checklist, Compliance, Visit, VisitState};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

mod common;
use common::{all, appears, click, query, school, tick, until};

/// 2026-11-22 14:05 in Beijing.
const T0: i64 = 1_795_327_500_000;
const VISIT: &str = "0190a0b0-0000-7000-8000-00000000rv01";

/// A finished 五项管理 visit with its first three compliance items answered 不符合, and the
/// findings drafted from them.
fn finished_visit() -> Visit {
    let t = dudao::templates::builtin()
        .expect("built-in templates")
        .iter()
        .find(|t| t.id == "wuxiang")
        .expect("五项管理 is built in")
        .clone();
    let s = school();
    let refs = [&t];
    let cl = Checklist::new(&refs, &s);
    let mut v = Visit::new(VISIT.into(), &s, "王建国".into(), &[&t], T0);
    let codes: Vec<String> = cl
        .visible(&Default::default())
        .into_iter()
        .filter(|e| matches!(e.item.answer, AnswerKind::Compliance))
        .take(3)
        .map(|e| e.item.code.clone())
        .collect();
    for code in &codes {
        v.set_value(
            &cl,
            code,
            Some(AnswerValue::Compliance(Compliance::NonCompliant)),
            T0 + 1,
        )
        .unwrap();
    }
    v.state = VisitState::Finished;
    v.finished_at = Some(T0 + 3_600_000);
    v.draft_findings(&cl);
    assert_eq!(v.findings.len(), 3, "{codes:?}");
    v
}

/// Sets a form control's value and fires the event typing or picking would.
fn fill(el: &web_sys::Element, value: &str, event: &str) {
    js_sys::Reflect::set(el, &"value".into(), &value.into()).unwrap();
    let f = js_sys::Function::new_with_args(
        "el, type",
        "el.dispatchEvent(new Event(type, { bubbles: true }))",
    );
    f.call2(&JsValue::NULL, el, &event.into()).unwrap();
}

fn pointer(el: &web_sys::Element, kind: &str, x: f64, y: f64) {
    let f = js_sys::Function::new_with_args(
        "el, type, x, y",
        "const r = el.getBoundingClientRect(); el.dispatchEvent(new PointerEvent(type, { bubbles: true, cancelable: true, clientX: r.left + x, clientY: r.top + y, pointerId: 7, pointerType: 'pen', isPrimary: true, button: 0, buttons: 1 }))",
    );
    f.call4(&JsValue::NULL, el, &kind.into(), &x.into(), &y.into())
        .unwrap();
}

fn go(path: &str) {
    let f = js_sys::Function::new_with_args(
        "path",
        "history.pushState(null, '', path); dispatchEvent(new PopStateEvent('popstate', { state: null }))",
    );
    f.call1(&JsValue::NULL, &path.into()).unwrap();
}

async fn stored() -> Visit {
    repo::load_visit(VISIT).await.unwrap().unwrap()
}

fn disabled(el: &web_sys::Element) -> bool {
    el.has_attribute("disabled")
}

#[wasm_bindgen_test]
async fn findings_are_settled_signed_and_amended() {
    let v = finished_visit();
    let ids: Vec<String> = v.findings.iter().map(|f| f.id.clone()).collect();
    repo::save_visit(None, &v).await.expect("visit stored");

    let history = js_sys::Reflect::get(&web_sys::window().unwrap(), &"history".into()).unwrap();
    let push: js_sys::Function = js_sys::Reflect::get(&history, &"pushState".into())
        .unwrap()
        .unchecked_into();
    push.call3(
        &history,
        &JsValue::NULL,
        &"".into(),
        &format!("/visits/{VISIT}/review").into(),
    )
    .unwrap();
    leptos::mount::mount_to_body(dudao::app::App);

    appears("[data-testid=finding-card]").await;
    assert_eq!(all("[data-testid=finding-card]").len(), 3);
    assert!(query("[data-testid=unsignable]").is_none());
    assert!(!disabled(&appears("[data-testid=to-sign]").await));

    // Typing the owner saves it at once, and marks the visit changed for sync (the marker of
    // its creation already made into a mutation, as a sync cycle would).
    let db = repo::db().await.unwrap();
    dudao::sync::store::coalesce(&db, 1).await.unwrap();
    assert_eq!(outbox::count().await.unwrap(), 0);
    fill(
        &all("[data-testid=finding-owner]")[0],
        "德育处 王主任",
        "input",
    );
    for _ in 0..100 {
        if stored().await.findings[0].owner == "德育处 王主任" {
            break;
        }
        tick().await;
    }
    assert_eq!(stored().await.findings[0].owner, "德育处 王主任");
    let marked = outbox::entries_in(&db).await.unwrap();
    assert_eq!(
        marked
            .iter()
            .map(|e| e.entity_id.as_str())
            .collect::<Vec<_>>(),
        [VISIT]
    );

    // 重大 and a deadline before the visit: signing is blocked, and the reason names the finding.
    click(&all("[data-testid=sev-major]")[1]);
    fill(
        &all("[data-testid=finding-deadline]")[1],
        "2026-11-01",
        "change",
    );
    let blocked = appears("[data-testid=unsignable]").await;
    let text = blocked.text_content().unwrap();
    assert!(text.contains("问题2：整改期限早于督导日期"), "{text}");
    assert!(disabled(&query("[data-testid=to-sign]").unwrap()));
    fill(
        &all("[data-testid=finding-deadline]")[1],
        "2027-01-15",
        "change",
    );
    until("signing is allowed again", || {
        query("[data-testid=unsignable]").is_none()
    })
    .await;
    // The date reads the Chinese way, whatever the browser's locale writes in the control.
    until("the deadline reads 2027年1月15日", || {
        all("[data-testid=finding-deadline-shown]")[1]
            .text_content()
            .as_deref()
            == Some("2027年1月15日")
    })
    .await;
    assert!(!disabled(&query("[data-testid=to-sign]").unwrap()));

    // Merge the first two.
    click(&all("[data-testid=finding-select]")[0]);
    let merge = appears("[data-testid=merge-findings]").await;
    assert!(disabled(&merge), "one finding cannot be merged");
    click(&all("[data-testid=finding-select]")[1]);
    until("merge is enabled", || {
        query("[data-testid=merge-findings]").is_some_and(|m| !disabled(&m))
    })
    .await;
    click(&query("[data-testid=merge-findings]").unwrap());
    until("two cards remain", || {
        all("[data-testid=finding-card]").len() == 2
    })
    .await;
    for _ in 0..100 {
        if stored().await.findings.len() == 2 {
            break;
        }
        tick().await;
    }
    let s = stored().await;
    assert_eq!(s.findings.len(), 2);
    assert_eq!(s.findings[0].id, ids[0]);
    assert_eq!(s.findings[0].item_codes.len(), 2);
    assert_eq!(
        s.findings[0].severity,
        dudao_domain::template::Severity::Major
    );

    // Delete asks once; 取消 keeps it, 删除 removes it to the list below, 恢复 brings it back.
    click(&all("[data-testid=drop-finding]")[1]);
    click(&appears("[data-testid=confirm-no]").await);
    until("the sheet closes", || {
        query("[data-testid=confirm-sheet]").is_none()
    })
    .await;
    assert_eq!(all("[data-testid=finding-card]").len(), 2);
    click(&all("[data-testid=drop-finding]")[1]);
    click(&appears("[data-testid=confirm-yes]").await);
    until("one card remains", || {
        all("[data-testid=finding-card]").len() == 1
    })
    .await;
    click(&appears("[data-testid=restore-finding]").await);
    until("two cards again", || {
        all("[data-testid=finding-card]").len() == 2
    })
    .await;
    assert!(query("[data-testid=restore-finding]").is_none());

    // To the school's signature.
    click(&query("[data-testid=to-sign]").unwrap());
    let summary = appears("[data-testid=sign-summary]").await;
    assert_eq!(
        summary.text_content().unwrap(),
        "清河县实验小学：发现问题 2 个"
    );
    fill(
        &appears("[data-testid=signer-name]").await,
        "李红梅",
        "input",
    );
    fill(
        &query("[data-testid=signer-role]").unwrap(),
        "校长",
        "input",
    );
    // An empty pad cannot be submitted.
    let clear = query("[data-testid=signature-clear]").unwrap();
    assert!(disabled(&clear));
    click(&query("[data-testid=sign-confirm]").unwrap());
    let problems = appears("[data-testid=sign-problems]").await;
    assert!(
        problems
            .text_content()
            .unwrap()
            .contains("请学校代表在签名框内签名"),
        "{}",
        problems.text_content().unwrap()
    );
    assert_eq!(stored().await.state, VisitState::Finished);

    // Sign with the pen.
    let pad = query("[data-testid=signature-pad]").unwrap();
    pointer(&pad, "pointerdown", 30.0, 120.0);
    for i in 1..=12 {
        let x = 30.0 + 15.0 * i as f64;
        pointer(&pad, "pointermove", x, 120.0 - (i % 4) as f64 * 12.0);
    }
    pointer(&pad, "pointerup", 220.0, 110.0);
    until("the pad reports a signature", || {
        query("[data-testid=signature-clear]").is_some_and(|c| !disabled(&c))
    })
    .await;
    click(&query("[data-testid=sign-confirm]").unwrap());
    for _ in 0..200 {
        if stored().await.state == VisitState::Signed {
            break;
        }
        tick().await;
    }
    let s = stored().await;
    assert_eq!(s.state, VisitState::Signed);
    let sig = s.signature.clone().unwrap();
    assert_eq!((sig.name.as_str(), sig.role.as_str()), ("李红梅", "校长"));
    assert!(sig.image.starts_with("data:image/png;base64,"));
    let year = Date::of_ms(js_sys::Date::now() as i64).year;
    assert_eq!(s.opinion_no, Some(format!("清督意〔{year}〕1号")));
    until("the opinion page opens", || {
        web_sys::window()
            .unwrap()
            .location()
            .pathname()
            .unwrap()
            .ends_with("/opinion")
    })
    .await;

    // The signed visit's findings are read-only; 更正 needs a reason and is listed.
    go(&format!("/visits/{VISIT}/review"));
    appears("[data-testid=signed-note]").await;
    assert!(query("textarea[data-testid=finding-desc]").is_none());
    assert!(query("[data-testid=drop-finding]").is_none());
    assert!(query("[data-testid=to-sign]").is_none());
    let old = s.findings[0].deadline.unwrap().zh();
    click(&all("[data-testid=amend-finding]")[0]);
    fill(
        &appears("[data-testid=amend-value]").await,
        "2027-02-01",
        "change",
    );
    until("the amended date reads 2027年2月1日", || {
        query("[data-testid=amend-value-shown]")
            .and_then(|e| e.text_content())
            .as_deref()
            == Some("2027年2月1日")
    })
    .await;
    click(&query("[data-testid=amend-save]").unwrap());
    let err = appears("[data-testid=amend-error]").await;
    assert_eq!(err.text_content().unwrap(), "请填写更正原因。");
    assert!(stored().await.amendments.is_empty());
    fill(
        &query("[data-testid=amend-reason]").unwrap(),
        "学校申请延期",
        "input",
    );
    click(&query("[data-testid=amend-save]").unwrap());
    let line = appears("[data-testid=amendment]").await;
    let text = line.text_content().unwrap();
    assert!(
        text.contains(&format!(
            "王建国 更正整改期限：{old} → 2027年2月1日（原因：学校申请延期）"
        )),
        "{text}"
    );
    for _ in 0..100 {
        if !stored().await.amendments.is_empty() {
            break;
        }
        tick().await;
    }
    let s = stored().await;
    assert_eq!(s.amendments.len(), 1);
    assert_eq!(s.state, VisitState::Signed);
    assert_eq!(s.findings[0].deadline, Date::new(2027, 2, 1));
}
