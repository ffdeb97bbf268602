//! Dates and times as Chinese documents write them: 2026年11月22日 14:05, 24-hour. The calendar
//! arithmetic is `chrono`'s; this module only says how dates are written.

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, TimeDelta, Timelike};

/// A calendar date and wall-clock time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Civil {
    pub year: i32,
    pub month: u8,
    pub day: u8,
    pub hour: u8,
    pub minute: u8,
}

/// China Standard Time, UTC+8, has no daylight saving.
pub const CHINA_OFFSET_MINUTES: i32 = 8 * 60;

/// The wall-clock time at a UTC offset. An instant chrono cannot place (beyond ±262,000 years:
/// only a corrupt timestamp) reads as 1970-01-01 00:00 rather than stopping the app.
fn local(unix_ms: i64, offset_minutes: i32) -> NaiveDateTime {
    let secs = unix_ms.div_euclid(1000) + offset_minutes as i64 * 60;
    DateTime::from_timestamp(secs, 0)
        .unwrap_or_default()
        .naive_utc()
}

/// Converts Unix milliseconds to the civil date and time at a UTC offset.
pub fn civil(unix_ms: i64, offset_minutes: i32) -> Civil {
    let t = local(unix_ms, offset_minutes);
    Civil {
        year: t.year(),
        month: t.month() as u8,
        day: t.day() as u8,
        hour: t.hour() as u8,
        minute: t.minute() as u8,
    }
}

/// 2026年11月22日 (zh) or 2026-11-22 (en).
pub fn format_date(unix_ms: i64, offset_minutes: i32, english: bool) -> String {
    let c = civil(unix_ms, offset_minutes);
    if english {
        format!("{:04}-{:02}-{:02}", c.year, c.month, c.day)
    } else {
        format!("{}年{}月{}日", c.year, c.month, c.day)
    }
}

/// 2026年11月22日 14:05 (zh) or 2026-11-22 14:05 (en).
pub fn format_datetime(unix_ms: i64, offset_minutes: i32, english: bool) -> String {
    let c = civil(unix_ms, offset_minutes);
    format!(
        "{} {:02}:{:02}",
        format_date(unix_ms, offset_minutes, english),
        c.hour,
        c.minute
    )
}

/// 14:05.
pub fn format_time(unix_ms: i64, offset_minutes: i32) -> String {
    let c = civil(unix_ms, offset_minutes);
    format!("{:02}:{:02}", c.hour, c.minute)
}

/// When something happened, as a status line says it: 今天 14:05, 昨天 09:30, otherwise
/// 2026年12月1日 14:05 (en: Today 14:05, Yesterday 09:30, 2026-12-01 14:05). `now_ms` decides
/// which day is today, at the same UTC offset.
pub fn format_when(unix_ms: i64, now_ms: i64, offset_minutes: i32, english: bool) -> String {
    let day = |ms: i64| local(ms, offset_minutes).date();
    let time = format_time(unix_ms, offset_minutes);
    match ((day(now_ms) - day(unix_ms)).num_days(), english) {
        (0, false) => format!("今天 {time}"),
        (0, true) => format!("Today {time}"),
        (1, false) => format!("昨天 {time}"),
        (1, true) => format!("Yesterday {time}"),
        _ => format_datetime(unix_ms, offset_minutes, english),
    }
}

/// A calendar date without a time: a deadline (整改期限), a visit day. Written `2026-12-31` in
/// data and 2026年12月31日 in documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub year: i32,
    pub month: u8,
    pub day: u8,
}

impl Date {
    /// A valid date, or `None` for 2026-02-30 and the like.
    pub fn new(year: i32, month: u8, day: u8) -> Option<Date> {
        NaiveDate::from_ymd_opt(year, month.into(), day.into()).map(Date::of)
    }

    fn of(d: NaiveDate) -> Date {
        Date {
            year: d.year(),
            month: d.month() as u8,
            day: d.day() as u8,
        }
    }

