//! A visit's checklist compiled once when it opens (`CompiledChecklist`) answers every question
//! exactly as a checklist built on the spot does, for any school and any answers a supervisor
//! could have entered; and the editor's one-pass `overview` agrees with the separate questions.

mod common;

use common::all_schools;
use common::template::library;
use dudao_domain::checklist::{is_answered, Answers};
use dudao_domain::visit::Answer;
use dudao_domain::{
    AnswerKind, AnswerValue, Checklist, CompiledChecklist, Compliance, Template, TimeOfDay,
};
use proptest::prelude::*;
use std::sync::{Arc, OnceLock};

fn templates() -> &'static Arc<Vec<Template>> {
    static T: OnceLock<Arc<Vec<Template>>> = OnceLock::new();
    T.get_or_init(|| Arc::new(library()))
}

/// Every item code of the library, in order.
fn all_items() -> Vec<&'static dudao_domain::Item> {
    templates()
        .iter()
        .flat_map(|t| t.items().map(|(_, i)| i))
        .collect()
}

/// A value for `kind` picked by `pick` and `n`: mostly of the item's own kind (in range or not),
/// sometimes of another kind, as an old backup or a hand-edited record could hold.
fn value_for(kind: &AnswerKind, pick: u8, n: u32) -> AnswerValue {
    if pick % 10 == 9 {
        return AnswerValue::Text(format!("{n}"));
    }
    match kind {
        AnswerKind::Compliance => AnswerValue::Compliance(
            [
                Compliance::Compliant,
                Compliance::Partial,
                Compliance::NonCompliant,
                Compliance::NotApplicable,
            ][n as usize % 4],
        ),
        AnswerKind::YesNo { .. } => AnswerValue::YesNo(n.is_multiple_of(2)),
        AnswerKind::Number { .. } => AnswerValue::Number(f64::from(n % 400) / 2.0),
        AnswerKind::Count { .. } => AnswerValue::Count(n % 300),
        AnswerKind::Time { .. } => {
            AnswerValue::Time(TimeOfDay::new((n % 24) as u8, (n % 60) as u8).unwrap())
        }
        AnswerKind::Choice { options, multiple } => {
            let k = n as usize % (options.len() + 1);
            let take = if *multiple { k } else { k.min(1) };
            AnswerValue::Choice(options.iter().take(take).map(|o| o.code.clone()).collect())
        }
        AnswerKind::Text => AnswerValue::Text(if n.is_multiple_of(3) {
            String::new()
        } else {
            "有".into()
        }),
        AnswerKind::Photo => AnswerValue::Photo(vec![format!("p{n}")]),
    }
}

/// Answers to a random part of the library: each `(index, pick, n, photo)` answers one item,
/// with a value or only a note, and with or without a photo.
fn answers() -> impl Strategy<Value = Answers> {
    let len = all_items().len();
    prop::collection::vec((0..len, any::<u8>(), any::<u32>(), any::<bool>()), 0..120).prop_map(
        |picks| {
            let items = all_items();
            let mut a = Answers::new();
            for (i, pick, n, photo) in picks {
                let item = items[i];
                a.insert(
                    item.code.clone(),
                    Answer {
                        value: (pick % 7 != 0).then(|| value_for(&item.answer, pick, n)),
                        note: if pick % 5 == 0 {
                            "备注".into()
                        } else {
                            String::new()
                        },
                        photos: if photo {
                            vec![format!("ph-{i}")]
                        } else {
                            vec![]
                        },
                        updated_at: 1,
                    },
                );
            }
            a
        },
    )
}

