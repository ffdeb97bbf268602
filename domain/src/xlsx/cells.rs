//! What goes into one cell and how it is read back: each `format_*` here has its parser, and
//! parsers accept what a clerk types (full-width characters, Excel numbers, times and dates).
//! Parse errors are plain English sentences; the importer adds the sheet, row and column.

use crate::answer::TimeOfDay;
use crate::basis::Basis;
use crate::rule::{EnrolmentRange, Step};
use crate::school::{Facility, GradeRange, Stage};
use crate::template::{AnswerKind, ChoiceOption, EvidenceRule, Severity, YesNoCompliant};
use calamine::Data;

/// How an item is answered, as the 答题方式 column names it (unit, bounds and options are
/// columns of their own).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    Compliance,
    YesNo,
    YesNoYes,
    YesNoNo,
    Number,
    Count,
    Time,
    Single,
    Multiple,
    Text,
    Photo,
}

/// (shape, the word written on export, other accepted words)
pub const ANSWER_WORDS: &[(Shape, &str, &[&str])] = &[
    (Shape::Compliance, "符合度", &["compliance", "符合性"]),
    (Shape::YesNo, "是否", &["yes_no", "是/否"]),
    (
        Shape::YesNoYes,
        "是否（是为符合）",
        &["yes_no(yes)", "是否(是符合)", "yes_no_yes"],
    ),
    (
        Shape::YesNoNo,
        "是否（否为符合）",
        &["yes_no(no)", "是否(否符合)", "yes_no_no"],
    ),
    (Shape::Number, "数值", &["number", "数字"]),
    (Shape::Count, "计数", &["count", "整数", "次数"]),
    (Shape::Time, "时间", &["time", "时刻"]),
    (Shape::Single, "单选", &["choice", "single", "单选题"]),
    (
        Shape::Multiple,
        "多选",
        &["multiple", "multiple_choice", "choice(multiple)", "多选题"],
    ),
    (Shape::Text, "文本", &["text", "文字"]),
    (Shape::Photo, "照片", &["photo"]),
];

impl Shape {
    pub fn of(kind: &AnswerKind) -> Shape {
        match kind {
            AnswerKind::Compliance => Shape::Compliance,
            AnswerKind::YesNo { compliant: None } => Shape::YesNo,
            AnswerKind::YesNo {
                compliant: Some(YesNoCompliant::Yes),
            } => Shape::YesNoYes,
            AnswerKind::YesNo {
                compliant: Some(YesNoCompliant::No),
            } => Shape::YesNoNo,
            AnswerKind::Number { .. } => Shape::Number,
            AnswerKind::Count { .. } => Shape::Count,
            AnswerKind::Time { .. } => Shape::Time,
            AnswerKind::Choice {
                multiple: false, ..
            } => Shape::Single,
            AnswerKind::Choice { multiple: true, .. } => Shape::Multiple,
            AnswerKind::Text => Shape::Text,
            AnswerKind::Photo => Shape::Photo,
        }
    }

    pub fn word(self) -> &'static str {
        ANSWER_WORDS
            .iter()
            .find(|(s, _, _)| *s == self)
            .map_or("", |(_, w, _)| w)
    }

    pub fn parse(s: &str) -> Result<Shape, String> {
        ANSWER_WORDS
            .iter()
            .find(|(_, w, aliases)| super::layout::names(s, w, aliases))
            .map(|(shape, _, _)| *shape)
            .ok_or_else(|| {
                let words: Vec<&str> = ANSWER_WORDS.iter().map(|(_, w, _)| *w).collect();
                format!(
                    "unknown answer kind {:?}; expected one of {}",
                    s.trim(),
                    words.join(", ")
                )
            })
    }

    pub fn is_choice(self) -> bool {
        matches!(self, Shape::Single | Shape::Multiple)
    }

    pub fn has_unit(self) -> bool {
        matches!(self, Shape::Number | Shape::Count)
    }
}

// ---------------------------------------------------------------------------------------------
// Cells
// ---------------------------------------------------------------------------------------------

