//! The roster's columns: which header names which field, where the header row is, and which
//! columns are missing, doubled or ignored.

use std::collections::HashMap;

use super::{values, Cell, Grid, Problem, Problems};
use crate::school::Facility;

/// What a column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Field {
    Code,
    Name,
    County,
    District,
    Stage,
    GradeFrom,
    GradeTo,
    Enrolment,
    Boarding,
    Address,
    /// 联系人及电话 in one column.
    Contact,
    /// 联系人 and 联系电话 in two columns, joined with a space.
    ContactName,
    ContactPhone,
    Supervisor,
    Facility(Facility),
    /// 序号: a row number the clerk keeps; known, and ignored without a warning.
    RowNumber,
}

/// (field, the header a roster normally has, other names accepted, English included).
/// Headers are compared after [`normalize`]: spaces, `*`, brackets, `/`, `_` and `-` do not
/// count, nor does a trailing 必填/选填, and English is compared ignoring case.
const SPEC: &[(Field, &str, &[&str])] = &[
    (
        Field::Code,
        "学校代码",
        &[
            "学校标识码",
            "标识码",
            "学校编码",
            "学校编号",
            "代码",
            "编码",
            "code",
            "school code",
        ],
    ),
    (
        Field::Name,
        "学校名称",
        &["学校", "校名", "名称", "单位名称", "name", "school name"],
    ),
    (
        Field::County,
        "区县",
        &["县区", "县(市、区)", "所属区县", "县", "county"],
    ),
    (
        Field::District,
        "乡镇/街道",
        &[
            "乡镇",
            "街道",
            "乡镇(街道)",
            "所属乡镇",
            "所在乡镇",
            "乡(镇)",
            "district",
            "town",
        ],
    ),
    (
        Field::Stage,
        "学段",
        &["办学类型", "学校类型", "学校类别", "类型", "stage"],
    ),
    (
        Field::GradeFrom,
        "起始年级",
        &["最低年级", "开始年级", "grade from", "from grade"],
    ),
    (
        Field::GradeTo,
        "结束年级",
        &["最高年级", "截止年级", "grade to", "to grade"],
    ),
    (
        Field::Enrolment,
        "在校生数",
        &[
            "在校生人数",
            "在校学生数",
            "学生数",
            "学生人数",
            "enrolment",
            "enrollment",
            "students",
        ],
    ),
    (
        Field::Boarding,
        "是否寄宿",
        &["寄宿", "寄宿制", "是否寄宿制", "是否寄宿制学校", "boarding"],
    ),
    (
        Field::Address,
        "地址",
        &["学校地址", "详细地址", "通讯地址", "address"],
    ),
    (
        Field::Contact,
        "联系人及电话",
        &["联系人/联系电话", "联系人和电话", "联系方式", "contact"],
    ),
    (
        Field::ContactName,
        "联系人",
        &["联系人姓名", "contact name"],
    ),
    (
        Field::ContactPhone,
        "联系电话",
        &["电话", "手机", "联系人电话", "phone", "contact phone"],
    ),
    (
        Field::Supervisor,
        "责任督学",
        &["挂牌督学", "督学", "supervisor"],
    ),
    (
        Field::Facility(Facility::SchoolBus),
        "校车",
        &["有无校车", "是否有校车", "school bus"],
    ),
    (
        Field::Facility(Facility::Canteen),
        "食堂",
        &["有无食堂", "是否有食堂", "canteen"],
    ),
    (
        Field::Facility(Facility::LabChemicals),
        "危化品",
        &["有无危化品", "危险化学品", "lab chemicals"],
    ),
    (
        Field::Facility(Facility::WaterNearby),
        "周边水域",
        &["周边有无水域", "临水", "water nearby"],
    ),
    (Field::RowNumber, "序号", &["no", "no.", "#"]),
];

