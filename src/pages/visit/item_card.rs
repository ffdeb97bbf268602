//! One item as a card: prompt in large type, basis one tap away, the answer control, the
//! computed verdict as soon as a value is entered, and a note.
//!
//! A stored value outside the item's range (old data, or one that came by sync or backup) is
//! flagged 数值超出范围 with what may be entered, and never judged. A requirement resting only
//! on unconfirmed bases (⚠️) is shown as a 参考标准, and so is its verdict.

use super::answer_input::AnswerInput;
use super::photo_strip::PhotoStrip;
use super::Edit;
use crate::i18n::use_i18n;
use crate::visit_edit::VisitEdit;
use dudao_domain::basis::{only_unconfirmed, UNCONFIRMED_MARKER};
use dudao_domain::checklist::{answer_verdict, needs_photo};
use dudao_domain::rule::Outcome;
use dudao_domain::{Text, ValueError};
use leptos::prelude::*;

#[component]
pub fn ItemCard(code: String, apply: Callback<Edit>) -> impl IntoView {
    let i18n = use_i18n();
    let edit = VisitEdit::expect();
    let (visit, checklist) = (edit.visit(), edit.checklist());
    let Some(entry) = checklist.checklist().entry(&code) else {
        return ().into_any();
    };
    let (template, item) = (entry.template, entry.item.clone());
    let school = checklist.school().clone();
    let rule = item.rule.as_deref().and_then(|r| template.rule(r));
    let requirement: Option<Text> = rule.and_then(|r| {
        r.requirement_for(
            item.grades_at(&school)?,
            school.enrolment,
            item.answer.unit(),
        )
    });
    // The requirement shown is a 参考标准 when what a verdict would rest on is unconfirmed.
    let reference = only_unconfirmed(item.judged_basis(template));

    // This item's answer alone: the card's verdict, note, field, photos and "answered" mark
    // follow it, and are not recomputed when another item of the visit changes.
    let c = code.clone();
    let answer = Memo::new(move |_| visit.with(|v| v.answers.get(&c).cloned()));
    let (cl, c) = (checklist.clone(), code.clone());
    let verdict = Memo::new(move |_| {
        let e = cl.checklist().entry(&c)?;
        answer.with(|a| answer_verdict(e.template, e.item, a.as_ref(), cl.school()))
    });
    // Why what is typed in the field is not saved (the field says it; no verdict meanwhile).
    let typing = RwSignal::new(None::<ValueError>);
    // Why the stored value cannot be the answer: 数值超出范围.
    let kind = item.answer.clone();
    let invalid = Memo::new(move |_| {
        answer.with(|a| {
            let value = a.as_ref()?.value.as_ref()?;
            kind.check(value).err()
        })
    });
    let note =
        Memo::new(move |_| answer.with(|a| a.as_ref().map(|a| a.note.clone()).unwrap_or_default()));
    let show_note = RwSignal::new(!note.get_untracked().is_empty());
    // The textarea is written by the supervisor, not re-rendered on every keystroke (that
    // would fight a Chinese IME); a note that arrives by sync is put in while it is not being
    // typed in.
    let note_box = NodeRef::<leptos::html::Textarea>::new();
    Effect::new(move |_| {
        let text = note.get();
        if !text.is_empty() && !show_note.get_untracked() {
            show_note.set(true);
        }
        if let Some(el) = note_box.get() {
            let focused = document().active_element().is_some_and(|a| {
                let a: &web_sys::Element = &a;
                let el: &web_sys::Element = &el;
                a == el
            });
            if !focused && el.value() != text {
                el.set_value(&text);
            }
        }
    });
    let answered = Memo::new(move |_| answer.with(|a| a.as_ref().is_some_and(|a| a.has_value())));
    let shows_verdict = item.rule.is_some()
        || matches!(
            item.answer,
            dudao_domain::AnswerKind::YesNo { compliant: Some(_) }
        );

    // The evidence rule asks for a photo: always, or once the item is judged 不符合.
    let photo_item = item.clone();
    let needs_photo =
        Signal::derive(move || verdict.with(|v| needs_photo(&photo_item, v.as_ref())));
    let photo_code = code.clone();
    let prompt = item.prompt.clone();
    let help = item.help.clone();
    let bases = item.cited_bases(template);
    // An unconfirmed basis carries a 待核实 badge in place of the citation's （待核实）.
    let citations: Vec<(bool, bool, String)> = bases
        .iter()
        .map(|b| {
            let c = b.citation();
            let c = c.strip_suffix(UNCONFIRMED_MARKER).unwrap_or(&c).to_owned();
            (b.local, b.unconfirmed, c)
        })
        .collect();
    let required = item.required;
    let c_note = code.clone();
    view! {
        <li class="item" id=format!("item-{code}") data-testid="item" data-code=code.clone()
            data-answered=move || answered.get().to_string()
            data-outcome=move || if invalid.with(Option::is_some) {
                "out_of_range".to_owned()
            } else {
                verdict.get().map(|v| format!("{:?}", v.outcome).to_lowercase()).unwrap_or_default()
            }>
            <p class="prompt">
                {move || prompt.get(i18n.en()).to_owned()}
                {required.then(|| view! { <span class="tag">{move || i18n.t().required}</span> })}
            </p>
            {requirement.clone().map(|r| view! {
                <p class="requirement" class:reference=reference data-testid="requirement">
                    {move || {
                        let t = i18n.t();
                        let label = if reference { t.reference_requirement } else { t.requirement };
                        format!("{label}{}{}", t.colon, r.get(i18n.en()))
                    }}
                </p>
            })}
            <AnswerInput item=item.clone() answer apply error=typing/>
            // While the field holds what is not saved, its message speaks for the card.
            <Show when=move || typing.with(Option::is_none) && invalid.with(Option::is_some)>
                <p class="verdict out-of-range" data-testid="out-of-range" role="status">
                    {move || {
                        let t = i18n.t();
                        let hint = invalid.with(|e| e.as_ref().map(|e| e.message(i18n.en())).unwrap_or_default());
                        format!("⚠ {}{}{hint}", t.out_of_range, t.colon)
                    }}
                </p>
            </Show>
            {shows_verdict.then(|| view! {
                <Show when=move || typing.with(Option::is_none) && verdict.with(Option::is_some)>
                    {move || verdict.get().map(|v| {
                        let t = i18n.t();
                        let bad = v.outcome == Outcome::NonCompliant;
                        let label = if i18n.en() { v.outcome.en() } else { v.outcome.zh() };
                        let req = v.requirement.as_ref().map(|r| r.get(i18n.en()).to_owned());
                        let reference = v.is_reference();
                        view! {
                            <p class="verdict" class:bad=bad class:reference=reference data-testid="verdict" role="status">
                                <strong>{if bad { "✗ " } else { "✓ " }}{label}</strong>
                                // 不符合（参考标准：视频图像保存 ≥ 30 天）: never read as a national requirement.
                                {match (req, reference) {
                                    (Some(r), true) => Some((t.in_brackets)(&format!("{}{}{r}", t.reference_standard, t.colon))),
                                    (None, true) => Some((t.in_brackets)(t.reference_standard)),
                                    (Some(r), false) => Some((t.in_brackets)(&r)),
                                    (None, false) => None,
                                }}
                            </p>
                        }
                    })}
                </Show>
            })}
            <details class="basis">
                <summary>{move || i18n.t().basis}</summary>
                {(!help.is_blank()).then(|| { let help = help.clone(); view! { <p>{move || help.get(i18n.en()).to_owned()}</p> } })}
                <ul>{citations.into_iter().map(|(local, unconfirmed, c)| view! {
                    <li>
                        {local.then(|| view! { <span class="badge local">{move || i18n.t().local_basis}</span>" " })}
                        {c}
                        {unconfirmed.then(|| view! { " "<span class="badge unconfirmed" data-testid="unconfirmed-basis">{move || i18n.t().unconfirmed_basis}</span> })}
                    </li>
                }).collect_view()}</ul>
            </details>
            <Show
                when=move || show_note.get()
                fallback=move || view! {
                    <button class="link" data-testid="add-note" on:click=move |_| show_note.set(true)>
                        {move || format!("＋ {}", i18n.t().add_note)}
                    </button>
                }
            >
                {
                    let c_note = c_note.clone();
                    view! {
                        <label class="note">
                            <span>{move || i18n.t().note}</span>
                            <textarea data-testid="note" rows="2" node_ref=note_box
                                placeholder=move || i18n.t().note_placeholder
                                prop:value=note.get_untracked()
                                on:input=move |ev| apply.run(Edit::Note(c_note.clone(), event_target_value(&ev)))>
                            </textarea>
                        </label>
                    }
                }
            </Show>
            <PhotoStrip code=photo_code answer needs_photo/>
        </li>
    }
    .into_any()
}
