//! What may be entered for an item: the value's kind and its plausible range.
//!
//! One check, [`AnswerKind::check`], used wherever a value comes in: the editor on the phone
//! ([`crate::Visit::set_value`]), the server when a push sets `answers.{code}.value`, and the
//! verdict itself ([`crate::rule::Verdict::for_item`]), so a value that arrived some other way
//! (an old backup, a phone on an older version) is never judged. A value outside its range is
//! a typing error (99999 guards, 8 service days a week, −5 minutes of homework): the editor
//! refuses it with a message naming the range, and a stored one is shown as 数值超出范围 and
//! is neither 符合 nor 不符合 until corrected.

use crate::answer::{format_number, AnswerValue, TimeOfDay};
use crate::template::AnswerKind;
use crate::text::Text;

/// Why a value cannot be an item's answer. [`ValueError::message`] is what the supervisor
/// reads; `Display` is for logs and the API.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ValueError {
    /// The value is of another kind than the item asks for (a text for a count).
    #[error("the item expects a {expected} answer, not a {got} one")]
    WrongKind {
        expected: &'static str,
        got: &'static str,
    },
    /// A number, count or time outside the item's plausible range, or not a whole number
    /// where one is counted. `range` says what is allowed, in both languages.
    #[error("{value} is outside the item's range: {}", .range.en)]
    OutOfRange { value: String, range: Text },
    /// What was typed is not a number (or time) at all.
    #[error("{typed:?} is not a number: {}", .range.en)]
    NotANumber { typed: String, range: Text },
    #[error("{0:?} is not one of the item's options")]
    UnknownOption(String),
    #[error("only one option may be chosen for this item")]
    OneOptionOnly,
}

impl ValueError {
    /// What the supervisor reads beside the field, in the chosen language.
    pub fn message(&self, en: bool) -> String {
        match self {
            ValueError::OutOfRange { range, .. } | ValueError::NotANumber { range, .. } => {
                range.get(en).to_owned()
            }
            ValueError::WrongKind { .. } if en => {
                "That value does not fit this item and was not saved.".into()
            }
            ValueError::WrongKind { .. } => "这个值不符合此题的要求，未保存。".into(),
            ValueError::UnknownOption(_) if en => {
                "That option is not one of this item's options.".into()
            }
            ValueError::UnknownOption(_) => "所选选项不在此题的选项中。".into(),
            ValueError::OneOptionOnly if en => "Choose one option only.".into(),
            ValueError::OneOptionOnly => "此题只能选一项。".into(),
        }
    }
}

fn kind_of(v: &AnswerValue) -> &'static str {
    match v {
        AnswerValue::Compliance(_) => "compliance",
        AnswerValue::YesNo(_) => "yes_no",
        AnswerValue::Number(_) => "number",
        AnswerValue::Time(_) => "time",
        AnswerValue::Choice(_) => "choice",
        AnswerValue::Text(_) => "text",
        AnswerValue::Count(_) => "count",
        AnswerValue::Photo(_) => "photo",
    }
}

impl AnswerKind {
    /// Whether `value` can be this item's answer: the right kind, within the plausible range.
    pub fn check(&self, value: &AnswerValue) -> Result<(), ValueError> {
        let out_of_range = || ValueError::OutOfRange {
            value: value.display(false),
            range: self.range_hint().unwrap_or_default(),
        };
        match (self, value) {
            (AnswerKind::Compliance, AnswerValue::Compliance(_))
            | (AnswerKind::YesNo { .. }, AnswerValue::YesNo(_))
            | (AnswerKind::Text, AnswerValue::Text(_))
            | (AnswerKind::Photo, AnswerValue::Photo(_)) => Ok(()),
            (AnswerKind::Number { min, max, .. }, AnswerValue::Number(n)) => {
                let inside =
                    n.is_finite() && min.is_none_or(|m| *n >= m) && max.is_none_or(|m| *n <= m);
                inside.then_some(()).ok_or_else(out_of_range)
            }
            (AnswerKind::Count { min, max, .. }, AnswerValue::Count(c)) => {
                let inside = min.is_none_or(|m| *c >= m) && max.is_none_or(|m| *c <= m);
                inside.then_some(()).ok_or_else(out_of_range)
            }
            (AnswerKind::Time { earliest, latest }, AnswerValue::Time(t)) => {
                let inside = earliest.is_none_or(|e| *t >= e) && latest.is_none_or(|l| *t <= l);
                inside.then_some(()).ok_or_else(out_of_range)
            }
            (AnswerKind::Choice { options, multiple }, AnswerValue::Choice(chosen)) => {
                if let Some(c) = chosen
                    .iter()
                    .find(|c| !options.iter().any(|o| &o.code == *c))
                {
                    return Err(ValueError::UnknownOption(c.clone()));
                }
                if !multiple && chosen.len() > 1 {
                    return Err(ValueError::OneOptionOnly);
                }
                Ok(())
            }
            (kind, v) => Err(ValueError::WrongKind {
                expected: kind.name(),
                got: kind_of(v),
            }),
        }
    }

