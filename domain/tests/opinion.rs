//! The 督导意见书 of a signed visit: every part a school and the office read on paper — the
//! 红头, the number, the opening paragraph, the basis, the numbered findings with what to fix and
//! by when, the closing, the signature, the 回执 slip, corrections and the photo appendix.

mod common;

use common::template::{builtin_template, fill_compliant};
use common::{comp, school, yes};
use dudao_domain::finding::Disposition;
use dudao_domain::opinion::{chinese_numeral, Opinion, OpinionError};
use dudao_domain::review::{opinion_number, FindingEdit, Signature};
use dudao_domain::{Checklist, Compliance, Stage, Template, Visit, VisitState};

/// 2026-11-22 14:05 in Beijing.
const T0: i64 = 1_795_327_500_000;
const HOUR: i64 = 3_600_000;
const DAY: i64 = 24 * HOUR;
const VISIT_ID: &str = "0190a0b0-0000-7000-8000-0000000000aa";

fn signature(at: i64) -> Signature {
    Signature {
        name: "张校长".into(),
        role: "校长".into(),
        image: "data:image/png;base64,iVBORw0KGgo=".into(),
        signed_at: at,
    }
}

/// A 五项管理 visit at a junior high in 江宁区, filled in compliantly except for `failing`,
/// then finished (not signed).
fn finished(failing: &[(&str, dudao_domain::AnswerValue)]) -> (Template, Visit) {
    let t = builtin_template("wuxiang");
    let s = school(Stage::Junior);
    let mut v = Visit::new(VISIT_ID.into(), &s, "李明".into(), &[&t], T0);
    let mut given = fill_compliant(&t, &s, &[]);
    for (code, value) in failing {
        given.insert((*code).into(), common::answer(value.clone()));
    }
    {
        let cl = Checklist::new(&[&t], &s);
        for (code, a) in &given {
            v.set_value(&cl, code, a.value.clone(), T0 + 60_000)
                .unwrap();
        }
        v.finish(&cl, T0 + HOUR).unwrap();
    }
    (t, v)
}

/// Two 不符合 answers: no phone policy (一般) and problem books found in the library (重大).
fn two_failures() -> (Template, Visit) {
    finished(&[
        ("WX-SJ-01", comp(Compliance::NonCompliant)),
        ("WX-DW-04", yes()),
    ])
}

fn sign(v: &mut Visit) {
    v.sign(signature(T0 + 2 * HOUR), opinion_number("江宁区", 2026, 7))
        .unwrap();
}

