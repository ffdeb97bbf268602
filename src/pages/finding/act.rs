//! What the supervisor records on a finding now, offline as well: the school's progress (开始整改,
//! 报送整改情况 with its 整改报告), the 复查 on the spot (通过, with a photo of the fix for a 重大
//! finding; 未通过, with what is still wrong and a new deadline), a 立行立改 put right. Only the
//! moves the workflow table allows this account are offered (`rectify::offered`); the move is
//! checked again as it is stored, on the record as stored then.

use crate::clock::now_ms;
use crate::components::date_input::DateInput;
use crate::i18n::use_i18n;
use crate::photo::{process, PhotoInput};
use crate::state::use_app;
use crate::storage::findings::{record_move, MoveError, CLOSE_RULE};
use crate::storage::photos::{object_url, revoke_object_url, StoredPhoto};
use dudao_domain::datetime::Date;
use dudao_domain::finding_record::FindingRecord;
use dudao_domain::rectify::{offered, Action, Actor, Move};
use dudao_domain::template::Severity;
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;
use web_sys::{File, HtmlInputElement};

fn actor_of(role: &str) -> Actor {
    match role {
        "office" => Actor::Office,
        "admin" => Actor::Admin,
        _ => Actor::Supervisor,
    }
}

/// The key a test or a style finds an action's button by.
fn key(a: &Action) -> &'static str {
    match a {
        Action::StartRectifying => "start",
        Action::ReportDone => "report",
        Action::RecheckPassed => "passed",
        Action::RecheckFailed { .. } => "failed",
        Action::Close => "close",
        Action::Withdraw => "withdraw",
        Action::FixedOnSpot => "fixed",
    }
}

#[component]
pub fn Act(record: RwSignal<Option<FindingRecord>>) -> impl IntoView {
    let i18n = use_i18n();
    let sync = crate::sync::use_sync();
    let today = Date::of_ms(now_ms());
    let actor = Memo::new(move |_| {
        sync.account.with(|a| {
            a.as_ref().map(|a| {
                (
                    a.user.username.clone(),
                    a.user.display_name.clone(),
                    actor_of(&a.user.role),
                )
            })
        })
    });
    let moves = Memo::new(move |_| {
        let who = actor
            .with(|a| a.as_ref().map(|a| a.2))
            .unwrap_or(Actor::Supervisor);
        record.with(|r| {
            r.as_ref()
                .map(|r| offered(r.status(), who, &r.facts(CLOSE_RULE, today)))
                .unwrap_or_default()
        })
    });
    let chosen = RwSignal::new(None::<Action>);
    // What was just recorded, said on the page (not a notice that must be closed).
    let done = RwSignal::new(None::<String>);
    view! {
        <section class="finding-act" data-testid="finding-act">
            <h2>{move || i18n.t().rectify.act_heading}</h2>
            {move || done.get().map(|d| view! { <p class="act-done" role="status" data-testid="act-done">{d}</p> })}
            {move || {
                if moves.with(Vec::is_empty) {
                    return view! { <p class="empty" data-testid="act-none">{move || i18n.t().rectify.act_none}</p> }.into_any();
                }
                if sync.ready.get() && actor.with(Option::is_none) {
                    return view! {
                        <p class="empty" data-testid="act-need-login">{move || i18n.t().rectify.need_login}</p>
                        <a class="btn" href="/login">{move || i18n.t().sync.sign_in}</a>
                    }.into_any();
                }
                view! {
                    <div class="act-choices" role="group" aria-label=move || i18n.t().rectify.act_heading>
                        {moves.get().into_iter().map(|a| {
                            let (k, a2, a3) = (key(&a), a.clone(), a.clone());
                            view! {
                                <button class="btn act" data-testid="act-choice" data-action=k
                                    class:on=move || chosen.with(|c| c.as_ref().map(key) == Some(k))
                                    aria-pressed=move || chosen.with(|c| c.as_ref().map(key) == Some(k)).to_string()
                                    on:click=move |_| { done.set(None); chosen.set(Some(a2.clone())) }>
                                    {move || if i18n.en() { a3.en() } else { a3.zh() }}
                                </button>
                            }
                        }).collect_view()}
                    </div>
                    {move || chosen.get().map(|a| view! { <MoveForm action=a record actor chosen done/> })}
                }.into_any()
            }}
        </section>
    }
}

