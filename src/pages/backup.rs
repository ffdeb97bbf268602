//! 备份与恢复 on the 同步 page: everything on this phone to one file, and such a file back,
//! without a network.

use crate::clock::{local_offset, now_ms};
use crate::i18n::use_i18n;
use crate::state::use_app;
use crate::storage::backup::{self, ImportError};
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;
use web_sys::HtmlInputElement;

#[component]
pub fn BackupSection() -> impl IntoView {
    let i18n = use_i18n();
    let app = use_app();
    // What is under way (正在导出…), the last result, the last error.
    let busy = RwSignal::new(None::<String>);
    let result = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<String>);

    let on_export = move |_| {
        if busy.get_untracked().is_some() {
            return;
        }
        result.set(None);
        error.set(None);
        let t = i18n.t();
        busy.set(Some((t.backup_exporting)(0, 0)));
        spawn_local(async move {
            let progress = move |done, total| busy.set(Some((t.backup_exporting)(done, total)));
            let file = backup::export(now_ms(), local_offset(), progress).await;
            match file.and_then(|f| backup::download(&f.name, &f.json).map(|()| f)) {
                Ok(f) => result.set(Some((t.backup_exported)(&f.name, f.visits, f.photos))),
                Err(e) => {
                    web_sys::console::error_1(&format!("backup export failed: {e}").into());
                    error.set(Some(t.backup_export_failed.into()));
                }
            }
            busy.set(None);
        });
    };

    let on_import = move |ev: leptos::ev::Event| {
        let Some(input) = ev
            .target()
            .and_then(|t| t.dyn_into::<HtmlInputElement>().ok())
        else {
            return;
        };
        let file = input.files().and_then(|l| l.get(0));
        // So the same file can be chosen again.
        input.set_value("");
        let Some(file) = file else {
            return;
        };
        if busy.get_untracked().is_some() {
            return;
        }
        result.set(None);
        error.set(None);
        let t = i18n.t();
        busy.set(Some(t.backup_importing.into()));
        spawn_local(async move {
            let outcome = match backup::read_file(&file).await {
                Ok(text) => {
                    // Let 正在导入… paint before the file is checked.
                    backup::yield_now().await;
                    backup::import(&text).await
                }
                Err(e) => Err(ImportError::Storage(e)),
            };
            match outcome {
                Ok(report) => {
                    result.set(Some((t.backup_imported)(&report)));
                    app.refresh_pending();
                }
                Err(ImportError::Backup(e)) => {
                    web_sys::console::warn_1(&format!("backup import refused: {e}").into());
                    error.set(Some((t.backup_refused)(&e)));
                }
                Err(ImportError::Storage(e)) => {
                    web_sys::console::error_1(&format!("backup import failed: {e}").into());
                    error.set(Some(t.backup_import_failed.into()));
                }
            }
            busy.set(None);
        });
    };

    view! {
        <section id="backup" class="backup" aria-labelledby="backup-title">
            <h2 id="backup-title">{move || i18n.t().backup_title}</h2>
            <p class="hint">{move || i18n.t().backup_explain}</p>
            <p class="hint">{move || i18n.t().backup_import_hint}</p>
            <Show when=move || busy.get().is_some()>
                <p class="backup-busy" role="status" data-testid="backup-progress">
                    {move || busy.get().unwrap_or_default()}
                </p>
            </Show>
            <Show when=move || result.get().is_some()>
                <p class="backup-result" role="status" data-testid="backup-result">
                    {move || result.get().unwrap_or_default()}
                </p>
            </Show>
            <Show when=move || error.get().is_some()>
                <p class="backup-error" role="alert" data-testid="backup-error">
                    {move || error.get().unwrap_or_default()}
                </p>
            </Show>
            <div class="backup-actions">
                <button class="btn primary" data-testid="backup-export"
                    disabled=move || busy.get().is_some() on:click=on_export>
                    {move || i18n.t().backup_export}
                </button>
                <label class="btn backup-pick" class:disabled=move || busy.get().is_some()>
                    <input type="file" accept=".json,application/json" class="sr-only"
                        data-testid="backup-import" disabled=move || busy.get().is_some()
                        on:change=on_import/>
                    {move || i18n.t().backup_import}
                </label>
            </div>
        </section>
    }
}
