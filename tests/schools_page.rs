//! The school list in a real browser (headless Chromium), from what the phone has stored: the
//! supervisor's own schools (责任督学) first, then those never visited before those visited, each
//! card with its stage, last visit and open findings; stage chips with counts filter the list.
#![cfg(target_arch = "wasm32")]

use dudao::storage::{prefs, repo};
use dudao_domain::finding::{Disposition, Finding};
use dudao_domain::template::Severity;
use dudao_domain::{School, Stage, Text, Visit, VisitState};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

mod common;
use common::tick;

/// 2026-11-22 14:05 in Beijing.
const T0: i64 = 1_795_327_500_000;
const DAY: i64 = 86_400_000;

fn school(n: u8, stage: Stage, supervisor: &str) -> School {
    School {
        id: format!("s{n}"),
        code: format!("QH010{n}"),
        name: format!("测试学校{n}"),
        district: "城关镇".into(),
        stage,
        grades: stage.default_grades(),
        enrolment: 600,
        boarding: false,
        address: String::new(),
        contact: String::new(),
        supervisor: supervisor.into(),
        county: String::new(),
        facilities: Default::default(),
    }
}

fn finding(n: u8) -> Finding {
    Finding {
        id: format!("f{n}"),
        item_codes: vec![format!("X-{n}")],
        section: Text::new("手机管理", "Mobile phones"),
        description: "未制定学生手机管理办法。".into(),
        requirement: "整改到位。".into(),
        severity: Severity::General,
        disposition: Disposition::Immediate,
        deadline: None,
        owner: String::new(),
        basis: vec![],
        status: Default::default(),
    }
}

fn visit(id: &str, s: &School, at: i64, state: VisitState, findings: Vec<Finding>) -> Visit {
    let mut v = Visit::new(id.into(), s, "韩立新".into(), &[], at);
    v.state = state;
    v.findings = findings;
    v
}

fn all(sel: &str) -> Vec<web_sys::HtmlElement> {
    // Through JS, as web-sys's NodeList is not among the app's features.
    let doc = web_sys::window().unwrap().document().unwrap();
    let qsa: js_sys::Function = js_sys::Reflect::get(&doc, &"querySelectorAll".into())
        .unwrap()
        .unchecked_into();
    let list = qsa.call1(&doc, &sel.into()).unwrap();
    js_sys::Array::from(&list)
        .iter()
        .filter_map(|n| n.dyn_into::<web_sys::HtmlElement>().ok())
        .collect()
}

fn attr(e: &web_sys::HtmlElement, name: &str) -> String {
    e.get_attribute(name).unwrap_or_default()
}

fn codes() -> Vec<String> {
    all("[data-testid=school-card]")
        .iter()
        .map(|c| attr(c, "data-code"))
        .collect()
}

/// Waits (a bounded number of render turns, not a clock) until `ok` holds.
async fn until(what: &str, ok: impl Fn() -> bool) {
    for _ in 0..500 {
        if ok() {
            return;
        }
        tick().await;
    }
    panic!("{what} never happened; cards: {:?}", codes());
}

fn card(code: &str) -> web_sys::HtmlElement {
    all("[data-testid=school-card]")
        .into_iter()
        .find(|c| attr(c, "data-code") == code)
        .unwrap_or_else(|| panic!("no card {code}"))
}

fn within(card: &web_sys::HtmlElement, testid: &str) -> Option<String> {
    card.query_selector(&format!("[data-testid={testid}]"))
        .unwrap()
        .map(|e| e.text_content().unwrap_or_default())
}

fn chip(stage: &str) -> web_sys::HtmlElement {
    all("[data-testid=stage-filter]")
        .into_iter()
        .find(|c| attr(c, "data-stage") == stage)
        .unwrap_or_else(|| panic!("no chip {stage}"))
}

