//! 督导: every visit on this phone, drafts first by recency.

use crate::clock::fmt_datetime;
use crate::i18n::use_i18n;
use crate::opened_visit::ProgressBook;
use crate::storage::{repo, StorageError};
use dudao_domain::{Visit, VisitState};
use leptos::prelude::*;
use leptos_router::components::A;
use std::cell::RefCell;
use std::rc::Rc;

pub fn state_label(s: VisitState, t: &crate::i18n::Strings) -> &'static str {
    match s {
        VisitState::Draft => t.state_draft,
        VisitState::Finished => t.state_finished,
        VisitState::Signed => t.state_signed,
        VisitState::Synced => t.state_synced,
    }
}

/// Rows shown at first, and added by each 显示更多: a phone with a thousand visits shows the
/// newest at once instead of building every row.
const PAGE: usize = 30;

#[component]
pub fn VisitsPage() -> impl IntoView {
    let i18n = use_i18n();
    // Read again when sync brought visits made or changed elsewhere.
    let synced = use_context::<crate::sync::SyncService>().map(|s| s.records_changed);
    let loaded = LocalResource::new(move || {
        if let Some(n) = synced {
            n.track();
        }
        async {
            // Unreadable storage is said, never shown as a phone without visits.
            let visits = repo::list_visits().await?;
            // Progress needs the pinned templates; a visit whose templates fail to load still
            // lists, without a count.
            let book = ProgressBook::load().await.map_err(|e| {
                leptos::logging::error!("reading the stored templates failed: {e}");
            });
            Ok::<_, StorageError>(Rc::new((visits, RefCell::new(book.ok()))))
        }
    });
    let shown = RwSignal::new(PAGE);
    view! {
        <section class="page">
            <h1>{move || i18n.t().visits_title}</h1>
            <Suspense fallback=move || view! { <p class="empty">{move || i18n.t().loading}</p> }>
                {move || loaded.get().map(|list| {
                    let list = match list {
                        Ok(list) => list,
                        Err(e) => return view! {
                            <p class="empty error" role="alert" data-testid="visits-read-error">
                                {move || e.user_message(i18n.t())}
                            </p>
                        }.into_any(),
                    };
                    if list.0.is_empty() {
                        return view! { <p class="empty">{move || i18n.t().no_visits}</p> }.into_any();
                    }
                    let total = list.0.len();
                    let list = StoredValue::new_local(list);
                    // Each row's progress is worked out when the row is first shown.
                    let rows = move || {
                        let n = shown.get().min(total);
                        list.with_value(|list| {
                            let (visits, book) = &**list;
                            let mut book = book.borrow_mut();
                            visits[..n]
                                .iter()
                                .map(|v| {
                                    let p = book.as_mut().and_then(|b| b.progress(v));
                                    (v.clone(), p.map(|p| (p.answered, p.total)))
                                })
                                .collect::<Vec<_>>()
                        })
                    };
                    view! {
                        <ul class="cards">
                            <For each=rows key=|(v, p)| (v.id.clone(), v.updated_at, *p) let:row>
                                <VisitRow visit=row.0 progress=row.1/>
                            </For>
                        </ul>
                        <Show when=move || { shown.get() < total }>
                            <button class="btn wide" data-testid="visits-more"
                                on:click=move |_| shown.update(|n| *n += PAGE)>
                                {move || (i18n.t().show_more)(total - shown.get().min(total))}
                            </button>
                        </Show>
                    }.into_any()
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn VisitRow(visit: Visit, progress: Option<(usize, usize)>) -> impl IntoView {
    let i18n = use_i18n();
    let href = match visit.state {
        VisitState::Draft => format!("/visits/{}", visit.id),
        _ => format!("/visits/{}/summary", visit.id),
    };
    let state = visit.state;
    let started = visit.started_at;
    view! {
        <li class="card" data-testid="visit-row">
            <A href=href attr:class="card-main">
                <span class="title">{visit.school.name.clone()}</span>
                <span class="meta">
                    <span class=format!("badge state-{state:?}").to_lowercase()>{move || state_label(state, i18n.t())}</span>
                    " "
                    {move || fmt_datetime(started, i18n.en())}
                    " · "
                    {visit.supervisor.clone()}
                </span>
                {progress.map(|(a, t)| view! { <span class="meta">{move || (i18n.t().answered)(a, t)}</span> })}
            </A>
        </li>
    }
}
