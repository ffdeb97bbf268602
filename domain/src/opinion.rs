//! The 督导意见书: the document a signed visit becomes, in 公文 style. Everything here is plain
//! Chinese text ready to lay out on A4 (the app prints it from the browser); nothing is left for
//! the page to compute but the layout.
//!
//! Numbering follows the 公文 convention (GB/T 9704, 党政机关公文处理工作条例): 一、 二、 … for
//! the top level.

use crate::datetime::Date;
use crate::finding::{Disposition, Finding};
use crate::template::{Severity, Template};
use crate::visit::{Visit, VisitState};

/// Days the school has to report when every finding is 立行立改.
pub const REPORT_DAYS_IMMEDIATE: u32 = 15;

/// A 督导意见书 ready to render.
#[derive(Debug, Clone, PartialEq)]
pub struct Opinion {
    /// 发文机关 (红头): 江宁区人民政府教育督导室.
    pub office: String,
    /// 督导意见书.
    pub title: String,
    /// 文号: 江督意〔2026〕7号.
    pub number: String,
    /// 主送: 某某小学：
    pub addressee: String,
    /// The opening paragraph: on what basis, who, when, which checklists.
    pub opening: String,
    /// Every document the findings rest on, once each, in the order first cited; an
    /// unconfirmed one ends in （待核实）.
    pub basis: Vec<String>,
    /// The note under the basis when any of it is unconfirmed: what （待核实） means.
    pub basis_note: Option<String>,
    /// The findings, numbered 一、 二、 …
    pub findings: Vec<OpinionFinding>,
    /// The paragraph in place of findings when there are none.
    pub no_findings: Option<String>,
    /// What the school is to do next, and by when it reports.
    pub closing: String,
    /// The school representative who signed the visit record.
    pub signature: SignatureBlock,
    /// 督学: the supervisor's name.
    pub supervisor: String,
    /// 成文日期: the signing day, 2026年12月1日.
    pub issue_date: String,
    /// 回执: the slip the school returns.
    pub receipt: Receipt,
    /// 更正说明: changes made after signing, one sentence each.
    pub amendments: Vec<String>,
    /// 附件：现场照片 — every photo of the visit, in checklist order.
    pub photos: Vec<AppendixPhoto>,
}

/// One numbered finding.
#[derive(Debug, Clone, PartialEq)]
pub struct OpinionFinding {
    pub id: String,
    /// 一、
    pub numeral: String,
    /// 重大 findings are marked in words, not by colour alone.
    pub major: bool,
    /// The checklist section it belongs to: 手机管理.
    pub section: String,
    /// 问题 (several lines once findings were merged).
    pub problem: String,
    /// 整改要求.
    pub requirement: String,
    /// 整改期限: 2026年12月31日前, or 立行立改.
    pub term: String,
    /// 责任部门/责任人, when the supervisor gave one.
    pub owner: Option<String>,
    /// The items it came from.
    pub item_codes: Vec<String>,
}

/// The school's signature on the visit record.
#[derive(Debug, Clone, PartialEq)]
pub struct SignatureBlock {
    pub name: String,
    pub role: String,
    /// 2026年12月1日.
    pub date: String,
    /// The handwriting as a data URL.
    pub image: String,
}

/// 回执: cut off and returned by the school.
#[derive(Debug, Clone, PartialEq)]
pub struct Receipt {
    /// 回执.
    pub title: String,
    pub number: String,
    pub school: String,
    /// 已收到…督导意见书，将按要求整改。
    pub text: String,
    /// The labels of the blanks the school fills in: 签收人, 日期.
    pub blanks: Vec<String>,
}

/// A photo in the appendix: which item it is evidence for and, if any, which finding.
#[derive(Debug, Clone, PartialEq)]
pub struct AppendixPhoto {
    pub photo_id: String,
    /// 图1, 图2 …
    pub label: String,
    pub item_code: String,
    pub prompt: String,
    /// The numeral of the finding the item went into: 一.
    pub finding: Option<String>,
}

