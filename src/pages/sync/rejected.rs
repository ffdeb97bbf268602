//! Changes the server refused: which record and fields, why (in words, the server's text under
//! 详情), and 知道了. The queue moved on past them; they stay stored.

use crate::clock::fmt_date;
use crate::i18n::use_i18n;
use crate::state::use_app;
use crate::storage::repo;
use crate::sync::describe::{fields_label, reason_text, record_kind};
use crate::sync::store::{dismiss_rejected, StoredMutation};
use crate::sync::use_sync;
use dudao_domain::sync::wire::ENTITY_VISIT;
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::collections::HashMap;

#[component]
pub fn RejectedList() -> impl IntoView {
    let i18n = use_i18n();
    let sync = use_sync();
    // Which school and day each visit is, to name the record.
    let visits = LocalResource::new(move || {
        sync.records_changed.track();
        async move {
            repo::list_visits()
                .await
                .unwrap_or_default()
                .into_iter()
                .map(|v| (v.id.clone(), (v.school.name.clone(), v.started_at)))
                .collect::<HashMap<_, _>>()
        }
    });
    view! {
        <section class="sync-card rejected" data-testid="rejected">
            <h2>{move || (i18n.t().sync.rejected_title)(sync.rejected.with(Vec::len))}</h2>
            <p class="note-text">{move || i18n.t().sync.rejected_explain}</p>
            <ul class="sync-list">
                <For each=move || sync.rejected.get() key=|m| m.seq let:m>
                    <RejectedItem m visits/>
                </For>
            </ul>
        </section>
    }
}

#[component]
fn RejectedItem(
    m: StoredMutation,
    visits: LocalResource<HashMap<String, (String, i64)>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let app = use_app();
    let sync = use_sync();
    let seq = m.seq;
    let reason = m.reason.clone().unwrap_or_default();
    let reason2 = reason.clone();
    let entity = m.entity.clone();
    let id = m.entity_id.clone();
    let fields: Vec<String> = m.ops.iter().map(|o| o.field.clone()).collect();
    let record = move || {
        let t = i18n.t().sync;
        let kind = record_kind(t, &entity);
        match visits.get().and_then(|v| v.get(&id).cloned()) {
            Some((school, started)) if entity == ENTITY_VISIT => {
                format!("{kind} · {school} · {}", fmt_date(started, i18n.en()))
            }
            _ => kind.to_owned(),
        }
    };
    let entity2 = m.entity.clone();
    let what = move || {
        let f: Vec<&str> = fields.iter().map(String::as_str).collect();
        app.library
            .with(|lib| fields_label(i18n.t().sync, &entity2, &f, lib, i18n.en()))
    };
    let dismiss = move |_| {
        spawn_local(async move {
            if let Ok(db) = repo::db().await {
                if let Err(e) = dismiss_rejected(&db, seq).await {
                    leptos::logging::error!("dismissing a refused change failed: {e}");
                }
            }
            sync.refresh().await;
        });
    };
    view! {
        <li class="sync-item" data-testid="rejected-item">
            <p class="sync-item-title">{record}</p>
            <p class="sync-item-fields">{what}</p>
            <p class="sync-item-reason">{move || reason_text(i18n.t().sync, &reason)}</p>
            <details class="sync-details">
                <summary>{move || i18n.t().sync.details}</summary>
                <p lang="en">{reason2}</p>
            </details>
            <button class="btn small" data-testid="rejected-dismiss" on:click=dismiss>
                {move || i18n.t().sync.dismiss}
            </button>
        </li>
    }
}