impl Field {
    /// The header a roster normally gives this field.
    pub fn header(self) -> &'static str {
        SPEC.iter()
            .find(|(f, _, _)| *f == self)
            .map_or("", |(_, h, _)| h)
    }

    /// The field a header names, if any.
    pub fn of_header(header: &str) -> Option<Field> {
        let h = normalize(header);
        if h.is_empty() {
            return None;
        }
        SPEC.iter()
            .find(|(_, name, aliases)| {
                normalize(name) == h || aliases.iter().any(|a| normalize(a) == h)
            })
            .map(|(f, _, _)| *f)
    }
}

/// A header as compared: no spaces, marks or brackets; full-width forms as ASCII; lower case;
/// without a trailing 必填/选填 ("学校代码（必填）*" names 学校代码).
fn normalize(s: &str) -> String {
    let s: String = s
        .chars()
        .filter(|c| {
            !c.is_whitespace()
                && !matches!(
                    c,
                    '*' | '＊'
                        | '('
                        | ')'
                        | '（'
                        | '）'
                        | '/'
                        | '／'
                        | '、'
                        | '_'
                        | '-'
                        | '\u{feff}'
                )
        })
        .map(|c| c.to_ascii_lowercase())
        .collect();
    s.strip_suffix("必填")
        .or_else(|| s.strip_suffix("选填"))
        .map_or(s.clone(), str::to_owned)
}

/// `A`, `B`, … `Z`, `AA` for a 0-based column index, as Excel labels columns.
pub fn column_letter(index: u32) -> String {
    let mut n = index + 1;
    let mut letters = Vec::new();
    while n > 0 {
        let rem = (n - 1) % 26;
        letters.push(char::from(b'A' + rem as u8));
        n = (n - 1) / 26;
    }
    letters.iter().rev().collect()
}

/// The header row of a grid, read.
pub(super) struct Table {
    /// Its row number.
    pub header_row: u32,
    cols: HashMap<Field, (u32, String)>,
    pub warnings: Vec<Problem>,
}

impl Table {
    pub fn column(&self, field: Field) -> Option<u32> {
        self.cols.get(&field).map(|(c, _)| *c)
    }

    pub fn has_contact(&self) -> bool {
        [Field::Contact, Field::ContactName, Field::ContactPhone]
            .iter()
            .any(|f| self.cols.contains_key(f))
    }

    /// A problem in a cell of a row, naming the column's header.
    pub fn problem(
        &self,
        sheet: &Option<String>,
        row: u32,
        column: Option<u32>,
        message: String,
    ) -> Problem {
        let header = column.and_then(|c| {
            self.cols
                .values()
                .find(|(col, _)| *col == c)
                .map(|(_, h)| h.clone())
        });
        Problem {
            sheet: sheet.clone(),
            row: Some(row),
            column,
            header,
            message,
        }
    }

