use dudao_domain::Template;
#[test]
fn template_validates() {
    let t = Template::from_toml(include_str!("../../templates/anquan.toml"))
        .unwrap_or_else(|e| panic!("anquan.toml is invalid:\n{e}"));
    assert_eq!(t.id, "anquan");
}
