//! One cell's value, as a clerk types it in Excel or WPS: full-width digits, 是/否, 初一, Excel
//! numbers for codes. Errors are English sentences; the caller adds the row and column.

use super::Cell;
use crate::school::{GradeRange, Stage};

pub fn is_blank(c: &Cell) -> bool {
    match c {
        Cell::Empty => true,
        Cell::Text(s) => s.trim().is_empty(),
        _ => false,
    }
}

/// The cell as text, trimmed; a whole number reads as written (`3141000123`, not `3.14e9`).
pub fn text(c: &Cell) -> Result<String, String> {
    match c {
        Cell::Empty => Ok(String::new()),
        Cell::Text(s) => Ok(s.replace("\r\n", "\n").trim().to_owned()),
        Cell::Number(n) => Ok(number_text(*n)),
        Cell::Bool(b) => Ok(if *b { "是" } else { "否" }.to_owned()),
        Cell::Date(d) => Err(format!(
            "expected text, got the date {d} (Excel turned what was typed into a date; format \
             the column as Text (文本) and type it again)"
        )),
        Cell::Error(e) => Err(format!("the cell shows the Excel error {e}")),
    }
}

fn number_text(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

/// The cell as the clerk sees it, for "got …".
fn shown(c: &Cell) -> String {
    match c {
        Cell::Date(d) => format!("the date {d}"),
        Cell::Error(e) => format!("the Excel error {e}"),
        _ => format!("{:?}", text(c).unwrap_or_default()),
    }
}

/// Full-width digits and signs as ASCII, spaces and thousands separators out.
fn ascii_number(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, ',' | '，'))
        .map(|c| match c {
            '０'..='９' | '．' | '－' | '＋' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            c => c,
        })
        .collect()
}

pub fn required_text(c: &Cell, what: &str) -> Result<String, String> {
    let t = text(c)?;
    if t.is_empty() {
        return Err(format!("the {what} is empty"));
    }
    Ok(t)
}

/// 学校代码: required, no spaces. A code Excel showed in scientific notation lost its digits.
pub fn code(c: &Cell) -> Result<String, String> {
    let t = required_text(c, "school code")?;
    if looks_scientific(&t) {
        return Err(format!(
            "the code {t} is a number Excel shortened, and its digits are lost; format the \
             column as Text (文本) and type the codes again"
        ));
    }
    if t.chars().any(char::is_whitespace) {
        return Err(format!("the code {t:?} contains a space"));
    }
    if t.chars().count() > 64 {
        return Err(format!(
            "the code {t:?} is longer than 64 characters; is it the right column?"
        ));
    }
    Ok(t)
}

/// `3.14E+09`, `3.14e9`.
fn looks_scientific(s: &str) -> bool {
    let lower = s.to_ascii_lowercase();
    let Some((mantissa, exp)) = lower.split_once('e') else {
        return false;
    };
    let exp = exp.strip_prefix('+').unwrap_or(exp);
    !mantissa.is_empty()
        && mantissa.chars().all(|c| c.is_ascii_digit() || c == '.')
        && !exp.is_empty()
        && exp.chars().all(|c| c.is_ascii_digit())
}

/// Names of stages as rosters from 教育事业统计 write them, besides [`Stage::parse`]'s.
const STAGE_ALIASES: &[(&str, Stage)] = &[
    ("完全小学", Stage::Primary),
    ("初级中学", Stage::Junior),
    ("高级中学", Stage::Senior),
    ("普通高中", Stage::Senior),
    ("九年一贯制学校", Stage::NineYear),
    ("九年制", Stage::NineYear),
    ("完中", Stage::CompleteSecondary),
];

/// 学段, by [`Stage::parse`] or a name from the 教育统计 list.
pub fn stage(c: &Cell) -> Result<Stage, String> {
    let t = text(c)?;
    if t.is_empty() {
        return Err(format!("the 学段 is empty; {}", stages_expected()));
    }
    Stage::parse(&t)
        .or_else(|| {
            STAGE_ALIASES
                .iter()
                .find(|(name, _)| *name == t)
                .map(|(_, s)| *s)
        })
        .ok_or_else(|| format!("unknown 学段 {t:?}; {}", stages_expected()))
}

