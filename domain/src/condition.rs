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

use crate::answer::{AnswerValue, Compliance, TimeOfDay};
use crate::rule::Outcome;
use crate::school::{School, Stage};
use crate::template::AnswerKind;
use std::fmt;

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

impl Condition {
    pub fn parse(src: &str) -> Result<Condition, ConditionError> {
        let tokens = lex(src)?;
        let mut p = Parser {
            tokens,
            pos: 0,
            end: src.chars().count(),
            depth: 0,
        };
        let c = p.or()?;
        if let Some(t) = p.peek() {
            return Err(p.error_at(
                t.pos,
                format!("unexpected '{}' after a complete condition", t.text),
            ));
        }
        Ok(c)
    }

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

fn parse_bool(w: &str) -> Option<bool> {
    match w.to_ascii_lowercase().as_str() {
        "是" | "yes" | "true" | "有" => Some(true),
        "否" | "no" | "false" | "无" => Some(false),
        _ => None,
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

// ---- Display: a canonical form that parses back to the same condition ----

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

// ---- Lexer ----

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Word(String),
    Quoted(String),
    Op(Op),
    LParen,
    RParen,
    LBracket,
    RBracket,
    Comma,
    Bang,
}

#[derive(Debug, Clone)]
struct Token {
    tok: Tok,
    pos: usize,
    text: String,
}

fn is_punct(c: char) -> bool {
    "()[],=!<>\"'（），【】“”".contains(c)
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Keyword {
    And,
    Or,
    Not,
    In,
    Answered,
}

fn keyword(w: &str) -> Option<Keyword> {
    match w.to_ascii_lowercase().as_str() {
        "and" | "且" | "&&" => Some(Keyword::And),
        "or" | "或" | "||" => Some(Keyword::Or),
        "not" | "非" => Some(Keyword::Not),
        "in" | "属于" => Some(Keyword::In),
        "answered" | "已答" => Some(Keyword::Answered),
        _ => None,
    }
}

/// `failed` (any case) or `不符合` in front of '(': the item is judged 不符合.
fn is_failed_word(w: &str) -> bool {
    w.eq_ignore_ascii_case("failed") || w == "不符合"
}

fn lex(src: &str) -> Result<Vec<Token>, ConditionError> {
    let chars: Vec<char> = src.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let start = i;
        let single = |tok: Tok| Token {
            tok,
            pos: start,
            text: c.to_string(),
        };
        match c {
            _ if c.is_whitespace() => i += 1,
            '(' | '（' => {
                out.push(single(Tok::LParen));
                i += 1
            }
            ')' | '）' => {
                out.push(single(Tok::RParen));
                i += 1
            }
            '[' | '【' => {
                out.push(single(Tok::LBracket));
                i += 1
            }
            ']' | '】' => {
                out.push(single(Tok::RBracket));
                i += 1
            }
            ',' | '，' => {
                out.push(single(Tok::Comma));
                i += 1
            }
            '"' | '“' | '\'' => {
                let close = match c {
                    '“' => '”',
                    other => other,
                };
                let mut j = i + 1;
                while j < chars.len() && chars[j] != close && !(close == '”' && chars[j] == '"') {
                    j += 1;
                }
                if j >= chars.len() {
                    return Err(ConditionError {
                        position: start,
                        message: "quoted value is not closed".into(),
                    });
                }
                let text: String = chars[i + 1..j].iter().collect();
                out.push(Token {
                    tok: Tok::Quoted(text.clone()),
                    pos: start,
                    text,
                });
                i = j + 1;
            }
            '=' | '!' | '<' | '>' => {
                let next = chars.get(i + 1).copied();
                let (tok, len) = match (c, next) {
                    ('=', Some('=')) => (Tok::Op(Op::Eq), 2),
                    ('=', _) => (Tok::Op(Op::Eq), 1),
                    ('!', Some('=')) => (Tok::Op(Op::Ne), 2),
                    ('!', _) => (Tok::Bang, 1),
                    ('<', Some('=')) => (Tok::Op(Op::Le), 2),
                    ('<', Some('>')) => (Tok::Op(Op::Ne), 2),
                    ('<', _) => (Tok::Op(Op::Lt), 1),
                    ('>', Some('=')) => (Tok::Op(Op::Ge), 2),
                    _ => (Tok::Op(Op::Gt), 1),
                };
                out.push(Token {
                    tok,
                    pos: start,
                    text: chars[i..i + len].iter().collect(),
                });
                i += len;
            }
            '≤' => {
                out.push(single(Tok::Op(Op::Le)));
                i += 1
            }
            '≥' => {
                out.push(single(Tok::Op(Op::Ge)));
                i += 1
            }
            '≠' => {
                out.push(single(Tok::Op(Op::Ne)));
                i += 1
            }
            _ => {
                let mut j = i;
                while j < chars.len()
                    && !chars[j].is_whitespace()
                    && !is_punct(chars[j])
                    && !"≤≥≠".contains(chars[j])
                {
                    j += 1;
                }
                if j == i {
                    // A punctuation mark no token starts with (a stray ”): without this the
                    // lexer would push empty words forever.
                    return Err(ConditionError {
                        position: start,
                        message: format!("unexpected '{c}'"),
                    });
                }
                let text: String = chars[i..j].iter().collect();
                out.push(Token {
                    tok: Tok::Word(text.clone()),
                    pos: start,
                    text,
                });
                i = j;
            }
        }
    }
    Ok(out)
}

// ---- Parser ----

struct Parser {
    tokens: Vec<Token>,
    pos: usize,
    end: usize,
    /// Nesting of parentheses and negations, bounded so a pasted cell cannot overflow the stack.
    depth: usize,
}

/// Far deeper than any condition a person writes.
const MAX_DEPTH: usize = 64;

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.pos)
    }

    fn next(&mut self) -> Option<Token> {
        let t = self.tokens.get(self.pos).cloned();
        self.pos += 1;
        t
    }

    fn here(&self) -> usize {
        self.peek().map_or(self.end, |t| t.pos)
    }

    fn error_at(&self, position: usize, message: String) -> ConditionError {
        ConditionError { position, message }
    }

    fn peek_keyword(&self) -> Option<Keyword> {
        match self.peek() {
            Some(Token {
                tok: Tok::Word(w), ..
            }) => keyword(w),
            _ => None,
        }
    }

    fn or(&mut self) -> Result<Condition, ConditionError> {
        let mut parts = vec![self.and()?];
        while self.peek_keyword() == Some(Keyword::Or) {
            self.next();
            parts.push(self.and()?);
        }
        Ok(if parts.len() == 1 {
            parts.remove(0)
        } else {
            Condition::Or(parts)
        })
    }

    fn and(&mut self) -> Result<Condition, ConditionError> {
        let mut parts = vec![self.unary()?];
        while self.peek_keyword() == Some(Keyword::And) {
            self.next();
            parts.push(self.unary()?);
        }
        Ok(if parts.len() == 1 {
            parts.remove(0)
        } else {
            Condition::And(parts)
        })
    }

    fn unary(&mut self) -> Result<Condition, ConditionError> {
        if self.depth >= MAX_DEPTH {
            return Err(self.error_at(self.here(), "the condition is nested too deeply".into()));
        }
        self.depth += 1;
        let c = self.unary_inner();
        self.depth -= 1;
        c
    }

    fn unary_inner(&mut self) -> Result<Condition, ConditionError> {
        let pos = self.here();
        match self.peek().map(|t| t.tok.clone()) {
            None => Err(self.error_at(pos, "expected a condition, found the end".into())),
            Some(Tok::Bang) => {
                self.next();
                Ok(Condition::Not(Box::new(self.unary()?)))
            }
            Some(Tok::Word(w)) if keyword(&w) == Some(Keyword::Not) => {
                self.next();
                Ok(Condition::Not(Box::new(self.unary()?)))
            }
            Some(Tok::LParen) => {
                self.next();
                let c = self.or()?;
                self.expect(Tok::RParen, "')' to close the parenthesis")?;
                Ok(c)
            }
            Some(Tok::Word(w)) if keyword(&w) == Some(Keyword::Answered) => {
                self.next();
                self.expect(Tok::LParen, "'(' after answered")?;
                let code = self.item_code()?;
                self.expect(Tok::RParen, "')' after the item code")?;
                Ok(Condition::Answered(code))
            }
            Some(Tok::Word(w)) if is_failed_word(&w) => {
                // `failed` / `不符合` is the verdict form only before '(': `不符合` is also a
                // compliance value and `failed` may be an item code, so neither is a keyword.
                let after = self.tokens.get(self.pos + 1);
                match after.map(|t| &t.tok) {
                    Some(Tok::LParen) => {
                        self.next();
                        self.next();
                        let code = self.item_code()?;
                        self.expect(Tok::RParen, "')' after the item code")?;
                        Ok(Condition::Failed(code))
                    }
                    Some(Tok::Op(_)) => self.comparison(),
                    Some(Tok::Word(k)) if keyword(k) == Some(Keyword::In) => self.comparison(),
                    _ => {
                        let (at, found) = match after {
                            Some(t) => (t.pos, format!("found '{}'", t.text)),
                            None => (self.end, "found the end".to_owned()),
                        };
                        Err(self.error_at(
                            at,
                            format!("expected '(' after {w}, e.g. {w}(WX-ZY-04), {found}"),
                        ))
                    }
                }
            }
            Some(Tok::Word(_)) => self.comparison(),
            Some(_) => {
                let t = self.next().expect("peeked");
                Err(self.error_at(
                    t.pos,
                    format!("expected an item code or '(', found '{}'", t.text),
                ))
            }
        }
    }

    fn item_code(&mut self) -> Result<String, ConditionError> {
        let pos = self.here();
        match self.next() {
            Some(Token {
                tok: Tok::Word(w), ..
            }) if keyword(&w).is_none() => Ok(w),
            Some(t) => {
                Err(self.error_at(t.pos, format!("expected an item code, found '{}'", t.text)))
            }
            None => Err(self.error_at(pos, "expected an item code, found the end".into())),
        }
    }

    fn comparison(&mut self) -> Result<Condition, ConditionError> {
        let name = self.item_code()?;
        let subject = match name.to_ascii_lowercase().as_str() {
            "stage" | "学段" => Subject::Stage,
            "boarding" | "寄宿" => Subject::Boarding,
            "enrolment" | "enrollment" | "在校生" => Subject::Enrolment,
            _ => Subject::Item(name),
        };
        let pos = self.here();
        match self.peek().map(|t| t.tok.clone()) {
            Some(Tok::Op(op)) => {
                self.next();
                let value = self.literal()?;
                Ok(Condition::Compare { subject, op, value })
            }
            Some(Tok::Word(w)) if keyword(&w) == Some(Keyword::In) => {
                self.next();
                self.expect(Tok::LBracket, "'[' after in")?;
                let mut values = vec![self.literal()?];
                while matches!(self.peek().map(|t| &t.tok), Some(Tok::Comma)) {
                    self.next();
                    values.push(self.literal()?);
                }
                self.expect(Tok::RBracket, "']' to close the list")?;
                Ok(Condition::In { subject, values })
            }
            // A bare `boarding` reads as `boarding = 是`.
            _ if subject == Subject::Boarding => Ok(Condition::Compare {
                subject,
                op: Op::Eq,
                value: Literal::Word("是".into()),
            }),
            Some(_) => {
                let t = self.next().expect("peeked");
                Err(self.error_at(
                    t.pos,
                    format!(
                        "expected =, !=, <, <=, >, >= or in after {subject}, found '{}'",
                        t.text
                    ),
                ))
            }
            None => Err(self.error_at(
                pos,
                format!("expected =, !=, <, <=, >, >= or in after {subject}"),
            )),
        }
    }

    fn literal(&mut self) -> Result<Literal, ConditionError> {
        let pos = self.here();
        match self.next() {
            Some(Token {
                tok: Tok::Quoted(q),
                ..
            }) => Ok(Literal::Word(q)),
            Some(Token {
                tok: Tok::Word(w),
                pos,
                ..
            }) => {
                if keyword(&w).is_some() {
                    return Err(
                        self.error_at(pos, format!("expected a value, found the keyword '{w}'"))
                    );
                }
                if let Some(t) = TimeOfDay::parse(&w) {
                    Ok(Literal::Time(t))
                } else if w.contains(':') || w.contains('：') {
                    Err(self.error_at(
                        pos,
                        format!("'{w}' is not a valid time; write HH:MM, e.g. 08:20"),
                    ))
                } else if let Ok(n) = w.parse::<f64>() {
                    if n.is_finite() {
                        Ok(Literal::Number(n))
                    } else {
                        Err(self.error_at(pos, format!("'{w}' is not a usable number")))
                    }
                } else {
                    Ok(Literal::Word(w))
                }
            }
            Some(t) => Err(self.error_at(t.pos, format!("expected a value, found '{}'", t.text))),
            None => Err(self.error_at(pos, "expected a value, found the end".into())),
        }
    }

    fn expect(&mut self, want: Tok, what: &str) -> Result<(), ConditionError> {
        let pos = self.here();
        match self.next() {
            Some(t) if t.tok == want => Ok(()),
            Some(t) => Err(self.error_at(t.pos, format!("expected {what}, found '{}'", t.text))),
            None => Err(self.error_at(pos, format!("expected {what}, found the end"))),
        }
    }
}
