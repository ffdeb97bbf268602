//! Parses and validates the built-in templates (`templates/*.toml`) at build time and writes
//! them as JSON for the app to embed (`src/templates.rs`): the phone carries no TOML parser, and
//! a template that does not validate fails the build instead of a supervisor's first start.

fn main() {
    println!("cargo::rerun-if-changed=templates");
    let templates = dudao_domain::builtin::templates()
        .unwrap_or_else(|(name, e)| panic!("templates/{name} is invalid:\n{e}"));
    let json = serde_json::to_string(&templates).expect("templates serialise");
    let out = std::path::Path::new(&std::env::var("OUT_DIR").expect("OUT_DIR"))
        .join("builtin-templates.json");
    std::fs::write(&out, json).expect("write the templates");
}
