//! The phone's one clock: Unix milliseconds now, the browser's UTC offset, and dates and
//! times as this phone shows them (Chinese by default: 2026年12月1日 14:05).

/// Unix milliseconds now.
pub fn now_ms() -> i64 {
    js_sys::Date::now() as i64
}

/// The browser's UTC offset in minutes (480 in China), for dates shown on this phone.
pub fn local_offset() -> i32 {
    -(js_sys::Date::new_0().get_timezone_offset() as i32)
}

pub fn fmt_date(ms: i64, en: bool) -> String {
    dudao_domain::datetime::format_date(ms, local_offset(), en)
}

pub fn fmt_datetime(ms: i64, en: bool) -> String {
    dudao_domain::datetime::format_datetime(ms, local_offset(), en)
}
