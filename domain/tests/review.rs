//! Between finishing and signing: the findings the app drafts from 不符合 answers, what the
//! supervisor does with them (edit, merge, drop, restore, reopen), the school's signature, and
//! amendments of a signed visit, which are recorded, never silent.

mod common;

use common::{checklist_template, school};
use dudao_domain::datetime::Date;
use dudao_domain::finding::{Disposition, FindingGap};
use dudao_domain::review::{opinion_number, FindingEdit, ReviewError, Signature};
use dudao_domain::template::Severity;
use dudao_domain::visit::VisitError;
use dudao_domain::{
    AnswerValue, Checklist, Compliance, School, Stage, Template, Visit, VisitState,
};

/// 2026年11月22日 14:05 in China.
const T0: i64 = 1_795_327_500_000;
const VID: &str = "0190a0b0-0000-7000-8000-000000000001";

fn day(y: i32, m: u8, d: u8) -> Date {
    Date::new(y, m, d).unwrap()
}

fn fid(code: &str) -> String {
    format!("{VID}:{code}")
}

fn c(v: Compliance) -> Option<AnswerValue> {
    Some(AnswerValue::Compliance(v))
}

struct Fixture {
    t: Template,
    s: School,
}

impl Fixture {
    fn new() -> Self {
        Fixture {
            t: checklist_template(),
            s: school(Stage::Primary),
        }
    }

    fn cl(&self) -> Checklist<'_> {
        Checklist::new(&[&self.t], &self.s)
    }

    /// A primary-school visit with three 不符合 answers, in checklist order: JC-01 (重大, with a
    /// note), JC-04 (60 分钟 exceeded) and XD-03 (phones kept by pupils); JC-02 is 是.
    fn answered(&self) -> Visit {
        let cl = self.cl();
        let mut v = Visit::new(VID.into(), &self.s, "王建国".into(), &[&self.t], T0);
        // Answered out of checklist order on purpose.
        v.set_value(
            &cl,
            "XD-03",
            Some(AnswerValue::Choice(vec!["pocket".into()])),
            T0 + 1,
        )
        .unwrap();
        v.set_value(&cl, "JC-04", Some(AnswerValue::Number(75.0)), T0 + 2)
            .unwrap();
        v.set_value(&cl, "JC-01", c(Compliance::NonCompliant), T0 + 3)
            .unwrap();
        v.set_note(&cl, "JC-01", "  制度未上墙，班主任不知情  ".into(), T0 + 4)
            .unwrap();
        v.attach_photo(&cl, "JC-01", "p-rules".into(), T0 + 5)
            .unwrap();
        v.attach_photo(&cl, "JC-04", "p-homework".into(), T0 + 5)
            .unwrap();
        v.set_value(&cl, "JC-02", Some(AnswerValue::YesNo(true)), T0 + 6)
            .unwrap();
        v.set_value(&cl, "XD-05", Some(AnswerValue::Text("校门".into())), T0 + 7)
            .unwrap();
        v.attach_photo(&cl, "XD-05", "p-gate".into(), T0 + 7)
            .unwrap();
        v
    }

    fn finished(&self) -> Visit {
        let mut v = self.answered();
        v.finish(&self.cl(), T0 + 100).unwrap();
        v
    }

    /// A finished visit with no 不符合 answer at all.
    fn clean(&self) -> Visit {
        let cl = self.cl();
        let mut v = self.answered();
        v.set_value(&cl, "JC-01", c(Compliance::Compliant), T0 + 8)
            .unwrap();
        v.set_value(&cl, "JC-04", Some(AnswerValue::Number(40.0)), T0 + 8)
            .unwrap();
        v.set_value(
            &cl,
            "XD-03",
            Some(AnswerValue::Choice(vec!["box".into()])),
            T0 + 8,
        )
        .unwrap();
        v.finish(&cl, T0 + 100).unwrap();
        v
    }
}

