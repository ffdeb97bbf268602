//! 核定问题 (`/visits/:id/review`): after finishing, the supervisor settles the findings drafted
//! from the 不符合 answers (edit, merge, drop, restore) and hands the phone to the school to sign
//! (`/visits/:id/sign`). Once signed, the same page shows the findings read-only, each with 更正:
//! a change with its reason, recorded as an amendment, never a silent edit.

mod amend;
mod card;
pub mod sign;

use crate::clock::now_ms;
use crate::components::load_error::VisitLoadError;
use crate::i18n::use_i18n;
use crate::opened_visit::OpenedVisit;
use crate::visit_edit::{Refusal, VisitEdit, Write};
use dudao_domain::finding::Finding;
use dudao_domain::review::{FindingEdit, ReviewError};
use dudao_domain::{Checklist, Visit, VisitState};
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_params_map};
use std::time::Duration;

pub use sign::SignPage;

#[component]
pub fn ReviewPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let id = move || params.read().get("id").unwrap_or_default();
    let session = LocalResource::new(move || OpenedVisit::load(id()));
    let navigate = use_navigate();
    view! {
        <section class="page review" data-testid="review">
            <Suspense fallback=move || view! { <p class="empty">{move || i18n.t().loading}</p> }>
                {move || session.get().map(|r| match r {
                    Ok(Some(s)) if s.visit.state == VisitState::Draft => {
                        // Findings are settled after finishing: back to answering.
                        navigate(&format!("/visits/{}", s.visit.id), Default::default());
                        ().into_any()
                    }
                    Ok(Some(s)) => view! { <Review session=s/> }.into_any(),
                    Ok(None) => view! { <p class="empty">{move || i18n.t().visit_not_found}</p> }.into_any(),
                    Err(e) => view! { <VisitLoadError error=e/> }.into_any(),
                })}
            </Suspense>
        </section>
    }
}

/// The message a refused change shows, in the current language.
pub fn review_error(e: &ReviewError, t: &crate::i18n::Strings, en: bool) -> String {
    match e {
        ReviewError::Incomplete { gap, .. } => (if en { gap.en() } else { gap.zh() }).to_owned(),
        ReviewError::NoReason => t.amend_need_reason.to_owned(),
        ReviewError::Unchanged => t.amend_unchanged.to_owned(),
        ReviewError::NoName => t.need_signer_name.to_owned(),
        ReviewError::NoSignature => t.need_signature.to_owned(),
        ReviewError::MergeNeedsTwo => t.merge_needs_two.to_owned(),
        _ => t.err_review_state.to_owned(),
    }
}

fn scroll_to(id: &str) {
    let id = id.to_owned();
    set_timeout(
        move || {
            if let Some(el) = document().get_element_by_id(&id) {
                el.scroll_into_view();
            }
        },
        Duration::from_millis(30),
    );
}

/// The element id of a finding's card.
pub fn card_id(finding_id: &str) -> String {
    format!("finding-{finding_id}")
}

/// The visit being reviewed: its changes go through the visit's [`VisitEdit`], refused with
/// the review's own messages.
#[derive(Clone, Copy)]
pub struct Reviewing {
    pub visit: ReadSignal<Visit>,
    edit: VisitEdit,
    i18n: crate::i18n::I18n,
}

impl Reviewing {
    /// Applies `change` and saves it; a refused change says why and changes nothing. `then`
    /// gets the visit as stored.
    pub fn change(
        self,
        change: impl FnOnce(&mut Visit, &Checklist) -> Result<(), ReviewError>,
        then: impl FnOnce(&Visit) + 'static,
    ) -> bool {
        let i18n = self.i18n;
        self.change_with(
            |v, cl| {
                change(v, cl).map_err(|e| {
                    leptos::logging::warn!("review change refused: {e}");
                    Refusal::Say(review_error(&e, i18n.t(), i18n.en()))
                })
            },
            then,
        )
    }

    /// [`Reviewing::change`] for a change that shows its own refusal (a form's error line).
    pub fn change_with(
        self,
        change: impl FnOnce(&mut Visit, &Checklist) -> Result<(), Refusal>,
        then: impl FnOnce(&Visit) + 'static,
    ) -> bool {
        self.edit
            .edit_then(Write::Visit, change, move |saved| {
                if let Ok(v) = saved {
                    then(&v)
                }
            })
            .is_some()
    }

    /// Applies one edit to a finding of a finished visit and saves it, if it changes anything.
    pub fn edit(self, id: &str, edit: FindingEdit) {
        let before = self
            .visit
            .with_untracked(|v| v.findings.iter().find(|f| f.id == id).cloned());
        let i18n = self.i18n;
        self.edit.edit(|v, _| {
            v.edit_finding(id, edit, now_ms()).map_err(|e| {
                leptos::logging::warn!("finding edit refused: {e}");
                Refusal::Say(review_error(&e, i18n.t(), i18n.en()))
            })?;
            let after = v.findings.iter().find(|f| f.id == id);
            // Nothing to store when the finding reads as before.
            match (before.as_ref(), after) {
                (Some(b), Some(a)) if same_finding(b, a) => Err(Refusal::Shown),
                _ => Ok(()),
            }
        });
    }
}

