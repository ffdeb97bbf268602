//! The built-in templates, parsed once per page.

use dudao_domain::Template;
use std::sync::OnceLock;

static BUILTIN: OnceLock<Result<Vec<Template>, String>> = OnceLock::new();

/// Built-in templates, or the validation error (a developer bug the domain tests catch).
pub fn builtin() -> Result<&'static [Template], &'static str> {
    BUILTIN
        .get_or_init(|| {
            dudao_domain::builtin::templates().map_err(|(name, e)| format!("{name}: {e}"))
        })
        .as_deref()
        .map_err(String::as_str)
}

/// The built-in templates as an owned list, empty if they are broken (reported where a visit
/// needs them).
pub fn builtin_vec() -> Vec<Template> {
    builtin().map(<[Template]>::to_vec).unwrap_or_default()
}
