//! The answer control for each answer kind. Buttons are wide with text (never colour alone);
//! numbers carry their unit; every change is applied at once. What is typed into a number, count
//! or time field is read by the item's own range (`AnswerKind::read_typed`): a value outside it
//! is not saved, the field keeps it, and the message under the field says what may be entered.

use super::Edit;
use crate::i18n::use_i18n;
use dudao_domain::answer::format_number;
use dudao_domain::template::YesNoCompliant;
use dudao_domain::visit::Answer;
use dudao_domain::{AnswerKind, AnswerValue, Compliance, Item, ValueError};
use leptos::prelude::*;

#[component]
pub fn AnswerInput(
    item: Item,
    /// The item's answer as stored (the card's own signal of it).
    answer: Memo<Option<Answer>>,
    apply: Callback<Edit>,
    /// Why what is in the number, count or time field is not saved; the card shows no verdict
    /// while it is set.
    error: RwSignal<Option<ValueError>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let code = item.code.clone();
    let value = Memo::new(move |_| answer.with(|a| a.as_ref().and_then(|a| a.value.clone())));
    let set = {
        let code = code.clone();
        move |v: Option<AnswerValue>| apply.run(Edit::Value(code.clone(), v))
    };
    match item.answer.clone() {
        AnswerKind::Compliance => view! {
            <div class="choices four" role="group">
                {Compliance::ALL.into_iter().map(|opt| {
                    let set = set.clone();
                    let on = move || value.get() == Some(AnswerValue::Compliance(opt));
                    let cls = format!("choice c-{opt:?}").to_lowercase();
                    view! {
                        <button class=cls class:on=on aria-pressed=move || on().to_string()
                            on:click=move |_| set(if on() { None } else { Some(AnswerValue::Compliance(opt)) })>
                            {move || if i18n.en() { opt.en() } else { opt.zh() }}
                        </button>
                    }
                }).collect_view()}
            </div>
        }.into_any(),
        AnswerKind::YesNo { compliant } => view! {
            <div class="choices two" role="group">
                {[true, false].into_iter().map(|b| {
                    let set = set.clone();
                    let on = move || value.get() == Some(AnswerValue::YesNo(b));
                    let good = compliant.map(|c| (c == YesNoCompliant::Yes) == b);
                    let cls = match good { Some(true) => "choice c-compliant", Some(false) => "choice c-noncompliant", None => "choice" };
                    view! {
                        <button class=cls class:on=on aria-pressed=move || on().to_string()
                            on:click=move |_| set(if on() { None } else { Some(AnswerValue::YesNo(b)) })>
                            {move || if b { i18n.t().yes } else { i18n.t().no }}
                        </button>
                    }
                }).collect_view()}
            </div>
        }.into_any(),
        AnswerKind::Number { .. } | AnswerKind::Count { .. } => {
            let whole = matches!(item.answer, AnswerKind::Count { .. });
            let (min, max) = bounds(&item.answer);
            let unit = item.answer.unit().cloned().unwrap_or_default();
            let initial = value.get_untracked().map(|v| v.display(false)).unwrap_or_default();
            let kind = item.answer.clone();
            let id = error_id(&code);
            view! {
                <label class="number">
                    <input type="number" data-testid="number-input"
                        inputmode=if whole { "numeric" } else { "decimal" }
                        step=if whole { "1" } else { "any" } min=min max=max
                        placeholder=move || i18n.t().number_placeholder
                        aria-label=item.prompt.zh.clone()
                        aria-invalid=move || error.with(Option::is_some).to_string()
                        aria-describedby=id.clone()
                        prop:value=initial
                        on:input=move |ev| typed(&kind, &ev, error, &set)/>
                    <span class="unit">{move || unit.get(i18n.en()).to_owned()}</span>
                </label>
                <FieldError id error/>
            }.into_any()
        }
        AnswerKind::Time { earliest, latest } => {
            let initial = value.get_untracked().map(|v| v.display(false)).unwrap_or_default();
            let kind = item.answer.clone();
            let id = error_id(&code);
            view! {
                <label class="number">
                    <input type="time" data-testid="time-input" aria-label=item.prompt.zh.clone()
                        min=earliest.map(|t| t.to_string()) max=latest.map(|t| t.to_string())
                        aria-invalid=move || error.with(Option::is_some).to_string()
                        aria-describedby=id.clone()
                        prop:value=initial
                        on:input=move |ev| typed(&kind, &ev, error, &set)/>
                </label>
                <FieldError id error/>
            }.into_any()
        }
        AnswerKind::Choice { options, multiple } => view! {
            <div class="choices" role="group">
                {options.into_iter().map(|o| {
                    let set = set.clone();
                    let oc = o.code.clone();
                    let oc2 = o.code.clone();
                    let on = move || value.with(|v| matches!(v, Some(AnswerValue::Choice(c)) if c.contains(&oc)));
                    let on2 = on.clone();
                    view! {
                        <button class="choice" class:on=on.clone() aria-pressed=move || on().to_string()
                            on:click=move |_| {
                                let mut chosen = match value.get_untracked() { Some(AnswerValue::Choice(c)) => c, _ => vec![] };
                                if on2() { chosen.retain(|c| c != &oc2) }
                                else if multiple { chosen.push(oc2.clone()) }
                                else { chosen = vec![oc2.clone()] }
                                set((!chosen.is_empty()).then_some(AnswerValue::Choice(chosen)))
                            }>
                            {move || o.label.get(i18n.en()).to_owned()}
                        </button>
                    }
                }).collect_view()}
            </div>
        }.into_any(),
        AnswerKind::Text => {
            let initial = value.get_untracked().map(|v| v.display(false)).unwrap_or_default();
            view! {
                <textarea class="text-answer" data-testid="text-input" rows="3" aria-label=item.prompt.zh.clone()
                    prop:value=initial
                    on:input=move |ev| {
                        let s = event_target_value(&ev);
                        set((!s.trim().is_empty()).then_some(AnswerValue::Text(s)))
                    }>
                </textarea>
            }.into_any()
        }
        // Photo answers need the camera flow; built-in templates do not use this kind yet.
        AnswerKind::Photo => ().into_any(),
    }
}

