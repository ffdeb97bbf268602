//! The 学校 page's sign-in prompt: shown when the phone is not signed in, or the server refused
//! its sign-in (401), since the server lists a user's schools only to that user. The list stored
//! on the phone is never cleared for it: with schools stored, the prompt sits above them and the
//! supervisor visits them as usual; with none, it is the page.

use crate::i18n::use_i18n;
use crate::state::{use_app, SchoolsFetch};
use leptos::prelude::*;
use leptos_router::components::A;

/// Whether the 学校 page should ask to sign in, and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignInReason {
    /// No account on this phone (a fresh install, or signed out).
    SignedOut,
    /// An account whose token the server no longer accepts.
    Expired,
}

/// `None` while signed in and accepted, or until the stored sign-in has been read.
pub fn use_sign_in_reason() -> Memo<Option<SignInReason>> {
    let app = use_app();
    let sync = use_context::<crate::sync::SyncService>();
    Memo::new(move |_| {
        let refused = app.schools_fetch.get() == SchoolsFetch::NeedsLogin;
        match sync {
            Some(s) if s.ready.get() => {
                if s.account.with(Option::is_none) {
                    Some(SignInReason::SignedOut)
                } else if s.needs_login.get() || refused {
                    Some(SignInReason::Expired)
                } else {
                    None
                }
            }
            // Until the sync service has read the stored sign-in (and in page tests, which
            // have none), the fetch's answer alone.
            _ => refused.then_some(SignInReason::SignedOut),
        }
    })
}

/// The prompt with its 登录 button, which comes back to 学校 once signed in.
#[component]
pub fn SignInPrompt(
    /// Why the phone must sign in.
    #[prop(into)]
    reason: Signal<SignInReason>,
    /// Schools stored on the phone are listed below the prompt.
    #[prop(into)]
    cached: Signal<bool>,
) -> impl IntoView {
    let i18n = use_i18n();
    let detail = move || {
        let t = i18n.t();
        match (reason.get(), cached.get()) {
            (SignInReason::Expired, _) => t.schools_sign_in_expired,
            (SignInReason::SignedOut, true) => t.schools_sign_in_cached,
            (SignInReason::SignedOut, false) => t.schools_sign_in_first,
        }
    };
    view! {
        <div class="signin-prompt" class:alone=move || !cached.get() role="note"
            data-testid="schools-sign-in"
            data-reason=move || match reason.get() {
                SignInReason::SignedOut => "signed-out",
                SignInReason::Expired => "expired",
            }>
            <div class="signin-text">
                <p class="signin-title">{move || i18n.t().schools_sign_in_title}</p>
                <p class="note-text">{detail}</p>
            </div>
            <A href="/login?next=/" attr:class=move || if cached.get() { "btn" } else { "btn primary wide" }
                attr:data-testid="schools-sign-in-button">
                {move || i18n.t().schools_sign_in_button}
            </A>
        </div>
    }
}
