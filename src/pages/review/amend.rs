//! A finding of a signed visit: read-only, with 更正 to change one field with a required reason.
//! Each amendment is listed under its finding and goes into the 督导意见书 as such.

use super::card::{finding_of, Provenance};
use super::{card_id, review_error, Reviewing};
use crate::clock::{fmt_datetime, now_ms};
use crate::components::date_input::DateInput;
use crate::i18n::use_i18n;
use dudao_domain::datetime::Date;
use dudao_domain::finding::{Disposition, Finding};
use dudao_domain::review::{Amendment, FindingEdit};
use dudao_domain::template::Severity;
use leptos::prelude::*;

/// The field an amendment changes, as offered in the form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    Deadline,
    Disposition,
    Severity,
    Description,
    Requirement,
    Owner,
}

impl Field {
    const ALL: [Field; 6] = [
        Field::Deadline,
        Field::Disposition,
        Field::Severity,
        Field::Description,
        Field::Requirement,
        Field::Owner,
    ];

    fn key(self) -> &'static str {
        match self {
            Field::Deadline => "deadline",
            Field::Disposition => "disposition",
            Field::Severity => "severity",
            Field::Description => "description",
            Field::Requirement => "requirement",
            Field::Owner => "owner",
        }
    }

    fn from_key(s: &str) -> Field {
        Field::ALL
            .into_iter()
            .find(|f| f.key() == s)
            .unwrap_or(Field::Deadline)
    }

    fn label(self, t: &crate::i18n::Strings) -> &'static str {
        match self {
            Field::Deadline => t.deadline,
            Field::Disposition => t.disposition,
            Field::Severity => t.severity,
            Field::Description => t.finding_desc,
            Field::Requirement => t.finding_req,
            Field::Owner => t.owner,
        }
    }

    /// The field's current value as the form shows it.
    fn value_of(self, f: &Finding) -> String {
        match self {
            Field::Deadline => f.deadline.map(Date::iso).unwrap_or_default(),
            Field::Disposition => match f.disposition {
                Disposition::Immediate => "immediate".into(),
                Disposition::ByDeadline => "by_deadline".into(),
            },
            Field::Severity => match f.severity {
                Severity::General => "general".into(),
                Severity::Major => "major".into(),
            },
            Field::Description => f.description.clone(),
            Field::Requirement => f.requirement.clone(),
            Field::Owner => f.owner.clone(),
        }
    }

    /// The edit the form's value stands for; `None` for a date that is not one.
    fn edit(self, value: &str) -> Option<FindingEdit> {
        Some(match self {
            Field::Deadline if value.trim().is_empty() => FindingEdit::Deadline(None),
            Field::Deadline => FindingEdit::Deadline(Some(Date::parse(value)?)),
            Field::Disposition if value == "immediate" => {
                FindingEdit::Disposition(Disposition::Immediate)
            }
            Field::Disposition => FindingEdit::Disposition(Disposition::ByDeadline),
            Field::Severity if value == "major" => FindingEdit::Severity(Severity::Major),
            Field::Severity => FindingEdit::Severity(Severity::General),
            Field::Description => FindingEdit::Description(value.to_owned()),
            Field::Requirement => FindingEdit::Requirement(value.to_owned()),
            Field::Owner => FindingEdit::Owner(value.to_owned()),
        })
    }
}

/// 2026年12月1日 14:05 王建国 更正整改期限：2026年12月31日 → 2027年1月15日（原因：…）
pub fn amendment_line(a: &Amendment, en: bool) -> String {
    let empty = |s: &str| {
        if s.trim().is_empty() {
            if en { "(none)" } else { "（空）" }.to_owned()
        } else {
            s.to_owned()
        }
    };
    let at = fmt_datetime(a.at, en);
    if en {
        format!(
            "{at} {} amended {}: {} → {} (reason: {})",
            a.by,
            a.field,
            empty(&a.before),
            empty(&a.after),
            a.reason
        )
    } else {
        format!(
            "{at} {} 更正{}：{} → {}（原因：{}）",
            a.by,
            a.field,
            empty(&a.before),
            empty(&a.after),
            a.reason
        )
    }
}

