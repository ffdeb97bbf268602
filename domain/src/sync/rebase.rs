//! A screen's edit laid onto the visit as it is stored now.
//!
//! A screen holds a copy of a visit, changes it and saves it. Between taking the copy and the
//! save, a sync cycle may have stored values from the office or another phone in the same visit.
//! Writing the screen's copy whole would put the older values back, and the next sync would send
//! them to the server as new edits. So a save takes only the fields the edit changed (`before` →
//! `after`) and lays them onto the stored visit; every other field keeps its stored value.

use super::fields::{visit_fields, visit_from_fields, FieldError, Fields};
use crate::{Visit, VisitState};
use std::collections::BTreeSet;

/// Why an edit cannot be laid onto the stored visit.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RebaseError {
    /// Finished or signed meanwhile (in another tab, or pulled from another phone): an edit made
    /// on the earlier copy is refused rather than changing a finished record silently.
    #[error("the visit is {now:?} now, no longer {was:?} as when the edit began")]
    MovedOn { was: VisitState, now: VisitState },
    #[error(transparent)]
    Field(#[from] FieldError),
}

/// The sync fields whose value differs between `a` and `b`, including fields only one has.
pub fn changed_fields(a: &Fields, b: &Fields) -> BTreeSet<String> {
    let mut out: BTreeSet<String> = BTreeSet::new();
    for (k, v) in a {
        if b.get(k) != Some(v) {
            out.insert(k.clone());
        }
    }
    for k in b.keys() {
        if !a.contains_key(k) {
            out.insert(k.clone());
        }
    }
    out
}