#[wasm_bindgen_test]
async fn own_schools_first_then_the_longest_unvisited_with_stage_chips() {
    let schools = vec![
        school(1, Stage::Primary, "韩立新"),
        school(2, Stage::Primary, "韩立新"),
        school(3, Stage::Junior, "马淑芬"),
        school(4, Stage::Senior, "马淑芬"),
        school(5, Stage::Primary, ""),
    ];
    repo::save_schools(&schools).await.expect("schools stored");
    // 1: mine, visited (a finished visit with two findings, a later draft);
    // 3: someone else's, visited long ago with nothing open;
    // 4: someone else's, only a draft begun long ago (nothing settled, so no badge);
    // 5: unassigned, visited 3 days ago with one finding.
    for v in [
        visit(
            "v1",
            &schools[0],
            T0,
            VisitState::Finished,
            vec![finding(1), finding(2)],
        ),
        visit("v1b", &schools[0], T0 + 7 * DAY, VisitState::Draft, vec![]),
        visit("v3", &schools[2], T0 - 60 * DAY, VisitState::Signed, vec![]),
        visit("v4", &schools[3], T0 - 90 * DAY, VisitState::Draft, vec![]),
        visit(
            "v5",
            &schools[4],
            T0 + 4 * DAY,
            VisitState::Finished,
            vec![finding(3)],
        ),
    ] {
        repo::save_visit(None, &v).await.expect("visit stored");
    }
    prefs::set_supervisor("韩立新");
    leptos::mount::mount_to_body(dudao::app::App);

    until("five cards with visits known", || {
        codes().len() == 5 && within(&card("QH0101"), "school-open-findings").is_some()
    })
    .await;
    // Mine (never visited, then visited), then the rest from the longest unvisited.
    assert_eq!(codes(), ["QH0102", "QH0101", "QH0104", "QH0103", "QH0105"]);

    let mine: Vec<String> = all("[data-testid=school-card]")
        .iter()
        .filter(|c| within(c, "school-mine").is_some())
        .map(|c| attr(c, "data-code"))
        .collect();
    assert_eq!(mine, ["QH0102", "QH0101"]);
    assert_eq!(within(&card("QH0101"), "school-mine").unwrap(), "我负责");

    let one = card("QH0101");
    // The draft a week later is the last visit; open findings come from the finished one.
    assert_eq!(
        within(&one, "school-last-visit").unwrap(),
        "上次督导：2026年11月29日"
    );
    assert_eq!(
        within(&one, "school-open-findings").unwrap(),
        "2 个问题待整改"
    );
    assert!(one.text_content().unwrap().contains("小学"));
    assert!(one.text_content().unwrap().contains("责任督学：韩立新"));
    assert_eq!(
        within(&card("QH0103"), "school-open-findings").unwrap(),
        "无待整改问题"
    );
    assert_eq!(
        within(&card("QH0102"), "school-last-visit").unwrap(),
        "尚未督导"
    );
    assert_eq!(within(&card("QH0102"), "school-open-findings"), None);
    let draft_only = card("QH0104");
    assert_eq!(
        within(&draft_only, "school-last-visit").unwrap(),
        "上次督导：2026年8月24日"
    );
    assert_eq!(within(&draft_only, "school-open-findings"), None);

    // Chips: 全部 and each stage present, with counts, in the usual order.
    let chips: Vec<(String, String)> = all("[data-testid=stage-filter]")
        .iter()
        .map(|c| (attr(c, "data-stage"), c.text_content().unwrap()))
        .collect();
    assert_eq!(
        chips,
        [
            ("all".into(), "全部 5".into()),
            ("小学".into(), "小学 3".into()),
            ("初中".into(), "初中 1".into()),
            ("高中".into(), "高中 1".into()),
        ]
    );
    assert_eq!(attr(&chip("all"), "aria-pressed"), "true");

    chip("小学").click();
    until("only primary schools", || codes().len() == 3).await;
    assert_eq!(codes(), ["QH0102", "QH0101", "QH0105"]);
    assert_eq!(attr(&chip("小学"), "aria-pressed"), "true");
    assert_eq!(attr(&chip("all"), "aria-pressed"), "false");

    // Tapping the chip again shows every stage.
    chip("小学").click();
    until("every school again", || codes().len() == 5).await;
    chip("初中").click();
    until("only the junior high", || codes() == ["QH0103"]).await;
    chip("all").click();
    until("every school again", || codes().len() == 5).await;
}
