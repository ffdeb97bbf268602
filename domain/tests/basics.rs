//! The small value types everything else rests on: times of day, grade ranges, stages,
//! compliance words, dates as Chinese documents write them, citations.

use dudao_domain::answer::format_number;
use dudao_domain::datetime::{
    civil, format_date, format_datetime, format_time, CHINA_OFFSET_MINUTES,
};
use dudao_domain::{Basis, Compliance, GradeRange, Stage, Text, TimeOfDay};
use proptest::prelude::*;

#[test]
fn every_time_of_day_prints_and_parses_back() {
    for h in 0..24 {
        for m in 0..60 {
            let t = TimeOfDay::new(h, m).unwrap();
            assert_eq!(TimeOfDay::parse(&t.to_string()), Some(t));
            assert_eq!(TimeOfDay::parse(&t.to_string().replace(':', "：")), Some(t));
            assert_eq!(t.minutes(), u16::from(h) * 60 + u16::from(m));
        }
    }
    assert_eq!(TimeOfDay::new(24, 0), None);
    assert_eq!(TimeOfDay::new(8, 60), None);
    for bad in [
        "", ":", "8", "08:", ":20", "8:5", "008:20", "25:00", "08:60", "八点", "08.20",
    ] {
        assert_eq!(TimeOfDay::parse(bad), None, "{bad:?}");
    }
}

#[test]
fn times_order_like_the_clock() {
    let t = |h, m| TimeOfDay::new(h, m).unwrap();
    assert!(t(8, 19) < t(8, 20));
    assert!(t(7, 59) < t(8, 0));
    assert!(t(21, 20) < t(22, 0));
    assert_eq!(serde_json::to_string(&t(8, 0)).unwrap(), "\"08:00\"");
    assert_eq!(
        serde_json::from_str::<TimeOfDay>("\"8：00\"").unwrap(),
        t(8, 0)
    );
    let e = serde_json::from_str::<TimeOfDay>("\"25:00\"").unwrap_err();
    assert!(e.to_string().contains("HH:MM"), "{e}");
}

#[test]
fn stages_parse_in_every_spelling_and_know_their_grades() {
    for s in Stage::ALL {
        assert_eq!(Stage::parse(s.zh()), Some(s));
        assert_eq!(Stage::parse(&s.en().to_uppercase()), Some(s));
        let stored = serde_json::to_string(&s).unwrap();
        assert_eq!(serde_json::from_str::<Stage>(&stored).unwrap(), s);
        assert_eq!(Stage::parse(stored.trim_matches('"')), Some(s));
    }
    assert_eq!(Stage::parse(" 九年一贯制 "), Some(Stage::NineYear));
    assert_eq!(Stage::parse("nine_year"), Some(Stage::NineYear));
    assert_eq!(
        serde_json::from_str::<Stage>("\"complete_secondary\"").unwrap(),
        Stage::CompleteSecondary
    );
    assert_eq!(Stage::parse("大学"), None);
    assert_eq!(Stage::Primary.default_grades(), GradeRange::new(1, 6));
    assert_eq!(Stage::NineYear.default_grades(), GradeRange::new(1, 9));
    assert_eq!(
        Stage::CompleteSecondary.default_grades(),
        GradeRange::new(7, 12)
    );
    assert_eq!(Stage::Kindergarten.default_grades(), GradeRange::new(0, 0));
}

#[test]
fn compliance_words_parse_in_both_languages() {
    for c in Compliance::ALL {
        assert_eq!(Compliance::parse(c.zh()), Some(c));
        assert_eq!(Compliance::parse(&c.en().to_lowercase()), Some(c));
    }
    assert_eq!(
        Compliance::parse("non_compliant"),
        Some(Compliance::NonCompliant)
    );
    assert_eq!(Compliance::parse("不太符合"), None);
}

