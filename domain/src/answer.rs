//! The values a supervisor enters for an item.

use serde::{Deserialize, Serialize};
use std::fmt;

/// The four-level compliance answer (符合/基本符合/不符合/不适用).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Compliance {
    Compliant,
    Partial,
    NonCompliant,
    NotApplicable,
}

impl Compliance {
    pub const ALL: [Compliance; 4] = [
        Compliance::Compliant,
        Compliance::Partial,
        Compliance::NonCompliant,
        Compliance::NotApplicable,
    ];

    pub fn zh(self) -> &'static str {
        match self {
            Compliance::Compliant => "符合",
            Compliance::Partial => "基本符合",
            Compliance::NonCompliant => "不符合",
            Compliance::NotApplicable => "不适用",
        }
    }

    pub fn en(self) -> &'static str {
        match self {
            Compliance::Compliant => "Compliant",
            Compliance::Partial => "Partly",
            Compliance::NonCompliant => "Non-compliant",
            Compliance::NotApplicable => "N/A",
        }
    }

    /// Accepts the Chinese word, the English word or the storage name.
    pub fn parse(s: &str) -> Option<Compliance> {
        let s = s.trim();
        Compliance::ALL.into_iter().find(|c| {
            c.zh() == s
                || c.en().eq_ignore_ascii_case(s)
                || serde_json::to_value(c)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned))
                    == Some(s.to_owned())
        })
    }
}

/// A time of day, 24-hour, minute precision (e.g. 08:20).
///
/// Times are ordered as on a **school day**, which runs from [`NIGHT_ENDS`] (05:00) to 04:59
/// the next morning: a time from 00:00 to 04:59 is the night after the day, later than 23:59.
/// So a boarding school's lights-out at 00:30 is later than "不晚于 23:00", and an evening
/// study that ends at 01:00 is later than 20:30. Every comparison goes through this order:
/// rules (`not_before`/`not_after`), show-if conditions (`WX-SM-11 > 22:00`), input ranges and
/// validation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TimeOfDay {
    pub hour: u8,
    pub minute: u8,
}

/// Where a school day starts: times before it belong to the night of the day before.
pub const NIGHT_ENDS: TimeOfDay = TimeOfDay { hour: 5, minute: 0 };

impl Ord for TimeOfDay {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.day_minutes().cmp(&other.day_minutes())
    }
}

impl PartialOrd for TimeOfDay {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl TimeOfDay {
    pub fn new(hour: u8, minute: u8) -> Option<Self> {
        (hour < 24 && minute < 60).then_some(TimeOfDay { hour, minute })
    }

    /// Parses `H:MM` or `HH:MM` (also the full-width colon a Chinese keyboard types).
    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim().replace('：', ":");
        let (h, m) = s.split_once(':')?;
        if h.is_empty() || h.len() > 2 || m.len() != 2 {
            return None;
        }
        TimeOfDay::new(h.parse().ok()?, m.parse().ok()?)
    }

    /// Minutes since midnight on the clock (00:30 → 30).
    pub fn minutes(self) -> u16 {
        self.hour as u16 * 60 + self.minute as u16
    }

    /// Minutes on the school-day clock: 05:00 → 300 … 23:59 → 1439, then 00:00 → 1440 …
    /// 04:59 → 1739. See [`TimeOfDay`].
    pub fn day_minutes(self) -> u16 {
        let m = self.minutes();
        if m < NIGHT_ENDS.minutes() {
            m + 24 * 60
        } else {
            m
        }
    }

    /// Whether the time is in the small hours (00:00–04:59), the night after the school day.
    pub fn is_night(self) -> bool {
        self.minutes() < NIGHT_ENDS.minutes()
    }
}

impl fmt::Display for TimeOfDay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}:{:02}", self.hour, self.minute)
    }
}

impl Serialize for TimeOfDay {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

impl<'de> Deserialize<'de> for TimeOfDay {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        TimeOfDay::parse(&s).ok_or_else(|| {
            serde::de::Error::custom(format!("invalid time of day {s:?}, expected HH:MM"))
        })
    }
}

/// An answer's value. Which variant is valid depends on the item's answer kind.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum AnswerValue {
    Compliance(Compliance),
    YesNo(bool),
    Number(f64),
    Time(TimeOfDay),
    /// Selected option codes (one for single choice).
    Choice(Vec<String>),
    Text(String),
    Count(u32),
    /// Ids of photos attached as the answer itself.
    Photo(Vec<String>),
}

