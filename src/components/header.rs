//! The top bar: app name, connectivity and unsynced count (always visible), language switch.

use crate::i18n::use_i18n;
use crate::state::use_app;
use leptos::prelude::*;
use leptos_router::components::A;

#[component]
pub fn Header() -> impl IntoView {
    let i18n = use_i18n();
    let app = use_app();
    let status = move || {
        let t = i18n.t();
        let net = if app.online.get() {
            t.online
        } else {
            t.offline
        };
        match app.pending.get() {
            0 => format!("{net} · {}", t.all_saved),
            n => format!("{net} · {}", (t.pending)(n as usize)),
        }
    };
    view! {
        <header class="topbar">
            <span class="brand">{move || i18n.t().app_name}</span>
            <A href="/sync" attr:class="sync-state" attr:data-online=move || app.online.get().to_string()>
                <span class="dot" aria-hidden="true"></span>
                <span data-testid="sync-state">{status}</span>
            </A>
            <button class="lang" data-testid="lang-switch" on:click=move |_| i18n.toggle()>
                {move || i18n.t().lang_switch}
            </button>
        </header>
    }
}
