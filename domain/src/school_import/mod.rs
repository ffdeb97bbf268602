//! School rosters (学校名单) as a county office keeps them in Excel or WPS, read into schools the
//! server can store: `dudao-server schools import`.
//!
//! A roster is a header row with Chinese (or English) column names — 学校代码, 学校名称, 区县,
//! 乡镇/街道, 学段, 起始年级, 结束年级, 在校生数, 是否寄宿, 地址, 联系人及电话, 责任督学, and
//! the facilities 校车, 食堂, 危化品, 周边水域 — then one school per row, columns in any order.
//! A title row above the header is skipped; a column that is no school field is ignored with a
//! warning. Required: 学校代码, 学校名称, 学段, and 区县 or 乡镇/街道.
//!
//! Reading never stops at the first problem: every bad cell of every row is reported, located
//! as the clerk sees it in Excel (row 1 is the first row, columns by letter), so one round of
//! corrections fixes the file. A roster with any problem yields no schools at all.
//!
//! What a roster means for schools already stored (matched by code) is [`RosterSchool::apply`]:
//! a column in the file sets its field, an empty cell included; a column the file does not
//! have leaves the stored value alone.
//!
//! Text-level parsing is always built; decoding bytes (UTF-8, GBK, UTF-16) and reading `.xlsx`
//! need the `xlsx` feature.

mod columns;
pub mod csv;
mod values;
#[cfg(feature = "xlsx")]
mod xlsx;

use std::collections::{BTreeMap, HashMap};
use std::fmt;

use crate::school::{Facility, GradeRange, School, Stage};

pub use columns::{column_letter, Field};
pub use csv::TextEncoding;
#[cfg(feature = "xlsx")]
pub use xlsx::read_xlsx;

/// One cell as read from a CSV or a workbook.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    Number(f64),
    Bool(bool),
    /// A cell Excel holds as a date or time, as shown (`2024-09-01`).
    Date(String),
    /// A cell showing an Excel error (`#REF!`).
    Error(String),
}

/// The rows of a CSV file or a sheet: (row number as Excel shows it, cells from column A).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Grid {
    /// The sheet's name for a workbook; `None` for CSV.
    pub sheet: Option<String>,
    pub rows: Vec<(u32, Vec<Cell>)>,
}

/// One problem (or warning) in a roster, located as Excel shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub sheet: Option<String>,
    /// Row number, 1 = the first row of the file or sheet.
    pub row: Option<u32>,
    /// 0-based column index (shown as its letter).
    pub column: Option<u32>,
    /// The column's header as written in the file.
    pub header: Option<String>,
    pub message: String,
}

impl Problem {
    /// A problem with the file as a whole.
    pub fn file(message: impl Into<String>) -> Problem {
        Problem {
            sheet: None,
            row: None,
            column: None,
            header: None,
            message: message.into(),
        }
    }

    fn at(sheet: &Option<String>, row: u32, message: impl Into<String>) -> Problem {
        Problem {
            sheet: sheet.clone(),
            row: Some(row),
            ..Problem::file(message)
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut place = Vec::new();
        if let Some(s) = &self.sheet {
            place.push(format!("sheet {s}"));
        }
        if let Some(r) = self.row {
            place.push(format!("row {r}"));
        }
        match (self.column, &self.header) {
            (Some(c), Some(h)) if !h.is_empty() => {
                place.push(format!("column {} ({h})", column_letter(c)))
            }
            (Some(c), _) => place.push(format!("column {}", column_letter(c))),
            (None, _) => {}
        }
        if place.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", place.join(", "), self.message)
        }
    }
}

/// Every problem found in a roster, in file order. The file as a whole is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"))]
pub struct Problems(pub Vec<Problem>);

/// Where a roster came from, for the summary line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    Csv(TextEncoding),
    Xlsx { sheet: String },
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Csv(e) => write!(f, "CSV, {}", e.describe()),
            Source::Xlsx { sheet } => write!(f, "Excel workbook, sheet {sheet}"),
        }
    }
}

