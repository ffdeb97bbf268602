//! 同步: what is not yet synced, storage on this phone, and the office server's reachability.

use crate::i18n::use_i18n;
use crate::state::use_app;
use leptos::prelude::*;
use leptos::task::spawn_local;

#[component]
pub fn SyncPage() -> impl IntoView {
    let i18n = use_i18n();
    let app = use_app();
    app.refresh_pending();
    let server = LocalResource::new(|| async {
        crate::api::get_json::<serde_json::Value>("/api/health")
            .await
            .is_ok()
    });
    let refreshing = RwSignal::new(false);
    let refresh = move |_| {
        refreshing.set(true);
        spawn_local(async move {
            app.fetch_schools().await;
            server.refetch();
            refreshing.set(false);
        });
    };
    view! {
        <section class="page">
            <h1>{move || i18n.t().sync_title}</h1>
            <dl class="facts">
                <dt>{move || i18n.t().unsynced_changes}</dt>
                <dd data-testid="pending-count">{move || app.pending.get()}</dd>
                <dt>{move || i18n.t().server}</dt>
                <dd>{move || match server.get() {
                    None => i18n.t().loading,
                    Some(true) => i18n.t().server_ok,
                    Some(false) => i18n.t().server_unreachable,
                }}</dd>
            </dl>
            <p class="note-text">{move || i18n.t().sync_not_yet}</p>
            <p class="note-text">{move || (i18n.t().schools_cached)(app.schools.with(Vec::len))}</p>
            <button class="btn wide" disabled=refreshing on:click=refresh>{move || i18n.t().refresh_schools}</button>
            <crate::components::storage_panel::StoragePanel/>
            <crate::pages::backup::BackupSection/>
        </section>
    }
}