#[component]
pub fn SettledCard(id: String, n: Signal<usize>, r: Reviewing) -> impl IntoView {
    let i18n = use_i18n();
    let f = finding_of(r, id.clone());
    let amendments = {
        let id = id.clone();
        Memo::new(move |_| {
            r.visit.with(|v| {
                v.amendments
                    .iter()
                    .filter(|a| a.finding_id == id)
                    .cloned()
                    .collect::<Vec<_>>()
            })
        })
    };
    let open = RwSignal::new(false);
    let field = RwSignal::new(Field::Deadline);
    let value = RwSignal::new(String::new());
    let reason = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);

    let start = move |_| {
        field.set(Field::Deadline);
        value.set(f.with_untracked(|f| {
            f.as_ref()
                .map(|f| Field::Deadline.value_of(f))
                .unwrap_or_default()
        }));
        reason.set(String::new());
        error.set(None);
        open.set(true);
    };
    let choose = move |k: String| {
        let fl = Field::from_key(&k);
        field.set(fl);
        value.set(f.with_untracked(|f| f.as_ref().map(|f| fl.value_of(f)).unwrap_or_default()));
        error.set(None);
    };
    let save = {
        let id = id.clone();
        move |_| {
            let t = i18n.t();
            let Some(edit) = field.get_untracked().edit(&value.get_untracked()) else {
                return error.set(Some(t.amend_bad_date.to_owned()));
            };
            let reason = reason.get_untracked();
            let done = r.change_with(
                |v, _| {
                    let by = v.supervisor.clone();
                    match v.amend_finding(&id, edit, &reason, &by, now_ms()) {
                        Ok(a) => {
                            leptos::logging::log!(
                                "amended finding {id}: {} ({})",
                                a.field,
                                a.reason
                            );
                            Ok(())
                        }
                        // Said in the form, next to what needs changing.
                        Err(e) => {
                            error.set(Some(review_error(&e, t, i18n.en())));
                            Err(crate::visit_edit::Refusal::Shown)
                        }
                    }
                },
                |_| {},
            );
            if done {
                error.set(None);
                open.set(false);
            }
        }
    };

    let severity = move || f.with(|f| f.as_ref().map(|f| f.severity));
    view! {
        <li class="review-card settled" id=card_id(&id) data-testid="finding-card">
            <div class="review-card-head">
                <strong class="finding-n">{move || (i18n.t().finding_n)(n.get())}</strong>
                <span class="badge" class:major=move || severity() == Some(Severity::Major)>
                    {move || severity().map(|s| if i18n.en() { s.en() } else { s.zh() }).unwrap_or_default()}
                </span>
            </div>
            <dl class="settled-fields">
                <dt>{move || i18n.t().finding_desc}</dt>
                <dd data-testid="finding-desc">{move || f.with(|f| f.as_ref().map(|f| f.description.clone()))}</dd>
                <dt>{move || i18n.t().finding_req}</dt>
                <dd data-testid="finding-req">{move || f.with(|f| f.as_ref().map(|f| f.requirement.clone()))}</dd>
                <dt>{move || i18n.t().deadline}</dt>
                <dd data-testid="finding-term">{move || f.with(|f| f.as_ref().map(|f| f.term(i18n.en())))}</dd>
                <dt>{move || i18n.t().owner}</dt>
                <dd data-testid="finding-owner">{move || f.with(|f| f.as_ref().map(|f| if f.owner.trim().is_empty() { "—".to_owned() } else { f.owner.clone() }))}</dd>
            </dl>
            <Provenance finding=f/>

            <Show when=move || !amendments.with(Vec::is_empty)>
                <div class="amendments">
                    <h4>{move || i18n.t().amendments_title}</h4>
                    <ul>
                        {move || amendments.get().into_iter().map(|a| view! {
                            <li data-testid="amendment">{move || amendment_line(&a, i18n.en())}</li>
                        }).collect_view()}
                    </ul>
                </div>
            </Show>

            <Show
                when=move || open.get()
                fallback=move || view! {
                    <div class="card-actions">
                        <button type="button" class="btn small" data-testid="amend-finding" on:click=start>
                            {move || i18n.t().amend}
                        </button>
                    </div>
                }
            >
                <div class="amend-form">
                    <label class="field">
                        <span>{move || i18n.t().amend_field}</span>
                        <select data-testid="amend-field"
                            prop:value=move || field.get().key()
                            on:change=move |ev| choose(event_target_value(&ev))>
                            {Field::ALL.into_iter().map(|fl| view! {
                                <option value=fl.key() selected=move || field.get() == fl>{move || fl.label(i18n.t())}</option>
                            }).collect_view()}
                        </select>
                    </label>
                    <label class="field">
                        <span>{move || format!("{}：{}", i18n.t().amend_value, field.get().label(i18n.t()))}</span>
                        {move || match field.get() {
                            Field::Deadline => view! {
                                <DateInput testid="amend-value"
                                    min=Signal::derive(move || Some(r.visit.with(|v| v.day())))
                                    value=Signal::derive(move || Date::parse(&value.get()))
                                    on_change=Callback::new(move |d: Option<Date>| value.set(d.map(Date::iso).unwrap_or_default()))/>
                            }.into_any(),
                            Field::Disposition => view! {
                                <select data-testid="amend-value" prop:value=move || value.get()
                                    on:change=move |ev| value.set(event_target_value(&ev))>
                                    <option value="immediate" selected=move || value.get() == "immediate">
                                        {move || if i18n.en() { Disposition::Immediate.en() } else { Disposition::Immediate.zh() }}
                                    </option>
                                    <option value="by_deadline" selected=move || value.get() == "by_deadline">
                                        {move || if i18n.en() { Disposition::ByDeadline.en() } else { Disposition::ByDeadline.zh() }}
                                    </option>
                                </select>
                            }.into_any(),
                            Field::Severity => view! {
                                <select data-testid="amend-value" prop:value=move || value.get()
                                    on:change=move |ev| value.set(event_target_value(&ev))>
                                    <option value="general" selected=move || value.get() == "general">
                                        {move || if i18n.en() { Severity::General.en() } else { Severity::General.zh() }}
                                    </option>
                                    <option value="major" selected=move || value.get() == "major">
                                        {move || if i18n.en() { Severity::Major.en() } else { Severity::Major.zh() }}
                                    </option>
                                </select>
                            }.into_any(),
                            Field::Owner => view! {
                                <input type="text" data-testid="amend-value"
                                    prop:value=move || value.get()
                                    on:input=move |ev| value.set(event_target_value(&ev))/>
                            }.into_any(),
                            Field::Description | Field::Requirement => view! {
                                <textarea data-testid="amend-value" rows="3"
                                    prop:value=move || value.get()
                                    on:input=move |ev| value.set(event_target_value(&ev))></textarea>
                            }.into_any(),
                        }}
                    </label>
                    <label class="field">
                        <span>{move || i18n.t().amend_reason}</span>
                        <textarea data-testid="amend-reason" rows="2" required
                            placeholder=move || i18n.t().amend_reason_placeholder
                            prop:value=move || reason.get()
                            on:input=move |ev| reason.set(event_target_value(&ev))></textarea>
                    </label>
                    {move || error.get().map(|e| view! { <p class="gap" role="alert" data-testid="amend-error">{e}</p> })}
                    <div class="card-actions">
                        <button type="button" class="btn small" data-testid="amend-cancel" on:click=move |_| open.set(false)>
                            {move || i18n.t().cancel}
                        </button>
                        <button type="button" class="btn small primary" data-testid="amend-save" on:click=save.clone()>
                            {move || i18n.t().amend_save}
                        </button>
                    </div>
                </div>
            </Show>
        </li>
    }
}
