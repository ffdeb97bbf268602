//! 学校: choose a school and start (or continue) a visit there. The list is the one stored on the
//! phone (the server's for the signed-in user, kept from the last fetch); not signed in, the
//! page asks to sign in ([`sign_in`]) and still lists what is stored.

mod sign_in;

use crate::clock::{fmt_date, now_ms};
use crate::i18n::use_i18n;
use crate::state::{use_app, SchoolsFetch};
use crate::storage::{prefs, repo, StorageError};
use dudao_domain::rectify::is_open;
use dudao_domain::{Checklist, School, Stage, Template, Visit, VisitState};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_navigate;
use sign_in::{use_sign_in_reason, SignInPrompt};
use std::collections::HashMap;

/// What the phone knows of a school from its own visits.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
struct SchoolStats {
    /// When the latest visit started (Unix ms), drafts included: the supervisor was there.
    last_visit: Option<i64>,
    /// Findings of finished or signed visits still to be put right.
    open_findings: usize,
    /// Some visit here was finished: only then can the phone say whether anything is open.
    settled: bool,
}

/// Whether `school` is one of this supervisor's: their name is on its 挂牌督导 plaque.
fn is_mine(school: &School, me: &str) -> bool {
    let me = me.trim();
    !me.is_empty() && school.supervisor.trim() == me
}

/// The order to plan the month in. The supervisor's own schools first: as 责任督学 they must
/// visit each of them regularly, and the other schools are only theirs to visit when the office
/// sends them. Within each group, schools never visited come first, then the one visited longest
/// ago: what is most overdue is at the top, and a school just visited sinks to the bottom.
/// Ties keep the office's order (district, then code), as the sort is stable.
fn plan_order(list: &mut [School], me: &str, stats: &HashMap<String, SchoolStats>) {
    list.sort_by_key(|s| {
        let last = stats.get(&s.id).and_then(|x| x.last_visit);
        (!is_mine(s, me), last.is_some(), last)
    });
}