    /// Reads what was typed into a number, count or time field: `Ok(None)` when it is blank,
    /// an error naming the range when it is not a value the item takes ("-1" or "3.5" for a
    /// count, "6000" for minutes). Accepts full-width digits and the full-width colon a
    /// Chinese keyboard types.
    pub fn read_typed(&self, typed: &str) -> Result<Option<AnswerValue>, ValueError> {
        let s: String = typed
            .trim()
            .chars()
            .map(|c| match c {
                '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
                '．' | '。' => '.',
                '－' | '−' => '-',
                c => c,
            })
            .collect();
        if s.is_empty() {
            return Ok(None);
        }
        let range = || self.range_hint().unwrap_or_default();
        let not_a_number = || ValueError::NotANumber {
            typed: typed.trim().to_owned(),
            range: range(),
        };
        let value = match self {
            AnswerKind::Number { .. } => {
                let n: f64 = s.parse().map_err(|_| not_a_number())?;
                if !n.is_finite() {
                    return Err(not_a_number());
                }
                AnswerValue::Number(n)
            }
            AnswerKind::Count { .. } => {
                let n: f64 = s.parse().map_err(|_| not_a_number())?;
                if !n.is_finite() {
                    return Err(not_a_number());
                }
                if n.fract() != 0.0 || n < 0.0 || n > f64::from(u32::MAX) {
                    return Err(ValueError::OutOfRange {
                        value: s,
                        range: range(),
                    });
                }
                AnswerValue::Count(n as u32)
            }
            AnswerKind::Time { .. } => {
                AnswerValue::Time(TimeOfDay::parse(&s).ok_or_else(not_a_number)?)
            }
            _ => return Err(not_a_number()),
        };
        self.check(&value)?;
        Ok(Some(value))
    }

