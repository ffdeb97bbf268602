//! What a visit's page shows when the visit cannot be loaded: the storage error in plain words
//! and, when its checklist version is not on this phone, how it may still come and a way back
//! to 督导记录 rather than a dead end.

use crate::i18n::use_i18n;
use crate::storage::StorageError;
use leptos::prelude::*;
use leptos_router::components::A;

#[component]
pub fn VisitLoadError(error: StorageError) -> impl IntoView {
    let i18n = use_i18n();
    let missing = matches!(error, StorageError::TemplateMissing(_));
    view! {
        <p class="empty error" data-testid="visit-load-error">{move || error.user_message(i18n.t())}</p>
        <Show when=move || missing>
            <p class="hint" data-testid="template-missing-hint">{move || i18n.t().template_missing_hint}</p>
            <A href="/visits" attr:class="btn primary wide" attr:data-testid="back-to-visits">{move || i18n.t().back_to_visits}</A>
            <A href="/sync" attr:class="btn wide">{move || i18n.t().tab_sync}</A>
        </Show>
    }
}
