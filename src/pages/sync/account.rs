//! The account on this phone: who is signed in (name, role), 重新登录 when the sign-in stopped
//! working, 退出登录 (refused while anything is unsynced, saying how much), or 登录.

use crate::i18n::{use_i18n, Strings};
use crate::state::use_app;
use crate::sync::service::SignOutError;
use crate::sync::use_sync;
use leptos::prelude::*;
use leptos::task::spawn_local;

pub fn role_name(t: &Strings, role: &str) -> &'static str {
    match role {
        "office" => t.sync.role_office,
        "admin" => t.sync.role_admin,
        _ => t.sync.role_supervisor,
    }
}

#[component]
pub fn AccountCard() -> impl IntoView {
    let i18n = use_i18n();
    let app = use_app();
    let sync = use_sync();
    // Why signing out was refused, or that it worked.
    let notice = RwSignal::new(None::<(bool, String)>);
    let busy = RwSignal::new(false);
    let sign_out = move |_| {
        busy.set(true);
        notice.set(None);
        spawn_local(async move {
            let t = i18n.t();
            let said = match sync.sign_out().await {
                Ok(()) => (false, t.sync.signed_out.to_owned()),
                Err(SignOutError::Unsynced { total, photos }) => {
                    (true, (t.sync.sign_out_refused)(total, photos))
                }
                Err(SignOutError::Busy) => (true, t.sync.sign_out_busy.to_owned()),
                Err(SignOutError::Storage(e)) => (true, e.user_message(t).to_owned()),
            };
            let _ = notice.try_set(Some(said));
            let _ = busy.try_set(false);
        });
    };
    view! {
        <section class="sync-card account-card" data-testid="account">
            <h2>{move || i18n.t().sync.account}</h2>
            {move || match sync.account.get() {
                Some(a) => {
                    let role = a.user.role.clone();
                    view! {
                        <p class="account-name">
                            <span data-testid="account-name">{a.user.display_name.clone()}</span>
                            " "
                            <span class="badge" data-testid="account-role">{move || role_name(i18n.t(), &role)}</span>
                        </p>
                        <p class="meta">{a.user.username.clone()}</p>
                        <button class="btn small sign-out" data-testid="sign-out" disabled=busy on:click=sign_out>
                            {move || i18n.t().sync.sign_out}
                        </button>
                    }
                    .into_any()
                }
                None => view! {
                    <p class="note-text" data-testid="not-signed-in">{move || i18n.t().sync.not_signed_in}</p>
                }
                .into_any(),
            }}
            // A refusal holds only while something is unsynced.
            {move || notice.get().filter(|(refused, _)| !*refused || app.pending.get() > 0).map(|(refused, text)| view! {
                <p class:form-error=refused class:form-ok=!refused role="status" data-testid="account-notice">{text}</p>
            })}
        </section>
    }
}
