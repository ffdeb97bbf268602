//! What still stops the visit from being finished, each entry jumping to its item.

use crate::i18n::use_i18n;
use dudao_domain::checklist::{Missing, MissingReason};
use leptos::prelude::*;

#[component]
pub fn MissingPanel(missing: RwSignal<Vec<Missing>>, on_jump: Callback<String>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Show when=move || !missing.with(Vec::is_empty)>
            <div class="missing" role="alert" data-testid="missing">
                <h3>{move || (i18n.t().still_missing)(missing.with(Vec::len))}</h3>
                <ul>
                    {move || missing.get().into_iter().map(|m| {
                        let code = m.item_code.clone();
                        let reason = m.reason;
                        view! {
                            <li>
                                <button class="link" on:click=move |_| on_jump.run(code.clone())>
                                    <span class="missing-prompt">{m.prompt.get(i18n.en()).to_owned()}</span>
                                    <small>
                                        {m.section.get(i18n.en()).to_owned()} " · "
                                        {move || match reason {
                                            MissingReason::Required => i18n.t().missing_required,
                                            MissingReason::Photo => i18n.t().missing_photo,
                                            MissingReason::OutOfRange => i18n.t().missing_out_of_range,
                                        }}
                                    </small>
                                </button>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            </div>
        </Show>
    }
}