pub fn is_blank(d: &Data) -> bool {
    match d {
        Data::Empty => true,
        Data::String(s) => s.trim().is_empty(),
        _ => false,
    }
}

/// The cell as text, trimmed. Numbers read as written (`101`, `7.5`).
pub fn text(d: &Data) -> Result<String, String> {
    match d {
        Data::Empty => Ok(String::new()),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => {
            Ok(s.replace("\r\n", "\n").trim().to_owned())
        }
        Data::Float(f) => Ok(format_number(*f)),
        Data::Int(i) => Ok(i.to_string()),
        Data::Bool(b) => Ok(if *b { "是" } else { "否" }.to_owned()),
        Data::DateTime(_) => Err(
            "expected text, got a date or time (Excel converted what was typed; format the \
             cell as Text (文本) and type it again)"
                .into(),
        ),
        Data::Error(e) => Err(format!("the cell shows the Excel error {e}")),
    }
}

/// The cell as a person sees it, for "got …" in errors.
pub fn shown(d: &Data) -> String {
    match d {
        Data::DateTime(dt) => {
            let (y, mo, da, h, mi, _, _) = dt.to_ymd_hms_milli();
            format!("the date/time {y:04}-{mo:02}-{da:02} {h:02}:{mi:02}")
        }
        Data::Error(e) => format!("the Excel error {e}"),
        _ => format!("{:?}", text(d).unwrap_or_default()),
    }
}

/// 75 → "75", 7.5 → "7.5", exactly (read back to the same f64).
pub fn format_number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

/// Full-width digits and signs as ASCII, spaces out: what a Chinese keyboard may type.
fn ascii(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '０'..='９' | '．' | '－' | '＋' | '：' | '～' | '，' => {
                char::from_u32(c as u32 - 0xFEE0).unwrap_or(c)
            }
            c => c,
        })
        .collect()
}

pub fn number(d: &Data) -> Result<f64, String> {
    let got = || format!("expected a number, got {}", shown(d));
    match d {
        Data::Float(f) => Ok(*f),
        Data::Int(i) => Ok(*i as f64),
        Data::String(s) => ascii(s)
            .parse::<f64>()
            .ok()
            .filter(|f| f.is_finite())
            .ok_or_else(got),
        _ => Err(got()),
    }
}

pub fn whole(d: &Data) -> Result<u32, String> {
    let got = || format!("expected a whole number, got {}", shown(d));
    let n = number(d).map_err(|_| got())?;
    if n.fract() != 0.0 || !(0.0..=f64::from(u32::MAX)).contains(&n) {
        return Err(got());
    }
    Ok(n as u32)
}

/// A time of day: an Excel time cell, a day fraction, or `8:20` / `08：20` / `8点20`.
pub fn time(d: &Data) -> Result<TimeOfDay, String> {
    let got = || {
        format!(
            "expected a time of day as HH:MM (e.g. 08:20), got {}",
            shown(d)
        )
    };
    let from_fraction = |f: f64| {
        let minutes = (f.fract() * 1440.0).round() as u32;
        TimeOfDay::new((minutes / 60) as u8, (minutes % 60) as u8).ok_or_else(got)
    };
    match d {
        // A whole serial number is a date without a time: not a time of day.
        Data::DateTime(dt) if dt.as_f64() >= 1.0 && dt.as_f64().fract() == 0.0 => Err(got()),
        Data::DateTime(dt) => from_fraction(dt.as_f64()),
        Data::Float(f) if (0.0..1.0).contains(f) => from_fraction(*f),
        Data::String(s) => {
            let mut s = ascii(s).replace(['点', '时'], ":").replace('分', "");
            if s.ends_with(':') {
                s.push_str("00");
            }
            // 08:20:00 as Excel writes a time with seconds.
            if s.matches(':').count() == 2 {
                if let Some(t) = s.strip_suffix(":00") {
                    s = t.to_owned();
                }
            }
            TimeOfDay::parse(&s).ok_or_else(got)
        }
        _ => Err(got()),
    }
}

