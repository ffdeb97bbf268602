pub mod backup;
pub mod findings;
pub mod login;
pub mod opinion;
pub mod review;
pub mod schools;
pub mod summary;
pub mod sync;
pub mod visit;
pub mod visits;

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

/// After a save: `saved` is what was written (the edit laid onto the stored visit, which may
/// hold values a sync cycle brought meanwhile). The screen shows it unless the supervisor has
/// already made a newer edit, whose own save will bring them.
pub fn show_saved(
    visit: leptos::prelude::RwSignal<dudao_domain::Visit>,
    next: &dudao_domain::Visit,
    saved: &dudao_domain::Visit,
) {
    use leptos::prelude::*;
    if saved != next {
        visit.try_update(|v| {
            if v == next {
                *v = saved.clone();
            }
        });
    }
}
