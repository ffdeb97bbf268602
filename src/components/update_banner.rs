//! 新版本可用: a new version of the app has been fetched in the background. The user chooses
//! when to switch (立即更新 reloads into it) or puts it off (稍后); nothing switches by itself.

use crate::i18n::use_i18n;
use crate::pwa::use_pwa;
use leptos::prelude::*;

#[component]
pub fn UpdateBanner() -> impl IntoView {
    let pwa = use_pwa();
    let i18n = use_i18n();
    view! {
        <Show when=move || pwa.update_ready.get() && !pwa.dismissed.get()>
            <div class="update-banner" role="status" data-testid="update-available">
                <div class="update-text">
                    <strong>{move || i18n.t().update_available}</strong>
                    <span>{move || i18n.t().update_detail}</span>
                </div>
                <div class="update-actions">
                    <button class="btn small" data-testid="update-later"
                        on:click=move |_| pwa.dismissed.set(true)>
                        {move || i18n.t().update_later}
                    </button>
                    <button class="btn small primary" data-testid="update-now"
                        on:click=move |_| pwa.update_now()>
                        {move || i18n.t().update_now}
                    </button>
                </div>
            </div>
        </Show>
    }
}