/// A roster that passed every check.
#[derive(Debug, Clone, PartialEq)]
pub struct Roster {
    pub source: Source,
    pub schools: Vec<RosterSchool>,
    /// Columns ignored and the like: reported, but nothing is wrong with the schools.
    pub warnings: Vec<Problem>,
}

/// One school's row. `None` means the file has no such column: the stored value is kept (a new
/// school gets the default); see [`RosterSchool::apply`].
#[derive(Debug, Clone, PartialEq)]
pub struct RosterSchool {
    /// The row it was on, as Excel shows it.
    pub row: u32,
    pub code: String,
    pub name: String,
    pub stage: Stage,
    pub county: Option<String>,
    /// Never empty when given: an empty 乡镇/街道 cell takes the 区县 (see [`School::district`]).
    pub district: Option<String>,
    /// Checked against the stage; a blank 起始年级 or 结束年级 takes the stage's own.
    pub grades: Option<GradeRange>,
    pub enrolment: Option<u32>,
    pub boarding: Option<bool>,
    pub address: Option<String>,
    pub contact: Option<String>,
    pub supervisor: Option<String>,
    /// Facility columns in the file: `Some(yes/no)`, or `None` for a blank cell (unknown).
    pub facilities: BTreeMap<Facility, Option<bool>>,
}

impl RosterSchool {
    /// The school as it is after the import: `existing` (the stored school with this code, if
    /// any) with every field the file has replaced. A new school gets `new_id()`, an existing one
    /// keeps its id, because visits and assignments refer to it.
    pub fn apply(&self, existing: Option<&School>, new_id: impl FnOnce() -> String) -> School {
        let kept = |f: fn(&School) -> String| existing.map(f).unwrap_or_default();
        let county = self
            .county
            .clone()
            .unwrap_or_else(|| kept(|s| s.county.clone()));
        // Without a 乡镇/街道 column the validation made sure the 区县 is there.
        let district = self.district.clone().unwrap_or_else(|| match existing {
            Some(s) => s.district.clone(),
            None => county.clone(),
        });
        // A stage changed without grades in the file takes the new stage's grades: the old
        // school's grades may not even fit it.
        let grades = self.grades.unwrap_or_else(|| match existing {
            Some(s) if s.stage == self.stage => s.grades,
            _ => self.stage.default_grades(),
        });
        let mut facilities = existing.map(|s| s.facilities.clone()).unwrap_or_default();
        for (f, has) in &self.facilities {
            match has {
                Some(b) => facilities.insert(*f, *b),
                None => facilities.remove(f),
            };
        }
        School {
            id: existing.map_or_else(new_id, |s| s.id.clone()),
            code: self.code.clone(),
            name: self.name.clone(),
            district,
            county,
            stage: self.stage,
            grades,
            enrolment: self
                .enrolment
                .unwrap_or_else(|| existing.map_or(0, |s| s.enrolment)),
            boarding: self
                .boarding
                .unwrap_or_else(|| existing.is_some_and(|s| s.boarding)),
            address: self
                .address
                .clone()
                .unwrap_or_else(|| kept(|s| s.address.clone())),
            contact: self
                .contact
                .clone()
                .unwrap_or_else(|| kept(|s| s.contact.clone())),
            supervisor: self
                .supervisor
                .clone()
                .unwrap_or_else(|| kept(|s| s.supervisor.clone())),
            facilities,
        }
    }
}

/// The fields that differ between two versions of a school, by their English names.
pub fn changed_fields(before: &School, after: &School) -> Vec<&'static str> {
    let mut changed = Vec::new();
    let mut check = |differs: bool, name| {
        if differs {
            changed.push(name);
        }
    };
    check(before.code != after.code, "code");
    check(before.name != after.name, "name");
    check(before.county != after.county, "county");
    check(before.district != after.district, "district");
    check(before.stage != after.stage, "stage");
    check(before.grades != after.grades, "grades");
    check(before.enrolment != after.enrolment, "enrolment");
    check(before.boarding != after.boarding, "boarding");
    check(before.address != after.address, "address");
    check(before.contact != after.contact, "contact");
    check(before.supervisor != after.supervisor, "supervisor");
    check(before.facilities != after.facilities, "facilities");
    changed
}