fn codes(v: &Visit) -> Vec<Vec<&str>> {
    v.findings
        .iter()
        .map(|f| f.item_codes.iter().map(String::as_str).collect())
        .collect()
}

fn signature(name: &str, image: &str) -> Signature {
    Signature {
        name: name.into(),
        role: "校长".into(),
        image: image.into(),
        signed_at: T0 + 3_600_000,
    }
}

const PNG: &str = "data:image/png;base64,iVBORw0KGgo=";

#[test]
fn finishing_drafts_one_finding_per_noncompliant_answer_in_checklist_order() {
    let fx = Fixture::new();
    let v = fx.finished();
    assert_eq!(v.state, VisitState::Finished);
    assert_eq!(codes(&v), [["JC-01"], ["JC-04"], ["XD-03"]]);
    let ids: Vec<&str> = v.findings.iter().map(|f| f.id.as_str()).collect();
    assert_eq!(ids, [fid("JC-01"), fid("JC-04"), fid("XD-03")]);

    let [f1, f4, f3] = &v.findings[..] else {
        unreachable!()
    };
    // Description from the item and what was observed; the note is kept, trimmed.
    assert!(
        f1.description.starts_with("手机管理制度健全：不符合。"),
        "{}",
        f1.description
    );
    assert!(
        f1.description
            .contains("现场记录：制度未上墙，班主任不知情"),
        "{}",
        f1.description
    );
    assert!(
        f4.description.contains("实测 75 分钟"),
        "{}",
        f4.description
    );
    assert!(f4.description.contains("60"), "{}", f4.description);
    assert!(f3.description.contains("学生自带"), "{}", f3.description);
    assert!(
        !f3.description.contains("现场记录"),
        "no note, no note line"
    );

    // Severity from the item; 限期整改 with the default deadline: 15 days for 重大, 30 for 一般.
    assert_eq!(v.day(), day(2026, 11, 22));
    assert_eq!(f1.severity, Severity::Major);
    assert_eq!(f1.deadline, Some(day(2026, 12, 7)));
    assert_eq!(f4.severity, Severity::General);
    assert_eq!(f4.deadline, Some(day(2026, 12, 22)));
    for f in &v.findings {
        assert_eq!(f.disposition, Disposition::ByDeadline);
        assert_eq!(f.owner, "");
        assert!(!f.requirement.trim().is_empty(), "{f:?}");
        assert!(!f.basis.is_empty(), "{f:?}");
    }
    assert_eq!(f1.term(false), "2026年12月7日前");
    assert_eq!(f1.term(true), "by 2026-12-07");
    // A rule's requirement becomes the 整改要求.
    assert!(f4.requirement.contains("60"), "{}", f4.requirement);
    // Drafted findings need nothing more before signing.
    assert_eq!(v.unsignable(), []);
}

#[test]
fn drafting_again_changes_nothing_and_keeps_the_supervisors_edits() {
    let fx = Fixture::new();
    let mut v = fx.finished();
    v.edit_finding(
        &fid("JC-04"),
        FindingEdit::Description("作业时长超标".into()),
        T0 + 200,
    )
    .unwrap();
    v.edit_finding(&fid("JC-04"), FindingEdit::Owner("教务处".into()), T0 + 201)
        .unwrap();
    let before = v.clone();
    v.draft_findings(&fx.cl());
    assert_eq!(v, before);
    v.draft_findings(&fx.cl());
    assert_eq!(v, before);
}

