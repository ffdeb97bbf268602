//! One finding (`/findings/:id`): what was found and required, where it stands, its 整改记录
//! with the photos of each move, and what the supervisor can record now (`act`): the school's
//! progress, the 复查 on the spot, a 立行立改 put right. Everything is stored on the phone first
//! (`storage::findings::record_move`) and syncs when online; the office's moves arrive by sync.

mod act;
mod history;

use crate::clock::{fmt_date, now_ms};
use crate::i18n::use_i18n;
use crate::storage::findings;
use dudao_domain::datetime::Date;
use dudao_domain::finding_record::FindingRecord;
use dudao_domain::rectify::{standing, Standing};
use dudao_domain::template::Severity;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

#[component]
pub fn FindingPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").unwrap_or_default());
    // Read again when a sync brought the office's moves.
    let synced = use_context::<crate::sync::SyncService>().map(|s| s.records_changed);
    let loaded = LocalResource::new(move || {
        if let Some(n) = synced {
            n.track();
        }
        let id = id();
        async move { findings::get_in(&crate::storage::repo::db().await?, &id).await }
    });
    // The record as shown: as read, then as each move stored it.
    let record = RwSignal::new(None::<FindingRecord>);
    Effect::new(move |_| {
        if let Some(Ok(r)) = loaded.get() {
            record.set(r);
        }
    });
    view! {
        <section class="page finding-page">
            <p class="back"><A href="/findings" attr:class="back-link" attr:data-testid="finding-page-back">{move || i18n.t().rectify.back}</A></p>
            <Suspense fallback=move || view! { <p class="empty">{move || i18n.t().loading}</p> }>
                {move || loaded.get().map(|r| match r {
                    Err(e) => view! { <p class="empty error" role="alert">{move || e.user_message(i18n.t())}</p> }.into_any(),
                    Ok(None) => view! { <p class="empty" data-testid="finding-missing">{move || i18n.t().rectify.not_here}</p> }.into_any(),
                    Ok(Some(_)) => view! {
                        <Details record/>
                        <history::History record/>
                        <act::Act record/>
                    }.into_any(),
                })}
            </Suspense>
        </section>
    }
}

/// What was found, where it stands and where it comes from.
#[component]
fn Details(record: RwSignal<Option<FindingRecord>>) -> impl IntoView {
    let i18n = use_i18n();
    move || {
        record.get().map(|r| {
            let f = r.finding();
            let st = standing(f.status, f.severity, f.deadline, Date::of_ms(now_ms()));
            let (sev, status) = (f.severity, f.status);
            let term = (f.term(false), f.term(true));
            let o = r.origin.clone();
            let opinion = format!("/visits/{}/opinion", o.visit_id);
            let no = o.opinion_no.clone().map(|n| format!("{n} · ")).unwrap_or_default();
            let section = o.section.clone();
            view! {
                <article class="finding-detail" data-testid="finding-detail" data-status=status.key()
                    data-standing=st.key()>
                    <p class="finding-head">
                        <span class="badge status" data-testid="finding-status">
                            {move || if i18n.en() { status.en() } else { status.zh() }}
                        </span>
                        {(st != Standing::Done).then(|| view! {
                            " "
                            <span class=format!("badge standing {}", st.key()) data-testid="finding-standing">
                                {move || if i18n.en() { st.en() } else { st.zh() }}
                            </span>
                        })}
                        " "
                        <span class="badge" class:major=sev == Severity::Major>
                            {move || if i18n.en() { sev.en() } else { sev.zh() }}
                        </span>
                    </p>
                    <h1 class="finding-title" data-testid="finding-description">{f.description.clone()}</h1>
                    <dl class="finding-facts">
                        <dt>{move || i18n.t().rectify.requirement}</dt>
                        <dd data-testid="finding-requirement">{f.requirement.clone()}</dd>
                        <dt>{move || i18n.t().findings_term}</dt>
                        <dd data-testid="finding-term">{move || if i18n.en() { term.1.clone() } else { term.0.clone() }}</dd>
                        {(!f.owner.trim().is_empty()).then(|| view! {
                            <dt>{move || i18n.t().findings_owner}</dt>
                            <dd>{f.owner.clone()}</dd>
                        })}
                        <dt>{move || i18n.t().rectify.school}</dt>
                        <dd data-testid="finding-school">{o.school_name.clone()}</dd>
                        <dt>{move || i18n.t().rectify.items}</dt>
                        <dd>{move || format!("{} · {}", section.get(i18n.en()), o.item_codes.join("、"))}</dd>
                    </dl>
                    <p class="meta">
                        {move || (i18n.t().rectify.origin)(&no, &fmt_date(o.raised_at, i18n.en()), &o.raised_by)}
                        " · " <A href=opinion>{move || i18n.t().rectify.open_opinion}</A>
                    </p>
                </article>
            }
        })
    }
}
