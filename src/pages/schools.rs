//! 学校: choose a school and start (or continue) a visit there.

use crate::i18n::use_i18n;
use crate::pages::{fmt_date, now_ms};
use crate::state::use_app;
use crate::storage::{prefs, repo};
use dudao_domain::{Checklist, School, Template, Visit, VisitState};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_navigate;

#[component]
pub fn SchoolsPage() -> impl IntoView {
    let i18n = use_i18n();
    let app = use_app();
    let query = RwSignal::new(String::new());
    let open = RwSignal::new(None::<String>);
    let visits = LocalResource::new(|| async { repo::list_visits().await.unwrap_or_default() });

    let shown = move || {
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
    };

    view! {
        <section class="page">
            <input
                class="search"
                type="search"
                data-testid="school-search"
                placeholder=move || i18n.t().search_schools
                aria-label=move || i18n.t().search_schools
                prop:value=query
                on:input=move |ev| query.set(event_target_value(&ev))
            />
            <Show
                when=move || !app.schools.with(Vec::is_empty)
                fallback=move || {
                    view! {
                        <p class="empty">
                            {move || if app.schools_loaded.get() { i18n.t().no_schools } else { i18n.t().loading }}
                        </p>
                    }
                }
            >
                <ul class="cards">
                    <For each=shown key=|s| s.id.clone() let:school>
                        <SchoolCard school open visits=visits/>
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
    /// Which school's start panel is open.
    open: RwSignal<Option<String>>,
    visits: LocalResource<Vec<Visit>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let id = school.id.clone();
    let id2 = id.clone();
    let is_open = Memo::new(move |_| open.get().as_deref() == Some(id.as_str()));
    let sid = school.id.clone();
    let last_visit = move || {
        visits.get().and_then(|vs| {
            vs.iter()
                .filter(|v| v.school_id == sid)
                .map(|v| v.started_at)
                .max()
        })
    };
    let stage = school.stage;
    let enrolment = school.enrolment;
    let boarding = school.boarding;
    view! {
        <li class="card school" data-testid="school-card">
            <button
                class="card-main"
                aria-expanded=move || is_open.get().to_string()
                on:click=move |_| open.update(|o| *o = if o.as_deref() == Some(id2.as_str()) { None } else { Some(id2.clone()) })
            >
                <span class="title">{school.name.clone()}</span>
                <span class="meta">
                    {move || if i18n.en() { stage.en() } else { stage.zh() }}
                    " · "
                    {move || (i18n.t().pupils)(enrolment)}
                    {move || boarding.then(|| format!(" · {}", i18n.t().boarding))}
                    " · "
                    {school.district.clone()}
                </span>
                <span class="meta">
                    {move || match last_visit() {
                        Some(ms) => format!("{}：{}", i18n.t().last_visit, fmt_date(ms, i18n.en())),
                        None => i18n.t().never_visited.to_owned(),
                    }}
                </span>
            </button>
            <Show when=move || is_open.get()>
                <StartPanel school=school.clone() visits/>
            </Show>
        </li>
    }
}

/// Pick templates and the supervisor's name, then start; or continue a draft of this school.
#[component]
fn StartPanel(school: School, visits: LocalResource<Vec<Visit>>) -> impl IntoView {
    let i18n = use_i18n();
    let app = use_app();
    let navigate = use_navigate();
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
    let sid = school.id.clone();
    let draft = move || {
        visits.get().and_then(|vs| {
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
            let who = name.get_untracked().trim().to_owned();
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
                let created = async {
                    repo::pin_templates(&picked).await?;
                    let all = serde_json::to_value(&visit).unwrap_or_default();
                    repo::save_visit(
                        &visit,
                        vec![repo::FieldOp {
                            field: "*".into(),
                            value: all,
                        }],
                    )
                    .await
                };
                match created.await {
                    Ok(()) => {
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
            <label class="field">
                <span>{move || i18n.t().supervisor_name}</span>
                <input type="text" data-testid="supervisor-name" autocomplete="name"
                    placeholder=move || i18n.t().supervisor_placeholder
                    prop:value=name on:input=move |ev| name.set(event_target_value(&ev))/>
            </label>
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
