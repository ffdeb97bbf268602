//! 整改: the findings of every finished or signed visit on this phone (made here or pulled from
//! the server), the most urgent first: 挂牌督办, then 逾期 (the latest first), then by the days
//! left (`dudao_domain::rectify::standing`). Filters by school and by status; closed and
//! withdrawn ones behind their own filter. A signed visit's finding is a record of its own
//! (`storage::findings`): it stands where its record says (moved by the office or a 复查, pulled
//! from the server) and a tap opens it (`pages::finding`), with its history and the 复查. A
//! finished visit's, not signed yet, opens the visit's review.

use crate::clock::{fmt_date, now_ms};
use crate::i18n::use_i18n;
use crate::storage::repo;
use dudao_domain::datetime::Date;
use dudao_domain::finding::{Finding, FindingStatus};
use dudao_domain::finding_record::FindingRecord;
use dudao_domain::rectify::{is_open, standing, Standing};
use dudao_domain::template::Severity;
use dudao_domain::{Visit, VisitState};
use leptos::prelude::*;
use leptos_router::components::A;
use std::collections::HashSet;

/// Where a tap on a finding of this visit leads.
pub fn target(v: &Visit) -> String {
    match v.state {
        VisitState::Signed | VisitState::Synced => format!("/visits/{}/opinion", v.id),
        _ => format!("/visits/{}/review", v.id),
    }
}

/// One finding in the list, with what the list needs of its visit.
#[derive(Clone)]
struct Row {
    finding: Finding,
    standing: Standing,
    school_id: String,
    school: String,
    visited_at: i64,
    href: String,
}

/// Which findings the list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Show {
    Open,
    Status(FindingStatus),
    /// 已销号 and 已撤销.
    Done,
}

const STATUS_FILTERS: [FindingStatus; 4] = [
    FindingStatus::Pending,
    FindingStatus::Rectifying,
    FindingStatus::AwaitingRecheck,
    FindingStatus::AwaitingClose,
];

fn rows_of(visits: Vec<Visit>, records: Vec<FindingRecord>, today: Date) -> Vec<Row> {
    let row = |f: Finding, school_id: &str, school: &str, visited_at: i64, href: String| Row {
        standing: standing(f.status, f.severity, f.deadline, today),
        finding: f,
        school_id: school_id.to_owned(),
        school: school.to_owned(),
        visited_at,
        href,
    };
    // A signed visit's findings are records: they open on their own page.
    let recorded: HashSet<String> = records.iter().map(|r| r.id.clone()).collect();
    let mut rows: Vec<Row> = records
        .iter()
        .map(|r| {
            row(
                r.finding(),
                &r.origin.school_id,
                &r.origin.school_name,
                r.origin.raised_at,
                format!("/findings/{}", r.id),
            )
        })
        .collect();
    // A finished visit's, not signed yet (and a signed one's whose record is still to be made).
    for v in visits.iter().filter(|v| v.state != VisitState::Draft) {
        let href = target(v);
        for f in v.findings.iter().filter(|f| !recorded.contains(&f.id)) {
            rows.push(row(
                f.clone(),
                &v.school_id,
                &v.school.name,
                v.started_at,
                href.clone(),
            ));
        }
    }
    rows.sort_by(|a, b| {
        (a.standing, std::cmp::Reverse(a.visited_at))
            .cmp(&(b.standing, std::cmp::Reverse(b.visited_at)))
    });
    rows
}