#[component]
pub fn SchoolsPage() -> impl IntoView {
    let i18n = use_i18n();
    let app = use_app();
    let query = RwSignal::new(String::new());
    let stage = RwSignal::new(None::<Stage>);
    let open = RwSignal::new(None::<String>);
    // Unreadable storage is said (below the search), never shown as schools without visits.
    let visits = LocalResource::new(|| async { repo::list_visits().await });
    // The name this phone's supervisor last started a visit under.
    let me = StoredValue::new(prefs::supervisor());

    // A signed visit's findings stand where their records say (a 复查 may have closed them).
    let records = LocalResource::new(|| async { crate::storage::findings::list().await });

    let stats = Memo::new(move |_| {
        let mut m = HashMap::<String, SchoolStats>::new();
        let recorded: HashMap<String, (String, bool)> = match records.get() {
            Some(Ok(rs)) => rs
                .iter()
                .map(|r| {
                    (
                        r.id.clone(),
                        (r.origin.school_id.clone(), is_open(r.status())),
                    )
                })
                .collect(),
            _ => HashMap::new(),
        };
        if let Some(Ok(vs)) = visits.get() {
            for v in vs.iter() {
                let e = m.entry(v.school_id.clone()).or_default();
                e.last_visit = e.last_visit.max(Some(v.started_at));
                e.settled |= v.state != VisitState::Draft;
                if v.state != VisitState::Draft {
                    e.open_findings += v
                        .findings
                        .iter()
                        .filter(|f| !recorded.contains_key(&f.id))
                        .count();
                }
            }
        }
        // Every record, also of visits pulled from another phone.
        for (school, open) in recorded.into_values() {
            let e = m.entry(school).or_default();
            e.settled = true;
            e.open_findings += usize::from(open);
        }
        m
    });

    // The schools the search matches, before the stage filter: the chips count these.
    let searched = Memo::new(move |_| {
        let q = query.get().trim().to_lowercase();
        app.schools
            .get()
            .into_iter()
            .filter(|s| {
                q.is_empty()
                    || s.name.to_lowercase().contains(&q)
                    || s.code.to_lowercase().contains(&q)
            })
            .collect::<Vec<_>>()
    });
    // A chip for every stage the county has, in the usual order, even when the search hides
    // all of its schools (the count then says 0), so the chips do not jump about while typing.
    let stages = Memo::new(move |_| {
        app.schools.with(|l| {
            Stage::ALL
                .into_iter()
                .filter(|st| l.iter().any(|s| s.stage == *st))
                .collect::<Vec<_>>()
        })
    });

    let shown = move || {
        let st = stage.get();
        let mut list: Vec<School> = searched.with(|l| {
            l.iter()
                .filter(|s| st.is_none() || st == Some(s.stage))
                .cloned()
                .collect()
        });
        stats.with(|m| me.with_value(|me| plan_order(&mut list, me, m)));
        list
    };

    let sign_in = use_sign_in_reason();
    let has_schools = Memo::new(move |_| !app.schools.with(Vec::is_empty));
    // With nothing stored and no sign-in, the prompt is the page; otherwise it heads the list.
    let empty_text = move || {
        let t = i18n.t();
        if !app.schools_loaded.get() || app.schools_fetch.get() == SchoolsFetch::Pending {
            t.loading
        } else if app.schools_fetch.get() == SchoolsFetch::Fetched {
            t.no_schools_assigned
        } else {
            t.no_schools
        }
    };

    view! {
        <section class="page">
            {move || sign_in.get().map(|reason| view! { <SignInPrompt reason cached=has_schools/> })}
            <Show
                when=move || has_schools.get()
                fallback=move || {
                    view! {
                        <Show when=move || sign_in.with(Option::is_none)>
                            <p class="empty" data-testid="schools-empty">{empty_text}</p>
                        </Show>
                    }
                }
            >
                {move || visits.get().and_then(Result::err).map(|e| view! {
                    <p class="sync-error" role="alert" data-testid="visits-read-error">
                        {move || e.user_message(i18n.t())}
                    </p>
                })}
                <input
                    class="search"
                    type="search"
                    data-testid="school-search"
                    placeholder=move || i18n.t().search_schools
                    aria-label=move || i18n.t().search_schools
                    prop:value=query
                    on:input=move |ev| query.set(event_target_value(&ev))
                />
                <div class="stage-filter" role="group" aria-label=move || i18n.t().stage_filter>
                    <button
                        class="chip"
                        data-testid="stage-filter"
                        data-stage="all"
                        class:on=move || stage.get().is_none()
                        aria-pressed=move || stage.get().is_none().to_string()
                        on:click=move |_| stage.set(None)
                    >
                        {move || i18n.t().all_stages}
                        <small>{move || format!(" {}", searched.with(Vec::len))}</small>
                    </button>
                    <For each=move || stages.get() key=|st| *st let:st>
                        <button
                            class="chip"
                            data-testid="stage-filter"
                            data-stage=st.zh()
                            class:on=move || stage.get() == Some(st)
                            aria-pressed=move || (stage.get() == Some(st)).to_string()
                            on:click=move |_| stage.set(if stage.get_untracked() == Some(st) { None } else { Some(st) })
                        >
                            {move || if i18n.en() { st.en() } else { st.zh() }}
                            <small>{move || format!(" {}", searched.with(|l| l.iter().filter(|s| s.stage == st).count()))}</small>
                        </button>
                    </For>
                </div>
                <ul class="cards">
                    <For each=shown key=|s| s.id.clone() let:school>
                        {
                            let mine = me.with_value(|me| is_mine(&school, me));
                            view! { <SchoolCard school mine stats open visits=visits/> }
                        }
                    </For>
                </ul>
                <Show when=move || shown().is_empty()>
                    <p class="empty">{move || i18n.t().no_schools_match}</p>
                </Show>
            </Show>
        </section>
    }
}

