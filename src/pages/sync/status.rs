//! What is not yet synced, when the last sync was, what went wrong, and 立即同步.

use crate::clock::{local_offset, now_ms};
use crate::i18n::use_i18n;
use crate::state::use_app;
use crate::sync::engine::Step;
use crate::sync::use_sync;
use leptos::prelude::*;
use leptos_router::components::A;

#[component]
pub fn StatusCard() -> impl IntoView {
    let i18n = use_i18n();
    let app = use_app();
    let sync = use_sync();
    let last = move || {
        let t = i18n.t();
        match sync.last_sync.get() {
            Some(ms) => {
                dudao_domain::datetime::format_when(ms, now_ms(), local_offset(), i18n.en())
            }
            None => t.sync.never_synced.to_owned(),
        }
    };
    let step = move || {
        let t = i18n.t().sync;
        sync.step.get().map(|s| match s {
            Step::Pushing { done, total } => (t.step_pushing)(done, total),
            Step::Pulling => t.step_pulling.to_owned(),
            Step::Photos { done, total } => (t.step_photos)(done, total),
        })
    };
    view! {
        <section class="sync-card status-card" data-testid="sync-status">
            <div class="sync-figures">
                <div class="figure">
                    <span class="figure-label">{move || i18n.t().sync.unsynced_label}</span>
                    <span class="figure-value" data-testid="pending-count">{move || app.pending.get()}</span>
                    <Show when=move || { app.photos_pending.get() > 0 }>
                        <span class="meta" data-testid="pending-photos">
                            {move || (i18n.t().sync.unsynced_photos)(app.photos_pending.get() as usize)}
                        </span>
                    </Show>
                </div>
                <div class="figure">
                    <span class="figure-label">{move || i18n.t().sync.last_sync_label}</span>
                    <span class="figure-when" data-testid="last-sync">{last}</span>
                </div>
            </div>
            {move || sync.error.get().map(|e| view! {
                <p class="sync-error" role="alert" data-testid="sync-error">{e.user_message(i18n.t())}</p>
            })}
            // No network and nothing failed yet: say what will happen, not as an error.
            <Show when=move || !app.online.get() && sync.error.with(Option::is_none) && sync.account.with(Option::is_some)>
                <p class="sync-note" role="status" data-testid="sync-offline">{move || i18n.t().sync.err_offline}</p>
            </Show>
            <Show when=move || !sync.rejected.with(Vec::is_empty)>
                <p class="sync-error" role="alert" data-testid="rejected-notice">
                    {move || (i18n.t().sync.rejected_notice)(sync.rejected.with(Vec::len))}
                </p>
            </Show>
            <Show when=move || { sync.photos_refused.get() > 0 }>
                <p class="sync-error" role="alert">{move || (i18n.t().sync.photos_refused)(sync.photos_refused.get())}</p>
            </Show>
            {move || step().map(|s| view! { <p class="sync-step" role="status" data-testid="sync-step">{s}</p> })}
            {move || {
                if sync.account.with(Option::is_none) {
                    view! {
                        <A href="/login?next=/sync" attr:class="btn primary wide" attr:data-testid="sign-in">
                            {move || i18n.t().sync.sign_in}
                        </A>
                    }.into_any()
                } else if sync.needs_login.get() {
                    view! {
                        <A href="/login?next=/sync" attr:class="btn primary wide" attr:data-testid="sign-in-again">
                            {move || i18n.t().sync.sign_in_again}
                        </A>
                    }.into_any()
                } else {
                    view! {
                        <button class="btn primary wide" data-testid="sync-now"
                            disabled=move || sync.running.get()
                            on:click=move |_| sync.sync_now()>
                            {move || if sync.running.get() { i18n.t().sync.syncing } else { i18n.t().sync.sync_now }}
                        </button>
                    }.into_any()
                }
            }}
        </section>
    }
}
