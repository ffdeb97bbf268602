//! The template file format rejects what it does not understand, with the line at fault: a
//! misspelt field must never be silently ignored (a mistyped `grades` would put an item in
//! front of every school).

use dudao_domain::validate::Location;
use dudao_domain::Template;

const ITEM: &str = r#"
id = "t"
version = 1
kind = "测试"
title = { zh = "测试模板" }

[[sections]]
code = "A"
title = { zh = "第一部分" }

[[sections.items]]
code = "A-01"
prompt = { zh = "是否设立校内公共电话" }
basis = [{ document = "教育部办公厅关于加强中小学生手机管理工作的通知", year = 2021 }]
answer = { kind = "yes_no", compliant = "yes" }
"#;

#[test]
fn a_valid_template_parses() {
    Template::from_toml(ITEM).expect("valid");
}

#[test]
fn a_misspelt_item_field_is_rejected_with_its_line() {
    let src = format!("{ITEM}requried = true\n");
    let errs = Template::from_toml(&src).unwrap_err();
    let e = &errs.0[0];
    assert!(e.message.contains("requried"), "{e}");
    let line = src.lines().position(|l| l.starts_with("requried")).unwrap() + 1;
    assert!(
        matches!(e.location, Location::Line(l, _) if l == line),
        "{e}"
    );
}

#[test]
fn a_misspelt_answer_kind_field_is_rejected() {
    let src = ITEM.replace(r#"compliant = "yes""#, r#"compliantt = "yes""#);
    let errs = Template::from_toml(&src).unwrap_err();
    assert!(errs.to_string().contains("compliantt"), "{errs}");
}

#[test]
fn a_misspelt_band_field_is_rejected() {
    let src = format!(
        "{}\n{}",
        ITEM.replace("[[sections]]", "[[rules]]\nid = \"r\"\nmeasure = { zh = \"时长\" }\nbasis = [{ document = \"文件\", year = 2021 }]\nbands = [{ grades = [1, 6], label = { zh = \"小学\" }, maxx = 60 }]\n\n[[sections]]"),
        ""
    );
    let errs = Template::from_toml(&src).unwrap_err();
    assert!(errs.to_string().contains("maxx"), "{errs}");
}
