//! 同步: the account, what is not yet synced, the last sync and its error, 立即同步, changes the
//! server refused, conflicts to confirm; then storage on this phone and the backup.

mod account;
mod conflicts;
mod rejected;
mod status;

use crate::i18n::use_i18n;
use crate::state::use_app;
use crate::sync::use_sync;
use leptos::prelude::*;
use leptos::task::spawn_local;

#[component]
pub fn SyncPage() -> impl IntoView {
    let i18n = use_i18n();
    let app = use_app();
    let sync = use_sync();
    app.refresh_pending();
    // Asked again when the network comes or goes and after each sync.
    let server = LocalResource::new(move || {
        app.online.track();
        sync.last_sync.track();
        sync.error.track();
        async {
            crate::api::get_json::<serde_json::Value>("/api/health")
                .await
                .is_ok()
        }
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
        <section class="page sync-page">
            <h1>{move || i18n.t().sync_title}</h1>
            <status::StatusCard/>
            <Show when=move || !sync.rejected.with(Vec::is_empty)>
                <rejected::RejectedList/>
            </Show>
            <Show when=move || !sync.conflicts.with(Vec::is_empty)>
                <conflicts::ConflictList/>
            </Show>
            <account::AccountCard/>
            <dl class="facts server-facts">
                <dt>{move || i18n.t().server}</dt>
                <dd>{move || match server.get() {
                    None => i18n.t().loading,
                    Some(true) => i18n.t().server_ok,
                    Some(false) => i18n.t().server_unreachable,
                }}</dd>
            </dl>
            <p class="note-text">{move || (i18n.t().schools_cached)(app.schools.with(Vec::len))}</p>
            <button class="btn wide" disabled=refreshing on:click=refresh>{move || i18n.t().refresh_schools}</button>
            <crate::components::storage_panel::StoragePanel/>
            <crate::pages::backup::BackupSection/>
        </section>
    }
}