/// The visit to store when a screen turned `before` into `after` while `stored` is what the
/// phone holds now. When nothing else wrote the visit meanwhile (`stored == before`) that is
/// `after` itself. Otherwise it is `stored` with the fields the edit changed taken from `after`:
/// a value pulled meanwhile survives unless the supervisor changed that same field, in which
/// case their later value wins here and the server settles it. What does not sync (the item the
/// supervisor is on, answer timestamps) follows the edit where the edit changed it. An edit
/// begun before the visit was finished or signed elsewhere is refused.
pub fn rebase_edit(before: &Visit, after: &Visit, stored: &Visit) -> Result<Visit, RebaseError> {
    if stored == before {
        return Ok(after.clone());
    }
    if stored.state != before.state {
        return Err(RebaseError::MovedOn {
            was: before.state,
            now: stored.state,
        });
    }
    let from = visit_fields(after);
    let changed = changed_fields(&visit_fields(before), &from);
    let mut fields = visit_fields(stored);
    for k in &changed {
        match from.get(k) {
            Some(v) => fields.insert(k.clone(), v.clone()),
            None => fields.remove(k),
        };
    }
    let updated_at = after.updated_at.max(stored.updated_at);
    let mut v = visit_from_fields(&stored.id, &fields, Some(stored), updated_at)?;
    if before.position != after.position {
        v.position = after.position.clone();
    }
    for (code, answer) in v.answers.iter_mut() {
        let touched = ["value", "note", "photos"]
            .iter()
            .any(|p| changed.contains(&format!("answers.{code}.{p}")));
        if let (true, Some(edited)) = (touched, after.answers.get(code)) {
            answer.updated_at = edited.updated_at;
        }
    }
    Ok(v)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::{Disposition, Finding, FindingStatus};
    use crate::template::Severity;
    use crate::test_support::{school, wuxiang as template};
    use crate::{AnswerKind, AnswerValue, Checklist, Compliance, Text, VisitState};

    /// The first three 符合/不符合 items of 五项管理 at the school.
    fn codes(cl: &Checklist) -> Vec<String> {
        cl.visible(&Default::default())
            .iter()
            .filter(|e| matches!(e.item.answer, AnswerKind::Compliance))
            .map(|e| e.item.code.clone())
            .take(3)
            .collect()
    }

    fn finding(id: &str, description: &str) -> Finding {
        Finding {
            id: id.into(),
            item_codes: vec![],
            section: Text::new("作业管理", "Homework"),
            description: description.into(),
            requirement: "立即整改".into(),
            severity: Severity::default(),
            disposition: Disposition::default(),
            deadline: None,
            owner: String::new(),
            basis: vec![],
            status: FindingStatus::Pending,
        }
    }

    const OK: Option<AnswerValue> = Some(AnswerValue::Compliance(Compliance::Compliant));
    const NOT_OK: Option<AnswerValue> = Some(AnswerValue::Compliance(Compliance::NonCompliant));

    #[test]
    fn with_nothing_stored_meanwhile_the_edit_is_saved_as_it_is() {
        let (t, s) = (template(), school());
        let cl = Checklist::new(&[&t], &s);
        let code = codes(&cl).remove(0);
        let before = Visit::new("v1".into(), &s, "韩立新".into(), &[&t], 1_000);
        let mut after = before.clone();
        after.set_value(&cl, &code, OK, 2_000).unwrap();
        assert_eq!(rebase_edit(&before, &after, &before).unwrap(), after);
    }

    #[test]
    fn a_value_pulled_meanwhile_survives_an_edit_of_another_answer() {
        let (t, s) = (template(), school());
        let cl = Checklist::new(&[&t], &s);
        let codes = codes(&cl);
        let before = Visit::new("v1".into(), &s, "韩立新".into(), &[&t], 1_000);
        // Another phone answered the first item, and a pull stored it.
        let mut stored = before.clone();
        stored.set_value(&cl, &codes[0], NOT_OK, 1_500).unwrap();
        stored
            .set_note(&cl, &codes[0], "未公示本周作业".into(), 1_500)
            .unwrap();
        stored.position = None;
        // The screen, still showing `before`, answers the second item.
        let mut after = before.clone();
        after.set_value(&cl, &codes[1], OK, 2_000).unwrap();
        let saved = rebase_edit(&before, &after, &stored).unwrap();
        assert_eq!(saved.answers[&codes[0]], stored.answers[&codes[0]]);
        assert_eq!(saved.answers[&codes[0]].note, "未公示本周作业");
        assert_eq!(saved.answers[&codes[1]], after.answers[&codes[1]]);
        assert_eq!(saved.answers[&codes[1]].updated_at, 2_000);
        assert_eq!(saved.position.as_deref(), Some(codes[1].as_str()));
        assert_eq!(saved.updated_at, 2_000);
    }

    #[test]
    fn the_supervisors_later_value_of_the_same_field_wins_on_the_phone() {
        let (t, s) = (template(), school());
        let cl = Checklist::new(&[&t], &s);
        let code = codes(&cl).remove(0);
        let before = Visit::new("v1".into(), &s, "韩立新".into(), &[&t], 1_000);
        let mut stored = before.clone();
        stored
            .set_note(&cl, &code, "另一部手机的备注".into(), 1_500)
            .unwrap();
        let mut after = before.clone();
        after
            .set_note(&cl, &code, "现场核实：已整改".into(), 2_000)
            .unwrap();
        let saved = rebase_edit(&before, &after, &stored).unwrap();
        assert_eq!(saved.answers[&code].note, "现场核实：已整改");
    }

    #[test]
    fn an_office_status_pulled_meanwhile_survives_a_new_finding_and_an_edited_one() {
        let (t, s) = (template(), school());
        let mut before = Visit::new("v1".into(), &s, "韩立新".into(), &[&t], 1_000);
        before.state = VisitState::Finished;
        before.findings = vec![finding("f1", "食堂留样记录不全")];
        let mut stored = before.clone();
        stored.findings[0].status = FindingStatus::Rectifying;
        let mut after = before.clone();
        after.findings[0].owner = "总务处 王主任".into();
        after.findings.push(finding("f2", "作业公示栏未更新"));
        after.updated_at = 2_000;
        let saved = rebase_edit(&before, &after, &stored).unwrap();
        assert_eq!(saved.findings.len(), 2);
        assert_eq!(saved.findings[0].status, FindingStatus::Rectifying);
        assert_eq!(saved.findings[0].owner, "总务处 王主任");
        assert_eq!(saved.findings[1].description, "作业公示栏未更新");
    }

    #[test]
    fn a_finding_removed_on_the_screen_is_gone_with_its_fields() {
        let (t, s) = (template(), school());
        let mut before = Visit::new("v1".into(), &s, "韩立新".into(), &[&t], 1_000);
        before.state = VisitState::Finished;
        before.findings = vec![
            finding("f1", "食堂留样记录不全"),
            finding("f2", "作业公示栏未更新"),
        ];
        let mut stored = before.clone();
        stored.findings[0].status = FindingStatus::Rectifying;
        let mut after = before.clone();
        after.findings.remove(1);
        after.dropped.push("WX-ZY-01".into());
        let saved = rebase_edit(&before, &after, &stored).unwrap();
        assert_eq!(saved.findings.len(), 1);
        assert_eq!(saved.findings[0].status, FindingStatus::Rectifying);
        assert_eq!(saved.dropped, vec!["WX-ZY-01".to_string()]);
        assert!(!visit_fields(&saved).contains_key("findings.f2.description"));
    }

    #[test]
    fn an_answer_given_on_a_copy_of_a_visit_signed_meanwhile_is_refused() {
        let (t, s) = (template(), school());
        let cl = Checklist::new(&[&t], &s);
        let code = codes(&cl).remove(0);
        let before = Visit::new("v1".into(), &s, "韩立新".into(), &[&t], 1_000);
        let mut stored = before.clone();
        stored.state = VisitState::Signed;
        let mut after = before.clone();
        after.set_value(&cl, &code, OK, 2_000).unwrap();
        assert_eq!(
            rebase_edit(&before, &after, &stored),
            Err(RebaseError::MovedOn {
                was: VisitState::Draft,
                now: VisitState::Signed
            })
        );
    }
}
