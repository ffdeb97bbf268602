//! Display: a canonical form that parses back to the same condition.

use super::lexer::{is_punct, keyword};
use super::{Condition, Literal, Op, Subject};
use crate::answer::TimeOfDay;
use std::fmt;

impl fmt::Display for Literal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            // Not `format_number`: it rounds to two decimals, and 0.125 must print as 0.125.
            Literal::Number(n) => write!(f, "{n}"),
            Literal::Time(t) => write!(f, "{t}"),
            // A word holding a double quote is wrapped in single quotes (a word holding both
            // kinds cannot be written in the language).
            Literal::Word(w) if w.contains('"') && !w.contains('\'') => write!(f, "'{w}'"),
            Literal::Word(w) if needs_quotes(w) => write!(f, "\"{}\"", w.replace('"', "")),
            Literal::Word(w) => write!(f, "{w}"),
        }
    }
}

fn needs_quotes(w: &str) -> bool {
    w.is_empty()
        || w.chars()
            .any(|c| c.is_whitespace() || is_punct(c) || "≤≥≠:：".contains(c))
        || keyword(w).is_some()
        || w.parse::<f64>().is_ok()
        || TimeOfDay::parse(w).is_some()
}

impl fmt::Display for Subject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Subject::Item(c) => write!(f, "{c}"),
            Subject::Stage => write!(f, "stage"),
            Subject::Boarding => write!(f, "boarding"),
            Subject::Enrolment => write!(f, "enrolment"),
        }
    }
}

impl fmt::Display for Op {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Op::Eq => "=",
            Op::Ne => "!=",
            Op::Lt => "<",
            Op::Le => "<=",
            Op::Gt => ">",
            Op::Ge => ">=",
        })
    }
}

impl fmt::Display for Condition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Parentheses only where precedence needs them (`not` binds tighter than `and`, `and`
        // tighter than `or`), so the printed form is never nested deeper than what was parsed:
        // wrapping every part made a condition near the depth limit print to one the parser
        // refuses (found by fuzz_parsers.rs).
        let join = |f: &mut fmt::Formatter<'_>, cs: &[Condition], sep: &str| -> fmt::Result {
            for (i, c) in cs.iter().enumerate() {
                if i > 0 {
                    write!(f, " {sep} ")?;
                }
                let wrap = match c {
                    Condition::Or(_) => true,
                    Condition::And(_) => matches!(self, Condition::And(_)),
                    _ => false,
                };
                if wrap {
                    write!(f, "({c})")?;
                } else {
                    write!(f, "{c}")?;
                }
            }
            Ok(())
        };
        match self {
            Condition::Answered(c) => write!(f, "answered({c})"),
            Condition::Failed(c) => write!(f, "failed({c})"),
            Condition::Compare { subject, op, value } => write!(f, "{subject} {op} {value}"),
            Condition::In { subject, values } => {
                let vs: Vec<String> = values.iter().map(|v| v.to_string()).collect();
                write!(f, "{subject} in [{}]", vs.join(", "))
            }
            Condition::Not(c) => match **c {
                Condition::And(_) | Condition::Or(_) => write!(f, "not ({c})"),
                _ => write!(f, "not {c}"),
            },
            Condition::And(cs) => join(f, cs, "and"),
            Condition::Or(cs) => join(f, cs, "or"),
        }
    }
}
