//! 整改: the findings as the supervisor settled them, of every finished or signed visit on this
//! phone, newest visit first. A tap opens the visit's 督导意见书 once signed, its review before.

use crate::clock::fmt_date;
use crate::i18n::use_i18n;
use crate::storage::repo;
use dudao_domain::finding::Finding;
use dudao_domain::template::Severity;
use dudao_domain::{Visit, VisitState};
use leptos::prelude::*;
use leptos_router::components::A;

/// Where a tap on a finding of this visit leads.
pub fn target(v: &Visit) -> String {
    match v.state {
        VisitState::Signed | VisitState::Synced => format!("/visits/{}/opinion", v.id),
        _ => format!("/visits/{}/review", v.id),
    }
}

#[component]
pub fn FindingsPage() -> impl IntoView {
    let i18n = use_i18n();
    // Read again when sync brought visits made or changed elsewhere.
    let synced = use_context::<crate::sync::SyncService>().map(|s| s.records_changed);
    let groups = LocalResource::new(move || {
        if let Some(n) = synced {
            n.track();
        }
        async {
            repo::list_visits().await.map(|vs| {
                vs.into_iter()
                    .filter(|v| v.state != VisitState::Draft && !v.findings.is_empty())
                    .collect::<Vec<_>>()
            })
        }
    });
    view! {
        <section class="page">
            <h1>{move || i18n.t().findings_title}</h1>
            <Suspense fallback=move || view! { <p class="empty">{move || i18n.t().loading}</p> }>
                {move || groups.get().map(|r| match r {
                    Ok(vs) if vs.is_empty() => {
                        view! { <p class="empty">{move || i18n.t().no_open_findings}</p> }.into_any()
                    }
                    Ok(vs) => vs.into_iter().map(|v| view! { <VisitFindings visit=v/> }).collect_view().into_any(),
                    Err(e) => view! { <p class="empty error">{move || e.user_message(i18n.t())}</p> }.into_any(),
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn VisitFindings(visit: Visit) -> impl IntoView {
    let i18n = use_i18n();
    let at = visit.started_at;
    let href = target(&visit);
    let signed = matches!(visit.state, VisitState::Signed | VisitState::Synced);
    let school = visit.school.name.clone();
    view! {
        <h2 class="group">{school.clone()} <small>{move || fmt_date(at, i18n.en())}</small></h2>
        <ol class="findings settled">
            {visit.findings.into_iter().map(|f| view! {
                <SettledFinding finding=f href=href.clone() school=school.clone() at=at signed=signed/>
            }).collect_view()}
        </ol>
    }
}

#[component]
pub fn SettledFinding(
    finding: Finding,
    href: String,
    school: String,
    at: i64,
    signed: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let f = finding;
    let sev = f.severity;
    let term_zh = f.term(false);
    let term_en = f.term(true);
    let owner = f.owner.trim().to_owned();
    view! {
        <li class="finding" data-testid="finding" data-major=(sev == Severity::Major).to_string()>
            <A href=href attr:class="finding-link">
                <p class="finding-desc">{f.description.clone()}</p>
                <p class="meta">
                    <span class="badge" class:major=sev == Severity::Major>
                        {move || format!("{}：{}", i18n.t().severity, if i18n.en() { sev.en() } else { sev.zh() })}
                    </span>
                    " "
                    <span data-testid="finding-term">
                        {move || format!("{}：{}", i18n.t().findings_term, if i18n.en() { term_en.clone() } else { term_zh.clone() })}
                    </span>
                </p>
                {(!owner.is_empty()).then(|| view! { <p class="meta">{move || format!("{}：{}", i18n.t().findings_owner, owner)}</p> })}
                <p class="meta">
                    {school} " · " {move || fmt_date(at, i18n.en())} " · "
                    <span>{move || if signed { i18n.t().opinion_title } else { i18n.t().findings_to_review }}</span>
                    " ›"
                </p>
            </A>
        </li>
    }
}
