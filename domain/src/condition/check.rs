//! Checks against a template: which items a condition reads, and whether every value it
//! compares fits the item's answer kind (or the school fact's).

use super::{parse_bool, Condition, Literal, Op, Subject};
use crate::answer::Compliance;
use crate::school::Stage;
use crate::template::AnswerKind;

impl Condition {
    /// Item codes the condition reads.
    pub fn items(&self) -> Vec<&str> {
        let mut out = Vec::new();
        self.collect_items(&mut out);
        out
    }

    fn collect_items<'a>(&'a self, out: &mut Vec<&'a str>) {
        match self {
            Condition::Answered(c) | Condition::Failed(c) => out.push(c),
            Condition::Compare {
                subject: Subject::Item(c),
                ..
            }
            | Condition::In {
                subject: Subject::Item(c),
                ..
            } => out.push(c),
            Condition::Compare { .. } | Condition::In { .. } => {}
            Condition::Not(c) => c.collect_items(out),
            Condition::And(cs) | Condition::Or(cs) => cs.iter().for_each(|c| c.collect_items(out)),
        }
    }

    /// Item codes whose verdict the condition reads (`failed(…)`), for checks that need more than
    /// the answer kind (a number, count or time item can only fail with a rule).
    pub fn failed_items(&self) -> Vec<&str> {
        let mut out = Vec::new();
        self.collect_failed(&mut out);
        out
    }

    fn collect_failed<'a>(&'a self, out: &mut Vec<&'a str>) {
        match self {
            Condition::Failed(c) => out.push(c),
            Condition::Not(c) => c.collect_failed(out),
            Condition::And(cs) | Condition::Or(cs) => cs.iter().for_each(|c| c.collect_failed(out)),
            Condition::Answered(_) | Condition::Compare { .. } | Condition::In { .. } => {}
        }
    }

    /// Checks that every item exists and every value fits the item's answer kind, and that an
    /// item asked for with `failed(…)` is of a kind that can be judged 不符合 (whether a number,
    /// count or time item has a rule is for the caller to check, see [`Condition::failed_items`]).
    pub fn check(&self, kind_of: &dyn Fn(&str) -> Option<AnswerKind>) -> Result<(), String> {
        match self {
            Condition::Answered(code) => kind_of(code)
                .map(|_| ())
                .ok_or_else(|| format!("refers to unknown item {code}")),
            Condition::Failed(code) => {
                let kind = kind_of(code).ok_or_else(|| format!("refers to unknown item {code}"))?;
                if kind.can_fail(true) {
                    Ok(())
                } else {
                    Err(never_fails(code, &kind))
                }
            }
            Condition::Compare { subject, op, value } => {
                check_literal(kind_of, subject, Some(*op), value)
            }
            Condition::In { subject, values } => values
                .iter()
                .try_for_each(|v| check_literal(kind_of, subject, None, v)),
            Condition::Not(c) => c.check(kind_of),
            Condition::And(cs) | Condition::Or(cs) => cs.iter().try_for_each(|c| c.check(kind_of)),
        }
    }
}

/// The error for `failed(CODE)` on an item that is never judged 不符合.
pub(crate) fn never_fails(code: &str, kind: &AnswerKind) -> String {
    let what = match kind {
        AnswerKind::YesNo { .. } => "a yes/no answer without `compliant`".to_owned(),
        AnswerKind::Choice { .. } => "a choice without a `noncompliant` option".to_owned(),
        AnswerKind::Number { .. } | AnswerKind::Count { .. } | AnswerKind::Time { .. } => {
            format!("a {} answer without a `rule`", kind.name())
        }
        other => format!("a {} answer", other.name()),
    };
    format!("failed({code}) asks whether {code} is 不符合, but {code} is {what}, which is never judged 不符合")
}

fn check_literal(
    kind_of: &dyn Fn(&str) -> Option<AnswerKind>,
    subject: &Subject,
    op: Option<Op>,
    value: &Literal,
) -> Result<(), String> {
    let ordered = matches!(op, Some(Op::Lt | Op::Le | Op::Gt | Op::Ge));
    let bad = |what: &str| Err(format!("compares {what} with {value}"));
    match subject {
        Subject::Stage => match (value, ordered) {
            (_, true) => bad("the stage using an ordering"),
            (Literal::Word(w), _) if Stage::parse(w).is_some() => Ok(()),
            _ => bad("the school stage (小学, 初中, 高中, 九年一贯制, 完全中学, 幼儿园)"),
        },
        Subject::Boarding => match value {
            Literal::Word(w) if !ordered && parse_bool(w).is_some() => Ok(()),
            _ => bad("boarding (是/否)"),
        },
        Subject::Enrolment => match value {
            Literal::Number(_) => Ok(()),
            _ => bad("enrolment (a number)"),
        },
        Subject::Item(code) => {
            let kind = kind_of(code).ok_or_else(|| format!("refers to unknown item {code}"))?;
            match (&kind, value) {
                (AnswerKind::Compliance, Literal::Word(w))
                    if !ordered && Compliance::parse(w).is_some() =>
                {
                    Ok(())
                }
                (AnswerKind::Compliance, _) => bad(&format!(
                    "{code}, a compliance answer (符合/基本符合/不符合/不适用),"
                )),
                (AnswerKind::YesNo { .. }, Literal::Word(w))
                    if !ordered && parse_bool(w).is_some() =>
                {
                    Ok(())
                }
                (AnswerKind::YesNo { .. }, _) => bad(&format!("{code}, a yes/no answer (是/否),")),
                (AnswerKind::Number { .. } | AnswerKind::Count { .. }, Literal::Number(_)) => {
                    Ok(())
                }
                (AnswerKind::Number { .. } | AnswerKind::Count { .. }, _) => {
                    bad(&format!("{code}, a number,"))
                }
                (AnswerKind::Time { .. }, Literal::Time(_)) => Ok(()),
                (AnswerKind::Time { .. }, _) => bad(&format!("{code}, a time of day (HH:MM),")),
                (AnswerKind::Choice { options, .. }, Literal::Word(w)) if !ordered => {
                    if options.iter().any(|o| &o.code == w) {
                        Ok(())
                    } else {
                        Err(format!("{code} has no option {w}"))
                    }
                }
                (AnswerKind::Choice { .. }, _) => bad(&format!("{code}, a choice,")),
                (AnswerKind::Text, Literal::Word(_)) if !ordered => Ok(()),
                (AnswerKind::Text | AnswerKind::Photo, _) => bad(&format!(
                    "{code}, which can only be tested with answered(…),"
                )),
            }
        }
    }
}