#[test]
fn a_signed_visit_becomes_a_complete_opinion() {
    let (t, mut v) = two_failures();
    assert_eq!(v.findings.len(), 2, "{:?}", v.findings);
    let phones = v.findings[0].id.clone();
    v.edit_finding(
        &phones,
        FindingEdit::Owner("德育处 王主任".into()),
        T0 + HOUR + 1,
    )
    .unwrap();
    sign(&mut v);

    let o = Opinion::of(&v, std::slice::from_ref(&t)).unwrap();

    // 红头, title, number, addressee.
    assert_eq!(o.office, "江宁区人民政府教育督导室");
    assert_eq!(o.title, "督导意见书");
    assert_eq!(o.number, "江督意〔2026〕7号");
    assert_eq!(o.addressee, "测试初中：");

    // Who, when (the visit day in Chinese), which checklist — its title already names the
    // kind of inspection, so no 督导 is added after it.
    assert_eq!(
        o.opening,
        "根据《中华人民共和国教育法》《教育督导条例》和责任督学挂牌督导工作有关规定，\
         督学李明于2026年11月22日对你校开展了中小学“五项管理”实地督查。现将督导意见反馈如下："
    );

    // The basis: each cited document once, in the order the findings cite them.
    assert_eq!(
        o.basis,
        vec![
            "《教育部办公厅关于加强中小学生手机管理工作的通知》（2021年）".to_owned(),
            "《中小学生课外读物进校园管理办法》（教材〔2021〕2号，2021年）".to_owned(),
        ]
    );

    // Numbered findings, in checklist order, with problem, requirement, term and owner.
    assert_eq!(o.no_findings, None);
    assert_eq!(o.findings.len(), 2);
    let [a, b] = [&o.findings[0], &o.findings[1]];
    assert_eq!((a.numeral.as_str(), b.numeral.as_str()), ("一、", "二、"));
    assert!(
        a.problem.starts_with("将学生手机管理纳入学校日常管理"),
        "{}",
        a.problem
    );
    assert!(a.problem.contains("不符合"), "{}", a.problem);
    assert_eq!(
        a.requirement,
        "对照《教育部办公厅关于加强中小学生手机管理工作的通知》（2021年）的规定整改到位。"
    );
    // 一般: 30 days from the visit day; 重大: 15.
    assert_eq!(a.term, "2026年12月22日前");
    assert_eq!(a.owner.as_deref(), Some("德育处 王主任"));
    assert!(!a.major);
    assert_eq!(a.section, "手机管理");
    assert_eq!(a.item_codes, vec!["WX-SJ-01".to_owned()]);
    assert!(b.major, "problem books are 重大");
    assert_eq!(b.term, "2026年12月7日前");
    assert_eq!(b.owner, None, "no owner given: no empty line");
    assert_eq!(b.section, "读物管理");

    // The school reports by the latest deadline; 重大 findings are called out in words.
    assert!(
        o.closing
            .ends_with("请于2026年12月22日前将整改情况书面报送江宁区人民政府教育督导室。"),
        "{}",
        o.closing
    );
    assert!(o.closing.contains("重大"), "{}", o.closing);

    // Signature and issue date: the signing day.
    assert_eq!(o.signature.name, "张校长");
    assert_eq!(o.signature.role, "校长");
    assert_eq!(o.signature.date, "2026年11月22日");
    assert!(o.signature.image.starts_with("data:image/png;base64,"));
    assert_eq!(o.supervisor, "李明");
    assert_eq!(o.issue_date, "2026年11月22日");

    // 回执.
    assert_eq!(o.receipt.title, "回执");
    assert_eq!(o.receipt.number, "江督意〔2026〕7号");
    assert_eq!(o.receipt.school, "测试初中");
    assert_eq!(
        o.receipt.text,
        "已收到江督意〔2026〕7号督导意见书，将按要求整改。"
    );
    assert_eq!(
        o.receipt.blanks,
        vec!["签收人".to_owned(), "日期".to_owned()]
    );

    // Nothing was corrected after signing, and no photo was taken.
    assert!(o.amendments.is_empty());
    assert!(o.photos.is_empty());
}

#[test]
fn the_issue_date_is_the_signing_day_in_china() {
    let (t, mut v) = two_failures();
    // Signed at 00:30 Beijing time on 2026-11-25 (16:30 UTC the day before).
    let at = T0 + 2 * DAY + 10 * HOUR + 25 * 60_000;
    assert_eq!(
        dudao_domain::datetime::format_datetime(at, 480, false),
        "2026年11月25日 00:30"
    );
    v.sign(signature(at), opinion_number("江宁区", 2026, 8))
        .unwrap();
    let o = Opinion::of(&v, &[t]).unwrap();
    assert_eq!(o.issue_date, "2026年11月25日");
    assert_eq!(o.signature.date, "2026年11月25日");
    // The opening still names the day of the visit.
    assert!(
        o.opening.contains("于2026年11月22日对你校"),
        "{}",
        o.opening
    );
}

#[test]
fn only_a_signed_visit_has_an_opinion() {
    let t = builtin_template("wuxiang");
    let s = school(Stage::Junior);
    let draft = Visit::new(VISIT_ID.into(), &s, "李明".into(), &[&t], T0);
    assert_eq!(
        Opinion::of(&draft, std::slice::from_ref(&t)),
        Err(OpinionError::NotSigned(VisitState::Draft))
    );
    let (t, v) = two_failures();
    let err = Opinion::of(&v, std::slice::from_ref(&t)).unwrap_err();
    assert_eq!(err, OpinionError::NotSigned(VisitState::Finished));
    assert_eq!(err.zh(), "学校签字确认后才能生成督导意见书。");
    assert!(err.to_string().contains("signed"), "{err}");
}