fn stages_expected() -> String {
    let names: Vec<&str> = Stage::ALL.iter().map(|s| s.zh()).collect();
    format!("expected one of {}", names.join(", "))
}

/// A grade: 0 (幼儿园) to 12 (高三), typed as a number, `3年级`, `三年级`, `初一` or `高三`;
/// `None` for a blank cell.
pub fn grade(c: &Cell) -> Result<Option<u8>, String> {
    if is_blank(c) {
        return Ok(None);
    }
    let expected = || {
        format!(
            "expected a grade from 0 (幼儿园) to 12 (高三), such as 1 or 初一; got {}",
            shown(c)
        )
    };
    let n = match c {
        Cell::Number(n) => *n,
        Cell::Text(s) => {
            let s = ascii_number(s);
            let s = s.strip_suffix("年级").unwrap_or(&s);
            match named_grade(s) {
                Some(g) => return Ok(Some(g)),
                None => s.parse::<f64>().map_err(|_| expected())?,
            }
        }
        _ => return Err(expected()),
    };
    if n.fract() != 0.0 {
        return Err(expected());
    }
    if !(0.0..=12.0).contains(&n) {
        return Err(format!(
            "grade {} is out of range: grades run from 0 (幼儿园) to 12 (高三)",
            number_text(n)
        ));
    }
    Ok(Some(n as u8))
}

fn named_grade(s: &str) -> Option<u8> {
    const NAMES: [(&str, u8); 16] = [
        ("学前", 0),
        ("一", 1),
        ("二", 2),
        ("三", 3),
        ("四", 4),
        ("五", 5),
        ("六", 6),
        ("七", 7),
        ("八", 8),
        ("九", 9),
        ("初一", 7),
        ("初二", 8),
        ("初三", 9),
        ("高一", 10),
        ("高二", 11),
        ("高三", 12),
    ];
    NAMES.iter().find(|(n, _)| *n == s).map(|(_, g)| *g)
}

/// `1–6`, or `0 (幼儿园)` for a kindergarten.
pub fn grades_shown(g: GradeRange) -> String {
    if g.from == g.to {
        if g.from == 0 {
            "0 (幼儿园)".to_owned()
        } else {
            g.from.to_string()
        }
    } else {
        format!("{} to {}", g.from, g.to)
    }
}

/// 在校生数: a whole number, `2,136` and `2136人` too; blank is 0 (not known).
pub fn enrolment(c: &Cell) -> Result<u32, String> {
    let expected = || {
        format!(
            "expected the number of pupils (a whole number), got {}",
            shown(c)
        )
    };
    let n = match c {
        Cell::Empty => return Ok(0),
        Cell::Number(n) => *n,
        Cell::Text(s) => {
            let s = ascii_number(s);
            if s.is_empty() {
                return Ok(0);
            }
            let s = s.strip_suffix('人').unwrap_or(&s);
            s.parse::<f64>().map_err(|_| expected())?
        }
        _ => return Err(expected()),
    };
    if n.fract() != 0.0 || !n.is_finite() {
        return Err(expected());
    }
    if n < 0.0 {
        return Err(format!(
            "the number of pupils is negative ({})",
            number_text(n)
        ));
    }
    if n > 1_000_000.0 {
        return Err(format!(
            "{} pupils is more than any school has; is it the right column?",
            number_text(n)
        ));
    }
    Ok(n as u32)
}