/// Reads a CSV file as Excel, WPS or a text editor saved it: UTF-8 with or without BOM, UTF-16
/// with BOM, or GBK (what Excel writes on Chinese Windows).
#[cfg(feature = "xlsx")]
pub fn read_csv(bytes: &[u8]) -> Result<Roster, Problems> {
    let (text, encoding) = csv::decode(bytes).map_err(|p| Problems(vec![p]))?;
    read_csv_text(&text, encoding)
}

/// Reads CSV already decoded to text.
pub fn read_csv_text(text: &str, encoding: TextEncoding) -> Result<Roster, Problems> {
    let grid = csv::grid(text).map_err(|p| Problems(vec![p]))?;
    let (schools, warnings) = read_grid(&grid)?;
    Ok(Roster {
        source: Source::Csv(encoding),
        schools,
        warnings,
    })
}

/// Finds the header row, checks every row and returns the schools with the warnings.
pub fn read_grid(grid: &Grid) -> Result<(Vec<RosterSchool>, Vec<Problem>), Problems> {
    let table = columns::Table::find(grid)?;
    let mut problems = Vec::new();
    let mut schools = Vec::new();
    let mut rows = grid
        .rows
        .iter()
        .filter(|(n, cells)| *n > table.header_row && !cells.iter().all(values::is_blank))
        .peekable();
    if rows.peek().is_none() {
        return Err(Problems(vec![Problem::at(
            &grid.sheet,
            table.header_row,
            "no schools below the header row; put one school on each row under it",
        )]));
    }
    for (n, cells) in rows {
        let mut row = RowReader {
            table: &table,
            sheet: &grid.sheet,
            row: *n,
            cells,
            problems: &mut problems,
        };
        if let Some(s) = row.school() {
            schools.push(s);
        }
    }
    // The same code twice would make the second row silently overwrite the first.
    let mut seen: HashMap<&str, u32> = HashMap::new();
    let code_col = table.column(Field::Code);
    for s in &schools {
        if let Some(first) = seen.insert(&s.code, s.row) {
            seen.insert(&s.code, first);
            problems.push(table.problem(
                &grid.sheet,
                s.row,
                code_col,
                format!(
                    "the code {} is also on row {first}; each school must be on one row only",
                    s.code
                ),
            ));
        }
    }
    if problems.is_empty() {
        Ok((schools, table.warnings))
    } else {
        problems.sort_by_key(|p| (p.row, p.column));
        Err(Problems(problems))
    }
}

/// Reads one row, recording every problem it has.
struct RowReader<'a> {
    table: &'a columns::Table,
    sheet: &'a Option<String>,
    row: u32,
    cells: &'a [Cell],
    problems: &'a mut Vec<Problem>,
}