impl AnswerValue {
    /// The value as a person reads it, in the chosen language (unit added by the caller).
    pub fn display(&self, english: bool) -> String {
        match self {
            AnswerValue::Compliance(c) => (if english { c.en() } else { c.zh() }).to_owned(),
            AnswerValue::YesNo(b) => match (english, b) {
                (false, true) => "是".into(),
                (false, false) => "否".into(),
                (true, true) => "Yes".into(),
                (true, false) => "No".into(),
            },
            AnswerValue::Number(n) => format_number(*n),
            AnswerValue::Time(t) => t.to_string(),
            AnswerValue::Choice(v) => v.join("、"),
            AnswerValue::Text(t) => t.clone(),
            AnswerValue::Count(c) => c.to_string(),
            AnswerValue::Photo(p) => format!("{}", p.len()),
        }
    }

    /// True when the supervisor has given something (an empty text or choice is no answer).
    pub fn is_given(&self) -> bool {
        match self {
            AnswerValue::Text(t) => !t.trim().is_empty(),
            AnswerValue::Choice(v) | AnswerValue::Photo(v) => !v.is_empty(),
            AnswerValue::Number(n) => n.is_finite(),
            _ => true,
        }
    }
}

/// 75 → "75", 7.5 → "7.5", 60.004 → "60.004": no trailing zeros, as numbers are written in
/// reports, and never rounded: a value is printed as it was judged, so 60.004 minutes against
/// "≤ 60" never reads as "实测 60 分钟，不符合“≤ 60 分钟”".
pub fn format_number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        // Rust prints the shortest decimal that reads back as the same f64.
        format!("{n}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_parses_chinese_colon_and_rejects_nonsense() {
        assert_eq!(TimeOfDay::parse("8:20"), TimeOfDay::new(8, 20));
        assert_eq!(TimeOfDay::parse("08：20"), TimeOfDay::new(8, 20));
        assert_eq!(TimeOfDay::parse("24:00"), None);
        assert_eq!(TimeOfDay::parse("8:2"), None);
        assert_eq!(TimeOfDay::parse("eight"), None);
    }

    #[test]
    fn answer_values_round_trip_through_json() {
        let values = vec![
            AnswerValue::Compliance(Compliance::NonCompliant),
            AnswerValue::YesNo(true),
            AnswerValue::Number(75.0),
            AnswerValue::Time(TimeOfDay::new(7, 50).unwrap()),
            AnswerValue::Choice(vec!["a".into()]),
            AnswerValue::Text("备注".into()),
            AnswerValue::Count(3),
        ];
        for v in values {
            let json = serde_json::to_string(&v).unwrap();
            assert_eq!(
                serde_json::from_str::<AnswerValue>(&json).unwrap(),
                v,
                "{json}"
            );
        }
        assert_eq!(
            serde_json::to_string(&AnswerValue::Time(TimeOfDay::new(7, 5).unwrap())).unwrap(),
            r#"{"kind":"time","value":"07:05"}"#
        );
    }

    #[test]
    fn numbers_print_without_trailing_zeros() {
        assert_eq!(format_number(75.0), "75");
        assert_eq!(format_number(7.5), "7.5");
        assert_eq!(format_number(0.25), "0.25");
    }

    /// Issue 12: 60.004 minutes was printed as 60 next to "不符合 ≤ 60".
    #[test]
    fn numbers_print_as_judged_not_rounded() {
        assert_eq!(format_number(60.004), "60.004");
        assert_eq!(format_number(60.0001), "60.0001");
        assert_eq!(format_number(-0.5), "-0.5");
    }

    #[test]
    fn the_small_hours_are_later_than_the_evening() {
        let t = |s| TimeOfDay::parse(s).unwrap();
        assert!(t("00:30") > t("23:00"));
        assert!(t("00:00") > t("23:59"));
        assert!(t("04:59") > t("00:00"));
        assert!(t("05:00") < t("08:20"));
        assert!(t("04:59") > t("05:00"));
        assert_eq!(t("04:59").day_minutes(), 1739);
        assert_eq!(t("05:00").day_minutes(), 300);
        assert!(t("04:59").is_night() && !t("05:00").is_night());
    }
}
