//! 登录: the office account's username and password. Reached from 同步, from the header when
//! the sign-in expired, and whenever a sync needs it; goes back to `?next=` once signed in.

use crate::api::ApiError;
use crate::clock::{local_offset, now_ms};
use crate::i18n::{use_i18n, Strings};
use crate::sync::account::LoginError;
use crate::sync::use_sync;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::{use_navigate, use_query_map};

/// The message for a failed sign-in: what happened and what to do.
pub fn login_error_text(t: &Strings, e: &LoginError) -> String {
    let s = t.sync;
    match e {
        LoginError::Api(ApiError::BadCredentials) => s.err_bad_credentials.into(),
        LoginError::Api(ApiError::RateLimited { retry_after }) => {
            let minutes = retry_after.div_ceil(60).max(1);
            let at = dudao_domain::datetime::format_time(
                now_ms() + *retry_after as i64 * 1000 + 59_000,
                local_offset(),
            );
            (s.err_rate_limited)(minutes, &at)
        }
        LoginError::Api(ApiError::Offline) => s.err_login_offline.into(),
        LoginError::Api(ApiError::Unreachable(_)) => s.err_login_unreachable.into(),
        LoginError::Api(ApiError::Server(code)) => (s.err_login_server)(*code),
        LoginError::Api(ApiError::Refused { message, .. }) => (s.err_login_failed)(message),
        LoginError::Api(e) => (s.err_login_failed)(&e.to_string()),
        LoginError::Storage(e) => e.user_message(t).into(),
    }
}

#[component]
pub fn LoginPage() -> impl IntoView {
    let i18n = use_i18n();
    let sync = use_sync();
    let navigate = use_navigate();
    let query = use_query_map();
    // Only a path inside the app: never somewhere a crafted link points.
    let next = move || {
        query
            .with_untracked(|q| q.get("next"))
            .filter(|n| n.starts_with('/') && !n.starts_with("//"))
            .unwrap_or_else(|| "/sync".into())
    };
    let username = RwSignal::new(
        sync.account
            .get_untracked()
            .map(|a| a.user.username)
            .unwrap_or_default(),
    );
    let password = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let t = i18n.t();
        let user = username.get_untracked().trim().to_owned();
        let pass = password.get_untracked();
        if user.is_empty() {
            return error.set(Some(t.sync.need_username.into()));
        }
        if pass.is_empty() {
            return error.set(Some(t.sync.need_password.into()));
        }
        busy.set(true);
        error.set(None);
        let navigate = navigate.clone();
        let to = next();
        spawn_local(async move {
            match sync.sign_in(&user, &pass).await {
                Ok(()) => {
                    let _ = password.try_set(String::new());
                    navigate(&to, Default::default());
                }
                Err(e) => {
                    leptos::logging::log!("sign-in failed: {e}");
                    let _ = error.try_set(Some(login_error_text(i18n.t(), &e)));
                }
            }
            let _ = busy.try_set(false);
        });
    };

    view! {
        <section class="page login-page">
            <h1>{move || i18n.t().sync.login_title}</h1>
            <p class="note-text">{move || i18n.t().sync.login_explain}</p>
            <form class="login-form" on:submit=submit novalidate>
                <label class="field">
                    <span>{move || i18n.t().sync.username}</span>
                    <input type="text" name="username" data-testid="login-username"
                        autocomplete="username" autocapitalize="none" spellcheck="false"
                        prop:value=username on:input=move |ev| username.set(event_target_value(&ev))/>
                </label>
                <label class="field">
                    <span>{move || i18n.t().sync.password}</span>
                    <input type="password" name="password" data-testid="login-password"
                        autocomplete="current-password"
                        prop:value=password on:input=move |ev| password.set(event_target_value(&ev))/>
                </label>
                {move || error.get().map(|e| view! {
                    <p class="form-error" role="alert" data-testid="login-error">{e}</p>
                })}
                <button type="submit" class="btn primary wide" data-testid="login-submit" disabled=busy>
                    {move || if busy.get() { i18n.t().sync.logging_in } else { i18n.t().sync.login_button }}
                </button>
            </form>
        </section>
    }
}