#[component]
pub fn FindingsPage() -> impl IntoView {
    let i18n = use_i18n();
    // Read again when sync brought visits made or changed elsewhere.
    let synced = use_context::<crate::sync::SyncService>().map(|s| s.records_changed);
    let rows = LocalResource::new(move || {
        if let Some(n) = synced {
            n.track();
        }
        async {
            let today = Date::of_ms(now_ms());
            let visits = repo::list_visits().await?;
            let records = crate::storage::findings::list().await?;
            Ok::<_, crate::storage::StorageError>(rows_of(visits, records, today))
        }
    });
    let show = RwSignal::new(Show::Open);
    // `?school=` (from a school's 先复查 link) chooses the school.
    let query = leptos_router::hooks::use_query_map();
    let school = RwSignal::new(query.with_untracked(|q| q.get("school").unwrap_or_default()));
    view! {
        <section class="page findings-page">
            <h1>{move || i18n.t().findings_title}</h1>
            <Suspense fallback=move || view! { <p class="empty">{move || i18n.t().loading}</p> }>
                {move || rows.get().map(|r| match r {
                    Ok(all) if all.is_empty() => {
                        view! { <p class="empty" data-testid="no-findings">{move || i18n.t().no_open_findings}</p> }.into_any()
                    }
                    Ok(all) => view! { <FindingList all show school/> }.into_any(),
                    Err(e) => view! { <p class="empty error" role="alert">{move || e.user_message(i18n.t())}</p> }.into_any(),
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn FindingList(all: Vec<Row>, show: RwSignal<Show>, school: RwSignal<String>) -> impl IntoView {
    let i18n = use_i18n();
    let all = StoredValue::new(all);
    // The schools with findings, in the order of their most urgent one.
    let schools = all.with_value(|rows| {
        let mut seen: Vec<(String, String)> = Vec::new();
        for r in rows {
            if !seen.iter().any(|(id, _)| *id == r.school_id) {
                seen.push((r.school_id.clone(), r.school.clone()));
            }
        }
        seen
    });
    let of_school = move |r: &Row| school.with(|s| s.is_empty() || *s == r.school_id);
    let shown = move || {
        all.with_value(|rows| {
            rows.iter()
                .filter(|r| of_school(r))
                .filter(|r| match show.get() {
                    Show::Open => is_open(r.finding.status),
                    Show::Status(s) => r.finding.status == s,
                    Show::Done => !is_open(r.finding.status),
                })
                .cloned()
                .collect::<Vec<_>>()
        })
    };
    // 共 N 条待整改 · 逾期 X 条 · 挂牌督办 Y 条, for the school chosen.
    let counts = move || {
        all.with_value(|rows| {
            let open: Vec<_> = rows
                .iter()
                .filter(|r| of_school(r) && is_open(r.finding.status))
                .collect();
            let supervised = open
                .iter()
                .filter(|r| matches!(r.standing, Standing::Supervised { .. }))
                .count();
            let overdue = open
                .iter()
                .filter(|r| matches!(r.standing, Standing::Overdue { .. }))
                .count()
                + supervised;
            (i18n.t().findings_counts)(open.len(), overdue, supervised)
        })
    };
    let chip = move |label: Signal<String>, value: Show, key: &'static str| {
        view! {
            <button class="chip" data-testid="finding-filter" data-filter=key
                class:on=move || show.get() == value aria-pressed=move || (show.get() == value).to_string()
                on:click=move |_| show.set(value)>
                {label}
            </button>
        }
    };
    view! {
        <p class="findings-counts" data-testid="findings-counts">{counts}</p>
        <div class="finding-filters">
            <select class="school-select" data-testid="finding-school-filter" aria-label=move || i18n.t().findings_school
                on:change=move |ev| school.set(event_target_value(&ev))>
                <option value="">{move || i18n.t().findings_all_schools}</option>
                {schools.into_iter().map(|(id, name)| {
                    let chosen = school.get_untracked() == id;
                    view! { <option value=id selected=chosen>{name}</option> }
                }).collect_view()}
            </select>
            <div class="chips" role="group" aria-label=move || i18n.t().findings_status>
                {chip(Signal::derive(move || i18n.t().findings_open.to_owned()), Show::Open, "open")}
                {STATUS_FILTERS.map(|s| chip(
                    Signal::derive(move || (if i18n.en() { s.en() } else { s.zh() }).to_owned()),
                    Show::Status(s),
                    s.key(),
                )).into_iter().collect_view()}
                {chip(Signal::derive(move || i18n.t().findings_done.to_owned()), Show::Done, "done")}
            </div>
        </div>
        {move || {
            let rows = shown();
            if rows.is_empty() {
                return view! { <p class="empty" data-testid="no-findings">{move || i18n.t().findings_none_here}</p> }.into_any();
            }
            view! {
                <ol class="findings settled" data-testid="finding-list">
                    {rows.into_iter().map(|r| view! { <OpenFinding row=r/> }).collect_view()}
                </ol>
            }.into_any()
        }}
    }
}

#[component]
fn OpenFinding(row: Row) -> impl IntoView {
    let i18n = use_i18n();
    let f = row.finding;
    let (sev, status, st) = (f.severity, f.status, row.standing);
    let term_zh = f.term(false);
    let term_en = f.term(true);
    let owner = f.owner.trim().to_owned();
    let at = row.visited_at;
    view! {
        <li class="finding" data-testid="finding" data-id=f.id.clone()
            data-major=(sev == Severity::Major).to_string()
            data-status=status.key() data-standing=st.key()>
            <A href=row.href attr:class="finding-link">
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
                    {(sev == Severity::Major).then(|| view! {
                        " " <span class="badge major">{move || if i18n.en() { sev.en() } else { sev.zh() }}</span>
                    })}
                </p>
                <p class="finding-desc">{f.description.clone()}</p>
                <p class="meta">
                    <span data-testid="finding-term">
                        {move || format!("{}：{}", i18n.t().findings_term, if i18n.en() { term_en.clone() } else { term_zh.clone() })}
                    </span>
                    {(!owner.is_empty()).then(|| view! { " · " {move || format!("{}：{}", i18n.t().findings_owner, owner)} })}
                </p>
                <p class="meta">
                    <span data-testid="finding-school">{row.school}</span> " · " {move || fmt_date(at, i18n.en())} " ›"
                </p>
            </A>
        </li>
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
