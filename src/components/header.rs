//! The top bar: app name, the sync state (always visible: 离线 / 同步中… / 3 条待同步 /
//! 已同步 14:05 / 同步出错 / 需要重新登录; tapping it opens 同步, which explains and offers
//! to retry), language switch.

use crate::clock::{local_offset, now_ms};
use crate::i18n::use_i18n;
use crate::state::use_app;
use crate::sync::SyncService;
use leptos::prelude::*;
use leptos_router::components::A;

/// The sync state in one word, for the dot's colour and for tests.
fn state_key(online: bool, running: bool, login: bool, error: bool, pending: u32) -> &'static str {
    match () {
        _ if !online => "offline",
        _ if running => "running",
        _ if login => "login",
        _ if error => "error",
        _ if pending > 0 => "pending",
        _ => "synced",
    }
}

#[component]
pub fn Header() -> impl IntoView {
    let i18n = use_i18n();
    let app = use_app();
    // Absent in page tests that mount a screen without the sync service.
    let sync = use_context::<SyncService>();
    let running = move || sync.is_some_and(|s| s.running.get());
    let login = move || sync.is_some_and(|s| s.needs_login.get());
    // A change the server refused is a problem to look at until it is dismissed (知道了).
    let error = move || {
        sync.is_some_and(|s| s.error.with(Option::is_some) || !s.rejected.with(Vec::is_empty))
    };
    let last = move || sync.and_then(|s| s.last_sync.get());
    // No account on this phone (never signed in, or signed out): "已同步" would be untrue.
    let signed_out = move || sync.is_some_and(|s| s.account.with(Option::is_none));
    let key = move || {
        state_key(
            app.online.get(),
            running(),
            login(),
            error(),
            app.pending.get(),
        )
    };
    let status = move || {
        let t = i18n.t();
        let n = app.pending.get();
        let pending = (n > 0).then(|| (t.pending)(n as usize));
        let with = |head: &str| match &pending {
            Some(p) => format!("{head} · {p}"),
            None => head.to_owned(),
        };
        match key() {
            "offline" => with(t.offline),
            "running" => t.sync.header_syncing.to_owned(),
            "login" => with(t.sync.header_login),
            "error" => with(t.sync.header_error),
            "pending" => with(t.online),
            _ if signed_out() => format!("{} · {}", t.online, t.sync.header_signed_out),
            _ => match last() {
                Some(ms) => {
                    let when = dudao_domain::datetime::format_when(
                        ms,
                        now_ms(),
                        local_offset(),
                        i18n.en(),
                    );
                    // Today's syncs by the time only: the bar is narrow.
                    let when = when
                        .strip_prefix("今天 ")
                        .or_else(|| when.strip_prefix("Today "))
                        .map(str::to_owned)
                        .unwrap_or(when.clone());
                    format!("{} · {}", t.online, (t.sync.header_synced)(&when))
                }
                None => format!("{} · {}", t.online, t.all_saved),
            },
        }
    };
    view! {
        <header class="topbar">
            <span class="brand">{move || i18n.t().app_name}</span>
            <A href="/sync" attr:class="sync-state" attr:data-online=move || app.online.get().to_string()
                attr:data-sync=key attr:data-testid="sync-indicator">
                <span class="dot" aria-hidden="true"></span>
                <span data-testid="sync-state">{status}</span>
            </A>
            <button class="lang" data-testid="lang-switch" on:click=move |_| i18n.toggle()>
                {move || i18n.t().lang_switch}
            </button>
        </header>
    }
}
