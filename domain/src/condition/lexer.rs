//! The lexer: a condition's text to tokens (words, quoted values, operators, brackets), and
//! the keywords of the language in English and Chinese.

use super::{ConditionError, Op};

#[derive(Debug, Clone, PartialEq)]
pub(super) enum Tok {
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
pub(super) struct Token {
    pub(super) tok: Tok,
    pub(super) pos: usize,
    pub(super) text: String,
}

pub(super) fn is_punct(c: char) -> bool {
    "()[],=!<>\"'（），【】“”".contains(c)
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Keyword {
    And,
    Or,
    Not,
    In,
    Answered,
}

pub(super) fn keyword(w: &str) -> Option<Keyword> {
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
pub(super) fn is_failed_word(w: &str) -> bool {
    w.eq_ignore_ascii_case("failed") || w == "不符合"
}

pub(super) fn lex(src: &str) -> Result<Vec<Token>, ConditionError> {
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