#[test]
fn reopening_and_correcting_an_answer_drops_its_finding_and_keeps_the_rest() {
    let fx = Fixture::new();
    let cl = fx.cl();
    let mut v = fx.finished();
    v.edit_finding(&fid("XD-03"), FindingEdit::Owner("德育处".into()), T0 + 200)
        .unwrap();

    v.reopen(T0 + 300).unwrap();
    assert_eq!(v.state, VisitState::Draft);
    assert_eq!(v.finished_at, None);
    assert_eq!(v.updated_at, T0 + 300);
    // Still in the record while answering again.
    assert_eq!(v.findings.len(), 3);

    v.set_value(&cl, "JC-04", Some(AnswerValue::Number(55.0)), T0 + 301)
        .unwrap();
    v.finish(&cl, T0 + 400).unwrap();
    assert_eq!(codes(&v), [["JC-01"], ["XD-03"]]);
    assert_eq!(v.findings[1].owner, "德育处", "edits survive");

    // An item newly 不符合 is proposed in its checklist place.
    v.reopen(T0 + 500).unwrap();
    v.set_value(&cl, "JC-04", Some(AnswerValue::Number(95.0)), T0 + 501)
        .unwrap();
    v.finish(&cl, T0 + 600).unwrap();
    assert_eq!(codes(&v), [["JC-01"], ["JC-04"], ["XD-03"]]);
}

#[test]
fn reopen_only_before_signing() {
    let fx = Fixture::new();
    let mut draft = fx.answered();
    assert_eq!(draft.reopen(T0 + 1), Err(ReviewError::NotFinished));
    let mut v = fx.finished();
    v.sign(signature("李校长", PNG), "江督意〔2026〕1号".into())
        .unwrap();
    let before = v.clone();
    assert_eq!(
        v.reopen(T0 + 1),
        Err(ReviewError::Visit(VisitError::ReadOnly(VisitState::Signed)))
    );
    assert_eq!(v, before);
}

#[test]
fn each_field_of_a_finding_can_be_edited() {
    let fx = Fixture::new();
    let mut v = fx.finished();
    let id = fid("JC-04");
    let edits = [
        FindingEdit::Description("三至六年级作业时长超标".into()),
        FindingEdit::Requirement("一周内调整作业公示制度".into()),
        FindingEdit::Severity(Severity::Major),
        FindingEdit::Deadline(Some(day(2027, 1, 15))),
        FindingEdit::Owner("教务处 张主任".into()),
    ];
    for (i, e) in edits.into_iter().enumerate() {
        v.edit_finding(&id, e, T0 + 200 + i as i64).unwrap();
    }
    let f = &v.findings[1];
    assert_eq!(f.description, "三至六年级作业时长超标");
    assert_eq!(f.requirement, "一周内调整作业公示制度");
    assert_eq!(f.severity, Severity::Major);
    assert_eq!(f.deadline, Some(day(2027, 1, 15)));
    assert_eq!(f.owner, "教务处 张主任");
    assert_eq!(v.updated_at, T0 + 204);

    // 立行立改 needs no deadline; back to 限期整改 it has one again.
    v.edit_finding(
        &id,
        FindingEdit::Disposition(Disposition::Immediate),
        T0 + 210,
    )
    .unwrap();
    assert_eq!(v.findings[1].disposition, Disposition::Immediate);
    assert_eq!(v.findings[1].term(false), "立行立改");
    v.edit_finding(&id, FindingEdit::Deadline(None), T0 + 211)
        .unwrap();
    assert_eq!(
        v.unsignable(),
        [],
        "立行立改 without a deadline is complete"
    );
    v.edit_finding(
        &id,
        FindingEdit::Disposition(Disposition::ByDeadline),
        T0 + 212,
    )
    .unwrap();
    // 重大 now: the default is 15 days from the visit.
    assert_eq!(v.findings[1].deadline, Some(day(2026, 12, 7)));

    // Nothing else moved.
    assert_eq!(codes(&v), [["JC-01"], ["JC-04"], ["XD-03"]]);
    assert_eq!(v.state, VisitState::Finished);
}

#[test]
fn editing_an_unknown_finding_or_a_draft_visit_is_refused_and_changes_nothing() {
    let fx = Fixture::new();
    let mut v = fx.finished();
    let before = v.clone();
    assert_eq!(
        v.edit_finding("nope", FindingEdit::Owner("x".into()), T0 + 1),
        Err(ReviewError::UnknownFinding("nope".into()))
    );
    assert_eq!(v, before);
    let mut d = fx.answered();
    let before = d.clone();
    assert_eq!(
        d.edit_finding(&fid("JC-01"), FindingEdit::Owner("x".into()), T0 + 1),
        Err(ReviewError::NotFinished)
    );
    assert_eq!(d, before);
}

