//! Thresholds that depend on the school's enrolment (guards per pupils) and items that depend on
//! what a school has (校车, 食堂 …): the supervisor enters only what they count, the verdict and
//! the requirement follow from the school record, and items about facilities the school is known
//! to lack are left out and listed as 不适用 with the reason.

mod common;

use common::{school, school_with};
use dudao_domain::template::NotApplicable;
use dudao_domain::{AnswerValue, Checklist, Facility, Outcome, School, Stage, Template, Verdict};

const GUARDS: &str = r#"
id = "t"
version = 1
kind = "校园安全"
title.zh = "测试"

[[rules]]
id = "guards"
measure.zh = "专职保安人数"
basis = [{ document = "中小学幼儿园安全防范要求", number = "GB/T 29315-2022", year = 2022 }]
bands = [
  { enrolment = { to = 99 }, label.zh = "在校生不足100人", min = 1 },
  { enrolment = { from = 100, to = 1000 }, label.zh = "在校生100至1000人", min = 2 },
  { enrolment = { from = 1001 }, label.zh = "在校生1000人以上", min = 2, step = { over = 1000, per = 500 } },
]

[[sections]]
code = "MW"
title.zh = "门卫"

[[sections.items]]
code = "T-MW-01"
prompt.zh = "专职保安人数"
basis = [{ document = "中小学幼儿园安全防范要求", year = 2022 }]
answer = { kind = "count", unit = { zh = "人", en = "guards" }, min = 0, max = 1000 }
rule = "guards"

[[sections.items]]
code = "T-MW-02"
prompt.zh = "校车驾驶人是否具备资格"
basis = [{ document = "校车安全管理条例", year = 2012 }]
answer = { kind = "yes_no", compliant = "yes" }
facilities = ["校车"]

[[sections.items]]
code = "T-MW-03"
prompt.zh = "宿舍是否有火灾报警装置"
basis = [{ document = "中小学校、幼儿园消防安全十项规定", year = 2024 }]
answer = { kind = "compliance" }
boarding = true

[[sections.items]]
code = "T-MW-04"
prompt.zh = "高中实验室危化品是否落实“五双”"
basis = [{ document = "危险化学品安全管理条例", year = 2011 }]
answer = { kind = "compliance" }
grades = [10, 12]
facilities = ["危化品"]

[[sections.items]]
code = "T-MW-05"
prompt.zh = "驾驶人情况说明"
basis = [{ document = "校车安全管理条例", year = 2012 }]
answer = { kind = "text" }
facilities = ["校车"]
show_if = "T-MW-02 = 否"
"#;

fn template() -> Template {
    Template::from_toml(GUARDS).unwrap_or_else(|e| panic!("{e}"))
}

fn guards(enrolment: u32, count: u32) -> Verdict {
    let t = template();
    let s = school_with(Stage::Primary, [1, 6], false, enrolment);
    Verdict::for_item(
        &t,
        t.item("T-MW-01").unwrap(),
        &AnswerValue::Count(count),
        &s,
    )
    .expect("every enrolment falls in a band")
}

fn ok(enrolment: u32, count: u32) -> bool {
    guards(enrolment, count).outcome == Outcome::Compliant
}

#[test]
fn guards_are_judged_against_the_schools_enrolment_exactly_at_each_boundary() {
    // Fewer than 100 pupils: at least 1.
    assert!(!ok(99, 0));
    assert!(ok(99, 1));
    // 100 to 1000: at least 2.
    assert!(!ok(100, 1));
    assert!(ok(100, 2));
    assert!(!ok(1000, 1));
    assert!(ok(1000, 2));
    // Above 1000, one more for every started 500: 1001–1500 → 3, 1501–2000 → 4.
    assert!(!ok(1001, 2));
    assert!(ok(1001, 3));
    assert!(ok(1500, 3));
    assert!(!ok(1501, 3));
    assert!(ok(1501, 4));
    assert!(!ok(2136, 4));
    assert!(ok(2136, 5));
}

#[test]
fn the_requirement_names_the_band_and_the_computed_number_for_this_school() {
    assert_eq!(
        guards(80, 0).requirement.unwrap().zh,
        "在校生不足100人 ≥ 1 人"
    );
    assert_eq!(
        guards(2136, 3).requirement.unwrap().zh,
        "在校生1000人以上 ≥ 5 人（超出1000人后每500人增加1人，本校2136人）"
    );
    let en = guards(2136, 3).requirement.unwrap().en;
    assert!(
        en.contains("≥ 5 guards") && en.contains("this school has 2136"),
        "{en}"
    );
}

