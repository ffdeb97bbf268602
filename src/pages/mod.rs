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