/// 是 / 否 and the like; `None` for a blank cell.
pub fn yes_no(d: &Data, yes: &[&str], no: &[&str]) -> Result<Option<bool>, String> {
    if is_blank(d) {
        return Ok(None);
    }
    if let Data::Bool(b) = d {
        return Ok(Some(*b));
    }
    let s = super::layout::normalize(&text(d)?);
    let is = |words: &[&str], base: &[&str]| base.iter().chain(words).any(|w| *w == s);
    if is(yes, &["是", "yes", "y", "true", "1", "√"]) {
        Ok(Some(true))
    } else if is(no, &["否", "no", "n", "false", "0", "×"]) {
        Ok(Some(false))
    } else {
        let (y, n) = (
            yes.first().map_or(String::new(), |w| format!(" (or {w})")),
            no.first().map_or(String::new(), |w| format!(" (or {w})")),
        );
        Err(format!("expected 是{y} or 否{n}, got {}", shown(d)))
    }
}

/// Splits a list written with 、 , ， ; ； / or line breaks.
pub fn split_list(s: &str) -> impl Iterator<Item = &str> {
    s.split(['、', ',', '，', ';', '；', '/', '\n', ' ', '　'])
        .map(str::trim)
        .filter(|w| !w.is_empty())
}

pub fn stages(s: &str) -> Result<Vec<Stage>, String> {
    let mut out = Vec::new();
    let mut bad = Vec::new();
    for w in split_list(s) {
        match Stage::parse(w) {
            Some(st) => out.push(st),
            None => bad.push(format!("{w:?}")),
        }
    }
    if bad.is_empty() {
        Ok(out)
    } else {
        let names: Vec<&str> = Stage::ALL.iter().map(|s| s.zh()).collect();
        Err(format!(
            "unknown stage {}; expected {}",
            bad.join(", "),
            names.join("、")
        ))
    }
}

pub fn format_stages(stages: &[Stage]) -> String {
    stages.iter().map(|s| s.zh()).collect::<Vec<_>>().join("、")
}

fn facility_alias(f: Facility) -> &'static str {
    match f {
        Facility::SchoolBus => "school_bus",
        Facility::Canteen => "canteen",
        Facility::LabChemicals => "lab_chemicals",
        Facility::WaterNearby => "water_nearby",
    }
}

pub fn facilities(s: &str) -> Result<Vec<Facility>, String> {
    let mut out = Vec::new();
    let mut bad = Vec::new();
    for w in split_list(s) {
        let found = Facility::ALL
            .into_iter()
            .find(|f| f.zh() == w || f.en().eq_ignore_ascii_case(w) || facility_alias(*f) == w);
        match found {
            Some(f) => out.push(f),
            None => bad.push(format!("{w:?}")),
        }
    }
    if bad.is_empty() {
        Ok(out)
    } else {
        let names: Vec<&str> = Facility::ALL.iter().map(|f| f.zh()).collect();
        Err(format!(
            "unknown facility {}; expected {}",
            bad.join(", "),
            names.join("、")
        ))
    }
}

pub fn format_facilities(fs: &[Facility]) -> String {
    fs.iter().map(|f| f.zh()).collect::<Vec<_>>().join("、")
}

const EVIDENCE_WORDS: &[(EvidenceRule, &str, &[&str])] = &[
    (EvidenceRule::None, "无", &["none", "不需要", "不拍照"]),
    (
        EvidenceRule::PhotoWhenNoncompliant,
        "不符合时拍照",
        &["photo_when_noncompliant", "不符合拍照"],
    ),
    (
        EvidenceRule::PhotoAlways,
        "必须拍照",
        &["photo_always", "总是拍照", "拍照"],
    ),
];

pub fn evidence_word(e: EvidenceRule) -> &'static str {
    EVIDENCE_WORDS
        .iter()
        .find(|(r, _, _)| *r == e)
        .map_or("", |(_, w, _)| w)
}

