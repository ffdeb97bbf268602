//! Errors and notices that must be read: they stay until dismissed.

use crate::i18n::use_i18n;
use crate::state::use_app;
use leptos::prelude::*;

#[component]
pub fn MessageLine() -> impl IntoView {
    let app = use_app();
    let i18n = use_i18n();
    view! {
        <Show when=move || app.message.with(Option::is_some)>
            <div class="message" role="alert" data-testid="message">
                <span>{move || app.message.get().unwrap_or_default()}</span>
                <button on:click=move |_| app.message.set(None)>{move || i18n.t().close}</button>
            </div>
        </Show>
    }
}