/// 是/否 and the like; `None` for a blank cell.
pub fn yes_no(c: &Cell) -> Result<Option<bool>, String> {
    if is_blank(c) {
        return Ok(None);
    }
    match c {
        Cell::Bool(b) => return Ok(Some(*b)),
        Cell::Number(n) if *n == 1.0 => return Ok(Some(true)),
        Cell::Number(n) if *n == 0.0 => return Ok(Some(false)),
        _ => {}
    }
    let t = text(c)?.to_lowercase();
    const YES: [&str; 10] = [
        "是",
        "有",
        "寄宿",
        "寄宿制",
        "√",
        "✓",
        "yes",
        "y",
        "true",
        "1",
    ];
    const NO: [&str; 11] = [
        "否",
        "无",
        "没有",
        "走读",
        "非寄宿",
        "×",
        "✗",
        "no",
        "n",
        "false",
        "0",
    ];
    if YES.contains(&t.as_str()) {
        Ok(Some(true))
    } else if NO.contains(&t.as_str()) {
        Ok(Some(false))
    } else {
        Err(format!("expected 是 or 否 (yes or no), got {}", shown(c)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> Cell {
        Cell::Text(s.to_owned())
    }

    #[test]
    fn grades_are_read_as_typed() {
        assert_eq!(grade(&t("")), Ok(None));
        assert_eq!(grade(&Cell::Number(3.0)), Ok(Some(3)));
        assert_eq!(grade(&t(" 3 ")), Ok(Some(3)));
        assert_eq!(grade(&t("３年级")), Ok(Some(3)));
        assert_eq!(grade(&t("三年级")), Ok(Some(3)));
        assert_eq!(grade(&t("初一")), Ok(Some(7)));
        assert_eq!(grade(&t("高三")), Ok(Some(12)));
        assert_eq!(grade(&t("0")), Ok(Some(0)));
        let e = grade(&Cell::Number(13.0)).unwrap_err();
        assert!(e.contains("grade 13 is out of range"), "{e}");
        assert!(grade(&Cell::Number(2.5)).is_err());
        assert!(grade(&t("六年")).is_err());
    }

    #[test]
    fn enrolment_takes_separators_and_refuses_words() {
        assert_eq!(enrolment(&t("2,136")), Ok(2136));
        assert_eq!(enrolment(&t("２１３６人")), Ok(2136));
        assert_eq!(enrolment(&Cell::Number(968.0)), Ok(968));
        assert_eq!(enrolment(&Cell::Empty), Ok(0));
        let e = enrolment(&t("约两千")).unwrap_err();
        assert_eq!(
            e,
            "expected the number of pupils (a whole number), got \"约两千\""
        );
        assert!(enrolment(&t("-5")).unwrap_err().contains("negative"));
        assert!(enrolment(&Cell::Number(12.5)).is_err());
    }

    #[test]
    fn stages_from_the_statistics_list_are_known() {
        assert_eq!(stage(&t("小学")), Ok(Stage::Primary));
        assert_eq!(stage(&t("初级中学")), Ok(Stage::Junior));
        assert_eq!(stage(&t("九年一贯制学校")), Ok(Stage::NineYear));
        assert_eq!(stage(&t("primary")), Ok(Stage::Primary));
        let e = stage(&t("小学校")).unwrap_err();
        assert_eq!(
            e,
            "unknown 学段 \"小学校\"; expected one of 幼儿园, 小学, 初中, 高中, 九年一贯制, 完全中学"
        );
    }

    #[test]
    fn a_code_excel_shortened_is_refused_with_the_fix() {
        assert_eq!(code(&Cell::Number(3141000123.0)), Ok("3141000123".into()));
        let e = code(&t("3.14E+09")).unwrap_err();
        assert!(e.contains("format the column as Text (文本)"), "{e}");
        assert!(code(&t("QH 0101")).is_err());
        assert_eq!(code(&t("")), Err("the school code is empty".into()));
    }

    #[test]
    fn yes_and_no_in_the_words_rosters_use() {
        assert_eq!(yes_no(&t("是")), Ok(Some(true)));
        assert_eq!(yes_no(&t("走读")), Ok(Some(false)));
        assert_eq!(yes_no(&t("Yes")), Ok(Some(true)));
        assert_eq!(yes_no(&Cell::Bool(false)), Ok(Some(false)));
        assert_eq!(yes_no(&t(" ")), Ok(None));
        assert!(yes_no(&t("部分")).is_err());
    }
}
