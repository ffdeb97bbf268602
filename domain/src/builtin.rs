//! The built-in checklist templates, embedded at build time from `templates/`.

use crate::template::Template;
use crate::validate::TemplateErrors;

/// File name and contents of every built-in template.
/// In the order a supervisor is offered them: the monthly round first.
pub const SOURCES: &[(&str, &str)] = &[
    ("guapai.toml", include_str!("../../templates/guapai.toml")),
    ("wuxiang.toml", include_str!("../../templates/wuxiang.toml")),
    (
        "zuoye_gongshi.toml",
        include_str!("../../templates/zuoye_gongshi.toml"),
    ),
    ("anquan.toml", include_str!("../../templates/anquan.toml")),
    (
        "shuangjian.toml",
        include_str!("../../templates/shuangjian.toml"),
    ),
];

/// Parses and validates every built-in template. A failure here is a bug in `templates/`,
/// caught by the domain tests before it can ship.
pub fn templates() -> Result<Vec<Template>, (String, TemplateErrors)> {
    SOURCES
        .iter()
        .map(|(name, src)| Template::from_toml(src).map_err(|e| ((*name).to_owned(), e)))
        .collect()
}