pub fn evidence(s: &str) -> Result<EvidenceRule, String> {
    if s.trim().is_empty() {
        return Ok(EvidenceRule::None);
    }
    EVIDENCE_WORDS
        .iter()
        .find(|(_, w, aliases)| super::layout::names(s, w, aliases))
        .map(|(r, _, _)| *r)
        .ok_or_else(|| format!("expected 无, 不符合时拍照 or 必须拍照, got {:?}", s.trim()))
}

pub fn severity(s: &str) -> Result<Severity, String> {
    let n = super::layout::normalize(s);
    match n.as_str() {
        "" | "一般" | "general" => Ok(Severity::General),
        "重大" | "major" => Ok(Severity::Major),
        _ => Err(format!("expected 一般 or 重大, got {:?}", s.trim())),
    }
}

// ---------------------------------------------------------------------------------------------
// Grades, enrolment, steps
// ---------------------------------------------------------------------------------------------

pub fn format_grades(g: GradeRange) -> String {
    if g.from == g.to {
        g.from.to_string()
    } else {
        format!("{}-{}", g.from, g.to)
    }
}

/// `3-6`, `3–6`, `3至6`, `3～6年级`, `[3, 6]`, one grade `5` (also a number cell). A cell Excel
/// turned into a date (typing 3-6 gives 3月6日) is read back as month-day.
pub fn grades(d: &Data) -> Result<GradeRange, String> {
    let got = || {
        format!(
            "expected grades like 3-6 (or one grade like 5), got {}",
            shown(d)
        )
    };
    let grade = |f: f64| {
        (f.fract() == 0.0 && (0.0..=255.0).contains(&f))
            .then_some(f as u8)
            .ok_or_else(got)
    };
    match d {
        Data::Float(f) => grade(*f).map(|g| GradeRange::new(g, g)),
        Data::Int(i) => grade(*i as f64).map(|g| GradeRange::new(g, g)),
        Data::DateTime(dt) => {
            let (_, month, day, h, mi, s, _) = dt.to_ymd_hms_milli();
            if (h, mi, s) == (0, 0, 0) && dt.as_f64() >= 1.0 {
                Ok(GradeRange::new(month, day))
            } else {
                Err(got())
            }
        }
        Data::String(s) => {
            let s = ascii(s);
            let s = s.strip_suffix("年级").unwrap_or(&s);
            let s = s.trim_start_matches('[').trim_end_matches(']');
            let parts: Vec<&str> = s
                .splitn(2, |c| {
                    matches!(c, '-' | '–' | '—' | '~' | '至' | '到' | ',')
                })
                .collect();
            let n = |p: &str| p.parse::<u8>().map_err(|_| got());
            match parts[..] {
                [one] => n(one).map(|g| GradeRange::new(g, g)),
                [a, b] => Ok(GradeRange::new(n(a)?, n(b)?)),
                _ => Err(got()),
            }
        }
        _ => Err(got()),
    }
}

pub fn format_enrolment(e: EnrolmentRange) -> String {
    match (e.from, e.to) {
        (Some(a), Some(b)) => format!("{a}-{b}"),
        (Some(a), None) => format!("{a}以上"),
        (None, Some(b)) => format!("{b}以下"),
        (None, None) => "不限".into(),
    }
}

