//! The four places a supervisor goes, within thumb reach.

use crate::i18n::use_i18n;
use leptos::prelude::*;
use leptos_router::components::A;

#[component]
pub fn BottomBar() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <nav class="bottombar" aria-label="main">
            <A href="/" exact=true>
                <svg class="icon" viewBox="0 0 24 24" aria-hidden="true"><path d="M12 3 2 8l10 5 10-5-10-5zm-6 8.2V16l6 3 6-3v-4.8l-6 3-6-3z"/></svg>
                <span>{move || i18n.t().tab_schools}</span>
            </A>
            <A href="/visits">
                <svg class="icon" viewBox="0 0 24 24" aria-hidden="true"><path d="M9 2h6v3H9zM5 4h3v2h8V4h3v18H5zm3 7v2h8v-2zm0 4v2h6v-2z"/></svg>
                <span>{move || i18n.t().tab_visits}</span>
            </A>
            <A href="/findings">
                <svg class="icon" viewBox="0 0 24 24" aria-hidden="true"><path d="M12 2 1 21h22L12 2zm-1 7h2v6h-2zm0 8h2v2h-2z"/></svg>
                <span>{move || i18n.t().tab_findings}</span>
            </A>
            <A href="/sync">
                <svg class="icon" viewBox="0 0 24 24" aria-hidden="true"><path d="M12 4V1L8 5l4 4V6a6 6 0 0 1 6 6h2a8 8 0 0 0-8-8zm-6 8H4a8 8 0 0 0 8 8v3l4-4-4-4v3a6 6 0 0 1-6-6z"/></svg>
                <span>{move || i18n.t().tab_sync}</span>
            </A>
        </nav>
    }
}