#[test]
fn merging_joins_codes_and_texts_and_keeps_the_graver_severity_and_earlier_deadline() {
    let fx = Fixture::new();
    let mut v = fx.finished();
    v.edit_finding(&fid("JC-04"), FindingEdit::Owner("教务处".into()), T0 + 200)
        .unwrap();
    v.edit_finding(&fid("XD-03"), FindingEdit::Owner("德育处".into()), T0 + 201)
        .unwrap();
    v.edit_finding(
        &fid("XD-03"),
        FindingEdit::Deadline(Some(day(2026, 12, 1))),
        T0 + 202,
    )
    .unwrap();
    let (d4, d3, d1) = (
        v.findings[1].description.clone(),
        v.findings[2].description.clone(),
        v.findings[0].description.clone(),
    );

    // Into the first given; the rest disappear.
    v.merge_findings(&[fid("JC-04"), fid("XD-03"), fid("JC-01")], T0 + 300)
        .unwrap();
    assert_eq!(v.findings.len(), 1);
    let f = &v.findings[0];
    assert_eq!(f.id, fid("JC-04"));
    assert_eq!(f.item_codes, ["JC-04", "XD-03", "JC-01"]);
    // One paragraph in the document: the sentences run on, each ending in its full stop.
    assert!(d4.ends_with('。') && d3.ends_with('。'), "{d4} {d3}");
    assert_eq!(f.description, format!("{d4}{d3}{d1}"));
    assert!(!f.description.contains('\n'));
    // JC-01 and XD-03 cite the same notice: the same requirement is written once.
    assert_eq!(
        f.requirement.matches("整改到位。").count(),
        2,
        "{}",
        f.requirement
    );
    assert!(f.requirement.contains("60"), "{}", f.requirement);
    assert!(
        f.requirement.contains("手机管理工作的通知"),
        "{}",
        f.requirement
    );
    assert_eq!(f.severity, Severity::Major, "JC-01 is 重大");
    assert_eq!(f.deadline, Some(day(2026, 12, 1)), "the earliest deadline");
    assert_eq!(f.owner, "教务处、德育处");
    assert_eq!(v.updated_at, T0 + 300);

    // A merged finding is not proposed again item by item.
    let before = v.clone();
    v.draft_findings(&fx.cl());
    assert_eq!(v, before);
}

#[test]
fn merging_an_immediate_finding_into_one_with_a_deadline_keeps_the_deadline() {
    let fx = Fixture::new();
    let mut v = fx.finished();
    v.edit_finding(
        &fid("JC-01"),
        FindingEdit::Disposition(Disposition::Immediate),
        T0 + 200,
    )
    .unwrap();
    v.merge_findings(&[fid("JC-01"), fid("JC-04")], T0 + 300)
        .unwrap();
    let f = &v.findings[0];
    assert_eq!(f.disposition, Disposition::ByDeadline);
    assert_eq!(f.deadline, Some(day(2026, 12, 22)));
}

#[test]
fn merging_needs_two_distinct_known_findings_and_otherwise_changes_nothing() {
    let fx = Fixture::new();
    let mut v = fx.finished();
    let before = v.clone();
    assert_eq!(
        v.merge_findings(&[fid("JC-01")], T0 + 1),
        Err(ReviewError::MergeNeedsTwo)
    );
    assert_eq!(
        v.merge_findings(&[fid("JC-01"), fid("JC-01")], T0 + 1),
        Err(ReviewError::MergeNeedsTwo)
    );
    assert_eq!(
        v.merge_findings(&[fid("JC-01"), "nope".into()], T0 + 1),
        Err(ReviewError::UnknownFinding("nope".into()))
    );
    assert_eq!(v, before);
    // A repeated id is merged once.
    v.merge_findings(&[fid("JC-01"), fid("JC-04"), fid("JC-04")], T0 + 2)
        .unwrap();
    assert_eq!(codes(&v), [vec!["JC-01", "JC-04"], vec!["XD-03"]]);
}

