//! The policy basis (依据) an item or a threshold rests on.

use serde::{Deserialize, Serialize};

/// A cited document: 文件名称, optional 文号 and article, and the year it was issued.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Basis {
    /// 文件名称, e.g. 《教育部办公厅关于加强中小学生手机管理工作的通知》.
    pub document: String,
    /// 文号, e.g. 教基厅函〔2021〕11号.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number: Option<String>,
    pub year: u16,
    /// 条款, e.g. 第四条.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub article: Option<String>,
    /// Set when the rule is local (📍) rather than national.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub local: bool,
    /// Set when it is not confirmed that this document sets the number or requirement (⚠️):
    /// often quoted, never checked against the text. It is cited with [`UNCONFIRMED_MARKER`],
    /// and a threshold resting only on such bases is a 参考标准, never a requirement.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub unconfirmed: bool,
}

impl Basis {
    /// One line as a supervisor would cite it: 《…》（文号，2021年）第四条.
    pub fn citation(&self) -> String {
        let doc = if self.document.starts_with('《') {
            self.document.clone()
        } else {
            format!("《{}》", self.document)
        };
        let mut s = doc;
        match &self.number {
            Some(n) => s.push_str(&format!("（{}，{}年）", n, self.year)),
            None => s.push_str(&format!("（{}年）", self.year)),
        }
        if let Some(a) = &self.article {
            s.push_str(a);
        }
        if self.unconfirmed {
            s.push_str(UNCONFIRMED_MARKER);
        }
        s
    }

    /// The citation with [`LOCAL_MARKER`] in front of a local basis, as one line in a
    /// spreadsheet cell: `〔地方〕《某市中小学作业管理细则》（2022年）`. Read back by
    /// [`Basis::parse_citation`].
    pub fn marked_citation(&self) -> String {
        if self.local {
            format!("{LOCAL_MARKER}{}", self.citation())
        } else {
            self.citation()
        }
    }

    /// Reads a citation back: the inverse of [`Basis::citation`], and of
    /// [`Basis::marked_citation`] for a local basis. For a document written without 《》
    /// (as the template format asks) `parse_citation(&b.marked_citation()) == Ok(b)`.
    ///
    /// Also accepted, as someone typing into a spreadsheet writes it: half-width brackets and
    /// comma (`《…》(教基厅函〔2021〕11号, 2021)`), the year without 年, a title without 《》
    /// (`关于…的意见（2021年）第五条`), and the local markers `〔地方〕`, `[地方]`, `【地方】`,
    /// `（地方）` and `📍`. The error says what is wrong, in English.
    pub fn parse_citation(line: &str) -> Result<Basis, String> {
        let mut s = line.trim();
        let mut unconfirmed = false;
        for marker in UNCONFIRMED_MARKERS {
            if let Some(rest) = s.strip_suffix(marker) {
                s = rest.trim_end();
                unconfirmed = true;
                break;
            }
            if let Some(rest) = s.strip_prefix(marker) {
                s = rest.trim_start();
                unconfirmed = true;
                break;
            }
        }
        let mut local = false;
        for marker in LOCAL_MARKERS {
            if let Some(rest) = s.strip_prefix(marker) {
                s = rest.trim_start();
                local = true;
                break;
            }
        }
        if s.is_empty() {
            return Err("the citation is empty".into());
        }
        let (document, group) = if let Some(after) = s.strip_prefix('《') {
            // The 》 that closes the opening 《 (titles may quote another: 关于印发《…》的通知),
            // else the first 》 that the year follows.
            let closes = closing_title(after)
                .into_iter()
                .chain(after.match_indices('》').map(|(i, _)| i));
            let found = closes.into_iter().find_map(|end| {
                year_group(after[end + '》'.len_utf8()..].trim_start()).map(|g| (end, g))
            });
            match found {
                Some((end, g)) => (&after[..end], g),
                None if !after.contains('》') => {
                    return Err(format!(
                        "the title opened with 《 is never closed with 》 in {s:?}"
                    ))
                }
                None => return Err(missing_year(s)),
            }
        } else {
            let found = s
                .char_indices()
                .filter(|(_, c)| matches!(c, '（' | '('))
                .find_map(|(i, _)| year_group(&s[i..]).map(|g| (i, g)));
            match found {
                Some((i, g)) => (s[..i].trim_end(), g),
                None => return Err(missing_year(s)),
            }
        };
        if document.trim().is_empty() {
            return Err(format!("the document title is empty in {s:?}"));
        }
        let article = group.rest.trim();
        Ok(Basis {
            document: document.to_owned(),
            number: group.number,
            year: group.year,
            article: (!article.is_empty()).then(|| article.to_owned()),
            local,
            unconfirmed,
        })
    }
}