impl RowReader<'_> {
    fn cell(&self, field: Field) -> Option<&Cell> {
        let col = self.table.column(field)?;
        Some(self.cells.get(col as usize).unwrap_or(&Cell::Empty))
    }

    fn fail(&mut self, field: Field, message: String) {
        let col = self.table.column(field);
        let p = self.table.problem(self.sheet, self.row, col, message);
        self.problems.push(p);
    }

    /// The field's value if its column is there; `Err(())` once its problem is recorded.
    fn read<T>(
        &mut self,
        field: Field,
        parse: impl FnOnce(&Cell) -> Result<T, String>,
    ) -> Result<Option<T>, ()> {
        let Some(cell) = self.cell(field) else {
            return Ok(None);
        };
        parse(cell).map(Some).map_err(|message| {
            self.fail(field, message);
        })
    }

    fn school(&mut self) -> Option<RosterSchool> {
        let before = self.problems.len();
        let code = self.read(Field::Code, values::code);
        let name = self.read(Field::Name, |c| values::required_text(c, "school name"));
        let stage = self.read(Field::Stage, values::stage);
        let county = self.read(Field::County, values::text);
        let district = self.read(Field::District, values::text);
        let grade_from = self.read(Field::GradeFrom, values::grade);
        let grade_to = self.read(Field::GradeTo, values::grade);
        let enrolment = self.read(Field::Enrolment, values::enrolment);
        let boarding = self.read(Field::Boarding, |c| {
            values::yes_no(c).map(|b| b.unwrap_or(false))
        });
        let address = self.read(Field::Address, values::text);
        let supervisor = self.read(Field::Supervisor, values::text);
        let mut contact_parts = Vec::new();
        for field in [Field::ContactName, Field::ContactPhone, Field::Contact] {
            if let Ok(Some(part)) = self.read(field, values::text) {
                contact_parts.push(part);
            }
        }
        let mut facilities = BTreeMap::new();
        for f in Facility::ALL {
            if let Ok(Some(has)) = self.read(Field::Facility(f), values::yes_no) {
                facilities.insert(f, has);
            }
        }

        // 区县 or 乡镇/街道: at least one; an empty 乡镇/街道 is the 区县.
        let (county, district) = match (county, district) {
            (Ok(county), Ok(district)) => {
                let c = county.clone().unwrap_or_default();
                match district {
                    Some(d) if d.is_empty() && c.is_empty() => {
                        let field = if county.is_some() {
                            Field::County
                        } else {
                            Field::District
                        };
                        self.fail(field, "neither 区县 nor 乡镇/街道 is filled in".into());
                        (county, None)
                    }
                    Some(d) if d.is_empty() => (county, Some(c)),
                    None if c.is_empty() => {
                        self.fail(
                            Field::County,
                            "is empty; without a 乡镇/街道 column every school needs its 区县"
                                .into(),
                        );
                        (county, None)
                    }
                    d => (county, d),
                }
            }
            _ => (None, None),
        };

        let grades = match (&stage, grade_from, grade_to) {
            (Ok(Some(stage)), Ok(from), Ok(to)) => self.grades(*stage, from, to),
            _ => None,
        };

        if self.problems.len() > before {
            return None;
        }
        let contact = (self.table.has_contact()).then(|| {
            contact_parts
                .into_iter()
                .filter(|p| !p.is_empty())
                .collect::<Vec<_>>()
                .join(" ")
        });
        Some(RosterSchool {
            row: self.row,
            code: code.ok().flatten()?,
            name: name.ok().flatten()?,
            stage: stage.ok().flatten()?,
            county,
            district,
            grades,
            enrolment: enrolment.ok().flatten(),
            boarding: boarding.ok().flatten(),
            address: address.ok().flatten(),
            contact,
            supervisor: supervisor.ok().flatten(),
            facilities,
        })
    }

    /// The grades when the file has a grade column: blanks take the stage's, and the result
    /// must be a range within the stage (a 小学 has no grade 7).
    fn grades(
        &mut self,
        stage: Stage,
        from: Option<Option<u8>>,
        to: Option<Option<u8>>,
    ) -> Option<GradeRange> {
        if from.is_none() && to.is_none() {
            return None;
        }
        let own = stage.default_grades();
        let mut fits = true;
        for (field, g) in [(Field::GradeFrom, from), (Field::GradeTo, to)] {
            if let Some(Some(g)) = g {
                if !own.contains(g) {
                    fits = false;
                    self.fail(
                        field,
                        format!(
                            "grade {g} is not a {} grade ({}); check 学段 and the grades",
                            stage.zh(),
                            values::grades_shown(own)
                        ),
                    );
                }
            }
        }
        if !fits {
            return None;
        }
        let range = GradeRange::new(
            from.flatten().unwrap_or(own.from),
            to.flatten().unwrap_or(own.to),
        );
        if range.from > range.to {
            let field = if from.flatten().is_some() {
                Field::GradeFrom
            } else {
                Field::GradeTo
            };
            self.fail(
                field,
                format!(
                    "the first grade ({}) is above the last grade ({})",
                    range.from, range.to
                ),
            );
            return None;
        }
        Some(range)
    }
}

#[cfg(test)]
mod tests;