/// Whether two versions of a finding say the same (its edit time aside).
fn same_finding(a: &Finding, b: &Finding) -> bool {
    a.description == b.description
        && a.requirement == b.requirement
        && a.severity == b.severity
        && a.disposition == b.disposition
        && a.deadline == b.deadline
        && a.owner == b.owner
}

#[component]
fn Review(session: OpenedVisit) -> impl IntoView {
    let i18n = use_i18n();

    let navigate = use_navigate();
    let edit = VisitEdit::open(session);
    let r = Reviewing {
        visit: edit.visit(),
        edit,
        i18n,
    };
    let visit = r.visit;
    // A visit finished before findings were drafted on finishing gets them now; drafting is
    // idempotent, so this saves only when something was missing.
    if visit.with_untracked(|v| v.state == VisitState::Finished) {
        edit.edit(|v, cl| {
            let before = v.clone();
            v.draft_findings(cl);
            if *v == before {
                Err(Refusal::Shown)
            } else {
                Ok(())
            }
        });
    }
    let signed = Memo::new(move |_| {
        visit.with(|v| matches!(v.state, VisitState::Signed | VisitState::Synced))
    });
    let ids = Memo::new(move |_| {
        visit.with(|v| v.findings.iter().map(|f| f.id.clone()).collect::<Vec<_>>())
    });
    let selected = RwSignal::new(Vec::<String>::new());
    let confirm_drop = RwSignal::new(None::<String>);
    let blockers = Memo::new(move |_| visit.with(Visit::unsignable));

    // Items dropped while still 不符合: what 恢复 would bring back, with the item's prompt.
    let cl = edit.checklist();
    let dropped = Memo::new(move |_| {
        visit.with(|v| {
            let failing = cl.checklist().proposed_findings(&v.answers);
            v.dropped
                .iter()
                .filter_map(|c| failing.iter().find(|p| &p.item_code == c))
                .map(|p| (p.item_code.clone(), p.description.zh.clone()))
                .collect::<Vec<_>>()
        })
    });

    let merge = move |_| {
        let chosen = selected.get_untracked();
        // In the order they are listed, so the first in the checklist takes in the others.
        let ids: Vec<String> = visit.with_untracked(|v| {
            v.findings
                .iter()
                .map(|f| f.id.clone())
                .filter(|id| chosen.contains(id))
                .collect()
        });
        let first = ids.first().cloned().unwrap_or_default();
        if r.change(
            |v, _| v.merge_findings(&ids, now_ms()),
            move |_| scroll_to(&card_id(&first)),
        ) {
            selected.set(Vec::new());
        }
    };

    let drop_it = move |_| {
        let Some(id) = confirm_drop.get_untracked() else {
            return;
        };
        confirm_drop.set(None);
        if r.change(|v, _| v.drop_finding(&id, now_ms()).map(drop), |_| {}) {
            selected.update(|s| s.retain(|x| x != &id));
        }
    };

    let restore = move |code: String| {
        let c = code.clone();
        r.change(
            |v, cl| v.restore_finding(cl, &code, now_ms()),
            move |v| {
                if let Some(f) = v.findings.iter().find(|f| f.item_codes.contains(&c)) {
                    scroll_to(&card_id(&f.id))
                }
            },
        );
    };

    let nav = navigate.clone();
    let reopen = move |_| {
        let nav = nav.clone();
        r.change(
            |v, _| v.reopen(now_ms()),
            move |v| nav(&format!("/visits/{}", v.id), Default::default()),
        );
    };

    let nav = navigate.clone();
    let to_sign = move |_| {
        if blockers.with_untracked(Vec::is_empty) {
            let id = visit.with_untracked(|v| v.id.clone());
            nav(&format!("/visits/{id}/sign"), Default::default());
        }
    };

    let index_of = move |id: &str| {
        visit.with(|v| {
            v.findings
                .iter()
                .position(|f| f.id == id)
                .map_or(0, |i| i + 1)
        })
    };
    let school = visit.with_untracked(|v| v.school.name.clone());
    let opinion_href = visit.with_untracked(|v| format!("/visits/{}/opinion", v.id));
    let summary_href = visit.with_untracked(|v| format!("/visits/{}/summary", v.id));

    view! {
        <h1>{move || i18n.t().review_title}</h1>
        <p class="meta review-school">
            {school} " · " {move || (i18n.t().findings_count)(ids.with(Vec::len))}
        </p>
        <Show
            when=move || signed.get()
            fallback=move || view! { <p class="hint">{move || i18n.t().review_hint}</p> }
        >
            <p class="hint signed-note" data-testid="signed-note">{move || i18n.t().signed_read_only}</p>
        </Show>

        <Show when=move || ids.with(Vec::is_empty)>
            <p class="empty" data-testid="no-findings">{move || i18n.t().review_no_findings}</p>
        </Show>

        <ol class="review-findings">
            <For each=move || ids.get() key=|id| id.clone() let:id>
                {
                    let n = { let id = id.clone(); Signal::derive(move || index_of(&id)) };
                    let id2 = id.clone();
                    view! {
                        <Show
                            when=move || signed.get()
                            fallback={
                                let id = id.clone();
                                move || view! {
                                    <card::FindingCard id=id.clone() n r selected
                                        on_drop=Callback::new(move |id: String| confirm_drop.set(Some(id)))/>
                                }
                            }
                        >
                            <amend::SettledCard id=id2.clone() n r/>
                        </Show>
                    }
                }
            </For>
        </ol>

        <Show when=move || !signed.get() && !dropped.with(Vec::is_empty)>
            <section class="dropped" data-testid="dropped">
                <h2>{move || (i18n.t().dropped_title)(dropped.with(Vec::len))}</h2>
                <ul>
                    <For each=move || dropped.get() key=|d| d.0.clone() let:d>
                        {
                            let code = d.0.clone();
                            view! {
                                <li>
                                    <span class="dropped-text"><small class="codes">{d.0.clone()}</small>" "{d.1.clone()}</span>
                                    <button class="btn small" data-testid="restore-finding"
                                        on:click=move |_| restore(code.clone())>
                                        {move || i18n.t().restore}
                                    </button>
                                </li>
                            }
                        }
                    </For>
                </ul>
            </section>
        </Show>

        <Show when=move || !signed.get() && !blockers.with(Vec::is_empty)>
            <div class="missing unsignable" id="unsignable" role="alert" data-testid="unsignable">
                <h3>{move || i18n.t().unsignable_title}</h3>
                <ul>
                    {move || blockers.get().into_iter().map(|(id, gap)| {
                        let n = index_of(&id);
                        let target = card_id(&id);
                        view! {
                            <li>
                                <button class="link" on:click=move |_| scroll_to(&target)>
                                    {move || format!("{}：{}", (i18n.t().finding_n)(n), if i18n.en() { gap.en() } else { gap.zh() })}
                                </button>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            </div>
        </Show>

        <Show when=move || !signed.get() && selected.with(|s| !s.is_empty())>
            <div class="merge-bar">
                <span>{move || (i18n.t().selected_n)(selected.with(Vec::len))}</span>
                <button class="btn small" on:click=move |_| selected.set(Vec::new())>{move || i18n.t().cancel}</button>
                <button class="btn small primary" data-testid="merge-findings"
                    disabled=move || selected.with(Vec::len) < 2 on:click=merge>
                    {move || i18n.t().merge_selected}
                </button>
            </div>
        </Show>

        <Show when=move || confirm_drop.with(Option::is_some)>
            <div class="sheet-backdrop" on:click=move |_| confirm_drop.set(None)></div>
            <div class="sheet" role="dialog" aria-modal="true" data-testid="confirm-sheet">
                <p>{move || {
                    let n = confirm_drop.get().map(|id| index_of(&id)).unwrap_or(0);
                    (i18n.t().drop_confirm)(n)
                }}</p>
                <div class="sheet-actions">
                    <button class="btn" data-testid="confirm-no" on:click=move |_| confirm_drop.set(None)>
                        {move || i18n.t().cancel}
                    </button>
                    <button class="btn danger" data-testid="confirm-yes" on:click=drop_it>
                        {move || i18n.t().drop_finding}
                    </button>
                </div>
            </div>
        </Show>

        <Show
            when=move || signed.get()
            fallback=move || view! {
                <div class="actionbar">
                    <button class="btn" data-testid="reopen-visit" on:click=reopen.clone()>
                        {move || format!("‹ {}", i18n.t().reopen_visit)}
                    </button>
                    <button class="btn primary" data-testid="to-sign"
                        disabled=move || !blockers.with(Vec::is_empty)
                        aria-describedby="unsignable"
                        on:click=to_sign.clone()>
                        {move || format!("{} ›", i18n.t().to_sign)}
                    </button>
                </div>
            }
        >
            <div class="actionbar">
                <a class="btn" href=summary_href.clone()>{move || i18n.t().view_summary}</a>
                <a class="btn primary" href=opinion_href.clone() data-testid="open-opinion">{move || i18n.t().review_open_opinion}</a>
            </div>
        </Show>
    }
}