/// The `min` and `max` attributes of a number or count field, from the item's range.
fn bounds(kind: &AnswerKind) -> (Option<String>, Option<String>) {
    match kind {
        AnswerKind::Number { min, max, .. } => (min.map(format_number), max.map(format_number)),
        AnswerKind::Count { min, max, .. } => (
            Some(min.unwrap_or(0).to_string()),
            max.map(|m| m.to_string()),
        ),
        _ => (None, None),
    }
}

fn error_id(code: &str) -> String {
    format!("value-error-{code}")
}

/// Reads what is in a number, count or time field after a keystroke: a value within the range
/// (or nothing, when emptied) is saved and clears the message; anything else saves nothing and
/// says what may be entered. A browser holding what it cannot read as a number or time (a lone
/// "-", a half-typed time) reports an empty value with `validity.badInput`: that is not an
/// emptied field, so the answer stays and the message shows.
fn typed(
    kind: &AnswerKind,
    ev: &leptos::ev::Event,
    error: RwSignal<Option<ValueError>>,
    set: &impl Fn(Option<AnswerValue>),
) {
    let s = event_target_value(ev);
    let bad_input = s.trim().is_empty() && bad_input(ev);
    let read = if bad_input {
        Err(ValueError::NotANumber {
            typed: String::new(),
            range: kind.range_hint().unwrap_or_default(),
        })
    } else {
        kind.read_typed(&s)
    };
    match read {
        Ok(v) => {
            error.set(None);
            set(v);
        }
        Err(e) => error.set(Some(e)),
    }
}

/// `input.validity.badInput`, read without the `ValidityState` binding.
fn bad_input(ev: &leptos::ev::Event) -> bool {
    let Some(target) = ev.target() else {
        return false;
    };
    js_sys::Reflect::get(&target, &"validity".into())
        .and_then(|v| js_sys::Reflect::get(&v, &"badInput".into()))
        .is_ok_and(|b| b.as_bool() == Some(true))
}

/// The message under a field whose content is not saved, in the chosen language.
#[component]
fn FieldError(id: String, error: RwSignal<Option<ValueError>>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Show when=move || error.with(Option::is_some)>
            <p class="field-error" role="alert" data-testid="value-error" id=id.clone()>
                {move || error.with(|e| e.as_ref().map(|e| e.message(i18n.en())).unwrap_or_default())}
            </p>
        </Show>
    }
}
