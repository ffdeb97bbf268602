//! Show-if conditions: a small language office staff can write in a template or an Excel cell.
//!
//! ```text
//! WX-SJ-01 = 否                         an answer equals a value
//! WX-ZY-03 > 60                         numbers and times (08:20) compare
//! WX-SJ-02 in [不符合, 基本符合]          one of several values
//! answered(WX-SM-01)                    the item has an answer
//! failed(WX-ZY-03)                      the item is answered and judged 不符合 (also 不符合(…))
//! stage in [小学, 九年一贯制]              facts about the school: stage, boarding, enrolment
//! boarding and enrolment >= 1000
//! not (A = 是 or B = 是)                 and / or / not, parentheses; 且 / 或 / 非 also work
//! ```
//!
//! An item that is not answered makes every comparison on it false (also `!=`): a follow-up
//! question stays hidden until the question it depends on is answered.
//!
//! `failed(CODE)` asks for the item's verdict, by its rule (with the local edition's limits),
//! compliance, yes/no or choice semantics at the visit's school. A follow-up on a failed
//! threshold uses it instead of repeating the number, which would go stale when an office sets
//! a local limit.

mod check;
mod display;
mod eval;
mod lexer;
mod parser;

pub(crate) use check::never_fails;

use std::cell::Cell;

thread_local! {
    static PARSES: Cell<usize> = const { Cell::new(0) };
}

/// How many conditions this thread has parsed so far: what tests count to show that answering
/// parses nothing (a checklist compiled once keeps its conditions parsed).
pub fn parses() -> usize {
    PARSES.with(Cell::get)
}

pub(super) fn count_parse() {
    PARSES.with(|c| c.set(c.get() + 1));
}

use crate::answer::{AnswerValue, TimeOfDay};
use crate::rule::Outcome;
use crate::school::School;

#[derive(Debug, Clone, PartialEq)]
pub enum Condition {
    Answered(String),
    /// The item is answered and its verdict is 不符合: `failed(CODE)` or `不符合(CODE)`.
    Failed(String),
    Compare {
        subject: Subject,
        op: Op,
        value: Literal,
    },
    In {
        subject: Subject,
        values: Vec<Literal>,
    },
    Not(Box<Condition>),
    And(Vec<Condition>),
    Or(Vec<Condition>),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Subject {
    Item(String),
    Stage,
    Boarding,
    Enrolment,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    Number(f64),
    Time(TimeOfDay),
    Word(String),
}

/// A parse error with the character position (0-based) where it was found.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("at character {position}: {message}")]
pub struct ConditionError {
    pub position: usize,
    pub message: String,
}

/// What a condition can look at while evaluated.
pub trait Env {
    fn answer(&self, item: &str) -> Option<&AnswerValue>;
    fn school(&self) -> &School;
    /// The verdict of the item's current answer at the school (by its rule, compliance, yes/no
    /// or choice semantics), or `None` when it is unanswered or not judged. An environment that
    /// knows no verdicts keeps the default, and `failed(…)` is then always false.
    fn outcome(&self, item: &str) -> Option<Outcome> {
        let _ = item;
        None
    }
}

/// The words for yes and no that a condition may compare `boarding` or a yes/no item with.
fn parse_bool(w: &str) -> Option<bool> {
    match w.to_ascii_lowercase().as_str() {
        "是" | "yes" | "true" | "有" => Some(true),
        "否" | "no" | "false" | "无" => Some(false),
        _ => None,
    }
}
