//! Thresholds are data: a district's thresholds file makes a local edition of a template, the
//! edition records what changed and on which local basis, new visits are judged by it, and a
//! visit started under the national edition keeps the verdicts it had.

mod common;

use common::school;
use common::template::builtin_template;
use dudao_domain::local::{Limits, LocalThresholds};
use dudao_domain::{AnswerValue, Checklist, Outcome, Stage, Template, TimeOfDay, Verdict, Visit};

fn wuxiang() -> Template {
    builtin_template("wuxiang")
}

const QINGHE: &str = r#"
template = "wuxiang"
version = 1
district = "清河县"
edition = 2

[[changes]]
rule = "daily_activity_minutes"
band = "中小学"
min = 120
basis = { document = "清河县教育局关于保障中小学生每天综合体育活动时间不低于2小时的通知", number = "清教体〔2025〕7号", year = 2025 }
reason = "落实每天综合体育活动不低于2小时的要求"

[[changes]]
rule = "morning_class_start"
band = "中学"
not_before = "08:10"
basis = { document = "清河县中小学作息时间管理规定", year = 2024 }
"#;

fn verdict(t: &Template, code: &str, v: AnswerValue) -> Verdict {
    let s = school(Stage::Junior);
    let item = t.item(code).unwrap();
    Verdict::for_item(t, item, &v, &s).unwrap()
}

#[test]
fn a_local_edition_changes_only_the_named_limits_and_records_them() {
    let national = wuxiang();
    let local = LocalThresholds::from_toml(QINGHE)
        .unwrap()
        .apply(&national)
        .unwrap();

    assert_eq!(local.id, national.id);
    assert_eq!(local.version, national.version);
    assert_eq!(local.key(), "wuxiang@1+清河县.2");
    assert_eq!(national.key(), "wuxiang@1");

    let edition = local.local.as_ref().unwrap();
    assert_eq!(edition.district, "清河县");
    assert_eq!(edition.changes.len(), 2);
    let c = &edition.changes[0];
    assert_eq!(c.rule, "daily_activity_minutes");
    assert_eq!(c.band.zh, "中小学");
    assert_eq!(c.before.min, Some(60.0));
    assert_eq!(c.after.min, Some(120.0));
    assert!(c.basis.local, "a district's basis is recorded as local");
    assert_eq!(c.before.to_string(), "≥ 60");
    assert_eq!(
        edition.changes[1].after,
        Limits {
            not_before: Some(TimeOfDay::parse("08:10").unwrap()),
            ..Limits::default()
        }
    );

    // Everything else is untouched: same items, same other rules.
    assert_eq!(local.sections, national.sections);
    let other = |t: &Template| {
        t.rules
            .iter()
            .filter(|r| r.id != "daily_activity_minutes" && r.id != "morning_class_start")
            .cloned()
            .collect::<Vec<_>>()
    };
    assert_eq!(other(&local), other(&national));
    // The primary band of the class-start rule keeps its national 08:20.
    let start = local.rule("morning_class_start").unwrap();
    assert_eq!(
        start.bands[0].not_before,
        Some(TimeOfDay::parse("08:20").unwrap())
    );
}

#[test]
fn the_local_number_decides_the_verdict_and_cites_the_local_document() {
    let national = wuxiang();
    let local = LocalThresholds::from_toml(QINGHE)
        .unwrap()
        .apply(&national)
        .unwrap();

    let v = verdict(&national, "WX-TZ-07", AnswerValue::Number(90.0));
    assert_eq!(v.outcome, Outcome::Compliant);

    let v = verdict(&local, "WX-TZ-07", AnswerValue::Number(90.0));
    assert_eq!(v.outcome, Outcome::NonCompliant);
    assert_eq!(v.requirement.unwrap().zh, "中小学 ≥ 120 分钟");
    assert!(v.basis[0].local);
    assert!(v.basis[0].citation().contains("清教体〔2025〕7号"));
    // The national basis is still cited after the local one.
    assert!(v.basis.len() >= 2 && !v.basis[1].local);

    let on = verdict(&local, "WX-TZ-07", AnswerValue::Number(120.0));
    assert_eq!(on.outcome, Outcome::Compliant);

    // A junior school starting at 08:05 passes the national 08:00 but not the local 08:10.
    let early = AnswerValue::Time(TimeOfDay::parse("08:05").unwrap());
    let code = "WX-SM-03";
    assert_eq!(
        verdict(&national, code, early.clone()).outcome,
        Outcome::Compliant
    );
    assert_eq!(verdict(&local, code, early).outcome, Outcome::NonCompliant);
}

