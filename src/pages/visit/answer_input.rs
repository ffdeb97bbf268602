//! The answer control for each answer kind. Buttons are wide with text (never colour alone);
//! numbers carry their unit; every change is applied at once.

use super::Edit;
use crate::i18n::use_i18n;
use dudao_domain::template::YesNoCompliant;
use dudao_domain::{AnswerKind, AnswerValue, Compliance, Item, TimeOfDay, Visit};
use leptos::prelude::*;

#[component]
pub fn AnswerInput(item: Item, visit: RwSignal<Visit>, apply: Callback<Edit>) -> impl IntoView {
    let i18n = use_i18n();
    let code = item.code.clone();
    let c = code.clone();
    let value = Memo::new(move |_| visit.with(|v| v.answers.get(&c).and_then(|a| a.value.clone())));
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
        AnswerKind::Number { unit, .. } | AnswerKind::Count { unit } => {
            let whole = matches!(item.answer, AnswerKind::Count { .. });
            let initial = value.get_untracked().map(|v| v.display(false)).unwrap_or_default();
            view! {
                <label class="number">
                    <input type="number" data-testid="number-input"
                        inputmode=if whole { "numeric" } else { "decimal" }
                        step=if whole { "1" } else { "any" } min="0"
                        placeholder=move || i18n.t().number_placeholder
                        aria-label=item.prompt.zh.clone()
                        prop:value=initial
                        on:input=move |ev| {
                            let s = event_target_value(&ev);
                            let s = s.trim();
                            if s.is_empty() {
                                set(None);
                            } else if whole {
                                if let Ok(n) = s.parse::<u32>() { set(Some(AnswerValue::Count(n))) }
                            } else if let Ok(n) = s.parse::<f64>() {
                                set(Some(AnswerValue::Number(n)))
                            }
                        }/>
                    <span class="unit">{move || unit.get(i18n.en()).to_owned()}</span>
                </label>
            }.into_any()
        }
        AnswerKind::Time => {
            let initial = value.get_untracked().map(|v| v.display(false)).unwrap_or_default();
            view! {
                <label class="number">
                    <input type="time" data-testid="time-input" aria-label=item.prompt.zh.clone()
                        prop:value=initial
                        on:input=move |ev| {
                            let s = event_target_value(&ev);
                            if s.trim().is_empty() { set(None) }
                            else if let Some(t) = TimeOfDay::parse(&s) { set(Some(AnswerValue::Time(t))) }
                        }/>
                </label>
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
