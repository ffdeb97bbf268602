fn main() {
    leptos::mount::mount_to_body(dudao::app::App);
}