/// `1000-2000`, `1000以上` (≥ 1000), `999以下` (≤ 999), `不限`; 人/名 and ≥ ≤ are accepted.
pub fn enrolment(s: &str) -> Result<EnrolmentRange, String> {
    let got = || {
        format!(
            "expected enrolment like 1000-2000, 1000以上, 999以下 or 不限, got {:?}",
            s.trim()
        )
    };
    let s = ascii(s).replace(['人', '名'], "");
    let n = |p: &str| p.parse::<u32>().map_err(|_| got());
    let range = |from, to| Ok(EnrolmentRange { from, to });
    if matches!(s.as_str(), "不限" | "any" | "全部") {
        return range(None, None);
    }
    for suffix in ["及以上", "以上", "+"] {
        if let Some(a) = s.strip_suffix(suffix) {
            return range(Some(n(a)?), None);
        }
    }
    for prefix in ["≥", ">="] {
        if let Some(a) = s.strip_prefix(prefix) {
            return range(Some(n(a)?), None);
        }
    }
    for suffix in ["及以下", "以下"] {
        if let Some(b) = s.strip_suffix(suffix) {
            return range(None, Some(n(b)?));
        }
    }
    for prefix in ["≤", "<="] {
        if let Some(b) = s.strip_prefix(prefix) {
            return range(None, Some(n(b)?));
        }
    }
    match s.split_once(['-', '–', '—', '~', '至', '到']) {
        Some((a, b)) => range(Some(n(a)?), Some(n(b)?)),
        None => Err(got()),
    }
}

pub fn format_step(s: Step) -> String {
    format!("超出{}人每{}人加{}", s.over, s.per, format_number(s.add))
}

/// `超出1000人每500人加1` (also 超过…, 每增加500名学生增配1人; the amount defaults to 1).
pub fn step(s: &str) -> Result<Step, String> {
    let got = || {
        format!(
            "expected a step like 超出1000人每500人加1, got {:?}",
            s.trim()
        )
    };
    let t = ascii(s);
    let lower = t.to_lowercase();
    let has = |words: &[&str]| words.iter().any(|w| lower.contains(w));
    if !has(&["超", "over", "above"]) || !has(&["每", "per"]) {
        return Err(got());
    }
    let mut numbers = Vec::new();
    let mut cur = String::new();
    for c in t.chars().chain(std::iter::once(' ')) {
        if c.is_ascii_digit() || (c == '.' && !cur.is_empty()) {
            cur.push(c);
        } else if !cur.is_empty() {
            numbers.push(std::mem::take(&mut cur));
        }
    }
    let whole = |p: &str| p.parse::<u32>().map_err(|_| got());
    match &numbers[..] {
        [over, per] => Ok(Step {
            over: whole(over)?,
            per: whole(per)?,
            add: 1.0,
        }),
        [over, per, add] => Ok(Step {
            over: whole(over)?,
            per: whole(per)?,
            add: add.parse().map_err(|_| got())?,
        }),
        _ => Err(got()),
    }
}

// ---------------------------------------------------------------------------------------------
// Options and basis: one per line
// ---------------------------------------------------------------------------------------------

/// Writes an option as `code：中文 / English（不符合）`.
pub const NONCOMPLIANT_MARKER: &str = "（不符合）";
const NONCOMPLIANT_MARKERS: [&str; 5] = [
    NONCOMPLIANT_MARKER,
    "(不符合)",
    "【不符合】",
    "[不符合]",
    "(noncompliant)",
];

pub fn format_option(o: &ChoiceOption) -> String {
    let mut s = format!("{}：{}", o.code, o.label.zh);
    if !o.label.en.is_empty() {
        s.push_str(" / ");
        s.push_str(&o.label.en);
    }
    if o.noncompliant {
        s.push_str(NONCOMPLIANT_MARKER);
    }
    s
}

pub fn format_options(options: &[ChoiceOption]) -> String {
    options
        .iter()
        .map(format_option)
        .collect::<Vec<_>>()
        .join("\n")
}

fn strip_marker(s: &str) -> Option<&str> {
    NONCOMPLIANT_MARKERS
        .iter()
        .find_map(|m| s.strip_suffix(m))
        .map(str::trim_end)
}

