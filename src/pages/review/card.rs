//! One finding of a finished visit, every field editable and saved as it changes.

use super::{card_id, Reviewing};
use crate::components::date_input::DateInput;
use crate::i18n::use_i18n;
use dudao_domain::finding::{Disposition, Finding};
use dudao_domain::review::FindingEdit;
use dudao_domain::template::Severity;
use leptos::prelude::*;

/// The finding with this id as it is now (`None` once merged away or dropped).
pub fn finding_of(r: Reviewing, id: String) -> Memo<Option<Finding>> {
    Memo::new(move |_| {
        r.visit
            .with(|v| v.findings.iter().find(|f| f.id == id).cloned())
    })
}

/// The items a finding came from and their basis, small under the card.
#[component]
pub fn Provenance(finding: Memo<Option<Finding>>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <p class="meta finding-codes">
            {move || finding.with(|f| f.as_ref().map(|f| {
                format!("{}：{}", i18n.t().finding_items, f.item_codes.join("、"))
            }))}
        </p>
        <p class="meta basis-line">
            {move || finding.with(|f| f.as_ref().filter(|f| !f.basis.is_empty()).map(|f| {
                format!(
                    "{}：{}",
                    i18n.t().basis,
                    f.basis.iter().map(|b| b.citation()).collect::<Vec<_>>().join("；")
                )
            }))}
        </p>
    }
}