fn codes(items: &[&dudao_domain::Item]) -> Vec<String> {
    items.iter().map(|i| i.code.clone()).collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    /// Compiled once or built on the spot, the checklist shows the same items in the same
    /// sections, counts the same progress, finds the same next question, verdicts, missing
    /// items and findings.
    #[test]
    fn a_compiled_checklist_answers_as_one_built_on_the_spot(
        school in prop::sample::select(all_schools()),
        answers in answers(),
        from in prop::option::of(0..all_items().len()),
    ) {
        let compiled = CompiledChecklist::new(templates().clone(), school.clone());
        let refs: Vec<&Template> = templates().iter().collect();
        let fresh = Checklist::new(&refs, &school);
        let from = from.map(|i| all_items()[i].code.clone());

        let got: Vec<(String, Vec<String>, usize)> = compiled
            .checklist()
            .sections(&answers)
            .iter()
            .map(|s| (s.key(), codes(&s.items), s.answered))
            .collect();
        let want: Vec<(String, Vec<String>, usize)> = fresh
            .sections(&answers)
            .iter()
            .map(|s| (s.key(), codes(&s.items), s.answered))
            .collect();
        prop_assert_eq!(&got, &want);
        prop_assert_eq!(compiled.checklist().progress(&answers), fresh.progress(&answers));
        prop_assert_eq!(
            compiled.checklist().next_unanswered(&answers, from.as_deref()).map(|i| i.code.clone()),
            fresh.next_unanswered(&answers, from.as_deref()).map(|i| i.code.clone())
        );
        prop_assert_eq!(compiled.checklist().missing(&answers), fresh.missing(&answers));
        prop_assert_eq!(compiled.checklist().tally(&answers), fresh.tally(&answers));
        prop_assert_eq!(
            compiled.checklist().proposed_findings(&answers),
            fresh.proposed_findings(&answers)
        );
        for item in all_items() {
            prop_assert_eq!(
                compiled.checklist().verdict(&item.code, &answers),
                fresh.verdict(&item.code, &answers)
            );
            prop_assert_eq!(
                compiled.checklist().is_visible(item, &answers),
                fresh.is_visible(item, &answers)
            );
        }
        let na = |v: Vec<(dudao_domain::checklist::Entry<'_>, _)>| -> Vec<String> {
            v.iter().map(|(e, _)| e.item.code.clone()).collect()
        };
        prop_assert_eq!(na(compiled.checklist().not_applicable().collect()), na(fresh.not_applicable().collect()));
    }

    /// The editor's one pass (`overview`) says what the separate questions say: the sections,
    /// the progress counted from them, the next unanswered item and where each item shows.
    #[test]
    fn the_overview_agrees_with_the_separate_questions(
        school in prop::sample::select(all_schools()),
        answers in answers(),
        from in prop::option::of(0..all_items().len()),
    ) {
        let compiled = CompiledChecklist::new(templates().clone(), school);
        let o = compiled.checklist().overview(&answers);
        let visible = compiled.checklist().visible(&answers);
        prop_assert_eq!(o.progress, compiled.checklist().progress(&answers));
        prop_assert_eq!(o.progress.total, visible.len());
        prop_assert_eq!(
            o.progress.answered,
            visible.iter().filter(|e| is_answered(&answers, &e.item.code)).count()
        );
        for s in &o.sections {
            prop_assert!(!s.items.is_empty(), "an empty section is left out");
            prop_assert_eq!(
                s.answered,
                s.items.iter().filter(|i| is_answered(&answers, &i.code)).count()
            );
        }
        let from = from.map(|i| all_items()[i].code.clone());
        let next = o.next_unanswered(&answers, from.as_deref());
        prop_assert_eq!(
            next.map(|i| i.code.clone()),
            compiled.checklist().next_unanswered(&answers, from.as_deref()).map(|i| i.code.clone())
        );
        prop_assert_eq!(next.is_none(), o.progress.answered == o.progress.total);
        if let Some(n) = next {
            prop_assert!(!is_answered(&answers, &n.code));
        }
        for item in all_items() {
            let shows = visible.iter().any(|e| e.item.code == item.code);
            prop_assert_eq!(o.section_of(&item.code).is_some(), shows, "{}", item.code);
        }
    }
}

/// Clones share one compilation (what lets a memo tell that nothing changed); compiling again
/// makes a different one even from the same templates.
#[test]
fn clones_share_one_compilation() {
    let school = all_schools().remove(0);
    let a = CompiledChecklist::new(templates().clone(), school.clone());
    let b = a.clone();
    let c = CompiledChecklist::new(templates().clone(), school);
    assert_eq!(a, b);
    assert_ne!(a, c);
    assert_eq!(
        a.checklist().progress(&Answers::new()),
        c.checklist().progress(&Answers::new()),
        "though they answer alike"
    );
}

/// Answering parses no condition: they were parsed once, when the visit's checklist was
/// compiled. A supervisor answers every item of the library, one by one, as the editor does
/// (set the value through the compiled checklist, then one overview for the screen).
#[test]
fn answering_parses_no_condition() {
    use dudao_domain::condition::parses;
    let school = all_schools().remove(1);
    let with_show_if = all_items().iter().filter(|i| i.show_if.is_some()).count();
    assert!(with_show_if > 0, "the library has follow-up questions");

    let before = parses();
    let compiled = CompiledChecklist::new(templates().clone(), school.clone());
    let at_compile = parses() - before;
    assert!(at_compile > 0, "compiling parses the conditions");
    assert!(at_compile <= with_show_if, "each at most once");

    let mut visit = dudao_domain::Visit::new(
        "v".into(),
        &school,
        "王建华".into(),
        &templates().iter().collect::<Vec<_>>(),
        1,
    );
    let before = parses();
    let mut answered = 0;
    for (n, item) in all_items().into_iter().enumerate() {
        let value = value_for(&item.answer, 0, n as u32);
        if visit
            .set_value(&compiled.checklist(), &item.code, Some(value), 2 + n as i64)
            .is_ok()
        {
            answered += 1;
        }
        let _ = compiled.checklist().overview(&visit.answers);
    }
    assert!(answered > 30, "{answered} answers given");
    let _ = compiled.checklist().missing(&visit.answers);
    assert_eq!(parses() - before, 0, "no condition parsed while answering");

    // A checklist built on the spot parses them every time: what the counter catches.
    let refs: Vec<&Template> = templates().iter().collect();
    let before = parses();
    let _ = Checklist::new(&refs, &school).progress(&visit.answers);
    assert_eq!(parses() - before, at_compile);
}