#[test]
fn the_pinned_template_must_be_at_hand() {
    let (_, mut v) = two_failures();
    sign(&mut v);
    let other = builtin_template("anquan");
    let err = Opinion::of(&v, &[other]).unwrap_err();
    assert_eq!(err, OpinionError::MissingTemplate("wuxiang@1".into()));
    assert!(err.zh().contains("wuxiang@1"), "{}", err.zh());
}

#[test]
fn no_findings_says_so_and_the_receipt_asks_for_no_rectification() {
    let (t, mut v) = finished(&[]);
    assert!(v.findings.is_empty());
    sign(&mut v);
    let o = Opinion::of(&v, &[t]).unwrap();
    assert!(o.findings.is_empty());
    assert!(o.basis.is_empty());
    let text = o.no_findings.expect("a no-findings paragraph");
    assert!(text.contains("未发现问题"), "{text}");
    assert!(!o.closing.contains("整改"), "{}", o.closing);
    assert_eq!(o.receipt.text, "已收到江督意〔2026〕7号督导意见书。");
}

#[test]
fn all_fixed_at_once_reports_within_15_days() {
    let (t, mut v) = two_failures();
    for id in v.findings.iter().map(|f| f.id.clone()).collect::<Vec<_>>() {
        v.edit_finding(
            &id,
            FindingEdit::Disposition(Disposition::Immediate),
            T0 + HOUR + 1,
        )
        .unwrap();
    }
    sign(&mut v);
    let o = Opinion::of(&v, &[t]).unwrap();
    assert!(o.findings.iter().all(|f| f.term == "立行立改"));
    assert!(
        o.closing
            .contains("请在收到本意见书之日起15日内将整改情况书面报送江宁区人民政府教育督导室。"),
        "{}",
        o.closing
    );
}

#[test]
fn a_shared_basis_is_listed_once_and_merged_findings_keep_one_number() {
    // Two phone items cite the same notice; a homework item cites two more documents.
    let (t, mut v) = finished(&[
        ("WX-SJ-01", comp(Compliance::NonCompliant)),
        ("WX-SJ-04", comp(Compliance::NonCompliant)),
        ("WX-ZY-05", common::num(120.0)),
    ]);
    assert_eq!(v.findings.len(), 3, "{:?}", v.findings);
    let ids: Vec<String> = v.findings.iter().map(|f| f.id.clone()).collect();
    v.merge_findings(&ids[..2], T0 + HOUR + 1).unwrap();
    sign(&mut v);
    let o = Opinion::of(&v, &[t]).unwrap();
    assert_eq!(o.findings.len(), 2);
    assert_eq!(
        o.findings[0].item_codes,
        vec!["WX-SJ-01".to_owned(), "WX-SJ-04".to_owned()]
    );
    assert_eq!(o.findings[1].numeral, "二、");
    assert!(
        o.findings[1].problem.contains("实测 120 分钟"),
        "{}",
        o.findings[1].problem
    );
    let phones = o
        .basis
        .iter()
        .filter(|b| b.contains("手机管理工作的通知"))
        .count();
    assert_eq!(phones, 1, "{:?}", o.basis);
    assert_eq!(o.basis.len(), 3, "{:?}", o.basis);
}

#[test]
fn corrections_after_signing_are_listed_with_their_reason() {
    let (t, mut v) = two_failures();
    sign(&mut v);
    let books = v.findings[1].id.clone();
    let new_deadline = dudao_domain::datetime::Date::new(2026, 12, 15).unwrap();
    v.amend_finding(
        &books,
        FindingEdit::Deadline(Some(new_deadline)),
        "学校申请延期，经督导室同意",
        "李明",
        T0 + 3 * DAY,
    )
    .unwrap();
    let o = Opinion::of(&v, &[t]).unwrap();
    // The finding reads as amended …
    assert_eq!(o.findings[1].term, "2026年12月15日前");
    // … and the 更正说明 says what changed, why, by whom and when.
    assert_eq!(
        o.amendments,
        vec![
            "第二项问题的整改期限由“2026年12月7日”更正为“2026年12月15日”，\
             更正原因：学校申请延期，经督导室同意。（李明，2026年11月25日）"
                .to_owned()
        ]
    );
}

