//! 存储 on the 同步 page: used and available space with a bar, and whether the browser has
//! promised to keep the data. When it has not: what may happen and what to do (install to the
//! home screen, sync, export backups), with the way to install on this browser. A browser
//! without a StorageManager (plain http, WebKitGTK, older iPhones) is said to be one, and gets
//! the same advice, since it cannot be asked to keep the data.

use crate::i18n::use_i18n;
use crate::storage::durability::{
    is_ios_safari, mb, storage_manager_missing, use_durability, NoStorageManager,
};
use leptos::prelude::*;

#[component]
pub fn StoragePanel() -> impl IntoView {
    let i18n = use_i18n();
    let d = use_durability();
    // The space changes with every write: read it again whenever the block is shown.
    d.refresh();
    let ios = is_ios_safari();
    let missing = storage_manager_missing();
    // Without a StorageManager nothing can be kept on request: as good as not persisted.
    let persisted = move || match missing {
        Some(_) => Some(false),
        None => d.info.get().map(|i| i.persisted),
    };
    view! {
        <section class="storage-panel" data-testid="storage-panel"
            data-persisted=move || persisted().map(|p| p.to_string()).unwrap_or_default()>
            <h2>{move || i18n.t().storage_title}</h2>
            {move || match (d.info.get(), missing) {
                (_, Some(NoStorageManager::Insecure)) => view! {
                    <p class="note-text" data-testid="storage-unknown" data-why="insecure">{i18n.t().storage_insecure}</p>
                }.into_any(),
                (_, Some(NoStorageManager::Unsupported)) => view! {
                    <p class="note-text" data-testid="storage-unknown" data-why="unsupported">{i18n.t().storage_unsupported}</p>
                }.into_any(),
                // Being read.
                (None, None) => ().into_any(),
                (Some(info), None) => {
                    let pct = info.percent();
                    view! {
                        <p class="storage-usage" data-testid="storage-usage">
                            {(i18n.t().storage_usage)(&mb(info.used), &mb(info.quota))}
                        </p>
                        <div class="storage-bar" role="meter" aria-label=i18n.t().storage_bar_label
                            aria-valuemin="0" aria-valuemax="100" aria-valuenow=format!("{pct:.0}")>
                            <span style=format!("width: {:.1}%", pct.max(1.0))></span>
                        </div>
                    }.into_any()
                }
            }}
            <Show when=move || persisted() == Some(true)>
                <p class="storage-ok" data-testid="storage-persisted">
                    <span aria-hidden="true">"✓ "</span>{move || i18n.t().storage_persisted_ok}
                </p>
            </Show>
            <Show when=move || persisted() == Some(false)>
                <div class="storage-warning" role="note" data-testid="storage-warning">
                    <p><span aria-hidden="true">"⚠ "</span>{move || i18n.t().storage_warning}</p>
                    <Show when=move || !d.installed.get() && !d.can_install.get()>
                        <p class="note-text" data-testid="install-hint">
                            {move || if ios { i18n.t().install_ios_hint } else { i18n.t().install_other_hint }}
                        </p>
                    </Show>
                    <div class="storage-actions">
                        <a class="btn" href="#backup" data-testid="storage-to-backup">
                            {move || i18n.t().storage_to_backup}
                        </a>
                        <Show when=move || d.can_install.get()>
                            <button class="btn primary" data-testid="storage-install"
                                on:click=move |_| d.install()>
                                {move || i18n.t().install_app}
                            </button>
                        </Show>
                    </div>
                </div>
            </Show>
        </section>
    }
}
