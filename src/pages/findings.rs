//! 整改: the findings of every finished visit on this phone, newest visit first.

use crate::i18n::use_i18n;
use crate::pages::fmt_date;
use crate::pages::summary::FindingItem;
use crate::session::{with_checklist, Session};
use crate::storage::repo;
use dudao_domain::VisitState;
use leptos::prelude::*;

#[component]
pub fn FindingsPage() -> impl IntoView {
    let i18n = use_i18n();
    let groups = LocalResource::new(|| async {
        let mut out = Vec::new();
        for v in repo::list_visits().await.unwrap_or_default() {
            if v.state == VisitState::Draft {
                continue;
            }
            if let Ok(Some(s)) = Session::load(v.id.clone()).await {
                let f = with_checklist(&s.templates, &s.visit, |cl| {
                    cl.proposed_findings(&s.visit.answers)
                });
                if !f.is_empty() {
                    out.push((s.visit.school.name.clone(), s.visit.started_at, f));
                }
            }
        }
        out
    });
    view! {
        <section class="page">
            <h1>{move || i18n.t().findings_title}</h1>
            <Suspense fallback=move || view! { <p class="empty">{move || i18n.t().loading}</p> }>
                {move || groups.get().map(|gs| {
                    if gs.is_empty() {
                        view! { <p class="empty">{move || i18n.t().no_open_findings}</p> }.into_any()
                    } else {
                        gs.into_iter().map(|(school, at, fs)| view! {
                            <h2 class="group">{school} <small>{move || fmt_date(at, i18n.en())}</small></h2>
                            <ol class="findings">{fs.into_iter().map(|f| view! { <FindingItem finding=f/> }).collect_view()}</ol>
                        }).collect_view().into_any()
                    }
                })}
            </Suspense>
        </section>
    }
}