pub fn option(line: &str) -> Result<ChoiceOption, String> {
    let mut l = line.trim();
    let mut noncompliant = false;
    if let Some(rest) = strip_marker(l) {
        l = rest;
        noncompliant = true;
    }
    let bad = || {
        format!(
            "expected 代码：名称, e.g. gongyong：校内公用电话 / Public phone, got {:?}",
            line.trim()
        )
    };
    let (code, label) = l.split_once(['：', ':']).ok_or_else(bad)?;
    let code = code.trim();
    if !crate::validate::valid_code(code) {
        return Err(format!(
            "{} (the code before ： takes letters, digits, - _ . only)",
            bad()
        ));
    }
    let (mut zh, en) = match label.find(" / ").or_else(|| label.find(" ／ ")) {
        Some(i) => (&label[..i], &label[i + " / ".len()..]),
        None => (label, ""),
    };
    if let Some(rest) = strip_marker(zh.trim()) {
        zh = rest;
        noncompliant = true;
    }
    Ok(ChoiceOption {
        code: code.to_owned(),
        label: crate::text::Text::new(zh.trim(), en.trim()),
        noncompliant,
    })
}

/// Non-empty lines of a cell, numbered from 1.
fn lines(s: &str) -> impl Iterator<Item = (usize, &str)> {
    s.lines()
        .map(str::trim)
        .enumerate()
        .filter(|(_, l)| !l.is_empty())
        .map(|(i, l)| (i + 1, l))
}

pub fn options(s: &str) -> Result<Vec<ChoiceOption>, String> {
    collect_lines(s, "option", option)
}

pub fn format_basis(bases: &[Basis]) -> String {
    bases
        .iter()
        .map(Basis::marked_citation)
        .collect::<Vec<_>>()
        .join("\n")
}

pub fn basis(s: &str) -> Result<Vec<Basis>, String> {
    collect_lines(s, "basis", Basis::parse_citation)
}