    /// The header row is the first of the first ten non-empty rows that names two school
    /// fields, so a title row (清河县中小学校名单) above it is skipped.
    pub fn find(grid: &Grid) -> Result<Table, Problems> {
        let where_ = |row: Option<u32>, message: String| Problem {
            sheet: grid.sheet.clone(),
            row,
            ..Problem::file(message)
        };
        let blank = |cells: &[Cell]| cells.iter().all(values::is_blank);
        let mut non_empty = grid
            .rows
            .iter()
            .filter(|(_, cells)| !blank(cells))
            .peekable();
        if non_empty.peek().is_none() {
            let what = match &grid.sheet {
                Some(_) => "the sheet is empty; expected a header row (学校代码, 学校名称, 学段, 区县 …) \
                            and one school per row",
                None => "the file has no rows; expected a header row (学校代码, 学校名称, 学段, 区县 …) \
                         and one school per row",
            };
            return Err(Problems(vec![where_(None, what.to_owned())]));
        }
        let named = |cells: &[Cell]| {
            cells
                .iter()
                .filter(|c| header_text(c).is_some_and(|h| Field::of_header(&h).is_some()))
                .count()
        };
        let Some((header_row, header)) = non_empty.take(10).find(|(_, cells)| named(cells) >= 2)
        else {
            return Err(Problems(vec![where_(
                None,
                "no header row: none of the first rows names the roster's columns; the header \
                 row needs 学校代码, 学校名称, 学段, and 区县 or 乡镇/街道 (or code, name, stage, \
                 county/district)"
                    .to_owned(),
            )]));
        };
        let mut cols: HashMap<Field, (u32, String)> = HashMap::new();
        let mut problems = Vec::new();
        let mut warnings = Vec::new();
        let at = |col: u32, header: &str, message: String| Problem {
            sheet: grid.sheet.clone(),
            row: Some(*header_row),
            column: Some(col),
            header: Some(header.to_owned()),
            message,
        };
        for (i, cell) in header.iter().enumerate() {
            let col = i as u32;
            let text = header_text(cell).unwrap_or_default();
            if text.is_empty() {
                let has_data = grid.rows.iter().any(|(n, cells)| {
                    *n > *header_row && cells.get(i).is_some_and(|c| !values::is_blank(c))
                });
                if has_data {
                    warnings.push(at(col, "", "has no header; ignored".to_owned()));
                }
                continue;
            }
            match Field::of_header(&text) {
                None => warnings.push(at(col, &text, "is not a school field; ignored".to_owned())),
                Some(field) => {
                    if let Some((first, first_header)) = cols.get(&field) {
                        problems.push(at(
                            col,
                            &text,
                            format!(
                                "column {} ({first_header}) already gives {}; keep one of the two",
                                column_letter(*first),
                                field.header()
                            ),
                        ));
                    } else {
                        cols.insert(field, (col, text));
                    }
                }
            }
        }
        let missing = |field: Field| -> String {
            let english = SPEC
                .iter()
                .find(|(f, _, _)| *f == field)
                .and_then(|(_, _, aliases)| aliases.iter().find(|a| a.is_ascii()))
                .copied()
                .unwrap_or_default();
            format!("{} ({english})", field.header())
        };
        for field in [Field::Code, Field::Name, Field::Stage] {
            if !cols.contains_key(&field) {
                problems.push(where_(
                    Some(*header_row),
                    format!("missing column {}: every school needs it", missing(field)),
                ));
            }
        }
        if !cols.contains_key(&Field::County) && !cols.contains_key(&Field::District) {
            problems.push(where_(
                Some(*header_row),
                format!(
                    "missing column {} or {}: every school needs one of them",
                    missing(Field::County),
                    missing(Field::District)
                ),
            ));
        }
        if problems.is_empty() {
            Ok(Table {
                header_row: *header_row,
                cols,
                warnings,
            })
        } else {
            problems.sort_by_key(|p| p.column);
            Err(Problems(problems))
        }
    }
}

/// A header cell's text; numbers and dates are no headers.
fn header_text(cell: &Cell) -> Option<String> {
    match cell {
        Cell::Text(s) => Some(s.trim().to_owned()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_match_whatever_the_clerk_decorated_them_with() {
        for (header, field) in [
            ("学校代码", Field::Code),
            (" 学校代码（必填）* ", Field::Code),
            ("学校标识码", Field::Code),
            ("乡镇（街道）", Field::District),
            ("乡镇/街道", Field::District),
            ("县（市、区）", Field::County),
            ("联系人/联系电话", Field::Contact),
            ("联系人", Field::ContactName),
            ("Grade_From", Field::GradeFrom),
            ("grade from", Field::GradeFrom),
            ("School Code", Field::Code),
            ("ENROLLMENT", Field::Enrolment),
            ("校车", Field::Facility(Facility::SchoolBus)),
            ("water_nearby", Field::Facility(Facility::WaterNearby)),
            ("\u{feff}学校代码", Field::Code),
        ] {
            assert_eq!(Field::of_header(header), Some(field), "{header}");
        }
        assert_eq!(Field::of_header("备注"), None);
        assert_eq!(Field::of_header(""), None);
    }

    #[test]
    fn columns_are_lettered_as_excel_does() {
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(25), "Z");
        assert_eq!(column_letter(26), "AA");
        assert_eq!(column_letter(27), "AB");
        assert_eq!(column_letter(701), "ZZ");
        assert_eq!(column_letter(702), "AAA");
    }
}