#[component]
fn SchoolCard(
    school: School,
    /// The school's 责任督学 is this phone's supervisor.
    mine: bool,
    stats: Memo<HashMap<String, SchoolStats>>,
    /// Which school's start panel is open.
    open: RwSignal<Option<String>>,
    visits: LocalResource<Result<Vec<Visit>, StorageError>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let id = school.id.clone();
    let id2 = id.clone();
    let is_open = Memo::new(move |_| open.get().as_deref() == Some(id.as_str()));
    let sid = school.id.clone();
    let mine_stats = Memo::new(move |_| stats.with(|m| m.get(&sid).copied()));
    let stage = school.stage;
    let enrolment = school.enrolment;
    let boarding = school.boarding;
    let supervisor = school.supervisor.clone();
    let code = school.code.clone();
    view! {
        <li class="card school" data-testid="school-card" data-code=code
            data-stage=stage.zh() data-mine=mine.to_string()>
            <button
                class="card-main"
                aria-expanded=move || is_open.get().to_string()
                on:click=move |_| open.update(|o| *o = if o.as_deref() == Some(id2.as_str()) { None } else { Some(id2.clone()) })
            >
                <span class="title">
                    {school.name.clone()}
                    {mine.then(|| view! {
                        " " <span class="badge mine" data-testid="school-mine">{move || i18n.t().mine}</span>
                    })}
                </span>
                <span class="meta">
                    <span class="badge stage">{move || if i18n.en() { stage.en() } else { stage.zh() }}</span>
                    " "
                    {move || (i18n.t().pupils)(enrolment)}
                    {move || boarding.then(|| format!(" · {}", i18n.t().boarding))}
                    " · "
                    {school.district.clone()}
                </span>
                {(!supervisor.is_empty()).then(|| view! {
                    <span class="meta">{move || format!("{}：{}", i18n.t().responsible_supervisor, supervisor)}</span>
                })}
                <span class="meta visit-line">
                    <span data-testid="school-last-visit">
                        {move || match mine_stats.get().and_then(|s| s.last_visit) {
                            Some(ms) => format!("{}：{}", i18n.t().last_visit, fmt_date(ms, i18n.en())),
                            None => i18n.t().never_visited.to_owned(),
                        }}
                    </span>
                    // Only a finished visit from this phone can say whether anything is open.
                    {move || mine_stats.get().filter(|s| s.settled).map(|s| {
                        let n = s.open_findings;
                        view! {
                            " "
                            <span class="badge" class:to-rectify={n > 0} data-testid="school-open-findings"
                                data-count=n.to_string()>
                                {move || if n > 0 { (i18n.t().to_rectify)(n) } else { i18n.t().nothing_to_rectify.to_owned() }}
                            </span>
                        }
                    })}
                </span>
            </button>
            <Show when=move || is_open.get()>
                <StartPanel school=school.clone() visits
                    open_findings=Signal::derive(move || mine_stats.get().map_or(0, |s| s.open_findings))/>
            </Show>
        </li>
    }
}

