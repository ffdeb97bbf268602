//! Dates and times as Chinese documents write them: 2026年11月22日 14:05, 24-hour.

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

/// Converts Unix milliseconds to the civil date and time at a UTC offset.
pub fn civil(unix_ms: i64, offset_minutes: i32) -> Civil {
    let secs = unix_ms.div_euclid(1000) + offset_minutes as i64 * 60;
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    // Howard Hinnant's days-to-civil algorithm.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
    let year = (yoe + era * 400 + if month <= 2 { 1 } else { 0 }) as i32;
    Civil {
        year,
        month,
        day,
        hour: (rem / 3600) as u8,
        minute: (rem % 3600 / 60) as u8,
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

#[cfg(test)]
mod tests {
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
}
