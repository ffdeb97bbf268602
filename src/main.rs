//! The app's entry point: mounts [`dudao::app::App`] on the page.

fn main() {
    leptos::mount::mount_to_body(dudao::app::App);
}