    /// What may be entered, as the message beside the field says it: 请输入 0–7 之间的整数（天）,
    /// 请输入 18:00 至次日 04:59 之间的时间. `None` for kinds without a range.
    pub fn range_hint(&self) -> Option<Text> {
        let unit = |u: &Text, en: bool| -> String {
            let u = u.get(en).trim();
            match (u.is_empty(), en) {
                (true, _) => String::new(),
                (false, false) => format!("（{u}）"),
                (false, true) => format!(" ({u})"),
            }
        };
        match self {
            AnswerKind::Count { unit: u, min, max } => {
                let min = min.unwrap_or(0);
                let (zh, en) = match max {
                    Some(max) => (
                        format!("请输入 {min}–{max} 之间的整数"),
                        format!("Enter a whole number from {min} to {max}"),
                    ),
                    None => (
                        format!("请输入不小于 {min} 的整数"),
                        format!("Enter a whole number of at least {min}"),
                    ),
                };
                Some(Text::new(
                    format!("{zh}{}", unit(u, false)),
                    format!("{en}{}", unit(u, true)),
                ))
            }
            AnswerKind::Number { unit: u, min, max } => {
                let (zh, en) = match (min, max) {
                    (Some(a), Some(b)) => (
                        format!(
                            "请输入 {}–{} 之间的数",
                            format_number(*a),
                            format_number(*b)
                        ),
                        format!(
                            "Enter a number from {} to {}",
                            format_number(*a),
                            format_number(*b)
                        ),
                    ),
                    (Some(a), None) => (
                        format!("请输入不小于 {} 的数", format_number(*a)),
                        format!("Enter a number of at least {}", format_number(*a)),
                    ),
                    (None, Some(b)) => (
                        format!("请输入不大于 {} 的数", format_number(*b)),
                        format!("Enter a number of at most {}", format_number(*b)),
                    ),
                    (None, None) => ("请输入数字".to_owned(), "Enter a number".to_owned()),
                };
                Some(Text::new(
                    format!("{zh}{}", unit(u, false)),
                    format!("{en}{}", unit(u, true)),
                ))
            }
            AnswerKind::Time { earliest, latest } => {
                let e = earliest.unwrap_or(crate::answer::NIGHT_ENDS);
                let l = latest.unwrap_or(TimeOfDay {
                    hour: 4,
                    minute: 59,
                });
                let (next_zh, next_en) = if l.is_night() && !e.is_night() {
                    ("次日 ", " the next morning")
                } else {
                    ("", "")
                };
                Some(Text::new(
                    format!("请输入 {e} 至{next_zh}{l} 之间的时间"),
                    format!("Enter a time from {e} to {l}{next_en}"),
                ))
            }
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn days() -> AnswerKind {
        AnswerKind::Count {
            unit: Text::new("天", "days"),
            min: Some(0),
            max: Some(7),
        }
    }

    fn minutes() -> AnswerKind {
        AnswerKind::Number {
            unit: Text::new("分钟", "min"),
            min: Some(0.0),
            max: Some(600.0),
        }
    }

    fn bedtime() -> AnswerKind {
        AnswerKind::Time {
            earliest: TimeOfDay::new(18, 0),
            latest: TimeOfDay::new(4, 59),
        }
    }

    #[test]
    fn a_count_refuses_negative_fractional_and_too_many_naming_the_range() {
        let k = days();
        assert_eq!(k.read_typed("5"), Ok(Some(AnswerValue::Count(5))));
        assert_eq!(k.read_typed("  "), Ok(None));
        assert_eq!(k.read_typed("７"), Ok(Some(AnswerValue::Count(7))));
        for typed in ["-1", "3.5", "8", "99999"] {
            let e = k.read_typed(typed).unwrap_err();
            assert_eq!(e.message(false), "请输入 0–7 之间的整数（天）", "{typed}");
            assert_eq!(e.message(true), "Enter a whole number from 0 to 7 (days)");
        }
        assert!(matches!(
            k.read_typed("abc"),
            Err(ValueError::NotANumber { .. })
        ));
        assert!(k.check(&AnswerValue::Count(8)).is_err());
        assert!(k.check(&AnswerValue::Count(0)).is_ok());
    }

    #[test]
    fn a_number_refuses_what_is_outside_its_range_and_not_finite() {
        let k = minutes();
        assert_eq!(k.read_typed("60.5"), Ok(Some(AnswerValue::Number(60.5))));
        for typed in ["-5", "6000", "NaN", "inf", "1e999"] {
            let e = k.read_typed(typed).unwrap_err();
            assert_eq!(e.message(false), "请输入 0–600 之间的数（分钟）", "{typed}");
        }
        for v in [-5.0, 600.01, f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
            assert!(k.check(&AnswerValue::Number(v)).is_err(), "{v}");
        }
        assert!(k.check(&AnswerValue::Number(600.0)).is_ok());
    }

    #[test]
    fn a_time_range_can_run_past_midnight() {
        let k = bedtime();
        let t = |s| AnswerValue::Time(TimeOfDay::parse(s).unwrap());
        for ok in ["18:00", "22:30", "23:59", "00:00", "00:30", "04:59"] {
            assert!(k.check(&t(ok)).is_ok(), "{ok}");
        }
        for bad in ["05:00", "12:00", "17:59"] {
            let e = k.check(&t(bad)).unwrap_err();
            assert_eq!(e.message(false), "请输入 18:00 至次日 04:59 之间的时间");
            assert_eq!(
                e.message(true),
                "Enter a time from 18:00 to 04:59 the next morning"
            );
        }
    }

    #[test]
    fn a_value_of_another_kind_is_refused() {
        assert!(matches!(
            days().check(&AnswerValue::Number(3.0)),
            Err(ValueError::WrongKind {
                expected: "count",
                got: "number"
            })
        ));
        assert!(days().read_typed("3").is_ok());
        assert!(AnswerKind::Text.read_typed("3").is_err());
    }
}