/// Whether requirements resting on `bases` are only a 参考标准: every basis is unconfirmed
/// (⚠️). One confirmed basis — a national document, or the office's own local one — makes the
/// number a requirement.
pub fn only_unconfirmed(bases: &[Basis]) -> bool {
    !bases.is_empty() && bases.iter().all(|b| b.unconfirmed)
}

/// Marks a local basis in a one-line citation (spreadsheets, plain-text exports).
pub const LOCAL_MARKER: &str = "〔地方〕";

/// Follows the citation of a basis not confirmed to set the number (⚠️):
/// `《…》（GB/T 29315-2012，2012年）（待核实）`.
pub const UNCONFIRMED_MARKER: &str = "（待核实）";

/// Every unconfirmed marker [`Basis::parse_citation`] accepts, after the citation (or, for the
/// warning sign, before it); [`UNCONFIRMED_MARKER`] first.
const UNCONFIRMED_MARKERS: [&str; 7] = [
    UNCONFIRMED_MARKER,
    "(待核实)",
    "〔待核实〕",
    "[待核实]",
    "【待核实】",
    "⚠️",
    "⚠",
];

/// Every local marker [`Basis::parse_citation`] accepts; [`LOCAL_MARKER`] first.
const LOCAL_MARKERS: [&str; 5] = [LOCAL_MARKER, "[地方]", "【地方】", "（地方）", "📍"];

fn missing_year(s: &str) -> String {
    format!(
        "no year in brackets after the title in {s:?}; write 《文件名称》（文号，2021年）条款 \
         or 《文件名称》（2021年）"
    )
}

/// Byte offset in `s` of the 》 that closes a 《 just before `s`, counting nested titles.
fn closing_title(s: &str) -> Option<usize> {
    let mut depth = 0usize;
    for (i, c) in s.char_indices() {
        match c {
            '《' => depth += 1,
            '》' if depth == 0 => return Some(i),
            '》' => depth -= 1,
            _ => {}
        }
    }
    None
}

struct YearGroup<'a> {
    number: Option<String>,
    year: u16,
    /// What follows the closing bracket: the article.
    rest: &'a str,
}

