//! 督导: every visit on this phone, drafts first by recency.

use crate::clock::fmt_datetime;
use crate::i18n::use_i18n;
use crate::opened_visit::progress_of;
use crate::storage::repo;
use dudao_domain::{Visit, VisitState};
use leptos::prelude::*;
use leptos_router::components::A;

pub fn state_label(s: VisitState, t: &crate::i18n::Strings) -> &'static str {
    match s {
        VisitState::Draft => t.state_draft,
        VisitState::Finished => t.state_finished,
        VisitState::Signed => t.state_signed,
        VisitState::Synced => t.state_synced,
    }
}

#[component]
pub fn VisitsPage() -> impl IntoView {
    let i18n = use_i18n();
    // Read again when sync brought visits made or changed elsewhere.
    let synced = use_context::<crate::sync::SyncService>().map(|s| s.records_changed);
    let visits = LocalResource::new(move || {
        if let Some(n) = synced {
            n.track();
        }
        async {
            let visits = repo::list_visits().await.unwrap_or_default();
            // Progress needs the pinned templates; a visit whose templates fail to load still lists.
            let progress = progress_of(&visits).await.unwrap_or_else(|e| {
                leptos::logging::error!("reading the pinned templates failed: {e}");
                vec![None; visits.len()]
            });
            visits
                .into_iter()
                .zip(progress)
                .map(|(v, p)| (v, p.map(|p| (p.answered, p.total))))
                .collect::<Vec<_>>()
        }
    });
    view! {
        <section class="page">
            <h1>{move || i18n.t().visits_title}</h1>
            <Suspense fallback=move || view! { <p class="empty">{move || i18n.t().loading}</p> }>
                {move || visits.get().map(|list| {
                    if list.is_empty() {
                        view! { <p class="empty">{move || i18n.t().no_visits}</p> }.into_any()
                    } else {
                        view! {
                            <ul class="cards">
                                {list.into_iter().map(|(v, p)| view! { <VisitRow visit=v progress=p/> }).collect_view()}
                            </ul>
                        }.into_any()
                    }
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