#[test]
fn a_visit_keeps_the_edition_it_started_with() {
    let national = wuxiang();
    let s = school(Stage::Junior);
    let mut visit = Visit::new("v1".into(), &s, "张督学".into(), &[&national], 1);
    let cl = Checklist::new(&[&national], &s);
    visit
        .set_value(&cl, "WX-TZ-07", Some(AnswerValue::Number(90.0)), 2)
        .unwrap();
    assert_eq!(visit.templates[0].key(), "wuxiang@1");

    // The office adopts local thresholds afterwards.
    let local = LocalThresholds::from_toml(QINGHE)
        .unwrap()
        .apply(&national)
        .unwrap();
    assert_ne!(local.key(), visit.templates[0].key());

    // The visit's pinned template still judges 90 minutes compliant.
    let pinned = [&national, &local]
        .into_iter()
        .find(|t| t.key() == visit.templates[0].key())
        .unwrap();
    let v = Verdict::for_item(
        pinned,
        pinned.item("WX-TZ-07").unwrap(),
        visit.answers["WX-TZ-07"].value.as_ref().unwrap(),
        &s,
    )
    .unwrap();
    assert_eq!(v.outcome, Outcome::Compliant);

    // A new visit pins the local edition, and the pin survives a JSON round trip.
    let v2 = Visit::new("v2".into(), &s, "张督学".into(), &[&local], 3);
    let json = serde_json::to_string(&v2).unwrap();
    let back: Visit = serde_json::from_str(&json).unwrap();
    assert_eq!(back.templates[0].key(), "wuxiang@1+清河县.2");
    // A visit stored before local editions existed still reads.
    let old = json.replace(",\"local\":\"清河县.2\"", "");
    let back: Visit = serde_json::from_str(&old).unwrap();
    assert_eq!(back.templates[0].key(), "wuxiang@1");
}

#[test]
fn a_local_edition_round_trips_through_json_as_the_phone_caches_it() {
    let local = LocalThresholds::from_toml(QINGHE)
        .unwrap()
        .apply(&wuxiang())
        .unwrap();
    let json = serde_json::to_string(&local).unwrap();
    let back: Template = serde_json::from_str(&json).unwrap();
    assert_eq!(back, local);
}

fn errors(src: &str) -> String {
    match LocalThresholds::from_toml(src).and_then(|l| l.apply(&wuxiang())) {
        Ok(_) => panic!("expected errors for:\n{src}"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn a_bad_thresholds_file_is_refused_with_every_reason() {
    let e = errors(
        r#"
template = "wuxiang"
version = 1
district = "清河县"
edition = 1

[[changes]]
rule = "daily_activity"
band = "中小学"
min = 120
basis = { document = "某文件", year = 2025 }

[[changes]]
rule = "bedtime"
band = "中学"
not_after = "22:30"
basis = { document = "某文件", year = 2025 }

[[changes]]
rule = "bedtime"
band = "小学"
max = 5
basis = { document = "某文件", year = 2025 }
"#,
    );
    assert!(
        e.contains("changes[0], field `rule`: template wuxiang has no rule \"daily_activity\""),
        "{e}"
    );
    assert!(e.contains("daily_activity_minutes"), "lists the rules: {e}");
    assert!(
        e.contains(
            "changes[1], field `band`: rule bedtime has no band \"中学\"; its bands are 小学, 初中, 高中"
        ),
        "{e}"
    );
    assert!(
        e.contains("changes[2], field `min`: band 小学 of rule bedtime limits a time"),
        "{e}"
    );
}

#[test]
fn a_file_for_another_version_or_an_impossible_limit_is_refused() {
    let e = errors(
        r#"
template = "wuxiang"
version = 3
district = "清河县"
edition = 1

[[changes]]
rule = "sleep_hours"
band = "小学"
min = 10
basis = { document = "某文件", year = 2025 }
"#,
    );
    assert!(
        e.contains("field `version`: the file was written for version 3"),
        "{e}"
    );

    // A new min above the band's existing max makes the template invalid: refused whole.
    let e = errors(
        r#"
template = "wuxiang"
version = 1
district = "清河县"
edition = 1

[[changes]]
rule = "screen_teaching_share"
band = "中小学"
min = 50
basis = { document = "某文件", year = 2025 }
"#,
    );
    assert!(
        e.contains("after the changes, rule screen_teaching_share"),
        "{e}"
    );
    assert!(e.contains("min 50 is above max 30"), "{e}");
}

#[test]
fn syntax_errors_in_a_thresholds_file_give_line_and_column() {
    let e = errors("template = \"wuxiang\"\nversion = 1\ndistrict = \"清河县\"\nedition = \n");
    assert!(e.starts_with("line 4, column"), "{e}");
    let e = errors(
        "template = \"wuxiang\"\nversion = 1\ndistrict = \"x\"\nedition = 1\nchanges = []\nextra = 1\n",
    );
    assert!(e.contains("unknown field `extra`"), "{e}");
}

/// Issue 12: a thresholds file with a NaN or infinite limit is refused, naming the change and
/// the field, before it can serve a band that judges nothing.
#[test]
fn a_non_finite_local_limit_is_refused() {
    for (limit, field) in [
        ("max = nan", "max"),
        ("min = inf", "min"),
        ("min = -inf", "min"),
    ] {
        let e = errors(&format!(
            r#"
template = "wuxiang"
version = 1
district = "清河县"
edition = 1

[[changes]]
rule = "daily_activity_minutes"
band = "中小学"
{limit}
basis = {{ document = "某文件", year = 2025 }}
"#
        ));
        assert!(e.contains(&format!("field `{field}`")), "{e}");
        assert!(e.contains("finite"), "{e}");
    }
}
