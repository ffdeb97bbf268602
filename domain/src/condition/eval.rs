//! Evaluation: whether a condition holds for a visit's answers and school.

use super::{parse_bool, Condition, Env, Literal, Op, Subject};
use crate::answer::{AnswerValue, Compliance};
use crate::rule::Outcome;
use crate::school::Stage;

impl Condition {
    pub fn eval(&self, env: &dyn Env) -> bool {
        match self {
            Condition::Answered(code) => env.answer(code).is_some_and(AnswerValue::is_given),
            Condition::Failed(code) => {
                env.answer(code).is_some_and(AnswerValue::is_given)
                    && env.outcome(code) == Some(Outcome::NonCompliant)
            }
            Condition::Compare { subject, op, value } => compare(env, subject, *op, value),
            Condition::In { subject, values } => {
                values.iter().any(|v| compare(env, subject, Op::Eq, v))
            }
            Condition::Not(c) => !c.eval(env),
            Condition::And(cs) => cs.iter().all(|c| c.eval(env)),
            Condition::Or(cs) => cs.iter().any(|c| c.eval(env)),
        }
    }
}

fn ordering<T: PartialOrd>(a: T, op: Op, b: T) -> bool {
    match op {
        Op::Eq => a == b,
        Op::Ne => a != b,
        Op::Lt => a < b,
        Op::Le => a <= b,
        Op::Gt => a > b,
        Op::Ge => a >= b,
    }
}

fn compare(env: &dyn Env, subject: &Subject, op: Op, lit: &Literal) -> bool {
    let school = env.school();
    match subject {
        Subject::Stage => match lit {
            Literal::Word(w) => Stage::parse(w)
                .is_some_and(|s| ordering(&school.stage, op, &s) && matches!(op, Op::Eq | Op::Ne)),
            _ => false,
        },
        Subject::Boarding => match lit {
            Literal::Word(w) => parse_bool(w)
                .is_some_and(|b| matches!(op, Op::Eq | Op::Ne) && ordering(school.boarding, op, b)),
            _ => false,
        },
        Subject::Enrolment => match lit {
            Literal::Number(n) => ordering(school.enrolment as f64, op, *n),
            _ => false,
        },
        Subject::Item(code) => {
            let Some(answer) = env.answer(code).filter(|a| a.is_given()) else {
                return false;
            };
            let equality = matches!(op, Op::Eq | Op::Ne);
            match (answer, lit) {
                (AnswerValue::Compliance(c), Literal::Word(w)) => {
                    equality && Compliance::parse(w).is_some_and(|l| ordering(*c, op, l))
                }
                (AnswerValue::YesNo(b), Literal::Word(w)) => {
                    equality && parse_bool(w).is_some_and(|l| ordering(*b, op, l))
                }
                (AnswerValue::Number(n), Literal::Number(l)) => ordering(*n, op, *l),
                (AnswerValue::Count(n), Literal::Number(l)) => ordering(*n as f64, op, *l),
                (AnswerValue::Time(t), Literal::Time(l)) => ordering(*t, op, *l),
                (AnswerValue::Choice(chosen), Literal::Word(w)) => {
                    equality && (chosen.contains(w) == (op == Op::Eq))
                }
                (AnswerValue::Text(t), Literal::Word(w)) => {
                    equality && ordering(t.trim(), op, w.as_str())
                }
                _ => false,
            }
        }
    }
}