#[test]
fn a_dropped_finding_is_not_proposed_again_until_restored() {
    let fx = Fixture::new();
    let cl = fx.cl();
    let mut v = fx.finished();
    v.edit_finding(&fid("JC-04"), FindingEdit::Owner("教务处".into()), T0 + 200)
        .unwrap();
    let dropped = v.drop_finding(&fid("JC-04"), T0 + 300).unwrap();
    assert_eq!(dropped.owner, "教务处");
    assert_eq!(codes(&v), [["JC-01"], ["XD-03"]]);
    assert_eq!(v.dropped, ["JC-04"]);
    assert_eq!(v.updated_at, T0 + 300);

    v.draft_findings(&cl);
    assert_eq!(codes(&v), [["JC-01"], ["XD-03"]], "not re-proposed");
    v.reopen(T0 + 301).unwrap();
    v.finish(&cl, T0 + 302).unwrap();
    assert_eq!(codes(&v), [["JC-01"], ["XD-03"]], "nor on finishing again");

    v.restore_finding(&cl, "JC-04", T0 + 400).unwrap();
    assert_eq!(codes(&v), [["JC-01"], ["JC-04"], ["XD-03"]]);
    assert!(v.dropped.is_empty());
    // Proposed afresh, with the default deadline.
    assert_eq!(v.findings[1].deadline, Some(day(2026, 12, 22)));
    assert_eq!(v.updated_at, T0 + 400);

    let before = v.clone();
    assert_eq!(
        v.drop_finding("nope", T0 + 500),
        Err(ReviewError::UnknownFinding("nope".into()))
    );
    assert_eq!(v, before);
}

#[test]
fn dropping_a_merged_finding_drops_all_its_items() {
    let fx = Fixture::new();
    let mut v = fx.finished();
    v.merge_findings(&[fid("JC-01"), fid("XD-03")], T0 + 1)
        .unwrap();
    v.drop_finding(&fid("JC-01"), T0 + 2).unwrap();
    assert_eq!(v.dropped, ["JC-01", "XD-03"]);
    assert_eq!(codes(&v), [["JC-04"]]);
    v.restore_finding(&fx.cl(), "XD-03", T0 + 3).unwrap();
    assert_eq!(codes(&v), [["JC-04"], ["XD-03"]]);
    assert_eq!(v.dropped, ["JC-01"]);
}

#[test]
fn unsignable_lists_each_incomplete_finding_with_what_it_lacks() {
    let fx = Fixture::new();
    let mut v = fx.finished();
    v.edit_finding(&fid("JC-01"), FindingEdit::Description("  ".into()), T0 + 1)
        .unwrap();
    v.edit_finding(
        &fid("JC-04"),
        FindingEdit::Requirement(String::new()),
        T0 + 2,
    )
    .unwrap();
    v.edit_finding(&fid("XD-03"), FindingEdit::Deadline(None), T0 + 3)
        .unwrap();
    assert_eq!(
        v.unsignable(),
        [
            (fid("JC-01"), FindingGap::NoDescription),
            (fid("JC-04"), FindingGap::NoRequirement),
            (fid("XD-03"), FindingGap::NoDeadline),
        ]
    );
    // A deadline before the visit day is refused; the visit day itself is fine.
    v.edit_finding(
        &fid("XD-03"),
        FindingEdit::Deadline(Some(day(2026, 11, 21))),
        T0 + 4,
    )
    .unwrap();
    assert_eq!(
        v.unsignable()[2],
        (fid("XD-03"), FindingGap::DeadlineBeforeVisit)
    );
    v.edit_finding(
        &fid("XD-03"),
        FindingEdit::Deadline(Some(day(2026, 11, 22))),
        T0 + 5,
    )
    .unwrap();
    assert_eq!(v.unsignable().len(), 2);
    for gap in [
        FindingGap::NoDescription,
        FindingGap::NoRequirement,
        FindingGap::NoDeadline,
        FindingGap::DeadlineBeforeVisit,
    ] {
        assert!(!gap.zh().is_empty() && !gap.en().is_empty());
    }
}