/// `（文号，2021年）…` or `（2021年）…` at the start of `s` (half-width forms too).
fn year_group(s: &str) -> Option<YearGroup<'_>> {
    let inner = s.strip_prefix('（').or_else(|| s.strip_prefix('('))?;
    let close = inner.find(['）', ')'])?;
    let content = &inner[..close];
    let close_len = inner[close..].chars().next()?.len_utf8();
    let rest = &inner[close + close_len..];
    let (number, year) = match content.rfind(['，', ',']) {
        Some(i) => {
            let sep = content[i..].chars().next()?.len_utf8();
            (Some(content[..i].trim()), &content[i + sep..])
        }
        None => (None, content),
    };
    let year = year.trim();
    let year = year.strip_suffix('年').unwrap_or(year).trim();
    if year.is_empty()
        || !year
            .chars()
            .all(|c| c.is_ascii_digit() || ('０'..='９').contains(&c))
    {
        return None;
    }
    let digits: String = year
        .chars()
        .map(|c| {
            if c.is_ascii_digit() {
                c
            } else {
                char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c)
            }
        })
        .collect();
    Some(YearGroup {
        number: number.filter(|n| !n.is_empty()).map(str::to_owned),
        year: digits.parse().ok()?,
        rest,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn citation_reads_like_a_gongwen_reference() {
        let b = Basis {
            document: "关于进一步加强中小学生睡眠管理工作的通知".into(),
            number: Some("教基厅函〔2021〕11号".into()),
            year: 2021,
            article: None,
            local: false,
            unconfirmed: false,
        };
        assert_eq!(
            b.citation(),
            "《关于进一步加强中小学生睡眠管理工作的通知》（教基厅函〔2021〕11号，2021年）"
        );
    }

    fn basis(document: &str, number: Option<&str>, year: u16, article: Option<&str>) -> Basis {
        Basis {
            document: document.into(),
            number: number.map(Into::into),
            year,
            article: article.map(Into::into),
            local: false,
            unconfirmed: false,
        }
    }

    #[test]
    fn parse_citation_inverts_citation() {
        let cases = [
            basis(
                "关于进一步加强中小学生睡眠管理工作的通知",
                Some("教基厅函〔2021〕11号"),
                2021,
                None,
            ),
            basis(
                "关于进一步减轻义务教育阶段学生作业负担和校外培训负担的意见",
                None,
                2021,
                Some("第五条"),
            ),
            basis(
                "教育部办公厅关于加强中小学生手机管理工作的通知",
                None,
                2021,
                None,
            ),
            // A title with brackets of its own, and one quoting another title.
            basis(
                "儿童青少年近视防控光明行动工作方案（2021—2025年）",
                None,
                2021,
                Some("第三条（二）"),
            ),
            basis(
                "教育部关于印发《中小学生课外读物进校园管理办法》的通知",
                Some("教材〔2021〕2号"),
                2021,
                Some("第七条"),
            ),
            // Unbalanced 《》 inside a title still reads back.
            basis("关于《某办法", None, 2020, None),
            basis(
                "某办法》补充",
                Some("某字〔2020〕1号"),
                2020,
                Some("第一条"),
            ),
            // A 文号 with a comma of its own: the year follows the last comma.
            basis("某通知", Some("甲，乙〔2019〕3号"), 2019, None),
        ];
        for b in cases {
            assert_eq!(
                Basis::parse_citation(&b.citation()),
                Ok(b.clone()),
                "{}",
                b.citation()
            );
            assert_eq!(Basis::parse_citation(&b.marked_citation()), Ok(b.clone()));
            let local = Basis { local: true, ..b };
            assert!(local.marked_citation().starts_with(LOCAL_MARKER));
            assert_eq!(
                Basis::parse_citation(&local.marked_citation()),
                Ok(local.clone())
            );
            // Issue 12: an unconfirmed basis says so wherever it is cited, and reads back.
            let doubtful = Basis {
                unconfirmed: true,
                ..local
            };
            assert!(doubtful.citation().ends_with(UNCONFIRMED_MARKER));
            assert_eq!(
                Basis::parse_citation(&doubtful.marked_citation()),
                Ok(doubtful.clone())
            );
        }
    }

    #[test]
    fn parse_citation_accepts_what_a_clerk_types() {
        let want = basis(
            "关于进一步加强中小学生睡眠管理工作的通知",
            Some("教基厅函〔2021〕11号"),
            2021,
            Some("第五条"),
        );
        for line in [
            "《关于进一步加强中小学生睡眠管理工作的通知》（教基厅函〔2021〕11号，2021年）第五条",
            "  《关于进一步加强中小学生睡眠管理工作的通知》 (教基厅函〔2021〕11号, 2021) 第五条 ",
            "关于进一步加强中小学生睡眠管理工作的通知（教基厅函〔2021〕11号，２０２１年）第五条",
        ] {
            assert_eq!(Basis::parse_citation(line), Ok(want.clone()), "{line}");
        }
        for marker in ["〔地方〕", "[地方]", "【地方】", "（地方）", "📍 "] {
            let b = Basis::parse_citation(&format!("{marker}《某市中小学作业管理细则》（2022年）"))
                .unwrap();
            assert!(b.local, "{marker}");
            assert_eq!(b.document, "某市中小学作业管理细则");
            assert_eq!((b.number, b.year, b.article), (None, 2022, None));
        }
        for line in [
            "《某规范》（公治〔2015〕168号，2015年）（待核实）",
            "《某规范》（公治〔2015〕168号，2015年） [待核实]",
            "⚠️《某规范》（公治〔2015〕168号，2015年）",
        ] {
            let b = Basis::parse_citation(line).unwrap();
            assert!(b.unconfirmed, "{line}");
            assert_eq!((b.year, b.article.as_deref()), (2015, None), "{line}");
        }
        // Without 《》, brackets in the title stay part of it.
        let b = Basis::parse_citation("某方案（试行）（2021年）").unwrap();
        assert_eq!(b.document, "某方案（试行）");
    }

    #[test]
    fn parse_citation_says_what_is_wrong() {
        let err = |s: &str| Basis::parse_citation(s).unwrap_err();
        assert!(err("").contains("empty"));
        assert!(err("〔地方〕").contains("empty"));
        assert!(
            err("《某通知（2021年）").contains("never closed"),
            "{}",
            err("《某通知（2021年）")
        );
        assert!(err("《某通知》").contains("no year"));
        assert!(err("《某通知》（二〇二一年）").contains("no year"));
        assert!(err("《某通知》第五条（2021年）").contains("no year"));
        assert!(err("某通知").contains("no year"));
        assert!(err("《》（2021年）").contains("title is empty"));
        assert!(err("（2021年）第五条").contains("title is empty"));
        assert!(err("《某通知》（99999年）").contains("no year"));
    }
}