/// Pick templates and the supervisor's name, then start; or continue a draft of this school.
#[component]
fn StartPanel(
    school: School,
    visits: LocalResource<Result<Vec<Visit>, StorageError>>,
    /// The school's findings not yet 销号: a visit starts by rechecking them.
    open_findings: Signal<usize>,
) -> impl IntoView {
    let i18n = use_i18n();
    let app = use_app();
    let navigate = use_navigate();
    let recheck = format!("/findings?school={}", school.id);
    // Offer last visit's choice again; the first time, the first template (the monthly round).
    // Until the supervisor ticks something, the default follows the library as it arrives.
    let chosen = RwSignal::new(None::<Vec<String>>);
    let ticked = Signal::derive(move || {
        chosen.get().unwrap_or_else(|| {
            app.library.with(|lib| {
                let ids: Vec<String> = prefs::last_templates()
                    .unwrap_or_default()
                    .into_iter()
                    .filter(|id| lib.iter().any(|t| &t.id == id))
                    .collect();
                if ids.is_empty() {
                    lib.first().map(|t| vec![t.id.clone()]).unwrap_or_default()
                } else {
                    ids
                }
            })
        })
    });
    let toggle = Callback::new(move |(id, on): (String, bool)| {
        let mut ids = ticked.get_untracked();
        ids.retain(|k| k != &id);
        if on {
            ids.push(id);
        }
        chosen.set(Some(ids));
    });
    let name = RwSignal::new(prefs::supervisor());
    // Signed in, the account's name is the supervisor's: the office knows them by it.
    let sync = use_context::<crate::sync::SyncService>();
    let account_name = move || {
        sync.and_then(|s| {
            s.account
                .with(|a| a.as_ref().map(|a| a.user.display_name.clone()))
        })
    };
    let sid = school.id.clone();
    let draft = move || {
        visits.get().and_then(Result::ok).and_then(|vs| {
            vs.into_iter()
                .find(|v| v.school_id == sid && v.state == VisitState::Draft)
        })
    };
    let nav = navigate.clone();
    let start = {
        let school = school.clone();
        move |_| {
            let t = i18n.t();
            let picked: Vec<Template> = app
                .library
                .get_untracked()
                .into_iter()
                .filter(|tpl| ticked.with(|c| c.contains(&tpl.id)))
                .collect();
            if picked.is_empty() {
                app.say(t.need_template);
                return;
            }
            let who =
                untrack(account_name).unwrap_or_else(|| name.get_untracked().trim().to_owned());
            if who.is_empty() {
                app.say(t.need_name);
                return;
            }
            prefs::set_supervisor(&who);
            prefs::set_last_templates(&ticked.get_untracked());
            let refs: Vec<&Template> = picked.iter().collect();
            let visit = Visit::new(
                uuid::Uuid::now_v7().to_string(),
                &school,
                who,
                &refs,
                now_ms(),
            );
            let nav = nav.clone();
            spawn_local(async move {
                let created = crate::visit_edit::create(&visit, &picked);
                match created.await {
                    Ok(_) => {
                        app.refresh_pending();
                        nav(&format!("/visits/{}", visit.id), Default::default());
                    }
                    Err(e) => app.say(e.user_message(i18n.t())),
                }
            });
        }
    };
    view! {
        <div class="start-panel">
            {move || (open_findings.get() > 0).then(|| view! {
                <leptos_router::components::A href=recheck.clone() attr:class="recheck-first" attr:data-testid="recheck-first">
                    {move || (i18n.t().rectify.open_findings_here)(open_findings.get())}
                </leptos_router::components::A>
            })}
            {move || draft().map(|d| {
                let nav = navigate.clone();
                view! {
                    <button class="btn primary wide" data-testid="continue-visit"
                        on:click=move |_| nav(&format!("/visits/{}", d.id), Default::default())>
                        {move || i18n.t().continue_visit}
                    </button>
                }
            })}
            <fieldset>
                <legend>{move || i18n.t().choose_templates}</legend>
                <For each=move || app.library.get() key=Template::key let:tpl>
                    <TemplateOption tpl school=school.clone() ticked toggle/>
                </For>
            </fieldset>
            {move || match account_name() {
                Some(who) => view! {
                    <p class="field account-supervisor">
                        <span>{move || i18n.t().sync.supervisor_from_account}</span>
                        <strong data-testid="supervisor-account">{who}</strong>
                    </p>
                }.into_any(),
                None => view! {
                    <label class="field">
                        <span>{move || i18n.t().supervisor_name}</span>
                        <input type="text" data-testid="supervisor-name" autocomplete="name"
                            placeholder=move || i18n.t().supervisor_placeholder
                            prop:value=name on:input=move |ev| name.set(event_target_value(&ev))/>
                    </label>
                }.into_any(),
            }}
            <button class="btn primary wide" data-testid="start-visit" on:click=start>
                {move || i18n.t().start_visit}
            </button>
        </div>
    }
}

/// One template to tick: its title, how many of its items apply here, and whether the district
/// adjusted its thresholds.
#[component]
fn TemplateOption(
    tpl: Template,
    school: School,
    ticked: Signal<Vec<String>>,
    toggle: Callback<(String, bool)>,
) -> impl IntoView {
    let i18n = use_i18n();
    let id = tpl.id.clone();
    let id2 = id.clone();
    let here = Checklist::new(&[&tpl], &school)
        .visible(&Default::default())
        .len();
    let district = tpl.local.as_ref().map(|l| l.district.clone());
    let title = tpl.title.clone();
    view! {
        <label class="check template-option" data-testid="template-option" data-template=tpl.id.clone()>
            <input type="checkbox"
                prop:checked=move || ticked.with(|c| c.contains(&id))
                on:change=move |ev| {
                    let on = event_target_checked(&ev);
                    toggle.run((id2.clone(), on));
                }/>
            <span class="option-text">
                <span>{move || title.get(i18n.en()).to_owned()}</span>
                <span class="meta">
                    {move || (i18n.t().items_here)(here)}
                    {district.clone().map(|d| view! {
                        " · " <span class="badge local">{move || (i18n.t().local_thresholds)(&d)}</span>
                    })}
                </span>
            </span>
        </label>
    }
}