#[test]
fn signing_needs_a_name_an_image_and_complete_findings() {
    let fx = Fixture::new();
    let mut v = fx.finished();
    v.edit_finding(
        &fid("JC-04"),
        FindingEdit::Deadline(Some(day(2026, 11, 1))),
        T0 + 1,
    )
    .unwrap();
    let before = v.clone();
    assert_eq!(
        v.sign(signature("  ", PNG), "江督意〔2026〕1号".into()),
        Err(ReviewError::NoName)
    );
    assert_eq!(
        v.sign(signature("李明", ""), "江督意〔2026〕1号".into()),
        Err(ReviewError::NoSignature)
    );
    assert_eq!(
        v.sign(
            signature("李明", "not an image"),
            "江督意〔2026〕1号".into()
        ),
        Err(ReviewError::NoSignature)
    );
    assert_eq!(
        v.sign(signature("李明", PNG), "江督意〔2026〕1号".into()),
        Err(ReviewError::Incomplete {
            id: fid("JC-04"),
            gap: FindingGap::DeadlineBeforeVisit
        })
    );
    assert_eq!(v, before, "a refused signature changes nothing");

    let mut d = fx.answered();
    assert_eq!(
        d.sign(signature("李明", PNG), "江督意〔2026〕1号".into()),
        Err(ReviewError::NotFinished)
    );
}

#[test]
fn signing_stores_the_signature_and_number_and_makes_the_visit_read_only() {
    let fx = Fixture::new();
    let cl = fx.cl();
    let mut v = fx.finished();
    let no = opinion_number(&v.school.district, 2026, 7);
    assert_eq!(no, "江督意〔2026〕7号");
    v.sign(signature("李明", PNG), no.clone()).unwrap();
    assert_eq!(v.state, VisitState::Signed);
    assert_eq!(v.opinion_no.as_deref(), Some("江督意〔2026〕7号"));
    let sig = v.signature.clone().unwrap();
    assert_eq!((sig.name.as_str(), sig.role.as_str()), ("李明", "校长"));
    assert_eq!(v.updated_at, T0 + 3_600_000);
    assert_eq!(v.open_findings(), 3);

    let before = v.clone();
    let ro = |s| Err(ReviewError::Visit(VisitError::ReadOnly(s)));
    // Answers.
    assert_eq!(
        v.set_value(&cl, "JC-01", c(Compliance::Compliant), T0 + 9),
        Err(VisitError::ReadOnly(VisitState::Signed))
    );
    assert_eq!(
        v.set_note(&cl, "JC-01", "补记".into(), T0 + 9),
        Err(VisitError::ReadOnly(VisitState::Signed))
    );
    // Findings.
    assert_eq!(
        v.edit_finding(&fid("JC-01"), FindingEdit::Owner("x".into()), T0 + 9),
        ro(VisitState::Signed)
    );
    assert_eq!(
        v.merge_findings(&[fid("JC-01"), fid("JC-04")], T0 + 9),
        ro(VisitState::Signed)
    );
    assert_eq!(
        v.drop_finding(&fid("JC-01"), T0 + 9).map(|_| ()),
        ro(VisitState::Signed)
    );
    assert_eq!(
        v.restore_finding(&cl, "JC-01", T0 + 9),
        ro(VisitState::Signed)
    );
    // Signing twice.
    assert_eq!(
        v.sign(signature("王五", PNG), "江督意〔2026〕8号".into()),
        ro(VisitState::Signed)
    );
    assert_eq!(v, before);

    // And it survives storage.
    let back: Visit = serde_json::from_str(&serde_json::to_string(&v).unwrap()).unwrap();
    assert_eq!(back, v);
}

