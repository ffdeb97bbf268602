//! The parser: tokens to a [`Condition`], with the position of the first problem.

use super::lexer::{is_failed_word, keyword, lex, Keyword, Tok, Token};
use super::{Condition, ConditionError, Literal, Op, Subject};
use crate::answer::TimeOfDay;

impl Condition {
    pub fn parse(src: &str) -> Result<Condition, ConditionError> {
        super::count_parse();
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
}

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
