//! Banners at the top about where the data lives: the WeChat in-app browser (may clear it;
//! open in the system browser), another tab having upgraded the schema (reload), and this
//! tab's upgrade waiting for other tabs (close them), and storage that does not answer (the
//! data is there; reload, or restart the browser).

use crate::i18n::use_i18n;
use crate::storage::durability::{is_wechat, use_durability};
use crate::storage::prefs;
use leptos::prelude::*;

#[component]
pub fn StorageBanners() -> impl IntoView {
    let i18n = use_i18n();
    let d = use_durability();
    let wechat = RwSignal::new(is_wechat() && !prefs::wechat_dismissed());
    let dismiss = move |_| {
        prefs::set_wechat_dismissed();
        wechat.set(false);
    };
    let reload = move |_| {
        if let Some(w) = web_sys::window() {
            let _ = w.location().reload();
        }
    };
    view! {
        <Show when=move || d.reload_needed.get()>
            <div class="top-banner warn" role="alert" data-testid="reload-needed">
                <p>{move || i18n.t().reload_needed}</p>
                <button class="btn small primary" data-testid="reload-now" on:click=reload>
                    {move || i18n.t().reload_now}
                </button>
            </div>
        </Show>
        <Show when=move || d.stalled.get() && !d.reload_needed.get()>
            <div class="top-banner warn" role="alert" data-testid="storage-stalled">
                <p>{move || i18n.t().err_stalled}</p>
                <button class="btn small primary" data-testid="stalled-reload" on:click=reload>
                    {move || i18n.t().reload_now}
                </button>
            </div>
        </Show>
        <Show when=move || d.upgrade_blocked.get() && !d.reload_needed.get()>
            <div class="top-banner warn" role="alert" data-testid="upgrade-blocked">
                <p>{move || i18n.t().upgrade_blocked}</p>
            </div>
        </Show>
        <Show when=move || wechat.get()>
            <div class="top-banner" role="note" data-testid="wechat-banner">
                <p>{move || i18n.t().wechat_banner}</p>
                <button class="btn small" data-testid="wechat-dismiss" on:click=dismiss>
                    {move || i18n.t().wechat_dismiss}
                </button>
            </div>
        </Show>
    }
}