#[test]
fn a_visit_without_findings_can_be_signed() {
    let fx = Fixture::new();
    let mut v = fx.clean();
    assert!(v.findings.is_empty());
    assert_eq!(v.unsignable(), []);
    v.sign(signature("李明", PNG), "江督意〔2026〕2号".into())
        .unwrap();
    assert_eq!(v.state, VisitState::Signed);
}

#[test]
fn an_amendment_records_before_after_reason_and_who() {
    let fx = Fixture::new();
    let mut v = fx.finished();
    v.sign(signature("李明", PNG), "江督意〔2026〕1号".into())
        .unwrap();
    let at = T0 + 86_400_000;
    let a = v
        .amend_finding(
            &fid("JC-04"),
            FindingEdit::Deadline(Some(day(2027, 1, 15))),
            "  学校申请延期，已获督导室同意 ",
            "王建国",
            at,
        )
        .unwrap();
    assert_eq!(a.finding_id, fid("JC-04"));
    assert_eq!(a.field, "整改期限");
    assert_eq!(a.before, "2026年12月22日");
    assert_eq!(a.after, "2027年1月15日");
    assert_eq!(a.reason, "学校申请延期，已获督导室同意");
    assert_eq!((a.by.as_str(), a.at), ("王建国", at));
    assert_eq!(v.amendments, [a]);
    assert_eq!(v.findings[1].deadline, Some(day(2027, 1, 15)));
    assert_eq!(v.state, VisitState::Signed, "still signed");
    assert_eq!(v.updated_at, at);

    v.amend_finding(
        &fid("JC-01"),
        FindingEdit::Severity(Severity::General),
        "复核后认定为一般问题",
        "王建国",
        at + 1,
    )
    .unwrap();
    let a = &v.amendments[1];
    assert_eq!(
        (a.field.as_str(), a.before.as_str(), a.after.as_str()),
        ("严重程度", "重大", "一般")
    );
    v.amend_finding(
        &fid("XD-03"),
        FindingEdit::Disposition(Disposition::Immediate),
        "已当场整改",
        "王建国",
        at + 2,
    )
    .unwrap();
    let a = &v.amendments[2];
    assert_eq!(
        (a.field.as_str(), a.before.as_str(), a.after.as_str()),
        ("整改方式", "2026年12月22日前", "立行立改")
    );
    assert_eq!(v.amendments.len(), 3);

    // A synced visit is amended the same way.
    v.state = VisitState::Synced;
    v.amend_finding(
        &fid("XD-03"),
        FindingEdit::Owner("德育处".into()),
        "补充责任部门",
        "王建国",
        at + 3,
    )
    .unwrap();
    assert_eq!(v.amendments.len(), 4);
}

#[test]
fn an_amendment_without_a_reason_or_that_breaks_the_finding_is_refused() {
    let fx = Fixture::new();
    let mut finished = fx.finished();
    let before = finished.clone();
    assert_eq!(
        finished.amend_finding(
            &fid("JC-04"),
            FindingEdit::Owner("教务处".into()),
            "补充",
            "王建国",
            T0 + 1
        ),
        Err(ReviewError::NotSigned),
        "before signing, findings are edited directly"
    );
    assert_eq!(finished, before);

    let mut v = fx.finished();
    v.sign(signature("李明", PNG), "江督意〔2026〕1号".into())
        .unwrap();
    let before = v.clone();
    let amend = |v: &mut Visit, id: &str, e: FindingEdit, reason: &str| {
        v.amend_finding(id, e, reason, "王建国", T0 + 99)
    };
    assert_eq!(
        amend(
            &mut v,
            &fid("JC-04"),
            FindingEdit::Owner("教务处".into()),
            " "
        ),
        Err(ReviewError::NoReason)
    );
    assert_eq!(
        amend(&mut v, "nope", FindingEdit::Owner("教务处".into()), "补充"),
        Err(ReviewError::UnknownFinding("nope".into()))
    );
    assert_eq!(
        amend(
            &mut v,
            &fid("JC-04"),
            FindingEdit::Description(String::new()),
            "清空"
        ),
        Err(ReviewError::Incomplete {
            id: fid("JC-04"),
            gap: FindingGap::NoDescription
        })
    );
    assert_eq!(
        amend(
            &mut v,
            &fid("JC-04"),
            FindingEdit::Deadline(Some(day(2026, 10, 1))),
            "改期"
        ),
        Err(ReviewError::Incomplete {
            id: fid("JC-04"),
            gap: FindingGap::DeadlineBeforeVisit
        })
    );
    // Recording the same value again is no amendment.
    assert_eq!(
        amend(
            &mut v,
            &fid("JC-04"),
            FindingEdit::Deadline(Some(day(2026, 12, 22))),
            "改期"
        ),
        Err(ReviewError::Unchanged)
    );
    assert_eq!(v, before);
}