#[test]
fn overlapping_enrolment_bands_are_refused() {
    let bad = GUARDS.replace("from = 100, to = 1000", "from = 90, to = 1000");
    let e = Template::from_toml(&bad).unwrap_err().to_string();
    assert!(
        e.contains("rule guards, field `bands[0].grades`: overlaps bands[1]"),
        "{e}"
    );

    let bad = GUARDS.replace(
        "min = 2, step = { over = 1000, per = 500 }",
        "max = 9, step = { over = 1000, per = 0 }",
    );
    let e = Template::from_toml(&bad).unwrap_err().to_string();
    assert!(
        e.contains("field `bands[2].step`: a step raises min"),
        "{e}"
    );
    assert!(
        e.contains("field `bands[2].step.per`: must be at least 1"),
        "{e}"
    );
}

fn with(mut s: School, f: Facility, has: bool) -> School {
    s.facilities.insert(f, has);
    s
}

fn codes(t: &Template, s: &School) -> Vec<String> {
    let cl = Checklist::new(&[t], s);
    cl.visible(&Default::default())
        .iter()
        .map(|e| e.item.code.clone())
        .collect()
}

#[test]
fn facility_items_are_hidden_only_where_the_school_is_known_to_lack_the_facility() {
    let t = template();
    let unknown = school(Stage::Primary);
    assert!(codes(&t, &unknown).contains(&"T-MW-02".to_owned()));

    let has_bus = with(school(Stage::Primary), Facility::SchoolBus, true);
    assert!(codes(&t, &has_bus).contains(&"T-MW-02".to_owned()));

    let no_bus = with(school(Stage::Primary), Facility::SchoolBus, false);
    assert!(!codes(&t, &no_bus).contains(&"T-MW-02".to_owned()));
    // Knowing about the canteen says nothing about the bus.
    let canteen_only = with(school(Stage::Primary), Facility::Canteen, false);
    assert!(codes(&t, &canteen_only).contains(&"T-MW-02".to_owned()));
}

#[test]
fn the_checklist_lists_what_it_left_out_and_why() {
    let t = template();
    let s = with(school(Stage::Primary), Facility::SchoolBus, false);
    let cl = Checklist::new(&[&t], &s);
    let left: Vec<(String, NotApplicable)> = cl
        .not_applicable()
        .map(|(e, why)| (e.item.code.clone(), why))
        .collect();
    assert_eq!(
        left,
        vec![
            (
                "T-MW-02".to_owned(),
                NotApplicable::Facility(Facility::SchoolBus)
            ),
            ("T-MW-03".to_owned(), NotApplicable::Boarding),
            ("T-MW-04".to_owned(), NotApplicable::Grades),
        ],
        "the follow-up T-MW-05 is not listed on its own"
    );
    assert_eq!(left[0].1.describe(false), "本校无校车");
    assert_eq!(left[1].1.describe(false), "仅涉及寄宿制学校");
    assert_eq!(left[2].1.describe(false), "本校无相应年级");
    assert_eq!(left[0].1.describe(true), "the school has no school bus");
}

#[test]
fn a_senior_school_without_chemicals_skips_the_chemicals_item() {
    let t = template();
    let senior = school(Stage::Senior);
    assert!(codes(&t, &senior).contains(&"T-MW-04".to_owned()));
    let none = with(school(Stage::Senior), Facility::LabChemicals, false);
    let cl = Checklist::new(&[&t], &none);
    assert!(cl.not_applicable().any(|(e, why)| e.item.code == "T-MW-04"
        && why == NotApplicable::Facility(Facility::LabChemicals)));
}

#[test]
fn facilities_read_and_write_with_chinese_names() {
    let s = with(
        with(school(Stage::Primary), Facility::SchoolBus, false),
        Facility::Canteen,
        true,
    );
    let json = serde_json::to_string(&s).unwrap();
    assert!(
        json.contains(r#""facilities":{"校车":false,"食堂":true}"#),
        "{json}"
    );
    assert_eq!(serde_json::from_str::<School>(&json).unwrap(), s);
    // A school record without facilities (older phones, older servers) reads as all unknown.
    let plain = serde_json::to_string(&school(Stage::Primary)).unwrap();
    assert!(!plain.contains("facilities"));
    let back: School = serde_json::from_str(&plain).unwrap();
    assert!(back.facilities.is_empty());
    // The English aliases are accepted too.
    let alias = json.replace("校车", "school_bus");
    assert_eq!(serde_json::from_str::<School>(&alias).unwrap(), s);
}