    /// The same date in chrono. Every `Date` comes from `new`, `parse` or `of_ms`, so it is valid.
    fn naive(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.month.into(), self.day.into())
            .expect("a Date is a real day")
    }

    /// The date in China on which this instant falls.
    pub fn of_ms(unix_ms: i64) -> Date {
        Date::of(local(unix_ms, CHINA_OFFSET_MINUTES).date())
    }

    /// Days since 1970-01-01.
    pub fn days(self) -> i64 {
        self.naive().to_epoch_days().into()
    }

    pub fn add_days(self, n: i64) -> Date {
        Date::of(self.naive() + TimeDelta::days(n))
    }

    /// Parses `2026-12-31` (what an `<input type=date>` gives).
    pub fn parse(s: &str) -> Option<Date> {
        let mut parts = s.trim().splitn(3, '-');
        let y = parts.next()?.parse().ok()?;
        let m = parts.next()?.parse().ok()?;
        let d = parts.next()?.parse().ok()?;
        Date::new(y, m, d)
    }

    /// `2026-12-31`.
    pub fn iso(self) -> String {
        format!("{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }

    /// 2026年12月31日.
    pub fn zh(self) -> String {
        format!("{}年{}月{}日", self.year, self.month, self.day)
    }

    /// 2026年12月31日 (zh) or 2026-12-31 (en).
    pub fn display(self, english: bool) -> String {
        if english {
            self.iso()
        } else {
            self.zh()
        }
    }
}

impl serde::Serialize for Date {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.iso())
    }
}

impl<'de> serde::Deserialize<'de> for Date {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Date, D::Error> {
        let s = String::deserialize(d)?;
        Date::parse(&s)
            .ok_or_else(|| serde::de::Error::custom(format!("not a date (YYYY-MM-DD): {s}")))
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn format_when_says_today_and_yesterday_in_the_phones_time_zone() {
        use super::{format_when, CHINA_OFFSET_MINUTES as CN};
        // 2026-12-01 14:05 and 00:10 Beijing time.
        let at = 1_796_105_100_000;
        let just_after_midnight = at - (13 * 60 + 55) * 60_000;
        assert_eq!(format_when(at, at + 60_000, CN, false), "今天 14:05");
        assert_eq!(
            format_when(just_after_midnight, at, CN, false),
            "今天 00:10"
        );
        // 23:59 the evening before is yesterday, though only 15 minutes earlier.
        let late = just_after_midnight - 11 * 60_000;
        assert_eq!(
            format_when(late, just_after_midnight, CN, false),
            "昨天 23:59"
        );
        assert_eq!(
            format_when(late, just_after_midnight, CN, true),
            "Yesterday 23:59"
        );
        assert_eq!(
            format_when(at, at + 2 * 86_400_000, CN, false),
            "2026年12月1日 14:05"
        );
        assert_eq!(
            format_when(at, at + 2 * 86_400_000, CN, true),
            "2026-12-01 14:05"
        );
        // In UTC the same instant is 06:05, still today.
        assert_eq!(format_when(at, at, 0, true), "Today 06:05");
    }

    use super::*;

    #[test]
    fn formats_beijing_time_in_chinese() {
        // 2026-11-22T06:05:00Z is 14:05 in Beijing.
        let ms = 1_795_327_500_000;
        assert_eq!(
            format_datetime(ms, CHINA_OFFSET_MINUTES, false),
            "2026年11月22日 14:05"
        );
        assert_eq!(format_date(ms, CHINA_OFFSET_MINUTES, true), "2026-11-22");
    }

    #[test]
    fn crosses_midnight_and_leap_days() {
        // 2024-02-28T16:30Z is 2024-02-29 00:30 in Beijing.
        let ms = 1_709_137_800_000;
        assert_eq!(
            civil(ms, CHINA_OFFSET_MINUTES),
            Civil {
                year: 2024,
                month: 2,
                day: 29,
                hour: 0,
                minute: 30
            }
        );
        assert_eq!(
            civil(0, 0),
            Civil {
                year: 1970,
                month: 1,
                day: 1,
                hour: 0,
                minute: 0
            }
        );
    }
    #[test]
    fn dates_count_days_across_months_years_and_leap_days() {
        let d = Date::new(2026, 12, 1).unwrap();
        assert_eq!(d.add_days(30), Date::new(2026, 12, 31).unwrap());
        assert_eq!(d.add_days(31), Date::new(2027, 1, 1).unwrap());
        assert_eq!(
            Date::new(2024, 2, 28).unwrap().add_days(1).zh(),
            "2024年2月29日"
        );
        assert_eq!(Date::new(1970, 1, 1).unwrap().days(), 0);
        assert_eq!(
            Date::of_ms(1_795_327_500_000),
            Date::new(2026, 11, 22).unwrap()
        );
    }

    #[test]
    fn dates_parse_only_real_days() {
        assert_eq!(Date::parse("2026-12-31"), Date::new(2026, 12, 31));
        assert_eq!(Date::parse("2026-02-29"), None);
        assert_eq!(Date::parse("2026-13-01"), None);
        assert_eq!(Date::parse("明天"), None);
        let json = serde_json::to_string(&Date::new(2027, 1, 5).unwrap()).unwrap();
        assert_eq!(json, "\"2027-01-05\"");
        assert!(serde_json::from_str::<Date>("\"2027-1-32\"").is_err());
    }
}