#[test]
fn grade_ranges_serialise_as_pairs() {
    assert_eq!(
        serde_json::to_string(&GradeRange::new(3, 6)).unwrap(),
        "[3,6]"
    );
    assert_eq!(
        serde_json::from_str::<GradeRange>("[7,9]").unwrap(),
        GradeRange::new(7, 9)
    );
}

#[test]
fn numbers_print_as_reports_write_them() {
    assert_eq!(format_number(60.0), "60");
    assert_eq!(format_number(75.5), "75.5");
    assert_eq!(format_number(-1.25), "-1.25");
    assert_eq!(format_number(0.0), "0");
}

#[test]
fn citations_read_like_a_gongwen_reference() {
    let b = Basis {
        document: "《中小学校责任督学挂牌督导办法》".into(),
        number: None,
        year: 2013,
        article: Some("第四条".into()),
        local: false,
        unconfirmed: false,
    };
    assert_eq!(
        b.citation(),
        "《中小学校责任督学挂牌督导办法》（2013年）第四条"
    );
}

#[test]
fn text_falls_back_to_chinese() {
    assert_eq!(Text::new("符合", "").get(true), "符合");
    assert_eq!(Text::new("符合", " ").get(true), "符合");
    assert_eq!(Text::new("符合", "Compliant").get(true), "Compliant");
    assert_eq!(Text::new("符合", "Compliant").get(false), "符合");
    assert!(Text::new(" ", "English only").is_blank());
}

#[test]
fn dates_in_beijing_time() {
    // 2026-12-31T16:00Z is already 2027年1月1日 in Beijing.
    let ms = 1_798_732_800_000;
    assert_eq!(
        format_datetime(ms, CHINA_OFFSET_MINUTES, false),
        "2027年1月1日 00:00"
    );
    assert_eq!(format_date(ms, 0, true), "2026-12-31");
    assert_eq!(format_time(ms - 60_000, CHINA_OFFSET_MINUTES), "23:59");
    // Before 1970 too (old school records).
    let c = civil(-1, 0);
    assert_eq!(
        (c.year, c.month, c.day, c.hour, c.minute),
        (1969, 12, 31, 23, 59)
    );
}

fn days_in_month(y: i32, m: u8) -> u8 {
    match m {
        4 | 6 | 9 | 11 => 30,
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        _ => 31,
    }
}

proptest! {
    #[test]
    fn grade_range_intersection_is_what_both_share(a in 0u8..13, b in 0u8..13, c in 0u8..13, d in 0u8..13) {
        let x = GradeRange::new(a.min(b), a.max(b));
        let y = GradeRange::new(c.min(d), c.max(d));
        prop_assert_eq!(x.intersect(y), y.intersect(x));
        for g in 0..13 {
            let shared = x.contains(g) && y.contains(g);
            prop_assert_eq!(x.intersect(y).is_some_and(|r| r.contains(g)), shared);
        }
        if let Some(r) = x.intersect(y) {
            prop_assert!(x.covers(r) && y.covers(r));
        }
    }

    /// The next minute is the next minute on the calendar, across months, leap days and years.
    #[test]
    fn civil_time_advances_one_minute_at_a_time(minutes in -40_000_000i64..40_000_000) {
        let ms = minutes * 60_000;
        let a = civil(ms, CHINA_OFFSET_MINUTES);
        let b = civil(ms + 60_000, CHINA_OFFSET_MINUTES);
        let expected = if a.minute < 59 {
            (a.year, a.month, a.day, a.hour, a.minute + 1)
        } else if a.hour < 23 {
            (a.year, a.month, a.day, a.hour + 1, 0)
        } else if a.day < days_in_month(a.year, a.month) {
            (a.year, a.month, a.day + 1, 0, 0)
        } else if a.month < 12 {
            (a.year, a.month + 1, 1, 0, 0)
        } else {
            (a.year + 1, 1, 1, 0, 0)
        };
        prop_assert_eq!((b.year, b.month, b.day, b.hour, b.minute), expected);
        // Beijing time is UTC shifted by eight hours.
        prop_assert_eq!(a, civil(ms + 8 * 3_600_000, 0));
    }
}