fn collect_lines<T>(
    s: &str,
    what: &str,
    parse: impl Fn(&str) -> Result<T, String>,
) -> Result<Vec<T>, String> {
    let mut out = Vec::new();
    let mut errs = Vec::new();
    for (n, line) in lines(s) {
        match parse(line) {
            Ok(v) => out.push(v),
            Err(e) => errs.push(format!("{what} line {n}: {e}")),
        }
    }
    if errs.is_empty() {
        Ok(out)
    } else {
        Err(errs.join("; "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::Text;

    fn s(v: &str) -> Data {
        Data::String(v.into())
    }

    #[test]
    fn grades_read_as_typed() {
        for v in [
            "3-6",
            "3–6",
            "3至6",
            "３－６",
            "3～6年级",
            "[3, 6]",
            " 3 - 6 ",
        ] {
            assert_eq!(grades(&s(v)), Ok(GradeRange::new(3, 6)), "{v}");
        }
        assert_eq!(grades(&Data::Float(5.0)), Ok(GradeRange::new(5, 5)));
        assert_eq!(grades(&s("10")), Ok(GradeRange::new(10, 10)));
        assert!(grades(&s("三至六")).unwrap_err().contains("\"三至六\""));
        assert!(grades(&Data::Float(3.5)).is_err());
        assert_eq!(format_grades(GradeRange::new(1, 12)), "1-12");
        assert_eq!(format_grades(GradeRange::new(0, 0)), "0");
    }

    #[test]
    fn times_read_from_text_and_day_fractions() {
        let t = TimeOfDay::new(8, 20).unwrap();
        for v in ["8:20", "08:20", "08：20", "8:20:00", "8点20", "8点20分"] {
            assert_eq!(time(&s(v)), Ok(t), "{v}");
        }
        assert_eq!(time(&Data::Float(500.0 / 1440.0)), Ok(t));
        assert_eq!(time(&s("8点")), Ok(TimeOfDay::new(8, 0).unwrap()));
        assert!(time(&Data::Float(8.2)).unwrap_err().contains("HH:MM"));
        assert!(time(&s("25:00")).is_err());
    }

    #[test]
    fn numbers_and_whole_numbers() {
        assert_eq!(number(&s(" ６０ ")), Ok(60.0));
        assert_eq!(number(&s("7.5")), Ok(7.5));
        assert_eq!(whole(&Data::Float(3.0)), Ok(3));
        assert_eq!(
            whole(&s("三")).unwrap_err(),
            "expected a whole number, got \"三\""
        );
        assert!(whole(&Data::Float(1.5)).is_err());
        assert!(number(&s("60分钟")).is_err());
        assert_eq!(format_number(0.1 + 0.2), "0.30000000000000004");
    }

    #[test]
    fn enrolment_and_step_round_trip() {
        for e in [
            EnrolmentRange {
                from: Some(1000),
                to: Some(1999),
            },
            EnrolmentRange {
                from: Some(2000),
                to: None,
            },
            EnrolmentRange {
                from: None,
                to: Some(999),
            },
            EnrolmentRange {
                from: None,
                to: None,
            },
        ] {
            assert_eq!(enrolment(&format_enrolment(e)), Ok(e));
        }
        assert_eq!(
            enrolment("≥1000人"),
            Ok(EnrolmentRange {
                from: Some(1000),
                to: None
            })
        );
        assert!(enrolment("很多").is_err());
        let st = Step {
            over: 1000,
            per: 500,
            add: 1.0,
        };
        assert_eq!(format_step(st), "超出1000人每500人加1");
        assert_eq!(step("超出1000人每500人加1"), Ok(st));
        assert_eq!(step("超过1000名后，每增加500名学生"), Ok(st));
        let half = Step { add: 0.5, ..st };
        assert_eq!(step(&format_step(half)), Ok(half));
        assert!(step("每500人加1").is_err());
    }

    #[test]
    fn options_read_one_per_line() {
        let opts = vec![
            ChoiceOption {
                code: "gongyong".into(),
                label: Text::new("校内公用电话", "Public phone"),
                noncompliant: false,
            },
            ChoiceOption {
                code: "wu".into(),
                label: Text::new("无任何通话渠道", "No channel / none"),
                noncompliant: true,
            },
            ChoiceOption {
                code: "qita".into(),
                label: Text::new("其他", ""),
                noncompliant: false,
            },
        ];
        let cell = format_options(&opts);
        assert_eq!(
            cell,
            "gongyong：校内公用电话 / Public phone\nwu：无任何通话渠道 / No channel / none（不符合）\nqita：其他"
        );
        assert_eq!(options(&cell), Ok(opts));
        let typed = options("a:是 (不符合)\n\n b：否（不符合） / No ").unwrap();
        assert!(typed[0].noncompliant && typed[1].noncompliant);
        assert_eq!(typed[1].label, Text::new("否", "No"));
        let err = options("a：是\n校内公用电话").unwrap_err();
        assert!(
            err.starts_with("option line 2: expected 代码：名称"),
            "{err}"
        );
    }

    #[test]
    fn answer_words() {
        assert_eq!(Shape::parse("是否(是为符合)"), Ok(Shape::YesNoYes));
        assert_eq!(Shape::parse(" Number "), Ok(Shape::Number));
        assert_eq!(Shape::parse("多选"), Ok(Shape::Multiple));
        assert!(Shape::parse("打分").unwrap_err().contains("符合度"));
    }

    #[test]
    fn lists_and_words() {
        assert_eq!(
            stages("小学、初中, primary"),
            Ok(vec![Stage::Primary, Stage::Junior, Stage::Primary])
        );
        assert!(stages("小学、中专").unwrap_err().contains("\"中专\""));
        assert_eq!(
            facilities("校车、canteen"),
            Ok(vec![Facility::SchoolBus, Facility::Canteen])
        );
        assert_eq!(yes_no(&s("是"), &[], &[]), Ok(Some(true)));
        assert_eq!(yes_no(&Data::Bool(false), &[], &[]), Ok(Some(false)));
        assert_eq!(yes_no(&s(""), &[], &[]), Ok(None));
        assert!(yes_no(&s("也许"), &[], &[]).is_err());
        assert_eq!(evidence(""), Ok(EvidenceRule::None));
        assert_eq!(
            evidence("不符合时拍照"),
            Ok(EvidenceRule::PhotoWhenNoncompliant)
        );
        assert_eq!(severity("重大"), Ok(Severity::Major));
    }
}
