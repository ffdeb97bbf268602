// `sqlx::migrate!` embeds the migrations at compile time; without this a new migration file
// added without touching Rust code would not be picked up by `cargo build`.
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