#[component]
fn MoveForm(
    action: Action,
    record: RwSignal<Option<FindingRecord>>,
    actor: Memo<Option<(String, String, Actor)>>,
    chosen: RwSignal<Option<Action>>,
    done: RwSignal<Option<String>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let app = use_app();
    let sync = crate::sync::use_sync();
    let today = Date::of_ms(now_ms());
    let note = RwSignal::new(String::new());
    let deadline = RwSignal::new(None::<Date>);
    let photos = RwSignal::new_local(Vec::<(StoredPhoto, String)>::new());
    let busy = RwSignal::new(0usize);
    let saving = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    on_cleanup(move || {
        if let Some(p) = photos.try_get_untracked() {
            p.iter().for_each(|(_, u)| revoke_object_url(u));
        }
    });
    let major =
        record.with_untracked(|r| r.as_ref().is_some_and(|r| r.severity == Severity::Major));
    // The hint for this move, read in the language shown (one table, both languages).
    let hint_of = {
        let action = action.clone();
        move |t: &crate::i18n::Strings| {
            let t = t.rectify;
            match &action {
                Action::FixedOnSpot => t.hint_fixed_on_spot,
                Action::StartRectifying => t.hint_start,
                Action::ReportDone => t.hint_report,
                Action::RecheckPassed if major => t.hint_passed_major,
                Action::RecheckPassed => t.hint_passed,
                Action::RecheckFailed { .. } => t.hint_failed,
                Action::Close | Action::Withdraw => "",
            }
        }
    };
    let failing = matches!(action, Action::RecheckFailed { .. });
    let note_label = match &action {
        Action::RecheckPassed => |t: &crate::i18n::Strings| t.rectify.note_passed,
        Action::RecheckFailed { .. } => |t: &crate::i18n::Strings| t.rectify.note_failed,
        _ => |t: &crate::i18n::Strings| t.rectify.note_label,
    };

    let add = move |file: File| async move {
        let Some(input) = record.with_untracked(|r| {
            r.as_ref().map(|r| PhotoInput {
                id: uuid::Uuid::now_v7().to_string(),
                visit_id: r.origin.visit_id.clone(),
                item_code: r.origin.item_codes.first().cloned().unwrap_or_default(),
                school: r.origin.school_name.clone(),
                supervisor: actor
                    .with_untracked(|a| a.as_ref().map(|a| a.1.clone()))
                    .unwrap_or_default(),
                taken_at: now_ms(),
            })
        }) else {
            return;
        };
        match process(&file, input).await {
            Ok(p) => {
                let url = object_url(&p.thumb);
                if photos.try_update(|l| l.push((p, url.clone()))).is_none() {
                    revoke_object_url(&url);
                }
            }
            Err(e) => {
                leptos::logging::error!("photo not taken: {e}");
                app.say(e.user_message(i18n.t()));
            }
        }
    };
    let on_files = move |ev: leptos::ev::Event| {
        let Some(input) = ev
            .target()
            .and_then(|t| t.dyn_into::<HtmlInputElement>().ok())
        else {
            return;
        };
        let files: Vec<File> = input
            .files()
            .map(|l| (0..l.length()).filter_map(|i| l.get(i)).collect())
            .unwrap_or_default();
        input.set_value("");
        busy.update(|n| *n += files.len());
        spawn_local(async move {
            for f in files {
                add(f).await;
                if busy.try_update(|n| *n = n.saturating_sub(1)).is_none() {
                    return;
                }
            }
        });
    };
    let on_take = on_files;
    let drop_photo = move |id: String| {
        photos.update(|l| {
            if let Some(i) = l.iter().position(|(p, _)| p.meta.id == id) {
                revoke_object_url(&l.remove(i).1);
            }
        });
    };

    let a = action.clone();
    let submit = move |_| {
        if saving.get_untracked() || busy.get_untracked() > 0 {
            return;
        }
        let Some((username, name, role)) = actor.get_untracked() else {
            return;
        };
        let Some(id) = record.with_untracked(|r| r.as_ref().map(|r| r.id.clone())) else {
            return;
        };
        let action = match &a {
            Action::RecheckFailed { .. } => match deadline.get_untracked() {
                Some(d) => Action::RecheckFailed { deadline: d },
                None => return error.set(Some(i18n.t().rectify.need_deadline.into())),
            },
            other => other.clone(),
        };
        let taken: Vec<StoredPhoto> =
            photos.with_untracked(|l| l.iter().map(|(p, _)| p.clone()).collect());
        let m = Move {
            id: uuid::Uuid::now_v7().to_string(),
            at: now_ms(),
            by: username,
            by_name: name,
            role,
            action: action.clone(),
            note: note.get_untracked(),
            photos: taken.iter().map(|p| p.meta.id.clone()).collect(),
        };
        saving.set(true);
        error.set(None);
        spawn_local(async move {
            let stored = record_move(&id, m, &taken, Date::of_ms(now_ms())).await;
            let _ = saving.try_set(false);
            match stored {
                Ok(r) => {
                    record.set(Some(r));
                    done.set(Some((i18n.t().rectify.saved)(if i18n.en() {
                        action.en()
                    } else {
                        action.zh()
                    })));
                    app.refresh_pending();
                    sync.sync_now();
                    // The form goes; its photos are stored now.
                    let _ = chosen.try_set(None);
                }
                Err(MoveError::Refused(e)) => {
                    let _ = error.try_set(Some(if i18n.en() { e.to_string() } else { e.zh() }));
                }
                Err(MoveError::Missing(_)) => {
                    let _ = error.try_set(Some(i18n.t().rectify.not_here.into()));
                }
                Err(MoveError::Storage(e)) => {
                    leptos::logging::error!("move not stored: {e}");
                    let _ = error.try_set(Some(e.user_message(i18n.t()).into()));
                }
            }
        });
    };

    view! {
        <div class="act-form" data-testid="act-form">
            {(!hint_of(i18n.t()).is_empty()).then(|| view! { <p class="act-hint">{move || hint_of(i18n.t())}</p> })}
            {failing.then(|| view! {
                <label class="field">
                    <span>{move || i18n.t().rectify.new_deadline}</span>
                    <DateInput value=deadline min=Signal::derive(move || Some(today.add_days(1)))
                        on_change=Callback::new(move |d| deadline.set(d)) testid="act-deadline"/>
                </label>
            })}
            <label class="field">
                <span>{move || note_label(i18n.t())}</span>
                <textarea data-testid="act-note" rows="3" prop:value=move || note.get()
                    on:input=move |ev| note.set(event_target_value(&ev))></textarea>
            </label>
            <div class="field">
                <span>{move || i18n.t().rectify.photos}</span>
                <ul class="thumbs">
                    {move || photos.with(|l| l.iter().map(|(p, url)| {
                        let id = p.meta.id.clone();
                        view! {
                            <li>
                                <button class="thumb" data-testid="act-photo" aria-label=move || i18n.t().photo_delete
                                    on:click=move |_| drop_photo(id.clone())>
                                    <img src=url.clone() alt=""/>
                                </button>
                            </li>
                        }
                    }).collect_view())}
                    {move || (0..busy.get()).map(|_| view! {
                        <li><span class="thumb busy" data-testid="photo-busy" role="status">{move || i18n.t().photo_busy}</span></li>
                    }).collect_view()}
                </ul>
                <div class="photo-actions">
                    <label class="btn small photo-btn">
                        <input type="file" accept="image/*" capture="environment" class="sr-only"
                            data-testid="act-photo-take" on:change=on_take/>
                        {move || i18n.t().photo_take}
                    </label>
                    <label class="btn small photo-btn">
                        <input type="file" accept="image/*" multiple class="sr-only"
                            data-testid="act-photo-pick" on:change=on_files/>
                        {move || i18n.t().photo_pick}
                    </label>
                </div>
            </div>
            {move || error.get().map(|e| view! { <p class="field-error" role="alert" data-testid="act-error">{e}</p> })}
            <div class="card-actions">
                <button class="btn" on:click=move |_| chosen.set(None)>{move || i18n.t().cancel}</button>
                <button class="btn primary" data-testid="act-confirm"
                    disabled=move || { saving.get() || busy.get() > 0 } on:click=submit>
                    {move || if saving.get() { i18n.t().rectify.saving } else { i18n.t().rectify.confirm }}
                </button>
            </div>
        </div>
    }
}
