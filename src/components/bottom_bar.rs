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
                <span class="icon" aria-hidden="true">"🏫"</span>
                <span>{move || i18n.t().tab_schools}</span>
            </A>
            <A href="/visits">
                <span class="icon" aria-hidden="true">"📋"</span>
                <span>{move || i18n.t().tab_visits}</span>
            </A>
            <A href="/findings">
                <span class="icon" aria-hidden="true">"🔧"</span>
                <span>{move || i18n.t().tab_findings}</span>
            </A>
            <A href="/sync">
                <span class="icon" aria-hidden="true">"🔄"</span>
                <span>{move || i18n.t().tab_sync}</span>
            </A>
        </nav>
    }
}
