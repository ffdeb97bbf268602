//! The result of a visit: counts by verdict and the findings proposed from 不符合 answers.

use crate::clock::fmt_datetime;
use crate::components::load_error::VisitLoadError;
use crate::i18n::use_i18n;
use crate::opened_visit::{with_checklist, OpenedVisit};
use crate::pages::visits::state_label;
use dudao_domain::finding::ProposedFinding;
use dudao_domain::location::Location;
use dudao_domain::Compliance;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

#[component]
pub fn SummaryPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let session =
        LocalResource::new(move || OpenedVisit::load(params.read().get("id").unwrap_or_default()));
    view! {
        <section class="page summary">
            <Suspense fallback=move || view! { <p class="empty">{move || i18n.t().loading}</p> }>
                {move || session.get().map(|r| match r {
                    Ok(Some(s)) => view! { <Summary session=s/> }.into_any(),
                    Ok(None) => view! { <p class="empty">{move || i18n.t().visit_not_found}</p> }.into_any(),
                    Err(e) => view! { <VisitLoadError error=e/> }.into_any(),
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn Summary(session: OpenedVisit) -> impl IntoView {
    let i18n = use_i18n();
    let v = session.visit.clone();
    let (tally, findings) = with_checklist(&session.templates, &v, |cl| {
        (cl.tally(&v.answers), cl.proposed_findings(&v.answers))
    });
    let titles: Vec<_> = session.templates.iter().map(|t| t.title.clone()).collect();
    // Once finished, the findings are the ones the supervisor settled (edited, merged, dropped);
    // before that, what the answers propose.
    let settled = (v.state != dudao_domain::VisitState::Draft).then(|| v.findings.clone());
    let n = settled.as_ref().map_or(findings.len(), Vec::len);
    let href = crate::pages::findings::target(&v);
    let signed = matches!(
        v.state,
        dudao_domain::VisitState::Signed | dudao_domain::VisitState::Synced
    );
    let school_name = v.school.name.clone();
    let state = v.state;
    let started = v.started_at;
    let finished = v.finished_at;
    let location = v.location.clone();
    let location_kind = match &location {
        Some(Location::Fix { .. }) => "fix",
        Some(Location::Unavailable { .. }) => "unavailable",
        None => "none",
    };
    view! {
        <h1>{move || i18n.t().summary_title}</h1>
        <dl class="facts">
            <dt>{move || i18n.t().school}</dt><dd data-testid="summary-school">{v.school.name.clone()}</dd>
            <dt>{move || i18n.t().supervisor}</dt><dd>{v.supervisor.clone()}</dd>
            <dt>{move || i18n.t().started}</dt><dd>{move || fmt_datetime(started, i18n.en())}</dd>
            {finished.map(|f| view! { <dt>{move || i18n.t().finished_at}</dt><dd>{move || fmt_datetime(f, i18n.en())}</dd> })}
            <dt>{move || i18n.t().checklists}</dt>
            <dd>{move || titles.iter().map(|t| t.get(i18n.en()).to_owned()).collect::<Vec<_>>().join("、")}</dd>
            <dt>{move || i18n.t().location}</dt>
            <dd data-testid="summary-location" data-location=location_kind>
                {move || location.as_ref().map_or_else(|| i18n.t().location_none.to_owned(), |l| l.describe(i18n.en()))}
            </dd>
            <dt>" "</dt><dd><span class=format!("badge state-{state:?}").to_lowercase()>{move || state_label(state, i18n.t())}</span></dd>
        </dl>
        <ul class="tally" data-testid="tally">
            {Compliance::ALL.into_iter().enumerate().map(|(i, c)| view! {
                <li class=format!("c-{c:?}").to_lowercase()>
                    <strong>{tally[i]}</strong>
                    <span>{move || if i18n.en() { c.en() } else { c.zh() }}</span>
                </li>
            }).collect_view()}
        </ul>
        <h2 data-testid="findings-count">{move || (i18n.t().findings_count)(n)}</h2>
        {if n == 0 {
            view! { <p class="empty">{move || i18n.t().no_findings}</p> }.into_any()
        } else if let Some(settled) = settled {
            view! { <ol class="findings settled">{settled.into_iter().map(|f| view! {
                <crate::pages::findings::SettledFinding finding=f href=href.clone() school=school_name.clone() at=started signed/>
            }).collect_view()}</ol> }.into_any()
        } else {
            view! { <ol class="findings">{findings.into_iter().map(|f| view! { <FindingItem finding=f/> }).collect_view()}</ol> }.into_any()
        }}
        {matches!(state, dudao_domain::VisitState::Signed | dudao_domain::VisitState::Synced).then(|| view! {
            <A href=format!("/visits/{}/opinion", v.id) attr:class="btn primary wide" attr:data-testid="open-opinion">
                {move || i18n.t().opinion_title}
            </A>
        })}
        {(state != dudao_domain::VisitState::Draft).then(|| view! {
            <A href=format!("/visits/{}/review", v.id)
                attr:class=if state == dudao_domain::VisitState::Finished { "btn primary wide" } else { "btn wide" }
                attr:data-testid="open-review">
                {move || i18n.t().review_title}
            </A>
        })}
        <A href="/visits" attr:class="btn wide">{move || i18n.t().back_to_visits}</A>
    }
}

#[component]
pub fn FindingItem(finding: ProposedFinding) -> impl IntoView {
    let i18n = use_i18n();
    let f = finding;
    let sev = f.severity;
    let citations: Vec<String> = f.basis.iter().map(|b| b.citation()).collect();
    view! {
        <li class="finding" data-testid="finding">
            <p class="finding-desc">{move || f.description.get(i18n.en()).to_owned()}</p>
            <p class="meta">
                <span class="badge" class:major=sev == dudao_domain::template::Severity::Major>
                    {move || format!("{}：{}", i18n.t().severity, if i18n.en() { sev.en() } else { sev.zh() })}
                </span>
                " " {f.section.zh.clone()}
            </p>
            <p class="meta basis-line">{move || format!("{}：{}", i18n.t().basis, citations.join("；"))}</p>
        </li>
    }
}