#[component]
pub fn FindingCard(
    id: String,
    /// The finding's number in the list, from 1.
    n: Signal<usize>,
    r: Reviewing,
    selected: RwSignal<Vec<String>>,
    on_drop: Callback<String>,
) -> impl IntoView {
    let i18n = use_i18n();
    let f = finding_of(r, id.clone());
    let get =
        move |pick: fn(&Finding) -> String| f.with(|f| f.as_ref().map(pick).unwrap_or_default());
    let severity = move || f.with(|f| f.as_ref().map(|f| f.severity));
    let disposition = move || f.with(|f| f.as_ref().map(|f| f.disposition));
    let edit = {
        let id = id.clone();
        move |e: FindingEdit| r.edit(&id, e)
    };
    let gap = Memo::new({
        let id = id.clone();
        move |_| {
            r.visit.with(|v| {
                v.unsignable()
                    .into_iter()
                    .find(|(x, _)| x == &id)
                    .map(|(_, g)| g)
            })
        }
    });
    let is_selected = {
        let id = id.clone();
        move || selected.with(|s| s.contains(&id))
    };
    let is_selected2 = is_selected.clone();
    let toggle = {
        let id = id.clone();
        move |on: bool| {
            selected.update(|s| {
                s.retain(|x| x != &id);
                if on {
                    s.push(id.clone());
                }
            })
        }
    };
    let (e1, e2, e3, e4, e5, e6, e7, e8) = (
        edit.clone(),
        edit.clone(),
        edit.clone(),
        edit.clone(),
        edit.clone(),
        edit.clone(),
        edit.clone(),
        edit,
    );
    let drop_id = id.clone();
    let desc_label = move || {
        format!(
            "{} · {}",
            (i18n.t().finding_n)(n.get()),
            i18n.t().finding_desc
        )
    };

    view! {
        <li class="review-card" id=card_id(&id) data-testid="finding-card"
            class:selected=is_selected2
            class:incomplete=move || gap.with(Option::is_some)>
            <div class="review-card-head">
                <strong class="finding-n">{move || (i18n.t().finding_n)(n.get())}</strong>
                <span class="badge" class:major=move || severity() == Some(Severity::Major)>
                    {move || severity().map(|s| if i18n.en() { s.en() } else { s.zh() }).unwrap_or_default()}
                </span>
                <label class="check select-finding">
                    <input type="checkbox" data-testid="finding-select"
                        prop:checked=is_selected
                        on:change=move |ev| toggle(event_target_checked(&ev))/>
                    <span>{move || i18n.t().select_finding}</span>
                </label>
            </div>
            {move || gap.get().map(|g| view! {
                <p class="gap" role="status">{move || format!("⚠ {}", if i18n.en() { g.en() } else { g.zh() })}</p>
            })}

            <label class="field">
                <span>{move || i18n.t().finding_desc}</span>
                <textarea data-testid="finding-desc" rows="3" aria-label=desc_label
                    prop:value=move || get(|f| f.description.clone())
                    on:input=move |ev| e1(FindingEdit::Description(event_target_value(&ev)))>
                </textarea>
            </label>
            <label class="field">
                <span>{move || i18n.t().finding_req}</span>
                <textarea data-testid="finding-req" rows="2"
                    prop:value=move || get(|f| f.requirement.clone())
                    on:input=move |ev| e2(FindingEdit::Requirement(event_target_value(&ev)))>
                </textarea>
            </label>

            <fieldset class="field">
                <legend>{move || i18n.t().severity}</legend>
                <div class="choices two" role="radiogroup">
                    <button type="button" class="choice" data-testid="sev-general"
                        class:on=move || severity() == Some(Severity::General)
                        aria-pressed=move || (severity() == Some(Severity::General)).to_string()
                        on:click=move |_| e3(FindingEdit::Severity(Severity::General))>
                        {move || if i18n.en() { Severity::General.en() } else { Severity::General.zh() }}
                    </button>
                    <button type="button" class="choice sev-major" data-testid="sev-major"
                        class:on=move || severity() == Some(Severity::Major)
                        aria-pressed=move || (severity() == Some(Severity::Major)).to_string()
                        on:click=move |_| e4(FindingEdit::Severity(Severity::Major))>
                        {move || if i18n.en() { Severity::Major.en() } else { Severity::Major.zh() }}
                    </button>
                </div>
            </fieldset>

            <fieldset class="field">
                <legend>{move || i18n.t().disposition}</legend>
                <div class="choices two" role="radiogroup">
                    <button type="button" class="choice" data-testid="disp-immediate"
                        class:on=move || disposition() == Some(Disposition::Immediate)
                        aria-pressed=move || (disposition() == Some(Disposition::Immediate)).to_string()
                        on:click=move |_| e5(FindingEdit::Disposition(Disposition::Immediate))>
                        {move || if i18n.en() { Disposition::Immediate.en() } else { Disposition::Immediate.zh() }}
                    </button>
                    <button type="button" class="choice" data-testid="disp-deadline"
                        class:on=move || disposition() == Some(Disposition::ByDeadline)
                        aria-pressed=move || (disposition() == Some(Disposition::ByDeadline)).to_string()
                        on:click=move |_| e6(FindingEdit::Disposition(Disposition::ByDeadline))>
                        {move || if i18n.en() { Disposition::ByDeadline.en() } else { Disposition::ByDeadline.zh() }}
                    </button>
                </div>
            </fieldset>

            <Show when=move || disposition() == Some(Disposition::ByDeadline)>
                {
                    let e7 = e7.clone();
                    view! {
                        <label class="field deadline">
                            <span>{move || i18n.t().deadline}</span>
                            <DateInput testid="finding-deadline"
                                min=Signal::derive(move || Some(r.visit.with(|v| v.day())))
                                value=Signal::derive(move || f.with(|f| f.as_ref().and_then(|f| f.deadline)))
                                on_change=Callback::new(move |d| e7(FindingEdit::Deadline(d)))/>
                            <small class="meta">
                                {move || f.with(|f| f.as_ref().map(|f| f.term(i18n.en())))}
                            </small>
                        </label>
                    }
                }
            </Show>

            <label class="field">
                <span>{move || i18n.t().owner}</span>
                <input type="text" data-testid="finding-owner"
                    placeholder=move || i18n.t().owner_placeholder
                    prop:value=move || get(|f| f.owner.clone())
                    on:input=move |ev| e8(FindingEdit::Owner(event_target_value(&ev)))/>
            </label>

            <Provenance finding=f/>

            <div class="card-actions">
                <button type="button" class="btn small danger-outline" data-testid="drop-finding"
                    on:click=move |_| on_drop.run(drop_id.clone())>
                    {move || i18n.t().drop_finding}
                </button>
            </div>
        </li>
    }
}
