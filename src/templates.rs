//! The built-in templates, parsed once per page from the JSON that build.rs made of
//! `templates/*.toml` (validated there).

use dudao_domain::Template;
use std::sync::OnceLock;

static BUILTIN: OnceLock<Result<Vec<Template>, String>> = OnceLock::new();

/// Built-in templates, or why they could not be read (a build bug: build.rs validated them).
pub fn builtin() -> Result<&'static [Template], &'static str> {
    BUILTIN
        .get_or_init(|| {
            serde_json::from_str(include_str!(concat!(
                env!("OUT_DIR"),
                "/builtin-templates.json"
            )))
            .map_err(|e| format!("built-in templates: {e}"))
        })
        .as_deref()
        .map_err(String::as_str)
}

/// The built-in templates as an owned list, empty if they are broken (reported where a visit
/// needs them).
pub fn builtin_vec() -> Vec<Template> {
    builtin().map(<[Template]>::to_vec).unwrap_or_default()
}

/// The built-in template with this whole key (`wuxiang@1`): a visit pinned to a built-in
/// version can always be rebuilt, and one pinned to a local edition never falls back to the
/// national numbers, since the edition is part of the key.
pub fn builtin_by_key(key: &str) -> Option<Template> {
    builtin()
        .ok()
        .and_then(|b| b.iter().find(|t| t.key() == key).cloned())
}