impl AppendixPhoto {
    /// 图1　WX-SJ-01　学校有手机管理制度（问题一）
    pub fn caption(&self) -> String {
        let mut s = format!("{}　{}　{}", self.label, self.item_code, self.prompt);
        if let Some(n) = &self.finding {
            s.push_str(&format!("（问题{n}）"));
        }
        s
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OpinionError {
    #[error("the visit is {0:?}: a 督导意见书 is issued only for a signed visit")]
    NotSigned(VisitState),
    #[error("the signed visit has no signature")]
    NoSignature,
    #[error("the signed visit has no 督导意见书 number")]
    NoNumber,
    #[error("template {0} of the visit is missing")]
    MissingTemplate(String),
}

impl OpinionError {
    /// What the supervisor reads.
    pub fn zh(&self) -> String {
        match self {
            OpinionError::NotSigned(_) => "学校签字确认后才能生成督导意见书。".into(),
            OpinionError::NoSignature => "这条督导记录缺少学校签字，无法生成督导意见书。".into(),
            OpinionError::NoNumber => "这条督导记录缺少意见书文号，无法生成督导意见书。".into(),
            OpinionError::MissingTemplate(k) => {
                format!("本机缺少督导模板 {k}，无法生成督导意见书：请联网同步后重试。")
            }
        }
    }

    /// The same for an English-speaking user.
    pub fn en(&self) -> String {
        match self {
            OpinionError::NotSigned(_) => {
                "The opinion is issued once the school has signed the visit.".into()
            }
            OpinionError::NoSignature => {
                "This visit lacks the school's signature, so no opinion can be issued.".into()
            }
            OpinionError::NoNumber => {
                "This visit lacks an opinion number, so no opinion can be issued.".into()
            }
            OpinionError::MissingTemplate(k) => format!(
                "Checklist {k} is not on this device, so no opinion can be issued: sync online and try again."
            ),
        }
    }
}

/// 一, 二, … 十, 十一, … 九十九; larger numbers in digits.
pub fn chinese_numeral(n: usize) -> String {
    const D: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    match n {
        0..=9 => D[n].to_owned(),
        10..=99 => {
            let tens = if n < 20 { "" } else { D[n / 10] };
            let ones = match n % 10 {
                0 => "",
                d => D[d],
            };
            format!("{tens}十{ones}")
        }
        _ => n.to_string(),
    }
}

/// The words a checklist title already ends with when it names a kind of inspection.
const INSPECTION_WORDS: [&str; 5] = ["督导", "督查", "检查", "排查", "评估"];

impl Opinion {
    /// The 督导意见书 of a signed visit. `templates` are the versions the visit pinned (any
    /// others are ignored).
    pub fn of(visit: &Visit, templates: &[Template]) -> Result<Opinion, OpinionError> {
        if !matches!(visit.state, VisitState::Signed | VisitState::Synced) {
            return Err(OpinionError::NotSigned(visit.state));
        }
        let sig = visit.signature.as_ref().ok_or(OpinionError::NoSignature)?;
        let number = visit
            .opinion_no
            .clone()
            .filter(|n| !n.trim().is_empty())
            .ok_or(OpinionError::NoNumber)?;
        let pinned: Vec<&Template> = visit
            .templates
            .iter()
            .map(|r| {
                templates
                    .iter()
                    .find(|t| t.key() == r.key())
                    .ok_or_else(|| OpinionError::MissingTemplate(r.key()))
            })
            .collect::<Result<_, _>>()?;

        let office = format!("{}人民政府教育督导室", visit.school.issuing_area());
        let day = visit.day();
        let supervisor = visit.supervisor.trim().to_owned();
        let who = if supervisor.contains("督学") {
            supervisor.clone()
        } else {
            format!("督学{supervisor}")
        };
        let titles: Vec<&str> = pinned.iter().map(|t| t.title.zh.as_str()).collect();
        let mut what = titles.join("、");
        if !INSPECTION_WORDS.iter().any(|w| what.ends_with(w)) {
            what.push_str("督导");
        }
        let opening = format!(
            "根据《中华人民共和国教育法》《教育督导条例》和责任督学挂牌督导工作有关规定，\
             {who}于{}对你校开展了{what}。现将督导意见反馈如下：",
            day.zh()
        );

        let mut basis = Vec::new();
        let mut unconfirmed = false;
        for b in visit.findings.iter().flat_map(|f| f.basis.iter()) {
            unconfirmed |= b.unconfirmed;
            let c = b.citation();
            if !basis.contains(&c) {
                basis.push(c);
            }
        }
        let basis_note = unconfirmed.then(|| {
            "注：标注“待核实”的文件，其是否规定了相应数值或要求尚未与原文核实；\
             仅依据此类文件提出的问题，按参考标准提出，供学校对照改进。"
                .to_owned()
        });

        let findings: Vec<OpinionFinding> = visit
            .findings
            .iter()
            .enumerate()
            .map(|(i, f)| opinion_finding(i, f))
            .collect();

        let no_findings = findings.is_empty().then(|| {
            "经督导，你校本次督导所查各项工作符合有关规定，未发现问题。\
             希望你校继续保持，进一步规范办学行为，不断提高教育质量。"
                .to_owned()
        });

        let closing = closing(&visit.findings, &office);

        let signature = SignatureBlock {
            name: sig.name.trim().to_owned(),
            role: sig.role.trim().to_owned(),
            date: Date::of_ms(sig.signed_at).zh(),
            image: sig.image.clone(),
        };
        let issue_date = Date::of_ms(sig.signed_at).zh();

        let receipt = Receipt {
            title: "回执".into(),
            number: number.clone(),
            school: visit.school.name.clone(),
            text: if findings.is_empty() {
                format!("已收到{number}督导意见书。")
            } else {
                format!("已收到{number}督导意见书，将按要求整改。")
            },
            blanks: vec!["签收人".into(), "日期".into()],
        };

        let amendments = visit
            .amendments
            .iter()
            .map(|a| {
                let which = findings
                    .iter()
                    .find(|f| f.id == a.finding_id)
                    .map(|f| format!("第{}项问题", f.numeral.trim_end_matches('、')))
                    .unwrap_or_else(|| "问题".into());
                let before = if a.before.is_empty() {
                    "（空）"
                } else {
                    &a.before
                };
                let after = if a.after.is_empty() {
                    "（空）"
                } else {
                    &a.after
                };
                let mut s = format!(
                    "{which}的{}由“{before}”更正为“{after}”，更正原因：{}",
                    a.field, a.reason
                );
                if !s.ends_with(['。', '！', '？']) {
                    s.push('。');
                }
                let by = a.by.trim();
                s.push_str(&format!(
                    "（{}{}）",
                    if by.is_empty() {
                        String::new()
                    } else {
                        format!("{by}，")
                    },
                    Date::of_ms(a.at).zh()
                ));
                s
            })
            .collect();

        let mut photos = Vec::new();
        for t in &pinned {
            for (_, item) in t.items() {
                let Some(answer) = visit.answers.get(&item.code) else {
                    continue;
                };
                let finding = findings
                    .iter()
                    .find(|f| f.item_codes.contains(&item.code))
                    .map(|f| f.numeral.trim_end_matches('、').to_owned());
                for id in &answer.photos {
                    photos.push(AppendixPhoto {
                        photo_id: id.clone(),
                        label: format!("图{}", photos.len() + 1),
                        item_code: item.code.clone(),
                        prompt: item.prompt.zh.clone(),
                        finding: finding.clone(),
                    });
                }
            }
        }

        Ok(Opinion {
            office,
            title: "督导意见书".into(),
            number,
            addressee: format!("{}：", visit.school.name.trim()),
            opening,
            basis,
            basis_note,
            findings,
            no_findings,
            closing,
            signature,
            supervisor,
            issue_date,
            receipt,
            amendments,
            photos,
        })
    }
}

fn opinion_finding(i: usize, f: &Finding) -> OpinionFinding {
    let owner = f.owner.trim();
    OpinionFinding {
        id: f.id.clone(),
        numeral: format!("{}、", chinese_numeral(i + 1)),
        major: f.severity == Severity::Major,
        section: f.section.zh.clone(),
        problem: f.description.trim().to_owned(),
        requirement: f.requirement.trim().to_owned(),
        term: f.term(false),
        owner: (!owner.is_empty()).then(|| owner.to_owned()),
        item_codes: f.item_codes.clone(),
    }
}

/// The closing paragraph: report in writing by the latest deadline, or within 15 days when
/// everything is 立行立改.
fn closing(findings: &[Finding], office: &str) -> String {
    if findings.is_empty() {
        return format!("如有意见或建议，请及时与{office}联系。");
    }
    let latest = findings
        .iter()
        .filter(|f| f.disposition == Disposition::ByDeadline)
        .filter_map(|f| f.deadline)
        .max();
    let when = match latest {
        Some(d) => format!("于{}前", d.zh()),
        None => format!("在收到本意见书之日起{REPORT_DAYS_IMMEDIATE}日内"),
    };
    let major = if findings.iter().any(|f| f.severity == Severity::Major) {
        "对标注为重大的问题，学校主要负责人要亲自部署、限时整改到位。"
    } else {
        ""
    };
    format!(
        "请你校高度重视，对照上述问题逐项制定整改方案，明确责任部门和责任人，认真抓好整改落实。\
         {major}请{when}将整改情况书面报送{office}。"
    )
}