#[test]
fn opinion_numbers_follow_the_official_style() {
    assert_eq!(opinion_number("清河县", 2026, 1), "清督意〔2026〕1号");
    assert_eq!(opinion_number("江宁区", 2027, 12), "江督意〔2027〕12号");
}

#[test]
fn a_finding_edit_names_its_field_as_the_opinion_does() {
    let names: Vec<&str> = [
        FindingEdit::Description(String::new()),
        FindingEdit::Requirement(String::new()),
        FindingEdit::Severity(Severity::General),
        FindingEdit::Disposition(Disposition::Immediate),
        FindingEdit::Deadline(None),
        FindingEdit::Owner(String::new()),
    ]
    .iter()
    .map(FindingEdit::field_zh)
    .collect();
    assert_eq!(
        names,
        [
            "问题描述",
            "整改要求",
            "严重程度",
            "整改方式",
            "整改期限",
            "责任部门/责任人"
        ]
    );
}

#[test]
fn a_location_fix_after_finishing_is_recorded_and_does_not_change_what_is_signed() {
    use dudao_domain::location::Location;
    let fx = Fixture::new();
    let shown = fx.finished();
    // The fix arrives after 完成督导, while the review screen shows `shown`.
    let mut stored = shown.clone();
    let fix = Location::Fix {
        latitude: 31.95,
        longitude: 118.84,
        accuracy_m: 12.0,
        at: T0 + 150,
    };
    stored.set_location(fix.clone(), T0 + 160).unwrap();
    assert_eq!(stored.location, Some(fix.clone()), "recorded, not lost");
    assert!(stored.holds_what_was_reviewed(&shown));
    assert!(shown.holds_what_was_reviewed(&shown));

    // Signing what is stored keeps the location.
    stored
        .sign(signature("李明", PNG), "江督意〔2026〕1号".into())
        .unwrap();
    assert_eq!(stored.location, Some(fix));
    // A signed visit's location is not changed any more.
    assert!(stored
        .set_location(
            Location::Fix {
                latitude: 0.0,
                longitude: 0.0,
                accuracy_m: 1.0,
                at: T0 + 4_000_000
            },
            T0 + 4_000_000
        )
        .is_err());

    // Anything the representative signs does count as a change.
    let mut edited = shown.clone();
    edited
        .edit_finding(&fid("JC-04"), FindingEdit::Owner("教务处".into()), T0 + 170)
        .unwrap();
    assert!(!edited.holds_what_was_reviewed(&shown));
    let cl = fx.cl();
    let mut reopened = shown.clone();
    reopened.reopen(T0 + 180).unwrap();
    reopened
        .set_value(&cl, "JC-04", Some(AnswerValue::Number(55.0)), T0 + 181)
        .unwrap();
    assert!(!reopened.holds_what_was_reviewed(&shown));
    // Another visit is never "the same".
    let mut other = shown.clone();
    other.id = "0190a0b0-0000-7000-8000-000000000002".into();
    assert!(!other.holds_what_was_reviewed(&shown));
}