#[test]
fn photos_go_into_the_appendix_in_checklist_order_with_their_finding() {
    let t = builtin_template("wuxiang");
    let s = school(Stage::Junior);
    let mut v = Visit::new(VISIT_ID.into(), &s, "李明".into(), &[&t], T0);
    let mut given = fill_compliant(&t, &s, &[]);
    given.insert("WX-DW-04".into(), common::answer(yes()));
    {
        let cl = Checklist::new(&[&t], &s);
        for (code, a) in &given {
            v.set_value(&cl, code, a.value.clone(), T0 + 60_000)
                .unwrap();
        }
        // Taken in the opposite order to the checklist.
        v.attach_photo(&cl, "WX-DW-04", "p-books-1".into(), T0 + 2)
            .unwrap();
        v.attach_photo(&cl, "WX-DW-04", "p-books-2".into(), T0 + 3)
            .unwrap();
        v.attach_photo(&cl, "WX-SJ-01", "p-policy".into(), T0 + 4)
            .unwrap();
        v.finish(&cl, T0 + HOUR).unwrap();
    }
    sign(&mut v);
    let o = Opinion::of(&v, &[t]).unwrap();
    let ids: Vec<&str> = o.photos.iter().map(|p| p.photo_id.as_str()).collect();
    assert_eq!(ids, ["p-policy", "p-books-1", "p-books-2"]);
    assert_eq!(
        o.photos[0].caption(),
        "图1　WX-SJ-01　将学生手机管理纳入学校日常管理，制定具体管理办法"
    );
    assert_eq!(o.photos[1].label, "图2");
    assert_eq!(o.photos[1].finding.as_deref(), Some("一"));
    assert!(
        o.photos[2].caption().ends_with("（问题一）"),
        "{}",
        o.photos[2].caption()
    );
}

#[test]
fn the_opening_adds_督导_only_where_the_title_does_not_name_an_inspection() {
    let mut t = builtin_template("wuxiang");
    t.title.zh = "作业管理".into();
    let s = school(Stage::Junior);
    let mut v = Visit::new(VISIT_ID.into(), &s, "王督学".into(), &[&t], T0);
    {
        let cl = Checklist::new(&[&t], &s);
        for (code, a) in &fill_compliant(&t, &s, &[]) {
            v.set_value(&cl, code, a.value.clone(), T0 + 60_000)
                .unwrap();
        }
        v.finish(&cl, T0 + HOUR).unwrap();
    }
    sign(&mut v);
    let o = Opinion::of(&v, &[t]).unwrap();
    assert!(
        o.opening
            .contains("王督学于2026年11月22日对你校开展了作业管理督导。"),
        "{}",
        o.opening
    );
}

#[test]
fn findings_are_numbered_as_公文_write_them() {
    let n: Vec<String> = [1, 2, 9, 10, 11, 19, 20, 21, 35, 99]
        .into_iter()
        .map(chinese_numeral)
        .collect();
    assert_eq!(
        n,
        [
            "一",
            "二",
            "九",
            "十",
            "十一",
            "十九",
            "二十",
            "二十一",
            "三十五",
            "九十九"
        ]
    );
}

#[test]
fn the_county_heads_the_document_and_gives_the_number_its_prefix() {
    let mut school = dudao_domain::School {
        county: "清河县".into(),
        district: "城关镇".into(),
        ..common::school(dudao_domain::Stage::Primary)
    };
    assert_eq!(school.issuing_area(), "清河县");
    assert_eq!(
        dudao_domain::review::opinion_number(school.issuing_area(), 2026, 7),
        "清督意〔2026〕7号"
    );
    school.county.clear();
    assert_eq!(school.issuing_area(), "城关镇");
}
