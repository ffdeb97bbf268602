//! A date field that reads the Chinese way (2026年12月31日) whatever the browser's locale: the
//! native `<input type="date">` stays the control (its picker, keyboard and accessible name), but
//! lies invisible over the date written out by `dudao_domain::datetime::Date`, because Chromium
//! writes the native control's text in the browser's locale (12/31/2026), not the page's.

use crate::i18n::use_i18n;
use dudao_domain::datetime::Date;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

#[component]
pub fn DateInput(
    /// The chosen date, if any.
    #[prop(into)]
    value: Signal<Option<Date>>,
    /// The earliest date the picker offers.
    #[prop(into)]
    min: Signal<Option<Date>>,
    /// Called with the date picked (`None` when cleared or not a date).
    on_change: Callback<Option<Date>>,
    /// The input's `data-testid`; the written-out date gets `{testid}-shown`.
    testid: &'static str,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <span class="date-input">
            <span class="date-shown" aria-hidden="true" data-testid=format!("{testid}-shown")
                class:empty=move || value.with(Option::is_none)>
                {move || value.get().map_or_else(|| i18n.t().date_pick.to_owned(), |d| d.display(i18n.en()))}
            </span>
            <input type="date" lang="zh-CN" data-testid=testid
                min=move || min.get().map(Date::iso)
                prop:value=move || value.get().map(Date::iso).unwrap_or_default()
                on:click=move |ev| open_picker(&ev)
                on:change=move |ev| on_change.run(Date::parse(&event_target_value(&ev)))/>
        </span>
    }
}

/// A tap anywhere on the field opens the picker, as on a phone, also where the browser would
/// only have focused a part of the hidden control's text (desktop Chromium).
fn open_picker(ev: &leptos::ev::MouseEvent) {
    let Some(input) = ev.target() else { return };
    let show = js_sys::Reflect::get(&input, &"showPicker".into())
        .ok()
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok());
    if let Some(show) = show {
        // Refused when already open or without a user gesture: the native behaviour remains.
        let _ = show.call0(&input);
    }
}
